using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.ExchangeOnline.Tests;

/// <summary>The connector, NDR recipient, journal rule and whole-setup classes against the emulator (real HTTP on loopback).</summary>
public sealed class JournalingSetupTests : EmulatorTestBase
{
    private static PartnerConnectorSettings Listener(params string[] hosts) =>
        new(new[] { "journal.contoso.test" }, hosts.Length == 0 ? new[] { "archive.contoso.test" } : hosts);

    [Fact]
    public async Task Connector_is_created_as_a_partner_connector_then_reported_unchanged_then_updated()
    {
        using var client = Client();
        var exo = new ExchangeJournalingCommands(client);

        var plan = await PartnerConnectors.PlanAsync(exo, "Journal - EO", Listener());
        Assert.True(plan.Create);
        var created = await PartnerConnectors.ApplyAsync(exo, plan);
        Assert.Equal(O365JournalingAction.Created, created.Action);
        Assert.Equal("Partner", created.ConnectorType);
        Assert.False(created.UseMXRecord);
        Assert.False(created.IsTransportRuleScoped);
        Assert.True(created.Enabled);
        Assert.Equal("CertificateValidation", created.TlsSettings);
        Assert.Equal(new[] { "archive.contoso.test" }, created.SmartHosts);
        Assert.Equal(new[] { "journal.contoso.test" }, created.RecipientDomains);

        Emulator.State.ClearExecuted();
        var again = await PartnerConnectors.PlanAsync(exo, "Journal - EO", Listener());
        Assert.True(again.IsUnchanged);
        Assert.Equal(O365JournalingAction.Unchanged, (await PartnerConnectors.ApplyAsync(exo, again)).Action);
        Assert.DoesNotContain(Emulator.State.ExecutedCmdlets(), c => !c.StartsWith("Get-", StringComparison.Ordinal));

        var moved = await PartnerConnectors.PlanAsync(exo, "Journal - EO", new PartnerConnectorSettings(new[] { "journal.contoso.test" }, new[] { "archive2.contoso.test" }, TlsAuthLevel.DomainValidation, "archive2.contoso.test"));
        Assert.Equal(3, moved.Changes.Count); // SmartHosts, TlsSettings, TlsDomain
        var updated = await PartnerConnectors.ApplyAsync(exo, moved);
        Assert.Equal(O365JournalingAction.Updated, updated.Action);
        Assert.Equal(new[] { "archive2.contoso.test" }, updated.SmartHosts);
        Assert.Equal("archive2.contoso.test", updated.TlsDomain);

        // Leaving DomainValidation drops the TlsDomain (Exchange refuses a TlsDomain without it).
        var back = await PartnerConnectors.PlanChangeAsync(exo, "Journal - EO", null, null, TlsAuthLevel.CertificateValidation, null, null);
        var reverted = await PartnerConnectors.ApplyAsync(exo, back);
        Assert.Equal("CertificateValidation", reverted.TlsSettings);
        Assert.Null(reverted.TlsDomain);
        Assert.Single(Emulator.State.OutboundConnectors);
    }

    [Theory]
    [InlineData("archive.contoso.test:2525", "SmartHostHasPort")]
    [InlineData("192.0.2.7:25", "SmartHostHasPort")]
    [InlineData("[2001:db8::7]:25", "SmartHostHasPort")]
    [InlineData("not a host", "InvalidSmartHost")]
    public void Smart_hosts_with_ports_are_refused_before_any_call(string host, string errorId)
    {
        var e = Assert.Throws<O365JournalingException>(() => Listener(host));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(O365JournalingErrorKind.InvalidArgument, e.Kind);
    }

    [Fact]
    public void Ip_addresses_and_ranges_are_smart_hosts()
    {
        Assert.Equal(new[] { "192.0.2.7", "2001:db8::7", "198.51.100.0/24" }, Listener("192.0.2.7", "2001:db8::7", "198.51.100.0/24", "192.0.2.7").SmartHosts);
    }

    [Fact]
    public void TlsDomain_needs_DomainValidation_and_names_are_at_most_64_characters()
    {
        var tls = Assert.Throws<O365JournalingException>(() => new PartnerConnectorSettings(new[] { "journal.contoso.test" }, new[] { "archive.contoso.test" }, TlsAuthLevel.CertificateValidation, "archive.contoso.test"));
        Assert.Equal("TlsDomainRequiresDomainValidation", tls.ErrorId);
        var name = Assert.Throws<O365JournalingException>(() => new JournalingTarget("EO", "eo@journal.contoso.test", new[] { "archive.contoso.test" }, ruleName: new string('r', 65)));
        Assert.Equal("NameTooLong", name.ErrorId);
        Assert.Contains("65 characters", name.Message, StringComparison.Ordinal);
        Assert.Equal(64, new JournalingTarget(new string('d', 80), "eo@journal.contoso.test", new[] { "archive.contoso.test" }).RuleName.Length);
    }

    [Fact]
    public async Task Validation_reports_each_task_and_marks_the_connector_only_when_it_passes()
    {
        using var client = Client();
        var exo = new ExchangeJournalingCommands(client);
        await PartnerConnectors.ApplyAsync(exo, await PartnerConnectors.PlanAsync(exo, "Journal - EO", Listener("archive.contoso.test", "archive2.contoso.test")));

        Emulator.State.Change(s => s.UnreachableSmartHosts.Add("archive2.contoso.test"));
        var failed = await PartnerConnectors.ValidateAsync(exo, "Journal - EO", new[] { "eo@journal.contoso.test" });
        Assert.False(failed.Passed);
        Assert.False(failed.IsValidated);
        Assert.Contains(failed.Tasks, t => t is { Target: "archive2.contoso.test", Passed: false });
        Assert.Contains(failed.Tasks, t => t is { Target: "archive.contoso.test", Passed: true });
        Assert.DoesNotContain("Set-OutboundConnector", Emulator.State.ExecutedCmdlets().Skip(2));

        Emulator.State.Change(s => s.UnreachableSmartHosts.Clear());
        var passed = await PartnerConnectors.ValidateAsync(exo, "Journal - EO", new[] { "eo@journal.contoso.test", "eo2@journal.contoso.test" });
        Assert.True(passed.Passed);
        Assert.True(passed.IsValidated);
        Assert.Equal(4, passed.Tasks.Count); // two smart hosts, two recipients
        var connector = (await exo.FindOutboundConnectorAsync("Journal - EO"))!;
        Assert.True(connector.IsValidated);
        Assert.Equal(new[] { "eo@journal.contoso.test", "eo2@journal.contoso.test" }, connector.ValidationRecipients);
        Assert.NotNull(connector.LastValidationTimestamp);

        // A recipient outside the connector's domains fails its task.
        var outside = await PartnerConnectors.ValidateAsync(exo, "Journal - EO", new[] { "someone@fabrikam.test" }, markValidated: false);
        Assert.False(outside.Passed);
    }

    [Fact]
    public async Task Ndr_recipient_refuses_mailboxes_and_reports_unset_as_null()
    {
        using var client = Client();
        var exo = new ExchangeJournalingCommands(client);
        var unset = await JournalNdrRecipients.GetAsync(exo);
        Assert.False(unset.IsSet);
        Assert.Null(unset.Address);

        foreach (var mailbox in new[] { "journal-mbx@contoso.com", "ndr-shared@contoso.com" })
        {
            var e = await Assert.ThrowsAsync<O365JournalingException>(() => JournalNdrRecipients.PlanAsync(exo, mailbox));
            Assert.Equal("NdrRecipientIsMailbox", e.ErrorId);
            Assert.Contains("cannot deliver undeliverable journal reports to a mailbox", e.Message, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("Set-TransportConfig", Emulator.State.ExecutedCmdlets());

        var set = await JournalNdrRecipients.ApplyAsync(exo, await JournalNdrRecipients.PlanAsync(exo, "ndr@archive.example"));
        Assert.Equal(O365JournalingAction.Created, set.Action);
        Assert.Equal("ndr@archive.example", set.Address);
        var same = await JournalNdrRecipients.PlanAsync(exo, "NDR@archive.example");
        Assert.True(same.IsUnchanged);
        var changed = await JournalNdrRecipients.ApplyAsync(exo, await JournalNdrRecipients.PlanAsync(exo, "ndr2@archive.example"));
        Assert.Equal(O365JournalingAction.Updated, changed.Action);
    }

    [Fact]
    public async Task Journal_rule_needs_the_ndr_recipient_first_locally_and_from_Exchange()
    {
        using var client = Client();
        var exo = new ExchangeJournalingCommands(client);
        var settings = new JournalRuleSettings("eo@journal.contoso.test");

        var plan = await JournalRules.PlanAsync(exo, "Journal - EO", settings);
        var local = Assert.Throws<O365JournalingException>(plan.EnsureCanCreate);
        Assert.Equal("JournalNdrRecipientNotSet", local.ErrorId);
        Assert.Contains("Run Set-O365JournalNdrRecipient first", local.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("New-JournalRule", Emulator.State.ExecutedCmdlets());

        // Planned while the NDR recipient was set, then unset behind our back: Exchange's own refusal, mapped.
        Emulator.State.Change(s => s.TransportConfig["JournalingReportNdrTo"] = "ndr@archive.example");
        plan = await JournalRules.PlanAsync(exo, "Journal - EO", settings);
        Emulator.State.Change(s => s.TransportConfig["JournalingReportNdrTo"] = "<>");
        var mapped = await Assert.ThrowsAsync<O365JournalingException>(() => JournalRules.ApplyAsync(exo, plan));
        Assert.Equal("JournalNdrRecipientNotSet", mapped.ErrorId);
        Assert.IsType<ExchangeCommandException>(mapped.InnerException);
        Assert.Contains("Before you create a journal rule", mapped.Message, StringComparison.Ordinal);
        Assert.Contains("New-JournalRule", Emulator.State.ExecutedCmdlets());
    }

    [Fact]
    public async Task Journal_rule_is_created_enabled_converges_and_respects_the_rule_limit()
    {
        Emulator.State.TransportConfig["JournalingReportNdrTo"] = "ndr@archive.example";
        using var client = Client();
        var exo = new ExchangeJournalingCommands(client);

        var created = await JournalRules.ApplyAsync(exo, await JournalRules.PlanAsync(exo, "Journal - EO", new JournalRuleSettings("eo@journal.contoso.test")));
        Assert.Equal(O365JournalingAction.Created, created.Action);
        Assert.True(created.Enabled);
        Assert.Equal("Global", created.Scope);
        Assert.Null(created.Recipient);

        Assert.True((await JournalRules.PlanAsync(exo, "Journal - EO", new JournalRuleSettings("eo@journal.contoso.test"))).IsUnchanged);
        await exo.DisableJournalRuleAsync("Journal - EO");
        var plan = await JournalRules.PlanAsync(exo, "Journal - EO", new JournalRuleSettings("eo@journal.contoso.test", JournalRuleScope.External, "ceo@contoso.com"));
        Assert.Equal(3, plan.Changes.Count);
        var updated = await JournalRules.ApplyAsync(exo, plan);
        Assert.Equal(O365JournalingAction.Updated, updated.Action);
        Assert.True(updated.Enabled);
        Assert.Equal("External", updated.Scope);
        Assert.Equal("ceo@contoso.com", updated.Recipient);
        var everyone = await JournalRules.ApplyAsync(exo, await JournalRules.PlanChangeAsync(exo, "Journal - EO", null, null, null, clearRecipient: true, enabled: null));
        Assert.Null(everyone.Recipient);

        var mailbox = await Assert.ThrowsAsync<O365JournalingException>(() => JournalRules.PlanAsync(exo, "To a mailbox", new JournalRuleSettings("journal-mbx@contoso.com")));
        Assert.Equal("JournalAddressIsMailbox", mailbox.ErrorId);

        for (var i = 2; i <= JournalRules.DefaultRuleLimit; i++)
            await exo.NewJournalRuleAsync(new NewJournalRuleRequest($"Rule {i}", "eo@journal.contoso.test"));
        var full = await JournalRules.PlanAsync(exo, "One too many", new JournalRuleSettings("eo@journal.contoso.test"));
        var limit = Assert.Throws<O365JournalingException>(full.EnsureCanCreate);
        Assert.Equal("JournalRuleLimitReached", limit.ErrorId);
        Assert.Equal(O365JournalingErrorKind.LimitsExceeded, limit.Kind);
        await Assert.ThrowsAsync<O365JournalingException>(() => JournalRules.ApplyAsync(exo, full));
        Assert.Equal(JournalRules.DefaultRuleLimit, Emulator.State.JournalRules.Count);
    }

    [Fact]
    public async Task Whole_setup_converges_then_reports_drift_then_converges_again()
    {
        using var client = Client();
        var exo = new ExchangeJournalingCommands(client);
        var target = new JournalingTarget("EO", "eo@journal.contoso.test", new[] { "archive.contoso.test" }) { NdrRecipient = "ndr@archive.example" };

        var before = await new JournalingSetup(exo, target).TestAsync();
        Assert.False(before.Passed);
        Assert.Contains(before.Drift, c => c.Name == "Contact");
        Assert.Contains(before.Drift, c => c.Name == "NdrRecipient");

        var first = await RunAsync(exo, target);
        Assert.Equal(new[] { O365JournalingStepKind.Contact, O365JournalingStepKind.Connector, O365JournalingStepKind.ConnectorValidation, O365JournalingStepKind.NdrRecipient, O365JournalingStepKind.JournalRule },
            first.Select(s => s.Step));
        Assert.Equal(new[] { O365JournalingAction.Created, O365JournalingAction.Created, O365JournalingAction.Validated, O365JournalingAction.Created, O365JournalingAction.Created },
            first.Select(s => s.Action));
        Assert.Equal("Journal - EO", first[0].Name);
        var passed = await new JournalingSetup(exo, target).TestAsync();
        Assert.True(passed.Passed, string.Join("\n", passed.Checks));

        Emulator.State.ClearExecuted();
        var second = await RunAsync(exo, target);
        Assert.All(second, s => Assert.Equal(O365JournalingAction.Unchanged, s.Action));
        Assert.All(Emulator.State.ExecutedCmdlets(), c => Assert.StartsWith("Get-", c, StringComparison.Ordinal));

        // Behind its back: the rule disabled and pointed elsewhere, the connector's smart host changed.
        Emulator.State.Change(s =>
        {
            s.JournalRules[0]["Enabled"] = false;
            s.JournalRules[0]["JournalEmailAddress"] = "archive-user@archive.example";
            s.OutboundConnectors[0]["SmartHosts"] = new List<string> { "old.contoso.test" };
        });
        var drift = await new JournalingSetup(exo, target).TestAsync();
        Assert.False(drift.Passed);
        Assert.Equal(new[] { "ConnectorSmartHosts", "JournalRuleEnabled", "JournalRuleTarget" }, drift.Drift.Select(c => c.Name));
        Assert.Equal("archive-user@archive.example", drift.Drift.Single(c => c.Name == "JournalRuleTarget").Actual);

        var third = await RunAsync(exo, target);
        Assert.Equal(new[] { O365JournalingAction.Unchanged, O365JournalingAction.Updated, O365JournalingAction.Validated, O365JournalingAction.Unchanged, O365JournalingAction.Updated },
            third.Select(s => s.Action));
        Assert.True((await new JournalingSetup(exo, target).TestAsync()).Passed);
    }

    [Fact]
    public async Task A_failed_validation_stops_before_the_ndr_recipient_and_the_rule()
    {
        Emulator.State.UnreachableSmartHosts.Add("archive.contoso.test");
        using var client = Client();
        var exo = new ExchangeJournalingCommands(client);
        var target = new JournalingTarget("EO", "eo@journal.contoso.test", new[] { "archive.contoso.test" }) { NdrRecipient = "ndr@archive.example" };

        var steps = await RunAsync(exo, target);
        Assert.Equal(O365JournalingAction.Failed, steps[^1].Action);
        Assert.Equal(O365JournalingStepKind.ConnectorValidation, steps[^1].Step);
        Assert.Contains("archive.contoso.test", steps[^1].Detail, StringComparison.Ordinal);
        Assert.Empty(Emulator.State.JournalRules);
        Assert.Equal("<>", Emulator.State.TransportConfig["JournalingReportNdrTo"]);
        var test = await new JournalingSetup(exo, target).TestAsync();
        Assert.Contains(test.Drift, c => c.Name == "ConnectorValidated");
    }

    [Fact]
    public async Task Preflight_refuses_before_any_change_a_mailbox_ndr_recipient_and_a_full_rule_table()
    {
        using var client = Client();
        var exo = new ExchangeJournalingCommands(client);
        var mailbox = new JournalingSetup(exo, new JournalingTarget("EO", "eo@journal.contoso.test", new[] { "archive.contoso.test" }) { NdrRecipient = "journal-mbx@contoso.com" });
        Assert.Equal("NdrRecipientIsMailbox", (await Assert.ThrowsAsync<O365JournalingException>(() => mailbox.PreflightAsync())).ErrorId);

        Emulator.State.Change(s =>
        {
            s.TransportConfig["JournalingReportNdrTo"] = "ndr@archive.example";
            for (var i = 0; i < s.MaxJournalRules; i++)
                s.JournalRules.Add(new() { ["Identity"] = $"Rule {i}", ["Name"] = $"Rule {i}", ["JournalEmailAddress"] = "x@archive.example", ["Recipient"] = null, ["Scope"] = "Global", ["Enabled"] = true });
        });
        var full = new JournalingSetup(exo, new JournalingTarget("EO", "eo@journal.contoso.test", new[] { "archive.contoso.test" }));
        Assert.Equal("JournalRuleLimitReached", (await Assert.ThrowsAsync<O365JournalingException>(() => full.PreflightAsync())).ErrorId);
        Assert.All(Emulator.State.ExecutedCmdlets(), c => Assert.StartsWith("Get-", c, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_an_ndr_recipient_given_the_tenant_must_have_one()
    {
        using var client = Client();
        var exo = new ExchangeJournalingCommands(client);
        var setup = new JournalingSetup(exo, new JournalingTarget("EO", "eo@journal.contoso.test", new[] { "archive.contoso.test" }));
        var e = await Assert.ThrowsAsync<O365JournalingException>(() => setup.PlanAsync(O365JournalingStepKind.NdrRecipient));
        Assert.Equal("NdrRecipientRequired", e.ErrorId);
        Emulator.State.TransportConfig["JournalingReportNdrTo"] = "ndr@archive.example";
        Assert.True((await setup.PlanAsync(O365JournalingStepKind.NdrRecipient)).IsUnchanged);
    }

    /// <summary>Plans and applies each step in order, as Enable-O365Journaling does; stops after a failed step.</summary>
    private static async Task<List<O365JournalingStep>> RunAsync(ExchangeJournalingCommands exo, JournalingTarget target)
    {
        var setup = new JournalingSetup(exo, target);
        await setup.PreflightAsync();
        var steps = new List<O365JournalingStep>();
        foreach (var kind in JournalingSetup.Steps)
        {
            var step = await setup.ApplyAsync(await setup.PlanAsync(kind));
            steps.Add(step);
            if (step.Action == O365JournalingAction.Failed) break;
        }
        return steps;
    }
}
