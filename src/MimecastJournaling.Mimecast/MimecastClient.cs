using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MimecastJournaling.Mimecast;

/// <summary>
/// The one class that owns the Mimecast API 2.0 transport: OAuth 2.0 client credentials at
/// <c>/oauth/token</c> (the token renewed before it expires; a 401 forces one new token and one
/// retry), JSON requests with the bearer token, failures read from the body even in HTTP 200
/// (<see cref="MimecastErrorParser"/>), 429 waited out from <c>X-RateLimit-Reset</c> (milliseconds)
/// and a call held back while <c>X-RateLimit-Remaining</c> is 0, and page tokens. Every step goes to
/// <see cref="MimecastClientOptions.CallLog"/> without the secret, a token or a password.
/// Thread-safe; keep one per sign-in.
/// </summary>
public sealed class MimecastClient : IDisposable
{
    private static readonly JsonSerializerOptions BodyJson = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private readonly MimecastClientOptions _options;
    private readonly string _clientSecret;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _tokenGate = new(1, 1);
    private readonly object _rateGate = new();
    private string? _token;
    private DateTimeOffset _tokenExpiresOn;
    private DateTimeOffset _notBefore;

    /// <summary>Creates a client; nothing is sent until <see cref="SignInAsync"/> or the first call.</summary>
    /// <param name="options">Settings.</param>
    /// <param name="clientId">The API 2.0 application's client id.</param>
    /// <param name="clientSecret">Its client secret (kept in memory only, never logged).</param>
    /// <param name="handler">Optional HTTP handler (proxy, tests); the client disposes it.</param>
    public MimecastClient(MimecastClientOptions options, string clientId, string clientSecret, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientSecret);
        _options = options;
        ClientId = clientId;
        _clientSecret = clientSecret;
        BaseUri = options.ResolveBaseUri();
        if (!BaseUri.IsAbsoluteUri || (BaseUri.Scheme != Uri.UriSchemeHttps && !(BaseUri.Scheme == Uri.UriSchemeHttp && BaseUri.IsLoopback)))
            throw new ArgumentException($"The Mimecast API host must be an absolute https URL (http only for a loopback address): {BaseUri}", nameof(options));
        _http = new HttpClient(handler ?? new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true)
        {
            Timeout = options.RequestTimeout,
        };
    }

    /// <summary>The settings.</summary>
    public MimecastClientOptions Options => _options;

    /// <summary>The API host the calls go to.</summary>
    public Uri BaseUri { get; }

    /// <summary>The client id.</summary>
    public string ClientId { get; }

    /// <summary>When the current token expires (null before the first token).</summary>
    public DateTimeOffset? TokenExpiresOn => _token is null ? null : _tokenExpiresOn;

    /// <summary>Gets a token now (Connect-MimecastJournaling: a wrong secret fails here, not at the first call).</summary>
    public Task SignInAsync(CancellationToken cancellationToken = default) => GetTokenAsync(force: true, cancellationToken);

    /// <summary>Sends one API call and returns the answer's JSON (default for an empty body).</summary>
    /// <exception cref="MimecastApiException">Mimecast refused it, in the status or in the body.</exception>
    public async Task<JsonElement> SendAsync(HttpMethod method, string pathAndQuery, object? body = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentException.ThrowIfNullOrWhiteSpace(pathAndQuery);
        var json = body is null ? null : body as string ?? JsonSerializer.Serialize(body, BodyJson);
        var logged = json is null ? null : Redact(json);
        var operation = method.Method + " " + pathAndQuery;
        var reauthenticated = false;
        var attempt = 1;
        while (true)
        {
            var token = await GetTokenAsync(force: false, cancellationToken).ConfigureAwait(false);
            var (status, text, _) = await SendWithWaitsAsync(method, pathAndQuery, logged, attempt, () =>
            {
                var request = new HttpRequestMessage(method, new Uri(BaseUri, pathAndQuery));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
                return request;
            }, cancellationToken).ConfigureAwait(false);

            if (_options.ReauthenticateStatusCodes.Contains(status) && !reauthenticated)
            {
                reauthenticated = true;
                Log(new(MimecastCallEventKind.Reauthenticating, method.Method, pathAndQuery, attempt, StatusCode: status));
                await GetTokenAsync(force: true, cancellationToken).ConfigureAwait(false);
                attempt++;
                continue;
            }

            var root = Parse(text);
            var errors = root is { } r ? _options.ErrorParser.ReadErrors(r) : Array.Empty<MimecastErrorItem>();
            if (status is >= 200 and < 300 && errors.Count == 0)
            {
                if (text.Length > 0 && root is null)
                    throw Fail(new MimecastApiException(MimecastErrorKind.InvalidResponse, $"{operation}: Mimecast answered HTTP {status} with a body that is not JSON.") { StatusCode = status, Operation = operation });
                Log(new(MimecastCallEventKind.Received, method.Method, pathAndQuery, attempt, StatusCode: status));
                return root ?? default;
            }
            var kind = _options.ErrorParser.Classify(status, errors);
            if (status == 401 && reauthenticated) kind = MimecastErrorKind.AuthenticationFailed;
            var said = errors.Count > 0 ? string.Join("; ", errors) : text.Length > 0 ? Scrub(text.Length > 300 ? text[..300] + "…" : text) : "no details";
            var advice = kind switch
            {
                MimecastErrorKind.AuthenticationFailed => " A new token was refused too: check that the API application is still enabled and its key not revoked, then run Connect-MimecastJournaling again.",
                MimecastErrorKind.AccessDenied => " Give the API application's role the permission this call needs (see about_MimecastJournaling).",
                _ => "",
            };
            throw Fail(new MimecastApiException(kind, Scrub($"{operation}: Mimecast answered HTTP {status}{(status is >= 200 and < 300 ? " with a failure in the body" : "")}: {said}.{advice}"))
            {
                StatusCode = status,
                ErrorCode = errors.FirstOrDefault(e => e.Code is not null)?.Code,
                Operation = operation,
                Errors = errors.Select(e => e with { Message = e.Message is null ? null : Scrub(e.Message) }).ToArray(),
            });
        }
    }

    /// <summary>
    /// GETs a list and follows its page tokens; the items are read from the first of
    /// <paramref name="listKeys"/> present (or a bare array). A repeated token stops the loop.
    /// </summary>
    public async Task<IReadOnlyList<JsonElement>> GetListAsync(string path, IEnumerable<string> listKeys, bool paged, CancellationToken cancellationToken = default)
    {
        var keys = listKeys.ToArray();
        var items = new List<JsonElement>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? pageToken = null;
        for (var page = 1; ; page++)
        {
            var query = new List<string>();
            if (paged) query.Add($"{_options.PageSizeParameter}={_options.PageSize.ToString(CultureInfo.InvariantCulture)}");
            if (pageToken is not null) query.Add($"{_options.PageTokenParameter}={Uri.EscapeDataString(pageToken)}");
            var url = path + (query.Count == 0 ? "" : (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + string.Join("&", query));
            if (page > 1) Log(new(MimecastCallEventKind.Paging, "GET", url, Message: $"page {page}"));
            var root = await SendAsync(HttpMethod.Get, url, null, cancellationToken).ConfigureAwait(false);
            var list = FindList(root, keys);
            if (list is null)
                throw Fail(new MimecastApiException(MimecastErrorKind.InvalidResponse,
                    $"GET {path}: the answer has none of the list keys {string.Join(", ", keys)} (set MimecastClientOptions to the key Mimecast uses).") { Operation = "GET " + path, StatusCode = 200 });
            items.AddRange(list.Value.EnumerateArray());
            pageToken = NextPageToken(root);
            if (pageToken is null || list.Value.GetArrayLength() == 0 || !seen.Add(pageToken)) break;
            if (page >= _options.MaxPages)
                throw Fail(new MimecastApiException(MimecastErrorKind.InvalidResponse, $"GET {path} returned more than {_options.MaxPages} pages; stopped following page tokens.") { Operation = "GET " + path });
        }
        return items;
    }

    /// <summary>The list in <paramref name="root"/> under the first key present, or the root when it is an array.</summary>
    internal static JsonElement? FindList(JsonElement root, IEnumerable<string> keys)
    {
        if (root.ValueKind == JsonValueKind.Array) return root;
        if (root.ValueKind != JsonValueKind.Object) return null;
        foreach (var key in keys)
        {
            if (root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Array) return v;
        }
        return null;
    }

    /// <summary>The next-page token, from the first of <see cref="MimecastClientOptions.NextPageTokenPaths"/> that holds a non-empty string.</summary>
    internal string? NextPageToken(JsonElement root)
    {
        foreach (var path in _options.NextPageTokenPaths)
        {
            var node = root;
            var found = true;
            foreach (var part in path.Split('.'))
            {
                if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(part, out node)) { found = false; break; }
            }
            if (found && node.ValueKind == JsonValueKind.String && node.GetString() is { Length: > 0 } token) return token;
        }
        return null;
    }

    // ---- tokens ---------------------------------------------------------------------------------

    private async Task<string> GetTokenAsync(bool force, CancellationToken ct)
    {
        await _tokenGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!force && _token is not null && DateTimeOffset.UtcNow < _tokenExpiresOn - _options.TokenRenewBefore) return _token;
            var path = _options.TokenPath;
            var form = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
            if (_options.ClientAuthentication == MimecastClientAuthentication.RequestBody)
            {
                form.Add(new("client_id", ClientId));
                form.Add(new("client_secret", _clientSecret));
            }
            if (_options.Scope is { Length: > 0 } scope) form.Add(new("scope", scope));
            Log(new(MimecastCallEventKind.RequestingToken, "POST", path, Message: $"client credentials for client id {ClientId} ({_options.ClientAuthentication})"));
            var (status, text, _) = await SendWithWaitsAsync(HttpMethod.Post, path, $"grant_type=client_credentials&client_id={ClientId}&client_secret=***", 1, () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUri, path)) { Content = new FormUrlEncodedContent(form) };
                if (_options.ClientAuthentication == MimecastClientAuthentication.BasicHeader)
                {
                    var pair = Uri.EscapeDataString(ClientId) + ":" + Uri.EscapeDataString(_clientSecret);
                    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
                }
                return request;
            }, ct).ConfigureAwait(false);
            var root = Parse(text);
            string? accessToken = null;
            if (root is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("access_token", out var at) && at.ValueKind == JsonValueKind.String) accessToken = at.GetString();
            if (status is < 200 or >= 300 || string.IsNullOrEmpty(accessToken))
            {
                var errors = root is { } e ? _options.ErrorParser.ReadErrors(e) : Array.Empty<MimecastErrorItem>();
                var said = errors.Count > 0 ? string.Join("; ", errors) : status is >= 200 and < 300 ? "the answer has no access_token" : "no details";
                var kind = status is 400 or 401 or 403 or >= 200 and < 300 ? MimecastErrorKind.AuthenticationFailed : _options.ErrorParser.Classify(status, errors);
                throw Fail(new MimecastApiException(kind, Scrub(
                    $"Mimecast refused the sign-in of client id {ClientId} at {new Uri(BaseUri, path)} (HTTP {status}: {said}). " +
                    "Check the client id and the client secret of the API 2.0 application (the secret is shown once, when its key is generated) and the region or -BaseUri."))
                {
                    StatusCode = status,
                    ErrorCode = errors.FirstOrDefault()?.Code,
                    Operation = "POST " + path,
                    Errors = errors,
                });
            }
            var lifetime = _options.DefaultTokenLifetime;
            if (root!.Value.TryGetProperty("expires_in", out var ei))
            {
                if (ei.ValueKind == JsonValueKind.Number && ei.TryGetDouble(out var s) && s > 0) lifetime = TimeSpan.FromSeconds(s);
                else if (ei.ValueKind == JsonValueKind.String && double.TryParse(ei.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s2) && s2 > 0) lifetime = TimeSpan.FromSeconds(s2);
            }
            _token = accessToken;
            _tokenExpiresOn = DateTimeOffset.UtcNow + lifetime;
            Log(new(MimecastCallEventKind.TokenIssued, "POST", path, StatusCode: status, Message: $"expires {_tokenExpiresOn.ToString("u", CultureInfo.InvariantCulture)}"));
            return accessToken!;
        }
        finally
        {
            _tokenGate.Release();
        }
    }

    // ---- one request, waiting out 429 and transient failures ------------------------------------

    private async Task<(int Status, string Text, HttpResponseMessage? Response)> SendWithWaitsAsync(
        HttpMethod method, string path, string? loggedBody, int attempt, Func<HttpRequestMessage> build, CancellationToken ct)
    {
        var throttled = 0;
        var transient = 0;
        while (true)
        {
            TimeSpan hold;
            lock (_rateGate) hold = _notBefore - DateTimeOffset.UtcNow;
            if (hold > _options.MaxRateLimitWait)
            {
                throw Fail(new MimecastApiException(MimecastErrorKind.Throttled,
                    $"{method.Method} {path}: Mimecast said no calls are left until its rate-limit window resets in {Seconds(hold)} s, longer than the client waits ({Seconds(_options.MaxRateLimitWait)} s). Nothing was sent; run it again after that.")
                    { StatusCode = 429, RetryAfter = hold, Operation = method.Method + " " + path });
            }
            if (hold > TimeSpan.Zero)
            {
                Log(new(MimecastCallEventKind.Waiting, method.Method, path, attempt, Delay: hold, Message: "no calls left in this rate-limit window; waiting for the reset"));
                await Task.Delay(hold, ct).ConfigureAwait(false);
            }
            Log(new(MimecastCallEventKind.Sending, method.Method, path, attempt, loggedBody));
            using var request = build();
            request.Headers.UserAgent.ParseAdd(_options.UserAgent);
            request.Headers.Accept.ParseAdd("application/json");
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, ct).ConfigureAwait(false);
            }
            catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
            {
                throw Fail(new MimecastApiException(MimecastErrorKind.Other, $"{method.Method} {path}: no answer from {BaseUri.GetLeftPart(UriPartial.Authority)} within {_options.RequestTimeout.TotalSeconds:0} s.", e) { Operation = method.Method + " " + path });
            }
            catch (HttpRequestException e)
            {
                throw Fail(new MimecastApiException(MimecastErrorKind.Other, $"{method.Method} {path}: cannot reach {BaseUri.GetLeftPart(UriPartial.Authority)}: {e.Message}", e) { Operation = method.Method + " " + path });
            }
            using (response)
            {
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                var reset = RateLimitReset(response);
                if (Header(response, _options.RateLimitRemainingHeader) is "0" && reset is { } r0)
                {
                    lock (_rateGate) _notBefore = DateTimeOffset.UtcNow + r0;
                }
                if (status == 429)
                {
                    var wait = reset ?? RetryAfter(response) ?? _options.DefaultRateLimitWait;
                    throttled++;
                    if (throttled > _options.MaxRateLimitRetries || wait > _options.MaxRateLimitWait)
                    {
                        var errors = Parse(text) is { } b ? _options.ErrorParser.ReadErrors(b) : Array.Empty<MimecastErrorItem>();
                        throw Fail(new MimecastApiException(MimecastErrorKind.Throttled,
                            Scrub($"{method.Method} {path}: Mimecast's rate limit was reached ({(errors.Count > 0 ? string.Join("; ", errors) : "HTTP 429")}); it asks to wait {Seconds(wait)} s. Nothing was changed by the refused call; run it again after that.")
                            ) { StatusCode = 429, RetryAfter = wait, Operation = method.Method + " " + path, Errors = errors });
                    }
                    lock (_rateGate) _notBefore = DateTimeOffset.UtcNow + wait;
                    Log(new(MimecastCallEventKind.Waiting, method.Method, path, attempt, StatusCode: 429, Delay: wait, Message: "rate limit reached (the call was not run); waiting for the reset"));
                    continue;
                }
                if (_options.TransientStatusCodes.Contains(status) && method == HttpMethod.Get && transient < _options.MaxTransientRetries)
                {
                    var wait = RetryAfter(response) ?? TimeSpan.FromTicks(_options.BaseRetryDelay.Ticks << transient);
                    transient++;
                    Log(new(MimecastCallEventKind.Waiting, method.Method, path, attempt, StatusCode: status, Delay: wait, Message: "transient failure"));
                    await Task.Delay(wait, ct).ConfigureAwait(false);
                    continue;
                }
                return (status, text, null);
            }
        }
    }

    private TimeSpan? RateLimitReset(HttpResponseMessage response)
    {
        foreach (var name in _options.RateLimitResetHeaders)
        {
            if (Header(response, name) is { } v && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
                return TimeSpan.FromMilliseconds(ms);
        }
        return null;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var h = response.Headers.RetryAfter;
        if (h?.Delta is { } d) return d;
        if (h?.Date is { } date) return date - DateTimeOffset.UtcNow is var span && span > TimeSpan.Zero ? span : TimeSpan.Zero;
        return null;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault()
        : response.Content.Headers.TryGetValues(name, out var cv) ? cv.FirstOrDefault() : null;

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static JsonElement? Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // ---- secrets out of every text --------------------------------------------------------------

    /// <summary>The JSON with every <see cref="MimecastClientOptions.SecretFields"/> value replaced by "***".</summary>
    internal string Redact(string json)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(json); }
        catch (JsonException) { return Scrub(json); }
        RedactNode(node);
        return Scrub(node?.ToJsonString() ?? "");
    }

    private void RedactNode(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToArray())
                {
                    if (_options.SecretFields.Contains(key) && o[key] is not null) o[key] = "***";
                    else RedactNode(o[key]);
                }
                break;
            case JsonArray a:
                foreach (var item in a) RedactNode(item);
                break;
        }
    }

    /// <summary>Removes the client secret and the token from a text (an answer may echo them).</summary>
    internal string Scrub(string text)
    {
        if (text.Contains(_clientSecret, StringComparison.Ordinal)) text = text.Replace(_clientSecret, "***", StringComparison.Ordinal);
        if (_token is { Length: > 0 } t && text.Contains(t, StringComparison.Ordinal)) text = text.Replace(t, "***", StringComparison.Ordinal);
        return text;
    }

    private MimecastApiException Fail(MimecastApiException e)
    {
        Log(new(MimecastCallEventKind.Failed, e.Operation?.Split(' ')[0] ?? "", e.Operation?.Split(' ', 2).ElementAtOrDefault(1) ?? "", StatusCode: e.StatusCode, Message: $"{e.Kind}: {e.Message}"));
        return e;
    }

    private void Log(MimecastCallEvent e)
    {
        try { _options.CallLog?.Invoke(e); }
        catch (Exception) { /* a logging callback never breaks a call */ }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _http.Dispose();
        _tokenGate.Dispose();
    }
}
