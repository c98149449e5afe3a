using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MoodDJ.Host.Console.Stations;

/// <summary>One station this machine knows: where its control port is and its key.</summary>
internal sealed record KnownStation(string Host, int Port, string? Key, DateTimeOffset Used);

/// <summary>
/// The stations this machine has joined or runs, in the user's config folder (stations.json,
/// 0600), most recently used first; and the key of the station this machine serves (station.key,
/// 0600), made on the server's first start.
/// </summary>
internal sealed class StationBook(UserConfigFolder folder)
{
    public const string StationsFile = "stations.json";
    public const string KeyFile = "station.key";
    private const int Kept = 20;

    public UserConfigFolder Folder => folder;

    /// <summary>The station used last (joined or served here), if any.</summary>
    public KnownStation? Current => Load().FirstOrDefault();

    /// <summary>The entry for this host and port, if this machine has used it.</summary>
    public KnownStation? Find(string host, int port) =>
        Load().FirstOrDefault(s => s.Port == port && string.Equals(s.Host, host, StringComparison.OrdinalIgnoreCase));

    /// <summary>Puts the station first (replacing an entry for the same address).</summary>
    public void Remember(string host, int port, string? key)
    {
        var rest = Load().Where(s => !(s.Port == port && string.Equals(s.Host, host, StringComparison.OrdinalIgnoreCase)));
        var list = new[] { new KnownStation(host, port, key, DateTimeOffset.UtcNow) }.Concat(rest).Take(Kept).ToList();
        folder.WriteSecret(StationsFile, JsonSerializer.Serialize(new Document { Stations = list }, Json));
    }

    /// <summary>This machine's station key: read from station.key, or made (32 random bytes) and kept there.</summary>
    public string ServerKey(out bool created)
    {
        created = false;
        if (folder.ReadText(KeyFile)?.Trim() is { Length: > 0 } existing)
            return existing;
        var key = JoinCode.KeyText(RandomNumberGenerator.GetBytes(32));
        folder.WriteSecret(KeyFile, key + "\n");
        created = true;
        return key;
    }

    private List<KnownStation> Load()
    {
        string? text;
        try { text = folder.ReadText(StationsFile); }
        catch (IOException) { return []; }
        if (string.IsNullOrWhiteSpace(text)) return [];
        try
        {
            return JsonSerializer.Deserialize<Document>(text, Json)?.Stations?.Where(s => s is { Host.Length: > 0, Port: > 0 and <= 65535 })
                .OrderByDescending(s => s.Used).ToList() ?? [];
        }
        catch (JsonException)
        {
            throw new UserFacingException($"{folder.File(StationsFile)} is not valid JSON; delete it and join the station again.");
        }
    }

    private sealed class Document
    {
        public List<KnownStation>? Stations { get; init; }
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>"host:port" with IPv6 in brackets.</summary>
    public static string Format(string host, int port) =>
        IPAddress.TryParse(host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]:{port}" : $"{host}:{port}";
}
