using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Listener;

namespace MimecastJournaling.Commands;

/// <summary>Start-JournalListener's certificate: an object, a PFX file, a PEM pair, or (Windows) the store by subject.</summary>
public sealed partial class StartJournalListenerCommand
{
    private const string CertificateStoreSet = "CertificateStore";

    /// <summary>The PEM private key of a PEM certificate given with -CertificatePath (certbot's privkey.pem).</summary>
    [Parameter(ParameterSetName = CertificateFileSet)]
    [ValidateNotNullOrEmpty]
    public string? KeyPath { get; set; }

    /// <summary>Windows: the newest valid certificate with this subject in LocalMachine\My (renewals imported there are picked up).</summary>
    [Parameter(Mandatory = true, ParameterSetName = CertificateStoreSet)]
    [ValidateNotNullOrEmpty]
    public string? CertificateSubject { get; set; }

    private ListenerCertificateSource? LoadCertificateSource()
    {
        try
        {
            if (Certificate is not null)
            {
                return ListenerCertificateSource.Fixed(Certificate);
            }
            if (CertificateSubject is not null)
            {
                return ListenerCertificateSource.WindowsStore(CertificateSubject);
            }
            if (CertificatePath is null)
            {
                return null;
            }
            var path = GetUnresolvedProviderPathFromPSPath(CertificatePath);
            var key = KeyPath is null ? null : GetUnresolvedProviderPathFromPSPath(KeyPath);
            // Kept by the source to read renewed files; never written anywhere.
            var password = CertificatePassword is null ? null : Plain(CertificatePassword);
            try
            {
                return key is null ? ListenerCertificateSource.PfxFile(path, password) : ListenerCertificateSource.PemFiles(path, key, password);
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                // The message names the files, never the password.
                var what = key is null
                    ? "Give a PFX (PKCS#12) file with its private key and its -CertificatePassword, or a PEM certificate with -KeyPath."
                    : "Give the PEM certificate (chain) with -CertificatePath and its PEM private key with -KeyPath; an encrypted key needs -CertificatePassword.";
                throw new JournalConfigurationException("CertificateUnreadable", JournalErrorKind.InvalidArgument,
                    $"Cannot read the certificate '{path}'{(key is null ? "" : $" with the key '{key}'")}: {e.Message} {what}", path, e);
            }
        }
        catch (JournalConfigurationException e)
        {
            ThrowTerminating(e);
            return null;
        }
    }

    private void WarnAboutCertificate(JournalListener listener) => ListenerCertificateWarnings.Write(this, listener);

    private static string Plain(SecureString secure)
    {
        var pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try
        {
            return Marshal.PtrToStringUni(pointer, secure.Length);
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(pointer);
        }
    }
}

/// <summary>What Start- and Get-JournalListener say about the certificate: a warning within 30 days of its end, an error once it ended.</summary>
internal static class ListenerCertificateWarnings
{
    public static void Write(PSCmdlet cmdlet, JournalListener listener)
    {
        if (listener.CurrentCertificate is not { } certificate)
        {
            return;
        }
        var status = CertificateExpiryStatus.Of(certificate, DateTimeOffset.UtcNow);
        switch (status.State)
        {
            case CertificateExpiryState.Expiring:
                cmdlet.WriteWarning(status.Message!);
                break;
            case CertificateExpiryState.Expired:
                cmdlet.WriteError(JournalCmdlet.ToErrorRecord(new JournalConfigurationException("CertificateExpired", JournalErrorKind.InvalidOperation,
                    status.Message!, certificate.Thumbprint)));
                break;
        }
    }
}
