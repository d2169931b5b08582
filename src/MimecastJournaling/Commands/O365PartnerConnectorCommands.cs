using System.Management.Automation;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;
using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.Commands;

/// <summary>
/// Base of the journaling cmdlets of issue 5 (connector, NDR recipient, journal rule, the whole
/// setup): the local refusals of the Exchange Online layer become ErrorRecords with their own
/// stable ids, next to Exchange's own errors (O365Cmdlet).
/// </summary>
public abstract class O365JournalingCmdlet : O365Cmdlet
{
    /// <summary>Runs one unit of work; a refusal (ours or Exchange's) becomes a non-terminating error.</summary>
    protected void Run(Action action, object? target = null) => Try(() =>
    {
        try
        {
            action();
        }
        catch (O365JournalingException e)
        {
            WriteError(ToErrorRecord(e, target));
        }
        catch (JournalConfigurationException e)
        {
            WriteError(JournalCmdlet.ToErrorRecord(e));
        }
    }, target);

    internal static ErrorRecord ToErrorRecord(O365JournalingException e, object? target)
    {
        var category = e.Kind switch
        {
            O365JournalingErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            O365JournalingErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
            O365JournalingErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
            O365JournalingErrorKind.NotFound => ErrorCategory.ObjectNotFound,
            _ => ErrorCategory.NotSpecified,
        };
        var record = new ErrorRecord(e, e.ErrorId, category, e.Target ?? target);
        if (e.InnerException is ExchangeCommandException exchange)
        {
            record.CategoryInfo.Activity = exchange.CmdletName;
        }
        return record;
    }

    /// <summary>A journal definition from the store (-Store, else the default one).</summary>
    internal JournalDefinition ReadDefinition(string name, string? store) =>
        new JournalConfiguration(JournalCmdlet.OpenBackend(this, store).Store, JournalCmdlet.Actor).GetDefinition(name);
}

/// <summary>
/// Creates (or converges) the partner outbound connector that carries journal reports to the
/// listener's smart hosts.
/// </summary>
[Cmdlet(VerbsCommon.New, "O365PartnerConnector", SupportsShouldProcess = true, DefaultParameterSetName = DefinitionSet)]
[OutputType(typeof(O365PartnerConnector))]
public sealed class NewO365PartnerConnectorCommand : O365JournalingCmdlet
{
    private const string DomainSet = "Domain";
    private const string DefinitionSet = "Definition";

    [Parameter(Mandatory = true, ParameterSetName = DomainSet, ValueFromPipelineByPropertyName = true)]
    [Alias("RecipientDomains")]
    [ValidateNotNullOrEmpty]
    public string[] RecipientDomain { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = DefinitionSet, ValueFromPipeline = true)]
    public JournalDefinition Definition { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0)]
    [Alias("SmartHosts")]
    [ValidateNotNullOrEmpty]
    public string[] SmartHost { get; set; } = Array.Empty<string>();

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter]
    public TlsAuthLevel TlsSettings { get; set; } = TlsAuthLevel.CertificateValidation;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TlsDomain { get; set; }

    [Parameter]
    public string? Comment { get; set; }

    protected override void ProcessRecord()
    {
        var fromDefinition = ParameterSetName == DefinitionSet;
        var domains = fromDefinition ? new[] { JournalingChecks.DomainOf(Definition.ServiceEmailAddress) } : RecipientDomain;
        var name = Name ?? JournalingChecks.DefaultName(fromDefinition ? Definition.Description : domains[0]);
        Run(() =>
        {
            var settings = new PartnerConnectorSettings(domains, SmartHost, TlsSettings, TlsDomain, Comment);
            var plan = Invoke((c, ct) => PartnerConnectors.PlanAsync(c, name, settings, ct));
            if (plan.IsUnchanged)
            {
                WriteVerbose($"The connector '{plan.Name}' already delivers {string.Join(", ", settings.RecipientDomains)} to {string.Join(", ", settings.SmartHosts)}; nothing to change.");
                WriteObject(Invoke((c, ct) => PartnerConnectors.ApplyAsync(c, plan, ct)));
                return;
            }
            if (ShouldProcess(plan.Name, plan.Description))
            {
                WriteObject(Invoke((c, ct) => PartnerConnectors.ApplyAsync(c, plan, ct)));
            }
        }, name);
    }
}

/// <summary>Lists Exchange Online outbound connectors (Get-OutboundConnector).</summary>
[Cmdlet(VerbsCommon.Get, "O365PartnerConnector")]
[OutputType(typeof(O365PartnerConnector))]
public sealed class GetO365PartnerConnectorCommand : O365JournalingCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Identity { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var identity in Identity is { Length: > 0 } ids ? ids.Cast<string?>() : new string?[] { null })
        {
            Run(() => WriteObject(Invoke((c, ct) => PartnerConnectors.GetAsync(c, identity, ct)), enumerateCollection: true), identity);
        }
    }
}

/// <summary>Changes the recipient domains, smart hosts or TLS of a partner connector, and keeps it a journaling partner connector.</summary>
[Cmdlet(VerbsCommon.Set, "O365PartnerConnector", SupportsShouldProcess = true)]
[OutputType(typeof(O365PartnerConnector))]
public sealed class SetO365PartnerConnectorCommand : O365JournalingCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Identity { get; set; } = string.Empty;

    [Parameter]
    [Alias("RecipientDomains")]
    [ValidateNotNullOrEmpty]
    public string[]? RecipientDomain { get; set; }

    [Parameter]
    [Alias("SmartHosts")]
    [ValidateNotNullOrEmpty]
    public string[]? SmartHost { get; set; }

    [Parameter]
    public TlsAuthLevel TlsSettings { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TlsDomain { get; set; }

    [Parameter]
    public string? Comment { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => Run(() =>
    {
        TlsAuthLevel? tls = MyInvocation.BoundParameters.ContainsKey(nameof(TlsSettings)) ? TlsSettings : null;
        var plan = Invoke((c, ct) => PartnerConnectors.PlanChangeAsync(c, Identity, RecipientDomain, SmartHost, tls, TlsDomain, Comment, ct));
        if (plan.IsUnchanged)
        {
            WriteVerbose($"The connector '{plan.Name}' already has these settings; nothing to change.");
            if (PassThru) WriteObject(Invoke((c, ct) => PartnerConnectors.ApplyAsync(c, plan, ct)));
            return;
        }
        if (ShouldProcess(plan.Name, plan.Description))
        {
            var result = Invoke((c, ct) => PartnerConnectors.ApplyAsync(c, plan, ct));
            if (PassThru) WriteObject(result);
        }
    }, Identity);
}

/// <summary>Removes an outbound connector (Remove-OutboundConnector).</summary>
[Cmdlet(VerbsCommon.Remove, "O365PartnerConnector", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class RemoveO365PartnerConnectorCommand : O365JournalingCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Identity { get; set; } = string.Empty;

    protected override void ProcessRecord() => Run(() =>
    {
        if (ShouldProcess(Identity, "Remove outbound connector"))
        {
            Invoke(async (c, ct) => { await c.RemoveOutboundConnectorAsync(Identity, ct).ConfigureAwait(false); return true; });
        }
    }, Identity);
}

/// <summary>
/// Runs Validate-OutboundConnector and, when every task passes, marks the connector validated —
/// the step the Exchange admin center can only do in Internet Explorer.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "O365PartnerConnector", SupportsShouldProcess = true)]
[OutputType(typeof(O365PartnerConnectorValidation))]
public sealed class TestO365PartnerConnectorCommand : O365JournalingCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Identity { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1)]
    [Alias("Recipients")]
    [ValidateNotNullOrEmpty]
    public string[] Recipient { get; set; } = Array.Empty<string>();

    /// <summary>Only test; do not mark the connector validated.</summary>
    [Parameter]
    public SwitchParameter NoMark { get; set; }

    protected override void ProcessRecord() => Run(() =>
    {
        var action = $"Validate-OutboundConnector (SMTP to the smart hosts, test messages to {string.Join(", ", Recipient)}){(NoMark ? "" : ", then mark the connector validated")}";
        if (!ShouldProcess(Identity, action)) return;
        var result = Invoke((c, ct) => PartnerConnectors.ValidateAsync(c, Identity, Recipient, !NoMark, ct));
        if (!result.Passed)
        {
            WriteWarning($"The connector '{result.Connector}' did not pass validation: " + string.Join("; ", result.Tasks.Where(t => !t.Passed)));
        }
        WriteObject(result);
    }, Identity);
}
