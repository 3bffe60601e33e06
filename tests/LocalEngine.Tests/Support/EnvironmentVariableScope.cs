namespace Glm4vSK.LocalEngine.Tests.Support;

/// <summary>
/// Sets environment variables for the lifetime of the scope and restores the previous values on dispose. Process-wide:
/// use only in tests of the <see cref="EnvironmentCollection"/>, which xunit runs with no other test in parallel.
/// </summary>
public sealed class EnvironmentVariableScope : IDisposable
{
    readonly List<(string Name, string? Old)> _saved = [];

    public EnvironmentVariableScope Set(string name, string? value)
    {
        _saved.Add((name, Environment.GetEnvironmentVariable(name)));
        Environment.SetEnvironmentVariable(name, value);
        return this;
    }

    public void Dispose()
    {
        for (int i = _saved.Count - 1; i >= 0; i--) Environment.SetEnvironmentVariable(_saved[i].Name, _saved[i].Old);
        _saved.Clear();
    }
}

/// <summary>Tests that change process-wide state (environment variables): run alone, after the parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "Process environment";
}
