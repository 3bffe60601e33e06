using System.Globalization;
using System.Text;
using Glm4vSK.Formats.Gui;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Agents.Prompts;

/// <summary>
/// AutoGLM-Phone (Open-AutoGLM): a real multi-turn chat. Messages:
/// <list type="number">
/// <item><c>system</c>: the date line (<c>今天的日期是: YYYY年MM月DD日 星期X</c> / <c>The current date: YYYY-MM-DD, Weekday</c>), a line break, the prompt;</item>
/// <item>per earlier step: <c>user</c> (text only — <c>{task}\n\n{screen_info}</c> for the first step,
/// <c>** Screen Info **\n\n{screen_info}</c> later) and <c>assistant</c>
/// <c>&lt;think&gt;{thinking}&lt;/think&gt;&lt;answer&gt;{action}&lt;/answer&gt;</c> (<see cref="GuiOutputText.SplitAutoGlm"/>);</item>
/// <item>the current <c>user</c> turn: <c>[screenshot, text]</c> in the same text form — the only image in the conversation.</item>
/// </list>
/// <c>screen_info</c> is <c>{"current_app": "…"}</c> (<see cref="GuiPromptText.ScreenInfo"/>) from each step's
/// <see cref="Screens.GuiObservation.CurrentApp"/>, <c>System Home</c> when unknown.
/// </summary>
/// <remarks>
/// Actions: <c>do(action="Tap", element=[x,y])</c>, <c>do(action="Launch", app="…")</c>, … and <c>finish(message="…")</c>;
/// the Chinese prompt lists all 16 forms, the English one the seven Open-AutoGLM's English prompt lists. When
/// <see cref="GuiPromptContext.Apps"/> is set, the system prompt also lists those app names for <c>Launch</c>;
/// <see cref="GuiPromptContext.Notes"/> are appended to it.
/// </remarks>
public sealed class AutoGlmPhonePromptBuilder : IGuiPromptBuilder
{
    /// <summary>Creates a builder whose system prompt is in <paramref name="language"/> (Chinese by default, as upstream).</summary>
    public AutoGlmPhonePromptBuilder(AutoGlmLanguage language = AutoGlmLanguage.Chinese)
    {
        if (!Enum.IsDefined(language)) throw new ArgumentOutOfRangeException(nameof(language), language, "Use AutoGlmLanguage.Chinese or AutoGlmLanguage.English.");
        Language = language;
    }

    /// <summary>The system prompt's language.</summary>
    public AutoGlmLanguage Language { get; }

    /// <inheritdoc />
    public GuiProtocol Protocol => GuiProtocol.AutoGlmPhone;

    /// <inheritdoc />
    public IList<ChatMessage> Build(GuiPromptContext context)
    {
        GuiPromptSupport.Validate(context);
        string task = context.Task.Trim();
        var messages = new List<ChatMessage> { new(ChatRole.System, SystemPrompt(context)) };
        var history = context.History;
        for (int i = 0; i < history.Count; i++)
        {
            messages.Add(new ChatMessage(ChatRole.User, [new TextContent(UserText(task, i, history[i].Observation.CurrentApp))]));
            messages.Add(new ChatMessage(ChatRole.Assistant, GuiPromptText.AutoGlmAssistantTurn(history[i].ModelOutput)));
        }
        messages.Add(new ChatMessage(ChatRole.User,
            [context.Current.Screenshot.ToDataContent(), new TextContent(UserText(task, history.Count, context.Current.CurrentApp))]));
        return messages;
    }

    /// <summary>Open-AutoGLM's <c>ModelConfig</c>: <c>max_tokens=3000</c>, <c>temperature=0</c>, <c>top_p=0.85</c>, <c>frequency_penalty=0.2</c>.</summary>
    public ChatOptions CreateChatOptions() => new() { MaxOutputTokens = 3000, Temperature = 0f, TopP = 0.85f, FrequencyPenalty = 0.2f };

    /// <summary>The system message for <paramref name="context"/>: date line, line break, prompt (plus apps and notes).</summary>
    public string SystemPrompt(GuiPromptContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sb = new StringBuilder();
        var date = context.Now;
        if (Language == AutoGlmLanguage.Chinese)
        {
            sb.Append("今天的日期是: ").Append(date.ToString("yyyy年MM月dd日", CultureInfo.InvariantCulture)).Append(' ')
              .Append(ChineseWeekdays[((int)date.DayOfWeek + 6) % 7]).Append('\n');
            sb.Append(ChinesePrompt);
            if (context.Apps is { Count: > 0 } apps) sb.Append("\n\n可以用 Launch 启动的应用：").Append(string.Join("、", apps.Select(a => a.Trim())));
            if (GuiPromptSupport.NoteBullets(context.Notes) is { Length: > 0 } notes) sb.Append("\n\n补充说明：").Append(notes);
        }
        else
        {
            sb.Append("The current date: ").Append(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(", ")
              .Append(date.DayOfWeek.ToString()).Append('\n');
            sb.Append(EnglishPrompt);
            if (context.Apps is { Count: > 0 } apps) sb.Append("\n\nApps you can Launch: ").Append(string.Join(", ", apps.Select(a => a.Trim())));
            if (GuiPromptSupport.NoteBullets(context.Notes) is { Length: > 0 } notes) sb.Append("\n\nAdditional notes:").Append(notes);
        }
        return sb.Append('\n').ToString();
    }

    private static string UserText(string task, int stepIndex, string? currentApp) =>
        stepIndex == 0
            ? $"{task}\n\n{GuiPromptText.ScreenInfo(currentApp)}"
            : $"** Screen Info **\n\n{GuiPromptText.ScreenInfo(currentApp)}";

    private static readonly string[] ChineseWeekdays = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"];

    private const string ChinesePrompt = """
        你是一个操作安卓手机的智能体，会根据用户的任务、之前的操作记录和当前的屏幕截图，一步一步地操作手机来完成任务。
        每一步只输出一个操作，并且必须严格使用以下格式：
        <think>{think}</think>
        <answer>{action}</answer>

        其中：
        - {think}：简要说明你为什么选择这个操作。
        - {action}：本步要执行的一条操作指令，必须严格使用下面列出的格式之一。

        坐标是相对于屏幕的千分比：左上角为 (0,0)，右下角为 (999,999)。每个操作执行后，你都会收到新的屏幕截图。

        可用的操作指令：
        - do(action="Launch", app="xxx")
            直接启动名为 xxx 的应用，比在桌面上寻找图标更快。
        - do(action="Tap", element=[x,y])
            点击屏幕上的点 [x,y]，用于点击按钮、选择条目、从桌面打开应用或与其他可点击的元素交互。
        - do(action="Tap", element=[x,y], message="重要操作")
            与 Tap 相同，但用于涉及财产、支付、隐私等敏感内容的按钮；message 说明这个操作，执行前会请用户确认。
        - do(action="Type", text="xxx")
            在当前获得焦点的输入框中输入文字，请先点击输入框使其获得焦点。输入前会自动清空输入框中已有的内容（包括占位文字），无需手动删除。手机可能使用不占屏幕空间的 ADB 键盘：可以根据屏幕底部类似 'ADB Keyboard {ON}' 的提示或输入框是否高亮来判断输入框是否已激活，不要只看屏幕上有没有键盘。
        - do(action="Type_Name", text="xxx")
            输入人名时使用，用法与 Type 相同。
        - do(action="Interact")
            有多个都符合要求的选项、无法确定选择哪一个时使用，由用户来决定。
        - do(action="Swipe", start=[x1,y1], end=[x2,y2])
            从起点滑动到终点，用于滚动内容、切换页面、下拉通知栏或其他手势操作。滑动时长会自动调整。
        - do(action="Note", message="True")
            记录当前页面的内容，供之后总结使用。
        - do(action="Call_API", instruction="xxx")
            对当前页面或已经记录的内容进行总结或评论。
        - do(action="Long Press", element=[x,y])
            在点 [x,y] 上长按，用于打开上下文菜单、选择文字或触发其他长按功能。
        - do(action="Double Tap", element=[x,y])
            在点 [x,y] 上快速连续点击两次，用于缩放、选择文字或打开项目。
        - do(action="Take_over", message="xxx")
            需要用户亲自操作时使用（例如登录或输入验证码），message 说明需要用户做什么。
        - do(action="Back")
            返回上一个页面或关闭当前弹窗，相当于安卓的返回键。
        - do(action="Home")
            回到系统桌面，相当于安卓的主屏幕键。
        - do(action="Wait", duration="x seconds")
            等待页面加载，x 为等待的秒数。
        - finish(message="xxx")
            任务已经准确、完整地完成时使用，message 是结束信息；如果用户提出的是问题，请在 message 中给出答案。

        必须遵守的规则：
        1. 操作前先确认当前应用是否就是目标应用；如果不是，先用 Launch 打开目标应用。
        2. 进入了无关的页面时先执行 Back；如果页面没有变化，再点击页面左上角的返回按钮或右上角的关闭按钮。
        3. 页面内容没有加载出来时，最多连续 Wait 三次，之后执行 Back 再重新进入。
        4. 页面提示网络问题时，点击重新加载。
        5. 当前页面找不到目标联系人、商品、店铺等信息时，可以用 Swipe 滑动查找。
        6. 价格区间、时间区间等筛选条件没有完全符合的选项时，可以适当放宽要求。
        7. 严格按照用户的意图执行任务。为了满足用户的特殊要求，可以多次搜索或滑动查找；搜索没有结果时，可以换用更简短或相近的关键词再试。
        8. 有多个可选的栏目时，逐个查找每个栏目，不要在同一个栏目里反复查找而陷入死循环。
        9. 执行下一步前，先检查上一步是否生效。点击没有生效时，先稍等一下；仍然无效就调整点击位置重试；还是无效就跳过这一步继续任务，并在 finish 的 message 中说明。
        10. 滑动没有生效时，调整起点并加大滑动距离重试；也可能已经滑到了底部，可以向反方向滑动。仍然找不到符合要求的结果时，跳过这一步继续任务，并在 finish 的 message 中说明。
        11. 结束任务前，仔细检查任务是否完整、准确地完成；如果有错选、漏选或多选，先返回之前的步骤进行纠正。
        """;

    private const string EnglishPrompt = """
        # Setup
        You are an Android operation agent that carries out the user's high-level instructions on a phone. At every step you get a screenshot of the current screen: analyse it, decide on the best next operation and write it as one line of Python-style pseudo-code.

        # More details about the code
        Structure every response as follows:

        Think first: inside <think>...</think>, analyse the screen, find the elements that matter and decide on the most efficient action.
        Then act: inside <answer>...</answer>, give a single line of pseudo-code for the operation.

        Your output should STRICTLY follow the format:
        <think>
        [Your thought]
        </think>
        <answer>
        [Your operation code]
        </answer>

        Coordinates are thousandths of the screen: (0,0) is the top-left corner and (999,999) the bottom-right corner.

        - **Tap**
          Tap one point of the screen. element is a list of 2 integers: the coordinates of the point.
          **Example**:
          <answer>
          do(action="Tap", element=[x,y])
          </answer>
        - **Type**
          Type text into the input field that has the focus (tap it first). Whatever the field contains is cleared before typing.
          **Example**:
          <answer>
          do(action="Type", text="Hello World")
          </answer>
        - **Swipe**
          Swipe from a start point to an end point, e.g. to scroll or to switch pages.
          **Example**:
          <answer>
          do(action="Swipe", start=[x1,y1], end=[x2,y2])
          </answer>
        - **Long Press**
          Press and hold one point of the screen. element is a list of 2 integers: the coordinates of the point.
          **Example**:
          <answer>
          do(action="Long Press", element=[x,y])
          </answer>
        - **Launch**
          Start an app directly; prefer this to looking for its icon. Read the instruction to pick the right app first.
          **Example**:
          <answer>
          do(action="Launch", app="Settings")
          </answer>
        - **Back**
          Press the Back button to return to the previous screen.
          **Example**:
          <answer>
          do(action="Back")
          </answer>
        - **Finish**
          End the task, optionally with a message for the user (put the answer there when the user asked a question).
          **Example**:
          <answer>
          finish(message="Task completed.")
          </answer>

        REMEMBER:
        - Think before you act: analyse the current screen and the best course of action in the <think> part before every step.
        - Exactly ONE LINE of code in the <answer> part per response.
        - Write the code exactly in the formats above.
        """;
}
