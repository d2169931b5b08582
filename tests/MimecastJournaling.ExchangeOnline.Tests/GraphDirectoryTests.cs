using MimecastJournaling.Emulators.ExchangeOnline;

namespace MimecastJournaling.ExchangeOnline.Tests;

/// <summary>The Graph seam (the SDK behind IGraphDirectory) against the emulator's /v1.0 endpoints, over real loopback HTTP.</summary>
public sealed class GraphDirectoryTests : EmulatorTestBase
{
    private Uri GraphBase => new($"http://127.0.0.1:{Emulator.FrontDoorPort}");

    private GraphSdkDirectory Directory(IAccessTokenProvider? tokens = null, Action<GraphDirectoryOptions>? check = null)
    {
        var environment = ExchangeOnlineEnvironment.Global with { GraphTokenResource = ExchangeOnlineEnvironment.Global.GraphBase, GraphBase = GraphBase };
        var options = GraphDirectoryOptions.For(environment, tokens ?? new StaticAccessTokenProvider(Emulator.IssueGraphToken()));
        check?.Invoke(options);
        return new GraphSdkDirectory(options);
    }

    private static async Task<(List<GraphUser> Users, int Pages, string? DeltaLink)> ReadRoundAsync(IGraphDirectory graph, string? link)
    {
        var users = new List<GraphUser>();
        var pages = 0;
        while (true)
        {
            var page = await graph.GetUserChangesAsync(link);
            pages++;
            users.AddRange(page.Users);
            if (page.NextLink is null) return (users, pages, page.DeltaLink);
            link = page.NextLink;
        }
    }

    private IReadOnlyList<RecordedRequest> GraphRequests => Emulator.Requests.Where(r => r.PathAndQuery.StartsWith("/v1.0/", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task Domains_come_with_their_flags_and_the_scope_is_the_clouds_graph_not_the_endpoint()
    {
        using var graph = Directory(check: o => Assert.Equal("https://graph.microsoft.com/.default", o.Scope));

        var domains = await graph.GetDomainsAsync();

        Assert.Equal(4, domains.Count);
        var contoso = Assert.Single(domains, d => d.Name == "contoso.com");
        Assert.True(contoso.IsDefault && contoso.IsVerified && contoso.SupportsEmail && !contoso.IsInitial);
        Assert.True(Assert.Single(domains, d => d.Name == "contoso.onmicrosoft.com").IsInitial);
        Assert.False(Assert.Single(domains, d => d.Name == "lync.contoso.com").SupportsEmail);
        Assert.All(GraphRequests, r => Assert.Equal("https://graph.microsoft.com", Emulator.TokenInfo(r.Authorization!["Bearer ".Length..])?.Audience));
    }

    [Fact]
    public async Task Accepted_domains_are_the_verified_mail_domains_default_first()
    {
        using var graph = Directory();
        using var exchange = Client();

        var domains = await TenantDomains.GetAsync(graph, new ExchangeJournalingCommands(exchange), null);

        Assert.Equal(new[] { "contoso.com", "contoso.onmicrosoft.com" }, domains.Select(d => d.DomainName));
        Assert.All(domains, d => Assert.Equal(TenantDomainSource.Graph, d.Source));
        Assert.Empty(AdminRequests);
    }

    [Fact]
    public async Task A_403_from_graph_falls_back_to_exchange_and_says_so()
    {
        Emulator.Graph.Forbidden = true;
        using var graph = Directory();
        using var exchange = Client();
        var verbose = new List<string>();

        var refused = await Assert.ThrowsAsync<GraphDirectoryException>(() => graph.GetDomainsAsync());
        var domains = await TenantDomains.GetAsync(graph, new ExchangeJournalingCommands(exchange), verbose.Add);

        Assert.Equal((GraphErrorKind.AccessDenied, 403, "Authorization_RequestDenied"), (refused.Kind, refused.StatusCode, refused.Code));
        Assert.Equal("contoso.com", domains[0].DomainName);
        Assert.True(domains[0].IsDefault);
        Assert.All(domains, d => Assert.Equal(TenantDomainSource.Exchange, d.Source));
        Assert.Contains(verbose, v => v.Contains("Get-AcceptedDomain", StringComparison.Ordinal) && v.Contains("Domain.Read.All", StringComparison.Ordinal));
        Assert.Contains(AdminRequests, r => r.Body.Contains("Get-AcceptedDomain", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_graph_token_the_domains_come_from_exchange()
    {
        using var exchange = Client();
        var verbose = new List<string>();

        var domains = await TenantDomains.GetAsync(null, new ExchangeJournalingCommands(exchange), verbose.Add);

        Assert.Equal(new[] { "contoso.com", "contoso.onmicrosoft.com" }, domains.Select(d => d.DomainName));
        Assert.Contains("no Microsoft Graph token", Assert.Single(verbose));
        Assert.Empty(GraphRequests);
    }

    [Fact]
    public async Task A_full_round_pages_over_more_than_a_thousand_users_with_select_and_ends_with_a_delta_link()
    {
        Emulator.Graph.SeedUsers(1200);
        Emulator.MaxGraphPageSize = 250;
        using var graph = Directory();

        var (users, pages, deltaLink) = await ReadRoundAsync(graph, null);

        Assert.Equal(1201, users.Count);
        Assert.Equal(1201, users.Select(u => u.Id).Distinct().Count());
        Assert.Equal(5, pages);
        Assert.NotNull(deltaLink);
        var user = Assert.Single(users, u => u.UserPrincipalName == "user00010@contoso.com");
        Assert.True(user.MailPresent);
        Assert.Equal("user00010@contoso.com", user.Mail);
        Assert.Contains("smtp:alias.user00010@contoso.com", user.ProxyAddresses!);
        Assert.False(Assert.Single(users, u => u.UserPrincipalName == "user00050@contoso.com").AccountEnabled);
        var first = GraphRequests[0];
        Assert.Contains("$select=", Uri.UnescapeDataString(first.PathAndQuery));
        Assert.Contains("proxyAddresses", Uri.UnescapeDataString(first.PathAndQuery));
        Assert.Contains("odata.maxpagesize=999", first.Headers["Prefer"]);
        Assert.All(GraphRequests, r => Assert.Equal("https://graph.microsoft.com", Emulator.TokenInfo(r.Authorization!["Bearer ".Length..])?.Audience));
    }

    [Fact]
    public async Task The_delta_link_returns_exactly_the_changes_added_modified_and_removed()
    {
        Emulator.Graph.SeedUsers(1100);
        using var graph = Directory();
        var (_, _, deltaLink) = await ReadRoundAsync(graph, null);
        Emulator.Graph.AddUser("new@contoso.com", "New", "new@contoso.com", "SMTP:new@contoso.com");
        Emulator.Graph.SetProxyAddresses("user00002@contoso.com", new[] { "SMTP:user00002@contoso.com", "smtp:second@contoso.com" });
        Emulator.Graph.RemoveUser("user00003@contoso.com");

        var (changes, _, nextLink) = await ReadRoundAsync(graph, deltaLink);
        var (none, _, _) = await ReadRoundAsync(graph, nextLink);

        Assert.Equal(3, changes.Count);
        Assert.Equal("new@contoso.com", Assert.Single(changes, c => c.UserPrincipalName == "new@contoso.com").Mail);
        Assert.Equal(new[] { "SMTP:user00002@contoso.com", "smtp:second@contoso.com" }, Assert.Single(changes, c => c.UserPrincipalName == "user00002@contoso.com").ProxyAddresses);
        var removed = Assert.Single(changes, c => c.Removed);
        Assert.Null(removed.ProxyAddresses);
        Assert.False(removed.MailPresent);
        Assert.Empty(none);
    }

    [Fact]
    public async Task An_expired_delta_link_is_reported_as_such()
    {
        using var graph = Directory();
        var (_, _, deltaLink) = await ReadRoundAsync(graph, null);
        Emulator.Graph.ExpireDeltaTokens();

        var expired = await Assert.ThrowsAsync<GraphDirectoryException>(() => graph.GetUserChangesAsync(deltaLink));

        Assert.Equal(GraphErrorKind.DeltaExpired, expired.Kind);
        Assert.DoesNotContain("deltatoken", expired.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_exchange_token_is_refused_by_graph_after_one_fresh_attempt()
    {
        var tokens = new CountingTokens(Emulator.IssueToken());
        using var graph = Directory(tokens);

        var refused = await Assert.ThrowsAsync<GraphDirectoryException>(() => graph.GetDomainsAsync());

        Assert.Equal(GraphErrorKind.Unauthorized, refused.Kind);
        Assert.Equal(new[] { false, true }, tokens.Requests.Select(r => r.ForceRefresh));
        Assert.All(tokens.Requests, r => Assert.Equal("https://graph.microsoft.com/.default", r.Scope));
        Assert.DoesNotContain(tokens.Token, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_link_to_another_host_is_not_followed_and_gets_no_token()
    {
        using var graph = Directory();

        var refused = await Assert.ThrowsAsync<GraphDirectoryException>(() => graph.GetUserChangesAsync($"http://evil.example:{Emulator.FrontDoorPort}/v1.0/users/delta?$skiptoken=g1"));

        Assert.Contains("not on the Microsoft Graph host", refused.Message);
        Assert.Empty(GraphRequests);
    }

    [Fact]
    public async Task An_app_only_connection_gets_its_graph_token_from_the_token_endpoint_with_the_graph_scope()
    {
        // MSAL signs in at the emulator's https sign-in host (LoopbackHandler trusts its CA).
        using var connection = await ExchangeOnlineConnection.ConnectAsync(new ExchangeOnlineConnectionRequest(Emulator.TenantId, ExchangeCloud.Global)
        {
            ExchangeEndpoint = Emulator.FrontDoorBase,
            AuthorityHost = Emulator.LoginBase,
            GraphEndpoint = GraphBase,
            ClientId = Emulator.ClientId,
            ClientSecret = Emulator.ClientSecret,
        }, LoopbackHandler());

        Assert.True(connection.Info.GraphAvailable);
        Assert.Equal(GraphBase, connection.Info.GraphEndpoint);
        Assert.Equal("https://graph.microsoft.com/.default", connection.Environment.GraphScope);
        var domains = await connection.Graph!.GetDomainsAsync();
        Assert.Equal(4, domains.Count);
        Assert.Contains(Emulator.Requests, r => r.PathAndQuery.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal) && Uri.UnescapeDataString(r.Body).Contains("scope=https://graph.microsoft.com/.default"));
    }

    [Fact]
    public async Task A_static_exchange_token_alone_gives_no_graph_and_a_graph_token_does()
    {
        var request = new ExchangeOnlineConnectionRequest(Emulator.TenantId, ExchangeCloud.Global) { ExchangeEndpoint = Emulator.FrontDoorBase, GraphEndpoint = GraphBase, AccessToken = Emulator.IssueToken() };
        using var exchangeOnly = await ExchangeOnlineConnection.ConnectAsync(request);
        using var both = await ExchangeOnlineConnection.ConnectAsync(request with { GraphAccessToken = Emulator.IssueGraphToken() });

        Assert.Null(exchangeOnly.Graph);
        Assert.False(exchangeOnly.Info.GraphAvailable);
        Assert.Equal(4, (await both.Graph!.GetDomainsAsync()).Count);
    }

    private sealed class CountingTokens(string token) : IAccessTokenProvider
    {
        public string Token { get; } = token;
        public List<AccessTokenRequest> Requests { get; } = new();

        public ValueTask<string> GetTokenAsync(AccessTokenRequest request, CancellationToken cancellationToken)
        {
            lock (Requests) Requests.Add(request);
            return ValueTask.FromResult(Token);
        }
    }
}
