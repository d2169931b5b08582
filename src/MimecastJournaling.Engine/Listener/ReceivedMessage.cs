namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// The content of one DATA command while it arrives: in memory up to <see cref="MemoryLimit"/>,
/// then in a private temporary file, so twenty 25 MB reports at once cost about twenty times
/// 1 MB of memory instead of twenty times 25 MB. The file is only a staging area: the 250 waits
/// for the spool's fsync'd copy, and the file is deleted when the message is disposed.
/// </summary>
internal sealed class ReceivedMessage : IDisposable
{
    public const int MemoryLimit = 1024 * 1024;
    private const string FilePrefix = "data-";

    private readonly string _directory;
    private const int FirstBufferBytes = 64 * 1024;

    // Pooled (a new buffer would be zeroed for every message), sized for a typical journal report.
    private byte[]? _memory = System.Buffers.ArrayPool<byte>.Shared.Rent(FirstBufferBytes);

    /// <summary>
    /// The larger buffers (128 KiB to 1 MiB, on the large object heap) come from a small pool of
    /// their own: the shared pool keeps one of every size for every thread that gave one back, and
    /// twenty sessions growing at once left some 45 MB of them behind in the listener (issue 15).
    /// This one keeps at most a few of each size.
    /// </summary>
    private static readonly System.Buffers.ArrayPool<byte> LargerBuffers = System.Buffers.ArrayPool<byte>.Create(MemoryLimit, 4);
    private FileStream? _file;
    private string? _path;

    public ReceivedMessage(string directory) => _directory = directory;

    public long Length { get; private set; }

    /// <summary>The content when it stayed in memory (empty once it moved to a file).</summary>
    public ReadOnlyMemory<byte> InMemory => _memory is null ? ReadOnlyMemory<byte>.Empty : _memory.AsMemory(0, (int)Length);

    /// <summary>The file that holds the content, once it outgrew memory (complete after <see cref="CompleteAsync"/>).</summary>
    public FileInfo? File => _path is null ? null : new FileInfo(_path);

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (_file is null && Length + bytes.Length > MemoryLimit)
        {
            _file = CreatePrivateFile();
            await _file.WriteAsync(InMemory, cancellationToken).ConfigureAwait(false);
            ReturnMemory();
        }
        if (_file is not null)
        {
            await _file.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (Length + bytes.Length > _memory!.Length)
            {
                var larger = LargerBuffers.Rent((int)Math.Min(MemoryLimit, Math.Max(_memory.Length * 2L, Length + bytes.Length)));
                _memory.AsSpan(0, (int)Length).CopyTo(larger);
                Give(_memory);
                _memory = larger;
            }
            bytes.Span.CopyTo(_memory.AsSpan((int)Length));
        }
        Length += bytes.Length;
    }

    /// <summary>The end of DATA: the file (if any) is closed so the spool writer can read it.</summary>
    public async Task CompleteAsync()
    {
        if (_file is not null)
        {
            await _file.DisposeAsync().ConfigureAwait(false);
            _file = null;
        }
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
        ReturnMemory();
        if (_path is not null)
        {
            TryDelete(_path);
            _path = null;
        }
    }

    private void ReturnMemory()
    {
        if (_memory is not null)
        {
            Give(_memory);
            _memory = null;
        }
    }

    private static void Give(byte[] buffer)
    {
        if (buffer.Length > FirstBufferBytes)
        {
            LargerBuffers.Return(buffer);
        }
        else
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Files of sessions that a crash cut off; none of them was answered 250.</summary>
    public static void DeleteLeftovers(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }
        foreach (var file in Directory.EnumerateFiles(directory, FilePrefix + "*"))
        {
            TryDelete(file);
        }
    }

    private FileStream CreatePrivateFile()
    {
        if (!Directory.Exists(_directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(_directory);
            }
            else
            {
                Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        _path = Path.Combine(_directory, FilePrefix + Guid.NewGuid().ToString("n"));
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Options = FileOptions.Asynchronous,
            BufferSize = 64 * 1024,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        return new FileStream(_path, options);
    }

    private static void TryDelete(string path)
    {
        try
        {
            System.IO.File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for DeleteLeftovers at the next start.
        }
    }
}
