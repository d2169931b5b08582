using MimecastJournaling.Engine.Tests.TestSupport;
using MimecastJournaling.Engine.Storage;
using System.Text.RegularExpressions;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Listener;

namespace MimecastJournaling.Engine.Tests.Listener;

/// <summary>The exact replies a sender sees, checked with swaks (a real SMTP client) on 127.0.0.0/8.</summary>
public sealed class ListenerReplyCodeTests : IAsyncLifetime
{
    private const string Service = "journal@journal.contoso.com";
    private readonly ListenerHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>swaks marks a failure reply with "<**" (clear text) or "<~*" (inside TLS).</summary>
    internal static void AssertRefused(string transcript, string reply) =>
        Assert.True(Regex.IsMatch(transcript, @"^<[*~]\* " + Regex.Escape(reply), RegexOptions.Multiline), $"Expected the reply {reply} in:\n{transcript}");

    internal static void AssertNotAccepted(string transcript) =>
        Assert.False(Regex.IsMatch(transcript, @"^<[-~]  250 2\.0\.0", RegexOptions.Multiline), $"Expected no 250 for the message in:\n{transcript}");

    [Fact]
    public async Task The_greeting_names_the_server_and_no_library_version()
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false });
        await _h.StartAsync();

        var transcript = await _h.SwaksAsync("--to", Service, "--quit-after", "EHLO");

        Assert.Contains("<-  220 journal.test ESMTP ready", transcript);
        Assert.DoesNotMatch(@"220 .*v\d+\.\d+", transcript);
    }

    [Fact]
    public async Task An_unknown_recipient_is_refused_with_550_5_1_1()
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false });
        await _h.StartAsync();

        var transcript = await _h.SwaksAsync("--to", "someone-else@journal.contoso.com");

        AssertRefused(transcript, "550 5.1.1");
        Assert.Equal(1, _h.Listener!.Counters.Snapshot().Refused[RefusalReason.UnknownRecipient]);
    }

    [Fact]
    public async Task An_encrypted_definition_answers_530_5_7_0_until_STARTTLS()
    {
        _h.Define("Encrypted", Service);
        await _h.StartAsync();

        var transcript = await _h.SwaksAsync("--to", Service);

        AssertRefused(transcript, "530 5.7.0 Must issue a STARTTLS command first");
    }

    [Fact]
    public async Task A_definition_with_a_credential_needs_AUTH_after_TLS_530_5_7_0()
    {
        _h.Define("Authenticated", Service, s => s with { SmtpCredential = ListenerHarness.Credential() });
        await _h.StartAsync();

        var transcript = await _h.SwaksAsync("--to", Service, "--tls");

        AssertRefused(transcript, "530 5.7.0 Authentication required");
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_535()
    {
        _h.Define("Authenticated", Service, s => s with { SmtpCredential = ListenerHarness.Credential() });
        await _h.StartAsync();

        var transcript = await _h.SwaksAsync("--to", Service, "--tls", "--auth", "PLAIN",
            "--auth-user", ListenerHarness.SmtpUser, "--auth-password", "not the password");

        AssertRefused(transcript, "535");
        AssertNotAccepted(transcript);
    }

    [Fact]
    public async Task Store_trouble_during_AUTH_is_a_temporary_454_not_a_535()
    {
        _h.Define("Authenticated", Service, s => s with { SmtpCredential = ListenerHarness.Credential() });
        var (store, control) = FailingStore.Around(_h.Temp.Store, nameof(IJournalStore.GetSmtpPasswordHash));
        await _h.StartAsync(store: store);
        control.Failing = true;

        var transcript = await _h.SwaksAsync("--to", Service, "--tls", "--auth", "PLAIN",
            "--auth-user", ListenerHarness.SmtpUser, "--auth-password", ListenerHarness.SmtpPassword);

        AssertRefused(transcript, "454 4.7.0");
        Assert.DoesNotMatch(new Regex(@"^<[*~]\* 535", RegexOptions.Multiline), transcript);
        AssertNotAccepted(transcript);

        control.Failing = false;   // the store is back: the same credentials work
        var retry = await _h.SwaksAsync("--to", Service, "--tls", "--auth", "PLAIN",
            "--auth-user", ListenerHarness.SmtpUser, "--auth-password", ListenerHarness.SmtpPassword);
        Assert.Matches(new Regex(@"^<~  250 2\.0\.0", RegexOptions.Multiline), retry);
    }

    [Fact]
    public async Task Store_trouble_while_reading_the_configuration_at_RCPT_is_a_451()
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false });
        // The listener keeps a copy of the definitions, but asks the store at every RCPT whether it
        // is still current; that read fails.
        var (store, control) = FailingStore.Around(_h.Temp.Store, nameof(IJournalStore.GetConfigurationVersion));
        await _h.StartAsync(store: store);
        control.Failing = true;
        control.CallsBeforeFailure = 1;   // the connect-time check reads the version first and succeeds

        var transcript = await _h.SwaksAsync("--to", Service);

        AssertRefused(transcript, "451 4.3.0");
        AssertNotAccepted(transcript);
    }

    [Fact]
    public async Task AUTH_is_not_offered_before_TLS()
    {
        _h.Define("Authenticated", Service, s => s with { SmtpCredential = ListenerHarness.Credential() });
        await _h.StartAsync();

        var transcript = await _h.SwaksAsync("--to", Service, "--auth", "PLAIN",
            "--auth-user", ListenerHarness.SmtpUser, "--auth-password", ListenerHarness.SmtpPassword);

        Assert.DoesNotMatch(new Regex("^<-  250[- ]AUTH", RegexOptions.Multiline), transcript);
        Assert.Contains("*** Host did not advertise authentication", transcript);
        Assert.DoesNotContain("RCPT TO", transcript);
    }

    [Fact]
    public async Task A_disabled_definition_answers_451_4_3_2_so_the_sender_retries()
    {
        _h.Define("Disabled", Service, s => s with { Encrypted = false, Disabled = true });
        await _h.StartAsync();

        var transcript = await _h.SwaksAsync("--to", Service);

        AssertRefused(transcript, "451 4.3.2");
    }

    [Fact]
    public async Task Changes_to_the_definition_apply_to_the_running_listener_at_the_next_message()
    {
        // The listener keeps a copy of the definitions; each change below must reach it at once.
        _h.Define("Plain", Service, s => s with { Encrypted = false });
        await _h.StartAsync();
        Assert.Matches(new Regex(@"^<-  250 2\.0\.0", RegexOptions.Multiline), await _h.SwaksAsync("--to", Service));

        _h.Temp.Configuration.SetDisabled("Plain", true);
        AssertRefused(await _h.SwaksAsync("--to", Service), "451 4.3.2");

        _h.Temp.Configuration.SetDisabled("Plain", false);
        _h.Temp.Configuration.SetDefinition("Plain", new DefinitionSettings { Encrypted = true });
        AssertRefused(await _h.SwaksAsync("--to", Service), "530 5.7.0");

        _h.Temp.Configuration.SetDefinition("Plain", new DefinitionSettings { Encrypted = false, ServiceEmailAddress = "archive@journal.contoso.com" });
        AssertRefused(await _h.SwaksAsync("--to", Service), "550 5.1.1");
        Assert.Matches(new Regex(@"^<-  250 2\.0\.0", RegexOptions.Multiline), await _h.SwaksAsync("--to", "archive@journal.contoso.com"));
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_cut_off_during_DATA()
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false });
        await _h.StartAsync(o => o with { MaxMessageSize = 64 * 1024 });
        var body = Path.Combine(_h.Temp.Root, "big.txt");
        await File.WriteAllTextAsync(body, string.Concat(Enumerable.Repeat(new string('x', 76) + "\r\n", 4000)));

        var transcript = await _h.SwaksAsync("--to", Service, "--body", "@" + body);

        // The content streams past SmtpServer; the listener answers as soon as the limit is passed, and closes the session.
        AssertRefused(transcript, "552 5.3.4 Message size exceeds the limit of 65536 bytes");
        AssertNotAccepted(transcript);
        Assert.Equal(0, _h.Spool.Count());
        await ListenerHarness.WaitUntilAsync(() => _h.Listener!.Counters.Snapshot().Refused.GetValueOrDefault(RefusalReason.TooLarge) == 1, "the refusal is counted");
    }

    [Fact]
    public async Task A_source_outside_every_range_is_refused_554_5_7_1_at_connect()
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false });
        await _h.StartAsync();

        var transcript = await _h.SwaksAsync("--to", Service, "--local-interface", "127.0.0.2");

        AssertRefused(transcript, "554 5.7.1");
        Assert.DoesNotContain("EHLO", transcript);
        Assert.Equal(1, _h.Listener!.Counters.Snapshot().Refused[RefusalReason.SourceNotAllowed]);
    }

    [Fact]
    public async Task A_source_allowed_by_another_definition_only_is_refused_550_5_7_1_at_RCPT()
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false });
        _h.Define("Other", "other@journal.contoso.com", s => s with { Encrypted = false, SourceIpRange = ["127.0.0.2"] });
        await _h.StartAsync();

        var transcript = await _h.SwaksAsync("--to", Service, "--local-interface", "127.0.0.2");

        Assert.Contains("<-  220 journal.test ESMTP ready", transcript);
        AssertRefused(transcript, "550 5.7.1");
    }

    [Fact]
    public async Task A_PROXY_header_does_not_change_the_source_address_that_is_checked()
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false });
        _h.Define("Other", "other@journal.contoso.com", s => s with { Encrypted = false, SourceIpRange = ["127.0.0.2"] });
        await _h.StartAsync();

        // From 127.0.0.1, claiming to relay for 127.0.0.2 (which the other definition allows).
        var transcript = await _h.SwaksAsync("--to", "other@journal.contoso.com", "--proxy", "TCP4 127.0.0.2 127.0.0.1 40000 25");

        AssertRefused(transcript, "550 5.7.1");
        AssertNotAccepted(transcript);
    }

    [Fact]
    public async Task AUTH_for_one_definition_does_not_open_another()
    {
        _h.Define("First", Service, s => s with { SmtpCredential = ListenerHarness.Credential() });
        _h.Define("Second", "second@journal.contoso.com", s => s with { SmtpCredential = ListenerHarness.Credential("the second password") });
        await _h.StartAsync();

        var transcript = await _h.SwaksAsync("--to", "second@journal.contoso.com", "--tls", "--auth", "PLAIN",
            "--auth-user", ListenerHarness.SmtpUser, "--auth-password", ListenerHarness.SmtpPassword);

        Assert.Matches(new Regex("^<~  235", RegexOptions.Multiline), transcript);
        AssertRefused(transcript, "530 5.7.0 Authentication required");
    }

    [Fact]
    public async Task Recipients_of_two_definitions_in_one_message_get_452_4_5_3_for_the_second()
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false });
        _h.Define("Other", "other@journal.contoso.com", s => s with { Encrypted = false });
        await _h.StartAsync();

        var transcript = await _h.SwaksAsync("--to", Service + ",other@journal.contoso.com");

        AssertRefused(transcript, "452 4.5.3 One journal definition per message");
    }

    [Fact]
    public async Task Recipients_over_the_limit_get_452_4_5_3()
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false });
        await _h.StartAsync(o => o with { MaxRecipientsPerMessage = 1 });

        var transcript = await _h.SwaksAsync("--to", Service + "," + Service);

        AssertRefused(transcript, "452 4.5.3 Too many recipients");
    }

    [Fact]
    public async Task Store_trouble_while_spooling_is_451_not_250_and_not_554()
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false });
        await _h.StartAsync(spool: new FailingSpool(_h.Spool));

        var transcript = await _h.SwaksAsync("--to", Service);

        AssertRefused(transcript, "451 4.3.0");
        Assert.DoesNotContain("554", transcript);
        AssertNotAccepted(transcript);
        Assert.Equal(1, _h.Listener!.Counters.Snapshot().Refused[RefusalReason.StoreUnavailable]);
    }

    [Fact]
    public async Task A_failed_fsync_of_the_spool_is_451_and_the_committed_copy_is_archived_once_when_the_sender_retries()
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false, JournalNonInternalAddresses = true });
        await _h.StartAsync(spool: new FailingSpool(_h.Spool, syncFails: true));

        var report = Path.Combine(_h.Temp.Root, "fsync-failed.eml");
        await File.WriteAllTextAsync(report, "From: <ndr@fabrikam.test>\r\nTo: <" + Service + ">\r\nSubject: fsync\r\n" +
            "Date: Thu, 26 Nov 2026 10:00:00 +0000\r\nMessage-ID: <fsync-failed@fabrikam.test>\r\n\r\nbody\r\n");
        var transcript = await _h.SwaksAsync("--to", Service, "--data", "@" + report);

        AssertRefused(transcript, "451 4.3.0");
        AssertNotAccepted(transcript);
        // The commit that was not synced is still in the spool: it is archived, and a retry of the
        // same report (as Exchange sends after a 4xx) merges into the same item.
        await _h.Listener!.StopAsync(TimeSpan.FromSeconds(5));
        await _h.StartAsync();
        var retry = await _h.SwaksAsync("--to", Service, "--data", "@" + report);
        Assert.Matches(new Regex(@"^<-  250 2\.0\.0", RegexOptions.Multiline), retry);
        await ListenerHarness.WaitUntilAsync(() => _h.Spool.Count() == 0 && _h.Archive.GetOutcomes(new()).Count == 2, "both copies have outcomes");
        var item = Assert.Single(_h.Archive.GetMessages(new()));
        Assert.Equal("fsync-failed@fabrikam.test", item.MessageId);
    }

    [Fact]
    public async Task Trouble_storing_large_content_during_DATA_is_451_not_5xx_and_stores_nothing()
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false });
        // The folder for content beyond 1 MB cannot be created: a file stands where it should be.
        var blocked = Path.Combine(_h.Temp.Root, "not-a-folder");
        await File.WriteAllTextAsync(blocked, "in the way");
        await _h.StartAsync(o => o with { TemporaryDirectory = blocked });
        var body = Path.Combine(_h.Temp.Root, "large.txt");
        await File.WriteAllTextAsync(body, string.Concat(Enumerable.Repeat(new string('x', 76) + "\r\n", 20_000)));

        var transcript = await _h.SwaksAsync("--to", Service, "--body", "@" + body);

        AssertRefused(transcript, "451 4.3.0");
        Assert.DoesNotMatch(new Regex(@"^<[-~]\*? +5\d\d ", RegexOptions.Multiline), transcript);
        AssertNotAccepted(transcript);
        Assert.Equal(1, _h.Listener!.Counters.Snapshot().Refused[RefusalReason.StoreUnavailable]);
        Assert.Equal(0, _h.Spool.Count());
    }

    [Fact]
    public async Task A_full_spool_answers_452_4_3_1()
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false });
        await _h.StartAsync(o => o with { MaxSpoolLength = 0 });

        var transcript = await _h.SwaksAsync("--to", Service);

        AssertRefused(transcript, "452 4.3.1");
    }

    [Fact]
    public async Task A_plain_message_to_a_plain_definition_gets_250_and_is_archived()
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false });
        await _h.StartAsync();

        var transcript = await _h.SwaksAsync("--to", Service, "--data", "@" + Path.Combine(Parsing.Fixtures.Root, "Reports", "synthetic-bifurcated-fork1.eml"));

        Assert.Matches(new Regex(@"^<[-~]  250 2\.0\.0 Queued as \d+", RegexOptions.Multiline), transcript);
        await ListenerHarness.WaitUntilAsync(() => _h.Archive.GetMessages(new()).Count == 1 && _h.Spool.Count() == 0, "the report is archived");
    }
}

/// <summary>
/// A spool whose store is broken: every append fails as a full or locked database would, or (with
/// <paramref name="syncFails"/>) appends commit but the fsync that makes them durable fails.
/// </summary>
internal sealed class FailingSpool(IMessageSpool inner, bool syncFails = false) : IMessageSpool
{
    public IReadOnlyList<long> Append(IReadOnlyList<SpoolEntry> entries) => syncFails
        ? inner.Append(entries)
        : throw new JournalConfigurationException("StoreUnavailable", JournalErrorKind.ResourceUnavailable, "database or disk is full");

    public void Sync()
    {
        if (syncFails)
        {
            throw new JournalConfigurationException("StoreUnavailable", JournalErrorKind.ResourceUnavailable, "disk I/O error");
        }
        inner.Sync();
    }

    public int Count() => inner.Count();

    public DateTimeOffset? OldestReceived() => inner.OldestReceived();

    public void Remove(IReadOnlyList<long> ids) => inner.Remove(ids);

    public IReadOnlyList<SpooledMessage> TakeDue(DateTimeOffset now, int maxCount, long maxBytes, Action<long>? beforeRead = null) => inner.TakeDue(now, maxCount, maxBytes, beforeRead);

    public void RecordFailure(IReadOnlyList<long> ids, string error, DateTimeOffset nextAttempt) => inner.RecordFailure(ids, error, nextAttempt);
    public void MakeAllDue() => inner.MakeAllDue();

    public IReadOnlyList<QueuedReport> List(Guid? definitionId, int? first) => inner.List(definitionId, first);
}
