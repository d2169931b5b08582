using System.Buffers;
using System.IO.Compression;

namespace MimecastJournaling.Engine.Archive;

/// <summary>Compression of stored messages (Brotli at its fastest level: nearly the ratio of level 3 at a third of the cost, so writes keep up with ingest).</summary>
public static class BlobCodec
{
    public const string Brotli = "br";
    private const int Quality = 1;
    private const int Window = 22;

    public static byte[] Compress(ReadOnlySpan<byte> data)
    {
        if (data.Length <= OneShotLimit)
        {
            var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(data.Length)];
            if (!BrotliEncoder.TryCompress(data, buffer, out var written, Quality, Window))
            {
                throw new InvalidOperationException("Brotli compression failed for a buffer of its maximum compressed size.");
            }
            return buffer.AsSpan(0, written).ToArray();
        }
        // A large message: compress in steps through a small buffer, so memory grows with the
        // compressed size instead of holding another buffer as large as the message.
        using var encoder = new BrotliEncoder(Quality, Window);
        using var output = new MemoryStream();
        var chunk = new byte[StepSize];
        while (true)
        {
            var final = data.Length <= StepSize;
            var source = data[..Math.Min(data.Length, StepSize)];
            OperationStatus status;
            do
            {
                status = encoder.Compress(source, chunk, out var consumed, out var written, final);
                output.Write(chunk, 0, written);
                source = source[consumed..];
                data = data[consumed..];
                if (status is OperationStatus.InvalidData)
                {
                    throw new InvalidOperationException("Brotli compression failed.");
                }
            }
            while (status == OperationStatus.DestinationTooSmall || (!source.IsEmpty && status == OperationStatus.Done));
            if (final && data.IsEmpty && status == OperationStatus.Done)
            {
                return output.ToArray();
            }
        }
    }

    private const int OneShotLimit = 4 * 1024 * 1024;
    private const int StepSize = 256 * 1024;

    public static byte[] Decompress(string codec, byte[] stored, long originalSize)
    {
        if (codec != Brotli)
        {
            throw new InvalidDataException($"Unknown blob compression '{codec}'.");
        }
        var output = new byte[originalSize];
        if (!BrotliDecoder.TryDecompress(stored, output, out var written) || written != originalSize)
        {
            throw new InvalidDataException("A stored message is damaged: it does not decompress to its recorded size.");
        }
        return output;
    }
}
