using System.Net.Http.Headers;
using System.Text.Json;

namespace MimecastJournaling.ExchangeOnline;

/// <summary>What a caller asks an <see cref="IAccessTokenProvider"/> for.</summary>
/// <param name="Scope">The OAuth scope, e.g. https://outlook.office365.com/.default.</param>
/// <param name="ForceRefresh">
/// True after the service answered 401 to the previous token: do not hand out a cached token.
/// </param>
public sealed record AccessTokenRequest(string Scope, bool ForceRefresh = false);

/// <summary>
/// The sign-in seam: MSAL (certificate, secret, device code, managed identity) plugs in here later.
/// Implementations must be safe to call concurrently and must never log the token.
/// </summary>
public interface IAccessTokenProvider
{
    /// <summary>A bearer token (without the "Bearer " prefix) for <see cref="AccessTokenRequest.Scope"/>.</summary>
    ValueTask<string> GetTokenAsync(AccessTokenRequest request, CancellationToken cancellationToken);
}

/// <summary>A token the caller already has (Connect-ExchangeOnline -AccessToken). It cannot be refreshed.</summary>
public sealed class StaticAccessTokenProvider : IAccessTokenProvider
{
    private readonly string _token;

    /// <summary>Wraps <paramref name="accessToken"/> (with or without a "Bearer " prefix).</summary>
    public StaticAccessTokenProvider(string accessToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accessToken);
        _token = accessToken.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? accessToken[7..].Trim() : accessToken.Trim();
    }

    /// <inheritdoc />
    public ValueTask<string> GetTokenAsync(AccessTokenRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(_token);

    /// <inheritdoc />
    public override string ToString() => "StaticAccessTokenProvider (token hidden)";
}

/// <summary>Could not get a token.</summary>
public sealed class AccessTokenException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AccessTokenException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>The OAuth error code (e.g. invalid_client), when the token endpoint sent one.</summary>
    public string? ErrorCode { get; init; }
}

/// <summary>
/// OAuth 2.0 client credentials with a client secret (app-only) against a configurable token
/// endpoint, e.g. https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token. Caches the token
/// until shortly before it expires. A stop-gap until MSAL is plugged in behind the same seam.
/// </summary>
public sealed class ClientCredentialsTokenProvider : IAccessTokenProvider, IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _tokenEndpoint;
    private readonly string _clientId;
    private readonly string _clientSecret;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _time;
    private readonly Dictionary<string, (string Token, DateTimeOffset ExpiresAt)> _cache = new(StringComparer.Ordinal);

    /// <summary>Creates the provider.</summary>
    /// <param name="tokenEndpoint">The v2.0 token endpoint.</param>
    /// <param name="clientId">The application (client) id.</param>
    /// <param name="clientSecret">The client secret; kept in memory only and never logged.</param>
    /// <param name="httpClient">Optional client (its handler must reach the endpoint).</param>
    /// <param name="timeProvider">Optional clock.</param>
    public ClientCredentialsTokenProvider(Uri tokenEndpoint, string clientId, string clientSecret, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(tokenEndpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentException.ThrowIfNullOrEmpty(clientSecret);
        _tokenEndpoint = tokenEndpoint;
        _clientId = clientId;
        _clientSecret = clientSecret;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The v2.0 token endpoint of a tenant in a cloud: {authority}/{tenant}/oauth2/v2.0/token.</summary>
    public static Uri TokenEndpointFor(ExchangeOnlineEnvironment environment, string tenant)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        return new Uri(environment.AuthorityHost, "/" + Uri.EscapeDataString(tenant) + "/oauth2/v2.0/token");
    }

    /// <summary>How many tokens were fetched from the endpoint (diagnostics and tests).</summary>
    public int TokensAcquired { get; private set; }

    /// <summary>When the last token fetched expires (as the endpoint said), or null before the first one.</summary>
    public DateTimeOffset? LastTokenExpiresOn { get; private set; }

    /// <inheritdoc />
    public async ValueTask<string> GetTokenAsync(AccessTokenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!request.ForceRefresh && _cache.TryGetValue(request.Scope, out var cached) && cached.ExpiresAt > _time.GetUtcNow())
                return cached.Token;

            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = _clientId,
                ["client_secret"] = _clientSecret,
                ["scope"] = request.Scope,
            });
            using var message = new HttpRequestMessage(HttpMethod.Post, _tokenEndpoint) { Content = form };
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            JsonDocument? doc = null;
            try { doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(body) ? "{}" : body); }
            catch (JsonException) { /* not JSON: reported below */ }
            using (doc)
            {
                var root = doc?.RootElement;
                if (!response.IsSuccessStatusCode || root is null || !root.Value.TryGetProperty("access_token", out var tokenElement) || tokenElement.ValueKind != JsonValueKind.String)
                {
                    string? code = null, description = null;
                    if (root is { ValueKind: JsonValueKind.Object } r)
                    {
                        if (r.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String) code = e.GetString();
                        if (r.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String) description = d.GetString();
                    }
                    throw new AccessTokenException(
                        $"The token endpoint {_tokenEndpoint.GetLeftPart(UriPartial.Authority)} refused the request (HTTP {(int)response.StatusCode}{(code is null ? "" : ", " + code)}){(description is null ? "." : ": " + description)}")
                    { ErrorCode = code };
                }
                var token = tokenElement.GetString()!;
                var lifetime = root.Value.TryGetProperty("expires_in", out var exp) && exp.TryGetInt32OrParse(out var seconds) ? seconds : 3600;
                // Renew five minutes early (or halfway for short-lived tokens).
                var margin = Math.Min(300, lifetime / 2);
                var now = _time.GetUtcNow();
                _cache[request.Scope] = (token, now.AddSeconds(lifetime - margin));
                LastTokenExpiresOn = now.AddSeconds(lifetime);
                TokensAcquired++;
                return token;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"ClientCredentialsTokenProvider ({_clientId} at {_tokenEndpoint.GetLeftPart(UriPartial.Authority)})";

    /// <inheritdoc />
    public void Dispose()
    {
        _gate.Dispose();
        if (_ownsHttp) _http.Dispose();
    }
}

internal static class JsonElementExtensions
{
    /// <summary>expires_in is a number in v2.0 responses and a string in some v1.0 ones.</summary>
    public static bool TryGetInt32OrParse(this JsonElement element, out int value)
    {
        if (element.ValueKind == JsonValueKind.Number) return element.TryGetInt32(out value);
        if (element.ValueKind == JsonValueKind.String) return int.TryParse(element.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out value);
        value = 0;
        return false;
    }
}
