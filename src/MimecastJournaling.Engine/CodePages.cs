using System.Runtime.CompilerServices;
using System.Text;

namespace MimecastJournaling.Engine;

/// <summary>
/// Registers the legacy code pages (iso-2022-jp, windows-125x, …) when the engine assembly loads,
/// before anything can ask MimeKit for a charset: MimeKit looks its charsets up once, so a message
/// parsed before the registration would keep showing such headers undecoded.
/// </summary>
internal static class CodePages
{
#pragma warning disable CA2255 // a library module initializer on purpose: it must run before any MimeKit charset lookup
    [ModuleInitializer]
    internal static void Register() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
#pragma warning restore CA2255
}
