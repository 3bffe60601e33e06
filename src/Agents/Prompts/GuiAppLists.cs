namespace Glm4vSK.Agents.Prompts;

/// <summary>
/// The default app names of the GLM-V mobile prompts (<c>open_app</c>'s supported <c>app_name</c>s): the apps of the
/// AndroidWorld benchmark the recipes were written for. Pass your device's own names through
/// <see cref="GuiPromptContext.Apps"/> (or <c>GuiAgentOptions.Apps</c>) for anything else.
/// </summary>
public static class GuiAppLists
{
    /// <summary>The 56 names GLM-4.1V's mobile recipe lists.</summary>
    public static IReadOnlyList<string> Glm41VMobile { get; } =
    [
        "Google Chrome", "Google Chat", "Settings", "YouTube", "Google Play", "Gmail", "Google Maps", "Google Photos",
        "Google Calendar", "Camera", "Audio Recorder", "Google Drive", "Google Keep", "Grubhub", "Tripadvisor",
        "Starbucks", "Google Docs", "Google Sheets", "Google Slides", "Clock", "Google Search", "Contacts", "Facebook",
        "WhatsApp", "Instagram", "Twitter", "Snapchat", "Telegram", "LinkedIn", "Spotify", "Netflix",
        "Amazon Shopping", "TikTok", "Discord", "Reddit", "Pinterest", "Android World", "Files", "Markor", "Clipper",
        "Messages", "Simple SMS Messenger", "Dialer", "Simple Calendar Pro", "Simple Gallery Pro", "Miniwob",
        "Simple Draw Pro", "Pro Expense", "Broccoli", "CAA", "OsmAnd", "Tasks", "Open Tracks Sports Tracker", "Joplin",
        "VLC", "Retro Music",
    ];

    /// <summary>The shorter list GLM-4.5V's mobile recipe uses (the AndroidWorld apps proper; 20 names in its code).</summary>
    public static IReadOnlyList<string> Glm45VMobile { get; } =
    [
        "Google Chrome", "Settings", "Camera", "Audio Recorder", "Clock", "Contacts", "Files", "Markor",
        "Simple SMS Messenger", "Simple Calendar Pro", "Simple Gallery Pro", "Simple Draw Pro", "Pro Expense",
        "Broccoli", "OsmAnd", "Tasks", "Open Tracks Sports Tracker", "Joplin", "VLC", "Retro Music",
    ];

    /// <summary>The names joined the way the prompts list them: with <c>,</c> and no spaces.</summary>
    public static string Join(IEnumerable<string> apps)
    {
        ArgumentNullException.ThrowIfNull(apps);
        var list = apps.ToList();
        if (list.Any(string.IsNullOrWhiteSpace)) throw new ArgumentException("An app name is null or blank.", nameof(apps));
        return string.Join(",", list.Select(a => a.Trim()));
    }
}
