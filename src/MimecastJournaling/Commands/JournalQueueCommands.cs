using System.Management.Automation;
using MimecastJournaling.Engine.Listener;

namespace MimecastJournaling.Commands;

/// <summary>The seed's Queue Details: reports answered 250 and not archived yet.</summary>
[Cmdlet(VerbsCommon.Get, "JournalQueue")]
[OutputType(typeof(QueuedReport))]
public sealed class GetJournalQueueCommand : JournalCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Description")]
    [ArgumentCompleter(typeof(DefinitionNameCompleter))]
    public string? Definition { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int First { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        var definitionId = Definition is null ? (Guid?)null : Configuration.GetDefinition(Definition).Id;
        foreach (var queued in OpenBackend().ListQueue(definitionId, MyInvocation.BoundParameters.ContainsKey(nameof(First)) ? First : null))
        {
            WriteObject(queued);
        }
    });
}
