using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// The listener's daily integrity check, run from its watch: when the newest check in the store
/// (by any host, or an admin's Test-JournalArchiveIntegrity) is older than the interval (a fresh
/// store counts from the listener's start), it checks a sample of the archive (and of its WORM
/// objects when an object store is set) and the whole event chain. On damage every enabled definition goes to Error (a StatusChanged event each) and the
/// IntegrityCheckFailed condition holds until a later check passes.
/// </summary>
internal sealed class ArchiveIntegrityWatch
{
    private readonly IJournalStore _store;
    private readonly IJournalArchive _archive;
    private readonly TimeSpan _interval;
    private readonly double _samplePercent;
    private readonly TimeProvider _clock;
    private readonly DateTimeOffset _started;
    private string? _failure;

    public ArchiveIntegrityWatch(IJournalStore store, IJournalArchive archive, TimeSpan interval, double samplePercent, TimeProvider clock)
    {
        _store = store;
        _archive = archive;
        _interval = interval;
        _samplePercent = samplePercent;
        _clock = clock;
        _started = clock.GetUtcNow();
    }

    private Task? _running;

    /// <summary>The check running beside the watch, if any (tests wait for it).</summary>
    internal Task? Running => _running;

    /// <summary>
    /// What the listener's watch calls each round: starts <see cref="Check"/> beside the watch (a
    /// sample of a large archive and the whole event chain take a while, and must not hold up the
    /// dead-man checks) unless one is still running, and returns the condition of the last check
    /// that finished. Store trouble in a check is tried again at the next round.
    /// </summary>
    public ListenerCondition? CheckBeside(CancellationToken cancellationToken)
    {
        if (_running is not { IsCompleted: false })
        {
            _running = Task.Run(() =>
            {
                try
                {
                    Check(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                }
                catch (Exception)
                {
                    // The next round tries again: no check event was written, so it is still due.
                }
            }, CancellationToken.None);
        }
        return Condition;
    }

    private ListenerCondition? Condition => _failure is null ? null : new ListenerCondition(ListenerConditionKind.IntegrityCheckFailed, "Archive", "The archive integrity check failed: " + _failure);

    /// <summary>Runs the check when one is due; returns the condition while the last check this listener ran found damage.</summary>
    public ListenerCondition? Check(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        var last = _store.GetEvents(new JournalEventQuery { ObjectType = JournalObjectType.Archive, First = 50 })
            .FirstOrDefault(e => e.Action == ArchiveIntegrity.EventAction)?.Time;
        if (now - (last ?? _started) >= _interval)
        {
            // With a WORM store set, the sample's objects are read back from the bucket too (a bucket
            // that cannot be read fails this round; the next round tries again).
            var result = ArchiveIntegrity.Run(_store, _archive, _samplePercent, DefinitionHealth.Actor, _clock, null, cancellationToken,
                objects: ObjectStorage.JournalObjectStores.OpenConfigured(_store));
            _failure = result.Passed ? null : ArchiveIntegrity.Summary(result) + " Run Test-JournalArchiveIntegrity to list each problem.";
            if (_failure is not null)
            {
                var health = new DefinitionHealth(_store, 1, _clock);
                foreach (var d in _store.GetDefinitions().Where(d => !d.Disabled))
                {
                    health.MarkError(d, "The archive integrity check failed: " + _failure);
                }
            }
        }
        return Condition;
    }
}
