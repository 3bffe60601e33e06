#!/usr/bin/env bash
# One command for a lent GPU machine (README, "GPU"): points TorchSharp at the Python wheel's libtorch, then
#   (a) the fixture model tests with their engines on the GPU (GLM4V_DEVICE=cuda),
#   (b) the device benchmark: the medium model and GLM-4.1V-9B's full shapes in BF16 (prefill tok/s, decode tok/s,
#       peak GPU memory), random weights made on the device,
#   (c) tools/gpu/hf_crosscheck.py: the fixtures against transformers on the same machine.
# Every part runs even when an earlier one fails; each writes under $OUT (default ./gpu-results):
#   summary.md, torchsharp-load.txt, tests.log, bench.md, bench.jsonl, bench.log, crosscheck.txt.
# If TorchSharp cannot load the machine's libtorch, torchsharp-load.txt holds the exact loader error, (a) and (b) are
# marked skipped, and (c) still runs.
#
# Binaries: tools/gpu/payload.tar.xz (made here by tools/gpu/pack.sh: .NET runtime, test executable, benchmark; the
# GPU machine has no .NET and no network). Without it, the local Release builds are used (built when missing).
#
# Usage: bash tools/gpu/run.sh [--cpu] [--quick] [--out DIR]
#   --cpu    dry run on a CPU machine: the same parts and files with CPU figures, small settings (about 3 minutes on
#            2 cores, under 6 GB of memory); libtorch is the one bundled with the build.
#   --quick  the 9B-shape benchmark with 4 decoder layers instead of 40 (every matrix keeps its shape).
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
mode=cuda quick=0 out="${OUT:-$repo/gpu-results}"
while [ $# -gt 0 ]; do
  case "$1" in
    --cpu) mode=cpu ;;
    --quick) quick=1 ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (use --cpu, --quick, --out DIR)" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$out" && out=$(cd "$out" && pwd)
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
summary="$out/summary.md"
failed=0

# ---- binaries -------------------------------------------------------------------------------------------------
if [ -f tools/gpu/payload.tar.xz ] && [ "$mode" = cuda ]; then
  log "unpacking tools/gpu/payload.tar.xz"
  rm -rf tools/gpu/.payload && mkdir -p tools/gpu/.payload && tar -C tools/gpu/.payload -xJf tools/gpu/payload.tar.xz
  tests_dir=tools/gpu/.payload/tests bench_dir=tools/gpu/.payload/bench
  dotnet="$repo/tools/gpu/.payload/dotnet/dotnet"
  export DOTNET_ROOT="$repo/tools/gpu/.payload/dotnet"
else
  tests_dir=tests/LocalEngine.Tests/bin/Release/net10.0/linux-x64 bench_dir=tools/gpu/DeviceBench/bin/Release/net10.0/linux-x64
  dotnet=$(command -v dotnet || true)
  [ -n "$dotnet" ] || { echo "no tools/gpu/payload.tar.xz and no dotnet: run tools/gpu/pack.sh first" >&2; exit 1; }
  for p in "tests/LocalEngine.Tests:$tests_dir/Glm4vSK.LocalEngine.Tests.dll" "tools/gpu/DeviceBench:$bench_dir/Glm4vSK.DeviceBench.dll"; do
    [ -f "${p#*:}" ] && continue
    log "building ${p%%:*}"; "$dotnet" build -c Release "${p%%:*}" >/dev/null || { echo "build of ${p%%:*} failed" >&2; exit 1; }
  done
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 GLM4V_FIXTURES="${GLM4V_FIXTURES:-$repo/tests/fixtures}"

# ---- libtorch -------------------------------------------------------------------------------------------------
python_torch=$(python3 -c "import torch, os; print(torch.__version__, torch.version.cuda, os.path.join(os.path.dirname(torch.__file__), 'lib'))" 2>/dev/null || true)
if [ "$mode" = cuda ]; then
  device=cuda
  torch_lib=${python_torch##* }
  if [ -n "$python_torch" ] && [ ! -e "$bench_dir/libtorch_cpu.so" ]; then
    # TorchSharp dlopens torch_cuda/torch_cpu by name and libLibTorchSharp.so's NEEDED libtorch.so: LD_LIBRARY_PATH
    # is searched before its RUNPATH, so the wheel's libraries are the ones loaded (libtorch_cuda's own RUNPATH finds
    # the pip nvidia-* libraries).
    export LD_LIBRARY_PATH="$torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  fi
else
  device=cpu torch_lib="$repo/$bench_dir"   # the libtorch-cpu the build bundles
fi

{
  echo "# Glm4vSK on a device: $mode run, $(date -u '+%Y-%m-%d %H:%M') UTC"
  echo
  echo "- commit: $(cat tools/gpu/.payload/commit.txt 2>/dev/null || git rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "- machine: $(uname -srm); $(nproc) CPUs; $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo)"
  echo "- GPU: $(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null | paste -sd';' || true)"
  echo "- Python torch (version, CUDA, lib): ${python_torch:-none}"
  echo "- TorchSharp loads libtorch from: $torch_lib"
  echo "- .NET: $("$dotnet" --list-runtimes 2>/dev/null | grep NETCore | tail -1 || echo "?")"
  echo
} > "$summary"

# ---- TorchSharp load check --------------------------------------------------------------------------------------
log "TorchSharp load check ($device)"
{
  echo "## dlopen of libLibTorchSharp.so with every symbol bound now (RTLD_NOW), after libtorch from $torch_lib"
  python3 - "$torch_lib" "$repo/$bench_dir/libLibTorchSharp.so" <<'PY' 2>&1
import ctypes, os, sys
lib, sharp = sys.argv[1], sys.argv[2]
for name in ("libc10.so", "libtorch_cpu.so", "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so"):
    path = os.path.join(lib, name)
    if os.path.exists(path):
        ctypes.CDLL(path, mode=os.RTLD_NOW | os.RTLD_GLOBAL)
        print("loaded", path)
try:
    ctypes.CDLL(sharp, mode=os.RTLD_NOW | os.RTLD_GLOBAL)
    print("OK: libLibTorchSharp.so resolves every symbol against this libtorch")
except OSError as e:
    print("LOADER ERROR:", e)
    sys.exit(1)
PY
  echo "exit code: $?"
  echo
  echo "## TorchSharp probe (LD_BIND_NOW=1 Glm4vSK.DeviceBench --probe --device $device)"
  LD_BIND_NOW=1 timeout 120 "$dotnet" exec "$bench_dir/Glm4vSK.DeviceBench.dll" --probe --device "$device" 2>&1
  echo "exit code: $?"
} > "$out/torchsharp-load.txt"
probe_rc=$(tail -1 "$out/torchsharp-load.txt" | awk '{print $3}')
if [ "$probe_rc" = 0 ]; then
  echo "- TorchSharp load: ok on $device (torchsharp-load.txt)" >> "$summary"
else
  failed=1
  echo "- TorchSharp load: FAILED on $device; the loader's words are in torchsharp-load.txt:" >> "$summary"
  grep -m1 -E "LOADER ERROR|Exception|error" "$out/torchsharp-load.txt" | cut -c1-400 | sed 's/^/  `/; s/$/`/' >> "$summary"
fi

# ---- (a) fixture model tests on the device --------------------------------------------------------------------
classes=(ModelFixtureTests GenerationTests ProcessorEndToEndTests)
if [ "$probe_rc" = 0 ]; then
  log "(a) fixture model tests on $device"
  args=(); for c in "${classes[@]}"; do args+=(-class "Glm4vSK.LocalEngine.Tests.$c"); done
  GLM4V_DEVICE=$device timeout 900 "$dotnet" exec "$tests_dir/Glm4vSK.LocalEngine.Tests.dll" "${args[@]}" -noColor > "$out/tests.log" 2>&1
  rc=$?; [ $rc -eq 0 ] || failed=1
  echo "- (a) fixture tests on $device (${classes[*]}): exit $rc; $(grep -m1 'Total:' "$out/tests.log" | sed 's/^ *//')" >> "$summary"
else
  echo "skipped: TorchSharp could not load libtorch on $device (torchsharp-load.txt)" > "$out/tests.log"
  echo "- (a) fixture tests: skipped (TorchSharp did not load)" >> "$summary"
fi

# ---- (b) benchmark ----------------------------------------------------------------------------------------------
: > "$out/bench.jsonl"; : > "$out/bench.log"
if [ "$probe_rc" = 0 ]; then
  if [ "$mode" = cuda ]; then
    layers=$([ $quick = 1 ] && echo 4 || echo 40)
    runs=("medium 8 512 64" "glm41v-9b $layers 512 32")
  else
    runs=("medium 8 64 4" "glm41v-9b 1 16 2")
  fi
  echo "| model | device | dtype | layers | weights | prompt tok | prefill | prefill tok/s | decode tok/s | peak memory | nvidia-smi peak |" > "$out/bench.md"
  echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|" >> "$out/bench.md"
  for r in "${runs[@]}"; do
    read -r model layers prompt decode <<< "$r"
    log "(b) benchmark $model ($layers layers) on $device"
    smi=""; sampler=""
    if [ "$mode" = cuda ] && command -v nvidia-smi >/dev/null; then
      smi=$(mktemp); nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 > "$smi" 2>/dev/null & sampler=$!
    fi
    row=$(timeout 600 "$dotnet" exec "$bench_dir/Glm4vSK.DeviceBench.dll" --model "$model" --layers "$layers" --device "$device" \
      --dtype bfloat16 --prompt "$prompt" --decode "$decode" --json "$out/bench.one.json" 2>>"$out/bench.log" | tail -1)
    rc=$?
    [ -z "$sampler" ] || { kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null; }
    peak=$([ -n "$smi" ] && sort -n "$smi" | tail -1 | awk '{printf "%.2f GB", $1*1048576/1e9}' || echo "n/a")
    [ -n "$smi" ] && rm -f "$smi"
    if [ $rc -eq 0 ] && [ -f "$out/bench.one.json" ]; then
      echo "$row $peak |" >> "$out/bench.md"; cat "$out/bench.one.json" >> "$out/bench.jsonl"
    else
      failed=1; echo "| $model | $device | failed (exit $rc, bench.log) | | | | | | | | |" >> "$out/bench.md"
    fi
    rm -f "$out/bench.one.json"
  done
  { echo "- (b) benchmark (BF16, random weights made on the device):"; echo; cat "$out/bench.md"; echo; } >> "$summary"
else
  echo "skipped: TorchSharp could not load libtorch on $device (torchsharp-load.txt)" > "$out/bench.md"
  echo "- (b) benchmark: skipped (TorchSharp did not load)" >> "$summary"
fi

# ---- (c) transformers cross-check of the fixtures ---------------------------------------------------------------
if python3 -c "import torch, transformers, numpy, PIL" 2>/dev/null; then
  log "(c) hf_crosscheck.py on $GLM4V_FIXTURES"
  PYTHONUNBUFFERED=1 timeout 900 python3 tools/gpu/hf_crosscheck.py "$GLM4V_FIXTURES" > "$out/crosscheck.txt" 2>&1
  rc=$?; [ $rc -eq 0 ] || failed=1
  echo "- (c) hf_crosscheck.py: exit $rc; $(grep -c '^ok ' "$out/crosscheck.txt") ok, $(grep -c '^MISS' "$out/crosscheck.txt") MISS (crosscheck.txt)" >> "$summary"
else
  echo "skipped: python3 here has no torch/transformers/numpy/Pillow ($(python3 --version 2>&1))" > "$out/crosscheck.txt"
  echo "- (c) hf_crosscheck.py: skipped (no torch/transformers in python3)" >> "$summary"
fi

log "done: $summary"
cat "$summary"
exit $failed
