using MimecastJournaling.Engine.Storage;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Listener;

/// <summary>
/// A journal listener on 127.0.0.1 (an ephemeral port) over a temporary store, with a
/// self-signed certificate made for the test, and the two real clients: MailKit and swaks.
/// </summary>
internal sealed class ListenerHarness : IAsyncDisposable
{
    public const string ServerName = "journal.test";
    public const string SmtpUser = "exchange";
    public const string SmtpPassword = "correct horse battery staple";
    public static readonly IPAddress OtherLoopback = IPAddress.Parse("127.0.0.2");
    public static readonly TimeSpan BoundedWait = TimeSpan.FromSeconds(30);

    public ListenerHarness()
    {
        Archive = new SqliteJournalArchive(Temp.Store.Database);
        Spool = new SqliteMessageSpool(Temp.Store);
        Temp.Configuration.RegisterDomain("contoso.com");
        foreach (var mailbox in new[] { "alice@contoso.com", "bob@contoso.com", "dave@contoso.com" })
        {
            Temp.Configuration.AddInternalAddress(mailbox);
        }
    }

    public TempStore Temp { get; } = new();
    public SqliteJournalArchive Archive { get; }
    public SqliteMessageSpool Spool { get; }
    public X509Certificate2 Certificate { get; } = CreateCertificate();
    public JournalListener? Listener { get; private set; }
    public int Port => Listener!.BoundEndpoints[0].Port;

    public JournalDefinition Define(string name, string serviceAddress, Func<DefinitionSettings, DefinitionSettings>? change = null) =>
        Temp.Configuration.NewDefinition((change ?? (s => s))(new DefinitionSettings
        {
            Description = name,
            ServiceEmailAddress = serviceAddress,
            SourceIpRange = ["127.0.0.1"],
        }));

    public static SmtpCredentialChange Credential(string password = SmtpPassword) =>
        SmtpCredentialChange.FromSecureString(SmtpUser, TempStore.Secure(password));

    public async Task<JournalListener> StartAsync(Func<ListenerOptions, ListenerOptions>? change = null, IMessageSpool? spool = null, IJournalStore? store = null)
    {
        var options = new ListenerOptions
        {
            Endpoints = [new ListenerEndpoint(IPAddress.Loopback, 0)],
            Certificate = Certificate,
            ServerName = ServerName,
            RetryDelay = TimeSpan.FromSeconds(1),
            TemporaryDirectory = Temp.Store.IncomingLocation,
        };
        Listener = new JournalListener(store ?? Temp.Store, Archive, spool ?? Spool, (change ?? (o => o))(options));
        await Listener.StartAsync();
        return Listener;
    }

    public async ValueTask DisposeAsync()
    {
        if (Listener is not null)
        {
            await Listener.StopAsync(TimeSpan.FromSeconds(5));
        }
        Certificate.Dispose();
        Temp.Dispose();
    }

    /// <summary>Self-signed RSA certificate for 127.0.0.1, round-tripped through PFX so it has a usable private key.</summary>
    public static X509Certificate2 CreateCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + ServerName, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName(ServerName);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    /// <summary>A MailKit client that trusts exactly the test certificate, and nothing else.</summary>
    public SmtpClient MailKitClient(IPAddress? from = null)
    {
        var client = new SmtpClient
        {
            ServerCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(Certificate.RawData),
            Timeout = (int)BoundedWait.TotalMilliseconds,
        };
        if (from is not null)
        {
            client.LocalEndPoint = new IPEndPoint(from, 0);
        }
        return client;
    }

    /// <summary>Sends <paramref name="message"/> with STARTTLS (and AUTH when a password is given); returns the server's final reply text.</summary>
    public async Task<string> SendWithMailKitAsync(MimeMessage message, string recipient, string? password = null, IPAddress? from = null)
    {
        using var client = MailKitClient(from);
        await client.ConnectAsync("127.0.0.1", Port, SecureSocketOptions.StartTls);
        if (password is not null)
        {
            await client.AuthenticateAsync(SmtpUser, password);
        }
        var reply = await client.SendAsync(message, MailboxAddress.Parse("postmaster@contoso.com"), [MailboxAddress.Parse(recipient)]);
        await client.DisconnectAsync(quit: true);
        return reply;
    }

    /// <summary>Runs swaks against the listener; returns its whole transcript. A missing swaks fails the test.</summary>
    public async Task<string> SwaksAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("swaks")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--server", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--helo", "exchange.contoso.com", "--from", "postmaster@contoso.com", "--timeout", "30" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("swaks did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return await output + await error;
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; fails the test otherwise.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > BoundedWait)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }
            await Task.Delay(50);
        }
    }

    public static MimeMessage FixtureMessage(string name) =>
        MimeMessage.Load(new MemoryStream(Parsing.Fixtures.Report(name)));
}
