using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// Keeps a definition's Status and LastReceived in step with what the spool processor sees:
/// AwaitingInitialRun or Error → OK on a report archived; Error (with the reason) after repeated
/// failures. Every status change is a StatusChanged event in the event log.
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

    public void Archived(JournalDefinition definition, DateTimeOffset lastReceived) =>
        _store.RecordDefinitionHealth(definition.Id, JournalStatus.OK, null, lastReceived, StatusEvents(definition, JournalStatus.OK));

    public void Failed(JournalDefinition definition, int attempts, string reason)
    {
        if (attempts < _failuresBeforeError || definition.Status == JournalStatus.Error)
        {
            return;
        }
        var text = $"Archiving received reports failed {attempts} times: {reason}";
        _store.RecordDefinitionHealth(definition.Id, JournalStatus.Error, text, null, StatusEvents(definition, JournalStatus.Error));
    }

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
