namespace MoodDJ.TestLib;

/// <summary>Says which build of the library is running (a property, so callers cannot inline it).</summary>
public static class LibInfo
{
#if LIB_V2
    public static string Name => "lib-v2";
#else
    public static string Name => "lib-v1";
#endif

    public static string AssemblyVersion => typeof(LibInfo).Assembly.GetName().Version!.ToString();
}
