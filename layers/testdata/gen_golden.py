#!/usr/bin/python3
"""Generate golden.json, the PyTorch reference fixtures of the layers tests.

Run with Debian's python3-torch (1.13) from the repository root:

    /usr/bin/python3 layers/testdata/gen_golden.py

Every case holds its configuration and float32 tensors (shape + row-major
data): inputs, parameters, the upstream gradient dy, outputs and gradients
(input and parameters) computed by PyTorch in float32, so that the Go tests
compare against PyTorch without running Python. The loss of each layer case is
sum(y * dy), so the gradient fed into backward is dy.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(20260127)
torch.set_num_threads(1)


def t(x):
    x = x.detach().to(torch.float32).contiguous()
    return {"shape": list(x.shape), "data": [float("%.9g" % v) for v in x.reshape(-1).tolist()]}


cases = {}


def conv_case(name, n, c, h, w, oc, k, stride, pad, bias):
    m = nn.Conv2d(c, oc, k, stride=stride, padding=pad, bias=bias)
    x = torch.randn(n, c, h, w, requires_grad=True)
    y = m(x)
    dy = torch.randn_like(y)
    y.backward(dy)
    tensors = {"x": t(x), "weight": t(m.weight), "y": t(y), "dy": t(dy),
               "dx": t(x.grad), "dweight": t(m.weight.grad)}
    if bias:
        tensors["bias"] = t(m.bias)
        tensors["dbias"] = t(m.bias.grad)
    cases[name] = {"layer": "conv", "config": {"outC": oc, "kernel": k, "stride": stride, "pad": pad,
                                                "bias": bias}, "tensors": tensors}


conv_case("conv_k3_s1_p1", 2, 3, 6, 6, 4, 3, 1, 1, True)
conv_case("conv_k3_s1_p0", 2, 3, 6, 5, 4, 3, 1, 0, True)
conv_case("conv_k3_s2_p1", 2, 3, 7, 7, 5, 3, 2, 1, True)
conv_case("conv_k3_s2_p0", 2, 2, 8, 7, 3, 3, 2, 0, False)
conv_case("conv_k1_s1_p0", 2, 5, 4, 4, 3, 1, 1, 0, False)
conv_case("conv_k1_s2_p0", 2, 4, 5, 5, 6, 1, 2, 0, True)
conv_case("conv_k5_s1_p2", 1, 2, 6, 6, 3, 5, 1, 2, True)
# More channels (the Go tests run every case through both convolution paths).
conv_case("conv_k3_s1_p1_c8", 3, 8, 5, 6, 4, 3, 1, 1, True)
conv_case("conv_k3_s1_p0_c9", 2, 9, 6, 5, 3, 3, 1, 0, False)
conv_case("conv_k5_s1_p2_c8", 2, 8, 6, 7, 5, 5, 1, 2, True)


def bn_case(name, shape, train):
    c = shape[1]
    m = nn.BatchNorm2d(c) if len(shape) == 4 else nn.BatchNorm1d(c)
    with torch.no_grad():
        m.weight.copy_(torch.rand(c) + 0.5)
        m.bias.copy_(torch.randn(c) * 0.5)
        m.running_mean.copy_(torch.randn(c) * 0.3)
        m.running_var.copy_(torch.rand(c) + 0.5)
    rm0, rv0 = m.running_mean.clone(), m.running_var.clone()
    m.train(train)
    x = (torch.randn(*shape) * 2 + 0.7).requires_grad_(True)
    y = m(x)
    dy = torch.randn_like(y)
    y.backward(dy)
    cases[name] = {"layer": "batchnorm", "config": {"train": train, "momentum": 0.1, "eps": 1e-5},
                   "tensors": {"x": t(x), "weight": t(m.weight), "bias": t(m.bias),
                               "running_mean": t(rm0), "running_var": t(rv0),
                               "y": t(y), "dy": t(dy), "dx": t(x.grad), "dweight": t(m.weight.grad),
                               "dbias": t(m.bias.grad),
                               "running_mean_after": t(m.running_mean),
                               "running_var_after": t(m.running_var)}}


bn_case("bn2d_train", (4, 3, 3, 3), True)
bn_case("bn2d_eval", (4, 3, 3, 3), False)
bn_case("bn1d_train", (6, 5), True)
bn_case("bn1d_eval", (6, 5), False)


def pool_case(name, kind, n, c, h, w, k, stride):
    x = torch.randn(n, c, h, w, requires_grad=True)
    y = F.max_pool2d(x, k, stride) if kind == "maxpool" else F.avg_pool2d(x, k, stride)
    dy = torch.randn_like(y)
    y.backward(dy)
    cases[name] = {"layer": kind, "config": {"kernel": k, "stride": stride},
                   "tensors": {"x": t(x), "y": t(y), "dy": t(dy), "dx": t(x.grad)}}


pool_case("maxpool_k2_s2", "maxpool", 2, 3, 6, 6, 2, 2)
pool_case("maxpool_k3_s2", "maxpool", 2, 2, 7, 7, 3, 2)
pool_case("maxpool_k2_s2_odd", "maxpool", 1, 2, 5, 7, 2, 2)
pool_case("avgpool_k2_s2", "avgpool", 2, 3, 6, 6, 2, 2)
pool_case("avgpool_k3_s2", "avgpool", 2, 2, 7, 7, 3, 2)


def dense_case(name, n, fin, fout, bias):
    m = nn.Linear(fin, fout, bias=bias)
    x = torch.randn(n, fin, requires_grad=True)
    y = m(x)
    dy = torch.randn_like(y)
    y.backward(dy)
    tensors = {"x": t(x), "weight": t(m.weight), "y": t(y), "dy": t(dy), "dx": t(x.grad),
               "dweight": t(m.weight.grad)}
    if bias:
        tensors["bias"] = t(m.bias)
        tensors["dbias"] = t(m.bias.grad)
    cases[name] = {"layer": "dense", "config": {"out": fout, "bias": bias}, "tensors": tensors}


dense_case("dense_bias", 3, 10, 7, True)
dense_case("dense_nobias", 4, 6, 5, False)


def ce_case(name, n, k, smoothing):
    z = (torch.randn(n, k) * 3).requires_grad_(True)
    labels = torch.randint(0, k, (n,))
    loss = F.cross_entropy(z, labels, label_smoothing=smoothing)
    loss.backward()
    cases[name] = {"layer": "crossentropy", "config": {"label_smoothing": smoothing,
                                                       "labels": labels.tolist()},
                   "tensors": {"logits": t(z), "loss": t(loss.reshape(1)), "dlogits": t(z.grad)}}


ce_case("ce_plain", 5, 6, 0.0)
ce_case("ce_smooth", 5, 6, 0.1)
ce_case("ce_smooth_wide", 3, 10, 0.25)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden.json")
with open(out, "w") as f:
    json.dump({"generator": "layers/testdata/gen_golden.py", "torch": torch.__version__, "cases": cases},
              f, separators=(",", ":"))
    f.write("\n")
print("wrote", out, len(cases), "cases")
