namespace Glm4vSK.LocalEngine.Testing;

/// <summary>
/// The device the fixture model tests load their engines on: <c>$GLM4V_DEVICE</c> ("cuda", "cuda:1"; tools/gpu/run.sh
/// sets it on a GPU machine), else "cpu".
/// </summary>
public static class TestDevice
{
    public static string Name => Environment.GetEnvironmentVariable("GLM4V_DEVICE") is { Length: > 0 } d ? d : "cpu";
}
