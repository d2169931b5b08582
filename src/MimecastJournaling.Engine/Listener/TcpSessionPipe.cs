using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SmtpServer.IO;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// One accepted TCP connection as the pipe SmtpServer reads and writes (the library's own pipe
/// type is internal). TLS replaces the reader and writer with ones over the SslStream, so
/// anything a client pipelined in clear text after STARTTLS is dropped, not treated as secure.
/// </summary>
internal sealed class TcpSessionPipe : ISecurableDuplexPipe
{
    private readonly TcpClient _client;
    private readonly NetworkStream _network;
    private SslStream? _tls;

    public TcpSessionPipe(TcpClient client)
    {
        _client = client;
        _network = client.GetStream();
        Input = PipeReader.Create(_network, new StreamPipeReaderOptions(leaveOpen: true));
        Output = new ReplyTextWriter(PipeWriter.Create(_network, new StreamPipeWriterOptions(leaveOpen: true)), Replies);
    }

    /// <summary>What the session's reply texts depend on (the command being answered), shared by its clear and TLS writers.</summary>
    public ReplyContext Replies { get; } = new();

    public PipeReader Input { get; private set; }
    public PipeWriter Output { get; private set; }
    public bool IsSecure => _tls is not null;
    public SslProtocols SslProtocol => _tls?.SslProtocol ?? SslProtocols.None;

    public async Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default)
    {
        var tls = new SslStream(_network, leaveInnerStreamOpen: true);
        // A certificate from a PEM chain file is served with its intermediates.
        var context = ListenerCertificateSource.ContextFor(certificate);
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = context is null ? certificate : null,
            ServerCertificateContext = context,
            ClientCertificateRequired = false,
            EnabledSslProtocols = protocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        }, cancellationToken).ConfigureAwait(false);
        _tls = tls;
        Input = PipeReader.Create(tls, new StreamPipeReaderOptions(leaveOpen: true));
        Output = new ReplyTextWriter(PipeWriter.Create(tls, new StreamPipeWriterOptions(leaveOpen: true)), Replies);
    }

    public void Dispose()
    {
        _tls?.Dispose();
        _network.Dispose();
        _client.Dispose();
    }
}
