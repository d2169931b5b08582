using System.Text;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Lifecycle;
using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.Contracts;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Lifecycle;

/// <summary>Copy-JournalStore carries retention policies, holds (released ones too) and each item's expiry into PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class LifecycleStoreCopyTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private readonly SqliteBackendUnderTest _sqlite = new();

    public void Dispose() => _sqlite.Dispose();

    [Fact]
    public void Policies_holds_and_expiries_are_copied()
    {
        var source = _sqlite.Open();
        var clock = new ManualClock(T0);
        var lifecycle = source.OpenLifecycle("admin", clock);
        lifecycle.NewPolicy("Default", new() { RetainFor = TimeSpan.FromDays(365) });
        lifecycle.NewHold("Released", "r", new HoldScope { Sender = "x@*" });
        lifecycle.ReleaseHold("Released", "done");
        lifecycle.NewHold("Case", "open matter", new HoldScope { Mailbox = "bob@contoso.com", Start = T0.AddDays(-30) });
        var original = Encoding.ASCII.GetBytes("From: <alice@contoso.com>\r\nMessage-ID: <c@contoso.com>\r\n\r\nx\r\n");
        var id = source.Archive.Store([new ArchiveSubmission
        {
            Received = T0, Source = "file:c.eml", RawReport = original, Original = original, Disposition = ArchiveDisposition.Accept,
            MessageId = "c@contoso.com", Date = T0.AddDays(-1), Mailboxes = ["bob@contoso.com"],
        }]).Single().ItemId!.Value;

        var destination = JournalBackend.CreateUncached(PostgresServer.Shared.CreateDatabase());
        var counts = source.CopyTo(destination, 100, _ => { });

        Assert.All(counts, c => Assert.True(c.Matches, c.Table));
        Assert.Contains(counts, c => c.Table == "holds" && c.DestinationRows == 2);
        var copied = destination.OpenLifecycle("admin", clock);
        var policy = Assert.Single(copied.GetPolicies());
        Assert.Equal(("Default", TimeSpan.FromDays(365), T0), (policy.Name, policy.RetainFor, policy.Created));
        Assert.Equal(2, copied.GetHolds(includeReleased: true).Count);
        var hold = Assert.Single(copied.GetHolds(includeReleased: false));
        Assert.Equal(("bob@contoso.com", T0.AddDays(-30)), (hold.Scope.Mailbox, hold.Scope.Start));
        var item = destination.Archive.GetMessage(id)!;
        Assert.Equal((T0.AddDays(364), "Default"), (item.ExpiresOn, item.RetentionPolicy));
        Assert.Equal(["Case"], copied.WithHolds([item])[0].Holds);
    }

    [Fact]
    public void What_the_worm_sync_recorded_is_copied_so_the_first_pass_after_the_move_asks_the_bucket_nothing_new()
    {
        var source = _sqlite.Open();
        var original = Encoding.ASCII.GetBytes("From: <alice@contoso.com>\r\nMessage-ID: <w@contoso.com>\r\n\r\nw\r\n");
        var id = source.Archive.Store([new ArchiveSubmission
        {
            Received = T0, Source = "file:w.eml", RawReport = original, Original = original, Disposition = ArchiveDisposition.Accept,
            MessageId = "w@contoso.com", Date = T0.AddDays(-1), Mailboxes = ["bob@contoso.com"],
        }]).Single().ItemId!.Value;
        var hash = ((IArchiveBlobInventory)source.Archive).GetOriginalReferences([id]).Single().Hash.ToLowerInvariant();
        var state = new MimecastJournaling.Engine.ObjectStorage.WormObjectState(hash, T0.AddDays(364), LegalHold: true, Written: true);
        ((MimecastJournaling.Engine.ObjectStorage.IWormObjectStates)source.Archive).SaveWormStates("|bucket|originals/", [state], T0);
        // A lease is operational state of the running hosts: not copied.
        ((IStoreLeases)source.Store).TryTakeLease("objectstore.sync", "host-a", T0, T0.AddMinutes(10));

        var destination = JournalBackend.CreateUncached(PostgresServer.Shared.CreateDatabase());
        var counts = source.CopyTo(destination, 100, _ => { });

        Assert.All(counts, c => Assert.True(c.Matches, c.Table));
        Assert.Contains(counts, c => c.Table == "worm_objects" && c.DestinationRows == 1);
        Assert.Equal(state, ((MimecastJournaling.Engine.ObjectStorage.IWormObjectStates)destination.Archive).ReadWormStates("|bucket|originals/", [hash])[hash]);
        Assert.Null(((IStoreLeases)destination.Store).GetLease("objectstore.sync"));
    }
}
