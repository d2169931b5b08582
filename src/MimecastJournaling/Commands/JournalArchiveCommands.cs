using System.Globalization;
using System.Management.Automation;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Commands;

/// <summary>
/// Re-hashes stored originals, clear-text copies and reports against the SHA-256 recorded at
/// ingest and verifies the event log's hash chain; logs the run as an Archive event.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "JournalArchiveIntegrity")]
[OutputType(typeof(ArchiveIntegrityResult))]
public sealed class TestJournalArchiveIntegrityCommand : CancellableJournalCmdlet
{
    /// <summary>The share of stored messages and reports to re-hash, in percent (the event chain is always verified whole).</summary>
    [Parameter(Position = 0)]
    [ValidateRange(0.01, 100.0)]
    public double Sample { get; set; } = 100;

    protected override void EndProcessing()
    {
        var backend = OpenBackend();
        var record = new ProgressRecord(1, "Test-JournalArchiveIntegrity", backend.Location);
        try
        {
            var objects = MimecastJournaling.Engine.ObjectStorage.JournalObjectStores.OpenConfigured(backend.Store);
            var result = ArchiveIntegrity.Run(backend.Store, backend.Archive, Sample, Actor, TimeProvider.System, p =>
            {
                record.Activity = p.Phase switch
                {
                    "EventChain" => "Test-JournalArchiveIntegrity: event chain",
                    "Objects" => "Test-JournalArchiveIntegrity: WORM objects",
                    _ => "Test-JournalArchiveIntegrity: stored messages and reports",
                };
                record.StatusDescription = string.Create(CultureInfo.InvariantCulture, $"{p.Done} of {p.Total}");
                record.PercentComplete = p.Total == 0 ? 100 : (int)Math.Min(100, 100 * p.Done / p.Total);
                WriteProgress(record);
            }, Cancellation, objects: objects);
            record.RecordType = ProgressRecordType.Completed;
            WriteProgress(record);
            if (!result.Passed)
            {
                WriteWarning(ArchiveIntegrity.Summary(result) + " The result's Problems lists each one.");
            }
            WriteObject(result);
        }
        catch (OperationCanceledException)
        {
            // Stopped (Ctrl+C): nothing to write; PowerShell reports the stop.
        }
        catch (MimecastJournaling.Engine.ObjectStorage.ObjectStoreException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "TestJournalArchiveIntegrityObjectStoreUnavailable", ErrorCategory.ConnectionError, null)
            {
                ErrorDetails = new ErrorDetails(e.Message + " The WORM objects could not be checked: check the bucket, the endpoint and the AWS credentials of this account, then run the check again."),
            });
        }
        catch (JournalConfigurationException e)
        {
            ThrowTerminating(e);
        }
    }
}
