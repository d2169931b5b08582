using System.Text;

namespace MimecastJournaling.Benchmarks;

/// <summary>Synthetic Exchange envelope journal reports of a chosen size (the benchmark corpus; no real mail).</summary>
public static class SyntheticReports
{
    public static byte[] Create(int index, int targetBytes, int recipients = 8)
    {
        var boundary = $"_b{index:x8}_";
        var envelope = new StringBuilder()
            .Append("Sender: alice@contoso.com\r\nSubject: Weekly report ").Append(index).Append("\r\n")
            .Append("Message-Id: <m").Append(index).Append("@contoso.com>\r\n");
        for (var r = 0; r < recipients; r++)
        {
            envelope.Append(r % 3 == 0 ? "To: " : r % 3 == 1 ? "Cc: " : "Bcc: ").Append("user").Append(r).Append("@contoso.com");
            envelope.Append(r == 5 ? ", Expanded: team@contoso.com\r\n" : "\r\n");
        }
        var head = new StringBuilder()
            .Append("Received: from mbx.contoso.com (192.0.2.10) by hub.contoso.com\r\n")
            .Append("From: Alice <alice@contoso.com>\r\nTo: user0@contoso.com\r\nSubject: Weekly report ").Append(index).Append("\r\n")
            .Append("Date: Thu, 26 Nov 2026 08:59:00 +0000\r\nMessage-ID: <m").Append(index).Append("@contoso.com>\r\n")
            .Append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n\r\n");
        var report = new StringBuilder()
            .Append("From: Alice <alice@contoso.com>\r\nTo: user0@contoso.com\r\nSubject: Weekly report ").Append(index).Append("\r\n")
            .Append("Sender: <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.com>\r\n")
            .Append("Message-ID: <").Append(Guid.NewGuid()).Append("@journal.report.generator>\r\n")
            .Append("Date: Thu, 26 Nov 2026 09:00:00 +0000\r\nX-MS-Journal-Report:\r\nMIME-Version: 1.0\r\n")
            .Append("Content-Type: multipart/mixed; boundary=\"").Append(boundary).Append("\"\r\n\r\n")
            .Append("--").Append(boundary).Append("\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n")
            .Append(envelope).Append("\r\n--").Append(boundary).Append("\r\nContent-Type: message/rfc822\r\n\r\n").Append(head);
        var line = "The quick brown fox jumps over the lazy dog; quarterly figures follow in the attachment. " + index + "\r\n";
        var tail = "\r\n--" + boundary + "--\r\n";
        while (report.Length + tail.Length < targetBytes)
        {
            report.Append(line);
        }
        return Encoding.ASCII.GetBytes(report.Append(tail).ToString());
    }

    /// <summary>The embedded original of a report made by <see cref="Create"/>.</summary>
    public static ReadOnlyMemory<byte> OriginalOf(byte[] report)
    {
        var text = Encoding.ASCII.GetString(report);
        var start = text.IndexOf("message/rfc822\r\n\r\n", StringComparison.Ordinal) + "message/rfc822\r\n\r\n".Length;
        var end = text.LastIndexOf("\r\n--", StringComparison.Ordinal);
        return report.AsMemory(start, end - start);
    }
}
