using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace MimecastJournaling.Engine.ObjectStorage;

/// <summary>
/// <see cref="IOriginalObjectStore"/> on AWSSDK.S3: the only class that touches S3 types. Every SDK
/// failure becomes an <see cref="ObjectStoreException"/> whose message holds the operation, bucket,
/// key, HTTP status and S3 error code only (the SDK's own messages and inner exceptions are dropped, so
/// no signature, credential or request header can leak).
/// </summary>
public sealed class S3OriginalObjectStore : IOriginalObjectStore, IDisposable
{
    private readonly AmazonS3Client _client;

    public S3OriginalObjectStore(S3ObjectStoreOptions options)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle ?? options.Endpoint is not null,
            Timeout = options.Timeout,
            AuthenticationRegion = options.Region,
        };
        if (options.Endpoint is not null)
        {
            config.ServiceURL = options.Endpoint.ToString();
            config.UseHttp = options.Endpoint.Scheme == Uri.UriSchemeHttp;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }
        if (options.ChecksumsOnlyWhenRequired)
        {
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }
        _client = options.Credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(options.Credentials, config);
    }

    public S3ObjectStoreOptions Options { get; }

    public async Task<ObjectPutOutcome> PutOnceAsync(string sha256, ReadOnlyMemory<byte> content, DateTimeOffset? retainUntil, bool legalHold, CancellationToken cancellationToken = default)
    {
        var hash = NormalizeHash(sha256);
        var key = Options.KeyPrefix + hash;
        if (S3ObjectStoreOptions.HexSha256(content.Span) != hash)
        {
            throw new ObjectStoreException(ObjectStoreFailure.BadContent, $"The content does not hash to {key}; nothing was written to bucket {Options.Bucket}.");
        }
        var request = new PutObjectRequest
        {
            BucketName = Options.Bucket,
            Key = key,
            InputStream = new MemoryStream(content.ToArray(), writable: false),
            AutoCloseStream = true,
            ContentType = "message/rfc822",
            IfNoneMatch = "*",
            UseChunkEncoding = Options.UseChunkEncoding,
        };
        if (Options.SendContentMd5)
        {
            request.MD5Digest = Convert.ToBase64String(MD5.HashData(content.Span));
        }
        if (retainUntil is { } until)
        {
            request.ObjectLockMode = new ObjectLockMode(Options.LockMode);
            request.ObjectLockRetainUntilDate = until.UtcDateTime;
        }
        if (legalHold)
        {
            request.ObjectLockLegalHoldStatus = ObjectLockLegalHoldStatus.On;
        }
        return await CallAsync("put", key, async () =>
        {
            try
            {
                await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
                return ObjectPutOutcome.Written;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed || e.ErrorCode is "PreconditionFailed" or "ConditionalRequestConflict")
            {
                // Written before (a retry, or the same original archived twice): the same bytes are fine.
                var existing = await GetAsync(hash, cancellationToken).ConfigureAwait(false);
                if (existing is not null && S3ObjectStoreOptions.HexSha256(existing) == hash)
                {
                    return ObjectPutOutcome.AlreadyPresent;
                }
                throw new ObjectStoreException(ObjectStoreFailure.Conflict,
                    $"Bucket {Options.Bucket} already holds {key} with other content (the stored object is damaged); it was not overwritten.", e.ErrorCode, (int)e.StatusCode);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<byte[]?> GetAsync(string sha256, CancellationToken cancellationToken = default)
    {
        var key = Options.KeyFor(sha256);
        return await CallAsync<byte[]?>("get", key, async () =>
        {
            try
            {
                using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = Options.Bucket, Key = key }, cancellationToken).ConfigureAwait(false);
                using var buffer = new MemoryStream();
                await response.ResponseStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                return buffer.ToArray();
            }
            catch (AmazonServiceException e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
            {
                return null;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredObjectInfo?> HeadAsync(string sha256, CancellationToken cancellationToken = default)
    {
        var key = Options.KeyFor(sha256);
        return await CallAsync<StoredObjectInfo?>("head", key, async () =>
        {
            try
            {
                var head = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Options.Bucket, Key = key }, cancellationToken).ConfigureAwait(false);
                DateTimeOffset? until = head.ObjectLockRetainUntilDate is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d, d.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : d.Kind)).ToUniversalTime() : null;
                var hold = head.ObjectLockLegalHoldStatus is { } h && h.Value == ObjectLockLegalHoldStatus.On.Value;
                return new StoredObjectInfo(key, head.ContentLength, until, head.ObjectLockMode?.Value, hold, head.VersionId);
            }
            catch (AmazonServiceException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string sha256, CancellationToken cancellationToken = default)
    {
        // In a versioned (Object Lock) bucket a plain DELETE only adds a delete marker, which the lock
        // allows: the original would seem gone while it is kept. Removing it means deleting each
        // version by id, which is what the lock refuses (AccessDenied) before retain-until or under a hold.
        var key = Options.KeyFor(sha256);
        await CallAsync("delete", key, async () =>
        {
            var versions = await _client.ListVersionsAsync(new ListVersionsRequest { BucketName = Options.Bucket, Prefix = key }, cancellationToken).ConfigureAwait(false);
            foreach (var version in versions.Versions ?? [])
            {
                if (version.Key != key)
                {
                    continue;
                }
                await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Options.Bucket, Key = key, VersionId = version.VersionId }, cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task SetRetainUntilAsync(string sha256, DateTimeOffset retainUntil, CancellationToken cancellationToken = default) =>
        SetLockAsync("set retain-until", sha256, (bucket, key) => _client.PutObjectRetentionAsync(new PutObjectRetentionRequest
        {
            BucketName = bucket,
            Key = key,
            Retention = new ObjectLockRetention { Mode = new ObjectLockRetentionMode(Options.LockMode), RetainUntilDate = retainUntil.UtcDateTime },
        }, cancellationToken), cancellationToken);

    public Task SetLegalHoldAsync(string sha256, bool on, CancellationToken cancellationToken = default) =>
        SetLockAsync("set legal hold", sha256, (bucket, key) => _client.PutObjectLegalHoldAsync(new PutObjectLegalHoldRequest
        {
            BucketName = bucket,
            Key = key,
            LegalHold = new ObjectLockLegalHold { Status = on ? ObjectLockLegalHoldStatus.On : ObjectLockLegalHoldStatus.Off },
        }, cancellationToken), cancellationToken);

    /// <summary>One lock call (retention or legal hold) on the object of <paramref name="sha256"/>.</summary>
    private Task SetLockAsync(string operation, string sha256, Func<string, string, Task> call, CancellationToken cancellationToken)
    {
        var key = Options.KeyFor(sha256);
        return CallAsync(operation, key, () => call(Options.Bucket, key), cancellationToken);
    }

    public async Task<bool> HasObjectLockAsync(CancellationToken cancellationToken = default) =>
        await CallAsync("get object lock configuration", "(bucket)", async () =>
        {
            try
            {
                var response = await _client.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = Options.Bucket }, cancellationToken).ConfigureAwait(false);
                return response.ObjectLockConfiguration?.ObjectLockEnabled is { } enabled && enabled.Value == ObjectLockEnabled.Enabled.Value;
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "ObjectLockConfigurationNotFoundError")
            {
                return false;
            }
        }, cancellationToken).ConfigureAwait(false);

    public void Dispose() => _client.Dispose();

    internal static string NormalizeHash(string sha256)
    {
        ArgumentException.ThrowIfNullOrEmpty(sha256);
        var hash = sha256.Trim().ToLowerInvariant();
        if (hash.Length != 64 || !hash.All(Uri.IsHexDigit))
        {
            throw new ArgumentException("A content address is a SHA-256 in 64 hex digits.", nameof(sha256));
        }
        return hash;
    }

    /// <summary>
    /// Runs one S3 call and turns what it throws into an <see cref="ObjectStoreException"/> that names
    /// the operation, bucket and key only (never a credential, never the SDK's inner exception).
    /// </summary>
    private async Task<T> CallAsync<T>(string operation, string key, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AmazonServiceException e)
        {
            throw Translate(operation, key, e);
        }
        catch (Exception e) when (IsTransport(e, cancellationToken))
        {
            throw Unreachable(operation, key, e);
        }
    }

    private Task CallAsync(string operation, string key, Func<Task> call, CancellationToken cancellationToken) =>
        CallAsync(operation, key, async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private ObjectStoreException Translate(string operation, string key, AmazonServiceException e)
    {
        var failure = e.ErrorCode switch
        {
            "AccessDenied" => ObjectStoreFailure.AccessDenied,
            "NoSuchBucket" => ObjectStoreFailure.NoSuchBucket,
            _ when e.StatusCode == HttpStatusCode.Forbidden => ObjectStoreFailure.AccessDenied,
            _ => ObjectStoreFailure.Unavailable,
        };
        var what = failure switch
        {
            ObjectStoreFailure.AccessDenied => "the store refused it (an Object Lock retention or legal hold forbids it, or the credentials may not)",
            ObjectStoreFailure.NoSuchBucket => "the bucket does not exist (create it with Object Lock enabled)",
            _ => "the store answered an error",
        };
        return new ObjectStoreException(failure, $"S3 {operation} of {key} in bucket {Options.Bucket}: {what} (HTTP {(int)e.StatusCode}, {e.ErrorCode ?? "no error code"}).", e.ErrorCode, (int)e.StatusCode);
    }

    private static bool IsTransport(Exception e, CancellationToken cancellationToken) =>
        e is AmazonClientException or HttpRequestException or IOException or System.Net.Sockets.SocketException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private ObjectStoreException Unreachable(string operation, string key, Exception e) =>
        new(ObjectStoreFailure.Unavailable, $"S3 {operation} of {key} in bucket {Options.Bucket}: the store at {Options.Endpoint?.ToString() ?? Options.Region} could not be reached or the request could not be made ({e.GetType().Name}).");
}
