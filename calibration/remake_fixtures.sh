#!/bin/sh
# Regenerate the files that are outputs of the collective model, after a
# change of the model or of its fitted parameters (models/topo.c): the
# synthetic example log and the corrections fitted from the SimAI logs.
# Run from the repository root after `make`.
set -e
python3 calibration/examples/make_example_log.py
for n in 1node-nvlink 16node-nic 128node-nic; do
    d=$(mktemp -d)
    build/slicesim import-nccl-tests calibration/simai/simai-h-$n.log -o "$d" > /dev/null
    cp "$d/nccl_correction.json" calibration/simai/simai-h-$n.correction.json
    rm -rf "$d"
done
