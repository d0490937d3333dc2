#!/usr/bin/env python3
"""The single-node collective curves' errors by size regime, and whether a
miss is a point the source itself does not pin down (docs/collectives.md
§2a, "Single-node curves by size regime").

Vidur's profiles give, for every point, the minimum, mean, median and maximum
of three timed steps (nccl_allreduce_curves.csv, `notes`); the curve uses the
median. A point whose steps span more than the 25% point tolerance
(max / min > 1.25) is one the measurement leaves open by more than the target
itself: the steps land in two modes (for example 7 and 43 us at one size),
and the median is the mode two of them fell in.

Run from the repository root after `slicesim validate --json FILE`:
    python3 calibration/data/nccl_regimes.py FILE
Prints, per single-node curve from 64 KiB up: the mean |busbw error| of the
latency floor (up to 1 MiB), the fill (2-16 MiB) and the plateau (32 MiB
up), the number of points whose steps disagree, and the mean and largest
error over the points whose steps agree.
"""
import csv, json, re, sys

DATA = "calibration/data/"
# curve id prefix -> the calibration set's gpu label prefix
GPU = {
    "vidur-h100-dgx": "H100 (Vidur 'h100_dgx'",
    "vidur-a100-dgx": "A100 (Vidur 'a100_dgx'",
    "vidur-a100-net": "A100 (Vidur 'a100_dgx'",
    "vidur-a100-pairs": "A100 (pairwise NVLink",
    "vidur-h100-pairs": "H100 (pairwise NVLink",
}
SPREAD = re.compile(r"min ([0-9.]+) ms, mean [0-9.]+ ms, max ([0-9.]+) ms")


def spreads():
    """(gpu prefix, collective, nodes, gpus_per_node, size) -> max / min of the timed steps."""
    out = {}
    for r in csv.DictReader(open(DATA + "nccl_allreduce_curves.csv")):
        m = SPREAD.search(r["notes"])
        label = next((g for g in GPU.values() if r["gpu"].startswith(g)), None)
        if m and label and float(m.group(1)) > 0:
            op = "sendrecv" if "send" in r["collective"] else "allreduce"
            key = (label, op, int(r["nodes"]), int(r["gpus_per_node"]), int(r["size_bytes"]))
            out[key] = float(m.group(2)) / float(m.group(1))
    return out


def regime(size):
    return "floor" if size <= 1 << 20 else "fill" if size <= 16 << 20 else "plateau"


def main(path):
    rows = json.load(open(path))["rows"]
    err = {(r["case"][5:], float(r["item"].split()[2])): r["error_pct"]
           for r in rows if r["case"].startswith("nccl-") and r["item"].startswith("busbw at ")}
    sp = spreads()
    curves = {}
    for r in csv.DictReader(open(DATA + "nccl_curves.csv")):
        s = float(r["size_bytes"])
        if r["nodes"] != "1" or s < 65536 or (r["curve"], s) not in err:
            continue
        prefix = "-".join(r["curve"].split("-")[:3])
        key = (GPU.get(prefix), r["op"], 1, int(r["gpus_per_node"]), int(s))
        curves.setdefault(r["curve"], []).append((s, err[(r["curve"], s)], sp.get(key)))
    print("%-26s %7s %7s %7s  %s" % ("curve", "floor", "fill", "plateau", "steps disagree; steps agree: mean / largest"))
    for c, pts in curves.items():
        by = {}
        for s, e, _ in pts:
            by.setdefault(regime(s), []).append(abs(e))
        cell = lambda k: "%6.1f%%" % (sum(by[k]) / len(by[k])) if k in by else "      -"
        agree = [abs(e) for _, e, x in pts if x is not None and x <= 1.25]
        loose = sum(1 for _, _, x in pts if x is not None and x > 1.25)
        tail = ("%d; %d: %.1f%% / %.1f%%" % (loose, len(agree), sum(agree) / len(agree), max(agree))
                if agree else "no step spread in the source")
        print("%-26s %s %s %s  %s" % (c, cell("floor"), cell("fill"), cell("plateau"), tail))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "validate.json")
