using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Parsing;
using MimecastJournaling.Engine.Security;

namespace MimecastJournaling.Engine.Export;

/// <summary>
/// Writes an eDiscovery export of archive items: .eml files, one mbox file or one zip, and
/// optionally a manifest (CSV and JSON). Everything is written under a ".partial" name first;
/// <see cref="Complete"/> reads every file back, checks the count and every message's SHA-256
/// (an original against the archive's content hash), and only then renames the files to their
/// final names, manifest last. An export that is interrupted (Ctrl+C, a crash, a failed check)
/// never looks complete: <see cref="Dispose"/> without <see cref="Complete"/> deletes the partial
/// files, and a killed process leaves only ".partial" names.
/// <para>
/// Message bytes are never changed: an exported original hashes to what the archive recorded at
/// ingest. Bcc recipients are therefore kept out by what is exported, not by editing it: without
/// <see cref="JournalExportOptions.IncludeBcc"/> the manifest leaves them (and the mailboxes only
/// they made recipients) out, journal reports (whose envelope lists them) cannot be exported, and
/// an original whose own header carries a Bcc field is refused with an error rather than written.
/// </para>
/// </summary>
public sealed class JournalExportWriter : IDisposable
{
    public const string PartialSuffix = ".partial";

    private readonly IJournalArchive _archive;
    private readonly JournalExportOptions _options;
    private readonly TimeProvider _clock;
    private readonly string _root;
    private readonly string? _container;
    private readonly List<Written> _written = new();
    private readonly List<JournalExportEntry> _entries = new();
    private readonly HashSet<long> _items = new();
    private FileStream? _stream;
    private ZipArchive? _zip;
    private bool _completed;

    /// <summary>A message written, with what the check at the end expects of it.</summary>
    private sealed record Written(JournalExportEntry Entry, string? PartialPath, bool AddedLineBreak);

    /// <summary>Checks the options and the target; a problem is a <see cref="JournalConfigurationException"/> that says what to do.</summary>
    public JournalExportWriter(IJournalArchive archive, JournalExportOptions options, TimeProvider? clock = null)
    {
        _archive = archive;
        _options = options;
        _clock = clock ?? TimeProvider.System;
        if (options.IncludeEnvelope && !options.IncludeBcc)
        {
            throw new JournalConfigurationException("ExportEnvelopeRevealsBcc", JournalErrorKind.InvalidArgument,
                "A journal report's envelope lists every recipient, Bcc recipients included. Add -IncludeBcc to export the reports " +
                "knowingly, or leave out -IncludeEnvelope to export the originals as their recipients saw them.", options.Path);
        }
        var path = System.IO.Path.GetFullPath(options.Path);
        if (options.Format == JournalExportFormat.Eml)
        {
            if (!Directory.Exists(path))
            {
                throw new JournalConfigurationException("ExportDestinationNotFound", JournalErrorKind.InvalidArgument,
                    $"The folder '{path}' does not exist. Create it first (New-Item -ItemType Directory), or give another -Path.", options.Path);
            }
            _root = path;
        }
        else
        {
            if (Directory.Exists(path))
            {
                var extension = options.Format == JournalExportFormat.Mbox ? ".mbox" : ".zip";
                path = System.IO.Path.Combine(path, "journal-export-" + _clock.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + extension);
            }
            _root = System.IO.Path.GetDirectoryName(path)!;
            if (!Directory.Exists(_root))
            {
                throw new JournalConfigurationException("ExportDestinationNotFound", JournalErrorKind.InvalidArgument,
                    $"The folder '{_root}' does not exist. Create it first (New-Item -ItemType Directory), or give another -Path.", options.Path);
            }
            _container = path;
            RefuseExisting(path);
        }
        if (options.Manifest)
        {
            foreach (var manifest in ManifestPaths())
            {
                RefuseExisting(manifest);
            }
        }
    }

    /// <summary>The folder (Eml) or file (Mbox, Zip) this export writes.</summary>
    public string Target => _container ?? _root;

    /// <summary>Messages written so far.</summary>
    public int Count => _entries.Count;

    /// <summary>Archive items written so far.</summary>
    public int ItemCount => _items.Count;

    private IEnumerable<string> ManifestPaths()
    {
        var stem = _container ?? System.IO.Path.Combine(_root, "manifest");
        yield return stem + (_container is null ? ".csv" : ".manifest.csv");
        yield return stem + (_container is null ? ".json" : ".manifest.json");
    }

    private void RefuseExisting(string path)
    {
        if (File.Exists(path) && !_options.Force)
        {
            throw new JournalConfigurationException("ExportFileExists", JournalErrorKind.AlreadyExists,
                $"'{path}' exists already. Use -Force to overwrite it, or export into an empty folder.", path);
        }
        if (Directory.Exists(path))
        {
            throw new JournalConfigurationException("ExportFileExists", JournalErrorKind.AlreadyExists,
                $"'{path}' is a folder. Give another -Path for the export file.", path);
        }
    }

    /// <summary>The file names an item would get (Eml: in the folder; Zip: entry names; Mbox: the mbox file).</summary>
    public IReadOnlyList<string> FileNames(JournalMessage message) =>
        _container is not null
            ? [System.IO.Path.GetFileName(_container)]
            : _options.IncludeEnvelope ? message.Reports.Select(r => ReportName(message.Id, r.ReportId)).ToList() : [OriginalName(message.Id)];

    /// <summary>
    /// Writes one archive item (its original, or with IncludeEnvelope each of its reports).
    /// A problem with this item (gone, a file in the way, Bcc in the original's header) is a
    /// <see cref="JournalConfigurationException"/>; nothing of the item is written and the export can go on.
    /// </summary>
    public void Add(JournalMessage message)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        var parts = new List<(long? ReportId, string Name, byte[] Bytes)>();
        if (_options.IncludeEnvelope)
        {
            foreach (var report in message.Reports)
            {
                parts.Add((report.ReportId, ReportName(message.Id, report.ReportId), _archive.GetReport(report.ReportId) ?? throw Gone(message.Id)));
            }
        }
        else
        {
            var original = _archive.GetOriginal(message.Id) ?? throw Gone(message.Id);
            if (!_options.IncludeBcc && TopHeaders.Values(original, ["Bcc"]).Any(v => v.Value.Length > 0))
            {
                throw new JournalConfigurationException("ExportOriginalHasBcc", JournalErrorKind.InvalidOperation,
                    $"The original of item {message.Id} carries a Bcc header of its own (a sender's copy), so exporting it would reveal Bcc recipients, " +
                    "and an exported message is never altered. Export it with -IncludeBcc if the reviewer may see them; the other items are exported.", message.Id);
            }
            var hash = Convert.ToHexString(SHA256.HashData(original)).ToLowerInvariant();
            if (!string.Equals(hash, message.ContentHash, StringComparison.OrdinalIgnoreCase))
            {
                throw new JournalConfigurationException("ExportContentHashMismatch", JournalErrorKind.InvalidOperation,
                    $"The original of item {message.Id} no longer hashes to the SHA-256 recorded at ingest ({message.ContentHash}); it was not exported. " +
                    "Check the archive's integrity before you hand anything over.", message.Id);
            }
            parts.Add((null, OriginalName(message.Id), original));
        }
        if (_container is null)
        {
            foreach (var part in parts)
            {
                RefuseExisting(System.IO.Path.Combine(_root, part.Name));
            }
        }
        foreach (var (reportId, name, bytes) in parts)
        {
            Write(message, reportId, name, bytes);
        }
        _items.Add(message.Id);
    }

    private static JournalConfigurationException Gone(long id) => new("JournalMessageNotFound", JournalErrorKind.NotFound,
        $"The archived message {id} was removed while it was being exported.", id);

    private static string OriginalName(long itemId) => itemId.ToString(CultureInfo.InvariantCulture) + ".eml";

    private static string ReportName(long itemId, long reportId) =>
        string.Create(CultureInfo.InvariantCulture, $"{itemId}-report{reportId}.eml");

    private void Write(JournalMessage message, long? reportId, string name, byte[] bytes)
    {
        var hash = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
        string file;
        string? entry = null;
        string? partial = null;
        var added = false;
        switch (_options.Format)
        {
            case JournalExportFormat.Eml:
                file = name;
                partial = System.IO.Path.Combine(_root, name + PartialSuffix);
                using (var stream = PrivateFile.Create(partial))
                {
                    try
                    {
                        stream.Write(bytes);
                        stream.Flush(flushToDisk: true);
                    }
                    catch
                    {
                        stream.Dispose();
                        File.Delete(partial);
                        throw;
                    }
                }
                break;
            case JournalExportFormat.Mbox:
                file = System.IO.Path.GetFileName(_container!);
                entry = (_entries.Count + 1).ToString(CultureInfo.InvariantCulture);
                _stream ??= PrivateFile.Create(_container + PartialSuffix);
                added = Mboxrd.Write(_stream, message.Sender, message.Date ?? message.FirstReceived, bytes);
                break;
            default:
                file = System.IO.Path.GetFileName(_container!);
                entry = name;
                _stream ??= PrivateFile.Create(_container + PartialSuffix);
                _zip ??= new ZipArchive(_stream, ZipArchiveMode.Create, leaveOpen: true);
                var zipEntry = _zip.CreateEntry(name, CompressionLevel.Optimal);
                zipEntry.LastWriteTime = message.Date ?? message.FirstReceived;
                using (var entryStream = zipEntry.Open())
                {
                    entryStream.Write(bytes);
                }
                break;
        }
        var item = new JournalExportEntry
        {
            ItemId = message.Id,
            ReportId = reportId,
            MessageId = message.MessageId,
            Date = message.Date,
            Sender = message.Sender,
            Recipients = VisibleRecipients(message),
            Mailboxes = VisibleMailboxes(message),
            File = file,
            Entry = entry,
            Size = bytes.Length,
            Sha256 = hash,
        };
        _entries.Add(item);
        _written.Add(new Written(item, partial, added));
    }

    private IReadOnlyList<JournalExportRecipient> VisibleRecipients(JournalMessage message) => message.Recipients
        .Where(r => _options.IncludeBcc || !IsBcc(r))
        .Select(r => new JournalExportRecipient(r.Address, r.Type, r.ExpandedFrom, r.ForwardedFrom))
        .ToList();

    /// <summary>Mailboxes, less those that are there only because they were Bcc recipients (unless Bcc is included).</summary>
    private IReadOnlyList<string> VisibleMailboxes(JournalMessage message)
    {
        if (_options.IncludeBcc)
        {
            return message.Mailboxes;
        }
        var bccOnly = message.Recipients.Where(IsBcc).Select(r => r.Address)
            .Except(message.Recipients.Where(r => !IsBcc(r)).Select(r => r.Address), StringComparer.OrdinalIgnoreCase)
            .Where(a => !string.Equals(a, message.Sender, StringComparison.OrdinalIgnoreCase))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return message.Mailboxes.Where(m => !bccOnly.Contains(m)).ToList();
    }

    private static bool IsBcc(ArchivedRecipient recipient) => string.Equals(recipient.Type, "Bcc", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Finishes the export: closes the container, writes the manifest, reads every file back and
    /// checks the count and hashes, then renames the partial files to their final names (manifest
    /// last). A failed check is an ExportVerificationFailed error and leaves nothing that looks complete.
    /// <paramref name="beforeRename"/> runs after the check and before the renames (the event log entry):
    /// when it throws, no file gets its final name.
    /// </summary>
    public JournalExportResult Complete(string actor, Action<JournalExportResult>? beforeRename = null)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _zip?.Dispose();
        _zip = null;
        if (_container is not null)
        {
            // An export of nothing is still an answer ("the search found nothing"): an empty mbox or zip.
            _stream ??= PrivateFile.Create(_container + PartialSuffix);
            if (_options.Format == JournalExportFormat.Zip && _stream.Length == 0)
            {
                new ZipArchive(_stream, ZipArchiveMode.Create, leaveOpen: true).Dispose();
            }
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
            _stream = null;
        }
        Verify();
        var files = new List<JournalExportFile>();
        if (_container is not null)
        {
            files.Add(HashFile(_container + PartialSuffix, _container));
        }
        else
        {
            files.AddRange(_written.Select(w => new JournalExportFile(w.Entry.File, System.IO.Path.Combine(_root, w.Entry.File), w.Entry.Size, w.Entry.Sha256)));
        }
        var manifests = new List<string>();
        if (_options.Manifest)
        {
            var (csv, json) = (ManifestPaths().First(), ManifestPaths().Last());
            var header = new ExportManifest.Header(_options.Format, _clock.GetUtcNow(), actor, _items.Count, _entries.Count, _options.IncludeBcc, _options.IncludeEnvelope);
            WriteText(csv + PartialSuffix, ExportManifest.Csv(_entries, _options.IncludeBcc));
            WriteText(json + PartialSuffix, ExportManifest.Json(header, files, _entries));
            manifests.Add(csv);
            manifests.Add(json);
        }
        var manifestFiles = manifests.Select(m => HashFile(m + PartialSuffix, m)).ToList();
        var result = new JournalExportResult
        {
            Format = _options.Format,
            Path = Target,
            Items = _items.Count,
            Messages = _entries.Count,
            Bytes = _entries.Sum(e => e.Size),
            Files = files.Concat(manifestFiles).ToList(),
            Manifest = manifests,
            IncludeBcc = _options.IncludeBcc,
            IncludeEnvelope = _options.IncludeEnvelope,
            Verified = true,
            Entries = _entries.ToList(),
        };
        // The caller logs the export now: if that fails, nothing has its final name yet.
        beforeRename?.Invoke(result);
        // Content first, the manifest last: a manifest under its final name means a complete export.
        foreach (var file in files.Concat(manifestFiles))
        {
            File.Move(file.FullName + PartialSuffix, file.FullName, overwrite: _options.Force);
        }
        _completed = true;
        return result;
    }

    private static JournalExportFile HashFile(string partial, string final)
    {
        using var stream = File.OpenRead(partial);
        var hash = Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
        return new JournalExportFile(System.IO.Path.GetFileName(final), final, stream.Length, hash);
    }

    private static void WriteText(string path, string text)
    {
        using var stream = PrivateFile.Create(path);
        stream.Write(new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Reads what was written back from disk: the count of messages and each one's SHA-256.</summary>
    private void Verify()
    {
        var expected = _written.Select(w => w.Entry.Sha256).ToList();
        List<string> found;
        switch (_options.Format)
        {
            case JournalExportFormat.Eml:
                found = _written.Select(w => Hash(File.ReadAllBytes(w.PartialPath!))).ToList();
                break;
            case JournalExportFormat.Mbox:
                var messages = Mboxrd.Read(File.ReadAllBytes(_container + PartialSuffix));
                found = messages.Select((m, i) => Hash(i < _written.Count && _written[i].AddedLineBreak ? m[..^1] : m)).ToList();
                break;
            default:
                using (var zip = ZipFile.OpenRead(_container + PartialSuffix))
                {
                    var byName = _written.ToDictionary(w => w.Entry.Entry!, w => w.Entry.Sha256);
                    found = new List<string>();
                    expected = new List<string>();
                    foreach (var entry in zip.Entries)
                    {
                        using var stream = entry.Open();
                        found.Add(Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant());
                        expected.Add(byName.GetValueOrDefault(entry.FullName, "(an entry the export did not write)"));
                    }
                    if (zip.Entries.Count != _written.Count)
                    {
                        throw VerificationFailed($"the zip holds {zip.Entries.Count} entries, {_written.Count} were written");
                    }
                }
                break;
        }
        if (found.Count != expected.Count)
        {
            throw VerificationFailed($"{found.Count} messages read back, {expected.Count} were written");
        }
        for (var i = 0; i < found.Count; i++)
        {
            if (!string.Equals(found[i], expected[i], StringComparison.Ordinal))
            {
                throw VerificationFailed($"message {i + 1} (item {_written[Math.Min(i, _written.Count - 1)].Entry.ItemId}) reads back with SHA-256 {found[i]}, {expected[i]} was written");
            }
        }
    }

    private static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private JournalConfigurationException VerificationFailed(string what) => new("ExportVerificationFailed", JournalErrorKind.InvalidOperation,
        $"The export at '{Target}' did not verify: {what}. Nothing was renamed to its final name; check the disk (space, errors) and export again.", Target);

    /// <summary>Without <see cref="Complete"/>: closes and deletes every partial file, so nothing looks like a finished export.</summary>
    public void Dispose()
    {
        if (_completed)
        {
            return;
        }
        _completed = true;
        try
        {
            _zip?.Dispose();
        }
        catch (IOException)
        {
            // The file is being deleted anyway.
        }
        _stream?.Dispose();
        var partials = _written.Select(w => w.PartialPath).OfType<string>().ToList();
        if (_container is not null)
        {
            partials.Add(_container + PartialSuffix);
        }
        partials.AddRange(ManifestPaths().Select(m => m + PartialSuffix));
        foreach (var partial in partials)
        {
            try
            {
                File.Delete(partial);
            }
            catch (IOException)
            {
                // Left as ".partial": still never mistaken for a finished export.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
