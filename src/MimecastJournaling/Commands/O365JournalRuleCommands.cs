using System.Management.Automation;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.Commands;

/// <summary>Shows the tenant's alternate journaling (NDR) recipient (Get-TransportConfig).</summary>
[Cmdlet(VerbsCommon.Get, "O365JournalNdrRecipient")]
[OutputType(typeof(O365JournalNdrRecipient))]
public sealed class GetO365JournalNdrRecipientCommand : O365JournalingCmdlet
{
    protected override void ProcessRecord() => Run(() => WriteObject(Invoke((c, ct) => JournalNdrRecipients.GetAsync(c, ct))));
}

/// <summary>Sets the alternate journaling (NDR) recipient (Set-TransportConfig -JournalingReportNdrTo); refuses Exchange Online mailboxes.</summary>
[Cmdlet(VerbsCommon.Set, "O365JournalNdrRecipient", SupportsShouldProcess = true)]
[OutputType(typeof(O365JournalNdrRecipient))]
public sealed class SetO365JournalNdrRecipientCommand : O365JournalingCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("NdrRecipient", "JournalingReportNdrTo")]
    [ValidateNotNullOrEmpty]
    public string Address { get; set; } = string.Empty;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => Run(() =>
    {
        var plan = Invoke((c, ct) => JournalNdrRecipients.PlanAsync(c, Address, ct));
        if (plan.IsUnchanged)
        {
            WriteVerbose($"The NDR recipient is already {plan.Address}; nothing to change.");
            if (PassThru) WriteObject(Invoke((c, ct) => JournalNdrRecipients.ApplyAsync(c, plan, ct)));
            return;
        }
        if (ShouldProcess("Transport configuration", plan.Description))
        {
            var result = Invoke((c, ct) => JournalNdrRecipients.ApplyAsync(c, plan, ct));
            if (PassThru) WriteObject(result);
        }
    }, Address);
}

/// <summary>Creates (or converges) a journal rule: Global scope, every recipient and enabled unless told otherwise.</summary>
[Cmdlet(VerbsCommon.New, "O365JournalRule", SupportsShouldProcess = true, DefaultParameterSetName = DefinitionSet)]
[OutputType(typeof(O365JournalRule))]
public sealed class NewO365JournalRuleCommand : O365JournalingCmdlet
{
    private const string AddressSet = "Address";
    private const string DefinitionSet = "Definition";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = AddressSet, ValueFromPipelineByPropertyName = true)]
    [Alias("ServiceEmailAddress")]
    [ValidateNotNullOrEmpty]
    public string JournalEmailAddress { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = DefinitionSet, ValueFromPipeline = true)]
    public JournalDefinition Definition { get; set; } = null!;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter]
    public JournalRuleScope Scope { get; set; } = JournalRuleScope.Global;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Recipient { get; set; }

    [Parameter]
    public bool Enabled { get; set; } = true;

    protected override void ProcessRecord()
    {
        var address = ParameterSetName == DefinitionSet ? Definition.ServiceEmailAddress : JournalEmailAddress;
        var name = Name ?? JournalingChecks.DefaultName(ParameterSetName == DefinitionSet ? Definition.Description : address);
        Run(() =>
        {
            var settings = new JournalRuleSettings(address, Scope, Recipient, Enabled);
            var plan = Invoke((c, ct) => JournalRules.PlanAsync(c, name, settings, JournalRules.DefaultRuleLimit, ct));
            if (plan.IsUnchanged)
            {
                WriteVerbose($"The journal rule '{plan.Name}' already sends reports to {settings.JournalEmailAddress}; nothing to change.");
                WriteObject(Invoke((c, ct) => JournalRules.ApplyAsync(c, plan, ct)));
                return;
            }
            plan.EnsureCanCreate(); // before -WhatIf and before any call: no NDR recipient, or the rule limit
            if (ShouldProcess(plan.Name, plan.Description))
            {
                WriteObject(Invoke((c, ct) => JournalRules.ApplyAsync(c, plan, ct)));
            }
        }, name);
    }
}

/// <summary>Lists the journal rules (Get-JournalRule).</summary>
[Cmdlet(VerbsCommon.Get, "O365JournalRule")]
[OutputType(typeof(O365JournalRule))]
public sealed class GetO365JournalRuleCommand : O365JournalingCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Identity { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var identity in Identity is { Length: > 0 } ids ? ids.Cast<string?>() : new string?[] { null })
        {
            Run(() => WriteObject(Invoke((c, ct) => JournalRules.GetAsync(c, identity, ct)), enumerateCollection: true), identity);
        }
    }
}

/// <summary>Changes a journal rule's target, scope, recipient or Enabled.</summary>
[Cmdlet(VerbsCommon.Set, "O365JournalRule", SupportsShouldProcess = true)]
[OutputType(typeof(O365JournalRule))]
public sealed class SetO365JournalRuleCommand : O365JournalingCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Identity { get; set; } = string.Empty;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JournalEmailAddress { get; set; }

    [Parameter]
    public JournalRuleScope Scope { get; set; }

    /// <summary>One recipient to journal; an empty string journals everyone again.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? Recipient { get; set; }

    [Parameter]
    public bool Enabled { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => Run(() =>
    {
        var bound = MyInvocation.BoundParameters;
        JournalRuleScope? scope = bound.ContainsKey(nameof(Scope)) ? Scope : null;
        bool? enabled = bound.ContainsKey(nameof(Enabled)) ? Enabled : null;
        var clear = bound.ContainsKey(nameof(Recipient)) && string.IsNullOrWhiteSpace(Recipient);
        var recipient = clear ? null : Recipient;
        var plan = Invoke((c, ct) => JournalRules.PlanChangeAsync(c, Identity, JournalEmailAddress, scope, recipient, clear, enabled, ct));
        if (plan.IsUnchanged)
        {
            WriteVerbose($"The journal rule '{plan.Name}' already has these settings; nothing to change.");
            if (PassThru) WriteObject(Invoke((c, ct) => JournalRules.ApplyAsync(c, plan, ct)));
            return;
        }
        if (ShouldProcess(plan.Name, plan.Description))
        {
            var result = Invoke((c, ct) => JournalRules.ApplyAsync(c, plan, ct));
            if (PassThru) WriteObject(result);
        }
    }, Identity);
}

/// <summary>Removes a journal rule (Remove-JournalRule).</summary>
[Cmdlet(VerbsCommon.Remove, "O365JournalRule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class RemoveO365JournalRuleCommand : O365JournalingCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Identity { get; set; } = string.Empty;

    protected override void ProcessRecord() => Run(() =>
    {
        if (ShouldProcess(Identity, "Remove journal rule"))
        {
            Invoke(async (c, ct) => { await c.RemoveJournalRuleAsync(Identity, ct).ConfigureAwait(false); return true; });
        }
    }, Identity);
}

/// <summary>Enable-/Disable-O365JournalRule: Enable-/Disable-JournalRule, only when the rule is not so already.</summary>
public abstract class O365JournalRuleSwitchCmdlet : O365JournalingCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Identity { get; set; } = string.Empty;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected abstract bool Enable { get; }

    protected override void ProcessRecord() => Run(() =>
    {
        var (rule, changed) = Invoke((c, ct) => JournalRules.ReadForEnabledAsync(c, Identity, Enable, ct));
        if (!changed)
        {
            WriteVerbose($"The journal rule '{rule.Name}' is already {(Enable ? "enabled" : "disabled")}; nothing to change.");
            if (PassThru) WriteObject(Invoke((c, ct) => JournalRules.SetEnabledAsync(c, rule, Enable, ct)));
            return;
        }
        if (ShouldProcess(rule.Name, Enable ? "Enable journal rule" : "Disable journal rule (journal reports stop)"))
        {
            var result = Invoke((c, ct) => JournalRules.SetEnabledAsync(c, rule, Enable, ct));
            if (PassThru) WriteObject(result);
        }
    }, Identity);
}

/// <summary>Turns a journal rule on (Enable-JournalRule).</summary>
[Cmdlet(VerbsLifecycle.Enable, "O365JournalRule", SupportsShouldProcess = true)]
[OutputType(typeof(O365JournalRule))]
public sealed class EnableO365JournalRuleCommand : O365JournalRuleSwitchCmdlet
{
    protected override bool Enable => true;
}

/// <summary>Turns a journal rule off (Disable-JournalRule).</summary>
[Cmdlet(VerbsLifecycle.Disable, "O365JournalRule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(O365JournalRule))]
public sealed class DisableO365JournalRuleCommand : O365JournalRuleSwitchCmdlet
{
    protected override bool Enable => false;
}
