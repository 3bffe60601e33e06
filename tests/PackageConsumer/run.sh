#!/usr/bin/env bash
# Packs every project under src/ into artifacts/packages with a version no cache has seen (0.1.0-ci.<timestamp>),
# checks what each package holds, then builds tests/PackageConsumer — which references only the packages (plus the
# feed's libtorch) and restores into its own folder — and runs it on the repository's tiny model: it must exit 0 and
# print generated text. Usage: tests/PackageConsumer/run.sh [model dir] (default tests/fixtures/models/glm4v-tiny).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
model="${1:-$root/tests/fixtures/models/glm4v-tiny}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

fail() { echo "package consumer: $*" >&2; exit 1; }
# A .nupkg is a zip; python3 reads it (unzip is not on every machine).
zlist() { python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$1"; }
zread() { python3 -c 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode("utf-8-sig"))' "$1" "$2"; }
[ -f "$model/config.json" ] || fail "no model at $model (config.json missing)"
model="$(cd "$model" && pwd)"
image=$(ls "$model"/cases/*.png 2>/dev/null | head -1 || true)   # any image of the model's cases, when it has some

out="$here/artifacts"
rm -rf "$out"
mkdir -p "$out/packages"
base=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/src/Directory.Build.props" | head -1)
[ -n "$base" ] || fail "no <Version> in src/Directory.Build.props"
version="$base-ci.$(date -u +%Y%m%d%H%M%S)"

started=$SECONDS
phase() { echo "== $* (+$((SECONDS - started)) s)"; }

# 1. Pack all src projects. They are built in place as usual (a no-op right after .ci/run's Release build) and packed
#    without a rebuild: only the package version is unique, so every restore below gets freshly packed packages.
phase "building src/*/*.csproj"
(cd "$out" && dotnet new sln -n pack --format sln >/dev/null && dotnet sln pack.sln add "$root"/src/*/*.csproj >/dev/null)
dotnet build "$out/pack.sln" -c Release > "$out/pack.log" 2>&1 \
  || { tail -50 "$out/pack.log" >&2; fail "building src/ failed (log: $out/pack.log)"; }
phase "packing them as $version"
dotnet pack "$out/pack.sln" -c Release --no-build -o "$out/packages" -p:PackageVersion="$version" >> "$out/pack.log" 2>&1 \
  || { tail -50 "$out/pack.log" >&2; fail "dotnet pack failed (log: $out/pack.log)"; }

# 2. What each package must hold.
phase "checking the packages"
problems=()
shopt -s nullglob
nupkgs=("$out/packages"/*."$version".nupkg)
[ ${#nupkgs[@]} -gt 0 ] || fail "dotnet pack produced no package"
for nupkg in "${nupkgs[@]}"; do
  id=$(basename "$nupkg" ".$version.nupkg")
  files=$(zlist "$nupkg")
  nuspec=$(zread "$nupkg" "$id.nuspec")
  has() { grep -qx -- "$1" <<<"$files"; }
  has README.md || problems+=("$id: no README.md in the package (add src/<project>/README.md)")
  grep -q '<readme>README.md</readme>' <<<"$nuspec" || problems+=("$id: the nuspec names no readme (PackageReadmeFile)")
  grep -q '<license type="expression">' <<<"$nuspec" || problems+=("$id: no licence expression in the nuspec")
  if ! grep -q '<description>' <<<"$nuspec" || grep -q '<description>Package Description</description>' <<<"$nuspec"; then
    problems+=("$id: no Description of its own in its csproj")
  fi
  if grep -q 'packageType name="DotnetTool"' <<<"$nuspec"; then continue; fi   # a .NET tool: no lib/, no symbols package
  dlls=$(grep -E '^lib/[^/]+/[^/]+\.dll$' <<<"$files" || true)
  [ -n "$dlls" ] || problems+=("$id: no lib/<tfm>/*.dll")
  for dll in $dlls; do has "${dll%.dll}.xml" || problems+=("$id: $dll has no XML documentation next to it (GenerateDocumentationFile)"); done
  [ -f "${nupkg%.nupkg}.snupkg" ] || problems+=("$id: no symbols package $(basename "${nupkg%.nupkg}.snupkg")")
done
# Package-specific rules: the native fix-up travels with the engine; the remote-only connector stays TorchSharp-free.
engine="$out/packages/Glm4vSK.LocalEngine.$version.nupkg"
if [ -f "$engine" ]; then
  engine_files=$(zlist "$engine")
  grep -qx 'buildTransitive/Glm4vSK.LocalEngine.targets' <<<"$engine_files" \
    || problems+=("Glm4vSK.LocalEngine: buildTransitive/Glm4vSK.LocalEngine.targets missing: consumers would not get the libtorch fix-up")
  grep -qx 'buildTransitive/GlibcxxVersionPatcher.cs' <<<"$engine_files" \
    || problems+=("Glm4vSK.LocalEngine: buildTransitive/GlibcxxVersionPatcher.cs missing: the fix-up targets compile it")
else
  problems+=("Glm4vSK.LocalEngine was not packed")
fi
connector="$out/packages/Glm4vSK.Connector.$version.nupkg"
if [ -f "$connector" ]; then
  deps=$(grep -o '<dependency id="[^"]*"' <<<"$(zread "$connector" Glm4vSK.Connector.nuspec)" | sed 's/<dependency id=//; s/"//g' || true)
  if grep -qiE '^(TorchSharp|libtorch[^"]*|Glm4vSK\.LocalEngine|Glm4vSK\.Connector\.Local)$' <<<"$deps"; then
    problems+=("Glm4vSK.Connector (remote-only) depends on the engine or TorchSharp: $(tr '\n' ' ' <<<"$deps")")
  fi
else
  problems+=("Glm4vSK.Connector was not packed")
fi
if [ ${#problems[@]} -gt 0 ]; then printf '  %s\n' "${problems[@]}" >&2; fail "${#problems[@]} package problem(s)"; fi
echo "   ${#nupkgs[@]} packages: $(for n in "${nupkgs[@]}"; do basename "$n" ".$version.nupkg"; done | tr '\n' ' ')"

# 3. Build the consumer from the packages alone. It restores into its own folder, so no stale Glm4vSK build can hide a
#    change; the machine's global packages folder is only a read-only fallback for third-party packages (libtorch is
#    600 MB), which never holds a Glm4vSK.* of this unique version.
phase "building the consumer"
global=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
rm -rf "$here/bin" "$here/obj"
dotnet build "$here/PackageConsumer.csproj" -c Release -p:Glm4vSKVersion="$version" \
  -p:RestorePackagesPath="$out/restored" -p:RestoreFallbackFolders="$global" > "$out/build.log" 2>&1 \
  || { tail -50 "$out/build.log" >&2; fail "the consumer did not build against the packages (log: $out/build.log)"; }
[ -d "$out/restored/glm4vsk.localengine/$version" ] || fail "Glm4vSK.LocalEngine $version was not restored into $out/restored"
grep -q 'Glm4vSK.LocalEngine.targets' "$here/obj/PackageConsumer.csproj.nuget.g.targets" \
  || fail "the consumer does not import the package's buildTransitive/Glm4vSK.LocalEngine.targets"
bin="$here/bin/Release/net10.0"
native="$bin/runtimes/linux-x64/native/libLibTorchSharp.so"
[ -f "$native" ] || fail "no $native: the libtorch runtime did not reach the consumer's output"
# The package's post-build step must have weakened every GLIBCXX_3.4.3x need (before the program's own start-up fix).
if command -v readelf >/dev/null; then
  strong=$(readelf -V "$native" | grep -E 'Name: GLIBCXX_3\.4\.3[1-9]' | grep -v WEAK || true)
  [ -z "$strong" ] || fail "the post-build fix-up did not run on $native: $strong"
fi

# 4. Run it: exit code 0 and generated text.
phase "running the consumer on $model"
set +e
dotnet "$bin/PackageConsumer.dll" "$model" ${image:+"$image"} 2>&1 | tee "$out/run.log"
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || fail "the consumer exited with $status"
grep -qE '^generated: .*[^ ]' "$out/run.log" || fail "the consumer generated no text"
rm -rf "$here/bin" "$here/obj"   # the consumer's output carries libtorch (900 MB); kept only when a step fails
echo "package consumer: OK ($version, $((SECONDS - started)) s)"
