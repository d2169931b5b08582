using System.Text;

namespace MimecastJournaling.Engine.Parsing;

/// <summary>
/// Reads fields of a message's top-level header block straight from its bytes, without a MIME
/// parse: the header block ends at the first empty line (CRLF or bare LF), folded lines are
/// unfolded, and reading stops after <see cref="HeaderBlockGuard.MaxHeaderBlockBytes"/>.
/// Used where a decision needs one or two header fields of a report that may be large or hostile.
/// </summary>
public static class TopHeaders
{
    /// <summary>Every value of the fields named <paramref name="names"/> (case-insensitive), in order, trimmed.</summary>
    public static IReadOnlyList<(string Name, string Value)> Values(ReadOnlySpan<byte> message, IReadOnlyCollection<string> names)
    {
        var found = new List<(string, string)>();
        var limit = Math.Min(message.Length, HeaderBlockGuard.MaxHeaderBlockBytes);
        var block = message[..limit];
        string? currentName = null;
        StringBuilder? currentValue = null;
        void Flush()
        {
            if (currentName is not null && currentValue is not null)
            {
                found.Add((currentName, currentValue.ToString().Trim()));
            }
            currentName = null;
            currentValue = null;
        }
        var position = 0;
        while (position < block.Length)
        {
            var newline = block[position..].IndexOf((byte)'\n');
            if (newline < 0 && limit < message.Length)
            {
                // The block goes on beyond the limit: what was read so far is all there is.
                break;
            }
            var end = newline < 0 ? block.Length : position + newline;
            var line = block[position..end];
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }
            position = end + 1;
            if (line.IsEmpty)
            {
                break;
            }
            if (line[0] is (byte)' ' or (byte)'\t')
            {
                currentValue?.Append(' ').Append(Latin1(line.Trim((byte)' ').Trim((byte)'\t')));
                continue;
            }
            Flush();
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }
            var name = Latin1(line[..colon]).TrimEnd();
            foreach (var wanted in names)
            {
                if (name.Equals(wanted, StringComparison.OrdinalIgnoreCase))
                {
                    currentName = wanted;
                    currentValue = new StringBuilder(Latin1(line[(colon + 1)..]));
                    break;
                }
            }
        }
        Flush();
        return found;
    }

    private static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);
}
