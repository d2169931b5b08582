using System.Text;
using MimecastJournaling.Engine.Parsing;

namespace MimecastJournaling.Engine.Tests.Hostile;

/// <summary>Issue 15 item 7: UTF-8 bytes in an envelope part declared us-ascii keep their characters, with a defect (synthetic reports).</summary>
public sealed class EnvelopeCharsetTests
{
    private static byte[] Report(byte[] envelope, string declared) =>
        Encoding.ASCII.GetBytes(
            "From: Microsoft Exchange <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.com>\r\nTo: journal@journal.contoso.com\r\n" +
            "Subject: charset\r\nMessage-ID: <charset-report@journal.report.generator>\r\nX-MS-Journal-Report:\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n" +
            $"Content-Type: text/plain; charset={declared}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
        .Concat(envelope)
        .Concat(Encoding.ASCII.GetBytes("\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: alice@contoso.com\r\nTo: bob@contoso.com\r\nSubject: charset\r\nMessage-ID: <charset@contoso.com>\r\n\r\nhello\r\n--b--\r\n"))
        .ToArray();

    private const string Envelope = "Sender: alice@contoso.com\r\nSubject: charset\r\nMessage-Id: <charset@contoso.com>\r\nTo: jörg@contoso.com\r\nTo: bob@contoso.com\r\n";

    [Fact]
    public void UTF8_in_an_envelope_declared_us_ascii_keeps_its_characters_and_records_a_defect()
    {
        var report = JournalReportParser.Parse(Report(Encoding.UTF8.GetBytes(Envelope), "us-ascii"));

        Assert.Equal(["jörg@contoso.com", "bob@contoso.com"], report.Recipients.Select(r => r.Address));
        Assert.Contains("The envelope part is declared us-ascii but holds UTF-8; it was read as UTF-8.", report.Defects);
    }

    [Fact]
    public void Eight_bit_bytes_that_are_not_UTF8_are_kept_as_Latin1_with_a_defect_not_turned_into_question_marks()
    {
        var report = JournalReportParser.Parse(Report(Encoding.Latin1.GetBytes(Envelope), "us-ascii"));

        Assert.Contains("jörg@contoso.com", report.Recipients.Select(r => r.Address));
        Assert.DoesNotContain(report.Recipients, r => r.Address.Contains('?'));
        Assert.Contains(report.Defects, d => d.Contains("not UTF-8", StringComparison.Ordinal));
    }

    [Fact]
    public void A_declared_charset_is_still_honoured()
    {
        var report = JournalReportParser.Parse(Report(Encoding.Latin1.GetBytes(Envelope), "iso-8859-1"));

        Assert.Contains("jörg@contoso.com", report.Recipients.Select(r => r.Address));
        Assert.DoesNotContain(report.Defects, d => d.Contains("declared us-ascii", StringComparison.Ordinal));
    }
}
