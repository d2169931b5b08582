using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests;

public sealed class ListenerSettingsTests : IDisposable
{
    private static readonly string EndpointsJson =
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Endpoints", "synthetic-endpoints-worldwide.json"));

    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Takes_only_the_port_25_Exchange_ranges_of_the_endpoints_list() =>
        Assert.Equal(["40.92.0.0/15", "40.107.0.0/16", "127.0.0.0/29", "2a01:111:f400::/48"], ExchangeOnlineEndpoints.ParseSmtpRanges(EndpointsJson));

    [Theory]
    [InlineData("not json", "InvalidEndpointList")]
    [InlineData("{\"value\": []}", "InvalidEndpointList")]
    [InlineData("[{\"serviceArea\":\"Exchange\",\"tcpPorts\":\"443\",\"ips\":[\"13.107.6.152/31\"]}]", "NoExchangeOnlineRanges")]
    [InlineData("[{\"serviceArea\":\"Exchange\",\"tcpPorts\":\"25\",\"ips\":[\"40.92.0.1/15\"]}]", "InvalidSourceIpRange")]
    public void Refuses_a_file_that_is_not_a_usable_endpoints_list(string json, string errorId) =>
        Assert.Equal(errorId, Assert.Throws<JournalConfigurationException>(() => ExchangeOnlineEndpoints.ParseSmtpRanges(json)).ErrorId);

    [Fact]
    public void Settings_are_stored_with_events_and_Exchange_Online_ranges_must_be_loaded_before_use()
    {
        Assert.Equal("ExchangeOnlineRangesMissing",
            Assert.Throws<JournalConfigurationException>(() => _temp.Configuration.SetListenerSettings(null, true)).ErrorId);

        _temp.Configuration.UpdateExchangeOnlineRanges(EndpointsJson, "/tmp/endpoints.json");
        var settings = _temp.Configuration.SetListenerSettings(["192.0.2.7", "2001:db8::/32"], true);

        Assert.Equal(["192.0.2.7/32", "2001:db8::/32"], settings.AuthorizedIpRange);
        var reread = _temp.Configuration.GetListenerSettings();
        Assert.True(reread.UseExchangeOnlineRanges);
        Assert.Equal(4, reread.ExchangeOnlineRange.Count);
        Assert.Equal("/tmp/endpoints.json", reread.ExchangeOnlineRangeSource);
        Assert.Equal(
            ["AuthorizedIpRange", "ExchangeOnlineRange", "UseExchangeOnlineRanges"],
            _temp.Store.GetEvents(new Storage.JournalEventQuery { ObjectType = JournalObjectType.ListenerSetting }).Select(e => e.Property).Order());
        Assert.Equal(["192.0.2.7/32", "2001:db8::/32", "40.92.0.0/15", "40.107.0.0/16", "127.0.0.0/29", "2a01:111:f400::/48"],
            reread.RangesForEveryDefinition());
    }
}
