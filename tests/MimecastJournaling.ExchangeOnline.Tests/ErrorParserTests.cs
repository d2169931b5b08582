using System.Net;
using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.ExchangeOnline.Tests;

/// <summary>The error-envelope parser alone (the shapes other clients reported that the emulator does not send).</summary>
public sealed class ErrorParserTests
{
    private static ExchangeCommandException Parse(int status, string body, string? diagnostics = null) =>
        new ExchangeErrorParser().Parse(new ExchangeErrorResponse("Get-X", (HttpStatusCode)status, body, h => h == "x-ms-diagnostics" ? diagnostics : null));

    [Fact]
    public void Text_after_the_second_bar_is_kept_whole()
    {
        var detail = new ExchangeErrorParser().ParseDetail("Ex1|Microsoft.Exchange.Foo.BarException|left | right");

        Assert.Equal(new ExchangeErrorDetail("Ex1", "Microsoft.Exchange.Foo.BarException", "left | right"), detail);
    }

    [Fact]
    public void A_JSON_encoded_detail_is_read_too()
    {
        var e = Parse(400, """{"error":{"code":"BadRequest","message":"Error executing cmdlet","details":[{"message":"{\"Message\":\"The object 'x' already exists.\",\"TypeName\":\"Microsoft.Exchange.Configuration.Tasks.ManagementObjectAlreadyExistsException\"}"}]}}""");

        Assert.Equal(ExchangeErrorCategory.AlreadyExists, e.Category);
        Assert.Equal("The object 'x' already exists.", e.Message);
    }

    [Fact]
    public void Without_details_the_inner_exception_message_then_the_top_message_are_used()
    {
        var inner = Parse(500, """{"error":{"code":"InternalServerError","message":"Error executing cmdlet","innererror":{"internalexception":{"message":"Deep reason"}}}}""");
        var top = Parse(500, """{"error":{"code":"InternalServerError","message":"Invalid Operation"}}""");

        Assert.Equal("Deep reason", inner.Message);
        Assert.Equal("Invalid Operation", top.Message);
        Assert.Equal(ExchangeErrorCategory.Other, top.Category);
    }

    [Fact]
    public void An_HTML_body_does_not_break_parsing()
    {
        var e = Parse(502, "<html><body>Bad gateway</body></html>");

        Assert.Equal(ExchangeErrorCategory.Other, e.Category);
        Assert.Contains("HTTP 502", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_concurrency_message_is_Throttled_whatever_the_status()
    {
        var e = Parse(500, """{"error":{"code":"InternalServerError","message":"You have reached the maximum number of concurrent requests per tenant. Please wait and try again"}}""");

        Assert.Equal(ExchangeErrorCategory.Throttled, e.Category);
    }

    [Fact]
    public void A_plain_text_detail_is_classified_by_its_words()
    {
        var e = Parse(400, """{"error":{"code":"BadRequest","message":"Error executing cmdlet","details":[{"message":"The operation couldn't be performed because object 'x' couldn't be found on 'DC'."}]}}""");

        Assert.Equal(ExchangeErrorCategory.NotFound, e.Category);
        Assert.Null(e.ExchangeExceptionType);
    }
}
