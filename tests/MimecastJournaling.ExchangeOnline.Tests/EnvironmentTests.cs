using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.ExchangeOnline.Tests;

public sealed class EnvironmentTests
{
    [Theory]
    [InlineData(ExchangeCloud.Global, "https://outlook.office365.com/", "https://outlook.office365.com/.default", "https://login.microsoftonline.com/", "https://graph.microsoft.com/")]
    [InlineData(ExchangeCloud.USGovGCCHigh, "https://outlook.office365.us/", "https://outlook.office365.us/.default", "https://login.microsoftonline.us/", "https://graph.microsoft.us/")]
    [InlineData(ExchangeCloud.USGovDoD, "https://outlook-dod.office365.us/", "https://outlook-dod.office365.us/.default", "https://login.microsoftonline.us/", "https://dod-graph.microsoft.us/")]
    [InlineData(ExchangeCloud.China, "https://outlook.office365.cn/", "https://outlook.office365.cn/.default", "https://login.partner.microsoftonline.cn/", "https://microsoftgraph.chinacloudapi.cn/")]
    public void Each_cloud_has_its_endpoints(ExchangeCloud cloud, string adminApi, string scope, string authority, string graph)
    {
        var env = ExchangeOnlineEnvironment.For(cloud);

        Assert.Equal(cloud, env.Cloud);
        Assert.Equal(adminApi, env.AdminApiBase.ToString());
        Assert.Equal(scope, env.Scope);
        Assert.Equal(authority, env.AuthorityHost.ToString());
        Assert.Equal(graph, env.GraphBase.ToString());
    }

    [Theory]
    [InlineData("outlook.office365.com", true)]
    [InlineData("nam12b.outlook.office365.com", true)]
    [InlineData("OUTLOOK.OFFICE.COM", true)]
    [InlineData("eviloutlook.office365.com", false)]
    [InlineData("outlook.office365.com.evil.example", false)]
    [InlineData("outlook.office365.us", false)]
    public void Only_the_clouds_own_hosts_are_trusted(string host, bool trusted) =>
        Assert.Equal(trusted, ExchangeOnlineEnvironment.Global.IsTrustedHost(host));

    [Fact]
    public void Endpoints_can_be_overridden()
    {
        var custom = ExchangeOnlineEnvironment.China with { AdminApiBase = new Uri("https://partner.outlook.cn"), TokenResource = new Uri("https://partner.outlook.cn") };

        Assert.Equal("https://partner.outlook.cn/.default", custom.Scope);
        Assert.True(custom.IsTrustedHost("partner.outlook.cn"));
        Assert.Equal(ExchangeCloud.China, custom.Cloud);
    }

    [Fact]
    public void The_msal_authority_follows_the_clouds_sign_in_host()
    {
        var uri = MsalAccessTokenProvider.AuthorityFor(ExchangeOnlineEnvironment.USGovGCCHigh.AuthorityHost, "9f3c6a2e-5d1b-4c8e-a7f0-3b2d1e4c5a60");

        Assert.Equal("https://login.microsoftonline.us/9f3c6a2e-5d1b-4c8e-a7f0-3b2d1e4c5a60", uri.ToString());
        Assert.Equal("https://graph.microsoft.us/.default", ExchangeOnlineEnvironment.USGovGCCHigh.GraphScope);
        Assert.Equal("https://microsoftgraph.chinacloudapi.cn/.default", ExchangeOnlineEnvironment.China.GraphScope);
    }

    [Fact]
    public void Msal_refuses_a_sign_in_host_that_is_not_https()
    {
        var e = Assert.Throws<ArgumentException>(() => MsalAccessTokenProvider.AuthorityFor(new Uri("http://127.0.0.1:8080"), "contoso.onmicrosoft.com"));
        Assert.Contains("https", e.Message, StringComparison.Ordinal);
    }
}
