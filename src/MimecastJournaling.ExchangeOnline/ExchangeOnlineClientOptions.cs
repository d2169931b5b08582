namespace MimecastJournaling.ExchangeOnline;

/// <summary>How to follow <c>@odata.nextLink</c>; sources disagree, so it is a setting.</summary>
public enum NextLinkMethod
{
    /// <summary>POST the same body and headers to the link (most clients).</summary>
    RepeatPost,
    /// <summary>GET the link without a body.</summary>
    Get,
}

/// <summary>What to do when the service redirects to a host that is not the cloud's own.</summary>
public enum UntrustedRedirectHandling
{
    /// <summary>Stop with an error (the default): nothing is sent to the other host.</summary>
    Fail,
    /// <summary>Follow without the Authorization header.</summary>
    FollowWithoutToken,
}

/// <summary>
/// Settings of <see cref="ExchangeOnlineClient"/>. Everything the admin API does not document
/// (URL shape, routing hint, header names, paging verb, retry signals) is a setting here, with the
/// error-envelope knowledge in <see cref="ErrorParser"/>.
/// </summary>
public sealed class ExchangeOnlineClientOptions
{
    /// <summary>The well-known system mailbox used as the app-only routing hint.</summary>
    public const string AppOnlySystemMailbox = "SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}";

    /// <summary>The cloud (or explicit endpoints).</summary>
    public ExchangeOnlineEnvironment Environment { get; set; } = ExchangeOnlineEnvironment.Global;

    /// <summary>The tenant in the URL path. Use the tenant id (GUID); the service is said to want it.</summary>
    public string Tenant { get; set; } = "";

    /// <summary>The signed-in admin's UPN for delegated sign-in; null for app-only.</summary>
    public string? UserPrincipalName { get; set; }

    /// <summary>
    /// X-AnchorMailbox. Null: "UPN:&lt;UserPrincipalName&gt;" when delegated, else
    /// "APP:SystemMailbox{bb558c35-…}@&lt;Tenant&gt;". Sources disagree on the app-only form; set it here.
    /// </summary>
    public string? AnchorMailbox { get; set; }

    /// <summary>The request path; "{tenant}" is replaced by the escaped <see cref="Tenant"/>.</summary>
    public string InvokeCommandPath { get; set; } = "/adminapi/beta/{tenant}/InvokeCommand";

    /// <summary>Sent as <c>Prefer: odata.maxpagesize=N</c>; null sends no Prefer header.</summary>
    public int? MaxPageSize { get; set; } = 1000;

    /// <summary>How to follow nextLink.</summary>
    public NextLinkMethod NextLinkMethod { get; set; } = NextLinkMethod.RepeatPost;

    /// <summary>Upper bound on pages per call (a loop guard).</summary>
    public int MaxPages { get; set; } = 10_000;

    /// <summary>Cmdlets that take -ResultSize; the client sends ResultSize "Unlimited" to them unless the caller gave one.</summary>
    public ISet<string> CmdletsTakingResultSize { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Get-MailContact", "Get-AcceptedDomain", "Get-Recipient", "Get-Mailbox", "Get-MailUser", "Get-Contact",
        "Get-DistributionGroup", "Get-User",
    };

    /// <summary>Headers sent on every request besides the ones the client owns; the defaults can be removed or replaced.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["X-ResponseFormat"] = "json",
        ["X-ClientApplication"] = "MimecastJournaling",
        ["Accept"] = "application/json",
    };

    /// <summary>Send <c>X-CmdletName: &lt;cmdlet&gt;</c> (diagnostic only).</summary>
    public bool SendCmdletNameHeader { get; set; } = true;

    /// <summary>Header carrying the fresh per-request GUID (null: none).</summary>
    public string? ClientRequestIdHeader { get; set; } = "client-request-id";

    /// <summary>Header carrying the stable per-client GUID (null: none).</summary>
    public string? ConnectionIdHeader { get; set; } = "connection-id";

    /// <summary>User-Agent.</summary>
    public string UserAgent { get; set; } = "MimecastJournaling/1.0";

    /// <summary>Retries after throttling or transient failures (not counting the one 401 re-authentication).</summary>
    public int MaxRetries { get; set; } = 6;

    /// <summary>First back-off without Retry-After; doubled per attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan BaseRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Ceiling of the computed back-off.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A Retry-After longer than this is not waited for: the call fails as Throttled.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Statuses retried for idempotent cmdlets (besides 429, which is always retryable).</summary>
    public ISet<int> TransientStatusCodes { get; } = new HashSet<int> { 408, 502, 503, 504 };

    /// <summary>
    /// Verbs whose cmdlets are not safe to repeat blindly: a transient failure of a New- may have
    /// created the object. Those are retried only on throttling (the request was refused) and only
    /// after <see cref="ExchangeInvokeOptions.BeforeRetry"/> (when given) agreed — a caller's New-
    /// must re-read (Get-) before the retry and treat an existing object as success.
    /// </summary>
    public ISet<string> NonIdempotentVerbs { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "New", "Add", "Validate", "Send" };

    /// <summary>Hosts and their sub-domains that receive the token after a redirect. Null: the environment's list.</summary>
    public IList<string>? TrustedRedirectHostSuffixes { get; set; }

    /// <summary>What to do on a redirect to an untrusted host.</summary>
    public UntrustedRedirectHandling UntrustedRedirect { get; set; } = UntrustedRedirectHandling.Fail;

    /// <summary>Regional redirects sometimes name port 446; rewrite it to 443 (https only).</summary>
    public bool RewriteRedirectPort446 { get; set; } = true;

    /// <summary>After a redirect to a trusted regional host, send later calls there directly.</summary>
    public bool PinRedirectedHost { get; set; } = true;

    /// <summary>Redirect hops per request.</summary>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>Per-request timeout; REST cmdlets time out after 15 minutes server-side.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(16);

    /// <summary>Parser of the error envelope (replace to adapt to service changes).</summary>
    public ExchangeErrorParser ErrorParser { get; set; } = new();

    /// <summary>
    /// Called for every step of every call (cmdlet, parameters, attempt, status). Never receives the
    /// token. Exceptions thrown by the callback are swallowed.
    /// </summary>
    public Action<ExchangeCommandEvent>? CommandLog { get; set; }

    internal string ResolveAnchorMailbox() =>
        AnchorMailbox
        ?? (UserPrincipalName is { Length: > 0 } upn ? "UPN:" + upn : $"APP:{AppOnlySystemMailbox}@{Tenant}");
}

/// <summary>Per-call settings.</summary>
public sealed class ExchangeInvokeOptions
{
    /// <summary>
    /// Asked before every retry. A New- caller re-reads here: if the object exists, answer
    /// <see cref="ExchangeRetryDecision.CompleteWith"/>; otherwise <see cref="ExchangeRetryDecision.Retry"/>.
    /// </summary>
    public Func<ExchangeRetryContext, CancellationToken, Task<ExchangeRetryDecision>>? BeforeRetry { get; set; }

    /// <summary>Overrides <see cref="ExchangeOnlineClientOptions.MaxPageSize"/> for this call.</summary>
    public int? MaxPageSize { get; set; }
}

/// <summary>Why a call is about to be retried.</summary>
public enum ExchangeRetryReason
{
    /// <summary>HTTP 429.</summary>
    Throttled,
    /// <summary>The per-tenant concurrency-limit message.</summary>
    ConcurrencyLimit,
    /// <summary>A transient server status (408/502/503/504 by default).</summary>
    TransientFailure,
}

/// <summary>What a retry hook sees.</summary>
/// <param name="CmdletName">The cmdlet.</param>
/// <param name="Parameters">Its parameters.</param>
/// <param name="Attempt">The attempt that just failed (1-based).</param>
/// <param name="Reason">Why it is retried.</param>
/// <param name="Delay">How long the client will wait before the retry.</param>
/// <param name="IsIdempotent">False for New-/Add-/… (see <see cref="ExchangeOnlineClientOptions.NonIdempotentVerbs"/>).</param>
/// <param name="Failure">The failure.</param>
public sealed record ExchangeRetryContext(
    string CmdletName, IReadOnlyList<KeyValuePair<string, object?>> Parameters, int Attempt,
    ExchangeRetryReason Reason, TimeSpan Delay, bool IsIdempotent, ExchangeCommandException Failure);

/// <summary>A retry hook's answer.</summary>
public sealed class ExchangeRetryDecision
{
    private ExchangeRetryDecision(int kind, ExchangeCommandResult? result) { Kind = kind; Result = result; }

    internal int Kind { get; }
    internal ExchangeCommandResult? Result { get; }

    /// <summary>Retry after the delay.</summary>
    public static ExchangeRetryDecision Retry { get; } = new(0, null);
    /// <summary>Do not retry: the call fails with the last error.</summary>
    public static ExchangeRetryDecision GiveUp { get; } = new(1, null);
    /// <summary>Do not retry: the call returns <paramref name="result"/> (e.g. the object a re-read found).</summary>
    public static ExchangeRetryDecision CompleteWith(ExchangeCommandResult result) => new(2, result ?? throw new ArgumentNullException(nameof(result)));
}

/// <summary>The kind of a <see cref="ExchangeCommandEvent"/>.</summary>
public enum ExchangeCommandEventKind
{
    /// <summary>A cmdlet call starts.</summary>
    Invoking,
    /// <summary>A request is about to be sent (one per attempt, page and redirect hop).</summary>
    Sending,
    /// <summary>The service redirected.</summary>
    Redirected,
    /// <summary>The token was refused; re-acquiring once.</summary>
    Reauthenticating,
    /// <summary>Waiting before a retry.</summary>
    Retrying,
    /// <summary>Following nextLink.</summary>
    Paging,
    /// <summary>The call succeeded.</summary>
    Succeeded,
    /// <summary>The call failed.</summary>
    Failed,
}

/// <summary>One step of a cmdlet call, for logs (Write-Verbose, a file). Never contains the token.</summary>
/// <param name="Kind">The step.</param>
/// <param name="CmdletName">The cmdlet.</param>
/// <param name="Parameters">The parameters as sent.</param>
/// <param name="Attempt">1-based attempt.</param>
/// <param name="Url">The URL concerned (no credentials are ever in URLs).</param>
/// <param name="StatusCode">HTTP status, when a response was read.</param>
/// <param name="Delay">The wait before a retry.</param>
/// <param name="Message">Free text (error text, redirect target, object count).</param>
public sealed record ExchangeCommandEvent(
    ExchangeCommandEventKind Kind, string CmdletName, IReadOnlyList<KeyValuePair<string, object?>> Parameters,
    int Attempt, string? Url = null, int? StatusCode = null, TimeSpan? Delay = null, string? Message = null)
{
    /// <summary>"Invoking New-JournalRule -Name 'x' -Enabled True (attempt 1) …".</summary>
    public override string ToString()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(Kind).Append(' ').Append(CmdletName);
        foreach (var (k, v) in Parameters) sb.Append(" -").Append(k).Append(' ').Append(Format(v));
        if (Attempt > 1) sb.Append(" (attempt ").Append(Attempt).Append(')');
        if (StatusCode is not null) sb.Append(" HTTP ").Append(StatusCode);
        if (Delay is not null) sb.Append(" wait ").Append(Delay.Value.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)).Append('s');
        if (Url is not null) sb.Append(' ').Append(Url);
        if (Message is not null) sb.Append(": ").Append(Message);
        return sb.ToString();
    }

    private static string Format(object? v) => v switch
    {
        null => "$null",
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        bool b => b ? "$true" : "$false",
        System.Collections.IEnumerable e and not string => string.Join(",", e.Cast<object?>().Select(Format)),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };
}
