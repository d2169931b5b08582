using System.Text;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.Parsing;

using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Contracts;

/// <summary>The archive's contract (IJournalArchive), run against every backend.</summary>
public abstract class JournalArchiveContract : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private readonly BackendUnderTest _backend;
    private readonly IJournalArchive _archive;

    private protected JournalArchiveContract(BackendUnderTest backend)
    {
        _backend = backend;
        _archive = backend.Open().ArchiveWithClock(new ManualClock(T0));
    }

    public void Dispose() => _backend.Dispose();

    private static byte[] Original(string transportHeader = "Received: from mbx1.contoso.com", string body = "Quarterly numbers attached.\r\n") =>
        Encoding.ASCII.GetBytes(
            transportHeader + "\r\n" +
            "From: Alice <alice@contoso.com>\r\nTo: bob@contoso.com\r\nCc: carol@fabrikam.com\r\n" +
            "Subject: Q3 numbers\r\nDate: Thu, 26 Nov 2026 08:59:00 +0000\r\nMessage-ID: <q3@contoso.com>\r\n\r\n" + body);

    private static ArchiveSubmission Report(byte[] original, string reportTag, params ArchivedRecipient[] recipients) => new()
    {
        Received = T0,
        Source = "smtp:192.0.2.10",
        Definition = "EXO",
        RawReport = Encoding.ASCII.GetBytes("X-MS-Journal-Report:\r\nX-Test: " + reportTag + "\r\n\r\n").Concat(original).ToArray(),
        Disposition = ArchiveDisposition.Accept,
        Format = "Envelope",
        MessageId = "q3@contoso.com",
        Sender = "alice@contoso.com",
        Subject = "Q3 numbers",
        Original = original,
        Recipients = recipients,
        Mailboxes = recipients.Where(r => r.Address.EndsWith("@contoso.com")).Select(r => r.Address).Append("alice@contoso.com").ToArray(),
    };

    [Fact]
    public void Two_bifurcated_halves_and_a_hybrid_duplicate_become_one_item_with_the_union_of_recipients()
    {
        var outcomes = _archive.Store([
            Report(Original(), "fork-1", new ArchivedRecipient("bob@contoso.com", "To"), new ArchivedRecipient("dave@contoso.com", "Bcc", ExpandedFrom: "sales@contoso.com")),
            Report(Original(), "fork-2", new ArchivedRecipient("carol@fabrikam.com", "Cc")),
        ]);
        // Hybrid: the on-premises copy of the same message has other transport headers.
        outcomes = outcomes.Concat(_archive.Store([
            Report(Original("Received: from onprem-hub.contoso.com"), "onprem", new ArchivedRecipient("bob@contoso.com", "Recipient")),
        ])).ToList();

        Assert.Equal([JournalOutcomeKind.Archived, JournalOutcomeKind.Merged, JournalOutcomeKind.Merged], outcomes.Select(o => o.Outcome));
        Assert.Single(outcomes.Select(o => o.ItemId).Distinct());
        var item = Assert.Single(_archive.GetMessages(new JournalMessageQuery()));
        Assert.Equal(3, item.Reports.Count);
        Assert.Equal(
            ["bob@contoso.com:To:", "dave@contoso.com:Bcc:sales@contoso.com", "carol@fabrikam.com:Cc:"],
            item.Recipients.Select(r => $"{r.Address}:{r.Type}:{r.ExpandedFrom}"));
        Assert.Equal(["alice@contoso.com", "bob@contoso.com", "dave@contoso.com"], item.Mailboxes);
        Assert.Equal(Original(), _archive.GetOriginal(item.Id));
    }

    [Fact]
    public void The_same_report_received_again_is_a_duplicate_of_its_item()
    {
        var report = Report(Original(), "only", new ArchivedRecipient("bob@contoso.com", "To"));
        var first = _archive.Store([report]).Single();
        var again = _archive.Store([report with { Received = T0.AddMinutes(5) }]).Single();

        Assert.Equal(JournalOutcomeKind.Archived, first.Outcome);
        Assert.Equal(JournalOutcomeKind.Duplicate, again.Outcome);
        Assert.Equal(first.ItemId, again.ItemId);
        Assert.Single(_archive.GetMessages(new JournalMessageQuery()));
    }

    [Fact]
    public void The_same_message_id_with_different_content_stays_a_separate_item()
    {
        _archive.Store([Report(Original(), "a", new ArchivedRecipient("bob@contoso.com", "To"))]);
        var other = _archive.Store([Report(Original(body: "Different text.\r\n"), "b", new ArchivedRecipient("bob@contoso.com", "To"))]).Single();

        Assert.Equal(JournalOutcomeKind.Archived, other.Outcome);
        Assert.Equal(2, _archive.GetMessages(new JournalMessageQuery { MessageId = "q3@contoso.com" }).Count);
    }

    [Fact]
    public void Quarantined_and_rejected_reports_keep_their_raw_bytes_and_reason()
    {
        var garbage = Encoding.ASCII.GetBytes("not a message at all");
        var outcomes = _archive.Store([
            new ArchiveSubmission { Received = T0, Source = "file:/tmp/x.eml", RawReport = garbage, Disposition = ArchiveDisposition.Quarantine, Reason = "No header block." },
            Report(Original(), "r") with { Disposition = ArchiveDisposition.Reject, Rule = "JournalNonInternalAddresses", Reason = "No internal address." },
        ]);

        Assert.Equal([JournalOutcomeKind.Quarantined, JournalOutcomeKind.Rejected], outcomes.Select(o => o.Outcome));
        Assert.All(outcomes, o => Assert.Null(o.ItemId));
        Assert.Equal(garbage, _archive.GetReport(outcomes[0].ReportId));
        var listed = _archive.GetOutcomes(new JournalOutcomeQuery { Outcome = JournalOutcomeKind.Rejected });
        Assert.Equal("JournalNonInternalAddresses", Assert.Single(listed).Rule);
        Assert.Empty(_archive.GetMessages(new JournalMessageQuery()));
    }

    [Fact]
    public void A_new_item_waits_its_attempts_then_is_archived_and_later_reports_still_merge()
    {
        var window = new ArchiveSubmission[]
        {
            Report(Original(), "first", new ArchivedRecipient("bob@contoso.com", "To")) with
                { ProcessAfter = T0.AddMinutes(10), WaitAttempts = 2, WaitInterval = TimeSpan.FromMinutes(10) },
        };
        var itemId = _archive.Store(window).Single().ItemId!.Value;
        Assert.Equal(JournalItemState.Pending, _archive.GetMessage(itemId)!.State);

        Assert.Empty(_archive.CompleteDueItems(T0.AddMinutes(9)));    // not due yet
        Assert.Empty(_archive.CompleteDueItems(T0.AddMinutes(10)));   // attempt 1 of 2
        Assert.Equal(JournalItemState.Pending, _archive.GetMessage(itemId)!.State);
        Assert.Equal([itemId], _archive.CompleteDueItems(T0.AddMinutes(20))); // attempt 2: archived
        Assert.Equal(JournalItemState.Archived, _archive.GetMessage(itemId)!.State);

        var late = _archive.Store([Report(Original(), "late", new ArchivedRecipient("erin@contoso.com", "Bcc"))]).Single();
        Assert.Equal(JournalOutcomeKind.Merged, late.Outcome);
        Assert.Contains(_archive.GetMessage(itemId)!.Recipients, r => r.Address == "erin@contoso.com");
    }

    [Fact]
    public void Items_by_id_come_in_the_order_asked_each_with_its_own_recipients_mailboxes_and_reports()
    {
        var a = _archive.Store([Report(Original(body: "A.\r\n"), "a", new ArchivedRecipient("bob@contoso.com", "To"))]).Single().ItemId!.Value;
        var b = _archive.Store([
            Report(Original(body: "B.\r\n"), "b1", new ArchivedRecipient("bob@contoso.com", "To"), new ArchivedRecipient("dave@contoso.com", "Bcc", ExpandedFrom: "sales@contoso.com")),
            Report(Original(body: "B.\r\n"), "b2", new ArchivedRecipient("carol@fabrikam.com", "Cc")),
        ]).Select(o => o.ItemId!.Value).Distinct().Single();
        var c = _archive.Store([Report(Original(body: "C.\r\n"), "c", new ArchivedRecipient("erin@contoso.com", "Cc"))]).Single().ItemId!.Value;

        var items = _archive.GetMessagesById([c, 987654321, a, b]);

        Assert.Equal([c, a, b], items.Select(i => i.Id));
        Assert.Equal(["erin@contoso.com:Cc"], items[0].Recipients.Select(r => $"{r.Address}:{r.Type}"));
        Assert.Equal(["bob@contoso.com:To"], items[1].Recipients.Select(r => $"{r.Address}:{r.Type}"));
        Assert.Equal(["bob@contoso.com:To:", "dave@contoso.com:Bcc:sales@contoso.com", "carol@fabrikam.com:Cc:"],
            items[2].Recipients.Select(r => $"{r.Address}:{r.Type}:{r.ExpandedFrom}"));
        Assert.Equal(["alice@contoso.com", "erin@contoso.com"], items[0].Mailboxes);
        Assert.Equal(["alice@contoso.com", "bob@contoso.com", "dave@contoso.com"], items[2].Mailboxes);
        Assert.Equal([1, 1, 2], items.Select(i => i.Reports.Count));
        Assert.True(items[2].Reports[0].ReportId < items[2].Reports[1].ReportId);
        Assert.Empty(_archive.GetMessagesById([]));
    }

    [Fact]
    public void A_long_list_of_ids_is_read_whole_and_each_item_keeps_its_own_details()
    {
        // More items than one detail query covers, so the chunks meet.
        var count = 520;
        var ids = _archive.Store(Enumerable.Range(0, count).Select(k =>
            Report(Original(body: $"Message {k}.\r\n"), "n" + k, new ArchivedRecipient($"user{k}@contoso.com", "To"))).ToList())
            .Select(o => o.ItemId!.Value).ToList();
        ids.Reverse();

        var items = _archive.GetMessagesById(ids);

        Assert.Equal(ids, items.Select(i => i.Id));
        for (var k = 0; k < count; k++)
        {
            var n = count - 1 - k;
            Assert.Equal([$"user{n}@contoso.com"], items[k].Recipients.Select(r => r.Address));
            Assert.Equal(["alice@contoso.com", $"user{n}@contoso.com"], items[k].Mailboxes);
            Assert.Single(items[k].Reports);
        }
        Assert.Equal(count, _archive.GetMessages(new JournalMessageQuery()).Count(i => i.Recipients.Count == 1 && i.Reports.Count == 1));
    }

    [Fact]
    public void A_large_original_is_read_back_with_one_copy_of_its_stored_bytes()
    {
        // Random bytes compress to about their own size: reading the original back costs its stored
        // bytes once and the decompressed message, and no row buffer of the driver's beside them.
        // (40 MB, unlike the spool's 24 MB test: a driver buffer the size of that one, given back to
        // a shared pool, would otherwise serve this read without being counted here.)
        const int size = 40 * 1024 * 1024;
        var head = Original(body: string.Empty);
        var original = new byte[head.Length + size];
        head.CopyTo(original, 0);
        new Random(15).NextBytes(original.AsSpan(head.Length));
        var itemId = _archive.Store([Report(original, "large", new ArchivedRecipient("bob@contoso.com", "To"))]).Single().ItemId!.Value;

        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = _archive.GetOriginal(itemId);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.NotNull(read);
        Assert.True(read.AsSpan().SequenceEqual(original), "The original did not come back with its bytes.");
        Assert.True(allocated < 2L * original.Length + size / 4,
            $"Reading a {original.Length / 1024 / 1024} MB original back allocated {allocated / 1024 / 1024} MB.");
    }

    [Fact]
    public void Queries_filter_with_wildcards()
    {
        _archive.Store([Report(Original(), "a", new ArchivedRecipient("bob@contoso.com", "To"))]);

        Assert.Single(_archive.GetMessages(new JournalMessageQuery { Recipient = "BOB@*" }));
        Assert.Single(_archive.GetMessages(new JournalMessageQuery { Subject = "Q3*", Sender = "alice@contoso.com" }));
        Assert.Single(_archive.GetMessages(new JournalMessageQuery { Mailbox = "*@contoso.com" }));
        Assert.Empty(_archive.GetMessages(new JournalMessageQuery { Recipient = "nobody@*" }));
        Assert.Empty(_archive.GetMessages(new JournalMessageQuery { Subject = "Q_*" })); // _ is literal, not a LIKE wildcard
        Assert.Empty(_archive.GetMessages(new JournalMessageQuery { Skip = 1 }));
    }

    [Fact]
    public void Every_fixture_report_reads_back_byte_for_byte_though_each_original_is_stored_once()
    {
        var backend = _backend.Open();
        var configuration = new JournalConfiguration(backend.Store, "contract", new ManualClock(T0));
        configuration.RegisterDomain("contoso.com");
        var definition = configuration.NewDefinition(new DefinitionSettings
        {
            Description = "EXO fixtures",
            ServiceEmailAddress = "fixtures@journal.contoso.com",
            JournalNonInternalAddresses = true,
        });
        var ingest = new JournalIngest(backend.Store, _archive, new ManualClock(T0));
        var raws = Fixtures.AllReports().Select(File.ReadAllBytes).ToList();
        // Twice: the second round merges into the first round's items and refers to their originals.
        var incoming = raws.Concat(raws).Select((raw, i) => new IncomingReport(raw, $"file:{i}", T0)).ToList();

        var outcomes = ingest.Ingest(definition, incoming);

        Assert.Equal(incoming.Count, outcomes.Count);
        Assert.Contains(outcomes, o => o.Outcome == JournalOutcomeKind.Duplicate);
        for (var i = 0; i < outcomes.Count; i++)
        {
            Assert.True(incoming[i].Raw.Span.SequenceEqual(_archive.GetReport(outcomes[i].ReportId)),
                $"report {i} ({outcomes[i].Outcome}) did not read back byte for byte");
        }
        // A second backend object (another host) reads the same bytes.
        var other = _backend.Open().Archive;
        Assert.True(incoming[0].Raw.Span.SequenceEqual(other.GetReport(outcomes[0].ReportId)));
    }
}

public sealed class SqliteJournalArchiveContract() : JournalArchiveContract(new SqliteBackendUnderTest());

[Collection(PostgresCollection.Name)]
public sealed class PostgresJournalArchiveContract() : JournalArchiveContract(new PostgresBackendUnderTest());
