using System.Net;

namespace MoodDJ.Peers.Swarm;

/// <summary>A parsed magnet link: <c>magnet:?xt=urn:btih:HASH&amp;dn=NAME&amp;tr=TRACKER&amp;x.pe=HOST:PORT</c>.</summary>
public sealed record MagnetLink(byte[] InfoHash, string? Name, IReadOnlyList<string> Trackers, IReadOnlyList<IPEndPoint> Peers)
{
    public static MagnetLink Parse(string text)
    {
        if (!text.StartsWith("magnet:?", StringComparison.OrdinalIgnoreCase))
            throw new FormatException("a magnet link starts with \"magnet:?\"");
        byte[]? hash = null;
        string? name = null;
        var trackers = new List<string>();
        var peers = new List<IPEndPoint>();
        foreach (string part in text["magnet:?".Length..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) continue;
            string key = part[..eq], value = Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
            switch (key)
            {
                case "xt" when value.StartsWith("urn:btih:", StringComparison.OrdinalIgnoreCase):
                    hash = ParseHash(value["urn:btih:".Length..]);
                    break;
                case "dn": name = value; break;
                case "tr": trackers.Add(value); break;
                case "x.pe" when IPEndPoint.TryParse(value, out var peer) && peer.Port != 0: peers.Add(peer); break;
            }
        }
        return new MagnetLink(hash ?? throw new FormatException("the magnet link has no xt=urn:btih: info-hash"), name, trackers, peers);
    }

    public static string Format(byte[] infoHash, string? name, IReadOnlyList<string> trackers)
    {
        var text = new System.Text.StringBuilder("magnet:?xt=urn:btih:").Append(Convert.ToHexStringLower(infoHash));
        if (name is not null) text.Append("&dn=").Append(Uri.EscapeDataString(name));
        foreach (string tracker in trackers) text.Append("&tr=").Append(Uri.EscapeDataString(tracker));
        return text.ToString();
    }

    private static byte[] ParseHash(string text)
    {
        if (text.Length == 40) return Convert.FromHexString(text);
        if (text.Length == 32) return Base32(text);
        throw new FormatException($"the magnet info-hash \"{text}\" is neither 40 hex digits nor 32 base32 letters");
    }

    private static byte[] Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        byte[] result = new byte[20];
        int bits = 0, value = 0, index = 0;
        foreach (char c in text.ToUpperInvariant())
        {
            int digit = alphabet.IndexOf(c);
            if (digit < 0) throw new FormatException($"'{c}' is not a base32 letter");
            value = (value << 5) | digit;
            bits += 5;
            if (bits >= 8) { result[index++] = (byte)(value >> (bits - 8)); bits -= 8; }
        }
        return result;
    }
}
