namespace MimecastJournaling.ExchangeOnline;

/// <summary>A domain of the tenant as Microsoft Graph lists it (GET /domains). Our own record: no Graph type leaves this project.</summary>
/// <param name="Name">The domain name (Graph's id), e.g. contoso.com.</param>
/// <param name="IsVerified">Ownership was proven to Microsoft (DNS).</param>
/// <param name="IsDefault">The default domain for new users and addresses.</param>
/// <param name="IsInitial">The tenant's initial *.onmicrosoft.com domain.</param>
/// <param name="SupportedServices">What the domain is used for (Email, OfficeCommunicationsOnline, …).</param>
/// <param name="AuthenticationType">Managed or Federated.</param>
public sealed record GraphDomain(string Name, bool IsVerified, bool IsDefault, bool IsInitial, IReadOnlyList<string> SupportedServices, string? AuthenticationType)
{
    /// <summary>True when Email is among <see cref="SupportedServices"/>.</summary>
    public bool SupportsEmail => SupportedServices.Any(s => string.Equals(s, "Email", StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// One user of a /users/delta page. In a delta round (after a deltaLink) Graph sends at least the
/// properties that changed, so a property may be absent: <see cref="MailPresent"/> tells an absent
/// mail from a null one, and <see cref="ProxyAddresses"/> is null when absent (a multi-valued
/// property is always sent whole).
/// </summary>
/// <param name="Id">The directory object id.</param>
public sealed record GraphUser(string Id)
{
    /// <summary>The user was deleted (Graph's <c>@removed</c>); nothing else is set.</summary>
    public bool Removed { get; init; }
    /// <summary>The user principal name, when sent.</summary>
    public string? UserPrincipalName { get; init; }
    /// <summary>The display name, when sent.</summary>
    public string? DisplayName { get; init; }
    /// <summary>Whether the account can sign in, when sent (shared mailboxes are disabled accounts).</summary>
    public bool? AccountEnabled { get; init; }
    /// <summary>True when the page carried the mail property (even as null).</summary>
    public bool MailPresent { get; init; }
    /// <summary>The primary SMTP address, when sent.</summary>
    public string? Mail { get; init; }
    /// <summary>Every proxy address with its prefix (SMTP: primary, smtp: secondary, SIP:, X500:, …); null when not sent.</summary>
    public IReadOnlyList<string>? ProxyAddresses { get; init; }
}

/// <summary>One page of /users/delta: its users, and either the link to the next page or, on the last page, the delta link for the next round.</summary>
public sealed record GraphUserPage(IReadOnlyList<GraphUser> Users, string? NextLink, string? DeltaLink);

/// <summary>What went wrong with a Graph call.</summary>
public enum GraphErrorKind
{
    /// <summary>403: the token lacks the permission (Domain.Read.All, User.Read.All).</summary>
    AccessDenied,
    /// <summary>401: the token was refused (expired, wrong audience).</summary>
    Unauthorized,
    /// <summary>410 (or a resync error code): the delta link is no longer valid; start a full round.</summary>
    DeltaExpired,
    /// <summary>404.</summary>
    NotFound,
    /// <summary>429 after the SDK's own retries.</summary>
    Throttled,
    /// <summary>Anything else.</summary>
    Other,
}

/// <summary>A failed Graph call, with Graph's own code and message (never the token or a link with a delta token).</summary>
public sealed class GraphDirectoryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GraphDirectoryException(GraphErrorKind kind, int? statusCode, string? code, string message, Exception? inner = null) : base(message, inner)
    {
        Kind = kind;
        StatusCode = statusCode;
        Code = code;
    }

    /// <summary>The classification.</summary>
    public GraphErrorKind Kind { get; }
    /// <summary>The HTTP status, when there was a response.</summary>
    public int? StatusCode { get; }
    /// <summary>Graph's error code (Authorization_RequestDenied, …), when sent.</summary>
    public string? Code { get; }
}

/// <summary>
/// The read side of Microsoft Graph that the module uses: the tenant's domains and the users'
/// addresses, with delta paging. The SDK lives behind it (<see cref="GraphSdkDirectory"/>); tests
/// can substitute it.
/// </summary>
public interface IGraphDirectory : IDisposable
{
    /// <summary>GET /domains (every page).</summary>
    /// <exception cref="GraphDirectoryException">Graph refused or failed.</exception>
    Task<IReadOnlyList<GraphDomain>> GetDomainsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of /users/delta: null starts a full round (with $select); otherwise the nextLink or
    /// deltaLink of an earlier page.
    /// </summary>
    /// <exception cref="GraphDirectoryException">Graph refused or failed; <see cref="GraphErrorKind.DeltaExpired"/> when the link is too old.</exception>
    Task<GraphUserPage> GetUserChangesAsync(string? link, CancellationToken cancellationToken = default);
}

/// <summary>Where and how to reach Graph: base URL, the token scope, the token source and the hosts that may receive the token.</summary>
/// <param name="BaseUrl">Graph with its version, e.g. https://graph.microsoft.com/v1.0.</param>
/// <param name="Scope">The token scope, e.g. https://graph.microsoft.com/.default.</param>
/// <param name="Tokens">Our token seam; asked for <paramref name="Scope"/>.</param>
public sealed record GraphDirectoryOptions(Uri BaseUrl, string Scope, IAccessTokenProvider Tokens)
{
    /// <summary>Hosts that receive the token; default: the host of <see cref="BaseUrl"/> only.</summary>
    public IReadOnlyList<string>? AllowedHosts { get; init; }

    /// <summary>Users per page asked for with Prefer: odata.maxpagesize (Graph allows up to 999 for users); null: Graph's default.</summary>
    public int? PageSize { get; init; } = 999;

    /// <summary>The properties read from /users/delta (the first request carries $select; Graph keeps it in the links).</summary>
    public IReadOnlyList<string> UserProperties { get; init; } = new[] { "mail", "proxyAddresses", "userPrincipalName", "accountEnabled", "displayName" };

    /// <summary>
    /// The base of Graph for an environment: <see cref="ExchangeOnlineEnvironment.GraphBase"/> plus /v1.0, with the
    /// cloud's Graph scope and the Graph host as the only one that gets the token.
    /// </summary>
    public static GraphDirectoryOptions For(ExchangeOnlineEnvironment environment, IAccessTokenProvider tokens)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(tokens);
        var root = environment.GraphBase.GetLeftPart(UriPartial.Path).TrimEnd('/');
        var baseUrl = root.EndsWith("/v1.0", StringComparison.OrdinalIgnoreCase) || root.EndsWith("/beta", StringComparison.OrdinalIgnoreCase) ? root : root + "/v1.0";
        return new GraphDirectoryOptions(new Uri(baseUrl), environment.GraphScope, tokens);
    }
}
