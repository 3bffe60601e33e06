namespace Glm4vSK.Agents.Tests.Web;

/// <summary>The test site: a form page with a counter button, a text field, a password field and a tall body; a second page.</summary>
public static class WebTestPages
{
    public const string Index = """
        <!DOCTYPE html><html><head><meta charset="utf-8"><title>Shop</title>
        <style>body{margin:0;font:16px sans-serif} #count{position:absolute;left:100px;top:100px;width:160px;height:40px}
        #name{position:absolute;left:100px;top:200px;width:300px;height:30px} #pw{position:absolute;left:100px;top:260px;width:300px;height:30px}
        #next{position:absolute;left:100px;top:320px} #hidden{display:none} #tall{height:3000px}
        #deep{position:absolute;left:100px;top:1100px;width:160px;height:40px}</style></head>
        <body>
        <button id="count" onclick="window.clicks=(window.clicks||0)+1;this.textContent='Clicked '+window.clicks">Add to cart</button>
        <form id="f" onsubmit="event.preventDefault();window.submitted=document.getElementById('name').value;document.getElementById('status').textContent='Searched: '+window.submitted">
          <input id="name" type="text" placeholder="Search products">
          <input id="pw" type="password" placeholder="Password">
          <button id="go" type="submit" style="position:absolute;left:420px;top:200px">Search</button>
        </form>
        <a id="next" href="/second">Second page</a>
        <button id="hidden">Invisible</button>
        <p id="status" style="position:absolute;left:500px;top:100px"></p>
        <button id="deep" onclick="window.deep=true">Deep button</button>
        <div id="tall"></div>
        </body></html>
        """;

    public const string Second = """
        <!DOCTYPE html><html><head><meta charset="utf-8"><title>Second</title></head>
        <body><h1>Second page</h1><p>The price is 39.90</p><a href="https://example.com/">Outside</a></body></html>
        """;

    public static Dictionary<string, string> All() => new() { ["/"] = Index, ["/second"] = Second };
}
