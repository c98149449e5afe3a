using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Plugins;

/// <summary>
/// Watches the plugin folder and reports, debounced, which plugin subfolder changed (a file in it
/// was written, created, renamed or deleted, or the subfolder itself appeared).
/// </summary>
internal sealed class PluginFolderWatcher : IDisposable
{
    private readonly string _root;
    private readonly FileSystemWatcher _watcher;
    private readonly Debouncer<string> _debouncer;

    public PluginFolderWatcher(string root, TimeSpan delay, Action<string> changed)
    {
        _root = Path.GetFullPath(root);
        _debouncer = new Debouncer<string>(delay, changed);
        _watcher = new FileSystemWatcher(_root)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            InternalBufferSize = 64 * 1024,
        };
        _watcher.Changed += OnEvent;
        _watcher.Created += OnEvent;
        _watcher.Deleted += OnEvent;
        _watcher.Renamed += (_, e) => { Report(e.OldFullPath); Report(e.FullPath); };
        // Too many events at once (the buffer overflowed): some change was lost, so reload every plugin.
        _watcher.Error += (_, _) =>
        {
            foreach (var folder in Directory.Exists(_root) ? Directory.GetDirectories(_root) : [])
                Report(folder);
        };
        _watcher.EnableRaisingEvents = true;
    }

    private void OnEvent(object sender, FileSystemEventArgs e) => Report(e.FullPath);

    private void Report(string path)
    {
        var relative = Path.GetRelativePath(_root, path);
        if (relative.StartsWith("..", StringComparison.Ordinal) || relative == ".") return;
        var first = relative.Split(Path.DirectorySeparatorChar, 2)[0];
        _debouncer.Trigger(Path.Combine(_root, first));
    }

    public void Dispose()
    {
        _watcher.EnableRaisingEvents = false;
        _watcher.Dispose();
        _debouncer.Dispose();
    }
}
