using System.Buffers;

namespace MimecastJournaling.Engine.Archive;

/// <summary>
/// How an archive backend stores a report's bytes so that each message is kept once: the
/// original and the clear-text copy are blobs of their own (content-addressed, as items refer to
/// them), and the report's blob holds only its <see cref="ReportResidue"/>, Brotli-compressed,
/// under the codec <see cref="ResidueCodec"/>. A report whose messages cannot be found or
/// reproduced exactly is stored whole (<see cref="BlobCodec.Brotli"/>), as every report was before.
/// Shared by every backend: write with <see cref="MessagesToStore"/> then <see cref="Encode"/>;
/// read every blob through <see cref="Decode"/>, which reads both forms. A message blob must be
/// kept as long as any residue refers to it (<see cref="ReportResidue.References"/>): a report
/// merged into an item whose original differs in its bytes refers to its own original's blob,
/// which no item row names.
/// </summary>
public static class ReportBlob
{
    /// <summary>The codec of a report stored as a residue (format 1), Brotli-compressed.</summary>
    public const string ResidueCodec = "br+residue1";

    /// <summary>
    /// The messages of a submission that the archive stores as blobs of their own, so the report
    /// may refer to them: the original and the clear-text copy of an accepted report (not the
    /// report itself, when it is its own original: a plain EML).
    /// </summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>> MessagesToStore(ArchiveSubmission s)
    {
        if (s.Disposition != ArchiveDisposition.Accept)
        {
            return [];
        }
        var messages = new List<ReadOnlyMemory<byte>>(2);
        foreach (var message in new[] { s.Original, s.ClearTextCopy })
        {
            if (!message.IsEmpty && !message.Span.SequenceEqual(s.RawReport.Span))
            {
                messages.Add(message);
            }
        }
        return messages;
    }

    /// <summary>
    /// The codec and bytes to store for <paramref name="report"/>, whose embedded messages are
    /// stored already (or in the same transaction) under their hashes. Never loses a byte: the
    /// residue is used only when it rebuilds the report exactly.
    /// </summary>
    public static (string Codec, byte[] Data) Encode(ReadOnlySpan<byte> report, IReadOnlyList<ReportResidue.Part> storedMessages)
    {
        if (storedMessages.Count > 0 && ReportResidue.Create(report, storedMessages) is { } residue)
        {
            // The residue's length first, so that reading it needs no guess of its size.
            var compressed = BlobCodec.Compress(residue);
            var data = new ArrayBufferWriter<byte>(compressed.Length + 5);
            ReportResidue.WriteNumber(data, residue.Length);
            data.Write(compressed);
            return (ResidueCodec, data.WrittenSpan.ToArray());
        }
        return (BlobCodec.Brotli, BlobCodec.Compress(report));
    }

    /// <summary>
    /// The bytes of a stored blob of either form. <paramref name="readBlob"/> gives another blob's
    /// bytes by its hash (through this method again), for the messages a residue refers to. A
    /// rebuilt report is checked against its hash (the blob key).
    /// </summary>
    public static byte[] Decode(string codec, byte[] stored, long size, string hash, Func<string, byte[]?> readBlob)
    {
        if (codec != ResidueCodec)
        {
            return BlobCodec.Decompress(codec, stored, size);
        }
        var reader = new ReportResidue.Reader(stored);
        var residueLength = reader.Int();
        var residue = BlobCodec.Decompress(BlobCodec.Brotli, stored[reader.Position..], residueLength);
        var report = ReportResidue.Reconstruct(residue, h => readBlob(h)
            ?? throw new InvalidDataException($"A stored report refers to message {h}, which is missing from the archive."));
        if (report.Length != size || !ContentFingerprint.Sha256(report).Equals(hash, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"A stored report ({hash}) does not rebuild to its recorded bytes.");
        }
        return report;
    }

    /// <summary>The hashes of the message blobs a stored report blob refers to (none for a report stored whole).</summary>
    public static IReadOnlyList<string> ReferencedMessages(string codec, byte[] stored)
    {
        if (codec != ResidueCodec)
        {
            return [];
        }
        var reader = new ReportResidue.Reader(stored);
        var residueLength = reader.Int();
        var residue = BlobCodec.Decompress(BlobCodec.Brotli, stored[reader.Position..], residueLength);
        return ReportResidue.References(residue).Select(r => r.Hash).ToList();
    }
}
