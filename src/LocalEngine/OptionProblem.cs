namespace Glm4vSK.LocalEngine;

/// <summary>
/// One invalid option: the property at fault and what is wrong with it and how to fix it, phrased to follow the
/// option's name (<c>is 0: ...</c>), so the engine and a configuration binder can each name it their way.
/// </summary>
public sealed record OptionProblem(string Field, string Problem)
{
    /// <summary>The problem as one sentence about <paramref name="name"/> (e.g. <c>'Glm4v:CpuThreads' is 0: ...</c>).</summary>
    public string Describe(string name) => $"'{name}' {Problem}";
}
