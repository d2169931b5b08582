using System.Text;
using MimecastJournaling.ExchangeOnline;
using Xunit;

namespace MimecastJournaling.ExchangeOnline.Tests;

/// <summary>The journal contact's convergence and the connection behind the O365 cmdlets, against the emulator.</summary>
public sealed class JournalContactsTests : EmulatorTestBase
{
    [Fact]
    public async Task Creates_the_contact_hidden_then_reports_it_unchanged()
    {
        using var client = Client();
        var commands = new ExchangeJournalingCommands(client);

        var plan = await JournalContacts.PlanAsync(commands, "Mimecast journal", "SMTP:journal@journal.contoso.test", hidden: true);
        Assert.True(plan.Create);
        var created = await JournalContacts.ApplyAsync(commands, plan);
        Assert.Equal(JournalContactAction.Created, created.Action);
        Assert.True(created.HiddenFromAddressListsEnabled);
        Assert.Equal("journal@journal.contoso.test", created.ExternalEmailAddress);

        var again = await JournalContacts.PlanAsync(commands, "Mimecast journal", "journal@journal.contoso.test", hidden: true);
        Assert.True(again.IsUnchanged);
        Emulator.State.Executed.Clear();
        Assert.Equal(JournalContactAction.Unchanged, (await JournalContacts.ApplyAsync(commands, again)).Action);
        Assert.Empty(Emulator.State.Executed); // nothing sent for an unchanged contact
    }

    [Fact]
    public async Task Changes_only_what_differs()
    {
        using var client = Client();
        var commands = new ExchangeJournalingCommands(client);
        await commands.NewMailContactAsync(new NewMailContactRequest("Mimecast journal", "old@journal.contoso.test"));

        var plan = await JournalContacts.PlanAsync(commands, "Mimecast journal", "new@journal.contoso.test", hidden: true);
        Assert.False(plan.Create);
        Assert.Equal(2, plan.Changes.Count);
        var updated = await JournalContacts.ApplyAsync(commands, plan);
        Assert.Equal(JournalContactAction.Updated, updated.Action);
        Assert.Equal("new@journal.contoso.test", updated.ExternalEmailAddress);
        Assert.True(updated.HiddenFromAddressListsEnabled);
        Assert.Single(Emulator.State.MailContacts);
    }

    [Fact]
    public void Default_name_is_derived_and_cut_to_64_characters()
    {
        Assert.Equal("Journal - Exchange Online journaling", JournalContacts.DefaultName(" Exchange Online journaling "));
        var name = JournalContacts.DefaultName(new string('x', 100));
        Assert.Equal(JournalContacts.MaxNameLength, name.Length);
    }

    [Fact]
    public async Task App_only_connection_fetches_a_token_at_once_and_shows_no_secret()
    {
        using var connection = await ExchangeOnlineConnection.ConnectAsync(new ExchangeOnlineConnectionRequest(Emulator.TenantId, ExchangeCloud.Global)
        {
            ExchangeEndpoint = Emulator.FrontDoorBase,
            AuthorityHost = Emulator.LoginBase,
            ClientId = Emulator.ClientId,
            ClientSecret = Emulator.ClientSecret,
        }, LoopbackHandler());
        Assert.Equal(1, Emulator.TokensIssuedByEndpoint);
        var info = connection.Info;
        Assert.Equal(O365SignInMethod.ClientSecret, info.SignInMethod);
        Assert.Equal(Emulator.ClientId, info.ClientId);
        Assert.Equal(Emulator.FrontDoorBase, info.ExchangeEndpoint);
        Assert.InRange(info.TokenExpiresOn!.Value, DateTimeOffset.UtcNow.AddMinutes(50), DateTimeOffset.UtcNow.AddMinutes(61));
        Assert.Empty(await connection.Commands.GetMailContactsAsync());
        Assert.DoesNotContain(Emulator.ClientSecret, System.Text.Json.JsonSerializer.Serialize(info), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_secret_fails_at_connect()
    {
        var e = await Assert.ThrowsAsync<AccessTokenException>(() => ExchangeOnlineConnection.ConnectAsync(new ExchangeOnlineConnectionRequest(Emulator.TenantId, ExchangeCloud.Global)
        {
            ExchangeEndpoint = Emulator.FrontDoorBase,
            AuthorityHost = Emulator.LoginBase,
            ClientId = Emulator.ClientId,
            ClientSecret = "wrong",
        }, LoopbackHandler()));
        Assert.Equal("invalid_client", e.ErrorCode);
        Assert.DoesNotContain("wrong", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_jwt_access_token_gives_expiry_client_and_user_and_routes_by_upn()
    {
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var exp = DateTimeOffset.UtcNow.AddMinutes(42).ToUnixTimeSeconds();
        var jwt = B64("{\"alg\":\"none\"}") + "." + B64($"{{\"exp\":{exp},\"appid\":\"app-1\",\"upn\":\"admin@contoso.com\"}}") + ".sig";
        using var connection = await ExchangeOnlineConnection.ConnectAsync(new ExchangeOnlineConnectionRequest(Emulator.TenantId, ExchangeCloud.Global)
        {
            ExchangeEndpoint = Emulator.FrontDoorBase,
            AccessToken = jwt,
        });
        var info = connection.Info;
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(exp), info.TokenExpiresOn);
        Assert.Equal("app-1", info.ClientId);
        Assert.Equal("admin@contoso.com", info.UserPrincipalName);
        // The emulator does not know this token: the call fails, but the request shows the routing hint.
        await Assert.ThrowsAsync<ExchangeCommandException>(() => connection.Commands.GetMailContactsAsync());
        Assert.Contains(AdminRequests, r => r.Headers.TryGetValue("X-AnchorMailbox", out var a) && a == "UPN:admin@contoso.com");
    }
}
