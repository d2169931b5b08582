using System.Text.Json;
using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.ExchangeOnline.Tests;

public sealed class RequestShapeTests : EmulatorTestBase
{
    [Fact]
    public async Task InvokeCommand_is_a_POST_with_the_documented_body_and_headers()
    {
        var token = Emulator.IssueToken();
        using var client = Client(tokens: new StaticAccessTokenProvider(token));
        Emulator.State.TransportConfig["JournalingReportNdrTo"] = "ndr@archive.example";

        await client.InvokeAsync("New-JournalRule", P(("Name", "Archive"), ("JournalEmailAddress", "journal@archive.example"), ("Scope", JournalRuleScope.Global), ("Enabled", true)));

        var request = Assert.Single(AdminRequests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/adminapi/beta/{Emulator.TenantId}/InvokeCommand", request.PathAndQuery);
        Assert.Equal(
            """{"CmdletInput":{"CmdletName":"New-JournalRule","Parameters":{"Name":"Archive","JournalEmailAddress":"journal@archive.example","Scope":"Global","Enabled":true}}}""",
            request.Body);
        Assert.Equal("Bearer " + token, request.Authorization);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal($"APP:SystemMailbox{{bb558c35-97f1-4cb9-8ff7-d53741dc928c}}@{Emulator.TenantId}", request.Headers["X-AnchorMailbox"]);
        Assert.Equal("odata.maxpagesize=1000", request.Headers["Prefer"]);
        Assert.Equal("json", request.Headers["X-ResponseFormat"]);
        Assert.Equal("New-JournalRule", request.Headers["X-CmdletName"]);
        Assert.True(Guid.TryParse(request.Headers["client-request-id"], out _));
        Assert.True(Guid.TryParse(request.Headers["connection-id"], out _));
    }

    [Fact]
    public async Task Client_request_id_is_fresh_per_request_and_connection_id_is_stable()
    {
        using var client = Client();
        await client.InvokeAsync("Get-TransportConfig");
        await client.InvokeAsync("Get-TransportConfig");

        var requests = AdminRequests;
        Assert.Equal(2, requests.Count);
        Assert.NotEqual(requests[0].Headers["client-request-id"], requests[1].Headers["client-request-id"]);
        Assert.Equal(requests[0].Headers["connection-id"], requests[1].Headers["connection-id"]);
    }

    [Fact]
    public async Task Delegated_sign_in_anchors_on_the_admin_UPN_and_an_explicit_anchor_wins()
    {
        using (var delegated = Client(o => o.UserPrincipalName = "admin@contoso.onmicrosoft.com"))
            await delegated.InvokeAsync("Get-TransportConfig");
        using (var explicitAnchor = Client(o => o.AnchorMailbox = "UPN:OAuthUser@contoso.onmicrosoft.com"))
            await explicitAnchor.InvokeAsync("Get-TransportConfig");

        var requests = AdminRequests;
        Assert.Equal("UPN:admin@contoso.onmicrosoft.com", requests[0].Headers["X-AnchorMailbox"]);
        Assert.Equal("UPN:OAuthUser@contoso.onmicrosoft.com", requests[1].Headers["X-AnchorMailbox"]);
    }

    [Fact]
    public async Task Values_are_sent_as_Exchange_expects_arrays_enums_booleans_and_UTC_timestamps()
    {
        using var client = Client();
        var commands = new ExchangeJournalingCommands(client);
        await commands.NewOutboundConnectorAsync(new NewOutboundConnectorRequest("To archive")
        {
            RecipientDomains = new[] { "archive.example" },
            UseMXRecord = false,
            SmartHosts = new[] { "smtp1.archive.example", "192.0.2.25" },
            TlsSettings = TlsAuthLevel.DomainValidation,
            TlsDomain = "archive.example",
            Comment = "journaling",
        });
        await commands.SetOutboundConnectorAsync(new SetOutboundConnectorRequest("To archive")
        {
            IsValidated = true,
            LastValidationTimestamp = new DateTimeOffset(2026, 11, 26, 19, 30, 0, TimeSpan.FromHours(1)),
        });
        await commands.RemoveOutboundConnectorAsync("To archive");

        var bodies = AdminRequests.Select(r => r.Body).ToList();
        Assert.Equal(
            """{"CmdletInput":{"CmdletName":"New-OutboundConnector","Parameters":{"Name":"To archive","ConnectorType":"Partner","RecipientDomains":["archive.example"],"UseMXRecord":false,"SmartHosts":["smtp1.archive.example","192.0.2.25"],"TlsSettings":"DomainValidation","TlsDomain":"archive.example","IsTransportRuleScoped":false,"Enabled":true,"Comment":"journaling"}}}""",
            bodies[0]);
        Assert.Equal(
            """{"CmdletInput":{"CmdletName":"Set-OutboundConnector","Parameters":{"Identity":"To archive","IsValidated":true,"LastValidationTimestamp":"2026-11-26T18:30:00.0000000Z"}}}""",
            bodies[1]);
        Assert.Equal("""{"CmdletInput":{"CmdletName":"Remove-OutboundConnector","Parameters":{"Identity":"To archive","Confirm":false}}}""", bodies[2]);
    }

    [Fact]
    public async Task ResultSize_Unlimited_goes_only_to_cmdlets_that_take_it()
    {
        using var client = Client();
        var commands = new ExchangeJournalingCommands(client);
        await commands.GetRecipientsAsync();
        await commands.GetMailContactsAsync();
        await commands.GetAcceptedDomainsAsync();
        await commands.GetJournalRulesAsync();
        await commands.GetOutboundConnectorsAsync();
        await commands.GetTransportConfigAsync();

        var parameters = AdminRequests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("CmdletInput")).ToDictionary(
            i => i.GetProperty("CmdletName").GetString()!,
            i => i.GetProperty("Parameters").TryGetProperty("ResultSize", out var rs) ? rs.GetString() : null);
        Assert.Equal("Unlimited", parameters["Get-Recipient"]);
        Assert.Equal("Unlimited", parameters["Get-MailContact"]);
        Assert.Equal("Unlimited", parameters["Get-AcceptedDomain"]);
        Assert.Null(parameters["Get-JournalRule"]);
        Assert.Null(parameters["Get-OutboundConnector"]);
        Assert.Null(parameters["Get-TransportConfig"]);
    }

    [Fact]
    public async Task The_request_path_is_configurable()
    {
        using var client = Client(o => o.InvokeCommandPath = "/adminapi/v1.0/{tenant}/InvokeCommand");

        var error = await Assert.ThrowsAsync<ExchangeCommandException>(() => client.InvokeAsync("Get-TransportConfig"));

        Assert.Equal(405, error.StatusCode);
        Assert.Equal($"/adminapi/v1.0/{Emulator.TenantId}/InvokeCommand", Assert.Single(AdminRequests).PathAndQuery);
    }
}
