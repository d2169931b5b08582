using MimecastJournaling.Engine.Parsing;

namespace MimecastJournaling.Engine.Tests.Parsing;

/// <summary>What every report must look like, whatever the input.</summary>
internal static class FuzzInvariants
{
    public static void AssertWellFormed(ReadOnlyMemory<byte> input, JournalReport report)
    {
        Assert.NotNull(report);
        Assert.True(Enum.IsDefined(report.Format), $"Format {report.Format}");
        Assert.Equal(input.Length, report.Size);
        Assert.NotNull(report.Recipients);
        Assert.NotNull(report.Defects);
        Assert.True(report.Defects.Count <= 51, $"{report.Defects.Count} defects");
        foreach (var defect in report.Defects)
        {
            Assert.False(string.IsNullOrWhiteSpace(defect));
            Assert.DoesNotContain('\n', defect);
        }
        foreach (var recipient in report.Recipients)
        {
            Assert.NotNull(recipient);
            Assert.True(Enum.IsDefined(recipient.Type), $"Type {recipient.Type}");
            Assert.False(string.IsNullOrWhiteSpace(recipient.Address));
            Assert.DoesNotContain('\n', recipient.Address);
            Assert.True(recipient.ExpandedFrom is null || recipient.ExpandedFrom.Length > 0);
            Assert.True(recipient.ForwardedFrom is null || recipient.ForwardedFrom.Length > 0);
        }
        Assert.True(report.MessageId is null || !report.MessageId.StartsWith('<'));
        if (report.ParseFailed)
        {
            Assert.Equal(JournalReportFormat.Standard, report.Format);
            Assert.Empty(report.Recipients);
            Assert.Single(report.Defects);
            Assert.Equal(input.Length, report.OriginalMessage!.Size);
        }
        if (report.Format == JournalReportFormat.Standard)
        {
            Assert.Null(report.ClearTextCopy);
        }
        foreach (var message in new[] { report.OriginalMessage, report.ClearTextCopy })
        {
            if (message is null)
            {
                continue;
            }
            Assert.Equal(message.Content.Length, message.Size);
            Assert.Matches("^[0-9a-f]{64}$", message.ContentHash);
        }
        Assert.Equal(report.OriginalMessage?.ContentHash, report.ContentHash);
        _ = report.ToString();
    }
}
