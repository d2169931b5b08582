using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Parsing;

namespace MimecastJournaling.Engine.Tests.Listener;

/// <summary>End to end with MailKit: STARTTLS, AUTH, 250 only when durable, archived exactly once.</summary>
public sealed class ListenerDeliveryTests : IAsyncLifetime
{
    private const string Service = "journal@journal.contoso.com";
    private const string Fixture = "synthetic-bifurcated-fork1.eml";
    private readonly ListenerHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static IReadOnlyList<string> FixtureRecipients() =>
        JournalReportParser.Parse(Parsing.Fixtures.Report(Fixture)).Recipients.Select(r => r.Address).ToList();

    [Fact]
    public async Task A_report_sent_with_STARTTLS_and_AUTH_gets_250_and_is_archived_with_its_recipients()
    {
        var definition = _h.Define("Contoso EXO", Service, s => s with { SmtpCredential = ListenerHarness.Credential() });
        Assert.Equal(JournalStatus.AwaitingInitialRun, definition.Status);
        await _h.StartAsync();

        var reply = await _h.SendWithMailKitAsync(ListenerHarness.FixtureMessage(Fixture), Service, ListenerHarness.SmtpPassword);

        Assert.StartsWith("2.0.0 Queued as ", reply);
        await ListenerHarness.WaitUntilAsync(() => _h.Archive.GetMessages(new()).Count == 1 && _h.Spool.Count() == 0, "the report is archived");
        var item = Assert.Single(_h.Archive.GetMessages(new()));
        Assert.Equal("synthetic-fork-0001@contoso.com", item.MessageId);
        Assert.Equal(FixtureRecipients(), item.Recipients.Select(r => r.Address));
        Assert.Contains("bob@contoso.com", item.Recipients.Select(r => r.Address));
        var report = Assert.Single(item.Reports);
        Assert.Equal("smtp:127.0.0.1", report.Source);
        Assert.Equal("Contoso EXO", report.Definition);

        await ListenerHarness.WaitUntilAsync(() => _h.Temp.Configuration.GetDefinition("Contoso EXO").Status == JournalStatus.OK, "the status is OK");
        var after = _h.Temp.Configuration.GetDefinition("Contoso EXO");
        Assert.NotNull(after.LastReceived);
        var change = Assert.Single(_h.Temp.Configuration.GetEvents("Contoso EXO"), e => e.Action == "StatusChanged");
        Assert.Equal(("AwaitingInitialRun", "OK", "JournalListener"), (change.OldValue, change.NewValue, change.User));

        var counters = _h.Listener!.Counters.Snapshot();
        Assert.Equal((1, 1), (counters.Received, counters.Accepted));
        await ListenerHarness.WaitUntilAsync(() => _h.Listener.Counters.ConnectionsOpen == 0, "the connection is released");
    }

    [Fact]
    public async Task MailKit_sees_the_refusals_as_the_same_codes()
    {
        _h.Define("Contoso EXO", Service, s => s with { SmtpCredential = ListenerHarness.Credential() });
        await _h.StartAsync();

        var badPassword = await Assert.ThrowsAsync<AuthenticationException>(() =>
            _h.SendWithMailKitAsync(ListenerHarness.FixtureMessage(Fixture), Service, "wrong password"));
        Assert.Contains("535", badPassword.Message + badPassword.InnerException?.Message);

        var unknown = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            _h.SendWithMailKitAsync(ListenerHarness.FixtureMessage(Fixture), "nobody@journal.contoso.com", ListenerHarness.SmtpPassword));
        Assert.Equal(550, (int)unknown.StatusCode);

        // MailKit turns a 530 into its "not authenticated" exception, carrying the server's text.
        var noAuth = await Assert.ThrowsAsync<MailKit.ServiceNotAuthenticatedException>(() =>
            _h.SendWithMailKitAsync(ListenerHarness.FixtureMessage(Fixture), Service));
        Assert.Contains("5.7.0 Authentication required", noAuth.Message);
        Assert.Equal(0, _h.Listener!.Counters.Snapshot().Accepted);
    }

    [Fact]
    public async Task Implicit_TLS_endpoint_accepts_a_report()
    {
        _h.Define("Contoso EXO", Service);
        await _h.StartAsync(o => o with { Endpoints = [new ListenerEndpoint(IPAddress.Loopback, 0, ImplicitTls: true)] });

        using var client = _h.MailKitClient();
        await client.ConnectAsync("127.0.0.1", _h.Port, SecureSocketOptions.SslOnConnect);
        Assert.True(client.IsSecure);
        var reply = await client.SendAsync(ListenerHarness.FixtureMessage(Fixture), MimeKit.MailboxAddress.Parse("postmaster@contoso.com"), [MimeKit.MailboxAddress.Parse(Service)]);
        await client.DisconnectAsync(true);

        Assert.StartsWith("2.0.0 Queued as ", reply);
        await ListenerHarness.WaitUntilAsync(() => _h.Archive.GetMessages(new()).Count == 1, "the report is archived");
    }

    [Fact]
    public async Task Only_TLS_1_2_and_1_3_are_offered()
    {
        _h.Define("Contoso EXO", Service);
        await _h.StartAsync();

        foreach (var protocol in new[] { System.Security.Authentication.SslProtocols.Tls12, System.Security.Authentication.SslProtocols.Tls13 })
        {
            using var client = _h.MailKitClient();
            client.SslProtocols = protocol;
            await client.ConnectAsync("127.0.0.1", _h.Port, SecureSocketOptions.StartTls);
            Assert.Equal(protocol, client.SslProtocol);
            await client.DisconnectAsync(true);
        }

        var transcript = await _h.SwaksAsync("--to", Service, "--tls", "--tls-protocol", "tlsv1_1", "--quit-after", "EHLO");
        Assert.Contains("*** TLS startup failed", transcript);
        Assert.DoesNotContain("TLS started", transcript);
    }

    [Fact]
    public async Task Concurrent_sessions_share_one_commit()
    {
        _h.Define("Contoso EXO", Service);
        var spool = new GatedSpool(_h.Spool);
        var listener = await _h.StartAsync(spool: spool);

        // The first message's commit is held open until the other two are waiting for theirs.
        var sends = Enumerable.Range(0, 3).Select(_ => _h.SendWithMailKitAsync(ListenerHarness.FixtureMessage(Fixture), Service)).ToList();
        await ListenerHarness.WaitUntilAsync(() => spool.Batches.Count == 1 && listener.Counters.Snapshot().Received == 3, "all three messages arrived");
        spool.Open();
        var replies = await Task.WhenAll(sends);

        Assert.All(replies, r => Assert.StartsWith("2.0.0 Queued as ", r));
        // Three messages, fewer commits: whatever waited while a commit ran went into one transaction.
        Assert.Equal(3, spool.Batches.Sum());
        Assert.True(spool.Batches.Count < 3, $"Expected shared commits, got batches of {string.Join(", ", spool.Batches)}.");
    }

    [Fact]
    public async Task Messages_spooled_before_a_crash_are_archived_once_on_the_next_start()
    {
        var definition = _h.Define("Contoso EXO", Service);
        // What a crash right after the 250 leaves behind: a durable spool entry, nothing archived.
        var ids = _h.Spool.Append([new SpoolEntry(DateTimeOffset.UtcNow, "smtp:127.0.0.1", definition.Id, definition.Description,
            "postmaster@contoso.com", [Service], Parsing.Fixtures.Report(Fixture))]);

        await _h.StartAsync();

        await ListenerHarness.WaitUntilAsync(() => _h.Spool.Count() == 0, "the spool is empty");
        var outcome = Assert.Single(_h.Archive.GetOutcomes(new()));
        Assert.Equal(JournalOutcomeKind.Archived, outcome.Outcome);
        Assert.Single(ids);
    }

    [Fact]
    public async Task A_message_answered_250_survives_a_stop_before_archiving_and_is_archived_once_after_restart()
    {
        var definition = _h.Define("Contoso EXO", Service);
        // First run: the archive is down, so the message only reaches the spool.
        var options = new ListenerOptions
        {
            Endpoints = [new ListenerEndpoint(IPAddress.Loopback, 0)],
            Certificate = _h.Certificate,
            RetryDelay = TimeSpan.FromMinutes(10),
        };
        var first = new JournalListener(_h.Temp.Store, new FailingArchive(), _h.Spool, options);
        await first.StartAsync();
        using (var client = _h.MailKitClient())
        {
            await client.ConnectAsync("127.0.0.1", first.BoundEndpoints[0].Port, SecureSocketOptions.StartTls);
            var reply = await client.SendAsync(ListenerHarness.FixtureMessage(Fixture), MimeKit.MailboxAddress.Parse("postmaster@contoso.com"), [MimeKit.MailboxAddress.Parse(Service)]);
            Assert.StartsWith("2.0.0 Queued as ", reply);
            await client.DisconnectAsync(true);
        }
        await first.StopAsync(TimeSpan.FromSeconds(5));

        // What another process sees in the file: the spooled message, nothing archived.
        using (var reopened = _h.Temp.OpenAnotherStore())
        {
            Assert.Equal(1, new SqliteMessageSpool(reopened).Count());
            Assert.Empty(new SqliteJournalArchive(reopened.Database).GetOutcomes(new()));
        }

        // Second run with the archive back: archived, once.
        await _h.StartAsync();
        await ListenerHarness.WaitUntilAsync(() => _h.Spool.Count() == 0, "the spool is empty");
        var outcome = Assert.Single(_h.Archive.GetOutcomes(new()));
        Assert.Equal(JournalOutcomeKind.Archived, outcome.Outcome);
        Assert.Equal(definition.Description, outcome.Definition);
    }

    [Fact]
    public async Task A_report_larger_than_the_memory_limit_streams_through_a_private_file_and_arrives_byte_for_byte()
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false, JournalNonInternalAddresses = true });
        await _h.StartAsync();
        // About 6 MB, with lines that start with dots (stuffed on the wire) and no final line break.
        var line = new string('x', 70);
        var body = new StringBuilder();
        for (var i = 0; body.Length < 6 * ReceivedMessage.MemoryLimit; i++)
        {
            body.Append(i % 50 == 0 ? "." + line : line).Append("\r\n");
        }
        var raw = Encoding.ASCII.GetBytes("From: <ndr@fabrikam.test>\r\nTo: <" + Service + ">\r\nSubject: large\r\nMessage-ID: <large-1@fabrikam.test>\r\n\r\n" + body + "..last line");
        var path = Path.Combine(_h.Temp.Root, "large.eml");
        await File.WriteAllBytesAsync(path, raw);

        var transcript = await _h.SwaksAsync("--to", Service, "--data", "@" + path);

        Assert.Matches(new Regex(@"^<-  250 2\.0\.0 Queued as \d+", RegexOptions.Multiline), transcript);
        await ListenerHarness.WaitUntilAsync(() => _h.Archive.GetMessages(new()).Count == 1 && _h.Spool.Count() == 0, "the report is archived");
        var outcome = Assert.Single(_h.Archive.GetOutcomes(new()));
        // swaks ends the content with the line break that precedes the final dot.
        Assert.Equal([.. raw, .. "\r\n"u8.ToArray()], _h.Archive.GetReport(outcome.ReportId)!);
        Assert.Empty(Directory.EnumerateFiles(_h.Temp.Store.IncomingLocation));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_h.Temp.Store.IncomingLocation));
        }
    }

    [Fact]
    public async Task Concurrent_reports_larger_than_the_memory_budget_all_get_250_and_arrive_byte_for_byte()
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false, JournalNonInternalAddresses = true });
        // A budget far below one report: each waits for its turn after its 250, none is refused.
        await _h.StartAsync(o => o with { MessageMemoryBudget = 1024 });
        var raws = new List<byte[]>();
        var paths = new List<string>();
        for (var n = 0; n < 3; n++)
        {
            var body = new StringBuilder();
            for (var i = 0; body.Length < 3 * ReceivedMessage.MemoryLimit; i++)
            {
                body.Append(n).Append(new string('y', 70)).Append(i).Append("\r\n");
            }
            var raw = Encoding.ASCII.GetBytes($"From: <ndr@fabrikam.test>\r\nTo: <{Service}>\r\nSubject: large {n}\r\nMessage-ID: <budget-{n}@fabrikam.test>\r\n\r\n{body}end");
            var path = Path.Combine(_h.Temp.Root, $"budget-{n}.eml");
            await File.WriteAllBytesAsync(path, raw);
            raws.Add(raw);
            paths.Add(path);
        }

        var transcripts = await Task.WhenAll(paths.Select(p => _h.SwaksAsync("--to", Service, "--data", "@" + p)));

        Assert.All(transcripts, t => Assert.Matches(new Regex(@"^<-  250 2\.0\.0 Queued as \d+", RegexOptions.Multiline), t));
        await ListenerHarness.WaitUntilAsync(() => _h.Archive.GetMessages(new()).Count == 3 && _h.Spool.Count() == 0, "the reports are archived");
        var stored = _h.Archive.GetOutcomes(new()).Select(o => _h.Archive.GetReport(o.ReportId)!).ToList();
        Assert.Equal(3, stored.Count);
        foreach (var raw in raws)
        {
            // swaks ends the content with the line break that precedes the final dot.
            byte[] expected = [.. raw, .. "\r\n"u8.ToArray()];
            Assert.Single(stored, s => s.AsSpan().SequenceEqual(expected));
        }
    }

    [Fact]
    public void A_spool_entry_is_archived_exactly_once_even_when_offered_twice()
    {
        var definition = _h.Define("Contoso EXO", Service);
        var id = _h.Spool.Append([new SpoolEntry(DateTimeOffset.UtcNow, "smtp:127.0.0.1", definition.Id, definition.Description,
            null, [Service], Parsing.Fixtures.Report(Fixture))]).Single();
        var ingest = new JournalIngest(_h.Temp.Store, _h.Archive);
        var report = new IncomingReport(Parsing.Fixtures.Report(Fixture), "smtp:127.0.0.1", DateTimeOffset.UtcNow, id);

        var first = Assert.Single(ingest.Ingest(definition, [report]));
        // A second processor, or a restart after the archive committed but before the entry left
        // the spool, offers it again: the archive answers with the first outcome and stores nothing.
        var again = Assert.Single(ingest.Ingest(definition, [report]));

        Assert.Equal(first.ReportId, again.ReportId);
        Assert.Equal(JournalOutcomeKind.Archived, again.Outcome);
        Assert.Single(_h.Archive.GetOutcomes(new()));
        Assert.Single(_h.Archive.GetMessages(new()));
        Assert.Equal(1, _h.Spool.Count());   // removing it is the spool processor's step
    }

    [Fact]
    public async Task A_listener_restarted_after_the_archive_committed_but_before_the_spool_removal_archives_nothing_twice()
    {
        var definition = _h.Define("Contoso EXO", Service);
        var id = _h.Spool.Append([new SpoolEntry(DateTimeOffset.UtcNow, "smtp:127.0.0.1", definition.Id, definition.Description,
            null, [Service], Parsing.Fixtures.Report(Fixture))]).Single();
        // The crash window: the report is in the archive, and its entry is still in the spool.
        new JournalIngest(_h.Temp.Store, _h.Archive).Ingest(definition, [new IncomingReport(Parsing.Fixtures.Report(Fixture), "smtp:127.0.0.1", DateTimeOffset.UtcNow, id)]);

        await _h.StartAsync();
        await ListenerHarness.WaitUntilAsync(() => _h.Spool.Count() == 0, "the spool is empty");

        Assert.Single(_h.Archive.GetOutcomes(new()));
        Assert.Single(_h.Archive.GetMessages(new()));
    }

    [Fact]
    public void A_new_spool_file_continues_after_every_spool_id_the_archive_has_seen()
    {
        var definition = _h.Define("Contoso EXO", Service);
        var entry = new SpoolEntry(DateTimeOffset.UtcNow, "smtp:127.0.0.1", definition.Id, definition.Description, null, [Service], Parsing.Fixtures.Report(Fixture));
        var id = _h.Spool.Append([entry]).Single();
        new JournalIngest(_h.Temp.Store, _h.Archive).Ingest(definition, [new IncomingReport(entry.Data, entry.Source, entry.Received, id)]);
        _h.Spool.Remove([id]);
        // The spool file is lost (deleted by hand, a new disk): a reused id would look archived already.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { "", "-wal", "-shm" }.Select(suffix => _h.Temp.Store.SpoolLocation + suffix).Where(File.Exists))
        {
            File.Delete(file);
        }

        var next = new SqliteMessageSpool(_h.Temp.Store).Append([entry]).Single();

        Assert.True(next > id, $"the new spool reused id {next}");
    }

    [Fact]
    public async Task Repeated_archive_failures_set_the_definition_status_to_Error_with_the_reason()
    {
        var definition = _h.Define("Contoso EXO", Service);
        _h.Spool.Append([new SpoolEntry(DateTimeOffset.UtcNow, "smtp:127.0.0.1", definition.Id, definition.Description,
            null, [Service], Parsing.Fixtures.Report(Fixture))]);
        var listener = new JournalListener(_h.Temp.Store, new FailingArchive(), _h.Spool, new ListenerOptions
        {
            Endpoints = [new ListenerEndpoint(IPAddress.Loopback, 0)],
            RetryDelay = TimeSpan.FromMilliseconds(50),
            FailuresBeforeError = 2,
        });
        await listener.StartAsync();
        try
        {
            await ListenerHarness.WaitUntilAsync(() => _h.Temp.Configuration.GetDefinition("Contoso EXO").Status == JournalStatus.Error, "the status is Error");
        }
        finally
        {
            await listener.StopAsync(TimeSpan.FromSeconds(5));
        }
        var after = _h.Temp.Configuration.GetDefinition("Contoso EXO");
        Assert.Contains("archive is down", after.StatusReason);
        Assert.Equal(1, _h.Spool.Count());
        Assert.Contains(_h.Temp.Configuration.GetEvents("Contoso EXO"), e => e is { Action: "StatusChanged", NewValue: "Error" });
    }

    [Fact]
    public async Task Stop_closes_the_port_and_a_new_listener_can_take_it()
    {
        _h.Define("Contoso EXO", Service);
        var first = await _h.StartAsync();
        var endpoint = first.BoundEndpoints[0];
        Assert.True(first.IsRunning);

        await first.StopAsync(TimeSpan.FromSeconds(5));

        Assert.False(first.IsRunning);
        using (var probe = new TcpClient())
        {
            await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, endpoint.Port));
        }
        await using var second = MimecastJournaling.Engine.Storage.JournalBackend.Open(_h.Temp.FilePath).CreateListener(new ListenerOptions { Endpoints = [endpoint], Certificate = _h.Certificate });
        await second.StartAsync();
        Assert.True(second.IsRunning);
        await second.StopAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_port_in_use_fails_Start_with_a_clear_error()
    {
        using var occupier = new TcpListener(IPAddress.Loopback, 0);
        occupier.Start();
        var port = ((IPEndPoint)occupier.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<JournalListenerStartException>(() =>
            _h.StartAsync(o => o with { Endpoints = [new ListenerEndpoint(IPAddress.Loopback, port)] }));

        Assert.Equal("ListenerBindFailed", error.ErrorId);
        Assert.Equal(port, error.Endpoint?.Port);
        Assert.Contains($"127.0.0.1:{port}", error.Message);
        Assert.False(_h.Listener!.IsRunning);
    }

    [Fact]
    public async Task A_certificate_without_its_private_key_fails_Start_with_a_clear_error()
    {
        using var publicOnly = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(_h.Certificate.RawData);

        var error = await Assert.ThrowsAsync<JournalConfigurationException>(() => _h.StartAsync(o => o with { Certificate = publicOnly }));

        Assert.Equal("CertificateHasNoPrivateKey", error.ErrorId);
    }

    [Fact]
    public async Task Connections_over_the_limit_get_421()
    {
        _h.Define("Contoso EXO", Service);
        await _h.StartAsync(o => o with { MaxConnections = 1 });
        using var first = _h.MailKitClient();
        await first.ConnectAsync("127.0.0.1", _h.Port, SecureSocketOptions.None);

        var transcript = await _h.SwaksAsync("--to", Service);

        ListenerReplyCodeTests.AssertRefused(transcript, "421 4.7.0");
        await first.DisconnectAsync(true);
        Assert.Equal(1, _h.Listener!.Counters.Snapshot().Refused[RefusalReason.TooManyConnections]);
    }
}

/// <summary>Holds the first append until the test opens it, and records the size of each batch.</summary>
internal sealed class GatedSpool(IMessageSpool inner) : IMessageSpool
{
    private readonly ManualResetEventSlim _gate = new(false);
    public List<int> Batches { get; } = [];

    public void Open() => _gate.Set();

    public IReadOnlyList<long> Append(IReadOnlyList<SpoolEntry> entries)
    {
        lock (Batches)
        {
            Batches.Add(entries.Count);
        }
        _gate.Wait(ListenerHarness.BoundedWait);
        return inner.Append(entries);
    }

    public int Count() => inner.Count();
    public DateTimeOffset? OldestReceived() => inner.OldestReceived();
    public void Remove(IReadOnlyList<long> ids) => inner.Remove(ids);
    public void Sync() => inner.Sync();
    public IReadOnlyList<SpooledMessage> TakeDue(DateTimeOffset now, int maxCount, long maxBytes, Action<long>? beforeRead = null) => inner.TakeDue(now, maxCount, maxBytes, beforeRead);
    public void RecordFailure(IReadOnlyList<long> ids, string error, DateTimeOffset nextAttempt) => inner.RecordFailure(ids, error, nextAttempt);
    public void MakeAllDue() => inner.MakeAllDue();

    public IReadOnlyList<QueuedReport> List(Guid? definitionId, int? first) => inner.List(definitionId, first);
}

/// <summary>An archive whose store is down.</summary>
internal sealed class FailingArchive : IJournalArchive
{
    public IReadOnlyList<JournalOutcome> Store(IReadOnlyList<ArchiveSubmission> batch) =>
        throw new JournalConfigurationException("StoreUnavailable", JournalErrorKind.ResourceUnavailable, "The archive is down for the test.");

    public IReadOnlyList<JournalMessage> GetMessages(JournalMessageQuery query) => [];
    public JournalMessage? GetMessage(long itemId) => null;
    public byte[]? GetOriginal(long itemId) => null;
    public byte[]? GetReport(long reportId) => null;
    public IReadOnlyList<JournalOutcome> GetOutcomes(JournalOutcomeQuery query) => [];
    public IReadOnlyList<long> CompleteDueItems(DateTimeOffset now) => [];
}
