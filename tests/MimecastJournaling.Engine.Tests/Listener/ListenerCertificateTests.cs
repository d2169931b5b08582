using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Listener;

namespace MimecastJournaling.Engine.Tests.Listener;

/// <summary>
/// Certificates as admins have them: a PEM pair (certbot's fullchain.pem and privkey.pem), a PFX
/// file renewed while the listener runs, and the expiry thresholds. Checked with real TLS clients
/// (MailKit and openssl s_client) and the thumbprint each one was served.
/// </summary>
public sealed class ListenerCertificateTests : IAsyncLifetime
{
    private const string Service = "journal@journal.contoso.com";
    private const string Fixture = "synthetic-bifurcated-fork1.eml";
    private readonly ListenerHarness _h = new();
    private readonly List<IDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        _owned.ForEach(o => o.Dispose());
    }

    private string CertificateFolder => Path.Combine(_h.Temp.Root, "live");

    private TestCertificates.Issued Issue(DateTimeOffset? notAfter = null)
    {
        var issued = TestCertificates.Issue(notAfter);
        _owned.Add(issued);
        return issued;
    }

    private Task StartWith(ListenerCertificateSource source, TimeSpan? watch = null) =>
        _h.StartAsync(o => o with { Certificate = null, CertificateSource = source, WatchInterval = watch ?? TimeSpan.FromMinutes(1) });

    /// <summary>A MailKit session through STARTTLS; returns the client (connected) and the thumbprint it was served.</summary>
    private async Task<(SmtpClient Client, string Thumbprint)> ConnectAsync()
    {
        string? served = null;
        var client = new SmtpClient
        {
            ServerCertificateValidationCallback = (_, certificate, _, _) =>
            {
                served = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()).Thumbprint;
                return certificate is not null;
            },
            Timeout = 30_000,
        };
        await client.ConnectAsync("127.0.0.1", _h.Port, SecureSocketOptions.StartTls);
        return (client, served ?? throw new InvalidOperationException("No certificate was served."));
    }

    private static async Task<string> SendAsync(SmtpClient client) =>
        await client.SendAsync(ListenerHarness.FixtureMessage(Fixture), MailboxAddress.Parse("postmaster@contoso.com"), [MailboxAddress.Parse(Service)]);

    /// <summary>openssl s_client with STARTTLS: the certificates the server sent, as openssl printed them.</summary>
    private async Task<string> OpenSslShowCertsAsync()
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { "s_client", "-connect", $"127.0.0.1:{_h.Port}", "-starttls", "smtp", "-showcerts", "-servername", ListenerHarness.ServerName })
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteLineAsync("QUIT");
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return await output + await error;
    }

    /// <summary>The thumbprint of the first certificate openssl printed (the server's own).</summary>
    private static string FirstServedThumbprint(string openSslOutput)
    {
        const string begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----";
        var from = openSslOutput.IndexOf(begin, StringComparison.Ordinal);
        Assert.True(from >= 0, "openssl printed no certificate: " + openSslOutput);
        var to = openSslOutput.IndexOf(end, from, StringComparison.Ordinal) + end.Length;
        using var certificate = X509Certificate2.CreateFromPem(openSslOutput.AsSpan(from, to - from));
        return certificate.Thumbprint;
    }

    private static int CountCertificates(string openSslOutput) =>
        openSslOutput.Split("-----BEGIN CERTIFICATE-----").Length - 1;

    [Fact]
    public async Task A_PEM_certificate_and_key_pair_serves_TLS_with_its_chain_and_accepts_a_report()
    {
        _h.Define("Contoso EXO", Service);
        var issued = Issue();
        var (certificate, key) = TestCertificates.WritePem(issued, CertificateFolder);
        await StartWith(ListenerCertificateSource.PemFiles(certificate, key, null));

        var (client, thumbprint) = await ConnectAsync();
        using (client)
        {
            Assert.Equal(issued.Thumbprint, thumbprint);
            Assert.StartsWith("2.0.0 Queued as ", await SendAsync(client));
        }
        var openssl = await OpenSslShowCertsAsync();
        // fullchain.pem: the server certificate and the intermediate after it, both sent.
        Assert.Equal(2, CountCertificates(openssl));
        Assert.Equal(issued.Thumbprint, FirstServedThumbprint(openssl));
        Assert.Contains("Test Journal Intermediate CA", openssl);
    }

    [Fact]
    public async Task An_encrypted_PEM_key_needs_its_password_and_the_error_never_shows_it()
    {
        var issued = Issue();
        var (certificate, key) = TestCertificates.WritePem(issued, CertificateFolder, password: "pem-secret-42");

        var source = ListenerCertificateSource.PemFiles(certificate, key, "pem-secret-42");
        Assert.Equal(issued.Thumbprint, source.Current.Thumbprint);
        Assert.True(source.Current.HasPrivateKey);

        var wrong = Assert.ThrowsAny<Exception>(() => ListenerCertificateSource.PemFiles(certificate, key, "not-it"));
        Assert.DoesNotContain("not-it", wrong.ToString());
    }

    [Fact]
    public void A_PEM_certificate_given_without_its_key_says_to_give_KeyPath()
    {
        var (certificate, _) = TestCertificates.WritePem(Issue(), CertificateFolder);
        var e = Assert.Throws<JournalConfigurationException>(() => ListenerCertificateSource.PfxFile(certificate, null));
        Assert.Equal("CertificateKeyRequired", e.ErrorId);
        Assert.Contains("-KeyPath", e.Message);
    }

    [Fact]
    public async Task A_renewed_PEM_pair_is_served_to_the_next_session_while_an_open_session_goes_on()
    {
        _h.Define("Contoso EXO", Service);
        var first = Issue();
        var (certificate, key) = TestCertificates.WritePem(first, CertificateFolder);
        var source = ListenerCertificateSource.PemFiles(certificate, key, null);
        var renewed = new List<string>();
        source.Renewed += (_, now) => renewed.Add(now.Thumbprint);
        await StartWith(source);

        var (open, before) = await ConnectAsync();
        using (open)
        {
            Assert.Equal(first.Thumbprint, before);

            var second = Issue();
            TestCertificates.WritePem(second, CertificateFolder);
            await Task.Delay(ListenerCertificateSource.CheckInterval + TimeSpan.FromMilliseconds(200));

            var (next, after) = await ConnectAsync();
            using (next)
            {
                Assert.Equal(second.Thumbprint, after);
                Assert.StartsWith("2.0.0 Queued as ", await SendAsync(next));
            }
            Assert.Equal(second.Thumbprint, FirstServedThumbprint(await OpenSslShowCertsAsync()));
            // The session that started with the old certificate is still served.
            Assert.StartsWith("2.0.0 Queued as ", await SendAsync(open));
            await open.DisconnectAsync(quit: true);
        }
        Assert.Equal([_h.Listener!.CurrentCertificate!.Thumbprint], renewed);
        await ListenerHarness.WaitUntilAsync(() => _h.Archive.GetMessages(new()).Sum(m => m.Reports.Count) == 2, "both reports are archived");
    }

    [Fact]
    public async Task A_renewed_PFX_file_is_picked_up_without_a_restart()
    {
        _h.Define("Contoso EXO", Service);
        var first = Issue();
        var path = TestCertificates.WritePfx(first, Path.Combine(_h.Temp.Root, "listener.pfx"), "pfx-pass");
        await StartWith(ListenerCertificateSource.PfxFile(path, "pfx-pass"));
        var (c1, t1) = await ConnectAsync();
        c1.Dispose();
        Assert.Equal(first.Thumbprint, t1);

        var second = Issue();
        TestCertificates.WritePfx(second, path, "pfx-pass");
        await Task.Delay(ListenerCertificateSource.CheckInterval + TimeSpan.FromMilliseconds(200));

        var (c2, t2) = await ConnectAsync();
        using (c2)
        {
            Assert.Equal(second.Thumbprint, t2);
            Assert.StartsWith("2.0.0 Queued as ", await SendAsync(c2));
        }
    }

    [Fact]
    public async Task A_certificate_whose_key_is_not_renewed_yet_keeps_the_previous_one_in_service_until_the_key_arrives()
    {
        _h.Define("Contoso EXO", Service);
        var first = Issue();
        var (certificate, key) = TestCertificates.WritePem(first, CertificateFolder);
        var source = ListenerCertificateSource.PemFiles(certificate, key, null);
        var failures = new List<string>();
        source.RenewalFailed += failures.Add;
        await StartWith(source);

        // certbot-like renewal caught half-way: the new certificate, the old key.
        var second = Issue();
        var otherFolder = Path.Combine(_h.Temp.Root, "next");
        var (newCertificate, newKey) = TestCertificates.WritePem(second, otherFolder);
        File.Copy(newCertificate, certificate, overwrite: true);
        await Task.Delay(ListenerCertificateSource.CheckInterval + TimeSpan.FromMilliseconds(200));

        var (c1, t1) = await ConnectAsync();
        c1.Dispose();
        Assert.Equal(first.Thumbprint, t1);
        Assert.NotEmpty(failures);
        Assert.Contains("previous one is still served", failures[0]);

        File.Copy(newKey, key, overwrite: true);
        await Task.Delay(ListenerCertificateSource.CheckInterval + TimeSpan.FromMilliseconds(200));
        var (c2, t2) = await ConnectAsync();
        c2.Dispose();
        Assert.Equal(second.Thumbprint, t2);
    }

    [Fact]
    public void Expiry_thresholds_are_30_14_and_7_days_and_expired()
    {
        var now = DateTimeOffset.UtcNow;
        CertificateExpiryStatus At(double days)
        {
            using var c = TestCertificates.Issue(now.AddDays(days));
            return CertificateExpiryStatus.Of(c.Server, now);
        }
        Assert.Equal((CertificateExpiryState.Valid, (int?)null), (At(45).State, At(45).Threshold));
        Assert.Equal((CertificateExpiryState.Expiring, (int?)30), (At(20).State, At(20).Threshold));
        Assert.Equal((CertificateExpiryState.Expiring, (int?)14), (At(10).State, At(10).Threshold));
        Assert.Equal((CertificateExpiryState.Expiring, (int?)7), (At(3).State, At(3).Threshold));
        var expired = At(-0.01);
        Assert.Equal(CertificateExpiryState.Expired, expired.State);
        Assert.Contains("expired on", expired.Message);
    }

    [Fact]
    public void Each_expiry_threshold_is_written_to_the_event_log_once_even_across_restarts()
    {
        using var issued = TestCertificates.Issue(DateTimeOffset.UtcNow.AddDays(20));
        using var withKey = issued.Server.CopyWithPrivateKey(issued.Key);
        var clock = new TestSupport.ManualClock(DateTimeOffset.UtcNow);
        var notices = new CertificateExpiryNotices(_h.Temp.Store, clock);

        Assert.Equal(30, notices.Check(withKey).Threshold);
        notices.Check(withKey);
        new CertificateExpiryNotices(_h.Temp.Store, clock).Check(withKey); // a restart
        clock.Advance(TimeSpan.FromDays(7)); // 13 days left
        notices.Check(withKey);
        notices.Check(withKey);
        clock.Advance(TimeSpan.FromDays(7)); // 6 days left
        notices.Check(withKey);

        var events = _h.Temp.Configuration.GetEvents().Where(e => e.ObjectType == JournalObjectType.Certificate).OrderBy(e => e.Id).ToList();
        Assert.Equal(["within 30 days", "within 14 days", "within 7 days"], events.Select(e => e.NewValue![(e.NewValue!.IndexOf('(') + 1)..^1]));
        Assert.All(events, e => Assert.Equal(("CertificateExpiring", issued.Thumbprint), (e.Action, e.ObjectId)));
    }

    [Fact]
    public async Task An_expired_certificate_is_an_event_an_Error_of_the_definitions_requiring_TLS_and_a_watch_condition()
    {
        _h.Define("Contoso EXO", Service);
        _h.Define("Plain", "plain@journal.contoso.com", s => s with { Encrypted = false });
        var expired = Issue(DateTimeOffset.UtcNow.AddSeconds(-30));
        var (certificate, key) = TestCertificates.WritePem(expired, CertificateFolder);
        var reports = new List<ListenerWatchReport>();
        await StartWith(ListenerCertificateSource.PemFiles(certificate, key, null), watch: TimeSpan.FromMilliseconds(200));
        _h.Listener!.Watched += r => { lock (reports) { reports.Add(r); } };

        await ListenerHarness.WaitUntilAsync(() => { lock (reports) { return reports.Count > 0; } }, "the watch ran");
        var report = _h.Listener.LastWatch!;
        Assert.Equal(CertificateExpiryState.Expired, report.Certificate!.State);
        Assert.Contains(report.Conditions, c => c.Kind == ListenerConditionKind.CertificateExpired && c.Subject == expired.Thumbprint);
        Assert.Equal(JournalStatus.Error, _h.Temp.Configuration.GetDefinition("Contoso EXO").Status);
        Assert.Contains("certificate expired", _h.Temp.Configuration.GetDefinition("Contoso EXO").StatusReason);
        Assert.NotEqual(JournalStatus.Error, _h.Temp.Configuration.GetDefinition("Plain").Status);
        Assert.Single(_h.Temp.Configuration.GetEvents(), e => e.Action == "CertificateExpired");
    }
}
