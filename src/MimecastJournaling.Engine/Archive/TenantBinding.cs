using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Parsing;

namespace MimecastJournaling.Engine.Archive;

/// <summary>
/// The TenantId rule: a definition that names Exchange Online tenants takes only reports whose
/// top-level header block carries a tenant stamp (by default X-MS-Exchange-CrossTenant-Id, see
/// <see cref="JournalListenerSettings.TenantStampHeader"/>), and every stamp there names one of
/// its tenants. Requiring every occurrence to match means a stamp a sender wrote into the message
/// itself cannot outvote the one Exchange Online adds when the message leaves the sender's tenant.
/// </summary>
public static class TenantBinding
{
    public const string RuleName = "TenantId";

    /// <summary>Null when the report may be taken; otherwise why not (one sentence, for the outcome or the log).</summary>
    public static string? Violation(JournalDefinition definition, ReadOnlySpan<byte> report, IReadOnlyCollection<string> stampHeaders)
    {
        if (definition.TenantId.Count == 0)
        {
            return null;
        }
        var stamps = TopHeaders.Values(report, stampHeaders);
        var tenants = string.Join(", ", definition.TenantId);
        if (stamps.Count == 0)
        {
            return $"The report carries no tenant stamp ({string.Join(" or ", stampHeaders)}); the journal definition '{definition.Description}' takes reports only from the Exchange Online tenant(s) {tenants}.";
        }
        foreach (var (name, value) in stamps)
        {
            if (!Guid.TryParse(value, out var tenant) || !definition.TenantId.Contains(tenant.ToString("D"), StringComparer.OrdinalIgnoreCase))
            {
                return $"The report's {name} is '{Shorten(value)}', not a tenant of the journal definition '{definition.Description}' ({tenants}).";
            }
        }
        return null;
    }

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
