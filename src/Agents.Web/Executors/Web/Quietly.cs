using Microsoft.Playwright;

namespace Glm4vSK.Agents.Web;

/// <summary>Clean-up calls whose failure only means that the page or browser is already gone.</summary>
internal static class Quietly
{
    /// <summary>Awaits <paramref name="task"/>, ignoring a closed page, context or browser.</summary>
    internal static async Task AwaitAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (PlaywrightException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
