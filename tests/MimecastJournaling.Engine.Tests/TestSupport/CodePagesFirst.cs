using System.Runtime.CompilerServices;
using System.Text;

namespace MimecastJournaling.Engine.Tests.TestSupport;

/// <summary>
/// Some tests build messages with MimeKit before any engine code runs; register the code pages
/// first, as the engine does when it loads, so test order cannot change how charsets decode.
/// </summary>
internal static class CodePagesFirst
{
#pragma warning disable CA2255 // a library module initializer on purpose: it must run before any MimeKit charset lookup
    [ModuleInitializer]
    internal static void Register() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
#pragma warning restore CA2255
}
