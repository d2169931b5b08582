using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MimecastJournaling.Engine.Export;

/// <summary>
/// The export's manifest: CSV (one line per exported message, for a spreadsheet or a review
/// tool's load file) and JSON (the same lines, plus the export's facts and every file with its
/// size and SHA-256).
/// </summary>
public static class ExportManifest
{
    public sealed record Header(JournalExportFormat Format, DateTimeOffset Created, string User, int Items, int Messages, bool IncludeBcc, bool IncludeEnvelope);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Columns: ItemId, ReportId, MessageId, Date, Sender, Recipients ("Type:address" joined by "; ",
    /// Bcc only when included), Mailboxes, File, Entry, Size, Sha256. Every field is quoted; a field
    /// that a spreadsheet would run as a formula (starting with = + - @ or a tab) gets a leading
    /// apostrophe; the JSON keeps every value exactly.
    /// </summary>
    public static string Csv(IEnumerable<JournalExportEntry> entries, bool includeBcc)
    {
        var text = new StringBuilder();
        text.Append("\"ItemId\",\"ReportId\",\"MessageId\",\"Date\",\"Sender\",\"Recipients\",\"Mailboxes\",\"File\",\"Entry\",\"Size\",\"Sha256\"\r\n");
        foreach (var e in entries)
        {
            string?[] fields =
            [
                e.ItemId.ToString(CultureInfo.InvariantCulture),
                e.ReportId?.ToString(CultureInfo.InvariantCulture),
                e.MessageId,
                e.Date?.ToString("o", CultureInfo.InvariantCulture),
                e.Sender,
                string.Join("; ", e.Recipients.Where(r => includeBcc || r.Type != "Bcc").Select(r => r.ToString())),
                string.Join("; ", e.Mailboxes),
                e.File,
                e.Entry,
                e.Size.ToString(CultureInfo.InvariantCulture),
                e.Sha256,
            ];
            text.Append(string.Join(",", fields.Select(Quote))).Append("\r\n");
        }
        return text.ToString();
    }

    private static string Quote(string? value)
    {
        value ??= string.Empty;
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    public static string Json(Header header, IReadOnlyList<JournalExportFile> files, IReadOnlyList<JournalExportEntry> entries) =>
        JsonSerializer.Serialize(new
        {
            Export = header,
            Files = files.Select(f => new { f.Name, f.Size, f.Sha256 }),
            Items = entries,
        }, JsonOptions) + "\n";
}
