using System.Text;
using MimeKit;
using MimecastJournaling.Engine.Tests.Parsing;

namespace MimecastJournaling.Engine.Tests.Hostile;

/// <summary>
/// Messages a hostile sender inside the allowed ranges could send (synthetic, built here): a plain
/// message carrying a forged journal report, a forged delivery status notification, and reports
/// with tenant stamps.
/// </summary>
internal static class HostileMessages
{
    public const string TenantA = "9f3c6a2e-5d1b-4c8e-a7f0-3b2d1e4c5a60";
    public const string TenantB = "0b6a2c55-1111-4e2f-9d3a-7c1e2f3a4b5c";

    /// <summary>The forged report: the real-looking fixture report whose envelope lists bob and dave.</summary>
    public static byte[] ForgedReport => Fixtures.Report("synthetic-bifurcated-fork1.eml");

    /// <summary>A plain message from a stranger with a journal report attached (row 1 of issue 15).</summary>
    public static byte[] PlainMessageCarryingReport(string? stamp = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("mallory@fabrikam.com"));
        message.To.Add(MailboxAddress.Parse("journal@journal.contoso.com"));
        message.Subject = "Please archive";
        message.MessageId = "forged-carrier-0001@fabrikam.com";
        message.Date = new DateTimeOffset(2025, 3, 5, 9, 0, 0, TimeSpan.Zero);
        if (stamp is not null)
        {
            message.Headers.Add("X-MS-Exchange-CrossTenant-Id", stamp);
        }
        var body = new Multipart("mixed")
        {
            new TextPart("plain") { Text = "See attached." },
            new MessagePart("rfc822") { Message = MimeMessage.Load(new MemoryStream(ForgedReport)) },
        };
        message.Body = body;
        return Bytes(message);
    }

    /// <summary>A delivery status notification (multipart/report, delivery-status part) from <paramref name="from"/> wrapping the forged report.</summary>
    public static byte[] DeliveryStatusCarryingReport(string from)
    {
        var fixture = Encoding.ASCII.GetString(Fixtures.Report("synthetic-ndr-wrapped.eml"));
        return Encoding.ASCII.GetBytes(fixture.Replace(
            "From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.com>", "From: " + from, StringComparison.Ordinal));
    }

    /// <summary>A report with these stamps prepended to its top-level header block, in order.</summary>
    public static byte[] Stamped(byte[] report, params string[] stamps)
    {
        var head = new StringBuilder();
        foreach (var stamp in stamps)
        {
            head.Append("X-MS-Exchange-CrossTenant-Id: ").Append(stamp).Append("\r\n");
        }
        return Encoding.ASCII.GetBytes(head.ToString()).Concat(report).ToArray();
    }

    public static byte[] Bytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(FormatOptions.Default, stream);
        return stream.ToArray();
    }
}
