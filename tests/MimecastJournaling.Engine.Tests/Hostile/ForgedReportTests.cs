using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Parsing;
using MimecastJournaling.Engine.Tests.Parsing;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Hostile;

/// <summary>Issue 15 item 2: a report wrapped in a message is unwrapped only from the organisation's own delivery status notification.</summary>
public sealed class ForgedReportTests : IDisposable
{
    private readonly TempStore _temp = new();
    private readonly SqliteJournalArchive _archive;
    private readonly JournalIngest _ingest;
    private readonly JournalDefinition _definition;

    public ForgedReportTests()
    {
        _archive = new SqliteJournalArchive(_temp.Store.Database);
        _ingest = new JournalIngest(_temp.Store, _archive, _temp.Clock);
        _temp.Configuration.RegisterDomain("contoso.com");
        foreach (var mailbox in new[] { "alice@contoso.com", "bob@contoso.com", "dave@contoso.com" })
        {
            _temp.Configuration.AddInternalAddress(mailbox);
        }
        _definition = _temp.Configuration.NewDefinition(new DefinitionSettings
        {
            Description = "EXO",
            ServiceEmailAddress = "journal@journal.contoso.com",
            JournalNonInternalAddresses = true,
        });
    }

    public void Dispose() => _temp.Dispose();

    private JournalOutcome IngestOne(byte[] raw, bool trust = false) =>
        Assert.Single(_ingest.Ingest(_definition, [new IncomingReport(raw, "smtp:192.0.2.9", _temp.Clock.GetUtcNow()) { TrustWrappedReport = trust }]));

    [Fact]
    public void The_parser_does_not_unwrap_a_journal_report_attached_to_a_plain_message()
    {
        var report = JournalReportParser.Parse(HostileMessages.PlainMessageCarryingReport());

        Assert.Equal(JournalReportFormat.Standard, report.Format);
        Assert.False(report.Unwrapped);
        Assert.Equal("mallory@fabrikam.com", report.Sender);
        Assert.Equal(["journal@journal.contoso.com"], report.Recipients.Select(r => r.Address));
        Assert.Contains(JournalReportParser.CarriesReportNotUnwrappedDefect, report.Defects);
    }

    [Fact]
    public void The_parser_still_unwraps_a_delivery_status_notification_and_unwraps_anything_when_told()
    {
        var ndr = JournalReportParser.Parse(Fixtures.Report("synthetic-ndr-wrapped.eml"));
        Assert.True(ndr.Unwrapped);
        Assert.Equal("MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.com", ndr.WrapperSender);

        var trusted = JournalReportParser.Parse(HostileMessages.PlainMessageCarryingReport(), WrappedReportHandling.Any);
        Assert.True(trusted.Unwrapped);
        Assert.Equal(JournalReportFormat.Envelope, trusted.Format);
    }

    [Fact]
    public void A_forged_report_in_a_plain_message_is_archived_as_that_plain_message_with_a_defect_not_as_the_report()
    {
        var outcome = IngestOne(HostileMessages.PlainMessageCarryingReport());

        Assert.Equal(JournalOutcomeKind.Archived, outcome.Outcome);
        Assert.Equal("Standard", outcome.Format);
        Assert.Equal("forged-carrier-0001@fabrikam.com", outcome.MessageId);
        Assert.Equal("mallory@fabrikam.com", outcome.Sender);
        Assert.Contains(JournalReportParser.CarriesReportNotUnwrappedDefect, outcome.Defects);
        var item = _archive.GetMessage(outcome.ItemId!.Value)!;
        // The forged envelope's recipients (bob, partner, dave) are not the item's recipients.
        Assert.Equal(["journal@journal.contoso.com"], item.Recipients.Select(r => r.Address));
        Assert.DoesNotContain("bob@contoso.com", item.Mailboxes);
        Assert.DoesNotContain(_archive.GetMessages(new JournalMessageQuery()), m => m.MessageId == "synthetic-fork-0001@contoso.com");
    }

    [Fact]
    public void A_delivery_status_notification_from_a_stranger_is_archived_as_itself_with_a_defect()
    {
        var outcome = IngestOne(HostileMessages.DeliveryStatusCarryingReport("Postmaster <postmaster@fabrikam.com>"));

        Assert.Equal("Standard", outcome.Format);
        Assert.Equal("synthetic-ndr-0001@contoso.com", outcome.MessageId);
        Assert.Contains(JournalIngest.WrapperNotPostmasterDefect, outcome.Defects);
    }

    [Theory]
    [InlineData("Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.com>")]
    [InlineData("postmaster@contoso.com")]
    public void The_organisations_own_delivery_status_notification_is_unwrapped_to_the_report(string from)
    {
        var outcome = IngestOne(HostileMessages.DeliveryStatusCarryingReport(from));

        Assert.Equal("Envelope", outcome.Format);
        Assert.Equal("synthetic-orig-0001@contoso.com", outcome.MessageId);
        Assert.Contains("The journal report arrived wrapped in a non-delivery report and was unwrapped.", outcome.Defects);
        Assert.DoesNotContain(JournalIngest.WrapperNotPostmasterDefect, outcome.Defects);
    }

    [Fact]
    public void A_trusted_import_unwraps_a_forwarded_report()
    {
        var outcome = IngestOne(HostileMessages.PlainMessageCarryingReport(), trust: true);

        Assert.Equal("Envelope", outcome.Format);
        Assert.Equal("synthetic-fork-0001@contoso.com", outcome.MessageId);
        Assert.Contains("The journal report arrived wrapped in another message and was unwrapped.", outcome.Defects);
    }
}
