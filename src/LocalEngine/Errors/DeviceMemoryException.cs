namespace Glm4vSK.LocalEngine;

/// <summary>
/// The model does not fit the memory of its device: the weights alone, or the weights plus the KV cache of the
/// requested context. The message names the sizes and the options that help.
/// </summary>
public sealed class DeviceMemoryException : Glm4vException
{
    public DeviceMemoryException(string message, string device, long requiredBytes, long availableBytes) : base(message)
    {
        Device = device;
        RequiredBytes = requiredBytes;
        AvailableBytes = availableBytes;
    }

    /// <summary>The device, as <see cref="EngineOptions.Device"/> names it.</summary>
    public string Device { get; }
    /// <summary>Bytes the refused part needs (the weights, or the weights, reserve and KV cache).</summary>
    public long RequiredBytes { get; }
    /// <summary>Bytes the device has for the engine (<see cref="EngineOptions.DeviceMemoryBytes"/>, or measured).</summary>
    public long AvailableBytes { get; }
}
