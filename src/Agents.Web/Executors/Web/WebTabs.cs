using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Glm4vSK.Agents.Web;

/// <summary>
/// The pages an executor drives: the first one, then each tab a page opens (<c>window.open</c>), which becomes the
/// current page once the action that opened it has settled.
/// </summary>
internal sealed class WebTabs
{
    private readonly ConcurrentQueue<IPage> _popups = new();
    private readonly List<IPage> _pages = [];
    private readonly object _gate = new();

    public WebTabs(IPage first) => Adopt(first);

    /// <summary>The newest page that is still open (the last one when all are closed).</summary>
    public IPage Current
    {
        get
        {
            lock (_gate)
            {
                for (int i = _pages.Count - 1; i >= 0; i--)
                    if (!_pages[i].IsClosed) return _pages[i];
                return _pages[^1];
            }
        }
    }

    /// <summary>Makes the newest tab opened since the last call the current page, or returns <see langword="null"/>.</summary>
    public IPage? SwitchToPopup()
    {
        IPage? newest = null;
        while (_popups.TryDequeue(out var popup))
            if (!popup.IsClosed) newest = popup;
        if (newest is not null) Adopt(newest);
        return newest;
    }

    /// <summary>Stops following pop-ups and returns every page this executor drove.</summary>
    public IPage[] Detach()
    {
        IPage[] pages;
        lock (_gate) pages = [.. _pages];
        foreach (var page in pages) page.Popup -= OnPopup;
        return pages;
    }

    private void Adopt(IPage page)
    {
        lock (_gate) _pages.Add(page);
        page.Popup += OnPopup;
    }

    private void OnPopup(object? sender, IPage popup) => _popups.Enqueue(popup);
}
