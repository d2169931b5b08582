using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests;

public sealed class JournalEventTests : IDisposable
{
    private readonly TempStore _temp = new();
    private JournalConfiguration Config => _temp.Configuration;

    public void Dispose() => _temp.Dispose();

    private void Step() => _temp.Clock.Advance(TimeSpan.FromMinutes(1));

    /// <summary>Two definitions with a few changes each, one minute apart.</summary>
    private void MakeHistory()
    {
        _temp.NewDefinition("Contoso EXO", "journal@journal.contoso.test");
        Step();
        _temp.NewDefinition("Fabrikam", "journal@journal.fabrikam.test");
        Step();
        Config.SetDefinition("Contoso EXO", new DefinitionSettings { DeliveryWaitAttempts = 5 });
        Step();
        Config.SetDefinition("Fabrikam", new DefinitionSettings { Encrypted = false });
        Step();
        Config.SetDisabled("Contoso EXO", true);
        Step();
        Config.RegisterDomain("contoso.test");
    }

    [Fact]
    public void Events_come_newest_first()
    {
        MakeHistory();

        var all = Config.GetEvents();

        Assert.Equal(6, all.Count);
        Assert.Equal(all.OrderByDescending(e => e.Id).Select(e => e.Id), all.Select(e => e.Id));
        Assert.Equal(all.OrderByDescending(e => e.Time).Select(e => e.Time), all.Select(e => e.Time));
        Assert.Equal(("Created", "contoso.test"), (all[0].Action, all[0].ObjectName));
        Assert.Equal(("Created", "Contoso EXO"), (all[^1].Action, all[^1].ObjectName));
    }

    [Fact]
    public void Events_filter_by_definition_whatever_the_case()
    {
        MakeHistory();

        var contoso = Config.GetEvents(" contoso exo ");

        Assert.Equal(["Disabled", "Changed", "Created"], contoso.Select(e => e.Action));
        Assert.All(contoso, e => Assert.Equal("Contoso EXO", e.ObjectName));
        Assert.Equal(["Changed", "Created"], Config.GetEvents("Fabrikam").Select(e => e.Action));
    }

    [Fact]
    public void Events_of_a_definition_survive_its_removal()
    {
        MakeHistory();
        Step();
        Config.RemoveDefinition("Contoso EXO");

        var history = Config.GetEvents("Contoso EXO");

        Assert.Equal(["Removed", "Disabled", "Changed", "Created"], history.Select(e => e.Action));
    }

    [Fact]
    public void Events_of_a_renamed_then_removed_definition_are_found_by_its_last_name()
    {
        var original = _temp.NewDefinition("Contoso EXO");
        Step();
        Config.SetDefinition("Contoso EXO", new DefinitionSettings { Description = "Contoso Online" });
        Step();
        Config.RemoveDefinition("Contoso Online");

        var history = Config.GetEvents("Contoso Online");

        Assert.Equal(["Removed", "Changed", "Created"], history.Select(e => e.Action));
        Assert.All(history, e => Assert.Equal(original.Id.ToString(), e.ObjectId));
    }

    [Fact]
    public void A_new_definition_with_a_removed_ones_name_has_its_own_history()
    {
        _temp.NewDefinition("Contoso EXO");
        Config.RemoveDefinition("Contoso EXO");
        Step();
        var second = _temp.NewDefinition("Contoso EXO");

        var history = Config.GetEvents("Contoso EXO");

        var created = Assert.Single(history);
        Assert.Equal(second.Id.ToString(), created.ObjectId);
    }

    [Fact]
    public void Events_of_a_definition_that_never_existed_are_refused()
    {
        MakeHistory();
        var e = Assert.Throws<JournalConfigurationException>(() => Config.GetEvents("Northwind"));
        Assert.Equal("JournalDefinitionNotFound", e.ErrorId);
        Assert.Contains("'Northwind'", e.Message);
    }

    [Fact]
    public void After_returns_only_later_events()
    {
        var start = _temp.Clock.GetUtcNow();
        MakeHistory();

        Assert.Equal(5, Config.GetEvents(after: start).Count);
        var afterThree = Config.GetEvents(after: start + TimeSpan.FromMinutes(2));
        Assert.Equal(["contoso.test", "Contoso EXO", "Fabrikam"], afterThree.Select(e => e.ObjectName));
        // Any offset means the same instant.
        Assert.Equal(afterThree, Config.GetEvents(after: (start + TimeSpan.FromMinutes(2)).ToOffset(TimeSpan.FromHours(-5))));
        Assert.Empty(Config.GetEvents(after: _temp.Clock.GetUtcNow()));
        Assert.Equal(["Disabled", "Changed"], Config.GetEvents("Contoso EXO", after: start).Select(e => e.Action));
    }

    [Fact]
    public void First_returns_the_newest_events()
    {
        MakeHistory();

        var newest = Config.GetEvents(first: 2);

        Assert.Equal(Config.GetEvents().Take(2), newest);
        Assert.Equal(["Disabled"], Config.GetEvents("Contoso EXO", first: 1).Select(e => e.Action));
        Assert.Equal(["Changed"], Config.GetEvents("Fabrikam", after: _temp.Clock.GetUtcNow() - TimeSpan.FromMinutes(10), first: 1).Select(e => e.Action));
    }
}
