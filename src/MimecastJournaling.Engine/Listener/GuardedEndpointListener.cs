using System.Net;
using System.Net.Sockets;
using System.Text;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// Accepts connections on a socket the listener bound itself (so a port in use fails Start, not
/// a background task) and lets only admitted peers through to an SMTP session. A refused peer on
/// a plain port gets one reply line (554 5.7.1 or 421 4.7.0) and is closed; on an implicit-TLS port it
/// is closed before the handshake.
/// </summary>
internal sealed class GuardedEndpointListener : IEndpointListener
{
    private static readonly TimeSpan RefusalWriteTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _socket;
    private readonly bool _implicitTls;
    private readonly ConnectionGate _gate;
    private readonly string _serverName;
    private readonly DataStreamingOptions _data;

    public GuardedEndpointListener(TcpListener socket, bool implicitTls, ConnectionGate gate, string serverName, DataStreamingOptions data)
    {
        _data = data;
        _socket = socket;
        _implicitTls = implicitTls;
        _gate = gate;
        _serverName = serverName;
    }

    public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
    {
        while (true)
        {
            var client = await _socket.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            var pipe = new TcpSessionPipe(client);
            var remote = (IPEndPoint)client.Client.RemoteEndPoint!;
            var address = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
            if (_gate.TryAdmit(address) is { } refusal)
            {
                _ = RefuseAsync(pipe, refusal, address);
                continue;
            }
            context.Properties[EndpointListener.LocalEndPointKey] = client.Client.LocalEndPoint!;
            context.Properties[EndpointListener.RemoteEndPointKey] = remote;
            // The reply texts depend on the command answered (250 after MAIL is 2.1.0, after RCPT 2.1.5).
            context.CommandExecuting += (_, e) => pipe.Replies.Command = e.Command.Name;
            pipe.Replies.ServerName = _serverName;
            return new SlotHoldingPipe(new DataStreamingPipe(pipe, context, _data, pipe.Replies), _gate, address);
        }
    }

    private async Task RefuseAsync(ISecurableDuplexPipe pipe, RefusalReason reason, IPAddress address)
    {
        using (pipe)
        {
            var line = reason switch
            {
                RefusalReason.SourceNotAllowed => SmtpReplies.SourceNotAllowedGreeting(_serverName),
                RefusalReason.TooManyConnections => SmtpReplies.TooManyConnectionsGreeting(_serverName),
                RefusalReason.TooManyConnectionsFromSource => SmtpReplies.TooManyConnectionsFromSourceGreeting(_serverName),
                _ => SmtpReplies.TemporaryProblemGreeting(_serverName),
            };
            SmtpTransactionTracker.ConnectionRefused(_data.TransactionCompleted, address, _implicitTls ? "closed before TLS: " + reason : line, reason);
            if (_implicitTls)
            {
                return;
            }
            try
            {
                using var timeout = new CancellationTokenSource(RefusalWriteTimeout);
                await pipe.Output.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), timeout.Token).ConfigureAwait(false);
                await pipe.Output.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // The peer went away; it was refused either way.
            }
        }
    }

    // The socket belongs to the JournalListener, which stops it.
    public void Dispose()
    {
    }
}

/// <summary>Hands SmtpServer one guarded listener per endpoint, over the sockets bound at Start.</summary>
internal sealed class GuardedEndpointListenerFactory : IEndpointListenerFactory
{
    private readonly IReadOnlyDictionary<IPEndPoint, (TcpListener Socket, bool ImplicitTls)> _sockets;
    private readonly ConnectionGate _gate;
    private readonly string _serverName;
    private readonly DataStreamingOptions _data;

    public GuardedEndpointListenerFactory(IReadOnlyDictionary<IPEndPoint, (TcpListener Socket, bool ImplicitTls)> sockets, ConnectionGate gate, string serverName, DataStreamingOptions data)
    {
        _data = data;
        _sockets = sockets;
        _gate = gate;
        _serverName = serverName;
    }

    public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
    {
        var (socket, implicitTls) = _sockets[endpointDefinition.Endpoint];
        return new GuardedEndpointListener(socket, implicitTls, _gate, _serverName, _data);
    }
}

/// <summary>
/// The session's pipe, holding one connection slot of the <see cref="ConnectionGate"/> until the
/// library disposes it at the end of the session.
/// </summary>
internal sealed class SlotHoldingPipe : ISecurableDuplexPipe
{
    private readonly ISecurableDuplexPipe _inner;
    private readonly ConnectionGate _gate;
    private readonly IPAddress _source;
    private int _released;

    public SlotHoldingPipe(ISecurableDuplexPipe inner, ConnectionGate gate, IPAddress source)
    {
        _inner = inner;
        _gate = gate;
        _source = source;
    }

    public System.IO.Pipelines.PipeReader Input => _inner.Input;
    public System.IO.Pipelines.PipeWriter Output => _inner.Output;
    public bool IsSecure => _inner.IsSecure;
    public System.Security.Authentication.SslProtocols SslProtocol => _inner.SslProtocol;

    public Task UpgradeAsync(System.Security.Cryptography.X509Certificates.X509Certificate certificate,
        System.Security.Authentication.SslProtocols protocols, CancellationToken cancellationToken = default) =>
        _inner.UpgradeAsync(certificate, protocols, cancellationToken);

    public void Dispose()
    {
        _inner.Dispose();
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _gate.Release(_source);
        }
    }
}
