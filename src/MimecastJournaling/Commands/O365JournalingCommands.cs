using System.Management.Automation;
using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.Commands;

/// <summary>
/// What Enable-O365Journaling and Test-O365Journaling share: the journal definition (by name and
/// service address, bound from Get-JournalDefinition's output by property name, or read from the
/// store), the listener's smart hosts, and the names and options of the Exchange objects. What
/// a parameter does not give comes from what Enable-O365Journaling remembered for the definition
/// (<see cref="Engine.Configuration.O365JournalingRecord"/>), then from the defaults.
/// </summary>
public abstract class O365JournalingSetupCmdlet : O365JournalingCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Description", "Name")]
    [ArgumentCompleter(typeof(DefinitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Definition { get; set; } = string.Empty;

    /// <summary>The definition's service address; read from the store when not given.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? ServiceEmailAddress { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("SmartHosts", "Hostnames")]
    [ValidateNotNullOrEmpty]
    public string[] SmartHost { get; set; } = Array.Empty<string>();

    /// <summary>A Mimecast journal service (Get-MimecastJournalService): read again, its address and Hostnames are the target.</summary>
    [Parameter(ValueFromPipeline = true)]
    public MimecastJournaling.Mimecast.MimecastJournalService? MimecastService { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NdrRecipient { get; set; }

    [Parameter]
    [Alias("RecipientDomains")]
    [ValidateNotNullOrEmpty]
    public string[]? RecipientDomain { get; set; }

    [Parameter]
    public TlsAuthLevel TlsSettings { get; set; } = TlsAuthLevel.CertificateValidation;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TlsDomain { get; set; }

    [Parameter]
    public JournalRuleScope Scope { get; set; } = JournalRuleScope.Global;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Recipient { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ContactName { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConnectorName { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RuleName { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Store { get; set; }

    /// <summary>The target, checked locally (names, smart hosts, TLS) before any call.</summary>
    protected JournalingTarget BuildTarget(bool showContact = false, IReadOnlyList<string>? validationRecipients = null, bool readMimecast = true)
    {
        CurrentMimecastService = MimecastService is null || !readMimecast ? null : O365MimecastInput.Refresh(this, MimecastService);
        Remembered = ReadRemembered();
        var remembered = Remembered?.Record;
        var address = CurrentMimecastService?.ServiceEmailAddress ?? ServiceEmailAddress ?? Remembered?.Definition.ServiceEmailAddress ?? ReadDefinition(Definition, Store).ServiceEmailAddress;
        var smartHosts = CurrentMimecastService?.Hostnames ?? (SmartHost.Length > 0 ? SmartHost : remembered?.SmartHosts);
        if (smartHosts is not { Count: > 0 })
        {
            var cmdlet = MyInvocation.MyCommand.Name;
            throw new O365JournalingException(cmdlet.Replace("-", "", StringComparison.Ordinal) + "SmartHostRequired", O365JournalingErrorKind.InvalidArgument,
                $"{cmdlet} needs the listener's smart hosts, and Enable-O365Journaling has not set up '{Definition}' from this store yet, so none are remembered. " +
                $"Give -SmartHost (for example {cmdlet} '{Definition}' -SmartHost archive.contoso.com), or run Enable-O365Journaling '{Definition}' -SmartHost <host> first: it remembers the smart hosts and names with the definition.",
                Definition);
        }
        var bound = MyInvocation.BoundParameters;
        var tls = bound.ContainsKey(nameof(TlsSettings)) || !Enum.TryParse<TlsAuthLevel>(remembered?.TlsSettings, true, out var rememberedTls) ? TlsSettings : rememberedTls;
        var tlsDomain = TlsDomain ?? (bound.ContainsKey(nameof(TlsSettings)) ? null : remembered?.TlsDomain);
        var scope = bound.ContainsKey(nameof(Scope)) || !Enum.TryParse<JournalRuleScope>(remembered?.Scope, true, out var rememberedScope) ? Scope : rememberedScope;
        var recipient = Recipient ?? (bound.ContainsKey(nameof(Scope)) ? null : remembered?.Recipient);
        var ndr = NdrRecipient ?? remembered?.NdrRecipient;
        return new JournalingTarget(Definition, address, smartHosts, RecipientDomain ?? remembered?.RecipientDomains, tls, tlsDomain,
            ContactName ?? remembered?.ContactName, ConnectorName ?? remembered?.ConnectorName, RuleName ?? remembered?.RuleName)
        {
            NdrRecipient = ndr is null ? null : JournalingChecks.CheckAddress(ndr, "NDR recipient"),
            Scope = scope,
            Recipient = recipient,
            ShowContactInAddressList = showContact,
            ValidationRecipients = validationRecipients,
        };
    }

    /// <summary>The definition in the local store and what Enable-O365Journaling remembered for it (after <see cref="BuildTarget"/>); null when the store or the definition is not here.</summary>
    protected (Engine.Configuration.JournalDefinition Definition, Engine.Configuration.O365JournalingRecord? Record)? Remembered { get; private set; }

    /// <summary>Opens the store only when it exists (a definition of another store, given with -ServiceEmailAddress, has nothing remembered here).</summary>
    protected Engine.Configuration.JournalConfiguration? OpenConfiguration()
    {
        var location = JournalCmdlet.ResolveLocation(this, Store);
        return Engine.Storage.JournalBackend.Exists(location)
            ? new Engine.Configuration.JournalConfiguration(Engine.Storage.JournalBackend.Open(location).Store, JournalCmdlet.Actor)
            : null;
    }

    private (Engine.Configuration.JournalDefinition, Engine.Configuration.O365JournalingRecord?)? ReadRemembered()
    {
        if (OpenConfiguration() is not { } configuration)
        {
            return null;
        }
        try
        {
            var definition = configuration.GetDefinition(Definition);
            return (definition, configuration.GetO365Journaling(definition));
        }
        catch (Engine.Configuration.JournalConfigurationException e) when (e.ErrorId == "JournalDefinitionNotFound" && ServiceEmailAddress is not null)
        {
            return null;
        }
    }

    /// <summary>The tenant the connection signed in to differs from the one Enable-O365Journaling set the definition up in: say so.</summary>
    protected void WarnOnOtherTenant(ExchangeOnlineConnection connection)
    {
        if (Remembered?.Record is { TenantId: { } rememberedTenant } record && connection.Info.DirectoryTenantId is { } connected
            && !string.Equals(rememberedTenant, connected, StringComparison.OrdinalIgnoreCase))
        {
            WriteWarning($"This connection is to the tenant {connection.Info.TenantId} ({connected}), but Enable-O365Journaling set up '{Definition}' in {record.Tenant ?? rememberedTenant} ({rememberedTenant}). " +
                "Connect-O365Journaling to that tenant, or give -SmartHost and the names for this one.");
        }
    }

    /// <summary>The Mimecast journal service as Mimecast has it now (after <see cref="BuildTarget"/>), when one was piped in.</summary>
    protected MimecastJournaling.Mimecast.MimecastJournalService? CurrentMimecastService { get; private set; }
}

/// <summary>
/// Sets up Exchange Online journaling for a journal definition: the mail contact, the partner
/// connector (validated), the NDR recipient and the journal rule, in that order; converges.
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "O365Journaling", SupportsShouldProcess = true)]
[OutputType(typeof(O365JournalingStep))]
public sealed class EnableO365JournalingCommand : O365JournalingSetupCmdlet
{
    [Parameter]
    public SwitchParameter ShowInAddressList { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ValidationRecipient { get; set; }

    /// <summary>A failed connector validation is recorded (the step is Failed, with a warning) and the NDR recipient and rule steps still run.</summary>
    [Parameter]
    public SwitchParameter SkipValidationFailure { get; set; }

    /// <summary>Without a connection, only -WhatIf can run (it shows what it can; see <see cref="PlanOffline"/>).</summary>
    protected override void BeginProcessing()
    {
        if (O365Session.Current is null && !IsWhatIf)
        {
            ThrowTerminatingError(NotConnectedError());
        }
    }

    private bool IsWhatIf =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf)
            ? whatIf is SwitchParameter { IsPresent: true }
            : SessionState.PSVariable.GetValue("WhatIfPreference") is true or SwitchParameter { IsPresent: true };

    protected override void ProcessRecord() => Run(() =>
    {
        if (O365Session.Current is null)
        {
            PlanOffline();
            return;
        }
        var setup = new JournalingSetup(Connection.Commands, BuildTarget(ShowInAddressList, ValidationRecipient));
        WarnOnOtherTenant(Connection);
        Invoke(async (_, ct) => { await setup.PreflightAsync(ct).ConfigureAwait(false); return true; });
        var everyStep = true;
        string? ndrAddress = null;
        foreach (var kind in JournalingSetup.Steps)
        {
            var plan = Invoke((_, ct) => setup.PlanAsync(kind, ct));
            if (!plan.IsUnchanged && !ShouldProcess($"{kind} '{plan.Name}'", plan.Description))
            {
                everyStep = false;
                continue;
            }
            var step = Invoke((_, ct) => setup.ApplyAsync(plan, ct));
            WriteObject(step);
            if (kind == O365JournalingStepKind.NdrRecipient)
            {
                ndrAddress = step.Name;
            }
            if (step.Action == O365JournalingAction.Failed && SkipValidationFailure)
            {
                WriteWarning($"The connector '{plan.Name}' did not pass Validate-OutboundConnector: {step.Detail}. Going on with the NDR recipient and the journal rule because of -SkipValidationFailure; " +
                    "until the listener is reachable from Exchange Online on port 25 with a publicly trusted certificate, journal reports queue in Exchange. Test-O365Journaling shows the connector as not validated.");
                continue;
            }
            if (step.Action == O365JournalingAction.Failed)
            {
                WriteError(new ErrorRecord(
                    new InvalidOperationException($"The connector '{plan.Name}' did not pass Validate-OutboundConnector: {step.Detail}. The NDR recipient and the journal rule were left alone: make the listener reachable on port 25 with a certificate Exchange trusts, then run Enable-O365Journaling again."),
                    "ConnectorValidationFailed", ErrorCategory.ConnectionError, plan.Name));
                return;
            }
        }
        BindTenant();
        if (everyStep)
        {
            Remember(setup.Target, ndrAddress);
        }
    }, Definition);

    /// <summary>
    /// -WhatIf without a connection: the plan from the local values alone (what would be created
    /// or made to match), and what only a connection can tell.
    /// </summary>
    private void PlanOffline()
    {
        var target = BuildTarget(ShowInAddressList, ValidationRecipient, readMimecast: false);
        foreach (var kind in JournalingSetup.Steps)
        {
            var (name, description) = JournalingSetup.DescribeWithoutConnection(target, kind);
            ShouldProcess($"{kind} '{name}'", description);
        }
        if (Remembered is not null)
        {
            ShouldProcess($"journal definition '{Definition}'", "Take reports only from the Exchange Online tenant of the connection (TenantId), and remember this setup with the definition");
        }
        WriteWarning("Not connected to Exchange Online, so this plan comes from the parameters and the store alone. It cannot tell which of these objects exist already " +
            "(and would be Unchanged or Updated rather than Created), whether the tenant has an NDR recipient that is not a mailbox" + (target.NdrRecipient is null ? " (none was given with -NdrRecipient)" : "") +
            ", whether the journal rule limit is reached, whether the connector passes validation (the listener reachable on port 25 with a publicly trusted certificate), " +
            "or which tenant the definition would be bound to" + (MimecastService is null ? "" : ", nor read the Mimecast journal service again") +
            ". Run Connect-O365Journaling, then Enable-O365Journaling -WhatIf again for the exact plan.");
    }

    /// <summary>What was set up, kept with the definition so that Test-O365Journaling (and the next Enable-O365Journaling) need only its name.</summary>
    private void Remember(JournalingTarget target, string? ndrAddress)
    {
        if (Remembered is not { } local || OpenConfiguration() is not { } configuration)
        {
            WriteVerbose($"No journal definition '{Definition}' in this store; nothing remembered.");
            return;
        }
        var info = Connection.Info;
        configuration.RememberO365Journaling(local.Definition.Description, new Engine.Configuration.O365JournalingRecord
        {
            Tenant = info.TenantId,
            TenantId = info.DirectoryTenantId,
            ServiceEmailAddress = target.ServiceEmailAddress,
            SmartHosts = target.Connector.SmartHosts.ToArray(),
            RecipientDomains = target.Connector.RecipientDomains.ToArray(),
            TlsSettings = target.Connector.TlsSettings.ToString(),
            TlsDomain = target.Connector.TlsDomain,
            ContactName = target.ContactName,
            ConnectorName = target.ConnectorName,
            RuleName = target.RuleName,
            NdrRecipient = target.NdrRecipient ?? ndrAddress,
            Scope = target.Scope.ToString(),
            Recipient = target.Recipient,
        });
        WriteVerbose($"Remembered with the journal definition '{Definition}' (Get-JournalDefinition shows it as O365Journaling): Test-O365Journaling '{Definition}' needs no -SmartHost now.");
    }

    /// <summary>
    /// The definition takes reports only from this tenant from now on (its TenantId); another
    /// tenant connecting from Exchange Online's shared ranges is refused.
    /// </summary>
    private void BindTenant()
    {
        var location = JournalCmdlet.ResolveLocation(this, Store);
        if (!Engine.Storage.JournalBackend.Exists(location))
        {
            WriteVerbose("No journal store here; no tenant binding to set.");
            return;
        }
        var configuration = new Engine.Configuration.JournalConfiguration(Engine.Storage.JournalBackend.Open(location).Store, JournalCmdlet.Actor);
        Engine.Configuration.JournalDefinition definition;
        try
        {
            definition = configuration.GetDefinition(Definition);
        }
        catch (Engine.Configuration.JournalConfigurationException e) when (e.ErrorId == "JournalDefinitionNotFound")
        {
            // Journaling to a service this store does not hold (-ServiceEmailAddress given, or a
            // Mimecast journal service): there is no local definition to bind.
            WriteVerbose($"No journal definition '{Definition}' in this store; no tenant binding to set.");
            return;
        }
        var tenant = Connection.Info.DirectoryTenantId;
        if (tenant is null)
        {
            WriteWarning($"The connection does not say which tenant (directory id) it signed in to, so the journal definition '{Definition}' was not bound to it. " +
                $"Run Set-JournalDefinition '{Definition}' -TenantId <tenant GUID> so that reports from other tenants are refused.");
            return;
        }
        if (definition.TenantId.Contains(tenant, StringComparer.OrdinalIgnoreCase))
        {
            return;
        }
        if (ShouldProcess($"journal definition '{Definition}'", $"Take reports only from the Exchange Online tenant {tenant} (TenantId)"))
        {
            configuration.AddTenant(Definition, tenant);
            WriteVerbose($"The journal definition '{Definition}' now takes reports only from the tenant(s) {string.Join(", ", configuration.GetDefinition(Definition).TenantId)}.");
        }
    }
}

/// <summary>Compares Exchange Online with a journal definition and reports drift, with Passed overall.</summary>
[Cmdlet(VerbsDiagnostic.Test, "O365Journaling")]
[OutputType(typeof(O365JournalingTestResult))]
public sealed class TestO365JournalingCommand : O365JournalingSetupCmdlet
{
    protected override void ProcessRecord() => Run(() =>
    {
        var setup = new JournalingSetup(Connection.Commands, BuildTarget());
        WarnOnOtherTenant(Connection);
        var result = O365MimecastInput.WithMimecastChecks(Invoke((_, ct) => setup.TestAsync(ct)), CurrentMimecastService);
        foreach (var drift in result.Drift)
        {
            WriteVerbose("Drift: " + drift);
        }
        WriteObject(result);
    }, Definition);
}
