using Glm4vSK.Agents.Web;
namespace Glm4vSK.Agents.Tests.Web;

/// <summary>The pages of <see cref="PlaywrightWebExecutorPageTests"/> (absolute positions, so the geometry is known).</summary>
public static class ExecutorTestPages
{
    /// <summary>
    /// The main page: a counter button, a text input in a form (Enter submits), a password input, a link to the
    /// second page, a scrollable box with a button inside, a link to another site, a select, a hidden button and
    /// a button far below the fold (the page is 3000 px tall).
    /// </summary>
    public const string Main = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>Agent test page</title>
        <style>
          body { margin: 0; font: 16px sans-serif; height: 3000px; position: relative; }
          h1 { position: absolute; left: 20px; top: 0; margin: 0; font-size: 20px; }
          #inc { position: absolute; left: 100px; top: 60px; width: 160px; height: 40px; }
          #count { position: absolute; left: 300px; top: 70px; }
          #name { position: absolute; left: 100px; top: 140px; width: 240px; height: 28px; }
          #pass { position: absolute; left: 100px; top: 200px; width: 240px; height: 28px; }
          #next { position: absolute; left: 100px; top: 260px; }
          #area { position: absolute; left: 500px; top: 60px; width: 300px; height: 200px; overflow: auto; border: 1px solid #888; }
          #area .filler { height: 2000px; }
          #inner { position: absolute; left: 20px; top: 20px; }
          #external { position: absolute; left: 100px; top: 320px; }
          #colour { position: absolute; left: 100px; top: 380px; }
          #hidden { position: absolute; left: 600px; top: 400px; display: none; }
          #below { position: absolute; left: 100px; top: 2500px; }
        </style></head>
        <body>
          <h1>Agent test page</h1>
          <button id="inc" onclick="document.getElementById('count').textContent = String(Number(document.getElementById('count').textContent) + 1)">Increment</button>
          <span id="count">0</span>
          <form id="form" onsubmit="event.preventDefault(); window.submitted = (window.submitted || 0) + 1; window.submittedValue = document.getElementById('name').value;">
            <input id="name" type="text" placeholder="Your name" value="old text"
                   onkeydown="if (event.key === 'Enter') window.enterPressed = (window.enterPressed || 0) + 1;">
          </form>
          <input id="pass" type="password" placeholder="Password">
          <a id="next" href="/executor/second">Go to the second page</a>
          <div id="area"><div class="filler"></div><button id="inner">Inner button</button></div>
          <a id="external" href="https://example.com/">Example site</a>
          <select id="colour"><option>Red</option><option>Green</option><option>Blue</option></select>
          <button id="hidden">Hidden button</button>
          <button id="below">Far below</button>
        </body></html>
        """;

    /// <summary>The second page: a heading and a link home.</summary>
    public const string Second = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>Second page</title></head>
        <body style="margin:0;font:16px sans-serif">
          <h1 id="title" style="margin:8px">Second page</h1>
          <a id="home" href="/executor" style="position:absolute;left:100px;top:100px">Back home</a>
        </body></html>
        """;

    /// <summary>A stand-in search page for the allowed-search test.</summary>
    public const string Search = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>Local search</title></head>
        <body><input id="q" aria-label="Search the web" style="position:absolute;left:100px;top:100px;width:300px"></body></html>
        """;

    /// <summary>
    /// A 400×300 pad at (100, 100) that records its pointer events in <c>window.events</c> as <c>type:button</c>, and
    /// counts moves with the left button held in <c>window.dragMoves</c> (for the gestures of the coordinate protocols).
    /// </summary>
    public const string Gestures = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>Gestures</title></head>
        <body style="margin:0;font:16px sans-serif">
          <div id="pad" style="position:absolute;left:100px;top:100px;width:400px;height:300px;background:#eee"></div>
          <script>
            window.events = [];
            window.dragMoves = 0;
            const pad = document.getElementById('pad');
            for (const t of ['mouseenter', 'mousedown', 'mouseup', 'click', 'dblclick', 'contextmenu', 'auxclick'])
              pad.addEventListener(t, e => { events.push(t + ':' + e.button); if (t === 'contextmenu') e.preventDefault(); });
            pad.addEventListener('mousemove', e => { if (e.buttons & 1) window.dragMoves++; });
          </script>
        </body></html>
        """;

    /// <summary>The pages by path (served beside <see cref="WebTestPages"/>' by <see cref="BrowserFixture"/>).</summary>
    public static Dictionary<string, string> All() => new()
    {
        ["/executor"] = Main,
        ["/executor/second"] = Second,
        ["/executor/search"] = Search,
        ["/executor/gestures"] = Gestures,
    };
}
