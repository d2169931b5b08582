using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MimecastJournaling.Emulators.Mimecast;

/// <summary>A request the emulator received.</summary>
public sealed record MimecastRequest(DateTimeOffset At, string Method, string PathAndQuery, string? Authorization, string Body, int StatusCode);

/// <summary>
/// Mimecast API 2.0 on 127.0.0.1 (http): <c>POST /oauth/token</c> (client credentials in the form
/// or HTTP Basic), <c>/journaling/cloud-gateway/v1/services</c> (list, create, get, PATCH with the
/// update names only, delete), <c>/domain/cloud-gateway/v1/pending-domains</c> (list paged, register,
/// verify, generate-token, delete) and <c>/domain/cloud-gateway/v1/internal-domains</c> (list paged).
/// Switches change the shapes the sources disagree on and inject errors and 429s; the "behind the
/// back" methods change state the way the console or mail flow would.
/// </summary>
public sealed class MimecastEmulator : IAsyncDisposable
{
    private static readonly string[] CreateOnlyNames = { "usesAuthentication", "usesTls", "prefersClearText" };
    private static readonly HashSet<string> TopFields = new(StringComparer.Ordinal)
    {
        "description", "enabled", "messageFormat", "removeJournalHeaders", "journalNonInternalAddresses", "journalUnknownInternalAddresses", "transferProtocol", "smtpJournalingConnection",
    };
    private static readonly HashSet<string> SmtpFields = new(StringComparer.Ordinal)
    {
        "emailAddress", "ipRanges", "password", "extendedDeduplication", "deliveryWaitAttempts", "inactivityTimeout", "processInitialDelay",
    };

    private readonly object _gate = new();
    private readonly ConcurrentQueue<MimecastRequest> _requests = new();
    private readonly Dictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);
    private readonly List<JsonObject> _services = new();
    private readonly List<JsonObject> _pending = new();
    private readonly List<JsonObject> _internal = new();
    private readonly HashSet<string> _publishedTxt = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _issued = new();
    private int _nextId = 1000;
    private int _throttleCount, _throttleResetMs, _failInBodyCount, _errorCount, _errorStatus, _remainingZeroCount, _remainingZeroResetMs;
    private string _errorCode = "";
    private WebApplication? _app;

    private MimecastEmulator() { }

    /// <summary>The client id the token endpoint accepts.</summary>
    public string ClientId { get; } = "mc-emulator-client-4b7e";
    /// <summary>The client secret the token endpoint accepts (synthetic).</summary>
    public string ClientSecret { get; } = "mc-emulator-secret-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; private set; }
    /// <summary>The base URL.</summary>
    public Uri BaseUri => new($"http://127.0.0.1:{Port}");

    /// <summary>expires_in of new tokens, in seconds (null: leave expires_in out).</summary>
    public int? TokenLifetimeSeconds { get; set; } = 1800;
    /// <summary>The key GET services puts the list under ("services", "journalingServices", "data"; "" for a bare array).</summary>
    public string ServiceListKey { get; set; } = "services";
    /// <summary>What POST services answers: "id" ({"id":…}), "full" (the service), "empty" (no id).</summary>
    public string CreateAnswer { get; set; } = "id";
    /// <summary>GET a service also returns its password (the docs list it in the read shape).</summary>
    public bool ReturnPassword { get; set; }
    /// <summary>Items per page of the domain lists (Mimecast allows up to 100; small to test paging).</summary>
    public int DomainPageLimit { get; set; } = 100;
    /// <summary>Where the next-page token goes (dotted path).</summary>
    public string NextPageField { get; set; } = "meta.nextPageToken";
    /// <summary>A registered sub-domain of an internal domain becomes internal at once (API 1.0's rule).</summary>
    public bool SubdomainsOfInternalAreInternal { get; set; }
    /// <summary>The journal smart hosts Mimecast gives new services.</summary>
    public IReadOnlyList<string> JournalHostnames { get; set; } = new[] { "eu-smtp-journal-1.mimecast.com", "eu-smtp-journal-2.mimecast.com" };

    /// <summary>Every request, oldest first.</summary>
    public IReadOnlyList<MimecastRequest> Requests => _requests.ToArray();
    /// <summary>Every access token issued.</summary>
    public IReadOnlyList<string> IssuedTokens { get { lock (_gate) return _issued.ToArray(); } }
    /// <summary>Tokens issued so far.</summary>
    public int TokensIssued { get { lock (_gate) return _issued.Count; } }

    /// <summary>Starts on a free port of 127.0.0.1.</summary>
    public static async Task<MimecastEmulator> StartAsync(CancellationToken cancellationToken = default)
    {
        var emulator = new MimecastEmulator();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "MimecastEmulator", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(emulator.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        emulator._app = app;
        var addresses = ((IServer)app.Services.GetService(typeof(IServer))!).Features.Get<IServerAddressesFeature>()!;
        emulator.Port = new Uri(addresses.Addresses.Single()).Port;
        return emulator;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync().ConfigureAwait(false);
    }

    // ---- switches -------------------------------------------------------------------------------

    /// <summary>The next <paramref name="count"/> API requests get 429 with X-RateLimit-Reset: <paramref name="resetMilliseconds"/> (not executed).</summary>
    public void ThrottleNext(int count, int resetMilliseconds) { lock (_gate) { _throttleCount = count; _throttleResetMs = resetMilliseconds; } }

    /// <summary>The next <paramref name="count"/> API answers carry X-RateLimit-Remaining: 0 and a reset of <paramref name="resetMilliseconds"/>.</summary>
    public void RemainingZeroNext(int count, int resetMilliseconds) { lock (_gate) { _remainingZeroCount = count; _remainingZeroResetMs = resetMilliseconds; } }

    /// <summary>The next <paramref name="count"/> API requests get HTTP 200 with a fail[] envelope (not executed).</summary>
    public void FailInBodyNext(int count) { lock (_gate) _failInBodyCount = count; }

    /// <summary>The next <paramref name="count"/> API requests get <paramref name="status"/> with errors[]{code} (not executed).</summary>
    public void ErrorNext(int count, int status, string code) { lock (_gate) { _errorCount = count; _errorStatus = status; _errorCode = code; } }

    /// <summary>Every token issued so far is refused from now on (as after its expiry).</summary>
    public void ExpireTokens() { lock (_gate) _tokens.Clear(); }

    /// <summary>A TXT record with the domain's code is now "published" in DNS.</summary>
    public void PublishTxt(string domain) { lock (_gate) _publishedTxt.Add(domain.Trim()); }

    /// <summary>Adds an internal domain directly (an account's existing domains).</summary>
    public void AddInternalDomain(string domain)
    {
        lock (_gate) _internal.Add(new JsonObject { ["id"] = NewId("dom"), ["domain"] = domain, ["local"] = false, ["sendOnly"] = false, ["inboundType"] = "any" });
    }

    /// <summary>Adds a pending domain directly.</summary>
    public void AddPendingDomain(string domain)
    {
        lock (_gate) _pending.Add(NewPending(domain));
    }

    // ---- behind the module's back ---------------------------------------------------------------

    /// <summary>Sets a service's statusInfo.status (by id or description); "ok" also sets lastReceivedDateTime to now.</summary>
    public bool SetStatus(string idOrDescription, string status, int? queueSize = null)
    {
        lock (_gate)
        {
            var s = FindService(idOrDescription);
            if (s is null) return false;
            var info = (JsonObject)s["statusInfo"]!;
            info["status"] = status;
            if (status == "ok") info["lastReceivedDateTime"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            if (queueSize is { } q) s["queueSize"] = q;
            return true;
        }
    }

    /// <summary>Merges <paramref name="json"/> (the read shape, create names) into a service, as a console change would.</summary>
    public bool ChangeService(string idOrDescription, string json)
    {
        lock (_gate)
        {
            var s = FindService(idOrDescription);
            if (s is null) return false;
            Merge(s, JsonNode.Parse(json)!.AsObject());
            return true;
        }
    }

    /// <summary>The state as JSON (services with passwords, for assertions; domains).</summary>
    public string Snapshot()
    {
        lock (_gate)
        {
            return new JsonObject
            {
                ["services"] = new JsonArray(_services.Select(s => (JsonNode)s.DeepClone()).ToArray()),
                ["pending"] = new JsonArray(_pending.Select(s => (JsonNode)s.DeepClone()).ToArray()),
                ["internal"] = new JsonArray(_internal.Select(s => (JsonNode)s.DeepClone()).ToArray()),
            }.ToJsonString();
        }
    }

    /// <summary>Forgets the requests seen so far.</summary>
    public void ClearRequests() { while (_requests.TryDequeue(out _)) { } }

    // ---- HTTP -----------------------------------------------------------------------------------

    private async Task HandleAsync(HttpContext ctx)
    {
        string body;
        using (var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8)) body = await reader.ReadToEndAsync().ConfigureAwait(false);
        var path = ctx.Request.Path.Value ?? "/";
        var method = ctx.Request.Method;
        (int Status, string Json, Dictionary<string, string>? Headers) answer;
        try
        {
            answer = path == "/oauth/token" && method == "POST" ? Token(ctx, body) : Api(ctx, method, path, body);
        }
        catch (JsonException e)
        {
            answer = (400, Errors("validation_invalid_json", "The body is not JSON: " + e.Message), null);
        }
        _requests.Enqueue(new MimecastRequest(DateTimeOffset.UtcNow, method, path + ctx.Request.QueryString.Value, ctx.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null, body, answer.Status));
        ctx.Response.StatusCode = answer.Status;
        if (answer.Headers is not null) foreach (var (k, v) in answer.Headers) ctx.Response.Headers[k] = v;
        if (answer.Json.Length > 0)
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(answer.Json).ConfigureAwait(false);
        }
    }

    private (int, string, Dictionary<string, string>?) Token(HttpContext ctx, string body)
    {
        var form = body.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => WebUtility.UrlDecode(p[0]), p => p.Length > 1 ? WebUtility.UrlDecode(p[1]) : "", StringComparer.Ordinal);
        form.TryGetValue("client_id", out var id);
        form.TryGetValue("client_secret", out var secret);
        var basic = ctx.Request.Headers.Authorization.ToString();
        if (basic.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(basic[6..])).Split(':', 2);
            id = Uri.UnescapeDataString(pair[0]);
            secret = pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : "";
        }
        if (!form.TryGetValue("grant_type", out var grant) || grant != "client_credentials")
            return (400, Json(new JsonObject { ["error"] = "unsupported_grant_type", ["error_description"] = "grant_type must be client_credentials" }), null);
        if (id != ClientId || secret != ClientSecret)
            return (401, Json(new JsonObject { ["error"] = "invalid_client", ["error_description"] = "Client authentication failed" }), null);
        var token = "mc-at-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var answer = new JsonObject { ["access_token"] = token, ["token_type"] = "Bearer" };
        lock (_gate)
        {
            var lifetime = TokenLifetimeSeconds ?? 1800;
            _tokens[token] = DateTimeOffset.UtcNow.AddSeconds(lifetime);
            _issued.Add(token);
            if (TokenLifetimeSeconds is { } l) answer["expires_in"] = l;
        }
        return (200, Json(answer), null);
    }

    private (int, string, Dictionary<string, string>?) Api(HttpContext ctx, string method, string path, string body)
    {
        var auth = ctx.Request.Headers.Authorization.ToString();
        lock (_gate)
        {
            if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !_tokens.TryGetValue(auth[7..], out var expires) || expires < DateTimeOffset.UtcNow)
                return (401, Errors("unauthorized", "The access token is missing, invalid or expired."), null);
            if (_throttleCount > 0)
            {
                _throttleCount--;
                return (429, Json(new JsonObject { ["detail"] = "Over throttling limit (10000/hour)" }),
                    new() { ["X-RateLimit-Limit"] = "10000", ["X-RateLimit-Remaining"] = "0", ["X-RateLimit-Reset"] = _throttleResetMs.ToString(CultureInfo.InvariantCulture) });
            }
            if (_errorCount > 0)
            {
                _errorCount--;
                return (_errorStatus, Errors(_errorCode, "Injected error " + _errorCode), null);
            }
            if (_failInBodyCount > 0)
            {
                _failInBodyCount--;
                return (200, Json(new JsonObject
                {
                    ["meta"] = new JsonObject { ["status"] = 200 },
                    ["data"] = new JsonArray(),
                    ["fail"] = new JsonArray(new JsonObject
                    {
                        ["key"] = new JsonObject { ["path"] = path },
                        ["errors"] = new JsonArray(new JsonObject { ["code"] = "err_request_failed", ["message"] = "The function did not succeed", ["retryable"] = false }),
                    }),
                }), null);
            }
            var result = Route(ctx, method, path, body);
            if (_remainingZeroCount > 0)
            {
                _remainingZeroCount--;
                return (result.Item1, result.Item2, new() { ["X-RateLimit-Remaining"] = "0", ["X-RateLimit-Reset"] = _remainingZeroResetMs.ToString(CultureInfo.InvariantCulture) });
            }
            return (result.Item1, result.Item2, new() { ["X-RateLimit-Limit"] = "10000", ["X-RateLimit-Remaining"] = "9999", ["X-RateLimit-Reset"] = "3600000" });
        }
    }

    private (int, string) Route(HttpContext ctx, string method, string path, string body)
    {
        const string Services = "/journaling/cloud-gateway/v1/services";
        const string Pending = "/domain/cloud-gateway/v1/pending-domains";
        const string Internal = "/domain/cloud-gateway/v1/internal-domains";
        if (path == Services && method == "GET")
        {
            var list = new JsonArray(_services.Select(s => (JsonNode)View(s)).ToArray());
            return (200, ServiceListKey.Length == 0 ? Json(list) : Json(new JsonObject { [ServiceListKey] = list }));
        }
        if (path == Services && method == "POST") return CreateService(body);
        if (path.StartsWith(Services + "/", StringComparison.Ordinal))
        {
            var id = Uri.UnescapeDataString(path[(Services.Length + 1)..]);
            var s = _services.FirstOrDefault(x => (string?)x["id"] == id);
            if (s is null) return (404, Errors("not_found", $"No journaling service {id}"));
            switch (method)
            {
                case "GET": return (200, Json(View(s)));
                case "DELETE": _services.Remove(s); return (204, "");
                case "PATCH": return PatchService(s, body);
            }
        }
        if (path == Pending && method == "GET") return (200, Page(ctx, _pending));
        if (path == Internal && method == "GET") return (200, Page(ctx, _internal));
        if (path == Pending && method == "POST") return Register(body);
        if (path == Pending + "/verify" && method == "POST") return Verify(body);
        if (path == Pending + "/generate-token" && method == "POST")
        {
            var results = new JsonArray();
            foreach (var d in Domains(body))
            {
                var p = _pending.FirstOrDefault(x => Same(x, d));
                if (p is not null) p["expiryDateTime"] = Stamp(DateTimeOffset.UtcNow.AddDays(30));
                results.Add(new JsonObject { ["domain"] = d, ["token"] = p?["token"]?.GetValue<string>(), ["status"] = p is null ? "failed" : "extended" });
            }
            return (200, Json(new JsonObject { ["results"] = results }));
        }
        if (path.StartsWith(Pending + "/", StringComparison.Ordinal) && method == "DELETE")
        {
            var id = Uri.UnescapeDataString(path[(Pending.Length + 1)..]);
            var p = _pending.FirstOrDefault(x => (string?)x["id"] == id);
            if (p is null) return (404, Errors("not_found", $"No pending domain {id}"));
            _pending.Remove(p);
            return (204, "");
        }
        return (404, Errors("not_found", $"No route {method} {path}"));
    }

    private (int, string) CreateService(string body)
    {
        var input = JsonNode.Parse(body)!.AsObject();
        var unknown = input.Select(p => p.Key).Where(k => !TopFields.Contains(k)).ToArray();
        if (unknown.Length > 0) return (400, Errors("validation_unknown_field", "Unknown fields: " + string.Join(", ", unknown)));
        if (input["description"]?.GetValue<string>() is not { Length: > 0 } description) return (400, Errors("validation_required", "description is required", "description"));
        if (input["smtpJournalingConnection"] is not JsonObject smtp || smtp["emailAddress"]?.GetValue<string>() is not { Length: > 0 })
            return (400, Errors("validation_required", "smtpJournalingConnection.emailAddress is required", "smtpJournalingConnection.emailAddress"));
        var inactivity = smtp["inactivityTimeout"]?.GetValue<int>() ?? 180;
        if (inactivity is < 180 or > 960) return (400, Errors("validation_range", "inactivityTimeout must be 180 to 960", "smtpJournalingConnection.inactivityTimeout"));
        if ((smtp["usesAuthentication"]?.GetValue<bool>() ?? false) && smtp["password"] is null)
            return (400, Errors("validation_required", "password is required when usesAuthentication is true", "smtpJournalingConnection.password"));
        var service = new JsonObject
        {
            ["id"] = NewId(""),
            ["description"] = description,
            ["enabled"] = input["enabled"]?.GetValue<bool>() ?? true,
            ["messageFormat"] = input["messageFormat"]?.GetValue<string>() ?? "exchange_env",
            ["removeJournalHeaders"] = input["removeJournalHeaders"]?.GetValue<bool>() ?? false,
            ["journalNonInternalAddresses"] = input["journalNonInternalAddresses"]?.GetValue<bool>() ?? false,
            ["journalUnknownInternalAddresses"] = input["journalUnknownInternalAddresses"]?.GetValue<bool>() ?? false,
            ["transferProtocol"] = "smtp",
            ["queueSize"] = 0,
            ["smtpJournalingConnection"] = new JsonObject
            {
                ["emailAddress"] = smtp["emailAddress"]!.GetValue<string>(),
                ["ipRanges"] = smtp["ipRanges"]?.DeepClone() ?? new JsonArray(),
                ["usesAuthentication"] = smtp["usesAuthentication"]?.GetValue<bool>() ?? false,
                ["usesTls"] = smtp["usesTls"]?.GetValue<bool>() ?? true,
                ["prefersClearText"] = smtp["prefersClearText"]?.GetValue<bool>() ?? false,
                ["extendedDeduplication"] = smtp["extendedDeduplication"]?.GetValue<bool>() ?? false,
                ["deliveryWaitAttempts"] = smtp["deliveryWaitAttempts"]?.GetValue<int>() ?? 3,
                ["inactivityTimeout"] = inactivity,
                ["processInitialDelay"] = smtp["processInitialDelay"]?.GetValue<int>() ?? 0,
                ["hostnames"] = new JsonArray(JournalHostnames.Select(h => (JsonNode)JsonValue.Create(h)!).ToArray()),
            },
            ["statusInfo"] = new JsonObject { ["status"] = "not_active", ["lastReceivedDateTime"] = null },
        };
        if (smtp["password"] is { } password) ((JsonObject)service["smtpJournalingConnection"]!)["password"] = password.GetValue<string>();
        _services.Add(service);
        return CreateAnswer switch
        {
            "full" => (201, Json(View(service))),
            "empty" => (201, ""),
            _ => (201, Json(new JsonObject { ["id"] = service["id"]!.GetValue<string>() })),
        };
    }

    private (int, string) PatchService(JsonObject service, string body)
    {
        var input = JsonNode.Parse(body)!.AsObject();
        var unknown = input.Select(p => p.Key).Where(k => !TopFields.Contains(k)).ToList();
        var smtpIn = input["smtpJournalingConnection"] as JsonObject;
        if (smtpIn is not null)
        {
            // PATCH takes the update names (useAuthentication, useTls, preferClearText), not create's.
            unknown.AddRange(smtpIn.Select(p => p.Key).Where(k => CreateOnlyNames.Contains(k) || (!SmtpFields.Contains(k) && k is not ("useAuthentication" or "useTls" or "preferClearText"))).Select(k => "smtpJournalingConnection." + k));
        }
        if (unknown.Count > 0) return (400, Errors("validation_unknown_field", "Unknown fields: " + string.Join(", ", unknown)));
        var smtp = (JsonObject)service["smtpJournalingConnection"]!;
        foreach (var (k, v) in input)
        {
            if (k != "smtpJournalingConnection") service[k] = v?.DeepClone();
        }
        if (smtpIn is not null)
        {
            if (smtpIn["inactivityTimeout"] is { } it && it.GetValue<int>() is < 180 or > 960)
                return (400, Errors("validation_range", "inactivityTimeout must be 180 to 960", "smtpJournalingConnection.inactivityTimeout"));
            foreach (var (k, v) in smtpIn)
            {
                var name = k switch { "useAuthentication" => "usesAuthentication", "useTls" => "usesTls", "preferClearText" => "prefersClearText", _ => k };
                smtp[name] = v?.DeepClone();
            }
        }
        return (200, Json(View(service)));
    }

    private (int, string) Register(string body)
    {
        var input = JsonNode.Parse(body)!.AsObject();
        if (input["domain"]?.GetValue<string>() is not { Length: > 0 } domain) return (400, Errors("validation_required", "domain is required", "domain"));
        if (_pending.Any(p => Same(p, domain)) || _internal.Any(p => Same(p, domain))) return (409, Errors("err_domain_exists", $"{domain} is already registered"));
        if (SubdomainsOfInternalAreInternal && _internal.Any(i => domain.EndsWith("." + i["domain"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase)))
        {
            var added = new JsonObject { ["id"] = NewId("dom"), ["domain"] = domain, ["local"] = false, ["sendOnly"] = false, ["inboundType"] = "any" };
            _internal.Add(added);
            return (201, Json(new JsonObject { ["domains"] = new JsonArray(added.DeepClone()) }));
        }
        var pending = NewPending(domain);
        _pending.Add(pending);
        return (201, Json(new JsonObject { ["domains"] = new JsonArray(pending.DeepClone()) }));
    }

    private (int, string) Verify(string body)
    {
        var results = new JsonArray();
        foreach (var d in Domains(body))
        {
            var p = _pending.FirstOrDefault(x => Same(x, d));
            var ok = p is not null && _publishedTxt.Contains(d);
            if (ok)
            {
                _pending.Remove(p!);
                _internal.Add(new JsonObject { ["id"] = NewId("dom"), ["domain"] = d, ["local"] = false, ["sendOnly"] = false, ["inboundType"] = "any" });
            }
            results.Add(new JsonObject { ["domain"] = d, ["status"] = ok ? "verified" : p is null ? "not_found" : "txt_record_not_found" });
        }
        return (200, Json(new JsonObject { ["results"] = results }));
    }

    private string Page(HttpContext ctx, List<JsonObject> items)
    {
        var size = int.TryParse(ctx.Request.Query["pageSize"], out var s) ? Math.Clamp(s, 1, 100) : 100;
        size = Math.Min(size, DomainPageLimit);
        var offset = 0;
        if (ctx.Request.Query["pageToken"].ToString() is { Length: > 0 } token)
            offset = int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split(':')[0], CultureInfo.InvariantCulture);
        var page = items.Skip(offset).Take(size).Select(i => (JsonNode)i.DeepClone()).ToArray();
        var answer = new JsonObject { ["domains"] = new JsonArray(page) };
        var meta = new JsonObject { ["status"] = 200 };
        answer["meta"] = meta;
        if (offset + size < items.Count)
        {
            var next = Convert.ToBase64String(Encoding.UTF8.GetBytes((offset + size).ToString(CultureInfo.InvariantCulture) + ":null"));
            var parts = NextPageField.Split('.');
            JsonObject node = answer;
            for (var i = 0; i < parts.Length - 1; i++)
            {
                if (node[parts[i]] is not JsonObject child) { child = new JsonObject(); node[parts[i]] = child; }
                node = child;
            }
            node[parts[^1]] = next;
        }
        return Json(answer);
    }

    // ---- helpers --------------------------------------------------------------------------------

    private JsonObject View(JsonObject service)
    {
        var copy = service.DeepClone().AsObject();
        if (!ReturnPassword) ((JsonObject)copy["smtpJournalingConnection"]!).Remove("password");
        return copy;
    }

    private JsonObject? FindService(string idOrDescription) =>
        _services.FirstOrDefault(s => (string?)s["id"] == idOrDescription)
        ?? _services.FirstOrDefault(s => string.Equals((string?)s["description"], idOrDescription, StringComparison.OrdinalIgnoreCase));

    private static void Merge(JsonObject target, JsonObject changes)
    {
        foreach (var (k, v) in changes)
        {
            if (v is JsonObject o && target[k] is JsonObject t) Merge(t, o);
            else target[k] = v?.DeepClone();
        }
    }

    private JsonObject NewPending(string domain) => new()
    {
        ["id"] = NewId("pd"),
        ["domain"] = domain,
        ["token"] = "mc-verify-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant(),
        ["local"] = false,
        ["sendOnly"] = false,
        ["createdDateTime"] = Stamp(DateTimeOffset.UtcNow),
        ["expiryDateTime"] = Stamp(DateTimeOffset.UtcNow.AddDays(30)),
    };

    private string NewId(string prefix) => prefix + (++_nextId).ToString(CultureInfo.InvariantCulture);

    private static string Stamp(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static bool Same(JsonObject o, string domain) => string.Equals((string?)o["domain"], domain, StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<string> Domains(string body) =>
        JsonNode.Parse(body)?["domains"] is JsonArray a ? a.Select(x => x!.GetValue<string>()) : Array.Empty<string>();

    private static string Errors(string code, string message, string? field = null)
    {
        var e = new JsonObject { ["code"] = code, ["message"] = message };
        if (field is not null) e["field"] = field;
        return Json(new JsonObject { ["errors"] = new JsonArray(e) });
    }

    private static string Json(JsonNode node) => node.ToJsonString();
}
