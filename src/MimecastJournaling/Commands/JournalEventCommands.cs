using System.Management.Automation;
using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Commands;

[Cmdlet(VerbsCommon.Get, "JournalEvent")]
[OutputType(typeof(JournalEvent))]
public sealed class GetJournalEventCommand : JournalCmdlet
{
    /// <summary>Only events of this journal definition (also works after it was removed).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Description")]
    [ArgumentCompleter(typeof(DefinitionNameCompleter))]
    public string? Definition { get; set; }

    [Parameter]
    public DateTime After { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int First { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        var bound = MyInvocation.BoundParameters;
        DateTimeOffset? after = bound.ContainsKey(nameof(After)) ? Times.ToOffset(After) : null;
        foreach (var e in Configuration.GetEvents(Definition, after, bound.ContainsKey(nameof(First)) ? First : null))
        {
            WriteObject(e);
        }
    });
}
