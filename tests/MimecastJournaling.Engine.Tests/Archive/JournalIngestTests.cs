using System.Text;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Tests.Parsing;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Archive;

/// <summary>The whole ingest path on the fixture reports: parse, decide, assign, merge, archive.</summary>
public sealed class JournalIngestTests : IDisposable
{
    private readonly TempStore _temp = new();
    private readonly SqliteJournalArchive _archive;
    private readonly JournalIngest _ingest;

    public JournalIngestTests()
    {
        _archive = new SqliteJournalArchive(_temp.Store.Database, _temp.Clock);
        _ingest = new JournalIngest(_temp.Store, _archive, _temp.Clock);
        _temp.Configuration.RegisterDomain("contoso.com");
        _temp.Configuration.RegisterDomain("journal.contoso.com");
        foreach (var mailbox in new[] { "alice@contoso.com", "bob@contoso.com", "dave@contoso.com" })
        {
            _temp.Configuration.AddInternalAddress(mailbox);
        }
    }

    public void Dispose() => _temp.Dispose();

    private JournalDefinition Definition(Func<DefinitionSettings, DefinitionSettings>? change = null) =>
        _temp.Configuration.NewDefinition((change ?? (s => s))(new DefinitionSettings
        {
            Description = "EXO " + Guid.NewGuid().ToString("n")[..6],
            ServiceEmailAddress = $"j{Guid.NewGuid():n}@journal.contoso.com",
        }));

    private IReadOnlyList<JournalOutcome> Ingest(JournalDefinition definition, params string[] fixtures) =>
        _ingest.Ingest(definition, fixtures.Select(f => new IncomingReport(Fixtures.Report(f), "file:" + f, _temp.Clock.GetUtcNow())).ToList());

    [Fact]
    public void Two_bifurcated_halves_and_a_hybrid_duplicate_are_one_item_with_the_union_of_recipients_and_three_reports()
    {
        var outcomes = Ingest(Definition(),
            "synthetic-bifurcated-fork1.eml", "synthetic-bifurcated-fork2.eml", "synthetic-hybrid-onprem-duplicate.eml");

        Assert.Equal([JournalOutcomeKind.Archived, JournalOutcomeKind.Merged, JournalOutcomeKind.Merged], outcomes.Select(o => o.Outcome));
        var item = Assert.Single(_archive.GetMessages(new JournalMessageQuery()));
        Assert.Equal("synthetic-fork-0001@contoso.com", item.MessageId);
        Assert.Equal(3, item.Reports.Count);
        Assert.Equal(
            ["bob@contoso.com To ", "partner@fabrikam.com To ", "dave@contoso.com Bcc team@contoso.com"],
            item.Recipients.Select(r => $"{r.Address} {r.Type} {r.ExpandedFrom}"));
        Assert.Equal(["alice@contoso.com", "bob@contoso.com", "dave@contoso.com"], item.Mailboxes);
        // The original is stored once, as the first report carried it.
        var fork1 = Parsing.Fixtures.Report("synthetic-bifurcated-fork1.eml");
        var original = _archive.GetOriginal(item.Id)!;
        Assert.Equal(MimecastJournaling.Engine.Parsing.JournalReportParser.Parse(fork1).OriginalMessage!.Content.ToArray(), original);
    }

    [Fact]
    public void The_real_exchange_2019_report_is_archived_for_its_internal_recipient()
    {
        _temp.Configuration.RegisterDomain("honor.com");
        _temp.Configuration.AddInternalAddress("yangpanfei@honor.com");

        var outcome = Assert.Single(Ingest(Definition(), "lkml-linux-block-exchange2019-onprem-recipient.eml"));

        Assert.Equal(JournalOutcomeKind.Archived, outcome.Outcome);
        var item = _archive.GetMessage(outcome.ItemId!.Value)!;
        Assert.Equal("Z_3D0PZWolXUdXnK@fedora", item.MessageId);
        Assert.Equal("ming.lei@redhat.com", item.Sender);
        Assert.Equal(["yangpanfei@honor.com Recipient"], item.Recipients.Select(r => $"{r.Address} {r.Type}"));
        Assert.Equal(["yangpanfei@honor.com"], item.Mailboxes);
    }

    [Fact]
    public void Garbage_is_quarantined_with_its_reason_and_raw_bytes()
    {
        var garbage = Encoding.ASCII.GetBytes("\u0001\u0002 this is not mail\r\n");
        var outcome = Assert.Single(_ingest.Ingest(Definition(), [new IncomingReport(garbage, "smtp:192.0.2.7", _temp.Clock.GetUtcNow())]));

        Assert.Equal(JournalOutcomeKind.Quarantined, outcome.Outcome);
        Assert.False(string.IsNullOrWhiteSpace(outcome.Reason));
        Assert.Equal(garbage, _archive.GetReport(outcome.ReportId));
        Assert.Empty(_archive.GetMessages(new JournalMessageQuery()));
    }

    [Fact]
    public void An_outbound_message_to_external_recipients_belongs_to_its_internal_sender()
    {
        var outcome = Assert.Single(Ingest(Definition(), "synthetic-outbound-external-only.eml"));
        var item = _archive.GetMessage(outcome.ItemId!.Value)!;
        Assert.NotEmpty(item.Mailboxes);
        Assert.All(item.Mailboxes, m => Assert.EndsWith("@contoso.com", m));
    }

    [Fact]
    public void A_report_with_no_internal_address_is_rejected_by_the_non_internal_rule()
    {
        // The real report's only recipient is in a domain that is not registered here.
        var outcome = Assert.Single(Ingest(Definition(), "lkml-linux-block-exchange2019-onprem-recipient.eml"));

        Assert.Equal(JournalOutcomeKind.Rejected, outcome.Outcome);
        Assert.Equal("JournalNonInternalAddresses", outcome.Rule);
        Assert.Empty(_archive.GetMessages(new JournalMessageQuery()));

        var accepting = Definition(s => s with { JournalNonInternalAddresses = true });
        Assert.Equal(JournalOutcomeKind.Archived, Assert.Single(Ingest(accepting, "lkml-linux-block-exchange2019-onprem-recipient.eml")).Outcome);
    }

    [Fact]
    public void Plain_eml_steps_down_to_header_recipients_under_an_envelope_definition_and_says_so()
    {
        var outcome = Assert.Single(Ingest(Definition(), "synthetic-standard-eml.eml"));

        Assert.Equal("Standard", outcome.Format);
        Assert.Contains(JournalIngest.SteppedDownDefect, outcome.Defects);
    }

    [Fact]
    public void A_standard_eml_definition_takes_recipients_from_the_headers_only()
    {
        var definition = Definition(s => s with { JournalType = JournalType.StandardEml });
        var outcome = Assert.Single(Ingest(definition, "synthetic-hybrid-onprem-duplicate.eml"));

        var item = _archive.GetMessage(outcome.ItemId!.Value)!;
        // The envelope's Bcc (dave, expanded from team) is not in the message's own headers.
        Assert.Equal(["bob@contoso.com", "partner@fabrikam.com"], item.Recipients.Select(r => r.Address));
    }

    [Fact]
    public void The_directory_is_read_once_while_it_does_not_change()
    {
        var definition = Definition();
        // A second read of the whole directory would fail: the ingest must keep its copy.
        var (store, control) = FailingStore.Around(_temp.Store, nameof(Storage.IJournalStore.GetInternalAddresses));
        control.Failing = true;
        control.CallsBeforeFailure = 1;
        var ingest = new JournalIngest(store, _archive, _temp.Clock);

        foreach (var fixture in new[] { "synthetic-bifurcated-fork1.eml", "synthetic-bifurcated-fork2.eml" })
        {
            var outcome = Assert.Single(ingest.Ingest(definition, [new IncomingReport(Fixtures.Report(fixture), "file:" + fixture, _temp.Clock.GetUtcNow())]));
            Assert.NotEqual(JournalOutcomeKind.Rejected, outcome.Outcome);
        }
    }

    [Fact]
    public void A_directory_change_between_batches_is_used_by_the_next_batch()
    {
        _temp.Configuration.RegisterDomain("honor.com");
        var definition = Definition();
        Assert.Equal(JournalOutcomeKind.Rejected, Assert.Single(Ingest(definition, "lkml-linux-block-exchange2019-onprem-recipient.eml")).Outcome);

        _temp.Configuration.AddInternalAddress("yangpanfei@honor.com");

        var outcome = Assert.Single(Ingest(definition, "lkml-linux-block-exchange2019-onprem-recipient.eml"));
        Assert.Equal(JournalOutcomeKind.Archived, outcome.Outcome);
        Assert.Equal(["yangpanfei@honor.com"], _archive.GetMessage(outcome.ItemId!.Value)!.Mailboxes);
    }

    [Fact]
    public void The_merge_window_holds_a_new_item_pending_for_initial_delay_times_attempts()
    {
        var definition = Definition(s => s with { InitialProcessDelay = TimeSpan.FromMinutes(5), DeliveryWaitAttempts = 2 });
        var itemId = Assert.Single(Ingest(definition, "synthetic-bifurcated-fork1.eml")).ItemId!.Value;
        Assert.Equal(JournalItemState.Pending, _archive.GetMessage(itemId)!.State);

        _temp.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(JournalOutcomeKind.Merged, Assert.Single(Ingest(definition, "synthetic-bifurcated-fork2.eml")).Outcome);
        Assert.Equal(JournalItemState.Pending, _archive.GetMessage(itemId)!.State); // first attempt done, one to go

        _temp.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal([itemId], _archive.CompleteDueItems(_temp.Clock.GetUtcNow()));
        Assert.Equal(JournalItemState.Archived, _archive.GetMessage(itemId)!.State);
    }
}
