# Generates blur_golden.json: scipy.ndimage.gaussian_filter (mode "reflect")
# on a small 3x7x9 uint8 image, the reference for TestBlurMatchesScipy.
# Run: /usr/bin/python3 gen_blur_golden.py  (Debian python3-scipy)
import json
import numpy as np
import scipy
from scipy import ndimage

rng = np.random.default_rng(20261127)
img = rng.integers(0, 256, size=(3, 7, 9), dtype=np.uint8)
cases = []
for sigma, size in [(1.0, 5), (1.3, 3), (2.0, 11), (0.7, 7)]:
    radius = size // 2
    out = ndimage.gaussian_filter(img.astype(np.float64), sigma=(0, sigma, sigma),
                                  truncate=radius / sigma, mode="reflect")
    cases.append({"sigma": sigma, "size": size, "output": out.ravel().tolist()})
json.dump({"scipy": scipy.__version__, "c": 3, "h": 7, "w": 9,
           "input": img.ravel().tolist(), "cases": cases}, open("blur_golden.json", "w"))
