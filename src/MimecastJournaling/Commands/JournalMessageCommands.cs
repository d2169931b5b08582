using System.Management.Automation;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Export;
using MimecastJournaling.Engine.Search;

namespace MimecastJournaling.Commands;

[Cmdlet(VerbsCommon.Get, "JournalMessage", DefaultParameterSetName = QuerySet)]
[OutputType(typeof(JournalMessage))]
public sealed class GetJournalMessageCommand : JournalCmdlet
{
    private const string QuerySet = "Query";
    private const string IdSet = "Id";

    [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("ItemId")]
    public long[] Id { get; set; } = Array.Empty<long>();

    [Parameter(ParameterSetName = QuerySet, Position = 0)]
    [SupportsWildcards]
    public string? MessageId { get; set; }

    [Parameter(ParameterSetName = QuerySet)]
    [SupportsWildcards]
    public string? Mailbox { get; set; }

    [Parameter(ParameterSetName = QuerySet)]
    [SupportsWildcards]
    public string? Sender { get; set; }

    [Parameter(ParameterSetName = QuerySet)]
    [SupportsWildcards]
    public string? Recipient { get; set; }

    [Parameter(ParameterSetName = QuerySet)]
    [SupportsWildcards]
    public string? Subject { get; set; }

    [Parameter(ParameterSetName = QuerySet)]
    public DateTime After { get; set; }

    [Parameter(ParameterSetName = QuerySet)]
    public DateTime Before { get; set; }

    [Parameter(ParameterSetName = QuerySet)]
    [ArgumentCompleter(typeof(DefinitionNameCompleter))]
    public string? Definition { get; set; }

    [Parameter(ParameterSetName = QuerySet)]
    [ValidateRange(1, int.MaxValue)]
    public int First { get; set; }

    [Parameter(ParameterSetName = QuerySet)]
    [ValidateRange(0, int.MaxValue)]
    public int Skip { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        if (ParameterSetName == IdSet)
        {
            foreach (var id in Id)
            {
                if (Archive.GetMessage(id) is { } message)
                {
                    WriteObject(Lifecycle.WithHolds([message])[0]);
                }
                else
                {
                    WriteError(ToErrorRecord(new JournalConfigurationException("JournalMessageNotFound", JournalErrorKind.NotFound,
                        $"No archived message has the Id {id}. Get-JournalMessage lists them.", id)));
                }
            }
            return;
        }
        var bound = MyInvocation.BoundParameters;
        var query = new JournalMessageQuery
        {
            MessageId = MessageId,
            Mailbox = Mailbox,
            Sender = Sender,
            Recipient = Recipient,
            Subject = Subject,
            After = bound.ContainsKey(nameof(After)) ? Times.ToOffset(After) : null,
            Before = bound.ContainsKey(nameof(Before)) ? Times.ToOffset(Before) : null,
            DefinitionId = Definition is null ? null : Configuration.GetDefinition(Definition).Id,
            First = bound.ContainsKey(nameof(First)) ? First : null,
            Skip = Skip,
        };
        foreach (var message in Lifecycle.WithHolds(Archive.GetMessages(query)))
        {
            WriteObject(message);
        }
    });
}

[Cmdlet(VerbsData.Export, "JournalMessage", SupportsShouldProcess = true)]
[OutputType(typeof(JournalExportResult))]
public sealed class ExportJournalMessageCommand : CancellableJournalCmdlet
{
    private const string Activity = "Exporting archived messages";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ItemId")]
    public long[] Id { get; set; } = Array.Empty<long>();

    /// <summary>Eml: the folder. Mbox, Zip: the file, or a folder to create a time-named file in.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [Alias("Destination")]
    public string Path { get; set; } = string.Empty;

    [Parameter]
    public JournalExportFormat Format { get; set; } = JournalExportFormat.Eml;

    /// <summary>Also write the manifest (CSV and JSON).</summary>
    [Parameter]
    public SwitchParameter Manifest { get; set; }

    /// <summary>List Bcc recipients in the manifest and allow exports that reveal them.</summary>
    [Parameter]
    public SwitchParameter IncludeBcc { get; set; }

    /// <summary>Write the whole journal reports (envelope with Bcc and group recipients) instead of the original only.</summary>
    [Parameter]
    public SwitchParameter IncludeEnvelope { get; set; }

    /// <summary>Overwrite files that exist already.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private JournalExportWriter? _writer;
    private readonly HashSet<long> _seen = new();
    private ProgressRecord? _progress;
    private int _total;

    protected override void BeginProcessing()
    {
        try
        {
            _writer = new JournalExportWriter(Archive, new JournalExportOptions
            {
                Format = Format,
                Path = GetUnresolvedProviderPathFromPSPath(Path),
                Manifest = Manifest,
                IncludeBcc = IncludeBcc,
                IncludeEnvelope = IncludeEnvelope,
                Force = Force,
            });
        }
        catch (JournalConfigurationException e)
        {
            ThrowTerminating(e);
        }
        _total = MyInvocation.ExpectingInput ? 0 : Id.Length;
    }

    protected override void ProcessRecord()
    {
        foreach (var id in Id)
        {
            StopIfCancelled();
            if (!_seen.Add(id))
            {
                continue;
            }
            Try(() => Export(id));
        }
    }

    private void Export(long id)
    {
        var message = Archive.GetMessage(id) ?? throw new JournalConfigurationException("JournalMessageNotFound", JournalErrorKind.NotFound,
            $"No archived message has the Id {id}. Get-JournalMessage lists them.", id);
        var names = string.Join(", ", _writer!.FileNames(message));
        if (!ShouldProcess(System.IO.Path.Combine(_writer.Target, names), $"Export message {id}" + (IncludeEnvelope ? " with its journal envelope" : string.Empty)))
        {
            return;
        }
        try
        {
            _writer.Add(message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk, a vanished folder, no permission: the export cannot go on, and what it wrote is removed.
            Interrupt("Failed: " + e.GetType().Name);
            ThrowTerminatingError(new ErrorRecord(e, "ExportWriteFailed", ErrorCategory.WriteError, _writer.Target));
        }
        _progress ??= new ProgressRecord(1, Activity, "Starting");
        _progress.StatusDescription = _total > 0
            ? $"{_writer.ItemCount} of {_total} items, {_writer.Count} messages"
            : $"{_writer.ItemCount} items, {_writer.Count} messages";
        _progress.PercentComplete = _total > 0 ? (int)(100L * _seen.Count / _total) : -1;
        WriteProgress(_progress);
    }

    protected override void EndProcessing()
    {
        StopIfCancelled();
        if (_progress is not null)
        {
            _progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(_progress);
        }
        if (_writer!.Count == 0 && MyInvocation.BoundParameters.ContainsKey("WhatIf"))
        {
            _writer.Dispose();
            _writer = null;
            return;
        }
        try
        {
            var result = _writer.Complete(Actor, r => JournalExportEvents.Record(Configuration.Store, Actor, r));
            _writer.Dispose();
            _writer = null;
            WriteVerbose($"Verified: {result.Messages} message(s) of {result.Items} item(s), {result.Bytes} bytes, read back with matching SHA-256.");
            WriteObject(result);
        }
        catch (JournalConfigurationException e)
        {
            Interrupt("Failed: " + e.ErrorId);
            ThrowTerminating(e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Interrupt("Failed: " + e.GetType().Name);
            ThrowTerminatingError(new ErrorRecord(e, "ExportWriteFailed", ErrorCategory.WriteError, Path));
        }
    }

    /// <summary>Ctrl+C: removes the partial files, logs the interrupted export, and stops.</summary>
    private void StopIfCancelled()
    {
        if (Cancellation.IsCancellationRequested)
        {
            Interrupt("Stopped");
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Removes what the export wrote and logs how far it got (once; without writing to the pipeline).</summary>
    private void Interrupt(string reason)
    {
        if (_writer is not { } writer)
        {
            return;
        }
        _writer = null;
        var written = writer.Count;
        writer.Dispose();
        try
        {
            JournalExportEvents.RecordInterrupted(Configuration.Store, Actor, Format, writer.Target, written, reason);
        }
        catch (JournalConfigurationException)
        {
            // The store is the problem: the export's own error says so.
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Stopped between records (Ctrl+C upstream): nothing half-written stays behind.
            Interrupt("Stopped");
        }
        base.Dispose(disposing);
    }
}

/// <summary>What Import-JournalMessage did, counted by outcome.</summary>
public sealed record JournalImportSummary
{
    public int Files { get; init; }
    public int Archived { get; init; }
    public int Merged { get; init; }
    public int Duplicate { get; init; }
    public int Quarantined { get; init; }
    public int Rejected { get; init; }
    /// <summary>Files that could not be read (each also written as an error).</summary>
    public int Unreadable { get; init; }
}

[Cmdlet(VerbsData.Import, "JournalMessage", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(JournalImportSummary), typeof(JournalOutcome))]
public sealed class ImportJournalMessageCommand : CancellableJournalCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const int BatchSize = 100;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>The journal definition whose rules (journal type, address switches, merge window) apply.</summary>
    [Parameter(Mandatory = true)]
    [ArgumentCompleter(typeof(DefinitionNameCompleter))]
    public string Definition { get; set; } = string.Empty;

    [Parameter]
    public SwitchParameter Recurse { get; set; }

    /// <summary>Also write each report's outcome.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>
    /// Unwrap a journal report from any message that carries one (a backlog saved from the
    /// alternate journaling mailbox, forwarded or resent): you vouch for these files. Without it only
    /// the organisation's own non-delivery reports are unwrapped.
    /// </summary>
    [Parameter]
    public SwitchParameter TrustWrappedReport { get; set; }

    /// <summary>
    /// Do not index the archived items for search: a running listener indexes them shortly, or
    /// Update-JournalIndex does (a large backlog imports faster). Without it every archived item is
    /// indexed before the import ends, and Search-JournalMessage finds its words at once.
    /// </summary>
    [Parameter]
    public SwitchParameter SkipIndex { get; set; }

    private readonly List<string> _files = new();
    private JournalDefinition? _definition;

    protected override void BeginProcessing()
    {
        try
        {
            _definition = Configuration.GetDefinition(Definition);
        }
        catch (JournalConfigurationException e)
        {
            ThrowTerminating(e);
        }
    }

    protected override void ProcessRecord() =>
        _files.AddRange(FileInput.Resolve(this, ParameterSetName == LiteralPathSet ? LiteralPath : Path, ParameterSetName == LiteralPathSet, Recurse));

    protected override void EndProcessing()
    {
        if (!ShouldProcess($"{_files.Count} file(s)", $"Import into the archive under the journal definition '{_definition!.Description}'"))
        {
            return;
        }
        var ingest = new JournalIngest(Configuration.Store, Archive);
        var indexer = SkipIndex ? null : OpenBackend().CreateIndexer();
        var notIndexed = 0;
        var counts = new Dictionary<JournalOutcomeKind, int>();
        var unreadable = 0;
        var done = 0;
        var progress = new ProgressRecord(1, "Importing journal reports", "Starting");
        foreach (var chunk in _files.Chunk(BatchSize))
        {
            var batch = new List<IncomingReport>(chunk.Length);
            foreach (var file in chunk)
            {
                // Ctrl+C: the batches stored so far stay (each is one transaction), the rest is not read.
                if (Cancellation.IsCancellationRequested)
                {
                    throw new PipelineStoppedException();
                }
                if (FileInput.TryRead(this, file) is { } bytes)
                {
                    batch.Add(new IncomingReport(bytes, "file:" + file, DateTimeOffset.UtcNow) { TrustWrappedReport = TrustWrappedReport });
                }
                else
                {
                    unreadable++;
                }
            }
            var archived = new List<IndexCandidate>();
            try
            {
                foreach (var outcome in ingest.Ingest(_definition, batch))
                {
                    counts[outcome.Outcome] = counts.GetValueOrDefault(outcome.Outcome) + 1;
                    if (outcome is { Outcome: JournalOutcomeKind.Archived, ItemId: { } itemId })
                    {
                        archived.Add(new IndexCandidate(itemId, outcome.Subject));
                    }
                    if (PassThru)
                    {
                        WriteObject(outcome);
                    }
                }
            }
            catch (JournalConfigurationException e)
            {
                // The store refused the batch (busy, full): nothing of it was stored; say so and stop.
                ThrowTerminating(e);
            }
            // The batch is stored; its new items are indexed beside it (a merged report's item has its entry already).
            if (indexer is not null && archived.Count > 0)
            {
                try
                {
                    indexer.Index(archived);
                }
                catch (JournalConfigurationException e)
                {
                    // The items are archived; only their index entries wait (the listener or Update-JournalIndex writes them).
                    notIndexed += archived.Count;
                    WriteVerbose($"Indexing {archived.Count} imported item(s) failed: {e.Message}");
                }
            }
            done += chunk.Length;
            progress.StatusDescription = $"{done} of {_files.Count} files";
            progress.PercentComplete = (int)(100L * done / Math.Max(1, _files.Count));
            WriteProgress(progress);
        }
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        if (notIndexed > 0)
        {
            WriteWarning($"{notIndexed} imported item(s) are archived but not indexed yet (the store refused the index entries); " +
                "a running listener indexes them shortly, Update-JournalIndex indexes them now, and Get-JournalIndexStatus shows the lag.");
        }
        WriteObject(new JournalImportSummary
        {
            Files = _files.Count,
            Archived = counts.GetValueOrDefault(JournalOutcomeKind.Archived),
            Merged = counts.GetValueOrDefault(JournalOutcomeKind.Merged),
            Duplicate = counts.GetValueOrDefault(JournalOutcomeKind.Duplicate),
            Quarantined = counts.GetValueOrDefault(JournalOutcomeKind.Quarantined),
            Rejected = counts.GetValueOrDefault(JournalOutcomeKind.Rejected),
            Unreadable = unreadable,
        });
    }
}

[Cmdlet(VerbsCommon.Get, "JournalOutcome")]
[OutputType(typeof(JournalOutcome))]
public sealed class GetJournalOutcomeCommand : JournalCmdlet
{
    [Parameter(Position = 0)]
    public JournalOutcomeKind Outcome { get; set; }

    [Parameter]
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
        var query = new JournalOutcomeQuery
        {
            Outcome = bound.ContainsKey(nameof(Outcome)) ? Outcome : null,
            DefinitionId = Definition is null ? null : Configuration.GetDefinition(Definition).Id,
            After = bound.ContainsKey(nameof(After)) ? Times.ToOffset(After) : null,
            First = bound.ContainsKey(nameof(First)) ? First : null,
        };
        foreach (var outcome in Archive.GetOutcomes(query))
        {
            WriteObject(outcome);
        }
    });
}

/// <summary>
/// Erasure where the law allows it: removes archive items by hand, logged with a reason. Refuses
/// items on legal hold, and items whose retention has not run out unless -Force (which a WORM
/// lock on the original still refuses).
/// </summary>
[Cmdlet(VerbsCommon.Remove, "JournalMessage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class RemoveJournalMessageCommand : JournalCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ItemId")]
    public long[] Id { get; set; } = Array.Empty<long>();

    /// <summary>Why the message is erased (a request or case number), written to the event log.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Reason { get; set; } = string.Empty;

    /// <summary>Erase items whose retention has not run out yet (never items on hold).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var id in Id)
        {
            Try(() =>
            {
                var message = Archive.GetMessage(id) ?? throw new JournalConfigurationException("JournalMessageNotFound", JournalErrorKind.NotFound,
                    $"No archived message has the Id {id}. Get-JournalMessage lists them.", id);
                if (ShouldProcess($"{id} ({message.MessageId ?? "no Message-ID"}, {message.Subject})", "Erase archived message"))
                {
                    var counts = Lifecycle.RemoveMessage(id, Reason, Force);
                    WriteVerbose($"Removed item {id}: {counts.Reports} reports, {counts.Blobs} stored blobs ({counts.BlobBytes} bytes).");
                }
            });
        }
    }
}
