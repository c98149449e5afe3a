using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace MoodDJ.Media.Srtp;

/// <summary>
/// The few OpenSSL 3 libcrypto functions SRTP calls directly: AES-128-CTR through EVP and the low-level
/// SHA-1 (for HMAC with precomputed pads). The BCL already loads this same library on Linux; calling it
/// directly skips .NET's per-call layers (SafeHandle, shim, ERR_clear_error), which cost more than the
/// crypto on short packets. <see cref="IsAvailable"/> is probed once; where it is false (Windows, macOS,
/// a Linux without OpenSSL 3) SRTP uses the managed path through the BCL.
/// </summary>
internal static unsafe partial class LibCrypto
{
    private const string Library = "libcrypto.so.3";

    private static readonly string[] Exports =
    [
        "EVP_CIPHER_CTX_new", "EVP_CIPHER_CTX_free", "EVP_aes_128_ctr", "EVP_EncryptInit_ex", "EVP_EncryptUpdate",
        "SHA1_Init", "SHA1_Update", "SHA1_Final", "SHA1_Transform", "ERR_get_error", "ERR_error_string_n", "ERR_clear_error",
    ];

    /// <summary>True when libcrypto.so.3 loads and exports everything this class calls.</summary>
    public static bool IsAvailable { get; } = Probe();

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad(Library, out var handle)) return false;
        foreach (var name in Exports)
            if (!NativeLibrary.TryGetExport(handle, name, out _)) return false;
        return true; // the handle stays loaded: the imports below bind to the same library
    }

    [LibraryImport(Library)] public static partial nint EVP_CIPHER_CTX_new();
    [LibraryImport(Library)] public static partial void EVP_CIPHER_CTX_free(nint ctx);
    [LibraryImport(Library)] public static partial nint EVP_aes_128_ctr();
    [LibraryImport(Library)] public static partial int EVP_EncryptInit_ex(nint ctx, nint cipher, nint engine, byte* key, byte* iv);
    [LibraryImport(Library)] public static partial int EVP_EncryptUpdate(nint ctx, byte* output, int* outputLength, byte* input, int inputLength);
    // ctx: a SHA_CTX, 23 32-bit words (sha.h; see OpenSslHmacSha1).
    [LibraryImport(Library)] public static partial int SHA1_Init(uint* ctx);
    [LibraryImport(Library)] public static partial int SHA1_Update(uint* ctx, byte* data, nuint length);
    [LibraryImport(Library)] public static partial int SHA1_Final(byte* digest, uint* ctx);
    [LibraryImport(Library)] public static partial void SHA1_Transform(uint* ctx, byte* block);
    [LibraryImport(Library)] private static partial nuint ERR_get_error();
    [LibraryImport(Library)] private static partial void ERR_error_string_n(nuint error, byte* buffer, nuint length);
    [LibraryImport(Library)] private static partial void ERR_clear_error();

    /// <summary>Throws when an OpenSSL call returned failure (anything but 1), with OpenSSL's own reason.</summary>
    public static void Check(int result, string call)
    {
        if (result != 1) throw Failure(call);
    }

    public static CryptographicException Failure(string call)
    {
        var code = ERR_get_error();
        ERR_clear_error(); // leave the thread's error queue empty for the BCL's next call
        if (code == 0) return new CryptographicException($"OpenSSL {call} failed (no reason in the error queue).");
        Span<byte> text = stackalloc byte[256];
        fixed (byte* p = text) ERR_error_string_n(code, p, (nuint)text.Length);
        var length = text.IndexOf((byte)0);
        return new CryptographicException($"OpenSSL {call} failed: {System.Text.Encoding.ASCII.GetString(text[..(length < 0 ? text.Length : length)])}");
    }
}
