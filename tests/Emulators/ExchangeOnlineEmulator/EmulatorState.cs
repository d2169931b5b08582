using System.Globalization;
using System.Text.Json;

namespace MimecastJournaling.Emulators.ExchangeOnline;

/// <summary>A cmdlet failure as Exchange reports it: <c>ExId|Type|Text</c> in error.details.</summary>
public sealed record EmulatorError(int Status, string ExId, string Type, string Text);

/// <summary>What a cmdlet produced.</summary>
public sealed record EmulatorOutcome(List<Dictionary<string, object?>> Objects, List<string> Warnings, EmulatorError? Error, bool Forbidden)
{
    internal static EmulatorOutcome Ok(IEnumerable<Dictionary<string, object?>> objects, params string[] warnings) => new(objects.ToList(), warnings.ToList(), null, false);
    internal static EmulatorOutcome Fail(EmulatorError error) => new(new(), new(), error, false);
    internal static EmulatorOutcome Deny() => new(new(), new(), null, true);
}

/// <summary>
/// The tenant behind the emulator and its cmdlets. Texts marked "(reference)" are Exchange's own as
/// quoted in reference/exo-admin-api.md; the others are the emulator's wording for rules whose
/// text the reference did not capture.
/// </summary>
public sealed class EmulatorState
{
    private const string DomainController = "EMU01A001DC01.EMU01A001.PROD.OUTLOOK.COM";
    private const string NotFoundType = "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException";
    private const string AlreadyExistsType = "Microsoft.Exchange.Configuration.Tasks.ManagementObjectAlreadyExistsException";
    private const string ADAlreadyExistsType = "Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException";
    private const string ProxyExistsType = "Microsoft.Exchange.Data.Directory.ProxyAddressExistsException";
    private const string InvalidOperationType = "System.InvalidOperationException";
    private const string DataValidationType = "Microsoft.Exchange.Data.DataValidationException";
    private const string ParameterBindingType = "System.Management.Automation.ParameterBindingException";

    private readonly object _lock = new();
    private readonly Dictionary<string, Cmdlet> _cmdlets;

    /// <summary>Mail contacts.</summary>
    public List<Dictionary<string, object?>> MailContacts { get; } = new();
    /// <summary>Outbound connectors.</summary>
    public List<Dictionary<string, object?>> OutboundConnectors { get; } = new();
    /// <summary>Journal rules.</summary>
    public List<Dictionary<string, object?>> JournalRules { get; } = new();
    /// <summary>Accepted domains.</summary>
    public List<Dictionary<string, object?>> AcceptedDomains { get; } = new();
    /// <summary>Recipients other than mail contacts (mailboxes, groups, mail users).</summary>
    public List<Dictionary<string, object?>> Recipients { get; } = new();
    /// <summary>The transport configuration (JournalingReportNdrTo "&lt;&gt;" means unset).</summary>
    public Dictionary<string, object?> TransportConfig { get; } = new()
    {
        ["Identity"] = "Transport Settings", ["Name"] = "Transport Settings",
        ["JournalingReportNdrTo"] = "<>", ["JournalMessageExpirationDays"] = 0L, ["PreventDuplicateJournalingEnabled"] = false,
    };
    /// <summary>Cmdlets this principal may not run (answered with 403, as without an RBAC role).</summary>
    public HashSet<string> DeniedCmdlets { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>The documented journal-rule limit (older Microsoft docs: 10).</summary>
    public int MaxJournalRules { get; set; } = 10;
    /// <summary>Every cmdlet executed with its parameters as received (JSON text).</summary>
    public List<(string Cmdlet, string Parameters)> Executed { get; } = new();
    /// <summary>Smart hosts that Validate-OutboundConnector cannot reach (its connectivity task fails).</summary>
    public HashSet<string> UnreachableSmartHosts { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The names of the cmdlets executed so far, in order (a copy, taken under the state's lock).</summary>
    public IReadOnlyList<string> ExecutedCmdlets()
    {
        lock (_lock) return Executed.Select(e => e.Cmdlet).ToArray();
    }

    /// <summary>Forgets the executed cmdlets.</summary>
    public void ClearExecuted()
    {
        lock (_lock) Executed.Clear();
    }

    /// <summary>Runs an action on the state under its lock (for changes behind the client's back).</summary>
    public void Change(Action<EmulatorState> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_lock) change(this);
    }

    /// <summary>The tenant's journaling objects as JSON (contacts, connectors, transport config, rules), for before/after comparisons.</summary>
    public string Snapshot()
    {
        lock (_lock)
        {
            return JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["MailContacts"] = MailContacts, ["OutboundConnectors"] = OutboundConnectors,
                ["TransportConfig"] = TransportConfig, ["JournalRules"] = JournalRules,
            });
        }
    }

    /// <summary>Creates a tenant with two accepted domains, an admin mailbox, an Exchange Online mailbox and a group.</summary>
    public EmulatorState()
    {
        AcceptedDomains.Add(Domain("contoso.onmicrosoft.com", isDefault: false));
        AcceptedDomains.Add(Domain("contoso.com", isDefault: true));
        Recipients.Add(Recipient("Admin", "admin@contoso.onmicrosoft.com", "UserMailbox", "UserMailbox"));
        Recipients.Add(Recipient("Journal Mailbox", "journal-mbx@contoso.com", "UserMailbox", "UserMailbox"));
        Recipients.Add(Recipient("Journal NDR Shared", "ndr-shared@contoso.com", "UserMailbox", "SharedMailbox"));
        Recipients.Add(Recipient("All Staff", "allstaff@contoso.com", "MailUniversalDistributionGroup", "MailUniversalDistributionGroup"));
        Recipients.Add(Recipient("Archive Mail User", "archive-user@archive.example", "MailUser", "MailUser"));

        string[] none = Array.Empty<string>();
        _cmdlets = new(StringComparer.OrdinalIgnoreCase)
        {
            ["Get-MailContact"] = new(new[] { "Identity", "ResultSize" }, none, true, GetMailContact),
            ["New-MailContact"] = new(new[] { "Name", "ExternalEmailAddress", "Alias", "DisplayName", "FirstName", "LastName" }, new[] { "Name", "ExternalEmailAddress" }, false, NewMailContact),
            ["Set-MailContact"] = new(new[] { "Identity", "HiddenFromAddressListsEnabled", "DisplayName", "ExternalEmailAddress", "Name", "Alias" }, new[] { "Identity" }, false, SetMailContact),
            ["Remove-MailContact"] = new(new[] { "Identity", "Confirm" }, new[] { "Identity" }, false, p => Remove(MailContacts, p)),
            ["Get-OutboundConnector"] = new(new[] { "Identity", "IncludeTestModeConnectors", "IsTransportRuleScoped" }, none, false, p => Get(OutboundConnectors, p)),
            ["New-OutboundConnector"] = new(ConnectorParameters.Append("Name").ToArray(), new[] { "Name" }, false, NewConnector),
            ["Set-OutboundConnector"] = new(ConnectorParameters.Concat(new[] { "Identity", "Name", "IsValidated", "LastValidationTimestamp", "ValidationRecipients" }).ToArray(), new[] { "Identity" }, false, SetConnector),
            ["Remove-OutboundConnector"] = new(new[] { "Identity", "Confirm" }, new[] { "Identity" }, false, p => Remove(OutboundConnectors, p)),
            ["Validate-OutboundConnector"] = new(new[] { "Identity", "Recipients" }, new[] { "Identity", "Recipients" }, false, ValidateConnector),
            ["Get-TransportConfig"] = new(new[] { "Identity" }, none, false, _ => EmulatorOutcome.Ok(new[] { Copy(TransportConfig) })),
            ["Set-TransportConfig"] = new(new[] { "Identity", "JournalingReportNdrTo", "JournalMessageExpirationDays", "PreventDuplicateJournalingEnabled" }, none, false, SetTransportConfig),
            ["Get-JournalRule"] = new(new[] { "Identity" }, none, false, p => Get(JournalRules, p)),
            ["New-JournalRule"] = new(new[] { "Name", "JournalEmailAddress", "Scope", "Recipient", "Enabled" }, new[] { "Name", "JournalEmailAddress" }, false, NewJournalRule),
            ["Set-JournalRule"] = new(new[] { "Identity", "Name", "JournalEmailAddress", "Recipient", "Scope", "Confirm" }, new[] { "Identity" }, false, SetJournalRule),
            ["Remove-JournalRule"] = new(new[] { "Identity", "Confirm" }, new[] { "Identity" }, false, p => Remove(JournalRules, p)),
            ["Enable-JournalRule"] = new(new[] { "Identity", "Confirm" }, new[] { "Identity" }, false, p => SetEnabled(p, true)),
            ["Disable-JournalRule"] = new(new[] { "Identity", "Confirm" }, new[] { "Identity" }, false, p => SetEnabled(p, false)),
            ["Get-AcceptedDomain"] = new(new[] { "Identity", "ResultSize" }, none, true, p => Get(AcceptedDomains, p)),
            ["Get-Recipient"] = new(new[] { "Identity", "ResultSize", "RecipientTypeDetails" }, none, true, p => Get(Recipients.Concat(MailContacts).ToList(), p)),
        };
    }

    private static readonly string[] ConnectorParameters =
    {
        "ConnectorType", "RecipientDomains", "SmartHosts", "UseMXRecord", "TlsSettings", "TlsDomain",
        "IsTransportRuleScoped", "Enabled", "Comment", "AllAcceptedDomains", "CloudServicesMailEnabled",
        "RouteAllMessagesViaOnPremises", "SenderRewritingEnabled", "TestMode", "Confirm",
    };

    /// <summary>Adds <paramref name="count"/> user mailboxes (user00001@contoso.com …) for paging tests.</summary>
    public void SeedMailboxes(int count)
    {
        lock (_lock)
        {
            for (var i = 1; i <= count; i++)
                Recipients.Add(Recipient($"User {i:00000}", $"user{i:00000}@contoso.com", "UserMailbox", "UserMailbox"));
        }
    }

    /// <summary>Runs a cmdlet against the state.</summary>
    public EmulatorOutcome Execute(string cmdletName, JsonElement parameters)
    {
        lock (_lock)
        {
            Executed.Add((cmdletName, parameters.GetRawText()));
            if (!_cmdlets.TryGetValue(cmdletName, out var cmdlet) || DeniedCmdlets.Contains(cmdletName))
                return EmulatorOutcome.Deny(); // unknown cmdlet or no role: 403 with a NUL body (reference)
            var p = new Params(parameters);
            foreach (var name in p.Names)
            {
                if (!cmdlet.Allowed.Contains(name, StringComparer.OrdinalIgnoreCase))
                    return EmulatorOutcome.Fail(new(400, "Ex2B0F3A", ParameterBindingType, $"A parameter cannot be found that matches parameter name '{name}'."));
            }
            foreach (var name in cmdlet.Required)
            {
                if (!p.Has(name))
                    return EmulatorOutcome.Fail(new(400, "Ex2B0F3B", ParameterBindingType, $"Cannot process command because of one or more missing mandatory parameters: {name}."));
            }
            var outcome = cmdlet.Run(p);
            if (!cmdlet.TakesResultSize || outcome.Error is not null) return outcome;
            // Without ResultSize Unlimited the result is cut at 1,000 (or at the given number) with a warning.
            var size = p.Str("ResultSize");
            if (string.Equals(size, "Unlimited", StringComparison.OrdinalIgnoreCase)) return outcome;
            var limit = int.TryParse(size, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 1000;
            if (outcome.Objects.Count <= limit) return outcome;
            return EmulatorOutcome.Ok(outcome.Objects.Take(limit),
                "There are more results available than are currently displayed. To view them, increase the value for the ResultSize parameter.");
        }
    }

    // ---- mail contacts ------------------------------------------------------------------------------

    private EmulatorOutcome GetMailContact(Params p) => Get(MailContacts, p);

    private EmulatorOutcome NewMailContact(Params p)
    {
        var name = p.Str("Name")!;
        if (TooLong(name, 64) is { } tooLong) return tooLong;
        var address = StripSmtp(p.Str("ExternalEmailAddress")!);
        if (AllRecipients().Any(r => NameEquals(r, name)))
            return EmulatorOutcome.Fail(new(400, "Ex4E7A19", ADAlreadyExistsType, $"The name \"{name}\" is already being used. Please try another name.")); // (reference)
        if (AllRecipients().Any(r => r["PrimarySmtpAddress"] is string s && s.Equals(address, StringComparison.OrdinalIgnoreCase)))
            return EmulatorOutcome.Fail(new(400, "Ex9C1D5E", ProxyExistsType,
                $"The proxy address \"SMTP:{address}\" is already being used by the proxy addresses or LegacyExchangeDN. Please choose another proxy address.")); // (reference)
        var alias = p.Str("Alias") ?? new string(name.Where(c => !char.IsWhiteSpace(c)).ToArray());
        var contact = new Dictionary<string, object?>
        {
            ["Identity"] = name, ["Name"] = name, ["Alias"] = alias, ["DisplayName"] = p.Str("DisplayName") ?? name,
            ["ExternalEmailAddress"] = "SMTP:" + address, ["PrimarySmtpAddress"] = address,
            ["EmailAddresses"] = new List<string> { "SMTP:" + address },
            ["HiddenFromAddressListsEnabled"] = false, ["Guid"] = Guid.NewGuid().ToString(),
            ["RecipientType"] = "MailContact", ["RecipientTypeDetails"] = "MailContact",
        };
        MailContacts.Add(contact);
        return EmulatorOutcome.Ok(new[] { Copy(contact) });
    }

    private EmulatorOutcome SetMailContact(Params p)
    {
        if (Find(MailContacts, p.Str("Identity")!) is not { } contact) return NotFound(p.Str("Identity")!);
        if (p.Has("HiddenFromAddressListsEnabled")) contact["HiddenFromAddressListsEnabled"] = p.Bool("HiddenFromAddressListsEnabled");
        if (p.Str("DisplayName") is { } dn) contact["DisplayName"] = dn;
        if (p.Str("Alias") is { } alias) contact["Alias"] = alias;
        if (p.Str("ExternalEmailAddress") is { } ext)
        {
            var a = StripSmtp(ext);
            contact["ExternalEmailAddress"] = "SMTP:" + a;
            contact["PrimarySmtpAddress"] = a;
            contact["EmailAddresses"] = new List<string> { "SMTP:" + a };
        }
        if (p.Str("Name") is { } newName)
        {
            if (AllRecipients().Any(r => r != contact && NameEquals(r, newName)))
                return EmulatorOutcome.Fail(new(400, "Ex4E7A19", ADAlreadyExistsType, $"The name \"{newName}\" is already being used. Please try another name."));
            contact["Name"] = contact["Identity"] = newName;
        }
        return EmulatorOutcome.Ok(Array.Empty<Dictionary<string, object?>>());
    }

    // ---- outbound connectors ------------------------------------------------------------------------

    private EmulatorOutcome NewConnector(Params p)
    {
        var name = p.Str("Name")!;
        if (TooLong(name, 64) is { } tooLong) return tooLong;
        if (OutboundConnectors.Any(c => NameEquals(c, name)))
            return EmulatorOutcome.Fail(new(400, "Ex1A2B3C", AlreadyExistsType, $"The object '{name}' already exists.")); // (reference: go-exoscc's quote)
        var connector = new Dictionary<string, object?>
        {
            ["Identity"] = name, ["Name"] = name, ["Guid"] = Guid.NewGuid().ToString(), ["Enabled"] = true,
            ["ConnectorType"] = "OnPremises", ["ConnectorSource"] = "Default", ["Comment"] = null,
            ["UseMXRecord"] = true, ["SmartHosts"] = new List<string>(), ["RecipientDomains"] = new List<string>(),
            ["TlsSettings"] = null, ["TlsDomain"] = null, ["IsTransportRuleScoped"] = false,
            ["IsValidated"] = false, ["LastValidationTimestamp"] = null, ["ValidationRecipients"] = new List<string>(),
        };
        if (ApplyConnector(connector, p) is { } error) return error;
        OutboundConnectors.Add(connector);
        return EmulatorOutcome.Ok(new[] { Copy(connector) });
    }

    private EmulatorOutcome SetConnector(Params p)
    {
        if (Find(OutboundConnectors, p.Str("Identity")!) is not { } connector) return NotFound(p.Str("Identity")!);
        var before = Copy(connector);
        if (ApplyConnector(connector, p) is { } error)
        {
            foreach (var (k, v) in before) connector[k] = v;
            return error;
        }
        if (p.Str("Name") is { } newName)
        {
            if (OutboundConnectors.Any(c => c != connector && NameEquals(c, newName)))
                return EmulatorOutcome.Fail(new(400, "Ex1A2B3C", AlreadyExistsType, $"The object '{newName}' already exists."));
            connector["Name"] = connector["Identity"] = newName;
        }
        if (p.Has("IsValidated")) connector["IsValidated"] = p.Bool("IsValidated");
        if (p.Str("LastValidationTimestamp") is { } ts) connector["LastValidationTimestamp"] = ts;
        if (p.Has("ValidationRecipients")) connector["ValidationRecipients"] = p.Strs("ValidationRecipients");
        return EmulatorOutcome.Ok(Array.Empty<Dictionary<string, object?>>());
    }

    private static EmulatorOutcome? ApplyConnector(Dictionary<string, object?> c, Params p)
    {
        if (p.Str("ConnectorType") is { } type)
        {
            if (type is not ("Partner" or "OnPremises"))
                return EmulatorOutcome.Fail(new(400, "Ex2B0F3C", ParameterBindingType, $"Cannot bind parameter 'ConnectorType'. Cannot convert value \"{type}\" to type \"Microsoft.Exchange.Data.TenantConnectorType\"."));
            c["ConnectorType"] = type;
        }
        if (p.Has("RecipientDomains")) c["RecipientDomains"] = p.Strs("RecipientDomains");
        if (p.Has("SmartHosts")) c["SmartHosts"] = p.Strs("SmartHosts");
        if (p.Has("UseMXRecord")) c["UseMXRecord"] = p.Bool("UseMXRecord");
        if (p.Has("TlsSettings"))
        {
            var tls = p.Str("TlsSettings");
            if (tls is not (null or "EncryptionOnly" or "CertificateValidation" or "DomainValidation"))
                return EmulatorOutcome.Fail(new(400, "Ex2B0F3C", ParameterBindingType, $"Cannot bind parameter 'TlsSettings'. Cannot convert value \"{tls}\" to type \"Microsoft.Exchange.Data.TlsAuthLevel\"."));
            c["TlsSettings"] = tls;
        }
        if (p.Has("TlsDomain")) c["TlsDomain"] = p.Str("TlsDomain");
        if (p.Has("IsTransportRuleScoped")) c["IsTransportRuleScoped"] = p.Bool("IsTransportRuleScoped");
        if (p.Has("Enabled")) c["Enabled"] = p.Bool("Enabled");
        if (p.Has("Comment")) c["Comment"] = p.Str("Comment");
        // Rules from New-OutboundConnector.md; the error wording is the emulator's.
        var hosts = (List<string>)c["SmartHosts"]!;
        if (c["UseMXRecord"] is false && hosts.Count == 0)
            return EmulatorOutcome.Fail(new(400, "Ex7D1E20", DataValidationType, "SmartHosts must be specified when UseMXRecord is set to false."));
        if (hosts.FirstOrDefault(h => h.Contains(':', StringComparison.Ordinal) && !h.Contains("::", StringComparison.Ordinal)) is { } withPort)
            return EmulatorOutcome.Fail(new(400, "Ex7D1E21", DataValidationType, $"The smart host '{withPort}' isn't valid: ports can't be specified."));
        if (c["TlsDomain"] is string && !Equals(c["TlsSettings"], "DomainValidation"))
            return EmulatorOutcome.Fail(new(400, "Ex7D1E22", DataValidationType, "TlsDomain can only be specified when TlsSettings is DomainValidation."));
        return null;
    }

    private EmulatorOutcome ValidateConnector(Params p)
    {
        if (Find(OutboundConnectors, p.Str("Identity")!) is not { } connector) return NotFound(p.Str("Identity")!);
        // Validate-OutboundConnector.md: SMTP connectivity to each smart host, then a test message to
        // each recipient "in the domain that's configured on the connector". The reference has only
        // TaskName and IsTaskSuccessful; Target and Details are the emulator's.
        var results = new List<Dictionary<string, object?>>();
        var hosts = (List<string>)connector["SmartHosts"]!;
        var reachable = true;
        if (connector["UseMXRecord"] is false)
        {
            foreach (var host in hosts)
            {
                var ok = !UnreachableSmartHosts.Contains(host);
                reachable &= ok;
                results.Add(new() { ["TaskName"] = "Validate SmartHost connectivity", ["Target"] = host, ["IsTaskSuccessful"] = ok,
                    ["Details"] = ok ? $"Connected to {host} on port 25 and started TLS." : $"Unable to connect to {host} on port 25." });
            }
        }
        var domains = (List<string>)connector["RecipientDomains"]!;
        foreach (var recipient in p.Strs("Recipients"))
        {
            var domain = recipient.Contains('@', StringComparison.Ordinal) ? recipient[(recipient.LastIndexOf('@') + 1)..] : "";
            var inDomain = domains.Any(d => d.Equals(domain, StringComparison.OrdinalIgnoreCase)
                || (d.StartsWith("*.", StringComparison.Ordinal) && domain.EndsWith(d[1..], StringComparison.OrdinalIgnoreCase)));
            var ok = inDomain && reachable;
            results.Add(new() { ["TaskName"] = "Send test email", ["Target"] = recipient, ["IsTaskSuccessful"] = ok,
                ["Details"] = !inDomain ? $"The recipient {recipient} is not in a domain of the connector." : ok ? $"Test email sent to {recipient}." : $"Test email to {recipient} could not be delivered." });
        }
        return EmulatorOutcome.Ok(results);
    }

    // ---- transport config ---------------------------------------------------------------------------

    private EmulatorOutcome SetTransportConfig(Params p)
    {
        if (p.Has("JournalingReportNdrTo"))
        {
            var address = p.Str("JournalingReportNdrTo");
            if (string.IsNullOrEmpty(address) || address == "<>")
            {
                TransportConfig["JournalingReportNdrTo"] = "<>";
            }
            else
            {
                if (ResolveRecipient(address) is { } r && Equals(r["RecipientType"], "UserMailbox"))
                    // Rule from Set-TransportConfig.md ("can't be an Exchange Online mailbox"); the wording is the emulator's.
                    return EmulatorOutcome.Fail(new(400, "Ex5F0C11", InvalidOperationType,
                        $"The JournalingReportNdrTo address '{address}' can't be an Exchange Online mailbox. Specify an external address or a mail contact."));
                TransportConfig["JournalingReportNdrTo"] = address;
            }
        }
        if (p.Has("JournalMessageExpirationDays"))
        {
            var days = p.Int("JournalMessageExpirationDays");
            if (days is null or < 0 or > 7)
                return EmulatorOutcome.Fail(new(400, "Ex5F0C12", DataValidationType, $"The value \"{p.Str("JournalMessageExpirationDays")}\" isn't valid for JournalMessageExpirationDays: it must be between 0 and 7."));
            TransportConfig["JournalMessageExpirationDays"] = (long)days.Value;
        }
        if (p.Has("PreventDuplicateJournalingEnabled")) TransportConfig["PreventDuplicateJournalingEnabled"] = p.Bool("PreventDuplicateJournalingEnabled");
        return EmulatorOutcome.Ok(Array.Empty<Dictionary<string, object?>>());
    }

    // ---- journal rules ------------------------------------------------------------------------------

    private EmulatorOutcome NewJournalRule(Params p)
    {
        var name = p.Str("Name")!;
        if (TooLong(name, 64) is { } tooLong) return tooLong;
        if (Equals(TransportConfig["JournalingReportNdrTo"], "<>"))
            return EmulatorOutcome.Fail(new(400, "ExC3A0F7", InvalidOperationType,
                "Before you create a journal rule, you must specify an email account to receive journal reports that can't be delivered to the journal destination. To do this, click OK. On the Journal rules page, select an email address to send undeliverable journal reports to. Browse to select a mailbox in your organization or an external contact to receive the undeliverable reports.")); // (reference)
        if (JournalRules.Any(r => NameEquals(r, name)))
            return EmulatorOutcome.Fail(new(400, "Ex1A2B3D", AlreadyExistsType, $"The object '{name}' already exists."));
        if (CheckJournalAddress(p.Str("JournalEmailAddress")!, out var address) is { } bad) return bad;
        var scope = p.Str("Scope") ?? "Global";
        if (scope is not ("Global" or "Internal" or "External"))
            return EmulatorOutcome.Fail(new(400, "Ex2B0F3C", ParameterBindingType, $"Cannot bind parameter 'Scope'. Cannot convert value \"{scope}\" to type \"Microsoft.Exchange.MessagingPolicies.Journaling.JournalRuleScope\"."));
        if (JournalRules.Count >= MaxJournalRules)
            return EmulatorOutcome.Fail(new(400, "ExC3A0F8", InvalidOperationType, $"You can't create more than {MaxJournalRules} journal rules."));
        var rule = new Dictionary<string, object?>
        {
            ["Identity"] = name, ["Name"] = name, ["Guid"] = Guid.NewGuid().ToString(),
            ["JournalEmailAddress"] = address, ["Recipient"] = p.Str("Recipient"), ["Scope"] = scope,
            ["Enabled"] = p.Has("Enabled") && p.Bool("Enabled"), // the service default is disabled (reference)
        };
        JournalRules.Add(rule);
        return EmulatorOutcome.Ok(new[] { Copy(rule) });
    }

    private EmulatorOutcome SetJournalRule(Params p)
    {
        if (Find(JournalRules, p.Str("Identity")!) is not { } rule) return NotFound(p.Str("Identity")!);
        if (p.Str("JournalEmailAddress") is { } j)
        {
            if (CheckJournalAddress(j, out var address) is { } bad) return bad;
            rule["JournalEmailAddress"] = address;
        }
        if (p.Has("Recipient")) rule["Recipient"] = p.Str("Recipient");
        if (p.Str("Scope") is { } scope) rule["Scope"] = scope;
        if (p.Str("Name") is { } newName)
        {
            if (JournalRules.Any(r => r != rule && NameEquals(r, newName)))
                return EmulatorOutcome.Fail(new(400, "Ex1A2B3D", AlreadyExistsType, $"The object '{newName}' already exists."));
            rule["Name"] = rule["Identity"] = newName;
        }
        return EmulatorOutcome.Ok(Array.Empty<Dictionary<string, object?>>());
    }

    private EmulatorOutcome SetEnabled(Params p, bool enabled)
    {
        if (Find(JournalRules, p.Str("Identity")!) is not { } rule) return NotFound(p.Str("Identity")!);
        rule["Enabled"] = enabled;
        return EmulatorOutcome.Ok(Array.Empty<Dictionary<string, object?>>());
    }

    private static readonly string[] ConsumerDomains = { "outlook.com", "hotmail.com", "live.com", "gmail.com" };

    private EmulatorOutcome? CheckJournalAddress(string value, out string address)
    {
        var invalid = EmulatorOutcome.Fail(new(400, "FC07E026", InvalidOperationType, "The JournalEmailAddress can only be a mail user, a mail contact or an external address.")); // (reference)
        address = value;
        if (ResolveRecipient(value) is { } r)
        {
            if (!(r["RecipientType"] is "MailContact" or "MailUser")) return invalid;
            address = (string)r["PrimarySmtpAddress"]!;
            return null;
        }
        if (!value.Contains('@', StringComparison.Ordinal)) return NotFound(value);
        if (ConsumerDomains.Any(d => value.EndsWith("@" + d, StringComparison.OrdinalIgnoreCase))) return invalid;
        return null;
    }

    // ---- generic ------------------------------------------------------------------------------------

    private static EmulatorOutcome Get(List<Dictionary<string, object?>> list, Params p)
    {
        if (p.Str("Identity") is { } identity)
            return Find(list, identity) is { } found ? EmulatorOutcome.Ok(new[] { Copy(found) }) : NotFound(identity);
        IEnumerable<Dictionary<string, object?>> items = list;
        if (p.Str("RecipientTypeDetails") is { } rtd) items = items.Where(i => Equals(i["RecipientTypeDetails"], rtd));
        return EmulatorOutcome.Ok(items.Select(Copy));
    }

    private static EmulatorOutcome Remove(List<Dictionary<string, object?>> list, Params p)
    {
        if (Find(list, p.Str("Identity")!) is not { } found) return NotFound(p.Str("Identity")!);
        list.Remove(found);
        return EmulatorOutcome.Ok(Array.Empty<Dictionary<string, object?>>());
    }

    private static EmulatorOutcome NotFound(string identity) =>
        EmulatorOutcome.Fail(new(404, "Ex6F9304", NotFoundType,
            $"The operation couldn't be performed because object '{identity}' couldn't be found on '{DomainController}'.")); // (reference)

    private static EmulatorOutcome? TooLong(string value, int max) => value.Length <= max ? null :
        EmulatorOutcome.Fail(new(400, "Ex7D1E23", DataValidationType, $"The length of the property is too long. The maximum length is {max} and the length of the value provided is {value.Length}."));

    private IEnumerable<Dictionary<string, object?>> AllRecipients() => Recipients.Concat(MailContacts);

    private Dictionary<string, object?>? ResolveRecipient(string identity) => Find(AllRecipients().ToList(), StripSmtp(identity));

    private static Dictionary<string, object?>? Find(List<Dictionary<string, object?>> list, string identity)
    {
        var id = StripSmtp(identity);
        return list.FirstOrDefault(o =>
            new[] { "Identity", "Name", "Alias", "Guid", "PrimarySmtpAddress", "DomainName" }
                .Any(k => o.TryGetValue(k, out var v) && v is string s && s.Equals(id, StringComparison.OrdinalIgnoreCase)));
    }

    private static bool NameEquals(Dictionary<string, object?> o, string name) => o["Name"] is string n && n.Equals(name, StringComparison.OrdinalIgnoreCase);

    private static string StripSmtp(string a) => a.StartsWith("SMTP:", StringComparison.OrdinalIgnoreCase) ? a[5..] : a;

    private static Dictionary<string, object?> Copy(Dictionary<string, object?> o) =>
        o.ToDictionary(kv => kv.Key, kv => kv.Value is List<string> l ? new List<string>(l) : kv.Value);

    private static Dictionary<string, object?> Domain(string name, bool isDefault) => new()
    {
        ["Identity"] = name, ["Name"] = name, ["DomainName"] = name, ["DomainType"] = "Authoritative",
        ["Default"] = isDefault, ["Guid"] = Guid.NewGuid().ToString(),
    };

    private static Dictionary<string, object?> Recipient(string name, string address, string type, string details) => new()
    {
        ["Identity"] = name, ["Name"] = name, ["Alias"] = address.Split('@')[0], ["DisplayName"] = name,
        ["PrimarySmtpAddress"] = address, ["EmailAddresses"] = new List<string> { "SMTP:" + address },
        ["RecipientType"] = type, ["RecipientTypeDetails"] = details, ["Guid"] = Guid.NewGuid().ToString(),
    };

    private sealed record Cmdlet(string[] Allowed, string[] Required, bool TakesResultSize, Func<Params, EmulatorOutcome> Run);

    /// <summary>Reads InvokeCommand parameters the way PowerShell binding would (bools from true/"True", arrays or single values).</summary>
    private sealed class Params(JsonElement root)
    {
        public IEnumerable<string> Names => root.ValueKind == JsonValueKind.Object ? root.EnumerateObject().Select(p => p.Name) : Array.Empty<string>();

        public bool Has(string name) => root.ValueKind == JsonValueKind.Object && root.EnumerateObject().Any(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

        private JsonElement? Value(string name) =>
            root.ValueKind == JsonValueKind.Object ? root.EnumerateObject().Where(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(p => (JsonElement?)p.Value).FirstOrDefault() : null;

        public string? Str(string name) => Value(name) switch
        {
            { ValueKind: JsonValueKind.String } v => v.GetString(),
            { ValueKind: JsonValueKind.Number } v => v.GetRawText(),
            { ValueKind: JsonValueKind.True } => "True",
            { ValueKind: JsonValueKind.False } => "False",
            _ => null,
        };

        public bool Bool(string name) => Value(name) switch
        {
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.String } v => bool.TryParse(v.GetString(), out var b) && b,
            _ => false,
        };

        public int? Int(string name) => int.TryParse(Str(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null;

        public List<string> Strs(string name) => Value(name) switch
        {
            { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText()).ToList(),
            { ValueKind: JsonValueKind.String } s => s.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
            _ => new List<string>(),
        };
    }
}
