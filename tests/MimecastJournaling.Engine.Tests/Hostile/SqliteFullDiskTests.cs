using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Hostile;

/// <summary>
/// Issue 15 item 7: a full disk leaves a true reason. SQLite may roll a transaction back by itself
/// when the disk (or the database's page limit) is full; the error that reaches the caller must be
/// SQLite's "database or disk is full", not the rollback's "no transaction is active".
/// </summary>
public sealed class SqliteFullDiskTests
{
    /// <summary>The database's page limit reached (SQLite keeps the transaction): the error says full.</summary>
    [Fact]
    public void A_write_that_fills_the_database_reports_that_it_is_full()
    {
        using var temp = new TempStore();
        var database = new SqliteDatabase(Path.Combine(temp.Root, "full.db"));
        database.Write((c, t) => SqliteDatabase.Execute(c, t, "CREATE TABLE blobs (data BLOB)"));

        var error = Assert.Throws<JournalConfigurationException>(() => database.Write((c, t) =>
        {
            var pages = (long)SqliteDatabase.Query(c, t, "PRAGMA page_count", r => r.GetInt64(0))[0];
            SqliteDatabase.Query(c, t, $"PRAGMA max_page_count = {pages + 2}", r => r.GetInt64(0));
            for (var i = 0; i < 50; i++)
            {
                SqliteDatabase.Execute(c, t, "INSERT INTO blobs (data) VALUES (zeroblob(100000))");
            }
            return 0;
        }));

        Assert.Contains("full", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("no transaction is active", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(JournalErrorKind.ResourceUnavailable, error.Kind);
    }

    /// <summary>
    /// A real full disk: a 600 KiB tmpfs (mounting needs root or CAP_SYS_ADMIN, as the test
    /// machine has; without it the test fails and says so). Writes until the disk is full: every
    /// failed write says "database or disk is full", and the store still reads afterwards.
    /// </summary>
    [Fact]
    public void On_a_full_disk_a_failed_write_says_the_disk_is_full_not_that_no_transaction_is_active()
    {
        var mountPoint = Path.Combine(Path.GetTempPath(), "mj-full-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(mountPoint);
        try
        {
            var mount = Run("mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", mountPoint);
            Assert.True(mount.ExitCode == 0, $"This test mounts a small tmpfs to fill a disk for real, which needs root or CAP_SYS_ADMIN: {mount.Output}");
            try
            {
                var database = new SqliteDatabase(Path.Combine(mountPoint, "full.db"));
                database.Write((c, t) => SqliteDatabase.Execute(c, t, "CREATE TABLE blobs (data BLOB)"));
                var failures = new List<JournalConfigurationException>();
                var written = 0;
                for (var i = 0; i < 20; i++)
                {
                    try
                    {
                        database.Write((c, t) => SqliteDatabase.Execute(c, t, "INSERT INTO blobs (data) VALUES (zeroblob(100000))"));
                        written++;
                    }
                    catch (JournalConfigurationException e)
                    {
                        failures.Add(e);
                    }
                }

                Assert.NotEmpty(failures);
                Assert.All(failures, e =>
                {
                    Assert.Contains("database or disk is full", e.Message, StringComparison.OrdinalIgnoreCase);
                    Assert.DoesNotContain("no transaction is active", e.Message, StringComparison.OrdinalIgnoreCase);
                    Assert.Equal(JournalErrorKind.ResourceUnavailable, e.Kind);
                });
                // Nothing half-written, and the connections still work.
                Assert.Equal(written, database.Query("SELECT count(*) FROM blobs", r => r.GetInt64(0))[0]);
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                // Lazy: a connection SQLite still holds on the full disk must not leave the mount behind.
                Run("umount", "-l", mountPoint);
            }
        }
        finally
        {
            Directory.Delete(mountPoint, recursive: true);
        }
    }

    private static (int ExitCode, string Output) Run(string file, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
