#!/bin/sh
# Regenerate the files that are outputs of the collective model, after a
# change of the model or of its fitted parameters (models/topo.c): the
# synthetic example log and the correction fitted from the A3 Mega log.
# Run from the repository root after `make`.
set -e
python3 calibration/examples/make_example_log.py
d=$(mktemp -d)
build/slicesim import-nccl-tests calibration/examples/a3mega_2x8_all_reduce_perf.log --topo gcp-a3-mega -o "$d" \
    > /dev/null 2>&1
cp "$d/nccl_correction.json" calibration/examples/a3mega-2x8.correction.json
rm -rf "$d"
