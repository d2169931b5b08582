using Microsoft.Graph;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using KiotaTokenProvider = Microsoft.Kiota.Abstractions.Authentication.IAccessTokenProvider;

namespace MimecastJournaling.ExchangeOnline;

/// <summary>
/// <see cref="IGraphDirectory"/> over the Microsoft Graph SDK (v5, Kiota). The only class that
/// touches Graph types: the SDK's assemblies (about 40 MB) load when the first instance is created,
/// never when the module is imported. The SDK's default handlers retry 429/503/504 with Retry-After.
/// </summary>
public sealed class GraphSdkDirectory : IGraphDirectory
{
    private readonly HttpClient _http;
    private readonly GraphServiceClient _client;
    private readonly GraphTokenAdapter _tokens;
    private readonly GraphDirectoryOptions _options;

    /// <summary>Creates the client. <paramref name="finalHandler"/> replaces the network handler (tests).</summary>
    public GraphSdkDirectory(GraphDirectoryOptions options, HttpMessageHandler? finalHandler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        var hosts = options.AllowedHosts is { Count: > 0 } h ? h : new[] { options.BaseUrl.Host };
        _tokens = new GraphTokenAdapter(options.Tokens, options.Scope, hosts);
        _http = GraphClientFactory.Create(finalHandler: finalHandler);
        _client = new GraphServiceClient(_http, new BaseBearerTokenAuthenticationProvider(_tokens), options.BaseUrl.ToString().TrimEnd('/'));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<GraphDomain>> GetDomainsAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<GraphDomain>();
        string? next = null;
        do
        {
            var link = next;
            var page = await CallAsync("GET /domains",
                () => link is null ? _client.Domains.GetAsync(cancellationToken: cancellationToken) : _client.Domains.WithUrl(CheckLink(link)).GetAsync(cancellationToken: cancellationToken)).ConfigureAwait(false);
            foreach (var d in page?.Value ?? new())
            {
                if (string.IsNullOrEmpty(d.Id)) continue;
                result.Add(new GraphDomain(d.Id, d.IsVerified ?? false, d.IsDefault ?? false, d.IsInitial ?? false,
                    (IReadOnlyList<string>?)d.SupportedServices?.Where(s => s is not null).ToArray() ?? Array.Empty<string>(), d.AuthenticationType));
            }
            next = page?.OdataNextLink;
        }
        while (next is not null);
        return result;
    }

    /// <inheritdoc />
    public async Task<GraphUserPage> GetUserChangesAsync(string? link, CancellationToken cancellationToken = default)
    {
        void Configure(RequestConfiguration<Microsoft.Graph.Users.Delta.DeltaRequestBuilder.DeltaRequestBuilderGetQueryParameters> rc, bool first)
        {
            if (first) rc.QueryParameters.Select = _options.UserProperties.ToArray();
            if (_options.PageSize is { } size) rc.Headers.Add("Prefer", "odata.maxpagesize=" + size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        var page = await CallAsync("GET /users/delta", () => link is null
            ? _client.Users.Delta.GetAsDeltaGetResponseAsync(rc => Configure(rc, true), cancellationToken)
            : _client.Users.Delta.WithUrl(CheckLink(link)).GetAsDeltaGetResponseAsync(rc => Configure(rc, false), cancellationToken)).ConfigureAwait(false);
        var users = new List<GraphUser>();
        foreach (var u in page?.Value ?? new())
        {
            if (string.IsNullOrEmpty(u.Id)) continue;
            if (u.AdditionalData?.ContainsKey("@removed") == true)
            {
                users.Add(new GraphUser(u.Id) { Removed = true });
                continue;
            }
            // The backing store holds exactly the properties the page carried (null ones included).
            var sent = u.BackingStore.Enumerate().Select(kv => kv.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
            users.Add(new GraphUser(u.Id)
            {
                UserPrincipalName = u.UserPrincipalName,
                DisplayName = u.DisplayName,
                AccountEnabled = u.AccountEnabled,
                MailPresent = sent.Contains("mail"),
                Mail = u.Mail,
                ProxyAddresses = sent.Contains("proxyAddresses") ? (u.ProxyAddresses ?? new()).Where(a => a is not null).ToArray() : null,
            });
        }
        return new GraphUserPage(users, page?.OdataNextLink, page?.OdataDeltaLink);
    }

    /// <summary>A next or delta link must point at the Graph host: the token goes nowhere else.</summary>
    private string CheckLink(string link)
    {
        if (!Uri.TryCreate(link, UriKind.Absolute, out var uri) || !_tokens.AllowedHostsValidator.IsUrlHostValid(uri))
            throw new GraphDirectoryException(GraphErrorKind.Other, null, null,
                $"The paging link is not on the Microsoft Graph host {_options.BaseUrl.Host}; it was not followed.");
        return link;
    }

    /// <summary>Runs one call; a 401 is retried once with a fresh token; failures become <see cref="GraphDirectoryException"/>.</summary>
    private async Task<T?> CallAsync<T>(string what, Func<Task<T?>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (ApiException e) when (e.ResponseStatusCode == 401 && attempt == 1)
            {
                _tokens.ForceRefreshNext = true;
            }
            catch (ApiException e)
            {
                throw Translate(what, e);
            }
            catch (HttpRequestException e)
            {
                throw new GraphDirectoryException(GraphErrorKind.Other, null, null,
                    $"Could not reach Microsoft Graph at {_options.BaseUrl.GetLeftPart(UriPartial.Authority)} ({what}): {e.Message}", e);
            }
        }
    }

    private static GraphDirectoryException Translate(string what, ApiException e)
    {
        string? code = null, message = null;
        if (e is Microsoft.Graph.Models.ODataErrors.ODataError odata)
        {
            code = odata.Error?.Code;
            message = odata.Error?.Message;
        }
        var status = e.ResponseStatusCode;
        var kind = status switch
        {
            403 => GraphErrorKind.AccessDenied,
            401 => GraphErrorKind.Unauthorized,
            410 => GraphErrorKind.DeltaExpired,
            404 => GraphErrorKind.NotFound,
            429 => GraphErrorKind.Throttled,
            _ when code is "resyncRequired" or "syncStateNotFound" or "syncStateInvalid" => GraphErrorKind.DeltaExpired,
            _ => GraphErrorKind.Other,
        };
        var text = $"Microsoft Graph answered {what} with HTTP {status}{(code is null ? "" : ", " + code)}: {message ?? "no error text"}";
        return new GraphDirectoryException(kind, status == 0 ? null : status, code, text, e);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _client.Dispose();
        _http.Dispose();
    }

    /// <summary>Kiota's token seam over ours: a token only for the Graph hosts, only over https (or http on loopback).</summary>
    private sealed class GraphTokenAdapter : KiotaTokenProvider
    {
        private readonly IAccessTokenProvider _tokens;
        private readonly string _scope;

        public GraphTokenAdapter(IAccessTokenProvider tokens, string scope, IEnumerable<string> hosts)
        {
            _tokens = tokens;
            _scope = scope;
            AllowedHostsValidator = new AllowedHostsValidator(hosts);
        }

        public AllowedHostsValidator AllowedHostsValidator { get; }

        public volatile bool ForceRefreshNext;

        public async Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
        {
            if (uri is null || !AllowedHostsValidator.IsUrlHostValid(uri)) return string.Empty;
            if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)) return string.Empty;
            var force = ForceRefreshNext || additionalAuthenticationContext?.ContainsKey("claims") == true;
            ForceRefreshNext = false;
            return await _tokens.GetTokenAsync(new AccessTokenRequest(_scope, force), cancellationToken).ConfigureAwait(false);
        }
    }
}
