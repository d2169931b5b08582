using System.Text;
using System.Text.RegularExpressions;
using MimecastJournaling.Engine.Search;

namespace MimecastJournaling.Engine.Lifecycle;

/// <summary>
/// Retention precedence, the same for every backend: a policy applies when every scope it has
/// matches the item; of the policies that apply, the longest RetainFor wins (a tie goes to the
/// policy created first, so the result never depends on the order a backend returns them).
/// Retention counts from the message's Date, or from its arrival when the Date is missing or
/// later than the arrival. An item no policy applies to has no expiry: it is kept.
/// </summary>
public static class RetentionRules
{
    /// <summary>The time retention and hold date ranges count from.</summary>
    public static DateTimeOffset RetentionStart(DateTimeOffset? date, DateTimeOffset arrival) =>
        date is { } d && d <= arrival ? d : arrival;

    public static bool Applies(RetentionPolicy policy, LifecycleItem item)
    {
        if (policy.DefinitionId is { } definitionId && item.DefinitionId != definitionId)
        {
            return false;
        }
        if (policy.Domain is { } domain && !item.Mailboxes.Any(m => m.EndsWith("@" + domain, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }
        return policy.Mailbox is not { } mailbox || item.Mailboxes.Any(m => Wildcard.IsMatch(mailbox, m));
    }

    /// <summary>The policy that wins for the item, or null when none applies.</summary>
    public static RetentionPolicy? Winning(IEnumerable<RetentionPolicy> policies, LifecycleItem item) =>
        policies.Where(p => Applies(p, item))
            .OrderByDescending(p => p.RetainFor)
            .ThenBy(p => p.Created)
            .ThenBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .FirstOrDefault();

    /// <summary>The item's expiry under these policies and the policy it comes from (both null when none applies).</summary>
    public static (DateTimeOffset? ExpiresOn, string? Policy) Expiry(IEnumerable<RetentionPolicy> policies, LifecycleItem item)
    {
        if (Winning(policies, item) is not { } policy)
        {
            return (null, null);
        }
        var start = RetentionStart(item.Date, item.FirstReceived);
        var expires = DateTimeOffset.MaxValue - start <= policy.RetainFor ? DateTimeOffset.MaxValue : start + policy.RetainFor;
        return (expires, policy.Name);
    }

    /// <summary>
    /// The expiry of an item a later report merged into: the longer of the one fixed when it was
    /// archived and the one the merged report's mailboxes bring (an item is never shortened by
    /// another report of it).
    /// </summary>
    public static (DateTimeOffset? ExpiresOn, string? Policy) Merge((DateTimeOffset? ExpiresOn, string? Policy) stored, (DateTimeOffset? ExpiresOn, string? Policy) added) =>
        stored.ExpiresOn is null ? added
        : added.ExpiresOn is null ? stored
        : added.ExpiresOn > stored.ExpiresOn ? added : stored;

    /// <summary>Whether the item's retention has run out at <paramref name="now"/> (an item without expiry never runs out).</summary>
    public static bool HasExpired(LifecycleItem item, DateTimeOffset now) => item.ExpiresOn is { } e && e <= now;
}

/// <summary>
/// Hold checks, the same for every backend: which active holds cover an item. The filters
/// (mailbox, sender, recipient, dates) are matched here on the item's facts. A query (KQL, as
/// Search-JournalMessage reads it) is answered by the backend's search index for a batch of
/// items (<see cref="HoldQueryAnswers"/>), so a query hold covers exactly what the search finds,
/// with one exception that keeps it safe: an item that the index has not read yet, or whose text
/// could not be read, cannot be shown to be outside a query that looks at words, phrases,
/// subject:, body:, attachmentnames: or hasattachment:, so the hold covers it (and says why)
/// until it is indexed. A query on participants, dates and size alone needs no index: those are
/// the archive's own columns.
/// </summary>
public static class HoldRules
{
    public const string Unindexed =
        "it is not indexed yet (or its text could not be read), so it cannot be shown to be outside the hold's query; Update-JournalIndex indexes it";

    public const string QueryUnreadable = "the hold's query cannot be read by this version, so the hold keeps everything its other filters cover";

    public const string QueryNotEvaluated = "the hold's query was not evaluated here, so the hold is assumed to cover the item";

    /// <summary>Whether the hold's filters cover the item, and if so, why (null: its scope matches outright).</summary>
    public static (bool Covered, string? Because) Covers(JournalHold hold, LifecycleItem item, HoldQueryAnswers? answers)
    {
        if (!FiltersCover(hold.Scope, item))
        {
            return (false, null);
        }
        if (hold.Scope.Query is null)
        {
            return (true, null);
        }
        if (answers is null || !answers.Asked(hold.Id))
        {
            return (true, QueryNotEvaluated);
        }
        return answers.Answer(hold.Id, item.Id) switch
        {
            QueryAnswer.Matches => (true, null),
            QueryAnswer.Unprovable => (true, Unindexed),
            QueryAnswer.Unreadable => (true, QueryUnreadable),
            _ => (false, null),
        };
    }

    /// <summary>The scope's filters alone; a scope with a query counts as covering whatever its filters cover (the query is not evaluated).</summary>
    public static bool Covers(HoldScope scope, LifecycleItem item) => FiltersCover(scope, item);

    private static bool FiltersCover(HoldScope scope, LifecycleItem item)
    {
        if (scope.Mailbox is { } mailbox && !item.Mailboxes.Any(m => Wildcard.IsMatch(mailbox, m)))
        {
            return false;
        }
        if (scope.Sender is { } sender && (item.Sender is null || !Wildcard.IsMatch(sender, item.Sender)))
        {
            return false;
        }
        if (scope.Recipient is { } recipient && !item.Recipients.Any(r => Wildcard.IsMatch(recipient, r)))
        {
            return false;
        }
        var dated = RetentionRules.RetentionStart(item.Date, item.FirstReceived);
        if (scope.Start is { } start && dated < start)
        {
            return false;
        }
        return scope.End is not { } end || dated < end;
    }

    /// <summary>The active holds among <paramref name="holds"/> that cover the item, by name, each with why when it is not a plain match.</summary>
    public static IReadOnlyList<HoldCoverage> Coverage(IEnumerable<JournalHold> holds, LifecycleItem item, HoldQueryAnswers? answers) =>
        holds.Where(h => h.Active)
            .Select(h => (Hold: h, Verdict: Covers(h, item, answers)))
            .Where(x => x.Verdict.Covered)
            .OrderBy(x => x.Hold.Name, StringComparer.OrdinalIgnoreCase)
            .Select(x => new HoldCoverage(x.Hold, x.Verdict.Because))
            .ToList();

    /// <summary>The active holds among <paramref name="holds"/> that cover the item, by name.</summary>
    public static IReadOnlyList<JournalHold> Covering(IEnumerable<JournalHold> holds, LifecycleItem item, HoldQueryAnswers? answers = null) =>
        Coverage(holds, item, answers).Select(c => c.Hold).ToList();

    /// <summary>Whether answering the condition needs the full-text index (words, phrases, hasattachment:).</summary>
    public static bool ReadsIndex(SearchCondition condition) => condition switch
    {
        AllOf all => all.Conditions.Any(ReadsIndex),
        AnyOf any => any.Conditions.Any(ReadsIndex),
        NoneOf none => ReadsIndex(none.Condition),
        TextMatch or AttachmentPresence => true,
        _ => false,
    };

    /// <summary>The planned condition of a hold's query, or null when it cannot be read (a hold stored by another version).</summary>
    public static SearchCondition? Plan(string query)
    {
        try
        {
            return SearchPlanner.Plan(query);
        }
        catch (SearchQueryException)
        {
            return null;
        }
    }
}

/// <summary>A hold that covers an item; <see cref="Because"/> says why when the item is covered without matching outright (null: it matches).</summary>
public sealed record HoldCoverage(JournalHold Hold, string? Because)
{
    public override string ToString() => Because is null ? $"'{Hold.Name}'" : $"'{Hold.Name}' ({Because})";
}

public enum QueryAnswer
{
    NoMatch,
    Matches,
    /// <summary>The query reads the index and the item has no readable index entry.</summary>
    Unprovable,
    /// <summary>The hold's query cannot be read.</summary>
    Unreadable,
}

/// <summary>
/// The search index's answers to the query holds for a batch of items: which items each query
/// matches, and which items have an index entry whose text was read.
/// </summary>
public sealed class HoldQueryAnswers
{
    private readonly Dictionary<Guid, (bool Readable, bool ReadsIndex, IReadOnlySet<long> Matching)> _holds = [];
    private readonly IReadOnlySet<long> _indexed;

    public HoldQueryAnswers(IReadOnlySet<long> indexed) => _indexed = indexed;

    /// <summary>Records what the index said for one hold (<paramref name="matching"/>: the items its query matches).</summary>
    public void Add(Guid holdId, bool readable, bool readsIndex, IReadOnlySet<long> matching) => _holds[holdId] = (readable, readsIndex, matching);

    public bool Asked(Guid holdId) => _holds.ContainsKey(holdId);

    public QueryAnswer Answer(Guid holdId, long itemId)
    {
        var (readable, readsIndex, matching) = _holds[holdId];
        if (!readable)
        {
            return QueryAnswer.Unreadable;
        }
        if (matching.Contains(itemId))
        {
            return QueryAnswer.Matches;
        }
        return readsIndex && !_indexed.Contains(itemId) ? QueryAnswer.Unprovable : QueryAnswer.NoMatch;
    }

    /// <summary>Asks the backend about every active query hold among <paramref name="holds"/> for these items.</summary>
    internal static HoldQueryAnswers? Ask(IEnumerable<JournalHold> holds, IReadOnlyCollection<long> ids, IHoldQueryEvidence evidence)
    {
        var queried = holds.Where(h => h.Active && h.Scope.Query is not null).ToList();
        if (queried.Count == 0 || ids.Count == 0)
        {
            return null;
        }
        var answers = new HoldQueryAnswers(evidence.Indexed(ids));
        foreach (var hold in queried)
        {
            var condition = HoldRules.Plan(hold.Scope.Query!);
            answers.Add(hold.Id, condition is not null, condition is not null && HoldRules.ReadsIndex(condition),
                condition is null ? new HashSet<long>() : evidence.Matching(condition, ids));
        }
        return answers;
    }
}

/// <summary>What the backend's search index says for query holds (its SQL is the search's own, so a hold covers what Search-JournalMessage finds).</summary>
internal interface IHoldQueryEvidence
{
    /// <summary>The items among <paramref name="ids"/> that the condition matches.</summary>
    IReadOnlySet<long> Matching(SearchCondition condition, IReadOnlyCollection<long> ids);

    /// <summary>The items among <paramref name="ids"/> with an index entry whose text was read (no failure).</summary>
    IReadOnlySet<long> Indexed(IReadOnlyCollection<long> ids);
}

/// <summary>PowerShell-style wildcards (* and ?), not case-sensitive, matching the whole value.</summary>
public static class Wildcard
{
    private static readonly Dictionary<string, Regex> Cache = new(StringComparer.Ordinal);

    public static bool IsMatch(string pattern, string value)
    {
        Regex regex;
        lock (Cache)
        {
            if (!Cache.TryGetValue(pattern, out regex!))
            {
                var text = new StringBuilder("^");
                foreach (var ch in pattern)
                {
                    text.Append(ch switch
                    {
                        '*' => ".*",
                        '?' => ".",
                        _ => Regex.Escape(ch.ToString()),
                    });
                }
                regex = new Regex(text.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
                if (Cache.Count < 1000)
                {
                    Cache[pattern] = regex;
                }
            }
        }
        return regex.IsMatch(value);
    }
}
