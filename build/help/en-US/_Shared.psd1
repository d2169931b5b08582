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

A PostgreSQL connection string instead selects the shared store of several listener hosts:
postgresql://user@host:5432/journaling?sslmode=verify-full, or Npgsql's keyword form
Host=db1;Database=journaling;Username=mj;SSL Mode=VerifyFull. Leave the password out and give it
with PGPASSWORD or a .pgpass file; it is never shown (outputs show postgresql://user@host:port/db).

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
How long the archive keeps a new item open for other reports of the same message, per attempt.
The first report of a message creates the item in the state Pending; each attempt comes
InitialProcessDelay after the previous one, and after DeliveryWaitAttempts attempts the item
becomes Archived. The merge window is therefore InitialProcessDelay x DeliveryWaitAttempts (with
5 minutes and 3 attempts, 15 minutes). With 0 the item is Archived at once.

The window does not hold reports back: a report of the same message (a fork of a bifurcated
message, the second report of hybrid double journaling) merges into the item the moment it
arrives, and a report that arrives after the window still merges. The window only says how long
an item counts as incomplete (State Pending in Get-JournalMessage).

A plain number means minutes (-InitialProcessDelay 5 is five minutes); a time span such as
"00:05:00" or [timespan]::FromMinutes(5) works too. Allowed: 0 minutes to 1 day (error id
InvalidInitialProcessDelay). The values in effect when an item is created apply to that item.
'@
            Default     = '0 (new items are Archived at once)'
        }
        DeliveryWaitAttempts            = @{
            Description = @'
How many attempts the archive waits, each InitialProcessDelay long, before a new item stops being
Pending and counts as Archived: the merge window is InitialProcessDelay x DeliveryWaitAttempts.
0 counts as one attempt. Reports of the same message merge into the item whenever they arrive,
during the window and after it. Has no effect while InitialProcessDelay is 0. Allowed: 0 to 100
(error id InvalidDeliveryWaitAttempts).
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
Where the archive takes a message's recipients from.

ExchangeEnvelope: from the envelope of the Exchange journal report, which lists every recipient,
Bcc recipients, members of expanded distribution groups and forward targets included (formats
Envelope and Envelope2003). A plain message without envelope that arrives anyway is still
archived: it steps down to the recipients in its own To, Cc and Bcc headers, and its outcome
records this as a defect, because Bcc recipients and group members are then missing.

StandardEml: from the To, Cc and Bcc headers of the message only, for senders that deliver plain
copies (EML), such as servers that are not Exchange. When an envelope report arrives under such a
definition, its envelope is ignored and the recipients come from the headers of the embedded
original message.
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
For rights-protected (RMS/IRM) messages, whose journal report carries the protected original and
a clear-text (decrypted) copy made by journal report decryption: index the clear-text copy. With
the switch, the archive item's subject (when the envelope gives none) and date come from the
clear-text copy; without it, from the protected original. Both copies are kept either way (the
item shows HasClearTextCopy True), and the stored original stays the protected message. Reports
without a clear-text copy are not affected. Use -PreferClearText:$false on Set-JournalDefinition
to turn it off.
'@
        }
        JournalNonInternalAddresses     = @{
            Description = @'
Archive messages that are left without any internal mailbox. After mailbox assignment (see
JournalUnknownInternalAddresses) a message may belong to no mailbox: none of its sender and
recipients is in a registered domain, or only unknown internal addresses were found while
JournalUnknownInternalAddresses is off. With this switch such a message is archived without
owner (its Mailboxes list is empty). Without it the report is Rejected: Get-JournalOutcome shows
Rule JournalNonInternalAddresses (no address in a registered domain) or
JournalUnknownInternalAddresses (only unknown internal addresses) and the reason, and the raw
report is kept. Use -JournalNonInternalAddresses:$false on Set-JournalDefinition to turn it off.
'@
        }
        JournalUnknownInternalAddresses = @{
            Description = @'
Assign addresses that are in a registered domain but not in the internal directory (for example
a mailbox created after the last directory import) to a mailbox of their own, the address
itself. Known addresses in the directory, aliases included, are always assigned to their
mailbox, whatever this switch says. Without the switch an unknown internal address is not
assigned; if the message then belongs to no mailbox, it is Rejected with Rule
JournalUnknownInternalAddresses, unless JournalNonInternalAddresses is on. Use
-JournalUnknownInternalAddresses:$false on Set-JournalDefinition to turn it off.
'@
        }
        TenantId                        = @{
            Description = @'
The Exchange Online tenants (directory ids, GUIDs) whose reports this definition takes.
Exchange Online sends from address ranges every Microsoft 365 tenant shares, so anyone with a
tenant can connect from an allowed range; a TenantId closes that door. Enable-O365Journaling
sets it to the tenant it is connected to.

With a TenantId, a report must carry a tenant stamp in its top-level header block, and every
stamp there must name one of these tenants. Exchange Online stamps X-MS-Exchange-CrossTenant-Id
(the sending tenant's GUID) on mail that leaves a tenant, beside X-OriginatorOrg (its domain)
and other X-MS-Exchange-CrossTenant-* fields. Microsoft does not document whether Exchange Online
removes a copy of that field that the sender wrote into the message itself, so no single stamp
is trusted: a forged stamp adds a second copy beside the real one, and any copy that names
another tenant refuses the report. A report that breaks the rule is refused with 550 5.7.1 at the
end of DATA (Exchange Online returns it to the sending tenant, nothing is stored); a report that
reaches the archive another way (Import-JournalMessage) is Rejected with Rule TenantId and the
stamp in its Reason. The field names are a listener setting (Set-JournalListenerSetting
-TenantStampHeader) because no public source settles which field a sender cannot forge.

Give on-premises Exchange servers, which stamp no tenant, a definition of their own. An empty
list (@()) removes the binding.
'@
            Default     = 'None (reports from any sender in the source ranges)'
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
