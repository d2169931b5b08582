using System.Text;
using System.Text.Json;

namespace MimecastJournaling.ExchangeOnline;

/// <summary>How Connect-O365Journaling signs in.</summary>
public enum O365SignInMethod
{
    /// <summary>A token the caller already had (it cannot be refreshed).</summary>
    AccessToken,
    /// <summary>App-only: client id and client secret (OAuth 2.0 client credentials).</summary>
    ClientSecret,
}

/// <summary>What Connect-O365Journaling was given. Secrets are plain text here only for the moment of the call.</summary>
/// <param name="Tenant">Tenant id (GUID) or initial/verified domain.</param>
/// <param name="Cloud">The cloud.</param>
public sealed record ExchangeOnlineConnectionRequest(string Tenant, ExchangeCloud Cloud)
{
    /// <summary>Replaces the admin API base of the cloud (a proxy, a loopback emulator).</summary>
    public Uri? ExchangeEndpoint { get; init; }
    /// <summary>Replaces the sign-in host of the cloud.</summary>
    public Uri? AuthorityHost { get; init; }
    /// <summary>A bearer token the caller already has.</summary>
    public string? AccessToken { get; init; }
    /// <summary>The application (client) id, for app-only sign-in.</summary>
    public string? ClientId { get; init; }
    /// <summary>The client secret, for app-only sign-in.</summary>
    public string? ClientSecret { get; init; }
    /// <summary>Replaces Microsoft Graph's base of the cloud (a proxy, a loopback emulator); the token scope stays the cloud's Graph.</summary>
    public Uri? GraphEndpoint { get; init; }
    /// <summary>A Graph bearer token the caller already has (with -AccessToken, whose token is for Exchange only).</summary>
    public string? GraphAccessToken { get; init; }
}

/// <summary>
/// What Get-O365JournalingConnection shows: where the session is connected and as whom. Never the
/// token or the secret.
/// </summary>
public sealed class O365JournalingConnection
{
    /// <summary>The tenant as given (GUID or domain).</summary>
    public string TenantId { get; init; } = "";
    /// <summary>How the session signed in.</summary>
    public O365SignInMethod SignInMethod { get; init; }
    /// <summary>The application (client) id: given for app-only sign-in, read from the token's appid/azp claim otherwise (when it is a JWT).</summary>
    public string? ClientId { get; init; }
    /// <summary>The signed-in user (upn claim of a delegated token), when known.</summary>
    public string? UserPrincipalName { get; init; }
    /// <summary>The cloud.</summary>
    public ExchangeCloud Environment { get; init; }
    /// <summary>The admin API base the calls go to.</summary>
    public Uri ExchangeEndpoint { get; init; } = null!;
    /// <summary>The sign-in host (used for app-only sign-in).</summary>
    public Uri AuthorityHost { get; init; } = null!;
    /// <summary>Microsoft Graph's base the Graph cmdlets use.</summary>
    public Uri? GraphEndpoint { get; init; }
    /// <summary>False when the session has no Graph token (-AccessToken without -GraphAccessToken): Graph cmdlets fall back to Exchange or stop.</summary>
    public bool GraphAvailable { get; init; }
    /// <summary>When Connect-O365Journaling ran.</summary>
    public DateTimeOffset ConnectedOn { get; init; }
    /// <summary>When the current token expires, when known (the token's exp claim, or the token endpoint's expires_in).</summary>
    public DateTimeOffset? TokenExpiresOn { get; init; }
}

/// <summary>
/// One signed-in session with Exchange Online: the client, the typed commands and what
/// Get-O365JournalingConnection shows. The token stays inside the token provider.
/// </summary>
public sealed class ExchangeOnlineConnection : IDisposable
{
    private readonly ExchangeOnlineClient _client;
    private readonly IAccessTokenProvider _tokens;
    private readonly O365JournalingConnection _info;
    private readonly DateTimeOffset? _staticExpiry;
    private readonly object _graphGate = new();
    private IGraphDirectory? _graph;

    private ExchangeOnlineConnection(ExchangeOnlineClient client, IAccessTokenProvider tokens, O365JournalingConnection info, DateTimeOffset? staticExpiry)
    {
        _client = client;
        _tokens = tokens;
        _info = info;
        _staticExpiry = staticExpiry;
        Commands = new ExchangeJournalingCommands(client);
    }

    /// <summary>The cloud's endpoints with the overrides given to Connect-O365Journaling (GraphBase included).</summary>
    public ExchangeOnlineEnvironment Environment { get; private init; } = ExchangeOnlineEnvironment.Global;

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

    /// <summary>Receives every step of every call while set (Write-Verbose). Never carries the token.</summary>
    public Action<ExchangeCommandEvent>? Log { get; set; }

    /// <summary>The connection as shown to the user (token expiry as of now).</summary>
    public O365JournalingConnection Info => new()
    {
        TenantId = _info.TenantId,
        SignInMethod = _info.SignInMethod,
        ClientId = _info.ClientId,
        UserPrincipalName = _info.UserPrincipalName,
        Environment = _info.Environment,
        ExchangeEndpoint = _info.ExchangeEndpoint,
        AuthorityHost = _info.AuthorityHost,
        GraphEndpoint = _info.GraphEndpoint,
        GraphAvailable = _info.GraphAvailable,
        ConnectedOn = _info.ConnectedOn,
        TokenExpiresOn = _tokens is ClientCredentialsTokenProvider cc ? cc.LastTokenExpiresOn : _staticExpiry,
    };

    /// <summary>
    /// Signs in (app-only: fetches a token now, so a wrong secret fails here) and returns the session.
    /// </summary>
    /// <exception cref="AccessTokenException">The token endpoint refused the credentials.</exception>
    public static async Task<ExchangeOnlineConnection> ConnectAsync(ExchangeOnlineConnectionRequest request, HttpMessageHandler? handler = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Tenant);
        var environment = ExchangeOnlineEnvironment.For(request.Cloud);
        if (request.ExchangeEndpoint is { } endpoint)
            environment = environment with { AdminApiBase = endpoint, TrustedHostSuffixes = new[] { endpoint.Host } };
        if (request.AuthorityHost is { } authority)
            environment = environment with { AuthorityHost = authority };
        if (request.GraphEndpoint is { } graphEndpoint)
            environment = environment with { GraphTokenResource = environment.GraphTokenResource ?? environment.GraphBase, GraphBase = graphEndpoint };

        IAccessTokenProvider tokens;
        O365SignInMethod method;
        string? clientId = request.ClientId, upn = null;
        DateTimeOffset? expiry = null;
        if (!string.IsNullOrEmpty(request.AccessToken))
        {
            method = O365SignInMethod.AccessToken;
            tokens = new StaticAccessTokenProvider(request.AccessToken);
            var claims = ReadJwtClaims(request.AccessToken);
            if (claims.TryGetValue("exp", out var exp) && long.TryParse(exp, out var seconds)) expiry = DateTimeOffset.FromUnixTimeSeconds(seconds);
            clientId ??= claims.GetValueOrDefault("appid") ?? claims.GetValueOrDefault("azp");
            upn = claims.GetValueOrDefault("upn");
        }
        else if (!string.IsNullOrEmpty(request.ClientId) && !string.IsNullOrEmpty(request.ClientSecret))
        {
            method = O365SignInMethod.ClientSecret;
            tokens = new ClientCredentialsTokenProvider(
                ClientCredentialsTokenProvider.TokenEndpointFor(environment, request.Tenant), request.ClientId, request.ClientSecret);
        }
        else
        {
            throw new ArgumentException("Give an access token, or a client id and a client secret.", nameof(request));
        }

        if (tokens is ClientCredentialsTokenProvider provider)
        {
            try
            {
                await provider.GetTokenAsync(new AccessTokenRequest(environment.Scope), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                provider.Dispose();
                throw;
            }
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
            SignInMethod = method,
            ClientId = clientId,
            UserPrincipalName = upn,
            Environment = request.Cloud,
            ExchangeEndpoint = environment.AdminApiBase,
            AuthorityHost = environment.AuthorityHost,
            GraphEndpoint = environment.GraphBase,
            GraphAvailable = graphTokens is not null,
            ConnectedOn = DateTimeOffset.UtcNow,
        };
        connection = new ExchangeOnlineConnection(client, tokens, info, expiry) { Environment = environment, GraphTokens = graphTokens };
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
        (_tokens as IDisposable)?.Dispose();
    }
}
