#!/usr/bin/env bash
# loop.sh -- the whole calibration loop on a machine with an NVIDIA GPU:
#   1. calibrate: run the microbenchmarks and fit a profile (OUTDIR/profile.json);
#   2. run the contention benchmark with 1, 2 and 4 processes time-sliced
#      (GEMM bursts, then copy bursts);
#   3. run slicesim on the same situations with the measured profile;
#   4. print predicted against measured throughput and latency, with the error;
#   5. the throughput probe: N busy processes against one alone, time-sliced,
#      for a large GEMM, a launch-bound small GEMM and a streaming kernel; and
#      pairs of small and large kernels (one block per SM, so their widths are
#      known) time-sliced and under MPS; predicted against measured by
#      `slicesim calibrate throughput` (OUTDIR/throughput/), with the switch
#      cost each time-sliced run implies.
# Everything it writes goes under OUTDIR. About 7-9 minutes on an H100/H200;
# the microbenchmarks are bounded by --budget-s and each contention run by its
# duration. Usage: calibration/loop.sh OUTDIR [BUDGET_S]
# Environment: SLICESIM=PATH runs that simulator binary and builds only the
# microbenchmarks (a GPU host without GSL and cJSON: build slicesim elsewhere,
# bring it with its shared libraries on LD_LIBRARY_PATH); NVCCFLAGS is passed
# to `make calib`.
set -euo pipefail
out=${1:?usage: calibration/loop.sh OUTDIR [BUDGET_S]}
budget=${2:-180}
case $out in /*) ;; *) out=$PWD/$out ;; esac
cd "$(dirname "$0")/.."
mkdir -p "$out"
sim=${SLICESIM:-./build/slicesim}
calib=(make calib)
[ -n "${NVCCFLAGS:-}" ] && calib+=("NVCCFLAGS=$NVCCFLAGS")
{ if [ -z "${SLICESIM:-}" ]; then make -j4; fi && "${calib[@]}"; } >"$out/build.log" 2>&1 || {
    echo "loop.sh: build failed; see $out/build.log" >&2; cat "$out/build.log" >&2; exit 1; }
"$sim" calibrate run -o "$out" --budget-s "$budget" | tee "$out/calibrate.txt"
# Compute-bound bursts (4 bf16 GEMMs 8192^3) and memory-bound ones (4 copy
# kernels over 1 GiB), each with 1, 2 and 4 processes at 60% load.
for kind in gemm copy; do
    if [ "$kind" = gemm ]; then burst=(--kind gemm --m 8192 --n 8192 --k 8192 --prec bf16 --kernels 4)
    else burst=(--kind copy --bytes 1073741824 --kernels 4); fi
    for n in 1 2 4; do
        ./build/calib/microbench contention --procs "$n" --load 0.6 --duration-s 12 --warmup-s 2 \
            "${burst[@]}" --out "$out/contention_${kind}_$n.json"
        "$sim" calibrate predict "$out/contention_${kind}_$n.json" "$out/profile.json" \
            -o "$out/predict_${kind}_$n" --reps 20 | tee "$out/predict_${kind}_$n.txt"
    done
done
{
    echo "burst,procs,metric,predicted,measured,rel_error"
    for kind in gemm copy; do
        for n in 1 2 4; do tail -n +2 "$out/predict_${kind}_$n/comparison.csv" | sed "s/^/$kind,/"; done
    done
} >"$out/comparison.csv"
echo
echo "predicted against measured (all under $out):"
awk -F, 'NR == 1 { printf "%-6s %-6s %-18s %12s %12s %9s\n", "burst", "procs", "metric", "predicted", "measured", "error"; next }
         { printf "%-6s %-6s %-18s %12.4f %12.4f %+8.1f%%\n", $1, $2, $3, $4, $5, 100 * $6 }' "$out/comparison.csv" \
    | tee "$out/comparison.txt"

# 5. The throughput probe (docs/calibration.md, "Throughput probe").
tdir="$out/throughput"
mkdir -p "$tdir"
tp() { ./build/calib/microbench throughput --duration-s 6 --warmup-s 1 "$@"; }
sms=$(grep -o '"sms":[[:space:]]*[0-9]*' "$out/profile.json" | head -1 | grep -o '[0-9]*$')
[ -n "$sms" ] || { echo "loop.sh: no \"sms\" in $out/profile.json" >&2; exit 1; }
small=$(( sms / 4 > 0 ? sms / 4 : 1 ))
for kind in big small stream; do
    case $kind in
    big) burst=(--kind gemm --m 8192 --n 8192 --k 8192 --prec bf16 --kernels 4) ;;
    small) burst=(--kind gemm --m 256 --n 256 --k 256 --prec bf16 --kernels 64) ;;
    stream) burst=(--kind copy --bytes 1073741824 --kernels 4) ;;
    esac
    tp --procs 1 "${burst[@]}" --out "$tdir/throughput_${kind}_1.json"
    tp --procs 4 "${burst[@]}" --out "$tdir/throughput_${kind}_ts_4.json"
done
fma=(--kind fma --iters 400000 --kernels 1)
tp --procs 1 "${fma[@]}" --blocks "$small" --out "$tdir/throughput_fma_small_1.json"
tp --procs 1 "${fma[@]}" --blocks "$sms" --out "$tdir/throughput_fma_large_1.json"
tp --procs 2 "${fma[@]}" --blocks "$small,$sms" --out "$tdir/throughput_fma_pair_ts.json"
if command -v nvidia-cuda-mps-control >/dev/null; then
    export CUDA_MPS_PIPE_DIRECTORY="$out/mps/pipe" CUDA_MPS_LOG_DIRECTORY="$out/mps/log"
    mkdir -p "$CUDA_MPS_PIPE_DIRECTORY" "$CUDA_MPS_LOG_DIRECTORY"
    if nvidia-cuda-mps-control -d; then
        tp --procs 2 --sharing mps "${fma[@]}" --blocks "$small,$small" --out "$tdir/throughput_fma_small_mps_2.json"
        tp --procs 2 --sharing mps "${fma[@]}" --blocks "$small,$sms" --out "$tdir/throughput_fma_pair_mps.json"
        tp --procs 2 --sharing mps "${fma[@]}" --blocks "$sms,$sms" --out "$tdir/throughput_fma_large_mps_2.json"
        tp --procs 4 --sharing mps --kind gemm --m 256 --n 256 --k 256 --prec bf16 --kernels 64 \
            --out "$tdir/throughput_small_mps_4.json"
        echo quit | nvidia-cuda-mps-control
    else
        echo "loop.sh: the MPS daemon did not start; MPS runs skipped" >&2
    fi
else
    echo "loop.sh: nvidia-cuda-mps-control not found; MPS runs skipped" >&2
fi
cp "$out/profile.json" "$tdir/profile.json"
"$sim" calibrate throughput "$out/profile.json" "$tdir" -o "$tdir/comparison.csv" | tee "$out/throughput.txt"
echo "to record these runs: cp $tdir/*.json calibration/measured/throughput/ (then slicesim validate --case throughput-gpu)"
