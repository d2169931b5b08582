using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests;

public sealed class DefinitionInactivityTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private JournalDefinition Receiving(string name, bool disabled = false)
    {
        var d = _temp.Configuration.NewDefinition(new DefinitionSettings
        {
            Description = name,
            ServiceEmailAddress = name.ToLowerInvariant() + "@journal.contoso.test",
            InactivityPeriod = TimeSpan.FromMinutes(180),
            Disabled = disabled,
        });
        _temp.Store.RecordDefinitionHealth(d.Id, JournalStatus.OK, null, _temp.Clock.GetUtcNow(), []);
        return d;
    }

    [Fact]
    public void A_definition_silent_for_longer_than_its_inactivity_period_becomes_Down_with_an_event()
    {
        Receiving("Silent");
        _temp.Clock.Advance(TimeSpan.FromMinutes(180));
        Assert.Empty(_temp.Configuration.MarkInactiveDefinitions());   // exactly the period: not yet

        _temp.Clock.Advance(TimeSpan.FromMinutes(1));
        var marked = Assert.Single(_temp.Configuration.MarkInactiveDefinitions());
        Assert.Equal("Silent", marked.Description);
        var stored = _temp.Store.GetDefinition("Silent")!;
        Assert.Equal(JournalStatus.Down, stored.Status);
        Assert.Contains("InactivityPeriod 180 minutes", stored.StatusReason);
        var e = Assert.Single(_temp.Configuration.GetEvents("Silent"), x => x.Action == "StatusChanged");
        Assert.Equal(("OK", "Down"), (e.OldValue, e.NewValue));
        Assert.Empty(_temp.Configuration.MarkInactiveDefinitions());   // once only
    }

    [Fact]
    public void Disabled_waiting_and_failing_definitions_are_not_marked_Down()
    {
        Receiving("Suspended", disabled: true);
        _temp.Configuration.NewDefinition(new DefinitionSettings { Description = "New", ServiceEmailAddress = "new@journal.contoso.test" });
        var failing = Receiving("Failing");
        _temp.Store.RecordDefinitionHealth(failing.Id, JournalStatus.Error, "store trouble", null, []);
        _temp.Clock.Advance(TimeSpan.FromDays(2));

        Assert.Empty(_temp.Configuration.MarkInactiveDefinitions());
        Assert.Equal(JournalStatus.AwaitingInitialRun, _temp.Store.GetDefinition("New")!.Status);
        Assert.Equal(JournalStatus.Error, _temp.Store.GetDefinition("Failing")!.Status);
    }
}
