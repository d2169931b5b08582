using System.Security;
using System.Text;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Tests.TestSupport;

/// <summary>
/// A SQLite store in a fresh temporary folder, plus a configuration over it with a clock the
/// test controls. The store file lives in a sub-folder that does not exist beforehand, so the
/// store itself creates the folder (and its permissions can be checked).
/// </summary>
internal sealed class TempStore : IDisposable
{
    public const string Actor = @"CONTOSO\admin";

    public TempStore()
    {
        Root = Path.Combine(Path.GetTempPath(), "mj-engine-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        FolderPath = Path.Combine(Root, "store");
        FilePath = Path.Combine(FolderPath, "journaling.db");
        Store = new SqliteJournalStore(FilePath);
        Configuration = new JournalConfiguration(Store, Actor, Clock);
    }

    public string Root { get; }
    /// <summary>The folder the store created for its file.</summary>
    public string FolderPath { get; }
    public string FilePath { get; }
    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    public SqliteJournalStore Store { get; }
    public JournalConfiguration Configuration { get; }

    /// <summary>Another store instance on the same file, as a second process or session would have.</summary>
    public SqliteJournalStore OpenAnotherStore() => new(FilePath);

    /// <summary>The bytes of the database file and its write-ahead log (where recent writes live).</summary>
    public byte[] ReadStoreFileBytes()
    {
        var bytes = new List<byte>();
        foreach (var file in new[] { FilePath, FilePath + "-wal" })
        {
            if (File.Exists(file))
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                bytes.AddRange(copy.ToArray());
            }
        }
        return bytes.ToArray();
    }

    public static bool Contains(byte[] haystack, string text, Encoding encoding) =>
        haystack.AsSpan().IndexOf(encoding.GetBytes(text)) >= 0;

    public static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var c in text)
        {
            secure.AppendChar(c);
        }
        secure.MakeReadOnly();
        return secure;
    }

    /// <summary>A definition with only the required fields; the rest keeps its defaults.</summary>
    public JournalDefinition NewDefinition(string description = "Contoso EXO", string serviceAddress = "journal@journal.contoso.test") =>
        Configuration.NewDefinition(new DefinitionSettings { Description = description, ServiceEmailAddress = serviceAddress });

    public void Dispose()
    {
        Store.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A pooled connection may still hold the file on some platforms; the temp folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>A clock that only moves when the test says so.</summary>
internal sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now;

    public ManualClock(DateTimeOffset start) => _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public DateTimeOffset Advance(TimeSpan by) => _now += by;
}
