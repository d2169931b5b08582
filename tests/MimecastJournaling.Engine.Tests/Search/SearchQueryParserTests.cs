using MimecastJournaling.Engine.Search;

namespace MimecastJournaling.Engine.Tests.Search;

public sealed class SearchQueryParserTests
{
    [Theory]
    [InlineData("from:alice@contoso.com", "from:alice@contoso.com")]
    [InlineData("to:bob@contoso.com", "to:bob@contoso.com")]
    [InlineData("cc:carol@fabrikam.com", "cc:carol@fabrikam.com")]
    [InlineData("bcc:dave@contoso.com", "bcc:dave@contoso.com")]
    [InlineData("participants:dave@contoso.com", "participants:dave@contoso.com")]
    [InlineData("recipients:contoso.com", "recipients:contoso.com")]
    [InlineData("subject:\"quarterly results\"", "subject:\"quarterly results\"")]
    [InlineData("body:invoice", "body:invoice")]
    [InlineData("AttachmentNames:q3.xlsx", "attachmentnames:q3.xlsx")]
    [InlineData("hasattachment:true", "hasattachment:true")]
    [InlineData("sent>=2026-01-01", "sent>=2026-01-01")]
    [InlineData("sent<=2026-01-31", "sent<=2026-01-31")]
    [InlineData("received>=2026-01-01T08:00:00+01:00", "received>=2026-01-01T08:00:00+01:00")]
    [InlineData("size>1MB", "size>1MB")]
    [InlineData("size<100", "size<100")]
    [InlineData("\"quarterly results\"", "\"quarterly results\"")]
    [InlineData("invoice", "invoice")]
    // Operators are upper case, as in KQL: lower-case "and" is a word.
    [InlineData("cats and dogs", "(cats AND and AND dogs)")]
    [InlineData("a AND b", "(a AND b)")]
    [InlineData("a && b || c", "((a AND b) OR c)")]
    // NOT binds tighter than AND, AND tighter than OR; side by side means AND.
    [InlineData("a b OR c", "((a AND b) OR c)")]
    [InlineData("a OR b c", "(a OR (b AND c))")]
    [InlineData("a OR b AND c OR d", "(a OR (b AND c) OR d)")]
    [InlineData("NOT a b", "(NOT a AND b)")]
    [InlineData("NOT (a OR b)", "NOT (a OR b)")]
    [InlineData("(a OR b) c", "((a OR b) AND c)")]
    [InlineData("-spam invoice", "(NOT spam AND invoice)")]
    [InlineData("NOT NOT a", "NOT NOT a")]
    [InlineData("((a))", "a")]
    public void Reads_each_operator_and_precedence(string query, string expected) =>
        Assert.Equal(expected, SearchQueryParser.Parse(query).ToString());

    [Theory]
    [InlineData("", 0, "empty")]
    [InlineData("   ", 0, "empty")]
    [InlineData("from:", 5, "needs a value")]
    [InlineData("from: alice", 5, "needs a value")]
    [InlineData("subject:\"open", 8, "no closing")]
    [InlineData("budget \"open", 7, "no closing")]
    [InlineData("\"\"", 0, "empty")]
    [InlineData("(a OR b", 0, "no closing one")]
    [InlineData("a OR", 2, "'OR' needs a term after it")]
    [InlineData("a AND", 2, "'AND' needs a term after it")]
    [InlineData("NOT", 0, "'NOT' needs a term after it")]
    [InlineData("AND a", 0, "needs a term before it")]
    [InlineData("a OR OR b", 5, "'OR' needs a term after it")]
    [InlineData("a )", 2, "closing parenthesis has no opening")]
    [InlineData("a ()", 3, "empty")]
    [InlineData("color:red", 0, "not a property")]
    [InlineData("x subjet:hello", 2, "not a property")]
    [InlineData("subject>=x", 7, "only sent, received and size")]
    public void A_query_that_cannot_be_read_names_the_position(string query, int position, string problem)
    {
        var e = Assert.Throws<SearchQueryException>(() => SearchQueryParser.Parse(query));
        Assert.Equal(position, e.Position);
        Assert.Contains(problem, e.Problem);
        Assert.Equal("SearchJournalMessageQueryInvalid", e.ErrorId);
    }

    [Theory]
    [InlineData("sent>=yesterday", 6, "not a date")]
    [InlineData("from:alice sent<=2026-13-01", 17, "not a date")]
    [InlineData("hasattachment:maybe", 14, "true or false")]
    [InlineData("size>lots", 5, "not a size")]
    [InlineData("a OR !!!", 5, "no letters or digits")]
    [InlineData("body:\"--\"", 5, "no letters or digits")]
    public void A_value_that_is_not_what_its_property_takes_names_the_position(string query, int position, string problem)
    {
        var e = Assert.Throws<SearchQueryException>(() => SearchPlanner.Plan(query));
        Assert.Equal(position, e.Position);
        Assert.Contains(problem, e.Problem);
    }

    [Fact]
    public void The_message_shows_the_query_with_a_caret_under_the_position()
    {
        var e = Assert.Throws<SearchQueryException>(() => SearchQueryParser.Parse("from:alice AND (subject:x"));
        var lines = e.Message.Split(Environment.NewLine);
        Assert.Contains("position 16", lines[0]);
        Assert.Equal("  from:alice AND (subject:x", lines[1]);
        Assert.Equal("  " + new string(' ', 15) + "^", lines[2]);
    }

    [Fact]
    public void Words_become_index_tokens_and_a_trailing_star_is_a_prefix()
    {
        var phrase = Assert.IsType<TextMatch>(SearchPlanner.Plan("\"Quarterly-Results!\""));
        Assert.Equal(["quarterly", "results"], phrase.Tokens);
        Assert.False(phrase.Prefix);
        var prefix = Assert.IsType<TextMatch>(SearchPlanner.Plan("subject:Attach*"));
        Assert.Equal(SearchTextField.Subject, prefix.Field);
        Assert.Equal(["attach"], prefix.Tokens);
        Assert.True(prefix.Prefix);
        // Quotes and SQL punctuation are not tokens: nothing of them reaches a full-text expression.
        var injection = Assert.IsType<TextMatch>(SearchPlanner.Plan("\"x'); DROP TABLE items; --\""));
        Assert.Equal(["x", "drop", "table", "items"], injection.Tokens);
    }

    [Fact]
    public void Addresses_domains_and_aliases_become_patterns()
    {
        Assert.Equal(["alice@contoso.com"], Assert.IsType<AddressMatch>(SearchPlanner.Plan("from:<Alice@Contoso.com>")).Patterns);
        Assert.Equal(["*@contoso.com"], Assert.IsType<AddressMatch>(SearchPlanner.Plan("to:contoso.com")).Patterns);
        Assert.Equal(["alice@*"], Assert.IsType<AddressMatch>(SearchPlanner.Plan("participants:alice")).Patterns);
        Assert.Equal(SearchAddressRole.Bcc, Assert.IsType<AddressMatch>(SearchPlanner.Plan("bcc:dave@contoso.com")).Role);
    }

    [Fact]
    public void A_day_covers_the_whole_day_and_sizes_take_units()
    {
        var day = new DateTimeOffset(2026, 1, 31, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateRange(false, null, day.AddDays(1)), SearchPlanner.Plan("sent<=2026-01-31"));
        Assert.Equal(new DateRange(false, day.AddDays(1), null), SearchPlanner.Plan("sent>2026-01-31"));
        Assert.Equal(new DateRange(true, day, null), SearchPlanner.Plan("received>=2026-01-31"));
        Assert.Equal(new DateRange(false, day, day.AddDays(1)), SearchPlanner.Plan("sent:2026-01-31"));
        Assert.Equal(new DateRange(false, new DateTimeOffset(2026, 1, 31, 7, 0, 0, TimeSpan.Zero), null),
            SearchPlanner.Plan("sent>=2026-01-31T08:00:00+01:00"));
        Assert.Equal(new SizeRange(1024 * 1024 + 1, null), SearchPlanner.Plan("size>1MB"));
        Assert.Equal(new SizeRange(null, 2047), SearchPlanner.Plan("size<2kb"));
    }

    [Fact]
    public void Html_loses_its_markup_scripts_and_styles()
    {
        var text = SearchTextExtractor.StripHtml("<html><head><title>t</title><style>.a{color:red}</style></head><body><p>Fish &amp; <b>chips</b></p><script>var x=1;</script></body></html>");
        Assert.Equal(["fish", "chips"], SearchText.Tokens(text));
    }
}
