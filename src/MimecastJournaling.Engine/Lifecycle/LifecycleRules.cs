using System.Text;
using System.Text.RegularExpressions;

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

/// <summary>Hold checks, the same for every backend: which active holds cover an item.</summary>
public static class HoldRules
{
    public static bool Covers(HoldScope scope, LifecycleItem item)
    {
        if (scope.Query is not null)
        {
            // A query this version cannot evaluate: keep everything rather than guess.
            return true;
        }
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

    /// <summary>The active holds among <paramref name="holds"/> that cover the item, by name.</summary>
    public static IReadOnlyList<JournalHold> Covering(IEnumerable<JournalHold> holds, LifecycleItem item) =>
        holds.Where(h => h.Active && Covers(h.Scope, item)).OrderBy(h => h.Name, StringComparer.OrdinalIgnoreCase).ToList();
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
