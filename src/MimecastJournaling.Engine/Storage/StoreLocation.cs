namespace MimecastJournaling.Engine.Storage;

/// <summary>
/// Where the store lives: an explicit location, the environment variable, or the per-user default
/// file. A location is a file path (SQLite) or a PostgreSQL connection string
/// (<c>postgresql://user@host:port/db?sslmode=require</c> or <c>Host=…;Database=…</c>); see
/// <see cref="JournalBackend"/>.
/// </summary>
public static class StoreLocation
{
    public const string EnvironmentVariable = "MIMECASTJOURNALING_STORE";
    public const string DefaultFileName = "journaling.db";

    /// <summary>The location to open: a connection string unchanged, a path made absolute; a folder is refused (StorePathIsFolder) with the file path to give instead.</summary>
    public static string Resolve(string? explicitLocation)
    {
        if (!string.IsNullOrWhiteSpace(explicitLocation))
        {
            return IsConnectionString(explicitLocation) ? explicitLocation : RefuseFolder(Path.GetFullPath(explicitLocation), "-Store");
        }
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return IsConnectionString(fromEnvironment) ? fromEnvironment : RefuseFolder(Path.GetFullPath(fromEnvironment), "$env:" + EnvironmentVariable);
        }
        return Path.Combine(DefaultDirectory(), DefaultFileName);
    }

    /// <summary>True for a PostgreSQL location (URI or keyword form); everything else is a file path.</summary>
    public static bool IsConnectionString(string location) => PostgresLocation.IsPostgres(location);

    private static string RefuseFolder(string path, string source)
    {
        if (Directory.Exists(path))
        {
            throw new Configuration.JournalConfigurationException("StorePathIsFolder", Configuration.JournalErrorKind.InvalidArgument,
                $"The store location '{path}' ({source}) is a folder; it must be the path of the store file, for example " +
                $"'{Path.Combine(path, DefaultFileName)}' (created when first used).", path);
        }
        return path;
    }

    /// <summary>%LOCALAPPDATA%\MimecastJournaling, ~/.local/share/MimecastJournaling, ~/Library/Application Support/MimecastJournaling.</summary>
    public static string DefaultDirectory()
    {
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(root))
        {
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }
        return Path.Combine(root, "MimecastJournaling");
    }
}
