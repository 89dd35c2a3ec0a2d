using System.Buffers;

namespace ComplianceEngine.Loading.FileSystem;

/// <summary>Reads a stream to its end, or to a cap in bytes actually read; a stream's Length is never trusted.</summary>
public static class BoundedInput
{
    /// <summary>
    /// The bytes of <paramref name="stream"/>, or null when it holds more than <paramref name="maxBytes"/>
    /// (at most <paramref name="maxBytes"/> + 1 bytes are read). <paramref name="sizeHint"/> only sizes the first buffer.
    /// </summary>
    public static ArraySegment<byte>? ReadAll(Stream stream, long maxBytes, long sizeHint = 0) => ReadAll(stream, maxBytes, sizeHint, pool: null);

    /// <summary>
    /// <see cref="ReadAll(Stream, long, long)"/> into arrays rented from <paramref name="pool"/> (null: new arrays): the
    /// segment's array is then the pool's, to be given back with <see cref="Return"/> once nothing reads it any more.
    /// Files of a megabyte or more are large objects: renting them spares the collector a full (gen 2) collection for
    /// every few files read. An array outgrown or left over by a refusal goes back to the pool at once.
    /// </summary>
    public static ArraySegment<byte>? ReadAll(Stream stream, long maxBytes, long sizeHint, ArrayPool<byte>? pool)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var limit = (int)Math.Min(maxBytes + 1, Array.MaxLength);
        var first = (int)Math.Min(Math.Max(sizeHint + 1, 4096), limit);
        var buffer = pool is null ? new byte[first] : pool.Rent(first);
        var filled = 0;
        while (true)
        {
            if (filled >= Math.Min(buffer.Length, limit))
            {
                if (filled >= limit)
                {
                    pool?.Return(buffer);
                    return null;
                }
                var size = (int)Math.Min((long)buffer.Length * 2, limit);
                if (pool is null) Array.Resize(ref buffer, size);
                else
                {
                    var bigger = pool.Rent(size);
                    buffer.AsSpan(0, filled).CopyTo(bigger);
                    pool.Return(buffer);
                    buffer = bigger;
                }
            }
            var n = stream.Read(buffer, filled, Math.Min(buffer.Length, limit) - filled);
            if (n == 0) break;
            filled += n;
            if (filled > maxBytes)
            {
                pool?.Return(buffer);
                return null;
            }
        }
        return new ArraySegment<byte>(buffer, 0, filled);
    }

    /// <summary>Gives the array of a segment <see cref="ReadAll(Stream, long, long, ArrayPool{byte}?)"/> rented back to <paramref name="pool"/>.</summary>
    public static void Return(ArraySegment<byte> bytes, ArrayPool<byte> pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (bytes.Array is { Length: > 0 } array) pool.Return(array);
    }
}
