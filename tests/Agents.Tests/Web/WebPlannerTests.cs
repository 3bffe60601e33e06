using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Screens;
using Glm4vSK.Agents.Web;
using Glm4vSK.Formats.Gui;
using static Glm4vSK.Agents.Tests.Web.WebActions;

namespace Glm4vSK.Agents.Tests.Web;

/// <summary>
/// What the web executor plans for each action, without a browser: realistic answers of every protocol go through
/// the real parsers (<see cref="GuiActionParsers"/>), and the plan's step (target in viewport pixels, gesture, keys,
/// scroll sign and amount, URL, wording) or its refusal is checked.
/// </summary>
public sealed class WebPlannerTests
{
    /// <summary>The viewport and, unless a test says otherwise, the screenshot size.</summary>
    private const int W = 1000, H = 700;

    private static readonly Uri Search = new("http://127.0.0.1:8080/search");

    /// <summary>[0] a button centred at (200, 70), [1] a password field at (250, 215), [2] a text field at (450, 315), [3] a select.</summary>
    private static readonly GuiElement[] Elements =
    [
        new(0, "button", "Add to cart", new PixelRect(100, 50, 200, 40)),
        new(1, "input", "Password", new PixelRect(100, 200, 300, 30), "password"),
        new(2, "input", "Search products", new PixelRect(300, 300, 300, 30), "text"),
        new(3, "select", "Red", new PixelRect(600, 400, 100, 20)),
    ];

    private static GuiObservation Observation(int width = W, int height = H, IReadOnlyList<GuiElement>? elements = null) =>
        new(new Screenshot(new byte[] { 1 }, "image/png", width, height)) { Elements = elements ?? Elements };

    private static WebPlan Plan(GuiAction action, GuiObservation? observation = null, WebExecutorOptions? options = null,
        Func<Uri, bool>? allowed = null, (int, int)? viewport = null) =>
        new WebPlanner(options ?? new WebExecutorOptions { SearchUrl = Search }, allowed ?? (_ => false))
            .Plan(action, observation ?? Observation(), viewport ?? (W, H));

    private static T Step<T>(WebPlan plan) where T : WebStep
    {
        Assert.Null(plan.Failure);
        return Assert.IsType<T>(plan.Step);
    }

    private static string Refusal(WebPlan plan)
    {
        Assert.Null(plan.Step);
        Assert.NotNull(plan.Failure);
        return plan.Failure;
    }

    [Fact]
    public void Web_Click_acts_at_the_centre_of_the_labelled_element_and_settles()
    {
        foreach (string text in (string[])["Click [0]", "Click 0"])
        {
            var plan = Plan(WebAction(text));
            var click = Step<PointerAt>(plan);
            Assert.True(plan.Settle);
            Assert.Equal(new WebPoint(200, 70), click.Target.At);
            Assert.Equal(WebGesture.Click, click.Gesture);
            Assert.True(click.Retarget, "a click opens new-tab links in this tab");
            Assert.Equal("clicked", click.Verb);
            Assert.Equal("[0] <button> \"Add to cart\" at (200, 70)", click.Target.Describe(null));
        }
    }

    [Fact]
    public void A_label_is_scaled_from_the_screenshot_to_the_viewport()
    {
        // The model saw a half-size screenshot: its element bounds are in those pixels.
        GuiElement[] half = [new(0, "a", "Next", new PixelRect(50, 25, 100, 20))];
        var click = Step<PointerAt>(Plan(WebAction("Click [0]"), Observation(W / 2, H / 2, half)));
        Assert.Equal(new WebPoint(200, 70), click.Target.At);
    }

    [Fact]
    public void An_unknown_label_is_refused_naming_the_labels_there_are()
    {
        foreach (string text in (string[])["Click [99]", "Type [99]; [hello]", "Scroll [99]; [down]"])
            Assert.Equal("there is no element [99] (the labels on the screenshot are 0 to 3)", Refusal(Plan(WebAction(text))));
        Assert.Equal("there is no element [0] (the screenshot has no labelled elements)", Refusal(Plan(WebAction("Click [0]"), Observation(elements: []))));
    }

    [Fact]
    public void Web_Type_clicks_the_label_replaces_the_text_and_presses_Enter()
    {
        var plan = Plan(WebAction("Type [2]; [red shoes]"));
        var type = Step<TypeInto>(plan);
        Assert.True(plan.Settle);
        Assert.Equal(new WebTarget(new WebPoint(450, 315), "[2] <input> \"Search products\""), type.Target);
        Assert.Equal(("red shoes", true, true, false), (type.Text, type.Clear, type.Enter, type.SeenAsPassword));
        // What the model saw as a password field stays sensitive even if the page changed since.
        Assert.True(Step<TypeInto>(Plan(WebAction("Type [1]; [hunter2]"))).SeenAsPassword);
    }

    [Fact]
    public void Typing_without_a_target_goes_to_the_focus_and_each_protocol_keeps_its_clear_and_Enter_rule()
    {
        var pc = Step<TypeInto>(Plan(PcAction("type(content='abc')")));
        Assert.Null(pc.Target);
        Assert.Equal(("abc", false, false), (pc.Text, pc.Clear, pc.Enter));
        var autoGlm = Step<TypeInto>(Plan(AutoGlmAction("do(action=\"Type\", text=\"北京 天气\")")));
        Assert.Null(autoGlm.Target);
        Assert.Equal(("北京 天气", true, false), (autoGlm.Text, autoGlm.Clear, autoGlm.Enter));
        // Mobile input_text names the field's box: clicked first (its centre), cleared only with override=True, Enter after.
        var mobile = Step<TypeInto>(Plan(MobileAction("{\"action_type\": \"input_text\", \"text\": \"hi\", \"box_2d\": [[100,100,300,200]]}")));
        Assert.Equal((new WebTarget(new WebPoint(200, 105)), false, true), (mobile.Target, mobile.Clear, mobile.Enter));
        Assert.True(Step<TypeInto>(Plan(MobileAction("{\"action_type\": \"input_text\", \"text\": \"hi\", \"box_2d\": [[100,100,300,200]], \"override\": true}"))).Clear);
    }

    [Fact]
    public void Typing_outcomes_never_echo_a_secret_and_say_where_the_keys_went()
    {
        var type = Step<TypeInto>(Plan(WebAction("Type [2]; [hunter2]")));
        var field = new SetOfMarks.ElementInfo("input", "text", "Search products", Editable: true, Secret: null, Select: false);
        Assert.Equal("typed \"hunter2\" into here (cleared first) and pressed Enter", type.Describe("here", secret: false, field));
        Assert.Equal("typed 7 characters into here (cleared first) and pressed Enter", type.Describe("here", secret: true, field));
        Assert.EndsWith("; nothing had focus, so the keys went to the page", type.Describe("here", false, null));
        Assert.EndsWith("; the focused element <div> is not a text field", type.Describe("here", false, field with { Tag = "div", InputType = null, Text = "", Editable = false }));
        Assert.EndsWith("; the focus is inside a frame the executor cannot inspect", type.Describe("here", true, field with { SealedFrame = "https://pay.example/" }));
    }

    [Fact]
    public void Web_Scroll_scrolls_the_window_or_the_box_around_a_label()
    {
        var window = Step<ScrollBox>(Plan(WebAction("Scroll [WINDOW]; [down]")));
        Assert.Null(window.Around);
        Assert.Null(window.Pixels);
        Assert.Equal((true, 1, "down"), (window.Down, window.Sign, window.Direction));
        var plan = Plan(WebAction("Scroll [2]; [up]"));
        var box = Step<ScrollBox>(plan);
        Assert.False(plan.Settle);
        Assert.Equal((new WebPoint(450, 315), "[2] <input> \"Search products\"", false, -1, "up"), (box.Around!.Value.At, box.Around.Value.Label, box.Down, box.Sign, box.Direction));
        Assert.Equal(240, Step<ScrollBox>(Plan(WebAction("Scroll [WINDOW]; [up]"), options: new WebExecutorOptions { ScrollPixels = 240 })).Pixels);
        // Only up and down scroll a page or a box.
        Assert.Equal("Scroll needs the direction up or down", Refusal(Plan(WebAction("Scroll [WINDOW]; [down]") with { Direction = GuiDirection.Left })));
    }

    [Fact]
    public void Scroll_outcomes_say_what_moved_or_why_nothing_did()
    {
        var window = Step<ScrollBox>(Plan(WebAction("Scroll [WINDOW]; [down]")));
        var box = Step<ScrollBox>(Plan(WebAction("Scroll [2]; [up]")));
        Assert.Equal(GuiActionOutcome.Success("scrolled the window down 467 px"), new ScrollReport(false, null, 466.6, 2000).Describe(window));
        Assert.Equal(GuiActionOutcome.Success("scrolled the scrollable <div> around [2] <input> \"Search products\" up 120 px"), new ScrollReport(true, "div", -120, 500).Describe(box));
        Assert.Equal(GuiActionOutcome.Failure("scrolled the window down, but it did not move (already at the bottom)"), new ScrollReport(false, null, 0, 900).Describe(window));
        Assert.Equal(GuiActionOutcome.Failure("scrolled the window ([2] <input> \"Search products\" has no scrollable area) up, but it did not move (already at the top)"),
            new ScrollReport(false, null, 0, 900).Describe(box));
        Assert.Equal(GuiActionOutcome.Failure("scrolled the window down, but it did not move (it cannot scroll)"), new ScrollReport(false, null, 0.2, 0).Describe(window));
    }

    [Fact]
    public void Keys_become_Playwright_presses_and_an_unknown_key_is_refused_by_name()
    {
        var plan = Plan(WebAction("Key; [Return]"));
        Assert.Equal(["Enter"], Step<PressKeys>(plan).Presses);
        Assert.True(plan.Settle);
        Assert.Equal(["Control+c"], Step<PressKeys>(Plan(PcAction("key(keys='ctrl+c')"))).Presses);
        Assert.Equal("pressed Control+Shift+t", Step<PressKeys>(Plan(PcAction("key(keys='ctrl+shift+t')"))).Description);
        Assert.Equal(["Enter"], Step<PressKeys>(Plan(MobileAction("{\"action_type\": \"keyboard_enter\"}"))).Presses);
        Assert.Contains("nosuchkey", Refusal(Plan(PcAction("key(keys='ctrl+nosuchkey')"))));
    }

    [Fact]
    public void Wait_takes_the_actions_duration_else_the_configured_default()
    {
        var options = new WebExecutorOptions { WaitDuration = TimeSpan.FromMilliseconds(1234) };
        var plan = Plan(WebAction("Wait"), options: options);
        Assert.Equal(TimeSpan.FromMilliseconds(1234), Step<WaitFor>(plan).Duration);
        Assert.False(plan.Settle);
        Assert.Equal("waited 1.234 s", Step<WaitFor>(plan).Description);
        Assert.Equal(TimeSpan.FromMilliseconds(1234), Step<WaitFor>(Plan(PcAction("WAIT()"), options: options)).Duration);
        Assert.Equal(TimeSpan.FromMilliseconds(1234), Step<WaitFor>(Plan(MobileAction("{\"action_type\": \"wait\"}"), options: options)).Duration);
        Assert.Equal(TimeSpan.FromSeconds(3), Step<WaitFor>(Plan(AutoGlmAction("do(action=\"Wait\", duration=\"3 seconds\")"), options: options)).Duration);
        Assert.Equal(TimeSpan.FromSeconds(2), new WebExecutorOptions().WaitDuration);
    }

    [Fact]
    public void GoBack_from_every_protocol_goes_back_in_history()
    {
        foreach (var action in (GuiAction[])[WebAction("GoBack"), MobileAction("{\"action_type\": \"navigate_back\"}"), AutoGlmAction("do(action=\"Back\")")])
        {
            var plan = Plan(action);
            Step<GoBack>(plan);
            Assert.False(plan.Settle);
        }
    }

    [Fact]
    public void Bing_opens_the_search_url_only_when_the_navigation_rule_allows_it()
    {
        Assert.Equal(Search, Step<Navigate>(Plan(WebAction("Bing"), allowed: u => u == Search)).Url);
        string refused = Refusal(Plan(WebAction("Bing"), allowed: _ => false));
        Assert.Equal($"Bing is not available: navigation to {Search} is not allowed (WebExecutorOptions.AllowNavigation); stay on this site", refused);
        Assert.Contains("https://www.bing.com/", Refusal(Plan(WebAction("Bing"), options: new WebExecutorOptions())));
    }

    [Fact]
    public void Pc_pointer_actions_convert_thousandths_of_the_screenshot_to_viewport_pixels()
    {
        (string Call, WebGesture Gesture, string Verb)[] cases =
        [
            ("left_click(start_box='[500,250]', element_info='OK')", WebGesture.Click, "clicked"),
            ("left_double_click(start_box='[500,250]')", WebGesture.DoubleClick, "double-clicked"),
            ("right_click(start_box='[500,250]')", WebGesture.RightClick, "right-clicked"),
            ("middle_click(start_box='[500,250]')", WebGesture.MiddleClick, "middle-clicked"),
            ("hover(start_box='[500,250]')", WebGesture.Hover, "moved the pointer to"),
        ];
        foreach (var (call, gesture, verb) in cases)
        {
            var plan = Plan(PcAction(call));
            var step = Step<PointerAt>(plan);
            Assert.Equal((new WebTarget(new WebPoint(500, 175)), gesture, verb, TimeSpan.Zero), (step.Target, step.Gesture, step.Verb, step.Hold));
            Assert.Equal(gesture != WebGesture.Hover, step.Retarget);
            Assert.True(plan.Settle);
        }
    }

    [Fact]
    public void Points_are_scaled_when_the_screenshot_differs_from_the_viewport_and_clamped_to_it()
    {
        // 250‰ of a 500-pixel-wide screenshot is 125 px there, 250 px in the 1000-pixel viewport.
        Assert.Equal(new WebPoint(250, 350), Step<PointerAt>(Plan(PcAction("left_click(start_box='[250,500]')"), Observation(W / 2, H / 2))).Target.At);
        // 333‰ of 1000 × 700: rounded to 2 decimals, never truncated.
        Assert.Equal(new WebPoint(333, 233.1), Step<PointerAt>(Plan(PcAction("left_click(start_box='[333,333]')"))).Target.At);
        Assert.Equal(new WebPoint(W - 1, H - 1), Step<PointerAt>(Plan(PcAction("left_click(start_box='[1000,1000]')"))).Target.At);
        Assert.Equal(new WebPoint(W - 1, H - 1), Step<PointerAt>(Plan(PcAction("left_click(start_box='[1500,2000]')"))).Target.At);
        // Without a known viewport the screenshot is the viewport.
        var unknown = new WebPlanner(new WebExecutorOptions(), _ => false).Plan(PcAction("left_click(start_box='[500,500]')"), Observation(800, 600), null);
        Assert.Equal(new WebPoint(400, 300), Step<PointerAt>(unknown).Target.At);
    }

    [Fact]
    public void Pc_drag_presses_at_the_start_and_releases_at_the_end()
    {
        var plan = Plan(PcAction("left_drag(start_box='[100,100]', end_box='[300,500]')"));
        var drag = Step<DragBetween>(plan);
        Assert.Equal((new WebPoint(100, 70), new WebPoint(300, 350), "dragged from (100, 70) to (300, 350)"), (drag.From, drag.To, drag.Description));
        Assert.True(drag.MoveSteps > 1, "the pointer moves in steps, so pages see the drag");
        Assert.True(plan.Settle);
    }

    [Fact]
    public void Pc_scroll_turns_the_wheel_step_clicks_at_the_point_capped()
    {
        var plan = Plan(PcAction("scroll(start_box='[500,500]', direction='down', step=3)"));
        var wheel = Step<Wheel>(plan);
        Assert.Equal((new WebPoint(500, 350), 0d, 300d, "scrolled down 3 wheel clicks at (500, 350)"), (wheel.At, wheel.Dx, wheel.Dy, wheel.Description));
        Assert.False(plan.Settle);
        Assert.Equal(-2 * 100, Step<Wheel>(Plan(PcAction("scroll(start_box='[500,500]', direction='up', step=2)"))).Dy);
        // Without step= the default clicks; pixels per click as configured; never more than the cap.
        var options = new WebExecutorOptions { ScrollClicksDefault = 4, WheelClickPixels = 40 };
        Assert.Equal(160, Step<Wheel>(Plan(PcAction("scroll(start_box='[500,500]', direction='down')"), options: options)).Dy);
        var capped = Step<Wheel>(Plan(PcAction("scroll(start_box='[500,500]', direction='down', step=100000)")));
        Assert.Equal(WebPlanner.MaxWheelClicks * 100, capped.Dy);
        Assert.StartsWith($"scrolled down {WebPlanner.MaxWheelClicks} wheel clicks", capped.Description);
    }

    [Fact]
    public void Swipes_scroll_the_page_opposite_to_the_finger()
    {
        // Mobile swipe up, no point: from the viewport centre, two thirds of the viewport height, page scrolls down.
        var up = Step<Wheel>(Plan(MobileAction("{\"action_type\": \"swipe\", \"direction\": \"up\"}")));
        Assert.Equal((new WebPoint(500, 350), 0d, 467d, "swiped at (500, 350): scrolled the page down 467 px"), (up.At, up.Dx, up.Dy, up.Description));
        var left = Step<Wheel>(Plan(MobileAction("{\"action_type\": \"swipe\", \"direction\": \"left\"}"), options: new WebExecutorOptions { ScrollPixels = 200 }));
        Assert.Equal((200d, 0d, "swiped at (500, 350): scrolled the page right 200 px"), (left.Dx, left.Dy, left.Description));
        // AutoGLM swipe from start to end: the page moves by the finger's distance, the other way.
        var drag = Step<Wheel>(Plan(AutoGlmAction("do(action=\"Swipe\", start=[500, 800], end=[500, 200])")));
        Assert.Equal((new WebPoint(500, 560), 0d, 420d), (drag.At, drag.Dx, drag.Dy));
        Assert.Equal("Swipe needs a direction (up, down, left or right)",
            Refusal(Plan(MobileAction("{\"action_type\": \"swipe\", \"direction\": \"up\"}") with { Direction = null, Name = "Swipe" })));
    }

    [Fact]
    public void Phone_taps_and_presses_act_at_their_point()
    {
        var tap = Step<PointerAt>(Plan(AutoGlmAction("do(action=\"Tap\", element=[500, 500])")));
        Assert.Equal((new WebPoint(500, 350), WebGesture.Click), (tap.Target.At, tap.Gesture));
        Assert.Equal(WebGesture.DoubleClick, Step<PointerAt>(Plan(AutoGlmAction("do(action=\"Double Tap\", element=[500, 500])"))).Gesture);
        var press = Step<PointerAt>(Plan(AutoGlmAction("do(action=\"Long Press\", element=[500, 500])")));
        Assert.Equal((WebGesture.LongPress, "long-pressed", WebPlanner.LongPressHold), (press.Gesture, press.Verb, press.Hold));
        Assert.True(press.Hold > TimeSpan.Zero);
        // Mobile click on a box: its centre.
        var click = Step<PointerAt>(Plan(MobileAction("{\"action_type\": \"click\", \"box_2d\": [[100,100,300,200]]}")));
        Assert.Equal(new WebPoint(200, 105), click.Target.At);
        Assert.Equal(WebGesture.LongPress, Step<PointerAt>(Plan(MobileAction("{\"action_type\": \"long_press\", \"box_2d\": [[100,100,300,200]]}"))).Gesture);
    }

    public static TheoryData<GuiProtocol, string> Unsupported => new()
    {
        { GuiProtocol.GlmVWeb, "Thought: Found it.\nAction: ANSWER; <content>42</content>\nMemory_Updated: {}" },
        { GuiProtocol.GlmVPc, "The task is complete. <|begin_of_box|>DONE()<|end_of_box|>\nMemory:\n[]" },
        { GuiProtocol.GlmVMobile, "Memory: None\nReason: Home.\nAction: <|begin_of_box|>{\"action_type\": \"navigate_home\"}<|end_of_box|>" },
        { GuiProtocol.GlmVMobile, "Memory: None\nReason: Open.\nAction: <|begin_of_box|>{\"action_type\": \"open_app\", \"app_name\": \"Chrome\"}<|end_of_box|>" },
        { GuiProtocol.AutoGlmPhone, "<answer>do(action=\"Home\")</answer>" },
        { GuiProtocol.AutoGlmPhone, "<think>需要先打开微信</think>\n<answer>do(action=\"Launch\", app=\"微信\")</answer>" },
        { GuiProtocol.AutoGlmPhone, "<answer>do(action=\"Take_over\", message=\"Please log in\")</answer>" },
    };

    [Theory]
    [MemberData(nameof(Unsupported))]
    public void Actions_the_web_cannot_do_are_refused_naming_the_action(GuiProtocol protocol, string output)
    {
        var action = Parse(protocol, output);
        Assert.Equal($"{action.Name} ({action.Kind}) is not supported on the web", Refusal(Plan(action)));
    }

    [Fact]
    public void Actions_without_a_target_or_text_are_refused()
    {
        // A parsed click whose point is gone (the typed fields are all the planner reads).
        Assert.Equal("left_click needs an element label or a point", Refusal(Plan(PcAction("left_click(start_box='[500,250]')") with { Point = null })));
        Assert.Equal("type needs the text to type", Refusal(Plan(PcAction("type(content='x')") with { Text = null })));
        Assert.Equal("left_drag needs a start and an end point", Refusal(Plan(PcAction("left_drag(start_box='[1,1]', end_box='[2,2]')") with { EndPoint = null })));
    }
}
