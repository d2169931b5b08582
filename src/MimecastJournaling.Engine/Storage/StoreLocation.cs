namespace MimecastJournaling.Engine.Storage;

/// <summary>Where the embedded store lives: an explicit path, the environment variable, or the per-user default.</summary>
public static class StoreLocation
{
    public const string EnvironmentVariable = "MIMECASTJOURNALING_STORE";
    public const string DefaultFileName = "journaling.db";

    /// <summary>The store file's full path; a folder is refused (StorePathIsFolder) with the file path to give instead.</summary>
    public static string Resolve(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return RefuseFolder(Path.GetFullPath(explicitPath), "-Store");
        }
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return RefuseFolder(Path.GetFullPath(fromEnvironment), "$env:" + EnvironmentVariable);
        }
        return Path.Combine(DefaultDirectory(), DefaultFileName);
    }

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
