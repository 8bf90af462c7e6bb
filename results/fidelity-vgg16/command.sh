#!/bin/sh
# The VGG-16-BN fidelity check before the VGG rows of the PVLU table (run from the repository root):
# bin/actbench built by `make build` at commit ad51fa8, PyTorch 1.13 from Debian's python3-torch, both on 2 threads.
make build
/usr/bin/python3 benchmarks/torchref/fidelity.py --actbench bin/actbench --models vgg16
# = make fidelity FIDELITY_ARGS="--models vgg16"; per-run results land in runs/fidelity (copied to runs/ here).
