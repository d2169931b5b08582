using System.Globalization;
using System.Text;

namespace MimecastJournaling.Engine.Export;

/// <summary>
/// The mboxrd flavour of mbox: every message starts with a "From " separator line; inside a
/// message, a line that starts with "From " after any number of '&gt;' gets one more '&gt;', so
/// readers can undo the quoting exactly (unlike mboxo). Message bytes are otherwise kept as they
/// are (CRLF stays CRLF); a message gets a final line break if it had none, then one empty line.
/// </summary>
public static class Mboxrd
{
    private static readonly byte[] FromSpace = "From "u8.ToArray();

    /// <summary>The separator line: "From sender asctime-date" (UTC), ending in LF.</summary>
    public static byte[] SeparatorLine(string? sender, DateTimeOffset date)
    {
        var who = string.IsNullOrEmpty(sender) || sender.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c > '~')
            ? "MAILER-DAEMON"
            : sender;
        var utc = date.UtcDateTime;
        var text = string.Create(CultureInfo.InvariantCulture, $"From {who} {utc:ddd MMM} {utc.Day,2} {utc:HH:mm:ss yyyy}\n");
        return Encoding.ASCII.GetBytes(text);
    }

    /// <summary>Writes one message (separator, quoted content, closing empty line); returns whether a final line break was added.</summary>
    public static bool Write(Stream output, string? sender, DateTimeOffset date, ReadOnlySpan<byte> message)
    {
        output.Write(SeparatorLine(sender, date));
        var position = 0;
        while (position < message.Length)
        {
            var newline = message[position..].IndexOf((byte)'\n');
            var end = newline < 0 ? message.Length : position + newline + 1;
            var line = message[position..end];
            if (NeedsQuote(line))
            {
                output.WriteByte((byte)'>');
            }
            output.Write(line);
            position = end;
        }
        var added = message.Length == 0 || message[^1] != (byte)'\n';
        var lineEnd = message.Length >= 2 && message[^2] == (byte)'\r' && !added ? "\r\n"u8 : "\n"u8;
        if (added)
        {
            output.Write(lineEnd);
        }
        output.Write(lineEnd);
        return added;
    }

    /// <summary>A line of the form "&gt;*From " (it would read as a separator, or is one quoted).</summary>
    private static bool NeedsQuote(ReadOnlySpan<byte> line)
    {
        var i = 0;
        while (i < line.Length && line[i] == (byte)'>')
        {
            i++;
        }
        return line[i..].StartsWith(FromSpace);
    }

    /// <summary>
    /// Splits an mboxrd file back into its messages, unquoted, each without the closing empty line
    /// this writer adds (a final line break that the writer added stays; the caller knows which).
    /// </summary>
    public static IReadOnlyList<byte[]> Read(ReadOnlySpan<byte> mbox)
    {
        var messages = new List<byte[]>();
        MemoryStream? current = null;
        var position = 0;
        while (position < mbox.Length)
        {
            var newline = mbox[position..].IndexOf((byte)'\n');
            var end = newline < 0 ? mbox.Length : position + newline + 1;
            var line = mbox[position..end];
            if (line.StartsWith(FromSpace))
            {
                if (current is not null)
                {
                    messages.Add(Close(current));
                }
                current = new MemoryStream();
            }
            else if (current is not null)
            {
                var quotes = 0;
                while (quotes < line.Length && line[quotes] == (byte)'>')
                {
                    quotes++;
                }
                current.Write(quotes > 0 && line[quotes..].StartsWith(FromSpace) ? line[1..] : line);
            }
            else
            {
                throw new InvalidDataException("The mbox file does not start with a \"From \" separator line.");
            }
            position = end;
        }
        if (current is not null)
        {
            messages.Add(Close(current));
        }
        return messages;
    }

    /// <summary>Drops the one empty line (LF or CRLF) that closes a message.</summary>
    private static byte[] Close(MemoryStream message)
    {
        var bytes = message.ToArray();
        if (bytes.Length >= 2 && bytes[^1] == (byte)'\n' && bytes[^2] == (byte)'\r' && EndsWithLineBreak(bytes.AsSpan(0, bytes.Length - 2)))
        {
            return bytes[..^2];
        }
        if (bytes.Length >= 1 && bytes[^1] == (byte)'\n' && EndsWithLineBreak(bytes.AsSpan(0, bytes.Length - 1)))
        {
            return bytes[..^1];
        }
        return bytes;
    }

    private static bool EndsWithLineBreak(ReadOnlySpan<byte> bytes) => bytes.Length > 0 && bytes[^1] == (byte)'\n';
}
