namespace MimecastJournaling.Engine.Security;

/// <summary>
/// Files only their owner can read (mode 0600 on Unix, also when the file existed), as the store's
/// own: exports show mail, service credentials are secrets. Created 0600 before anything is written.
/// </summary>
internal static class PrivateFile
{
    public static FileStream Create(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.ReadWrite };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        var stream = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return stream;
    }
}
