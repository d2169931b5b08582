using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests;

/// <summary>The directory sync's rules, on plain users (the cmdlet maps Graph's pages to them).</summary>
public sealed class DirectorySyncTests : IDisposable
{
    private const string Tenant = "contoso.onmicrosoft.com";
    private const string Endpoint = "https://graph.microsoft.com/";
    private static readonly string[] TenantDomains = { "contoso.com", "contoso.onmicrosoft.com" };

    private readonly TempStore _temp = new();
    private JournalConfiguration Config => _temp.Configuration;

    public void Dispose() => _temp.Dispose();

    private static DirectoryUser User(string id, string? mail, params string[] proxies) =>
        new(id) { DisplayName = "User " + id, MailPresent = true, Mail = mail, ProxyAddresses = proxies };

    private DirectorySyncResult Sync(IEnumerable<DirectoryUser> users, bool delta, string? link = "https://graph.microsoft.com/v1.0/users/delta?$deltatoken=x") =>
        Config.ApplyDirectorySync(Config.PlanDirectorySync(TenantDomains, users, delta, Tenant, Endpoint, link));

    private Dictionary<string, InternalAddress> Directory() => Config.GetInternalAddresses().ToDictionary(a => a.Address, StringComparer.OrdinalIgnoreCase);

    private DirectoryUser[] Alice => new[]
    {
        User("u-alice", "alice@contoso.com", "SMTP:alice@contoso.com", "smtp:a.smith@contoso.com", "smtp:alice@contoso.onmicrosoft.com", "SIP:alice@contoso.com", "smtp:alice@fabrikam.example"),
    };

    [Fact]
    public void A_full_sync_registers_the_tenant_domains_unverified_and_imports_smtp_addresses_as_mailbox_and_aliases()
    {
        var result = Sync(Alice.Append(User("u-bob", "bob@contoso.com", "SMTP:bob@contoso.com")), delta: false);

        Assert.Equal((2, 4, 0, 0, false), (result.DomainsAdded, result.AddressesAdded, result.AddressesRemoved, result.Unchanged, result.Delta));
        Assert.All(Config.GetDomains(), d => Assert.False(d.Verified));
        var directory = Directory();
        Assert.Equal(new[] { "a.smith@contoso.com", "alice@contoso.com", "alice@contoso.onmicrosoft.com", "bob@contoso.com" }, directory.Keys.Order());
        Assert.Equal(InternalAddressType.Mailbox, directory["alice@contoso.com"].Type);
        Assert.Equal((InternalAddressType.Alias, "alice@contoso.com"), (directory["a.smith@contoso.com"].Type, directory["a.smith@contoso.com"].Mailbox));
        Assert.All(directory.Values, a => Assert.Equal(JournalConfiguration.DirectorySource, a.Source));
        Assert.Equal("u-alice", directory["a.smith@contoso.com"].SourceId);
        // SIP is not mail; fabrikam.example is not a domain of the tenant.
        var skipped = Assert.Single(result.SkippedAddresses);
        Assert.Equal(("alice@fabrikam.example", "OutsideRegisteredDomains"), (skipped.Address, skipped.Reason));
    }

    [Fact]
    public void Running_the_same_full_sync_again_changes_nothing()
    {
        Sync(Alice, delta: false);
        var eventsBefore = Config.GetEvents().Count;
        var again = Sync(Alice, delta: false);

        Assert.Equal((0, 0, 0, 0, 3), (again.DomainsAdded, again.AddressesAdded, again.AddressesUpdated, again.AddressesRemoved, again.Unchanged));
        Assert.Equal(eventsBefore + 1, Config.GetEvents().Count); // only the sync's own event
    }

    [Fact]
    public void A_delta_round_applies_exactly_the_changes_removed_users_and_changed_proxy_addresses()
    {
        Sync(Alice.Append(User("u-bob", "bob@contoso.com", "SMTP:bob@contoso.com")).Append(User("u-carol", "carol@contoso.com", "SMTP:carol@contoso.com")), delta: false);

        var result = Sync(new[]
        {
            new DirectoryUser("u-bob") { Removed = true },
            // Only proxyAddresses changed: Graph leaves out the rest.
            new DirectoryUser("u-alice") { ProxyAddresses = new[] { "SMTP:alice@contoso.com", "smtp:alice.smith@contoso.com" } },
            // Only the display name changed: the addresses stay.
            new DirectoryUser("u-carol") { DisplayName = "Carol C." },
            User("u-dave", "dave@contoso.com", "SMTP:dave@contoso.com"),
        }, delta: true);

        Assert.True(result.Delta);
        Assert.Equal((2, 1, 3, 1), (result.AddressesAdded, result.AddressesUpdated, result.AddressesRemoved, result.Unchanged));
        var directory = Directory();
        Assert.Equal(new[] { "alice.smith@contoso.com", "alice@contoso.com", "carol@contoso.com", "dave@contoso.com" }, directory.Keys.Order());
        Assert.Equal("Carol C.", directory["carol@contoso.com"].DisplayName);
        Assert.Equal("alice@contoso.com", directory["alice.smith@contoso.com"].Mailbox);
    }

    [Fact]
    public void Addresses_added_by_hand_are_never_changed_or_removed_by_a_sync()
    {
        Config.RegisterDomain("contoso.com");
        Config.AddInternalAddress("alice@contoso.com", displayName: "Alice by hand");
        Config.AddInternalAddress("printer@contoso.com");
        Sync(Alice, delta: false);

        // Alice leaves the directory; -Full reads everyone else.
        var result = Sync(new[] { User("u-bob", "bob@contoso.com", "SMTP:bob@contoso.com") }, delta: false);

        var directory = Directory();
        Assert.Equal(("Manual", "Alice by hand"), (directory["alice@contoso.com"].Source, directory["alice@contoso.com"].DisplayName));
        Assert.True(directory.ContainsKey("printer@contoso.com"));
        Assert.False(directory.ContainsKey("a.smith@contoso.com"));
        Assert.Equal(2, result.AddressesRemoved); // a.smith@ and alice@contoso.onmicrosoft.com, the synced ones
    }

    [Fact]
    public void A_journal_service_address_is_never_imported_as_an_internal_address()
    {
        Config.RegisterDomain("journal.contoso.com");
        Config.NewDefinition(new DefinitionSettings { Description = "Archive", ServiceEmailAddress = "journal@contoso.com" });

        var result = Sync(new[] { User("u-j", "journal@contoso.com", "SMTP:journal@contoso.com") }, delta: false);

        Assert.Equal("JournalServiceAddress", Assert.Single(result.SkippedAddresses).Reason);
        Assert.Empty(Config.GetInternalAddresses());
    }

    [Fact]
    public void The_delta_link_is_kept_for_the_next_run_and_a_full_read_is_forced_by_full_or_another_endpoint()
    {
        Assert.Null(Config.GetDirectoryDeltaLink(Tenant, Endpoint, full: false, out var first));
        Assert.Contains("First sync", first);
        Sync(Alice, delta: false, link: "https://graph.microsoft.com/v1.0/users/delta?$deltatoken=abc");

        Assert.Equal("https://graph.microsoft.com/v1.0/users/delta?$deltatoken=abc", Config.GetDirectoryDeltaLink(Tenant, Endpoint, full: false, out _));
        Assert.Null(Config.GetDirectoryDeltaLink(Tenant, Endpoint, full: true, out _));
        Assert.Null(Config.GetDirectoryDeltaLink(Tenant, "http://127.0.0.1:5/", full: false, out var other));
        Assert.Contains("another Microsoft Graph endpoint", other);
        Assert.DoesNotContain("deltatoken", Config.GetDirectorySyncState()!.ToString());
    }

    [Fact]
    public void Another_tenant_needs_full_so_one_tenant_never_silently_replaces_another()
    {
        Sync(Alice, delta: false);

        var refused = Assert.Throws<JournalConfigurationException>(() => Config.GetDirectoryDeltaLink("fabrikam.onmicrosoft.com", Endpoint, full: false, out _));
        Assert.Equal("DirectorySyncOtherTenant", refused.ErrorId);
        Assert.Null(Config.GetDirectoryDeltaLink("fabrikam.onmicrosoft.com", Endpoint, full: true, out _));
    }

    [Fact]
    public void Every_change_is_in_the_event_log_with_the_sync_itself()
    {
        Sync(Alice, delta: false);
        Sync(new[] { new DirectoryUser("u-alice") { Removed = true } }, delta: true);

        var events = Config.GetEvents();
        Assert.Equal(3, events.Count(e => e.ObjectType == JournalObjectType.InternalAddress && e.Action == "Created"));
        Assert.Equal(3, events.Count(e => e.ObjectType == JournalObjectType.InternalAddress && e.Action == "Removed"));
        Assert.Equal(2, events.Count(e => e.ObjectType == JournalObjectType.Domain && e.Action == "Created"));
        var syncs = events.Where(e => e.ObjectType == JournalObjectType.DirectorySync).ToList();
        Assert.Equal(new[] { "Delta", "Full" }, syncs.Select(e => e.Property));
        Assert.All(events, e => Assert.Equal(TempStore.Actor, e.User));
    }

    [Fact]
    public void Large_syncs_are_written_in_batches_and_report_progress_to_the_end()
    {
        var users = Enumerable.Range(1, 1200).Select(i => User("u" + i, $"user{i}@contoso.com", $"SMTP:user{i}@contoso.com")).ToList();
        var plan = Config.PlanDirectorySync(TenantDomains, users, false, Tenant, Endpoint, null);
        var reports = new List<(int Done, int Total)>();

        var result = Config.ApplyDirectorySync(plan, (done, total) => reports.Add((done, total)));

        Assert.Equal(1200, result.AddressesAdded);
        Assert.Equal(1200, Config.GetInternalAddresses().Count);
        Assert.True(reports.Count > 1);
        Assert.Equal((1202, 1202), reports[^1]);
    }
}
