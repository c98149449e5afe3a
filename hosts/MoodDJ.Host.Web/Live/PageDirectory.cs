using System.Collections.Concurrent;

namespace MoodDJ.Host.Web.Live;

/// <summary>The open pages by their id, so a page's other sockets (its audio) can find its room session.</summary>
public sealed class PageDirectory
{
    private readonly ConcurrentDictionary<string, PageConnection> _pages = new(StringComparer.Ordinal);

    public void Add(PageConnection page) => _pages[page.Id] = page;

    public void Remove(PageConnection page) => _pages.TryRemove(new KeyValuePair<string, PageConnection>(page.Id, page));

    public PageConnection? Find(string? id) => id is not null && _pages.TryGetValue(id, out var page) ? page : null;
}
