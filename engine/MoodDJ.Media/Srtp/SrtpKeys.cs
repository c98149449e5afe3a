using System.Security.Cryptography;
using MoodDJ.Abstractions.Crypto;

namespace MoodDJ.Media.Srtp;

/// <summary>
/// An SRTP master key (16 bytes) and master salt (14 bytes) for AES_CM_128_HMAC_SHA1_80. In SDP
/// (RFC 4568) they travel as <c>a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:&lt;base64(key ‖ salt)&gt;</c>,
/// the same string ffmpeg's <c>-srtp_out_params</c> takes.
/// </summary>
public sealed class SrtpKeys
{
    public const int MasterKeyLength = 16;
    public const int MasterSaltLength = 14;
    public const int Length = MasterKeyLength + MasterSaltLength;

    /// <summary>The exporter label both ends of a control session use for the stream's keys.</summary>
    public const string ExporterLabel = "MoodDJ SRTP";

    /// <summary>The RFC 4568 crypto-suite name these keys are for.</summary>
    public const string Suite = "AES_CM_128_HMAC_SHA1_80";

    private readonly byte[] _material;

    private SrtpKeys(byte[] material) => _material = material;

    public ReadOnlySpan<byte> MasterKey => _material.AsSpan(0, MasterKeyLength);

    public ReadOnlySpan<byte> MasterSalt => _material.AsSpan(MasterKeyLength, MasterSaltLength);

    public static SrtpKeys Create(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        if (masterKey.Length != MasterKeyLength)
            throw new ArgumentException($"An SRTP master key is {MasterKeyLength} bytes, not {masterKey.Length}.", nameof(masterKey));
        if (masterSalt.Length != MasterSaltLength)
            throw new ArgumentException($"An SRTP master salt is {MasterSaltLength} bytes, not {masterSalt.Length}.", nameof(masterSalt));
        var material = new byte[Length];
        masterKey.CopyTo(material);
        masterSalt.CopyTo(material.AsSpan(MasterKeyLength));
        return new SrtpKeys(material);
    }

    /// <summary>Fresh random keys (for a stream not tied to a control session, e.g. a test).</summary>
    public static SrtpKeys Generate() => new(RandomNumberGenerator.GetBytes(Length));

    /// <summary>
    /// The keys both ends of <paramref name="channel"/> derive identically:
    /// <c>ExportKeyingMaterial("MoodDJ SRTP", 30)</c> split into key ‖ salt.
    /// </summary>
    public static SrtpKeys Derive(ISecureChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (!channel.IsEncrypted)
            throw new NotSupportedException("The control channel is not encrypted (crypto \"none\"), so there are no SRTP keys: stream plain RTP instead.");
        var material = channel.ExportKeyingMaterial(ExporterLabel, Length);
        if (material.Length != Length)
            throw new InvalidOperationException($"The crypto provider exported {material.Length} bytes of keying material; SRTP needs {Length}.");
        return new SrtpKeys(material);
    }

    /// <summary>base64(key ‖ salt): the inline key of an SDP a=crypto line and of ffmpeg's -srtp_out_params.</summary>
    public string ToInlineBase64() => Convert.ToBase64String(_material);

    /// <summary>Parses the inline key of an a=crypto line (40 base64 characters; "|lifetime|MKI" parameters are ignored).</summary>
    public static SrtpKeys FromInlineBase64(string inline)
    {
        ArgumentNullException.ThrowIfNull(inline);
        var text = inline.Trim();
        if (text.StartsWith("inline:", StringComparison.OrdinalIgnoreCase)) text = text[7..];
        var bar = text.IndexOf('|');
        if (bar >= 0) text = text[..bar];
        byte[] material;
        try
        {
            material = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new FormatException($"The SRTP inline key '{inline}' is not base64.");
        }
        if (material.Length != Length)
            throw new FormatException($"The SRTP inline key decodes to {material.Length} bytes; {Suite} needs {Length} (16-byte key + 14-byte salt).");
        return new SrtpKeys(material);
    }

    /// <summary>The SDP attribute for these keys (RFC 4568), e.g. <c>a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:…</c>.</summary>
    public string ToSdpCryptoAttribute(int tag = 1) => $"a=crypto:{tag} {Suite} inline:{ToInlineBase64()}";

    public override string ToString() => $"SrtpKeys({Suite}, key hidden)";
}
