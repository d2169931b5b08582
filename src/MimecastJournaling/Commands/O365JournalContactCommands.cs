using System.Management.Automation;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.Commands;

/// <summary>
/// Creates (or converges) the Exchange Online mail contact for a journal service address, hidden
/// from address lists unless -ShowInAddressList.
/// </summary>
[Cmdlet(VerbsCommon.New, "O365JournalContact", SupportsShouldProcess = true, DefaultParameterSetName = DefinitionSet)]
[OutputType(typeof(O365JournalContact))]
public sealed class NewO365JournalContactCommand : O365Cmdlet
{
    private const string AddressSet = "Address";
    private const string DefinitionSet = "Definition";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = AddressSet, ValueFromPipelineByPropertyName = true)]
    [Alias("ServiceEmailAddress")]
    [ValidatePattern(@"^(?i:smtp:)?[^@\s]+@[^@\s]+\.[^@\s]+$")]
    public string ExternalEmailAddress { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = DefinitionSet, ValueFromPipeline = true)]
    public JournalDefinition Definition { get; set; } = null!;

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateLength(1, JournalContacts.MaxNameLength)]
    public string? Name { get; set; }

    [Parameter]
    public SwitchParameter ShowInAddressList { get; set; }

    protected override void ProcessRecord()
    {
        var address = ParameterSetName == DefinitionSet ? Definition.ServiceEmailAddress : ExternalEmailAddress;
        var name = Name ?? JournalContacts.DefaultName(ParameterSetName == DefinitionSet ? Definition.Description : address);
        var hidden = !ShowInAddressList.IsPresent;
        Try(() =>
        {
            var plan = Invoke((c, ct) => JournalContacts.PlanAsync(c, name, address, hidden, ct));
            if (plan.IsUnchanged)
            {
                WriteVerbose($"The mail contact '{name}' already forwards to {address} with HiddenFromAddressListsEnabled {hidden}; nothing to change.");
                WriteObject(Invoke((c, ct) => JournalContacts.ApplyAsync(c, plan, ct)));
                return;
            }
            var action = plan.Create
                ? $"Create mail contact for {address}, {(hidden ? "hidden from" : "shown in")} address lists"
                : "Update mail contact: " + string.Join("; ", plan.Changes);
            if (ShouldProcess(name, action))
            {
                WriteObject(Invoke((c, ct) => JournalContacts.ApplyAsync(c, plan, ct)));
            }
        }, name);
    }
}

/// <summary>Lists Exchange Online mail contacts (Get-MailContact).</summary>
[Cmdlet(VerbsCommon.Get, "O365JournalContact")]
[OutputType(typeof(O365JournalContact))]
public sealed class GetO365JournalContactCommand : O365Cmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Identity { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var identity in Identity is { Length: > 0 } ids ? ids.Cast<string?>() : new string?[] { null })
        {
            Try(() => WriteObject(Invoke((c, ct) => JournalContacts.GetAsync(c, identity, ct)), enumerateCollection: true), identity);
        }
    }
}

/// <summary>Removes an Exchange Online mail contact (Remove-MailContact).</summary>
[Cmdlet(VerbsCommon.Remove, "O365JournalContact", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class RemoveO365JournalContactCommand : O365Cmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Identity { get; set; } = string.Empty;

    protected override void ProcessRecord() => Try(() =>
    {
        if (ShouldProcess(Identity, "Remove mail contact"))
        {
            Invoke(async (c, ct) => { await c.RemoveMailContactAsync(Identity, ct).ConfigureAwait(false); return true; });
        }
    }, Identity);
}
