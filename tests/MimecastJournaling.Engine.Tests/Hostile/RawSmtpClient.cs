using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MimecastJournaling.Engine.Tests.Hostile;

/// <summary>A bare SMTP client over a socket on 127.0.0.0/8, for what well-behaved clients never send.</summary>
internal sealed class RawSmtpClient : IAsyncDisposable
{
    private readonly TcpClient _client;
    private Stream _stream;
    private readonly StringBuilder _pending = new();

    private RawSmtpClient(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawSmtpClient> ConnectAsync(int port, IPAddress? from = null)
    {
        var client = new TcpClient(new IPEndPoint(from ?? IPAddress.Loopback, 0));
        await client.ConnectAsync(IPAddress.Loopback, port);
        return new RawSmtpClient(client);
    }

    /// <summary>
    /// After a 220 to STARTTLS: the TLS handshake over the same socket, trusting
    /// <paramref name="serverCertificate"/> only. Whatever the server sent after its 220 in clear
    /// text (nothing, if it behaves) is dropped.
    /// </summary>
    public async Task StartTlsAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 serverCertificate)
    {
        _pending.Clear();
        var tls = new System.Net.Security.SslStream(_stream, leaveInnerStreamOpen: false,
            (_, certificate, _, _) => certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(serverCertificate.RawData));
        await tls.AuthenticateAsClientAsync("journal.test");
        _stream = tls;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>The next complete reply (its last line, "250 ..."), or null when the server closed the connection.</summary>
    public async Task<string?> ReplyAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(30));
        var buffer = new byte[4096];
        while (true)
        {
            var text = _pending.ToString();
            var lines = text.Split("\r\n");
            for (var i = 0; i < lines.Length - 1; i++)
            {
                if (lines[i].Length >= 4 && lines[i][3] == ' ')
                {
                    _pending.Clear().Append(string.Join("\r\n", lines[(i + 1)..]));
                    return lines[i];
                }
            }
            int read;
            try
            {
                read = await _stream.ReadAsync(buffer, timeout.Token);
            }
            catch (IOException)
            {
                return null;
            }
            if (read == 0)
            {
                return null;
            }
            _pending.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
    }

    /// <summary>True when the server closed the connection (reads end) within <paramref name="within"/>.</summary>
    public async Task<bool> ClosedAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                if (await _stream.ReadAsync(buffer, timeout.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}
