using System.Net;
using System.Text.RegularExpressions;

namespace MimecastJournaling.ExchangeOnline;

/// <summary>What the journaling cmdlets did to an Exchange Online object (or a step of Enable-O365Journaling).</summary>
public enum O365JournalingAction
{
    /// <summary>The object did not exist and was created.</summary>
    Created,
    /// <summary>The object existed with other settings; they were changed.</summary>
    Updated,
    /// <summary>The object already had the wanted settings; nothing was sent.</summary>
    Unchanged,
    /// <summary>Validate-OutboundConnector passed and the connector was marked validated.</summary>
    Validated,
    /// <summary>The step was tried and failed (Validate-OutboundConnector did not pass).</summary>
    Failed,
}

/// <summary>How a local refusal should be categorised (the cmdlets map it to an ErrorCategory).</summary>
public enum O365JournalingErrorKind
{
    /// <summary>A value is not acceptable (name too long, port in a smart host, …).</summary>
    InvalidArgument,
    /// <summary>The tenant is not ready for the operation (no NDR recipient yet, …).</summary>
    InvalidOperation,
    /// <summary>A tenant limit would be exceeded (journal rules).</summary>
    LimitsExceeded,
    /// <summary>Something the operation needs does not exist.</summary>
    NotFound,
}

/// <summary>
/// A refusal of the journaling cmdlets, found before (or instead of) calling Exchange. ErrorId is
/// stable (the cmdlets use it as the ErrorRecord id); the message says what to fix.
/// </summary>
public sealed class O365JournalingException : Exception
{
    /// <summary>Creates the exception.</summary>
    public O365JournalingException(string errorId, O365JournalingErrorKind kind, string message, string? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    /// <summary>Stable PascalCase id (e.g. SmartHostHasPort).</summary>
    public string ErrorId { get; }
    /// <summary>The classification.</summary>
    public O365JournalingErrorKind Kind { get; }
    /// <summary>The value or object concerned.</summary>
    public string? Target { get; }
}

/// <summary>
/// The local checks every journaling cmdlet makes before it calls Exchange (exo-admin-api.md §5):
/// names ≤ 64 characters, smart hosts without ports, -TlsDomain only with DomainValidation, and
/// the default object names derived from a journal definition.
/// </summary>
public static partial class JournalingChecks
{
    /// <summary>Exchange's limit for the name of a recipient, connector or journal rule.</summary>
    public const int MaxNameLength = 64;

    /// <summary>"Journal - {basis}", cut to 64 characters: the default name of a definition's contact, connector and journal rule.</summary>
    public static string DefaultName(string basis) => JournalContacts.DefaultName(basis);

    /// <summary>Refuses an empty name or one longer than 64 characters (NameTooLong).</summary>
    public static string CheckName(string? name, string what)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new O365JournalingException("NameEmpty", O365JournalingErrorKind.InvalidArgument, $"The {what} name is empty: give a name of 1 to {MaxNameLength} characters.", name);
        name = name.Trim();
        if (name.Length > MaxNameLength)
            throw new O365JournalingException("NameTooLong", O365JournalingErrorKind.InvalidArgument,
                $"The {what} name '{name}' has {name.Length} characters; Exchange Online allows at most {MaxNameLength}. Give a shorter name.", name);
        return name;
    }

    /// <summary>Checks an SMTP address (local@domain) and strips an "SMTP:" prefix.</summary>
    public static string CheckAddress(string? address, string what)
    {
        var a = address?.Trim() ?? "";
        if (a.StartsWith("SMTP:", StringComparison.OrdinalIgnoreCase)) a = a[5..];
        if (!AddressPattern().IsMatch(a))
            throw new O365JournalingException("InvalidEmailAddress", O365JournalingErrorKind.InvalidArgument,
                $"The {what} '{address}' is not an email address: give one such as journal@journal.contoso.com.", address);
        return a;
    }

    /// <summary>The domain part of an address.</summary>
    public static string DomainOf(string address) => address[(address.LastIndexOf('@') + 1)..].ToLowerInvariant();

    /// <summary>
    /// Smart hosts as Exchange takes them: an FQDN, an IP address or a CIDR range — never a port
    /// (SmartHostHasPort: Exchange Online always delivers to port 25). Trimmed, without duplicates.
    /// </summary>
    public static IReadOnlyList<string> CheckSmartHosts(IEnumerable<string>? smartHosts)
    {
        var result = new List<string>();
        foreach (var raw in smartHosts ?? Array.Empty<string>())
        {
            var host = raw?.Trim() ?? "";
            if (host.Length == 0) continue;
            // One colon (host:25, 192.0.2.7:25) or a bracketed literal ([2001:db8::1]:25) is a port; an IPv6 address has several.
            if (host.StartsWith('[') || host.Count(c => c == ':') == 1)
            {
                var bare = host.StartsWith('[') && host.Contains(']', StringComparison.Ordinal) ? host[1..host.IndexOf(']', StringComparison.Ordinal)] : host[..host.LastIndexOf(':')];
                throw new O365JournalingException("SmartHostHasPort", O365JournalingErrorKind.InvalidArgument,
                    $"The smart host '{host}' has a port. Exchange Online connectors take no port and always deliver to port 25: give '{bare}' and let the listener accept on port 25.", host);
            }
            if (!IsIpOrRange(host) && !HostNamePattern().IsMatch(host))
                throw new O365JournalingException("InvalidSmartHost", O365JournalingErrorKind.InvalidArgument,
                    $"The smart host '{host}' is not a host name, an IP address or a CIDR range.", host);
            if (!result.Contains(host, StringComparer.OrdinalIgnoreCase)) result.Add(host);
        }
        if (result.Count == 0)
            throw new O365JournalingException("SmartHostRequired", O365JournalingErrorKind.InvalidArgument,
                "Give at least one smart host (the listener's host name, for example archive.contoso.com): the connector does not use MX records.");
        return result;
    }

    /// <summary>Recipient domains: a domain or *.domain; trimmed, lower case, without duplicates.</summary>
    public static IReadOnlyList<string> CheckDomains(IEnumerable<string>? domains)
    {
        var result = new List<string>();
        foreach (var raw in domains ?? Array.Empty<string>())
        {
            var d = raw?.Trim().ToLowerInvariant() ?? "";
            if (d.Length == 0) continue;
            var bare = d.StartsWith("*.", StringComparison.Ordinal) ? d[2..] : d;
            if (!HostNamePattern().IsMatch(bare) || !bare.Contains('.', StringComparison.Ordinal))
                throw new O365JournalingException("InvalidRecipientDomain", O365JournalingErrorKind.InvalidArgument,
                    $"The recipient domain '{raw}' is not a domain (journal.contoso.com) or a wildcard domain (*.contoso.com).", raw);
            if (!result.Contains(d)) result.Add(d);
        }
        if (result.Count == 0)
            throw new O365JournalingException("RecipientDomainRequired", O365JournalingErrorKind.InvalidArgument,
                "Give the recipient domain of the connector: the domain of the journal service address.");
        return result;
    }

    /// <summary>-TlsDomain is meaningful only with DomainValidation (TlsDomainRequiresDomainValidation).</summary>
    public static void CheckTls(TlsAuthLevel tlsSettings, string? tlsDomain)
    {
        if (!string.IsNullOrWhiteSpace(tlsDomain) && tlsSettings != TlsAuthLevel.DomainValidation)
            throw new O365JournalingException("TlsDomainRequiresDomainValidation", O365JournalingErrorKind.InvalidArgument,
                $"-TlsDomain '{tlsDomain}' applies only with -TlsSettings DomainValidation (it is {tlsSettings}). Add -TlsSettings DomainValidation, or leave -TlsDomain out.", tlsDomain);
        if (!string.IsNullOrWhiteSpace(tlsDomain))
        {
            var bare = tlsDomain.Trim().StartsWith("*.", StringComparison.Ordinal) ? tlsDomain.Trim()[2..] : tlsDomain.Trim();
            if (!HostNamePattern().IsMatch(bare))
                throw new O365JournalingException("InvalidTlsDomain", O365JournalingErrorKind.InvalidArgument, $"-TlsDomain '{tlsDomain}' is not a domain name.", tlsDomain);
        }
    }

    /// <summary>True for the recipients that are Exchange Online mailboxes (user, shared, room … mailboxes).</summary>
    public static bool IsMailbox(ExchangeRecipient recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        return (recipient.RecipientTypeDetails?.EndsWith("Mailbox", StringComparison.OrdinalIgnoreCase) ?? false)
            || string.Equals(recipient.RecipientType, "UserMailbox", StringComparison.OrdinalIgnoreCase);
    }

    internal static bool SameSet(IEnumerable<string> a, IEnumerable<string> b) =>
        new HashSet<string>(a, StringComparer.OrdinalIgnoreCase).SetEquals(b);

    internal static string List(IEnumerable<string> items) => string.Join(", ", items);

    private static bool IsIpOrRange(string host)
    {
        var slash = host.IndexOf('/', StringComparison.Ordinal);
        var ip = slash < 0 ? host : host[..slash];
        if (!IPAddress.TryParse(ip, out var address)) return false;
        if (slash < 0) return true;
        var max = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        return int.TryParse(host[(slash + 1)..], out var prefix) && prefix >= 0 && prefix <= max;
    }

    [GeneratedRegex(@"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HostNamePattern();

    [GeneratedRegex(@"^[^@\s<>]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AddressPattern();
}
