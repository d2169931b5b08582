namespace MimecastJournaling.Engine.Parsing;

/// <summary>
/// MimeKit 4.18 takes super-linear time on a huge header block (one multi-megabyte header line, or
/// a header folded over hundreds of thousands of lines: 2 MB of folds take about 10 s). Real header
/// blocks are a few kilobytes to a few hundred. This linear pre-scan finds header blocks (the top
/// one, those after a boundary-like line, and those of embedded messages) and reports whether one
/// is larger than <see cref="MaxHeaderBlockBytes"/>. It over-approximates: a body line that merely
/// looks like a boundary also starts a "header block".
/// </summary>
internal static class HeaderBlockGuard
{
    internal const int MaxHeaderBlockBytes = 512 * 1024;

    internal static bool HasOversizedHeaderBlock(ReadOnlySpan<byte> data)
    {
        var inHeader = true;
        var blockBytes = 0L;
        var blockMentionsMessage = false;
        var blockIsEncoded = false;
        var position = 0;
        while (position < data.Length)
        {
            var newline = data.Slice(position).IndexOf((byte)'\n');
            var end = newline < 0 ? data.Length : position + newline;
            var line = data.Slice(position, end - position);
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line.Slice(0, line.Length - 1);
            }
            if (line.Length == 0)
            {
                // End of a header block; an embedded message's headers follow a message/* part header.
                if (inHeader)
                {
                    // An encoded message part's body is base64 or quoted-printable text, not headers;
                    // the parser checks the decoded message's headers itself (DescribeFile).
                    inHeader = blockMentionsMessage && !blockIsEncoded;
                    blockBytes = 0;
                    blockMentionsMessage = false;
                    blockIsEncoded = false;
                }
            }
            else if (IsBoundaryLike(line))
            {
                inHeader = true;
                blockBytes = 0;
                blockMentionsMessage = false;
                blockIsEncoded = false;
            }
            else if (inHeader)
            {
                blockBytes += line.Length + 1;
                if (blockBytes > MaxHeaderBlockBytes)
                {
                    return true;
                }
                if (!blockMentionsMessage && (line.IndexOf("essage/"u8) >= 0 || line.IndexOf("ESSAGE/"u8) >= 0))
                {
                    blockMentionsMessage = true;
                }
                if (!blockIsEncoded && IsEncodedTransfer(line))
                {
                    blockIsEncoded = true;
                }
            }
            position = end + 1;
        }
        return false;
    }

    private static bool IsEncodedTransfer(ReadOnlySpan<byte> line)
    {
        const string field = "content-transfer-encoding:";
        if (line.Length < field.Length)
        {
            return false;
        }
        for (var i = 0; i < field.Length; i++)
        {
            if ((line[i] | 0x20) != field[i])
            {
                return false;
            }
        }
        var value = line[field.Length..].Trim((byte)' ').Trim((byte)'\t');
        return value.Length > 0 && ((value[0] | 0x20) == 'b' || (value[0] | 0x20) == 'q');
    }

    // "--" followed by a boundary (which cannot end in a space; a "-- " signature is not one).
    private static bool IsBoundaryLike(ReadOnlySpan<byte> line) =>
        line.Length >= 3 && line[0] == (byte)'-' && line[1] == (byte)'-' && line[^1] != (byte)' ';
}
