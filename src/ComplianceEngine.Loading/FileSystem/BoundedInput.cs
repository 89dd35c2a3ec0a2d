namespace ComplianceEngine.Loading.FileSystem;

/// <summary>Reads a stream to its end, or to a cap in bytes actually read; a stream's Length is never trusted.</summary>
public static class BoundedInput
{
    /// <summary>
    /// The bytes of <paramref name="stream"/>, or null when it holds more than <paramref name="maxBytes"/>
    /// (at most <paramref name="maxBytes"/> + 1 bytes are read). <paramref name="sizeHint"/> only sizes the first buffer.
    /// </summary>
    public static ArraySegment<byte>? ReadAll(Stream stream, long maxBytes, long sizeHint = 0)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var limit = (int)Math.Min(maxBytes + 1, Array.MaxLength);
        var buffer = new byte[(int)Math.Min(Math.Max(sizeHint + 1, 4096), limit)];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                if (buffer.Length >= limit) return null;
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, limit));
            }
            var n = stream.Read(buffer, filled, buffer.Length - filled);
            if (n == 0) break;
            filled += n;
            if (filled > maxBytes) return null;
        }
        return new ArraySegment<byte>(buffer, 0, filled);
    }
}
