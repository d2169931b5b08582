@{
    Synopsis    = 'Sets the S3 bucket with Object Lock where every archived original is kept once, immutable (WORM).'
    Description = @'
Set-JournalObjectStore names an S3-compatible bucket (AWS S3, or MinIO, Ceph and others with
-Endpoint) that was created with Object Lock enabled. From then on each archived original is
written to it once, under its SHA-256 (-KeyPrefix followed by the hash), with If-None-Match: * so
an existing object is never overwritten; its retain-until is the item's expiry (in -LockMode,
Compliance by default: nobody, not even the account's root user, can shorten or remove the lock),
and its object legal hold is on while a legal hold covers the item.

A running listener does this beside the archive, never before the SMTP 250: at start and every
five minutes it copies new originals and brings retain-until and legal holds up to date;
Sync-JournalObjectStore does one pass now. Once a store is set, Invoke-JournalRetention and
Remove-JournalMessage delete an item's object before the item, and keep the item when the
bucket refuses (its lock has not run out, or its object legal hold is still on).
Test-JournalArchiveIntegrity also reads every object back and re-hashes it.

Before it stores anything the cmdlet asks the bucket for its Object Lock configuration: a missing
bucket (SetJournalObjectStoreBucketNotFound), a bucket without Object Lock
(SetJournalObjectStoreNoObjectLock) or a store that cannot be reached
(SetJournalObjectStoreUnreachable) is an error and nothing is stored. When the credentials may not
read the lock configuration, the setting is stored with a warning.

Credentials are never a parameter and never stored: they come from the AWS default chain of the
account that runs the cmdlet or the listener (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or
AWS_PROFILE with the shared credentials file, or an instance role). Every change is in the event
log (ObjectType ObjectStore). Moving a setting in use to another bucket, endpoint or key prefix
needs -Force: the objects written so far stay where they are. There is no cmdlet that turns the
object store off.
'@
    Parameters  = @{
        Bucket    = @{ Description = 'The bucket, created with Object Lock enabled (aws s3api create-bucket --bucket <name> --object-lock-enabled-for-bucket).'; Default = 'None' }
        Endpoint  = @{ Description = 'A non-AWS store''s address as http(s)://host:port, without user name, password or query. Leave it out for AWS itself.'; Default = 'None (AWS)' }
        Region    = @{ Description = 'The signing region, for example eu-central-1; non-AWS stores usually take us-east-1.'; Default = 'None' }
        KeyPrefix = @{ Description = 'What comes before the SHA-256 in each object''s key.'; Default = 'originals/ (or the value already set)' }
        LockMode  = @{ Description = 'Compliance (nobody can shorten or remove a lock) or Governance (a user with s3:BypassGovernanceRetention can; a warning says so).'; Default = 'Compliance (or the value already set)' }
        Force     = @{ Description = 'Moves a setting in use to another bucket, endpoint or key prefix.'; Default = 'False' }
        PassThru  = @{ Description = 'Returns the stored setting with its sync status.'; Default = 'False' }
    }
    Outputs     = @{
        'MimecastJournaling.Engine.ObjectStorage.JournalObjectStoreInfo' = 'With -PassThru: as Get-JournalObjectStore.'
    }
    Examples    = @(
        @{
            Title   = 'Keep the originals in an AWS bucket'
            Code    = 'Set-JournalObjectStore -Bucket contoso-journal-originals -Region eu-central-1'
            Remarks = 'The bucket must have been created with Object Lock; the listener''s account needs AWS credentials.'
        }
        @{
            Title   = 'A MinIO store on the local network'
            Code    = 'Set-JournalObjectStore -Bucket journal -Endpoint https://minio.contoso.com:9000 -Region us-east-1 -PassThru'
            Remarks = 'Path-style requests are used with an endpoint; the result shows the sync status.'
        }
    )
    Links       = @('Get-JournalObjectStore', 'Sync-JournalObjectStore', 'Invoke-JournalRetention', 'Test-JournalArchiveIntegrity')
}
