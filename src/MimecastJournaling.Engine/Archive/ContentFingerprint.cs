using System.Security.Cryptography;
using System.Text;

namespace MimecastJournaling.Engine.Archive;

/// <summary>
/// Identity of a message's content, independent of the transport headers each hop adds: the same
/// message journaled on-premises and in Exchange Online (hybrid double journaling) carries
/// different Received and X-MS-Exchange-* headers, yet is one item. Hashes the originator
/// headers (From, Date, Subject, Message-ID, To, Cc) and the body bytes with line ends normalised.
/// Two messages that share a Message-ID but differ in content get different fingerprints.
/// </summary>
public static class ContentFingerprint
{
    private static readonly string[] IdentityHeaders = ["from", "date", "subject", "message-id", "to", "cc"];

    public static string Compute(ReadOnlySpan<byte> message)
    {
        var headerEnd = FindHeaderEnd(message, out var bodyStart);
        var headers = message[..headerEnd];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var name in IdentityHeaders)
        {
            hash.AppendData(Encoding.ASCII.GetBytes(name + ":"));
            hash.AppendData(Encoding.UTF8.GetBytes(NormalizeSpace(HeaderValue(headers, name))));
            hash.AppendData("\n"u8);
        }
        AppendBodyNormalized(hash, message[bodyStart..]);
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>SHA-256 of the exact bytes, hex; the blob key.</summary>
    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private static int FindHeaderEnd(ReadOnlySpan<byte> message, out int bodyStart)
    {
        for (var i = 0; i < message.Length; i++)
        {
            if (message[i] != (byte)'\n')
            {
                continue;
            }
            if (i + 1 < message.Length && message[i + 1] == (byte)'\n')
            {
                bodyStart = i + 2;
                return i + 1;
            }
            if (i + 2 < message.Length && message[i + 1] == (byte)'\r' && message[i + 2] == (byte)'\n')
            {
                bodyStart = i + 3;
                return i + 1;
            }
        }
        bodyStart = message.Length;
        return message.Length;
    }

    /// <summary>The unfolded value of the first header <paramref name="name"/> (ASCII/UTF-8 as sent).</summary>
    private static string HeaderValue(ReadOnlySpan<byte> headers, string name)
    {
        var lineStart = 0;
        while (lineStart < headers.Length)
        {
            var lineEnd = headers[lineStart..].IndexOf((byte)'\n');
            lineEnd = lineEnd < 0 ? headers.Length : lineStart + lineEnd;
            var line = headers[lineStart..lineEnd];
            if (line.Length > name.Length && line[name.Length] == (byte)':' && Ascii.EqualsIgnoreCase(line[..name.Length], Encoding.ASCII.GetBytes(name)))
            {
                var value = new StringBuilder(Encoding.UTF8.GetString(line[(name.Length + 1)..]));
                var next = lineEnd + 1;
                while (next < headers.Length && (headers[next] == (byte)' ' || headers[next] == (byte)'\t'))
                {
                    var contEnd = headers[next..].IndexOf((byte)'\n');
                    contEnd = contEnd < 0 ? headers.Length : next + contEnd;
                    value.Append(' ').Append(Encoding.UTF8.GetString(headers[next..contEnd]));
                    next = contEnd + 1;
                }
                return value.ToString();
            }
            lineStart = lineEnd + 1;
        }
        return string.Empty;
    }

    private static string NormalizeSpace(string value) =>
        string.Join(' ', value.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    private static void AppendBodyNormalized(IncrementalHash hash, ReadOnlySpan<byte> body)
    {
        // CRLF and LF copies of one message hash alike; trailing blank lines do not count.
        var end = body.Length;
        while (end > 0 && (body[end - 1] == (byte)'\n' || body[end - 1] == (byte)'\r'))
        {
            end--;
        }
        var start = 0;
        for (var i = 0; i < end; i++)
        {
            if (body[i] == (byte)'\r' && i + 1 < end && body[i + 1] == (byte)'\n')
            {
                hash.AppendData(body[start..i]);
                start = i + 1;
            }
        }
        hash.AppendData(body[start..end]);
    }
}
