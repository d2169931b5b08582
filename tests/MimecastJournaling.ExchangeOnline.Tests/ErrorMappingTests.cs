using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.ExchangeOnline.Tests;

public sealed class ErrorMappingTests : EmulatorTestBase
{
    private const string NdrMissingText =
        "Before you create a journal rule, you must specify an email account to receive journal reports that can't be delivered to the journal destination. To do this, click OK. On the Journal rules page, select an email address to send undeliverable journal reports to. Browse to select a mailbox in your organization or an external contact to receive the undeliverable reports.";

    [Fact]
    public async Task Unknown_identity_is_NotFound_with_Exchanges_text_type_and_id()
    {
        using var client = Client();

        var e = await Assert.ThrowsAsync<ExchangeCommandException>(() => client.InvokeAsync("Get-JournalRule", P(("Identity", "No such rule"))));

        Assert.Equal(ExchangeErrorCategory.NotFound, e.Category);
        Assert.Equal("The operation couldn't be performed because object 'No such rule' couldn't be found on 'EMU01A001DC01.EMU01A001.PROD.OUTLOOK.COM'.", e.Message);
        Assert.Equal("Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException", e.ExchangeExceptionType);
        Assert.Equal("Ex6F9304", e.ExchangeErrorId);
        Assert.Equal("NotFound", e.ErrorCode);
        Assert.Equal(404, e.StatusCode);
        Assert.Equal("Get-JournalRule", e.CmdletName);
    }

    [Theory]
    [InlineData("Set-MailContact")]
    [InlineData("Remove-OutboundConnector")]
    [InlineData("Enable-JournalRule")]
    [InlineData("Disable-JournalRule")]
    [InlineData("Remove-JournalRule")]
    public async Task Changing_an_unknown_object_is_NotFound(string cmdlet)
    {
        using var client = Client();

        var e = await Assert.ThrowsAsync<ExchangeCommandException>(() => client.InvokeAsync(cmdlet, P(("Identity", "ghost"))));

        Assert.Equal(ExchangeErrorCategory.NotFound, e.Category);
        Assert.Contains("'ghost' couldn't be found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicate_connector_name_is_AlreadyExists()
    {
        using var client = Client();
        var commands = new ExchangeJournalingCommands(client);
        await commands.NewOutboundConnectorAsync(new NewOutboundConnectorRequest("To archive") { RecipientDomains = new[] { "archive.example" } });

        var e = await Assert.ThrowsAsync<ExchangeCommandException>(() =>
            commands.NewOutboundConnectorAsync(new NewOutboundConnectorRequest("To archive") { RecipientDomains = new[] { "archive.example" } }));

        Assert.Equal(ExchangeErrorCategory.AlreadyExists, e.Category);
        Assert.Equal("The object 'To archive' already exists.", e.Message);
        Assert.Equal("Microsoft.Exchange.Configuration.Tasks.ManagementObjectAlreadyExistsException", e.ExchangeExceptionType);
    }

    [Fact]
    public async Task Duplicate_contact_name_and_taken_address_are_AlreadyExists()
    {
        using var client = Client();
        var commands = new ExchangeJournalingCommands(client);
        await commands.NewMailContactAsync(new NewMailContactRequest("Archive journal", "journal@archive.example"));

        var name = await Assert.ThrowsAsync<ExchangeCommandException>(() =>
            commands.NewMailContactAsync(new NewMailContactRequest("Archive journal", "other@archive.example")));
        var address = await Assert.ThrowsAsync<ExchangeCommandException>(() =>
            commands.NewMailContactAsync(new NewMailContactRequest("Another contact", "journal@archive.example")));

        Assert.Equal(ExchangeErrorCategory.AlreadyExists, name.Category);
        Assert.Equal("The name \"Archive journal\" is already being used. Please try another name.", name.Message);
        Assert.Equal(ExchangeErrorCategory.AlreadyExists, address.Category);
        Assert.StartsWith("The proxy address \"SMTP:journal@archive.example\" is already being used", address.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Journal_rule_before_the_NDR_address_is_InvalidArgument_with_Exchanges_text()
    {
        using var client = Client();

        var e = await Assert.ThrowsAsync<ExchangeCommandException>(() =>
            new ExchangeJournalingCommands(client).NewJournalRuleAsync(new NewJournalRuleRequest("Archive", "journal@archive.example")));

        Assert.Equal(ExchangeErrorCategory.InvalidArgument, e.Category);
        Assert.Equal(NdrMissingText, e.Message);
        Assert.Equal("System.InvalidOperationException", e.ExchangeExceptionType);
        Assert.Empty(Emulator.State.JournalRules);
    }

    [Fact]
    public async Task NDR_address_that_is_an_Exchange_Online_mailbox_is_refused()
    {
        using var client = Client();

        var e = await Assert.ThrowsAsync<ExchangeCommandException>(() =>
            new ExchangeJournalingCommands(client).SetTransportConfigAsync(new SetTransportConfigRequest { JournalingReportNdrTo = "journal-mbx@contoso.com" }));

        Assert.Equal(ExchangeErrorCategory.InvalidArgument, e.Category);
        Assert.Contains("can't be an Exchange Online mailbox", e.Message, StringComparison.Ordinal);
        Assert.Equal("<>", Emulator.State.TransportConfig["JournalingReportNdrTo"]);
    }

    [Theory]
    [InlineData("journal-mbx@contoso.com")]
    [InlineData("All Staff")]
    [InlineData("someone@gmail.com")]
    public async Task Journal_address_that_is_a_mailbox_group_or_consumer_address_is_refused(string address)
    {
        Emulator.State.TransportConfig["JournalingReportNdrTo"] = "ndr@archive.example";
        using var client = Client();

        var e = await Assert.ThrowsAsync<ExchangeCommandException>(() =>
            new ExchangeJournalingCommands(client).NewJournalRuleAsync(new NewJournalRuleRequest("Archive", address)));

        Assert.Equal(ExchangeErrorCategory.InvalidArgument, e.Category);
        Assert.Equal("The JournalEmailAddress can only be a mail user, a mail contact or an external address.", e.Message);
        Assert.Equal("FC07E026", e.ExchangeErrorId);
    }

    [Fact]
    public async Task A_parameter_the_cmdlet_does_not_have_is_InvalidArgument()
    {
        using var client = Client();

        // Set-JournalRule has no -Enabled (use Enable-/Disable-JournalRule).
        var e = await Assert.ThrowsAsync<ExchangeCommandException>(() => client.InvokeAsync("Set-JournalRule", P(("Identity", "x"), ("Enabled", true))));

        Assert.Equal(ExchangeErrorCategory.InvalidArgument, e.Category);
        Assert.Equal("A parameter cannot be found that matches parameter name 'Enabled'.", e.Message);
        Assert.Equal("System.Management.Automation.ParameterBindingException", e.ExchangeExceptionType);
    }

    [Fact]
    public async Task Unknown_cmdlet_gets_a_NUL_body_403_which_is_AccessDenied_with_the_diagnostics()
    {
        using var client = Client();

        var e = await Assert.ThrowsAsync<ExchangeCommandException>(() => client.InvokeAsync("Test-OutboundConnector", P(("Identity", "x"))));

        Assert.Equal(ExchangeErrorCategory.AccessDenied, e.Category);
        Assert.Equal(403, e.StatusCode);
        Assert.Contains("Test-OutboundConnector", e.Diagnostics, StringComparison.Ordinal);
        Assert.Contains("HTTP 403", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cmdlet_without_a_role_is_AccessDenied()
    {
        Emulator.State.DeniedCmdlets.Add("Set-TransportConfig");
        using var client = Client();

        var e = await Assert.ThrowsAsync<ExchangeCommandException>(() =>
            new ExchangeJournalingCommands(client).SetTransportConfigAsync(new SetTransportConfigRequest { JournalingReportNdrTo = "ndr@archive.example" }));

        Assert.Equal(ExchangeErrorCategory.AccessDenied, e.Category);
        Assert.Equal(1, e.Attempts);
    }

    [Fact]
    public async Task Exchange_validation_of_connector_parameters_is_InvalidArgument()
    {
        using var client = Client();
        var commands = new ExchangeJournalingCommands(client);

        var noHosts = await Assert.ThrowsAsync<ExchangeCommandException>(() =>
            commands.NewOutboundConnectorAsync(new NewOutboundConnectorRequest("A") { UseMXRecord = false }));
        var port = await Assert.ThrowsAsync<ExchangeCommandException>(() =>
            commands.NewOutboundConnectorAsync(new NewOutboundConnectorRequest("B") { UseMXRecord = false, SmartHosts = new[] { "smtp.archive.example:587" } }));
        var tooLong = await Assert.ThrowsAsync<ExchangeCommandException>(() =>
            commands.NewOutboundConnectorAsync(new NewOutboundConnectorRequest(new string('x', 65))));

        Assert.All(new[] { noHosts, port, tooLong }, e => Assert.Equal(ExchangeErrorCategory.InvalidArgument, e.Category));
        Assert.Empty(Emulator.State.OutboundConnectors);
    }
}
