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
    public void The_Down_event_is_stamped_when_the_period_ran_out_by_the_inactivity_check_not_the_reader()
    {
        var d = Receiving("Silent");
        var last = _temp.Clock.GetUtcNow();
        _temp.Clock.Advance(TimeSpan.FromHours(7));   // someone reads the status long after it ran out

        Assert.Single(_temp.Configuration.MarkInactiveDefinitions());

        var e = Assert.Single(_temp.Configuration.GetEvents("Silent"), x => x.Action == "StatusChanged");
        Assert.Equal(last + d.InactivityPeriod, e.Time);
        Assert.Equal(JournalConfiguration.InactivityCheckActor, e.User);
        Assert.NotEqual(TempStore.Actor, e.User);
    }

    [Fact]
    public void Disabling_a_Down_definition_resets_it_as_the_seed_says()
    {
        Receiving("Silent");
        _temp.Clock.Advance(TimeSpan.FromMinutes(181));
        Assert.Single(_temp.Configuration.MarkInactiveDefinitions());

        var disabled = _temp.Configuration.SetDisabled("Silent", true);

        Assert.Equal(JournalStatus.OK, disabled.Status);
        Assert.Null(disabled.StatusReason);
        Assert.Contains(_temp.Configuration.GetEvents("Silent"), x => x.Property == "Status" && x.OldValue == "Down" && x.NewValue == "OK");
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
