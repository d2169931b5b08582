namespace MimecastJournaling.Engine.ObjectStorage;

/// <summary>
/// The WORM seam: one object per original, addressed by its SHA-256, written once and locked
/// (retain-until, legal hold) by the store. <see cref="S3OriginalObjectStore"/> is the S3 implementation.
/// </summary>
public interface IOriginalObjectStore
{
    /// <summary>
    /// Writes the original once under its content address. A second write of the same content is
    /// <see cref="ObjectPutOutcome.AlreadyPresent"/>; an existing object with other content is an
    /// <see cref="ObjectStoreException"/> (<see cref="ObjectStoreFailure.Conflict"/>).
    /// </summary>
    Task<ObjectPutOutcome> PutOnceAsync(string sha256, ReadOnlyMemory<byte> content, DateTimeOffset? retainUntil, bool legalHold, CancellationToken cancellationToken = default);

    /// <summary>The stored bytes, or null when there is no object.</summary>
    Task<byte[]?> GetAsync(string sha256, CancellationToken cancellationToken = default);

    /// <summary>The object's lock state, or null when there is no object.</summary>
    Task<StoredObjectInfo?> HeadAsync(string sha256, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the object (every version). A lock that forbids it is an <see cref="ObjectStoreException"/>
    /// with <see cref="ObjectStoreFailure.AccessDenied"/>; it is never dropped silently.
    /// </summary>
    Task DeleteAsync(string sha256, CancellationToken cancellationToken = default);

    /// <summary>Sets (or, in compliance mode, only extends) the retain-until date.</summary>
    Task SetRetainUntilAsync(string sha256, DateTimeOffset retainUntil, CancellationToken cancellationToken = default);

    /// <summary>Turns the object's legal-hold flag on or off.</summary>
    Task SetLegalHoldAsync(string sha256, bool on, CancellationToken cancellationToken = default);

    /// <summary>
    /// True when the bucket has Object Lock enabled, false when it has none (it cannot lock anything);
    /// a bucket that is missing or cannot be asked is an <see cref="ObjectStoreException"/>.
    /// </summary>
    Task<bool> HasObjectLockAsync(CancellationToken cancellationToken = default);
}

public enum ObjectPutOutcome
{
    Written,
    AlreadyPresent,
}

public sealed record StoredObjectInfo(string Key, long Length, DateTimeOffset? RetainUntil, string? Mode, bool LegalHold, string? VersionId);

public enum ObjectStoreFailure
{
    /// <summary>The store refused (an Object Lock forbids it, or the credentials may not).</summary>
    AccessDenied,
    /// <summary>An object exists under the key with other content.</summary>
    Conflict,
    /// <summary>The bucket does not exist.</summary>
    NoSuchBucket,
    /// <summary>The content does not hash to the key it was given.</summary>
    BadContent,
    /// <summary>The store could not be reached or answered an error.</summary>
    Unavailable,
}

/// <summary>A store failure. Its message names the bucket, key and the store's error code, never a credential.</summary>
public sealed class ObjectStoreException : Exception
{
    public ObjectStoreException(ObjectStoreFailure failure, string message, string? errorCode = null, int? statusCode = null)
        : base(message)
    {
        Failure = failure;
        ErrorCode = errorCode;
        StatusCode = statusCode;
    }

    public ObjectStoreFailure Failure { get; }
    public string? ErrorCode { get; }
    public int? StatusCode { get; }
}
