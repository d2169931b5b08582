using System.Text;
using MimecastJournaling.Engine.Archive;

namespace MimecastJournaling.Engine.Search;

/// <summary>
/// Translates a planned condition into a WHERE clause over <c>items i</c> with parameters; the
/// two backends differ only in the hooks (parameter prefix, LIKE escape, time values, how a word
/// or phrase meets the full-text index). Nothing the user typed is put into the SQL text: values
/// are parameters, and the full-text expression is built from index tokens (letters and digits
/// only) and passed as a parameter too.
/// </summary>
internal abstract class SearchSql
{
    private int _count;

    public List<(string Name, object? Value)> Parameters { get; } = [];

    /// <summary>
    /// How an address or mailbox condition meets its table. True (the default): a probe per item
    /// (<c>EXISTS (... WHERE item_id = i.id ...)</c>), which suits a scan of the items newest first
    /// that stops at the first page. False: <c>i.id IN (SELECT item_id ...)</c>, which lets the
    /// planner start from the address index and sort only the matches (a rare address).
    /// </summary>
    public bool ProbePerItem { get; init; } = true;

    protected abstract string ParameterPrefix { get; }

    /// <summary>The LIKE escape clause for patterns made by <see cref="SqliteJournalArchive.ToLike"/> (backslash escapes).</summary>
    protected abstract string LikeEscape { get; }

    protected abstract object TimeValue(DateTimeOffset time);

    protected abstract object BoolValue(bool value);

    /// <summary>A condition that is true for items whose <paramref name="match"/> text field matches.</summary>
    protected abstract string TextCondition(TextMatch match);

    public string Add(object? value)
    {
        var name = ParameterPrefix + "q" + _count++;
        Parameters.Add((name, value));
        return name;
    }

    public string Where(SearchCondition condition, SearchScope scope)
    {
        var parts = new List<string> { Translate(condition) };
        if (scope.DefinitionId is { } definitionId)
        {
            parts.Add($"i.definition_id = {Add(definitionId.ToString())}");
        }
        if (scope.Mailbox is { } mailbox)
        {
            parts.Add(ItemHas("item_mailboxes", "m", Matches("m.mailbox_key", mailbox.ToLowerInvariant())));
        }
        return string.Join(" AND ", parts);
    }

    public const string NewestFirst = "ORDER BY COALESCE(i.sent, i.first_received) DESC, i.id DESC";

    private string Translate(SearchCondition condition) => condition switch
    {
        AllOf all => "(" + string.Join(" AND ", all.Conditions.Select(Translate)) + ")",
        AnyOf any => "(" + string.Join(" OR ", any.Conditions.Select(Translate)) + ")",
        NoneOf none => "NOT " + Translate(none.Condition),
        TextMatch text => TextCondition(text),
        AddressMatch address => Address(address),
        AttachmentPresence attachment =>
            $"EXISTS (SELECT 1 FROM search_index x WHERE x.item_id = i.id AND x.has_attachment = {Add(BoolValue(attachment.HasAttachment))})",
        DateRange range => Range(range.Received ? "i.first_received" : "COALESCE(i.sent, i.first_received)",
            range.From is { } from ? TimeValue(from) : null, range.Until is { } until ? TimeValue(until) : null, untilExclusive: true),
        SizeRange size => Range("i.size", size.AtLeast, size.AtMost, untilExclusive: false),
        _ => throw new ArgumentOutOfRangeException(nameof(condition)),
    };

    private string Range(string column, object? from, object? until, bool untilExclusive)
    {
        var parts = new List<string>();
        if (from is not null)
        {
            parts.Add($"{column} >= {Add(from)}");
        }
        if (until is not null)
        {
            parts.Add($"{column} {(untilExclusive ? "<" : "<=")} {Add(until)}");
        }
        return parts.Count == 0 ? "1 = 1" : "(" + string.Join(" AND ", parts) + ")";
    }

    private string Address(AddressMatch a)
    {
        var sender = a.Role is SearchAddressRole.From or SearchAddressRole.Participants;
        string? type = a.Role switch
        {
            SearchAddressRole.To => "To",
            SearchAddressRole.Cc => "Cc",
            SearchAddressRole.Bcc => "Bcc",
            _ => null,
        };
        var recipients = a.Role is not SearchAddressRole.From;
        var parts = new List<string>();
        foreach (var pattern in a.Patterns)
        {
            if (sender)
            {
                parts.Add(Matches("i.sender_key", pattern));
            }
            if (recipients)
            {
                var typed = type is null ? string.Empty : $" AND r.type = {Add(type)}";
                parts.Add(ItemHas("item_recipients", "r", Matches("r.address_key", pattern) + typed));
            }
        }
        return "(" + string.Join(" OR ", parts) + ")";
    }

    /// <summary>A row of <paramref name="table"/> (alias <paramref name="alias"/>) for the item meets <paramref name="condition"/>; see <see cref="ProbePerItem"/>.</summary>
    private string ItemHas(string table, string alias, string condition) =>
        ProbePerItem
            ? $"EXISTS (SELECT 1 FROM {table} {alias} WHERE {alias}.item_id = i.id AND {condition})"
            : $"i.id IN (SELECT {alias}.item_id FROM {table} {alias} WHERE {condition})";

    /// <summary>An exact value compares with = (the column's index serves it); a pattern with * or ? with LIKE.</summary>
    private string Matches(string column, string pattern) =>
        pattern.Contains('*') || pattern.Contains('?')
            ? $"{column} LIKE {Add(SqliteJournalArchive.ToLike(pattern))} {LikeEscape}"
            : $"{column} = {Add(pattern)}";

    /// <summary>FTS5's query text: "tok1 tok2" (a phrase), * after it for a prefix, {column} : before it for one column.</summary>
    public static string Fts5Expression(TextMatch match)
    {
        var phrase = "\"" + string.Join(" ", match.Tokens) + "\"" + (match.Prefix ? " *" : string.Empty);
        var column = match.Field switch
        {
            SearchTextField.Subject => "subject",
            SearchTextField.Body => "body",
            SearchTextField.AttachmentNames => "attachment_names",
            _ => null,
        };
        return column is null ? phrase : "{" + column + "} : " + phrase;
    }

    /// <summary>PostgreSQL's tsquery text: 'tok1' &lt;-&gt; 'tok2', :* on the last for a prefix.</summary>
    public static string TsQueryExpression(TextMatch match)
    {
        var text = new StringBuilder();
        for (var k = 0; k < match.Tokens.Count; k++)
        {
            if (k > 0)
            {
                text.Append(" <-> ");
            }
            text.Append('\'').Append(match.Tokens[k]).Append('\'');
            if (match.Prefix && k == match.Tokens.Count - 1)
            {
                text.Append(":*");
            }
        }
        return text.ToString();
    }
}
