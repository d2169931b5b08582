using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// Keeps a definition's Status and LastReceived in step with what the listener sees:
/// AwaitingInitialRun or Error → OK on a report archived; Error (with the reason) after repeated
/// failures — archiving, reports that cannot be parsed, and senders failing TLS or SMTP AUTH.
/// Every status change is a StatusChanged event in the event log.
/// </summary>
internal sealed class DefinitionHealth
{
    public const string Actor = "JournalListener";

    private readonly IJournalStore _store;
    private readonly int _failuresBeforeError;
    private readonly TimeProvider _clock;

    public DefinitionHealth(IJournalStore store, int failuresBeforeError, TimeProvider clock)
    {
        _store = store;
        _failuresBeforeError = failuresBeforeError;
        _clock = clock;
    }

    // Failures in a row since the last good report, per definition (this listener's view).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, int> _failuresInARow = new();

    public void Archived(JournalDefinition definition, DateTimeOffset lastReceived)
    {
        _failuresInARow.TryRemove(definition.Id, out _);
        _store.RecordDefinitionHealth(definition.Id, JournalStatus.OK, null, lastReceived, StatusEvents(definition, JournalStatus.OK));
    }

    /// <summary>
    /// A delivery for this definition failed on the sender's side or could not be used (TLS,
    /// AUTH, an unparseable report). After FailuresBeforeError of them without a good report in
    /// between, the definition is in Error with <paramref name="reason"/>. Never throws: the
    /// SMTP reply must not depend on the status being written.
    /// </summary>
    public void DeliveryFailed(JournalDefinition definition, string reason, DateTimeOffset? lastReceived = null)
    {
        try
        {
            var inARow = _failuresInARow.AddOrUpdate(definition.Id, 1, (_, n) => n + 1);
            if (inARow < _failuresBeforeError)
            {
                if (lastReceived is not null)
                {
                    _store.RecordDefinitionHealth(definition.Id, definition.Status, definition.StatusReason, lastReceived, []);
                }
                return;
            }
            var text = $"{reason} ({inARow} failures in a row)";
            if (definition.Status == JournalStatus.Error && SameCause(definition.StatusReason, reason) && lastReceived is null)
            {
                return;
            }
            _store.RecordDefinitionHealth(definition.Id, JournalStatus.Error, text, lastReceived, StatusEvents(definition, JournalStatus.Error));
        }
        catch (Exception)
        {
            // Store trouble: the status catches up at the next failure or report.
        }
    }

    private static bool SameCause(string? current, string reason) => current is not null && current.StartsWith(reason, StringComparison.Ordinal);

    public void Failed(JournalDefinition definition, int attempts, string reason)
    {
        if (attempts < _failuresBeforeError || definition.Status == JournalStatus.Error)
        {
            return;
        }
        var text = $"Archiving received reports failed {attempts} times: {reason}";
        _store.RecordDefinitionHealth(definition.Id, JournalStatus.Error, text, null, StatusEvents(definition, JournalStatus.Error));
    }

    /// <summary>Puts a definition in Error at once, for a cause that is not the sender's (the listener's certificate expired).</summary>
    public void MarkError(JournalDefinition definition, string reason) =>
        _store.RecordDefinitionHealth(definition.Id, JournalStatus.Error, reason, null, StatusEvents(definition, JournalStatus.Error));

    /// <summary>Definitions that have been silent longer than their InactivityPeriod become Down.</summary>
    public void CheckInactivity() => new JournalConfiguration(_store, Actor, _clock).MarkInactiveDefinitions();

    private IReadOnlyList<JournalEvent> StatusEvents(JournalDefinition definition, JournalStatus status) =>
        definition.Status == status
            ? []
            : [new JournalEvent
            {
                Time = _clock.GetUtcNow(),
                User = Actor,
                ObjectType = JournalObjectType.Definition,
                ObjectName = definition.Description,
                ObjectId = definition.Id.ToString(),
                Action = "StatusChanged",
                Property = nameof(JournalDefinition.Status),
                OldValue = definition.Status.ToString(),
                NewValue = status.ToString(),
            }];
}
