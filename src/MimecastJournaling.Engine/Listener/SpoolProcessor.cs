using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// Moves spooled messages into the archive through the one ingest path (JournalIngest), a batch
/// per definition. Each report carries its spool id; entries leave the spool after the archive
/// committed them. A crash before that commit leaves the entry to be processed again; a crash
/// between the commit and the removal leaves an entry the archive recognises by its spool id. Runs at start (unfinished entries
/// first), after every spool commit, and on a timer for retries.
/// </summary>
internal sealed class SpoolProcessor
{
    private const int BatchCount = 32;
    // At least one report per batch; beyond that, large reports go one or two at a time.
    private const long BatchBytes = 16L * 1024 * 1024;

    private readonly IMessageSpool _spool;
    private readonly SpoolLength _length;
    private readonly JournalIngest _ingest;
    private readonly DefinitionLookup _definitions;
    private readonly DefinitionHealth _health;
    private readonly TimeSpan _retryDelay;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private readonly Action<JournalDefinition, IReadOnlyList<JournalOutcome>>? _archived;
    private readonly MessageMemoryBudget _budget;

    public SpoolProcessor(IMessageSpool spool, SpoolLength length, JournalIngest ingest, DefinitionLookup definitions, DefinitionHealth health, TimeSpan retryDelay, TimeProvider clock,
        Action<JournalDefinition, IReadOnlyList<JournalOutcome>>? archived = null, MessageMemoryBudget? budget = null)
    {
        _budget = budget ?? new MessageMemoryBudget();
        _spool = spool;
        _length = length;
        _ingest = ingest;
        _definitions = definitions;
        _health = health;
        _retryDelay = retryDelay;
        _clock = clock;
        _archived = archived;
    }

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>New entries are durable: look at the spool now.</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A wake-up is pending already.
        }
    }

    /// <summary>Lets the current batch finish, then stops.</summary>
    public async Task StopAsync()
    {
        _stop.Cancel();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        try
        {
            _spool.MakeAllDue();
        }
        catch (Exception)
        {
            // Store trouble: the entries stay deferred and are retried when due.
        }
        while (!_stop.IsCancellationRequested)
        {
            bool worked;
            try
            {
                worked = ProcessDue();
            }
            catch (Exception)
            {
                // The spool itself cannot be read (store trouble): try again later.
                worked = false;
            }
            if (worked)
            {
                continue;
            }
            try
            {
                _health.CheckInactivity();
            }
            catch (Exception)
            {
                // Store trouble: the status is brought up to date on a later round.
            }
            try
            {
                await _wake.WaitAsync(_retryDelay, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round over the due entries; false when there was nothing to do.</summary>
    internal bool ProcessDue()
    {
        // The batch's size is reserved before its data is read, and given back once its memory is.
        IDisposable? lease = null;
        try
        {
            var (worked, read) = ProcessBatch(total => lease ??= _budget.Reserve(total, _stop.Token));
            _length.Set(_spool.Count());
            // Nothing of the batch is referenced any more (it lived in ProcessBatch's frame only).
            LargeObjectRelease.After(read);
            return worked;
        }
        finally
        {
            lease?.Dispose();
        }
    }

    /// <summary>Takes and archives one batch; returns whether there was one and how many bytes it read. Not inlined, so that its messages are garbage when it returns.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private (bool Worked, long Read) ProcessBatch(Action<long> reserve)
    {
        var due = _spool.TakeDue(_clock.GetUtcNow(), BatchCount, BatchBytes, reserve);
        foreach (var group in due.GroupBy(m => m.Entry.DefinitionId))
        {
            ProcessDefinition(group.ToList());
        }
        return (due.Count > 0, due.Sum(m => (long)m.Entry.Data.Length));
    }

    private void ProcessDefinition(IReadOnlyList<SpooledMessage> messages)
    {
        var first = messages[0].Entry;
        var definition = _definitions.FindById(first.DefinitionId) ?? RemovedDefinition(first);
        var reports = messages.Select(m => new IncomingReport(m.Entry.Data, m.Entry.Source, m.Entry.Received, m.Id, m.Entry.Node)).ToList();
        IReadOnlyList<JournalOutcome> outcomes;
        try
        {
            outcomes = _ingest.Ingest(definition, reports);
        }
        catch (Exception e)
        {
            _spool.RecordFailure(messages.Select(m => m.Id).ToList(), e.Message, _clock.GetUtcNow() + _retryDelay);
            _health.Failed(definition, messages.Max(m => m.Attempts) + 1, e.Message);
            return;
        }
        try
        {
            _spool.Remove(messages.Select(m => m.Id).ToList());
        }
        catch (Exception)
        {
            // Spool trouble after the archive committed: the entries come round again, and the
            // archive answers them with the outcomes it recorded the first time.
        }
        _archived?.Invoke(definition, outcomes);
        var lastReceived = messages.Max(m => m.Entry.Received);
        if (outcomes.Count > 0 && outcomes.All(o => o.Outcome == JournalOutcomeKind.Quarantined))
        {
            // Received and kept (quarantined with the raw bytes), but nothing could be archived.
            var last = outcomes[^1];
            _health.DeliveryFailed(definition, $"Reports from {last.Source} cannot be parsed and are quarantined: {last.Reason}", lastReceived);
            return;
        }
        _health.Archived(definition, lastReceived);
    }

    /// <summary>
    /// The definition was removed after its message got 250. The message is still archived (with
    /// the default rules) so it has an outcome; nothing is dropped silently.
    /// </summary>
    private static JournalDefinition RemovedDefinition(SpoolEntry entry) => new()
    {
        Id = entry.DefinitionId,
        Description = entry.Definition,
        ServiceEmailAddress = entry.Recipients.FirstOrDefault() ?? "removed@invalid",
    };
}
