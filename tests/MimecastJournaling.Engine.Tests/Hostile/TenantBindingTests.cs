using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Tests.Parsing;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Hostile;

/// <summary>Issue 15 item 1: a definition bound to Exchange Online tenants takes only reports stamped by them.</summary>
public sealed class TenantBindingTests : IDisposable
{
    private readonly TempStore _temp = new();
    private readonly SqliteJournalArchive _archive;
    private readonly JournalIngest _ingest;

    public TenantBindingTests()
    {
        _archive = new SqliteJournalArchive(_temp.Store.Database);
        _ingest = new JournalIngest(_temp.Store, _archive, _temp.Clock);
        _temp.Configuration.RegisterDomain("contoso.com");
        foreach (var mailbox in new[] { "alice@contoso.com", "bob@contoso.com", "dave@contoso.com" })
        {
            _temp.Configuration.AddInternalAddress(mailbox);
        }
    }

    public void Dispose() => _temp.Dispose();

    private JournalDefinition Bound(params string[] tenants) => _temp.Configuration.NewDefinition(new DefinitionSettings
    {
        Description = "EXO",
        ServiceEmailAddress = "journal@journal.contoso.com",
        TenantId = tenants,
    });

    private JournalOutcome IngestOne(JournalDefinition definition, byte[] raw) =>
        Assert.Single(_ingest.Ingest(definition, [new IncomingReport(raw, "smtp:192.0.2.9", _temp.Clock.GetUtcNow())]));

    [Fact]
    public void The_tenant_id_is_kept_normalised_shown_in_the_event_log_and_a_bad_one_is_refused()
    {
        var definition = Bound(HostileMessages.TenantA.ToUpperInvariant());
        Assert.Equal([HostileMessages.TenantA], definition.TenantId);
        Assert.Equal([HostileMessages.TenantA], _temp.Configuration.GetDefinition("EXO").TenantId);
        var changed = _temp.Configuration.SetDefinition("EXO", new DefinitionSettings { TenantId = [HostileMessages.TenantA, HostileMessages.TenantB] });
        Assert.Equal([HostileMessages.TenantA, HostileMessages.TenantB], changed.TenantId);
        Assert.Contains(_temp.Store.GetEvents(new Storage.JournalEventQuery()), e => e.Property == "TenantId" && e.NewValue == $"{HostileMessages.TenantA}, {HostileMessages.TenantB}");

        var error = Assert.Throws<JournalConfigurationException>(() => _temp.Configuration.SetDefinition("EXO", new DefinitionSettings { TenantId = ["contoso.onmicrosoft.com"] }));
        Assert.Equal("InvalidTenantId", error.ErrorId);
        Assert.Empty(_temp.Configuration.SetDefinition("EXO", new DefinitionSettings { TenantId = [] }).TenantId);
    }

    [Fact]
    public void A_report_stamped_by_the_bound_tenant_is_archived()
    {
        var outcome = IngestOne(Bound(HostileMessages.TenantA), HostileMessages.Stamped(Fixtures.Report("synthetic-bifurcated-fork1.eml"), HostileMessages.TenantA));

        Assert.Equal(JournalOutcomeKind.Archived, outcome.Outcome);
    }

    [Fact]
    public void A_report_from_another_tenant_is_rejected_by_the_TenantId_rule()
    {
        var outcome = IngestOne(Bound(HostileMessages.TenantA), HostileMessages.Stamped(Fixtures.Report("synthetic-bifurcated-fork1.eml"), HostileMessages.TenantB));

        Assert.Equal(JournalOutcomeKind.Rejected, outcome.Outcome);
        Assert.Equal("TenantId", outcome.Rule);
        Assert.Contains(HostileMessages.TenantB, outcome.Reason);
        Assert.Empty(_archive.GetMessages(new JournalMessageQuery()));
    }

    [Fact]
    public void A_stamp_the_sender_wrote_itself_does_not_outvote_the_real_one()
    {
        // The sender's own X-MS-Exchange-CrossTenant-Id (tenant A) below the one its tenant B stamped.
        var outcome = IngestOne(Bound(HostileMessages.TenantA),
            HostileMessages.Stamped(Fixtures.Report("synthetic-bifurcated-fork1.eml"), HostileMessages.TenantB, HostileMessages.TenantA));

        Assert.Equal(JournalOutcomeKind.Rejected, outcome.Outcome);
        Assert.Equal("TenantId", outcome.Rule);
    }

    [Fact]
    public void A_report_without_a_stamp_is_rejected_for_a_bound_definition_and_archived_for_an_unbound_one()
    {
        var bound = IngestOne(Bound(HostileMessages.TenantA), Fixtures.Report("synthetic-bifurcated-fork1.eml"));
        Assert.Equal(JournalOutcomeKind.Rejected, bound.Outcome);
        Assert.Contains("no tenant stamp (X-MS-Exchange-CrossTenant-Id)", bound.Reason);

        var unbound = _temp.Configuration.NewDefinition(new DefinitionSettings { Description = "Onprem", ServiceEmailAddress = "onprem@journal.contoso.com" });
        Assert.Equal(JournalOutcomeKind.Archived, IngestOne(unbound, Fixtures.Report("synthetic-bifurcated-fork2.eml")).Outcome);
    }

    [Fact]
    public void The_stamp_header_is_a_setting()
    {
        _temp.Configuration.SetListenerSettings(null, null, ["X-Tenant-Stamp"]);
        var definition = Bound(HostileMessages.TenantA);
        var raw = System.Text.Encoding.ASCII.GetBytes($"X-Tenant-Stamp: {HostileMessages.TenantA}\r\n").Concat(Fixtures.Report("synthetic-bifurcated-fork1.eml")).ToArray();

        Assert.Equal(JournalOutcomeKind.Archived, IngestOne(definition, raw).Outcome);
        Assert.Equal(["X-Tenant-Stamp"], _temp.Configuration.GetListenerSettings().TenantStampHeader);
        Assert.Equal(JournalListenerSettings.DefaultTenantStampHeader, _temp.Configuration.SetListenerSettings(null, null, []).TenantStampHeader);
    }
}
