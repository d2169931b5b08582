namespace MimecastJournaling.ExchangeOnline;

/// <summary>An Exchange Online outbound connector, as the O365PartnerConnector cmdlets show it.</summary>
public sealed class O365PartnerConnector
{
    /// <summary>The connector's name (unique among connectors, ≤ 64 characters).</summary>
    public string Name { get; init; } = "";
    /// <summary>The domains whose mail (journal reports included) the connector carries.</summary>
    public IReadOnlyList<string> RecipientDomains { get; init; } = Array.Empty<string>();
    /// <summary>Where the connector delivers: the listener's host names, IP addresses or ranges.</summary>
    public IReadOnlyList<string> SmartHosts { get; init; } = Array.Empty<string>();
    /// <summary>EncryptionOnly, CertificateValidation or DomainValidation (null: opportunistic TLS).</summary>
    public string? TlsSettings { get; init; }
    /// <summary>The certificate domain checked with DomainValidation.</summary>
    public string? TlsDomain { get; init; }
    /// <summary>True when the connector was marked validated (Test-O365PartnerConnector).</summary>
    public bool IsValidated { get; init; }
    /// <summary>When it was last validated (UTC).</summary>
    public DateTimeOffset? LastValidationTimestamp { get; init; }
    /// <summary>The recipients of the last validation.</summary>
    public IReadOnlyList<string> ValidationRecipients { get; init; } = Array.Empty<string>();
    /// <summary>Whether the connector is on.</summary>
    public bool Enabled { get; init; }
    /// <summary>Partner (to a service outside the organization) or OnPremises.</summary>
    public string? ConnectorType { get; init; }
    /// <summary>False: the connector uses its smart hosts, not MX records.</summary>
    public bool UseMXRecord { get; init; }
    /// <summary>False: the connector applies to all mail for its domains (journal reports ignore transport rules).</summary>
    public bool IsTransportRuleScoped { get; init; }
    /// <summary>The comment.</summary>
    public string? Comment { get; init; }
    /// <summary>What New-/Set-O365PartnerConnector did (null for Get-O365PartnerConnector).</summary>
    public O365JournalingAction? Action { get; init; }
    /// <summary>Exchange's identity of the connector (pipe it to Remove-O365PartnerConnector).</summary>
    public string Identity { get; init; } = "";
    /// <summary>The object's GUID, when Exchange reported it.</summary>
    public Guid? Guid { get; init; }

    internal static O365PartnerConnector From(OutboundConnector c, O365JournalingAction? action) => new()
    {
        Name = c.Name,
        RecipientDomains = c.RecipientDomains,
        SmartHosts = c.SmartHosts,
        TlsSettings = c.TlsSettings,
        TlsDomain = c.TlsDomain,
        IsValidated = c.IsValidated,
        LastValidationTimestamp = c.LastValidationTimestamp,
        ValidationRecipients = c.ValidationRecipients,
        Enabled = c.Enabled,
        ConnectorType = c.ConnectorType,
        UseMXRecord = c.UseMXRecord,
        IsTransportRuleScoped = c.IsTransportRuleScoped,
        Comment = c.Comment,
        Action = action,
        Identity = c.Identity,
        Guid = c.Guid,
    };
}

/// <summary>
/// What a partner connector for journal reports must look like. The fixed part (ConnectorType
/// Partner, UseMXRecord $false, IsTransportRuleScoped $false, Enabled $true) is not a setting.
/// </summary>
public sealed record PartnerConnectorSettings
{
    /// <summary>Checks and normalises the settings (RecipientDomains, SmartHosts without ports, TlsDomain only with DomainValidation).</summary>
    public PartnerConnectorSettings(IEnumerable<string> recipientDomains, IEnumerable<string> smartHosts, TlsAuthLevel tlsSettings = TlsAuthLevel.CertificateValidation, string? tlsDomain = null, string? comment = null)
    {
        RecipientDomains = JournalingChecks.CheckDomains(recipientDomains);
        SmartHosts = JournalingChecks.CheckSmartHosts(smartHosts);
        JournalingChecks.CheckTls(tlsSettings, tlsDomain);
        TlsSettings = tlsSettings;
        TlsDomain = string.IsNullOrWhiteSpace(tlsDomain) ? null : tlsDomain.Trim();
        Comment = comment;
    }

    /// <summary>-RecipientDomains: the journal domain.</summary>
    public IReadOnlyList<string> RecipientDomains { get; }
    /// <summary>-SmartHosts: the listener.</summary>
    public IReadOnlyList<string> SmartHosts { get; }
    /// <summary>-TlsSettings (default CertificateValidation: always TLS, trusted CA).</summary>
    public TlsAuthLevel TlsSettings { get; }
    /// <summary>-TlsDomain (DomainValidation only).</summary>
    public string? TlsDomain { get; }
    /// <summary>-Comment; null leaves an existing comment alone.</summary>
    public string? Comment { get; }
}

/// <summary>What New-/Set-O365PartnerConnector would do (read with Get-OutboundConnector; nothing changed yet).</summary>
public sealed class PartnerConnectorPlan
{
    internal PartnerConnectorPlan(string name, PartnerConnectorSettings settings, OutboundConnector? existing, IReadOnlyList<string> changes)
    {
        Name = name;
        Settings = settings;
        Existing = existing;
        Changes = changes;
    }

    /// <summary>The connector's name.</summary>
    public string Name { get; }
    /// <summary>The wanted settings.</summary>
    public PartnerConnectorSettings Settings { get; }
    /// <summary>The connector as it is now; null when it does not exist.</summary>
    public OutboundConnector? Existing { get; }
    /// <summary>The differences ("SmartHosts: a -> b"); empty when nothing changes.</summary>
    public IReadOnlyList<string> Changes { get; }
    /// <summary>The connector must be created.</summary>
    public bool Create => Existing is null;
    /// <summary>Nothing to do.</summary>
    public bool IsUnchanged => Existing is not null && Changes.Count == 0;

    /// <summary>One line for -WhatIf.</summary>
    public string Description => Create
        ? $"Create partner outbound connector for {JournalingChecks.List(Settings.RecipientDomains)} to smart host {JournalingChecks.List(Settings.SmartHosts)}, TLS {Settings.TlsSettings}{(Settings.TlsDomain is null ? "" : " (" + Settings.TlsDomain + ")")}"
        : "Update partner outbound connector: " + string.Join("; ", Changes);
}

/// <summary>One task of Validate-OutboundConnector (a smart host reached, a test message sent).</summary>
/// <param name="TaskName">Exchange's task name.</param>
/// <param name="Target">The smart host or recipient the task was about, when Exchange said.</param>
/// <param name="Passed">IsTaskSuccessful.</param>
/// <param name="Detail">Exchange's other properties, as text.</param>
public sealed record O365ConnectorValidationTask(string? TaskName, string? Target, bool Passed, string? Detail)
{
    /// <inheritdoc />
    public override string ToString() => $"{(Passed ? "PASS" : "FAIL")} {TaskName}{(Target is null ? "" : " " + Target)}{(string.IsNullOrEmpty(Detail) ? "" : ": " + Detail)}";
}

/// <summary>The result of Test-O365PartnerConnector.</summary>
public sealed class O365PartnerConnectorValidation
{
    /// <summary>The connector.</summary>
    public string Connector { get; init; } = "";
    /// <summary>The recipients the test messages went to.</summary>
    public IReadOnlyList<string> Recipients { get; init; } = Array.Empty<string>();
    /// <summary>True when every task passed (a Pester suite asserts this).</summary>
    public bool Passed { get; init; }
    /// <summary>Every task Validate-OutboundConnector reported: one per smart host, one per recipient.</summary>
    public IReadOnlyList<O365ConnectorValidationTask> Tasks { get; init; } = Array.Empty<O365ConnectorValidationTask>();
    /// <summary>True when the connector is now marked validated (IsValidated $true).</summary>
    public bool IsValidated { get; init; }
    /// <summary>The LastValidationTimestamp written, when it was marked.</summary>
    public DateTimeOffset? LastValidationTimestamp { get; init; }
}

/// <summary>
/// The partner outbound connector that carries journal reports to the listener:
/// New-OutboundConnector -ConnectorType Partner -RecipientDomains -UseMXRecord $false -SmartHosts
/// -TlsSettings [-TlsDomain] -IsTransportRuleScoped $false -Enabled $true, converged like the
/// contact (Created/Updated/Unchanged), and Validate-OutboundConnector followed by
/// Set-OutboundConnector -IsValidated $true -LastValidationTimestamp -ValidationRecipients.
/// </summary>
public static class PartnerConnectors
{
    /// <summary>Reads the connector called <paramref name="name"/> and works out what must change.</summary>
    public static async Task<PartnerConnectorPlan> PlanAsync(ExchangeJournalingCommands commands, string name, PartnerConnectorSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(settings);
        name = JournalingChecks.CheckName(name, "connector");
        var existing = await commands.FindOutboundConnectorAsync(name, cancellationToken).ConfigureAwait(false);
        var changes = existing is null ? new List<string>() : Diff(existing, settings).Changes;
        return new PartnerConnectorPlan(name, settings, existing, changes);
    }

    /// <summary>
    /// For Set-O365PartnerConnector: the existing connector (Exchange's not-found error when it is
    /// missing) with the given settings replaced and the others kept.
    /// </summary>
    public static async Task<PartnerConnectorPlan> PlanChangeAsync(ExchangeJournalingCommands commands, string identity,
        IEnumerable<string>? recipientDomains, IEnumerable<string>? smartHosts, TlsAuthLevel? tlsSettings, string? tlsDomain, string? comment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentException.ThrowIfNullOrWhiteSpace(identity);
        var existing = (await commands.GetOutboundConnectorsAsync(identity, cancellationToken).ConfigureAwait(false)).FirstOrDefault()
            ?? throw new O365JournalingException("ConnectorNotFound", O365JournalingErrorKind.NotFound, $"There is no outbound connector '{identity}'. Create it with New-O365PartnerConnector.", identity);
        var tls = tlsSettings ?? (Enum.TryParse<TlsAuthLevel>(existing.TlsSettings, true, out var t) ? t : TlsAuthLevel.CertificateValidation);
        // A TlsDomain only survives while the connector stays on DomainValidation.
        var domain = tlsDomain ?? (tls == TlsAuthLevel.DomainValidation ? existing.TlsDomain : null);
        var settings = new PartnerConnectorSettings(recipientDomains ?? existing.RecipientDomains, smartHosts ?? existing.SmartHosts, tls, domain, comment);
        return new PartnerConnectorPlan(existing.Name, settings, existing, Diff(existing, settings).Changes);
    }

    /// <summary>Carries out a plan and returns the connector as Exchange has it afterwards.</summary>
    public static async Task<O365PartnerConnector> ApplyAsync(ExchangeJournalingCommands commands, PartnerConnectorPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.IsUnchanged) return O365PartnerConnector.From(plan.Existing!, O365JournalingAction.Unchanged);

        OutboundConnector current;
        O365JournalingAction action;
        var s = plan.Settings;
        if (plan.Create)
        {
            current = await commands.NewOutboundConnectorAsync(new NewOutboundConnectorRequest(plan.Name)
            {
                ConnectorType = TenantConnectorType.Partner,
                RecipientDomains = s.RecipientDomains,
                UseMXRecord = false,
                SmartHosts = s.SmartHosts,
                TlsSettings = s.TlsSettings,
                TlsDomain = s.TlsDomain,
                IsTransportRuleScoped = false,
                Enabled = true,
                Comment = s.Comment,
            }, cancellationToken).ConfigureAwait(false);
            action = O365JournalingAction.Created;
        }
        else
        {
            current = plan.Existing!;
            action = O365JournalingAction.Updated;
        }
        // An update, or a New- whose retry found an older connector of that name: change what differs.
        var (changes, request) = Diff(current, s);
        if (changes.Count > 0) await commands.SetOutboundConnectorAsync(request, cancellationToken).ConfigureAwait(false);
        var after = await commands.FindOutboundConnectorAsync(current.Identity, cancellationToken).ConfigureAwait(false) ?? current;
        return O365PartnerConnector.From(after, action);
    }

    /// <summary>
    /// Validate-OutboundConnector -Identity -Recipients; when every task passed (and
    /// <paramref name="markValidated"/>), Set-OutboundConnector -IsValidated $true
    /// -LastValidationTimestamp (now, UTC) -ValidationRecipients — the step the admin center can
    /// only do in Internet Explorer.
    /// </summary>
    public static async Task<O365PartnerConnectorValidation> ValidateAsync(ExchangeJournalingCommands commands, string identity, IReadOnlyList<string> recipients, bool markValidated = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentException.ThrowIfNullOrWhiteSpace(identity);
        var to = (recipients ?? Array.Empty<string>()).Select(r => JournalingChecks.CheckAddress(r, "validation recipient")).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (to.Length == 0)
            throw new O365JournalingException("ValidationRecipientRequired", O365JournalingErrorKind.InvalidArgument,
                "Give at least one recipient in the connector's domain (the journal service address) for the test messages.");
        var results = await commands.ValidateOutboundConnectorAsync(identity, to, cancellationToken).ConfigureAwait(false);
        var tasks = results.Select(r => new O365ConnectorValidationTask(
            r.TaskName,
            r.Properties.TryGetValue("Target", out var target) ? target : null,
            r.IsTaskSuccessful ?? false,
            string.Join("; ", r.Properties.Where(p => p.Key is not ("TaskName" or "IsTaskSuccessful" or "Target") && !string.IsNullOrEmpty(p.Value)).Select(p => p.Key == "Details" ? p.Value : $"{p.Key}={p.Value}")))).ToArray();
        var passed = tasks.Length > 0 && tasks.All(t => t.Passed);
        DateTimeOffset? stamp = null;
        if (passed && markValidated)
        {
            stamp = DateTimeOffset.UtcNow;
            await commands.SetOutboundConnectorAsync(new SetOutboundConnectorRequest(identity)
            {
                IsValidated = true,
                LastValidationTimestamp = stamp,
                ValidationRecipients = to,
            }, cancellationToken).ConfigureAwait(false);
        }
        var after = await commands.FindOutboundConnectorAsync(identity, cancellationToken).ConfigureAwait(false);
        return new O365PartnerConnectorValidation
        {
            Connector = after?.Name ?? identity,
            Recipients = to,
            Passed = passed,
            Tasks = tasks,
            IsValidated = after?.IsValidated ?? false,
            LastValidationTimestamp = stamp,
        };
    }

    /// <summary>Get-OutboundConnector [-Identity], as our own objects.</summary>
    public static async Task<IReadOnlyList<O365PartnerConnector>> GetAsync(ExchangeJournalingCommands commands, string? identity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        return (await commands.GetOutboundConnectorsAsync(identity, cancellationToken).ConfigureAwait(false)).Select(c => O365PartnerConnector.From(c, null)).ToArray();
    }

    /// <summary>What differs between a connector and the wanted partner shape, and the Set-OutboundConnector that fixes it.</summary>
    internal static (List<string> Changes, SetOutboundConnectorRequest Request) Diff(OutboundConnector c, PartnerConnectorSettings s)
    {
        var changes = new List<string>();
        var request = new SetOutboundConnectorRequest(c.Identity);
        if (!string.Equals(c.ConnectorType, nameof(TenantConnectorType.Partner), StringComparison.OrdinalIgnoreCase))
        {
            changes.Add($"ConnectorType: {c.ConnectorType} -> Partner");
            request = request with { ConnectorType = TenantConnectorType.Partner };
        }
        if (!JournalingChecks.SameSet(c.RecipientDomains, s.RecipientDomains))
        {
            changes.Add($"RecipientDomains: {JournalingChecks.List(c.RecipientDomains)} -> {JournalingChecks.List(s.RecipientDomains)}");
            request = request with { RecipientDomains = s.RecipientDomains };
        }
        if (c.UseMXRecord)
        {
            changes.Add("UseMXRecord: True -> False");
            request = request with { UseMXRecord = false };
        }
        if (!JournalingChecks.SameSet(c.SmartHosts, s.SmartHosts))
        {
            changes.Add($"SmartHosts: {JournalingChecks.List(c.SmartHosts)} -> {JournalingChecks.List(s.SmartHosts)}");
            request = request with { SmartHosts = s.SmartHosts };
        }
        if (!string.Equals(c.TlsSettings, s.TlsSettings.ToString(), StringComparison.OrdinalIgnoreCase))
        {
            changes.Add($"TlsSettings: {c.TlsSettings ?? "(none)"} -> {s.TlsSettings}");
            request = request with { TlsSettings = s.TlsSettings };
        }
        if (!string.Equals(c.TlsDomain ?? "", s.TlsDomain ?? "", StringComparison.OrdinalIgnoreCase))
        {
            changes.Add($"TlsDomain: {c.TlsDomain ?? "(none)"} -> {s.TlsDomain ?? "(none)"}");
            request = s.TlsDomain is null ? request with { ClearTlsDomain = true } : request with { TlsDomain = s.TlsDomain };
        }
        if (c.IsTransportRuleScoped)
        {
            changes.Add("IsTransportRuleScoped: True -> False");
            request = request with { IsTransportRuleScoped = false };
        }
        if (!c.Enabled)
        {
            changes.Add("Enabled: False -> True");
            request = request with { Enabled = true };
        }
        if (s.Comment is not null && !string.Equals(c.Comment ?? "", s.Comment, StringComparison.Ordinal))
        {
            changes.Add($"Comment: {c.Comment} -> {s.Comment}");
            request = request with { Comment = s.Comment };
        }
        return (changes, request);
    }
}
