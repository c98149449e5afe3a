using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Plugins;

/// <summary>
/// Copies a reloadable plugin's native libraries to a private temporary folder before loading them,
/// so the originals can be overwritten while the plugin runs; the folder is deleted on unload.
/// </summary>
internal sealed class NativeShadowCopies(string pluginId)
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mooddj-native", $"{pluginId}-{Guid.NewGuid():N}");
    private readonly Lock _gate = new();

    public string Folder => _folder;

    public string CopyOf(string path)
    {
        lock (_gate)
        {
            Directory.CreateDirectory(_folder);
            var copy = Path.Combine(_folder, Path.GetFileName(path));
            if (!File.Exists(copy))
                File.Copy(path, copy);
            return copy;
        }
    }

    public void Delete()
    {
        lock (_gate)
        {
            try
            {
                if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp folder left behind is harmless.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
