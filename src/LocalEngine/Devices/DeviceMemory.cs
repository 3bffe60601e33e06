using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Glm4vSK.LocalEngine.Devices;

/// <summary>Free memory of a device, read from the CUDA runtime (TorchSharp exposes no memory statistics).</summary>
internal static class DeviceMemory
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int MemGetInfo(out nuint free, out nuint total);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int SetDevice(int device);

    /// <summary>
    /// Free bytes on a CUDA device (cudaMemGetInfo of the CUDA runtime libtorch loaded: the same soname resolves to the
    /// loaded copy), or null when no CUDA runtime can be asked. Other devices: null (CPU memory is planned only on request).
    /// </summary>
    public static long? Free(torch.Device device) => Info(device)?.Free;

    /// <summary>Free and total bytes of a CUDA device (see <see cref="Free"/>); null elsewhere.</summary>
    public static (long Free, long Total)? Info(torch.Device device)
    {
        if (device.type != DeviceType.CUDA) return null;
        foreach (string name in new[] { "libcudart.so.13", "libcudart.so.12", "libcudart.so" })
        {
            if (!NativeLibrary.TryLoad(name, out var lib)) continue;
            if (!NativeLibrary.TryGetExport(lib, "cudaMemGetInfo", out var get)) continue;
            if (device.index > 0 && NativeLibrary.TryGetExport(lib, "cudaSetDevice", out var set)
                && Marshal.GetDelegateForFunctionPointer<SetDevice>(set)(device.index) != 0) return null;
            return Marshal.GetDelegateForFunctionPointer<MemGetInfo>(get)(out var free, out var total) == 0 ? ((long)free, (long)total) : null;
        }
        return null;
    }

    /// <summary>"20.6 GB" (decimal units, like the checkpoint sizes in the README).</summary>
    public static string Format(long bytes) => bytes >= 1_000_000_000
        ? (bytes / 1e9).ToString("0.0", CultureInfo.InvariantCulture) + " GB"
        : (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
}
