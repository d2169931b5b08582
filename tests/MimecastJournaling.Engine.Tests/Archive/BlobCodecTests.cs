using System.Text;
using MimecastJournaling.Engine.Archive;

namespace MimecastJournaling.Engine.Tests.Archive;

public sealed class BlobCodecTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4 * 1024 * 1024)]          // the largest one-shot size
    [InlineData(4 * 1024 * 1024 + 1)]      // the smallest stepped size
    [InlineData(9 * 1024 * 1024 + 12345)]  // several steps and a partial last one
    public void Compressed_content_comes_back_byte_for_byte(int size)
    {
        // Text that compresses well, with random stretches that do not.
        var random = new Random(size);
        var data = new byte[size];
        var text = Encoding.ASCII.GetBytes("Received: from mail.contoso.com by journal.contoso.com; ");
        for (var i = 0; i < size; i++)
        {
            data[i] = (i / 65536) % 3 == 0 ? (byte)random.Next(256) : text[i % text.Length];
        }

        var stored = BlobCodec.Compress(data);

        Assert.True(size < 1024 || stored.Length < size, $"{stored.Length} bytes stored for {size}");
        Assert.Equal(data, BlobCodec.Decompress(BlobCodec.Brotli, stored, size));
    }
}
