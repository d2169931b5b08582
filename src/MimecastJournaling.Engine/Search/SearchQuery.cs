using System.Globalization;
using System.Text;
using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Engine.Search;

/// <summary>The properties of the query language (the KQL subset Exchange admins know from Purview).</summary>
public enum SearchProperty
{
    /// <summary>A bare word or "quoted phrase": subject, body, attachment names and attachment text.</summary>
    Text,
    From,
    To,
    Cc,
    Bcc,
    /// <summary>Sender and every recipient (To, Cc, Bcc and envelope-only recipients).</summary>
    Participants,
    /// <summary>Every recipient (To, Cc, Bcc and envelope-only recipients).</summary>
    Recipients,
    Subject,
    Body,
    AttachmentNames,
    HasAttachment,
    Sent,
    Received,
    Size,
}

/// <summary>How a property restriction compares: <c>subject:x</c> is Equals; <c>sent&gt;=2026-01-01</c> is AtLeast.</summary>
public enum SearchComparison
{
    Equals,
    Greater,
    AtLeast,
    Less,
    AtMost,
}

/// <summary>A node of a parsed query; <see cref="Position"/> is where it starts in the query text (0-based).</summary>
public abstract record SearchNode(int Position);

public sealed record SearchAnd(IReadOnlyList<SearchNode> Operands, int Position) : SearchNode(Position)
{
    public override string ToString() => "(" + string.Join(" AND ", Operands) + ")";
}

public sealed record SearchOr(IReadOnlyList<SearchNode> Operands, int Position) : SearchNode(Position)
{
    public override string ToString() => "(" + string.Join(" OR ", Operands) + ")";
}

public sealed record SearchNot(SearchNode Operand, int Position) : SearchNode(Position)
{
    public override string ToString() => "NOT " + Operand;
}

/// <summary>A bare word, a phrase, or a property restriction; <see cref="ValuePosition"/> is where the value starts.</summary>
public sealed record SearchTerm(SearchProperty Property, SearchComparison Comparison, string Value, bool Quoted, int Position, int ValuePosition)
    : SearchNode(Position)
{
    public override string ToString()
    {
        var value = Quoted ? "\"" + Value + "\"" : Value;
        if (Property == SearchProperty.Text)
        {
            return value;
        }
        var op = Comparison switch
        {
            SearchComparison.Greater => ">",
            SearchComparison.AtLeast => ">=",
            SearchComparison.Less => "<",
            SearchComparison.AtMost => "<=",
            _ => ":",
        };
        return Property.ToString().ToLowerInvariant() + op + value;
    }
}

/// <summary>A query that cannot be read: the position (0-based) and a message that shows it with a caret.</summary>
public sealed class SearchQueryException : JournalConfigurationException
{
    public SearchQueryException(string query, int position, string problem)
        : base("SearchJournalMessageQueryInvalid", JournalErrorKind.InvalidArgument, Describe(query, position, problem), query)
    {
        Query = query;
        Position = position;
        Problem = problem;
    }

    public string Query { get; }

    /// <summary>Where the problem is, 0-based (the message counts from 1).</summary>
    public int Position { get; }

    /// <summary>The problem alone, without the query and caret.</summary>
    public string Problem { get; }

    private static string Describe(string query, int position, string problem)
    {
        // One line of the query (a query pasted over several lines is shown as one).
        var line = query.Replace('\r', ' ').Replace('\n', ' ').Replace('\t', ' ');
        return $"The search query cannot be read at position {position + 1}: {problem}{Environment.NewLine}" +
            $"  {line}{Environment.NewLine}" +
            $"  {new string(' ', Math.Min(position, line.Length))}^{Environment.NewLine}" +
            "Put words with a colon or other punctuation in double quotes; operators AND, OR and NOT are upper case. " +
            "Get-Help Search-JournalMessage -Parameter Query lists the properties.";
    }
}

/// <summary>
/// Reads a query: terms joined by AND, OR, NOT (upper case, as in KQL) and parentheses; two terms
/// side by side mean AND. NOT binds tighter than AND, AND tighter than OR. A property restriction is
/// <c>name:value</c> (or <c>name&gt;=value</c> and the like for sent, received and size); a value
/// or bare text in double quotes is a phrase. Engine code: both backends get the same tree.
/// </summary>
public static class SearchQueryParser
{
    /// <summary>Longest query accepted (a pasted document is not a query).</summary>
    public const int MaxLength = 4000;
    private const int MaxDepth = 32;

    private static readonly Dictionary<string, SearchProperty> Properties = new(StringComparer.OrdinalIgnoreCase)
    {
        ["from"] = SearchProperty.From,
        ["to"] = SearchProperty.To,
        ["cc"] = SearchProperty.Cc,
        ["bcc"] = SearchProperty.Bcc,
        ["participants"] = SearchProperty.Participants,
        ["recipients"] = SearchProperty.Recipients,
        ["subject"] = SearchProperty.Subject,
        ["body"] = SearchProperty.Body,
        ["attachmentnames"] = SearchProperty.AttachmentNames,
        ["hasattachment"] = SearchProperty.HasAttachment,
        ["sent"] = SearchProperty.Sent,
        ["received"] = SearchProperty.Received,
        ["size"] = SearchProperty.Size,
    };

    /// <summary>The property names, as the help and the error list them.</summary>
    public static IReadOnlyCollection<string> PropertyNames => Properties.Keys;

    public static SearchNode Parse(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Length > MaxLength)
        {
            throw new SearchQueryException(query[..80] + "…", 80, $"The query is {query.Length} characters long; at most {MaxLength} are read.");
        }
        var tokens = Lex(query);
        if (tokens.Count == 0)
        {
            throw new SearchQueryException(query, 0, "The query is empty. Give at least one word or property, for example from:alice@contoso.com.");
        }
        var parser = new Parser(query, tokens);
        var node = parser.ParseOr(0);
        if (!parser.AtEnd)
        {
            var t = parser.Current;
            throw new SearchQueryException(query, t.Position, t.Kind == TokenKind.RightParen
                ? "This closing parenthesis has no opening one."
                : $"Unexpected '{t.Text}'.");
        }
        return node;
    }

    private enum TokenKind { Word, Phrase, Property, LeftParen, RightParen, And, Or, Not }

    private sealed record Token(TokenKind Kind, string Text, int Position, SearchProperty Property = SearchProperty.Text,
        SearchComparison Comparison = SearchComparison.Equals, bool Quoted = false, int ValuePosition = 0);

    private static bool IsSeparator(char c) => char.IsWhiteSpace(c) || c is '(' or ')' or '"';

    private static List<Token> Lex(string q)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < q.Length)
        {
            var c = q[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            if (c == '(')
            {
                tokens.Add(new Token(TokenKind.LeftParen, "(", i++));
                continue;
            }
            if (c == ')')
            {
                tokens.Add(new Token(TokenKind.RightParen, ")", i++));
                continue;
            }
            if (c == '"')
            {
                var (phrase, next) = ReadPhrase(q, i);
                tokens.Add(new Token(TokenKind.Phrase, phrase, i, Quoted: true, ValuePosition: i));
                i = next;
                continue;
            }
            var start = i;
            // A property name: letters, then one of : = >= <= > <
            var nameEnd = i;
            while (nameEnd < q.Length && char.IsAsciiLetter(q[nameEnd]))
            {
                nameEnd++;
            }
            if (nameEnd > start && nameEnd < q.Length && q[nameEnd] is ':' or '=' or '>' or '<')
            {
                var name = q[start..nameEnd];
                if (!Properties.TryGetValue(name, out var property))
                {
                    throw new SearchQueryException(q, start,
                        $"'{name}' is not a property this search knows. Known: {string.Join(", ", Properties.Keys)}. To search for the text, put it in double quotes.");
                }
                var opStart = nameEnd;
                var comparison = SearchComparison.Equals;
                var j = nameEnd;
                if (q[j] is '>' or '<')
                {
                    var greater = q[j] == '>';
                    j++;
                    var orEqual = j < q.Length && q[j] == '=';
                    if (orEqual)
                    {
                        j++;
                    }
                    comparison = greater ? (orEqual ? SearchComparison.AtLeast : SearchComparison.Greater) : (orEqual ? SearchComparison.AtMost : SearchComparison.Less);
                }
                else
                {
                    j++;
                }
                if (comparison != SearchComparison.Equals && property is not (SearchProperty.Sent or SearchProperty.Received or SearchProperty.Size))
                {
                    throw new SearchQueryException(q, opStart, $"{name} takes a value after a colon ({name}:value); only sent, received and size compare with < > <= >=.");
                }
                if (j >= q.Length || char.IsWhiteSpace(q[j]) || q[j] is '(' or ')')
                {
                    throw new SearchQueryException(q, j, $"{name} needs a value right after '{q[opStart..j]}', without a space (for example {name}{q[opStart..j]}{Example(property)}).");
                }
                string value;
                bool quoted = false;
                var valueStart = j;
                if (q[j] == '"')
                {
                    (value, j) = ReadPhrase(q, j);
                    quoted = true;
                }
                else
                {
                    while (j < q.Length && !IsSeparator(q[j]))
                    {
                        j++;
                    }
                    value = q[valueStart..j];
                }
                tokens.Add(new Token(TokenKind.Property, value, start, property, comparison, quoted, valueStart));
                i = j;
                continue;
            }
            while (i < q.Length && !IsSeparator(q[i]))
            {
                i++;
            }
            var word = q[start..i];
            var kind = word switch
            {
                "AND" or "&&" => TokenKind.And,
                "OR" or "||" => TokenKind.Or,
                "NOT" => TokenKind.Not,
                _ => TokenKind.Word,
            };
            if (kind == TokenKind.Word && word.Length > 1 && word[0] == '-')
            {
                // -word is NOT word, as in KQL.
                tokens.Add(new Token(TokenKind.Not, "-", start));
                tokens.Add(new Token(TokenKind.Word, word[1..], start + 1, ValuePosition: start + 1));
                continue;
            }
            tokens.Add(new Token(kind, word, start, ValuePosition: start));
        }
        return tokens;
    }

    private static string Example(SearchProperty property) => property switch
    {
        SearchProperty.Sent or SearchProperty.Received => "2026-01-31",
        SearchProperty.Size => "1MB",
        SearchProperty.HasAttachment => "true",
        SearchProperty.Subject or SearchProperty.Body or SearchProperty.AttachmentNames => "\"quarterly results\"",
        _ => "alice@contoso.com",
    };

    private static (string Phrase, int Next) ReadPhrase(string q, int quote)
    {
        var close = q.IndexOf('"', quote + 1);
        if (close < 0)
        {
            throw new SearchQueryException(q, quote, "This double quote has no closing one.");
        }
        if (string.IsNullOrWhiteSpace(q[(quote + 1)..close]))
        {
            throw new SearchQueryException(q, quote, "This phrase is empty.");
        }
        return (q[(quote + 1)..close], close + 1);
    }

    private sealed class Parser(string query, List<Token> tokens)
    {
        private int _index;

        public bool AtEnd => _index >= tokens.Count;

        public Token Current => tokens[_index];

        private Token? Peek => AtEnd ? null : tokens[_index];

        public SearchNode ParseOr(int depth)
        {
            var first = ParseAnd(depth);
            var operands = new List<SearchNode> { first };
            while (Peek is { Kind: TokenKind.Or } or)
            {
                _index++;
                operands.Add(ParseAnd(depth, or));
            }
            return operands.Count == 1 ? first : new SearchOr(operands, first.Position);
        }

        private SearchNode ParseAnd(int depth, Token? after = null)
        {
            var first = ParseUnary(depth, after);
            var operands = new List<SearchNode> { first };
            while (Peek is { } t && t.Kind is not (TokenKind.Or or TokenKind.RightParen))
            {
                Token? op = null;
                if (t.Kind == TokenKind.And)
                {
                    op = t;
                    _index++;
                }
                operands.Add(ParseUnary(depth, op));
            }
            return operands.Count == 1 ? first : new SearchAnd(operands, first.Position);
        }

        private SearchNode ParseUnary(int depth, Token? after)
        {
            if (AtEnd)
            {
                var at = after is null ? query.Length : after.Position;
                throw new SearchQueryException(query, at, after is null
                    ? "The query ends where a term was expected."
                    : $"'{after.Text}' needs a term after it.");
            }
            var t = Current;
            switch (t.Kind)
            {
                case TokenKind.Not:
                    _index++;
                    return new SearchNot(ParseUnary(depth, t), t.Position);
                case TokenKind.LeftParen:
                    if (depth >= MaxDepth)
                    {
                        throw new SearchQueryException(query, t.Position, $"Parentheses nest deeper than {MaxDepth} levels.");
                    }
                    _index++;
                    if (Peek is { Kind: TokenKind.RightParen } empty)
                    {
                        throw new SearchQueryException(query, empty.Position, "These parentheses are empty.");
                    }
                    var inner = ParseOr(depth + 1);
                    if (AtEnd)
                    {
                        throw new SearchQueryException(query, t.Position, "This opening parenthesis has no closing one.");
                    }
                    _index++;
                    return inner;
                case TokenKind.RightParen:
                    throw new SearchQueryException(query, t.Position, after is null
                        ? "A term was expected before this closing parenthesis."
                        : $"'{after.Text}' needs a term after it.");
                case TokenKind.And or TokenKind.Or:
                    throw new SearchQueryException(query, t.Position, after is null
                        ? $"'{t.Text}' needs a term before it."
                        : $"'{after.Text}' needs a term after it, not '{t.Text}'.");
                case TokenKind.Property:
                    _index++;
                    return new SearchTerm(t.Property, t.Comparison, t.Text, t.Quoted, t.Position, t.ValuePosition);
                default:
                    _index++;
                    return new SearchTerm(SearchProperty.Text, SearchComparison.Equals, t.Text, t.Kind == TokenKind.Phrase, t.Position, t.ValuePosition);
            }
        }
    }
}
