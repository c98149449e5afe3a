namespace MoodDJ.Media.Srtp;

/// <summary>Which implementation of AES-CM and HMAC-SHA1 an SRTP context uses.</summary>
internal enum SrtpCryptoBackend
{
    /// <summary>OpenSSL's libcrypto called directly (<see cref="LibCrypto"/>).</summary>
    Native,

    /// <summary>The BCL's Aes and IncrementalHash: everywhere, but several layers per call.</summary>
    Managed,
}

internal static class SrtpCrypto
{
    /// <summary>Chosen once per process: native where libcrypto.so.3 loads, else managed.</summary>
    public static SrtpCryptoBackend Default { get; } = LibCrypto.IsAvailable ? SrtpCryptoBackend.Native : SrtpCryptoBackend.Managed;
}
