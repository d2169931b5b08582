using System.Text;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Lifecycle;
using MimecastJournaling.Engine.Search;
using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Contracts;

/// <summary>
/// Retention policies, legal holds, retention runs and erasure (JournalLifecycle over each
/// backend's ILifecycleStore and archive), run against every backend.
/// </summary>
public abstract class JournalLifecycleContract : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private readonly BackendUnderTest _backend;
    private readonly JournalBackend _store;
    private readonly ManualClock _clock = new(T0);
    private readonly IJournalArchive _archive;
    private readonly JournalLifecycle _lifecycle;

    private protected JournalLifecycleContract(BackendUnderTest backend)
    {
        _backend = backend;
        _store = backend.Open();
        _archive = _store.ArchiveWithClock(_clock);
        _lifecycle = _store.OpenLifecycle("contract-admin", _clock);
    }

    public void Dispose() => _backend.Dispose();

    private static ArchiveSubmission Message(string id, string mailbox, DateTimeOffset? date, string? clearText = null, string sender = "alice@contoso.com")
    {
        var original = Encoding.ASCII.GetBytes(
            $"From: <{sender}>\r\nTo: <{mailbox}>\r\nSubject: {id}\r\nMessage-ID: <{id}@contoso.com>\r\n\r\nBody of {id}.\r\n");
        return new ArchiveSubmission
        {
            Received = T0,
            Source = "smtp:192.0.2.10",
            Definition = "EXO",
            RawReport = Encoding.ASCII.GetBytes("X-MS-Journal-Report:\r\n\r\n").Concat(original).ToArray(),
            Disposition = ArchiveDisposition.Accept,
            Format = "Envelope",
            MessageId = id + "@contoso.com",
            Sender = sender,
            Subject = id,
            Date = date,
            Original = original,
            ClearTextCopy = clearText is null ? default : Encoding.ASCII.GetBytes(clearText),
            Recipients = [new ArchivedRecipient(mailbox, "To")],
            Mailboxes = [mailbox],
        };
    }

    private long Store(ArchiveSubmission s) => _archive.Store([s]).Single().ItemId!.Value;

    [Fact]
    public void An_items_expiry_is_fixed_when_it_is_archived_by_the_longest_policy_that_applies()
    {
        _lifecycle.NewPolicy("Default", new() { RetainFor = TimeSpan.FromDays(365) });
        _lifecycle.NewPolicy("Legal", new() { RetainFor = TimeSpan.FromDays(3650), Mailbox = "legal*@contoso.com" });
        var dated = T0.AddDays(-10);

        var plain = Store(Message("plain", "bob@contoso.com", dated));
        var legal = Store(Message("legal", "legal-team@contoso.com", dated));
        var future = Store(Message("future", "bob@contoso.com", T0.AddDays(30)));
        var undated = Store(Message("undated", "bob@contoso.com", null));

        Assert.Equal((dated.AddDays(365), "Default"), Expiry(plain));
        Assert.Equal((dated.AddDays(3650), "Legal"), Expiry(legal));
        Assert.Equal((T0.AddDays(365), "Default"), Expiry(future));   // a Date in the future counts from arrival
        Assert.Equal((T0.AddDays(365), "Default"), Expiry(undated));

        // Changing a policy does not move items archived already; -Recalculate does.
        _lifecycle.SetPolicy("Default", new() { RetainFor = TimeSpan.FromDays(30) });
        Assert.Equal((dated.AddDays(365), "Default"), Expiry(plain));
        var preview = _lifecycle.Recalculate(whatIf: true);
        Assert.Equal((4L, 3L, 3L), (preview.Examined, preview.Changed, preview.Earlier));
        Assert.Equal((dated.AddDays(365), "Default"), Expiry(plain));
        var done = _lifecycle.Recalculate(whatIf: false);
        Assert.Equal(3, done.Changed);
        Assert.Equal((dated.AddDays(30), "Default"), Expiry(plain));
        Assert.Equal((dated.AddDays(3650), "Legal"), Expiry(legal));
    }

    private (DateTimeOffset?, string?) Expiry(long itemId) =>
        _archive.GetMessage(itemId) is { } m ? (m.ExpiresOn, m.RetentionPolicy) : throw new InvalidOperationException($"item {itemId} is gone");

    [Fact]
    public void A_report_merged_later_lengthens_the_expiry_when_its_mailboxes_bring_a_longer_policy_and_never_shortens_it()
    {
        _lifecycle.NewPolicy("Default", new() { RetainFor = TimeSpan.FromDays(365) });
        _lifecycle.NewPolicy("Finance", new() { RetainFor = TimeSpan.FromDays(3650), Domain = "finance.contoso.com" });
        var first = Message("fork", "bob@contoso.com", T0.AddDays(-1));
        var id = Store(first);
        Assert.Equal("Default", Expiry(id).Item2);

        var second = first with
        {
            RawReport = Encoding.ASCII.GetBytes("X-MS-Journal-Report: fork-2\r\n\r\n").Concat(first.Original.ToArray()).ToArray(),
            Recipients = [new ArchivedRecipient("cfo@finance.contoso.com", "Bcc")],
            Mailboxes = ["cfo@finance.contoso.com"],
        };
        Assert.Equal(JournalOutcomeKind.Merged, _archive.Store([second]).Single().Outcome);
        Assert.Equal((T0.AddDays(-1).AddDays(3650), "Finance"), Expiry(id));

        var third = first with { RawReport = Encoding.ASCII.GetBytes("X-MS-Journal-Report: fork-3\r\n\r\n").Concat(first.Original.ToArray()).ToArray() };
        _archive.Store([third]);
        Assert.Equal("Finance", Expiry(id).Item2);
    }

    [Fact]
    public void A_retention_run_removes_exactly_the_expired_items_no_hold_covers_and_logs_each_removal()
    {
        _lifecycle.NewPolicy("Short", new() { RetainFor = TimeSpan.FromDays(30) });
        _lifecycle.NewPolicy("Long", new() { RetainFor = TimeSpan.FromDays(3650), Mailbox = "keep@contoso.com" });
        var expired = Store(Message("old-1", "bob@contoso.com", T0.AddDays(-100)));
        var expired2 = Store(Message("old-2", "carol@contoso.com", T0.AddDays(-40)));
        var heldItem = Store(Message("old-held", "dave@contoso.com", T0.AddDays(-100)));
        var young = Store(Message("young", "bob@contoso.com", T0.AddDays(-5)));
        var longKept = Store(Message("old-long", "keep@contoso.com", T0.AddDays(-100)));
        var hold = _lifecycle.NewHold("Case 4711", "Litigation Contoso v. Fabrikam", new HoldScope { Mailbox = "dave@*" });

        var preview = _lifecycle.RunRetention(whatIf: true);
        Assert.Equal((3L, 2L, 1L), (preview.Expired, preview.Removed, preview.Held));
        Assert.Equal(5, _archive.GetMessages(new JournalMessageQuery()).Count);

        var progress = new List<LifecycleProgress>();
        var result = _lifecycle.RunRetention(whatIf: false, progress.Add);

        Assert.Equal((3L, 2L, 1L, 2L), (result.Expired, result.Removed, result.Held, result.Reports));
        Assert.True(result.Blobs >= 4, $"the two removed items' originals and reports are deleted (got {result.Blobs})");
        Assert.Equal([heldItem, young, longKept], _archive.GetMessages(new JournalMessageQuery()).Select(m => m.Id));
        Assert.Null(_archive.GetOriginal(expired));
        Assert.Null(_archive.GetMessage(expired2));
        Assert.NotNull(_archive.GetOriginal(heldItem));
        Assert.Equal(new LifecycleProgress(3, 3), progress[^1]);
        var short_ = Assert.Single(result.Policies, p => p.Policy == "Short");
        Assert.Equal((2L, 1L), (short_.Removed, short_.Held));

        var events = _store.Store.GetEvents(new JournalEventQuery());
        var removal = Assert.Single(events, e => e.ObjectType == JournalObjectType.RetentionPolicy && e.Action == "Removed");
        Assert.Equal("Short", removal.ObjectName);
        Assert.Contains($"ids {expired}, {expired2}", removal.NewValue);
        Assert.Contains(events, e => e.ObjectType == JournalObjectType.Archive && e.Action == "RetentionRun" && e.NewValue!.StartsWith("3 expired, 2 removed, 1 kept by a hold"));
        Assert.Contains(events, e => e.ObjectType == JournalObjectType.Hold && e.Action == "Created" && e.User == "contract-admin");

        // Released, the hold stays as a record with its scope; the next run removes the item.
        _lifecycle.ReleaseHold("Case 4711", "Case settled");
        var record = Assert.Single(_lifecycle.GetHolds(includeReleased: true));
        Assert.Equal((hold.Id, "contract-admin", "Case settled", "dave@*"), (record.Id, record.ReleasedBy, record.ReleaseReason, record.Scope.Mailbox));
        Assert.Empty(_lifecycle.GetHolds(includeReleased: false));
        Assert.Equal(1, _lifecycle.RunRetention(whatIf: false).Removed);
        Assert.Equal([young, longKept], _archive.GetMessages(new JournalMessageQuery()).Select(m => m.Id));
    }

    [Fact]
    public void A_blob_another_item_still_refers_to_is_kept()
    {
        _lifecycle.NewPolicy("Short", new() { RetainFor = TimeSpan.FromDays(30), Mailbox = "bob@contoso.com" });
        // Two messages whose clear-text copies are the same bytes: one blob, two items.
        var goes = Store(Message("goes", "bob@contoso.com", T0.AddDays(-100), clearText: "Same decrypted text.\r\n"));
        var stays = Store(Message("stays", "carol@contoso.com", T0.AddDays(-100), clearText: "Same decrypted text.\r\n"));

        var result = _lifecycle.RunRetention(whatIf: false);

        Assert.Equal(1, result.Removed);
        Assert.Null(_archive.GetMessage(goes));
        var kept = _archive.GetMessage(stays)!;
        Assert.True(kept.HasClearTextCopy);
        Assert.NotNull(_archive.GetOriginal(stays));
        Assert.NotNull(_archive.GetReport(kept.Reports.Single().ReportId));
        // Original and report of the removed item: two blobs; the shared clear text stays.
        Assert.Equal(2, result.Blobs);
    }

    [Fact]
    public void Erasure_refuses_held_items_always_and_unexpired_items_without_force()
    {
        _lifecycle.NewPolicy("Default", new() { RetainFor = TimeSpan.FromDays(365) });
        var held = Store(Message("held", "dave@contoso.com", T0.AddDays(-1000)));
        var retained = Store(Message("retained", "bob@contoso.com", T0.AddDays(-1)));
        var expired = Store(Message("expired", "bob@contoso.com", T0.AddDays(-1000)));
        _lifecycle.NewHold("Custodian Dave", "Internal investigation 12", new HoldScope { Sender = "alice@*", Recipient = "dave@contoso.com" });

        Assert.Equal(["Custodian Dave"], _lifecycle.WithHolds([_archive.GetMessage(held)!])[0].Holds);
        Assert.Empty(_lifecycle.WithHolds([_archive.GetMessage(retained)!])[0].Holds);

        var e1 = Assert.Throws<JournalConfigurationException>(() => _lifecycle.RemoveMessage(held, "GDPR request 99", force: true));
        Assert.Equal("JournalMessageHeld", e1.ErrorId);
        var e2 = Assert.Throws<JournalConfigurationException>(() => _lifecycle.RemoveMessage(retained, "GDPR request 99", force: false));
        Assert.Equal("JournalMessageRetained", e2.ErrorId);
        Assert.Equal("RemoveJournalMessageReasonMissing", Assert.Throws<JournalConfigurationException>(() => _lifecycle.RemoveMessage(expired, " ", false)).ErrorId);
        Assert.NotNull(_archive.GetMessage(held));
        Assert.NotNull(_archive.GetMessage(retained));

        _lifecycle.RemoveMessage(expired, "GDPR request 98", force: false);
        _lifecycle.RemoveMessage(retained, "GDPR request 99", force: true);
        Assert.Equal([held], _archive.GetMessages(new JournalMessageQuery()).Select(m => m.Id));
        var events = _store.Store.GetEvents(new JournalEventQuery { ObjectType = JournalObjectType.Archive });
        Assert.Contains(events, e => e.ObjectId == retained.ToString() && e.Action == "Removed" && e.NewValue!.StartsWith("GDPR request 99 (before its retention ended (-Force)"));
        Assert.Contains(events, e => e.ObjectId == expired.ToString() && e.NewValue!.StartsWith("GDPR request 98 (retention expired"));
    }

    [Fact]
    public void A_worm_lock_refuses_an_early_erasure_even_with_force()
    {
        _lifecycle.NewPolicy("Default", new() { RetainFor = TimeSpan.FromDays(365) });
        var id = Store(Message("locked", "bob@contoso.com", T0.AddDays(-1)));
        var locked = _store.OpenLifecycle("contract-admin", _clock, new LockUntilExpiry());

        var e = Assert.Throws<JournalConfigurationException>(() => locked.RemoveMessage(id, "GDPR request 7", force: true));

        Assert.Equal("JournalMessageLocked", e.ErrorId);
        Assert.NotNull(_archive.GetMessage(id));
    }

    private sealed class LockUntilExpiry : IOriginalLock
    {
        public string? ForbidsRemoval(LifecycleItem item, DateTimeOffset now) => $"the original is locked until {item.ExpiresOn:u}.";
    }

    // ---- holds by query (KQL) ------------------------------------------------------------------

    /// <summary>
    /// Three items: two indexed (budget, picnic) and one archived after the indexer ran (late), so
    /// the index has not read it; and "unread", whose text the indexer could not read.
    /// </summary>
    private (long Budget, long Picnic, long Late, long Unread) QueryArchive()
    {
        _lifecycle.NewPolicy("Short", new() { RetainFor = TimeSpan.FromDays(5) });
        ArchiveSubmission Mail(string id, string sender, string to, string subject, string body, DateTimeOffset date)
        {
            var original = Encoding.ASCII.GetBytes($"From: <{sender}>\r\nTo: <{to}>\r\nSubject: {subject}\r\nMessage-ID: <{id}@contoso.com>\r\n" +
                $"Date: {date:ddd, dd MMM yyyy HH:mm:ss} +0000\r\n\r\n{body}\r\n");
            return Message(id, to, date, sender: sender) with
            {
                Subject = subject,
                Original = original,
                RawReport = Encoding.ASCII.GetBytes("X-MS-Journal-Report:\r\n\r\n").Concat(original).ToArray(),
            };
        }
        var budget = Store(Mail("budget", "alice@contoso.com", "bob@contoso.com", "Quarterly budget", "The quarterly results are attached.", T0.AddDays(-100)));
        var picnic = Store(Mail("picnic", "carol@contoso.com", "dave@contoso.com", "Picnic", "Bring sandwiches.", T0.AddDays(-50)));
        var unread = Store(Mail("unread", "carol@contoso.com", "dave@contoso.com", "Scan", "quarterly results in a scan", T0.AddDays(-40)));
        var indexer = _store.CreateIndexer(_clock);
        indexer.CatchUp();
        // As the indexer records an item whose text cannot be read: searchable by its metadata, the failure listed.
        _store.SearchIndex.Write([new IndexedText { ItemId = unread, Subject = "Scan", Failure = "The text could not be read (test)." }], T0);
        var late = Store(Mail("late", "alice@contoso.com", "erin@contoso.com", "Late budget", "Quarterly results again; sandwiches too.", T0.AddDays(-10)));
        return (budget, picnic, late, unread);
    }

    public static TheoryData<string, string?, string> QueryHolds => new()
    {
        // query, hold's -Mailbox, items it covers (b budget, p picnic, l late: not indexed, u unread: its text could not be read)
        { "from:alice@contoso.com", null, "b,l" },                // participants need no index: late is matched on its metadata
        { "from:carol@contoso.com", null, "p,u" },                // ... and late is proven outside, indexed or not
        { "to:dave@contoso.com OR to:erin@contoso.com", null, "l,p,u" },
        { "sent<=2026-09-01", null, "b" },                         // dates need no index either
        { "\"quarterly results\"", null, "b,l,u" },                // words need the index: late and unread cannot be ruled out
        { "subject:picnic", null, "l,p,u" },
        { "body:sandwiches AND from:carol@contoso.com", null, "l,p,u" }, // the index is read, so late is kept although carol did not send it
        { "NOT body:sandwiches", null, "b,l,u" },
        { "hasattachment:true", null, "l,u" },                     // nothing indexed has one; the unread ones cannot be ruled out
        { "quarterly", "bob@*", "b" },                             // the hold's other filters still apply first
        { "quarterly", "erin@*", "l" },
        { "from:nobody@contoso.com", null, "" },
    };

    [Theory]
    [MemberData(nameof(QueryHolds))]
    public void A_query_hold_covers_what_the_search_finds_and_whatever_the_index_has_not_read(string query, string? mailbox, string covered)
    {
        var (budget, picnic, late, unread) = QueryArchive();
        var hold = _lifecycle.NewHold("Matter 7", "Query hold", new HoldScope { Query = query, Mailbox = mailbox });
        Assert.Equal(query, hold.Query);

        var names = new Dictionary<long, string> { [budget] = "b", [picnic] = "p", [late] = "l", [unread] = "u" };
        var messages = _lifecycle.WithHolds(_archive.GetMessages(new JournalMessageQuery()));
        var held = messages.Where(m => m.Holds.Contains("Matter 7")).Select(m => names[m.Id]).Order();

        Assert.Equal(covered, string.Join(",", held));
    }

    [Fact]
    public void Retention_keeps_what_a_query_hold_covers_and_an_unindexed_item_until_the_index_rules_it_out()
    {
        var (budget, picnic, late, unread) = QueryArchive();
        _lifecycle.NewHold("Quarterly", "Audit 2026", new HoldScope { Query = "\"quarterly results\" OR subject:budget" });
        _clock.Advance(TimeSpan.FromDays(400));

        var result = _lifecycle.RunRetention(whatIf: false);

        // budget matches; late and unread cannot be ruled out (not indexed / text unread); picnic is outside: removed.
        Assert.Equal((4L, 1L, 3L, 2L), (result.Expired, result.Removed, result.Held, result.HeldUnindexed));
        Assert.Equal([budget, unread, late], _archive.GetMessages(new JournalMessageQuery()).Select(m => m.Id).Order());
        Assert.Null(_archive.GetMessage(picnic));
        Assert.Contains(_store.Store.GetEvents(new JournalEventQuery { ObjectType = JournalObjectType.Archive }),
            e => e.Action == "Kept" && e.NewValue!.Contains("2 of them only because it is not indexed yet", StringComparison.Ordinal));

        // Erasure says why an unindexed item is held.
        var e = Assert.Throws<JournalConfigurationException>(() => _lifecycle.RemoveMessage(late, "GDPR request 5", force: true));
        Assert.Equal("JournalMessageHeld", e.ErrorId);
        Assert.Contains("'Quarterly' (it is not indexed yet", e.Message, StringComparison.Ordinal);

        // Once indexed, late matches ("quarterly results") and stays held; unread's text is still unreadable and stays too.
        _store.CreateIndexer(_clock).CatchUp();
        Assert.Equal(["Quarterly"], _lifecycle.WithHolds([_archive.GetMessage(late)!])[0].Holds);
        Assert.Equal(0, _lifecycle.RunRetention(whatIf: false).Removed);

        // A hold's query is proof of its scope: kept on the hold and in the event log.
        var created = Assert.Single(_store.Store.GetEvents(new JournalEventQuery { ObjectType = JournalObjectType.Hold }), x => x.Action == "Created");
        Assert.Contains("Query=\"quarterly results\" OR subject:budget", created.NewValue, StringComparison.Ordinal);
        Assert.Equal("\"quarterly results\" OR subject:budget", Assert.Single(_store.OpenLifecycle("other", _clock).GetHolds(false)).Query);
    }

    [Fact]
    public void An_unindexed_item_outside_a_query_hold_goes_once_the_index_has_read_it()
    {
        var (_, _, late, _) = QueryArchive();
        _lifecycle.NewHold("Picnic", "Matter 9", new HoldScope { Query = "body:picnic OR subject:picnic" });
        _clock.Advance(TimeSpan.FromDays(400));
        Assert.Contains(late, _lifecycle.WithHolds(_archive.GetMessages(new JournalMessageQuery())).Where(m => m.Holds.Count > 0).Select(m => m.Id));

        _store.CreateIndexer(_clock).CatchUp();
        var result = _lifecycle.RunRetention(whatIf: false);

        Assert.Null(_archive.GetMessage(late));
        Assert.Equal(1, result.HeldUnindexed);   // unread: its text could not be read, so it cannot be ruled out
    }

    [Fact]
    public void A_hold_query_that_cannot_be_read_is_refused_with_its_position()
    {
        var e = Assert.Throws<JournalConfigurationException>(() => _lifecycle.NewHold("Bad", "r", new HoldScope { Query = "from:alice AND (subject:x" }));

        Assert.Equal("NewJournalHoldQueryInvalid", e.ErrorId);
        Assert.Contains("position", e.Message, StringComparison.Ordinal);
        Assert.IsType<SearchQueryException>(e.InnerException);
        Assert.Empty(_lifecycle.GetHolds(includeReleased: true));
    }

    [Fact]
    public void Policies_and_holds_are_validated_and_unique_by_name()
    {
        _lifecycle.NewPolicy("Seven years", new() { RetainFor = TimeSpan.FromDays(2557) });
        Assert.Equal("RetentionPolicyExists", Assert.Throws<JournalConfigurationException>(() => _lifecycle.NewPolicy("SEVEN YEARS", new() { RetainFor = TimeSpan.FromDays(1) })).ErrorId);
        Assert.Equal("RetentionPolicyRetainForInvalid", Assert.Throws<JournalConfigurationException>(() => _lifecycle.NewPolicy("Zero", new() { RetainFor = TimeSpan.Zero })).ErrorId);
        Assert.Equal("JournalDefinitionNotFound", Assert.Throws<JournalConfigurationException>(() => _lifecycle.NewPolicy("X", new() { RetainFor = TimeSpan.FromDays(1), Definition = "nope" })).ErrorId);
        _lifecycle.NewHold("Case", "reason", new HoldScope());
        Assert.Equal("JournalHoldExists", Assert.Throws<JournalConfigurationException>(() => _lifecycle.NewHold("case", "again", new HoldScope())).ErrorId);
        Assert.Equal("JournalHoldDateRangeInvalid", Assert.Throws<JournalConfigurationException>(() =>
            _lifecycle.NewHold("Range", "r", new HoldScope { Start = T0, End = T0.AddDays(-1) })).ErrorId);
        // A released hold's name can be used again; the released record stays.
        _lifecycle.ReleaseHold("Case", "closed");
        _lifecycle.NewHold("Case", "reopened", new HoldScope());
        Assert.Equal(2, _lifecycle.GetHolds(includeReleased: true).Count);

        // Another backend object (another host) sees the same policies and holds.
        var other = _backend.Open().OpenLifecycle("other", _clock);
        Assert.Equal(["Seven years"], other.GetPolicies().Select(p => p.Name));
        Assert.Equal(TimeSpan.FromDays(2557), other.GetPolicies()[0].RetainFor);
        Assert.Equal("reopened", Assert.Single(other.GetHolds(false)).Reason);
        other.RemovePolicy("seven years");
        Assert.Empty(_lifecycle.GetPolicies());
    }
}

public sealed class SqliteJournalLifecycleContract() : JournalLifecycleContract(new SqliteBackendUnderTest());

[Collection(PostgresCollection.Name)]
public sealed class PostgresJournalLifecycleContract() : JournalLifecycleContract(new PostgresBackendUnderTest());
