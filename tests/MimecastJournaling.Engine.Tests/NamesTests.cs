using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Engine.Tests;

public class NamesTests
{
    [Theory]
    [InlineData("contoso.com", "contoso.com")]
    [InlineData("Journal.Contoso.COM", "journal.contoso.com")]
    [InlineData("journal.contoso.com.", "journal.contoso.com")]
    [InlineData("  journal.contoso.com  ", "journal.contoso.com")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("BÜCHER.example.", "xn--bcher-kva.example")]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
    [InlineData("mail-1.contoso.co.uk", "mail-1.contoso.co.uk")]
    public void NormalizeDomain_gives_the_canonical_ascii_lower_case_form(string given, string expected) =>
        Assert.Equal(expected, Names.NormalizeDomain(given));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("localhost")]
    [InlineData("contoso..com")]
    [InlineData(".contoso.com")]
    [InlineData("-contoso.com")]
    [InlineData("contoso-.com")]
    [InlineData("con_toso.com")]
    [InlineData("contoso com.test")]
    [InlineData("journal@contoso.com")]
    [InlineData("*.contoso.com")]
    public void NormalizeDomain_refuses_names_that_are_not_host_names(string? given)
    {
        var e = Assert.Throws<JournalConfigurationException>(() => Names.NormalizeDomain(given));
        Assert.Equal("InvalidDomainName", e.ErrorId);
        Assert.Equal(JournalErrorKind.InvalidArgument, e.Kind);
        Assert.Equal($"'{given}' is not a valid domain name. Give a fully qualified name such as journal.contoso.com (letters, digits and hyphens; at least two labels).", e.Message);
        Assert.Equal(given, e.Target);
    }

    [Fact]
    public void NormalizeDomain_enforces_the_dns_length_limits()
    {
        var label63 = new string('a', 63);
        Assert.Equal(label63 + ".test", Names.NormalizeDomain(label63 + ".test"));
        Assert.Equal("InvalidDomainName", Assert.Throws<JournalConfigurationException>(() => Names.NormalizeDomain(label63 + "a.test")).ErrorId);

        // 4 labels of 63 + 3 dots = 255 characters: longer than the 253 a DNS name may have.
        var tooLong = string.Join('.', Enumerable.Repeat(label63, 4));
        Assert.Equal("InvalidDomainName", Assert.Throws<JournalConfigurationException>(() => Names.NormalizeDomain(tooLong)).ErrorId);
        var longest = string.Join('.', Enumerable.Repeat(label63, 3)) + "." + new string('b', 61);
        Assert.Equal(253, Names.NormalizeDomain(longest).Length);
    }

    [Fact]
    public void NormalizeDomain_uses_the_callers_error_id()
    {
        var e = Assert.Throws<JournalConfigurationException>(() => Names.NormalizeDomain("nodots", "InvalidJournalDomain"));
        Assert.Equal("InvalidJournalDomain", e.ErrorId);
    }

    [Theory]
    [InlineData("journal@journal.contoso.com", "journal@journal.contoso.com")]
    [InlineData("Journal.Reports@JOURNAL.Contoso.com", "Journal.Reports@journal.contoso.com")]
    [InlineData(" journal@journal.contoso.com ", "journal@journal.contoso.com")]
    [InlineData("user@bücher.example", "user@xn--bcher-kva.example")]
    [InlineData("first.last+tag@contoso.com", "first.last+tag@contoso.com")]
    public void NormalizeAddress_keeps_the_local_part_and_canonicalizes_the_domain(string given, string expected) =>
        Assert.Equal(expected, Names.NormalizeAddress(given));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("journal")]
    [InlineData("@contoso.com")]
    [InlineData("journal@")]
    [InlineData("Journal <journal@contoso.com>")]
    [InlineData("<journal@contoso.com>")]
    [InlineData("journal@contoso.com, other@contoso.com")]
    [InlineData("journal@contoso.com;other@contoso.com")]
    [InlineData("jour nal@contoso.com")]
    [InlineData("journal@contoso..com")]
    public void NormalizeAddress_refuses_anything_but_a_plain_address(string? given)
    {
        var e = Assert.Throws<JournalConfigurationException>(() => Names.NormalizeAddress(given));
        Assert.Equal("InvalidEmailAddress", e.ErrorId);
        Assert.Equal(JournalErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("Give a plain address such as journal@journal.contoso.com", e.Message);
    }

    [Theory]
    [InlineData("journal@localhost", "localhost")]
    [InlineData("journal@con_toso.com", "con_toso.com")]
    public void NormalizeAddress_refuses_an_invalid_domain_and_names_it(string given, string domain)
    {
        var e = Assert.Throws<JournalConfigurationException>(() => Names.NormalizeAddress(given));
        Assert.Equal("InvalidEmailAddress", e.ErrorId);
        Assert.StartsWith($"'{domain}' is not a valid domain name.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NormalizeAddress_names_the_address_it_refused_and_uses_the_callers_error_id()
    {
        var e = Assert.Throws<JournalConfigurationException>(() => Names.NormalizeAddress("Journal <j@contoso.com>", "InvalidServiceEmailAddress"));
        Assert.Equal("InvalidServiceEmailAddress", e.ErrorId);
        Assert.Equal("'Journal <j@contoso.com>' is not a valid e-mail address. Give a plain address such as journal@journal.contoso.com, without a display name or angle brackets.", e.Message);
        Assert.Equal("Journal <j@contoso.com>", e.Target);
    }

    [Fact]
    public void Address_helpers_give_the_comparison_key_and_the_domain()
    {
        Assert.Equal("journal.reports@journal.contoso.com", Names.AddressKey("Journal.Reports@journal.contoso.com"));
        Assert.Equal("journal.contoso.com", Names.DomainOf("Journal.Reports@journal.contoso.com"));
    }
}
