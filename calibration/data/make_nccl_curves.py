#!/usr/bin/env python3
"""Derive nccl_curves.csv (one row per measured point, the columns slicesim's
validation reads) from nccl_allreduce_curves.csv, the verbatim rows of the
calibration set (../../docs/collectives.md, README.md here). Values are
copied as printed; nothing is recomputed. Run from this directory:
    python3 make_nccl_curves.py > nccl_curves.csv
"""
import csv, sys

# (collective, gpu prefix, n_gpus, nodes, gpus_per_node) -> (curve id,
# slicesim platform preset, forced algorithm, column used)
CURVES = [
    (("all_reduce", "H100 (Vidur 'h100_dgx'", "2", "1", "2"), ("vidur-h100-dgx-ar-1x2", "dgx-h100", "", "ip")),
    (("all_reduce", "H100 (Vidur 'h100_dgx'", "4", "1", "4"), ("vidur-h100-dgx-ar-1x4", "dgx-h100", "", "ip")),
    (("all_reduce", "H100 (Vidur 'h100_dgx'", "8", "1", "8"), ("vidur-h100-dgx-ar-1x8", "dgx-h100", "", "ip")),
    (("send_recv", "H100 (Vidur 'h100_dgx'", "2", "1", "2"), ("vidur-h100-dgx-sr-1x2", "dgx-h100", "", "ip")),
    (("send_recv", "H100 (Vidur 'h100_dgx'", "2", "2", "1"), ("vidur-h100-dgx-sr-2x1", "dgx-h100", "", "ip")),
    (("all_reduce", "A100 (Vidur 'a100_dgx'", "2", "1", "2"), ("vidur-a100-dgx-ar-1x2", "vidur-a100-net", "", "ip")),
    (("all_reduce", "A100 (Vidur 'a100_dgx'", "4", "1", "4"), ("vidur-a100-dgx-ar-1x4", "vidur-a100-net", "", "ip")),
    (("all_reduce", "A100 (Vidur 'a100_dgx'", "8", "1", "8"), ("vidur-a100-dgx-ar-1x8", "vidur-a100-net", "", "ip")),
    (("send_recv", "A100 (Vidur 'a100_dgx'", "2", "1", "2"), ("vidur-a100-dgx-sr-1x2", "vidur-a100-net", "", "ip")),
    (("all_reduce", "A100 (Vidur 'a100_dgx'", "2", "2", "1"), ("vidur-a100-net-ar-2x1", "vidur-a100-net", "", "ip")),
    (("all_reduce", "A100 (Vidur 'a100_dgx'", "4", "2", "2"), ("vidur-a100-net-ar-2x2", "vidur-a100-net", "", "ip")),
    (("all_reduce", "A100 (Vidur 'a100_dgx'", "8", "2", "4"), ("vidur-a100-net-ar-2x4", "vidur-a100-net", "", "ip")),
    (("all_reduce", "A100 (Vidur 'a100_dgx'", "16", "2", "8"), ("vidur-a100-net-ar-2x8", "vidur-a100-net", "", "ip")),
    (("send_recv", "A100 (Vidur 'a100_dgx'", "2", "2", "1"), ("vidur-a100-net-sr-2x1", "vidur-a100-net", "", "ip")),
    (("all_reduce", "A100 (pairwise NVLink", "2", "1", "2"), ("vidur-a100-pairs-ar-1x2", "a100-pcie-nvlink-pairs", "", "ip")),
    (("all_reduce", "A100 (pairwise NVLink", "4", "1", "4"), ("vidur-a100-pairs-ar-1x4", "a100-pcie-nvlink-pairs", "", "ip")),
    (("send_recv", "A100 (pairwise NVLink", "2", "1", "2"), ("vidur-a100-pairs-sr-1x2", "a100-pcie-nvlink-pairs", "", "ip")),
    (("send_recv", "A100 (pairwise NVLink", "2", "2", "1"), ("vidur-a100-pairs-sr-2x1", "a100-pcie-nvlink-pairs", "", "ip")),
    (("all_reduce", "H100 (pairwise NVLink", "2", "1", "2"), ("vidur-h100-pairs-ar-1x2", "h100-nvl-pairs", "", "ip")),
    (("all_reduce", "H100 (pairwise NVLink", "4", "1", "4"), ("vidur-h100-pairs-ar-1x4", "h100-nvl-pairs", "", "ip")),
    (("send_recv", "H100 (pairwise NVLink", "2", "1", "2"), ("vidur-h100-pairs-sr-1x2", "h100-nvl-pairs", "", "ip")),
    (("send_recv", "H100 (pairwise NVLink", "2", "2", "1"), ("vidur-h100-pairs-sr-2x1", "h100-nvl-pairs", "", "ip")),
    (("all_reduce", "NVIDIA H100 80GB HBM3", "16", "2", "8"), ("a3mega-h100-ar-2x8", "gcp-a3-mega", "", "oop")),
    (("all_reduce", "H100", "2", "2", "1"), ("roce-h100-ar-2x1-tree", "h100-roce-4nic", "Tree", "oop")),
    (("all_reduce", "H100 PCIe", "2", "1", "2"), ("h100-pcie-bridge-ar-1x2", "h100-pcie-nvlink-bridge", "", "oop")),
    (("sendrecv", "A100 (8 NVLink", "8", "1", "8"), ("a100-nvlink-sr-1x8", "dgx-a100", "", "oop")),
    (("all_reduce", "H20", "16", "2", "8"), ("h20-nvlstree-ar-2x8", "hgx-h20", "NVLSTree", "oop")),
]

# Curves left out of the fits (still predicted and reported), with why:
# physically inconsistent with the hardware they are filed under.
SCREENED = {
    "vidur-a100-pairs-sr-1x2": "338 GB/s over an NVLink bridge of 12 x 20 GB/s = 240 GB/s",
    "vidur-h100-pairs-sr-1x2": "the same numbers as the A100 pairs file (a copy in the source)",
    "vidur-a100-pairs-sr-2x1": "bandwidth falls 3.7x from 2 MB to 64 MB: not a transfer's shape",
    "vidur-h100-pairs-sr-2x1": "the same numbers as the A100 pairs file (a copy in the source)",
    "h100-pcie-bridge-ar-1x2": "half of the bridge's bandwidth, reported as a problem; bridges fitted unknown",
}

def key_of(r):
    for k, v in CURVES:
        if (r["collective"] == k[0] and r["gpu"].startswith(k[1]) and r["n_gpus"] == k[2]
                and r["nodes"] == k[3] and r["gpus_per_node"] == k[4]):
            if k[1] in ("H100", "H20") and r["gpu"] != k[1]:
                continue
            return v
    return None

w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["curve", "platform", "op", "nodes", "gpus_per_node", "algo", "size_bytes", "time_us",
            "algbw_GBps", "busbw_GBps", "fit", "harness"])
for r in csv.DictReader(open("nccl_allreduce_curves.csv")):
    v = key_of(r)
    if not v:
        continue
    col = v[3]
    t, a, b = r[col + "_time_us"], r[col + "_algbw_GBps"], r[col + "_busbw_GBps"]
    if not t or not b:
        continue
    op = "sendrecv" if "send" in r["collective"] else "allreduce"
    # what measured the curve: Vidur's torch.distributed profiles, or nccl-tests
    harness = "torch-kineto" if r["source"].startswith("microsoft/vidur") else "nccl-tests"
    w.writerow([v[0], v[1], op, r["nodes"], r["gpus_per_node"], v[2], r["size_bytes"], t, a, b,
                0 if v[0] in SCREENED else 1, harness])
