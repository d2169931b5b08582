using MimecastJournaling.Engine.Lifecycle;
using MimecastJournaling.Engine.Search;

namespace MimecastJournaling.Engine.Tests.Lifecycle;

/// <summary>Retention precedence and hold coverage as tables: the engine's rules, no backend.</summary>
public sealed class LifecycleRulesTests
{
    private static readonly DateTimeOffset Arrival = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Exo = Guid.Parse("11111111-1111-1111-1111-111111111111");
    private static readonly Guid OnPrem = Guid.Parse("22222222-2222-2222-2222-222222222222");

    private static readonly RetentionPolicy[] Policies =
    [
        new() { Name = "Default", RetainFor = TimeSpan.FromDays(365 * 3), Created = Arrival.AddDays(-9) },
        new() { Name = "Legal", RetainFor = TimeSpan.FromDays(365 * 10), Mailbox = "legal*@contoso.com", Created = Arrival.AddDays(-8) },
        new() { Name = "Finance", RetainFor = TimeSpan.FromDays(365 * 7), Domain = "finance.contoso.com", Created = Arrival.AddDays(-7) },
        new() { Name = "OnPrem", RetainFor = TimeSpan.FromDays(365 * 5), DefinitionId = OnPrem, Created = Arrival.AddDays(-6) },
        new() { Name = "OnPremFinance", RetainFor = TimeSpan.FromDays(365 * 8), DefinitionId = OnPrem, Domain = "finance.contoso.com", Created = Arrival.AddDays(-5) },
        new() { Name = "AlsoTenYears", RetainFor = TimeSpan.FromDays(365 * 10), Mailbox = "*@legal.contoso.com", Created = Arrival.AddDays(-4) },
    ];

    public static TheoryData<string, string, string?> Precedence => new()
    {
        // mailboxes (comma-separated), definition, winning policy
        { "bob@contoso.com", "exo", "Default" },
        { "legal-team@contoso.com", "exo", "Legal" },
        { "LEGAL@CONTOSO.COM", "exo", "Legal" },                           // not case-sensitive
        { "cfo@finance.contoso.com", "exo", "Finance" },
        { "cfo@sub.finance.contoso.com", "exo", "Default" },               // a domain is exact, not its subdomains
        { "bob@contoso.com", "onprem", "OnPrem" },                         // 5 years beats the 3-year default
        { "cfo@finance.contoso.com", "onprem", "OnPremFinance" },          // both scopes of one policy must match
        { "bob@contoso.com,legal-team@contoso.com", "onprem", "Legal" },   // any mailbox of the item: the longest wins
        { "ann@legal.contoso.com,legal@contoso.com", "exo", "Legal" },     // a tie of 10 years: the older policy
    };

    [Theory]
    [MemberData(nameof(Precedence))]
    public void The_longest_applicable_policy_wins(string mailboxes, string definition, string? winner)
    {
        var item = new LifecycleItem { Mailboxes = mailboxes.Split(','), DefinitionId = definition == "onprem" ? OnPrem : Exo, FirstReceived = Arrival };

        Assert.Equal(winner, RetentionRules.Winning(Policies, item)?.Name);
        Assert.Equal(winner, RetentionRules.Winning(Policies.Reverse(), item)?.Name); // order of the store does not matter
    }

    [Fact]
    public void No_policy_applying_means_no_expiry()
    {
        var scoped = Policies.Where(p => p.Mailbox is not null || p.Domain is not null).ToList();
        var item = new LifecycleItem { Mailboxes = ["bob@contoso.com"], FirstReceived = Arrival };

        Assert.Equal((null, null), RetentionRules.Expiry(scoped, item));
        Assert.False(RetentionRules.HasExpired(item, DateTimeOffset.MaxValue));
    }

    public static TheoryData<int?, int> Starts => new()
    {
        // Date relative to arrival (days; null: no Date), where retention starts relative to arrival
        { -30, -30 },
        { 0, 0 },
        { 2, 0 },     // a Date in the future counts from arrival
        { null, 0 },
    };

    [Theory]
    [MemberData(nameof(Starts))]
    public void Retention_counts_from_the_date_or_from_arrival(int? dateDays, int startDays)
    {
        var item = new LifecycleItem { Mailboxes = ["bob@contoso.com"], FirstReceived = Arrival, Date = dateDays is { } d ? Arrival.AddDays(d) : null };

        var (expires, policy) = RetentionRules.Expiry(Policies, item);

        Assert.Equal("Default", policy);
        Assert.Equal(Arrival.AddDays(startDays) + TimeSpan.FromDays(365 * 3), expires);
        Assert.False(RetentionRules.HasExpired(item with { ExpiresOn = expires }, expires!.Value.AddTicks(-1)));
        Assert.True(RetentionRules.HasExpired(item with { ExpiresOn = expires }, expires.Value));
    }

    [Fact]
    public void A_merged_report_lengthens_an_expiry_and_never_shortens_it()
    {
        var stored = ((DateTimeOffset?)Arrival.AddDays(100), (string?)"Default");
        Assert.Equal(stored, RetentionRules.Merge(stored, (Arrival.AddDays(50), "Other")));
        Assert.Equal((Arrival.AddDays(200), "Legal"), RetentionRules.Merge(stored, (Arrival.AddDays(200), "Legal")));
        Assert.Equal(stored, RetentionRules.Merge(stored, (null, null)));
        Assert.Equal(stored, RetentionRules.Merge((null, null), stored));
    }

    private static readonly LifecycleItem Mail = new()
    {
        Sender = "alice@contoso.com",
        Recipients = ["bob@contoso.com", "dave@fabrikam.com"],
        Mailboxes = ["alice@contoso.com", "bob@contoso.com"],
        Date = new DateTimeOffset(2026, 3, 15, 10, 0, 0, TimeSpan.Zero),
        FirstReceived = Arrival,
    };

    public static TheoryData<string, bool> Coverage => new()
    {
        // scope (name=value; ...), covers Mail
        { "", true },                                            // no criteria: the whole archive
        { "Mailbox=bob@contoso.com", true },
        { "Mailbox=*@fabrikam.com", false },                     // dave is a recipient, not an internal mailbox
        { "Recipient=*@fabrikam.com", true },
        { "Sender=ALICE@*", true },
        { "Sender=bob@*", false },
        { "Sender=alice@*;Recipient=carol@*", false },           // every criterion must match
        { "Start=2026-03-01;End=2026-04-01", true },
        { "Start=2026-03-15T10:00:00Z", true },                  // Start is inclusive
        { "End=2026-03-15T10:00:00Z", false },                   // End is exclusive
        { "Start=2026-04-01", false },
        { "Mailbox=bob@contoso.com;Start=2026-01-01;End=2027-01-01", true },
        { "Query=from:alice", true },                            // a query not evaluated (no index answers given) covers what the filters cover
        { "Query=from:alice;Sender=bob@*", false },              // ... and the filters still apply
    };

    [Theory]
    [MemberData(nameof(Coverage))]
    public void A_hold_covers_what_its_stored_filter_matches(string scopeText, bool covers)
    {
        var scope = new HoldScope();
        foreach (var part in scopeText.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = (part[..part.IndexOf('=')], part[(part.IndexOf('=') + 1)..]);
            scope = name switch
            {
                "Mailbox" => scope with { Mailbox = value },
                "Sender" => scope with { Sender = value },
                "Recipient" => scope with { Recipient = value },
                "Start" => scope with { Start = DateTimeOffset.Parse(value, null, System.Globalization.DateTimeStyles.AssumeUniversal) },
                "End" => scope with { End = DateTimeOffset.Parse(value, null, System.Globalization.DateTimeStyles.AssumeUniversal) },
                "Query" => scope with { Query = value },
                _ => throw new ArgumentException(name),
            };
        }

        Assert.Equal(covers, HoldRules.Covers(scope, Mail));
    }

    [Fact]
    public void Only_active_holds_cover_an_item()
    {
        var holds = new[]
        {
            new JournalHold { Name = "B active", Reason = "r", CreatedBy = "a", Scope = new HoldScope() },
            new JournalHold { Name = "A released", Reason = "r", CreatedBy = "a", Scope = new HoldScope(), Released = Arrival, ReleasedBy = "a" },
            new JournalHold { Name = "C other", Reason = "r", CreatedBy = "a", Scope = new HoldScope { Sender = "x@*" } },
        };

        Assert.Equal(["B active"], HoldRules.Covering(holds, Mail).Select(h => h.Name));
    }

    private static readonly JournalHold QueryHold = new() { Id = Guid.NewGuid(), Name = "Q", Reason = "r", CreatedBy = "a", Scope = new HoldScope { Query = "body:x" } };

    public static TheoryData<bool, bool, bool, bool, bool, string?> QueryAnswers => new()
    {
        // query readable, reads the index, item matches, item indexed -> covered, because
        { true, true, true, true, true, null },                  // matches: covered outright
        { true, true, false, true, false, null },                // indexed, no match: not covered
        { true, true, false, false, true, HoldRules.Unindexed },  // not indexed, the query reads the index: cannot be ruled out
        { true, false, false, false, false, null },              // a participants/dates query needs no index: ruled out
        { false, false, false, true, true, HoldRules.QueryUnreadable }, // a query this version cannot read keeps everything
    };

    [Theory]
    [MemberData(nameof(QueryAnswers))]
    public void A_query_hold_covers_matches_and_what_the_index_cannot_rule_out(bool readable, bool readsIndex, bool matches, bool indexed, bool covered, string? because)
    {
        var answers = new HoldQueryAnswers(indexed ? new HashSet<long> { Mail.Id } : new HashSet<long>());
        answers.Add(QueryHold.Id, readable, readsIndex, matches ? new HashSet<long> { Mail.Id } : new HashSet<long>());

        var coverage = HoldRules.Coverage([QueryHold], Mail, answers);

        Assert.Equal(covered, coverage.Count == 1);
        Assert.Equal(because, coverage.SingleOrDefault()?.Because);
    }

    [Fact]
    public void A_query_hold_not_asked_about_covers_the_item_and_says_so()
    {
        var coverage = Assert.Single(HoldRules.Coverage([QueryHold], Mail, answers: null));
        Assert.Equal(HoldRules.QueryNotEvaluated, coverage.Because);
    }

    [Theory]
    [InlineData("from:alice@contoso.com", false)]
    [InlineData("to:bob@* sent>=2026-01-01 size>100", false)]
    [InlineData("participants:dave@contoso.com OR NOT received<=2026-01-01", false)]
    [InlineData("budget", true)]
    [InlineData("from:alice@contoso.com AND NOT subject:x", true)]
    [InlineData("hasattachment:false", true)]
    [InlineData("attachmentnames:report.pdf", true)]
    public void Whether_a_query_reads_the_index(string query, bool reads) =>
        Assert.Equal(reads, HoldRules.ReadsIndex(SearchPlanner.Plan(query)));
}
