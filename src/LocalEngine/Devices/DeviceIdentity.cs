using TorchSharp;

namespace Glm4vSK.LocalEngine.Devices;

/// <summary>TorchSharp's <see cref="torch.Device"/> has reference equality; devices are the same when type and index are.</summary>
internal static class DeviceIdentity
{
    public static bool IsSame(this torch.Device a, torch.Device b) => a.type == b.type && a.index == b.index;
}
