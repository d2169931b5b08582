using System.Security.Cryptography;

namespace MimecastJournaling.Engine.ObjectStorage;

/// <summary>
/// Every detail of talking to an S3-compatible store with Object Lock that is not obvious from the
/// API, as a setting (see README.md beside this file). Credentials are not here: they come from the
/// usual AWS sources (environment, shared profile, instance role), or <see cref="Credentials"/> in tests.
/// </summary>
public sealed record S3ObjectStoreOptions
{
    /// <summary>The bucket; it must have been created with Object Lock enabled (which turns on versioning).</summary>
    public required string Bucket { get; init; }

    /// <summary>A non-AWS endpoint (http(s)://host:port), or null for AWS itself (then <see cref="Region"/> picks it).</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The signing region; non-AWS stores usually accept us-east-1.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>
    /// Path-style URLs (endpoint/bucket/key). Most non-AWS stores (moto, MinIO, Ceph) do not serve
    /// virtual-host buckets; null means on exactly when <see cref="Endpoint"/> is set.
    /// </summary>
    public bool? ForcePathStyle { get; init; }

    /// <summary>
    /// Checksums only where the operation requires them. AWSSDK.S3 since 3.7.412 sends CRC checksums
    /// on every request by default, which some S3-compatible servers refuse (aws/aws-sdk-net#3610).
    /// </summary>
    public bool ChecksumsOnlyWhenRequired { get; init; } = true;

    /// <summary>
    /// Send Content-MD5 with each put. AWS requires Content-MD5 or a checksum on a put that carries
    /// Object Lock retention; with checksums off by default this supplies it, and every store knows it.
    /// </summary>
    public bool SendContentMd5 { get; init; } = true;

    /// <summary>No aws-chunked payload encoding (several non-AWS stores do not decode it).</summary>
    public bool UseChunkEncoding { get; init; }

    /// <summary>The key of an original: prefix + lower-case hex SHA-256.</summary>
    public string KeyPrefix { get; init; } = "originals/";

    /// <summary>COMPLIANCE: nobody, not even the root account, can shorten or remove the lock.</summary>
    public string LockMode { get; init; } = "COMPLIANCE";

    /// <summary>Seconds per request before the SDK gives up.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Explicit credentials (tests); null takes the SDK's default chain.</summary>
    public Amazon.Runtime.AWSCredentials? Credentials { get; init; }

    public string KeyFor(string sha256) => KeyPrefix + S3OriginalObjectStore.NormalizeHash(sha256);

    internal static string HexSha256(ReadOnlySpan<byte> content) => Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();

    /// <summary>What Get-JournalObjectStore shows: never a credential.</summary>
    public override string ToString() => $"s3 bucket={Bucket} endpoint={Endpoint?.ToString() ?? "(AWS)"} region={Region}";
}
