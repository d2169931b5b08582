namespace MimecastJournaling.Engine.Storage;

/// <summary>Where the embedded store lives: an explicit path, the environment variable, or the per-user default.</summary>
public static class StoreLocation
{
    public const string EnvironmentVariable = "MIMECASTJOURNALING_STORE";
    public const string DefaultFileName = "journaling.db";

    public static string Resolve(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return Path.GetFullPath(explicitPath);
        }
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }
        return Path.Combine(DefaultDirectory(), DefaultFileName);
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
