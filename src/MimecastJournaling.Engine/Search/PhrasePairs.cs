using System.Text;

namespace MimecastJournaling.Engine.Search;

/// <summary>
/// Adjacent word pairs, the PostgreSQL index's way to phrases. A GIN index over a tsvector keeps no
/// word positions, so a phrase's candidates used to be every item holding all of its words, each
/// re-read from the table to check their order: a phrase of two common words re-read tens of
/// thousands of items. With each item's pairs ("quarterly results") in a GIN index of their own, a
/// phrase's candidates are the items holding each of its pairs, nearly always exactly the items
/// with the phrase; the positions are still checked (the pairs only narrow the candidates).
/// Reader and writer share these rules, so a phrase is never narrowed by a pair the writer left out.
/// </summary>
internal static class PhrasePairs
{
    /// <summary>Below PostgreSQL's limit for a tsvector's lexemes (1 MB); an item with more pairs is stored without them (NULL) and checked the old way.</summary>
    public const int MaxBytes = 1_000_000;

    /// <summary>The distinct adjacent pairs of each field of <paramref name="text"/> (never across fields), or null when there are too many to store.</summary>
    public static string[]? Of(IndexedText text)
    {
        var pairs = new HashSet<string>(StringComparer.Ordinal);
        var bytes = 0L;
        foreach (var field in new[] { text.Subject, text.Body, text.AttachmentNames, text.AttachmentText })
        {
            // The fields are already normalized (SearchText.Normalize): tokens separated by single spaces.
            var tokens = field.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var k = 1; k < tokens.Length; k++)
            {
                var pair = tokens[k - 1] + " " + tokens[k];
                if (pairs.Add(pair))
                {
                    bytes += Encoding.UTF8.GetByteCount(pair);
                    if (bytes > MaxBytes)
                    {
                        return null;
                    }
                }
            }
        }
        return [.. pairs];
    }

    /// <summary>
    /// The tsquery text (for <c>::tsquery</c>, no parsing) that an item holding the phrase of
    /// <paramref name="match"/> must meet in its pairs: each adjacent pair, the last one a prefix
    /// when the phrase ends in *; null for a single word (no pairs).
    /// </summary>
    public static string? Query(TextMatch match)
    {
        if (match.Tokens.Count < 2)
        {
            return null;
        }
        var parts = new List<string>();
        for (var k = 1; k < match.Tokens.Count; k++)
        {
            // Tokens are letters and digits only: nothing in them needs quoting.
            var last = k == match.Tokens.Count - 1;
            parts.Add("'" + match.Tokens[k - 1] + " " + match.Tokens[k] + "'" + (match.Prefix && last ? ":*" : string.Empty));
        }
        return string.Join(" & ", parts);
    }
}
