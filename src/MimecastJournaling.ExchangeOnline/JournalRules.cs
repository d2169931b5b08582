namespace MimecastJournaling.ExchangeOnline;

/// <summary>An Exchange Online journal rule, as the O365JournalRule cmdlets show it.</summary>
public sealed class O365JournalRule
{
    /// <summary>The rule's name (≤ 64 characters).</summary>
    public string Name { get; init; } = "";
    /// <summary>Where the journal reports go (the journal service address or its mail contact).</summary>
    public string? JournalEmailAddress { get; init; }
    /// <summary>Global, Internal or External.</summary>
    public string? Scope { get; init; }
    /// <summary>The one recipient journaled; null for all recipients.</summary>
    public string? Recipient { get; init; }
    /// <summary>Whether the rule is on.</summary>
    public bool Enabled { get; init; }
    /// <summary>What the cmdlet did (null for Get-O365JournalRule).</summary>
    public O365JournalingAction? Action { get; init; }
    /// <summary>Exchange's identity of the rule (pipe it to Remove-O365JournalRule).</summary>
    public string Identity { get; init; } = "";
    /// <summary>The object's GUID, when Exchange reported it.</summary>
    public Guid? Guid { get; init; }

    internal static O365JournalRule From(JournalRule r, O365JournalingAction? action) => new()
    {
        Name = r.Name,
        JournalEmailAddress = r.JournalEmailAddress,
        Scope = r.Scope,
        Recipient = r.Recipient,
        Enabled = r.Enabled,
        Action = action,
        Identity = r.Identity,
        Guid = r.Guid,
    };
}

/// <summary>What a journal rule must look like. Global scope, all recipients and enabled by default.</summary>
public sealed record JournalRuleSettings
{
    /// <summary>Checks the journal address.</summary>
    public JournalRuleSettings(string journalEmailAddress, JournalRuleScope scope = JournalRuleScope.Global, string? recipient = null, bool enabled = true)
    {
        JournalEmailAddress = JournalingChecks.CheckAddress(journalEmailAddress, "journal address");
        Scope = scope;
        Recipient = string.IsNullOrWhiteSpace(recipient) ? null : JournalingChecks.CheckAddress(recipient, "journaled recipient");
        if (Recipient is not null && Recipient.Contains('*', StringComparison.Ordinal))
            throw new O365JournalingException("InvalidJournalRecipient", O365JournalingErrorKind.InvalidArgument, $"-Recipient '{recipient}' cannot contain wildcards: give one SMTP address, or leave it out to journal everyone.", recipient);
        Enabled = enabled;
    }

    /// <summary>-JournalEmailAddress.</summary>
    public string JournalEmailAddress { get; }
    /// <summary>-Scope.</summary>
    public JournalRuleScope Scope { get; }
    /// <summary>-Recipient; null journals everyone.</summary>
    public string? Recipient { get; }
    /// <summary>Enabled (New-JournalRule's own default is disabled).</summary>
    public bool Enabled { get; }
    /// <summary>Other values of JournalEmailAddress that mean the same target (the mail contact's name or alias).</summary>
    public IReadOnlyList<string> EquivalentAddresses { get; init; } = Array.Empty<string>();

    internal bool SameTarget(string? value) =>
        value is not null && (string.Equals(value, JournalEmailAddress, StringComparison.OrdinalIgnoreCase) || EquivalentAddresses.Contains(value, StringComparer.OrdinalIgnoreCase));
}

/// <summary>What New-O365JournalRule would do. The prerequisites of a new rule are checked by <see cref="EnsureCanCreate"/>.</summary>
public sealed class JournalRulePlan
{
    internal JournalRulePlan(string name, JournalRuleSettings settings, JournalRule? existing, IReadOnlyList<string> changes, bool ndrRecipientSet, int ruleCount, int ruleLimit)
    {
        Name = name;
        Settings = settings;
        Existing = existing;
        Changes = changes;
        NdrRecipientSet = ndrRecipientSet;
        RuleCount = ruleCount;
        RuleLimit = ruleLimit;
    }

    /// <summary>The rule's name.</summary>
    public string Name { get; }
    /// <summary>The wanted settings.</summary>
    public JournalRuleSettings Settings { get; }
    /// <summary>The rule as it is now; null when it does not exist.</summary>
    public JournalRule? Existing { get; }
    /// <summary>The differences; empty when nothing changes.</summary>
    public IReadOnlyList<string> Changes { get; }
    /// <summary>Whether the tenant had an NDR recipient when the plan was made (only read for a new rule).</summary>
    public bool NdrRecipientSet { get; }
    /// <summary>How many journal rules the tenant had (only read for a new rule).</summary>
    public int RuleCount { get; }
    /// <summary>The tenant's journal rule limit.</summary>
    public int RuleLimit { get; }
    /// <summary>The rule must be created.</summary>
    public bool Create => Existing is null;
    /// <summary>Nothing to do.</summary>
    public bool IsUnchanged => Existing is not null && Changes.Count == 0;

    /// <summary>One line for -WhatIf.</summary>
    public string Description => Create
        ? $"Create journal rule ({Settings.Scope}, {Settings.Recipient ?? "all recipients"}, {(Settings.Enabled ? "enabled" : "disabled")}) that sends journal reports to {Settings.JournalEmailAddress}"
        : "Update journal rule: " + string.Join("; ", Changes);

    /// <summary>
    /// Refuses a new rule before New-JournalRule is called: no NDR recipient yet
    /// (JournalNdrRecipientNotSet), or the tenant's rule limit reached (JournalRuleLimitReached).
    /// </summary>
    public void EnsureCanCreate()
    {
        if (!Create) return;
        if (!NdrRecipientSet) throw JournalRules.NdrNotSet(Name, null);
        EnsureBelowLimit();
    }

    /// <summary>Refuses a new rule when the tenant's rule limit is reached (JournalRuleLimitReached).</summary>
    public void EnsureBelowLimit()
    {
        if (Create && RuleCount >= RuleLimit)
            throw new O365JournalingException("JournalRuleLimitReached", O365JournalingErrorKind.LimitsExceeded,
                $"The tenant already has {RuleCount} journal rules, the most Exchange Online allows ({RuleLimit}). Remove one (Get-O365JournalRule, Remove-O365JournalRule) or change an existing rule with Set-O365JournalRule.", Name);
    }
}

/// <summary>
/// Journal rules: New-JournalRule -Scope Global -Enabled $true (the service default is disabled),
/// converged like the contact; Set-JournalRule for the target, scope and recipient;
/// Enable-/Disable-JournalRule for Enabled (Set-JournalRule has no -Enabled).
/// </summary>
public static class JournalRules
{
    /// <summary>
    /// The journal rule limit: 10, as older Microsoft docs state ("the maximum number of journal
    /// rules you can create is 10"); not confirmed against the live service description, so it is
    /// a parameter of <see cref="PlanAsync"/>.
    /// </summary>
    public const int DefaultRuleLimit = 10;

    /// <summary>
    /// Reads the rule called <paramref name="name"/> and what a new rule needs (the NDR recipient,
    /// the rule count); refuses an Exchange Online mailbox as the journal address (JournalAddressIsMailbox).
    /// </summary>
    public static async Task<JournalRulePlan> PlanAsync(ExchangeJournalingCommands commands, string name, JournalRuleSettings settings, int ruleLimit = DefaultRuleLimit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(settings);
        name = JournalingChecks.CheckName(name, "journal rule");
        var existing = await commands.FindJournalRuleAsync(name, cancellationToken).ConfigureAwait(false);
        if (existing is null || !settings.SameTarget(existing.JournalEmailAddress))
        {
            var target = await commands.FindRecipientAsync(settings.JournalEmailAddress, cancellationToken).ConfigureAwait(false);
            if (target is not null && !target.CanReceiveJournalReports)
                throw new O365JournalingException("JournalAddressIsMailbox", O365JournalingErrorKind.InvalidArgument,
                    $"'{settings.JournalEmailAddress}' is an Exchange Online {target.RecipientTypeDetails ?? target.RecipientType}. A journal rule can only send reports to a mail contact, a mail user or an external address: create a mail contact for the journal service address (New-O365JournalContact) and use its address.",
                    settings.JournalEmailAddress);
        }
        if (existing is not null) return new JournalRulePlan(name, settings, existing, Diff(existing, settings), true, 0, ruleLimit);
        var config = await commands.GetTransportConfigAsync(cancellationToken).ConfigureAwait(false);
        var count = (await commands.GetJournalRulesAsync(null, cancellationToken).ConfigureAwait(false)).Count;
        return new JournalRulePlan(name, settings, null, Array.Empty<string>(), config.JournalingReportNdrTo is not null, count, ruleLimit);
    }

    /// <summary>
    /// For Set-O365JournalRule: the existing rule (Exchange's not-found error when missing) with the
    /// given settings replaced and the others kept.
    /// </summary>
    public static async Task<JournalRulePlan> PlanChangeAsync(ExchangeJournalingCommands commands, string identity, string? journalEmailAddress, JournalRuleScope? scope, string? recipient, bool clearRecipient, bool? enabled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentException.ThrowIfNullOrWhiteSpace(identity);
        var existing = (await commands.GetJournalRulesAsync(identity, cancellationToken).ConfigureAwait(false)).FirstOrDefault()
            ?? throw new O365JournalingException("JournalRuleNotFound", O365JournalingErrorKind.NotFound, $"There is no journal rule '{identity}'. Create it with New-O365JournalRule.", identity);
        var settings = new JournalRuleSettings(
            journalEmailAddress ?? existing.JournalEmailAddress ?? "",
            scope ?? (Enum.TryParse<JournalRuleScope>(existing.Scope, true, out var s) ? s : JournalRuleScope.Global),
            clearRecipient ? null : recipient ?? existing.Recipient,
            enabled ?? existing.Enabled);
        return await PlanAsync(commands, existing.Name, settings, DefaultRuleLimit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Carries out a plan; maps Exchange's own "Before you create a journal rule…" to JournalNdrRecipientNotSet.</summary>
    public static async Task<O365JournalRule> ApplyAsync(ExchangeJournalingCommands commands, JournalRulePlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.IsUnchanged) return O365JournalRule.From(plan.Existing!, O365JournalingAction.Unchanged);
        var s = plan.Settings;
        JournalRule current;
        O365JournalingAction action;
        if (plan.Create)
        {
            plan.EnsureCanCreate();
            try
            {
                current = await commands.NewJournalRuleAsync(new NewJournalRuleRequest(plan.Name, s.JournalEmailAddress)
                {
                    Scope = s.Scope,
                    Recipient = s.Recipient,
                    Enabled = s.Enabled,
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (ExchangeCommandException e) when (IsNdrNotSet(e))
            {
                throw NdrNotSet(plan.Name, e);
            }
            action = O365JournalingAction.Created;
        }
        else
        {
            current = plan.Existing!;
            action = O365JournalingAction.Updated;
        }
        // An update, or a New- whose retry found an older rule of that name: change what differs.
        var request = new SetJournalRuleRequest(current.Identity);
        if (!s.SameTarget(current.JournalEmailAddress)) request = request with { JournalEmailAddress = s.JournalEmailAddress };
        if (!string.Equals(current.Scope, s.Scope.ToString(), StringComparison.OrdinalIgnoreCase)) request = request with { Scope = s.Scope };
        var recipientDiffers = !string.Equals(current.Recipient ?? "", s.Recipient ?? "", StringComparison.OrdinalIgnoreCase);
        if (request.JournalEmailAddress is not null || request.Scope is not null || recipientDiffers)
        {
            await commands.SetJournalRuleAsync(request with { Recipient = recipientDiffers ? s.Recipient : null, ClearRecipient = recipientDiffers && s.Recipient is null }, cancellationToken).ConfigureAwait(false);
        }
        if (current.Enabled != s.Enabled)
        {
            if (s.Enabled) await commands.EnableJournalRuleAsync(current.Identity, cancellationToken).ConfigureAwait(false);
            else await commands.DisableJournalRuleAsync(current.Identity, cancellationToken).ConfigureAwait(false);
        }
        var after = await commands.FindJournalRuleAsync(current.Identity, cancellationToken).ConfigureAwait(false) ?? current;
        return O365JournalRule.From(after, action);
    }

    /// <summary>Enable-/Disable-JournalRule when the rule is not so already (Exchange's not-found error when it is missing).</summary>
    public static async Task<(JournalRule Rule, bool Changed)> ReadForEnabledAsync(ExchangeJournalingCommands commands, string identity, bool enabled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var rule = (await commands.GetJournalRulesAsync(identity, cancellationToken).ConfigureAwait(false)).FirstOrDefault()
            ?? throw new O365JournalingException("JournalRuleNotFound", O365JournalingErrorKind.NotFound, $"There is no journal rule '{identity}'.", identity);
        return (rule, rule.Enabled != enabled);
    }

    /// <summary>Enable-JournalRule or Disable-JournalRule, then the rule as it is afterwards.</summary>
    public static async Task<O365JournalRule> SetEnabledAsync(ExchangeJournalingCommands commands, JournalRule rule, bool enabled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Enabled == enabled) return O365JournalRule.From(rule, O365JournalingAction.Unchanged);
        if (enabled) await commands.EnableJournalRuleAsync(rule.Identity, cancellationToken).ConfigureAwait(false);
        else await commands.DisableJournalRuleAsync(rule.Identity, cancellationToken).ConfigureAwait(false);
        var after = await commands.FindJournalRuleAsync(rule.Identity, cancellationToken).ConfigureAwait(false) ?? rule;
        return O365JournalRule.From(after, O365JournalingAction.Updated);
    }

    /// <summary>Get-JournalRule [-Identity], as our own objects.</summary>
    public static async Task<IReadOnlyList<O365JournalRule>> GetAsync(ExchangeJournalingCommands commands, string? identity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        return (await commands.GetJournalRulesAsync(identity, cancellationToken).ConfigureAwait(false)).Select(r => O365JournalRule.From(r, null)).ToArray();
    }

    internal static List<string> Diff(JournalRule r, JournalRuleSettings s)
    {
        var changes = new List<string>();
        if (!s.SameTarget(r.JournalEmailAddress)) changes.Add($"JournalEmailAddress: {r.JournalEmailAddress} -> {s.JournalEmailAddress}");
        if (!string.Equals(r.Scope, s.Scope.ToString(), StringComparison.OrdinalIgnoreCase)) changes.Add($"Scope: {r.Scope} -> {s.Scope}");
        if (!string.Equals(r.Recipient ?? "", s.Recipient ?? "", StringComparison.OrdinalIgnoreCase)) changes.Add($"Recipient: {r.Recipient ?? "(all)"} -> {s.Recipient ?? "(all)"}");
        if (r.Enabled != s.Enabled) changes.Add($"Enabled: {r.Enabled} -> {s.Enabled}");
        return changes;
    }

    /// <summary>Exchange's own refusal of New-JournalRule without an NDR recipient (exo-admin-api.md §2.6).</summary>
    internal static bool IsNdrNotSet(ExchangeCommandException e) =>
        e.Message.Contains("Before you create a journal rule", StringComparison.OrdinalIgnoreCase)
        || e.Details.Any(d => d.Message.Contains("Before you create a journal rule", StringComparison.OrdinalIgnoreCase));

    internal static O365JournalingException NdrNotSet(string rule, ExchangeCommandException? exchange) => new(
        "JournalNdrRecipientNotSet", O365JournalingErrorKind.InvalidOperation,
        "The tenant has no alternate journaling (NDR) recipient, and Exchange Online creates no journal rule without one. Run Set-O365JournalNdrRecipient first, for example: Set-O365JournalNdrRecipient ndr@contoso.com (an external address or a mail contact, not an Exchange Online mailbox)."
            + (exchange is null ? "" : " Exchange said: " + exchange.Message),
        rule, exchange);
}
