# Help text for parameters that several cmdlets share. A cmdlet's own <Cmdlet>.psd1 can override
# any key (Description, Default) of an entry here. Paragraphs are separated by blank lines; line
# breaks inside a paragraph are only wrapping.
@{
    Parameters = @{
        Store                           = @{
            Description = @'
Path of the configuration store (a SQLite file) to use instead of the default one. A relative
path is resolved against the current location. The file and its folder are created when
missing; on Linux and macOS the file gets mode 0600 and the folder 0700.

Without -Store the cmdlet uses $env:MIMECASTJOURNALING_STORE when it is set, otherwise
journaling.db in the per-user data folder: %LOCALAPPDATA%\MimecastJournaling on Windows,
~/.local/share/MimecastJournaling on Linux, ~/Library/Application Support/MimecastJournaling on
macOS.
'@
            Default     = '$env:MIMECASTJOURNALING_STORE, else the per-user data folder'
        }
        WhatIf                          = @{
            Description = 'Shows what the cmdlet would change, without changing anything.'
        }
        Confirm                         = @{
            Description = 'Asks for confirmation before the cmdlet changes anything.'
        }

        # ---- the settings of a journal definition (New- and Set-JournalDefinition) -------------
        TransportType                   = @{
            Description = @'
How journal reports reach the service. Smtp, the only value today, means Exchange pushes the
reports by SMTP to the service email address.
'@
            Default     = 'Smtp'
        }
        SourceIpRange                   = @{
            Description = @'
The IP address ranges, in CIDR notation, from which the listener accepts journal reports for this
definition: typically the external addresses of the transport servers or the Exchange Online
outbound ranges. IPv4 and IPv6 are both accepted. Write 192.0.2.7/32 (or just 192.0.2.7) for one
host and 2001:db8::/32 for an IPv6 network. The address must be the network address of its
prefix: 192.0.2.7/24 is refused because host bits are set after the prefix (error id
InvalidSourceIpRange). Duplicates are dropped.

An empty list (@()) means no source restriction; a report that claims to be a journal report is
still trusted only from an allowed source.
'@
            Default     = 'None (no ranges)'
        }
        SmtpCredential                  = @{
            Description = @'
The user name and password that Exchange must present with SMTP AUTH before it may deliver
journal reports. The password is never stored as given: only a salted, deliberately slow hash is
kept, and it is never printed. The definition then shows SmtpAuthentication True and the
SmtpUserName.

Exchange Online outbound connectors cannot log on with SMTP AUTH; for Exchange Online rely on
TLS and the source ranges. Use a credential for senders that can authenticate, such as an
on-premises Exchange send connector (Set-SendConnector -AuthenticationCredential) or a relay.

On Set-JournalDefinition, -SmtpCredential $null removes SMTP authentication. A credential with
an empty user name or password is refused (error id InvalidSmtpCredential).
'@
            Default     = 'None (no SMTP authentication)'
        }
        InitialProcessDelay             = @{
            Description = @'
How long a received journal report waits before it is matched against what the archive already
holds. A plain number means minutes (-InitialProcessDelay 5 is five minutes); a time span such as
"00:05:00" or [timespan]::FromMinutes(5) works too. Allowed: 0 minutes to 1 day (error id
InvalidInitialProcessDelay).
'@
            Default     = '0 (process at once)'
        }
        DeliveryWaitAttempts            = @{
            Description = @'
How many attempts are made to match a report with other copies of the same message (for example
the parts of a bifurcated report, or the second report of hybrid double journaling) before the
message is archived as it is. Allowed: 0 to 100 (error id InvalidDeliveryWaitAttempts).
'@
            Default     = '3'
        }
        InactivityPeriod                = @{
            Description = @'
How long the service may go without receiving a journal report before its status becomes Down. A
plain number means minutes (-InactivityPeriod 240 is four hours); a time span such as "04:00:00"
works too. Allowed: 1 minute to 30 days (error id InvalidInactivityPeriod).
'@
            Default     = '180 (minutes)'
        }
        JournalType                     = @{
            Description = @'
What the sender delivers. ExchangeEnvelope: Exchange envelope journal reports, where the message
is attached to a report that lists the sender and every recipient, Bcc included. StandardEml:
plain copies of the messages (EML) without an envelope, as sent by a server that is not
Exchange.
'@
            Default     = 'ExchangeEnvelope'
        }
        Encrypted                       = @{
            Description = @'
Whether the SMTP session must use TLS (STARTTLS) before a journal report is accepted. On by
default; -Encrypted $false allows unencrypted delivery, which should only be used on a trusted
network.
'@
            Default     = 'True'
        }
        PreferClearText                 = @{
            Description = @'
For rights-protected (RMS/IRM) messages: keep the clear-text (decrypted) copy that Exchange can
attach to the journal report in preference to the protected one. Use -PreferClearText:$false on
Set-JournalDefinition to turn it off.
'@
        }
        JournalNonInternalAddresses     = @{
            Description = @'
Archive messages that have no internal address at all among their sender and recipients. Without
this switch such messages are received, recorded as rejected by this rule, and not archived. Use
-JournalNonInternalAddresses:$false on Set-JournalDefinition to turn it off.
'@
        }
        JournalUnknownInternalAddresses = @{
            Description = @'
Archive messages for addresses that belong to a registered internal domain but are not in the
internal directory (for example a mailbox created after the last directory import). Use
-JournalUnknownInternalAddresses:$false on Set-JournalDefinition to turn it off.
'@
        }
        Disabled                        = @{
            Description = @'
Suspends the service. While a definition is disabled the listener answers with a temporary SMTP
error, so Exchange keeps the reports and retries later; nothing is lost. Disabling resets an
Error status, and the change is recorded in the event log. Enable-JournalDefinition and
Disable-JournalDefinition do the same by name; on Set-JournalDefinition, -Disabled:$false
resumes the service.
'@
        }
    }
}
