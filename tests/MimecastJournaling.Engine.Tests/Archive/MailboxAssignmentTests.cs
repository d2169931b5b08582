using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Engine.Tests.Archive;

public class MailboxAssignmentTests
{
    private static readonly InternalDirectory Directory = new(
        ["contoso.com", "journal.contoso.com"],
        [
            new InternalAddress { EmailAddress = "alice@contoso.com", Domain = "contoso.com", Mailbox = "alice@contoso.com" },
            new InternalAddress { EmailAddress = "a.smith@contoso.com", Domain = "contoso.com", Type = InternalAddressType.Alias, Mailbox = "alice@contoso.com" },
            new InternalAddress { EmailAddress = "bob@contoso.com", Domain = "contoso.com", Mailbox = "bob@contoso.com" },
        ]);

    private static JournalDefinition Definition(bool nonInternal = false, bool unknownInternal = false) => new()
    {
        Description = "EXO",
        ServiceEmailAddress = "journal@journal.contoso.com",
        JournalNonInternalAddresses = nonInternal,
        JournalUnknownInternalAddresses = unknownInternal,
    };

    [Fact]
    public void Known_addresses_and_aliases_resolve_to_their_mailboxes_once()
    {
        var result = MailboxAssignment.Assign("carol@fabrikam.com", ["A.Smith@contoso.com", "alice@contoso.com", "bob@contoso.com", "dan@fabrikam.com"],
            Directory, Definition());
        Assert.False(result.Rejected);
        Assert.Equal(["alice@contoso.com", "bob@contoso.com"], result.Mailboxes);
    }

    [Fact]
    public void The_sender_alone_makes_an_outbound_message_internal()
    {
        var result = MailboxAssignment.Assign("bob@contoso.com", ["dan@fabrikam.com"], Directory, Definition());
        Assert.Equal(["bob@contoso.com"], result.Mailboxes);
    }

    [Fact]
    public void Unknown_internal_addresses_are_assigned_only_with_the_switch()
    {
        Assert.Equal(["zoe@contoso.com"], MailboxAssignment.Assign("x@fabrikam.com", ["Zoe@contoso.com"], Directory, Definition(unknownInternal: true)).Mailboxes);

        var refused = MailboxAssignment.Assign("x@fabrikam.com", ["zoe@contoso.com"], Directory, Definition());
        Assert.True(refused.Rejected);
        Assert.Equal("JournalUnknownInternalAddresses", refused.RejectedByRule);
        Assert.Contains("zoe@contoso.com", refused.Reason);
    }

    [Fact]
    public void A_message_with_no_internal_address_is_rejected_unless_non_internal_addresses_are_journaled()
    {
        var refused = MailboxAssignment.Assign("x@fabrikam.com", ["y@fabrikam.com"], Directory, Definition());
        Assert.Equal("JournalNonInternalAddresses", refused.RejectedByRule);

        var kept = MailboxAssignment.Assign("x@fabrikam.com", ["y@fabrikam.com"], Directory, Definition(nonInternal: true));
        Assert.False(kept.Rejected);
        Assert.Empty(kept.Mailboxes);
    }

    [Fact]
    public void Sub_domains_of_a_registered_domain_are_not_internal()
    {
        var refused = MailboxAssignment.Assign("x@eu.contoso.com", ["y@fabrikam.com"], Directory, Definition());
        Assert.Equal("JournalNonInternalAddresses", refused.RejectedByRule);
    }
}
