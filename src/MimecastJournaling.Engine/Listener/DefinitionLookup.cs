using System.Net;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// The journal definitions and listener settings as the listener sees them. Every question first
/// asks the store for its configuration version (one indexed read), and the copy is read again
/// only when that moved, so an admin's change (disable, new range, new password) still applies to
/// the next connection or command without a restart. Ranges are parsed once per copy.
/// A definition with no SourceIpRange accepts only from the installation's ranges (fail closed).
/// </summary>
internal sealed class DefinitionLookup : IDisposable
{
    private readonly IJournalStore _store;
    private readonly IDisposable? _versionWatch;
    private volatile Snapshot? _snapshot;

    public DefinitionLookup(IJournalStore store)
    {
        _store = store;
        // Asked for every SMTP command: on PostgreSQL, answered from memory until a version moves.
        _versionWatch = _store.WatchVersions();
    }

    /// <summary>Stops the version watch (the listener stopped).</summary>
    public void Dispose() => _versionWatch?.Dispose();

    /// <summary>Connect-time check: is the address in the range of any definition (enabled or not), or in the installation's ranges?</summary>
    public bool IsAllowedByAnyDefinition(IPAddress address)
    {
        var current = Current();
        return current.Definitions.Any(d => current.IsAllowed(d, address));
    }

    /// <summary>The definitions that accept reports from <paramref name="address"/> (own ranges or the installation's).</summary>
    public IReadOnlyList<JournalDefinition> AcceptingFrom(IPAddress address)
    {
        var current = Current();
        return current.Definitions.Where(d => current.IsAllowed(d, address)).ToList();
    }

    /// <summary>
    /// RCPT-time lookup, from one copy (one version read): the definition of the service address
    /// (null: none), and whether <paramref name="source"/> is in its own ranges, the authorized
    /// ranges, or Exchange Online's when turned on.
    /// </summary>
    public (JournalDefinition? Definition, bool Allowed) FindForRecipient(string serviceAddress, IPAddress source)
    {
        var current = Current();
        var definition = current.ByServiceAddress.GetValueOrDefault(Names.AddressKey(serviceAddress));
        return (definition, definition is not null && current.IsAllowed(definition, source));
    }

    public JournalDefinition? FindById(Guid id) => Current().ById.GetValueOrDefault(id);

    /// <summary>The header fields that carry a report's Exchange Online tenant.</summary>
    public IReadOnlyList<string> TenantStampHeader => Current().TenantStampHeader;

    /// <summary>Definitions that expect this SMTP user name.</summary>
    public IReadOnlyList<JournalDefinition> FindBySmtpUser(string userName) =>
        Current().Definitions.Where(d => d.SmtpAuthentication && string.Equals(d.SmtpUserName, userName, StringComparison.Ordinal)).ToList();

    private Snapshot Current()
    {
        // The version is read before the data: a change committed in between is newer than the
        // copy's version, so the next question reads again.
        var version = _store.GetConfigurationVersion();
        var snapshot = _snapshot;
        if (snapshot is not null && snapshot.Version == version)
        {
            return snapshot;
        }
        snapshot = new Snapshot(version, _store.GetDefinitions(), JournalConfiguration.ReadListenerSettings(_store));
        _snapshot = snapshot;
        return snapshot;
    }

    private sealed class Snapshot
    {
        private readonly IpRange[] _everyDefinition;
        private readonly Dictionary<Guid, IpRange[]> _ranges;

        public Snapshot(long version, IReadOnlyList<JournalDefinition> definitions, JournalListenerSettings settings)
        {
            Version = version;
            TenantStampHeader = settings.TenantStampHeader;
            Definitions = definitions;
            ById = definitions.ToDictionary(d => d.Id);
            ByServiceAddress = definitions.ToDictionary(d => Names.AddressKey(d.ServiceEmailAddress), StringComparer.Ordinal);
            _everyDefinition = Parse(settings.RangesForEveryDefinition());
            _ranges = definitions.ToDictionary(d => d.Id, d => Parse(d.SourceIpRange));
        }

        public long Version { get; }
        public IReadOnlyList<string> TenantStampHeader { get; }
        public IReadOnlyList<JournalDefinition> Definitions { get; }
        public Dictionary<Guid, JournalDefinition> ById { get; }
        public Dictionary<string, JournalDefinition> ByServiceAddress { get; }

        public bool IsAllowed(JournalDefinition definition, IPAddress address)
        {
            // A definition removed since this copy was read has no ranges of its own here.
            var own = _ranges.GetValueOrDefault(definition.Id) ?? Parse(definition.SourceIpRange);
            return own.Any(r => r.Contains(address)) || _everyDefinition.Any(r => r.Contains(address));
        }

        private static IpRange[] Parse(IEnumerable<string> ranges) =>
            ranges.Select(r => (Valid: IpRange.TryParse(r, out var range, out _), Range: range)).Where(p => p.Valid).Select(p => p.Range).ToArray();
    }
}
