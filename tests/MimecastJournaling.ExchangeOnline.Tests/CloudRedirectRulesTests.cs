using System.Net;
using System.Text;
using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.ExchangeOnline.Tests;

/// <summary>
/// Redirect and nextLink rules with the real cloud host names. These cannot run against a loopback
/// listener (https, port 446), so a scripted in-memory handler answers; nothing leaves the process.
/// </summary>
public sealed class CloudRedirectRulesTests
{
    private sealed class ScriptedHandler(Func<HttpRequestMessage, int, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<(Uri Uri, string? Authorization)> Seen { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Seen.Add((request.RequestUri!, request.Headers.Authorization?.ToString()));
            return Task.FromResult(answer(request, Seen.Count));
        }
    }

    private static HttpResponseMessage Redirect(string location) => new(HttpStatusCode.Found) { Headers = { Location = new Uri(location) } };

    private static HttpResponseMessage Json(string body) => new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private static ExchangeOnlineClient Client(ScriptedHandler handler) =>
        new(new ExchangeOnlineClientOptions { Tenant = "9f3c6a2e-5d1b-4c8e-a7f0-3b2d1e4c5a60" }, new StaticAccessTokenProvider("t0ken"), handler);

    [Fact]
    public async Task A_regional_redirect_on_port_446_goes_to_443_with_the_token()
    {
        var handler = new ScriptedHandler((_, n) => n == 1
            ? Redirect("https://nam12b.outlook.office365.com:446/adminapi/beta/9f3c6a2e-5d1b-4c8e-a7f0-3b2d1e4c5a60/InvokeCommand")
            : Json("""{"value":[{"Name":"x"}]}"""));
        using var client = Client(handler);

        var result = await client.InvokeAsync("Get-TransportConfig");

        Assert.Single(result.Objects);
        Assert.Equal("https://outlook.office365.com/adminapi/beta/9f3c6a2e-5d1b-4c8e-a7f0-3b2d1e4c5a60/InvokeCommand", handler.Seen[0].Uri.ToString());
        Assert.Equal("https://nam12b.outlook.office365.com/adminapi/beta/9f3c6a2e-5d1b-4c8e-a7f0-3b2d1e4c5a60/InvokeCommand", handler.Seen[1].Uri.ToString());
        Assert.All(handler.Seen, s => Assert.Equal("Bearer t0ken", s.Authorization));
    }

    [Theory]
    [InlineData("http://nam12b.outlook.office365.com/adminapi/beta/t/InvokeCommand")] // downgrade to http
    [InlineData("https://outlook.office365.com.evil.example/adminapi/beta/t/InvokeCommand")]
    [InlineData("https://login.microsoftonline.com/adminapi/beta/t/InvokeCommand")]
    public async Task A_redirect_off_the_clouds_https_hosts_is_not_sent(string location)
    {
        var handler = new ScriptedHandler((_, _) => Redirect(location));
        using var client = Client(handler);

        var e = await Assert.ThrowsAsync<ExchangeCommandException>(() => client.InvokeAsync("Get-TransportConfig"));

        Assert.Single(handler.Seen);
        Assert.Contains("not a trusted host", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_nextLink_to_another_origin_is_not_followed()
    {
        var handler = new ScriptedHandler((_, _) => Json("""{"value":[{"Name":"a"}],"@odata.nextLink":"https://collector.evil.example/page2"}"""));
        using var client = Client(handler);

        var e = await Assert.ThrowsAsync<ExchangeCommandException>(() => client.InvokeAsync("Get-Recipient"));

        Assert.Single(handler.Seen);
        Assert.Contains("nextLink", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_nextLink_without_the_at_sign_and_an_empty_204_are_understood()
    {
        var handler = new ScriptedHandler((_, n) => n == 1
            ? Json("""{"value":[{"Name":"a","Guid@odata.type":"#Guid","Guid":"6a1f0d52-3a54-4c9b-9a43-0c0e1f1e2d3c"}],"odata.nextLink":"https://outlook.office365.com/adminapi/beta/t/InvokeCommand?$skiptoken=2"}""")
            : new HttpResponseMessage(HttpStatusCode.NoContent));
        using var client = Client(handler);

        var result = await client.InvokeAsync("Get-Recipient");

        Assert.Equal(2, result.Pages);
        var only = Assert.Single(result.Objects);
        Assert.Equal(new[] { "Name", "Guid" }, only.Keys.OrderByDescending(k => k));
    }
}
