using System.Globalization;
using System.Text.Json;

namespace MimecastJournaling.Mimecast;

/// <summary>Where a domain is in Mimecast's directories.</summary>
public enum MimecastDomainState
{
    /// <summary>Registered, waiting for its DNS TXT verification (pending-domains).</summary>
    Pending,
    /// <summary>Verified: an internal domain (internal-domains).</summary>
    Internal,
}

/// <summary>A domain as Mimecast has it: pending (with its verification code) or internal.</summary>
public sealed class MimecastJournalDomain
{
    /// <summary>The domain name.</summary>
    public string Domain { get; init; } = "";
    /// <summary>Mimecast's id.</summary>
    public string? Id { get; init; }
    /// <summary>Pending or Internal.</summary>
    public MimecastDomainState State { get; init; }
    /// <summary>True for an internal (verified) domain.</summary>
    public bool Verified => State == MimecastDomainState.Internal;
    /// <summary>The verification code (pending domains).</summary>
    public string? VerificationCode { get; init; }
    /// <summary>The text to publish as a DNS TXT record at <see cref="Domain"/> (pending domains).</summary>
    public string? TxtRecord { get; init; }
    /// <summary>When it was registered (pending domains).</summary>
    public DateTimeOffset? Created { get; init; }
    /// <summary>When the verification code expires (pending domains).</summary>
    public DateTimeOffset? Expires { get; init; }
    /// <summary>Inbound checks (internal domains: any, smtp, ldap, known, …).</summary>
    public string? InboundType { get; init; }
    /// <summary>Mimecast's "local" flag.</summary>
    public bool? Local { get; init; }
    /// <summary>Mimecast's "sendOnly" flag.</summary>
    public bool? SendOnly { get; init; }

    /// <inheritdoc />
    public override string ToString() => Domain;
}

/// <summary>
/// The journal sub-domain in Mimecast's Internal Directories: register (pending-domains), the
/// verification code to publish as DNS TXT, verify, and the pending and internal lists (paged).
/// </summary>
public sealed class MimecastJournalDomains
{
    private readonly MimecastClient _client;

    /// <summary>Creates the wrapper.</summary>
    public MimecastJournalDomains(MimecastClient client) => _client = client ?? throw new ArgumentNullException(nameof(client));

    private MimecastClientOptions O => _client.Options;

    /// <summary>Every pending domain (all pages).</summary>
    public async Task<IReadOnlyList<MimecastJournalDomain>> ListPendingAsync(CancellationToken ct = default) =>
        (await _client.GetListAsync(O.PendingDomainsPath, O.DomainListKeys, paged: true, ct).ConfigureAwait(false)).Select(e => Read(e, MimecastDomainState.Pending)).ToArray();

    /// <summary>Every internal domain (all pages).</summary>
    public async Task<IReadOnlyList<MimecastJournalDomain>> ListInternalAsync(CancellationToken ct = default) =>
        (await _client.GetListAsync(O.InternalDomainsPath, O.DomainListKeys, paged: true, ct).ConfigureAwait(false)).Select(e => Read(e, MimecastDomainState.Internal)).ToArray();

    /// <summary>The domain, internal first, else pending; null when Mimecast has neither.</summary>
    public async Task<MimecastJournalDomain?> FindAsync(string domain, CancellationToken ct = default)
    {
        var name = CheckName(domain);
        return (await ListInternalAsync(ct).ConfigureAwait(false)).FirstOrDefault(d => Same(d.Domain, name))
            ?? (await ListPendingAsync(ct).ConfigureAwait(false)).FirstOrDefault(d => Same(d.Domain, name));
    }

    /// <summary>
    /// Registers the domain unless Mimecast has it already (then it is returned as it is). A
    /// sub-domain of a managed domain may become internal at once (API 1.0 says so); the answer
    /// tells which.
    /// </summary>
    public async Task<(MimecastJournalDomain Domain, bool Created)> RegisterAsync(string domain, CancellationToken ct = default)
    {
        var name = CheckName(domain);
        if (await FindAsync(name, ct).ConfigureAwait(false) is { } existing) return (existing, false);
        await _client.SendAsync(HttpMethod.Post, O.PendingDomainsPath, O.RegisterDomainBody(name), ct).ConfigureAwait(false);
        var found = await FindAsync(name, ct).ConfigureAwait(false)
            ?? throw new MimecastApiException(MimecastErrorKind.InvalidResponse, $"Mimecast accepted the registration of {name} but lists it neither as pending nor as internal.");
        return (found, true);
    }

    /// <summary>Asks Mimecast to verify the domain's TXT record, then reads where the domain is.</summary>
    public async Task<(MimecastJournalDomain Domain, string? Detail)> VerifyAsync(string domain, CancellationToken ct = default)
    {
        var name = CheckName(domain);
        var current = await FindAsync(name, ct).ConfigureAwait(false)
            ?? throw new MimecastApiException(MimecastErrorKind.NotFound, $"Mimecast has no domain {name}. Run Register-MimecastJournalDomain {name} first.");
        if (current.State == MimecastDomainState.Internal) return (current, "already verified");
        var root = await _client.SendAsync(HttpMethod.Post, O.VerifyPendingDomainsPath, O.VerifyDomainBody(name), ct).ConfigureAwait(false);
        string? detail = null;
        if (MimecastClient.FindList(root, new[] { "results", "domains", "data" }) is { } results)
        {
            foreach (var r in results.EnumerateArray())
            {
                if (Same(MimecastJournalServices.Str(r, "domain"), name)) detail = MimecastJournalServices.Str(r, "status") ?? MimecastJournalServices.Str(r, "message");
            }
        }
        var after = await FindAsync(name, ct).ConfigureAwait(false) ?? current;
        return (after, detail);
    }

    /// <summary>Removes a pending domain (internal domains have no documented delete call).</summary>
    public async Task<MimecastJournalDomain> RemovePendingAsync(string domain, CancellationToken ct = default)
    {
        var name = CheckName(domain);
        var current = await FindAsync(name, ct).ConfigureAwait(false)
            ?? throw new MimecastApiException(MimecastErrorKind.NotFound, $"Mimecast has no domain {name}. Get-MimecastJournalDomain lists them.");
        if (current.State == MimecastDomainState.Internal)
            throw new MimecastCheckException("DomainIsInternal",
                $"{name} is a verified internal domain; the API has no documented call to remove one. Remove it in the Administration Console (Directories > Internal Directories).");
        if (string.IsNullOrEmpty(current.Id))
            throw new MimecastApiException(MimecastErrorKind.InvalidResponse, $"Mimecast lists the pending domain {name} without an id; it cannot be removed by the API.");
        await _client.SendAsync(HttpMethod.Delete, O.PendingDomainsPath + "/" + Uri.EscapeDataString(current.Id), null, ct).ConfigureAwait(false);
        return current;
    }

    /// <summary>Checks a domain name locally (letters, digits, hyphens, dots; at least two labels).</summary>
    public static string CheckName(string domain)
    {
        var name = (domain ?? "").Trim().TrimEnd('.').ToLowerInvariant();
        var labels = name.Split('.');
        if (labels.Length < 2 || name.Length > 253 || labels.Any(l => l.Length is 0 or > 63 || l[0] == '-' || l[^1] == '-' || !l.All(ch => ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')))
            throw new MimecastCheckException("InvalidDomainName", $"'{domain}' is not a domain name. Give the journal sub-domain, for example journal.contoso.com.");
        return name;
    }

    private static bool Same(string? a, string b) => string.Equals(a?.Trim().TrimEnd('.'), b, StringComparison.OrdinalIgnoreCase);

    private MimecastJournalDomain Read(JsonElement e, MimecastDomainState state)
    {
        var code = MimecastJournalServices.Str(e, "token");
        return new MimecastJournalDomain
        {
            Domain = (MimecastJournalServices.Str(e, "domain") ?? "").Trim().ToLowerInvariant(),
            Id = MimecastJournalServices.Str(e, "id"),
            State = state,
            VerificationCode = code,
            TxtRecord = code is null ? null : string.Format(CultureInfo.InvariantCulture, O.VerificationRecordFormat, code),
            Created = MimecastJournalServices.Date(e, "createdDateTime") ?? MimecastJournalServices.Date(e, "created"),
            Expires = MimecastJournalServices.Date(e, "expiryDateTime") ?? MimecastJournalServices.Date(e, "expiry"),
            InboundType = MimecastJournalServices.Str(e, "inboundType"),
            Local = MimecastJournalServices.Bool(e, "local"),
            SendOnly = MimecastJournalServices.Bool(e, "sendOnly"),
        };
    }
}
