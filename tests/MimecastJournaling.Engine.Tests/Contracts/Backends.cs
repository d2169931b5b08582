using MimecastJournaling.Engine.Storage;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Contracts;

/// <summary>
/// A fresh store of one backend for one test: a SQLite file in a temporary folder, or a new
/// database on the run's PostgreSQL (<see cref="PostgresServer"/>). <see cref="Open"/> gives
/// another backend object on the same store, as a second process or host has.
/// </summary>
internal abstract class BackendUnderTest : IDisposable
{
    public abstract string Location { get; }

    public JournalBackend Open() => JournalBackend.CreateUncached(Location);

    public abstract void Dispose();
}

internal sealed class SqliteBackendUnderTest : BackendUnderTest
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mj-contract-" + Guid.NewGuid().ToString("N"));

    public SqliteBackendUnderTest() => Location = Path.Combine(_folder, "journaling.db");

    public override string Location { get; }

    public override void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal sealed class PostgresBackendUnderTest : BackendUnderTest
{
    public PostgresBackendUnderTest() => Location = PostgresServer.Shared.CreateDatabase();

    public override string Location { get; }

    public override void Dispose()
    {
        // The database goes with the server at the end of the run.
    }
}
