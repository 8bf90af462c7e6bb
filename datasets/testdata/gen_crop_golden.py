# Generates crop_golden.json: the random crop (pad 4) and flip of every
# padding mode on a 3x6x7 uint8 image with a normalisation, computed by the
# augment function of benchmarks/torchref/fidelity.py (torch F.pad; the
# fidelity check's PyTorch side), which is first checked against numpy's
# np.pad (constant / mode="reflect", i.e. reflect-101). TestCropMatchesTorch
# compares actbench's Batcher with it, so the fidelity check pads exactly as
# actbench does.
# Run: cd datasets/testdata && /usr/bin/python3 gen_crop_golden.py  (Debian python3-torch)
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "benchmarks", "torchref"))
from fidelity import augment  # noqa: E402

rng = np.random.default_rng(20261207)
C, H, W, P = 3, 6, 7, 4
img = rng.integers(0, 256, size=(C, H, W), dtype=np.uint8)
mean = np.array([0.45, 0.5, 0.55], dtype=np.float32)
std = np.array([0.2, 0.25, 0.3], dtype=np.float32)
tmean, tstd = torch.tensor(mean).view(1, C, 1, 1), torch.tensor(std).view(1, C, 1, 1)


def numpy_ref(mode, dx, dy, flip):
    x = img.astype(np.float32) / 255
    if mode == "black":
        padded = (np.pad(x, ((0, 0), (P, P), (P, P))) - mean[:, None, None]) / std[:, None, None]
    else:
        z = (x - mean[:, None, None]) / std[:, None, None]
        padded = np.pad(z, ((0, 0), (P, P), (P, P)), mode="constant" if mode == "mean" else "reflect")
    out = padded[:, P + dy:P + dy + H, P + dx:P + dx + W]
    return out[:, :, ::-1] if flip else out


cases = []
for mode in ("black", "mean", "reflect"):
    for dx, dy, flip in [(-3, 2, False), (-3, 2, True), (4, -4, False), (0, 0, True), (-4, 4, True), (2, -1, False)]:
        got = augment(torch.from_numpy(img)[None], tmean, tstd, torch.tensor([dx]), torch.tensor([dy]),
                      torch.tensor([flip]), mode, P)[0].numpy()
        ref = numpy_ref(mode, dx, dy, flip)
        assert np.allclose(got, ref, atol=1e-6), (mode, dx, dy, flip)
        cases.append({"mode": mode, "dx": dx, "dy": dy, "flip": flip, "output": got.ravel().tolist()})
json.dump({"torch": torch.__version__, "c": C, "h": H, "w": W, "mean": mean.tolist(), "std": std.tolist(),
           "input": img.ravel().tolist(), "cases": cases}, open("crop_golden.json", "w"))
