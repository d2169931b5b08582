using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MimecastJournaling.Engine.Tests.Listener;

/// <summary>
/// Certificates made for a test: a root CA, an intermediate CA it signed, and a server certificate
/// the intermediate signed (for 127.0.0.1), written as certbot writes them (fullchain.pem = server
/// certificate then the intermediate, privkey.pem = PKCS#8 key)
/// or as a PFX file.
/// </summary>
public static class TestCertificates
{
    public sealed record Issued(X509Certificate2 Server, X509Certificate2 Authority, RSA Key) : IDisposable
    {
        public string Thumbprint => Server.Thumbprint;

        public void Dispose()
        {
            Server.Dispose();
            Authority.Dispose();
            Key.Dispose();
        }
    }

    public static Issued Issue(DateTimeOffset? notAfter = null, string subject = "CN=" + ListenerHarness.ServerName)
    {
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var end = notAfter ?? DateTimeOffset.UtcNow.AddDays(90);
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Test Journal CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var root = caRequest.CreateSelfSigned(notBefore.AddDays(-2), end.AddDays(60));
        using var intermediateKey = RSA.Create(2048);
        var intermediateRequest = new CertificateRequest("CN=Test Journal Intermediate CA", intermediateKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        intermediateRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var intermediate = intermediateRequest.Create(root, notBefore.AddDays(-1), end.AddDays(30), RandomNumberGenerator.GetBytes(8)).CopyWithPrivateKey(intermediateKey);
        var ca = intermediate;

        var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName(ListenerHarness.ServerName);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        var server = request.Create(ca, notBefore, end < notBefore ? notBefore.AddMinutes(1) : end, serial);
        return new Issued(server, X509CertificateLoader.LoadCertificate(ca.RawData), key);
    }

    /// <summary>Writes fullchain.pem and privkey.pem (the key encrypted when a password is given); returns their paths.</summary>
    public static (string Certificate, string Key) WritePem(Issued issued, string directory, string? password = null)
    {
        Directory.CreateDirectory(directory);
        var certificatePath = Path.Combine(directory, "fullchain.pem");
        var keyPath = Path.Combine(directory, "privkey.pem");
        File.WriteAllText(certificatePath, issued.Server.ExportCertificatePem() + "\n" + issued.Authority.ExportCertificatePem() + "\n");
        File.WriteAllText(keyPath, password is null
            ? issued.Key.ExportPkcs8PrivateKeyPem()
            : issued.Key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000)));
        return (certificatePath, keyPath);
    }

    public static string WritePfx(Issued issued, string path, string? password = null)
    {
        using var withKey = issued.Server.CopyWithPrivateKey(issued.Key);
        File.WriteAllBytes(path, withKey.Export(X509ContentType.Pfx, password));
        return path;
    }
}
