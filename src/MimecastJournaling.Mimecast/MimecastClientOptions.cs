namespace MimecastJournaling.Mimecast;

/// <summary>The Mimecast API 2.0 host to use.</summary>
public enum MimecastRegion
{
    /// <summary>api.services.mimecast.com: routes to the account's region and fails over.</summary>
    Global,
    /// <summary>uk-api.services.mimecast.com: pinned to the UK, no fail-over.</summary>
    UK,
    /// <summary>us-api.services.mimecast.com: pinned to the US, no fail-over.</summary>
    US,
}

/// <summary>How the client id and secret travel to the token endpoint.</summary>
public enum MimecastClientAuthentication
{
    /// <summary>In the form body (client_id, client_secret): what every public sample does.</summary>
    RequestBody,
    /// <summary>HTTP Basic (RFC 6749 2.3.1); one third-party client offers it, no source shows it is needed.</summary>
    BasicHeader,
}

/// <summary>
/// Settings of <see cref="MimecastClient"/>. Everything Mimecast does not document, or that the
/// public sources disagree on, is a setting here (see README.md beside this file): hosts per
/// region, the token request, list keys, the next-page field, the error envelopes, the rate-limit
/// headers, the status names and the bodies of the undocumented domain calls.
/// </summary>
public sealed class MimecastClientOptions
{
    /// <summary>The API 2.0 host of each region (only Global, UK and US are documented).</summary>
    public IDictionary<MimecastRegion, Uri> RegionBaseUris { get; } = new Dictionary<MimecastRegion, Uri>
    {
        [MimecastRegion.Global] = new("https://api.services.mimecast.com"),
        [MimecastRegion.UK] = new("https://uk-api.services.mimecast.com"),
        [MimecastRegion.US] = new("https://us-api.services.mimecast.com"),
    };

    /// <summary>The region; used when <see cref="BaseUri"/> is null.</summary>
    public MimecastRegion Region { get; set; } = MimecastRegion.Global;

    /// <summary>Another host (a proxy, a loopback emulator); replaces the region's.</summary>
    public Uri? BaseUri { get; set; }

    /// <summary>The token endpoint, relative to the base (Mimecast serves it on the API host).</summary>
    public string TokenPath { get; set; } = "/oauth/token";

    /// <summary>How the client credentials are sent to <see cref="TokenPath"/>.</summary>
    public MimecastClientAuthentication ClientAuthentication { get; set; } = MimecastClientAuthentication.RequestBody;

    /// <summary>An OAuth scope to ask for (none: no source shows one is needed).</summary>
    public string? Scope { get; set; }

    /// <summary>The lifetime assumed when the token answer has no expires_in (Mimecast says 30 minutes; a third-party client assumes 300 s).</summary>
    public TimeSpan DefaultTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Renew the token this long before it expires.</summary>
    public TimeSpan TokenRenewBefore { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Statuses that mean "the token is no longer good": one new token and one retry. 418 is API 1.0's "binding expired".</summary>
    public ISet<int> ReauthenticateStatusCodes { get; } = new HashSet<int> { 401, 418 };

    /// <summary>Path of the journal services (list, create; "/{id}" for get, update, delete).</summary>
    public string JournalServicesPath { get; set; } = "/journaling/cloud-gateway/v1/services";

    /// <summary>
    /// Where the list of journal services may be in the answer, tried in order; a bare JSON array is
    /// accepted too. Sources disagree ("services" or "journalingServices"); "data" is API 1.0's.
    /// </summary>
    public IList<string> JournalServiceListKeys { get; } = new List<string> { "services", "journalingServices", "data", "items" };

    /// <summary>Path of the pending (not yet verified) domains.</summary>
    public string PendingDomainsPath { get; set; } = "/domain/cloud-gateway/v1/pending-domains";

    /// <summary>Path of the internal (verified) domains.</summary>
    public string InternalDomainsPath { get; set; } = "/domain/cloud-gateway/v1/internal-domains";

    /// <summary>Path that checks ownership of pending domains (its body is undocumented: see <see cref="VerifyDomainBody"/>).</summary>
    public string VerifyPendingDomainsPath { get; set; } = "/domain/cloud-gateway/v1/pending-domains/verify";

    /// <summary>Path that returns (and extends) the TXT verification code of pending domains.</summary>
    public string GenerateTokenPath { get; set; } = "/domain/cloud-gateway/v1/pending-domains/generate-token";

    /// <summary>
    /// The body of POST pending-domains for one domain. No source shows it; the default is the
    /// plain form (<c>{"domain":"…"}</c>, the API 1.0 item without its "data" wrapper).
    /// </summary>
    public Func<string, object> RegisterDomainBody { get; set; } = domain => new Dictionary<string, object?> { ["domain"] = domain };

    /// <summary>
    /// The body of POST pending-domains/verify for one domain. No source shows it; the default
    /// follows the documented sibling calls (generate-token, internal-domains/verify): <c>{"domains":["…"]}</c>.
    /// </summary>
    public Func<string, object> VerifyDomainBody { get; set; } = domain => new Dictionary<string, object?> { ["domains"] = new[] { domain } };

    /// <summary>Where a domain list is in the answer (documented: "domains"; API 1.0: "data").</summary>
    public IList<string> DomainListKeys { get; } = new List<string> { "domains", "data", "results" };

    /// <summary>The text to publish as the DNS TXT record, from the verification code ("{0}"); Mimecast's docs give the code only.</summary>
    public string VerificationRecordFormat { get; set; } = "{0}";

    /// <summary>Page size asked for on paged lists (Mimecast: 1–100).</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>Query parameter names of the documented paging.</summary>
    public string PageSizeParameter { get; set; } = "pageSize";

    /// <summary>See <see cref="PageSizeParameter"/>.</summary>
    public string PageTokenParameter { get; set; } = "pageToken";

    /// <summary>
    /// Where the next-page token may be in a list answer, tried in order (dotted paths). No source
    /// documents the field; these are the names clients accept.
    /// </summary>
    public IList<string> NextPageTokenPaths { get; } = new List<string>
    {
        "meta.nextPageToken", "meta.nextPage", "meta.pagination.nextPageToken", "meta.pagination.nextPage", "meta.pagination.next", "nextPageToken", "nextPage",
    };

    /// <summary>Upper bound on pages per list (a loop guard; a repeated token also stops).</summary>
    public int MaxPages { get; set; } = 1000;

    /// <summary>
    /// Rate-limit headers that give the wait in milliseconds, tried in order (Mimecast documents
    /// X-RateLimit-Reset; X-Mimecast-RateLimit-Reset is seen in one third-party client only).
    /// </summary>
    public IList<string> RateLimitResetHeaders { get; } = new List<string> { "X-RateLimit-Reset", "X-Mimecast-RateLimit-Reset" };

    /// <summary>The header giving the calls left (when it says 0, the next call waits for the reset first).</summary>
    public string RateLimitRemainingHeader { get; set; } = "X-RateLimit-Remaining";

    /// <summary>The wait after a 429 that carries neither a reset header nor Retry-After.</summary>
    public TimeSpan DefaultRateLimitWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A 429 that asks for a longer wait than this fails the call (Throttled, with the wait in the message).</summary>
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How many 429s in a row one call waits out before it fails.</summary>
    public int MaxRateLimitRetries { get; set; } = 3;

    /// <summary>Statuses retried (GET only) with a back-off from <see cref="BaseRetryDelay"/>.</summary>
    public ISet<int> TransientStatusCodes { get; } = new HashSet<int> { 502, 503, 504 };

    /// <summary>Retries of a GET after a transient status.</summary>
    public int MaxTransientRetries { get; set; } = 2;

    /// <summary>The first back-off after a transient status, doubled per retry.</summary>
    public TimeSpan BaseRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Per-request timeout.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>JSON property names whose values never reach a log, an error or an output object.</summary>
    public ISet<string> SecretFields { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "password", "client_secret", "clientSecret", "access_token", "refresh_token",
    };

    /// <summary>How the API's status names map to the console's (only the API names are documented; the mapping is not).</summary>
    public IDictionary<string, MimecastServiceStatus> StatusNames { get; } = new Dictionary<string, MimecastServiceStatus>(StringComparer.OrdinalIgnoreCase)
    {
        ["ok"] = MimecastServiceStatus.OK,
        ["not_active"] = MimecastServiceStatus.AwaitingInitialRun,
        ["error"] = MimecastServiceStatus.Error,
    };

    /// <summary>Mimecast documents IPv4 CIDR for ipRanges; IPv6 ranges are refused locally unless this is true.</summary>
    public bool AllowIPv6SourceRanges { get; set; }

    /// <summary>Parser of the error envelopes (replace to adapt).</summary>
    public MimecastErrorParser ErrorParser { get; set; } = new();

    /// <summary>
    /// Names PATCH uses where they differ from create's (only one third-party client shows them;
    /// create name → update name). Fields not listed keep their create name.
    /// </summary>
    public IDictionary<string, string> UpdateFieldNames { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["usesAuthentication"] = "useAuthentication",
        ["usesTls"] = "useTls",
        ["prefersClearText"] = "preferClearText",
    };

    /// <summary>The JSON message format names per journal type.</summary>
    public string ExchangeEnvelopeFormat { get; set; } = "exchange_env";

    /// <summary>See <see cref="ExchangeEnvelopeFormat"/>.</summary>
    public string StandardEmlFormat { get; set; } = "standard_eml";

    /// <summary>User-Agent.</summary>
    public string UserAgent { get; set; } = "MimecastJournaling/1.0";

    /// <summary>Receives every step of every call (method, path, body without secrets, status, waits). Exceptions it throws are swallowed.</summary>
    public Action<MimecastCallEvent>? CallLog { get; set; }

    /// <summary>The host the calls go to.</summary>
    public Uri ResolveBaseUri() =>
        BaseUri ?? (RegionBaseUris.TryGetValue(Region, out var uri) ? uri : throw new InvalidOperationException($"No API host is set for the region {Region}."));
}

/// <summary>The kind of a <see cref="MimecastCallEvent"/>.</summary>
public enum MimecastCallEventKind
{
    /// <summary>A token is requested (never the secret).</summary>
    RequestingToken,
    /// <summary>A token was issued (its expiry only).</summary>
    TokenIssued,
    /// <summary>A request is sent.</summary>
    Sending,
    /// <summary>An answer came back.</summary>
    Received,
    /// <summary>The token was refused; one new token and one retry.</summary>
    Reauthenticating,
    /// <summary>Waiting: a 429, a rate-limit reset, or a transient failure.</summary>
    Waiting,
    /// <summary>Following a next-page token.</summary>
    Paging,
    /// <summary>The call failed.</summary>
    Failed,
}

/// <summary>One step of a Mimecast call for logs (Write-Verbose). Never holds a secret, a password or a token.</summary>
/// <param name="Kind">The step.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path and query.</param>
/// <param name="Attempt">1-based attempt.</param>
/// <param name="Body">The JSON body sent, with secret fields replaced by "***".</param>
/// <param name="StatusCode">HTTP status, when an answer was read.</param>
/// <param name="Delay">A wait.</param>
/// <param name="Message">Free text.</param>
public sealed record MimecastCallEvent(
    MimecastCallEventKind Kind, string Method, string Path, int Attempt = 1, string? Body = null,
    int? StatusCode = null, TimeSpan? Delay = null, string? Message = null)
{
    /// <summary>"Sending POST /journaling/… {…}".</summary>
    public override string ToString()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(Kind).Append(' ').Append(Method).Append(' ').Append(Path);
        if (Attempt > 1) sb.Append(" (attempt ").Append(Attempt).Append(')');
        if (StatusCode is not null) sb.Append(" HTTP ").Append(StatusCode);
        if (Delay is not null) sb.Append(" wait ").Append(Delay.Value.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)).Append('s');
        if (Body is not null) sb.Append(' ').Append(Body);
        if (Message is not null) sb.Append(": ").Append(Message);
        return sb.ToString();
    }
}
