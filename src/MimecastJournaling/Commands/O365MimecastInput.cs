using System.Management.Automation;
using MimecastJournaling.ExchangeOnline;
using MimecastJournaling.Mimecast;

namespace MimecastJournaling.Commands;

/// <summary>
/// Enable-/Test-O365Journaling with a Mimecast journal service piped in: the service is read again
/// (its address and smart hosts as Mimecast has them now), and Test- adds the Mimecast side's checks.
/// </summary>
internal static class O365MimecastInput
{
    /// <summary>The service as Mimecast has it now; the piped one (with a warning) when not connected to Mimecast.</summary>
    public static MimecastJournalService Refresh(Cmdlet cmdlet, MimecastJournalService piped)
    {
        MimecastJournalService current;
        if (MimecastSession.Current is not { } connection)
        {
            cmdlet.WriteWarning($"Not connected to Mimecast: using the journal service '{piped.Description}' as it was piped in, without reading it again. Run Connect-MimecastJournaling to check Mimecast's side too.");
            current = piped;
        }
        else
        {
            try
            {
                current = MimecastSession.Run(cmdlet, connection, (c, ct) => c.JournalServices.GetAsync(piped.Id, ct), CancellationToken.None);
            }
            catch (MimecastApiException e)
            {
                var kind = e.Kind == MimecastErrorKind.NotFound ? O365JournalingErrorKind.NotFound : O365JournalingErrorKind.InvalidOperation;
                throw new O365JournalingException(e.Kind == MimecastErrorKind.NotFound ? "MimecastJournalServiceNotFound" : "MimecastJournalServiceUnreadable", kind,
                    $"Reading the Mimecast journal service '{piped.Description}' (id {piped.Id}) failed: {e.Message}", piped.Description, e);
            }
        }
        if (current.Hostnames.Count == 0)
        {
            throw new O365JournalingException("MimecastJournalServiceHasNoHostnames", O365JournalingErrorKind.InvalidOperation,
                $"Mimecast returned no journal smart hosts for '{current.Description}', so the connector would have nowhere to deliver. Read it again later (Get-MimecastJournalService), or give -SmartHost with a journal definition instead.",
                current.Description);
        }
        return current;
    }

    /// <summary>The result with the Mimecast side's checks (enabled, not in Error, smart hosts) added; unchanged without a service.</summary>
    public static O365JournalingTestResult WithMimecastChecks(O365JournalingTestResult result, MimecastJournalService? service)
    {
        if (service is null) return result;
        var checks = result.Checks.Concat(MimecastServiceChecks.Check(service).Select(c => new O365JournalingCheck(c.Name, c.Passed, c.Detail))).ToArray();
        return new O365JournalingTestResult
        {
            Definition = result.Definition,
            ServiceEmailAddress = result.ServiceEmailAddress,
            Checks = checks,
            Passed = checks.All(c => c.Passed),
        };
    }
}
