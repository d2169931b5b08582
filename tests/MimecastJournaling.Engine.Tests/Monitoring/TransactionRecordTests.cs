using System.Collections.Concurrent;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Monitoring;
using MimecastJournaling.Engine.Tests.Listener;

namespace MimecastJournaling.Engine.Tests.Monitoring;

/// <summary>One record per SMTP transaction, raised by the listener and logged through ILogger; never a password or content.</summary>
public sealed class TransactionRecordTests : IAsyncLifetime
{
    private const string Service = "journal@journal.contoso.com";
    private const string Fixture = "synthetic-bifurcated-fork1.eml";
    private readonly ListenerHarness _h = new();
    private readonly ConcurrentQueue<SmtpTransactionRecord> _records = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task StartAsync()
    {
        await _h.StartAsync();
        _h.Listener!.TransactionCompleted += _records.Enqueue;
    }

    private async Task<SmtpTransactionRecord> NextRecordAsync(Func<SmtpTransactionRecord, bool> match)
    {
        SmtpTransactionRecord? found = null;
        await ListenerHarness.WaitUntilAsync(() => (found = _records.FirstOrDefault(match)) is not null, "the transaction record arrives");
        return found!;
    }

    [Fact]
    public async Task An_accepted_report_is_one_record_with_its_client_definition_code_MessageId_size_and_duration_and_no_password()
    {
        _h.Define("Contoso EXO", Service, s => s with { SmtpCredential = ListenerHarness.Credential() });
        await StartAsync();

        await _h.SendWithMailKitAsync(ListenerHarness.FixtureMessage(Fixture), Service, ListenerHarness.SmtpPassword);

        var record = await NextRecordAsync(r => r.Outcome == SmtpTransactionOutcome.Accepted);
        Assert.Equal(("127.0.0.1", "Contoso EXO", 250, "synthetic-fork-r1@journal.report.generator"), (record.ClientAddress, record.Definition, record.ReplyCode, record.MessageId));
        Assert.Equal(Service, record.Recipient);
        Assert.True(record.Size > 1000, $"size {record.Size}");
        Assert.True(record.Duration > TimeSpan.Zero);
        Assert.NotNull(record.CommitDuration);
        Assert.NotNull(record.SpoolId);
        Assert.True(record.Tls);
        await Task.Delay(300);
        Assert.Single(_records);
        var everything = string.Join("|", _records.Select(r => r.ToString() + r.Reply));
        Assert.DoesNotContain(ListenerHarness.SmtpPassword, everything);
        Assert.DoesNotContain("Subject:", everything);
    }

    [Fact]
    public async Task Refusals_at_connect_at_RCPT_and_for_missing_TLS_are_records_with_their_codes_and_reasons()
    {
        _h.Define("Contoso EXO", Service);
        await StartAsync();

        await Assert.ThrowsAsync<SmtpCommandException>(() => _h.SendWithMailKitAsync(ListenerHarness.FixtureMessage(Fixture), "nobody@journal.contoso.com"));
        var unknown = await NextRecordAsync(r => r.ReplyCode == 550);
        Assert.Equal((SmtpTransactionOutcome.Refused, RefusalReason.UnknownRecipient, "nobody@journal.contoso.com"), (unknown.Outcome, unknown.Refusal, unknown.Recipient));

        var transcript = await _h.SwaksAsync("--to", Service, "--data", "Subject: x\r\n\r\nbody");
        Assert.Contains("530 5.7.0", transcript);
        var tls = await NextRecordAsync(r => r.ReplyCode == 530);
        Assert.Equal((RefusalReason.TlsRequired, false), (tls.Refusal, tls.Tls));

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var client = _h.MailKitClient(ListenerHarness.OtherLoopback);
            await client.ConnectAsync("127.0.0.1", _h.Port, MailKit.Security.SecureSocketOptions.None);
        });
        var gate = await NextRecordAsync(r => r.ClientAddress == "127.0.0.2");
        Assert.Equal((554, RefusalReason.SourceNotAllowed), (gate.ReplyCode, gate.Refusal));
    }

    [Fact]
    public async Task ListenerLog_writes_each_transaction_as_a_structured_entry()
    {
        _h.Define("Contoso EXO", Service);
        await StartAsync();
        var logger = new CapturingLogger();
        using var attached = ListenerLog.Attach(_h.Listener!, logger);

        await _h.SendWithMailKitAsync(ListenerHarness.FixtureMessage(Fixture), Service);

        await ListenerHarness.WaitUntilAsync(() => logger.Entries.Any(e => e.EventId == 1000), "the line is logged");
        var entry = logger.Entries.First(e => e.EventId == 1000);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Equal("127.0.0.1", entry.State["ClientAddress"]);
        Assert.Equal("Contoso EXO", entry.State["Definition"]);
        Assert.Equal("250", entry.State["ReplyCode"]);
        // The Message-ID of the journal report itself (the SMTP message), not of the message it journals.
        Assert.Equal("synthetic-fork-r1@journal.report.generator", entry.State["MessageId"]);
        Assert.Contains("SMTP 127.0.0.1 Contoso EXO 250 Accepted", entry.Message);
    }

    internal sealed class CapturingLogger : ILogger
    {
        public sealed record Entry(LogLevel Level, int EventId, string Message, IReadOnlyDictionary<string, object?> State);

        public ConcurrentQueue<Entry> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            Entries.Enqueue(new Entry(logLevel, eventId.Id, formatter(state, exception), values.ToDictionary(v => v.Key, v => v.Value)));
        }
    }
}
