using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.ExchangeOnline.Tests;

public sealed class CommandLogTests : EmulatorTestBase
{
    [Fact]
    public async Task Each_cmdlet_is_logged_with_its_parameters()
    {
        using var client = Client();

        await new ExchangeJournalingCommands(client).SetTransportConfigAsync(new SetTransportConfigRequest { JournalingReportNdrTo = "ndr@archive.example" });

        var invoking = Assert.Single(Events, e => e.Kind == ExchangeCommandEventKind.Invoking);
        Assert.Equal("Set-TransportConfig", invoking.CmdletName);
        Assert.Equal(new KeyValuePair<string, object?>("JournalingReportNdrTo", "ndr@archive.example"), Assert.Single(invoking.Parameters));
        Assert.Equal("Invoking Set-TransportConfig -JournalingReportNdrTo 'ndr@archive.example'", invoking.ToString());
        Assert.Contains(Events, e => e.Kind == ExchangeCommandEventKind.Succeeded);
    }

    [Fact]
    public async Task The_token_never_reaches_the_log_through_retries_redirects_re_authentication_and_failures()
    {
        using var tokens = ClientCredentials();
        using var client = Client(tokens: tokens);
        await client.InvokeAsync("Get-TransportConfig");
        Emulator.ExpireTokens();
        Emulator.RedirectTo = TrustedRegional;
        Emulator.ThrottleNext(1, retryAfterSeconds: 0);
        Emulator.State.SeedMailboxes(1100);
        await client.InvokeAsync("Get-Recipient");
        await Assert.ThrowsAsync<ExchangeCommandException>(() => client.InvokeAsync("Get-JournalRule", P(("Identity", "none"))));

        var tokensSeen = AdminRequests.Select(r => r.Authorization).Where(a => a is not null).Select(a => a!["Bearer ".Length..]).Distinct().ToList();
        Assert.Equal(2, tokensSeen.Count);
        var kinds = Events.Select(e => e.Kind).ToHashSet();
        Assert.Superset(new HashSet<ExchangeCommandEventKind>
        {
            ExchangeCommandEventKind.Reauthenticating, ExchangeCommandEventKind.Redirected, ExchangeCommandEventKind.Retrying,
            ExchangeCommandEventKind.Paging, ExchangeCommandEventKind.Failed,
        }, kinds);
        foreach (var e in Events)
        {
            var text = e.ToString() + "|" + e.Url + "|" + e.Message + "|" + string.Join(",", e.Parameters.Select(p => p.Key + "=" + p.Value));
            foreach (var token in tokensSeen)
                Assert.DoesNotContain(token, text, StringComparison.Ordinal);
            Assert.DoesNotContain("Bearer", text, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(Emulator.ClientSecret, tokens.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_log_callback_does_not_break_the_call()
    {
        using var client = Client(o => o.CommandLog = _ => throw new InvalidOperationException("log sink down"));

        var result = await client.InvokeAsync("Get-AcceptedDomain");

        Assert.Equal(2, result.Objects.Count);
    }
}
