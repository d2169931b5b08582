using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace MimecastJournaling.Engine.Testing;

/// <summary>One check of a connector test: what was checked, whether it passed, and what was seen.</summary>
public sealed record ConnectorCheck(string Name, bool Passed, string Detail)
{
    public override string ToString() => $"{(Passed ? "PASS" : "FAIL")} {Name}: {Detail}";
}

/// <summary>
/// Connects to a journal listener the way a sending Exchange would and records every check on the
/// way: connection and greeting, STARTTLS, the certificate (name, expiry, chain — or the pinned
/// thumbprint), AUTH, and whether the probe report was accepted. A credential is only sent over TLS
/// whose certificate passed.
/// </summary>
public static class ConnectorProbe
{
    public static async Task<(IReadOnlyList<ConnectorCheck> Checks, bool Accepted)> RunAsync(
        MimeMessage probe, TestMessageDelivery delivery, bool requireTls, TimeSpan certificateWarning, CancellationToken cancellationToken)
    {
        var checks = new List<ConnectorCheck>();
        X509Certificate2? seen = null;
        var policyErrors = SslPolicyErrors.None;
        using var client = new SmtpClient { Timeout = (int)delivery.Timeout.TotalMilliseconds };
        client.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        client.ServerCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            // Record what the server presented; judge it below so every problem is reported.
            seen = certificate is null ? null : new X509Certificate2(certificate);
            policyErrors = errors;
            return true;
        };
        try
        {
            // STARTTLS whenever the server offers it; a handshake failure still means the connection worked.
            try
            {
                await client.ConnectAsync(delivery.Server, delivery.Port, SecureSocketOptions.StartTlsWhenAvailable, cancellationToken).ConfigureAwait(false);
                checks.Add(new("Connection", true, $"{delivery.Server}:{delivery.Port} answered the greeting"));
            }
            catch (SslHandshakeException e)
            {
                checks.Add(new("Connection", true, $"{delivery.Server}:{delivery.Port} answered the greeting"));
                checks.Add(new("StartTls", false, e.Message));
                return (checks, false);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or MailKit.ProtocolException or SmtpCommandException or TimeoutException)
            {
                checks.Add(new("Connection", false, $"{delivery.Server}:{delivery.Port}: {e.Message}"));
                return (checks, false);
            }

            var tlsTrusted = false;
            if (client.IsSecure)
            {
                checks.Add(new("StartTls", true, $"negotiated {client.SslProtocol}"));
                tlsTrusted = JudgeCertificate(checks, seen, policyErrors, delivery, certificateWarning);
            }
            else
            {
                checks.Add(new("StartTls", !requireTls, requireTls
                    ? "the server does not offer STARTTLS, but the definition requires TLS (start the listener with a certificate)"
                    : "not offered; the definition does not require TLS"));
            }

            if (delivery.UserName is not null)
            {
                if (client.IsSecure && !tlsTrusted)
                {
                    checks.Add(new("Authentication", false, "not attempted: the server certificate is not trusted, so the password was not sent"));
                }
                else
                {
                    try
                    {
                        await client.AuthenticateAsync(delivery.UserName, delivery.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
                        checks.Add(new("Authentication", true, $"AUTH accepted for {delivery.UserName}"));
                    }
                    catch (Exception e) when (e is MailKit.Security.AuthenticationException or NotSupportedException or SmtpCommandException)
                    {
                        checks.Add(new("Authentication", false, e.Message));
                    }
                }
            }

            try
            {
                var response = await client.SendAsync(probe, probe.From.Mailboxes.First(), [MailboxAddress.Parse(delivery.ServiceEmailAddress)], cancellationToken)
                    .ConfigureAwait(false);
                checks.Add(new("ProbeAccepted", true, response));
                return (checks, true);
            }
            catch (Exception e) when (e is SmtpCommandException or MailKit.ServiceNotAuthenticatedException)
            {
                checks.Add(new("ProbeAccepted", false, e.Message));
                return (checks, false);
            }
        }
        finally
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync(quit: true, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static bool JudgeCertificate(List<ConnectorCheck> checks, X509Certificate2? certificate, SslPolicyErrors errors,
        TestMessageDelivery delivery, TimeSpan warning)
    {
        if (certificate is null)
        {
            checks.Add(new("Certificate", false, "the server presented no certificate"));
            return false;
        }
        var left = certificate.NotAfter.ToUniversalTime() - DateTime.UtcNow;
        var valid = certificate.NotBefore.ToUniversalTime() <= DateTime.UtcNow && left > TimeSpan.Zero;
        checks.Add(new("CertificateExpiry", valid && left >= warning,
            !valid ? $"{certificate.Subject} is not valid now (valid {certificate.NotBefore:u} to {certificate.NotAfter:u})"
            : left < warning ? $"{certificate.Subject} expires in {left.TotalDays:0} days ({certificate.NotAfter:u})"
            : $"valid until {certificate.NotAfter:u} ({left.TotalDays:0} days)"));
        if (delivery.CertificateThumbprint is { } pinned)
        {
            var match = string.Equals(certificate.Thumbprint, pinned, StringComparison.OrdinalIgnoreCase);
            checks.Add(new("CertificateTrust", match, match
                ? $"pinned thumbprint {certificate.Thumbprint}"
                : $"the server presented {certificate.Thumbprint}, not the pinned {pinned}"));
            return match && valid;
        }
        var nameOk = !errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch);
        var chainOk = !errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors);
        checks.Add(new("CertificateName", nameOk, nameOk
            ? $"{certificate.Subject} matches {delivery.Server}"
            : $"{certificate.Subject} does not match {delivery.Server}; Exchange Online's CertificateValidation would refuse it"));
        checks.Add(new("CertificateChain", chainOk, chainOk
            ? "chains to a trusted root"
            : $"{certificate.Subject} does not chain to a trusted root (self-signed or missing intermediate)"));
        return nameOk && chainOk && valid;
    }
}
