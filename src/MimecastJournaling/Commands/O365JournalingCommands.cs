using System.Management.Automation;
using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.Commands;

/// <summary>
/// What Enable-O365Journaling and Test-O365Journaling share: the journal definition (by name and
/// service address, bound from Get-JournalDefinition's output by property name, or read from the
/// store), the listener's smart hosts, and the names and options of the Exchange objects.
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

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
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
    protected JournalingTarget BuildTarget(bool showContact = false, IReadOnlyList<string>? validationRecipients = null)
    {
        CurrentMimecastService = MimecastService is null ? null : O365MimecastInput.Refresh(this, MimecastService);
        var address = CurrentMimecastService?.ServiceEmailAddress ?? ServiceEmailAddress ?? ReadDefinition(Definition, Store).ServiceEmailAddress;
        return new JournalingTarget(Definition, address, CurrentMimecastService?.Hostnames ?? (IEnumerable<string>)SmartHost, RecipientDomain, TlsSettings, TlsDomain, ContactName, ConnectorName, RuleName)
        {
            NdrRecipient = NdrRecipient is null ? null : JournalingChecks.CheckAddress(NdrRecipient, "NDR recipient"),
            Scope = Scope,
            Recipient = Recipient,
            ShowContactInAddressList = showContact,
            ValidationRecipients = validationRecipients,
        };
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

    protected override void ProcessRecord() => Run(() =>
    {
        var setup = new JournalingSetup(Connection.Commands, BuildTarget(ShowInAddressList, ValidationRecipient));
        Invoke(async (_, ct) => { await setup.PreflightAsync(ct).ConfigureAwait(false); return true; });
        foreach (var kind in JournalingSetup.Steps)
        {
            var plan = Invoke((_, ct) => setup.PlanAsync(kind, ct));
            if (!plan.IsUnchanged && !ShouldProcess($"{kind} '{plan.Name}'", plan.Description))
            {
                continue;
            }
            var step = Invoke((_, ct) => setup.ApplyAsync(plan, ct));
            WriteObject(step);
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
    }, Definition);

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
        var result = O365MimecastInput.WithMimecastChecks(Invoke((_, ct) => setup.TestAsync(ct)), CurrentMimecastService);
        foreach (var drift in result.Drift)
        {
            WriteVerbose("Drift: " + drift);
        }
        WriteObject(result);
    }, Definition);
}
