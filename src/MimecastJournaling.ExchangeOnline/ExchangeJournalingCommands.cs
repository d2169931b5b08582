namespace MimecastJournaling.ExchangeOnline;

/// <summary>
/// Typed calls for the journaling cmdlets, over any <see cref="IExchangeCommandRunner"/>. Parameter
/// names are Exchange's own. New- calls re-read before a retry: if a throttled New- did create the
/// object after all, the existing object is returned instead of a duplicate-name error.
/// </summary>
public sealed class ExchangeJournalingCommands
{
    private readonly IExchangeCommandRunner _runner;

    /// <summary>Wraps a runner (normally an <see cref="ExchangeOnlineClient"/>).</summary>
    public ExchangeJournalingCommands(IExchangeCommandRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        _runner = runner;
    }

    // ---- mail contacts ------------------------------------------------------------------------------

    /// <summary>Get-MailContact [-Identity] (ResultSize Unlimited is added by the client).</summary>
    public async Task<IReadOnlyList<MailContact>> GetMailContactsAsync(string? identity = null, CancellationToken cancellationToken = default) =>
        (await RunAsync("Get-MailContact", new ExchangeParameters().AddIfNotNull("Identity", identity), cancellationToken).ConfigureAwait(false)).Select(ToMailContact).ToArray();

    /// <summary>Get-MailContact -Identity, or null when it does not exist.</summary>
    public Task<MailContact?> FindMailContactAsync(string identity, CancellationToken cancellationToken = default) =>
        FindAsync(() => GetMailContactsAsync(identity, cancellationToken));

    /// <summary>New-MailContact -Name -ExternalEmailAddress [-Alias] [-DisplayName].</summary>
    public async Task<MailContact> NewMailContactAsync(NewMailContactRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var p = new ExchangeParameters()
            .Add("Name", request.Name)
            .Add("ExternalEmailAddress", request.ExternalEmailAddress)
            .AddIfNotNull("Alias", request.Alias)
            .AddIfNotNull("DisplayName", request.DisplayName);
        return ToMailContact(await CreateAsync("New-MailContact", p, "Get-MailContact", request.Name, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Set-MailContact -Identity [-HiddenFromAddressListsEnabled] [-DisplayName] [-ExternalEmailAddress] [-Name].</summary>
    public Task SetMailContactAsync(SetMailContactRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var p = new ExchangeParameters()
            .Add("Identity", request.Identity)
            .AddIfNotNull("HiddenFromAddressListsEnabled", request.HiddenFromAddressListsEnabled)
            .AddIfNotNull("DisplayName", request.DisplayName)
            .AddIfNotNull("ExternalEmailAddress", request.ExternalEmailAddress)
            .AddIfNotNull("Name", request.Name);
        return RunAsync("Set-MailContact", p, cancellationToken);
    }

    /// <summary>Remove-MailContact -Identity -Confirm:$false.</summary>
    public Task RemoveMailContactAsync(string identity, CancellationToken cancellationToken = default) =>
        RunAsync("Remove-MailContact", Identity(identity).Add("Confirm", false), cancellationToken);

    // ---- outbound connectors ------------------------------------------------------------------------

    /// <summary>Get-OutboundConnector [-Identity].</summary>
    public async Task<IReadOnlyList<OutboundConnector>> GetOutboundConnectorsAsync(string? identity = null, CancellationToken cancellationToken = default) =>
        (await RunAsync("Get-OutboundConnector", new ExchangeParameters().AddIfNotNull("Identity", identity), cancellationToken).ConfigureAwait(false)).Select(ToConnector).ToArray();

    /// <summary>Get-OutboundConnector -Identity, or null.</summary>
    public Task<OutboundConnector?> FindOutboundConnectorAsync(string identity, CancellationToken cancellationToken = default) =>
        FindAsync(() => GetOutboundConnectorsAsync(identity, cancellationToken));

    /// <summary>New-OutboundConnector.</summary>
    public async Task<OutboundConnector> NewOutboundConnectorAsync(NewOutboundConnectorRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var p = new ExchangeParameters()
            .Add("Name", request.Name)
            .AddIfNotNull("ConnectorType", request.ConnectorType)
            .AddIfNotNull("RecipientDomains", request.RecipientDomains)
            .AddIfNotNull("UseMXRecord", request.UseMXRecord)
            .AddIfNotNull("SmartHosts", request.SmartHosts)
            .AddIfNotNull("TlsSettings", request.TlsSettings)
            .AddIfNotNull("TlsDomain", request.TlsDomain)
            .AddIfNotNull("IsTransportRuleScoped", request.IsTransportRuleScoped)
            .AddIfNotNull("Enabled", request.Enabled)
            .AddIfNotNull("Comment", request.Comment);
        return ToConnector(await CreateAsync("New-OutboundConnector", p, "Get-OutboundConnector", request.Name, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Set-OutboundConnector.</summary>
    public Task SetOutboundConnectorAsync(SetOutboundConnectorRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var p = new ExchangeParameters()
            .Add("Identity", request.Identity)
            .AddIfNotNull("Name", request.Name)
            .AddIfNotNull("ConnectorType", request.ConnectorType)
            .AddIfNotNull("RecipientDomains", request.RecipientDomains)
            .AddIfNotNull("UseMXRecord", request.UseMXRecord)
            .AddIfNotNull("SmartHosts", request.SmartHosts)
            .AddIfNotNull("TlsSettings", request.TlsSettings)
            .AddIfNotNull("TlsDomain", request.TlsDomain)
            .AddIfNotNull("IsTransportRuleScoped", request.IsTransportRuleScoped)
            .AddIfNotNull("Enabled", request.Enabled)
            .AddIfNotNull("Comment", request.Comment)
            .AddIfNotNull("IsValidated", request.IsValidated)
            .AddIfNotNull("LastValidationTimestamp", request.LastValidationTimestamp)
            .AddIfNotNull("ValidationRecipients", request.ValidationRecipients);
        if (request.ClearTlsDomain && request.TlsDomain is null) p.Add("TlsDomain", null);
        return RunAsync("Set-OutboundConnector", p, cancellationToken);
    }

    /// <summary>Remove-OutboundConnector -Identity -Confirm:$false.</summary>
    public Task RemoveOutboundConnectorAsync(string identity, CancellationToken cancellationToken = default) =>
        RunAsync("Remove-OutboundConnector", Identity(identity).Add("Confirm", false), cancellationToken);

    /// <summary>
    /// Validate-OutboundConnector -Identity -Recipients: tests SMTP to the smart hosts and sends test
    /// mail. It does not mark the connector validated: follow with Set-OutboundConnector
    /// -IsValidated $true -LastValidationTimestamp.
    /// </summary>
    public async Task<IReadOnlyList<ConnectorValidationResult>> ValidateOutboundConnectorAsync(string identity, IReadOnlyList<string> recipients, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        var objects = await RunAsync("Validate-OutboundConnector", Identity(identity).Add("Recipients", recipients), cancellationToken).ConfigureAwait(false);
        return objects.Select(o => new ConnectorValidationResult(
            o.GetString("TaskName"), o.GetBoolean("IsTaskSuccessful"),
            o.Keys.ToDictionary(k => k, k => o.GetString(k), StringComparer.OrdinalIgnoreCase))).ToArray();
    }

    // ---- transport config ---------------------------------------------------------------------------

    /// <summary>Get-TransportConfig (journaling properties; "&lt;&gt;" becomes null).</summary>
    public async Task<TransportConfig> GetTransportConfigAsync(CancellationToken cancellationToken = default)
    {
        var objects = await RunAsync("Get-TransportConfig", new ExchangeParameters(), cancellationToken).ConfigureAwait(false);
        var o = objects.Count > 0 ? objects[0] : new ExchangeObject(Array.Empty<KeyValuePair<string, object?>>());
        var ndr = o.GetString("JournalingReportNdrTo");
        if (string.IsNullOrWhiteSpace(ndr) || ndr.Trim() == "<>") ndr = null;
        return new TransportConfig(ndr, (int?)o.GetInt64("JournalMessageExpirationDays"), o.GetBoolean("PreventDuplicateJournalingEnabled"));
    }

    /// <summary>Set-TransportConfig [-JournalingReportNdrTo] [-JournalMessageExpirationDays] [-PreventDuplicateJournalingEnabled].</summary>
    public Task SetTransportConfigAsync(SetTransportConfigRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var p = new ExchangeParameters()
            .AddIfNotNull("JournalingReportNdrTo", request.JournalingReportNdrTo)
            .AddIfNotNull("JournalMessageExpirationDays", request.JournalMessageExpirationDays)
            .AddIfNotNull("PreventDuplicateJournalingEnabled", request.PreventDuplicateJournalingEnabled);
        if (p.Count == 0) throw new ArgumentException("Nothing to set.", nameof(request));
        return RunAsync("Set-TransportConfig", p, cancellationToken);
    }

    // ---- journal rules ------------------------------------------------------------------------------

    /// <summary>Get-JournalRule [-Identity].</summary>
    public async Task<IReadOnlyList<JournalRule>> GetJournalRulesAsync(string? identity = null, CancellationToken cancellationToken = default) =>
        (await RunAsync("Get-JournalRule", new ExchangeParameters().AddIfNotNull("Identity", identity), cancellationToken).ConfigureAwait(false)).Select(ToJournalRule).ToArray();

    /// <summary>Get-JournalRule -Identity, or null.</summary>
    public Task<JournalRule?> FindJournalRuleAsync(string identity, CancellationToken cancellationToken = default) =>
        FindAsync(() => GetJournalRulesAsync(identity, cancellationToken));

    /// <summary>New-JournalRule -Name -JournalEmailAddress -Scope [-Recipient] -Enabled.</summary>
    public async Task<JournalRule> NewJournalRuleAsync(NewJournalRuleRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var p = new ExchangeParameters()
            .Add("Name", request.Name)
            .Add("JournalEmailAddress", request.JournalEmailAddress)
            .Add("Scope", request.Scope)
            .AddIfNotNull("Recipient", request.Recipient)
            .Add("Enabled", request.Enabled);
        return ToJournalRule(await CreateAsync("New-JournalRule", p, "Get-JournalRule", request.Name, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Set-JournalRule -Identity [-Name] [-JournalEmailAddress] [-Recipient] [-Scope].</summary>
    public Task SetJournalRuleAsync(SetJournalRuleRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var p = new ExchangeParameters()
            .Add("Identity", request.Identity)
            .AddIfNotNull("Name", request.Name)
            .AddIfNotNull("JournalEmailAddress", request.JournalEmailAddress)
            .AddIfNotNull("Recipient", request.Recipient)
            .AddIfNotNull("Scope", request.Scope);
        if (request.ClearRecipient && request.Recipient is null) p.Add("Recipient", null);
        return RunAsync("Set-JournalRule", p, cancellationToken);
    }

    /// <summary>Remove-JournalRule -Identity -Confirm:$false.</summary>
    public Task RemoveJournalRuleAsync(string identity, CancellationToken cancellationToken = default) =>
        RunAsync("Remove-JournalRule", Identity(identity).Add("Confirm", false), cancellationToken);

    /// <summary>Enable-JournalRule -Identity.</summary>
    public Task EnableJournalRuleAsync(string identity, CancellationToken cancellationToken = default) =>
        RunAsync("Enable-JournalRule", Identity(identity), cancellationToken);

    /// <summary>Disable-JournalRule -Identity -Confirm:$false.</summary>
    public Task DisableJournalRuleAsync(string identity, CancellationToken cancellationToken = default) =>
        RunAsync("Disable-JournalRule", Identity(identity).Add("Confirm", false), cancellationToken);

    // ---- directory ----------------------------------------------------------------------------------

    /// <summary>Get-AcceptedDomain [-Identity].</summary>
    public async Task<IReadOnlyList<AcceptedDomain>> GetAcceptedDomainsAsync(string? identity = null, CancellationToken cancellationToken = default) =>
        (await RunAsync("Get-AcceptedDomain", new ExchangeParameters().AddIfNotNull("Identity", identity), cancellationToken).ConfigureAwait(false))
            .Select(o => new AcceptedDomain(IdentityOf(o), o.GetString("Name") ?? "", o.GetString("DomainName") ?? o.GetString("Name") ?? "", o.GetString("DomainType"), o.GetBoolean("Default") ?? false) { InitialDomain = o.GetBoolean("InitialDomain") ?? false })
            .ToArray();

    /// <summary>The accepted domain whose Default is true, or null.</summary>
    public async Task<AcceptedDomain?> GetDefaultAcceptedDomainAsync(CancellationToken cancellationToken = default) =>
        (await GetAcceptedDomainsAsync(null, cancellationToken).ConfigureAwait(false)).FirstOrDefault(d => d.Default);

    /// <summary>Get-Recipient [-Identity] (ResultSize Unlimited is added by the client).</summary>
    public async Task<IReadOnlyList<ExchangeRecipient>> GetRecipientsAsync(string? identity = null, CancellationToken cancellationToken = default) =>
        (await RunAsync("Get-Recipient", new ExchangeParameters().AddIfNotNull("Identity", identity), cancellationToken).ConfigureAwait(false))
            .Select(o => new ExchangeRecipient(IdentityOf(o), o.GetString("Name") ?? "", o.GetString("Alias"), o.GetString("DisplayName"),
                o.GetString("PrimarySmtpAddress"), o.GetString("RecipientType"), o.GetString("RecipientTypeDetails"), o.GetStrings("EmailAddresses")))
            .ToArray();

    /// <summary>Get-Recipient -Identity, or null.</summary>
    public Task<ExchangeRecipient?> FindRecipientAsync(string identity, CancellationToken cancellationToken = default) =>
        FindAsync(() => GetRecipientsAsync(identity, cancellationToken));

    // ---- plumbing -----------------------------------------------------------------------------------

    private async Task<IReadOnlyList<ExchangeObject>> RunAsync(string cmdlet, ExchangeParameters parameters, CancellationToken ct, ExchangeInvokeOptions? options = null) =>
        (await _runner.InvokeAsync(cmdlet, parameters, options, ct).ConfigureAwait(false)).Objects;

    /// <summary>
    /// A New- call whose retries re-read first: when the Get- finds the object, the call completes
    /// with it (the throttled attempt created it after all); otherwise the retry goes ahead. The
    /// object found may also predate the call: callers that converge (the cmdlets) compare its
    /// settings with the wanted ones, as they do after their own Get-.
    /// </summary>
    private async Task<ExchangeObject> CreateAsync(string cmdlet, ExchangeParameters parameters, string getCmdlet, string name, CancellationToken ct)
    {
        var options = new ExchangeInvokeOptions
        {
            BeforeRetry = async (context, token) =>
            {
                try
                {
                    var existing = await _runner.InvokeAsync(getCmdlet, new ExchangeParameters().Add("Identity", name), null, token).ConfigureAwait(false);
                    return existing.Objects.Count > 0 ? ExchangeRetryDecision.CompleteWith(existing) : ExchangeRetryDecision.Retry;
                }
                catch (ExchangeCommandException e) when (e.Category == ExchangeErrorCategory.NotFound)
                {
                    return ExchangeRetryDecision.Retry;
                }
            },
        };
        var created = await RunAsync(cmdlet, parameters, ct, options).ConfigureAwait(false);
        if (created.Count > 0) return created[0];
        // Some New- answers carry no object: read it back.
        var read = await RunAsync(getCmdlet, new ExchangeParameters().Add("Identity", name), ct).ConfigureAwait(false);
        return read.Count > 0 ? read[0] : throw new ExchangeCommandException(cmdlet, ExchangeErrorCategory.Other, $"{cmdlet} succeeded but '{name}' could not be read back.");
    }

    private static async Task<T?> FindAsync<T>(Func<Task<IReadOnlyList<T>>> get) where T : class
    {
        try
        {
            return (await get().ConfigureAwait(false)).FirstOrDefault();
        }
        catch (ExchangeCommandException e) when (e.Category == ExchangeErrorCategory.NotFound)
        {
            return null;
        }
    }

    private static ExchangeParameters Identity(string identity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(identity);
        return new ExchangeParameters().Add("Identity", identity);
    }

    private static string IdentityOf(ExchangeObject o) => o.GetString("Identity") ?? o.GetString("Name") ?? o.GetString("Guid") ?? "";

    private static Guid? GuidOf(ExchangeObject o) => Guid.TryParse(o.GetString("Guid") ?? o.GetString("ExchangeObjectId"), out var g) ? g : null;

    /// <summary>"SMTP:x@y" → "x@y" (ExternalEmailAddress is a ProxyAddress).</summary>
    private static string? StripPrefix(string? address)
    {
        if (address is null) return null;
        return address.StartsWith("SMTP:", StringComparison.OrdinalIgnoreCase) ? address[5..] : address;
    }

    private static MailContact ToMailContact(ExchangeObject o) => new(
        IdentityOf(o), o.GetString("Name") ?? "", o.GetString("Alias"), o.GetString("DisplayName"),
        StripPrefix(o.GetString("ExternalEmailAddress")), o.GetString("PrimarySmtpAddress"),
        o.GetBoolean("HiddenFromAddressListsEnabled") ?? false, GuidOf(o));

    private static OutboundConnector ToConnector(ExchangeObject o) => new(
        IdentityOf(o), o.GetString("Name") ?? "", GuidOf(o), o.GetBoolean("Enabled") ?? false, o.GetString("ConnectorType"),
        o.GetStrings("RecipientDomains"), o.GetStrings("SmartHosts"), o.GetBoolean("UseMXRecord") ?? true,
        o.GetString("TlsSettings"), o.GetString("TlsDomain"), o.GetBoolean("IsTransportRuleScoped") ?? false, o.GetString("Comment"),
        o.GetBoolean("IsValidated") ?? false, o.GetDateTime("LastValidationTimestamp"), o.GetStrings("ValidationRecipients"));

    private static JournalRule ToJournalRule(ExchangeObject o) => new(
        IdentityOf(o), o.GetString("Name") ?? "", GuidOf(o), StripPrefix(o.GetString("JournalEmailAddress")),
        o.GetString("Recipient"), o.GetString("Scope"), o.GetBoolean("Enabled") ?? false);
}
