using System.Management.Automation;

namespace MimecastJournaling.Commands;

/// <summary>-Path / -LiteralPath resolution shared by the cmdlets that read report files.</summary>
internal static class FileInput
{
    /// <summary>File-system paths for the given PowerShell paths; directories give the files below them; errors are written, not thrown.</summary>
    public static IEnumerable<string> Resolve(PSCmdlet cmdlet, IEnumerable<string> paths, bool literal, bool recurse = false)
    {
        foreach (var path in paths)
        {
            var resolved = new List<string>();
            try
            {
                if (literal)
                {
                    resolved.Add(cmdlet.GetUnresolvedProviderPathFromPSPath(path));
                }
                else
                {
                    resolved.AddRange(cmdlet.GetResolvedProviderPathFromPSPath(path, out var provider).Where(_ => provider.Name == "FileSystem"));
                }
            }
            catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException)
            {
                cmdlet.WriteError(new ErrorRecord(e, "ReportPathNotFound", ErrorCategory.ObjectNotFound, path));
                continue;
            }
            foreach (var item in resolved)
            {
                if (Directory.Exists(item))
                {
                    foreach (var file in Directory.EnumerateFiles(item, "*", recurse ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal))
                    {
                        yield return file;
                    }
                }
                else if (File.Exists(item))
                {
                    yield return item;
                }
                else
                {
                    cmdlet.WriteError(new ErrorRecord(new FileNotFoundException($"The file '{item}' does not exist.", item),
                        "ReportPathNotFound", ErrorCategory.ObjectNotFound, item));
                }
            }
        }
    }

    /// <summary>The file's bytes, or null after writing an error (the pipeline goes on).</summary>
    public static byte[]? TryRead(PSCmdlet cmdlet, string file)
    {
        try
        {
            return File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            cmdlet.WriteError(new ErrorRecord(e, "ReportFileUnreadable", ErrorCategory.ReadError, file));
            return null;
        }
    }
}
