using System.Security.Cryptography;
using System.Text;
using MimecastJournaling.Engine.ObjectStorage;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.ObjectStorage;

/// <summary>The WORM seam against moto_server on loopback: put-once, COMPLIANCE lock, legal hold.</summary>
[Collection(MotoCollection.Name)]
public sealed class S3OriginalObjectStoreTests(MotoServer moto)
{
    private static (string Hash, byte[] Bytes) Original(string text)
    {
        var bytes = Encoding.UTF8.GetBytes("Subject: " + text + "\r\n\r\nbody " + Guid.NewGuid() + "\r\n");
        return (Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(), bytes);
    }

    [Fact]
    public async Task PutOnce_SecondPutOfSameContentIsAlreadyPresent_AndTheObjectIsUnchanged()
    {
        using var store = new S3OriginalObjectStore(moto.NewLockedBucket());
        var (hash, bytes) = Original("once");

        Assert.Equal(ObjectPutOutcome.Written, await store.PutOnceAsync(hash, bytes, null, false));
        Assert.Equal(ObjectPutOutcome.AlreadyPresent, await store.PutOnceAsync(hash, bytes, null, false));

        Assert.Equal(bytes, await store.GetAsync(hash));
        var head = await store.HeadAsync(hash);
        Assert.NotNull(head);
        Assert.Equal("originals/" + hash, head.Key);
        Assert.Equal(bytes.Length, head.Length);
    }

    [Fact]
    public async Task PutOnce_RefusesContentThatDoesNotHashToTheKey()
    {
        using var store = new S3OriginalObjectStore(moto.NewLockedBucket());
        var (hash, _) = Original("a");
        var (_, other) = Original("b");

        var e = await Assert.ThrowsAsync<ObjectStoreException>(() => store.PutOnceAsync(hash, other, null, false));
        Assert.Equal(ObjectStoreFailure.BadContent, e.Failure);
        Assert.Null(await store.GetAsync(hash));
    }

    [Fact]
    public async Task Compliance_RetainUntilEqualsTheExpiry_AndAnEarlyDeleteIsAccessDenied()
    {
        using var store = new S3OriginalObjectStore(moto.NewLockedBucket());
        var (hash, bytes) = Original("locked");
        var expiry = new DateTimeOffset(DateTime.UtcNow.AddDays(30).Date, TimeSpan.Zero).AddHours(13).AddMinutes(7);

        await store.PutOnceAsync(hash, bytes, expiry, false);
        var head = await store.HeadAsync(hash);
        Assert.NotNull(head);
        Assert.Equal("COMPLIANCE", head.Mode);
        Assert.Equal(expiry, head.RetainUntil);

        var e = await Assert.ThrowsAsync<ObjectStoreException>(() => store.DeleteAsync(hash));
        Assert.Equal(ObjectStoreFailure.AccessDenied, e.Failure);
        Assert.Equal("AccessDenied", e.ErrorCode);
        Assert.Equal(bytes, await store.GetAsync(hash));
    }

    [Fact]
    public async Task Unlocked_DeleteRemovesEveryVersion()
    {
        using var store = new S3OriginalObjectStore(moto.NewLockedBucket());
        var (hash, bytes) = Original("free");

        await store.PutOnceAsync(hash, bytes, null, false);
        await store.DeleteAsync(hash);

        Assert.Null(await store.GetAsync(hash));
        Assert.Null(await store.HeadAsync(hash));
    }

    [Fact]
    public async Task LegalHold_OnRefusesDelete_OffAllowsIt()
    {
        using var store = new S3OriginalObjectStore(moto.NewLockedBucket());
        var (hash, bytes) = Original("held");

        await store.PutOnceAsync(hash, bytes, null, false);
        await store.SetLegalHoldAsync(hash, true);
        Assert.True((await store.HeadAsync(hash))!.LegalHold);
        var e = await Assert.ThrowsAsync<ObjectStoreException>(() => store.DeleteAsync(hash));
        Assert.Equal(ObjectStoreFailure.AccessDenied, e.Failure);

        await store.SetLegalHoldAsync(hash, false);
        Assert.False((await store.HeadAsync(hash))!.LegalHold);
        await store.DeleteAsync(hash);
        Assert.Null(await store.GetAsync(hash));
    }

    [Fact]
    public async Task LegalHoldAtPut_IsSetOnTheObject()
    {
        using var store = new S3OriginalObjectStore(moto.NewLockedBucket());
        var (hash, bytes) = Original("held at put");

        await store.PutOnceAsync(hash, bytes, null, legalHold: true);

        Assert.True((await store.HeadAsync(hash))!.LegalHold);
        await Assert.ThrowsAsync<ObjectStoreException>(() => store.DeleteAsync(hash));
    }

    [Fact]
    public async Task SetRetainUntil_LocksAnObjectWrittenWithout()
    {
        using var store = new S3OriginalObjectStore(moto.NewLockedBucket());
        var (hash, bytes) = Original("later");
        var expiry = DateTimeOffset.UtcNow.AddDays(3);
        expiry = expiry.AddTicks(-(expiry.Ticks % TimeSpan.TicksPerSecond));

        await store.PutOnceAsync(hash, bytes, null, false);
        await store.SetRetainUntilAsync(hash, expiry);

        Assert.Equal(expiry, (await store.HeadAsync(hash))!.RetainUntil);
        var e = await Assert.ThrowsAsync<ObjectStoreException>(() => store.DeleteAsync(hash));
        Assert.Equal(ObjectStoreFailure.AccessDenied, e.Failure);
    }

    [Fact]
    public async Task Failures_NeverCarryTheSecret()
    {
        var options = moto.NewLockedBucket();
        using var store = new S3OriginalObjectStore(options);
        var (hash, bytes) = Original("secret");
        await store.PutOnceAsync(hash, bytes, DateTimeOffset.UtcNow.AddDays(1), false);
        var denied = await Assert.ThrowsAsync<ObjectStoreException>(() => store.DeleteAsync(hash));

        using var missing = new S3OriginalObjectStore(options with { Bucket = "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8] });
        var noBucket = await Assert.ThrowsAsync<ObjectStoreException>(() => missing.PutOnceAsync(hash, bytes, null, false));
        Assert.Equal(ObjectStoreFailure.NoSuchBucket, noBucket.Failure);

        using var down = new S3OriginalObjectStore(options with { Endpoint = new Uri("http://127.0.0.1:1/"), Timeout = TimeSpan.FromSeconds(5) });
        var unreachable = await Assert.ThrowsAsync<ObjectStoreException>(() => down.GetAsync(hash));
        Assert.Equal(ObjectStoreFailure.Unavailable, unreachable.Failure);

        foreach (var e in new Exception[] { denied, noBucket, unreachable })
        {
            var text = e.ToString();
            Assert.DoesNotContain(MotoServer.SecretKey, text);
            Assert.DoesNotContain(MotoServer.AccessKey, text);
            Assert.Null(e.InnerException);
        }
        Assert.DoesNotContain(MotoServer.SecretKey, options.ToString());
    }
}
