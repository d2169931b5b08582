using System.Text;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Parsing;
using MimecastJournaling.Engine.Tests.Parsing;
using MimeKit;

namespace MimecastJournaling.Engine.Tests.Archive;

/// <summary>
/// A report stored as its residue plus its embedded messages comes back byte for byte: every
/// fixture, the fuzz corpus and its mutations, and each way an original is written into a report
/// (as it is, base64 of several line lengths and line ends, quoted-printable, nested, wrapped).
/// </summary>
public sealed class ReportResidueTests
{
    /// <summary>The messages the archive would store on their own, found by the real parser.</summary>
    private static List<ReportResidue.Part> PartsOf(byte[] raw)
    {
        var report = JournalReportParser.Parse(raw);
        var parts = new List<ReportResidue.Part>();
        foreach (var message in new[] { report.OriginalMessage, report.ClearTextCopy })
        {
            if (message is not null && !message.Content.IsEmpty && !message.Content.Span.SequenceEqual(raw))
            {
                var copy = message.Content.ToArray(); // the archive reads it back from a blob, not from the report
                parts.Add(new ReportResidue.Part(ContentFingerprint.Sha256(copy), copy));
            }
        }
        return parts;
    }

    /// <summary>Residue of the report (null: stored whole), after checking both ways of reading it back.</summary>
    private static byte[]? AssertRoundTrip(byte[] raw, List<ReportResidue.Part> parts, string what)
    {
        var residue = ReportResidue.Create(raw, parts);
        var blobs = parts.GroupBy(p => p.Hash).ToDictionary(g => g.Key, g => g.First().Content.ToArray());
        if (residue is not null)
        {
            var rebuilt = ReportResidue.Reconstruct(residue, h => blobs[h]);
            Assert.True(rebuilt.AsSpan().SequenceEqual(raw), $"{what}: the residue does not rebuild the report");
        }
        // The archive's path: the report's blob, then read back through the message blobs.
        var (codec, data) = ReportBlob.Encode(raw, parts);
        Assert.Equal(residue is null ? BlobCodec.Brotli : ReportBlob.ResidueCodec, codec);
        var decoded = ReportBlob.Decode(codec, data, raw.Length, ContentFingerprint.Sha256(raw), h => blobs.GetValueOrDefault(h));
        Assert.True(decoded.AsSpan().SequenceEqual(raw), $"{what}: the stored blob does not read back as the report");
        return residue;
    }

    public static TheoryData<string> FixtureFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Fixtures.AllReports().Concat(Fixtures.FuzzSeeds()))
        {
            data.Add(Path.GetRelativePath(Fixtures.Root, file));
        }
        return data;
    }

    // The original of these is not in the report in a form the residue can reproduce, so the report is stored whole.
    private static readonly string[] StoredWhole =
    [
    ];

    [Theory]
    [MemberData(nameof(FixtureFiles))]
    public void Every_fixture_round_trips_and_leaves_out_its_original(string file)
    {
        var raw = File.ReadAllBytes(Path.Combine(Fixtures.Root, file));
        var parts = PartsOf(raw);
        var residue = AssertRoundTrip(raw, parts, file);

        var storable = parts.Where(p => p.Content.Length >= ReportResidue.MinimumPartLength).ToList();
        if (storable.Count == 0 || StoredWhole.Contains(Path.GetFileName(file)))
        {
            return;
        }
        Assert.True(residue is not null, $"{file}: the original was not taken out of the report");
        // Everything but the original(s), plus a reference (hash, length, a few operation bytes) for each.
        var largestOriginal = storable.Max(p => p.Content.Length);
        Assert.InRange(residue!.Length, 0, raw.Length - largestOriginal + 64 * storable.Count);
    }

    [Fact]
    public void The_real_exchange_2019_report_keeps_only_its_envelope()
    {
        // Byte-identical to shared/eej-samples/lkml-linux-block-exchange2019-onprem-recipient.eml (see tests/Fixtures/Reports/README.md).
        var raw = Fixtures.Report("lkml-linux-block-exchange2019-onprem-recipient.eml");
        var parts = PartsOf(raw);
        var original = Assert.Single(parts);
        var residue = AssertRoundTrip(raw, parts, "Exchange 2019 report")!;

        // 16.6 KB report, 11.0 KB original: the residue is the rest (the report's own 5.6 KB of headers and
        // envelope), and compresses as well as that rest alone, plus the reference.
        Assert.InRange(residue.Length, raw.Length - original.Content.Length, raw.Length - original.Content.Length + 64);
        var at = raw.AsSpan().IndexOf(original.Content.Span);
        byte[] rest = [.. raw[..at], .. raw[(at + original.Content.Length)..]];
        Assert.InRange(BlobCodec.Compress(residue).Length, 1, BlobCodec.Compress(rest).Length + ReferenceCost);
    }

    [Fact]
    public void Mutated_reports_round_trip_or_are_stored_whole()
    {
        var corpus = Fixtures.AllReports().Concat(Fixtures.FuzzSeeds()).Select(File.ReadAllBytes).ToArray();
        var random = new Random(20_261_202);
        const int iterations = 1_500;
        var residues = 0;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var input = corpus[random.Next(corpus.Length)];
            for (var m = 1 + random.Next(3); m > 0; m--)
            {
                input = JournalReportParserFuzzTests.Mutate(input, corpus, random);
            }
            if (AssertRoundTrip(input, PartsOf(input), $"mutation {iteration}") is not null)
            {
                residues++;
            }
        }
        // Most mutations leave the original intact; a residue that is never made would pass the round trip vacuously.
        Assert.InRange(residues, iterations / 3, iterations);
    }

    // ---- synthetic reports: each way an original is written into a report ----

    private const string Boundary = "_b0b1e5e3-5f4c-4d6a-9b21-0c3f0d0e7a11_";

    /// <summary>A mail-like original: headers, a text body with some '=' signs, long lines, trailing blanks and UTF-8.</summary>
    private static byte[] MailLikeOriginal(string eol = "\r\n", int lines = 120)
    {
        var text = new StringBuilder()
            .Append("Received: from mbx1.contoso.com (10.0.0.5) by hub1.contoso.com (10.0.0.6) with Microsoft SMTP Server").Append(eol)
            .Append("From: Alice Example <alice@contoso.com>").Append(eol)
            .Append("To: Bob Example <bob@contoso.com>").Append(eol)
            .Append("Subject: Quarterly planning, draft 3").Append(eol)
            .Append("Date: Mon, 03 Mar 2025 09:15:00 +0000").Append(eol)
            .Append("Message-ID: <plan-0003@contoso.com>").Append(eol)
            .Append("MIME-Version: 1.0").Append(eol)
            .Append("Content-Type: text/plain; charset=\"utf-8\"").Append(eol)
            .Append("Content-Transfer-Encoding: 8bit").Append(eol).Append(eol);
        var words = new[] { "budget", "forecast", "Zürich", "a=b", "milestone", "rollout", "naïve", "owner", "risk", "Müller", "deadline", "scope" };
        for (var line = 0; line < lines; line++)
        {
            for (var w = 0; w < 6 + line % 11; w++)
            {
                text.Append(words[(line * 7 + w * 3) % words.Length]).Append(' ');
            }
            text.Append(line % 9 == 0 ? "  " : string.Empty).Append(line).Append(eol);
        }
        text.Append("Alice");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] Report(string partHeaders, byte[] encodedOriginal, string eol = "\r\n", bool finalNewline = true, string? wrapper = null)
    {
        var head = string.Join(eol,
            "From: Alice Example <alice@contoso.com>",
            "To: Bob Example <bob@contoso.com>",
            "Subject: Quarterly planning, draft 3",
            "Sender: <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.com>",
            "Message-ID: <5d2b8f0e-8d0e-4a9c-b0a4-9d7e4c1f2a33@journal.report.generator>",
            "Date: Mon, 03 Mar 2025 09:15:02 +0000",
            "X-MS-Journal-Report:",
            "X-MS-Exchange-Parent-Message-Id: <plan-0003@contoso.com>",
            "Auto-Submitted: auto-generated",
            "MIME-Version: 1.0",
            $"Content-Type: multipart/mixed; boundary=\"{Boundary}\"",
            "",
            $"--{Boundary}",
            "Content-Type: text/plain; charset=\"us-ascii\"",
            "Content-Transfer-Encoding: 7bit",
            "",
            "Sender: alice@contoso.com",
            "Subject: Quarterly planning, draft 3",
            "Message-Id: <plan-0003@contoso.com>",
            "To: bob@contoso.com",
            "Bcc: dave@contoso.com, Expanded: team@contoso.com",
            "",
            $"--{Boundary}") + eol;
        if (wrapper is not null)
        {
            head += $"Content-Type: multipart/mixed; boundary=\"{wrapper}\"{eol}{eol}--{wrapper}{eol}";
        }
        head += partHeaders.Replace("\n", eol) + eol + eol;
        var tail = eol + (wrapper is null ? string.Empty : $"--{wrapper}--{eol}") + $"--{Boundary}--" + (finalNewline ? eol : string.Empty);
        return [.. Encoding.ASCII.GetBytes(head), .. encodedOriginal, .. Encoding.ASCII.GetBytes(tail)];
    }

    private static byte[] Base64Lines(byte[] data, int lineLength, string eol)
    {
        var text = Convert.ToBase64String(data);
        var lines = Enumerable.Range(0, (text.Length + lineLength - 1) / lineLength)
            .Select(i => text.Substring(i * lineLength, Math.Min(lineLength, text.Length - i * lineLength)));
        return Encoding.ASCII.GetBytes(string.Join(eol, lines));
    }

    /// <summary>
    /// What a reference adds to the compressed residue: its SHA-256 (32 bytes that do not
    /// compress), the length, the operations and the encoding's details, and what splitting the
    /// rest in two costs Brotli at its fastest level. An original left in the residue costs kilobytes.
    /// </summary>
    private const int ReferenceCost = 128;

    /// <summary>
    /// The parser finds the original in the report, the residue leaves it out, and what is left
    /// compresses to no more than the report without its original plus a reference.
    /// </summary>
    private static void AssertStoredOnce(byte[] raw, byte[] original, byte[] shell, string what, int detailBytes = 0)
    {
        var parts = PartsOf(raw);
        var part = Assert.Single(parts);
        Assert.True(part.Content.Span.SequenceEqual(original), $"{what}: the parser did not hand out the original");
        var residue = AssertRoundTrip(raw, parts, what);
        Assert.True(residue is not null, $"{what}: the original was not taken out");
        Assert.InRange(BlobCodec.Compress(residue!).Length, 1, BlobCodec.Compress(shell).Length + ReferenceCost + detailBytes);
    }

    public static TheoryData<string, string, int> Base64Layouts() => new()
    {
        { "message/rfc822", "\r\n", 76 },
        { "message/rfc822", "\n", 76 },
        { "message/rfc822", "\r\n", 72 },
        { "message/rfc822", "\r\n", 64 },
        { "message/rfc822", "\n", 64 },
        { "application/octet-stream; name=\"original.eml\"\nContent-Disposition: attachment; filename=\"original.eml\"", "\r\n", 76 },
        { "application/octet-stream; name=\"original.eml\"\nContent-Disposition: attachment; filename=\"original.eml\"", "\n", 72 },
    };

    [Theory]
    [MemberData(nameof(Base64Layouts))]
    public void A_base64_original_is_stored_once(string contentType, string eol, int lineLength)
    {
        var original = MailLikeOriginal();
        var headers = $"Content-Type: {contentType}\nContent-Transfer-Encoding: base64";
        var raw = Report(headers, Base64Lines(original, lineLength, eol), eol);
        AssertStoredOnce(raw, original, Report(headers, [], eol), $"base64 {lineLength} {(eol == "\n" ? "LF" : "CRLF")}");
    }

    [Fact]
    public void A_base64_original_without_a_final_newline_and_with_a_ragged_last_line_is_stored_once()
    {
        // 76-character lines, the last one short, and the report ends right after the closing boundary.
        var original = MailLikeOriginal(lines: 77);
        Assert.NotEqual(0, Convert.ToBase64String(original).Length % 76);
        const string headers = "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64";
        var raw = Report(headers, Base64Lines(original, 76, "\r\n"), finalNewline: false);
        Assert.False(raw.AsSpan().EndsWith("\n"u8));
        AssertStoredOnce(raw, original, Report(headers, [], finalNewline: false), "base64 without final newline");
    }

    [Fact]
    public void A_base64_original_with_irregular_line_breaks_is_stored_once()
    {
        // Lines of changing length and mixed line ends (a gateway re-wrapped part of it): every break is kept.
        var original = MailLikeOriginal();
        var text = Convert.ToBase64String(original);
        var written = new StringBuilder();
        for (int at = 0, line = 0; at < text.Length; line++)
        {
            var length = Math.Min(text.Length - at, 40 + (line * 13) % 37);
            written.Append(text, at, length);
            at += length;
            if (at < text.Length)
            {
                written.Append(line % 5 == 0 ? "\n" : line % 7 == 0 ? " \r\n" : "\r\n");
            }
        }
        const string headers = "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64";
        var raw = Report(headers, Encoding.ASCII.GetBytes(written.ToString()));
        var parts = PartsOf(raw);
        var part = Assert.Single(parts);
        Assert.True(part.Content.Span.SequenceEqual(original));
        var residue = AssertRoundTrip(raw, parts, "irregular base64");
        Assert.NotNull(residue);
        // Each break costs a few bytes; the encoded text itself is not in the residue.
        Assert.InRange(residue!.Length, 1, raw.Length - text.Length + 600);
    }

    public static TheoryData<string> LineEnds() => new() { "\r\n", "\n" };

    [Theory]
    [MemberData(nameof(LineEnds))]
    public void A_7bit_or_8bit_rfc822_original_is_stored_once(string eol)
    {
        var original = MailLikeOriginal(eol);
        const string headers = "Content-Type: message/rfc822\nContent-Transfer-Encoding: 8bit";
        AssertStoredOnce(Report(headers, original, eol), original, Report(headers, [], eol), "8bit rfc822 " + eol.Length);
    }

    [Fact]
    public void An_original_inside_nested_multiparts_is_stored_once()
    {
        var original = MailLikeOriginal();
        const string headers = "Content-Type: message/rfc822";
        var raw = Report(headers, original, wrapper: "inner-0001");
        AssertStoredOnce(raw, original, Report(headers, [], wrapper: "inner-0001"), "nested multipart");
    }

    [Fact]
    public void A_quoted_printable_original_written_by_MimeKit_is_stored_once()
    {
        var original = MailLikeOriginal();
        var report = new MimeMessage();
        report.From.Add(MailboxAddress.Parse("alice@contoso.com"));
        report.Subject = "Quarterly planning, draft 3";
        report.Headers.Add("X-MS-Journal-Report", string.Empty);
        var body = new Multipart("mixed")
        {
            new TextPart("plain") { Text = "Sender: alice@contoso.com\r\nSubject: Quarterly planning, draft 3\r\nMessage-Id: <plan-0003@contoso.com>\r\nTo: bob@contoso.com\r\n" },
            new MimePart("message", "rfc822")
            {
                Content = new MimeContent(new MemoryStream(original)),
                ContentTransferEncoding = ContentEncoding.QuotedPrintable,
            },
        };
        report.Body = body;
        using var stream = new MemoryStream();
        report.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, stream);
        var raw = stream.ToArray();
        Assert.Contains("=C3=BC", Encoding.ASCII.GetString(raw)); // ü, escaped
        Assert.Contains("=\r\n", Encoding.ASCII.GetString(raw)); // soft line breaks

        var parts = PartsOf(raw);
        Assert.True(Assert.Single(parts).Content.Span.SequenceEqual(original));
        var residue = AssertRoundTrip(raw, parts, "MimeKit quoted-printable");
        Assert.NotNull(residue);
        Assert.InRange(BlobCodec.Compress(residue!).Length, 1, 700);
    }

    [Fact]
    public void A_hand_written_quoted_printable_original_with_lower_case_escapes_and_LF_soft_breaks_is_stored_once()
    {
        var original = MailLikeOriginal();
        var written = new StringBuilder();
        var column = 0;
        for (var i = 0; i < original.Length; i++)
        {
            var b = original[i];
            // Escapes some plain letters too (an encoder's own choice), in lower-case hex.
            var piece = b is (byte)'\r' or (byte)'\n' ? ((char)b).ToString()
                : b >= 128 || b == '=' || b == 'q' || (b == ' ' && i + 1 < original.Length && original[i + 1] == '\r') ? $"={b:x2}"
                : ((char)b).ToString();
            if (b == '\n')
            {
                column = 0;
            }
            else if (column + piece.Length > 70)
            {
                written.Append("=\n");
                column = 0;
            }
            written.Append(piece);
            column += b == '\n' ? 0 : piece.Length;
        }
        const string headers = "Content-Type: message/rfc822\nContent-Transfer-Encoding: quoted-printable";
        var raw = Report(headers, Encoding.ASCII.GetBytes(written.ToString()));
        // Each soft line break is kept as its distance from the last one (one or two bytes before compression).
        var softBreaks = written.ToString().Split("=\n").Length - 1;
        Assert.InRange(softBreaks, 50, 1000);
        AssertStoredOnce(raw, original, Report(headers, []), "hand-written quoted-printable", detailBytes: 2 * softBreaks);
    }

    [Fact]
    public void An_original_that_is_not_in_the_report_leaves_the_report_whole()
    {
        var original = MailLikeOriginal();
        var raw = Report("Content-Type: message/rfc822", original);
        var other = MailLikeOriginal(lines: 121); // what another report carried: not in this one
        var parts = new List<ReportResidue.Part> { new(ContentFingerprint.Sha256(other), other) };
        Assert.Null(AssertRoundTrip(raw, parts, "absent original"));

        var changed = (byte[])original.Clone();
        changed[^3] ^= 0x20; // one byte differs: not the original either
        Assert.Null(ReportResidue.Create(raw, [new(ContentFingerprint.Sha256(changed), changed)]));
        Assert.Null(ReportResidue.Create(raw, []));
    }

    [Fact]
    public void A_hostile_report_of_one_repeated_byte_is_searched_a_few_times_not_at_every_position()
    {
        // 2 MB of 'A' and a 256 KB "original" of 'A' that ends differently: a search that compared
        // the whole message at every position would take about 5 * 10^11 byte comparisons.
        var raw = new byte[2 * 1024 * 1024];
        raw.AsSpan().Fill((byte)'A');
        var part = new byte[256 * 1024];
        part.AsSpan().Fill((byte)'A');
        part[^1] = (byte)'B';
        Assert.Null(ReportResidue.Create(raw, [new(ContentFingerprint.Sha256(part), part)]));

        // The same message where it really is (at the end) is still found when it is a slice of the report.
        part.CopyTo(raw, raw.Length - part.Length);
        var slice = raw.AsMemory(raw.Length - part.Length);
        var residue = ReportResidue.Create(raw, [new(ContentFingerprint.Sha256(part), slice)]);
        Assert.NotNull(residue);
        Assert.InRange(residue!.Length, 1, raw.Length - part.Length + 64);
    }

    [Fact]
    public void A_stepped_down_eml_is_its_own_original_and_is_stored_whole_once()
    {
        var eml = MailLikeOriginal();
        var submission = new ArchiveSubmission
        {
            Received = DateTimeOffset.UnixEpoch,
            Source = "file:plain.eml",
            RawReport = eml,
            Original = eml,
            Disposition = ArchiveDisposition.Accept,
        };
        Assert.Empty(ReportBlob.MessagesToStore(submission));
        Assert.Empty(PartsOf(eml));
        Assert.Null(AssertRoundTrip(eml, [], "stepped-down EML"));
    }

    [Fact]
    public void Only_an_accepted_report_refers_to_messages_stored_on_their_own()
    {
        var original = MailLikeOriginal();
        var raw = Report("Content-Type: message/rfc822", original);
        var accepted = new ArchiveSubmission { Received = DateTimeOffset.UnixEpoch, Source = "t", RawReport = raw, Original = original, Disposition = ArchiveDisposition.Accept };
        Assert.Single(ReportBlob.MessagesToStore(accepted));
        // A rejected or quarantined report has no item, so no original blob: it is kept whole.
        Assert.Empty(ReportBlob.MessagesToStore(accepted with { Disposition = ArchiveDisposition.Reject }));
        Assert.Empty(ReportBlob.MessagesToStore(accepted with { Disposition = ArchiveDisposition.Quarantine }));
    }

    [Fact]
    public void An_original_and_an_identical_clear_text_copy_are_both_referenced()
    {
        var original = MailLikeOriginal();
        var raw = Report("Content-Type: message/rfc822", [.. original, .. Encoding.ASCII.GetBytes($"\r\n--{Boundary}\r\nContent-Type: message/rfc822\r\n\r\n"), .. original]);
        var hash = ContentFingerprint.Sha256(original);
        var residue = AssertRoundTrip(raw, [new(hash, original), new(hash, original)], "two copies");
        Assert.NotNull(residue);
        Assert.Equal(2, ReportResidue.References(residue!).Count);
        Assert.InRange(residue!.Length, 1, raw.Length - 2 * original.Length + 200);
    }

    [Fact]
    public void A_damaged_residue_or_a_wrong_message_is_an_error_not_a_wrong_report()
    {
        var original = MailLikeOriginal();
        var raw = Report("Content-Type: message/rfc822", original);
        var hash = ContentFingerprint.Sha256(original);
        var residue = ReportResidue.Create(raw, [new(hash, original)])!;
        var rawHash = ContentFingerprint.Sha256(raw);

        // A message of another length under the hash.
        Assert.Throws<InvalidDataException>(() => ReportResidue.Reconstruct(residue, _ => original.AsMemory(1)));
        // A missing message.
        var (codec, data) = ReportBlob.Encode(raw, [new(hash, original)]);
        Assert.Throws<InvalidDataException>(() => ReportBlob.Decode(codec, data, raw.Length, rawHash, _ => null));
        // A literal byte changed: the residue still reads, but the rebuilt report fails its hash.
        var damaged = (byte[])residue.Clone();
        var envelopeAt = damaged.AsSpan().IndexOf("Bcc: dave"u8);
        damaged[envelopeAt] = (byte)'X';
        var stored = ReportBlob.Encode(raw, [new(hash, original)]).Data;
        var tampered = new List<byte>();
        var lengthPrefix = stored.Length - BlobCodec.Compress(residue).Length;
        tampered.AddRange(stored[..lengthPrefix]);
        tampered.AddRange(BlobCodec.Compress(damaged));
        Assert.Throws<InvalidDataException>(() => ReportBlob.Decode(ReportBlob.ResidueCodec, [.. tampered], raw.Length, rawHash, _ => original));
        // Cut short, or not a residue at all.
        Assert.Throws<InvalidDataException>(() => ReportResidue.Reconstruct(residue.AsSpan(0, residue.Length / 2), _ => original));
        Assert.Throws<InvalidDataException>(() => ReportResidue.Reconstruct(raw, _ => original));
    }
}
