using System.Net;
using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Engine.Tests;

public class IpRangeTests
{
    [Theory]
    [InlineData("192.0.2.0/24", "192.0.2.0/24")]
    [InlineData("192.0.2.7", "192.0.2.7/32")]
    [InlineData("192.0.2.7/32", "192.0.2.7/32")]
    [InlineData(" 2001:db8::/32 ", "2001:db8::/32")]
    [InlineData("::ffff:192.0.2.0/24", "192.0.2.0/24")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    public void Parses_and_normalizes(string text, string expected) =>
        Assert.Equal(expected, IpRange.Parse(text).ToString());

    [Theory]
    [InlineData("10.0.0.1/33", "prefix length must be a whole number from 0 to 32")]
    [InlineData("2001:db8::/129", "from 0 to 128")]
    [InlineData("garbage", "is not an IPv4 or IPv6 address")]
    [InlineData("10.0.0.1/24", "Did you mean 10.0.0.0/24")]
    [InlineData("10.0.0.0/-1", "prefix length")]
    [InlineData("", "may not be empty")]
    public void Refuses_with_a_message_that_says_what_to_fix(string text, string expectedText)
    {
        var e = Assert.Throws<JournalConfigurationException>(() => IpRange.Parse(text));
        Assert.Equal("InvalidSourceIpRange", e.ErrorId);
        Assert.Equal(JournalErrorKind.InvalidArgument, e.Kind);
        Assert.Contains(expectedText, e.Message);
    }

    [Theory]
    [InlineData("40.92.0.0/15", "40.93.255.255", true)]
    [InlineData("40.92.0.0/15", "40.94.0.0", false)]
    [InlineData("127.0.0.1/32", "::ffff:127.0.0.1", true)]
    [InlineData("127.0.0.1/32", "127.0.0.2", false)]
    [InlineData("2a01:111:f400::/48", "2a01:111:f400:1::5", true)]
    [InlineData("2a01:111:f400::/48", "192.0.2.1", false)]
    public void Contains_matches_addresses(string range, string address, bool expected) =>
        Assert.Equal(expected, IpRange.Parse(range).Contains(IPAddress.Parse(address)));
}
