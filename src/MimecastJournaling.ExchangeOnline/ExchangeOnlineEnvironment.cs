namespace MimecastJournaling.ExchangeOnline;

/// <summary>The Microsoft 365 clouds Exchange Online runs in (Connect-ExchangeOnline's -ExchangeEnvironmentName).</summary>
public enum ExchangeCloud
{
    /// <summary>Commercial and GCC (O365Default).</summary>
    Global,
    /// <summary>GCC High (O365USGovGCCHigh).</summary>
    USGovGCCHigh,
    /// <summary>DoD (O365USGovDoD).</summary>
    USGovDoD,
    /// <summary>Operated by 21Vianet (O365China).</summary>
    China,
}

/// <summary>
/// The endpoints of one cloud: where the admin API lives, which token it wants, and which hosts are
/// the cloud's own (a redirect to one of them gets the bearer token again). Every value can be
/// replaced with <c>with { … }</c> (explicit endpoints, a loopback emulator, a corrected host).
/// </summary>
/// <param name="Cloud">The cloud these endpoints were derived from.</param>
/// <param name="AdminApiBase">Scheme and host of the admin API, e.g. https://outlook.office365.com.</param>
/// <param name="TokenResource">The OAuth resource (token audience) of the admin API.</param>
/// <param name="GraphBase">Microsoft Graph for this cloud.</param>
/// <param name="AuthorityHost">The Entra ID sign-in host, e.g. https://login.microsoftonline.com.</param>
/// <param name="TrustedHostSuffixes">
/// Host names (and their sub-domains) that may receive the token after a redirect. A value matches
/// the host itself or any host ending in "." + value.
/// </param>
public sealed record ExchangeOnlineEnvironment(
    ExchangeCloud Cloud,
    Uri AdminApiBase,
    Uri TokenResource,
    Uri GraphBase,
    Uri AuthorityHost,
    IReadOnlyList<string> TrustedHostSuffixes)
{
    /// <summary>The OAuth 2.0 scope for app-only and delegated tokens: resource + "/.default".</summary>
    public string Scope => TokenResource.GetLeftPart(UriPartial.Authority) + "/.default";

    /// <summary>
    /// The token audience of Graph when <see cref="GraphBase"/> was replaced (a proxy, a loopback
    /// emulator): the cloud's own Graph. Null: <see cref="GraphBase"/> itself.
    /// </summary>
    public Uri? GraphTokenResource { get; init; }

    /// <summary>The OAuth 2.0 scope for Microsoft Graph: the Graph resource + "/.default".</summary>
    public string GraphScope => (GraphTokenResource ?? GraphBase).GetLeftPart(UriPartial.Authority) + "/.default";

    /// <summary>Commercial and GCC.</summary>
    public static ExchangeOnlineEnvironment Global { get; } = new(
        ExchangeCloud.Global,
        new Uri("https://outlook.office365.com"),
        new Uri("https://outlook.office365.com"),
        new Uri("https://graph.microsoft.com"),
        new Uri("https://login.microsoftonline.com"),
        new[] { "outlook.office365.com", "outlook.office.com" });

    /// <summary>GCC High.</summary>
    public static ExchangeOnlineEnvironment USGovGCCHigh { get; } = new(
        ExchangeCloud.USGovGCCHigh,
        new Uri("https://outlook.office365.us"),
        new Uri("https://outlook.office365.us"),
        new Uri("https://graph.microsoft.us"),
        new Uri("https://login.microsoftonline.us"),
        new[] { "outlook.office365.us" });

    /// <summary>DoD. The REST host differs from the old Remote PowerShell host (webmail.apps.mil).</summary>
    public static ExchangeOnlineEnvironment USGovDoD { get; } = new(
        ExchangeCloud.USGovDoD,
        new Uri("https://outlook-dod.office365.us"),
        new Uri("https://outlook-dod.office365.us"),
        new Uri("https://dod-graph.microsoft.us"),
        new Uri("https://login.microsoftonline.us"),
        new[] { "outlook-dod.office365.us" });

    /// <summary>
    /// 21Vianet. Unconfirmed: sources disagree between outlook.office365.cn and partner.outlook.cn;
    /// this uses Microsoft's admin API page (outlook.office365.cn) and trusts both. Override if needed.
    /// </summary>
    public static ExchangeOnlineEnvironment China { get; } = new(
        ExchangeCloud.China,
        new Uri("https://outlook.office365.cn"),
        new Uri("https://outlook.office365.cn"),
        new Uri("https://microsoftgraph.chinacloudapi.cn"),
        new Uri("https://login.partner.microsoftonline.cn"),
        new[] { "outlook.office365.cn", "partner.outlook.cn" });

    /// <summary>The endpoints of a cloud.</summary>
    public static ExchangeOnlineEnvironment For(ExchangeCloud cloud) => cloud switch
    {
        ExchangeCloud.Global => Global,
        ExchangeCloud.USGovGCCHigh => USGovGCCHigh,
        ExchangeCloud.USGovDoD => USGovDoD,
        ExchangeCloud.China => China,
        _ => throw new ArgumentOutOfRangeException(nameof(cloud), cloud, "Unknown cloud."),
    };

    /// <summary>
    /// Explicit endpoints (a private cloud, a proxy, a loopback emulator). The admin API host is
    /// trusted for redirects unless other suffixes are given.
    /// </summary>
    public static ExchangeOnlineEnvironment Custom(
        Uri adminApiBase, Uri? tokenResource = null, Uri? graphBase = null, Uri? authorityHost = null,
        IReadOnlyList<string>? trustedHostSuffixes = null)
    {
        ArgumentNullException.ThrowIfNull(adminApiBase);
        return new ExchangeOnlineEnvironment(
            ExchangeCloud.Global,
            adminApiBase,
            tokenResource ?? adminApiBase,
            graphBase ?? Global.GraphBase,
            authorityHost ?? Global.AuthorityHost,
            trustedHostSuffixes ?? new[] { adminApiBase.Host });
    }

    /// <summary>True when <paramref name="host"/> is one of <see cref="TrustedHostSuffixes"/> or a sub-domain of one.</summary>
    public bool IsTrustedHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        foreach (var suffix in TrustedHostSuffixes)
        {
            if (string.IsNullOrEmpty(suffix)) continue;
            var s = suffix.TrimStart('.');
            if (host.Equals(s, StringComparison.OrdinalIgnoreCase)) return true;
            if (host.EndsWith("." + s, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
