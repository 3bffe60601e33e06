using System.Numerics;
using Glm4vSK.Agents.Screens;

namespace Glm4vSK.Agents.Executors;

/// <summary>
/// Copies an X display's root window in-process with libX11 (<c>XGetImage</c>, ZPixmap) and
/// converts it to RGBA. A connection is opened per capture and closed right after, so a display that goes away
/// between steps gives an <see cref="X11DisplayException"/>, not a dead connection.
/// </summary>
internal static unsafe class X11ScreenCapture
{
    /// <summary>Captures the whole screen of <paramref name="display"/> as a PNG screenshot.</summary>
    internal static Screenshot Capture(string display)
    {
        byte[] rgba = CaptureRgba(display, out int width, out int height);
        return Screenshot.FromRgba(rgba, width, height);
    }

    /// <summary>Captures the root window as RGBA8888 rows (<paramref name="width"/>·4 bytes each).</summary>
    internal static byte[] CaptureRgba(string display, out int width, out int height)
    {
        nint dpy = Open(display);
        try
        {
            (width, height) = RootSize(dpy, display);
            X11Native.XImage* image = X11Native.XGetImage(dpy, X11Native.XDefaultRootWindow(dpy), 0, 0,
                (uint)width, (uint)height, X11Native.AllPlanes, X11Native.ZPixmap);
            if (image is null)
                throw new X11DisplayException(display, $"XGetImage failed on X display '{display}' ({width}x{height} root window).");
            try
            {
                return ToRgba(image, width, height, display);
            }
            finally
            {
                X11Native.XDestroyImage(image);
            }
        }
        finally
        {
            X11Native.XCloseDisplay(dpy);
        }
    }

    /// <summary>Opens <paramref name="display"/> or throws an <see cref="X11DisplayException"/> that says what to do.</summary>
    internal static nint Open(string display)
    {
        nint dpy;
        try
        {
            X11Native.EnsureErrorHandler();
            dpy = X11Native.XOpenDisplay(display);
        }
        catch (DllNotFoundException ex)
        {
            throw new X11DisplayException(display,
                $"{X11Native.LibX11} could not be loaded, so the X display '{display}' cannot be read. Install it (Debian: apt-get install libx11-6).", ex);
        }
        if (dpy == 0)
            throw new X11DisplayException(display,
                $"Cannot open X display '{display}'. Start a virtual display first (for example 'Xvfb {display} -screen 0 1280x800x24 -nolisten tcp &'; " +
                "Debian: apt-get install xvfb) or set X11ExecutorOptions.Display / DISPLAY to a running X server.");
        return dpy;
    }

    private static (int Width, int Height) RootSize(nint dpy, string display)
    {
        if (X11Native.XGetGeometry(dpy, X11Native.XDefaultRootWindow(dpy), out _, out _, out _, out uint w, out uint h, out _, out _) == 0 || w == 0 || h == 0)
            throw new X11DisplayException(display, $"Cannot read the root window size of X display '{display}'.");
        return ((int)w, (int)h);
    }

    private static byte[] ToRgba(X11Native.XImage* image, int width, int height, string display)
    {
        int bpp = image->bits_per_pixel;
        if (image->format != X11Native.ZPixmap || bpp is not (16 or 24 or 32) || image->data is null ||
            image->red_mask == 0 || image->green_mask == 0 || image->blue_mask == 0)
            throw new X11DisplayException(display,
                $"X display '{display}' has an unsupported pixel format (depth {image->depth}, {bpp} bits per pixel); use a TrueColor screen such as '-screen 0 1280x800x24'.");
        width = Math.Min(width, image->width);
        height = Math.Min(height, image->height);
        var red = Channel.Of(image->red_mask);
        var green = Channel.Of(image->green_mask);
        var blue = Channel.Of(image->blue_mask);
        int bytesPerPixel = bpp / 8, stride = image->bytes_per_line;
        bool lsbFirst = image->byte_order == X11Native.LsbFirst;
        byte[] rgba = new byte[width * height * 4];

        // The common case (Xvfb -screen ...x24 on little-endian): 32-bit BGRX, swizzled byte by byte.
        bool bgrx = bpp == 32 && lsbFirst && red is { Shift: 16, Max: 255 } && green is { Shift: 8, Max: 255 } && blue is { Shift: 0, Max: 255 };
        for (int y = 0; y < height; y++)
        {
            byte* row = image->data + (long)y * stride;
            int o = y * width * 4;
            if (bgrx)
            {
                for (int x = 0; x < width; x++, o += 4)
                {
                    byte* p = row + x * 4;
                    rgba[o] = p[2];
                    rgba[o + 1] = p[1];
                    rgba[o + 2] = p[0];
                    rgba[o + 3] = 255;
                }
                continue;
            }
            for (int x = 0; x < width; x++, o += 4)
            {
                byte* p = row + x * bytesPerPixel;
                ulong pixel = 0;
                for (int b = 0; b < bytesPerPixel; b++)
                    pixel |= (ulong)p[b] << (8 * (lsbFirst ? b : bytesPerPixel - 1 - b));
                rgba[o] = red.Read(pixel);
                rgba[o + 1] = green.Read(pixel);
                rgba[o + 2] = blue.Read(pixel);
                rgba[o + 3] = 255;
            }
        }
        return rgba;
    }

    private readonly record struct Channel(int Shift, ulong Max)
    {
        internal static Channel Of(nuint mask) =>
            new(BitOperations.TrailingZeroCount((ulong)mask), (ulong)mask >> BitOperations.TrailingZeroCount((ulong)mask));

        internal byte Read(ulong pixel) => (byte)(((pixel >> Shift) & Max) * 255 / Max);
    }
}
