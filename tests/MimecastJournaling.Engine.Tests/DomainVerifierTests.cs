using System.Net;
using System.Net.Sockets;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Domains;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests;

/// <summary>DomainVerifier against a real DNS server (dnsmasq) on the loopback interface.</summary>
public sealed class DomainVerifierTests : IClassFixture<DnsmasqFixture>, IDisposable
{
    private readonly DnsmasqFixture _dns;
    private readonly DomainVerifier _verifier;
    private readonly TempStore _temp = new();

    public DomainVerifierTests(DnsmasqFixture dns)
    {
        _dns = dns;
        _verifier = new DomainVerifier([dns.EndPoint], TimeSpan.FromSeconds(2));
    }

    public void Dispose() => _temp.Dispose();

    private Task<IReadOnlyList<string>> Txt(string name) => _verifier.GetTxtRecordsAsync(name, CancellationToken.None);

    [Fact]
    public async Task A_published_txt_record_is_found()
    {
        Assert.Equal([DnsmasqFixture.Code], await Txt(DnsmasqFixture.SingleName));
        Assert.Equal([DnsmasqFixture.Code], await Txt("JOURNAL.Contoso.TEST"));
    }

    [Fact]
    public async Task A_txt_record_split_into_several_strings_is_joined()
    {
        Assert.Equal(["mimecastjournaling-verification=abc123"], await Txt(DnsmasqFixture.SplitName));
    }

    [Fact]
    public async Task Several_txt_records_are_all_returned()
    {
        var records = await Txt(DnsmasqFixture.MultiName);
        Assert.Equal(["mimecastjournaling-verification=def456", "v=spf1 -all"], records.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(DnsmasqFixture.NoTxtName)]
    [InlineData(DnsmasqFixture.MissingName)]
    public async Task A_domain_without_the_record_gives_an_empty_list(string name)
    {
        Assert.Empty(await Txt(name));
    }

    [Theory]
    [InlineData(DnsmasqFixture.SingleName, DnsmasqFixture.Code, true)]
    [InlineData(DnsmasqFixture.SplitName, DnsmasqFixture.Code, true)]
    [InlineData(DnsmasqFixture.MultiName, DnsmasqFixture.MultiCode, true)]
    [InlineData(DnsmasqFixture.MultiName, DnsmasqFixture.Code, false)]
    [InlineData(DnsmasqFixture.NoTxtName, DnsmasqFixture.Code, false)]
    public async Task A_lookup_feeds_RecordVerification(string name, string code, bool verified)
    {
        // The code a registration would have generated, fixed so that dnsmasq can publish it.
        _temp.Store.InsertDomain(new JournalDomain { Name = name, VerificationCode = code, Registered = _temp.Clock.GetUtcNow() }, []);

        var domain = _temp.Configuration.RecordVerification(name, await Txt(name));

        Assert.Equal(verified, domain.Verified);
        Assert.Equal(verified, _temp.Configuration.GetDomain(name).Verified);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", 53)]
    [InlineData(" 127.0.0.1 ", "127.0.0.1", 53)]
    [InlineData("127.0.0.1:5353", "127.0.0.1", 5353)]
    [InlineData("192.0.2.53:53", "192.0.2.53", 53)]
    [InlineData("[::1]:5353", "::1", 5353)]
    [InlineData("::1", "::1", 53)]
    [InlineData("[::1]", "::1", 53)]
    [InlineData("2001:db8::53", "2001:db8::53", 53)]
    public void ParseServer_reads_an_address_with_an_optional_port(string text, string address, int port)
    {
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), DomainVerifier.ParseServer(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("dns.contoso.test")]
    [InlineData("garbage")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:dns")]
    [InlineData("127.0.0.1:-53")]
    [InlineData("[::1]:")]
    public void ParseServer_refuses_anything_else_and_says_what_to_give(string text)
    {
        var e = Assert.Throws<JournalConfigurationException>(() => DomainVerifier.ParseServer(text));
        Assert.Equal("InvalidDnsServer", e.ErrorId);
        Assert.Equal(JournalErrorKind.InvalidArgument, e.Kind);
        Assert.Equal($"'{text}' is not a DNS server address. Give an IP address, optionally with a port: 192.0.2.53 or 127.0.0.1:5353.", e.Message);
    }

    [Fact]
    public async Task A_closed_port_gives_DnsLookupFailed()
    {
        var closed = new IPEndPoint(IPAddress.Loopback, DnsmasqFixture.FreeLoopbackPort());
        var verifier = new DomainVerifier([closed], TimeSpan.FromMilliseconds(300));

        var e = await Assert.ThrowsAsync<JournalConfigurationException>(() => verifier.GetTxtRecordsAsync(DnsmasqFixture.SingleName, CancellationToken.None));

        Assert.Equal("DnsLookupFailed", e.ErrorId);
        Assert.Equal(JournalErrorKind.ConnectionError, e.Kind);
        Assert.StartsWith($"The TXT lookup for {DnsmasqFixture.SingleName} failed:", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("Check the DNS server (-DnsServer) and try again; the domain's state was not changed.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_refuses_the_query_gives_DnsLookupFailed_not_an_empty_list()
    {
        // dnsmasq has no upstream servers: a name outside its local zone is REFUSED. Treating that
        // as "no record" would unverify a domain because of a broken resolver.
        var e = await Assert.ThrowsAsync<JournalConfigurationException>(() => Txt("contoso.example"));
        Assert.Equal("DnsLookupFailed", e.ErrorId);
    }

    [Fact]
    public async Task A_server_that_never_answers_gives_DnsLookupFailed()
    {
        // A socket that receives the queries and never replies.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var verifier = new DomainVerifier([(IPEndPoint)silent.LocalEndPoint!], TimeSpan.FromMilliseconds(300));

        var e = await Assert.ThrowsAsync<JournalConfigurationException>(() => verifier.GetTxtRecordsAsync(DnsmasqFixture.SingleName, CancellationToken.None));

        Assert.Equal("DnsLookupFailed", e.ErrorId);
        Assert.Equal(JournalErrorKind.ConnectionError, e.Kind);
    }
}
