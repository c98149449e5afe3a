namespace MoodDJ.Media;

/// <summary>
/// An RFC 4568 <c>a=crypto</c> line: <c>a=crypto:TAG SUITE inline:KEY||...</c>. <see cref="KeyParams"/>
/// is the base64 master key and salt (for AES_CM_128_HMAC_SHA1_80: 16 + 14 bytes, 40 characters);
/// optional lifetime/MKI suffixes after '|' are kept as written.
/// </summary>
public sealed record SdpCrypto(int Tag, string Suite, string KeyParams)
{
    public const string AesCm128HmacSha1_80 = "AES_CM_128_HMAC_SHA1_80";

    public override string ToString() => $"{Tag} {Suite} inline:{KeyParams}";

    /// <summary>The base64 key and salt without any |lifetime|MKI suffix.</summary>
    public string InlineKey => KeyParams.Split('|')[0];

    public static bool TryParse(string value, out SdpCrypto? crypto, out string error)
    {
        crypto = null;
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3)
        {
            error = $"a=crypto needs 'tag suite inline:key', got '{value}'.";
            return false;
        }
        if (!int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var tag) || tag < 0 || tag > 999_999_999)
        {
            error = $"a=crypto tag must be a number, got '{parts[0]}'.";
            return false;
        }
        if (!parts[2].StartsWith("inline:", StringComparison.Ordinal) || parts[2].Length == "inline:".Length)
        {
            error = $"a=crypto key must be 'inline:<base64>', got '{parts[2]}'.";
            return false;
        }
        crypto = new SdpCrypto(tag, parts[1], parts[2]["inline:".Length..]);
        error = "";
        return true;
    }
}
