using System.Buffers;
using System.Text;
using MimecastJournaling.Engine.Listener;

namespace MimecastJournaling.Engine.Tests.Listener;

public sealed class DotUnstufferTests
{
    /// <summary>Feeds <paramref name="wire"/> in pieces of <paramref name="chunk"/> bytes, as reads would; returns the content and what followed the end.</summary>
    private static (string Content, string After, bool Ended) Run(string wire, int chunk)
    {
        var bytes = Encoding.ASCII.GetBytes(wire);
        var unstuffer = new DotUnstuffer();
        var content = new List<byte>();
        var position = 0;
        var pending = Array.Empty<byte>();
        while (position < bytes.Length || pending.Length > 0)
        {
            var take = Math.Min(chunk, bytes.Length - position);
            var buffer = pending.Concat(bytes.Skip(position).Take(take)).ToArray();
            position += take;
            var pieces = new List<ReadOnlyMemory<byte>>();
            var (consumed, ended) = unstuffer.Scan(new ReadOnlySequence<byte>(buffer), pieces);
            content.AddRange(pieces.SelectMany(p => p.ToArray()));
            if (ended)
            {
                return (Encoding.ASCII.GetString(content.ToArray()), Encoding.ASCII.GetString(buffer[(int)consumed..]) + Encoding.ASCII.GetString(bytes[position..]), true);
            }
            Assert.Equal(buffer.Length, consumed);
            pending = [];
            if (take == 0)
            {
                break;
            }
        }
        return (Encoding.ASCII.GetString(content.ToArray()), "", false);
    }

    public static TheoryData<string, string, string> Cases => new()
    {
        // wire (after the DATA line), content, what follows the end of data
        { "Subject: a\r\n\r\nbody\r\n.\r\n", "Subject: a\r\n\r\nbody\r\n", "" },
        { ".\r\n", "", "" },
        { "..leading dot\r\n.\r\nQUIT\r\n", ".leading dot\r\n", "QUIT\r\n" },
        { "...two\r\n..\r\n.\r\n", "..two\r\n.\r\n", "" },
        { "a\r\n.b\r\n.\r\n", "a\r\nb\r\n", "" },
        { "bare\n.\nstill content\r\n.\r\nMAIL FROM:<a@b>\r\n", "bare\n.\nstill content\r\n", "MAIL FROM:<a@b>\r\n" },
        { "x\r\n.\rnot the end\r\n.\r\n", "x\r\n\rnot the end\r\n", "" },
        { "cr\r\r\n.\r\n", "cr\r\r\n", "" },
        { "no end yet\r\n.", "no end yet\r\n", null! },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Finds_the_end_of_data_and_removes_stuffing_however_the_reads_split_the_bytes(string wire, string content, string? after)
    {
        for (var chunk = 1; chunk <= wire.Length; chunk++)
        {
            var result = Run(wire, chunk);
            Assert.True(content == result.Content, $"chunk {chunk}: content was {Show(result.Content)}");
            Assert.Equal(after is not null, result.Ended);
            if (after is not null)
            {
                Assert.True(after == result.After, $"chunk {chunk}: after the end came {Show(result.After)}");
            }
        }
    }

    private static string Show(string s) => s.Replace("\r", "\\r").Replace("\n", "\\n");
}
