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
    private readonly int _maxPerSource;
    private readonly Dictionary<IPAddress, int> _perSource = new();

    public ConnectionGate(DefinitionLookup definitions, ListenerCounters counters, int maxConnections, int maxPerSource = int.MaxValue)
    {
        _definitions = definitions;
        _counters = counters;
        _maxConnections = maxConnections;
        _maxPerSource = maxPerSource;
    }

    /// <summary>Null when admitted (the caller then owns one slot and releases it with <see cref="Release"/>), or why not.</summary>
    public RefusalReason? TryAdmit(IPAddress address)
    {
        if (TryAdmitCore(address) is { } refusal)
        {
            return refusal;
        }
        lock (_perSource)
        {
            var open = _perSource.GetValueOrDefault(address);
            if (open >= _maxPerSource)
            {
                _counters.ConnectionClosed();
                return Refuse(RefusalReason.TooManyConnectionsFromSource);
            }
            _perSource[address] = open + 1;
        }
        return null;
    }

    public void Release(IPAddress address)
    {
        lock (_perSource)
        {
            if (_perSource.TryGetValue(address, out var open))
            {
                if (open <= 1)
                {
                    _perSource.Remove(address);
                }
                else
                {
                    _perSource[address] = open - 1;
                }
            }
        }
        _counters.ConnectionClosed();
    }

    private RefusalReason? TryAdmitCore(IPAddress address)
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


    private RefusalReason Refuse(RefusalReason reason)
    {
        _counters.Refused(reason);
        return reason;
    }
}
