using System.Runtime.InteropServices;

namespace MimecastJournaling.Engine.Tests.Memory;

/// <summary>
/// Native buffers of a large message's compression leave the process when freed (issue 15,
/// ConcurrentLarge): glibc would otherwise raise its mmap threshold after the first such buffer and
/// keep every later one in its heaps once freed.
/// </summary>
public sealed class NativeHeapTests
{
    private const int BufferBytes = 24 * 1024 * 1024;

    [Fact]
    public void A_large_native_buffer_freed_after_another_gives_its_memory_back()
    {
        NativeHeap.KeepLargeBuffersMapped();
        if (!OperatingSystem.IsLinux())
        {
            // Nothing to fix there: the threshold is glibc's.
            Assert.False(NativeHeap.ThresholdFixed);
            return;
        }
        // An administrator's MALLOC_MMAP_THRESHOLD_ fixes it too (and is left as it is).
        Assert.True(NativeHeap.ThresholdFixed || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null,
            "The mmap threshold was not fixed on Linux.");

        // The first buffer freed is what makes glibc raise its threshold (when it is not fixed).
        TouchAndFree();
        var (held, freed) = TouchAndFree();

        // Fixed, the second buffer is unmapped at its free: the process's anonymous memory falls back by it.
        Assert.True(held - freed >= BufferBytes * 3L / 4,
            $"Freeing a {BufferBytes / 1024 / 1024} MB native buffer gave back {(held - freed) / 1024 / 1024} MB.");
    }

    /// <summary>Allocates (malloc) and writes one buffer, frees it; returns the anonymous resident bytes before and after the free.</summary>
    private static (long Held, long Freed) TouchAndFree()
    {
        var buffer = Marshal.AllocHGlobal(BufferBytes);
        try
        {
            for (var offset = 0; offset < BufferBytes; offset += 4096)
            {
                Marshal.WriteByte(buffer, offset, 0x5a);
            }
            var held = ResidentAnonymousBytes();
            Marshal.FreeHGlobal(buffer);
            buffer = IntPtr.Zero;
            return (held, ResidentAnonymousBytes());
        }
        finally
        {
            if (buffer != IntPtr.Zero)
            {
                Marshal.FreeHGlobal(buffer);
            }
        }
    }

    private static long ResidentAnonymousBytes()
    {
        var line = File.ReadLines("/proc/self/status").Single(l => l.StartsWith("RssAnon:", StringComparison.Ordinal));
        return long.Parse(line["RssAnon:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
