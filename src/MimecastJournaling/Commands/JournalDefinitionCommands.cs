using System.Management.Automation;
using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Commands;

/// <summary>Parameters shared by New- and Set-JournalDefinition: one per field of the definition.</summary>
public abstract class JournalDefinitionSettingsCmdlet : JournalCmdlet
{
    [Parameter]
    public JournalTransportType TransportType { get; set; } = JournalTransportType.Smtp;

    [Parameter]
    [AllowEmptyCollection]
    public string[] SourceIpRange { get; set; } = Array.Empty<string>();

    [Parameter]
    [AllowNull]
    public PSCredential? SmtpCredential { get; set; }

    [Parameter]
    [MinutesToTimeSpan]
    public TimeSpan InitialProcessDelay { get; set; }

    [Parameter]
    public int DeliveryWaitAttempts { get; set; }

    [Parameter]
    [MinutesToTimeSpan]
    public TimeSpan InactivityPeriod { get; set; }

    [Parameter]
    public JournalType JournalType { get; set; }

    [Parameter]
    public bool Encrypted { get; set; }

    [Parameter]
    public SwitchParameter PreferClearText { get; set; }

    [Parameter]
    public SwitchParameter JournalNonInternalAddresses { get; set; }

    [Parameter]
    public SwitchParameter JournalUnknownInternalAddresses { get; set; }

    [Parameter]
    public SwitchParameter Disabled { get; set; }

    /// <summary>Exchange Online tenant ids (GUIDs) whose reports the definition takes; an empty list removes the binding.</summary>
    [Parameter]
    [AllowEmptyCollection]
    public string[] TenantId { get; set; } = Array.Empty<string>();

    /// <summary>Warns about what is valid but probably a mistake (see JournalConfiguration.Advice).</summary>
    protected void WriteAdvice(JournalDefinition definition)
    {
        foreach (var advice in Configuration.Advice(definition))
        {
            WriteWarning(advice);
        }
    }

    /// <summary>The parameters the caller actually gave, as engine settings (unbound ones stay null).</summary>
    protected DefinitionSettings BoundSettings()
    {
        var bound = MyInvocation.BoundParameters;
        T? If<T>(string name, T value) where T : struct => bound.ContainsKey(name) ? value : null;
        return new DefinitionSettings
        {
            TransportType = If(nameof(TransportType), TransportType),
            SourceIpRange = bound.ContainsKey(nameof(SourceIpRange)) ? SourceIpRange ?? Array.Empty<string>() : null,
            SmtpCredential = !bound.ContainsKey(nameof(SmtpCredential)) ? null
                : SmtpCredential is null ? SmtpCredentialChange.Remove
                : SmtpCredentialChange.FromSecureString(SmtpCredential.UserName, SmtpCredential.Password),
            InitialProcessDelay = If(nameof(InitialProcessDelay), InitialProcessDelay),
            DeliveryWaitAttempts = If(nameof(DeliveryWaitAttempts), DeliveryWaitAttempts),
            InactivityPeriod = If(nameof(InactivityPeriod), InactivityPeriod),
            JournalType = If(nameof(JournalType), JournalType),
            Encrypted = If(nameof(Encrypted), Encrypted),
            PreferClearText = If(nameof(PreferClearText), PreferClearText.IsPresent),
            JournalNonInternalAddresses = If(nameof(JournalNonInternalAddresses), JournalNonInternalAddresses.IsPresent),
            JournalUnknownInternalAddresses = If(nameof(JournalUnknownInternalAddresses), JournalUnknownInternalAddresses.IsPresent),
            Disabled = If(nameof(Disabled), Disabled.IsPresent),
            TenantId = bound.ContainsKey(nameof(TenantId)) ? TenantId ?? Array.Empty<string>() : null,
        };
    }
}

[Cmdlet(VerbsCommon.New, "JournalDefinition", SupportsShouldProcess = true)]
[OutputType(typeof(JournalDefinition))]
public sealed class NewJournalDefinitionCommand : JournalDefinitionSettingsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    public string Description { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public string ServiceEmailAddress { get; set; } = string.Empty;

    protected override void ProcessRecord() => Try(() =>
    {
        var settings = BoundSettings() with { Description = Description, ServiceEmailAddress = ServiceEmailAddress };
        if (ShouldProcess(Description, $"Create journal definition for {ServiceEmailAddress}"))
        {
            var definition = Configuration.NewDefinition(settings);
            WriteAdvice(definition);
            WriteObject(definition);
        }
    });
}

[Cmdlet(VerbsCommon.Get, "JournalDefinition")]
[OutputType(typeof(JournalDefinition))]
public sealed class GetJournalDefinitionCommand : JournalCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(DefinitionNameCompleter))]
    public string[]? Description { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        foreach (var definition in Filter(Configuration.GetDefinitions(), d => d.Description, Description, NotFound))
        {
            // What Enable-O365Journaling set up for it (null when it never ran), as Test-O365Journaling uses it.
            var output = PSObject.AsPSObject(definition);
            output.Properties.Add(new PSNoteProperty("O365Journaling", Configuration.GetO365Journaling(definition)));
            WriteObject(output);
        }
    });

    private static JournalConfigurationException NotFound(string name) =>
        new("JournalDefinitionNotFound", JournalErrorKind.NotFound,
            $"No journal definition named '{name}'. Get-JournalDefinition without -Description lists them all.", name);
}

[Cmdlet(VerbsCommon.Set, "JournalDefinition", SupportsShouldProcess = true)]
[OutputType(typeof(JournalDefinition))]
public sealed class SetJournalDefinitionCommand : JournalDefinitionSettingsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(DefinitionNameCompleter))]
    public string Description { get; set; } = string.Empty;

    [Parameter]
    public string? NewDescription { get; set; }

    [Parameter]
    public string? ServiceEmailAddress { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        var settings = BoundSettings() with { Description = NewDescription, ServiceEmailAddress = ServiceEmailAddress };
        var changes = string.Join(", ", MyInvocation.BoundParameters.Keys.Where(k => k is not (nameof(Description) or nameof(PassThru) or nameof(Store))
            && !CommonParameters.Contains(k) && !OptionalCommonParameters.Contains(k)));
        if (ShouldProcess(Description, $"Set {changes}"))
        {
            var result = Configuration.SetDefinition(Description, settings);
            WriteAdvice(result);
            if (PassThru)
            {
                WriteObject(result);
            }
        }
    });
}

[Cmdlet(VerbsCommon.Remove, "JournalDefinition", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class RemoveJournalDefinitionCommand : JournalCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(DefinitionNameCompleter))]
    public string Description { get; set; } = string.Empty;

    protected override void ProcessRecord() => Try(() =>
    {
        // Resolve first so a wrong name is an error even under -WhatIf.
        var definition = Configuration.GetDefinition(Description);
        if (ShouldProcess(definition.Description, "Remove journal definition (reports to " + definition.ServiceEmailAddress + " will be refused)"))
        {
            Configuration.RemoveDefinition(definition.Description);
        }
    });
}

/// <summary>Enable- and Disable-JournalDefinition: the Disabled toggle, recorded in the event log.</summary>
public abstract class SetJournalDefinitionStateCmdlet : JournalCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(DefinitionNameCompleter))]
    public string Description { get; set; } = string.Empty;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected abstract bool Disable { get; }

    protected override void ProcessRecord() => Try(() =>
    {
        var definition = Configuration.GetDefinition(Description);
        var action = Disable ? "Disable (suspend) journal definition; senders are told to retry later" : "Enable journal definition";
        if (ShouldProcess(definition.Description, action))
        {
            var result = Configuration.SetDisabled(definition.Description, Disable);
            if (PassThru)
            {
                WriteObject(result);
            }
        }
    });
}

[Cmdlet(VerbsLifecycle.Enable, "JournalDefinition", SupportsShouldProcess = true)]
[OutputType(typeof(JournalDefinition))]
public sealed class EnableJournalDefinitionCommand : SetJournalDefinitionStateCmdlet
{
    protected override bool Disable => false;
}

[Cmdlet(VerbsLifecycle.Disable, "JournalDefinition", SupportsShouldProcess = true)]
[OutputType(typeof(JournalDefinition))]
public sealed class DisableJournalDefinitionCommand : SetJournalDefinitionStateCmdlet
{
    protected override bool Disable => true;
}
