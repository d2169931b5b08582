using System.Security.Cryptography;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Hosting;
using MimecastJournaling.Engine.Listener;

namespace MimecastJournaling.Host;

/// <summary>
/// The host's certificate, as Start-JournalListener has it: a PFX file or a PEM pair (--key), read
/// again when the file is renewed, with its password from a file or the systemd credential.
/// </summary>
internal static class HostCertificate
{
    public static ListenerCertificateSource? Load(ListenerHostSettings settings)
    {
        if (settings.CertificatePath is not { } path)
        {
            return null;
        }
        // Kept by the source to read renewed files; never written anywhere.
        var password = ReadPassword(settings);
        try
        {
            return settings.KeyPath is { } key
                ? ListenerCertificateSource.PemFiles(path, key, password)
                : ListenerCertificateSource.PfxFile(path, password);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // The message names the files, never the password.
            var what = settings.KeyPath is null
                ? "Give a PFX (PKCS#12) file with its private key that the service's user can read, and its password; or a PEM certificate with --key."
                : "Give the PEM certificate (chain) and its PEM private key (--key), both readable by the service's user; an encrypted key needs its password.";
            throw new JournalConfigurationException("CertificateUnreadable", JournalErrorKind.InvalidArgument,
                $"Cannot read the certificate '{path}'{(settings.KeyPath is null ? "" : $" with the key '{settings.KeyPath}'")}: {e.Message} {what}", path, e);
        }
    }

    private static string? ReadPassword(ListenerHostSettings settings)
    {
        var file = settings.CertificatePasswordFile;
        if (file is null && Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY") is { Length: > 0 } credentials)
        {
            var candidate = Path.Combine(credentials, ListenerHostSettings.PasswordCredentialName);
            file = File.Exists(candidate) ? candidate : null;
        }
        return file is null ? null : File.ReadAllText(file).TrimEnd('\r', '\n');
    }
}
