using System.Text;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Search;
using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Contracts;

/// <summary>The search index's contract (IJournalSearchIndex through the engine's indexer and search), run against every backend.</summary>
public abstract class JournalSearchIndexContract : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private readonly BackendUnderTest _backend;
    private readonly JournalBackend _store;
    private readonly long _m1, _m2, _m3;

    private protected JournalSearchIndexContract(BackendUnderTest backend)
    {
        _backend = backend;
        _store = backend.Open();
        _m1 = Archive(Message(
                "From: Alice <alice@contoso.com>\r\nTo: bob@contoso.com\r\nSubject: Quarterly results\r\nDate: Sun, 01 Nov 2026 10:00:00 +0000\r\nMessage-ID: <m1@contoso.com>\r\n" +
                "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
                "--b1\r\nContent-Type: text/plain\r\n\r\nThe quarterly results are attached.\r\n" +
                "--b1\r\nContent-Type: text/csv; name=\"q3-figures.csv\"\r\nContent-Disposition: attachment; filename=\"q3-figures.csv\"\r\n\r\nrevenue,margin\r\n100,20\r\n" +
                "--b1--\r\n"),
            "m1@contoso.com", "alice@contoso.com", "Quarterly results", new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero),
            [new ArchivedRecipient("bob@contoso.com", "To"), new ArchivedRecipient("dave@contoso.com", "Bcc")], ["alice@contoso.com", "bob@contoso.com", "dave@contoso.com"]);
        _m2 = Archive(Message(
                "From: carol@fabrikam.com\r\nTo: alice@contoso.com\r\nCc: bob@contoso.com\r\nSubject: Lunch\r\nDate: Tue, 10 Nov 2026 12:00:00 +0000\r\nMessage-ID: <m2@fabrikam.com>\r\n" +
                "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
                "<html><head><style>.x { color: red }</style></head><body><p>Let us have <b>lunch</b> on Friday</p></body></html>\r\n"),
            "m2@fabrikam.com", "carol@fabrikam.com", "Lunch", new DateTimeOffset(2026, 11, 10, 12, 0, 0, TimeSpan.Zero),
            [new ArchivedRecipient("alice@contoso.com", "To"), new ArchivedRecipient("bob@contoso.com", "Cc")], ["alice@contoso.com", "bob@contoso.com"]);
        _m3 = Archive(Message(
                "From: bob@contoso.com\r\nTo: erin@contoso.com\r\nSubject: Results, quarterly\r\nDate: Fri, 20 Nov 2026 08:00:00 +0000\r\nMessage-ID: <m3@contoso.com>\r\n" +
                "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b3\"\r\n\r\n" +
                "--b3\r\nContent-Type: text/plain\r\n\r\nresults of the quarterly meeting\r\n" +
                "--b3\r\nContent-Type: application/pdf; name=\"report.pdf\"\r\nContent-Disposition: attachment; filename=\"report.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4KZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFszIDAgUl0gL0NvdW50IDEgPj4KZW5kb2JqCjMgMCBvYmoKPDwgL1R5cGUgL1BhZ2UgL1BhcmVudCAyIDAgUiAvTWVkaWFCb3ggWzAgMCA2MTIgNzkyXSAvQ29udGVudHMgNCAwIFIgL1Jlc291cmNlcyA8PCAvRm9udCA8PCAvRjEgNSAwIFIgPj4gPj4gPj4KZW5kb2JqCjQgMCBvYmoKPDwgL0xlbmd0aCA1MyA+PgpzdHJlYW0KQlQgL0YxIDEyIFRmIDcyIDcyMCBUZCAoQXBwZW5kaXggcXVva2thIHRhYmxlcykgVGogRVQKZW5kc3RyZWFtCmVuZG9iago1IDAgb2JqCjw8IC9UeXBlIC9Gb250IC9TdWJ0eXBlIC9UeXBlMSAvQmFzZUZvbnQgL0hlbHZldGljYSAvRW5jb2RpbmcgL1dpbkFuc2lFbmNvZGluZyA+PgplbmRvYmoKeHJlZgowIDYKMDAwMDAwMDAwMCA2NTUzNSBmIAowMDAwMDAwMDA5IDAwMDAwIG4gCjAwMDAwMDAwNTggMDAwMDAgbiAKMDAwMDAwMDExNSAwMDAwMCBuIAowMDAwMDAwMjQxIDAwMDAwIG4gCjAwMDAwMDAzNDQgMDAwMDAgbiAKdHJhaWxlcgo8PCAvU2l6ZSA2IC9Sb290IDEgMCBSID4+CnN0YXJ0eHJlZgo0NDEKJSVFT0YK\r\n" +
                "--b3--\r\n"),
            "m3@contoso.com", "bob@contoso.com", "Results, quarterly", new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero),
            [new ArchivedRecipient("erin@contoso.com", "To")], ["bob@contoso.com", "erin@contoso.com"]);
    }

    public void Dispose() => _backend.Dispose();

    private static byte[] Message(string text) => Encoding.UTF8.GetBytes(text);

    private long Archive(byte[] original, string messageId, string sender, string subject, DateTimeOffset date, ArchivedRecipient[] recipients, string[] mailboxes) =>
        _store.Archive.Store([new ArchiveSubmission
        {
            Received = T0,
            Source = "smtp:192.0.2.10",
            Definition = "EXO",
            RawReport = Encoding.ASCII.GetBytes("X-MS-Journal-Report:\r\n\r\n").Concat(original).ToArray(),
            Disposition = ArchiveDisposition.Accept,
            Format = "Envelope",
            MessageId = messageId,
            Sender = sender,
            Subject = subject,
            Date = date,
            Original = original,
            Recipients = recipients,
            Mailboxes = mailboxes,
        }]).Single().ItemId!.Value;

    private IReadOnlyList<long> Find(string query, SearchScope? scope = null) =>
        _store.CreateSearch().Search(query, scope ?? new SearchScope(), "tester").Select(m => m.Id).ToList();

    private long[] Ids(params int[] which) => which.Select(w => w switch { 1 => _m1, 2 => _m2, _ => _m3 }).ToArray();

    [Theory]
    [InlineData("from:alice@contoso.com", new[] { 1 })]
    [InlineData("from:contoso.com", new[] { 3, 1 })]
    [InlineData("from:bob", new[] { 3 })]
    [InlineData("to:bob@contoso.com", new[] { 1 })]
    [InlineData("cc:bob@contoso.com", new[] { 2 })]
    [InlineData("bcc:dave@contoso.com", new[] { 1 })]
    [InlineData("to:dave@contoso.com", new int[0])]
    [InlineData("participants:dave@contoso.com", new[] { 1 })]
    [InlineData("participants:carol@fabrikam.com", new[] { 2 })]
    [InlineData("recipients:bob@contoso.com", new[] { 2, 1 })]
    [InlineData("recipients:*@contoso.com", new[] { 3, 2, 1 })]
    [InlineData("\"quarterly results\"", new[] { 1 })]
    [InlineData("quarterly results", new[] { 3, 1 })]
    [InlineData("subject:\"quarterly results\"", new[] { 1 })]
    [InlineData("quart*", new[] { 3, 1 })]
    [InlineData("quarterly NOT attachmentnames:csv", new[] { 3 })]
    [InlineData("lunch", new[] { 2 })]
    [InlineData("body:friday", new[] { 2 })]
    [InlineData("subject:friday", new int[0])]
    [InlineData("color", new int[0])]
    [InlineData("attachmentnames:figures", new[] { 1 })]
    [InlineData("attachmentnames:\"report pdf\"", new[] { 3 })]
    // The words inside the PDF attachment (its text, read by PdfPig), and a phrase of them.
    [InlineData("quokka", new[] { 3 })]
    [InlineData("\"quokka tables\"", new[] { 3 })]
    [InlineData("attachmentnames:quokka", new int[0])]
    [InlineData("revenue", new[] { 1 })]
    [InlineData("body:revenue", new int[0])]
    [InlineData("hasattachment:true", new[] { 3, 1 })]
    [InlineData("hasattachment:false", new[] { 2 })]
    [InlineData("sent>=2026-11-10", new[] { 3, 2 })]
    [InlineData("sent<=2026-11-10", new[] { 2, 1 })]
    [InlineData("sent>2026-11-10", new[] { 3 })]
    [InlineData("sent>=2026-11-05 AND sent<=2026-11-15", new[] { 2 })]
    [InlineData("received>=2026-11-26", new[] { 3, 2, 1 })]
    [InlineData("received<2026-11-26", new int[0])]
    [InlineData("size>1000000", new int[0])]
    [InlineData("size<1MB", new[] { 3, 2, 1 })]
    [InlineData("(from:alice OR from:carol) AND NOT lunch", new[] { 1 })]
    [InlineData("NOT from:contoso.com", new[] { 2 })]
    [InlineData("lunch OR revenue", new[] { 2, 1 })]
    [InlineData("\"x'); DROP TABLE items; --\"", new int[0])]
    public void Finds_what_the_query_says_newest_first(string query, int[] expected)
    {
        _store.CreateIndexer().CatchUp();

        Assert.Equal(Ids(expected), Find(query));
        // Nothing the query said changed the archive.
        Assert.Equal(3, _store.Archive.GetMessages(new JournalMessageQuery()).Count);
    }

    /// <summary>
    /// Every page of every query in the table equals that slice of its whole answer. On SQLite the
    /// newest-items window is set to 2 of the 3 items, so a page is found in the window, or the
    /// window is too small and the search falls back to the whole archive, as on a large archive.
    /// </summary>
    [Fact]
    public void Each_page_is_the_slice_of_the_whole_answer()
    {
        if (_store.SearchIndex is SqliteSearchIndex sqlite)
        {
            sqlite.NewestWindow = 2;
        }
        _store.CreateIndexer().CatchUp();
        var queries = typeof(JournalSearchIndexContract).GetMethod(nameof(Finds_what_the_query_says_newest_first))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(a => ((string)a.GetData(null!).Single()[0], (int[])a.GetData(null!).Single()[1])).ToList();
        Assert.True(queries.Count > 30);
        foreach (var (query, expected) in queries)
        {
            var whole = Ids(expected);
            for (var offset = 0; offset <= 2; offset++)
            {
                for (var first = 1; first <= 3; first++)
                {
                    var page = new SearchScope { First = first, Skip = offset };
                    Assert.True(whole.Skip(offset).Take(first).SequenceEqual(Find(query, page)), $"{query}: the page of {first} from offset {offset}");
                }
            }
        }
    }

    [Fact]
    public void Scope_and_paging_narrow_the_results()
    {
        _store.CreateIndexer().CatchUp();

        Assert.Equal(Ids(3), Find("results", new SearchScope { Mailbox = "erin@contoso.com" }));
        Assert.Equal(Ids(3, 1), Find("results", new SearchScope { Mailbox = "*@contoso.com" }));
        Assert.Equal(Ids(3), Find("hasattachment:true", new SearchScope { First = 1 }));
        Assert.Equal(Ids(1), Find("hasattachment:true", new SearchScope { Skip = 1 }));
        Assert.Empty(Find("hasattachment:true", new SearchScope { DefinitionId = Guid.NewGuid() }));
    }

    [Fact]
    public void The_results_are_the_objects_Get_JournalMessage_returns_and_the_search_is_in_the_event_log()
    {
        _store.CreateIndexer().CatchUp();

        var found = Assert.Single(_store.CreateSearch().Search("bcc:dave@contoso.com", new SearchScope(), @"CONTOSO\admin", "Mailbox=dave@contoso.com"));
        var direct = _store.Archive.GetMessage(_m1)!;
        Assert.Equal((direct.Id, direct.MessageId, direct.ContentHash), (found.Id, found.MessageId, found.ContentHash));
        Assert.Equal(direct.Recipients, found.Recipients);
        Assert.Equal(direct.Mailboxes, found.Mailboxes);
        var logged = Assert.Single(_store.Store.GetEvents(new JournalEventQuery { ObjectType = JournalObjectType.Search }));
        Assert.Equal(@"CONTOSO\admin", logged.User);
        Assert.Equal("bcc:dave@contoso.com", logged.ObjectName);
        Assert.Equal("Searched", logged.Action);
        Assert.Equal("Results (Mailbox=dave@contoso.com)", logged.Property);
        Assert.Equal("1", logged.NewValue);
    }

    [Fact]
    public void Status_shows_the_lag_until_the_indexer_catches_up()
    {
        var clock = new ManualClock(T0.AddMinutes(10));
        var indexer = _store.CreateIndexer(clock);
        var before = indexer.GetStatus(_store.Location);
        Assert.Equal((3L, 0L, 3L), (before.Items, before.Indexed, before.Pending));
        Assert.Equal(T0, before.OldestPending);
        Assert.Equal(TimeSpan.FromMinutes(10), before.Lag);
        // Not indexed: words are not found yet, metadata is.
        Assert.Empty(Find("lunch"));
        Assert.Equal(Ids(2), Find("from:carol@fabrikam.com"));

        var seen = new List<IndexProgress>();
        Assert.Equal(3, indexer.CatchUp(progress: seen.Add, batchSize: 2));
        Assert.Equal([new IndexProgress(2, 3, 0), new IndexProgress(3, 3, 0)], seen);
        var after = indexer.GetStatus(_store.Location);
        Assert.Equal((3L, 3L, 0L, 0L), (after.Items, after.Indexed, after.Pending, after.Failed));
        Assert.Null(after.Lag);
        Assert.Equal(T0.AddMinutes(10), after.LastIndexed);
        Assert.Equal(0, indexer.CatchUp());
    }

    [Fact]
    public void An_item_whose_text_cannot_be_read_is_found_by_metadata_and_listed_as_a_failure()
    {
        var indexer = new JournalIndexer(new ArchiveWithoutOriginal(_store.Archive, _m2), _store.SearchIndex);
        indexer.CatchUp();

        var status = indexer.GetStatus(_store.Location);
        Assert.Equal((3L, 0L, 1L), (status.Indexed, status.Pending, status.Failed));
        var failure = Assert.Single(status.Failures);
        Assert.Equal(_m2, failure.ItemId);
        Assert.Equal("m2@fabrikam.com", failure.MessageId);
        Assert.Contains("missing", failure.Reason);
        Assert.Equal(Ids(2), Find("from:carol@fabrikam.com"));
        Assert.Equal(Ids(2), Find("subject:lunch"));
        Assert.Empty(Find("friday"));

        // A rebuild with the original readable again replaces the entry and clears the failure.
        Assert.Equal(3, _store.CreateIndexer().Rebuild());
        Assert.Equal(0, _store.CreateIndexer().GetStatus(_store.Location).Failed);
        Assert.Equal(Ids(2), Find("friday"));
    }

    [Fact]
    public void A_rebuild_replaces_entries_without_duplicating_them_and_a_cancelled_run_stops()
    {
        _store.CreateIndexer().CatchUp();
        Assert.Equal(3, _store.CreateIndexer().Rebuild(batchSize: 1));
        Assert.Equal(Ids(3, 1), Find("quarterly"));
        Assert.Equal(3, _store.CreateIndexer().GetStatus(_store.Location).Indexed);

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Equal(0, _store.CreateIndexer().Rebuild(cancelled.Token));
    }

    [Fact]
    public void Another_host_on_the_same_store_sees_the_index()
    {
        _store.CreateIndexer().CatchUp();
        var other = _backend.Open();
        Assert.Equal([_m2], other.CreateSearch().Search("friday", new SearchScope(), "tester").Select(m => m.Id));
    }

    private sealed class ArchiveWithoutOriginal(IJournalArchive inner, long missing) : IJournalArchive
    {
        public IReadOnlyList<JournalOutcome> Store(IReadOnlyList<ArchiveSubmission> batch) => inner.Store(batch);
        public IReadOnlyList<JournalMessage> GetMessages(JournalMessageQuery query) => inner.GetMessages(query);
        public JournalMessage? GetMessage(long itemId) => inner.GetMessage(itemId);
        public byte[]? GetOriginal(long itemId) => itemId == missing ? null : inner.GetOriginal(itemId);
        public byte[]? GetReport(long reportId) => inner.GetReport(reportId);
        public IReadOnlyList<JournalOutcome> GetOutcomes(JournalOutcomeQuery query) => inner.GetOutcomes(query);
        public IReadOnlyList<long> CompleteDueItems(DateTimeOffset now) => inner.CompleteDueItems(now);
    }
}

public sealed class SqliteJournalSearchIndexContract() : JournalSearchIndexContract(new SqliteBackendUnderTest());

[Collection(PostgresCollection.Name)]
public sealed class PostgresJournalSearchIndexContract() : JournalSearchIndexContract(new PostgresBackendUnderTest());
