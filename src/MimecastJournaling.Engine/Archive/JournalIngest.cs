using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Parsing;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Archive;

/// <summary>
/// A report to ingest: its raw bytes, where it came from, and when it arrived. A report from the
/// listener's spool carries its spool id, so the archive can store it exactly once.
/// </summary>
public sealed record IncomingReport(ReadOnlyMemory<byte> Raw, string Source, DateTimeOffset Received, long? SpoolId = null, string? Node = null)
{
    /// <summary>
    /// Unwrap a journal report from any message that carries one, not only from the tenant's own
    /// non-delivery reports (Import-JournalMessage -TrustWrappedReport, for a saved alternate-mailbox backlog).
    /// </summary>
    public bool TrustWrappedReport { get; init; }
}

/// <summary>
/// The one ingest path, shared by the listener and Import-JournalMessage: parse, decide
/// (quarantine, reject by a definition rule, or accept), assign mailboxes, and archive — with an
/// outcome for every report. A batch is stored in one durable commit.
/// </summary>
public sealed class JournalIngest
{
    public const string SteppedDownDefect =
        "Not an envelope journal report: the recipients come from the message's To, Cc and Bcc headers (stepped down to standard EML).";

    /// <summary>How long one report may take to parse before it is quarantined with that reason.</summary>
    public static readonly TimeSpan DefaultParseTimeBudget = TimeSpan.FromSeconds(30);

    /// <summary>How long one report may take to parse; longer is a quarantine (kept, never retried).</summary>
    public TimeSpan ParseTimeBudget { get; init; } = DefaultParseTimeBudget;

    private readonly IJournalStore _configuration;
    private readonly IJournalArchive _archive;
    private readonly TimeProvider _clock;

    public JournalIngest(IJournalStore configuration, IJournalArchive archive, TimeProvider? clock = null)
    {
        _configuration = configuration;
        _archive = archive;
        _clock = clock ?? TimeProvider.System;
    }

    private InternalDirectory? _directory;
    private long _directoryVersion = -1;

    /// <summary>Parses, decides and archives a batch for one definition; returns the outcomes in order. Not thread-safe.</summary>
    public IReadOnlyList<JournalOutcome> Ingest(JournalDefinition definition, IReadOnlyList<IncomingReport> reports)
    {
        var directory = CurrentDirectory();
        var stampHeaders = JournalConfiguration.ReadListenerSettings(_configuration).TenantStampHeader;
        var outcomes = _archive.Store(reports.Select(r => Prepare(definition, directory, r, stampHeaders, ParseTimeBudget)).ToList());
        _archive.CompleteDueItems(_clock.GetUtcNow());
        return outcomes;
    }

    /// <summary>The domains and directory, read again only when they changed (a large directory is costly to load per batch).</summary>
    private InternalDirectory CurrentDirectory()
    {
        // The version is read first: a change made during the load is picked up next time.
        var version = _configuration.GetDirectoryVersion();
        if (_directory is null || version != _directoryVersion)
        {
            _directory = InternalDirectory.Load(_configuration);
            _directoryVersion = version;
        }
        return _directory;
    }

    /// <summary>Why a report cannot be archived at all (its raw bytes are kept with this reason), or null.</summary>
    private static string? QuarantineReason(JournalReport report)
    {
        var details = report.Defects.Count > 0 ? " " + string.Join(" ", report.Defects) : string.Empty;
        if (report.ParseFailed)
        {
            return "The input could not be parsed as a MIME message." + details;
        }
        return report.Sender is null && report.Recipients.Count == 0
            ? "Neither a sender nor any recipient could be read, so the report cannot be archived." + details
            : null;
    }

    /// <summary>The local parts Exchange sends non-delivery reports from (in one of the organisation's own domains).</summary>
    private static readonly string[] PostmasterLocalParts = ["postmaster", "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e", "mailer-daemon"];

    public const string WrapperNotPostmasterDefect =
        "The message is a delivery status notification carrying a journal report, but it is not from the organisation's own postmaster (an internal domain's postmaster or Microsoft Exchange recipient); it is archived as the plain message it is.";

    /// <summary>True for the organisation's own postmaster: a postmaster local part in a registered (internal) domain.</summary>
    internal static bool IsOwnPostmaster(string? address, InternalDirectory directory)
    {
        if (address is null || !directory.IsInternalDomain(address))
        {
            return false;
        }
        var local = address[..address.LastIndexOf('@')];
        return PostmasterLocalParts.Contains(local, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The decision for one report. Never throws for bad input: that is a quarantine.</summary>
    public static ArchiveSubmission Prepare(JournalDefinition definition, InternalDirectory directory, IncomingReport incoming,
        IReadOnlyCollection<string>? tenantStampHeaders = null, TimeSpan? parseBudget = null)
    {
        var budget = parseBudget ?? DefaultParseTimeBudget;
        var report = JournalReportParser.Parse(incoming.Raw, incoming.TrustWrappedReport ? WrappedReportHandling.Any : WrappedReportHandling.DeliveryStatusOnly, budget);
        if (report.Unwrapped && !incoming.TrustWrappedReport && !IsOwnPostmaster(report.WrapperSender, directory))
        {
            var plain = JournalReportParser.Parse(incoming.Raw, WrappedReportHandling.Never, budget);
            report = new JournalReport
            {
                Format = plain.Format,
                Sender = plain.Sender,
                OnBehalfOf = plain.OnBehalfOf,
                Subject = plain.Subject,
                MessageId = plain.MessageId,
                Recipients = plain.Recipients,
                OriginalMessage = plain.OriginalMessage,
                Defects = plain.Defects.Append(WrapperNotPostmasterDefect).ToList(),
                ReportMessageId = plain.ReportMessageId,
                ReportDate = plain.ReportDate,
                ParseFailed = plain.ParseFailed,
                Size = plain.Size,
            };
        }
        var submission = new ArchiveSubmission
        {
            Received = incoming.Received,
            Source = incoming.Source,
            DefinitionId = definition.Id,
            Definition = definition.Description,
            RawReport = incoming.Raw,
            SpoolId = incoming.SpoolId,
            Node = incoming.Node,
            Format = report.Format.ToString(),
            MessageId = report.MessageId,
            Sender = report.Sender,
            Subject = report.Subject,
            Date = report.OriginalMessage?.Date,
            Defects = report.Defects,
        };

        if (TenantBinding.Violation(definition, incoming.Raw.Span, tenantStampHeaders ?? JournalListenerSettings.DefaultTenantStampHeader) is { } foreign)
        {
            return submission with
            {
                Disposition = ArchiveDisposition.Reject,
                Rule = TenantBinding.RuleName,
                Reason = foreign,
            };
        }

        if (QuarantineReason(report) is { } reason)
        {
            return submission with { Disposition = ArchiveDisposition.Quarantine, Reason = reason };
        }


        var defects = report.Defects.ToList();
        var recipients = report.Recipients;
        if (report.Format == JournalReportFormat.Standard && definition.JournalType == JournalType.ExchangeEnvelope)
        {
            defects.Add(SteppedDownDefect);
        }
        else if (report.Format != JournalReportFormat.Standard && definition.JournalType == JournalType.StandardEml && report.OriginalMessage is { } embedded)
        {
            // A StandardEml definition indexes only what the message itself says.
            recipients = JournalReportParser.Parse(embedded.Content, WrappedReportHandling.DeliveryStatusOnly, budget).Recipients;
        }

        var assignment = MailboxAssignment.Assign(report.Sender, recipients.Select(r => r.Address), directory, definition);
        if (assignment.Rejected)
        {
            return submission with
            {
                Disposition = ArchiveDisposition.Reject,
                Rule = assignment.RejectedByRule,
                Reason = assignment.Reason,
                Defects = defects,
            };
        }

        // With PreferClearText the decrypted copy is what gets indexed; both copies are kept.
        var indexed = definition.PreferClearText && report.ClearTextCopy is { } clear ? clear : report.OriginalMessage;
        if (report.OriginalMessage is null)
        {
            defects.Add("The report carries no original message; the report itself is archived in its place.");
        }
        var delay = definition.InitialProcessDelay;
        return submission with
        {
            Disposition = ArchiveDisposition.Accept,
            Subject = report.Subject ?? indexed?.Subject,
            Date = indexed?.Date,
            Original = report.OriginalMessage?.Content ?? incoming.Raw,
            ClearTextCopy = report.ClearTextCopy?.Content ?? ReadOnlyMemory<byte>.Empty,
            Recipients = recipients.Select(r => new ArchivedRecipient(r.Address, r.Type.ToString(), r.ExpandedFrom, r.ForwardedFrom)).ToList(),
            Mailboxes = assignment.Mailboxes,
            Defects = defects,
            ProcessAfter = delay > TimeSpan.Zero ? incoming.Received + delay : null,
            WaitAttempts = definition.DeliveryWaitAttempts,
            WaitInterval = delay,
        };
    }
}
