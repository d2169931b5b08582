using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace MimecastJournaling.Emulators.ExchangeOnline;

/// <summary>What a token the emulator issued stands for.</summary>
/// <param name="Audience">The resource (aud claim), e.g. https://outlook.office365.com.</param>
/// <param name="ClientId">The appid claim.</param>
/// <param name="UserPrincipalName">The upn claim (delegated tokens).</param>
/// <param name="Grant">How it was issued: client_secret, client_assertion, device_code, refresh_token, managed_identity, static.</param>
public sealed record EmulatorToken(string Audience, string ClientId, string? UserPrincipalName, string Grant);

/// <summary>A device code waiting at the emulator.</summary>
public sealed record EmulatorDeviceCode(string UserCode, string DeviceCode, string ClientId, string Scope)
{
    /// <summary>pending, approved, declined, expired or redeemed.</summary>
    public string State { get; internal set; } = "pending";
    /// <summary>Who approved it.</summary>
    public string? UserPrincipalName { get; internal set; }
}

/// <summary>
/// The Entra ID side of the emulator, as MSAL talks to it: instance discovery, OpenID
/// configuration, the v2.0 token endpoint (client credentials with a secret or a certificate-signed
/// client assertion, device code, refresh token), the device code endpoint, and an App Service
/// style managed identity endpoint (IDENTITY_ENDPOINT + X-IDENTITY-HEADER). MSAL accepts only https
/// authorities, so the sign-in endpoints are served by an https listener whose certificate is
/// issued by a CA generated per emulator (<see cref="CertificateAuthority"/>; trust it in the test
/// client, or point SSL_CERT_FILE of a child process at <see cref="WriteCertificateAuthorityPem"/>).
/// Tokens are JWT-shaped (aud, iss, exp, tid, appid, upn for delegated tokens) and only the ones
/// issued here are accepted by InvokeCommand.
/// </summary>
public sealed partial class ExchangeOnlineEmulator
{
    private readonly ConcurrentDictionary<string, EmulatorToken> _validTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EmulatorToken> _refreshTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EmulatorDeviceCode> _deviceCodes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _issuedTokens = new();
    private readonly ConcurrentDictionary<string, int> _grants = new(StringComparer.Ordinal);
    private readonly RSA _signingKey = RSA.Create(2048);
    private int _tokensIssuedByEndpoint;

    /// <summary>The CA that issued the https listener's certificate (public part only).</summary>
    public X509Certificate2 CertificateAuthority { get; private set; } = null!;

    /// <summary>The certificate registered on the app (with its private key, for the client).</summary>
    public X509Certificate2 ClientCertificate { get; private set; } = null!;

    /// <summary>The registered certificate as PKCS#12 bytes, protected by <see cref="ClientCertificatePassword"/>.</summary>
    public byte[] ClientCertificatePfx { get; private set; } = null!;

    /// <summary>The password of <see cref="ClientCertificatePfx"/> (synthetic).</summary>
    public string ClientCertificatePassword { get; } = "emulator-pfx-password-not-real";

    /// <summary>Port of the https sign-in listener (127.0.0.1).</summary>
    public int LoginPort { get; private set; }

    /// <summary>The sign-in host (https, 127.0.0.1): pass it as the authority host.</summary>
    public Uri LoginBase => new($"https://127.0.0.1:{LoginPort}");

    /// <summary>The App Service style managed identity endpoint (IDENTITY_ENDPOINT), on the front door.</summary>
    public Uri ManagedIdentityEndpoint => new($"http://127.0.0.1:{FrontDoorPort}/msi/token");

    /// <summary>The secret header value the managed identity endpoint wants (IDENTITY_HEADER).</summary>
    public string ManagedIdentityHeader { get; } = "emulator-identity-header-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The client id the system-assigned managed identity gets tokens as.</summary>
    public string SystemAssignedClientId { get; } = "3c1d2b4a-8e7f-4a6b-9c5d-0e1f2a3b4c5d";

    /// <summary>The client id of the one user-assigned managed identity of the host.</summary>
    public string UserAssignedClientId { get; } = "7b6a5c4d-3e2f-4a1b-8c9d-0f1e2d3c4b5a";

    /// <summary>The user a device code approval signs in by default.</summary>
    public string AdminUserPrincipalName => "admin@" + InitialDomain;

    /// <summary>Lifetime (expires_in, seconds) of the access tokens issued. Below 300 MSAL renews on every call.</summary>
    public int TokenLifetimeSeconds { get; set; } = 3599;

    /// <summary>How many tokens the token and managed identity endpoints issued.</summary>
    public int TokensIssuedByEndpoint => Volatile.Read(ref _tokensIssuedByEndpoint);

    /// <summary>Every access token issued so far (tests look for them in output, where they must never be).</summary>
    public IReadOnlyList<string> IssuedTokens => _issuedTokens.ToArray();

    /// <summary>How many tokens each grant issued (client_secret, client_assertion, device_code, refresh_token, managed_identity).</summary>
    public int Grants(string grant) => _grants.GetValueOrDefault(grant);

    /// <summary>What a token issued here stands for, or null.</summary>
    public EmulatorToken? TokenInfo(string token) => _validTokens.TryGetValue(token, out var t) ? t : null;

    /// <summary>Device codes issued so far, newest last.</summary>
    public IReadOnlyList<EmulatorDeviceCode> DeviceCodes => _deviceCodes.Values.OrderBy(d => d.DeviceCode, StringComparer.Ordinal).ToList();

    /// <summary>The user approves the code (the next poll gets tokens).</summary>
    public bool ApproveDeviceCode(string userCode, string? userPrincipalName = null) =>
        SetDeviceCode(userCode, "approved", userPrincipalName ?? AdminUserPrincipalName);

    /// <summary>The user declines the code (the next poll gets authorization_declined).</summary>
    public bool DenyDeviceCode(string userCode) => SetDeviceCode(userCode, "declined", null);

    /// <summary>The code runs out (the next poll gets expired_token).</summary>
    public bool ExpireDeviceCode(string userCode) => SetDeviceCode(userCode, "expired", null);

    private bool SetDeviceCode(string userCode, string state, string? upn)
    {
        var code = _deviceCodes.Values.FirstOrDefault(d => string.Equals(d.UserCode, userCode, StringComparison.OrdinalIgnoreCase) && d.State == "pending");
        if (code is null) return false;
        code.UserPrincipalName = upn;
        code.State = state;
        return true;
    }

    /// <summary>Mints a valid Exchange token for the registered app (for a static-token client).</summary>
    public string IssueToken() => Mint(new EmulatorToken("https://outlook.office365.com", ClientId, null, "static"));

    /// <summary>
    /// Mints a valid Microsoft Graph token for the registered app (audience Graph: the admin API
    /// refuses it, as Graph refuses Exchange's).
    /// </summary>
    public string IssueGraphToken() => Mint(new EmulatorToken("https://graph.microsoft.com", ClientId, null, "static"));

    /// <summary>True for Microsoft Graph's audience in any cloud (graph.microsoft.com, graph.microsoft.us, microsoftgraph.chinacloudapi.cn, ...).</summary>
    internal static bool IsGraphAudience(string audience) => audience.Contains("graph", StringComparison.OrdinalIgnoreCase);

    /// <summary>Invalidates every access token issued so far (the next call answers 401). Refresh tokens stay valid.</summary>
    public void ExpireTokens() => _validTokens.Clear();

    /// <summary>Writes the CA certificate as PEM (for SSL_CERT_FILE of a child process) and returns the path.</summary>
    public string WriteCertificateAuthorityPem(string path)
    {
        File.WriteAllText(path, CertificateAuthority.ExportCertificatePem() + "\n");
        return path;
    }

    private void CreateCertificates()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=MimecastJournaling Emulator Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        CertificateAuthority = X509CertificateLoader.LoadCertificate(ca.RawData);

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=login.emulator.test", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        san.AddDnsName("login.emulator.test");
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var server = serverRequest.Create(ca, now.AddDays(-1), now.AddDays(29), serial).CopyWithPrivateKey(serverKey);
        _serverCertificate = X509CertificateLoader.LoadPkcs12(server.Export(X509ContentType.Pfx), null);

        using var clientKey = RSA.Create(2048);
        var clientRequest = new CertificateRequest("CN=MimecastJournaling emulator app", clientKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var client = clientRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        ClientCertificatePfx = client.Export(X509ContentType.Pfx, ClientCertificatePassword);
        ClientCertificate = X509CertificateLoader.LoadPkcs12(ClientCertificatePfx, ClientCertificatePassword);
    }

    private X509Certificate2? _serverCertificate;

    // ---- routes ------------------------------------------------------------------------------

    private async Task<bool> RouteIdentityAsync(HttpContext ctx, string[] segments, string body)
    {
        var path = ctx.Request.Path.Value ?? "";
        if (HttpMethods.IsGet(ctx.Request.Method) && path.EndsWith("/discovery/instance", StringComparison.OrdinalIgnoreCase))
        {
            await InstanceDiscoveryAsync(ctx).ConfigureAwait(false);
            return true;
        }
        if (HttpMethods.IsGet(ctx.Request.Method) && segments.Length == 4 && segments[1] == "v2.0" && segments[2] == ".well-known" && segments[3] == "openid-configuration")
        {
            await OpenIdConfigurationAsync(ctx, segments[0]).ConfigureAwait(false);
            return true;
        }
        if (HttpMethods.IsPost(ctx.Request.Method) && segments.Length == 4 && segments[1] == "oauth2" && segments[2] == "v2.0")
        {
            if (segments[3] == "token") { await TokenAsync(ctx, segments[0], body).ConfigureAwait(false); return true; }
            if (segments[3] == "devicecode") { await DeviceCodeAsync(ctx, segments[0], body).ConfigureAwait(false); return true; }
        }
        if (HttpMethods.IsGet(ctx.Request.Method) && path.Equals("/msi/token", StringComparison.OrdinalIgnoreCase))
        {
            await ManagedIdentityAsync(ctx).ConfigureAwait(false);
            return true;
        }
        return false;
    }

    private static string Origin(HttpContext ctx) => $"{ctx.Request.Scheme}://{ctx.Request.Host}";

    private Task InstanceDiscoveryAsync(HttpContext ctx)
    {
        // The shape login.microsoftonline.com answers with; every alias is this host (with its port).
        var host = ctx.Request.Host.Value ?? "";
        var tenant = TenantFromAuthorizeEndpoint(ctx.Request.Query["authorization_endpoint"].ToString()) ?? "common";
        return WriteJsonAsync(ctx, new Dictionary<string, object?>
        {
            ["tenant_discovery_endpoint"] = $"{Origin(ctx)}/{tenant}/v2.0/.well-known/openid-configuration",
            ["api-version"] = "1.1",
            ["metadata"] = new[] { new Dictionary<string, object?> { ["preferred_network"] = host, ["preferred_cache"] = host, ["aliases"] = new[] { host } } },
        }, "application/json; charset=utf-8");
    }

    private static string? TenantFromAuthorizeEndpoint(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && u.AbsolutePath.Trim('/').Split('/') is { Length: > 0 } parts && parts[0].Length > 0 ? parts[0] : null;

    private Task OpenIdConfigurationAsync(HttpContext ctx, string tenant)
    {
        if (!KnownTenant(tenant) && tenant is not ("common" or "organizations"))
        {
            ctx.Response.StatusCode = 400;
            return WriteJsonAsync(ctx, OAuthError("invalid_tenant", $"AADSTS90002: Tenant '{tenant}' not found."), "application/json; charset=utf-8");
        }
        var o = Origin(ctx);
        return WriteJsonAsync(ctx, new Dictionary<string, object?>
        {
            ["issuer"] = $"{o}/{TenantId}/v2.0",
            ["authorization_endpoint"] = $"{o}/{tenant}/oauth2/v2.0/authorize",
            ["token_endpoint"] = $"{o}/{tenant}/oauth2/v2.0/token",
            ["device_authorization_endpoint"] = $"{o}/{tenant}/oauth2/v2.0/devicecode",
            ["jwks_uri"] = $"{o}/{tenant}/discovery/v2.0/keys",
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "private_key_jwt", "client_secret_basic" },
            ["response_types_supported"] = new[] { "code", "id_token", "code id_token", "id_token token" },
            ["scopes_supported"] = new[] { "openid", "profile", "email", "offline_access" },
            ["tenant_region_scope"] = "EU",
        }, "application/json; charset=utf-8");
    }

    private bool KnownTenant(string tenant) =>
        string.Equals(tenant, TenantId, StringComparison.OrdinalIgnoreCase) || string.Equals(tenant, InitialDomain, StringComparison.OrdinalIgnoreCase);

    private static Dictionary<string, object?> OAuthError(string code, string description) => new()
    {
        ["error"] = code,
        ["error_description"] = description + "\r\nTrace ID: " + Guid.NewGuid() + "\r\nCorrelation ID: " + Guid.NewGuid() + "\r\nTimestamp: " + DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["error_codes"] = new[] { int.TryParse(description.AsSpan(6, Math.Max(0, description.IndexOf(':', StringComparison.Ordinal) - 6)), out var n) ? n : 0 },
        ["timestamp"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
    };

    private async Task OAuthFailAsync(HttpContext ctx, int status, string code, string description)
    {
        ctx.Response.StatusCode = status;
        await WriteJsonAsync(ctx, OAuthError(code, description), "application/json; charset=utf-8").ConfigureAwait(false);
    }

    private async Task TokenAsync(HttpContext ctx, string tenant, string body)
    {
        var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(body);
        string F(string name) => form.TryGetValue(name, out var v) ? v.ToString() : "";
        if (!KnownTenant(tenant))
        {
            await OAuthFailAsync(ctx, 400, "invalid_request", $"AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.").ConfigureAwait(false);
            return;
        }
        var clientId = F("client_id");
        var grant = F("grant_type");
        if (!string.Equals(clientId, ClientId, StringComparison.OrdinalIgnoreCase))
        {
            await OAuthFailAsync(ctx, 400, "unauthorized_client", $"AADSTS700016: Application with identifier '{clientId}' was not found in the directory '{InitialDomain}'.").ConfigureAwait(false);
            return;
        }
        switch (grant)
        {
            case "client_credentials":
                await ClientCredentialsAsync(ctx, tenant, F).ConfigureAwait(false);
                return;
            case "device_code" or "urn:ietf:params:oauth:grant-type:device_code":
                await DeviceCodeGrantAsync(ctx, F).ConfigureAwait(false);
                return;
            case "refresh_token":
                await RefreshTokenGrantAsync(ctx, F).ConfigureAwait(false);
                return;
            default:
                await OAuthFailAsync(ctx, 400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.").ConfigureAwait(false);
                return;
        }
    }

    private static string? ResourceOf(string scope)
    {
        foreach (var s in scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (s.EndsWith("/.default", StringComparison.Ordinal)) return s[..^"/.default".Length];
        }
        return null;
    }

    private async Task ClientCredentialsAsync(HttpContext ctx, string tenant, Func<string, string> f)
    {
        string how;
        if (f("client_assertion") is { Length: > 0 } assertion)
        {
            if (f("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
            {
                await OAuthFailAsync(ctx, 400, "invalid_request", "AADSTS50027: Invalid client_assertion_type.").ConfigureAwait(false);
                return;
            }
            var tokenEndpoint = $"{Origin(ctx)}{ctx.Request.Path}";
            if (VerifyClientAssertion(assertion, tokenEndpoint) is { } problem)
            {
                await OAuthFailAsync(ctx, 401, "invalid_client", problem).ConfigureAwait(false);
                return;
            }
            how = "client_assertion";
        }
        else if (f("client_secret") is { Length: > 0 } secret)
        {
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(ClientSecret)))
            {
                await OAuthFailAsync(ctx, 401, "invalid_client", $"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{ClientId}'.").ConfigureAwait(false);
                return;
            }
            how = "client_secret";
        }
        else
        {
            await OAuthFailAsync(ctx, 401, "invalid_client", "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.").ConfigureAwait(false);
            return;
        }
        if (ResourceOf(f("scope")) is not { } resource)
        {
            await OAuthFailAsync(ctx, 400, "invalid_scope", "AADSTS1002012: The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).").ConfigureAwait(false);
            return;
        }
        var token = Mint(new EmulatorToken(resource, ClientId, null, how));
        Count(how);
        await WriteJsonAsync(ctx, new Dictionary<string, object?>
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = TokenLifetimeSeconds,
            ["ext_expires_in"] = TokenLifetimeSeconds,
            ["access_token"] = token,
        }, "application/json; charset=utf-8").ConfigureAwait(false);
    }

    /// <summary>Checks a client assertion as Entra does: signed by the registered certificate, aud = token endpoint, iss = sub = client id, in its time window.</summary>
    private string? VerifyClientAssertion(string assertion, string tokenEndpoint)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3) return "AADSTS50027: JWT token is invalid or malformed.";
        JsonElement header, payload;
        try
        {
            header = JsonDocument.Parse(Base64UrlDecode(parts[0])).RootElement.Clone();
            payload = JsonDocument.Parse(Base64UrlDecode(parts[1])).RootElement.Clone();
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return "AADSTS50027: JWT token is invalid or malformed.";
        }
        string? H(string n) => header.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var registered = false;
        if (H("x5t") is { } x5t) registered = Base64UrlDecode(x5t).AsSpan().SequenceEqual(ClientCertificate.GetCertHash(HashAlgorithmName.SHA1));
        if (!registered && H("x5t#S256") is { } x5t256) registered = Base64UrlDecode(x5t256).AsSpan().SequenceEqual(ClientCertificate.GetCertHash(HashAlgorithmName.SHA256));
        if (!registered && H("kid") is { } kid) registered = string.Equals(kid, ClientCertificate.Thumbprint, StringComparison.OrdinalIgnoreCase);
        if (!registered)
            return $"AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found.] Client app ID: {ClientId}.";
        var padding = H("alg") switch { "RS256" => RSASignaturePadding.Pkcs1, "PS256" => RSASignaturePadding.Pss, _ => null };
        if (padding is null) return $"AADSTS5002730: Invalid JWT token. Unsupported key for the signing algorithm {H("alg")}.";
        using var key = ClientCertificate.GetRSAPublicKey()!;
        if (!key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64UrlDecode(parts[2]), HashAlgorithmName.SHA256, padding))
            return "AADSTS700027: Client assertion contains an invalid signature. [Reason - The key used is not the one registered for the app.]";
        string? P(string n) => payload.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        // MSAL writes nbf and exp as strings; Entra takes numbers and numeric strings.
        long? N(string n) => !payload.TryGetProperty(n, out var v) ? null
            : v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var x) ? x
            : v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var y) ? y : null;
        if (!string.Equals(P("aud"), tokenEndpoint, StringComparison.OrdinalIgnoreCase))
            return $"AADSTS700212: No matching federated identity record found for presented assertion audience '{P("aud")}'.";
        if (P("iss") != ClientId || P("sub") != ClientId)
            return "AADSTS700021: Client assertion application identifier doesn't match 'client_id' parameter.";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (N("exp") is not { } exp || exp < now || (N("nbf") is { } nbf && nbf > now + 300))
            return "AADSTS700024: Client assertion is not within its valid time range.";
        return null;
    }

    private async Task DeviceCodeAsync(HttpContext ctx, string tenant, string body)
    {
        var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(body);
        var clientId = form.TryGetValue("client_id", out var c) ? c.ToString() : "";
        if (!KnownTenant(tenant))
        {
            await OAuthFailAsync(ctx, 400, "invalid_request", $"AADSTS90002: Tenant '{tenant}' not found.").ConfigureAwait(false);
            return;
        }
        if (!string.Equals(clientId, ClientId, StringComparison.OrdinalIgnoreCase))
        {
            await OAuthFailAsync(ctx, 400, "unauthorized_client", $"AADSTS700016: Application with identifier '{clientId}' was not found in the directory '{InitialDomain}'.").ConfigureAwait(false);
            return;
        }
        var userCode = string.Concat(Enumerable.Range(0, 9).Select(_ => "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[RandomNumberGenerator.GetInt32(32)]));
        var deviceCode = DateTime.UtcNow.Ticks.ToString("D20", CultureInfo.InvariantCulture) + "." + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        _deviceCodes[deviceCode] = new EmulatorDeviceCode(userCode, deviceCode, clientId, form.TryGetValue("scope", out var s) ? s.ToString() : "");
        var verification = $"{Origin(ctx)}/devicelogin";
        await WriteJsonAsync(ctx, new Dictionary<string, object?>
        {
            ["user_code"] = userCode,
            ["device_code"] = deviceCode,
            ["verification_uri"] = verification,
            ["expires_in"] = 900,
            ["interval"] = 1,
            ["message"] = $"To sign in, use a web browser to open the page {verification} and enter the code {userCode} to authenticate.",
        }, "application/json; charset=utf-8").ConfigureAwait(false);
    }

    private async Task DeviceCodeGrantAsync(HttpContext ctx, Func<string, string> f)
    {
        if (!_deviceCodes.TryGetValue(f("device_code"), out var code))
        {
            await OAuthFailAsync(ctx, 400, "invalid_grant", "AADSTS70000: The provided value for the 'device_code' is not valid.").ConfigureAwait(false);
            return;
        }
        switch (code.State)
        {
            case "pending":
                await OAuthFailAsync(ctx, 400, "authorization_pending", "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.").ConfigureAwait(false);
                return;
            case "declined":
                await OAuthFailAsync(ctx, 400, "authorization_declined", "AADSTS70019: The user declined the sign-in.").ConfigureAwait(false);
                return;
            case "expired":
                await OAuthFailAsync(ctx, 400, "expired_token", "AADSTS70020: The provided value for the input parameter 'device_code' is not valid. This device code has expired.").ConfigureAwait(false);
                return;
            case "redeemed":
                await OAuthFailAsync(ctx, 400, "invalid_grant", "AADSTS54005: OAuth2 Authorization code was already redeemed.").ConfigureAwait(false);
                return;
        }
        code.State = "redeemed";
        await DelegatedTokenResponseAsync(ctx, f("scope"), code.UserPrincipalName!, "device_code").ConfigureAwait(false);
    }

    private async Task RefreshTokenGrantAsync(HttpContext ctx, Func<string, string> f)
    {
        if (!_refreshTokens.TryGetValue(f("refresh_token"), out var previous))
        {
            await OAuthFailAsync(ctx, 400, "invalid_grant", "AADSTS700082: The refresh token has expired or is not valid.").ConfigureAwait(false);
            return;
        }
        await DelegatedTokenResponseAsync(ctx, f("scope"), previous.UserPrincipalName!, "refresh_token").ConfigureAwait(false);
    }

    private async Task DelegatedTokenResponseAsync(HttpContext ctx, string scope, string upn, string grant)
    {
        if (ResourceOf(scope) is not { } resource)
        {
            await OAuthFailAsync(ctx, 400, "invalid_scope", "AADSTS70011: The provided request must include a 'scope' input parameter with a resource.").ConfigureAwait(false);
            return;
        }
        var access = Mint(new EmulatorToken(resource, ClientId, upn, grant));
        var refresh = "emu-rt." + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        _refreshTokens[refresh] = new EmulatorToken(resource, ClientId, upn, "refresh_token");
        Count(grant);
        var oid = UserObjectId(upn);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var idToken = Jwt(new Dictionary<string, object?>
        {
            ["aud"] = ClientId, ["iss"] = $"{Origin(ctx)}/{TenantId}/v2.0", ["iat"] = now, ["nbf"] = now, ["exp"] = now + 3600,
            ["name"] = "Emulator Admin", ["oid"] = oid, ["preferred_username"] = upn, ["sub"] = "sub-" + oid, ["tid"] = TenantId, ["ver"] = "2.0",
        });
        var clientInfo = Base64UrlEncode(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { uid = oid, utid = TenantId })));
        await WriteJsonAsync(ctx, new Dictionary<string, object?>
        {
            ["token_type"] = "Bearer",
            ["scope"] = resource + "/.default",
            ["expires_in"] = TokenLifetimeSeconds,
            ["ext_expires_in"] = TokenLifetimeSeconds,
            ["access_token"] = access,
            ["refresh_token"] = refresh,
            ["id_token"] = idToken,
            ["client_info"] = clientInfo,
        }, "application/json; charset=utf-8").ConfigureAwait(false);
    }

    private static string UserObjectId(string upn)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(upn.ToLowerInvariant()));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }

    private async Task ManagedIdentityAsync(HttpContext ctx)
    {
        // App Service (api-version 2019-08-01): GET ?resource=…[&client_id=…] with X-IDENTITY-HEADER.
        if (ctx.Request.Headers["X-IDENTITY-HEADER"].ToString() != ManagedIdentityHeader)
        {
            ctx.Response.StatusCode = 401;
            await WriteJsonAsync(ctx, new { statusCode = 401, message = "The X-IDENTITY-HEADER header is missing or not valid." }, "application/json; charset=utf-8").ConfigureAwait(false);
            return;
        }
        var resource = ctx.Request.Query["resource"].ToString().TrimEnd('/');
        var clientId = ctx.Request.Query["client_id"].ToString();
        if (string.IsNullOrEmpty(resource) || ctx.Request.Query["api-version"].ToString() != "2019-08-01")
        {
            ctx.Response.StatusCode = 400;
            await WriteJsonAsync(ctx, new { statusCode = 400, message = "The resource and api-version=2019-08-01 parameters are required." }, "application/json; charset=utf-8").ConfigureAwait(false);
            return;
        }
        if (!string.IsNullOrEmpty(clientId) && !string.Equals(clientId, UserAssignedClientId, StringComparison.OrdinalIgnoreCase))
        {
            ctx.Response.StatusCode = 400;
            await WriteJsonAsync(ctx, new { statusCode = 400, message = "No User Assigned or Delegated Managed Identity found for specified ClientId/ResourceId/PrincipalId.", correlationId = Guid.NewGuid() }, "application/json; charset=utf-8").ConfigureAwait(false);
            return;
        }
        var appId = string.IsNullOrEmpty(clientId) ? SystemAssignedClientId : UserAssignedClientId;
        var token = Mint(new EmulatorToken(resource, appId, null, "managed_identity"));
        Count("managed_identity");
        await WriteJsonAsync(ctx, new Dictionary<string, object?>
        {
            ["access_token"] = token,
            ["expires_on"] = DateTimeOffset.UtcNow.AddSeconds(TokenLifetimeSeconds).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["resource"] = resource,
            ["token_type"] = "Bearer",
            ["client_id"] = appId,
        }, "application/json; charset=utf-8").ConfigureAwait(false);
    }

    private void Count(string grant)
    {
        _grants.AddOrUpdate(grant, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _tokensIssuedByEndpoint);
    }

    // ---- tokens ------------------------------------------------------------------------------

    private string Mint(EmulatorToken what)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object?>
        {
            ["aud"] = what.Audience,
            ["iss"] = $"https://sts.windows.net/{TenantId}/",
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + (what.Grant == "static" ? 3600 : TokenLifetimeSeconds),
            ["tid"] = TenantId,
            ["appid"] = what.ClientId,
            ["ver"] = "1.0",
            ["uti"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)),
        };
        if (what.UserPrincipalName is { } upn)
        {
            claims["upn"] = upn;
            claims["oid"] = UserObjectId(upn);
            claims["scp"] = IsGraphAudience(what.Audience) ? "Domain.Read.All User.Read.All" : "Exchange.Manage";
            claims["idtyp"] = "user";
        }
        else
        {
            claims["roles"] = IsGraphAudience(what.Audience) ? new[] { "Domain.Read.All", "User.Read.All" } : new[] { "Exchange.ManageAsApp" };
            claims["idtyp"] = "app";
        }
        var token = Jwt(claims);
        _validTokens[token] = what;
        _issuedTokens.Enqueue(token);
        return token;
    }

    private string Jwt(Dictionary<string, object?> claims)
    {
        var header = Base64UrlEncode(Encoding.UTF8.GetBytes("{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"emulator\"}"));
        var payload = Base64UrlEncode(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(claims)));
        var signature = _signingKey.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return header + "." + payload + "." + Base64UrlEncode(signature);
    }

    private static string Base64UrlEncode(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Base64UrlDecode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}
