using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.ExchangeOnline.Tests;

/// <summary>The typed wrappers end to end against the emulator, in the order a journaling setup runs.</summary>
public sealed class JournalingCommandsTests : EmulatorTestBase
{
    [Fact]
    public async Task A_whole_journaling_setup_and_teardown()
    {
        using var client = Client();
        var exo = new ExchangeJournalingCommands(client);

        var domain = await exo.GetDefaultAcceptedDomainAsync();
        Assert.Equal("contoso.com", domain!.DomainName);

        var contact = await exo.NewMailContactAsync(new NewMailContactRequest("Archive journal", "journal@archive.example") { DisplayName = "Archive (journal)" });
        Assert.False(contact.HiddenFromAddressListsEnabled);
        await exo.SetMailContactAsync(new SetMailContactRequest(contact.Identity) { HiddenFromAddressListsEnabled = true });
        contact = (await exo.FindMailContactAsync("journal@archive.example"))!;
        Assert.True(contact.HiddenFromAddressListsEnabled);
        Assert.Equal("Archive (journal)", contact.DisplayName);
        Assert.NotNull(contact.Guid);

        var connector = await exo.NewOutboundConnectorAsync(new NewOutboundConnectorRequest("To archive")
        {
            RecipientDomains = new[] { "archive.example" },
            UseMXRecord = false,
            SmartHosts = new[] { "smtp.archive.example" },
            TlsSettings = TlsAuthLevel.EncryptionOnly,
            Comment = "Journal reports to the archive",
        });
        Assert.Equal("Partner", connector.ConnectorType);
        Assert.False(connector.IsTransportRuleScoped);
        Assert.True(connector.Enabled);
        Assert.Equal(new[] { "smtp.archive.example" }, connector.SmartHosts);

        var validation = await exo.ValidateOutboundConnectorAsync("To archive", new[] { "probe@archive.example" });
        Assert.All(validation, v => Assert.True(v.IsTaskSuccessful));
        var validatedAt = new DateTimeOffset(2026, 11, 26, 18, 0, 0, TimeSpan.Zero);
        await exo.SetOutboundConnectorAsync(new SetOutboundConnectorRequest("To archive") { IsValidated = true, LastValidationTimestamp = validatedAt });
        connector = (await exo.FindOutboundConnectorAsync("To archive"))!;
        Assert.True(connector.IsValidated);
        Assert.Equal(validatedAt, connector.LastValidationTimestamp);

        Assert.Null((await exo.GetTransportConfigAsync()).JournalingReportNdrTo); // "<>" means unset
        await exo.SetTransportConfigAsync(new SetTransportConfigRequest { JournalingReportNdrTo = "ndr@archive.example", JournalMessageExpirationDays = 7 });
        var config = await exo.GetTransportConfigAsync();
        Assert.Equal("ndr@archive.example", config.JournalingReportNdrTo);
        Assert.Equal(7, config.JournalMessageExpirationDays);

        var rule = await exo.NewJournalRuleAsync(new NewJournalRuleRequest("Archive all mail", "Archive journal"));
        Assert.True(rule.Enabled);
        Assert.Equal("Global", rule.Scope);
        Assert.Equal("journal@archive.example", rule.JournalEmailAddress);
        await exo.DisableJournalRuleAsync(rule.Identity);
        Assert.False((await exo.FindJournalRuleAsync(rule.Identity))!.Enabled);
        await exo.EnableJournalRuleAsync(rule.Identity);
        await exo.SetJournalRuleAsync(new SetJournalRuleRequest(rule.Identity) { Scope = JournalRuleScope.External });
        rule = (await exo.FindJournalRuleAsync(rule.Identity))!;
        Assert.True(rule.Enabled);
        Assert.Equal("External", rule.Scope);

        await exo.RemoveJournalRuleAsync(rule.Identity);
        await exo.RemoveOutboundConnectorAsync(connector.Identity);
        await exo.RemoveMailContactAsync(contact.Identity);
        Assert.Null(await exo.FindJournalRuleAsync(rule.Identity));
        Assert.Null(await exo.FindOutboundConnectorAsync(connector.Identity));
        Assert.Null(await exo.FindMailContactAsync(contact.Identity));
        Assert.Empty(await exo.GetJournalRulesAsync());
    }

    [Fact]
    public async Task New_JournalRule_sends_Enabled_because_the_service_default_is_disabled()
    {
        Emulator.State.TransportConfig["JournalingReportNdrTo"] = "ndr@archive.example";
        using var client = Client();
        var exo = new ExchangeJournalingCommands(client);

        var enabled = await exo.NewJournalRuleAsync(new NewJournalRuleRequest("On", "journal@archive.example"));
        var disabled = await exo.NewJournalRuleAsync(new NewJournalRuleRequest("Off", "journal@archive.example") { Enabled = false, Scope = JournalRuleScope.Internal, Recipient = "ceo@contoso.com" });

        Assert.True(enabled.Enabled);
        Assert.False(disabled.Enabled);
        Assert.Equal("ceo@contoso.com", disabled.Recipient);
        Assert.Equal("Internal", disabled.Scope);
    }

    [Fact]
    public async Task Recipients_tell_which_addresses_may_receive_journal_reports()
    {
        using var client = Client();
        var exo = new ExchangeJournalingCommands(client);
        await exo.NewMailContactAsync(new NewMailContactRequest("Archive journal", "journal@archive.example"));

        var mailbox = await exo.FindRecipientAsync("journal-mbx@contoso.com");
        var contact = await exo.FindRecipientAsync("journal@archive.example");
        var mailUser = await exo.FindRecipientAsync("archive-user@archive.example");
        var nobody = await exo.FindRecipientAsync("nobody@contoso.com");

        Assert.False(mailbox!.CanReceiveJournalReports);
        Assert.True(contact!.CanReceiveJournalReports);
        Assert.True(mailUser!.CanReceiveJournalReports);
        Assert.Null(nobody);
    }
}
