using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Glm4vSK.Agents.Executors;

/// <summary>
/// The few libX11 entry points the desktop executor needs: open a display, read the root window's
/// size, copy its pixels with <c>XGetImage</c> (ZPixmap) and look up keysym names. x86-64 / LP64 Linux only
/// (<c>Window</c>, <c>KeySym</c> and <c>unsigned long</c> are 64-bit there).
/// </summary>
internal static unsafe partial class X11Native
{
    internal const string LibX11 = "libX11.so.6";

    /// <summary><c>ZPixmap</c> image format.</summary>
    internal const int ZPixmap = 2;

    /// <summary><c>LSBFirst</c> byte order.</summary>
    internal const int LsbFirst = 0;

    /// <summary><c>AllPlanes</c>.</summary>
    internal static readonly nuint AllPlanes = nuint.MaxValue;

    /// <summary>The head of Xlib's <c>XImage</c> (Xlib.h) up to <c>obdata</c>; the function table after it is not read.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct XImage
    {
        public int width, height;       // 0, 4
        public int xoffset;             // 8
        public int format;              // 12
        public byte* data;              // 16
        public int byte_order;          // 24
        public int bitmap_unit;         // 28
        public int bitmap_bit_order;    // 32
        public int bitmap_pad;          // 36
        public int depth;               // 40
        public int bytes_per_line;      // 44
        public int bits_per_pixel;      // 48
        public nuint red_mask;          // 56
        public nuint green_mask;        // 64
        public nuint blue_mask;         // 72
        public nint obdata;             // 80
    }

    /// <summary>Xlib's <c>XErrorEvent</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct XErrorEvent
    {
        public int type;
        public nint display;
        public nuint resourceid;
        public nuint serial;
        public byte error_code;
        public byte request_code;
        public byte minor_code;
    }

    [LibraryImport(LibX11, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint XOpenDisplay(string? displayName);

    [LibraryImport(LibX11)]
    internal static partial int XCloseDisplay(nint display);

    [LibraryImport(LibX11)]
    internal static partial nuint XDefaultRootWindow(nint display);

    [LibraryImport(LibX11)]
    internal static partial int XGetGeometry(nint display, nuint drawable, out nuint root, out int x, out int y,
        out uint width, out uint height, out uint borderWidth, out uint depth);

    [LibraryImport(LibX11)]
    internal static partial XImage* XGetImage(nint display, nuint drawable, int x, int y, uint width, uint height, nuint planeMask, int format);

    [LibraryImport(LibX11)]
    internal static partial int XDestroyImage(XImage* image);

    [LibraryImport(LibX11)]
    internal static partial int XSync(nint display, int discard);

    [LibraryImport(LibX11, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nuint XStringToKeysym(string name);

    [LibraryImport(LibX11)]
    internal static partial nint XSetErrorHandler(nint handler);

    private static int _errorHandlerInstalled;

    /// <summary>
    /// Replaces Xlib's default error handler, which prints and <c>exit()</c>s the process on any protocol error,
    /// with one that ignores the error (the failing call then returns null / 0 and the caller reports it).
    /// Process-wide and idempotent.
    /// </summary>
    internal static void EnsureErrorHandler()
    {
        if (Interlocked.Exchange(ref _errorHandlerInstalled, 1) == 0)
            XSetErrorHandler((nint)(delegate* unmanaged[Cdecl]<nint, XErrorEvent*, int>)&OnXError);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnXError(nint display, XErrorEvent* error) => 0;

    /// <summary>Whether <paramref name="name"/> is a keysym name libX11 knows (<c>Return</c>, <c>Control_L</c>, <c>a</c>, …).</summary>
    internal static bool IsKeysym(string name) => XStringToKeysym(name) != 0;
}
