using System.Runtime.InteropServices;

namespace MimecastJournaling.Engine;

/// <summary>
/// The native heap's share of a large message. Native code the listener runs for a large message
/// (Brotli's compression and decompression among it) takes buffers of a few MB from the C
/// library's allocator. glibc serves its first such buffer with mmap and gives it back on free, but
/// then raises its mmap threshold to that size (up to 32 MB), so from then on such buffers come
/// from its heaps, one heap (arena) per thread that needed one, and freed they stay in the process.
/// With twenty 25 MB reports arriving at once the listener's peak was 30 to 80 MB higher for it
/// (issue 15, ConcurrentLarge: the same runs with glibc's MALLOC_MMAP_THRESHOLD_ or
/// MALLOC_ARENA_MAX set did not have it). Fixing the threshold at glibc's own default (128 KiB)
/// turns its raising off: every large native buffer is mapped for its use and unmapped when freed,
/// so the process holds only what is in use. Small allocations are not affected.
/// </summary>
internal static class NativeHeap
{
    /// <summary>glibc's M_MMAP_THRESHOLD (malloc.h).</summary>
    private const int MmapThresholdOption = -3;

    /// <summary>glibc's default threshold; set explicitly, it is no longer raised.</summary>
    internal const int MmapThresholdBytes = 128 * 1024;

    private static int _applied;

    /// <summary>
    /// Whether the threshold is fixed in this process: on Linux with glibc, unless the administrator
    /// chose one with glibc's MALLOC_MMAP_THRESHOLD_ environment variable (then that one stands).
    /// Elsewhere (Windows, macOS, musl) false, and nothing changes.
    /// </summary>
    internal static bool ThresholdFixed { get; private set; }

    /// <summary>Fixes the threshold once per process (the listener calls it when it starts).</summary>
    public static void KeepLargeBuffersMapped()
    {
        if (Interlocked.Exchange(ref _applied, 1) != 0 || !OperatingSystem.IsLinux()
            || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null)
        {
            return;
        }
        try
        {
            ThresholdFixed = NativeMethods.mallopt(MmapThresholdOption, MmapThresholdBytes) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no mallopt): its allocator keeps no such threshold.
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc.so.6", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int mallopt(int param, int value);
    }
}
