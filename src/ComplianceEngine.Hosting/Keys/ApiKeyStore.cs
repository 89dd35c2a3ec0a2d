using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace ComplianceEngine.Hosting.Keys;

/// <summary>What a key may do. Each scope includes the ones before it: admin includes evaluate, evaluate includes read.</summary>
public enum ApiScope
{
    /// <summary>Read rules, reports and history.</summary>
    Read,
    /// <summary>Read, and submit evaluations.</summary>
    Evaluate,
    /// <summary>Everything.</summary>
    Admin,
}

/// <summary>A stored key: its name, scope and salted hash, never the key itself.</summary>
public sealed record ApiKeyRecord(string Id, string Name, ApiScope Scope, string Salt, string Hash, int Iterations, DateTimeOffset Created, DateTimeOffset? Revoked)
{
    /// <summary>True when the key still opens the door.</summary>
    [JsonIgnore]
    public bool Active => Revoked is null;
}

/// <summary>Who a request is: the key's name and scope.</summary>
public sealed record ApiCaller(string Name, ApiScope Scope)
{
    /// <summary>True when this caller may do what <paramref name="needed"/> allows.</summary>
    public bool Allows(ApiScope needed) => Scope >= needed;
}

/// <summary>
/// API keys in <c>DATA/keys.json</c>: each key is <c>ce_ID_SECRET</c>; the file keeps the id, a random salt and
/// PBKDF2-SHA256 of the secret. Checking a key derives the hash again and compares in constant time. Changes made by
/// <c>compliance keys</c> while a server runs are picked up on the next request (the file's write time is watched).
/// </summary>
public sealed partial class ApiKeyStore
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "keys.json";

    /// <summary>PBKDF2 rounds for new keys.</summary>
    public const int DefaultIterations = 100_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly string _path;
    private readonly object _gate = new();
    private (DateTime Stamp, long Length, ImmutableArray<ApiKeyRecord> Keys) _loaded = (DateTime.MinValue, -1, []);
    // Keys already verified, by a SHA-256 of the presented key: PBKDF2 runs once per key per process, not per request.
    private readonly ConcurrentDictionary<string, ApiCaller> _verified = new(StringComparer.Ordinal);

    /// <summary>A store in <paramref name="dataDirectory"/>.</summary>
    public ApiKeyStore(string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        _path = Path.Combine(dataDirectory, FileName);
    }

    /// <summary>Every key, revoked ones included.</summary>
    public ImmutableArray<ApiKeyRecord> All() => Load();

    /// <summary>True when at least one key is active (the server then asks every caller for one).</summary>
    public bool AnyActive => Load().Any(k => k.Active);

    /// <summary>True when <paramref name="name"/> can name a key: letters, digits, '.', '_' and '-', at most 64.</summary>
    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    /// <summary>Creates a key; returns it (shown once) and its record.</summary>
    /// <exception cref="ArgumentException">The name is invalid or taken by an active key.</exception>
    public (string Key, ApiKeyRecord Record) Add(string name, ApiScope scope, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsValidName(name)) throw new ArgumentException($"key name '{name}' must be 1-64 letters, digits, '.', '_' or '-'", nameof(name));
        lock (_gate)
        {
            var keys = Load();
            if (keys.Any(k => k.Active && k.Name == name)) throw new ArgumentException($"an active key is already named '{name}'; revoke it first", nameof(name));
            var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
            var salt = RandomNumberGenerator.GetBytes(16);
            var record = new ApiKeyRecord(id, name, scope, Convert.ToBase64String(salt), Convert.ToBase64String(Derive(secret, salt, DefaultIterations)),
                DefaultIterations, now, null);
            Save(keys.Add(record));
            return ($"ce_{id}_{secret}", record);
        }
    }

    /// <summary>Revokes the active key named <paramref name="name"/>; false when there is none.</summary>
    public bool Revoke(string name, DateTimeOffset now)
    {
        lock (_gate)
        {
            var keys = Load();
            var index = keys.IndexOf(keys.FirstOrDefault(k => k.Active && k.Name == name)!);
            if (index < 0) return false;
            Save(keys.SetItem(index, keys[index] with { Revoked = now }));
            return true;
        }
    }

    /// <summary>The caller a presented key belongs to, or null when it is malformed, unknown or revoked.</summary>
    public ApiCaller? Verify(string presented)
    {
        ArgumentNullException.ThrowIfNull(presented);
        var keys = Load();
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
        if (_verified.TryGetValue(fingerprint, out var cached)) return cached;
        var parts = presented.Split('_', 3);
        if (parts.Length != 3 || parts[0] != "ce") return null;
        var record = keys.FirstOrDefault(k => k.Active && k.Id == parts[1]);
        if (record is null) return null;
        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(record.Salt);
            expected = Convert.FromBase64String(record.Hash);
        }
        catch (FormatException)
        {
            return null;
        }
        var actual = Derive(parts[2], salt, record.Iterations);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected)) return null;
        var caller = new ApiCaller(record.Name, record.Scope);
        _verified[fingerprint] = caller;
        return caller;
    }

    private static byte[] Derive(string secret, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, 32);

    private ImmutableArray<ApiKeyRecord> Load()
    {
        var info = new FileInfo(_path);
        var stamp = info.Exists ? info.LastWriteTimeUtc : DateTime.MinValue;
        var length = info.Exists ? info.Length : -1;
        lock (_gate)
        {
            if (_loaded.Stamp == stamp && _loaded.Length == length) return _loaded.Keys;
            var keys = info.Exists ? JsonSerializer.Deserialize<KeyFile>(File.ReadAllText(_path), Json)?.Keys ?? [] : [];
            _loaded = (stamp, length, [.. keys]);
            _verified.Clear(); // a revoked key stops working on the next request
            return _loaded.Keys;
        }
    }

    private void Save(ImmutableArray<ApiKeyRecord> keys)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        AtomicFile.Write(_path, w => w.Write(JsonSerializer.Serialize(new KeyFile([.. keys]), Json)));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _loaded = (DateTime.MinValue, -1, []);
        _verified.Clear();
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NamePattern();

    private sealed record KeyFile(List<ApiKeyRecord> Keys);
}
