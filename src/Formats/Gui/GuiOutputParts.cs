namespace Glm4vSK.Formats.Gui;

/// <summary>
/// One model answer split into its pieces (<see cref="GuiOutputText"/>): the parsers take the action from them and the
/// prompt builders put them back into the history. What each piece holds depends on the protocol:
/// <list type="bullet">
/// <item>mobile: <see cref="Thought"/> = the <c>Reason:</c> text, <see cref="Action"/> = the <c>Action:</c> payload, <see cref="Memory"/> = the <c>Memory:</c> text;</item>
/// <item>PC: <see cref="Thought"/> = the explanation before <c>Memory:</c> without the action call, <see cref="Action"/> = the call, <see cref="Memory"/> = the <c>Memory:</c> JSON list;</item>
/// <item>web: <see cref="Thought"/> = <c>Thought:</c>, <see cref="Action"/> = <c>Action:</c>, <see cref="Memory"/> = <c>Memory_Updated:</c>;</item>
/// <item>AutoGLM-Phone: <see cref="Thought"/> = the thinking, <see cref="Action"/> = the <c>do(…)</c>/<c>finish(…)</c> call, <see cref="Memory"/> = <see langword="null"/>.</item>
/// </list>
/// Box markers are removed everywhere and thinking (<c>&lt;think&gt;…&lt;/think&gt;</c>) never appears, except in
/// AutoGLM's <see cref="Thought"/>, which is exactly that thinking.
/// </summary>
/// <param name="Thought">The explanation (empty when the answer had none).</param>
/// <param name="Action">The action text (empty when none was found).</param>
/// <param name="Memory">The memory section, or <see langword="null"/> when the answer had none.</param>
/// <param name="Structured">Whether the answer had the protocol's structure (otherwise <see cref="Thought"/> holds the whole visible text).</param>
public sealed record GuiOutputParts(string Thought, string Action, string? Memory, bool Structured);
