using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.ExchangeOnline.Tests;

public sealed class PagingTests : EmulatorTestBase
{
    [Fact]
    public async Task Follows_nextLink_over_more_than_a_thousand_objects()
    {
        Emulator.State.SeedMailboxes(1500);
        using var client = Client();

        var result = await client.InvokeAsync("Get-Recipient");

        var expected = Emulator.State.Recipients.Count;
        Assert.True(expected > 1500);
        Assert.Equal(expected, result.Objects.Count);
        Assert.Equal(2, result.Pages);
        Assert.Equal(expected, result.Objects.Select(o => o.GetString("PrimarySmtpAddress")).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        var requests = AdminRequests;
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal("POST", r.Method));
        Assert.Contains("$skiptoken=", requests[1].PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(requests[0].Body, requests[1].Body); // the same body again
        Assert.NotNull(requests[1].Authorization);
    }

    [Fact]
    public async Task Small_pages_are_all_read_and_the_typed_wrapper_sees_every_recipient()
    {
        Emulator.State.SeedMailboxes(1200);
        using var client = Client(o => o.MaxPageSize = 100);

        var recipients = await new ExchangeJournalingCommands(client).GetRecipientsAsync();

        Assert.Equal(Emulator.State.Recipients.Count, recipients.Count);
        Assert.Equal((int)Math.Ceiling(recipients.Count / 100.0), AdminRequests.Count);
        Assert.All(AdminRequests, r => Assert.Equal("odata.maxpagesize=100", r.Headers["Prefer"]));
        Assert.Contains(recipients, r => r.PrimarySmtpAddress == "user01200@contoso.com");
    }

    [Fact]
    public async Task NextLink_can_be_followed_with_GET_when_configured()
    {
        Emulator.State.SeedMailboxes(1100);
        using var client = Client(o => o.NextLinkMethod = NextLinkMethod.Get);

        var result = await client.InvokeAsync("Get-Recipient");

        Assert.Equal(Emulator.State.Recipients.Count, result.Objects.Count);
        var second = AdminRequests[1];
        Assert.Equal("GET", second.Method);
        Assert.Equal("", second.Body);
    }

    [Fact]
    public async Task Warnings_are_returned_and_type_sidecars_are_not_properties()
    {
        Emulator.State.SeedMailboxes(30);
        using var client = Client();

        var result = await client.InvokeAsync("Get-Recipient", P(("ResultSize", 10)));

        Assert.Equal(10, result.Objects.Count);
        Assert.Contains(result.Warnings, w => w.Contains("ResultSize", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Objects[0].Keys, k => k.Contains('@', StringComparison.Ordinal));
        Assert.Equal(new[] { "SMTP:admin@contoso.onmicrosoft.com" }, result.Objects[0].GetStrings("EmailAddresses"));
    }
}
