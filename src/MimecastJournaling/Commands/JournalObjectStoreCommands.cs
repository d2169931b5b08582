using System.Management.Automation;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.ObjectStorage;

namespace MimecastJournaling.Commands;

/// <summary>The WORM object store setting and its sync status.</summary>
[Cmdlet(VerbsCommon.Get, "JournalObjectStore")]
[OutputType(typeof(JournalObjectStoreInfo))]
public sealed class GetJournalObjectStoreCommand : JournalCmdlet
{
    protected override void ProcessRecord() => Try(() =>
    {
        var backend = OpenBackend();
        if (JournalObjectStores.Describe(backend.Store, (Engine.Archive.IArchiveBlobInventory)backend.Archive) is { } info)
        {
            WriteObject(info);
        }
        else
        {
            WriteVerbose("No object store is set: originals are kept in the archive only. Set-JournalObjectStore sets one.");
        }
    });
}

/// <summary>
/// Sets the S3 bucket with Object Lock where each original is written once and locked; checks first
/// that the bucket is there and has Object Lock. Credentials are never a parameter: the AWS default chain.
/// </summary>
[Cmdlet(VerbsCommon.Set, "JournalObjectStore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(JournalObjectStoreInfo))]
public sealed class SetJournalObjectStoreCommand : JournalCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Bucket { get; set; } = string.Empty;

    /// <summary>A non-AWS store's address (http(s)://host:port); leave it out for AWS.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Endpoint { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Region { get; set; } = string.Empty;

    [Parameter]
    [AllowEmptyString]
    public string? KeyPrefix { get; set; }

    [Parameter]
    [ValidateSet("Compliance", "Governance")]
    public string? LockMode { get; set; }

    /// <summary>Move a setting in use to another bucket, endpoint or key prefix.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        var backend = OpenBackend();
        var old = JournalObjectStores.Read(backend.Store);
        var settings = new JournalObjectStoreSettings
        {
            Bucket = Bucket,
            Endpoint = Endpoint,
            Region = Region,
            KeyPrefix = KeyPrefix ?? old?.KeyPrefix ?? "originals/",
            LockMode = LockMode ?? old?.LockMode ?? "COMPLIANCE",
        };
        if (!ShouldProcess($"bucket {Bucket}", "Keep immutable copies of the originals in this object store"))
        {
            return;
        }
        // Validated (and normalized) before anything is asked of the store.
        var probe = JournalObjectStores.Validate(settings);
        CheckBucket(probe);
        JournalObjectStores.Save(backend.Store, probe, Actor, Force);
        if (probe.LockMode == "GOVERNANCE")
        {
            WriteWarning("Lock mode GOVERNANCE: a user with s3:BypassGovernanceRetention can still shorten or remove a lock. Use Compliance where the law requires immutable storage.");
        }
        WriteVerbose("A running listener copies the originals within its sync interval; Sync-JournalObjectStore does it now.");
        if (PassThru)
        {
            WriteObject(JournalObjectStores.Describe(backend.Store, (Engine.Archive.IArchiveBlobInventory)backend.Archive));
        }
    });

    private void CheckBucket(JournalObjectStoreSettings settings)
    {
        bool hasLock;
        try
        {
            hasLock = JournalObjectStores.Open(settings).HasObjectLockAsync().GetAwaiter().GetResult();
        }
        catch (ObjectStoreException e) when (e.Failure == ObjectStoreFailure.AccessDenied)
        {
            WriteWarning($"Could not check that bucket {settings.Bucket} has Object Lock: the credentials may not read its lock configuration " +
                "(s3:GetBucketObjectLockConfiguration). The setting is stored; make sure the bucket was created with Object Lock enabled.");
            return;
        }
        catch (ObjectStoreException e) when (e.Failure == ObjectStoreFailure.NoSuchBucket)
        {
            throw new JournalConfigurationException("SetJournalObjectStoreBucketNotFound", JournalErrorKind.NotFound,
                $"Bucket {settings.Bucket} does not exist at {settings.Endpoint ?? "AWS " + settings.Region}. Create it with Object Lock enabled " +
                $"(aws s3api create-bucket --bucket {settings.Bucket} --object-lock-enabled-for-bucket), then run Set-JournalObjectStore again.", settings.Bucket);
        }
        catch (ObjectStoreException e)
        {
            throw new JournalConfigurationException("SetJournalObjectStoreUnreachable", JournalErrorKind.ConnectionError,
                $"{e.Message} Check -Endpoint and -Region, and that this account has AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE); nothing was stored.", settings.Bucket);
        }
        if (!hasLock)
        {
            throw new JournalConfigurationException("SetJournalObjectStoreNoObjectLock", JournalErrorKind.InvalidArgument,
                $"Bucket {settings.Bucket} has no Object Lock, so it cannot keep the originals immutable. Object Lock can only be chosen when a bucket is created: " +
                $"create a new one (aws s3api create-bucket --bucket <name> --object-lock-enabled-for-bucket) and give it as -Bucket; nothing was stored.", settings.Bucket);
        }
    }
}

/// <summary>One WORM sync pass now: what a running listener does on its timer.</summary>
[Cmdlet(VerbsData.Sync, "JournalObjectStore", SupportsShouldProcess = true)]
[OutputType(typeof(WormSyncResult))]
public sealed class SyncJournalObjectStoreCommand : CancellableJournalCmdlet
{
    /// <summary>Asks the bucket about every object (HEAD), whatever earlier passes recorded, and repairs the records.</summary>
    [Parameter]
    public SwitchParameter Full { get; set; }

    protected override void EndProcessing()
    {
        try
        {
            var backend = OpenBackend();
            var notConfigured = new JournalConfigurationException("SyncJournalObjectStoreNotConfigured", JournalErrorKind.InvalidOperation,
                "No object store is set. Set one first, for example: Set-JournalObjectStore -Bucket journal-originals -Region eu-central-1.");
            var settings = JournalObjectStores.Read(backend.Store) ?? throw notConfigured;
            var action = Full
                ? "Ask the bucket about every original's object, copy the missing ones and bring locks and legal holds up to date"
                : "Copy new originals and bring the locks and legal holds that changed up to date";
            if (!ShouldProcess($"bucket {settings.Bucket}", action))
            {
                return;
            }
            var result = JournalObjectStores.SyncConfigured(backend.Store, backend.Archive, Lifecycle, Environment.MachineName, Full.IsPresent, Cancellation)
                ?? throw notConfigured;
            foreach (var failure in result.Failures)
            {
                WriteWarning(failure);
            }
            WriteObject(result);
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            // Stopped: what was written is in the bucket; the next pass goes on.
        }
        catch (WormSyncBusyException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "SyncJournalObjectStoreBusy", ErrorCategory.ResourceBusy, null));
        }
        catch (ObjectStoreException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "SyncJournalObjectStoreUnavailable", ErrorCategory.ConnectionError, null)
            {
                ErrorDetails = new ErrorDetails(e.Message + " Check the bucket, the endpoint and the AWS credentials of this account, then run Sync-JournalObjectStore again."),
            });
        }
        catch (JournalConfigurationException e)
        {
            ThrowTerminating(e);
        }
    }
}
