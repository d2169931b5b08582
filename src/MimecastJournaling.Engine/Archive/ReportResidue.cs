using System.Buffers;
using System.Buffers.Text;

namespace MimecastJournaling.Engine.Archive;

/// <summary>
/// A journal report without the messages it embeds: the bytes around them (report headers,
/// envelope part, MIME part headers, boundaries) plus, for each embedded message, a reference
/// (its SHA-256 and length) and exactly how it was written into the report — as it is, or
/// base64 (line length and line ends, or every break when they are irregular), or
/// quoted-printable (every escape that differs from the usual choice, every soft line break).
/// <see cref="Reconstruct"/> rebuilds the report byte for byte from the residue and the messages.
/// Pure code: no storage, no parsing of MIME; a message is found by its bytes, wherever it is.
/// </summary>
/// <remarks>
/// Format 1: "MJRR", version byte, report length, reference count, per reference 32 bytes of
/// SHA-256 and the length, then operations (a byte and its arguments, numbers as 7-bit varints)
/// up to End. A message that cannot be found or reproduced exactly is left in the residue as
/// literal bytes; <see cref="Create"/> returns null when no message was taken out, and also
/// when its own round trip does not give the report back (it checks every residue it makes).
/// </remarks>
public static class ReportResidue
{
    /// <summary>A message stored on its own, keyed by the SHA-256 of <see cref="Content"/> (lowercase hex, as the blob key).</summary>
    public sealed record Part(string Hash, ReadOnlyMemory<byte> Content);

    private static ReadOnlySpan<byte> Magic => "MJRR"u8;
    private const byte Version = 1;

    /// <summary>Messages shorter than this stay in the residue: a reference costs about 40 bytes.</summary>
    public const int MinimumPartLength = 128;

    // How many places where a message's first bytes occur are tried before giving up on that form
    // (bounds the work a hostile report can cause; a message not found is simply kept in the residue).
    private const int MaxCandidates = 8;
    private const int PrefixLength = 16;

    private enum Op : byte
    {
        End = 0,
        Literal = 1,
        Copy = 2,
        Base64Lines = 3,
        Base64Breaks = 4,
        QuotedPrintable = 5,
    }

    // Quoted-printable classes of one byte: written as it is, or as =XY with upper- or lower-case hex digits.
    private const byte AsIs = 0;
    private const byte EscapedUpper = 1;
    private const byte EscapedLower = 2;

    private sealed record Match(int Start, int End, int Part, Op Op, byte[] Arguments);

    /// <summary>
    /// The residue of <paramref name="report"/> with every part it embeds taken out, or null when
    /// none could be (the report is then stored whole). Verified: reconstructing the residue
    /// with <paramref name="parts"/> gives <paramref name="report"/> exactly, or the answer is null.
    /// </summary>
    public static byte[]? Create(ReadOnlySpan<byte> report, IReadOnlyList<Part> parts)
    {
        var matches = new List<Match>();
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i].Content.Length >= MinimumPartLength && Locate(report, parts[i].Content.Span, i, matches) is { } match)
            {
                matches.Add(match);
            }
        }
        if (matches.Count == 0)
        {
            return null;
        }
        matches.Sort((a, b) => a.Start.CompareTo(b.Start));

        var output = new ArrayBufferWriter<byte>(1024);
        output.Write(Magic);
        output.Write([Version]);
        WriteNumber(output, report.Length);
        var referenced = matches.Select(m => m.Part).Distinct().ToList();
        WriteNumber(output, referenced.Count);
        foreach (var index in referenced)
        {
            var hash = Convert.FromHexString(parts[index].Hash);
            if (hash.Length != 32)
            {
                throw new ArgumentException($"Part {index} has a hash of {hash.Length} bytes; a SHA-256 (32 bytes, hex) is expected.", nameof(parts));
            }
            output.Write(hash);
            WriteNumber(output, parts[index].Content.Length);
        }
        var position = 0;
        foreach (var match in matches)
        {
            WriteLiteral(output, report[position..match.Start]);
            output.Write([(byte)match.Op]);
            WriteNumber(output, referenced.IndexOf(match.Part));
            output.Write(match.Arguments);
            position = match.End;
        }
        WriteLiteral(output, report[position..]);
        output.Write([(byte)Op.End]);

        var residue = output.WrittenSpan.ToArray();
        byte[] rebuilt;
        try
        {
            var byHash = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
            foreach (var i in referenced)
            {
                byHash.TryAdd(parts[i].Hash.ToLowerInvariant(), parts[i].Content);
            }
            rebuilt = Reconstruct(residue, hash => byHash[hash]);
        }
#pragma warning disable CA1031 // a residue that does not read back is not used: the report is stored whole
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
        return rebuilt.AsSpan().SequenceEqual(report) ? residue : null;
    }

    /// <summary>The messages a residue refers to: their hashes (lowercase hex) and lengths.</summary>
    public static IReadOnlyList<(string Hash, long Length)> References(ReadOnlySpan<byte> residue)
    {
        var reader = new Reader(residue);
        ReadHeader(ref reader, out _, out var references);
        return references;
    }

    /// <summary>
    /// The report again, from its residue and the messages it refers to (<paramref name="part"/>
    /// gives a message's bytes by its hash). Throws <see cref="InvalidDataException"/> for a
    /// damaged residue or a message of the wrong length.
    /// </summary>
    public static byte[] Reconstruct(ReadOnlySpan<byte> residue, Func<string, ReadOnlyMemory<byte>> part)
    {
        var reader = new Reader(residue);
        ReadHeader(ref reader, out var length, out var references);
        var contents = new ReadOnlyMemory<byte>[references.Count];
        for (var i = 0; i < references.Count; i++)
        {
            contents[i] = part(references[i].Hash);
            if (contents[i].Length != references[i].Length)
            {
                throw new InvalidDataException($"A stored report refers to a message of {references[i].Length} bytes, but {contents[i].Length} bytes were found under its hash.");
            }
        }
        var output = new byte[length];
        var at = 0;
        void Emit(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length > output.Length - at)
            {
                throw new InvalidDataException("A stored report's residue rebuilds more bytes than the report had.");
            }
            bytes.CopyTo(output.AsSpan(at));
            at += bytes.Length;
        }
        while (true)
        {
            var op = (Op)reader.Byte();
            if (op == Op.End)
            {
                break;
            }
            if (op == Op.Literal)
            {
                Emit(reader.Bytes(reader.Int()));
                continue;
            }
            var index = reader.Int();
            if (index >= contents.Length)
            {
                throw new InvalidDataException("A stored report's residue refers to a message it does not list.");
            }
            var content = contents[index].Span;
            switch (op)
            {
                case Op.Copy:
                    Emit(content);
                    break;
                case Op.Base64Lines:
                {
                    var lineLength = reader.Int();
                    var eol = reader.Bytes(reader.Int());
                    var encoded = Base64Of(content);
                    for (var start = 0; start < encoded.Length; start += lineLength == 0 ? encoded.Length : lineLength)
                    {
                        if (start > 0)
                        {
                            Emit(eol);
                        }
                        Emit(encoded.AsSpan(start, lineLength == 0 ? encoded.Length : Math.Min(lineLength, encoded.Length - start)));
                    }
                    break;
                }
                case Op.Base64Breaks:
                {
                    var encoded = Base64Of(content);
                    var count = reader.Int();
                    var start = 0;
                    for (var b = 0; b < count; b++)
                    {
                        var next = start + reader.Int();
                        if (next > encoded.Length)
                        {
                            throw new InvalidDataException("A stored report's residue places a line break outside its message.");
                        }
                        Emit(encoded.AsSpan(start, next - start));
                        Emit(reader.Bytes(reader.Int()));
                        start = next;
                    }
                    Emit(encoded.AsSpan(start));
                    break;
                }
                case Op.QuotedPrintable:
                    EmitQuotedPrintable(ref reader, content, Emit);
                    break;
                default:
                    throw new InvalidDataException($"A stored report's residue has an unknown operation {(byte)op}.");
            }
        }
        if (at != output.Length)
        {
            throw new InvalidDataException($"A stored report's residue rebuilds {at} bytes; the report had {output.Length}.");
        }
        return output;
    }

    private delegate void Emitter(ReadOnlySpan<byte> bytes);

    private static void EmitQuotedPrintable(ref Reader reader, ReadOnlySpan<byte> content, Emitter emit)
    {
        var usual = reader.Byte();
        if (usual is not (EscapedUpper or EscapedLower))
        {
            throw new InvalidDataException("A stored report's residue has an unknown quoted-printable escape form.");
        }
        var exceptionCount = reader.Int();
        var exceptions = new (int Position, byte Class)[exceptionCount];
        for (int e = 0, position = 0; e < exceptionCount; e++)
        {
            position += reader.Int();
            exceptions[e] = (position, reader.Byte());
            if (exceptions[e].Class > EscapedLower || (e > 0 && exceptions[e].Position == exceptions[e - 1].Position))
            {
                throw new InvalidDataException("A stored report's residue has a damaged quoted-printable exception list.");
            }
        }
        var softCount = reader.Int();
        var softBreaks = new (int Position, bool Lf)[softCount];
        for (int s = 0, position = 0; s < softCount; s++)
        {
            position += reader.Int();
            softBreaks[s] = (position, reader.Byte() == 1);
        }
        int nextException = 0, nextSoft = 0;
        Span<byte> escape = stackalloc byte[3];
        escape[0] = (byte)'=';
        for (var i = 0; i < content.Length; i++)
        {
            while (nextSoft < softBreaks.Length && softBreaks[nextSoft].Position == i)
            {
                emit(softBreaks[nextSoft++].Lf ? "=\n"u8 : "=\r\n"u8);
            }
            var cls = PredictedQuotedPrintable(content, i, usual);
            if (nextException < exceptions.Length && exceptions[nextException].Position == i)
            {
                cls = exceptions[nextException++].Class;
            }
            if (cls == AsIs)
            {
                emit(content.Slice(i, 1));
                continue;
            }
            var digits = cls == EscapedLower ? "0123456789abcdef"u8 : "0123456789ABCDEF"u8;
            escape[1] = digits[content[i] >> 4];
            escape[2] = digits[content[i] & 0xF];
            emit(escape);
        }
        if (nextSoft != softBreaks.Length || nextException != exceptions.Length)
        {
            throw new InvalidDataException("A stored report's residue has quoted-printable details beyond the end of its message.");
        }
    }

    /// <summary>How a quoted-printable encoder usually writes byte <paramref name="i"/>; only the differences are stored.</summary>
    private static byte PredictedQuotedPrintable(ReadOnlySpan<byte> content, int i, byte escaped)
    {
        var b = content[i];
        if ((b >= 33 && b <= 126 && b != (byte)'=') || b == (byte)'\r' || b == (byte)'\n')
        {
            return AsIs;
        }
        if (b is (byte)' ' or (byte)'\t')
        {
            // White space at the end of a line is escaped (a decoder would drop it).
            return i + 1 < content.Length && content[i + 1] is not ((byte)'\r' or (byte)'\n') ? AsIs : escaped;
        }
        return escaped;
    }

    private static Match? Locate(ReadOnlySpan<byte> report, ReadOnlySpan<byte> part, int index, List<Match> taken)
    {
        bool Free(int start, int end) => taken.All(m => end <= m.Start || start >= m.End);

        // The parser hands out a slice of the report: its offset is known without searching.
        if (report.Overlaps(part, out var offset) && offset >= 0 && offset + part.Length <= report.Length && Free(offset, offset + part.Length))
        {
            return new Match(offset, offset + part.Length, index, Op.Copy, []);
        }
        // Elsewhere as it is: found by its first bytes, a few places at most, so a hostile report
        // (one byte repeated for megabytes) costs a few passes, not one comparison per position.
        var prefix = part[..Math.Min(PrefixLength, part.Length)];
        var candidates = 0;
        for (var from = 0; from <= report.Length - part.Length && candidates < MaxCandidates; candidates++)
        {
            var found = report[from..].IndexOf(prefix);
            if (found < 0)
            {
                break;
            }
            var start = from + found;
            if (report.Length - start >= part.Length && report.Slice(start, part.Length).SequenceEqual(part) && Free(start, start + part.Length))
            {
                return new Match(start, start + part.Length, index, Op.Copy, []);
            }
            from = start + 1;
        }
        return LocateBase64(report, part, index, Free) ?? LocateQuotedPrintable(report, part, index, Free);
    }

    private static Match? LocateBase64(ReadOnlySpan<byte> report, ReadOnlySpan<byte> part, int index, Func<int, int, bool> free)
    {
        var encoded = Base64Of(part);
        var prefix = encoded.AsSpan(0, Math.Min(PrefixLength, encoded.Length));
        var candidates = 0;
        for (var from = 0; from < report.Length && candidates < MaxCandidates; candidates++)
        {
            var found = report[from..].IndexOf(prefix);
            if (found < 0)
            {
                return null;
            }
            var start = from + found;
            from = start + 1;
            // Walk the encoded text: its characters in order, with runs of line-break and blank bytes between them.
            var breaks = new List<(int Position, int Start, int End)>();
            int i = 0, p = start;
            while (i < encoded.Length && p < report.Length)
            {
                if (report[p] == encoded[i])
                {
                    i++;
                    p++;
                }
                else if (i > 0 && IsBreakByte(report[p]))
                {
                    var runStart = p;
                    while (p < report.Length && IsBreakByte(report[p]))
                    {
                        p++;
                    }
                    breaks.Add((i, runStart, p));
                    if (p < report.Length && report[p] != encoded[i])
                    {
                        break;
                    }
                }
                else
                {
                    break;
                }
            }
            if (i < encoded.Length || !free(start, p))
            {
                continue;
            }
            var arguments = new ArrayBufferWriter<byte>();
            if (RegularLines(report, breaks, encoded.Length) is { } lineLength)
            {
                WriteNumber(arguments, lineLength);
                var eol = breaks.Count == 0 ? ReadOnlySpan<byte>.Empty : report[breaks[0].Start..breaks[0].End];
                WriteNumber(arguments, eol.Length);
                arguments.Write(eol);
                return new Match(start, p, index, Op.Base64Lines, arguments.WrittenSpan.ToArray());
            }
            WriteNumber(arguments, breaks.Count);
            var previous = 0;
            foreach (var (position, runStart, runEnd) in breaks)
            {
                WriteNumber(arguments, position - previous);
                WriteNumber(arguments, runEnd - runStart);
                arguments.Write(report[runStart..runEnd]);
                previous = position;
            }
            return new Match(start, p, index, Op.Base64Breaks, arguments.WrittenSpan.ToArray());
        }
        return null;
    }

    /// <summary>The line length when every line but the last has it and every break is the same bytes; else null.</summary>
    private static int? RegularLines(ReadOnlySpan<byte> report, List<(int Position, int Start, int End)> breaks, int encodedLength)
    {
        if (breaks.Count == 0)
        {
            return 0;
        }
        var lineLength = breaks[0].Position;
        if ((encodedLength - 1) / lineLength != breaks.Count)
        {
            return null;
        }
        var eol = report[breaks[0].Start..breaks[0].End];
        for (var k = 0; k < breaks.Count; k++)
        {
            if (breaks[k].Position != (k + 1) * lineLength || !report[breaks[k].Start..breaks[k].End].SequenceEqual(eol))
            {
                return null;
            }
        }
        return lineLength;
    }

    private static bool IsBreakByte(byte b) => b is (byte)'\r' or (byte)'\n' or (byte)' ' or (byte)'\t';

    private static Match? LocateQuotedPrintable(ReadOnlySpan<byte> report, ReadOnlySpan<byte> part, int index, Func<int, int, bool> free)
    {
        // The first bytes of the message as a quoted-printable encoder writes them (plain text), to find where it starts.
        var prefixLength = 0;
        while (prefixLength < Math.Min(PrefixLength, part.Length) && PredictedQuotedPrintable(part, prefixLength, EscapedUpper) == AsIs
            && part[prefixLength] is not ((byte)'\r' or (byte)'\n'))
        {
            prefixLength++;
        }
        if (prefixLength < 4)
        {
            return null;
        }
        var prefix = part[..prefixLength];
        var candidates = 0;
        for (var from = 0; from < report.Length && candidates < MaxCandidates; candidates++)
        {
            var found = report[from..].IndexOf(prefix);
            if (found < 0)
            {
                return null;
            }
            var start = from + found;
            from = start + 1;
            // Every escape with its hex case, every byte left plain where an escape was expected, every soft break.
            var escapes = new List<(int Position, byte Class)>();
            var plain = new List<int>();
            var softBreaks = new List<(int Position, byte Lf)>();
            int i = 0, p = start, lower = 0;
            while (i < part.Length && p < report.Length)
            {
                var c = report[p];
                if (c == (byte)'=')
                {
                    if (p + 1 < report.Length && report[p + 1] == (byte)'\n')
                    {
                        softBreaks.Add((i, 1));
                        p += 2;
                        continue;
                    }
                    if (p + 2 < report.Length && report[p + 1] == (byte)'\r' && report[p + 2] == (byte)'\n')
                    {
                        softBreaks.Add((i, 0));
                        p += 3;
                        continue;
                    }
                    if (p + 2 < report.Length && Hex(report[p + 1]) is { } high && Hex(report[p + 2]) is { } low
                        && (byte)(high.Value << 4 | low.Value) == part[i] && !(high.Lower && low.Upper) && !(high.Upper && low.Lower))
                    {
                        var cls = high.Lower || low.Lower ? EscapedLower : EscapedUpper;
                        lower += cls == EscapedLower ? 1 : 0;
                        escapes.Add((i, cls));
                        i++;
                        p += 3;
                        continue;
                    }
                    break;
                }
                if (c != part[i])
                {
                    break;
                }
                if (PredictedQuotedPrintable(part, i, EscapedUpper) != AsIs)
                {
                    plain.Add(i);
                }
                i++;
                p++;
            }
            if (i < part.Length || !free(start, p))
            {
                continue;
            }
            // The encoder's usual hex case is the one most escapes have; only the other choices are stored.
            var usual = lower * 2 > escapes.Count ? EscapedLower : EscapedUpper;
            var exceptions = new List<(int Position, byte Class)>();
            for (int e = 0, k = 0; e < escapes.Count || k < plain.Count;)
            {
                if (k < plain.Count && (e == escapes.Count || plain[k] < escapes[e].Position))
                {
                    exceptions.Add((plain[k++], AsIs));
                    continue;
                }
                var (position, cls) = escapes[e++];
                if (PredictedQuotedPrintable(part, position, usual) != cls)
                {
                    exceptions.Add((position, cls));
                }
            }
            var arguments = new ArrayBufferWriter<byte>();
            arguments.Write([usual]);
            WriteNumber(arguments, exceptions.Count);
            var previous = 0;
            foreach (var (position, cls) in exceptions)
            {
                WriteNumber(arguments, position - previous);
                arguments.Write([cls]);
                previous = position;
            }
            WriteNumber(arguments, softBreaks.Count);
            previous = 0;
            foreach (var (position, lf) in softBreaks)
            {
                WriteNumber(arguments, position - previous);
                arguments.Write([lf]);
                previous = position;
            }
            return new Match(start, p, index, Op.QuotedPrintable, arguments.WrittenSpan.ToArray());
        }
        return null;
    }

    private readonly record struct HexDigit(int Value, bool Upper, bool Lower);

    private static HexDigit? Hex(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => new HexDigit(b - '0', false, false),
        >= (byte)'A' and <= (byte)'F' => new HexDigit(b - 'A' + 10, true, false),
        >= (byte)'a' and <= (byte)'f' => new HexDigit(b - 'a' + 10, false, true),
        _ => null,
    };

    private static byte[] Base64Of(ReadOnlySpan<byte> content)
    {
        var encoded = new byte[Base64.GetMaxEncodedToUtf8Length(content.Length)];
        Base64.EncodeToUtf8(content, encoded, out _, out var written);
        return written == encoded.Length ? encoded : encoded[..written];
    }

    private static void WriteLiteral(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }
        output.Write([(byte)Op.Literal]);
        WriteNumber(output, bytes.Length);
        output.Write(bytes);
    }

    internal static void WriteNumber(ArrayBufferWriter<byte> output, long value)
    {
        var v = (ulong)value;
        Span<byte> buffer = stackalloc byte[10];
        var n = 0;
        while (v >= 0x80)
        {
            buffer[n++] = (byte)(v | 0x80);
            v >>= 7;
        }
        buffer[n++] = (byte)v;
        output.Write(buffer[..n]);
    }

    private static void ReadHeader(ref Reader reader, out int length, out List<(string Hash, long Length)> references)
    {
        if (!reader.Bytes(Magic.Length).SequenceEqual(Magic) || reader.Byte() != Version)
        {
            throw new InvalidDataException("A stored report's residue has an unknown format.");
        }
        length = reader.Int();
        var count = reader.Int();
        references = new List<(string Hash, long Length)>(Math.Min(count, 16));
        for (var i = 0; i < count; i++)
        {
            var hash = Convert.ToHexString(reader.Bytes(32)).ToLowerInvariant();
            references.Add((hash, reader.Int()));
        }
    }

    internal ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _data;
        private int _at;

        public Reader(ReadOnlySpan<byte> data)
        {
            _data = data;
            _at = 0;
        }

        public int Position => _at;

        public byte Byte() => _at < _data.Length ? _data[_at++] : throw Damaged();

        public ReadOnlySpan<byte> Bytes(int count)
        {
            if (count < 0 || count > _data.Length - _at)
            {
                throw Damaged();
            }
            var bytes = _data.Slice(_at, count);
            _at += count;
            return bytes;
        }

        public int Int()
        {
            ulong value = 0;
            for (var shift = 0; shift < 35; shift += 7)
            {
                var b = Byte();
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value <= int.MaxValue ? (int)value : throw Damaged();
                }
            }
            throw Damaged();
        }

        private static InvalidDataException Damaged() => new("A stored report's residue is damaged (it ends early or holds an impossible number).");
    }
}
