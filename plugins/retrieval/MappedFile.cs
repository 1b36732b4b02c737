using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;

namespace Sieve.Plugins.Retrieval;

/// <summary>
/// A read-only file mapped into memory, seen as spans. The only unsafe code of the plugin. Each <see cref="Acquire"/>
/// holds a reference on the mapping until the lease is disposed, so disposing the file while searches run defers the
/// unmapping until they end; a lease taken after disposal throws <see cref="ObjectDisposedException"/>. Thread-safe.
/// </summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;

    private MappedFile(MemoryMappedFile map, MemoryMappedViewAccessor view, int length)
    {
        _map = map;
        _view = view;
        Length = length;
    }

    /// <summary>Bytes in the file.</summary>
    public int Length { get; }

    /// <summary>Maps <paramref name="path"/>, which must hold 1 to <see cref="int.MaxValue"/> bytes.</summary>
    public static MappedFile Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        try
        {
            if (stream.Length is 0 or > int.MaxValue)
            {
                throw new InvalidDataException(stream.Length == 0 ? $"{path}: the index file is empty." : $"{path}: index files over 2 GiB are not supported.");
            }
            var length = (int)stream.Length;
            var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            try
            {
                return new MappedFile(map, map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read), length);
            }
            catch
            {
                map.Dispose();
                throw;
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Takes a reference on the mapping; the lease's span is valid until it is disposed.</summary>
    public Lease Acquire()
    {
        byte* pointer = null;
        var handle = _view.SafeMemoryMappedViewHandle;
        handle.AcquirePointer(ref pointer);
        return new Lease(handle, new ReadOnlySpan<byte>(pointer + _view.PointerOffset, Length));
    }

    public void Dispose()
    {
        _view.Dispose();
        _map.Dispose();
    }

    /// <summary>A span over the mapped file, valid until disposed.</summary>
    public readonly ref struct Lease(SafeMemoryMappedViewHandle handle, ReadOnlySpan<byte> span)
    {
        public ReadOnlySpan<byte> Span { get; } = span;

        public void Dispose() => handle.ReleasePointer();
    }
}
