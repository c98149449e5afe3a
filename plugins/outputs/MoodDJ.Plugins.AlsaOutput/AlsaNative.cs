using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Microsoft.Win32.SafeHandles;

namespace MoodDJ.Plugins.AlsaOutput;

/// <summary>The few alsa-lib calls playback needs, through P/Invoke to "libasound.so.2".</summary>
internal static unsafe partial class AlsaNative
{
    public const string Library = "libasound.so.2";

    public const int StreamPlayback = 0;
    public const int ModeNonBlocking = 1;
    public const int FormatS16LittleEndian = 2;
    public const int AccessReadWriteInterleaved = 3;
    public const int ENOENT = 2;
    public const int EAGAIN = 11;

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int snd_pcm_open(out AlsaPcmHandle pcm, string name, int stream, int mode);

    [LibraryImport(Library)]
    public static partial int snd_pcm_set_params(AlsaPcmHandle pcm, int format, int access, uint channels, uint rate, int softResample, uint latencyMicroseconds);

    [LibraryImport(Library)]
    public static partial nint snd_pcm_writei(AlsaPcmHandle pcm, void* buffer, nuint frames);

    [LibraryImport(Library)]
    public static partial int snd_pcm_recover(AlsaPcmHandle pcm, int error, int silent);

    [LibraryImport(Library)]
    public static partial int snd_pcm_nonblock(AlsaPcmHandle pcm, int nonblock);

    [LibraryImport(Library)]
    public static partial int snd_pcm_drain(AlsaPcmHandle pcm);

    [LibraryImport(Library)]
    public static partial int snd_pcm_drop(AlsaPcmHandle pcm);

    [LibraryImport(Library)]
    public static partial int snd_pcm_prepare(AlsaPcmHandle pcm);

    [LibraryImport(Library)]
    public static partial int snd_pcm_close(IntPtr pcm);

    [LibraryImport(Library)]
    private static partial IntPtr snd_strerror(int error);

    [LibraryImport(Library)]
    private static partial int snd_lib_error_set_handler(delegate* unmanaged<byte*, int, byte*, int, byte*, void> handler);

    public static string ErrorText(int error) => Marshal.PtrToStringUTF8(snd_strerror(error)) ?? $"error {error}";

    private static int _quiet;

    /// <summary>
    /// alsa-lib prints its own complaints to stderr (e.g. "Unknown PCM default"); our exceptions say it
    /// better, so install a handler that drops them. The C handler is variadic; a callee that ignores the
    /// variadic tail is sound on the System V x64 ABI.
    /// </summary>
    public static void SilenceErrorOutput()
    {
        if (Interlocked.Exchange(ref _quiet, 1) != 0) return;
        snd_lib_error_set_handler(&IgnoreError);
        // The handler is process-wide in alsa-lib but lives in this plugin's code: when hot reload
        // unloads the plugin, put alsa-lib's own handler back so it never calls into freed code.
        if (AssemblyLoadContext.GetLoadContext(typeof(AlsaNative).Assembly) is { IsCollectible: true } context)
            context.Unloading += _ => snd_lib_error_set_handler(null);
    }

    [UnmanagedCallersOnly]
    private static void IgnoreError(byte* file, int line, byte* function, int error, byte* format)
    {
    }
}

/// <summary>An open snd_pcm_t, closed when released.</summary>
internal sealed class AlsaPcmHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => AlsaNative.snd_pcm_close(handle) == 0;
}
