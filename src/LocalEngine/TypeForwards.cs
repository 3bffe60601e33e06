using System.Runtime.CompilerServices;
using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Processing;

// These types moved to Glm4vSK.Abstractions (shared with the TorchSharp-free remote connector); binaries built against
// an older engine still find them here.
[assembly: TypeForwardedTo(typeof(Glm4vException))]
[assembly: TypeForwardedTo(typeof(InvalidMediaException))]
[assembly: TypeForwardedTo(typeof(VideoFramesContent))]
