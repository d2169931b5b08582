using System.Buffers;
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
    private static readonly byte[][] IdentityHeaders =
        new[] { "from", "date", "subject", "message-id", "to", "cc" }.Select(Encoding.ASCII.GetBytes).ToArray();

    public static string Compute(ReadOnlySpan<byte> message)
    {
        var headerEnd = FindHeaderEnd(message, out var bodyStart);
        var headers = message[..headerEnd];
        var body = TrimTrailingLineEnds(message[bodyStart..]);
        var buffer = ArrayPool<byte>.Shared.Rent(headers.Length + 128);
        try
        {
            // The identity headers (unfolded, spaces collapsed), then the body with CRLF turned
            // into LF so CRLF and LF copies of one message agree. Hashed as it goes: a copy of a
            // 25 MB body would stay in the shared pool for good.
            var length = 0;
            foreach (var name in IdentityHeaders)
            {
                length += AppendHeader(headers, name, buffer.AsSpan(length));
            }
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(buffer.AsSpan(0, length));
            var rest = body;
            while (!rest.IsEmpty)
            {
                var cr = rest.IndexOf((byte)'\r');
                hash.AppendData(cr < 0 ? rest : rest[..cr]);
                rest = cr < 0 ? ReadOnlySpan<byte>.Empty : rest[(cr + 1)..];
            }
            return Convert.ToHexString(hash.GetCurrentHash()).ToLowerInvariant();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>SHA-256 of the exact bytes, hex; the blob key.</summary>
    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private static int FindHeaderEnd(ReadOnlySpan<byte> message, out int bodyStart)
    {
        var i = 0;
        while (true)
        {
            var next = message[i..].IndexOf((byte)'\n');
            if (next < 0)
            {
                bodyStart = message.Length;
                return message.Length;
            }
            i += next + 1;
            if (i < message.Length && message[i] == (byte)'\n')
            {
                bodyStart = i + 1;
                return i;
            }
            if (i + 1 < message.Length && message[i] == (byte)'\r' && message[i + 1] == (byte)'\n')
            {
                bodyStart = i + 2;
                return i;
            }
        }
    }

    private static ReadOnlySpan<byte> TrimTrailingLineEnds(ReadOnlySpan<byte> body)
    {
        var end = body.Length;
        while (end > 0 && (body[end - 1] == (byte)'\n' || body[end - 1] == (byte)'\r'))
        {
            end--;
        }
        return body[..end];
    }

    /// <summary>Writes "name:value\n" for the first header called <paramref name="name"/>: unfolded, white space collapsed.</summary>
    private static int AppendHeader(ReadOnlySpan<byte> headers, byte[] name, Span<byte> output)
    {
        var written = 0;
        name.CopyTo(output);
        written += name.Length;
        output[written++] = (byte)':';
        var lineStart = 0;
        while (lineStart < headers.Length)
        {
            var lineEnd = headers[lineStart..].IndexOf((byte)'\n');
            lineEnd = lineEnd < 0 ? headers.Length : lineStart + lineEnd;
            var line = headers[lineStart..lineEnd];
            if (line.Length > name.Length && line[name.Length] == (byte)':' && Ascii.EqualsIgnoreCase(line[..name.Length], name))
            {
                // The value runs on over continuation lines (those starting with a space or tab).
                var valueEnd = lineEnd;
                while (valueEnd + 1 < headers.Length && (headers[valueEnd + 1] == (byte)' ' || headers[valueEnd + 1] == (byte)'\t'))
                {
                    var more = headers[(valueEnd + 1)..].IndexOf((byte)'\n');
                    valueEnd = more < 0 ? headers.Length : valueEnd + 1 + more;
                }
                var pendingSpace = false;
                foreach (var b in headers[(lineStart + name.Length + 1)..valueEnd])
                {
                    if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                    {
                        pendingSpace = written > name.Length + 1;
                        continue;
                    }
                    if (pendingSpace)
                    {
                        output[written++] = (byte)' ';
                        pendingSpace = false;
                    }
                    output[written++] = b;
                }
                break;
            }
            lineStart = lineEnd + 1;
        }
        output[written++] = (byte)'\n';
        return written;
    }
}
