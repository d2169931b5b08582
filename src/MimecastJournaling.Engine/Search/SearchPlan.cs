using System.Globalization;
using System.Text;

namespace MimecastJournaling.Engine.Search;

/// <summary>Which indexed text a word or phrase is looked for in.</summary>
public enum SearchTextField
{
    /// <summary>Subject, body, attachment names and attachment text.</summary>
    Any,
    Subject,
    Body,
    AttachmentNames,
}

/// <summary>Which addresses of an item an address restriction looks at.</summary>
public enum SearchAddressRole
{
    From,
    To,
    Cc,
    Bcc,
    /// <summary>The sender and every recipient.</summary>
    Participants,
    /// <summary>Every recipient (To, Cc, Bcc, envelope-only).</summary>
    Recipients,
}

/// <summary>
/// A planned condition: what a backend translates into SQL. Every value in it is already checked
/// and normalised by the engine (words are index tokens, dates are UTC instants, patterns are
/// lower case); the backend passes them as parameters.
/// </summary>
public abstract record SearchCondition;

public sealed record AllOf(IReadOnlyList<SearchCondition> Conditions) : SearchCondition;

public sealed record AnyOf(IReadOnlyList<SearchCondition> Conditions) : SearchCondition;

public sealed record NoneOf(SearchCondition Condition) : SearchCondition;

/// <summary>The tokens in this order (a phrase when more than one); <see cref="Prefix"/>: the last token is a prefix (word*).</summary>
public sealed record TextMatch(SearchTextField Field, IReadOnlyList<string> Tokens, bool Prefix) : SearchCondition;

/// <summary>An address of the role matches one of the patterns (lower case; * and ? are wildcards).</summary>
public sealed record AddressMatch(SearchAddressRole Role, IReadOnlyList<string> Patterns) : SearchCondition;

/// <summary>Indexed items with (or without) at least one attachment.</summary>
public sealed record AttachmentPresence(bool HasAttachment) : SearchCondition;

/// <summary>From inclusive, Until exclusive (either may be open).</summary>
public sealed record DateRange(bool Received, DateTimeOffset? From, DateTimeOffset? Until) : SearchCondition;

/// <summary>Bytes, both inclusive (either may be open).</summary>
public sealed record SizeRange(long? AtLeast, long? AtMost) : SearchCondition;

/// <summary>
/// Turns a parsed query into conditions, checking every value (a date that is not a date is an
/// error at the value's position). Engine code both backends share.
/// </summary>
public static class SearchPlanner
{
    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy-MM-ddTHH:mmK",
    ];

    /// <summary>Parses and plans <paramref name="query"/>.</summary>
    public static SearchCondition Plan(string query) => Plan(query, SearchQueryParser.Parse(query));

    public static SearchCondition Plan(string query, SearchNode node) => node switch
    {
        SearchAnd and => new AllOf(and.Operands.Select(o => Plan(query, o)).ToList()),
        SearchOr or => new AnyOf(or.Operands.Select(o => Plan(query, o)).ToList()),
        SearchNot not => new NoneOf(Plan(query, not.Operand)),
        SearchTerm term => PlanTerm(query, term),
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };

    private static SearchCondition PlanTerm(string query, SearchTerm t)
    {
        switch (t.Property)
        {
            case SearchProperty.Text:
                return Text(query, t, SearchTextField.Any);
            case SearchProperty.Subject:
                return Text(query, t, SearchTextField.Subject);
            case SearchProperty.Body:
                return Text(query, t, SearchTextField.Body);
            case SearchProperty.AttachmentNames:
                return Text(query, t, SearchTextField.AttachmentNames);
            case SearchProperty.From:
                return Address(query, t, SearchAddressRole.From);
            case SearchProperty.To:
                return Address(query, t, SearchAddressRole.To);
            case SearchProperty.Cc:
                return Address(query, t, SearchAddressRole.Cc);
            case SearchProperty.Bcc:
                return Address(query, t, SearchAddressRole.Bcc);
            case SearchProperty.Participants:
                return Address(query, t, SearchAddressRole.Participants);
            case SearchProperty.Recipients:
                return Address(query, t, SearchAddressRole.Recipients);
            case SearchProperty.HasAttachment:
                return t.Value.ToLowerInvariant() switch
                {
                    "true" or "yes" => new AttachmentPresence(true),
                    "false" or "no" => new AttachmentPresence(false),
                    _ => throw new SearchQueryException(query, t.ValuePosition, $"hasattachment takes true or false, not '{t.Value}'."),
                };
            case SearchProperty.Sent:
            case SearchProperty.Received:
                return Dates(query, t);
            case SearchProperty.Size:
                return Size(query, t);
            default:
                throw new ArgumentOutOfRangeException(nameof(t));
        }
    }

    private static TextMatch Text(string query, SearchTerm t, SearchTextField field)
    {
        var value = t.Value;
        var prefix = !t.Quoted && value.Length > 1 && value.EndsWith('*');
        if (prefix)
        {
            value = value[..^1];
        }
        var tokens = SearchText.Tokens(value).ToList();
        if (tokens.Count == 0)
        {
            throw new SearchQueryException(query, t.ValuePosition, $"'{t.Value}' has no letters or digits to search for.");
        }
        if (tokens.Count > 32)
        {
            throw new SearchQueryException(query, t.ValuePosition, "A phrase of more than 32 words is not searched; take a shorter part of it.");
        }
        return new TextMatch(field, tokens, prefix);
    }

    private static AddressMatch Address(string query, SearchTerm t, SearchAddressRole role)
    {
        var value = t.Value.Trim().Trim('<', '>').ToLowerInvariant();
        if (value.Length == 0 || value.Any(char.IsWhiteSpace))
        {
            throw new SearchQueryException(query, t.ValuePosition, $"{t.Property.ToString().ToLowerInvariant()} takes one address, domain or alias, for example alice@contoso.com, contoso.com or alice.");
        }
        // An address (with @) matches itself (wildcards allowed); a domain matches every address
        // at it; a plain word matches the part before the @.
        IReadOnlyList<string> patterns = value.Contains('@') ? [value]
            : value.Contains('.') ? ["*@" + value]
            : [value + "@*"];
        return new AddressMatch(role, patterns);
    }

    private static SearchCondition Dates(string query, SearchTerm t)
    {
        var received = t.Property == SearchProperty.Received;
        if (!DateTimeOffset.TryParseExact(t.Value, DateFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            throw new SearchQueryException(query, t.ValuePosition,
                $"'{t.Value}' is not a date; write yyyy-MM-dd (UTC), or yyyy-MM-ddTHH:mm:ss with an optional offset such as +01:00.");
        }
        // A day alone (2026-01-31) covers the whole day: <= includes it, > starts after it.
        var dayOnly = t.Value.Length == 10;
        var next = dayOnly ? at.AddDays(1) : at.AddTicks(1);
        return t.Comparison switch
        {
            SearchComparison.Equals => new DateRange(received, at, next),
            SearchComparison.AtLeast => new DateRange(received, at, null),
            SearchComparison.Greater => new DateRange(received, next, null),
            SearchComparison.AtMost => new DateRange(received, null, next),
            SearchComparison.Less => new DateRange(received, null, at),
            _ => throw new ArgumentOutOfRangeException(nameof(t)),
        };
    }

    private static SizeRange Size(string query, SearchTerm t)
    {
        var text = t.Value.ToUpperInvariant();
        long unit = 1;
        foreach (var (suffix, factor) in new[] { ("KB", 1024L), ("MB", 1024L * 1024), ("GB", 1024L * 1024 * 1024), ("B", 1L) })
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                unit = factor;
                text = text[..^suffix.Length];
                break;
            }
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > long.MaxValue / unit)
        {
            throw new SearchQueryException(query, t.ValuePosition, $"'{t.Value}' is not a size; write bytes or a number with KB, MB or GB, for example size>1MB.");
        }
        var bytes = number * unit;
        return t.Comparison switch
        {
            SearchComparison.Equals => new SizeRange(bytes, bytes),
            SearchComparison.AtLeast => new SizeRange(bytes, null),
            SearchComparison.Greater => new SizeRange(bytes + 1, null),
            SearchComparison.AtMost => new SizeRange(null, bytes),
            SearchComparison.Less => new SizeRange(null, bytes - 1),
            _ => throw new ArgumentOutOfRangeException(nameof(t)),
        };
    }
}

/// <summary>
/// The one tokenizer of indexed text and of searched words: lower-case runs of letters and digits.
/// Both backends index the text as these tokens separated by spaces, so a word matches the same
/// items on SQLite and PostgreSQL.
/// </summary>
public static class SearchText
{
    /// <summary>Longer runs (base64, hashes) are not words anybody searches for; they are left out of the index.</summary>
    public const int MaxTokenLength = 64;

    public static IEnumerable<string> Tokens(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isWordChar = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (isWordChar)
            {
                if (start < 0)
                {
                    start = i;
                }
                continue;
            }
            if (start >= 0)
            {
                if (i - start <= MaxTokenLength)
                {
                    yield return text[start..i].ToLowerInvariant();
                }
                start = -1;
            }
        }
    }

    /// <summary>The text as the index stores it: tokens separated by single spaces, at most <paramref name="maxChars"/> characters.</summary>
    public static string Normalize(string? text, int maxChars)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }
        var result = new StringBuilder(Math.Min(text.Length, maxChars));
        foreach (var token in Tokens(text))
        {
            if (result.Length + token.Length + 1 > maxChars)
            {
                break;
            }
            if (result.Length > 0)
            {
                result.Append(' ');
            }
            result.Append(token);
        }
        return result.ToString();
    }
}
