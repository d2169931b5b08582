using System.Net;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// Reads journal definitions from the store on every question, so an admin's change (disable,
/// new range, new password) applies to the next connection or command without a restart.
/// A definition with no SourceIpRange accepts only from the installation's ranges (fail closed).
/// </summary>
internal sealed class DefinitionLookup
{
    private readonly IJournalStore _store;

    public DefinitionLookup(IJournalStore store) => _store = store;

    /// <summary>Connect-time check: is the address in the range of any definition (enabled or not), or in the installation's ranges?</summary>
    public bool IsAllowedByAnyDefinition(IPAddress address)
    {
        var everyDefinition = JournalConfiguration.ReadListenerSettings(_store).RangesForEveryDefinition().ToList();
        return _store.GetDefinitions().Any(d => InRanges(d.SourceIpRange.Concat(everyDefinition), address));
    }

    /// <summary>RCPT-time check: the definition's own ranges, the authorized ranges, and Exchange Online's when turned on.</summary>
    public bool IsAllowed(JournalDefinition definition, IPAddress address) =>
        InRanges(definition.SourceIpRange.Concat(JournalConfiguration.ReadListenerSettings(_store).RangesForEveryDefinition()), address);

    public JournalDefinition? FindByServiceAddress(string address) => _store.GetDefinitionByServiceAddress(address);

    public JournalDefinition? FindById(Guid id) => _store.GetDefinitions().FirstOrDefault(d => d.Id == id);

    /// <summary>Definitions that expect this SMTP user name.</summary>
    public IReadOnlyList<JournalDefinition> FindBySmtpUser(string userName) =>
        _store.GetDefinitions().Where(d => d.SmtpAuthentication && string.Equals(d.SmtpUserName, userName, StringComparison.Ordinal)).ToList();

    private static bool InRanges(IEnumerable<string> ranges, IPAddress address) =>
        ranges.Any(r => IpRange.TryParse(r, out var range, out _) && range.Contains(address));
}
