namespace MimecastJournaling.ExchangeOnline;

/// <summary>The steps of Enable-O365Journaling, in the order they run.</summary>
public enum O365JournalingStepKind
{
    /// <summary>The mail contact for the journal service address.</summary>
    Contact,
    /// <summary>The partner outbound connector to the listener.</summary>
    Connector,
    /// <summary>Validate-OutboundConnector, then marking the connector validated.</summary>
    ConnectorValidation,
    /// <summary>The alternate journaling (NDR) recipient.</summary>
    NdrRecipient,
    /// <summary>The journal rule.</summary>
    JournalRule,
}

/// <summary>One step of Enable-O365Journaling and what it did.</summary>
public sealed class O365JournalingStep
{
    /// <summary>The journal definition the step is for.</summary>
    public string Definition { get; init; } = "";
    /// <summary>The step.</summary>
    public O365JournalingStepKind Step { get; init; }
    /// <summary>The Exchange object's name (the NDR address for NdrRecipient).</summary>
    public string Name { get; init; } = "";
    /// <summary>Created, Updated, Unchanged, Validated or Failed.</summary>
    public O365JournalingAction Action { get; init; }
    /// <summary>What was done or found, in words.</summary>
    public string Detail { get; init; } = "";
}

/// <summary>What one step of Enable-O365Journaling would do (read only; nothing changed yet).</summary>
public sealed class JournalingStepPlan
{
    internal JournalingStepPlan(O365JournalingStepKind step, string name, bool isUnchanged, string description, object? inner)
    {
        Step = step;
        Name = name;
        IsUnchanged = isUnchanged;
        Description = description;
        Inner = inner;
    }

    /// <summary>The step.</summary>
    public O365JournalingStepKind Step { get; }
    /// <summary>The Exchange object's name.</summary>
    public string Name { get; }
    /// <summary>Nothing to do.</summary>
    public bool IsUnchanged { get; }
    /// <summary>What would be done (for -WhatIf), or what was found when unchanged.</summary>
    public string Description { get; }
    internal object? Inner { get; }
}

/// <summary>
/// What Enable-O365Journaling and Test-O365Journaling work from: a journal definition (its name and
/// service address), the listener's smart hosts, and the names and options of the Exchange
/// objects. The object names default to "Journal - &lt;definition&gt;" (<see cref="JournalingChecks.DefaultName"/>).
/// </summary>
public sealed record JournalingTarget
{
    /// <summary>Checks every value locally (names, address, smart hosts, TLS) before anything is sent.</summary>
    public JournalingTarget(string definition, string serviceEmailAddress, IEnumerable<string> smartHosts,
        IEnumerable<string>? recipientDomains = null, TlsAuthLevel tlsSettings = TlsAuthLevel.CertificateValidation, string? tlsDomain = null,
        string? contactName = null, string? connectorName = null, string? ruleName = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(definition);
        Definition = definition.Trim();
        ServiceEmailAddress = JournalingChecks.CheckAddress(serviceEmailAddress, "service email address");
        var defaultName = JournalingChecks.DefaultName(Definition);
        ContactName = JournalingChecks.CheckName(contactName ?? defaultName, "contact");
        ConnectorName = JournalingChecks.CheckName(connectorName ?? defaultName, "connector");
        RuleName = JournalingChecks.CheckName(ruleName ?? defaultName, "journal rule");
        Connector = new PartnerConnectorSettings(recipientDomains ?? new[] { JournalingChecks.DomainOf(ServiceEmailAddress) }, smartHosts, tlsSettings, tlsDomain,
            $"Journal reports of '{Definition}' to the journaling listener (MimecastJournaling)");
    }

    /// <summary>The journal definition's name.</summary>
    public string Definition { get; }
    /// <summary>The journal service address (the contact's external address and the rule's target).</summary>
    public string ServiceEmailAddress { get; }
    /// <summary>The mail contact's name.</summary>
    public string ContactName { get; }
    /// <summary>The connector's name.</summary>
    public string ConnectorName { get; }
    /// <summary>The journal rule's name.</summary>
    public string RuleName { get; }
    /// <summary>The connector's settings.</summary>
    public PartnerConnectorSettings Connector { get; }
    /// <summary>Show the contact in address lists (default hidden).</summary>
    public bool ShowContactInAddressList { get; init; }
    /// <summary>The NDR recipient to set; null keeps the tenant's (which must then be set and not a mailbox).</summary>
    public string? NdrRecipient { get; init; }
    /// <summary>The journal rule's scope.</summary>
    public JournalRuleScope Scope { get; init; } = JournalRuleScope.Global;
    /// <summary>The one recipient journaled; null for everyone.</summary>
    public string? Recipient { get; init; }
    /// <summary>Where Validate-OutboundConnector sends its test messages (default: the service address).</summary>
    public IReadOnlyList<string>? ValidationRecipients { get; init; }
    /// <summary>The journal rule limit checked before a rule is created.</summary>
    public int RuleLimit { get; init; } = JournalRules.DefaultRuleLimit;

    internal IReadOnlyList<string> Recipients => ValidationRecipients is { Count: > 0 } r ? r : new[] { ServiceEmailAddress };

    internal JournalRuleSettings Rule => new(ServiceEmailAddress, Scope, Recipient) { EquivalentAddresses = new[] { ContactName } };
}

/// <summary>One check of Test-O365Journaling; a failed check is drift.</summary>
/// <param name="Name">What was checked (Contact, Connector, ConnectorSmartHosts, JournalRuleEnabled …).</param>
/// <param name="Passed">True when the tenant matches.</param>
/// <param name="Detail">What was found, and what to run when it failed.</param>
/// <param name="Expected">The wanted value, when there is one.</param>
/// <param name="Actual">The tenant's value, when there is one.</param>
public sealed record O365JournalingCheck(string Name, bool Passed, string Detail, string? Expected = null, string? Actual = null)
{
    /// <inheritdoc />
    public override string ToString() => $"{(Passed ? "PASS" : "FAIL")} {Name}: {Detail}";
}

/// <summary>The result of Test-O365Journaling: every check, the drift among them, and Passed.</summary>
public sealed class O365JournalingTestResult
{
    /// <summary>The journal definition.</summary>
    public string Definition { get; init; } = "";
    /// <summary>Its service address.</summary>
    public string ServiceEmailAddress { get; init; } = "";
    /// <summary>True when every check passed (a Pester suite asserts this).</summary>
    public bool Passed { get; init; }
    /// <summary>Every check, in the order of the setup.</summary>
    public IReadOnlyList<O365JournalingCheck> Checks { get; init; } = Array.Empty<O365JournalingCheck>();
    /// <summary>The failed checks (what Enable-O365Journaling would fix).</summary>
    public IReadOnlyList<O365JournalingCheck> Drift => Checks.Where(c => !c.Passed).ToArray();
}

/// <summary>
/// Enable-O365Journaling and Test-O365Journaling: the contact → connector (validated) → NDR
/// recipient → journal rule, each planned from what Exchange has, then applied; or compared only.
/// </summary>
public sealed class JournalingSetup
{
    private readonly ExchangeJournalingCommands _commands;
    private bool _connectorChanged, _ndrPending;

    /// <summary>A setup for one definition.</summary>
    public JournalingSetup(ExchangeJournalingCommands commands, JournalingTarget target)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(target);
        _commands = commands;
        Target = target;
    }

    /// <summary>The definition and the wanted objects.</summary>
    public JournalingTarget Target { get; }

    /// <summary>The steps, in order.</summary>
    public static IReadOnlyList<O365JournalingStepKind> Steps { get; } = Enum.GetValues<O365JournalingStepKind>();

    /// <summary>
    /// Before any step changes anything: the NDR recipient (given: not a mailbox; not given: the
    /// tenant must have one that is not a mailbox) and the journal rule limit, when the rule is new.
    /// </summary>
    public async Task PreflightAsync(CancellationToken cancellationToken = default)
    {
        var t = Target;
        if (t.NdrRecipient is not null)
        {
            await JournalNdrRecipients.PlanAsync(_commands, t.NdrRecipient, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await PlanAsync(O365JournalingStepKind.NdrRecipient, cancellationToken).ConfigureAwait(false);
        }
        if (await _commands.FindJournalRuleAsync(t.RuleName, cancellationToken).ConfigureAwait(false) is null)
        {
            var plan = await JournalRules.PlanAsync(_commands, t.RuleName, t.Rule, t.RuleLimit, cancellationToken).ConfigureAwait(false);
            plan.EnsureBelowLimit();
        }
    }

    /// <summary>
    /// Plans one step. Call them in order: a step that was not applied (-WhatIf) is taken into
    /// account by the later ones (the validation of a connector not created yet, a rule before the
    /// NDR recipient is set).
    /// </summary>
    public async Task<JournalingStepPlan> PlanAsync(O365JournalingStepKind step, CancellationToken cancellationToken = default)
    {
        var t = Target;
        switch (step)
        {
            case O365JournalingStepKind.Contact:
            {
                var plan = await JournalContacts.PlanAsync(_commands, t.ContactName, t.ServiceEmailAddress, !t.ShowContactInAddressList, cancellationToken).ConfigureAwait(false);
                var text = plan.Create ? $"Create mail contact for {t.ServiceEmailAddress}, {(plan.Hidden ? "hidden from" : "shown in")} address lists"
                    : plan.IsUnchanged ? $"Forwards to {t.ServiceEmailAddress}" : "Update mail contact: " + string.Join("; ", plan.Changes);
                return new(step, t.ContactName, plan.IsUnchanged, text, plan);
            }
            case O365JournalingStepKind.Connector:
            {
                var plan = await PartnerConnectors.PlanAsync(_commands, t.ConnectorName, t.Connector, cancellationToken).ConfigureAwait(false);
                _connectorChanged = !plan.IsUnchanged;
                var text = plan.IsUnchanged ? $"Partner connector for {JournalingChecks.List(t.Connector.RecipientDomains)} to {JournalingChecks.List(t.Connector.SmartHosts)}, TLS {t.Connector.TlsSettings}" : plan.Description;
                return new(step, t.ConnectorName, plan.IsUnchanged, text, plan);
            }
            case O365JournalingStepKind.ConnectorValidation:
            {
                var connector = await _commands.FindOutboundConnectorAsync(t.ConnectorName, cancellationToken).ConfigureAwait(false);
                if (connector is { IsValidated: true } && !_connectorChanged)
                    return new(step, t.ConnectorName, true, $"Validated {connector.LastValidationTimestamp?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? ""}".TrimEnd(), null);
                return new(step, t.ConnectorName, false,
                    $"Validate the connector (Validate-OutboundConnector: SMTP to {JournalingChecks.List(t.Connector.SmartHosts)}, test message to {JournalingChecks.List(t.Recipients)}) and mark it validated", null);
            }
            case O365JournalingStepKind.NdrRecipient:
            {
                if (t.NdrRecipient is null)
                {
                    var current = await JournalNdrRecipients.GetAsync(_commands, cancellationToken).ConfigureAwait(false);
                    if (!current.IsSet)
                        throw new O365JournalingException("NdrRecipientRequired", O365JournalingErrorKind.InvalidOperation,
                            "The tenant has no alternate journaling (NDR) recipient, and no journal rule can be created without one. Give -NdrRecipient (an external address or a mail contact, not an Exchange Online mailbox).", t.Definition);
                    if (current.IsMailbox)
                        throw new O365JournalingException("NdrRecipientIsMailbox", O365JournalingErrorKind.InvalidOperation,
                            $"The tenant's NDR recipient '{current.Address}' is an Exchange Online mailbox ({current.RecipientTypeDetails}), which cannot receive undeliverable journal reports. Give -NdrRecipient with an external address or a mail contact.", current.Address);
                    return new(step, current.Address!, true, $"JournalingReportNdrTo is {current.Address}", null);
                }
                var plan = await JournalNdrRecipients.PlanAsync(_commands, t.NdrRecipient, cancellationToken).ConfigureAwait(false);
                _ndrPending = !plan.IsUnchanged;
                return new(step, plan.Address, plan.IsUnchanged, plan.IsUnchanged ? $"JournalingReportNdrTo is {plan.Address}" : plan.Description, plan);
            }
            case O365JournalingStepKind.JournalRule:
            {
                var plan = await JournalRules.PlanAsync(_commands, t.RuleName, t.Rule, t.RuleLimit, cancellationToken).ConfigureAwait(false);
                // Under -WhatIf the NDR step has not run: its pending change satisfies the rule's prerequisite.
                if (plan.Create && _ndrPending && !plan.NdrRecipientSet) plan.EnsureBelowLimit();
                else if (plan.Create) plan.EnsureCanCreate();
                var text = plan.IsUnchanged ? $"Enabled, {plan.Existing!.Scope}, journal reports to {plan.Existing.JournalEmailAddress}" : plan.Description;
                return new(step, t.RuleName, plan.IsUnchanged, text, plan);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(step));
        }
    }

    /// <summary>
    /// What a step would do, from the target alone (Enable-O365Journaling -WhatIf without a
    /// connection): the object's name and what would be created or made to match. Whether it
    /// exists already, and the tenant's own values, only a connection can tell.
    /// </summary>
    public static (string Name, string Description) DescribeWithoutConnection(JournalingTarget target, O365JournalingStepKind step)
    {
        ArgumentNullException.ThrowIfNull(target);
        var t = target;
        var c = t.Connector;
        return step switch
        {
            O365JournalingStepKind.Contact => (t.ContactName,
                $"Create mail contact for {t.ServiceEmailAddress}, {(t.ShowContactInAddressList ? "shown in" : "hidden from")} address lists (or make the existing one match)"),
            O365JournalingStepKind.Connector => (t.ConnectorName,
                $"Create partner outbound connector for {JournalingChecks.List(c.RecipientDomains)} to smart host {JournalingChecks.List(c.SmartHosts)}, TLS {c.TlsSettings}{(c.TlsDomain is null ? "" : " (" + c.TlsDomain + ")")} (or make the existing one match)"),
            O365JournalingStepKind.ConnectorValidation => (t.ConnectorName,
                $"Validate the connector (Validate-OutboundConnector: SMTP to {JournalingChecks.List(c.SmartHosts)}, test message to {JournalingChecks.List(t.Recipients)}) and mark it validated, unless it is validated and unchanged"),
            O365JournalingStepKind.NdrRecipient => t.NdrRecipient is { } ndr
                ? (ndr, $"Set the alternate journaling (NDR) recipient (Set-TransportConfig -JournalingReportNdrTo) to {ndr}, unless it is already")
                : ("(the tenant's)", "Keep the tenant's alternate journaling (NDR) recipient, which must be set and not an Exchange Online mailbox (no -NdrRecipient given)"),
            O365JournalingStepKind.JournalRule => (t.RuleName,
                $"Create journal rule ({t.Scope}, {t.Recipient ?? "all recipients"}, enabled) that sends journal reports to {t.ServiceEmailAddress} (or make the existing one match)"),
            _ => throw new ArgumentOutOfRangeException(nameof(step)),
        };
    }

    /// <summary>Carries out a planned step. A connector validation that does not pass returns Action Failed (the later steps should not run).</summary>
    public async Task<O365JournalingStep> ApplyAsync(JournalingStepPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var t = Target;
        O365JournalingStep Result(O365JournalingAction action, string detail) => new() { Definition = t.Definition, Step = plan.Step, Name = plan.Name, Action = action, Detail = detail };
        if (plan.IsUnchanged) return Result(O365JournalingAction.Unchanged, plan.Description);
        switch (plan.Step)
        {
            case O365JournalingStepKind.Contact:
            {
                var p = (JournalContactPlan)plan.Inner!;
                var contact = await JournalContacts.ApplyAsync(_commands, p, cancellationToken).ConfigureAwait(false);
                return Result(contact.Action == JournalContactAction.Created ? O365JournalingAction.Created : O365JournalingAction.Updated,
                    p.Create ? $"Forwards to {contact.ExternalEmailAddress}, {(contact.HiddenFromAddressListsEnabled ? "hidden from" : "shown in")} address lists" : string.Join("; ", p.Changes));
            }
            case O365JournalingStepKind.Connector:
            {
                var p = (PartnerConnectorPlan)plan.Inner!;
                var connector = await PartnerConnectors.ApplyAsync(_commands, p, cancellationToken).ConfigureAwait(false);
                return Result(connector.Action!.Value, p.Create
                    ? $"Partner connector for {JournalingChecks.List(connector.RecipientDomains)} to {JournalingChecks.List(connector.SmartHosts)}, TLS {connector.TlsSettings}"
                    : string.Join("; ", p.Changes));
            }
            case O365JournalingStepKind.ConnectorValidation:
            {
                var validation = await PartnerConnectors.ValidateAsync(_commands, t.ConnectorName, t.Recipients, true, cancellationToken).ConfigureAwait(false);
                return validation.Passed
                    ? Result(O365JournalingAction.Validated, string.Join("; ", validation.Tasks.Select(x => x.ToString())))
                    : Result(O365JournalingAction.Failed, string.Join("; ", validation.Tasks.Where(x => !x.Passed).Select(x => x.ToString())));
            }
            case O365JournalingStepKind.NdrRecipient:
            {
                var ndr = await JournalNdrRecipients.ApplyAsync(_commands, (JournalNdrRecipientPlan)plan.Inner!, cancellationToken).ConfigureAwait(false);
                _ndrPending = false;
                return Result(ndr.Action!.Value, $"JournalingReportNdrTo is {ndr.Address}");
            }
            case O365JournalingStepKind.JournalRule:
            {
                var p = (JournalRulePlan)plan.Inner!;
                if (p.Create && !p.NdrRecipientSet)
                {
                    // Planned before the NDR step ran: read again what a new rule needs.
                    p = await JournalRules.PlanAsync(_commands, t.RuleName, t.Rule, t.RuleLimit, cancellationToken).ConfigureAwait(false);
                }
                var rule = await JournalRules.ApplyAsync(_commands, p, cancellationToken).ConfigureAwait(false);
                return Result(rule.Action!.Value, p.Create
                    ? $"{(rule.Enabled ? "Enabled" : "Disabled")}, {rule.Scope}, journal reports to {rule.JournalEmailAddress}"
                    : string.Join("; ", p.Changes));
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(plan));
        }
    }

    /// <summary>Compares the tenant with the target, reading only; every difference is a failed check.</summary>
    public async Task<O365JournalingTestResult> TestAsync(CancellationToken cancellationToken = default)
    {
        var t = Target;
        var checks = new List<O365JournalingCheck>();
        const string Fix = " Run Enable-O365Journaling to fix it.";

        var contact = await _commands.FindMailContactAsync(t.ContactName, cancellationToken).ConfigureAwait(false);
        if (contact is null)
            checks.Add(new("Contact", false, $"The mail contact '{t.ContactName}' is missing." + Fix, t.ServiceEmailAddress, null));
        else if (!string.Equals(contact.ExternalEmailAddress, t.ServiceEmailAddress, StringComparison.OrdinalIgnoreCase))
            checks.Add(new("Contact", false, $"The mail contact '{t.ContactName}' forwards to {contact.ExternalEmailAddress}, not to {t.ServiceEmailAddress}." + Fix, t.ServiceEmailAddress, contact.ExternalEmailAddress));
        else
            checks.Add(new("Contact", true, $"'{t.ContactName}' forwards to {t.ServiceEmailAddress}", t.ServiceEmailAddress, contact.ExternalEmailAddress));

        var connector = await _commands.FindOutboundConnectorAsync(t.ConnectorName, cancellationToken).ConfigureAwait(false);
        var c = t.Connector;
        if (connector is null)
        {
            checks.Add(new("Connector", false, $"The outbound connector '{t.ConnectorName}' is missing." + Fix));
        }
        else
        {
            var partner = string.Equals(connector.ConnectorType, "Partner", StringComparison.OrdinalIgnoreCase) && !connector.UseMXRecord && !connector.IsTransportRuleScoped && connector.Enabled;
            checks.Add(new("Connector", partner,
                partner ? $"'{t.ConnectorName}' is an enabled partner connector to smart hosts"
                        : $"'{t.ConnectorName}' is not an enabled partner connector to smart hosts (ConnectorType {connector.ConnectorType}, UseMXRecord {connector.UseMXRecord}, IsTransportRuleScoped {connector.IsTransportRuleScoped}, Enabled {connector.Enabled})." + Fix));
            var domainsOk = JournalingChecks.SameSet(connector.RecipientDomains, c.RecipientDomains);
            checks.Add(new("ConnectorRecipientDomains", domainsOk,
                domainsOk ? $"Carries mail for {JournalingChecks.List(c.RecipientDomains)}" : $"The connector carries mail for {JournalingChecks.List(connector.RecipientDomains)}, not {JournalingChecks.List(c.RecipientDomains)}." + Fix,
                JournalingChecks.List(c.RecipientDomains), JournalingChecks.List(connector.RecipientDomains)));
            var hostsOk = JournalingChecks.SameSet(connector.SmartHosts, c.SmartHosts);
            checks.Add(new("ConnectorSmartHosts", hostsOk,
                hostsOk ? $"Delivers to {JournalingChecks.List(c.SmartHosts)}" : $"The connector delivers to {JournalingChecks.List(connector.SmartHosts)}, not {JournalingChecks.List(c.SmartHosts)}." + Fix,
                JournalingChecks.List(c.SmartHosts), JournalingChecks.List(connector.SmartHosts)));
            var tlsOk = string.Equals(connector.TlsSettings, c.TlsSettings.ToString(), StringComparison.OrdinalIgnoreCase)
                && string.Equals(connector.TlsDomain ?? "", c.TlsDomain ?? "", StringComparison.OrdinalIgnoreCase);
            var wantTls = c.TlsSettings + (c.TlsDomain is null ? "" : " " + c.TlsDomain);
            var haveTls = (connector.TlsSettings ?? "(none)") + (connector.TlsDomain is null ? "" : " " + connector.TlsDomain);
            checks.Add(new("ConnectorTls", tlsOk, tlsOk ? $"TLS {wantTls}" : $"The connector's TLS is {haveTls}, not {wantTls}." + Fix, wantTls, haveTls));
            checks.Add(new("ConnectorValidated", connector.IsValidated,
                connector.IsValidated ? $"Validated {connector.LastValidationTimestamp?.ToString("u", System.Globalization.CultureInfo.InvariantCulture)}".TrimEnd()
                    : "The connector is not validated. Run Test-O365PartnerConnector (or Enable-O365Journaling) to validate it."));
        }

        var ndr = await JournalNdrRecipients.GetAsync(_commands, cancellationToken).ConfigureAwait(false);
        if (!ndr.IsSet)
            checks.Add(new("NdrRecipient", false, "No alternate journaling (NDR) recipient is set (JournalingReportNdrTo is <>). Run Set-O365JournalNdrRecipient or Enable-O365Journaling -NdrRecipient.", t.NdrRecipient, null));
        else if (ndr.IsMailbox)
            checks.Add(new("NdrRecipient", false, $"The NDR recipient {ndr.Address} is an Exchange Online mailbox ({ndr.RecipientTypeDetails}), which cannot receive undeliverable journal reports. Set an external address or a mail contact.", t.NdrRecipient, ndr.Address));
        else if (t.NdrRecipient is not null && !string.Equals(ndr.Address, t.NdrRecipient, StringComparison.OrdinalIgnoreCase))
            checks.Add(new("NdrRecipient", false, $"The NDR recipient is {ndr.Address}, not {t.NdrRecipient}." + Fix, t.NdrRecipient, ndr.Address));
        else
            checks.Add(new("NdrRecipient", true, $"JournalingReportNdrTo is {ndr.Address}", t.NdrRecipient, ndr.Address));

        var rule = await _commands.FindJournalRuleAsync(t.RuleName, cancellationToken).ConfigureAwait(false);
        var wanted = t.Rule;
        if (rule is null)
        {
            checks.Add(new("JournalRule", false, $"The journal rule '{t.RuleName}' is missing." + Fix));
        }
        else
        {
            checks.Add(new("JournalRule", true, $"'{t.RuleName}' exists"));
            checks.Add(new("JournalRuleEnabled", rule.Enabled, rule.Enabled ? "Enabled" : $"The journal rule '{t.RuleName}' is disabled." + Fix, "True", rule.Enabled.ToString()));
            var targetOk = wanted.SameTarget(rule.JournalEmailAddress);
            checks.Add(new("JournalRuleTarget", targetOk,
                targetOk ? $"Journal reports go to {rule.JournalEmailAddress}" : $"The journal rule sends reports to {rule.JournalEmailAddress}, not to the service address {t.ServiceEmailAddress}." + Fix,
                t.ServiceEmailAddress, rule.JournalEmailAddress));
            var scopeOk = string.Equals(rule.Scope, wanted.Scope.ToString(), StringComparison.OrdinalIgnoreCase)
                && string.Equals(rule.Recipient ?? "", wanted.Recipient ?? "", StringComparison.OrdinalIgnoreCase);
            var wantScope = wanted.Scope + ", " + (wanted.Recipient ?? "all recipients");
            var haveScope = rule.Scope + ", " + (rule.Recipient ?? "all recipients");
            checks.Add(new("JournalRuleScope", scopeOk, scopeOk ? wantScope : $"The journal rule covers {haveScope}, not {wantScope}." + Fix, wantScope, haveScope));
        }

        return new O365JournalingTestResult
        {
            Definition = t.Definition,
            ServiceEmailAddress = t.ServiceEmailAddress,
            Passed = checks.All(x => x.Passed),
            Checks = checks,
        };
    }
}
