using System.Management.Automation;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Commands;

/// <summary>Moving up: a SQLite store into an empty PostgreSQL store, for several listener hosts.</summary>
[Cmdlet(VerbsCommon.Copy, "JournalStore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StoreCopyCount))]
public sealed class CopyJournalStoreCommand : JournalCmdlet
{
    /// <summary>The PostgreSQL connection string of the empty destination database.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = string.Empty;

    /// <summary>Rows per transaction.</summary>
    [Parameter]
    [ValidateRange(1, 100_000)]
    public int BatchSize { get; set; } = 500;

    protected override void EndProcessing()
    {
        if (!StoreLocation.IsConnectionString(Destination))
        {
            ThrowTerminating(new JournalConfigurationException("StoreCopyUnsupported", JournalErrorKind.InvalidArgument,
                "-Destination must be a PostgreSQL connection string (postgresql://user@host:port/database or Host=...;Database=...)."));
        }
        try
        {
            var source = OpenBackend();
            var destination = JournalBackend.Open(Destination);
            if (!ShouldProcess($"{source.Location} -> {destination.Location}", "Copy the journaling store"))
            {
                return;
            }
            var record = new ProgressRecord(1, "Copy-JournalStore", $"{source.Location} -> {destination.Location}");
            var counts = source.CopyTo(destination, BatchSize, p =>
            {
                record.StatusDescription = $"{p.Table}: {p.Copied} of {p.Total}";
                record.PercentComplete = p.Total == 0 ? 100 : (int)(100 * p.Copied / p.Total);
                WriteProgress(record);
            });
            record.RecordType = ProgressRecordType.Completed;
            WriteProgress(record);
            foreach (var count in counts)
            {
                WriteObject(count);
            }
            if (counts.FirstOrDefault(c => !c.Matches) is { } mismatch)
            {
                WriteError(ToErrorRecord(new JournalConfigurationException("StoreCopyCountMismatch", JournalErrorKind.InvalidOperation,
                    $"After the copy, table '{mismatch.Table}' has {mismatch.SourceRows} rows in the source and {mismatch.DestinationRows} in the destination. " +
                    "Run Copy-JournalStore again to resume; if the counts still differ, something wrote to the destination during the copy.", mismatch.Table)));
            }
        }
        catch (JournalConfigurationException e)
        {
            ThrowTerminating(e);
        }
    }
}
