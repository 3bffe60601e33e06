namespace Glm4vSK.Agents.Tests.Web;

/// <summary>
/// The pages of <see cref="WebSensitiveFieldTests"/>: a checkout page with a same-origin login iframe (which holds a
/// further iframe whose password field sits in a shadow root), a sandboxed (opaque-origin, so cross-origin) iframe,
/// and card / one-time-code fields marked only by their <c>autocomplete</c> tokens. Frames have borders and padding,
/// so a hit test that ignores the frame offset misses.
/// </summary>
public static class SensitiveFieldPages
{
    public const string Checkout = """
        <!doctype html><html><head><meta charset="utf-8"><title>Checkout</title>
        <style>body{margin:0;font:16px sans-serif} iframe,input{position:absolute;box-sizing:border-box}
        iframe{border:3px solid #444;padding:5px} input{left:20px;width:200px;height:28px}</style></head><body>
        <iframe id="login" src="/sensitive/login" style="left:20px;top:20px;width:420px;height:260px"></iframe>
        <iframe id="sealed" sandbox="allow-forms" style="left:480px;top:20px;width:300px;height:130px"
          srcdoc="<input id=secret type=password placeholder=Secret style='position:absolute;left:10px;top:10px;width:200px;height:28px'><input id=query placeholder=Query style='position:absolute;left:10px;top:60px;width:200px;height:28px'>"></iframe>
        <input id="name" placeholder="Your name" style="top:320px">
        <input id="card" autocomplete="cc-number" inputmode="numeric" placeholder="Card number" style="top:360px">
        <input id="csc" autocomplete="cc-csc" placeholder="Security code" style="top:400px">
        <input id="exp" autocomplete="billing cc-exp" placeholder="Expiry" style="top:440px">
        <input id="holder" autocomplete="cc-name" placeholder="Name on card" style="top:480px">
        <input id="otp" autocomplete="one-time-code" placeholder="Code from SMS" style="top:520px">
        <input id="newpw" autocomplete="new-password" placeholder="Choose a password" style="top:560px">
        </body></html>
        """;

    public const string Login = """
        <!doctype html><html><head><meta charset="utf-8"><title>Login</title></head>
        <body style="margin:0;font:16px sans-serif">
        <input id="user" placeholder="User name" style="position:absolute;left:10px;top:10px;width:200px;height:28px">
        <input id="pw" type="password" placeholder="Password" style="position:absolute;left:10px;top:50px;width:200px;height:28px">
        <iframe id="inner" src="/sensitive/inner" style="position:absolute;left:10px;top:100px;width:380px;height:120px;border:2px solid #888"></iframe>
        </body></html>
        """;

    public const string Inner = """
        <!doctype html><html><head><meta charset="utf-8"><title>Inner</title></head>
        <body style="margin:0;font:16px sans-serif"><div id="host" style="position:absolute;left:10px;top:10px"></div>
        <script>document.getElementById('host').attachShadow({ mode: 'open' }).innerHTML =
          '<input id="pin" type="password" placeholder="PIN" style="width:150px;height:28px"> <input id="note" placeholder="Note" style="width:150px;height:28px">';</script>
        </body></html>
        """;

    public static Dictionary<string, string> All() => new()
    {
        ["/sensitive"] = Checkout,
        ["/sensitive/login"] = Login,
        ["/sensitive/inner"] = Inner,
    };
}
