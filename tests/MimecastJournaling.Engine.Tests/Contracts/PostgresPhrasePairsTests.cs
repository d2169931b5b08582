using System.Text;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Search;
using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.TestSupport;
using Npgsql;

namespace MimecastJournaling.Engine.Tests.Contracts;

/// <summary>
/// The PostgreSQL index narrows a phrase by each item's adjacent word pairs (PhrasePairs); an item
/// whose pairs were never written (indexed before schema 15, or too many pairs) is still found by
/// its phrases, and pairs never join two fields.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresPhrasePairsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private readonly string _location = PostgresServer.Shared.CreateDatabase();

    private static ArchiveSubmission Mail(string id, string subject, string body)
    {
        var original = Encoding.ASCII.GetBytes($"From: <alice@contoso.com>\r\nSubject: {subject}\r\nMessage-ID: <{id}@contoso.com>\r\n" +
            $"Date: Thu, 26 Nov 2026 08:00:00 +0000\r\n\r\n{body}\r\n");
        return new ArchiveSubmission
        {
            Received = T0,
            Source = "smtp:192.0.2.10",
            RawReport = original,
            Disposition = ArchiveDisposition.Accept,
            MessageId = id + "@contoso.com",
            Sender = "alice@contoso.com",
            Subject = subject,
            Original = original,
            Mailboxes = ["alice@contoso.com"],
        };
    }

    private static IReadOnlyList<long> Find(JournalBackend store, string query) =>
        store.CreateSearch().Search(query, new SearchScope(), "tester").Select(m => m.Id).ToList();

    [Fact]
    public async Task Phrases_are_found_with_and_without_the_word_pairs_and_never_across_two_fields()
    {
        var store = JournalBackend.CreateUncached(_location);
        var ids = store.Archive.Store([
            Mail("a", "Budget review", "the quarterly results are late"),
            Mail("b", "Results quarterly", "review the budget"),
        ]).Select(o => o.ItemId!.Value).ToList();
        store.CreateIndexer().CatchUp();

        await using var connection = new NpgsqlConnection(_location);
        await connection.OpenAsync();
        async Task<long> Scalar(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            return (long)(await command.ExecuteScalarAsync())!;
        }
        // The pairs were written, within each field only.
        Assert.Equal(1, await Scalar($"SELECT COUNT(*) FROM item_text WHERE item_id = {ids[0]} AND pairs_tsv @@ '''quarterly results'''::tsquery"));
        Assert.Equal(0, await Scalar($"SELECT COUNT(*) FROM item_text WHERE item_id = {ids[0]} AND pairs_tsv @@ '''review the'''::tsquery"));

        void Answers()
        {
            Assert.Equal([ids[0]], Find(store, "\"quarterly results\""));
            // Unquoted words joined by a mark are a phrase too; with * its last word is a prefix.
            Assert.Equal([ids[0]], Find(store, "quarterly-res*"));
            Assert.Empty(Find(store, "\"quarterly res\""));
            Assert.Equal([ids[0]], Find(store, "\"the quarterly results are\""));
            Assert.Equal([ids[1]], Find(store, "\"results quarterly\""));
            Assert.Equal([ids[1]], Find(store, "subject:\"results quarterly\""));
            Assert.Empty(Find(store, "body:\"results quarterly\""));
            Assert.Equal([ids[0]], Find(store, "subject:\"budget review\""));
            Assert.Equal([ids[1]], Find(store, "\"the budget\""));
            // The last word of a subject and the first of its body are not a phrase: "review the"
            // is in b's body only, though a's subject ends in review and its body starts with the.
            Assert.Equal([ids[1]], Find(store, "\"review the\""));
            Assert.Empty(Find(store, "\"quarterly review\""));
        }
        Answers();

        // As if indexed before the pairs existed: the same answers, checked the old way.
        Assert.Equal(2, await Scalar("WITH u AS (UPDATE item_text SET pairs_tsv = NULL RETURNING 1) SELECT COUNT(*) FROM u"));
        Answers();

        // Update-JournalIndex -Rebuild writes them again.
        Assert.Equal(2L, store.CreateIndexer().Rebuild(CancellationToken.None));
        Assert.Equal(0, await Scalar("SELECT COUNT(*) FROM item_text WHERE pairs_tsv IS NULL"));
        Answers();
    }

    [Fact]
    public void An_item_with_more_pairs_than_a_tsvector_holds_is_stored_without_them()
    {
        var words = Enumerable.Range(0, 150_000).Select(k => "w" + k.ToString("x", System.Globalization.CultureInfo.InvariantCulture));
        var text = new IndexedText { ItemId = 1, Body = string.Join(' ', words) };
        Assert.Null(PhrasePairs.Of(text));
        Assert.Equal(["a b", "b c"], PhrasePairs.Of(new IndexedText { ItemId = 1, Subject = "a b c", Body = "b c" })!.Order());
        Assert.Equal("'a b' & 'b c':*", PhrasePairs.Query(new TextMatch(SearchTextField.Any, ["a", "b", "c"], Prefix: true)));
        Assert.Null(PhrasePairs.Query(new TextMatch(SearchTextField.Any, ["a"], Prefix: false)));
    }

    [Fact]
    public async Task A_large_rebuild_analyzes_the_index_so_the_planner_knows_the_word_pairs()
    {
        var store = JournalBackend.CreateUncached(_location);
        store.Archive.Store([Mail("s1", "one", "first body"), Mail("s2", "two", "second body"), Mail("s3", "three", "third body")]);

        await using var connection = new NpgsqlConnection(_location);
        await connection.OpenAsync();
        async Task<float> Tuples()
        {
            await using var command = new NpgsqlCommand("SELECT reltuples FROM pg_class WHERE relname = 'item_text'", connection);
            return (float)(await command.ExecuteScalarAsync())!;
        }

        // Fewer items than the threshold: no ANALYZE (PostgreSQL's -1 means never analyzed).
        var indexer = store.CreateIndexer();
        Assert.Equal(3, indexer.CatchUp());
        Assert.Equal(-1, await Tuples());

        indexer.RefreshStatisticsAfter = 3;
        Assert.Equal(3, indexer.Rebuild());
        Assert.Equal(3, await Tuples());
    }
}
