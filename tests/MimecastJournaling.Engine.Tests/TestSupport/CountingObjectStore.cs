using System.Collections.Concurrent;
using MimecastJournaling.Engine.ObjectStorage;

namespace MimecastJournaling.Engine.Tests.TestSupport;

/// <summary>
/// An <see cref="IOriginalObjectStore"/> that passes every call to a real one (moto's bucket) and
/// counts the calls by operation and key, to show which objects a sync pass asked the bucket about.
/// </summary>
public sealed class CountingObjectStore(IOriginalObjectStore inner) : IOriginalObjectStore
{
    private readonly ConcurrentQueue<(string Operation, string Key)> _calls = new();

    /// <summary>Every call so far, in order: operation (Head, Put, Get, Delete, SetRetainUntil, SetLegalHold, HasObjectLock) and content hash.</summary>
    public IReadOnlyList<(string Operation, string Key)> Calls => [.. _calls];

    public int Count(string operation) => _calls.Count(c => c.Operation == operation);

    public IReadOnlySet<string> Keys(string operation) => _calls.Where(c => c.Operation == operation).Select(c => c.Key).ToHashSet();

    public void Reset() => _calls.Clear();

    public Task<ObjectPutOutcome> PutOnceAsync(string sha256, ReadOnlyMemory<byte> content, DateTimeOffset? retainUntil, bool legalHold, CancellationToken cancellationToken = default)
    {
        _calls.Enqueue(("Put", sha256));
        return inner.PutOnceAsync(sha256, content, retainUntil, legalHold, cancellationToken);
    }

    public Task<byte[]?> GetAsync(string sha256, CancellationToken cancellationToken = default)
    {
        _calls.Enqueue(("Get", sha256));
        return inner.GetAsync(sha256, cancellationToken);
    }

    public Task<StoredObjectInfo?> HeadAsync(string sha256, CancellationToken cancellationToken = default)
    {
        _calls.Enqueue(("Head", sha256));
        return inner.HeadAsync(sha256, cancellationToken);
    }

    public Task DeleteAsync(string sha256, CancellationToken cancellationToken = default)
    {
        _calls.Enqueue(("Delete", sha256));
        return inner.DeleteAsync(sha256, cancellationToken);
    }

    public Task SetRetainUntilAsync(string sha256, DateTimeOffset retainUntil, CancellationToken cancellationToken = default)
    {
        _calls.Enqueue(("SetRetainUntil", sha256));
        return inner.SetRetainUntilAsync(sha256, retainUntil, cancellationToken);
    }

    public Task SetLegalHoldAsync(string sha256, bool on, CancellationToken cancellationToken = default)
    {
        _calls.Enqueue(("SetLegalHold", sha256));
        return inner.SetLegalHoldAsync(sha256, on, cancellationToken);
    }

    public Task<bool> HasObjectLockAsync(CancellationToken cancellationToken = default)
    {
        _calls.Enqueue(("HasObjectLock", string.Empty));
        return inner.HasObjectLockAsync(cancellationToken);
    }
}
