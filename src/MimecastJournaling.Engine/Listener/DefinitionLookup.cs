using System.Net;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// Reads journal definitions from the store on every question, so an admin's change (disable,
/// new range, new password) applies to the next connection or command without a restart.
/// A definition with no SourceIpRange accepts from nowhere (fail closed).
/// </summary>
internal sealed class DefinitionLookup
{
    private readonly IJournalStore _store;

    public DefinitionLookup(IJournalStore store) => _store = store;

    /// <summary>Connect-time check: is the address in the range of any definition (enabled or not)?</summary>
    public bool IsAllowedByAnyDefinition(IPAddress address) =>
        _store.GetDefinitions().Any(d => IsAllowed(d, address));

    public JournalDefinition? FindByServiceAddress(string address) => _store.GetDefinitionByServiceAddress(address);

    public JournalDefinition? FindById(Guid id) => _store.GetDefinitions().FirstOrDefault(d => d.Id == id);

    /// <summary>Definitions that expect this SMTP user name.</summary>
    public IReadOnlyList<JournalDefinition> FindBySmtpUser(string userName) =>
        _store.GetDefinitions().Where(d => d.SmtpAuthentication && string.Equals(d.SmtpUserName, userName, StringComparison.Ordinal)).ToList();

    public static bool IsAllowed(JournalDefinition definition, IPAddress address) =>
        definition.SourceIpRange.Any(r => IpRange.TryParse(r, out var range, out _) && range.Contains(address));
}
