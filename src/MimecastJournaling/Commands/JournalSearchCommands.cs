using System.Management.Automation;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Search;

namespace MimecastJournaling.Commands;

[Cmdlet(VerbsCommon.Search, "JournalMessage")]
[OutputType(typeof(JournalMessage))]
public sealed class SearchJournalMessageCommand : JournalCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Query { get; set; } = string.Empty;

    [Parameter]
    [ArgumentCompleter(typeof(DefinitionNameCompleter))]
    public string? Definition { get; set; }

    [Parameter]
    [SupportsWildcards]
    public string? Mailbox { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int First { get; set; }

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Skip { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        var backend = OpenBackend();
        // The query is read before anything else, so a typo is the first thing reported.
        SearchPlanner.Plan(Query);
        var definitionId = Definition is null ? (Guid?)null : Configuration.GetDefinition(Definition).Id;
        var scope = new SearchScope
        {
            DefinitionId = definitionId,
            Mailbox = Mailbox,
            First = MyInvocation.BoundParameters.ContainsKey(nameof(First)) ? First : null,
            Skip = Skip,
        };
        var counts = backend.SearchIndex.GetCounts();
        if (counts.Items > counts.Indexed)
        {
            WriteWarning($"{counts.Items - counts.Indexed} archive item(s) are not indexed yet, so words in them are not found. " +
                "A running listener indexes them shortly; Update-JournalIndex indexes them now.");
        }
        var scopeText = string.Join("; ", new[]
        {
            Definition is null ? null : "Definition=" + Definition,
            Mailbox is null ? null : "Mailbox=" + Mailbox,
        }.OfType<string>());
        foreach (var message in backend.CreateSearch().Search(Query, scope, Actor, scopeText.Length == 0 ? null : scopeText))
        {
            WriteObject(message);
        }
    });
}

[Cmdlet(VerbsCommon.Get, "JournalIndexStatus")]
[OutputType(typeof(JournalIndexStatus))]
public sealed class GetJournalIndexStatusCommand : JournalCmdlet
{
    protected override void ProcessRecord() => Try(() =>
    {
        var backend = OpenBackend();
        WriteObject(backend.CreateIndexer().GetStatus(backend.Location));
    });
}

[Cmdlet(VerbsData.Update, "JournalIndex", SupportsShouldProcess = true)]
[OutputType(typeof(JournalIndexStatus))]
public sealed class UpdateJournalIndexCommand : CancellableJournalCmdlet
{
    /// <summary>Re-reads every item and replaces its entry, instead of indexing only the items that have none.</summary>
    [Parameter]
    public SwitchParameter Rebuild { get; set; }

    [Parameter]
    [ValidateRange(1, 10_000)]
    public int BatchSize { get; set; } = JournalIndexer.DefaultBatchSize;

    protected override void ProcessRecord() => Try(() =>
    {
        var backend = OpenBackend();
        var action = Rebuild ? "Rebuild the full-text index of every archive item" : "Index the archive items that are not indexed yet";
        if (!ShouldProcess(backend.Location, action))
        {
            return;
        }
        var indexer = backend.CreateIndexer();
        var activity = Rebuild ? "Rebuilding the journal index" : "Updating the journal index";
        var progress = new ProgressRecord(1, activity, "Reading archive items");
        void Report(IndexProgress p)
        {
            if (Stopping)
            {
                return;
            }
            progress.StatusDescription = $"{p.Done} of {p.Total} item(s), {p.Failed} with text that could not be read";
            progress.PercentComplete = p.Total == 0 ? 100 : (int)Math.Min(100, p.Done * 100 / p.Total);
            WriteProgress(progress);
        }
        var done = Rebuild
            ? indexer.Rebuild(Cancellation, Report, BatchSize)
            : indexer.CatchUp(Cancellation, Report, BatchSize);
        if (Stopping || Cancellation.IsCancellationRequested)
        {
            return;
        }
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        WriteVerbose($"Indexed {done} item(s).");
        var status = indexer.GetStatus(backend.Location);
        if (status.Failed > 0)
        {
            WriteWarning($"{status.Failed} item(s) have text that could not be read; they are searchable by sender, recipients, subject and dates. The Failures property of Get-JournalIndexStatus lists them.");
        }
        WriteObject(status);
    });
}
