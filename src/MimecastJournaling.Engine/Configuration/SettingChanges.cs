namespace MimecastJournaling.Engine.Configuration;

/// <summary>
/// The event log entries of one save of a store-wide setting (alerts, the object store): one
/// "Created" or "Changed" event per property whose shown value differs. Callers pass what may be
/// shown, never a secret's value.
/// </summary>
internal sealed class SettingChanges(DateTimeOffset time, string user, JournalObjectType objectType, string objectName, bool created)
{
    public List<JournalEvent> Events { get; } = [];

    public void Record(string property, string? before, string? after)
    {
        if (before == after)
        {
            return;
        }
        Events.Add(new JournalEvent
        {
            Time = time,
            User = user,
            ObjectType = objectType,
            ObjectName = objectName,
            Action = created ? "Created" : "Changed",
            Property = property,
            OldValue = before,
            NewValue = after,
        });
    }
}
