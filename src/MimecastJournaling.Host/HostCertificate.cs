using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Hosting;

namespace MimecastJournaling.Host;

/// <summary>The host's certificate: a PFX file, its password from a file or the systemd credential.</summary>
internal static class HostCertificate
{
    public static X509Certificate2? Load(ListenerHostSettings settings)
    {
        if (settings.CertificatePath is not { } path)
        {
            return null;
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, ReadPassword(settings));
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            // The message names the file, never the password.
            throw new JournalConfigurationException("CertificateUnreadable", JournalErrorKind.InvalidArgument,
                $"Cannot read the certificate '{path}': {e.Message} Give a PFX (PKCS#12) file with its private key that the service's user can read, and its password.", path, e);
        }
        if (!certificate.HasPrivateKey)
        {
            throw new JournalConfigurationException("CertificateHasNoPrivateKey", JournalErrorKind.InvalidArgument,
                $"The certificate {certificate.Subject} in '{path}' has no private key, so it cannot serve TLS. Export it as a PFX with its private key.", path);
        }
        return certificate;
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
