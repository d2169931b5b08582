using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests;

public sealed class JournalDefinitionTests : IDisposable
{
    private readonly TempStore _temp = new();
    private JournalConfiguration Config => _temp.Configuration;

    public void Dispose() => _temp.Dispose();

    private static JournalConfigurationException Refused(Action action) => Assert.Throws<JournalConfigurationException>(action);

    private List<JournalEvent> EventsOf(string definition) => Config.GetEvents(definition).ToList();

    [Fact]
    public void A_new_definition_gets_the_documented_defaults()
    {
        var d = _temp.NewDefinition("Contoso EXO", "journal@JOURNAL.contoso.test");

        Assert.NotEqual(Guid.Empty, d.Id);
        Assert.Equal("Contoso EXO", d.Description);
        Assert.Equal("journal@journal.contoso.test", d.ServiceEmailAddress);
        Assert.Equal(JournalTransportType.Smtp, d.TransportType);
        Assert.Empty(d.SourceIpRange);
        Assert.False(d.SmtpAuthentication);
        Assert.Null(d.SmtpUserName);
        Assert.Equal(TimeSpan.Zero, d.InitialProcessDelay);
        Assert.Equal(3, d.DeliveryWaitAttempts);
        Assert.Equal(TimeSpan.FromMinutes(180), d.InactivityPeriod);
        Assert.Equal(JournalType.ExchangeEnvelope, d.JournalType);
        Assert.True(d.Encrypted);
        Assert.False(d.PreferClearText);
        Assert.False(d.JournalNonInternalAddresses);
        Assert.False(d.JournalUnknownInternalAddresses);
        Assert.False(d.Disabled);
        Assert.Equal(JournalStatus.AwaitingInitialRun, d.Status);
        Assert.Null(d.StatusReason);
        Assert.Null(d.LastReceived);
        Assert.Equal(0, d.QueueLength);
        Assert.Equal(_temp.Clock.GetUtcNow(), d.Created);
        Assert.Equal(_temp.Clock.GetUtcNow(), d.Modified);

        var created = Assert.Single(EventsOf("Contoso EXO"));
        Assert.Equal("Created", created.Action);
        Assert.Equal(TempStore.Actor, created.User);
        Assert.Equal(JournalObjectType.Definition, created.ObjectType);
        Assert.Equal(d.Id.ToString(), created.ObjectId);
        Assert.Equal(_temp.Clock.GetUtcNow(), created.Time);
    }

    [Fact]
    public void A_new_definition_takes_every_given_setting()
    {
        var d = Config.NewDefinition(new DefinitionSettings
        {
            Description = "  Fabrikam  ",
            ServiceEmailAddress = "journal@journal.fabrikam.test",
            SourceIpRange = ["40.92.0.0/15", "40.92.0.0/15", "2a01:111:f400::/48", "192.0.2.7"],
            InitialProcessDelay = TimeSpan.FromMinutes(10),
            DeliveryWaitAttempts = 0,
            InactivityPeriod = TimeSpan.FromMinutes(1),
            JournalType = JournalType.StandardEml,
            Encrypted = false,
            PreferClearText = true,
            JournalNonInternalAddresses = true,
            JournalUnknownInternalAddresses = true,
            Disabled = true,
        });

        Assert.Equal("Fabrikam", d.Description);
        Assert.Equal(["40.92.0.0/15", "2a01:111:f400::/48", "192.0.2.7/32"], d.SourceIpRange);
        Assert.Equal(TimeSpan.FromMinutes(10), d.InitialProcessDelay);
        Assert.Equal(0, d.DeliveryWaitAttempts);
        Assert.Equal(TimeSpan.FromMinutes(1), d.InactivityPeriod);
        Assert.Equal(JournalType.StandardEml, d.JournalType);
        Assert.False(d.Encrypted);
        Assert.True(d.PreferClearText);
        Assert.True(d.JournalNonInternalAddresses);
        Assert.True(d.JournalUnknownInternalAddresses);
        Assert.True(d.Disabled);
    }

    [Fact]
    public void A_duplicate_description_is_refused_whatever_its_case()
    {
        _temp.NewDefinition("Contoso EXO", "journal@journal.contoso.test");

        var e = Refused(() => _temp.NewDefinition(" CONTOSO exo ", "other@journal.contoso.test"));
        Assert.Equal("JournalDefinitionExists", e.ErrorId);
        Assert.Equal(JournalErrorKind.AlreadyExists, e.Kind);
        Assert.Contains("Use Set-JournalDefinition to change it, or choose another -Description", e.Message);
        Assert.Single(Config.GetDefinitions());
    }

    [Fact]
    public void A_service_address_used_by_another_definition_is_refused()
    {
        _temp.NewDefinition("Contoso EXO", "journal@journal.contoso.test");

        var e = Refused(() => _temp.NewDefinition("Second", "JOURNAL@Journal.Contoso.test"));
        Assert.Equal("ServiceEmailAddressInUse", e.ErrorId);
        Assert.Equal(JournalErrorKind.AlreadyExists, e.Kind);
        Assert.Contains("belongs to the journal definition 'Contoso EXO' already", e.Message);

        _temp.NewDefinition("Second", "journal2@journal.contoso.test");
        e = Refused(() => Config.SetDefinition("Second", new DefinitionSettings { ServiceEmailAddress = "journal@journal.contoso.test" }));
        Assert.Equal("ServiceEmailAddressInUse", e.ErrorId);
        Assert.Equal("journal2@journal.contoso.test", Config.GetDefinition("Second").ServiceEmailAddress);
    }

    [Fact]
    public void A_service_address_that_is_an_internal_address_is_refused_as_self_journaling()
    {
        Config.RegisterDomain("contoso.test");
        Config.AddInternalAddress("ceo@contoso.test");
        Config.AddInternalAddress("boss@contoso.test", InternalAddressType.Alias, "ceo@contoso.test");

        var e = Refused(() => _temp.NewDefinition("Contoso EXO", "CEO@contoso.test"));
        Assert.Equal("SelfJournalingRefused", e.ErrorId);
        Assert.Equal(JournalErrorKind.InvalidOperation, e.Kind);
        Assert.Contains("is in the internal directory (mailbox ceo@contoso.test)", e.Message);
        Assert.Contains("Use an address in the journal sub-domain", e.Message);

        e = Refused(() => _temp.NewDefinition("Contoso EXO", "boss@contoso.test"));
        Assert.Equal("SelfJournalingRefused", e.ErrorId);
        Assert.Contains("(mailbox ceo@contoso.test)", e.Message);

        _temp.NewDefinition("Contoso EXO", "journal@journal.contoso.test");
        e = Refused(() => Config.SetDefinition("Contoso EXO", new DefinitionSettings { ServiceEmailAddress = "ceo@contoso.test" }));
        Assert.Equal("SelfJournalingRefused", e.ErrorId);
        Assert.Equal("journal@journal.contoso.test", Config.GetDefinition("Contoso EXO").ServiceEmailAddress);
    }

    public static TheoryData<DefinitionSettings, string, string> InvalidSettings() => new()
    {
        { new DefinitionSettings { Description = "" }, "InvalidDescription", "-Description must be 1 to 128 characters" },
        { new DefinitionSettings { Description = "   " }, "InvalidDescription", "no wildcard characters (* ? [ ])" },
        { new DefinitionSettings { Description = "Contoso*" }, "InvalidDescription", "'Contoso*' was given" },
        { new DefinitionSettings { Description = "Contoso [EXO]" }, "InvalidDescription", "no wildcard characters" },
        { new DefinitionSettings { Description = "Tab\there" }, "InvalidDescription", "no control characters" },
        { new DefinitionSettings { Description = new string('x', 129) }, "InvalidDescription", "1 to 128 characters" },
        { new DefinitionSettings { ServiceEmailAddress = "Journal <journal@journal.contoso.test>" }, "InvalidServiceEmailAddress", "without a display name or angle brackets" },
        { new DefinitionSettings { ServiceEmailAddress = "journal" }, "InvalidServiceEmailAddress", "'journal' is not a valid e-mail address" },
        { new DefinitionSettings { SourceIpRange = ["40.92.0.0/15", "40.92.0.1/15"] }, "InvalidSourceIpRange", "Did you mean 40.92.0.0/15" },
        { new DefinitionSettings { SourceIpRange = ["exchange.contoso.test"] }, "InvalidSourceIpRange", "is not an IPv4 or IPv6 address" },
        { new DefinitionSettings { DeliveryWaitAttempts = -1 }, "InvalidDeliveryWaitAttempts", "-DeliveryWaitAttempts must be between 0 and 100; -1 was given." },
        { new DefinitionSettings { DeliveryWaitAttempts = 101 }, "InvalidDeliveryWaitAttempts", "-DeliveryWaitAttempts must be between 0 and 100; 101 was given." },
        { new DefinitionSettings { InitialProcessDelay = TimeSpan.FromMinutes(-1) }, "InvalidInitialProcessDelay", "-InitialProcessDelay must be between 0 and 1440 minutes; -1 minutes was given." },
        { new DefinitionSettings { InitialProcessDelay = TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1) }, "InvalidInitialProcessDelay", "between 0 and 1440 minutes; 1441 minutes was given" },
        { new DefinitionSettings { InactivityPeriod = TimeSpan.FromSeconds(30) }, "InvalidInactivityPeriod", "-InactivityPeriod must be between 1 and 43200 minutes; 0.5 minutes was given." },
        { new DefinitionSettings { InactivityPeriod = TimeSpan.FromDays(31) }, "InvalidInactivityPeriod", "between 1 and 43200 minutes; 44640 minutes was given" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Invalid_values_are_refused_by_New_and_Set_with_a_message_that_says_what_to_fix(DefinitionSettings settings, string errorId, string message)
    {
        var forNew = settings with
        {
            Description = settings.Description ?? "Contoso EXO",
            ServiceEmailAddress = settings.ServiceEmailAddress ?? "journal@journal.contoso.test",
        };
        var e = Refused(() => Config.NewDefinition(forNew));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(JournalErrorKind.InvalidArgument, e.Kind);
        Assert.Contains(message, e.Message);
        Assert.Empty(Config.GetDefinitions());
        Assert.Empty(Config.GetEvents());

        var existing = _temp.NewDefinition("Existing", "existing@journal.contoso.test");
        e = Refused(() => Config.SetDefinition("Existing", settings));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Contains(message, e.Message);
        Assert.Equal(existing, Config.GetDefinition("Existing") with { SourceIpRange = existing.SourceIpRange });
        Assert.Single(Config.GetEvents());
    }

    [Fact]
    public void A_definition_without_a_service_address_is_refused()
    {
        var e = Refused(() => Config.NewDefinition(new DefinitionSettings { Description = "Contoso EXO" }));
        Assert.Equal("ServiceEmailAddressRequired", e.ErrorId);
        Assert.Contains("needs -ServiceEmailAddress", e.Message);
    }

    [Fact]
    public void Set_changes_only_the_given_fields()
    {
        var before = Config.NewDefinition(new DefinitionSettings
        {
            Description = "Contoso EXO",
            ServiceEmailAddress = "journal@journal.contoso.test",
            SourceIpRange = ["40.92.0.0/15"],
            JournalNonInternalAddresses = true,
        });
        _temp.Clock.Advance(TimeSpan.FromMinutes(5));

        var after = Config.SetDefinition("contoso exo", new DefinitionSettings { DeliveryWaitAttempts = 5 });

        Assert.Equal(5, after.DeliveryWaitAttempts);
        Assert.Equal(_temp.Clock.GetUtcNow(), after.Modified);
        Assert.Equal(["40.92.0.0/15"], after.SourceIpRange);
        Assert.Equal(before with { DeliveryWaitAttempts = 5, Modified = after.Modified, SourceIpRange = after.SourceIpRange }, after);
        Assert.Equal(after with { SourceIpRange = after.SourceIpRange }, Config.GetDefinition("Contoso EXO") with { SourceIpRange = after.SourceIpRange });
    }

    [Fact]
    public void Set_can_clear_the_source_ranges()
    {
        Config.NewDefinition(new DefinitionSettings { Description = "Contoso EXO", ServiceEmailAddress = "journal@journal.contoso.test", SourceIpRange = ["40.92.0.0/15"] });
        var after = Config.SetDefinition("Contoso EXO", new DefinitionSettings { SourceIpRange = [] });
        Assert.Empty(after.SourceIpRange);
        var change = EventsOf("Contoso EXO").First();
        Assert.Equal(("SourceIpRange", "40.92.0.0/15", ""), (change.Property, change.OldValue, change.NewValue));
    }

    [Fact]
    public void Rename_works_and_the_old_name_is_gone()
    {
        var before = _temp.NewDefinition("Contoso EXO");

        var renamed = Config.SetDefinition("Contoso EXO", new DefinitionSettings { Description = "Contoso Exchange Online" });

        Assert.Equal(before.Id, renamed.Id);
        Assert.Equal("Contoso Exchange Online", Config.GetDefinition("contoso exchange online").Description);
        var e = Refused(() => Config.GetDefinition("Contoso EXO"));
        Assert.Equal("JournalDefinitionNotFound", e.ErrorId);
        Assert.Equal(JournalErrorKind.NotFound, e.Kind);
        var change = EventsOf("Contoso Exchange Online").First();
        Assert.Equal(("Changed", "Description", "Contoso EXO", "Contoso Exchange Online"), (change.Action, change.Property, change.OldValue, change.NewValue));
        Assert.Equal("Contoso Exchange Online", change.ObjectName);
    }

    [Fact]
    public void Rename_to_a_different_case_of_the_same_name_is_allowed()
    {
        _temp.NewDefinition("contoso exo");
        var renamed = Config.SetDefinition("contoso exo", new DefinitionSettings { Description = "Contoso EXO" });
        Assert.Equal("Contoso EXO", renamed.Description);
        Assert.Single(Config.GetDefinitions());
    }

    [Fact]
    public void Rename_onto_another_definitions_name_is_refused()
    {
        _temp.NewDefinition("Contoso EXO", "journal@journal.contoso.test");
        _temp.NewDefinition("Fabrikam", "journal@journal.fabrikam.test");

        var e = Refused(() => Config.SetDefinition("Fabrikam", new DefinitionSettings { Description = "CONTOSO EXO" }));
        Assert.Equal("JournalDefinitionExists", e.ErrorId);
        Assert.Equal("Cannot rename 'Fabrikam' to 'CONTOSO EXO': a journal definition with that name exists already.", e.Message);
        Assert.Equal(["Contoso EXO", "Fabrikam"], Config.GetDefinitions().Select(d => d.Description));
    }

    [Fact]
    public void Set_of_an_unknown_definition_says_how_to_list_them()
    {
        var e = Refused(() => Config.SetDefinition("Nope", new DefinitionSettings { Encrypted = false }));
        Assert.Equal("JournalDefinitionNotFound", e.ErrorId);
        Assert.Equal("No journal definition named 'Nope'. Get-JournalDefinition lists the definitions.", e.Message);
    }

    [Fact]
    public void Set_without_a_real_change_writes_no_event_and_keeps_Modified()
    {
        var before = Config.NewDefinition(new DefinitionSettings
        {
            Description = "Contoso EXO",
            ServiceEmailAddress = "journal@journal.contoso.test",
            SourceIpRange = ["40.92.0.0/15"],
        });
        _temp.Clock.Advance(TimeSpan.FromMinutes(5));

        var after = Config.SetDefinition("Contoso EXO", new DefinitionSettings
        {
            Description = "Contoso EXO",
            ServiceEmailAddress = "journal@JOURNAL.Contoso.test.",
            SourceIpRange = ["40.92.0.0/15"],
            DeliveryWaitAttempts = 3,
            InactivityPeriod = TimeSpan.FromMinutes(180),
            Encrypted = true,
            JournalType = JournalType.ExchangeEnvelope,
            Disabled = false,
        });
        Config.SetDefinition("Contoso EXO", new DefinitionSettings());

        Assert.Equal(before.Modified, Config.GetDefinition("Contoso EXO").Modified);
        Assert.Equal(before.Modified, after.Modified);
        Assert.Equal("Created", Assert.Single(EventsOf("Contoso EXO")).Action);
    }

    [Fact]
    public void Each_changed_property_is_logged_with_its_old_and_new_value()
    {
        _temp.NewDefinition("Contoso EXO", "journal@journal.contoso.test");
        _temp.Clock.Advance(TimeSpan.FromHours(1));

        Config.SetDefinition("Contoso EXO", new DefinitionSettings
        {
            ServiceEmailAddress = "reports@journal.contoso.test",
            SourceIpRange = ["40.92.0.0/15", "2a01:111:f400::/48"],
            InitialProcessDelay = TimeSpan.FromMinutes(2),
            DeliveryWaitAttempts = 5,
            InactivityPeriod = TimeSpan.FromMinutes(60),
            JournalType = JournalType.StandardEml,
            Encrypted = false,
            PreferClearText = true,
            JournalNonInternalAddresses = true,
            JournalUnknownInternalAddresses = true,
        });

        var changes = EventsOf("Contoso EXO").Where(e => e.Action == "Changed")
            .Select(e => (e.Property, e.OldValue, e.NewValue)).ToHashSet();
        var expected = new HashSet<(string?, string?, string?)>
        {
            ("ServiceEmailAddress", "journal@journal.contoso.test", "reports@journal.contoso.test"),
            ("SourceIpRange", "", "40.92.0.0/15, 2a01:111:f400::/48"),
            ("InitialProcessDelay", "00:00:00", "00:02:00"),
            ("DeliveryWaitAttempts", "3", "5"),
            ("InactivityPeriod", "03:00:00", "01:00:00"),
            ("JournalType", "ExchangeEnvelope", "StandardEml"),
            ("Encrypted", "True", "False"),
            ("PreferClearText", "False", "True"),
            ("JournalNonInternalAddresses", "False", "True"),
            ("JournalUnknownInternalAddresses", "False", "True"),
        };
        Assert.Equal(expected, changes);
        Assert.All(EventsOf("Contoso EXO").Where(e => e.Action == "Changed"), e =>
        {
            Assert.Equal(TempStore.Actor, e.User);
            Assert.Equal(_temp.Clock.GetUtcNow(), e.Time);
            Assert.Equal("Contoso EXO", e.ObjectName);
        });
    }

    [Fact]
    public void Disable_and_Enable_are_logged_as_Disabled_and_Enabled()
    {
        _temp.NewDefinition();

        var disabled = Config.SetDisabled("Contoso EXO", true);
        Assert.True(disabled.Disabled);
        Assert.True(Config.GetDefinition("Contoso EXO").Disabled);
        var e = EventsOf("Contoso EXO").First();
        Assert.Equal(("Disabled", "Disabled", "False", "True"), (e.Action, e.Property, e.OldValue, e.NewValue));

        // Disabling twice changes nothing.
        Config.SetDisabled("Contoso EXO", true);
        Assert.Equal(2, EventsOf("Contoso EXO").Count);

        var enabled = Config.SetDisabled("Contoso EXO", false);
        Assert.False(enabled.Disabled);
        e = EventsOf("Contoso EXO").First();
        Assert.Equal(("Enabled", "Disabled", "True", "False"), (e.Action, e.Property, e.OldValue, e.NewValue));
        Assert.Equal(TempStore.Actor, e.User);
    }

    [Theory]
    [InlineData(false, JournalStatus.AwaitingInitialRun)]
    [InlineData(true, JournalStatus.OK)]
    public void Disabling_resets_an_Error_status(bool hasReceived, JournalStatus expected)
    {
        var d = _temp.NewDefinition();
        // The listener records a failure.
        _temp.Store.UpdateDefinition(d with
        {
            Status = JournalStatus.Error,
            StatusReason = "TLS handshake failed",
            LastReceived = hasReceived ? _temp.Clock.GetUtcNow() : null,
        }, PasswordHashChange.Keep, []);

        var disabled = Config.SetDisabled("Contoso EXO", true);

        Assert.Equal(expected, disabled.Status);
        Assert.Null(disabled.StatusReason);
        Assert.Equal(expected, Config.GetDefinition("Contoso EXO").Status);
        var events = EventsOf("Contoso EXO").Take(2).Select(e => (e.Action, e.Property, e.OldValue, e.NewValue)).ToHashSet();
        Assert.Contains(("Disabled", "Disabled", "False", "True"), events);
        Assert.Contains(("Changed", "Status", "Error", expected.ToString()), events);
    }

    [Fact]
    public void Disabling_through_Set_also_resets_an_Error_status()
    {
        var d = _temp.NewDefinition();
        _temp.Store.UpdateDefinition(d with { Status = JournalStatus.Error, StatusReason = "AUTH failed" }, PasswordHashChange.Keep, []);

        var disabled = Config.SetDefinition("Contoso EXO", new DefinitionSettings { Disabled = true });

        Assert.True(disabled.Disabled);
        Assert.Equal(JournalStatus.AwaitingInitialRun, disabled.Status);
        Assert.Null(disabled.StatusReason);
        Assert.Contains(EventsOf("Contoso EXO"), e => e.Action == "Disabled");
    }

    [Fact]
    public void Disabling_resets_Down_too_the_seed_resets_every_error_condition()
    {
        var d = _temp.NewDefinition();
        _temp.Store.UpdateDefinition(d with { Status = JournalStatus.Down, StatusReason = "Nothing for 180 minutes" }, PasswordHashChange.Keep, []);

        var disabled = Config.SetDisabled("Contoso EXO", true);

        Assert.Equal(JournalStatus.AwaitingInitialRun, disabled.Status);   // nothing was ever received
        Assert.Null(disabled.StatusReason);
        Assert.Contains(EventsOf("Contoso EXO"), e => e.Property == "Status" && e.OldValue == "Down");
    }

    [Fact]
    public void Disabling_keeps_a_status_that_is_not_an_error_condition()
    {
        _temp.NewDefinition();

        var disabled = Config.SetDisabled("Contoso EXO", true);

        Assert.Equal(JournalStatus.AwaitingInitialRun, disabled.Status);
        Assert.DoesNotContain(EventsOf("Contoso EXO"), e => e.Property == "Status");
    }

    [Fact]
    public void Removing_a_definition_logs_it_and_frees_its_name_and_address()
    {
        _temp.NewDefinition("Contoso EXO", "journal@journal.contoso.test");
        Config.RemoveDefinition("contoso exo");

        Assert.Empty(Config.GetDefinitions());
        Assert.Equal("Removed", EventsOf("Contoso EXO").First().Action);
        _temp.NewDefinition("Contoso EXO", "journal@journal.contoso.test");
        Assert.Equal("JournalDefinitionNotFound", Refused(() => Config.RemoveDefinition("Nope")).ErrorId);
    }

    // ---- SMTP credential (each FromSecureString costs one 600,000-iteration hash) ------------

    private static SmtpCredentialChange Credential(string user, string password) =>
        SmtpCredentialChange.FromSecureString(user, TempStore.Secure(password));

    private JournalDefinition NewWithCredential(string user, string password) => Config.NewDefinition(new DefinitionSettings
    {
        Description = "Contoso EXO",
        ServiceEmailAddress = "journal@journal.contoso.test",
        SmtpCredential = Credential(user, password),
    });

    [Fact]
    public void VerifySmtpPassword_is_true_only_for_the_right_user_and_password()
    {
        var d = NewWithCredential(" journal-relay ", "First-Secret-1");

        Assert.True(d.SmtpAuthentication);
        Assert.Equal("journal-relay", d.SmtpUserName);
        Assert.True(Config.VerifySmtpPassword(d, "journal-relay", "First-Secret-1"));
        Assert.False(Config.VerifySmtpPassword(d, "journal-relay", "first-secret-1"));
        Assert.False(Config.VerifySmtpPassword(d, "journal-relay", ""));
        Assert.False(Config.VerifySmtpPassword(d, "Journal-Relay", "First-Secret-1"));
        Assert.False(Config.VerifySmtpPassword(d, "someone-else", "First-Secret-1"));

        var withoutAuth = _temp.NewDefinition("Fabrikam", "journal@journal.fabrikam.test");
        Assert.False(Config.VerifySmtpPassword(withoutAuth, "journal-relay", "First-Secret-1"));
    }

    [Fact]
    public void Changing_the_password_logs_that_it_changed_and_never_the_password()
    {
        NewWithCredential("journal-relay", "First-Secret-1");
        _temp.Clock.Advance(TimeSpan.FromMinutes(1));

        var d = Config.SetDefinition("Contoso EXO", new DefinitionSettings { SmtpCredential = Credential("journal-relay", "Second-Secret-2") });

        var change = Assert.Single(EventsOf("Contoso EXO"), e => e.Action == "Changed");
        Assert.Equal(("SmtpPassword", "(hidden)", "(changed)"), (change.Property, change.OldValue, change.NewValue));
        Assert.True(Config.VerifySmtpPassword(d, "journal-relay", "Second-Secret-2"));
        Assert.False(Config.VerifySmtpPassword(d, "journal-relay", "First-Secret-1"));
        Assert.All(Config.GetEvents(), e =>
        {
            foreach (var value in new[] { e.OldValue, e.NewValue, e.ObjectName })
            {
                Assert.DoesNotContain("Secret", value ?? string.Empty, StringComparison.Ordinal);
            }
        });
    }

    [Fact]
    public void Adding_a_credential_later_logs_the_user_but_no_password_event()
    {
        _temp.NewDefinition();
        Config.SetDefinition("Contoso EXO", new DefinitionSettings { SmtpCredential = Credential("journal-relay", "Added-Secret") });

        var changes = EventsOf("Contoso EXO").Where(e => e.Action == "Changed").Select(e => (e.Property, e.OldValue, e.NewValue)).ToHashSet();
        Assert.Equal(new HashSet<(string?, string?, string?)>
        {
            ("SmtpAuthentication", "False", "True"),
            ("SmtpUserName", null, "journal-relay"),
        }, changes);
    }

    [Fact]
    public void Removing_the_credential_clears_SmtpAuthentication_and_the_hash()
    {
        var d = NewWithCredential("journal-relay", "First-Secret-1");
        Assert.NotNull(_temp.Store.GetSmtpPasswordHash(d.Id));

        var after = Config.SetDefinition("Contoso EXO", new DefinitionSettings { SmtpCredential = SmtpCredentialChange.Remove });

        Assert.False(after.SmtpAuthentication);
        Assert.Null(after.SmtpUserName);
        Assert.Null(_temp.Store.GetSmtpPasswordHash(d.Id));
        Assert.False(Config.VerifySmtpPassword(after, "journal-relay", "First-Secret-1"));
        var changes = EventsOf("Contoso EXO").Where(e => e.Action == "Changed").Select(e => (e.Property, e.OldValue, e.NewValue)).ToHashSet();
        Assert.Equal(new HashSet<(string?, string?, string?)>
        {
            ("SmtpAuthentication", "True", "False"),
            ("SmtpUserName", "journal-relay", null),
        }, changes);
    }

    [Theory]
    [InlineData("", "pw", "needs a user name")]
    [InlineData("   ", "pw", "needs a user name")]
    [InlineData("relay\n", "pw", "no control characters")]
    [InlineData("relay", "", "password is empty")]
    public void An_unusable_credential_is_refused(string user, string password, string message)
    {
        var e = Refused(() => SmtpCredentialChange.FromSecureString(user, TempStore.Secure(password)));
        Assert.Equal("InvalidSmtpCredential", e.ErrorId);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_credential_prints_its_user_name_only()
    {
        Assert.Equal("SmtpCredentialChange { Remove }", SmtpCredentialChange.Remove.ToString());
        Assert.True(SmtpCredentialChange.Remove.Removes);
        var credential = Credential("journal-relay", "Printed-Secret");
        Assert.False(credential.Removes);
        Assert.Equal("SmtpCredentialChange { UserName = journal-relay }", credential.ToString());
    }

    [Fact]
    public void Every_change_the_listener_reads_moves_the_configuration_version_and_nothing_else_does()
    {
        // The listener keeps its copy of definitions and settings until this number moves.
        var store = _temp.Store;
        var seen = new List<long> { store.GetConfigurationVersion() };
        void Moved(Action change)
        {
            change();
            var now = store.GetConfigurationVersion();
            Assert.True(now > seen[^1], $"the version stayed at {now}");
            seen.Add(now);
        }

        Moved(() => _temp.NewDefinition("Versioned", "journal@journal.contoso.test"));
        Moved(() => Config.SetDefinition("Versioned", new DefinitionSettings { SourceIpRange = ["10.0.0.0/8"] }));
        Moved(() => Config.SetDisabled("Versioned", true));
        Moved(() => Config.SetDefinition("Versioned", new DefinitionSettings { SmtpCredential = Credential("relay", "Password-1") }));
        Moved(() => Config.SetDefinition("Versioned", new DefinitionSettings { SmtpCredential = Credential("relay", "Password-2") }));
        Moved(() => Config.SetListenerSettings(["192.0.2.0/24"], null));
        Moved(() => Config.RemoveDefinition("Versioned"));

        Config.RegisterDomain("contoso.test");
        Config.AddInternalAddress("alice@contoso.test");
        Assert.Equal(seen[^1], store.GetConfigurationVersion());
    }
}
