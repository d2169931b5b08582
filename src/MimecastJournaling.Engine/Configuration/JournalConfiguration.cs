using System.Globalization;
using System.Security.Cryptography;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Configuration;

/// <summary>
/// The journaling-side configuration rules: validation, uniqueness, self-journaling, and the
/// event log entry for every change. Cmdlets call this and nothing below it.
/// </summary>
public sealed partial class JournalConfiguration
{
    public const int MaxDescriptionLength = 128;
    public const int MaxDeliveryWaitAttempts = 100;
    public static readonly TimeSpan MaxInitialProcessDelay = TimeSpan.FromDays(1);
    public static readonly TimeSpan MinInactivityPeriod = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxInactivityPeriod = TimeSpan.FromDays(30);
    public const string VerificationPrefix = "mimecastjournaling-verification=";

    private readonly IJournalStore _store;
    private readonly string _actor;
    private readonly TimeProvider _clock;

    public JournalConfiguration(IJournalStore store, string actor, TimeProvider? clock = null)
    {
        _store = store;
        _actor = actor;
        _clock = clock ?? TimeProvider.System;
    }

    public IJournalStore Store => _store;

    // ---- journal definitions ---------------------------------------------------------------

    /// <summary>The definitions with their queue length and outcome counters, as admins see them.</summary>
    /// <remarks>
    /// Reading writes nothing (a read-only database role can list definitions): a definition
    /// silent for longer than its InactivityPeriod is shown as Down here, and the listener records
    /// that change with its event (MarkInactiveDefinitions).
    /// </remarks>
    public IReadOnlyList<JournalDefinition> GetDefinitions()
    {
        var counters = _store.GetDefinitionCounters();
        var now = _clock.GetUtcNow();
        return _store.GetDefinitions().Select(d => WithInactivity(WithCounters(d, counters), now)).ToList();
    }

    /// <summary>Down with its reason when an enabled OK definition has been silent for longer than its InactivityPeriod, else unchanged.</summary>
    private static JournalDefinition WithInactivity(JournalDefinition d, DateTimeOffset now) =>
        InactivityReason(d, now) is { } reason ? d with { Status = JournalStatus.Down, StatusReason = reason } : d;

    private static string? InactivityReason(JournalDefinition d, DateTimeOffset now) =>
        d.Disabled || d.Status != JournalStatus.OK || d.LastReceived is not { } last || now - last <= d.InactivityPeriod
            ? null
            : $"No journal report since {last:u} (InactivityPeriod {d.InactivityPeriod.TotalMinutes:0} minutes).";

    public JournalDefinition GetDefinition(string description) =>
        _store.GetDefinition(description.Trim()) ?? throw DefinitionNotFound(description);

    /// <summary>The stored definition after a change, with its counters, as the cmdlets return it.</summary>
    private JournalDefinition Reload(string description) => WithCounters(_store.GetDefinition(description)!, _store.GetDefinitionCounters());

    private static JournalDefinition WithCounters(JournalDefinition d, IReadOnlyDictionary<Guid, DefinitionCounters> counters) =>
        counters.TryGetValue(d.Id, out var c)
            ? d with
            {
                QueueLength = c.QueueLength,
                ArchivedCount = c.Archived,
                MergedCount = c.Merged,
                DuplicateCount = c.Duplicate,
                QuarantinedCount = c.Quarantined,
                RejectedCount = c.Rejected,
            }
            : d;

    public JournalDefinition NewDefinition(DefinitionSettings settings)
    {
        var now = _clock.GetUtcNow();
        var description = ValidateDescription(settings.Description);
        if (settings.ServiceEmailAddress is null)
        {
            throw new JournalConfigurationException("ServiceEmailAddressRequired", JournalErrorKind.InvalidArgument,
                "A journal definition needs -ServiceEmailAddress, the address Exchange sends journal reports to (for example journal@journal.contoso.com).");
        }
        var template = new JournalDefinition
        {
            Id = Guid.NewGuid(),
            Description = description,
            ServiceEmailAddress = settings.ServiceEmailAddress,
            Created = now,
            Modified = now,
        };
        var definition = Apply(template, settings with { Description = null });
        if (_store.GetDefinition(description) is not null)
        {
            throw new JournalConfigurationException("JournalDefinitionExists", JournalErrorKind.AlreadyExists,
                $"A journal definition named '{description}' exists already. Use Set-JournalDefinition to change it, or choose another -Description.", description);
        }
        EnsureServiceAddressFree(definition);
        var events = new List<JournalEvent> { Event(definition, "Created", null, null, null) };
        _store.InsertDefinition(definition, settings.SmtpCredential?.PasswordHash, events);
        return Reload(description);
    }

    /// <summary>
    /// What is probably a mistake in a definition that is valid nonetheless: a service address in
    /// a domain that is not registered (a typo), SMTP AUTH on ranges Exchange Online sends from
    /// (Exchange Online cannot authenticate to a journaling endpoint). Empty when nothing looks wrong.
    /// </summary>
    public IReadOnlyList<string> Advice(JournalDefinition definition)
    {
        var advice = new List<string>();
        var domain = Names.DomainOf(definition.ServiceEmailAddress);
        if (_store.GetDomain(domain) is null)
        {
            advice.Add($"The service address {definition.ServiceEmailAddress} is in {domain}, which is not a registered domain: check it for a typo, " +
                $"or register it (Register-JournalDomain -Name {domain}) and publish its verification TXT record.");
        }
        if (definition.SmtpAuthentication)
        {
            var exchangeOnline = ReadListenerSettings(_store).ExchangeOnlineRange is { Count: > 0 } loaded ? loaded : ExchangeOnlineEndpoints.WellKnownSmtpRanges;
            var ranges = exchangeOnline.Select(IpRange.Parse).ToList();
            if (definition.SourceIpRange.Select(IpRange.Parse).Any(r => ranges.Any(e => e.Contains(r.BaseAddress))))
            {
                advice.Add($"'{definition.Description}' accepts Exchange Online's ranges and has an SMTP credential, but Exchange Online cannot do SMTP AUTH " +
                    "when it journals: its reports would be refused with 530. Remove the credential (Set-JournalDefinition -SmtpCredential $null) " +
                    "and rely on TLS and the source ranges, or keep it for an on-premises Exchange in a definition of its own.");
            }
        }
        return advice;
    }

    public JournalDefinition SetDefinition(string description, DefinitionSettings changes)
    {
        var current = GetDefinition(description);
        var updated = ResetErrorOnToggle(current, Apply(current, changes) with { Modified = _clock.GetUtcNow() });
        if (changes.Description is not null && !string.Equals(changes.Description.Trim(), current.Description, StringComparison.OrdinalIgnoreCase)
            && _store.GetDefinition(updated.Description) is not null)
        {
            throw new JournalConfigurationException("JournalDefinitionExists", JournalErrorKind.AlreadyExists,
                $"Cannot rename '{current.Description}' to '{updated.Description}': a journal definition with that name exists already.", updated.Description);
        }
        EnsureServiceAddressFree(updated);
        var passwordChange = changes.SmtpCredential switch
        {
            null => PasswordHashChange.Keep,
            { Removes: true } => PasswordHashChange.Clear,
            var c => PasswordHashChange.Set(c.PasswordHash!),
        };
        var events = Diff(current, updated);
        if (passwordChange is PasswordHashChange.SetHash && current.SmtpAuthentication && updated.SmtpAuthentication)
        {
            // The secret itself is never logged, only that it changed.
            events.Add(Event(updated, "Changed", "SmtpPassword", "(hidden)", "(changed)"));
        }
        if (events.Count == 0)
        {
            return current;
        }
        _store.UpdateDefinition(updated, passwordChange, events);
        return Reload(updated.Description);
    }

    /// <summary>Adds an Exchange Online tenant to the definition's TenantId (unchanged when it is there already).</summary>
    public JournalDefinition AddTenant(string description, string tenantId)
    {
        var tenant = ParseTenantId(tenantId);
        var current = GetDefinition(description);
        return current.TenantId.Contains(tenant, StringComparer.OrdinalIgnoreCase)
            ? current
            : SetDefinition(description, new DefinitionSettings { TenantId = current.TenantId.Append(tenant).ToArray() });
    }

    public JournalDefinition SetDisabled(string description, bool disabled)
    {
        var current = GetDefinition(description);
        if (current.Disabled == disabled)
        {
            return current;
        }
        var updated = ResetErrorOnToggle(current, current with { Disabled = disabled, Modified = _clock.GetUtcNow() });
        _store.UpdateDefinition(updated, PasswordHashChange.Keep, Diff(current, updated));
        return Reload(updated.Description);
    }

    /// <summary>
    /// Disabling suspends the service and resets its error condition (Error or Down); enabling starts it afresh.
    /// Applies to Disable-/Enable-JournalDefinition and to Set-JournalDefinition -Disabled alike.
    /// </summary>
    private static JournalDefinition ResetErrorOnToggle(JournalDefinition current, JournalDefinition updated) =>
        current.Disabled == updated.Disabled || current.Status is not (JournalStatus.Error or JournalStatus.Down)
            ? updated
            : updated with
            {
                Status = current.LastReceived is null ? JournalStatus.AwaitingInitialRun : JournalStatus.OK,
                StatusReason = null,
            };

    public void RemoveDefinition(string description)
    {
        var current = GetDefinition(description);
        _store.DeleteDefinition(current.Id, [Event(current, "Removed", null, null, null)]);
    }

    /// <summary>
    /// Marks Down every enabled definition whose last report is older than its InactivityPeriod
    /// (Exchange stopped sending, or something in between fails), with a StatusChanged event.
    /// The next good report sets it back to OK. Returns the definitions it marked.
    /// </summary>
    /// <summary>Who the event log names for a Down found by the inactivity check (not whoever happened to read the status).</summary>
    public const string InactivityCheckActor = "MimecastJournaling inactivity check";

    public IReadOnlyList<JournalDefinition> MarkInactiveDefinitions()
    {
        // The listener's heartbeat, its watch and the spool processor's idle round all check, on every
        // host: the store sets Down only where nobody did yet and no report came meanwhile, so one
        // of them writes the Down and its event.
        var now = _clock.GetUtcNow();
        var marked = new List<JournalDefinition>();
        foreach (var d in _store.GetDefinitions())
        {
            if (InactivityReason(d, now) is not { } reason || d.LastReceived is not { } lastReceived)
            {
                continue;
            }
            // Stamped when the period ran out, by the check: the reader only found it.
            var down = Event(d, "StatusChanged", nameof(JournalDefinition.Status), d.Status.ToString(), JournalStatus.Down.ToString())
                with { Time = lastReceived + d.InactivityPeriod, User = InactivityCheckActor };
            if (_store.RecordDefinitionDown(d.Id, d.Status, lastReceived, reason, [down]))
            {
                marked.Add(d with { Status = JournalStatus.Down, StatusReason = reason });
            }
        }
        return marked;
    }

    /// <summary>Checks an SMTP AUTH attempt against the stored salted hash.</summary>
    public bool VerifySmtpPassword(JournalDefinition definition, string userName, ReadOnlySpan<char> password)
    {
        var hash = _store.GetSmtpPasswordHash(definition.Id);
        return hash is not null
            && string.Equals(definition.SmtpUserName, userName, StringComparison.Ordinal)
            && Security.PasswordHasher.Verify(password, hash);
    }

    private JournalDefinition Apply(JournalDefinition d, DefinitionSettings s)
    {
        if (s.Description is not null)
        {
            d = d with { Description = ValidateDescription(s.Description) };
        }
        if (s.TransportType is { } transport)
        {
            d = d with { TransportType = transport };
        }
        if (s.ServiceEmailAddress is not null)
        {
            d = d with { ServiceEmailAddress = Names.NormalizeAddress(s.ServiceEmailAddress, "InvalidServiceEmailAddress") };
        }
        else
        {
            d = d with { ServiceEmailAddress = Names.NormalizeAddress(d.ServiceEmailAddress, "InvalidServiceEmailAddress") };
        }
        if (s.SourceIpRange is not null)
        {
            d = d with { SourceIpRange = IpRange.SplitList(s.SourceIpRange).Select(r => IpRange.Parse(r).ToString()).Distinct().ToArray() };
        }
        if (s.SmtpCredential is { } credential)
        {
            d = d with
            {
                SmtpAuthentication = !credential.Removes,
                SmtpUserName = credential.Removes ? null : credential.UserName,
            };
        }
        if (s.InitialProcessDelay is { } delay)
        {
            d = d with { InitialProcessDelay = InRange(delay, TimeSpan.Zero, MaxInitialProcessDelay, "InitialProcessDelay") };
        }
        if (s.DeliveryWaitAttempts is { } attempts)
        {
            if (attempts is < 0 or > MaxDeliveryWaitAttempts)
            {
                throw new JournalConfigurationException("InvalidDeliveryWaitAttempts", JournalErrorKind.InvalidArgument,
                    $"-DeliveryWaitAttempts must be between 0 and {MaxDeliveryWaitAttempts}; {attempts} was given.", attempts);
            }
            d = d with { DeliveryWaitAttempts = attempts };
        }
        if (s.InactivityPeriod is { } inactivity)
        {
            d = d with { InactivityPeriod = InRange(inactivity, MinInactivityPeriod, MaxInactivityPeriod, "InactivityPeriod") };
        }
        if (s.JournalType is { } journalType)
        {
            d = d with { JournalType = journalType };
        }
        if (s.Encrypted is { } encrypted)
        {
            d = d with { Encrypted = encrypted };
        }
        if (s.PreferClearText is { } preferClearText)
        {
            d = d with { PreferClearText = preferClearText };
        }
        if (s.JournalNonInternalAddresses is { } nonInternal)
        {
            d = d with { JournalNonInternalAddresses = nonInternal };
        }
        if (s.JournalUnknownInternalAddresses is { } unknownInternal)
        {
            d = d with { JournalUnknownInternalAddresses = unknownInternal };
        }
        if (s.Disabled is { } disabled)
        {
            d = d with { Disabled = disabled };
        }
        if (s.TenantId is not null)
        {
            d = d with { TenantId = s.TenantId.Select(ParseTenantId).Distinct().ToArray() };
        }
        return d;
    }

    private static string ParseTenantId(string? value)
    {
        if (!Guid.TryParse(value?.Trim(), out var tenant) || tenant == Guid.Empty)
        {
            throw new JournalConfigurationException("InvalidTenantId", JournalErrorKind.InvalidArgument,
                $"-TenantId takes Exchange Online tenant ids (the directory's GUID, for example 72f988bf-86f1-41af-91ab-2d7cd011db47); '{value}' is not one. " +
                "Find it with Get-O365JournalingConnection or in the Entra admin center (Overview, Tenant ID).", value);
        }
        return tenant.ToString("D");
    }

    private void EnsureServiceAddressFree(JournalDefinition definition)
    {
        var other = _store.GetDefinitionByServiceAddress(definition.ServiceEmailAddress);
        if (other is not null && other.Id != definition.Id)
        {
            throw new JournalConfigurationException("ServiceEmailAddressInUse", JournalErrorKind.AlreadyExists,
                $"The service address {definition.ServiceEmailAddress} belongs to the journal definition '{other.Description}' already; each definition needs its own address.",
                definition.ServiceEmailAddress);
        }
        if (_store.GetInternalAddress(definition.ServiceEmailAddress) is { } mailbox)
        {
            throw SelfJournaling(definition.ServiceEmailAddress, mailbox.Mailbox);
        }
    }

    private static JournalConfigurationException SelfJournaling(string address, string mailbox) =>
        new("SelfJournalingRefused", JournalErrorKind.InvalidOperation,
            $"{address} is in the internal directory (mailbox {mailbox}). A journal service address must not be an internal mailbox: " +
            "Exchange would journal the journal reports themselves. Use an address in the journal sub-domain, such as journal@journal.contoso.com.",
            address);

    private static string ValidateDescription(string? description)
    {
        var value = description?.Trim() ?? string.Empty;
        if (value.Length == 0 || value.Length > MaxDescriptionLength || value.Any(char.IsControl) || value.IndexOfAny(['*', '?', '[', ']']) >= 0)
        {
            throw new JournalConfigurationException("InvalidDescription", JournalErrorKind.InvalidArgument,
                $"-Description must be 1 to {MaxDescriptionLength} characters with no control characters and no wildcard characters (* ? [ ]); '{description}' was given.",
                description);
        }
        return value;
    }

    private static TimeSpan InRange(TimeSpan value, TimeSpan min, TimeSpan max, string name)
    {
        if (value < min || value > max)
        {
            throw new JournalConfigurationException("Invalid" + name, JournalErrorKind.InvalidArgument,
                $"-{name} must be between {min.TotalMinutes:0} and {max.TotalMinutes:0} minutes; {value.TotalMinutes:0.##} minutes was given. A plain number means minutes.",
                value);
        }
        return value;
    }

    private List<JournalEvent> Diff(JournalDefinition before, JournalDefinition after)
    {
        var events = new List<JournalEvent>();
        void Compare(string property, object? oldValue, object? newValue)
        {
            var o = Show(oldValue);
            var n = Show(newValue);
            if (!string.Equals(o, n, StringComparison.Ordinal))
            {
                events.Add(Event(after, "Changed", property, o, n));
            }
        }
        Compare(nameof(JournalDefinition.Description), before.Description, after.Description);
        Compare(nameof(JournalDefinition.TransportType), before.TransportType, after.TransportType);
        Compare(nameof(JournalDefinition.ServiceEmailAddress), before.ServiceEmailAddress, after.ServiceEmailAddress);
        Compare(nameof(JournalDefinition.SourceIpRange), before.SourceIpRange, after.SourceIpRange);
        Compare(nameof(JournalDefinition.SmtpAuthentication), before.SmtpAuthentication, after.SmtpAuthentication);
        Compare(nameof(JournalDefinition.SmtpUserName), before.SmtpUserName, after.SmtpUserName);
        Compare(nameof(JournalDefinition.InitialProcessDelay), before.InitialProcessDelay, after.InitialProcessDelay);
        Compare(nameof(JournalDefinition.DeliveryWaitAttempts), before.DeliveryWaitAttempts, after.DeliveryWaitAttempts);
        Compare(nameof(JournalDefinition.InactivityPeriod), before.InactivityPeriod, after.InactivityPeriod);
        Compare(nameof(JournalDefinition.JournalType), before.JournalType, after.JournalType);
        Compare(nameof(JournalDefinition.Encrypted), before.Encrypted, after.Encrypted);
        Compare(nameof(JournalDefinition.PreferClearText), before.PreferClearText, after.PreferClearText);
        Compare(nameof(JournalDefinition.JournalNonInternalAddresses), before.JournalNonInternalAddresses, after.JournalNonInternalAddresses);
        Compare(nameof(JournalDefinition.JournalUnknownInternalAddresses), before.JournalUnknownInternalAddresses, after.JournalUnknownInternalAddresses);
        Compare(nameof(JournalDefinition.TenantId), before.TenantId, after.TenantId);
        if (before.Disabled != after.Disabled)
        {
            events.Add(Event(after, after.Disabled ? "Disabled" : "Enabled", nameof(JournalDefinition.Disabled), Show(before.Disabled), Show(after.Disabled)));
        }
        Compare(nameof(JournalDefinition.Status), before.Status, after.Status);
        return events;
    }

    // ---- listener settings (the whole installation) -----------------------------------------

    private const string ListenerSettingName = "listener";

    /// <summary>The installation's listener settings (defaults when never set).</summary>
    public static JournalListenerSettings ReadListenerSettings(IJournalStore store) =>
        store.GetSetting(ListenerSettingName) is { } json
            ? System.Text.Json.JsonSerializer.Deserialize<JournalListenerSettings>(json) ?? new JournalListenerSettings()
            : new JournalListenerSettings();

    public JournalListenerSettings GetListenerSettings() => ReadListenerSettings(_store);

    /// <summary>Sets the ranges every definition accepts, and whether Exchange Online's published ranges count too.</summary>
    public JournalListenerSettings SetListenerSettings(IReadOnlyList<string>? authorizedIpRange, bool? useExchangeOnlineRanges, IReadOnlyList<string>? tenantStampHeader = null)
    {
        var current = GetListenerSettings();
        var updated = current with
        {
            AuthorizedIpRange = authorizedIpRange is null ? current.AuthorizedIpRange : IpRange.SplitList(authorizedIpRange).Select(r => IpRange.Parse(r).ToString()).Distinct().ToArray(),
            UseExchangeOnlineRanges = useExchangeOnlineRanges ?? current.UseExchangeOnlineRanges,
            TenantStampHeader = tenantStampHeader is null ? current.TenantStampHeader
                : tenantStampHeader.Count == 0 ? JournalListenerSettings.DefaultTenantStampHeader
                : tenantStampHeader.Select(ValidateHeaderName).Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
        };
        if (updated.UseExchangeOnlineRanges && updated.ExchangeOnlineRange.Count == 0)
        {
            throw new JournalConfigurationException("ExchangeOnlineRangesMissing", JournalErrorKind.InvalidOperation,
                "No Exchange Online ranges are loaded yet. Run Update-JournalExchangeOnlineRange -Path <endpoints json> first, then turn them on.");
        }
        return SaveListenerSettings(current, updated);
    }

    private static string ValidateHeaderName(string name)
    {
        var trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length is 0 or > 100 || trimmed.Any(ch => ch <= ' ' || ch >= 127 || ch == ':'))
        {
            throw new JournalConfigurationException("InvalidTenantStampHeader", JournalErrorKind.InvalidArgument,
                $"-TenantStampHeader takes header field names (printable ASCII, no colon or space, such as X-MS-Exchange-CrossTenant-Id); '{name}' is not one.", name);
        }
        return trimmed;
    }

    /// <summary>Replaces the Exchange Online ranges with the port-25 Exchange ranges of Microsoft's endpoints list.</summary>
    public JournalListenerSettings UpdateExchangeOnlineRanges(string endpointsJson, string source)
    {
        var ranges = ExchangeOnlineEndpoints.ParseSmtpRanges(endpointsJson);
        var current = GetListenerSettings();
        return SaveListenerSettings(current, current with
        {
            ExchangeOnlineRange = ranges,
            ExchangeOnlineRangeUpdated = _clock.GetUtcNow(),
            ExchangeOnlineRangeSource = source,
        });
    }

    private JournalListenerSettings SaveListenerSettings(JournalListenerSettings before, JournalListenerSettings after)
    {
        var events = new List<JournalEvent>();
        void Compare(string property, string? o, string? n)
        {
            if (!string.Equals(o, n, StringComparison.Ordinal))
            {
                events.Add(new JournalEvent
                {
                    Time = _clock.GetUtcNow(),
                    User = _actor,
                    ObjectType = JournalObjectType.ListenerSetting,
                    ObjectName = "Listener",
                    ObjectId = ListenerSettingName,
                    Action = "Changed",
                    Property = property,
                    OldValue = o,
                    NewValue = n,
                });
            }
        }
        Compare(nameof(JournalListenerSettings.AuthorizedIpRange), Show(before.AuthorizedIpRange), Show(after.AuthorizedIpRange));
        Compare(nameof(JournalListenerSettings.UseExchangeOnlineRanges), Show(before.UseExchangeOnlineRanges), Show(after.UseExchangeOnlineRanges));
        Compare(nameof(JournalListenerSettings.ExchangeOnlineRange), Show(before.ExchangeOnlineRange), Show(after.ExchangeOnlineRange));
        Compare(nameof(JournalListenerSettings.TenantStampHeader), Show(before.TenantStampHeader), Show(after.TenantStampHeader));
        if (events.Count == 0 && before == after)
        {
            return before;
        }
        _store.SetSetting(ListenerSettingName, System.Text.Json.JsonSerializer.Serialize(after), _clock.GetUtcNow(), events);
        return after;
    }

    // ---- domains ---------------------------------------------------------------------------

    public IReadOnlyList<JournalDomain> GetDomains() => _store.GetDomains();

    public JournalDomain GetDomain(string name) =>
        _store.GetDomain(Names.NormalizeDomain(name)) ?? throw DomainNotFound(name);

    /// <summary>Registers a domain; registering it again returns the existing entry unchanged.</summary>
    public JournalDomain RegisterDomain(string name)
    {
        var normalized = Names.NormalizeDomain(name);
        if (_store.GetDomain(normalized) is { } existing)
        {
            return existing;
        }
        var domain = NewDomainEntry(normalized);
        _store.InsertDomain(domain, [DomainEvent(normalized, "Created", null, null, null)]);
        return _store.GetDomain(normalized)!;
    }

    /// <summary>A new, unverified domain entry with a fresh verification code.</summary>
    private JournalDomain NewDomainEntry(string normalized) => new()
    {
        Name = normalized,
        VerificationCode = VerificationPrefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant(),
        Registered = _clock.GetUtcNow(),
    };

    /// <summary>Records the outcome of a DNS check: verified when the TXT record carries the code.</summary>
    public JournalDomain RecordVerification(string name, IEnumerable<string> txtRecords)
    {
        var domain = GetDomain(name);
        var found = txtRecords.Any(t => string.Equals(t.Trim(), domain.VerificationCode, StringComparison.Ordinal));
        if (found == domain.Verified)
        {
            return domain;
        }
        var updated = domain with { Verified = found, VerifiedAt = found ? _clock.GetUtcNow() : null };
        _store.UpdateDomain(updated, [DomainEvent(domain.Name, found ? "Verified" : "Changed", nameof(JournalDomain.Verified), Show(domain.Verified), Show(found))]);
        return updated;
    }

    public void UnregisterDomain(string name, bool removeAddresses)
    {
        var domain = GetDomain(name);
        var addresses = _store.CountInternalAddresses(domain.Name);
        if (addresses > 0 && !removeAddresses)
        {
            throw new JournalConfigurationException("DomainHasInternalAddresses", JournalErrorKind.InvalidOperation,
                $"The domain {domain.Name} still has {addresses} internal address(es). Remove them first, or use -Force to remove them with the domain.", domain.Name);
        }
        var events = new List<JournalEvent>();
        foreach (var address in addresses > 0 ? _store.GetInternalAddresses(domain.Name) : [])
        {
            events.Add(AddressEvent(address.EmailAddress, "Removed", null, null, null));
        }
        events.Add(DomainEvent(domain.Name, "Removed", null, null, null));
        _store.DeleteDomain(domain.Name, events);
    }

    // ---- internal directory ----------------------------------------------------------------

    public IReadOnlyList<InternalAddress> GetInternalAddresses(string? domain = null) =>
        _store.GetInternalAddresses(domain is null ? null : Names.NormalizeDomain(domain));

    /// <summary>Adds or updates an address; adding the same address again changes nothing.</summary>
    public InternalAddress AddInternalAddress(string address, InternalAddressType type = InternalAddressType.Mailbox,
        string? mailbox = null, string? displayName = null, string source = "Manual")
    {
        // Exchange's exports (proxyAddresses, Get-Mailbox | Export-Csv) write "SMTP:primary" and "smtp:alias".
        var normalized = Names.NormalizeAddress(Names.WithoutSmtpPrefix(address));
        var domain = Names.DomainOf(normalized);
        if (_store.GetDomain(domain) is null)
        {
            throw new JournalConfigurationException("AddressOutsideRegisteredDomains", JournalErrorKind.InvalidArgument,
                $"{normalized} is not in a registered domain. Register its domain first (Register-JournalDomain -Name {domain}), or check the address.", address);
        }
        if (_store.GetDefinitionByServiceAddress(normalized) is { } definition)
        {
            throw new JournalConfigurationException("SelfJournalingRefused", JournalErrorKind.InvalidOperation,
                $"{normalized} is the service address of the journal definition '{definition.Description}'. It cannot also be an internal mailbox: Exchange would journal the journal reports themselves.",
                address);
        }
        var owner = type == InternalAddressType.Alias
            ? Names.NormalizeAddress(string.IsNullOrWhiteSpace(mailbox)
                ? throw new JournalConfigurationException("AliasNeedsMailbox", JournalErrorKind.InvalidArgument,
                    $"{normalized} is an alias but its Mailbox is empty: give -Mailbox (or a Mailbox column in the CSV row of {normalized}), the primary address of the mailbox it belongs to.", address)
                : Names.WithoutSmtpPrefix(mailbox))
            : normalized;
        var entry = new InternalAddress
        {
            EmailAddress = normalized,
            Domain = domain,
            Type = type,
            Mailbox = owner,
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? null : displayName.Trim(),
            Source = source,
            Added = _clock.GetUtcNow(),
        };
        var existing = _store.GetInternalAddress(normalized);
        if (existing is not null)
        {
            // Addresses compare case-insensitively: "CEO@" from a sync is the stored "ceo@", not a change.
            entry = entry with
            {
                Added = existing.Added,
                EmailAddress = existing.EmailAddress,
                Mailbox = string.Equals(existing.Mailbox, entry.Mailbox, StringComparison.OrdinalIgnoreCase) ? existing.Mailbox : entry.Mailbox,
            };
            var events = new List<JournalEvent>();
            void Compare(string property, object? o, object? n)
            {
                if (!string.Equals(Show(o), Show(n), StringComparison.Ordinal))
                {
                    events.Add(AddressEvent(existing.EmailAddress, "Changed", property, Show(o), Show(n)));
                }
            }
            Compare(nameof(InternalAddress.Type), existing.Type, entry.Type);
            Compare(nameof(InternalAddress.Mailbox), existing.Mailbox, entry.Mailbox);
            Compare(nameof(InternalAddress.DisplayName), existing.DisplayName, entry.DisplayName);
            if (events.Count == 0)
            {
                return existing;
            }
            _store.SaveInternalAddress(entry with { Source = existing.Source, SourceId = existing.SourceId }, events);
            return _store.GetInternalAddress(existing.EmailAddress)!;
        }
        _store.SaveInternalAddress(entry, [AddressEvent(normalized, "Created", null, null, null)]);
        return _store.GetInternalAddress(normalized)!;
    }

    public void RemoveInternalAddress(string address)
    {
        var normalized = Names.NormalizeAddress(address);
        var existing = _store.GetInternalAddress(normalized) ?? throw new JournalConfigurationException(
            "InternalAddressNotFound", JournalErrorKind.NotFound, $"{normalized} is not in the internal directory.", address);
        _store.DeleteInternalAddress(existing.EmailAddress, [AddressEvent(existing.EmailAddress, "Removed", null, null, null)]);
    }

    // ---- events ----------------------------------------------------------------------------

    public IReadOnlyList<JournalEvent> GetEvents(string? definition = null, DateTimeOffset? after = null, int? first = null)
    {
        var query = new JournalEventQuery { After = after, First = first };
        if (definition is not null)
        {
            var d = _store.GetDefinition(definition.Trim());
            // A removed definition's history is still wanted: fall back to its last known name.
            var id = d?.Id.ToString() ?? _store.GetEvents(new JournalEventQuery { ObjectType = JournalObjectType.Definition })
                .FirstOrDefault(e => string.Equals(e.ObjectName, definition.Trim(), StringComparison.OrdinalIgnoreCase))?.ObjectId
                ?? throw DefinitionNotFound(definition);
            query = query with { ObjectType = JournalObjectType.Definition, ObjectId = id };
        }
        return _store.GetEvents(query);
    }

    private JournalEvent Event(JournalDefinition d, string action, string? property, string? oldValue, string? newValue) => new()
    {
        Time = _clock.GetUtcNow(),
        User = _actor,
        ObjectType = JournalObjectType.Definition,
        ObjectName = d.Description,
        ObjectId = d.Id.ToString(),
        Action = action,
        Property = property,
        OldValue = oldValue,
        NewValue = newValue,
    };

    private JournalEvent DomainEvent(string name, string action, string? property, string? oldValue, string? newValue) => new()
    {
        Time = _clock.GetUtcNow(),
        User = _actor,
        ObjectType = JournalObjectType.Domain,
        ObjectName = name,
        ObjectId = name,
        Action = action,
        Property = property,
        OldValue = oldValue,
        NewValue = newValue,
    };

    private JournalEvent AddressEvent(string address, string action, string? property, string? oldValue, string? newValue) => new()
    {
        Time = _clock.GetUtcNow(),
        User = _actor,
        ObjectType = JournalObjectType.InternalAddress,
        ObjectName = address,
        ObjectId = address.ToLowerInvariant(),
        Action = action,
        Property = property,
        OldValue = oldValue,
        NewValue = newValue,
    };

    private static string? Show(object? value) => value switch
    {
        null => null,
        IEnumerable<string> list => string.Join(", ", list),
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        bool b => b ? "True" : "False",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static JournalConfigurationException DefinitionNotFound(string description) =>
        new("JournalDefinitionNotFound", JournalErrorKind.NotFound,
            $"No journal definition named '{description}'. Get-JournalDefinition lists the definitions.", description);

    private static JournalConfigurationException DomainNotFound(string name) =>
        new("JournalDomainNotFound", JournalErrorKind.NotFound,
            $"The domain '{name}' is not registered. Get-JournalDomain lists the registered domains; Register-JournalDomain adds one.", name);
}
