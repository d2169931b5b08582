namespace MimecastJournaling.Engine.Tests.TestSupport;

/// <summary>Every PostgreSQL test is in this collection; when the last has run, the server is stopped and its folder removed.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCollection.Cleanup>
{
    public const string Name = "PostgreSQL";

    public sealed class Cleanup : IDisposable
    {
        public void Dispose()
        {
            if (PostgresServer.Started)
            {
                PostgresServer.Shared.Remove();
            }
        }
    }
}
