namespace MoodDJ.Host.Console.Stations;

/// <summary>
/// The user's MoodDJ folder (XDG: $XDG_CONFIG_HOME/mooddj, else ~/.config/mooddj) where the
/// station key and the joined stations are kept. Secrets are written owner-only (0600).
/// </summary>
internal sealed class UserConfigFolder(string path)
{
    public string Path { get; } = path;

    public static UserConfigFolder Default()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        var root = !string.IsNullOrWhiteSpace(xdg) && System.IO.Path.IsPathRooted(xdg)
            ? xdg
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return new UserConfigFolder(System.IO.Path.Combine(root, "mooddj"));
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string? ReadText(string name)
    {
        var file = File(name);
        return System.IO.File.Exists(file) ? System.IO.File.ReadAllText(file) : null;
    }

    /// <summary>Writes <paramref name="name"/> readable by the owner only, replacing it atomically.</summary>
    public void WriteSecret(string name, string text)
    {
        if (!OperatingSystem.IsWindows())
            Directory.CreateDirectory(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        else
            Directory.CreateDirectory(Path);
        var target = File(name);
        var temp = target + "." + Environment.ProcessId + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(text);
        System.IO.File.Move(temp, target, overwrite: true);
    }
}
