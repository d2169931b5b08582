using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.ExchangeOnline.Tests;

public sealed class RedirectAndAuthTests : EmulatorTestBase
{
    [Fact]
    public async Task A_302_to_a_trusted_regional_host_is_followed_with_the_token_and_pinned()
    {
        Emulator.RedirectTo = TrustedRegional;
        var token = Emulator.IssueToken();
        using var client = Client(tokens: new StaticAccessTokenProvider(token));

        var first = await client.InvokeAsync("Get-AcceptedDomain");
        var second = await client.InvokeAsync("Get-TransportConfig");

        Assert.Equal(2, first.Objects.Count);
        Assert.Single(second.Objects);
        var requests = AdminRequests;
        Assert.Equal(3, requests.Count); // front door (302), regional, then regional directly
        Assert.Equal(("front-door", 302), (requests[0].Listener, requests[0].StatusCode));
        Assert.Equal(("regional", 200), (requests[1].Listener, requests[1].StatusCode));
        Assert.Equal(("regional", 200), (requests[2].Listener, requests[2].StatusCode));
        Assert.StartsWith("eur01b." + TrustedSuffix, requests[1].Host, StringComparison.Ordinal);
        Assert.All(requests, r => Assert.Equal("Bearer " + token, r.Authorization));
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Equal(TrustedRegional.GetLeftPart(UriPartial.Authority), client.CurrentBase.GetLeftPart(UriPartial.Authority));
    }

    [Fact]
    public async Task A_302_to_an_untrusted_host_is_refused_and_nothing_is_sent_there()
    {
        Emulator.RedirectTo = UntrustedRegional;
        using var client = Client();

        var e = await Assert.ThrowsAsync<ExchangeCommandException>(() => client.InvokeAsync("Get-AcceptedDomain"));

        Assert.Contains("evil.example", e.Message, StringComparison.Ordinal);
        Assert.Null(e.StatusCode);
        Assert.DoesNotContain(Emulator.Requests, r => r.Listener == "regional");
    }

    [Fact]
    public async Task When_told_to_follow_an_untrusted_redirect_the_token_is_not_re_attached()
    {
        Emulator.RedirectTo = UntrustedRegional;
        using var client = Client(o => o.UntrustedRedirect = UntrustedRedirectHandling.FollowWithoutToken);

        var e = await Assert.ThrowsAsync<ExchangeCommandException>(() => client.InvokeAsync("Get-AcceptedDomain"));

        Assert.Equal(ExchangeErrorCategory.AccessDenied, e.Category);
        var regional = Assert.Single(Emulator.Requests, r => r.Listener == "regional"); // no re-authentication towards it
        Assert.StartsWith("evil.example", regional.Host, StringComparison.Ordinal);
        Assert.Null(regional.Authorization);
        Assert.NotNull(Emulator.Requests.First(r => r.Listener == "front-door").Authorization);
        Assert.Equal(FrontDoor, client.CurrentBase); // never pinned to an untrusted host
    }

    [Fact]
    public async Task A_401_re_acquires_the_token_once_and_retries_once()
    {
        using var tokens = ClientCredentials();
        using var client = Client(tokens: tokens);
        await client.InvokeAsync("Get-TransportConfig");
        Emulator.ExpireTokens();

        var result = await client.InvokeAsync("Get-TransportConfig");

        Assert.Single(result.Objects);
        Assert.Equal(2, tokens.TokensFromService);
        Assert.Equal(2, Emulator.TokensIssuedByEndpoint);
        Assert.Equal(new[] { 200, 401, 200 }, AdminRequests.Select(r => r.StatusCode));
        Assert.NotEqual(AdminRequests[1].Authorization, AdminRequests[2].Authorization);
        Assert.Single(Events, e => e.Kind == ExchangeCommandEventKind.Reauthenticating);
    }

    [Fact]
    public async Task A_second_401_is_AccessDenied_without_further_attempts()
    {
        var token = Emulator.IssueToken();
        Emulator.ExpireTokens();
        using var client = Client(tokens: new StaticAccessTokenProvider(token));

        var e = await Assert.ThrowsAsync<ExchangeCommandException>(() => client.InvokeAsync("Get-TransportConfig"));

        Assert.Equal(ExchangeErrorCategory.AccessDenied, e.Category);
        Assert.Equal(401, e.StatusCode);
        Assert.Equal(new[] { 401, 401 }, AdminRequests.Select(r => r.StatusCode));
    }

    [Fact]
    public async Task Client_credentials_are_posted_to_the_configured_token_endpoint_and_cached()
    {
        using var tokens = ClientCredentials();
        using var client = Client(tokens: tokens);

        await client.InvokeAsync("Get-TransportConfig");
        await client.InvokeAsync("Get-JournalRule");

        Assert.Equal(1, tokens.TokensFromService);
        var tokenRequest = Assert.Single(Emulator.Requests, r => r.PathAndQuery.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));
        Assert.Equal("login", tokenRequest.Listener); // https, as MSAL insists
        Assert.Contains("grant_type=client_credentials", tokenRequest.Body, StringComparison.Ordinal);
        Assert.Contains("scope=https%3A%2F%2Foutlook.office365.com%2F.default", tokenRequest.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_client_secret_is_AccessDenied_with_the_token_endpoints_reason()
    {
        using var tokens = ClientCredentials(secret: "wrong");
        using var client = Client(tokens: tokens);

        var e = await Assert.ThrowsAsync<ExchangeCommandException>(() => client.InvokeAsync("Get-TransportConfig"));

        Assert.Equal(ExchangeErrorCategory.AccessDenied, e.Category);
        Assert.Contains("invalid_client", e.Message, StringComparison.Ordinal);
        Assert.Empty(AdminRequests);
    }
}
