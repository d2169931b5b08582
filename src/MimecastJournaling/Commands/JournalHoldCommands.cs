using System.Management.Automation;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Lifecycle;

namespace MimecastJournaling.Commands;

[Cmdlet(VerbsCommon.New, "JournalHold", SupportsShouldProcess = true)]
[OutputType(typeof(JournalHold))]
public sealed class NewJournalHoldCommand : JournalCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Reason { get; set; } = string.Empty;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Mailbox { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Sender { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Recipient { get; set; }

    /// <summary>A search query (KQL, as Search-JournalMessage reads it); kept with the hold as proof of its scope.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Query { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public DateTime Start { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public DateTime End { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        var bound = MyInvocation.BoundParameters;
        var scope = new HoldScope
        {
            Mailbox = Mailbox,
            Sender = Sender,
            Recipient = Recipient,
            Query = Query,
            Start = bound.ContainsKey(nameof(Start)) ? Times.ToOffset(Start) : null,
            End = bound.ContainsKey(nameof(End)) ? Times.ToOffset(End) : null,
        };
        if (ShouldProcess($"{Name} ({scope})", "Place legal hold"))
        {
            WriteObject(Lifecycle.NewHold(Name, Reason, scope));
        }
    });
}

[Cmdlet(VerbsCommon.Get, "JournalHold")]
[OutputType(typeof(JournalHold))]
public sealed class GetJournalHoldCommand : JournalCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>Also lists released holds (kept as records with who released them and why).</summary>
    [Parameter]
    public SwitchParameter IncludeReleased { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        foreach (var hold in Filter(Lifecycle.GetHolds(IncludeReleased), h => h.Name, Name, NotFound))
        {
            WriteObject(hold);
        }
    });

    private static JournalConfigurationException NotFound(string name) =>
        new("JournalHoldNotFound", JournalErrorKind.NotFound, $"No hold is named '{name}'. Get-JournalHold lists the active ones (-IncludeReleased the released ones too).", name);
}

/// <summary>Releases a hold; the record stays (Get-JournalHold -IncludeReleased) with who released it and why.</summary>
[Cmdlet(VerbsCommon.Remove, "JournalHold", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(JournalHold))]
public sealed class RemoveJournalHoldCommand : JournalCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string[] Name { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Reason { get; set; } = string.Empty;

    /// <summary>Writes the released hold record.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            Try(() =>
            {
                if (ShouldProcess(name, "Release legal hold"))
                {
                    var released = Lifecycle.ReleaseHold(name, Reason);
                    if (PassThru)
                    {
                        WriteObject(released);
                    }
                }
            });
        }
    }
}
