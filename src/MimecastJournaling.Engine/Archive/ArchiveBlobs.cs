namespace MimecastJournaling.Engine.Archive;

/// <summary>
/// What goes into the archive's content-addressed blobs, the same for every backend: a message
/// (original or clear-text copy) is stored once, Brotli-compressed; a report is stored as what
/// its messages do not already hold (<see cref="ReportBlob"/>), after those messages, so that it
/// reads back byte for byte. The backend only answers <see cref="IArchiveWriteTransaction.HasBlob"/>
/// and stores what it is given.
/// </summary>
internal static class ArchiveBlobs
{
    /// <summary>Stores an original message or a clear-text copy once; returns its hash.</summary>
    public static string PutMessage(IArchiveWriteTransaction t, ReadOnlySpan<byte> message)
    {
        var hash = ContentFingerprint.Sha256(message);
        if (!t.HasBlob(hash))
        {
            t.InsertBlob(hash, message.Length, BlobCodec.Brotli, BlobCodec.Compress(message));
        }
        return hash;
    }

    /// <summary>Stores a received report (its messages first, then its residue); returns the report's hash.</summary>
    /// <param name="hash">The report's SHA-256 (<see cref="ContentFingerprint.Sha256"/>), computed already.</param>
    public static string PutReport(IArchiveWriteTransaction t, ArchiveSubmission s, string hash)
    {
        if (!t.HasBlob(hash))
        {
            var messages = ReportBlob.MessagesToStore(s).Select(m => new ReportResidue.Part(PutMessage(t, m.Span), m)).ToList();
            var (codec, data) = ReportBlob.Encode(s.RawReport.Span, messages);
            t.InsertBlob(hash, s.RawReport.Length, codec, data);
        }
        return hash;
    }
}
