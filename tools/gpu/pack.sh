#!/usr/bin/env bash
# Builds what tools/gpu/run.sh needs on a lent GPU machine (no .NET, no NuGet, no network there) into ONE file,
# tools/gpu/payload.tar.xz (git-ignored; about 35 MB, so that it and the working tree stay under the 64 MiB a device
# call carries): the .NET runtime (host + Microsoft.NETCore.App), the LocalEngine test executable and the device
# benchmark, both WITHOUT the libtorch natives (run.sh points TorchSharp at the Python wheel's libtorch instead).
# Then call the device tool with carry ["tools/gpu/payload.tar.xz"] and command "bash tools/gpu/run.sh".
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v dotnet >/dev/null || { echo "pack.sh needs the .NET 10 SDK" >&2; exit 1; }
dotnet build -c Release tests/LocalEngine.Tests >/dev/null
dotnet build -c Release tools/gpu/DeviceBench >/dev/null

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$(dirname "$(readlink -f "$(command -v dotnet)")")
fx=$(ls -d "$root"/shared/Microsoft.NETCore.App/10.* | sort -V | tail -1)
mkdir -p "$stage/dotnet/shared/Microsoft.NETCore.App"
cp "$root/dotnet" "$stage/dotnet/"
cp -r "$root/host" "$stage/dotnet/"
cp -r "$fx" "$stage/dotnet/shared/Microsoft.NETCore.App/"
# libtorch, its OpenMP and test backends come from the GPU machine's PyTorch; libLibTorchSharp.so (patched) and the
# managed TorchSharp travel.
natives=(--exclude='libtorch*' --exclude='libc10*.so' --exclude='libgomp*' --exclude='libshm.so'
         --exclude='lib*backend*.so' --exclude='libaoti*' --exclude='*.pdb' --exclude='*.xml')
mkdir -p "$stage/tests" "$stage/bench"
tar -C tests/LocalEngine.Tests/bin/Release/net10.0/linux-x64 "${natives[@]}" -cf - . | tar -C "$stage/tests" -xf -
tar -C tools/gpu/DeviceBench/bin/Release/net10.0/linux-x64 "${natives[@]}" -cf - . | tar -C "$stage/bench" -xf -
git rev-parse HEAD > "$stage/commit.txt" 2>/dev/null || true
tar -C "$stage" -cf - . | xz -T0 -6 > tools/gpu/payload.tar.xz
tracked=$(git ls-files -z | du -cb --files0-from=- 2>/dev/null | tail -1 | cut -f1)
payload=$(stat -c %s tools/gpu/payload.tar.xz)
echo "tools/gpu/payload.tar.xz: $((payload / 1048576)) MiB; with the tracked files $(((payload + tracked) / 1048576)) MiB of the 64 MiB a device call carries"
[ $((payload + tracked)) -lt $((64 * 1048576)) ] || { echo "too large for one device call" >&2; exit 1; }
