using Microsoft.Win32.SafeHandles;

namespace MoodDJ.Media.Srtp;

/// <summary>An OpenSSL <c>EVP_CIPHER_CTX*</c>, freed when released.</summary>
internal sealed class SafeCipherContextHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    public static SafeCipherContextHandle Create()
    {
        var handle = new SafeCipherContextHandle();
        handle.SetHandle(LibCrypto.EVP_CIPHER_CTX_new());
        if (handle.IsInvalid) throw LibCrypto.Failure("EVP_CIPHER_CTX_new");
        return handle;
    }

    protected override bool ReleaseHandle()
    {
        LibCrypto.EVP_CIPHER_CTX_free(handle);
        return true;
    }
}
