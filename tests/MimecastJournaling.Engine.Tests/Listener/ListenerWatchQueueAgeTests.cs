using System.Text;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Tests.Contracts;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Listener;

/// <summary>
/// The watch's oldest-queued age comes from the spool without reading any entry's data: the oldest
/// entry may be a large report waiting for the archive, and the watch asks every minute, outside the
/// listener's memory budget.
/// </summary>
public sealed class ListenerWatchQueueAgeTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);
    private readonly SqliteBackendUnderTest _backend = new();

    public void Dispose() => _backend.Dispose();

    [Fact]
    public void The_oldest_queued_age_is_read_without_the_queued_reports_data()
    {
        var backend = _backend.Open();
        var spool = new DataForbiddenSpool(backend.OpenSpool());
        spool.Append([
            new SpoolEntry(T0, "smtp:192.0.2.10", Guid.NewGuid(), "A", "postmaster@contoso.com", ["journal@journal.contoso.test"],
                Encoding.ASCII.GetBytes("Subject: waiting\r\n\r\nbody\r\n")),
        ]);
        var clock = new ManualClock(T0.AddMinutes(7));
        var watch = new ListenerWatch(backend.Store, spool, null, TimeSpan.FromMinutes(1), clock, _ => { });

        var report = watch.Check();

        Assert.Equal(1, report.QueueLength);
        Assert.Equal(TimeSpan.FromMinutes(7), report.OldestQueuedAge);
    }

    /// <summary>A spool whose reads of entries' data (the queue's list, taking due entries) fail the test.</summary>
    private sealed class DataForbiddenSpool(IMessageSpool inner) : IMessageSpool
    {
        public IReadOnlyList<long> Append(IReadOnlyList<SpoolEntry> entries) => inner.Append(entries);
        public void Sync() => inner.Sync();
        public int Count() => inner.Count();
        public DateTimeOffset? OldestReceived() => inner.OldestReceived();
        public void Remove(IReadOnlyList<long> ids) => inner.Remove(ids);
        public IReadOnlyList<SpooledMessage> TakeDue(DateTimeOffset now, int maxCount, long maxBytes, Action<long>? beforeRead = null) =>
            throw new InvalidOperationException("The watch read the spool's data (TakeDue).");
        public void RecordFailure(IReadOnlyList<long> ids, string error, DateTimeOffset nextAttempt) => inner.RecordFailure(ids, error, nextAttempt);
        public void MakeAllDue() => inner.MakeAllDue();
        public IReadOnlyList<QueuedReport> List(Guid? definitionId, int? first) =>
            throw new InvalidOperationException("The watch read the spool's data (List parses every listed report whole).");
    }
}
