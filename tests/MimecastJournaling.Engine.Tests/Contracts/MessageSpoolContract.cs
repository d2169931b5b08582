using System.Text;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Contracts;

/// <summary>The spool's contract (IMessageSpool), run against every backend.</summary>
public abstract class MessageSpoolContract : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid DefinitionA = Guid.NewGuid();
    private static readonly Guid DefinitionB = Guid.NewGuid();
    private readonly BackendUnderTest _backend;
    private readonly IMessageSpool _spool;

    private protected MessageSpoolContract(BackendUnderTest backend)
    {
        _backend = backend;
        _spool = backend.Open().OpenSpool("node-a");
    }

    public void Dispose() => _backend.Dispose();

    internal static SpoolEntry Entry(string subject, Guid? definition = null, int padding = 0) => new(
        T0, "smtp:192.0.2.10", definition ?? DefinitionA, definition == DefinitionB ? "B" : "A", "postmaster@contoso.com", ["journal@journal.contoso.test"],
        Encoding.ASCII.GetBytes($"From: alice@contoso.com\r\nTo: bob@contoso.com\r\nSubject: {subject}\r\n\r\nbody{new string('x', padding)}\r\n"));

    [Fact]
    public void Appended_entries_come_back_in_order_with_their_content_and_node_and_leave_when_removed()
    {
        var ids = _spool.Append([Entry("one"), Entry("two"), Entry("three", DefinitionB)]);
        _spool.Sync();

        Assert.Equal(3, ids.Distinct().Count());
        Assert.True(ids[0] < ids[1] && ids[1] < ids[2]);
        Assert.Equal(3, _spool.Count());
        var due = _spool.TakeDue(T0, 10, long.MaxValue);
        Assert.Equal(ids, due.Select(m => m.Id));
        Assert.Equal(Entry("two").Data.ToArray(), due[1].Entry.Data.ToArray());
        Assert.Equal(DefinitionB, due[2].Entry.DefinitionId);
        Assert.Equal(["journal@journal.contoso.test"], due[0].Entry.Recipients);
        Assert.All(due, m => Assert.Equal("node-a", m.Entry.Node));

        _spool.Remove([ids[0], ids[2]]);
        Assert.Equal(1, _spool.Count());
        var queue = _spool.List(null, null);
        Assert.Equal("two", Assert.Single(queue).Subject);
        Assert.Equal("node-a", queue[0].Node);
        Assert.Equal(QueuedReportState.Waiting, queue[0].State);
    }

    [Fact]
    public void A_failure_defers_the_entry_until_its_next_attempt_and_is_shown_in_the_queue()
    {
        var id = _spool.Append([Entry("fails")]).Single();
        _spool.TakeDue(T0, 10, long.MaxValue);
        _spool.RecordFailure([id], "archive unavailable", T0.AddSeconds(30));

        Assert.Empty(_spool.TakeDue(T0.AddSeconds(10), 10, long.MaxValue));
        var queued = Assert.Single(_spool.List(null, null));
        Assert.Equal(QueuedReportState.Failed, queued.State);
        Assert.Equal(1, queued.Attempts);
        Assert.Equal("archive unavailable", queued.LastError);
        var again = Assert.Single(_spool.TakeDue(T0.AddSeconds(31), 10, long.MaxValue));
        Assert.Equal(1, again.Attempts);

        _spool.RecordFailure([id], "still", T0.AddHours(1));
        _spool.MakeAllDue();
        Assert.Single(_spool.TakeDue(T0.AddSeconds(32), 10, long.MaxValue));
    }

    [Fact]
    public void TakeDue_stops_at_the_byte_budget_but_always_takes_one_and_lists_per_definition()
    {
        _spool.Append([Entry("big1", padding: 1000), Entry("big2", padding: 1000), Entry("other", DefinitionB)]);

        Assert.Single(_spool.TakeDue(T0, 10, 10));
        Assert.Equal(2, _spool.TakeDue(T0, 10, Entry("big1", padding: 1000).Size + Entry("big2", padding: 1000).Size).Count);
        Assert.Equal(2, _spool.TakeDue(T0, 2, long.MaxValue).Count);
        Assert.Equal("other", Assert.Single(_spool.List(DefinitionB, null)).Subject);
        Assert.Single(_spool.List(null, 1));
    }

    [Fact]
    public void OldestReceived_is_when_the_first_entry_still_spooled_was_received_and_null_when_empty()
    {
        Assert.Null(_spool.OldestReceived());
        var ids = _spool.Append([Entry("one") with { Received = T0.AddMinutes(1) }, Entry("two") with { Received = T0.AddMinutes(2) }]);

        Assert.Equal(T0.AddMinutes(1), _spool.OldestReceived());
        _spool.Remove([ids[0]]);
        Assert.Equal(T0.AddMinutes(2), _spool.OldestReceived());
        _spool.Remove([ids[1]]);
        Assert.Null(_spool.OldestReceived());
    }

    [Fact]
    public void A_taken_entrys_data_is_not_kept_by_the_spool_once_the_caller_lets_it_go()
    {
        // The listener gives a large batch's memory back right after it (LargeObjectRelease): that
        // works only if nothing of the spool (a driver's buffer, a cache) still refers to the data.
        _spool.Append([Entry("kept?", padding: 4 * 1024 * 1024)]);
        var data = TakeOnesData();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

        Assert.False(data.IsAlive, "The spool still refers to the data of an entry it handed out.");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private WeakReference TakeOnesData()
    {
        var taken = Assert.Single(_spool.TakeDue(T0, 10, long.MaxValue));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(taken.Entry.Data, out var segment));
        return new WeakReference(segment.Array);
    }

    [Fact]
    public void A_large_entry_goes_in_from_its_file_and_comes_back_as_one_copy_of_its_bytes()
    {
        // A large DATA is spooled from its file (SpoolEntry.DataFile), and read back for the archive
        // into one array: no second copy of it in the driver's buffers on the way in or out.
        const int size = 24 * 1024 * 1024;
        var content = new byte[size];
        new Random(15).NextBytes(content);
        Encoding.ASCII.GetBytes("Subject: large\r\n\r\n").CopyTo(content, 0);
        var file = new FileInfo(Path.Combine(Path.GetTempPath(), "mj-spool-large-" + Guid.NewGuid().ToString("N")));
        File.WriteAllBytes(file.FullName, content);
        try
        {
            var entry = Entry("large") with { Data = ReadOnlyMemory<byte>.Empty, DataFile = file };
            _spool.Append([Entry("warm-up")]);
            _spool.Remove(_spool.TakeDue(T0, 10, long.MaxValue).Select(m => m.Id).ToList());

            var before = GC.GetAllocatedBytesForCurrentThread();
            var id = _spool.Append([entry]).Single();
            var appended = GC.GetAllocatedBytesForCurrentThread() - before;
            before = GC.GetAllocatedBytesForCurrentThread();
            var taken = Assert.Single(_spool.TakeDue(T0, 10, long.MaxValue));
            var read = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.Equal(id, taken.Id);
            Assert.True(taken.Entry.Data.Span.SequenceEqual(content), "The entry did not come back with its bytes.");
            Assert.True(read < size + size / 4, $"Reading a {size / 1024 / 1024} MB entry back allocated {read / 1024 / 1024} MB.");
            Assert.True(appended < size / 4, $"Appending a {size / 1024 / 1024} MB entry from its file allocated {appended / 1024 / 1024} MB.");
        }
        finally
        {
            file.Delete();
        }
    }
}

public sealed class SqliteMessageSpoolContract() : MessageSpoolContract(new SqliteBackendUnderTest());

[Collection(PostgresCollection.Name)]
public sealed class PostgresMessageSpoolContract() : MessageSpoolContract(new PostgresBackendUnderTest());
