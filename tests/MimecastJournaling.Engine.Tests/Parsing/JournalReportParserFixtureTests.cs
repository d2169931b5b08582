using System.Security.Cryptography;
using System.Text;
using MimecastJournaling.Engine.Parsing;

namespace MimecastJournaling.Engine.Tests.Parsing;

/// <summary>Exact values per fixture (tests/Fixtures/Reports; see README.md there for the §4 case of each).</summary>
public class JournalReportParserFixtureTests
{
    private static JournalReport Parse(string fixture) => JournalReportParser.Parse(Fixtures.Report(fixture));

    private static JournalRecipient R(JournalRecipientType type, string address, string? expandedFrom = null, string? forwardedFrom = null) =>
        new() { Address = address, Type = type, ExpandedFrom = expandedFrom, ForwardedFrom = forwardedFrom };

    private const JournalRecipientType To = JournalRecipientType.To;
    private const JournalRecipientType Cc = JournalRecipientType.Cc;
    private const JournalRecipientType Bcc = JournalRecipientType.Bcc;
    private const JournalRecipientType Recipient = JournalRecipientType.Recipient;

    private static void AssertOriginal(EmbeddedMessage? message, string? from, string date, string? subject, string? messageId, long size)
    {
        Assert.NotNull(message);
        Assert.Equal(from, message.From);
        Assert.Equal(DateTimeOffset.Parse(date, System.Globalization.CultureInfo.InvariantCulture), message.Date);
        Assert.Equal(subject, message.Subject);
        Assert.Equal(messageId, message.MessageId);
        Assert.Equal(size, message.Size);
        Assert.Equal(size, message.Content.Length);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(message.Content.Span)).ToLowerInvariant(), message.ContentHash);
    }

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    [Fact]
    public void Real_exchange_2019_report_from_linux_block()
    {
        var bytes = Fixtures.Report("lkml-linux-block-exchange2019-onprem-recipient.eml");
        var report = JournalReportParser.Parse(bytes);

        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        // §4.10: the envelope Sender is the header sender, not the list's bounce address (P1).
        Assert.Equal("ming.lei@redhat.com", report.Sender);
        Assert.Null(report.OnBehalfOf);
        Assert.Equal("Re: [PATCH 07/15] block: move blk_unregister_queue() & device_del() after freeze wait", report.Subject);
        Assert.Equal("Z_3D0PZWolXUdXnK@fedora", report.MessageId);
        // §4.2: the copied top-level To/CC (hch@lst.de, axboe@kernel.dk, …) are not recipients.
        // §4.11: the resolved address honor.com, not the delivery address hihonor.com.
        Assert.Equal(new[] { R(Recipient, "yangpanfei@honor.com") }, report.Recipients);
        Assert.Null(report.ClearTextCopy);
        Assert.Empty(report.Defects);
        Assert.False(report.Unwrapped);
        Assert.False(report.ParseFailed);
        Assert.Equal(16625, report.Size);
        Assert.Equal("4c75620b-707a-4cd8-acb1-879ddbc36331@journal.report.generator", report.ReportMessageId);
        Assert.Equal(new DateTimeOffset(2025, 4, 15, 2, 27, 7, TimeSpan.Zero), report.ReportDate);
        Assert.Equal(
            "Sender: ming.lei@redhat.com\nSubject: Re: [PATCH 07/15] block: move blk_unregister_queue() & device_del() after freeze wait\nMessage-Id: <Z_3D0PZWolXUdXnK@fedora>\nRecipient: yangpanfei@honor.com\n",
            report.EnvelopeText);

        AssertOriginal(report.OriginalMessage, "ming.lei@redhat.com", "2025-04-15T10:26:24+08:00",
            "Re: [PATCH 07/15] block: move blk_unregister_queue() & device_del() after freeze wait", "Z_3D0PZWolXUdXnK@fedora", 10971);
        // The original is exactly the bytes between the part's blank line and the closing boundary's line break.
        var start = 5609;
        Assert.True(report.OriginalMessage!.Content.Span.SequenceEqual(bytes.AsSpan(start, 10971)));
        Assert.StartsWith("Received: from w012.hihonor.com (10.68.27.189) by a005.hihonor.com\n", Text(report.OriginalMessage.Content), StringComparison.Ordinal);
        Assert.EndsWith("Thanks,\nMing\n\n\n", Text(report.OriginalMessage.Content), StringComparison.Ordinal);
        Assert.Equal("726306f7ef03fd8857dfe53c7411aaa29235afbd6c1a9887fa663a4f97931b6a", report.ContentHash);
    }

    [Fact]
    public void Typed_recipients_with_expansion_and_forwarding()
    {
        var report = Parse("synthetic-bcc-expanded-forwarded.eml");
        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.Equal("alice@contoso.com", report.Sender);
        Assert.Null(report.OnBehalfOf);
        Assert.Equal("Quarterly numbers", report.Subject);
        Assert.Equal("synthetic-orig-0001@contoso.com", report.MessageId);
        Assert.Equal(new[]
        {
            R(To, "bob@contoso.com"),
            R(To, "dl-member1@contoso.com", expandedFrom: "sales@contoso.com"),
            R(Cc, "carol@fabrikam.com"),
            R(Cc, "fwd-target@contoso.com", forwardedFrom: "dave@contoso.com"),
            R(Bcc, "erin@contoso.com"),
            R(Bcc, "dl-member2@contoso.com", expandedFrom: "finance@contoso.com"),
            R(Recipient, "frank@contoso.com", forwardedFrom: "grace@contoso.com"),
        }, report.Recipients);
        // The group and forwarding addresses are never recipients themselves.
        Assert.DoesNotContain(report.Recipients, r => r.Address is "sales@contoso.com" or "finance@contoso.com" or "dave@contoso.com" or "grace@contoso.com");
        Assert.Null(report.ClearTextCopy);
        Assert.Empty(report.Defects);
        AssertOriginal(report.OriginalMessage, "alice@contoso.com", "2025-03-03T09:15:00Z", "Quarterly numbers", "synthetic-orig-0001@contoso.com", 559);
    }

    [Fact]
    public void On_behalf_of_is_not_a_recipient()
    {
        var report = Parse("synthetic-on-behalf-of.eml");
        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.Equal("assistant@contoso.com", report.Sender);
        Assert.Equal("boss@contoso.com", report.OnBehalfOf);
        Assert.Equal("Board meeting", report.Subject);
        Assert.Equal("synthetic-obo-0001@contoso.com", report.MessageId);
        Assert.Equal(new[] { R(To, "board@fabrikam.com") }, report.Recipients);
        Assert.Null(report.ClearTextCopy);
        Assert.Empty(report.Defects);
        AssertOriginal(report.OriginalMessage, "boss@contoso.com", "2025-03-03T09:15:00Z", "Board meeting", "synthetic-obo-0001@contoso.com", 511);
    }

    [Fact]
    public void Quoted_printable_envelope_in_iso_2022_jp()
    {
        var report = Parse("synthetic-envelope-qp-iso2022jp.eml");
        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.Equal("taro@contoso.co.jp", report.Sender);
        Assert.Null(report.OnBehalfOf);
        Assert.Equal("会議の議事録 (To: 全員)", report.Subject);
        Assert.Equal("synthetic-jp-0001@contoso.co.jp", report.MessageId);
        Assert.Equal(new[] { R(To, "hanako@contoso.co.jp"), R(Bcc, "jiro@contoso.co.jp") }, report.Recipients);
        Assert.Null(report.ClearTextCopy);
        Assert.Empty(report.Defects);
        AssertOriginal(report.OriginalMessage, "taro@contoso.co.jp", "2025-03-03T09:15:00Z", "会議の議事録 (To: 全員)", "synthetic-jp-0001@contoso.co.jp", 500);
    }

    [Fact]
    public void Base64_envelope_in_utf8()
    {
        var report = Parse("synthetic-envelope-base64-utf8.eml");
        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.Equal("jens@contoso.de", report.Sender);
        Assert.Null(report.OnBehalfOf);
        Assert.Equal("Grüße – Überprüfung der Zahlen", report.Subject);
        Assert.Equal("synthetic-b64-0001@contoso.de", report.MessageId);
        Assert.Equal(new[] { R(Cc, "uwe@contoso.de"), R(Recipient, "extern@fabrikam.com") }, report.Recipients);
        Assert.Null(report.ClearTextCopy);
        Assert.Empty(report.Defects);
        AssertOriginal(report.OriginalMessage, "jens@contoso.de", "2025-03-03T09:15:00Z", "Grüße – Überprüfung der Zahlen", "synthetic-b64-0001@contoso.de", 505);
    }

    [Fact]
    public void Subject_with_field_text_stays_a_subject()
    {
        var report = Parse("synthetic-subject-with-field-text.eml");
        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.Equal("alice@contoso.com", report.Sender);
        Assert.Equal("Re: To: everyone, Cc: team; Bcc: secret@attacker.example Recipient: x@y.example", report.Subject);
        Assert.Equal("synthetic-subj-0001@contoso.com", report.MessageId);
        Assert.Equal(new[] { R(To, "bob@contoso.com") }, report.Recipients);
        Assert.Empty(report.Defects);
        AssertOriginal(report.OriginalMessage, "alice@contoso.com", "2025-03-03T09:15:00Z",
            "Re: To: everyone, Cc: team; Bcc: secret@attacker.example Recipient: x@y.example", "synthetic-subj-0001@contoso.com", 552);
    }

    [Fact]
    public void Subject_line_break_cannot_inject_a_bcc_recipient()
    {
        var report = Parse("synthetic-subject-line-break-injection.eml");
        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.Equal("mallory@fabrikam.com", report.Sender);
        Assert.Equal("Hello\nBcc: evil@attacker.example", report.Subject);
        Assert.Equal("synthetic-inject-0001@fabrikam.com", report.MessageId);
        Assert.Equal(new[] { R(Recipient, "bob@contoso.com") }, report.Recipients);
        Assert.Equal(new[] { "The subject contains line breaks; its continuation lines were read as subject text, not as fields." }, report.Defects);
        Assert.NotNull(report.OriginalMessage);
        Assert.Equal(498, report.OriginalMessage.Size);
    }

    [Fact]
    public void Message_ID_spelling_and_swapped_order()
    {
        var report = Parse("synthetic-message-id-uppercase-swapped.eml");
        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.Equal("alice@contoso.com", report.Sender);
        Assert.Equal("Swapped order", report.Subject);
        Assert.Equal("synthetic-swap-0001@contoso.com", report.MessageId);
        Assert.Equal(new[] { R(To, "bob@contoso.com") }, report.Recipients);
        Assert.Empty(report.Defects);
        AssertOriginal(report.OriginalMessage, "alice@contoso.com", "2025-03-03T09:15:00Z", "Swapped order", "synthetic-swap-0001@contoso.com", 486);
    }

    [Fact]
    public void Unknown_message_id_gives_no_message_id()
    {
        var report = Parse("synthetic-unknown-message-id.eml");
        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.Equal("scanner@contoso.com", report.Sender);
        Assert.Equal("Scan from MFP", report.Subject);
        Assert.Null(report.MessageId);
        Assert.Equal(new[] { R(To, "bob@contoso.com") }, report.Recipients);
        Assert.Equal(new[] { "The envelope says 'Unknown Message-ID': the original had no Message-ID." }, report.Defects);
        AssertOriginal(report.OriginalMessage, "scanner@contoso.com", "2025-03-03T09:15:00Z", "Scan from MFP", null, 394);
        // Dedup must then rest on the content hash.
        Assert.Equal(report.OriginalMessage!.ContentHash, report.ContentHash);
    }

    [Fact]
    public void Decrypted_report_has_original_and_clear_text_copy()
    {
        var report = Parse("synthetic-decrypted-two-rfc822.eml");
        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.Equal("alice@contoso.com", report.Sender);
        Assert.Equal("Confidential plan", report.Subject);
        Assert.Equal("synthetic-rms-0001@contoso.com", report.MessageId);
        Assert.Equal(new[] { R(To, "bob@contoso.com") }, report.Recipients);
        Assert.Empty(report.Defects);
        AssertOriginal(report.OriginalMessage, "alice@contoso.com", "2025-03-03T09:15:00Z", "Confidential plan", "synthetic-rms-0001@contoso.com", 807);
        Assert.Contains("message.rpmsg", Text(report.OriginalMessage!.Content), StringComparison.Ordinal);
        AssertOriginal(report.ClearTextCopy, "alice@contoso.com", "2025-03-03T09:15:00Z", "Confidential plan", "synthetic-rms-0001@contoso.com", 465);
        Assert.EndsWith("The plan, in clear text.\r\n", Text(report.ClearTextCopy!.Content), StringComparison.Ordinal);
        Assert.NotEqual(report.OriginalMessage.ContentHash, report.ClearTextCopy.ContentHash);
        Assert.Equal(report.OriginalMessage.ContentHash, report.ContentHash);
    }

    [Fact]
    public void Binary_rfc822_part_with_raw_8bit()
    {
        var report = Parse("synthetic-rfc822-binary-8bit.eml");
        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.Equal("rene@contoso.fr", report.Sender);
        Assert.Equal("Café crème à 10h", report.Subject);
        Assert.Equal("synthetic-8bit-0001@contoso.fr", report.MessageId);
        Assert.Equal(new[] { R(To, "zoe@contoso.fr") }, report.Recipients);
        Assert.Empty(report.Defects);
        AssertOriginal(report.OriginalMessage, "rene@contoso.fr", "2025-03-03T09:15:00Z", "Café crème à 10h", "synthetic-8bit-0001@contoso.fr", 462);
        Assert.EndsWith("Ça marche, à tout à l'heure — René\r\n", Text(report.OriginalMessage!.Content), StringComparison.Ordinal);
    }

    [Fact]
    public void Original_attached_as_eml_file()
    {
        var report = Parse("synthetic-original-as-eml-attachment.eml");
        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.Equal("alice@contoso.com", report.Sender);
        Assert.Equal("Exported report", report.Subject);
        Assert.Equal("synthetic-file-0001@contoso.com", report.MessageId);
        Assert.Equal(new[] { R(To, "bob@contoso.com") }, report.Recipients);
        Assert.Equal(new[] { "The original message was attached as a file (original.eml), not as message/rfc822." }, report.Defects);
        // Decoded from base64: the bytes of the .eml file.
        AssertOriginal(report.OriginalMessage, "alice@contoso.com", "2025-03-03T09:15:00Z", "Exported report", "synthetic-file-0001@contoso.com", 488);
        Assert.StartsWith("Received: from mail.contoso.com", Text(report.OriginalMessage!.Content), StringComparison.Ordinal);
    }

    [Fact]
    public void Html_envelope_part_that_is_not_first()
    {
        var report = Parse("synthetic-html-envelope-not-first.eml");
        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.Equal("alice@contoso.com", report.Sender);
        Assert.Equal("Budget & plan", report.Subject);
        Assert.Equal("synthetic-html-0001@contoso.com", report.MessageId);
        Assert.Equal(new[] { R(To, "bob@contoso.com"), R(Cc, "carol@fabrikam.com") }, report.Recipients);
        Assert.Equal(new[] { "The envelope part is HTML." }, report.Defects);
        AssertOriginal(report.OriginalMessage, "alice@contoso.com", "2025-03-03T09:15:00Z", "Budget & plan", "synthetic-html-0001@contoso.com", 486);
    }

    [Fact]
    public void Exchange_2003_report()
    {
        var report = Parse("synthetic-exchange2003.eml");
        Assert.Equal(JournalReportFormat.Envelope2003, report.Format);
        Assert.Equal("alice@contoso.com", report.Sender);
        Assert.Null(report.OnBehalfOf);
        // Exchange 2003 envelopes have no Subject: the original's is used, without a defect.
        Assert.Equal("Legacy journaling", report.Subject);
        Assert.Equal("synthetic-2003-0001@contoso.com", report.MessageId);
        Assert.Equal(new[]
        {
            R(Recipient, "bob@contoso.com"),
            R(Recipient, "carol@fabrikam.com"),
            R(Recipient, "EX:/O=CONTOSO/OU=FIRST ADMINISTRATIVE GROUP/CN=RECIPIENTS/CN=DAVE"),
            R(Recipient, "erin@contoso.com"),
        }, report.Recipients);
        Assert.Equal(new[] { "A recipient has a non-SMTP address (EX); it was kept as TYPE:address." }, report.Defects);
        Assert.Null(report.ClearTextCopy);
        AssertOriginal(report.OriginalMessage, "alice@contoso.com", "2008-03-04T10:00:00-08:00", "Legacy journaling", "synthetic-2003-0001@contoso.com", 490);
        Assert.Equal("synthetic-2003-report@contoso.com", report.ReportMessageId);
    }

    [Fact]
    public void Exchange_2003_report_with_misspelled_marker()
    {
        var report = Parse("synthetic-exchange2003-misspelled-marker.eml");
        Assert.Equal(JournalReportFormat.Envelope2003, report.Format);
        Assert.Equal("alice@contoso.com", report.Sender);
        Assert.Equal("Misspelled marker", report.Subject);
        Assert.Equal("synthetic-2003b-0001@contoso.com", report.MessageId);
        Assert.Equal(new[] { R(Recipient, "bob@contoso.com"), R(Recipient, "carol@fabrikam.com") }, report.Recipients);
        Assert.Empty(report.Defects);
        AssertOriginal(report.OriginalMessage, "alice@contoso.com", "2025-03-03T09:15:00Z", "Misspelled marker", "synthetic-2003b-0001@contoso.com", 491);
    }

    [Fact]
    public void Made_up_marker_value_is_still_a_marker()
    {
        var report = Parse("synthetic-odd-marker-value.eml");
        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.Equal("alice@contoso.com", report.Sender);
        Assert.Equal("Odd marker", report.Subject);
        Assert.Equal("synthetic-odd-0001@contoso.com", report.MessageId);
        Assert.Equal(new[] { R(Recipient, "bob@contoso.com") }, report.Recipients);
        Assert.Empty(report.Defects);
        AssertOriginal(report.OriginalMessage, "alice@contoso.com", "2025-03-03T09:15:00Z", "Odd marker", "synthetic-odd-0001@contoso.com", 482);
    }

    [Fact]
    public void Ndr_wrapping_a_report_is_unwrapped()
    {
        var report = Parse("synthetic-ndr-wrapped.eml");
        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.True(report.Unwrapped);
        Assert.Equal("alice@contoso.com", report.Sender);
        Assert.Equal("Quarterly numbers", report.Subject);
        Assert.Equal("synthetic-orig-0001@contoso.com", report.MessageId);
        Assert.Equal(new[] { R(To, "bob@contoso.com"), R(Bcc, "erin@contoso.com") }, report.Recipients);
        Assert.Equal(new[] { "The journal report arrived wrapped in a non-delivery report and was unwrapped." }, report.Defects);
        Assert.Equal("synthetic-ndr-inner@journal.report.generator", report.ReportMessageId);
        Assert.Equal(2447, report.Size);
        AssertOriginal(report.OriginalMessage, "alice@contoso.com", "2025-03-03T09:15:00Z", "Quarterly numbers", "synthetic-orig-0001@contoso.com", 490);
    }

    [Fact]
    public void Journaled_ndr_is_a_report_whose_original_is_the_ndr()
    {
        var report = Parse("synthetic-journaled-ndr.eml");
        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.False(report.Unwrapped);
        Assert.Equal("postmaster@contoso.com", report.Sender);
        Assert.Equal("Undeliverable: Lunch?", report.Subject);
        Assert.Equal("synthetic-jndr-0001@contoso.com", report.MessageId);
        Assert.Equal(new[] { R(To, "alice@contoso.com") }, report.Recipients);
        Assert.Empty(report.Defects);
        Assert.Null(report.ClearTextCopy);
        AssertOriginal(report.OriginalMessage, "postmaster@contoso.com", "2025-03-03T09:15:00Z", "Undeliverable: Lunch?", "synthetic-jndr-0001@contoso.com", 1351);
    }

    [Fact]
    public void Gcc_report_with_extra_fields_and_no_original()
    {
        var report = Parse("synthetic-gcc-no-original.eml");
        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.Equal("alice@contoso.gov", report.Sender);
        Assert.Null(report.Subject);
        Assert.Equal("synthetic-gcc-0001@contoso.gov", report.MessageId);
        // Received:, Rule-Names: … are ignored; only To/Cc lines are recipients.
        Assert.Equal(new[] { R(To, "bob@contoso.gov"), R(Cc, "carol@fabrikam.com") }, report.Recipients);
        Assert.Null(report.OriginalMessage);
        Assert.Null(report.ClearTextCopy);
        Assert.Null(report.ContentHash);
        Assert.Equal(new[] { "The report carries no original message.", "The envelope has no Subject line." }, report.Defects);
    }

    [Fact]
    public void Spec_only_and_unknown_fields_are_ignored()
    {
        var report = Parse("synthetic-spec-only-fields.eml");
        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.Equal("alice@contoso.com", report.Sender);
        Assert.Equal("Spec fields", report.Subject);
        Assert.Equal("synthetic-spec-0001@contoso.com", report.MessageId);
        Assert.Equal(new[] { R(To, "bob@contoso.com") }, report.Recipients);
        Assert.Equal(new[] { "Unknown envelope field 'X-Custom-Field' was ignored." }, report.Defects);
        AssertOriginal(report.OriginalMessage, "alice@contoso.com", "2025-03-03T09:15:00Z", "Spec fields", "synthetic-spec-0001@contoso.com", 484);
    }

    [Fact]
    public void Lf_only_line_endings()
    {
        var bytes = Fixtures.Report("synthetic-lf-only.eml");
        Assert.DoesNotContain((byte)'\r', bytes);
        var report = JournalReportParser.Parse(bytes);
        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.Equal("alice@contoso.com", report.Sender);
        Assert.Equal("Quarterly numbers", report.Subject);
        Assert.Equal("synthetic-orig-0001@contoso.com", report.MessageId);
        Assert.Equal(new[] { R(To, "bob@contoso.com"), R(Cc, "carol@fabrikam.com") }, report.Recipients);
        Assert.Empty(report.Defects);
        AssertOriginal(report.OriginalMessage, "alice@contoso.com", "2025-03-03T09:15:00Z", "Quarterly numbers", "synthetic-orig-0001@contoso.com", 498);
    }

    [Fact]
    public void Bifurcated_reports_share_message_id_and_content_hash()
    {
        var first = Parse("synthetic-bifurcated-fork1.eml");
        var second = Parse("synthetic-bifurcated-fork2.eml");
        foreach (var report in new[] { first, second })
        {
            Assert.Equal(JournalReportFormat.Envelope, report.Format);
            Assert.Equal("alice@contoso.com", report.Sender);
            Assert.Equal("Forked", report.Subject);
            Assert.Equal("synthetic-fork-0001@contoso.com", report.MessageId);
            Assert.Empty(report.Defects);
            AssertOriginal(report.OriginalMessage, "alice@contoso.com", "2025-03-03T09:15:00Z", "Forked", "synthetic-fork-0001@contoso.com", 487);
        }
        Assert.Equal(new[] { R(To, "bob@contoso.com") }, first.Recipients);
        Assert.Equal(new[] { R(To, "partner@fabrikam.com") }, second.Recipients);
        Assert.Equal(first.ContentHash, second.ContentHash);
        Assert.NotEqual(first.ReportMessageId, second.ReportMessageId);
    }

    [Fact]
    public void Outbound_report_with_only_external_recipients()
    {
        var report = Parse("synthetic-outbound-external-only.eml");
        Assert.Equal(JournalReportFormat.Envelope, report.Format);
        Assert.Equal("alice@contoso.com", report.Sender);
        Assert.Equal("Offer", report.Subject);
        Assert.Equal("synthetic-out-0001@contoso.com", report.MessageId);
        Assert.Equal(new[] { R(To, "buyer@fabrikam.com"), R(Cc, "legal@northwind.example") }, report.Recipients);
        Assert.Empty(report.Defects);
        AssertOriginal(report.OriginalMessage, "alice@contoso.com", "2025-03-03T09:15:00Z", "Offer", "synthetic-out-0001@contoso.com", 495);
    }

    [Fact]
    public void Standard_eml_takes_recipients_from_its_headers()
    {
        var bytes = Fixtures.Report("synthetic-standard-eml.eml");
        var report = JournalReportParser.Parse(bytes);
        Assert.Equal(JournalReportFormat.Standard, report.Format);
        Assert.Equal("alice@contoso.com", report.Sender);
        Assert.Null(report.OnBehalfOf);
        Assert.Equal("Stepped-down copy – plain EML", report.Subject);
        Assert.Equal("synthetic-std-0001@contoso.com", report.MessageId);
        Assert.Equal(new[]
        {
            R(To, "bob@contoso.com"),
            R(To, "carol@contoso.com"),
            R(To, "dave@contoso.com"),
            R(Cc, "erin@fabrikam.com"),
            R(Bcc, "frank@contoso.com"),
        }, report.Recipients);
        Assert.Empty(report.Defects);
        Assert.Null(report.EnvelopeText);
        Assert.Null(report.ClearTextCopy);
        // The whole input is the original.
        AssertOriginal(report.OriginalMessage, "alice@contoso.com", "2025-03-03T09:15:00Z", "Stepped-down copy – plain EML", "synthetic-std-0001@contoso.com", bytes.Length);
    }
}
