namespace Glm4vSK.Agents.Executors;

/// <summary>Why an <c>adb</c> call failed (<see cref="AdbException.Kind"/>).</summary>
public enum AdbErrorKind
{
    /// <summary>adb itself failed or the device answered with an error not listed below.</summary>
    CommandFailed,
    /// <summary>The adb executable could not be started (not installed, wrong <see cref="AdbExecutorOptions.AdbPath"/>).</summary>
    AdbNotFound,
    /// <summary>No device or emulator is attached (<c>no devices/emulators found</c>).</summary>
    NoDevice,
    /// <summary>The device named by <see cref="AdbExecutorOptions.Serial"/> is not attached.</summary>
    DeviceNotFound,
    /// <summary>Several devices are attached and no <see cref="AdbExecutorOptions.Serial"/> was given.</summary>
    MultipleDevices,
    /// <summary>The device has not accepted this computer's USB-debugging key.</summary>
    Unauthorized,
    /// <summary>The device is attached but offline.</summary>
    Offline,
    /// <summary>The adb server could not be reached (or started).</summary>
    ServerUnavailable,
    /// <summary>The command ran longer than <see cref="AdbExecutorOptions.CommandTimeout"/>.</summary>
    TimedOut,
    /// <summary>The device refused injected input (some vendors need an extra "USB debugging (security settings)" switch).</summary>
    InputRejected,
    /// <summary>The ADB Keyboard input method is not installed on the device.</summary>
    KeyboardMissing,
}
