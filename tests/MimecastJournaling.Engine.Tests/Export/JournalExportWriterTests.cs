using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Export;
using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Export;

/// <summary>
/// The export writer on a real archive (the fixture reports ingested): every format read back by
/// code of its own here (System.IO.Compression, a line scan of the mbox), manifests parsed, hashes
/// recomputed; and the guarantees: partial names until the check passed, nothing left when stopped.
/// </summary>
public sealed class JournalExportWriterTests : IDisposable
{
    private readonly TempStore _temp = new();
    private readonly SqliteJournalArchive _archive;
    private readonly string _out;
    private readonly JournalMessage _bcc;   // bob, partner (To) and dave (Bcc, via the group team@)
    private readonly JournalMessage _plain;

    public JournalExportWriterTests()
    {
        _archive = new SqliteJournalArchive(_temp.Store.Database, _temp.Clock);
        _temp.Configuration.RegisterDomain("contoso.com");
        _temp.Configuration.RegisterDomain("journal.contoso.com");
        foreach (var mailbox in new[] { "alice@contoso.com", "bob@contoso.com", "dave@contoso.com" })
        {
            _temp.Configuration.AddInternalAddress(mailbox);
        }
        var definition = _temp.Configuration.NewDefinition(new DefinitionSettings { Description = "EXO", ServiceEmailAddress = "journal@journal.contoso.com" });
        var ingest = new JournalIngest(_temp.Store, _archive, _temp.Clock);
        ingest.Ingest(definition, new[] { "synthetic-bifurcated-fork1.eml", "synthetic-bifurcated-fork2.eml", "synthetic-hybrid-onprem-duplicate.eml", "synthetic-bcc-expanded-forwarded.eml" }
            .Select(f => new IncomingReport(Parsing.Fixtures.Report(f), "file:" + f, _temp.Clock.GetUtcNow())).ToList());
        _bcc = _archive.GetMessages(new JournalMessageQuery { MessageId = "synthetic-fork-0001@contoso.com" }).Single();
        _plain = _archive.GetMessages(new JournalMessageQuery { MessageId = "synthetic-orig-0001@contoso.com" }).Single();
        _out = Path.Combine(_temp.Root, "out");
        Directory.CreateDirectory(_out);
    }

    public void Dispose() => _temp.Dispose();

    private static string Sha(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private JournalExportResult Export(JournalExportOptions options, IJournalArchive? archive = null, params JournalMessage[] messages)
    {
        using var writer = new JournalExportWriter(archive ?? _archive, options, _temp.Clock);
        foreach (var message in messages)
        {
            writer.Add(message);
        }
        return writer.Complete(TempStore.Actor);
    }

    [Fact]
    public void Eml_writes_each_original_byte_for_byte_and_a_manifest_whose_hashes_match_the_files_and_the_archive()
    {
        var result = Export(new JournalExportOptions { Path = _out, Manifest = true }, null, _bcc, _plain);

        Assert.True(result.Verified);
        Assert.Equal((2, 2), (result.Items, result.Messages));
        Assert.Equal(
            new[] { $"{_bcc.Id}.eml", $"{_plain.Id}.eml", "manifest.csv", "manifest.json" }.Order(),
            Directory.GetFiles(_out).Select(Path.GetFileName).Order());
        foreach (var message in new[] { _bcc, _plain })
        {
            var bytes = File.ReadAllBytes(Path.Combine(_out, $"{message.Id}.eml"));
            Assert.Equal(_archive.GetOriginal(message.Id), bytes);
            Assert.Equal(message.ContentHash, Sha(bytes));
        }
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, "manifest.json")));
        var items = json.RootElement.GetProperty("Items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        foreach (var item in items)
        {
            var file = Path.Combine(_out, item.GetProperty("File").GetString()!);
            Assert.Equal(Sha(File.ReadAllBytes(file)), item.GetProperty("Sha256").GetString());
            Assert.Equal(new FileInfo(file).Length, item.GetProperty("Size").GetInt64());
        }
        Assert.Equal(2, json.RootElement.GetProperty("Export").GetProperty("Items").GetInt32());
        Assert.Equal(TempStore.Actor, json.RootElement.GetProperty("Export").GetProperty("User").GetString());
        if (!OperatingSystem.IsWindows())
        {
            foreach (var f in Directory.GetFiles(_out))
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f));
            }
        }
    }

    [Fact]
    public void The_manifest_leaves_out_bcc_recipients_and_the_mailboxes_only_a_bcc_made_recipients_unless_asked()
    {
        Assert.Contains(_bcc.Recipients, r => r.Type == "Bcc" && r.Address == "dave@contoso.com");
        Assert.Contains("dave@contoso.com", _bcc.Mailboxes);

        Export(new JournalExportOptions { Path = _out, Manifest = true }, null, _bcc);
        var csv = File.ReadAllLines(Path.Combine(_out, "manifest.csv"));
        var json = File.ReadAllText(Path.Combine(_out, "manifest.json"));
        Assert.Equal(2, csv.Length);
        Assert.Equal("\"ItemId\",\"ReportId\",\"MessageId\",\"Date\",\"Sender\",\"Recipients\",\"Mailboxes\",\"File\",\"Entry\",\"Size\",\"Sha256\"", csv[0]);
        Assert.Contains("\"To:bob@contoso.com; To:partner@fabrikam.com\"", csv[1]);
        Assert.Contains("\"alice@contoso.com; bob@contoso.com\"", csv[1]);
        Assert.DoesNotContain("dave@", csv[1]);
        Assert.DoesNotContain("dave@", json);
        Assert.DoesNotContain("Bcc\"", json.Replace("\"IncludeBcc\"", string.Empty, StringComparison.Ordinal));

        var withBcc = Path.Combine(_temp.Root, "bcc");
        Directory.CreateDirectory(withBcc);
        Export(new JournalExportOptions { Path = withBcc, Manifest = true, IncludeBcc = true }, null, _bcc);
        var line = File.ReadAllLines(Path.Combine(withBcc, "manifest.csv"))[1];
        Assert.Contains("Bcc:dave@contoso.com", line);
        Assert.Contains("\"alice@contoso.com; bob@contoso.com; dave@contoso.com\"", line);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(withBcc, "manifest.json")));
        var bcc = doc.RootElement.GetProperty("Items")[0].GetProperty("Recipients").EnumerateArray().Single(r => r.GetProperty("Type").GetString() == "Bcc");
        Assert.Equal("team@contoso.com", bcc.GetProperty("ExpandedFrom").GetString());
    }

    [Fact]
    public void Envelope_reports_are_exported_only_with_IncludeBcc_and_then_byte_for_byte()
    {
        var refused = Assert.Throws<JournalConfigurationException>(() => new JournalExportWriter(_archive, new JournalExportOptions { Path = _out, IncludeEnvelope = true }));
        Assert.Equal("ExportEnvelopeRevealsBcc", refused.ErrorId);
        Assert.Empty(Directory.GetFiles(_out));

        var result = Export(new JournalExportOptions { Path = _out, IncludeEnvelope = true, IncludeBcc = true }, null, _bcc);
        Assert.Equal((1, 3), (result.Items, result.Messages));
        Assert.Equal(Parsing.Fixtures.Report("synthetic-bifurcated-fork1.eml"), File.ReadAllBytes(Path.Combine(_out, $"{_bcc.Id}-report{_bcc.Reports[0].ReportId}.eml")));
        Assert.Equal(Parsing.Fixtures.Report("synthetic-bifurcated-fork2.eml"), File.ReadAllBytes(Path.Combine(_out, $"{_bcc.Id}-report{_bcc.Reports[1].ReportId}.eml")));
    }

    [Fact]
    public void Zip_holds_one_entry_per_message_that_the_zip_library_reads_back_to_the_archived_bytes()
    {
        var zipPath = Path.Combine(_out, "case 4711.zip");
        var result = Export(new JournalExportOptions { Path = zipPath, Format = JournalExportFormat.Zip, Manifest = true }, null, _bcc, _plain);

        Assert.Equal(zipPath, result.Path);
        using (var zip = ZipFile.OpenRead(zipPath))
        {
            Assert.Equal(new[] { $"{_bcc.Id}.eml", $"{_plain.Id}.eml" }, zip.Entries.Select(e => e.FullName));
            foreach (var (entry, message) in zip.Entries.Zip(new[] { _bcc, _plain }))
            {
                using var stream = entry.Open();
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                Assert.Equal(_archive.GetOriginal(message.Id), copy.ToArray());
            }
        }
        using var json = JsonDocument.Parse(File.ReadAllText(zipPath + ".manifest.json"));
        var file = json.RootElement.GetProperty("Files").EnumerateArray().Single();
        Assert.Equal("case 4711.zip", file.GetProperty("Name").GetString());
        Assert.Equal(Sha(File.ReadAllBytes(zipPath)), file.GetProperty("Sha256").GetString());
        Assert.Equal(new FileInfo(zipPath).Length, file.GetProperty("Size").GetInt64());
        Assert.Equal([$"{_bcc.Id}.eml", $"{_plain.Id}.eml"], json.RootElement.GetProperty("Items").EnumerateArray().Select(i => i.GetProperty("Entry").GetString()));
        Assert.True(File.Exists(zipPath + ".manifest.csv"));
        Assert.Equal(3, Directory.GetFiles(_out).Length);
    }

    [Fact]
    public void A_folder_given_for_a_zip_or_mbox_gets_a_file_named_by_the_time_never_by_the_subject()
    {
        var result = Export(new JournalExportOptions { Path = _out, Format = JournalExportFormat.Mbox }, null, _plain);
        Assert.Equal(Path.Combine(_out, "journal-export-20260301T080000Z.mbox"), result.Path);
        Assert.True(File.Exists(result.Path));
    }

    [Fact]
    public void Mbox_quotes_from_lines_mboxrd_style_and_a_line_scan_counts_every_message()
    {
        const string body = "From: sender@contoso.com\r\nSubject: quoting\r\n\r\nFrom the desk of alice\r\n>From a quoted line\r\n>>From twice\r\nFromage is no separator\r\nlast line";
        var archive = new FakeArchive();
        var tricky = archive.Add(1, Encoding.ASCII.GetBytes(body), "alice@contoso.com");
        var normal = archive.Add(2, Encoding.ASCII.GetBytes("Subject: two\r\n\r\nhello\r\n"), null);
        var mbox = Path.Combine(_out, "case.mbox");

        var result = Export(new JournalExportOptions { Path = mbox, Format = JournalExportFormat.Mbox, Manifest = true }, archive, tricky, normal);

        Assert.True(result.Verified);
        var lines = File.ReadAllText(mbox).Split('\n');
        // Separators, by an independent reading of mboxrd: a line that starts with "From ".
        var separators = lines.Where(l => l.StartsWith("From ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["From alice@contoso.com Sun Mar  1 08:00:00 2026", "From MAILER-DAEMON Sun Mar  1 08:00:00 2026"], separators);
        Assert.Contains(">From the desk of alice\r", lines);
        Assert.Contains(">>From a quoted line\r", lines);
        Assert.Contains(">>>From twice\r", lines);
        Assert.Contains("Fromage is no separator\r", lines);
        // Unquoting gives the archived bytes back (the writer added the final line break of the first).
        var back = Mboxrd.Read(File.ReadAllBytes(mbox));
        Assert.Equal(2, back.Count);
        Assert.Equal(body + "\n", Encoding.ASCII.GetString(back[0]));
        Assert.Equal("Subject: two\r\n\r\nhello\r\n", Encoding.ASCII.GetString(back[1]));
        using var json = JsonDocument.Parse(File.ReadAllText(mbox + ".manifest.json"));
        var first = json.RootElement.GetProperty("Items")[0];
        Assert.Equal(("case.mbox", "1", Sha(Encoding.ASCII.GetBytes(body))), (first.GetProperty("File").GetString(), first.GetProperty("Entry").GetString(), first.GetProperty("Sha256").GetString()));
    }

    [Fact]
    public void Until_complete_only_partial_files_exist_and_a_stopped_export_leaves_nothing()
    {
        var zip = Path.Combine(_out, "stopped.zip");
        using (var writer = new JournalExportWriter(_archive, new JournalExportOptions { Path = zip, Format = JournalExportFormat.Zip, Manifest = true }))
        {
            writer.Add(_bcc);
            Assert.Equal([zip + ".partial"], Directory.GetFiles(_out));
        }
        Assert.Empty(Directory.GetFiles(_out));

        using (var writer = new JournalExportWriter(_archive, new JournalExportOptions { Path = _out, Manifest = true }))
        {
            writer.Add(_bcc);
            writer.Add(_plain);
            Assert.All(Directory.GetFiles(_out), f => Assert.EndsWith(".eml.partial", f, StringComparison.Ordinal));
            Assert.Equal(2, Directory.GetFiles(_out).Length);
        }
        Assert.Empty(Directory.GetFiles(_out));
    }

    [Fact]
    public void A_file_changed_on_disk_before_the_check_fails_the_export_and_nothing_is_renamed()
    {
        using var writer = new JournalExportWriter(_archive, new JournalExportOptions { Path = _out, Manifest = true });
        writer.Add(_bcc);
        writer.Add(_plain);
        File.AppendAllText(Path.Combine(_out, $"{_plain.Id}.eml.partial"), "tampered");

        var failed = Assert.Throws<JournalConfigurationException>(() => writer.Complete(TempStore.Actor));

        Assert.Equal("ExportVerificationFailed", failed.ErrorId);
        Assert.Contains($"item {_plain.Id}", failed.Message);
        Assert.DoesNotContain(Directory.GetFiles(_out), f => !f.EndsWith(".partial", StringComparison.Ordinal));
        writer.Dispose();
        Assert.Empty(Directory.GetFiles(_out));
    }

    [Fact]
    public void An_existing_file_is_kept_unless_Force_and_a_missing_folder_is_named()
    {
        var existing = Path.Combine(_out, $"{_bcc.Id}.eml");
        File.WriteAllText(existing, "keep me");
        using (var writer = new JournalExportWriter(_archive, new JournalExportOptions { Path = _out }))
        {
            Assert.Equal("ExportFileExists", Assert.Throws<JournalConfigurationException>(() => writer.Add(_bcc)).ErrorId);
            writer.Add(_plain);
            Assert.Equal((1, 1), (writer.Complete(TempStore.Actor).Messages, writer.ItemCount));
        }
        Assert.Equal("keep me", File.ReadAllText(existing));
        Export(new JournalExportOptions { Path = _out, Force = true }, null, _bcc);
        Assert.Equal(_archive.GetOriginal(_bcc.Id), File.ReadAllBytes(existing));

        var mbox = Path.Combine(_out, "a.mbox");
        File.WriteAllText(mbox, "x");
        Assert.Equal("ExportFileExists", Assert.Throws<JournalConfigurationException>(() => new JournalExportWriter(_archive, new JournalExportOptions { Path = mbox, Format = JournalExportFormat.Mbox })).ErrorId);
        var missing = Assert.Throws<JournalConfigurationException>(() => new JournalExportWriter(_archive, new JournalExportOptions { Path = Path.Combine(_out, "no", "a.zip"), Format = JournalExportFormat.Zip }));
        Assert.Equal("ExportDestinationNotFound", missing.ErrorId);
    }

    [Fact]
    public void An_original_with_its_own_bcc_header_or_a_changed_hash_is_refused_and_the_rest_is_exported()
    {
        var archive = new FakeArchive();
        var senderCopy = archive.Add(1, "Subject: x\r\nBcc: secret@contoso.com\r\n\r\nbody\r\n"u8.ToArray(), "alice@contoso.com");
        var changed = archive.Add(2, "Subject: y\r\n\r\nbody\r\n"u8.ToArray(), "alice@contoso.com") with { ContentHash = new string('0', 64) };
        var fine = archive.Add(3, "Subject: z\r\n\r\nbody\r\n"u8.ToArray(), "alice@contoso.com");
        using var writer = new JournalExportWriter(archive, new JournalExportOptions { Path = _out });

        Assert.Equal("ExportOriginalHasBcc", Assert.Throws<JournalConfigurationException>(() => writer.Add(senderCopy)).ErrorId);
        Assert.Equal("ExportContentHashMismatch", Assert.Throws<JournalConfigurationException>(() => writer.Add(changed)).ErrorId);
        writer.Add(fine);
        var result = writer.Complete(TempStore.Actor);

        Assert.Equal(["3.eml"], Directory.GetFiles(_out).Select(Path.GetFileName));
        Assert.Equal(1, result.Messages);
        var allowed = Path.Combine(_temp.Root, "allowed");
        Directory.CreateDirectory(allowed);
        Export(new JournalExportOptions { Path = allowed, IncludeBcc = true }, archive, senderCopy);
        Assert.Contains("Bcc: secret@contoso.com", File.ReadAllText(Path.Combine(allowed, "1.eml")));
    }

    [Fact]
    public void An_empty_export_is_still_a_valid_empty_zip_and_mbox_with_a_manifest()
    {
        var zip = Export(new JournalExportOptions { Path = Path.Combine(_out, "none.zip"), Format = JournalExportFormat.Zip, Manifest = true });
        using (var read = ZipFile.OpenRead(zip.Path))
        {
            Assert.Empty(read.Entries);
        }
        var mbox = Export(new JournalExportOptions { Path = Path.Combine(_out, "none.mbox"), Format = JournalExportFormat.Mbox });
        Assert.Equal(0, new FileInfo(mbox.Path).Length);
        Assert.Equal(0, zip.Messages);
    }

    [Fact]
    public void Every_export_is_in_the_event_log_with_who_the_target_and_the_count()
    {
        var result = Export(new JournalExportOptions { Path = Path.Combine(_out, "x.zip"), Format = JournalExportFormat.Zip }, null, _bcc, _plain);
        JournalExportEvents.Record(_temp.Store, TempStore.Actor, result, _temp.Clock);
        JournalExportEvents.RecordInterrupted(_temp.Store, TempStore.Actor, JournalExportFormat.Eml, _out, 1, "Stopped", _temp.Clock);

        var events = _temp.Store.GetEvents(new JournalEventQuery { ObjectType = JournalObjectType.Export });
        Assert.Equal(2, events.Count);
        var done = events.Single(e => e.Action == JournalExportEvents.Exported);
        Assert.Equal((TempStore.Actor, "x.zip", Path.Combine(_out, "x.zip"), "Zip"), (done.User, done.ObjectName, done.ObjectId, done.Property));
        Assert.Equal("2 item(s), 2 message(s), verified, Bcc left out", done.NewValue);
        var stopped = events.Single(e => e.Action == JournalExportEvents.Interrupted);
        Assert.Equal("Stopped after 1 message(s); the partial files were removed", stopped.NewValue);
    }

    /// <summary>An archive of hand-made originals, for bytes the fixtures do not have.</summary>
    private sealed class FakeArchive : IJournalArchive
    {
        private readonly Dictionary<long, byte[]> _originals = new();

        public JournalMessage Add(long id, byte[] original, string? sender)
        {
            _originals[id] = original;
            return new JournalMessage
            {
                Id = id,
                Sender = sender,
                Size = original.Length,
                FirstReceived = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero),
                ContentHash = Sha(original),
            };
        }

        public byte[]? GetOriginal(long itemId) => _originals.GetValueOrDefault(itemId);
        public IReadOnlyList<JournalOutcome> Store(IReadOnlyList<ArchiveSubmission> batch) => throw new NotSupportedException();
        public IReadOnlyList<JournalMessage> GetMessages(JournalMessageQuery query) => throw new NotSupportedException();
        public JournalMessage? GetMessage(long itemId) => throw new NotSupportedException();
        public byte[]? GetReport(long reportId) => throw new NotSupportedException();
        public IReadOnlyList<JournalOutcome> GetOutcomes(JournalOutcomeQuery query) => throw new NotSupportedException();
        public IReadOnlyList<long> CompleteDueItems(DateTimeOffset now) => throw new NotSupportedException();
    }
}
