using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MoodDJ.Plugins.OpusCodec;

/// <summary>
/// libopus through P/Invoke. Only "libopus.so.0" resolves on Debian (there is no dev symlink).
/// opus_encoder_ctl is variadic; fixed-argument bindings are sound on x64 Linux (System V ABI).
/// </summary>
internal static unsafe partial class OpusNative
{
    public const string Library = "libopus.so.0";

    public const int ApplicationAudio = 2049;
    public const int SetBitrateRequest = 4002;
    public const int SetComplexityRequest = 4010;
    public const int SetInbandFecRequest = 4012;
    public const int SetPacketLossPercRequest = 4014;
    public const int SetDtxRequest = 4016;
    public const int GetLookaheadRequest = 4027;
    public const int Ok = 0;

    [LibraryImport(Library)]
    public static partial OpusEncoderHandle opus_encoder_create(int sampleRate, int channels, int application, out int error);

    [LibraryImport(Library)]
    public static partial void opus_encoder_destroy(IntPtr encoder);

    [LibraryImport(Library)]
    public static partial int opus_encode_float(OpusEncoderHandle encoder, float* pcm, int frameSize, byte* data, int maxDataBytes);

    [LibraryImport(Library, EntryPoint = "opus_encoder_ctl")]
    public static partial int opus_encoder_ctl_set(OpusEncoderHandle encoder, int request, int value);

    [LibraryImport(Library, EntryPoint = "opus_encoder_ctl")]
    public static partial int opus_encoder_ctl_get(OpusEncoderHandle encoder, int request, int* value);

    [LibraryImport(Library)]
    public static partial OpusDecoderHandle opus_decoder_create(int sampleRate, int channels, out int error);

    [LibraryImport(Library)]
    public static partial void opus_decoder_destroy(IntPtr decoder);

    [LibraryImport(Library)]
    public static partial int opus_decode_float(OpusDecoderHandle decoder, byte* data, int length, float* pcm, int frameSize, int decodeFec);

    [LibraryImport(Library)]
    private static partial IntPtr opus_strerror(int error);

    [LibraryImport(Library)]
    private static partial IntPtr opus_get_version_string();

    public static string ErrorText(int error) => $"{Marshal.PtrToStringUTF8(opus_strerror(error))} ({error})";

    public static string Version => Marshal.PtrToStringUTF8(opus_get_version_string()) ?? "libopus";
}

internal sealed class OpusEncoderHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle()
    {
        OpusNative.opus_encoder_destroy(handle);
        return true;
    }
}

internal sealed class OpusDecoderHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle()
    {
        OpusNative.opus_decoder_destroy(handle);
        return true;
    }
}
