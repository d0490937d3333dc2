#!/usr/bin/env bash
# loop.sh -- the whole calibration loop on a machine with an NVIDIA GPU:
#   1. calibrate: run the microbenchmarks and fit a profile (OUTDIR/profile.json);
#   2. run the contention benchmark with 1, 2 and 4 processes time-sliced;
#   3. run slicesim on the same situations with the measured profile;
#   4. print predicted against measured throughput and latency, with the error.
# Everything it writes goes under OUTDIR. About 3-5 minutes on an H100/H200;
# the microbenchmarks are bounded by --budget-s and each contention run by its
# duration. Usage: calibration/loop.sh OUTDIR [BUDGET_S]
set -euo pipefail
out=${1:?usage: calibration/loop.sh OUTDIR [BUDGET_S]}
budget=${2:-180}
case $out in /*) ;; *) out=$PWD/$out ;; esac
cd "$(dirname "$0")/.."
mkdir -p "$out"
make -j4 >"$out/build.log" 2>&1 && make calib >>"$out/build.log" 2>&1 || {
    echo "loop.sh: build failed; see $out/build.log" >&2; exit 1; }
./build/slicesim calibrate run -o "$out" --budget-s "$budget" | tee "$out/calibrate.txt"
for n in 1 2 4; do
    ./build/calib/microbench contention --procs "$n" --load 0.6 --duration-s 12 --warmup-s 2 \
        --m 8192 --n 8192 --k 8192 --kernels 4 --prec bf16 --out "$out/contention_$n.json"
    ./build/slicesim calibrate predict "$out/contention_$n.json" "$out/profile.json" \
        -o "$out/predict_$n" --reps 20 | tee "$out/predict_$n.txt"
done
{
    echo "procs,metric,predicted,measured,rel_error"
    for n in 1 2 4; do tail -n +2 "$out/predict_$n/comparison.csv"; done
} >"$out/comparison.csv"
echo
echo "predicted against measured (all under $out):"
awk -F, 'NR == 1 { printf "%-6s %-18s %12s %12s %9s\n", "procs", "metric", "predicted", "measured", "error"; next }
         { printf "%-6s %-18s %12.4f %12.4f %+8.1f%%\n", $1, $2, $3, $4, 100 * $5 }' "$out/comparison.csv" \
    | tee "$out/comparison.txt"
