using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace MimecastJournaling.Engine.Tests.Listener;

/// <summary>
/// What an admin reads in Exchange's queue viewer is the listener's own text: no library phrases
/// ("haven't we met before?", "ready when you are", "go ahead", "N retry(ies) remaining"), and
/// every reply after EHLO carries an enhanced status code (RFC 2034/3463), 535 5.7.8 included.
/// A raw session, line by line, so nothing in between rewrites what the server says.
/// </summary>
public sealed partial class ListenerReplyTextTests : IAsyncLifetime
{
    private const string Service = "journal@journal.contoso.com";
    private static readonly string[] LibraryPhrases = ["haven't we met before", "ready when you are", "go ahead", "retry(ies)", "attempt(s)", "has be cancelled", "maximium"];
    private readonly ListenerHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [GeneratedRegex(@"^\d{3}[ -][245]\.\d{1,3}\.\d{1,3} ")]
    private static partial Regex EnhancedCode();

    /// <summary>One SMTP conversation over a stream that TLS can replace; every server line is kept.</summary>
    private sealed class RawSession : IDisposable
    {
        private readonly TcpClient _client = new();
        private Stream _stream = null!;
        private StreamReader _reader = null!;
        public List<string> Lines { get; } = [];

        public async Task<string> OpenAsync(int port)
        {
            await _client.ConnectAsync("127.0.0.1", port);
            Use(_client.GetStream());
            return await ReplyAsync();
        }

        private void Use(Stream stream)
        {
            _stream = stream;
            _reader = new StreamReader(stream, Encoding.ASCII, false, 1024, leaveOpen: true);
        }

        /// <summary>Sends a line and returns the whole (possibly multi-line) reply.</summary>
        public async Task<string> SendAsync(string line)
        {
            await _stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"));
            await _stream.FlushAsync();
            return await ReplyAsync();
        }

        private async Task<string> ReplyAsync()
        {
            var reply = new StringBuilder();
            while (true)
            {
                var line = await _reader.ReadLineAsync().WaitAsync(ListenerHarness.BoundedWait) ?? throw new IOException("The server closed the connection.");
                Lines.Add(line);
                reply.AppendLine(line);
                if (line.Length < 4 || line[3] != '-')
                {
                    return reply.ToString().TrimEnd();
                }
            }
        }

        public async Task StartTlsAsync()
        {
            var tls = new SslStream(_client.GetStream(), leaveInnerStreamOpen: true, (_, _, _, _) => true);
            await tls.AuthenticateAsClientAsync("127.0.0.1");
            Use(tls);
        }

        public void Dispose() => _client.Dispose();
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Greeting_EHLO_STARTTLS_AUTH_and_refusals_speak_the_listeners_text_with_enhanced_codes()
    {
        _h.Define("OnPrem", Service, s => s with { SmtpCredential = ListenerHarness.Credential() });
        await _h.StartAsync();
        using var session = new RawSession();

        var greeting = await session.OpenAsync(_h.Port);
        Assert.Equal($"220 {ListenerHarness.ServerName} ESMTP ready", greeting);

        var ehlo = await session.SendAsync("EHLO exchange.contoso.com");
        Assert.StartsWith($"250-{ListenerHarness.ServerName} Hello exchange.contoso.com", ehlo);

        Assert.Equal("220 2.0.0 Ready to start TLS", await session.SendAsync("STARTTLS"));
        await session.StartTlsAsync();
        await session.SendAsync("EHLO exchange.contoso.com");

        Assert.Matches(@"^50[02] 5\.5\.[12] Command not recognized$", await session.SendAsync("FROBNICATE"));
        await session.SendAsync("AUTH PLAIN");
        Assert.Equal("334 ", session.Lines[^1]);   // an empty challenge (RFC 4954), not a phrase
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await session.SendAsync(Base64($"\0{ListenerHarness.SmtpUser}\0wrong password")));
        Assert.Equal("235 2.7.0 Authentication successful", await session.SendAsync("AUTH PLAIN " + Base64($"\0{ListenerHarness.SmtpUser}\0{ListenerHarness.SmtpPassword}")));
        Assert.Equal("250 2.1.0 Sender OK", await session.SendAsync("MAIL FROM:<postmaster@contoso.com>"));
        Assert.Equal("250 2.1.5 Recipient OK", await session.SendAsync($"RCPT TO:<{Service}>"));
        Assert.Matches(@"^354 ", await session.SendAsync("DATA"));
        Assert.Matches(@"^250 2\.0\.0 Queued as \d+$", await session.SendAsync("Subject: reply texts\r\n\r\nbody\r\n."));
        Assert.Matches(@"^250 2\.0\.0 ", await session.SendAsync("NOOP"));
        Assert.Matches(@"^250 2\.0\.0 ", await session.SendAsync("RSET"));
        Assert.Matches(@"^221 2\.0\.0 ", await session.SendAsync("QUIT"));

        foreach (var line in session.Lines)
        {
            Assert.DoesNotContain(LibraryPhrases, phrase => line.Contains(phrase, StringComparison.OrdinalIgnoreCase));
        }
        // The greeting and EHLO's lines carry no enhanced code (RFC 2034); every other reply does, except 354 and the 334 challenge.
        foreach (var line in session.Lines.Where(l => !l.StartsWith("220 " + ListenerHarness.ServerName, StringComparison.Ordinal) && !l.StartsWith("250-", StringComparison.Ordinal)
                     && !l.StartsWith("354 ", StringComparison.Ordinal) && !l.StartsWith("334 ", StringComparison.Ordinal) && !Regex.IsMatch(l, @"^250 (PIPELINING|8BITMIME|SMTPUTF8|SIZE|AUTH|STARTTLS)")))
        {
            Assert.Matches(EnhancedCode(), line);
        }
    }

    [Fact]
    public async Task A_refusal_in_the_library_keeps_no_retry_count()
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false });
        await _h.StartAsync();
        using var session = new RawSession();
        await session.OpenAsync(_h.Port);
        await session.SendAsync("EHLO exchange.contoso.com");
        var early = await session.SendAsync($"RCPT TO:<{Service}>");
        Assert.True(Regex.IsMatch(early, @"^50[13] 5\.5\.1 Bad sequence of commands"), early);
        Assert.Matches(@"^550 5\.1\.1 ", await session.SendAsync("MAIL FROM:<postmaster@contoso.com>") is var mail && mail.StartsWith("250", StringComparison.Ordinal)
            ? await session.SendAsync("RCPT TO:<nobody@journal.contoso.com>") : mail);
        Assert.All(session.Lines, line => Assert.DoesNotContain("retry", line, StringComparison.OrdinalIgnoreCase));
    }
}
