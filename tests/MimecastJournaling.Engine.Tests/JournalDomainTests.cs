using System.Text.RegularExpressions;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests;

public sealed class JournalDomainTests : IDisposable
{
    private readonly TempStore _temp = new();
    private JournalConfiguration Config => _temp.Configuration;

    public void Dispose() => _temp.Dispose();

    private static JournalConfigurationException Refused(Action action) => Assert.Throws<JournalConfigurationException>(action);

    private List<JournalEvent> EventsOf(JournalObjectType type) => Config.GetEvents().Where(e => e.ObjectType == type).ToList();

    [Fact]
    public void Registering_is_idempotent_and_returns_the_same_code()
    {
        var first = Config.RegisterDomain("Contoso.test");
        _temp.Clock.Advance(TimeSpan.FromMinutes(1));
        var again = Config.RegisterDomain("CONTOSO.TEST.");

        Assert.Equal("contoso.test", first.Name);
        Assert.Equal(first, again);
        Assert.False(first.Verified);
        Assert.Null(first.VerifiedAt);
        Assert.Equal(_temp.Clock.GetUtcNow() - TimeSpan.FromMinutes(1), first.Registered);
        Assert.Single(Config.GetDomains());
        var created = Assert.Single(EventsOf(JournalObjectType.Domain));
        Assert.Equal(("Created", "contoso.test", TempStore.Actor), (created.Action, created.ObjectName, created.User));
    }

    [Fact]
    public void The_verification_code_has_the_documented_prefix_and_is_unique_per_domain()
    {
        var contoso = Config.RegisterDomain("contoso.test");
        var fabrikam = Config.RegisterDomain("fabrikam.test");

        Assert.StartsWith("mimecastjournaling-verification=", contoso.VerificationCode, StringComparison.Ordinal);
        Assert.Matches(new Regex("^mimecastjournaling-verification=[0-9a-f]{32}$"), contoso.VerificationCode);
        Assert.NotEqual(contoso.VerificationCode, fabrikam.VerificationCode);
    }

    [Fact]
    public void An_idn_domain_is_registered_in_its_ascii_form()
    {
        var domain = Config.RegisterDomain("Bücher.test");
        Assert.Equal("xn--bcher-kva.test", domain.Name);
        Assert.Equal(domain, Config.GetDomain("bücher.test"));
    }

    [Fact]
    public void An_invalid_or_unknown_domain_is_refused()
    {
        Assert.Equal("InvalidDomainName", Refused(() => Config.RegisterDomain("contoso")).ErrorId);
        var e = Refused(() => Config.GetDomain("fabrikam.test"));
        Assert.Equal("JournalDomainNotFound", e.ErrorId);
        Assert.Equal(JournalErrorKind.NotFound, e.Kind);
        Assert.Contains("Register-JournalDomain adds one", e.Message);
    }

    [Fact]
    public void RecordVerification_verifies_only_on_an_exact_txt_match_and_logs_it()
    {
        var domain = Config.RegisterDomain("contoso.test");
        var code = domain.VerificationCode;

        foreach (var near in new[] { code.ToUpperInvariant(), code + "0", code[..^1], "v=spf1 " + code, code.Replace("=", " = ", StringComparison.Ordinal) })
        {
            Assert.False(Config.RecordVerification("contoso.test", ["v=spf1 -all", near]).Verified);
        }
        Assert.False(Config.RecordVerification("contoso.test", []).Verified);
        Assert.Single(EventsOf(JournalObjectType.Domain));

        _temp.Clock.Advance(TimeSpan.FromHours(1));
        var verified = Config.RecordVerification("Contoso.test", ["v=spf1 -all", code]);

        Assert.True(verified.Verified);
        Assert.Equal(_temp.Clock.GetUtcNow(), verified.VerifiedAt);
        Assert.Equal(verified, Config.GetDomain("contoso.test"));
        var e = EventsOf(JournalObjectType.Domain).First();
        Assert.Equal(("Verified", "Verified", "False", "True"), (e.Action, e.Property, e.OldValue, e.NewValue));
        Assert.Equal("contoso.test", e.ObjectName);

        // Checking again with the record still there changes nothing.
        Config.RecordVerification("contoso.test", [code]);
        Assert.Equal(2, EventsOf(JournalObjectType.Domain).Count);
    }

    [Fact]
    public void A_removed_record_unverifies_the_domain_and_logs_it()
    {
        var code = Config.RegisterDomain("contoso.test").VerificationCode;
        Config.RecordVerification("contoso.test", [code]);

        var after = Config.RecordVerification("contoso.test", ["v=spf1 -all"]);

        Assert.False(after.Verified);
        Assert.Null(after.VerifiedAt);
        Assert.False(Config.GetDomain("contoso.test").Verified);
        var e = EventsOf(JournalObjectType.Domain).First();
        Assert.Equal(("Changed", "Verified", "True", "False"), (e.Action, e.Property, e.OldValue, e.NewValue));
    }

    [Fact]
    public void Unregister_refuses_while_addresses_exist()
    {
        Config.RegisterDomain("contoso.test");
        Config.AddInternalAddress("ceo@contoso.test");
        Config.AddInternalAddress("cfo@contoso.test");

        var e = Refused(() => Config.UnregisterDomain("contoso.test", removeAddresses: false));

        Assert.Equal("DomainHasInternalAddresses", e.ErrorId);
        Assert.Equal(JournalErrorKind.InvalidOperation, e.Kind);
        Assert.Equal("The domain contoso.test still has 2 internal address(es). Remove them first, or use -Force to remove them with the domain.", e.Message);
        Assert.Single(Config.GetDomains());
        Assert.Equal(2, Config.GetInternalAddresses().Count);
    }

    [Fact]
    public void Unregister_with_removeAddresses_removes_the_domain_and_its_addresses_and_logs_each()
    {
        Config.RegisterDomain("contoso.test");
        Config.RegisterDomain("fabrikam.test");
        Config.AddInternalAddress("ceo@contoso.test");
        Config.AddInternalAddress("cfo@contoso.test");
        Config.AddInternalAddress("ceo@fabrikam.test");

        Config.UnregisterDomain("Contoso.test", removeAddresses: true);

        Assert.Equal(["fabrikam.test"], Config.GetDomains().Select(d => d.Name));
        Assert.Equal(["ceo@fabrikam.test"], Config.GetInternalAddresses().Select(a => a.EmailAddress));
        var removed = Config.GetEvents().Where(e => e.Action == "Removed").Select(e => (e.ObjectType, e.ObjectName)).ToHashSet();
        Assert.Equal(new HashSet<(JournalObjectType, string)>
        {
            (JournalObjectType.InternalAddress, "ceo@contoso.test"),
            (JournalObjectType.InternalAddress, "cfo@contoso.test"),
            (JournalObjectType.Domain, "contoso.test"),
        }, removed);
        Assert.Equal("JournalDomainNotFound", Refused(() => Config.UnregisterDomain("contoso.test", true)).ErrorId);
    }

    [Fact]
    public void Unregister_of_an_empty_domain_needs_no_force()
    {
        Config.RegisterDomain("contoso.test");
        Config.UnregisterDomain("contoso.test", removeAddresses: false);
        Assert.Empty(Config.GetDomains());
        Assert.Equal("Removed", EventsOf(JournalObjectType.Domain).First().Action);
    }

    // ---- internal directory ----------------------------------------------------------------

    [Fact]
    public void An_address_outside_the_registered_domains_is_refused()
    {
        Config.RegisterDomain("contoso.test");

        var e = Refused(() => Config.AddInternalAddress("ceo@Fabrikam.test"));

        Assert.Equal("AddressOutsideRegisteredDomains", e.ErrorId);
        Assert.Equal(JournalErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("ceo@fabrikam.test is not in a registered domain. Register its domain first (Register-JournalDomain -Name fabrikam.test), or check the address.", e.Message);
        Assert.Equal("AddressOutsideRegisteredDomains", Refused(() => Config.AddInternalAddress("ceo@sales.contoso.test")).ErrorId);
        Assert.Empty(Config.GetInternalAddresses());
    }

    [Fact]
    public void A_mailbox_is_stored_with_a_canonical_domain_and_itself_as_mailbox()
    {
        Config.RegisterDomain("bücher.test");
        _temp.Clock.Advance(TimeSpan.FromMinutes(3));

        var added = Config.AddInternalAddress(" Anna.Schmidt@BÜCHER.test ", displayName: "  Anna Schmidt  ", source: "Csv");

        Assert.Equal("Anna.Schmidt@xn--bcher-kva.test", added.EmailAddress);
        Assert.Equal("xn--bcher-kva.test", added.Domain);
        Assert.Equal(InternalAddressType.Mailbox, added.Type);
        Assert.Equal("Anna.Schmidt@xn--bcher-kva.test", added.Mailbox);
        Assert.Equal("Anna Schmidt", added.DisplayName);
        Assert.Equal("Csv", added.Source);
        Assert.Equal(_temp.Clock.GetUtcNow(), added.Added);
        Assert.Equal(added, Config.GetInternalAddresses("bücher.test").Single());
        var e = EventsOf(JournalObjectType.InternalAddress).Single();
        Assert.Equal(("Created", "Anna.Schmidt@xn--bcher-kva.test", "anna.schmidt@xn--bcher-kva.test"), (e.Action, e.ObjectName, e.ObjectId));
    }

    [Fact]
    public void An_alias_needs_a_mailbox()
    {
        Config.RegisterDomain("contoso.test");

        var e = Refused(() => Config.AddInternalAddress("boss@contoso.test", InternalAddressType.Alias));
        Assert.Equal("AliasNeedsMailbox", e.ErrorId);
        Assert.Equal(JournalErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("boss@contoso.test is an alias but its Mailbox is empty: give -Mailbox (or a Mailbox column in the CSV row of boss@contoso.test), the primary address of the mailbox it belongs to.", e.Message);
        Assert.Equal("AliasNeedsMailbox", Refused(() => Config.AddInternalAddress("boss@contoso.test", InternalAddressType.Alias, "  ")).ErrorId);
        Assert.Equal("InvalidEmailAddress", Refused(() => Config.AddInternalAddress("boss@contoso.test", InternalAddressType.Alias, "CEO")).ErrorId);
        Assert.Empty(Config.GetInternalAddresses());

        var alias = Config.AddInternalAddress("boss@contoso.test", InternalAddressType.Alias, "CEO@Contoso.TEST");
        Assert.Equal(InternalAddressType.Alias, alias.Type);
        Assert.Equal("CEO@contoso.test", alias.Mailbox);
    }

    [Fact]
    public void Adding_the_same_address_again_changes_nothing_and_writes_no_event()
    {
        Config.RegisterDomain("contoso.test");
        var first = Config.AddInternalAddress("ceo@contoso.test", displayName: "The CEO");
        _temp.Clock.Advance(TimeSpan.FromDays(1));

        var again = Config.AddInternalAddress("ceo@contoso.test", displayName: "The CEO", source: "Graph");

        Assert.Equal(first, again);
        Assert.Equal(first, Config.GetInternalAddresses().Single());
        Assert.Single(EventsOf(JournalObjectType.InternalAddress));
    }

    [Fact]
    public void Adding_an_address_again_in_another_case_is_the_same_address()
    {
        Config.RegisterDomain("contoso.test");
        var first = Config.AddInternalAddress("ceo@contoso.test", displayName: "The CEO");
        var alias = Config.AddInternalAddress("boss@contoso.test", InternalAddressType.Alias, "ceo@contoso.test");

        // A directory sync that spells the addresses differently.
        Assert.Equal(first, Config.AddInternalAddress("CEO@Contoso.test", displayName: "The CEO", source: "Graph"));
        Assert.Equal(alias, Config.AddInternalAddress("Boss@contoso.test", InternalAddressType.Alias, "CEO@contoso.test", source: "Graph"));

        Assert.Equal(["boss@contoso.test", "ceo@contoso.test"], Config.GetInternalAddresses().Select(a => a.EmailAddress));
        Assert.Equal(2, EventsOf(JournalObjectType.InternalAddress).Count);
    }

    [Fact]
    public void Adding_an_address_again_with_new_details_updates_and_logs_them()
    {
        Config.RegisterDomain("contoso.test");
        var first = Config.AddInternalAddress("boss@contoso.test", displayName: "Boss");
        _temp.Clock.Advance(TimeSpan.FromDays(1));

        var updated = Config.AddInternalAddress("boss@contoso.test", InternalAddressType.Alias, "ceo@contoso.test", "The Boss", source: "Graph");

        Assert.Equal(first.Added, updated.Added);
        Assert.Equal("Manual", updated.Source);
        Assert.Equal(InternalAddressType.Alias, updated.Type);
        Assert.Equal("ceo@contoso.test", updated.Mailbox);
        var changes = EventsOf(JournalObjectType.InternalAddress).Where(e => e.Action == "Changed")
            .Select(e => (e.Property, e.OldValue, e.NewValue)).ToHashSet();
        Assert.Equal(new HashSet<(string?, string?, string?)>
        {
            ("Type", "Mailbox", "Alias"),
            ("Mailbox", "boss@contoso.test", "ceo@contoso.test"),
            ("DisplayName", "Boss", "The Boss"),
        }, changes);
    }

    [Fact]
    public void An_internal_address_that_is_a_service_address_is_refused_as_self_journaling()
    {
        Config.RegisterDomain("journal.contoso.test");
        _temp.NewDefinition("Contoso EXO", "journal@journal.contoso.test");

        var e = Refused(() => Config.AddInternalAddress("Journal@Journal.contoso.test"));

        Assert.Equal("SelfJournalingRefused", e.ErrorId);
        Assert.Equal(JournalErrorKind.InvalidOperation, e.Kind);
        Assert.Contains("is the service address of the journal definition 'Contoso EXO'", e.Message);
        Assert.Contains("Exchange would journal the journal reports themselves", e.Message);
        Assert.Empty(Config.GetInternalAddresses());
    }

    [Fact]
    public void Removing_an_address_logs_it_and_an_unknown_one_is_reported()
    {
        Config.RegisterDomain("contoso.test");
        Config.AddInternalAddress("ceo@contoso.test");

        Config.RemoveInternalAddress("CEO@contoso.test");

        Assert.Empty(Config.GetInternalAddresses());
        Assert.Equal("Removed", EventsOf(JournalObjectType.InternalAddress).First().Action);
        var e = Refused(() => Config.RemoveInternalAddress("ceo@contoso.test"));
        Assert.Equal("InternalAddressNotFound", e.ErrorId);
        Assert.Equal(JournalErrorKind.NotFound, e.Kind);
    }
}
