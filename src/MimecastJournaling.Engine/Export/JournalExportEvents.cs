using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Export;

/// <summary>
/// The event-log line of every export (who, what target, how many), written through
/// <see cref="IJournalStore.RecordEvents"/>: a finished one, and one that was stopped or failed,
/// so the log shows every hand-over of mail, also the ones that did not finish.
/// </summary>
public static class JournalExportEvents
{
    public const string Exported = "Exported";
    public const string Interrupted = "ExportInterrupted";

    /// <summary>Records a finished, verified export.</summary>
    public static JournalEvent Record(IJournalStore store, string actor, JournalExportResult result, TimeProvider? clock = null)
    {
        var e = new JournalEvent
        {
            Time = (clock ?? TimeProvider.System).GetUtcNow(),
            User = actor,
            ObjectType = JournalObjectType.Export,
            // The file or folder name in the table; the full path in ObjectId.
            ObjectName = System.IO.Path.GetFileName(result.Path.TrimEnd('/', '\\')),
            ObjectId = result.Path,
            Action = Exported,
            Property = result.Format.ToString(),
            // Short enough for one line of Get-JournalEvent's table beside a long path.
            NewValue = $"{result.Items} item(s), {result.Messages} message(s), verified, " +
                (result.IncludeBcc ? "Bcc included" : "Bcc left out") +
                (result.IncludeEnvelope ? ", envelopes" : string.Empty) +
                (result.Manifest.Count > 0 ? ", manifest" : string.Empty),
        };
        store.RecordEvents([e]);
        return e;
    }

    /// <summary>Records an export that was stopped (Ctrl+C) or failed; its partial files were removed.</summary>
    public static JournalEvent RecordInterrupted(IJournalStore store, string actor, JournalExportFormat format, string target, int messagesWritten, string reason, TimeProvider? clock = null)
    {
        var e = new JournalEvent
        {
            Time = (clock ?? TimeProvider.System).GetUtcNow(),
            User = actor,
            ObjectType = JournalObjectType.Export,
            ObjectName = System.IO.Path.GetFileName(target.TrimEnd('/', '\\')),
            ObjectId = target,
            Action = Interrupted,
            Property = format.ToString(),
            NewValue = $"{reason} after {messagesWritten} message(s); the partial files were removed",
        };
        store.RecordEvents([e]);
        return e;
    }
}
