using System.Buffers;
using System.Reflection;
using System.Text;
using MimecastJournaling.Engine.Parsing;

namespace MimecastJournaling.Engine.Tests.Parsing;

public class JournalReportParserBehaviourTests
{
    private const string Boundary = "_synthetic-test-boundary_";

    /// <summary>A synthetic report built in the test (CRLF).</summary>
    internal static byte[] BuildReport(string envelope, string? original = "From: alice@contoso.com\r\nSubject: Hi\r\nMessage-ID: <t-1@contoso.com>\r\n\r\nBody\r\n")
    {
        var sb = new StringBuilder();
        sb.Append("From: alice@contoso.com\r\nTo: bob@contoso.com\r\nSubject: Hi\r\nMessage-ID: <r-1@journal.report.generator>\r\n");
        sb.Append("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"").Append(Boundary).Append("\"\r\nX-MS-Journal-Report:\r\n\r\n");
        sb.Append("--").Append(Boundary).Append("\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\n\r\n").Append(envelope).Append("\r\n");
        if (original is not null)
        {
            sb.Append("--").Append(Boundary).Append("\r\nContent-Type: message/rfc822\r\n\r\n").Append(original).Append("\r\n");
        }
        sb.Append("--").Append(Boundary).Append("--\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    [Fact]
    public void Ten_thousand_recipient_lines()
    {
        var types = new[] { "To", "Cc", "Bcc", "Recipient" };
        var envelope = new StringBuilder("Sender: alice@contoso.com\r\nSubject: Big list\r\nMessage-Id: <t-1@contoso.com>\r\n");
        for (var i = 0; i < 10_000; i++)
        {
            envelope.Append(types[i % 4]).Append(": user").Append(i).Append("@contoso.com");
            if (i % 10 == 0)
            {
                envelope.Append(", Expanded: dl").Append(i / 100).Append("@contoso.com");
            }
            envelope.Append("\r\n");
        }
        var report = JournalReportParser.Parse(BuildReport(envelope.ToString()));

        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.Equal(10_000, report.Recipients.Count);
        Assert.Equal(2_500, report.Recipients.Count(r => r.Type == JournalRecipientType.Bcc));
        Assert.Equal(1_000, report.Recipients.Count(r => r.ExpandedFrom is not null));
        Assert.Equal(new JournalRecipient { Address = "user0@contoso.com", Type = JournalRecipientType.To, ExpandedFrom = "dl0@contoso.com" }, report.Recipients[0]);
        Assert.Equal(new JournalRecipient { Address = "user9999@contoso.com", Type = JournalRecipientType.Recipient }, report.Recipients[9_999]);
        Assert.Equal(new JournalRecipient { Address = "user9990@contoso.com", Type = JournalRecipientType.Bcc, ExpandedFrom = "dl99@contoso.com" }, report.Recipients[9_990]);
        Assert.Empty(report.Defects);
    }

    [Fact]
    public void Stream_overloads_give_the_same_report()
    {
        var bytes = Fixtures.Report("synthetic-bcc-expanded-forwarded.eml");
        var fromMemory = JournalReportParser.Parse(bytes);
        using var seekable = new MemoryStream(bytes);
        var fromSeekable = JournalReportParser.Parse(seekable);
        using var forwardOnly = new ForwardOnlyStream(bytes);
        var fromForwardOnly = JournalReportParser.Parse(forwardOnly);

        foreach (var report in new[] { fromSeekable, fromForwardOnly })
        {
            Assert.Equal(fromMemory.Recipients, report.Recipients);
            Assert.Equal(fromMemory.MessageId, report.MessageId);
            Assert.Equal(fromMemory.ContentHash, report.ContentHash);
            Assert.Equal(fromMemory.Size, report.Size);
        }
    }

    [Fact]
    public void Slice_of_a_larger_buffer_and_non_array_memory()
    {
        var bytes = Fixtures.Report("synthetic-decrypted-two-rfc822.eml");
        var expected = JournalReportParser.Parse(bytes);

        var padded = new byte[bytes.Length + 100];
        bytes.CopyTo(padded, 37);
        var sliced = JournalReportParser.Parse(padded.AsMemory(37, bytes.Length));
        Assert.Equal(expected.Recipients, sliced.Recipients);
        Assert.True(expected.OriginalMessage!.Content.Span.SequenceEqual(sliced.OriginalMessage!.Content.Span));
        Assert.True(expected.ClearTextCopy!.Content.Span.SequenceEqual(sliced.ClearTextCopy!.Content.Span));

        using var manager = new NotAnArrayMemory(bytes);
        var unmanaged = JournalReportParser.Parse(manager.Memory);
        Assert.Equal(expected.Recipients, unmanaged.Recipients);
        Assert.Equal(expected.ContentHash, unmanaged.ContentHash);
        Assert.Equal(expected.ClearTextCopy.ContentHash, unmanaged.ClearTextCopy!.ContentHash);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\r\n\r\n")]
    [InlineData("not a message at all")]
    [InlineData("X-MS-Journal-Report:\r\n")]
    [InlineData("Content-Type: multipart/mixed; boundary=x\r\nX-MS-Journal-Report:\r\n\r\n--x\r\n")]
    public void Junk_is_a_report_with_defects_never_an_exception(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var report = JournalReportParser.Parse(bytes);
        FuzzInvariants.AssertWellFormed(bytes, report);
        if (report.Format == JournalReportFormat.Envelope)
        {
            Assert.NotEmpty(report.Defects);
        }
    }

    [Fact]
    public void Empty_input_is_standard_with_a_defect()
    {
        var report = JournalReportParser.Parse(ReadOnlyMemory<byte>.Empty);
        Assert.Equal(JournalReportFormat.Standard, report.Format);
        Assert.True(report.ParseFailed);
        Assert.Empty(report.Recipients);
        Assert.Single(report.Defects);
        Assert.StartsWith("The input could not be parsed as a MIME message", report.Defects[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Report_without_multipart_has_envelope_but_no_original()
    {
        var bytes = Encoding.ASCII.GetBytes(
            "From: alice@contoso.com\r\nX-MS-Journal-Report:\r\nContent-Type: text/plain\r\n\r\nSender: alice@contoso.com\r\nSubject: Only text\r\nMessage-Id: <x@y>\r\nTo: bob@contoso.com\r\n");
        var report = JournalReportParser.Parse(bytes);
        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.Equal("alice@contoso.com", report.Sender);
        Assert.Equal("Only text", report.Subject);
        Assert.Equal("x@y", report.MessageId);
        Assert.Equal(new[] { new JournalRecipient { Address = "bob@contoso.com", Type = JournalRecipientType.To } }, report.Recipients);
        Assert.Null(report.OriginalMessage);
        Assert.Equal(new[] { "The report carries no original message." }, report.Defects);
    }

    [Fact]
    public void Envelope_message_id_that_differs_from_the_original_is_a_defect()
    {
        var report = JournalReportParser.Parse(BuildReport("Sender: alice@contoso.com\r\nSubject: Hi\r\nMessage-Id: <other@contoso.com>\r\nTo: bob@contoso.com"));
        Assert.Equal("other@contoso.com", report.MessageId);
        Assert.Equal(new[] { "The envelope's Message-Id differs from the original's (t-1@contoso.com)." }, report.Defects);
    }

    [Fact]
    public void Defects_are_capped()
    {
        var envelope = new StringBuilder("Sender: alice@contoso.com\r\nSubject: Hi\r\nMessage-Id: <t-1@contoso.com>\r\n");
        for (var i = 0; i < 500; i++)
        {
            envelope.Append("To: \r\n");
        }
        var report = JournalReportParser.Parse(BuildReport(envelope.ToString()));
        Assert.Equal(51, report.Defects.Count);
        Assert.Equal("A To line has no address and was ignored.", report.Defects[0]);
        // 500 empty To lines + "no recipients" = 501 defects; 50 listed, 451 summarised.
        Assert.Equal("451 further defects were not listed.", report.Defects[^1]);
    }

    [Fact]
    public void Saved_fuzz_crasher_with_a_huge_header_block_is_refused_not_parsed()
    {
        // Found by the fuzzer (seed 1, iteration 684, then 12 MB): MimeKit needs seconds per such block.
        var bytes = File.ReadAllBytes(Path.Combine(Fixtures.Root, "Fuzz", "crashers", "slow-huge-part-header-block.eml"));
        var report = JournalReportParser.Parse(bytes);
        Assert.Equal(JournalReportFormat.Standard, report.Format);
        Assert.True(report.ParseFailed);
        Assert.Equal(new[] { "A header block is larger than 512 KiB; the input was not parsed as MIME." }, report.Defects);
        Assert.Equal(bytes.Length, report.OriginalMessage!.Size);
        FuzzInvariants.AssertWellFormed(bytes, report);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Header_folded_over_many_lines_is_refused_above_the_limit(bool over)
    {
        var folds = over ? 70_000 : 40_000; // 10 bytes per fold: 700 KB or 400 KB
        var bytes = Encoding.ASCII.GetBytes("X-Long: " + string.Concat(Enumerable.Repeat("AAAAAAA\r\n ", folds)) + "\r\nFrom: a@contoso.com\r\nSubject: folded\r\n\r\nbody\r\n");
        var report = JournalReportParser.Parse(bytes);
        FuzzInvariants.AssertWellFormed(bytes, report);
        if (over)
        {
            Assert.Equal(new[] { "A header block is larger than 512 KiB; the input was not parsed as MIME." }, report.Defects);
            Assert.Null(report.Subject);
        }
        else
        {
            Assert.Empty(report.Defects);
            Assert.False(report.ParseFailed);
            Assert.Equal("folded", report.Subject);
        }
    }

    [Fact]
    public void A_huge_body_line_is_fine()
    {
        var envelope = "Sender: alice@contoso.com\r\nSubject: Hi\r\nMessage-Id: <t-1@contoso.com>\r\nTo: bob@contoso.com";
        var original = "From: alice@contoso.com\r\nSubject: Hi\r\nMessage-ID: <t-1@contoso.com>\r\n\r\n" + new string('A', 3_000_000) + "\r\n";
        var report = JournalReportParser.Parse(BuildReport(envelope, original));
        Assert.Empty(report.Defects);
        Assert.Equal(new[] { new JournalRecipient { Address = "bob@contoso.com", Type = JournalRecipientType.To } }, report.Recipients);
        Assert.True(report.OriginalMessage!.Size > 3_000_000);
    }

    [Fact]
    public void Public_surface_exposes_no_third_party_types()
    {
        var assembly = typeof(JournalReportParser).Assembly;
        var publicTypes = assembly.GetExportedTypes().Where(t => t.Namespace == "MimecastJournaling.Engine.Parsing").ToArray();
        Assert.Contains(typeof(JournalReport), publicTypes);
        foreach (var type in publicTypes)
        {
            foreach (var member in type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var exposed = member switch
                {
                    PropertyInfo p => new[] { p.PropertyType },
                    MethodInfo m => m.GetParameters().Select(x => x.ParameterType).Append(m.ReturnType).ToArray(),
                    FieldInfo f => new[] { f.FieldType },
                    ConstructorInfo c => c.GetParameters().Select(x => x.ParameterType).ToArray(),
                    _ => Array.Empty<Type>(),
                };
                foreach (var t in exposed.SelectMany(Flatten))
                {
                    var name = t.Assembly.GetName().Name!;
                    Assert.True(name is "MimecastJournaling.Engine" || name.StartsWith("System", StringComparison.Ordinal) || name == "netstandard",
                        $"{type.Name}.{member.Name} exposes {t.FullName} from {name}");
                }
            }
        }
    }

    private static IEnumerable<Type> Flatten(Type t)
    {
        yield return t;
        foreach (var g in t.IsGenericType ? t.GetGenericArguments() : Type.EmptyTypes)
        {
            foreach (var inner in Flatten(g))
            {
                yield return inner;
            }
        }
        if (t.HasElementType)
        {
            foreach (var inner in Flatten(t.GetElementType()!))
            {
                yield return inner;
            }
        }
    }

    private sealed class ForwardOnlyStream : Stream
    {
        private readonly MemoryStream _inner;
        public ForwardOnlyStream(byte[] bytes) => _inner = new MemoryStream(bytes);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            _inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>Memory that MemoryMarshal.TryGetArray cannot see through.</summary>
    private sealed class NotAnArrayMemory : MemoryManager<byte>
    {
        private readonly byte[] _bytes;
        public NotAnArrayMemory(byte[] bytes) => _bytes = bytes;
        public override Span<byte> GetSpan() => _bytes;
        public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();
        public override void Unpin() { }
        protected override void Dispose(bool disposing) { }
    }
}
