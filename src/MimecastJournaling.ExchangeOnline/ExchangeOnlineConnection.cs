using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace MimecastJournaling.ExchangeOnline;

/// <summary>How Connect-O365Journaling signs in.</summary>
public enum O365SignInMethod
{
    /// <summary>A token the caller already had (it cannot be refreshed).</summary>
    AccessToken,
    /// <summary>App-only: client id and client secret (MSAL confidential client).</summary>
    ClientSecret,
    /// <summary>App-only: client id and a certificate with its private key (MSAL confidential client, signed client assertion).</summary>
    Certificate,
    /// <summary>Delegated: a user signs in with a device code (MSAL public client).</summary>
    DeviceCode,
    /// <summary>The Azure managed identity of the host, system- or user-assigned (MSAL managed identity application).</summary>
    ManagedIdentity,
}

/// <summary>What Connect-O365Journaling was given. Secrets are plain text here only for the moment of the call.</summary>
/// <param name="Tenant">Tenant id (GUID) or initial/verified domain.</param>
/// <param name="Cloud">The cloud.</param>
public sealed record ExchangeOnlineConnectionRequest(string Tenant, ExchangeCloud Cloud)
{
    /// <summary>Replaces the admin API base of the cloud (a proxy, a loopback emulator).</summary>
    public Uri? ExchangeEndpoint { get; init; }
    /// <summary>
    /// Replaces the sign-in host of the cloud (https only: MSAL refuses anything else). MSAL does
    /// not know such a host, so authority validation and instance discovery are off for it (both
    /// would ask login.microsoftonline.com about it).
    /// </summary>
    public Uri? AuthorityHost { get; init; }
    /// <summary>A bearer token the caller already has.</summary>
    public string? AccessToken { get; init; }
    /// <summary>The application (client) id (client secret, certificate and device code sign-in).</summary>
    public string? ClientId { get; init; }
    /// <summary>The client secret, for app-only sign-in.</summary>
    public string? ClientSecret { get; init; }
    /// <summary>Replaces Microsoft Graph's base of the cloud (a proxy, a loopback emulator); the token scope stays the cloud's Graph.</summary>
    public Uri? GraphEndpoint { get; init; }
    /// <summary>A Graph bearer token the caller already has (with -AccessToken, whose token is for Exchange only).</summary>
    public string? GraphAccessToken { get; init; }
    /// <summary>A certificate with its private key, for app-only sign-in.</summary>
    public X509Certificate2? Certificate { get; init; }
    /// <summary>A .pfx (or .pem) file with the certificate and its private key, for app-only sign-in.</summary>
    public string? CertificatePath { get; init; }
    /// <summary>The password of <see cref="CertificatePath"/>.</summary>
    public string? CertificatePassword { get; init; }
    /// <summary>The thumbprint of a certificate in CurrentUser\My or LocalMachine\My, for app-only sign-in.</summary>
    public string? CertificateThumbprint { get; init; }
    /// <summary>Delegated sign-in with a device code; <see cref="DeviceCodePrompt"/> shows the code.</summary>
    public bool DeviceCode { get; init; }
    /// <summary>Shows the device code to the user (called on a background thread).</summary>
    public Action<DeviceCodePrompt>? DeviceCodePrompt { get; init; }
    /// <summary>Sign in as the host's managed identity.</summary>
    public bool ManagedIdentity { get; init; }
    /// <summary>The client id of a user-assigned managed identity (null: system-assigned).</summary>
    public string? ManagedIdentityClientId { get; init; }

    /// <summary>The sign-in method these settings select.</summary>
    /// <exception cref="ArgumentException">None or more than one method, or a method without what it needs.</exception>
    public O365SignInMethod Method
    {
        get
        {
            var chosen = new List<O365SignInMethod>();
            if (!string.IsNullOrEmpty(AccessToken)) chosen.Add(O365SignInMethod.AccessToken);
            if (!string.IsNullOrEmpty(ClientSecret)) chosen.Add(O365SignInMethod.ClientSecret);
            var certificates = (Certificate is null ? 0 : 1) + (string.IsNullOrEmpty(CertificatePath) ? 0 : 1) + (string.IsNullOrEmpty(CertificateThumbprint) ? 0 : 1);
            if (certificates > 1) throw new ArgumentException("Give one certificate: a certificate object, a file or a thumbprint.");
            if (certificates == 1) chosen.Add(O365SignInMethod.Certificate);
            if (DeviceCode) chosen.Add(O365SignInMethod.DeviceCode);
            if (ManagedIdentity) chosen.Add(O365SignInMethod.ManagedIdentity);
            if (chosen.Count != 1)
                throw new ArgumentException("Give exactly one way to sign in: an access token, a client secret, a certificate, a device code or a managed identity.");
            if (chosen[0] is O365SignInMethod.ClientSecret or O365SignInMethod.Certificate or O365SignInMethod.DeviceCode && string.IsNullOrWhiteSpace(ClientId))
                throw new ArgumentException($"{chosen[0]} sign-in needs the application (client) id.");
            return chosen[0];
        }
    }
}

/// <summary>
/// What Get-O365JournalingConnection shows: where the session is connected and as whom. Never the
/// token or the secret.
/// </summary>
public sealed class O365JournalingConnection
{
    /// <summary>The tenant as given (GUID or domain).</summary>
    public string TenantId { get; init; } = "";
    /// <summary>
    /// The tenant's directory id (GUID): as given, else from the sign-in (MSAL's tenant, or the
    /// tid claim of a given token). Null when neither says. Enable-O365Journaling binds the
    /// journal definition to it (its TenantId).
    /// </summary>
    public string? DirectoryTenantId { get; init; }
    /// <summary>How the session signed in.</summary>
    public O365SignInMethod SignInMethod { get; init; }
    /// <summary>
    /// The application (client) id: as given (client secret, certificate, device code, user-assigned
    /// managed identity), else read from the token's appid/azp claim (when it is a JWT).
    /// </summary>
    public string? ClientId { get; init; }
    /// <summary>The signed-in user (delegated sign-in: the device code account, or the upn claim of a given token).</summary>
    public string? UserPrincipalName { get; init; }
    /// <summary>The thumbprint of the certificate (certificate sign-in).</summary>
    public string? CertificateThumbprint { get; init; }
    /// <summary>The cloud.</summary>
    public ExchangeCloud Environment { get; init; }
    /// <summary>The admin API base the calls go to.</summary>
    public Uri ExchangeEndpoint { get; init; } = null!;
    /// <summary>The sign-in host (not used by managed identity or a given token).</summary>
    public Uri AuthorityHost { get; init; } = null!;
    /// <summary>Microsoft Graph's base the Graph cmdlets use (the cloud's, or -GraphEndpoint).</summary>
    public Uri? GraphEndpoint { get; init; }
    /// <summary>False when the session has no Graph token (-AccessToken without -GraphAccessToken): Graph cmdlets fall back to Exchange or stop.</summary>
    public bool GraphAvailable { get; init; }
    /// <summary>When Connect-O365Journaling ran.</summary>
    public DateTimeOffset ConnectedOn { get; init; }
    /// <summary>
    /// When the current Exchange token expires, when known (MSAL's ExpiresOn, or the exp claim of a
    /// given token). MSAL renews it before then; a given token cannot be renewed.
    /// </summary>
    public DateTimeOffset? TokenExpiresOn { get; init; }
}

/// <summary>
/// One signed-in session with Exchange Online: the client, the typed commands and what
/// Get-O365JournalingConnection shows. The token stays inside the token provider.
/// </summary>
public sealed class ExchangeOnlineConnection : IDisposable
{
    private readonly ExchangeOnlineClient _client;
    private readonly O365JournalingConnection _info;
    private readonly DateTimeOffset? _staticExpiry;
    private readonly object _graphGate = new();
    private IGraphDirectory? _graph;

    private ExchangeOnlineConnection(ExchangeOnlineClient client, IAccessTokenProvider tokens, ExchangeOnlineEnvironment environment, O365JournalingConnection info, DateTimeOffset? staticExpiry)
    {
        _client = client;
        Tokens = tokens;
        Environment = environment;
        _info = info;
        _staticExpiry = staticExpiry;
        Commands = new ExchangeJournalingCommands(client);
    }

    /// <summary>
    /// Where Graph tokens come from (asked for <see cref="ExchangeOnlineEnvironment.GraphScope"/>): the
    /// sign-in's own provider, or the -GraphAccessToken; null when the session has no way to Graph.
    /// </summary>
    public IAccessTokenProvider? GraphTokens { get; private init; }

    /// <summary>
    /// Microsoft Graph for this session, created on first use (that is when the Graph SDK loads);
    /// null when there is no Graph token. Replace it with <see cref="UseGraphDirectory"/> (tests).
    /// </summary>
    public IGraphDirectory? Graph
    {
        get
        {
            if (GraphTokens is null) return null;
            lock (_graphGate) return _graph ??= GraphDirectoryFactory(GraphDirectoryOptions.For(Environment, GraphTokens));
        }
    }

    /// <summary>Uses <paramref name="directory"/> instead of the SDK client.</summary>
    public void UseGraphDirectory(IGraphDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        lock (_graphGate) { _graph?.Dispose(); _graph = directory; }
    }

    /// <summary>Creates the Graph client; a separate method so that nothing loads the SDK before it is called.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static IGraphDirectory GraphDirectoryFactory(GraphDirectoryOptions options) => new GraphSdkDirectory(options);

    /// <summary>Typed Exchange cmdlets over this session.</summary>
    public ExchangeJournalingCommands Commands { get; }

    /// <summary>
    /// Tokens of this sign-in for any scope: <see cref="ExchangeOnlineEnvironment.Scope"/> for the
    /// admin API, <see cref="ExchangeOnlineEnvironment.GraphScope"/> for Microsoft Graph (MSAL
    /// sign-ins; a given access token is for one audience only).
    /// </summary>
    public IAccessTokenProvider Tokens { get; }

    /// <summary>The endpoints of this session: the cloud with the overrides given to Connect-O365Journaling applied (GraphBase included).</summary>
    public ExchangeOnlineEnvironment Environment { get; }

    /// <summary>Receives every step of every call while set (Write-Verbose). Never carries the token.</summary>
    public Action<ExchangeCommandEvent>? Log { get; set; }

    /// <summary>The connection as shown to the user (token expiry as of now).</summary>
    public O365JournalingConnection Info => new()
    {
        TenantId = _info.TenantId,
        DirectoryTenantId = _info.DirectoryTenantId ?? (Tokens is MsalAccessTokenProvider { TenantId: { } signedIn } && Guid.TryParse(signedIn, out var tenant) ? tenant.ToString("D") : null),
        SignInMethod = _info.SignInMethod,
        ClientId = _info.ClientId,
        UserPrincipalName = Tokens is MsalAccessTokenProvider { UserPrincipalName: { } upn } ? upn : _info.UserPrincipalName,
        CertificateThumbprint = _info.CertificateThumbprint,
        Environment = _info.Environment,
        ExchangeEndpoint = _info.ExchangeEndpoint,
        AuthorityHost = _info.AuthorityHost,
        GraphEndpoint = _info.GraphEndpoint,
        GraphAvailable = _info.GraphAvailable,
        ConnectedOn = _info.ConnectedOn,
        TokenExpiresOn = Tokens is MsalAccessTokenProvider msal ? msal.ExpiresOn(Environment.Scope) : _staticExpiry,
    };

    /// <summary>
    /// Signs in (fetches the Exchange token now, so a wrong secret, an unknown client, an unusable
    /// certificate or a declined device code fails here) and returns the session.
    /// </summary>
    /// <param name="request">What to connect to and how to sign in.</param>
    /// <param name="handler">
    /// Optional HTTP handler (proxy, tests) for the admin API and for MSAL. The connection disposes it.
    /// </param>
    /// <param name="cancellationToken">Stops a sign-in in progress (a device code wait).</param>
    /// <exception cref="AccessTokenException">The sign-in failed; <see cref="AccessTokenException.Reason"/> says why.</exception>
    public static async Task<ExchangeOnlineConnection> ConnectAsync(ExchangeOnlineConnectionRequest request, HttpMessageHandler? handler = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Tenant);
        var method = request.Method;
        var environment = ExchangeOnlineEnvironment.For(request.Cloud);
        if (request.ExchangeEndpoint is { } endpoint)
            environment = environment with { AdminApiBase = endpoint, TrustedHostSuffixes = new[] { endpoint.Host } };
        if (request.AuthorityHost is { } authority)
            environment = environment with { AuthorityHost = authority };
        if (request.GraphEndpoint is { } graphEndpoint)
            environment = environment with { GraphTokenResource = environment.GraphTokenResource ?? environment.GraphBase, GraphBase = graphEndpoint };
        // MSAL and the admin API client share the handler; the admin API client follows redirects
        // itself, so switch automatic redirects off before anyone sends with it.
        switch (handler)
        {
            case SocketsHttpHandler { AllowAutoRedirect: true } s: s.AllowAutoRedirect = false; break;
            case HttpClientHandler { AllowAutoRedirect: true } h: h.AllowAutoRedirect = false; break;
        }

        IAccessTokenProvider tokens;
        string? clientId = request.ClientId, upn = null, thumbprint = null, tokenTenant = null;
        DateTimeOffset? expiry = null;
        // A sign-in host given by the caller is unknown to MSAL: validating it, or looking up its
        // instance metadata, would ask login.microsoftonline.com about a host it has never heard
        // of. So both are off for it; the clouds' own hosts keep MSAL's checks.
        var validateAuthority = request.AuthorityHost is null;
        switch (method)
        {
            case O365SignInMethod.AccessToken:
                tokens = new StaticAccessTokenProvider(request.AccessToken!);
                var claims = ReadJwtClaims(request.AccessToken!);
                if (claims.TryGetValue("exp", out var exp) && long.TryParse(exp, out var seconds)) expiry = DateTimeOffset.FromUnixTimeSeconds(seconds);
                clientId ??= claims.GetValueOrDefault("appid") ?? claims.GetValueOrDefault("azp");
                upn = claims.GetValueOrDefault("upn");
                tokenTenant = claims.GetValueOrDefault("tid");
                break;
            case O365SignInMethod.ClientSecret:
                tokens = MsalAccessTokenProvider.ForClientSecret(environment.AuthorityHost, request.Tenant, request.ClientId!, request.ClientSecret!, validateAuthority, handler);
                break;
            case O365SignInMethod.Certificate:
                var owned = request.Certificate is null;
                var certificate = request.Certificate
                    ?? (request.CertificatePath is { Length: > 0 } path
                        ? SignInCertificates.LoadFromFile(path, request.CertificatePassword)
                        : SignInCertificates.FindByThumbprint(request.CertificateThumbprint!));
                thumbprint = certificate.Thumbprint;
                try
                {
                    tokens = MsalAccessTokenProvider.ForCertificate(environment.AuthorityHost, request.Tenant, request.ClientId!, certificate, validateAuthority, handler, ownsCertificate: owned);
                }
                catch
                {
                    if (owned) certificate.Dispose();
                    throw;
                }
                break;
            case O365SignInMethod.DeviceCode:
                tokens = MsalAccessTokenProvider.ForDeviceCode(environment.AuthorityHost, request.Tenant, request.ClientId!,
                    request.DeviceCodePrompt ?? (_ => { }), validateAuthority, handler);
                break;
            case O365SignInMethod.ManagedIdentity:
                clientId = request.ManagedIdentityClientId;
                tokens = MsalAccessTokenProvider.ForManagedIdentity(request.ManagedIdentityClientId, handler);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(request), method, "Unknown sign-in method.");
        }

        if (tokens is MsalAccessTokenProvider msal)
        {
            try
            {
                await msal.GetTokenAsync(new AccessTokenRequest(environment.Scope), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                msal.Dispose();
                throw;
            }
            upn = msal.UserPrincipalName;
        }

        ExchangeOnlineConnection? connection = null;
        var options = new ExchangeOnlineClientOptions
        {
            Environment = environment,
            Tenant = request.Tenant,
            UserPrincipalName = upn,
            CommandLog = e => connection?.Log?.Invoke(e),
        };
        var client = new ExchangeOnlineClient(options, tokens, handler);
        // Graph: its own token when given; else the sign-in's provider unless that is a static Exchange token.
        IAccessTokenProvider? graphTokens = !string.IsNullOrEmpty(request.GraphAccessToken) ? new StaticAccessTokenProvider(request.GraphAccessToken)
            : tokens is StaticAccessTokenProvider ? null : tokens;
        var info = new O365JournalingConnection
        {
            TenantId = request.Tenant,
            DirectoryTenantId = Guid.TryParse(request.Tenant, out var given) ? given.ToString("D")
                : Guid.TryParse(tokenTenant, out var claimed) ? claimed.ToString("D")
                : tokens is MsalAccessTokenProvider { TenantId: { } signedIn } && Guid.TryParse(signedIn, out var fromSignIn) ? fromSignIn.ToString("D") : null,
            SignInMethod = method,
            ClientId = clientId,
            UserPrincipalName = upn,
            CertificateThumbprint = thumbprint,
            Environment = request.Cloud,
            ExchangeEndpoint = environment.AdminApiBase,
            AuthorityHost = environment.AuthorityHost,
            GraphEndpoint = environment.GraphBase,
            GraphAvailable = graphTokens is not null,
            ConnectedOn = DateTimeOffset.UtcNow,
        };
        connection = new ExchangeOnlineConnection(client, tokens, environment, info, expiry) { GraphTokens = graphTokens };
        return connection;
    }

    /// <summary>The string and number claims of a JWT's payload; empty when the token is not a JWT (it is never validated here).</summary>
    internal static Dictionary<string, string> ReadJwtClaims(string token)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var parts = token.Split('.');
        if (parts.Length != 3) return result;
        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return result;
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.String) result[p.Name] = p.Value.GetString()!;
                else if (p.Value.ValueKind == JsonValueKind.Number) result[p.Name] = p.Value.GetRawText();
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            result.Clear();
        }
        return result;
    }

    /// <inheritdoc />
    public override string ToString() => $"Exchange Online {_info.TenantId} ({_info.SignInMethod})";

    /// <inheritdoc />
    public void Dispose()
    {
        _client.Dispose();
        lock (_graphGate) { _graph?.Dispose(); _graph = null; }
        (Tokens as IDisposable)?.Dispose();
    }
}
