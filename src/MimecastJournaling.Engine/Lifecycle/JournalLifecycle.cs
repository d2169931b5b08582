using System.Globalization;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Search;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Lifecycle;

/// <summary>
/// The archive's lifecycle rules: retention policies, legal holds, retention runs and erasure.
/// Cmdlets and the listener call this; the decisions (which policy wins, what a hold covers,
/// whether an item may go) are made here, the same for every backend, inside the backend's write
/// transaction so that a hold created at the same moment on another host is never raced.
/// Every removal is written to the event log in the transaction that removes it.
/// </summary>
public sealed class JournalLifecycle
{
    public const int MaxNameLength = 128;
    /// <summary>Items removed per transaction: a run interrupted (Ctrl+C, a crash) keeps every batch it committed, with its events.</summary>
    public const int BatchSize = 200;
    /// <summary>The event log's user of the listener's daily retention run.</summary>
    public const string ListenerActor = "JournalListener retention";

    private readonly ILifecycleStore _lifecycle;
    private readonly IJournalStore _store;
    private readonly string _actor;
    private readonly TimeProvider _clock;
    private readonly IOriginalLock? _lock;

    internal JournalLifecycle(ILifecycleStore lifecycle, IJournalStore store, string actor, TimeProvider? clock = null, IOriginalLock? originalLock = null)
    {
        _lifecycle = lifecycle;
        _store = store;
        _actor = actor;
        _clock = clock ?? TimeProvider.System;
        _lock = originalLock;
    }

    /// <summary>The clock the rules compare with (the WORM sync takes it too).</summary>
    internal TimeProvider Clock => _clock;

    // ---- retention policies ------------------------------------------------------------------

    public IReadOnlyList<RetentionPolicy> GetPolicies() =>
        _lifecycle.GetPolicies().OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ToList();

    public RetentionPolicy GetPolicy(string name) =>
        _lifecycle.GetPolicies().FirstOrDefault(p => string.Equals(p.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new JournalConfigurationException("RetentionPolicyNotFound", JournalErrorKind.NotFound,
            $"No retention policy is named '{name}'. Get-JournalRetentionPolicy lists them.", name);

    /// <summary>A policy's scope as the caller gives it: null leaves a scope out (New) or unchanged (Set); an empty string removes it (Set).</summary>
    public sealed record PolicyChange
    {
        public TimeSpan? RetainFor { get; init; }
        public string? Definition { get; init; }
        public string? Domain { get; init; }
        public string? Mailbox { get; init; }
    }

    public RetentionPolicy NewPolicy(string name, PolicyChange change)
    {
        var policy = PreviewNewPolicy(name, change);
        try
        {
            _lifecycle.InsertPolicy(policy, [PolicyEvent(policy, "Created", null, null, Describe(policy))]);
        }
        catch (JournalConfigurationException e) when (e.Kind == JournalErrorKind.AlreadyExists)
        {
            throw PolicyExists(policy.Name);
        }
        return policy;
    }

    /// <summary>The policy New- would create (validated, not stored), for -WhatIf counts.</summary>
    public RetentionPolicy PreviewNewPolicy(string name, PolicyChange change)
    {
        var trimmed = ValidName(name, "RetentionPolicyNameInvalid", "retention policy");
        if (change.RetainFor is null)
        {
            throw new JournalConfigurationException("RetentionPolicyRetainForMissing", JournalErrorKind.InvalidArgument,
                "Give -RetainFor, how long items are kept, for example (New-TimeSpan -Days 2557) for seven years.");
        }
        if (_lifecycle.GetPolicies().Any(p => string.Equals(p.Name, trimmed, StringComparison.OrdinalIgnoreCase)))
        {
            throw PolicyExists(trimmed);
        }
        var now = _clock.GetUtcNow();
        return Apply(new RetentionPolicy { Id = Guid.NewGuid(), Name = trimmed, Created = now, Modified = now }, change);
    }

    /// <summary>The policy Set- would store (validated, not stored), for -WhatIf counts.</summary>
    public RetentionPolicy PreviewSetPolicy(string name, PolicyChange change) => Apply(GetPolicy(name), change);

    private static JournalConfigurationException PolicyExists(string name) =>
        new("RetentionPolicyExists", JournalErrorKind.AlreadyExists,
            $"A retention policy named '{name}' exists already. Change it with Set-JournalRetentionPolicy, or choose another -Name.", name);

    public RetentionPolicy SetPolicy(string name, PolicyChange change)
    {
        var before = GetPolicy(name);
        var after = Apply(before, change) with { Modified = _clock.GetUtcNow() };
        var events = new List<JournalEvent>();
        void Compare(string property, string? old, string? @new)
        {
            if (!string.Equals(old, @new, StringComparison.Ordinal))
            {
                events.Add(PolicyEvent(after, "Changed", property, old, @new));
            }
        }
        Compare(nameof(RetentionPolicy.RetainFor), Text(before.RetainFor), Text(after.RetainFor));
        Compare(nameof(RetentionPolicy.Definition), before.Definition, after.Definition);
        Compare(nameof(RetentionPolicy.Domain), before.Domain, after.Domain);
        Compare(nameof(RetentionPolicy.Mailbox), before.Mailbox, after.Mailbox);
        if (events.Count == 0)
        {
            return before;
        }
        _lifecycle.UpdatePolicy(after, events);
        return after;
    }

    public void RemovePolicy(string name)
    {
        var policy = GetPolicy(name);
        _lifecycle.DeletePolicy(policy.Id, [PolicyEvent(policy, "Removed", null, Describe(policy), null)]);
    }

    private RetentionPolicy Apply(RetentionPolicy policy, PolicyChange change)
    {
        if (change.RetainFor is { } retainFor)
        {
            if (retainFor <= TimeSpan.Zero)
            {
                throw new JournalConfigurationException("RetentionPolicyRetainForInvalid", JournalErrorKind.InvalidArgument,
                    $"-RetainFor must be longer than zero (it was {retainFor}). Give for example (New-TimeSpan -Days 2557) for seven years.", retainFor);
            }
            policy = policy with { RetainFor = retainFor };
        }
        if (change.Definition is { } definition)
        {
            if (definition.Length == 0)
            {
                policy = policy with { DefinitionId = null, Definition = null };
            }
            else
            {
                var d = _store.GetDefinition(definition.Trim()) ?? throw new JournalConfigurationException("JournalDefinitionNotFound", JournalErrorKind.NotFound,
                    $"No journal definition is named '{definition}'. Get-JournalDefinition lists them.", definition);
                policy = policy with { DefinitionId = d.Id, Definition = d.Description };
            }
        }
        if (change.Domain is { } domain)
        {
            policy = policy with { Domain = domain.Length == 0 ? null : Names.NormalizeDomain(domain, "RetentionPolicyDomainInvalid") };
        }
        if (change.Mailbox is { } mailbox)
        {
            policy = policy with { Mailbox = mailbox.Trim().Length == 0 ? null : mailbox.Trim() };
        }
        return policy;
    }

    private JournalEvent PolicyEvent(RetentionPolicy p, string action, string? property, string? old, string? @new) =>
        Event(JournalObjectType.RetentionPolicy, p.Name, p.Id.ToString(), action, property, old, @new);

    /// <summary>An event of this actor, now.</summary>
    private JournalEvent Event(JournalObjectType type, string name, string? id, string action, string? property, string? old, string? @new) => new()
    {
        Time = _clock.GetUtcNow(),
        User = _actor,
        ObjectType = type,
        ObjectName = name,
        ObjectId = id,
        Action = action,
        Property = property,
        OldValue = old,
        NewValue = @new,
    };

    private static string Describe(RetentionPolicy p)
    {
        var scope = new List<string>();
        if (p.Definition is not null)
        {
            scope.Add($"Definition={p.Definition}");
        }
        if (p.Domain is not null)
        {
            scope.Add($"Domain={p.Domain}");
        }
        if (p.Mailbox is not null)
        {
            scope.Add($"Mailbox={p.Mailbox}");
        }
        return $"RetainFor={Text(p.RetainFor)}; " + (scope.Count == 0 ? "every item" : string.Join("; ", scope));
    }

    private static string Text(TimeSpan t) => t.ToString("c", CultureInfo.InvariantCulture);

    /// <summary>
    /// Recalculates every item's expiry with the policies as they are now (only when asked: an
    /// item's expiry is otherwise the one fixed when it was archived). With <paramref name="whatIf"/>
    /// it counts what would change and writes nothing.
    /// </summary>
    /// <param name="policies">The policies to count under (a -WhatIf of a change: the policies as they would be); null: the stored ones. Only with <paramref name="whatIf"/>.</param>
    public RetentionRecalculation Recalculate(bool whatIf, IReadOnlyList<RetentionPolicy>? policies = null, Action<LifecycleProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        if (policies is not null && !whatIf)
        {
            throw new ArgumentException("Other policies than the stored ones are for counting (whatIf) only.", nameof(policies));
        }
        policies ??= _lifecycle.GetPolicies();
        var total = _lifecycle.CountItems();
        long examined = 0, changed = 0, earlier = 0, later = 0, unlimited = 0;
        var afterId = 0L;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var page = _lifecycle.GetItems(afterId, BatchSize);
            if (page.Count == 0)
            {
                break;
            }
            afterId = page[^1].Id;
            var changes = new List<(LifecycleItem Item, DateTimeOffset? ExpiresOn, string? Policy)>();
            foreach (var item in page)
            {
                examined++;
                var (expiresOn, policy) = RetentionRules.Expiry(policies, item);
                if (expiresOn == item.ExpiresOn && string.Equals(policy, item.RetentionPolicy, StringComparison.Ordinal))
                {
                    continue;
                }
                changed++;
                if (expiresOn is null)
                {
                    unlimited++;
                }
                else if (item.ExpiresOn is null || expiresOn < item.ExpiresOn)
                {
                    earlier++;
                }
                else
                {
                    later++;
                }
                changes.Add((item, expiresOn, policy));
            }
            if (!whatIf && changes.Count > 0)
            {
                _lifecycle.Write(t =>
                {
                    foreach (var (item, expiresOn, policy) in changes)
                    {
                        t.SetRetention(item.Id, expiresOn, policy);
                    }
                    return true;
                });
            }
            progress?.Invoke(new LifecycleProgress(examined, total));
        }
        var result = new RetentionRecalculation { WhatIf = whatIf, Examined = examined, Changed = changed, Earlier = earlier, Later = later, Unlimited = unlimited };
        if (!whatIf)
        {
            _store.RecordEvents([Event(JournalObjectType.Archive, "Retention", null, "Recalculated", null, null,
                $"{examined} items examined, {changed} changed ({earlier} earlier, {later} later, {unlimited} without a policy)")]);
        }
        return result;
    }

    // ---- legal holds -------------------------------------------------------------------------

    public IReadOnlyList<JournalHold> GetHolds(bool includeReleased) =>
        _lifecycle.GetHolds().Where(h => includeReleased || h.Active).ToList();

    public JournalHold NewHold(string name, string reason, HoldScope scope)
    {
        var trimmed = ValidName(name, "JournalHoldNameInvalid", "hold");
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new JournalConfigurationException("JournalHoldReasonMissing", JournalErrorKind.InvalidArgument,
                "Give -Reason, why the mail is held (a case number, a matter), for the record.");
        }
        if (scope.Start is { } start && scope.End is { } end && end <= start)
        {
            throw new JournalConfigurationException("JournalHoldDateRangeInvalid", JournalErrorKind.InvalidArgument,
                $"-End ({end:u}) must be later than -Start ({start:u}).");
        }
        scope = scope with
        {
            Mailbox = Blank(scope.Mailbox),
            Sender = Blank(scope.Sender),
            Recipient = Blank(scope.Recipient),
            Query = Blank(scope.Query),
        };
        if (scope.Query is { } query)
        {
            // Read as Search-JournalMessage reads it: a hold whose query cannot be read is never stored.
            try
            {
                SearchPlanner.Plan(query);
            }
            catch (SearchQueryException e)
            {
                throw new JournalConfigurationException("NewJournalHoldQueryInvalid", JournalErrorKind.InvalidArgument, e.Message, query, e);
            }
        }
        var hold = new JournalHold
        {
            Id = Guid.NewGuid(),
            Name = trimmed,
            Reason = reason.Trim(),
            Scope = scope,
            CreatedBy = _actor,
            Created = _clock.GetUtcNow(),
        };
        var exists = new JournalConfigurationException("JournalHoldExists", JournalErrorKind.AlreadyExists,
            $"An active hold named '{trimmed}' exists already. Get-JournalHold shows it; choose another -Name.", trimmed);
        if (GetHolds(includeReleased: false).Any(h => string.Equals(h.Name, trimmed, StringComparison.OrdinalIgnoreCase)))
        {
            throw exists;
        }
        try
        {
            _lifecycle.InsertHold(hold, [HoldEvent(hold, "Created", "Scope", null, $"{scope}; Reason={hold.Reason}")]);
        }
        catch (JournalConfigurationException e) when (e.Kind == JournalErrorKind.AlreadyExists)
        {
            throw exists;
        }
        return hold;
    }

    /// <summary>Releases an active hold: the record stays, with who released it, when and why.</summary>
    public JournalHold ReleaseHold(string name, string reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new JournalConfigurationException("JournalHoldReasonMissing", JournalErrorKind.InvalidArgument,
                "Give -Reason, why the hold is released (the matter is closed, a court order), for the record.");
        }
        var hold = GetHolds(includeReleased: false).FirstOrDefault(h => string.Equals(h.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw HoldNotFound(name);
        var now = _clock.GetUtcNow();
        var released = hold with { ReleasedBy = _actor, Released = now, ReleaseReason = reason.Trim() };
        if (!_lifecycle.ReleaseHold(hold.Id, _actor, now, released.ReleaseReason, [HoldEvent(released, "Released", "Scope", hold.Scope.ToString(), $"Reason={released.ReleaseReason}")]))
        {
            throw HoldNotFound(name);
        }
        return released;
    }

    private static JournalConfigurationException HoldNotFound(string name) =>
        new("JournalHoldNotFound", JournalErrorKind.NotFound, $"No active hold is named '{name}'. Get-JournalHold lists them (-IncludeReleased shows released ones).", name);

    private JournalEvent HoldEvent(JournalHold h, string action, string? property, string? old, string? @new) =>
        Event(JournalObjectType.Hold, h.Name, h.Id.ToString(), action, property, old, @new);

    /// <summary>The message with the names of the active holds that cover it.</summary>
    public IReadOnlyList<JournalMessage> WithHolds(IReadOnlyList<JournalMessage> messages)
    {
        if (messages.Count == 0)
        {
            return messages;
        }
        var holds = GetHolds(includeReleased: false);
        var answers = HoldQueryAnswers.Ask(holds, messages.Select(m => m.Id).ToList(), _lifecycle);
        return messages.Select(m => m with { Holds = HoldRules.Covering(holds, Facts(m), answers).Select(h => h.Name).ToList() }).ToList();
    }

    /// <summary>Each item's retention facts and whether an active hold covers it, read in one go (the WORM sync).</summary>
    internal IReadOnlyList<(LifecycleItem Item, bool Held)> HoldStates(IReadOnlyCollection<long> ids)
    {
        var items = _lifecycle.GetItems(ids);
        if (items.Count == 0)
        {
            return [];
        }
        var holds = GetHolds(includeReleased: false);
        var answers = HoldQueryAnswers.Ask(holds, items.Select(i => i.Id).ToList(), _lifecycle);
        return items.Select(i => (i, HoldRules.Covering(holds, i, answers).Count > 0)).ToList();
    }

    private static LifecycleItem Facts(JournalMessage m) => new()
    {
        Id = m.Id,
        MessageId = m.MessageId,
        Date = m.Date,
        FirstReceived = m.FirstReceived,
        Sender = m.Sender,
        Mailboxes = m.Mailboxes,
        Recipients = m.Recipients.Select(r => r.Address).ToList(),
        ExpiresOn = m.ExpiresOn,
        RetentionPolicy = m.RetentionPolicy,
    };

    // ---- retention runs ----------------------------------------------------------------------

    /// <summary>
    /// Removes every item whose retention has run out and that no active hold covers (its
    /// original, reports, recipients, index entries, and the blobs nothing else refers to), in
    /// batches of <see cref="BatchSize"/>; each batch is one transaction with one event per policy
    /// (counts and item ids). With <paramref name="whatIf"/> it counts and removes nothing.
    /// Cancelling stops between batches: what was committed stays removed and logged.
    /// </summary>
    public JournalRetentionResult RunRetention(bool whatIf, Action<LifecycleProgress>? progress = null, CancellationToken cancellation = default)
    {
        var started = _clock.GetUtcNow();
        var now = started;
        var total = _lifecycle.CountExpired(now);
        var byPolicy = new Dictionary<string, (long Removed, long Held)>(StringComparer.OrdinalIgnoreCase);
        long expired = 0, held = 0, unindexed = 0;
        var refusals = new List<RetentionRefusal>();
        var removed = RemovalCounts.None;
        var afterId = 0L;
        progress?.Invoke(new LifecycleProgress(0, total));
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var ids = _lifecycle.ExpiredItemIds(now, afterId, BatchSize);
            if (ids.Count == 0)
            {
                break;
            }
            afterId = ids[^1];
            var batch = whatIf ? DecideReadOnly(ids, now) : _lifecycle.Write(t => RemoveBatch(t, ids, now));
            expired += batch.Expired;
            held += batch.Held.Count;
            unindexed += batch.Unindexed;
            refusals.AddRange(batch.Refused);
            removed = removed.Add(batch.Counts);
            foreach (var item in batch.Removed)
            {
                var key = item.RetentionPolicy ?? "(none)";
                byPolicy[key] = (byPolicy.GetValueOrDefault(key).Removed + 1, byPolicy.GetValueOrDefault(key).Held);
            }
            foreach (var item in batch.Held)
            {
                var key = item.RetentionPolicy ?? "(none)";
                byPolicy[key] = (byPolicy.GetValueOrDefault(key).Removed, byPolicy.GetValueOrDefault(key).Held + 1);
            }
            progress?.Invoke(new LifecycleProgress(expired, total));
        }
        var result = new JournalRetentionResult
        {
            WhatIf = whatIf,
            AsOf = now,
            Expired = expired,
            Removed = whatIf ? expired - held - refusals.Count : removed.Items,
            Held = held,
            Refused = refusals.Count,
            Refusals = refusals,
            HeldUnindexed = unindexed,
            Reports = removed.Reports,
            Blobs = removed.Blobs,
            BlobBytes = removed.BlobBytes,
            Policies = byPolicy.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase)
                .Select(p => new RetentionPolicyCount { Policy = p.Key, Removed = p.Value.Removed, Held = p.Value.Held }).ToList(),
            Started = started,
            Finished = _clock.GetUtcNow(),
        };
        if (!whatIf)
        {
            _store.RecordEvents([new JournalEvent
            {
                Time = result.Finished,
                User = _actor,
                ObjectType = JournalObjectType.Archive,
                ObjectName = "Retention",
                Action = "RetentionRun",
                NewValue = $"{result.Expired} expired, {result.Removed} removed, {result.Held} kept by a hold ({result.HeldUnindexed} of them only until the index has read them), " +
                    $"{result.Refused} kept because the WORM store refused to delete their original; " +
                    $"{result.Reports} reports, {result.Blobs} blobs ({result.BlobBytes} bytes) deleted; as of {now:u}",
            }]);
        }
        return result;
    }

    private sealed record BatchDecision(long Expired, IReadOnlyList<LifecycleItem> Removed, IReadOnlyList<LifecycleItem> Held, long Unindexed, RemovalCounts Counts,
        IReadOnlyList<RetentionRefusal> Refused);

    /// <summary>The expired items that holds cover, and how many of them only because the index has not read them (a query hold cannot rule them out).</summary>
    private static (List<LifecycleItem> Held, long Unindexed) Held(IReadOnlyList<JournalHold> holds, List<LifecycleItem> items, IHoldQueryEvidence evidence)
    {
        var answers = HoldQueryAnswers.Ask(holds, items.Select(i => i.Id).ToList(), evidence);
        var held = new List<LifecycleItem>();
        long unindexed = 0;
        foreach (var item in items)
        {
            var coverage = HoldRules.Coverage(holds, item, answers);
            if (coverage.Count > 0)
            {
                held.Add(item);
                if (coverage.All(c => c.Because == HoldRules.Unindexed))
                {
                    unindexed++;
                }
            }
        }
        return (held, unindexed);
    }

    private BatchDecision DecideReadOnly(IReadOnlyList<long> ids, DateTimeOffset now)
    {
        // Reads only (a read-only database role can ask what a run would remove).
        var holds = _lifecycle.GetHolds().Where(h => h.Active).ToList();
        var items = _lifecycle.GetItems(ids).Where(i => RetentionRules.HasExpired(i, now)).ToList();
        var (heldItems, unindexed) = Held(holds, items, _lifecycle);
        var removable = items.Except(heldItems).ToList();
        // Asks the WORM store (never changes it) whether it would refuse.
        var refused = removable.Select(i => _lock?.ForbidsRemoval(i, now) is { } why ? new RetentionRefusal(i.Id, why) : null).OfType<RetentionRefusal>().ToList();
        removable = removable.Where(i => refused.All(r => r.Id != i.Id)).ToList();
        return new BatchDecision(items.Count, removable, heldItems, unindexed, RemovalCounts.None with { Items = removable.Count }, refused);
    }

    private BatchDecision RemoveBatch(ILifecycleWriteTransaction t, IReadOnlyList<long> ids, DateTimeOffset now)
    {
        var holds = t.LockActiveHolds();
        // Read again inside the transaction: a recalculation or a removal meanwhile wins.
        var items = t.GetItems(ids).Where(i => RetentionRules.HasExpired(i, now)).ToList();
        var (heldItems, unindexed) = Held(holds, items, t);
        var removable = items.Except(heldItems).ToList();
        // The immutable copies go first: an item whose copy the WORM store refuses to delete is kept.
        var refusedIds = _lock?.RemoveOriginals(removable) ?? new Dictionary<long, string>();
        var refused = removable.Where(i => refusedIds.ContainsKey(i.Id)).Select(i => new RetentionRefusal(i.Id, refusedIds[i.Id])).ToList();
        removable = removable.Where(i => !refusedIds.ContainsKey(i.Id)).ToList();
        var events = new List<JournalEvent>();
        var counts = RemovalCounts.None;
        foreach (var group in removable.GroupBy(i => i.RetentionPolicy ?? "(none)", StringComparer.OrdinalIgnoreCase))
        {
            var groupIds = group.Select(i => i.Id).ToList();
            var c = t.DeleteItems(groupIds);
            counts = counts.Add(c);
            events.Add(Event(JournalObjectType.RetentionPolicy, group.Key, null, "Removed", "Items", null,
                $"{c.Items} expired items removed (ids {string.Join(", ", groupIds)}); {c.Reports} reports, {c.Recipients} recipients, " +
                $"{c.Blobs} blobs ({c.BlobBytes} bytes) deleted; as of {now:u}"));
        }
        if (heldItems.Count > 0)
        {
            events.Add(Event(JournalObjectType.Archive, "Retention", null, "Kept", "Holds", null,
                $"{heldItems.Count} expired items kept by a hold (ids {string.Join(", ", heldItems.Select(i => i.Id))})" +
                (unindexed > 0 ? $"; {unindexed} of them only because {HoldRules.Unindexed}" : string.Empty)));
        }
        if (refused.Count > 0)
        {
            events.Add(Event(JournalObjectType.Archive, "Retention", null, "Kept", "ObjectLock", null,
                $"{refused.Count} expired items kept because the WORM store refused to delete their original (ids {string.Join(", ", refused.Select(r => r.Id))}); " +
                $"first: {refused[0].Reason}"));
        }
        t.InsertEvents(events);
        return new BatchDecision(items.Count, removable, heldItems, unindexed, counts, refused);
    }

    // ---- erasure -----------------------------------------------------------------------------

    /// <summary>
    /// Removes one item by hand (Remove-JournalMessage), logged with the reason. Refused for an
    /// item an active hold covers (always), and for an item whose retention has not run out unless
    /// <paramref name="force"/>; a WORM lock (<see cref="IOriginalLock"/>) refuses even then.
    /// </summary>
    public RemovalCounts RemoveMessage(long itemId, string reason, bool force)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new JournalConfigurationException("RemoveJournalMessageReasonMissing", JournalErrorKind.InvalidArgument,
                "Give -Reason, why the message is erased (a GDPR request number, a court order), for the event log.");
        }
        return _lifecycle.Write(t =>
        {
            var holds = t.LockActiveHolds();
            var item = t.GetItems([itemId]).FirstOrDefault() ?? throw new JournalConfigurationException("JournalMessageNotFound", JournalErrorKind.NotFound,
                $"No archived message has the Id {itemId}. Get-JournalMessage lists them.", itemId);
            var now = _clock.GetUtcNow();
            var covering = HoldRules.Coverage(holds, item, HoldQueryAnswers.Ask(holds, [itemId], t));
            if (covering.Count > 0)
            {
                throw new JournalConfigurationException("JournalMessageHeld", JournalErrorKind.InvalidOperation,
                    $"Message {itemId} is on legal hold ({string.Join(", ", covering)}) and cannot be removed. " +
                    "A hold overrides erasure; release the hold (Remove-JournalHold) once the matter allows it.", itemId);
            }
            var expired = RetentionRules.HasExpired(item, now);
            if (!expired && !force)
            {
                var until = item.ExpiresOn is { } e ? $"until {e:u} (policy '{item.RetentionPolicy}')" : "without end (no retention policy applies, so it is kept)";
                throw new JournalConfigurationException("JournalMessageRetained", JournalErrorKind.InvalidOperation,
                    $"Message {itemId} is retained {until}. Add -Force to erase it before its retention ends, where the law allows it.", itemId);
            }
            if (!expired && _lock?.ForbidsRemoval(item, now) is { } locked)
            {
                throw new JournalConfigurationException("JournalMessageLocked", JournalErrorKind.InvalidOperation,
                    $"Message {itemId} cannot be removed before its retention ends, not even with -Force: {locked}", itemId);
            }
            // The immutable copy goes first: when the WORM store refuses, the item is kept.
            if (_lock?.RemoveOriginals([item]) is { Count: > 0 } refusedCopy)
            {
                throw new JournalConfigurationException("JournalMessageLocked", JournalErrorKind.InvalidOperation,
                    $"Message {itemId} was kept: {refusedCopy.Values.First()} Its lock in the bucket must run out (or its object legal hold be cleared by Sync-JournalObjectStore after the hold is released) first.", itemId);
            }
            var counts = t.DeleteItems([itemId]);
            t.InsertEvents([new JournalEvent
            {
                Time = now,
                User = _actor,
                ObjectType = JournalObjectType.Archive,
                ObjectName = item.MessageId ?? $"item {itemId}",
                ObjectId = itemId.ToString(CultureInfo.InvariantCulture),
                Action = "Removed",
                Property = "Reason",
                OldValue = item.ExpiresOn is { } x ? $"retained until {x:u} (policy '{item.RetentionPolicy}')" : "no retention policy",
                NewValue = $"{reason.Trim()} ({(expired ? "retention expired" : "before its retention ended (-Force)")}; " +
                    $"{counts.Reports} reports, {counts.Blobs} blobs ({counts.BlobBytes} bytes) deleted)",
            }]);
            return counts;
        });
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static string ValidName(string? name, string errorId, string what)
    {
        var trimmed = (name ?? string.Empty).Trim();
        if (trimmed.Length is 0 or > MaxNameLength || trimmed.Any(char.IsControl) || trimmed.IndexOfAny(['*', '?']) >= 0)
        {
            throw new JournalConfigurationException(errorId, JournalErrorKind.InvalidArgument,
                $"A {what} name must be 1 to {MaxNameLength} characters without wildcards (* ?) or control characters; '{name}' is not.", name);
        }
        return trimmed;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
