using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace MimecastJournaling.ExchangeOnline;

/// <summary>Runs one Exchange Online cmdlet. The seam the typed wrappers and cmdlets depend on.</summary>
public interface IExchangeCommandRunner
{
    /// <summary>Runs <paramref name="cmdletName"/> with <paramref name="parameters"/> and returns every object over all pages.</summary>
    /// <exception cref="ExchangeCommandException">The cmdlet failed (Exchange's text, type and a category).</exception>
    Task<ExchangeCommandResult> InvokeAsync(
        string cmdletName, IEnumerable<KeyValuePair<string, object?>>? parameters = null,
        ExchangeInvokeOptions? options = null, CancellationToken cancellationToken = default);
}

/// <summary>
/// The one class that owns the undocumented Exchange Online admin API transport:
/// <c>POST {base}/adminapi/beta/{tenant}/InvokeCommand</c> with
/// <c>{"CmdletInput":{"CmdletName":…,"Parameters":{…}}}</c>, X-AnchorMailbox routing, nextLink
/// paging, the <c>ExId|Type|Text</c> error details, 429/Retry-After and concurrency-limit back-off,
/// 302 to regional hosts (token only to trusted hosts) and one re-authentication on 401.
/// Thread-safe; keep one per tenant and sign-in.
/// </summary>
public sealed class ExchangeOnlineClient : IExchangeCommandRunner, IDisposable
{
    private readonly ExchangeOnlineClientOptions _options;
    private readonly IAccessTokenProvider _tokens;
    private readonly HttpClient _http;
    private readonly string _connectionId = Guid.NewGuid().ToString();
    private readonly ExchangeOnlineEnvironment _trust;
    private volatile Uri? _pinnedBase;

    /// <summary>Creates a client.</summary>
    /// <param name="options">Settings; <see cref="ExchangeOnlineClientOptions.Tenant"/> is required.</param>
    /// <param name="tokens">The sign-in seam.</param>
    /// <param name="handler">
    /// Optional HTTP handler (proxy, tests). It must not follow redirects itself: the client follows
    /// them so that it decides where the token goes. A <see cref="SocketsHttpHandler"/> or
    /// <see cref="HttpClientHandler"/> is switched to AllowAutoRedirect = false when not yet used.
    /// The client disposes it.
    /// </param>
    public ExchangeOnlineClient(ExchangeOnlineClientOptions options, IAccessTokenProvider tokens, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tokens);
        if (string.IsNullOrWhiteSpace(options.Tenant)) throw new ArgumentException("The tenant (id or initial domain) is required.", nameof(options));
        _options = options;
        _tokens = tokens;
        _trust = options.TrustedRedirectHostSuffixes is null
            ? options.Environment
            : options.Environment with { TrustedHostSuffixes = options.TrustedRedirectHostSuffixes.ToArray() };
        switch (handler)
        {
            case null:
                handler = new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    AutomaticDecompression = DecompressionMethods.All,
                    UseCookies = true, // regional affinity cookies
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                };
                break;
            case SocketsHttpHandler { AllowAutoRedirect: true } s:
                s.AllowAutoRedirect = false;
                break;
            case HttpClientHandler { AllowAutoRedirect: true } h:
                h.AllowAutoRedirect = false;
                break;
        }
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = options.RequestTimeout };
    }

    /// <summary>The admin API base the next call goes to (the regional host after a pinned redirect).</summary>
    public Uri CurrentBase => _pinnedBase ?? _options.Environment.AdminApiBase;

    /// <inheritdoc />
    public async Task<ExchangeCommandResult> InvokeAsync(
        string cmdletName, IEnumerable<KeyValuePair<string, object?>>? parameters = null,
        ExchangeInvokeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cmdletName);
        var call = new Call(cmdletName, Normalize(cmdletName, parameters), options ?? new ExchangeInvokeOptions());
        call.Body = BuildBody(cmdletName, call.Parameters);
        var dash = cmdletName.IndexOf('-', StringComparison.Ordinal);
        call.IsIdempotent = !_options.NonIdempotentVerbs.Contains(dash > 0 ? cmdletName[..dash] : cmdletName);
        Log(call, ExchangeCommandEventKind.Invoking, 1);
        try
        {
            var objects = new List<ExchangeObject>();
            var warnings = new List<string>();
            var url = BuildInvokeUri();
            var method = HttpMethod.Post;
            var pages = 0;
            while (true)
            {
                var page = await ExecuteAsync(call, method, url, cancellationToken).ConfigureAwait(false);
                if (page.Completed is not null)
                {
                    Log(call, ExchangeCommandEventKind.Succeeded, call.Attempt, message: $"{page.Completed.Objects.Count} object(s) from the retry hook");
                    return page.Completed;
                }
                pages++;
                objects.AddRange(page.Objects);
                warnings.AddRange(page.Warnings);
                if (page.NextLink is null) break;
                if (pages >= _options.MaxPages)
                    throw Local(call, ExchangeErrorCategory.Other, $"{cmdletName} returned more than {_options.MaxPages} pages; stopped following nextLink.");
                var next = new Uri(page.FinalUrl, page.NextLink);
                if (!SameOrigin(next, page.FinalUrl) && !IsTrustedTarget(page.FinalUrl, next))
                    throw Local(call, ExchangeErrorCategory.Other, $"{cmdletName}: refusing to follow a nextLink to another origin ({next.GetLeftPart(UriPartial.Authority)}).");
                url = next;
                method = _options.NextLinkMethod == NextLinkMethod.Get ? HttpMethod.Get : HttpMethod.Post;
                Log(call, ExchangeCommandEventKind.Paging, call.Attempt, Redact(url), message: $"page {pages + 1}");
            }
            Log(call, ExchangeCommandEventKind.Succeeded, call.Attempt, message: $"{objects.Count} object(s) in {pages} page(s)");
            return new ExchangeCommandResult(objects, warnings, pages);
        }
        catch (ExchangeCommandException ex)
        {
            Log(call, ExchangeCommandEventKind.Failed, call.Attempt, statusCode: ex.StatusCode, message: $"{ex.Category}: {ex.Message}");
            throw;
        }
    }

    // ---- one request with retries and re-authentication ------------------------------------------

    private async Task<Page> ExecuteAsync(Call call, HttpMethod method, Uri url, CancellationToken ct)
    {
        var reauthenticated = false;
        var forceRefresh = false;
        var failures = 0;
        while (true)
        {
            var sent = await SendFollowingRedirectsAsync(call, method, url, forceRefresh, ct).ConfigureAwait(false);
            forceRefresh = false;
            using var response = sent.Response;
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return await ReadPageAsync(response, sent.FinalUrl, ct).ConfigureAwait(false);
                }
                catch (JsonException ex)
                {
                    throw Local(call, ExchangeErrorCategory.Other, $"{call.CmdletName}: Exchange Online answered HTTP {(int)response.StatusCode} with a body that is not JSON ({ex.Message}).", ex);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    throw Local(call, ExchangeErrorCategory.Other, $"{call.CmdletName}: the response from {sent.FinalUrl.GetLeftPart(UriPartial.Authority)} could not be read: {ex.Message}", ex);
                }
            }

            var body = await ReadBodySafelyAsync(response, ct).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status == 401 && sent.TokenSent && !reauthenticated)
            {
                reauthenticated = true;
                forceRefresh = true;
                Log(call, ExchangeCommandEventKind.Reauthenticating, call.Attempt, Redact(sent.FinalUrl), status);
                continue;
            }

            var error = _options.ErrorParser.Parse(new ExchangeErrorResponse(call.CmdletName, response.StatusCode, body, name => Header(response, name)));
            var retryAfter = RetryAfter(response);
            ExchangeRetryReason? reason = null;
            if (status == 429) reason = ExchangeRetryReason.Throttled;
            else if (_options.ErrorParser.IsConcurrencyLimit(error.Message) || _options.ErrorParser.IsConcurrencyLimit(body)) reason = ExchangeRetryReason.ConcurrencyLimit;
            else if (_options.TransientStatusCodes.Contains(status) && call.IsIdempotent) reason = ExchangeRetryReason.TransientFailure;

            failures++;
            var finalError = WithAttempts(error, call.Attempt, retryAfter, reason is null ? error.Category : ExchangeErrorCategory.Throttled, reason);
            if (reason is null || failures > _options.MaxRetries) throw finalError;
            if (retryAfter is { } ra && ra > _options.MaxRetryAfter) throw finalError;

            var delay = retryAfter ?? Backoff(failures);
            if (call.Options.BeforeRetry is { } hook)
            {
                var decision = await hook(new ExchangeRetryContext(call.CmdletName, call.Parameters, call.Attempt, reason.Value, delay, call.IsIdempotent, finalError), ct).ConfigureAwait(false);
                if (decision.Kind == 1) throw finalError;
                if (decision.Kind == 2) return new Page(Array.Empty<ExchangeObject>(), Array.Empty<string>(), null, url, decision.Result);
            }
            Log(call, ExchangeCommandEventKind.Retrying, call.Attempt, Redact(sent.FinalUrl), status, delay, $"{reason}: {error.Message}");
            await Task.Delay(delay, ct).ConfigureAwait(false);
            call.Attempt++;
        }
    }

    private static ExchangeCommandException WithAttempts(ExchangeCommandException e, int attempts, TimeSpan? retryAfter, ExchangeErrorCategory category, ExchangeRetryReason? reason) =>
        new(e.CmdletName, reason is ExchangeRetryReason.TransientFailure ? e.Category : category, e.Message, e.InnerException)
        {
            StatusCode = e.StatusCode,
            ErrorCode = e.ErrorCode,
            ExchangeErrorId = e.ExchangeErrorId,
            ExchangeExceptionType = e.ExchangeExceptionType,
            Details = e.Details,
            Diagnostics = e.Diagnostics,
            RetryAfter = retryAfter,
            Attempts = attempts,
        };

    private TimeSpan Backoff(int failures)
    {
        var ms = _options.BaseRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 16));
        ms = Math.Min(ms, _options.MaxRetryDelay.TotalMilliseconds);
        // Up to 20% jitter so parallel runbooks do not retry in lock-step.
        ms *= 1 + Random.Shared.NextDouble() * 0.2;
        return TimeSpan.FromMilliseconds(Math.Min(ms, _options.MaxRetryDelay.TotalMilliseconds));
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var h = response.Headers.RetryAfter;
        if (h?.Delta is { } d) return d < TimeSpan.Zero ? TimeSpan.Zero : d;
        if (h?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    // ---- redirects ----------------------------------------------------------------------------------

    private async Task<Sent> SendFollowingRedirectsAsync(Call call, HttpMethod method, Uri url, bool forceRefresh, CancellationToken ct)
    {
        var current = url;
        var sendToken = true; // the first URL is ours (configured base, pinned trusted host, or checked nextLink)
        var token = await GetTokenAsync(call, forceRefresh, ct).ConfigureAwait(false); // once per attempt, not per hop
        // A retry after a pinned redirect goes to the regional host directly.
        if (_pinnedBase is { } pin && SameOrigin(current, _options.Environment.AdminApiBase))
            current = new Uri(pin, current.PathAndQuery);
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(method, current);
            if (method == HttpMethod.Post)
                request.Content = new ByteArrayContent(call.Body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
            AddHeaders(call, request, sendToken ? token : null);
            Log(call, ExchangeCommandEventKind.Sending, call.Attempt, Redact(current));
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw Local(call, ExchangeErrorCategory.Other, $"{call.CmdletName}: could not reach {current.GetLeftPart(UriPartial.Authority)}: {ex.Message}", ex);
            }
            catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
            {
                throw Local(call, ExchangeErrorCategory.Other, $"{call.CmdletName}: no answer from {current.GetLeftPart(UriPartial.Authority)} within {_options.RequestTimeout}.", ex);
            }

            if (!IsRedirect(response.StatusCode) || response.Headers.Location is null)
                return new Sent(response, current, sendToken);

            var target = response.Headers.Location.IsAbsoluteUri ? response.Headers.Location : new Uri(current, response.Headers.Location);
            response.Dispose();
            if (_options.RewriteRedirectPort446 && target.Port == 446 && target.Scheme == Uri.UriSchemeHttps)
                target = new UriBuilder(target) { Port = 443 }.Uri;
            if (hop >= _options.MaxRedirects)
                throw Local(call, ExchangeErrorCategory.Other, $"{call.CmdletName}: more than {_options.MaxRedirects} redirects.");

            var trusted = IsTrustedTarget(current, target);
            Log(call, ExchangeCommandEventKind.Redirected, call.Attempt, Redact(current), (int)response.StatusCode,
                message: $"to {target.GetLeftPart(UriPartial.Authority)} ({(trusted ? "trusted: token re-attached" : "untrusted: no token")})");
            if (!trusted)
            {
                if (_options.UntrustedRedirect == UntrustedRedirectHandling.Fail)
                    throw Local(call, ExchangeErrorCategory.Other,
                        $"{call.CmdletName}: Exchange Online redirected to {target.GetLeftPart(UriPartial.Authority)}, which is not a trusted host of this cloud; the request was not sent there. Add the host to TrustedRedirectHostSuffixes if it is genuine.");
                sendToken = false;
            }
            else if (sendToken && _options.PinRedirectedHost && !SameOrigin(target, current))
            {
                _pinnedBase = new Uri(target.GetLeftPart(UriPartial.Authority));
            }
            current = target;
        }
    }

    private static bool IsRedirect(HttpStatusCode s) => (int)s is 301 or 302 or 303 or 307 or 308;

    /// <summary>Trusted: a host of the cloud (or configured) and no downgrade from https to http.</summary>
    private bool IsTrustedTarget(Uri from, Uri target) =>
        _trust.IsTrustedHost(target.Host) && !(from.Scheme == Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttps);

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    // ---- request shape ------------------------------------------------------------------------------

    private Uri BuildInvokeUri()
    {
        var path = _options.InvokeCommandPath.Replace("{tenant}", Uri.EscapeDataString(_options.Tenant), StringComparison.OrdinalIgnoreCase);
        return new Uri(CurrentBase, path);
    }

    private async Task<string> GetTokenAsync(Call call, bool forceRefresh, CancellationToken ct)
    {
        try
        {
            return await _tokens.GetTokenAsync(new AccessTokenRequest(_options.Environment.Scope, forceRefresh), ct).ConfigureAwait(false);
        }
        catch (AccessTokenException ex)
        {
            throw Local(call, ExchangeErrorCategory.AccessDenied, ex.Message, ex);
        }
    }

    private void AddHeaders(Call call, HttpRequestMessage request, string? token)
    {
        foreach (var (name, value) in _options.Headers)
            request.Headers.TryAddWithoutValidation(name, value);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.TryAddWithoutValidation("X-AnchorMailbox", _options.ResolveAnchorMailbox());
        var pageSize = call.Options.MaxPageSize ?? _options.MaxPageSize;
        if (pageSize is > 0) request.Headers.TryAddWithoutValidation("Prefer", "odata.maxpagesize=" + pageSize.Value.ToString(CultureInfo.InvariantCulture));
        if (_options.SendCmdletNameHeader) request.Headers.TryAddWithoutValidation("X-CmdletName", call.CmdletName);
        if (_options.ClientRequestIdHeader is { Length: > 0 } rid) request.Headers.TryAddWithoutValidation(rid, Guid.NewGuid().ToString());
        if (_options.ConnectionIdHeader is { Length: > 0 } cid) request.Headers.TryAddWithoutValidation(cid, _connectionId);
        request.Headers.UserAgent.Clear();
        request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
    }

    private List<KeyValuePair<string, object?>> Normalize(string cmdletName, IEnumerable<KeyValuePair<string, object?>>? parameters)
    {
        var list = new List<KeyValuePair<string, object?>>();
        if (parameters is not null)
        {
            foreach (var p in parameters)
            {
                ArgumentException.ThrowIfNullOrWhiteSpace(p.Key, nameof(parameters));
                list.Add(p);
            }
        }
        if (_options.CmdletsTakingResultSize.Contains(cmdletName) && !list.Exists(p => p.Key.Equals("ResultSize", StringComparison.OrdinalIgnoreCase)))
            list.Add(new("ResultSize", "Unlimited"));
        return list;
    }

    /// <summary>The request body: {"CmdletInput":{"CmdletName":…,"Parameters":{…}}}.</summary>
    internal static byte[] BuildBody(string cmdletName, IReadOnlyList<KeyValuePair<string, object?>> parameters)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WritePropertyName("CmdletInput");
            w.WriteStartObject();
            w.WriteString("CmdletName", cmdletName);
            w.WritePropertyName("Parameters");
            w.WriteStartObject();
            foreach (var (name, value) in parameters)
            {
                w.WritePropertyName(name);
                WriteValue(w, value);
            }
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case Enum e: w.WriteStringValue(e.ToString()); break;
            case int or long or short or byte or sbyte or ushort or uint:
                w.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case ulong ul: w.WriteNumberValue(ul); break;
            case double d: w.WriteNumberValue(d); break;
            case float f: w.WriteNumberValue(f); break;
            case decimal m: w.WriteNumberValue(m); break;
            case DateTimeOffset dto: w.WriteStringValue(dto.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)); break;
            case DateTime dt: w.WriteStringValue((dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt.ToUniversalTime()).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)); break;
            case TimeSpan ts: w.WriteStringValue(ts.ToString("c", CultureInfo.InvariantCulture)); break;
            case Guid g: w.WriteStringValue(g.ToString()); break;
            case Uri u: w.WriteStringValue(u.ToString()); break;
            case IDictionary dict:
                // Hashtable-valued parameters carry this annotation (seen in public clients).
                w.WriteStartObject();
                w.WriteString("@odata.type", "#Exchange.GenericHashTable");
                foreach (DictionaryEntry entry in dict)
                {
                    w.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture)!);
                    WriteValue(w, entry.Value);
                }
                w.WriteEndObject();
                break;
            case IEnumerable items:
                w.WriteStartArray();
                foreach (var item in items) WriteValue(w, item);
                w.WriteEndArray();
                break;
            case IFormattable fmt: w.WriteStringValue(fmt.ToString(null, CultureInfo.InvariantCulture)); break;
            default: w.WriteStringValue(value.ToString()); break;
        }
    }

    // ---- responses ----------------------------------------------------------------------------------

    private static async Task<Page> ReadPageAsync(HttpResponseMessage response, Uri finalUrl, CancellationToken ct)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NoContent || IsBlank(bytes))
            return new Page(Array.Empty<ExchangeObject>(), Array.Empty<string>(), null, finalUrl, null);
        using var doc = JsonDocument.Parse(bytes);
        var root = doc.RootElement;
        var objects = new List<ExchangeObject>();
        var warnings = new List<string>();
        string? next = null;
        if (root.ValueKind == JsonValueKind.Object)
        {
            if (root.TryGetProperty("value", out var value))
            {
                if (value.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in value.EnumerateArray())
                        if (item.ValueKind == JsonValueKind.Object) objects.Add(ExchangeObject.FromJson(item));
                }
                else if (value.ValueKind == JsonValueKind.Object)
                {
                    objects.Add(ExchangeObject.FromJson(value));
                }
            }
            foreach (var name in new[] { "@adminapi.warnings", "adminapi.warnings" })
            {
                if (root.TryGetProperty(name, out var w) && w.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in w.EnumerateArray())
                        if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } text) warnings.Add(text);
                    break;
                }
            }
            foreach (var name in new[] { "@odata.nextLink", "odata.nextLink" })
            {
                if (root.TryGetProperty(name, out var n) && n.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(n.GetString()))
                {
                    next = n.GetString();
                    break;
                }
            }
        }
        return new Page(objects, warnings, next, finalUrl, null);
    }

    private static bool IsBlank(byte[] bytes)
    {
        foreach (var b in bytes) if (b is not (0 or (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t')) return false;
        return true;
    }

    /// <summary>The body as text; empty when absent, undecodable (e.g. NUL bytes "declared as gzip") or only NUL.</summary>
    private static async Task<string> ReadBodySafelyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            if (IsBlank(bytes)) return "";
            return Encoding.UTF8.GetString(bytes).TrimEnd('\0');
        }
        catch (Exception ex) when (ex is InvalidDataException or HttpRequestException or IOException)
        {
            return "";
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var v) || response.Content.Headers.TryGetValues(name, out v) ? string.Join(", ", v) : null;

    // ---- logging ------------------------------------------------------------------------------------

    private static string Redact(Uri url) => url.GetLeftPart(UriPartial.Path) + (url.Query.Length > 0 ? "?…" : "");

    private void Log(Call call, ExchangeCommandEventKind kind, int attempt, string? url = null, int? statusCode = null, TimeSpan? delay = null, string? message = null)
    {
        var log = _options.CommandLog;
        if (log is null) return;
        try
        {
            log(new ExchangeCommandEvent(kind, call.CmdletName, call.Parameters, attempt, url, statusCode, delay, message));
        }
        catch (Exception ex)
        {
            Debug.WriteLine("ExchangeOnlineClient: the command log callback failed: " + ex.Message);
        }
    }

    private static ExchangeCommandException Local(Call call, ExchangeErrorCategory category, string message, Exception? inner = null) =>
        new(call.CmdletName, category, message, inner) { Attempts = call.Attempt };

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private sealed class Call(string cmdletName, List<KeyValuePair<string, object?>> parameters, ExchangeInvokeOptions options)
    {
        public string CmdletName { get; } = cmdletName;
        public IReadOnlyList<KeyValuePair<string, object?>> Parameters { get; } = parameters.AsReadOnly();
        public ExchangeInvokeOptions Options { get; } = options;
        public byte[] Body { get; set; } = Array.Empty<byte>();
        public int Attempt { get; set; } = 1;
        public bool IsIdempotent { get; set; } = true;
    }

    private sealed record Page(IReadOnlyList<ExchangeObject> Objects, IReadOnlyList<string> Warnings, string? NextLink, Uri FinalUrl, ExchangeCommandResult? Completed);

    private sealed record Sent(HttpResponseMessage Response, Uri FinalUrl, bool TokenSent);
}
