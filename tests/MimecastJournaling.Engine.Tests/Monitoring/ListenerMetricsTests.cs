using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Monitoring;
using MimecastJournaling.Engine.Tests.Listener;

namespace MimecastJournaling.Engine.Tests.Monitoring;

/// <summary>Prometheus text scraped with a real HTTP client after real SMTP traffic; /health and /ready.</summary>
public sealed class ListenerMetricsTests : IAsyncLifetime
{
    private const string Service = "journal@journal.contoso.com";
    private readonly ListenerHarness _h = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private ListenerMonitorEndpoint? _endpoint;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_endpoint is not null)
        {
            await _endpoint.DisposeAsync();
        }
        _http.Dispose();
        await _h.DisposeAsync();
    }

    internal static string FreePrefix()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return $"http://127.0.0.1:{port}/";
    }

    /// <summary>The value of one sample line (name with its labels exactly as exposed), or null when absent.</summary>
    private static double? Sample(string text, string series)
    {
        var match = Regex.Match(text, "^" + Regex.Escape(series) + @" (\S+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    [Fact]
    public async Task Metrics_count_received_accepted_refused_archived_commit_latency_queue_and_certificate_after_real_traffic()
    {
        _h.Define("Contoso EXO", Service);
        await _h.StartAsync(o => o with { WatchInterval = TimeSpan.FromMilliseconds(200) });
        _endpoint = ListenerMonitorEndpoint.Start(_h.Listener!, FreePrefix());

        await _h.SendWithMailKitAsync(ListenerHarness.FixtureMessage("synthetic-bifurcated-fork1.eml"), Service);
        await _h.SendWithMailKitAsync(ListenerHarness.FixtureMessage("synthetic-bifurcated-fork2.eml"), Service);
        Assert.Contains("530 5.7.0", await _h.SwaksAsync("--to", Service, "--data", "Subject: x\r\n\r\nbody"));
        await Assert.ThrowsAsync<MailKit.Net.Smtp.SmtpCommandException>(() =>
            _h.SendWithMailKitAsync(ListenerHarness.FixtureMessage("synthetic-bifurcated-fork1.eml"), "nobody@journal.contoso.com"));
        await ListenerHarness.WaitUntilAsync(() => _h.Spool.Count() == 0 && _h.Archive.GetMessages(new()).Count == 1, "the reports are archived");

        string text = "";
        await ListenerHarness.WaitUntilAsync(() =>
        {
            text = _http.GetStringAsync(_endpoint.Prefix + "metrics").GetAwaiter().GetResult();
            return Sample(text, "journal_queue_length") == 0 && Sample(text, "journal_reports_archived_total{definition=\"Contoso EXO\",outcome=\"Merged\"}") == 1;
        }, "the scrape shows the archive outcomes and an empty queue");

        Assert.Equal(2, Sample(text, "journal_reports_received_total{definition=\"Contoso EXO\"}"));
        Assert.Equal(2, Sample(text, "journal_reports_accepted_total{definition=\"Contoso EXO\"}"));
        Assert.Equal(2, Sample(text, "journal_smtp_transactions_total{definition=\"Contoso EXO\",code=\"250\",outcome=\"Accepted\"}"));
        Assert.Equal(1, Sample(text, "journal_reports_refused_total{definition=\"Contoso EXO\",code=\"530\",reason=\"TlsRequired\"}"));
        Assert.Equal(1, Sample(text, "journal_reports_refused_total{definition=\"\",code=\"550\",reason=\"UnknownRecipient\"}"));
        Assert.Equal(1, Sample(text, "journal_reports_archived_total{definition=\"Contoso EXO\",outcome=\"Archived\"}"));
        Assert.Equal(2, Sample(text, "journal_spool_commit_seconds_count"));
        Assert.True(Sample(text, "journal_spool_commit_seconds_sum") > 0);
        Assert.Equal(0, Sample(text, "journal_queue_oldest_age_seconds"));
        Assert.Equal(0, Sample(text, "journal_tls_handshake_failures_total"));
        Assert.Equal(1, Sample(text, "journal_definition_status{definition=\"Contoso EXO\",status=\"OK\"}"));
        Assert.Equal(1, Sample(text, "journal_listener_up"));
        var certificate = _h.Certificate;
        Assert.Equal(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeSeconds(),
            Sample(text, $"journal_certificate_expiry_timestamp_seconds{{subject=\"{certificate.Subject}\",thumbprint=\"{certificate.Thumbprint}\"}}"));
        Assert.Contains("# HELP journal_spool_commit_seconds", text);
        Assert.Contains("# TYPE journal_spool_commit_seconds histogram", text);
    }

    [Fact]
    public async Task A_failed_TLS_handshake_is_counted()
    {
        _h.Define("Contoso EXO", Service);
        await _h.StartAsync(o => o with { WatchInterval = TimeSpan.FromMilliseconds(200) });
        _endpoint = ListenerMonitorEndpoint.Start(_h.Listener!, FreePrefix());

        // STARTTLS, then garbage instead of a ClientHello.
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, _h.Port);
            var stream = client.GetStream();
            var reader = new StreamReader(stream);
            await reader.ReadLineAsync();
            await stream.WriteAsync("EHLO exchange.contoso.com\r\n"u8.ToArray());
            string? line;
            while ((line = await reader.ReadLineAsync()) is not null && !line.StartsWith("250 ", StringComparison.Ordinal))
            {
            }
            await stream.WriteAsync("STARTTLS\r\n"u8.ToArray());
            Assert.StartsWith("220", await reader.ReadLineAsync());
            await stream.WriteAsync(new byte[300]);
            await Task.Delay(500);
        }
        await ListenerHarness.WaitUntilAsync(() =>
            Sample(_http.GetStringAsync(_endpoint.Prefix + "metrics").GetAwaiter().GetResult(), "journal_tls_handshake_failures_total") == 1,
            "the failed handshake is counted");
    }

    [Fact]
    public async Task Health_is_200_while_serving_and_ready_turns_503_with_its_reason_when_the_listener_stops()
    {
        _h.Define("Contoso EXO", Service);
        await _h.StartAsync(o => o with { WatchInterval = TimeSpan.FromMilliseconds(200) });
        _endpoint = ListenerMonitorEndpoint.Start(_h.Listener!, FreePrefix());
        await ListenerHarness.WaitUntilAsync(() => _h.Listener!.LastWatch is not null, "the first watch ran");

        using (var health = await _http.GetAsync(_endpoint.Prefix + "health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Contains("\"status\":\"listening\"", await health.Content.ReadAsStringAsync());
        }
        using (var ready = await _http.GetAsync(_endpoint.Prefix + "ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
        using (var missing = await _http.GetAsync(_endpoint.Prefix + "nothing"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        await _h.Listener!.StopAsync(TimeSpan.FromSeconds(5));
        using var stopped = await _http.GetAsync(_endpoint.Prefix + "ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stopped.StatusCode);
        Assert.Contains("not serving SMTP", await stopped.Content.ReadAsStringAsync());
        using var dead = await _http.GetAsync(_endpoint.Prefix + "health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, dead.StatusCode);
    }

    [Fact]
    public void A_prefix_without_http_or_the_final_slash_is_refused_with_what_to_give()
    {
        var e = Assert.Throws<JournalConfigurationException>(() => ListenerMonitorEndpoint.Start(null!, "127.0.0.1:9425"));
        Assert.Equal("InvalidMetricsPrefix", e.ErrorId);
        Assert.Contains("http://127.0.0.1:9425/", e.Message);
    }
}
