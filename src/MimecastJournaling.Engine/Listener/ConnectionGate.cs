using System.Net;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// The connect-time checks, before any SMTP is spoken: the peer must be in the SourceIpRange of
/// at least one definition (the exact definition is checked again at RCPT TO), and the number of
/// open connections must stay under the limit. An admitted connection holds a slot until its
/// session ends.
/// </summary>
internal sealed class ConnectionGate
{
    private readonly DefinitionLookup _definitions;
    private readonly ListenerCounters _counters;
    private readonly int _maxConnections;

    public ConnectionGate(DefinitionLookup definitions, ListenerCounters counters, int maxConnections)
    {
        _definitions = definitions;
        _counters = counters;
        _maxConnections = maxConnections;
    }

    /// <summary>Null when admitted (the caller then owns one slot), or why not.</summary>
    public RefusalReason? TryAdmit(IPAddress address)
    {
        bool allowed;
        try
        {
            allowed = _definitions.IsAllowedByAnyDefinition(address);
        }
        catch (Exception)
        {
            return Refuse(RefusalReason.StoreUnavailable);
        }
        if (!allowed)
        {
            return Refuse(RefusalReason.SourceNotAllowed);
        }
        _counters.ConnectionOpened();
        if (_counters.ConnectionsOpen > _maxConnections)
        {
            _counters.ConnectionClosed();
            return Refuse(RefusalReason.TooManyConnections);
        }
        return null;
    }

    public void Release() => _counters.ConnectionClosed();

    private RefusalReason Refuse(RefusalReason reason)
    {
        _counters.Refused(reason);
        return reason;
    }
}
