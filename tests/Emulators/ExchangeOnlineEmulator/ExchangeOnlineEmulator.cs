using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MimecastJournaling.Emulators.ExchangeOnline;

/// <summary>A request the emulator received (for assertions on headers and body).</summary>
public sealed record RecordedRequest(
    string Listener, string Method, string Host, string PathAndQuery,
    IReadOnlyDictionary<string, string> Headers, string Body, int StatusCode)
{
    /// <summary>The Authorization header, or null.</summary>
    public string? Authorization => Headers.TryGetValue("Authorization", out var v) ? v : null;
}

/// <summary>
/// Exchange Online on 127.0.0.1: a "front door" listener and a "regional" listener (http, for 302
/// tests) serving <c>/adminapi/beta/{tenant}/InvokeCommand</c> and the managed identity endpoint,
/// and an https "login" listener for MSAL (see the Identity part); every listener answers every
/// route, over one shared state.
/// </summary>
public sealed partial class ExchangeOnlineEmulator : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (List<System.Text.Json.Nodes.JsonObject> Items, int Offset, long DeltaToken)> _graphContinuations = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, (List<Dictionary<string, object?>> Items, int Offset)> _continuations = new(StringComparer.Ordinal);
    private readonly object _switchLock = new();
    private int _throttleCount, _throttleRetryAfter, _concurrencyCount, _concurrencyStatus, _failAfterExecuteCount;
    private int _continuationSerial;
    private WebApplication? _frontDoor, _regional, _login;

    private ExchangeOnlineEmulator() { }

    /// <summary>The tenant id (GUID) the emulator answers for.</summary>
    public string TenantId { get; } = "9f3c6a2e-5d1b-4c8e-a7f0-3b2d1e4c5a60";
    /// <summary>The tenant's initial domain.</summary>
    public string InitialDomain { get; } = "contoso.onmicrosoft.com";
    /// <summary>The client id the token endpoint accepts.</summary>
    public string ClientId { get; } = "6d0e7c3b-1a2f-4e5d-9c8b-7a6f5e4d3c2b";
    /// <summary>The client secret the token endpoint accepts (synthetic).</summary>
    public string ClientSecret { get; } = "emulator-secret-not-real";
    /// <summary>Port of the front-door listener (127.0.0.1).</summary>
    public int FrontDoorPort { get; private set; }
    /// <summary>Port of the regional listener (127.0.0.1).</summary>
    public int RegionalPort { get; private set; }
    /// <summary>The front door by IP.</summary>
    public Uri FrontDoorBase => new($"http://127.0.0.1:{FrontDoorPort}");
    /// <summary>The regional listener by IP.</summary>
    public Uri RegionalBase => new($"http://127.0.0.1:{RegionalPort}");
    /// <summary>The tenant state (contacts, connectors, transport config, rules, domains, recipients).</summary>
    public EmulatorState State { get; } = new();

    /// <summary>Microsoft Graph's side of the tenant (domains, users with delta tracking), served under /v1.0 on both listeners.</summary>
    public GraphState Graph { get; } = new();

    /// <summary>Page size when the request has no <c>Prefer: odata.maxpagesize</c>.</summary>
    public int DefaultPageSize { get; set; } = 1000;

    /// <summary>
    /// When set, the front door answers every admin API request with 302 to this base (scheme, host,
    /// port) plus the original path and query; the regional listener never redirects.
    /// </summary>
    public Uri? RedirectTo { get; set; }

    /// <summary>When true, InvokeCommand without X-AnchorMailbox is refused (400).</summary>
    public bool RequireAnchorMailbox { get; set; } = true;

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    /// <summary>Forget recorded requests.</summary>
    public void ClearRequests() => _requests.Clear();

    /// <summary>Starts both listeners on free ports of 127.0.0.1.</summary>
    public static async Task<ExchangeOnlineEmulator> StartAsync(CancellationToken cancellationToken = default)
    {
        var emulator = new ExchangeOnlineEmulator();
        emulator.CreateCertificates();
        (emulator._frontDoor, emulator.FrontDoorPort) = await StartListenerAsync("front-door", emulator, null, cancellationToken).ConfigureAwait(false);
        (emulator._regional, emulator.RegionalPort) = await StartListenerAsync("regional", emulator, null, cancellationToken).ConfigureAwait(false);
        (emulator._login, emulator.LoginPort) = await StartListenerAsync("login", emulator, emulator._serverCertificate, cancellationToken).ConfigureAwait(false);
        return emulator;
    }

    private static async Task<(WebApplication, int)> StartListenerAsync(string name, ExchangeOnlineEmulator emulator, System.Security.Cryptography.X509Certificates.X509Certificate2? https, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "ExchangeOnlineEmulator", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o =>
        {
            if (https is not null) o.UseHttps(https);
        }));
        var app = builder.Build();
        app.Run(ctx => emulator.HandleAsync(name, ctx));
        await app.StartAsync(ct).ConfigureAwait(false);
        var address = app.Services.GetRequiredServiceFeature().Addresses.Single();
        return (app, new Uri(address).Port);
    }

    // ---- switches -----------------------------------------------------------------------------------

    /// <summary>The next <paramref name="count"/> admin API requests get 429 with Retry-After: <paramref name="retryAfterSeconds"/>.</summary>
    public void ThrottleNext(int count, int retryAfterSeconds = 1)
    {
        lock (_switchLock) { _throttleCount = count; _throttleRetryAfter = retryAfterSeconds; }
    }

    /// <summary>
    /// The next <paramref name="count"/> admin API requests fail with the per-tenant concurrency
    /// message (status <paramref name="statusCode"/>; the real status is unconfirmed).
    /// </summary>
    public void ConcurrencyLimitNext(int count, int statusCode = 500)
    {
        lock (_switchLock) { _concurrencyCount = count; _concurrencyStatus = statusCode; }
    }

    /// <summary>
    /// The next <paramref name="count"/> cmdlets are executed (state changes) but answered with the
    /// concurrency-limit error, as when a throttled write went through after all.
    /// </summary>
    public void FailAfterExecuteNext(int count)
    {
        lock (_switchLock) { _failAfterExecuteCount = count; }
    }

    // ---- HTTP ---------------------------------------------------------------------------------------

    private async Task HandleAsync(string listener, HttpContext ctx)
    {
        string body;
        using (var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8))
            body = await reader.ReadToEndAsync(ctx.RequestAborted).ConfigureAwait(false);
        try
        {
            await RouteAsync(listener, ctx, body).ConfigureAwait(false);
        }
        finally
        {
            var headers = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            _requests.Enqueue(new RecordedRequest(listener, ctx.Request.Method, ctx.Request.Host.Value ?? "",
                ctx.Request.Path + ctx.Request.QueryString, headers, body, ctx.Response.StatusCode));
        }
    }

    private async Task RouteAsync(string listener, HttpContext ctx, string body)
    {
        var segments = (ctx.Request.Path.Value ?? "").Trim('/').Split('/');
        if (await RouteIdentityAsync(ctx, segments, body).ConfigureAwait(false))
        {
            return;
        }
        if (segments.Length == 4 && segments[0].Equals("adminapi", StringComparison.OrdinalIgnoreCase) && segments[1] == "beta"
            && segments[3].Equals("InvokeCommand", StringComparison.OrdinalIgnoreCase))
        {
            await InvokeCommandAsync(listener, ctx, segments[2], body).ConfigureAwait(false);
            return;
        }
        if (segments.Length >= 2 && segments[0] == "v1.0")
        {
            await GraphAsync(ctx, segments).ConfigureAwait(false);
            return;
        }
        if (segments.Length >= 2 && segments[0].Equals("adminapi", StringComparison.OrdinalIgnoreCase) && segments[1] == "v1.0")
        {
            // The v1.0 route does not take InvokeCommand (measured 405 by a public client).
            ctx.Response.StatusCode = 405;
            return;
        }
        ctx.Response.StatusCode = 404;
    }

    private async Task InvokeCommandAsync(string listener, HttpContext ctx, string tenant, string body)
    {
        // 302 to a regional host, as the front door sometimes does.
        if (listener == "front-door" && RedirectTo is { } regional)
        {
            ctx.Response.StatusCode = 302;
            ctx.Response.Headers.Location = new Uri(regional, ctx.Request.Path + ctx.Request.QueryString).ToString();
            return;
        }

        // Only tokens issued here, and not those for another resource (Microsoft Graph).
        var auth = ctx.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !_validTokens.TryGetValue(auth[7..], out var presented)
            || IsGraphAudience(presented.Audience))
        {
            ctx.Response.StatusCode = 401;
            ctx.Response.Headers.WWWAuthenticate = "Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\", trusted_issuers=\"00000001-0000-0000-c000-000000000000@*\", error=\"invalid_token\"";
            return;
        }

        bool throttle, concurrency;
        int retryAfter, concurrencyStatus;
        lock (_switchLock)
        {
            throttle = _throttleCount > 0;
            if (throttle) _throttleCount--;
            retryAfter = _throttleRetryAfter;
            concurrency = !throttle && _concurrencyCount > 0;
            if (concurrency) _concurrencyCount--;
            concurrencyStatus = _concurrencyStatus;
        }
        if (throttle)
        {
            ctx.Response.StatusCode = 429;
            ctx.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteJsonAsync(ctx, ErrorEnvelope("TooManyRequests", "Too many requests", null)).ConfigureAwait(false);
            return;
        }
        if (concurrency)
        {
            ctx.Response.StatusCode = concurrencyStatus;
            await WriteJsonAsync(ctx, ErrorEnvelope("InternalServerError", "Error executing cmdlet",
                new EmulatorError(concurrencyStatus, "ExB5C2D1", "Microsoft.Exchange.Admin.OData.Core.ThrottlingException",
                    "You have reached the maximum number of concurrent requests per tenant. Please wait and try again"))).ConfigureAwait(false);
            return;
        }

        if (!string.Equals(tenant, TenantId, StringComparison.OrdinalIgnoreCase) && !string.Equals(tenant, InitialDomain, StringComparison.OrdinalIgnoreCase))
        {
            ctx.Response.StatusCode = 404;
            await WriteJsonAsync(ctx, ErrorEnvelope("NotFound", $"Tenant '{tenant}' was not found.", null)).ConfigureAwait(false);
            return;
        }
        if (RequireAnchorMailbox && string.IsNullOrEmpty(ctx.Request.Headers["X-AnchorMailbox"]))
        {
            // Outlook REST's answer to a wrong routing hint; unconfirmed for the admin API.
            ctx.Response.StatusCode = 400;
            await WriteJsonAsync(ctx, new Dictionary<string, object?> { ["error"] = new Dictionary<string, object?> { ["code"] = "ErrorIncorrectRoutingHint", ["message"] = "The x-anchormailbox header is missing or not valid." } }).ConfigureAwait(false);
            return;
        }

        var pageSize = PageSize(ctx.Request.Headers["Prefer"].ToString());
        var skipToken = ctx.Request.Query["$skiptoken"].ToString();
        List<Dictionary<string, object?>> items;
        int offset;
        var warnings = new List<string>();
        if (!string.IsNullOrEmpty(skipToken))
        {
            if (!_continuations.TryGetValue(skipToken, out var cont))
            {
                ctx.Response.StatusCode = 400;
                await WriteJsonAsync(ctx, ErrorEnvelope("BadRequest", "The skip token is not valid or has expired.", null)).ConfigureAwait(false);
                return;
            }
            (items, offset) = cont;
        }
        else
        {
            if (!HttpMethods.IsPost(ctx.Request.Method)) { ctx.Response.StatusCode = 405; return; }
            string? cmdlet;
            JsonElement parameters;
            try
            {
                using var doc = JsonDocument.Parse(body);
                var input = doc.RootElement.GetProperty("CmdletInput");
                cmdlet = input.GetProperty("CmdletName").GetString();
                parameters = input.TryGetProperty("Parameters", out var p) ? p.Clone() : JsonDocument.Parse("{}").RootElement.Clone();
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                ctx.Response.StatusCode = 400;
                await WriteJsonAsync(ctx, ErrorEnvelope("BadRequest", "The request body is not valid: " + e.Message, null)).ConfigureAwait(false);
                return;
            }
            var outcome = State.Execute(cmdlet ?? "", parameters);
            bool failAfter;
            lock (_switchLock)
            {
                failAfter = _failAfterExecuteCount > 0;
                if (failAfter) _failAfterExecuteCount--;
            }
            if (failAfter)
            {
                ctx.Response.StatusCode = 500;
                await WriteJsonAsync(ctx, ErrorEnvelope("InternalServerError", "Error executing cmdlet",
                    new EmulatorError(500, "ExB5C2D1", "Microsoft.Exchange.Admin.OData.Core.ThrottlingException",
                        "You have reached the maximum number of concurrent requests per tenant. Please wait and try again"))).ConfigureAwait(false);
                return;
            }
            if (outcome.Forbidden)
            {
                // Unknown cmdlet or no role: 403, NUL body "declared as gzip", the reason in x-ms-diagnostics.
                ctx.Response.StatusCode = 403;
                ctx.Response.Headers["x-ms-diagnostics"] = $"2000008;reason=\"The cmdlet '{cmdlet}' is not available to this principal.\";error_category=\"insufficient_permissions\"";
                ctx.Response.Headers.ContentEncoding = "gzip";
                ctx.Response.ContentType = "application/json";
                await ctx.Response.Body.WriteAsync(new byte[24]).ConfigureAwait(false);
                return;
            }
            if (outcome.Error is { } err)
            {
                ctx.Response.StatusCode = err.Status;
                await WriteJsonAsync(ctx, ErrorEnvelope(err.Status == 404 ? "NotFound" : "BadRequest", "Error executing cmdlet", err)).ConfigureAwait(false);
                return;
            }
            items = outcome.Objects;
            offset = 0;
            warnings.AddRange(outcome.Warnings);
        }

        var page = items.Skip(offset).Take(pageSize).ToList();
        string? next = null;
        if (offset + page.Count < items.Count)
        {
            var token = "p" + Interlocked.Increment(ref _continuationSerial).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _continuations[token] = (items, offset + page.Count);
            next = $"{ctx.Request.Scheme}://{ctx.Request.Host}{ctx.Request.Path}?$skiptoken={token}";
        }
        var response = new Dictionary<string, object?>
        {
            ["@odata.context"] = $"{ctx.Request.Scheme}://{ctx.Request.Host}/adminapi/beta/{tenant}/$metadata#Collection(Exchange.GenericHashTable)",
            ["adminapi.warnings@odata.type"] = "#Collection(String)",
            ["@adminapi.warnings"] = warnings,
            ["value"] = page.Select(WithSidecars).ToList(),
        };
        if (next is not null) response["@odata.nextLink"] = next;
        ctx.Response.Headers["Rate-Limit-Limit"] = "30000";
        ctx.Response.Headers["Rate-Limit-Remaining"] = "29990";
        ctx.Response.Headers["X-ConcurrencyCount"] = "0";
        await WriteJsonAsync(ctx, response, "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8").ConfigureAwait(false);
    }

    // ---- Microsoft Graph ------------------------------------------------------------------------------

    private async Task GraphAsync(HttpContext ctx, string[] segments)
    {
        var auth = ctx.Request.Headers.Authorization.ToString();
        // Only tokens issued here for Microsoft Graph's audience (an Exchange token is refused, as by Graph).
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !_validTokens.TryGetValue(auth[7..], out var presented)
            || !IsGraphAudience(presented.Audience))
        {
            ctx.Response.StatusCode = 401;
            ctx.Response.Headers.WWWAuthenticate = "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"";
            await WriteGraphErrorAsync(ctx, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.").ConfigureAwait(false);
            return;
        }
        if (Graph.Forbidden)
        {
            ctx.Response.StatusCode = 403;
            await WriteGraphErrorAsync(ctx, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.").ConfigureAwait(false);
            return;
        }
        if (!HttpMethods.IsGet(ctx.Request.Method)) { ctx.Response.StatusCode = 405; return; }
        var root = $"{ctx.Request.Scheme}://{ctx.Request.Host}/v1.0";
        if (segments.Length == 2 && segments[1] == "domains")
        {
            var value = Graph.Domains.Select(d => new Dictionary<string, object?>
            {
                ["id"] = d.Id, ["authenticationType"] = "Managed", ["isAdminManaged"] = true, ["isDefault"] = d.IsDefault,
                ["isInitial"] = d.IsInitial, ["isRoot"] = true, ["isVerified"] = d.IsVerified, ["supportedServices"] = d.SupportedServices,
            }).ToList();
            await WriteJsonAsync(ctx, new Dictionary<string, object?> { ["@odata.context"] = root + "/$metadata#domains", ["value"] = value }, "application/json;odata.metadata=minimal;charset=utf-8").ConfigureAwait(false);
            return;
        }
        if (segments.Length == 3 && segments[1] == "users" && segments[2] is "delta" or "delta()") // the SDK calls the function as delta()
        {
            await UsersDeltaAsync(ctx, root).ConfigureAwait(false);
            return;
        }
        ctx.Response.StatusCode = 404;
        await WriteGraphErrorAsync(ctx, "Request_ResourceNotFound", $"Resource '{ctx.Request.Path}' does not exist.").ConfigureAwait(false);
    }

    private async Task UsersDeltaAsync(HttpContext ctx, string root)
    {
        var pageSize = GraphPageSize(ctx.Request.Headers["Prefer"].ToString());
        if (Graph.UserPageDelay > TimeSpan.Zero)
        {
            // A slow tenant: a test stops a sync (Ctrl+C) while it waits for a page.
            try
            {
                await Task.Delay(Graph.UserPageDelay, ctx.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        var skipToken = ctx.Request.Query["$skiptoken"].ToString();
        var deltaTokenText = ctx.Request.Query["$deltatoken"].ToString();
        List<System.Text.Json.Nodes.JsonObject> items;
        int offset;
        long nextToken;
        if (!string.IsNullOrEmpty(skipToken))
        {
            if (!_graphContinuations.TryGetValue(skipToken, out var cont))
            {
                ctx.Response.StatusCode = 400;
                await WriteGraphErrorAsync(ctx, "BadRequest", "The skip token is not valid.").ConfigureAwait(false);
                return;
            }
            (items, offset, nextToken) = cont;
        }
        else
        {
            long? deltaToken = null;
            if (!string.IsNullOrEmpty(deltaTokenText))
            {
                if (!long.TryParse(deltaTokenText[1..], System.Globalization.CultureInfo.InvariantCulture, out var t))
                {
                    ctx.Response.StatusCode = 400;
                    await WriteGraphErrorAsync(ctx, "BadRequest", "The delta token is not valid.").ConfigureAwait(false);
                    return;
                }
                deltaToken = t;
            }
            var select = ctx.Request.Query["$select"].ToString();
            var properties = string.IsNullOrEmpty(select) ? GraphState.DefaultSelect : select.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var round = Graph.DeltaRound(deltaToken, properties);
            if (round is null)
            {
                ctx.Response.StatusCode = 410;
                await WriteGraphErrorAsync(ctx, "syncStateNotFound", "The delta token has expired or is not valid. Start a new round without it.").ConfigureAwait(false);
                return;
            }
            (items, nextToken) = round.Value;
            offset = 0;
            // Graph carries $select in the links it hands out: the emulator keeps it with the continuation.
            _selectByToken[nextToken] = properties;
        }
        var page = items.Skip(offset).Take(pageSize).ToList();
        var response = new System.Text.Json.Nodes.JsonObject { ["@odata.context"] = root + "/$metadata#users(" + string.Join(",", _selectByToken.GetValueOrDefault(nextToken) ?? GraphState.DefaultSelect) + ")" };
        if (offset + page.Count < items.Count)
        {
            var token = "g" + Interlocked.Increment(ref _continuationSerial).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _graphContinuations[token] = (items, offset + page.Count, nextToken);
            response["@odata.nextLink"] = root + "/users/delta?$skiptoken=" + token;
        }
        else
        {
            var select = _selectByToken.GetValueOrDefault(nextToken) ?? GraphState.DefaultSelect;
            response["@odata.deltaLink"] = root + "/users/delta?$deltatoken=d" + nextToken.ToString(System.Globalization.CultureInfo.InvariantCulture) + "&$select=" + string.Join(",", select);
        }
        response["value"] = new System.Text.Json.Nodes.JsonArray(page.Select(i => (System.Text.Json.Nodes.JsonNode?)i.DeepClone()).ToArray());
        ctx.Response.ContentType = "application/json;odata.metadata=minimal;charset=utf-8";
        await ctx.Response.WriteAsync(GraphState.Serialize(response)).ConfigureAwait(false);
    }

    private readonly ConcurrentDictionary<long, IReadOnlyCollection<string>> _selectByToken = new();

    private int GraphPageSize(string prefer)
    {
        const string key = "odata.maxpagesize=";
        var i = prefer.IndexOf(key, StringComparison.OrdinalIgnoreCase);
        if (i >= 0)
        {
            var digits = new string(prefer[(i + key.Length)..].TakeWhile(char.IsDigit).ToArray());
            if (int.TryParse(digits, out var n) && n > 0) return Math.Min(n, MaxGraphPageSize);
        }
        return Graph.DefaultPageSize;
    }

    /// <summary>The largest page the Graph side serves, whatever Prefer asks (real Graph: 999 for users); small values make more pages.</summary>
    public int MaxGraphPageSize { get; set; } = 999;

    private static Task WriteGraphErrorAsync(HttpContext ctx, string code, string message)
    {
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["error"] = new Dictionary<string, object?>
            {
                ["code"] = code, ["message"] = message,
                ["innerError"] = new Dictionary<string, object?> { ["date"] = DateTime.UtcNow.ToString("s", System.Globalization.CultureInfo.InvariantCulture), ["request-id"] = Guid.NewGuid().ToString(), ["client-request-id"] = Guid.NewGuid().ToString() },
            },
        }));
    }

    private int PageSize(string prefer)
    {
        const string key = "odata.maxpagesize=";
        var i = prefer.IndexOf(key, StringComparison.OrdinalIgnoreCase);
        if (i >= 0)
        {
            var digits = new string(prefer[(i + key.Length)..].TakeWhile(char.IsDigit).ToArray());
            if (int.TryParse(digits, out var n) && n > 0) return Math.Min(n, 1000);
        }
        return DefaultPageSize;
    }

    /// <summary>Adds the "Prop@odata.type" sidecars the service sends next to typed properties.</summary>
    private static Dictionary<string, object?> WithSidecars(Dictionary<string, object?> item)
    {
        var result = new Dictionary<string, object?>();
        foreach (var (k, v) in item)
        {
            if (v is IEnumerable<string>) result[k + "@odata.type"] = "#Collection(String)";
            else if (k == "Guid") result[k + "@odata.type"] = "#Guid";
            result[k] = v;
        }
        return result;
    }

    private static Dictionary<string, object?> ErrorEnvelope(string code, string message, EmulatorError? detail)
    {
        var error = new Dictionary<string, object?> { ["code"] = code, ["message"] = message };
        if (detail is not null)
        {
            error["details"] = new[] { new Dictionary<string, object?> { ["code"] = "Client", ["target"] = "", ["message"] = $"{detail.ExId}|{detail.Type}|{detail.Text}" } };
            error["innererror"] = new Dictionary<string, object?>
            {
                ["message"] = message,
                ["type"] = "Microsoft.Exchange.Admin.OData.Core.ODataServiceException",
                ["stacktrace"] = "",
                ["internalexception"] = new Dictionary<string, object?>
                {
                    ["message"] = detail.Text,
                    ["type"] = "Microsoft.Exchange.Management.PSDirectInvoke.DirectInvokeCmdletExecutionException",
                    ["stacktrace"] = "",
                },
            };
        }
        return new Dictionary<string, object?>
        {
            ["error"] = error,
            ["adminapi.warnings@odata.type"] = "#Collection(String)",
            ["@adminapi.warnings"] = Array.Empty<string>(),
        };
    }

    private static Task WriteJsonAsync(HttpContext ctx, object value, string contentType = "application/json;odata.metadata=minimal;charset=utf-8")
    {
        ctx.Response.ContentType = contentType;
        return ctx.Response.WriteAsync(JsonSerializer.Serialize(value));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_frontDoor is not null) { await _frontDoor.StopAsync().ConfigureAwait(false); await _frontDoor.DisposeAsync().ConfigureAwait(false); }
        if (_regional is not null) { await _regional.StopAsync().ConfigureAwait(false); await _regional.DisposeAsync().ConfigureAwait(false); }
        if (_login is not null) { await _login.StopAsync().ConfigureAwait(false); await _login.DisposeAsync().ConfigureAwait(false); }
        _serverCertificate?.Dispose();
        ClientCertificate?.Dispose();
        _signingKey.Dispose();
    }
}

internal static class ServiceProviderExtensions
{
    public static IServerAddressesFeature GetRequiredServiceFeature(this IServiceProvider services)
    {
        var server = (IServer)services.GetService(typeof(IServer))!;
        return server.Features.Get<IServerAddressesFeature>() ?? throw new InvalidOperationException("Kestrel has no addresses.");
    }
}
