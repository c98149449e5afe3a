using System.Buffers.Binary;
using System.Net;

namespace MoodDJ.Host.Console.Stations;

/// <summary>
/// What a listener pastes to join a station: its control address and key in one token, base64url
/// of [version 1][address length 4|16][address][control port, big-endian][key bytes, may be empty].
/// `mooddj://host:port?k=KEY` is accepted too (the readable form, for hand-written addresses).
/// </summary>
internal sealed record JoinCode(IPAddress Address, int Port, string? Key)
{
    private const byte Version = 1;
    private const byte MaxPlausibleVersion = 15;

    public string Encode()
    {
        var address = Address.GetAddressBytes();
        var key = Key is null ? [] : KeyBytes(Key) ?? throw new ArgumentException("The station key is not base64, so it cannot go in a join code.");
        var bytes = new byte[2 + address.Length + 2 + key.Length];
        bytes[0] = Version;
        bytes[1] = (byte)address.Length;
        address.CopyTo(bytes, 2);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2 + address.Length), (ushort)Port);
        key.CopyTo(bytes, 4 + address.Length);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public override string ToString() => Encode();

    /// <summary>Reads a code; throws <see cref="UserFacingException"/> saying what is wrong with it.</summary>
    public static JoinCode Parse(string text)
    {
        text = text.Trim();
        if (text.StartsWith("mooddj://", StringComparison.OrdinalIgnoreCase))
            return ParseUri(text);
        byte[] bytes;
        try
        {
            var normalized = text.Replace('-', '+').Replace('_', '/');
            bytes = Convert.FromBase64String(normalized.PadRight(normalized.Length + (4 - normalized.Length % 4) % 4, '='));
        }
        catch (FormatException)
        {
            throw Bad("it is not the code `mooddj server` prints");
        }
        if (bytes.Length < 1 || bytes[0] != Version)
            // A later format would start with a small version number; any other first byte is a mistyped code.
            throw Bad(bytes.Length == 0 ? "it is empty"
                : bytes[0] is > Version and <= MaxPlausibleVersion ? $"it is version {bytes[0]}; this mooddj reads version {Version} (update one side)"
                : "it is not the code `mooddj server` prints (copy the whole line)");
        if (bytes.Length < 2 || bytes[1] is not (4 or 16) || bytes.Length < 4 + bytes[1])
            throw Bad("it is cut short (copy the whole line)");
        var address = new IPAddress(bytes.AsSpan(2, bytes[1]));
        var port = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(2 + bytes[1]));
        if (port == 0) throw Bad("its port is 0");
        var key = bytes.AsSpan(4 + bytes[1]);
        return new JoinCode(address, port, key.IsEmpty ? null : KeyText(key));
    }

    private static JoinCode ParseUri(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Port <= 0 || !IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
            throw Bad("write it as mooddj://ADDRESS:PORT?k=KEY");
        string? key = null;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
            if (pair.StartsWith("k=", StringComparison.Ordinal))
                key = Uri.UnescapeDataString(pair[2..]);
        return new JoinCode(address, uri.Port, string.IsNullOrEmpty(key) ? null : key);
    }

    /// <summary>The key as the crypto plugins read it: URL-safe base64 with padding.</summary>
    public static string KeyText(ReadOnlySpan<byte> key) => Convert.ToBase64String(key).Replace('+', '-').Replace('/', '_');

    private static byte[]? KeyBytes(string key)
    {
        var normalized = key.Trim().Replace('-', '+').Replace('_', '/').TrimEnd('=');
        try { return Convert.FromBase64String(normalized.PadRight(normalized.Length + (4 - normalized.Length % 4) % 4, '=')); }
        catch (FormatException) { return null; }
    }

    private static UserFacingException Bad(string why) => new($"--join: that code cannot be read: {why}.");
}
