#!/usr/bin/python3
"""Generates torch_golden.csv: PyTorch's values and derivatives of the
activations actbench shares with it, as an independent check of actbench's
kernels, formulas and kink conventions (derivatives at kinks are whatever
PyTorch's backward returns).

Run with Debian's python3-torch (1.13): /usr/bin/python3 gen_golden.py
Values are computed in float64 from float32 inputs; the Go test compares the
float32 kernels against them.
"""
import csv
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

# spec (actbench grammar) -> function of a float64 tensor (and parameters)
FUNCS = {
    "relu": F.relu,
    "relu6": F.relu6,
    "leakyrelu(slope=0.01)": lambda x: F.leaky_relu(x, 0.01),
    "leakyrelu(slope=0.2)": lambda x: F.leaky_relu(x, 0.2),
    "elu": F.elu,
    "elu(alpha=0.5)": lambda x: F.elu(x, 0.5),
    "selu": F.selu,
    "celu(alpha=2)": lambda x: F.celu(x, 2.0),
    "gelu": F.gelu,
    "gelu(approx=tanh)": lambda x: F.gelu(x, approximate="tanh"),
    "silu": F.silu,
    "mish": F.mish,
    "softplus": F.softplus,
    "softplus(beta=2)": lambda x: F.softplus(x, beta=2.0),
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "hardsigmoid": F.hardsigmoid,
    "hardswish": F.hardswish,
    "softsign": F.softsign,
    "hardtanh": F.hardtanh,
    "hardtanh(min=-2, max=0.5)": lambda x: F.hardtanh(x, -2.0, 0.5),
    "softshrink": F.softshrink,
    "hardshrink": F.hardshrink,
    "tanhshrink": F.tanhshrink,
    "logsigmoid": F.logsigmoid,
    "identity": lambda x: x,
    # RReLU in evaluation mode (the slope is (lower+upper)/2; training draws
    # are random and checked by rrelu_test.go instead).
    "rrelu": lambda x: F.rrelu(x, 1.0 / 8, 1.0 / 3, training=False),
    "rrelu(lower=0.1, upper=0.3)": lambda x: F.rrelu(x, 0.1, 0.3, training=False),
    "threshold": lambda x: F.threshold(x, 1.0, 0.0),
    "threshold(threshold=-0.5, value=3)": lambda x: F.threshold(x, -0.5, 3.0),
}

# trainable activations: spec -> (function of x and parameter tensors, parameter values)
PARAM_FUNCS = {
    "prelu(init=0.25)": (lambda x, w: F.prelu(x, w[0].reshape(1)), [0.25]),
    "swish(beta=1.5)": (lambda x, w: x * torch.sigmoid(w[0] * x), [1.5]),
    "pvlu(a=0.5, b=2)": (lambda x, w: F.relu(x) + w[0] * torch.sin(w[1] * x), [0.5, 2.0]),
    "snake(a=0.7)": (lambda x, w: x + torch.sin(w[0] * x) ** 2 / w[0], [0.7]),
    "sinlu(a=0.8, b=1.3)": (lambda x, w: (x + w[0] * torch.sin(w[1] * x)) * torch.sigmoid(x), [0.8, 1.3]),
}

# A grid holding every kink (0, +-0.5, +-1, +-3, 6, -2) plus off-grid points.
XS = [i / 4 for i in range(-24, 29)] + [-7.3, -0.3, 0.1, 0.7, 2.9, 3.1, 5.5, 8.9]


def f32(v):
    return float(torch.tensor(v, dtype=torch.float32))


def main():
    with open("torch_golden.csv", "w", newline="") as out:
        w = csv.writer(out)
        w.writerow(["spec", "x", "y", "dy_dx", "dy_dp1", "dy_dp2"])
        for spec, fn in FUNCS.items():
            for x0 in XS:
                x = torch.tensor([f32(x0)], requires_grad=True)
                y = fn(x)
                y.sum().backward()
                w.writerow([spec, repr(x.item()), repr(y.item()), repr(x.grad.item()), "", ""])
        for spec, (fn, params) in PARAM_FUNCS.items():
            for x0 in XS:
                x = torch.tensor([f32(x0)], requires_grad=True)
                ps = [torch.tensor(f32(p), requires_grad=True) for p in params]
                y = fn(x, ps)
                y.sum().backward()
                grads = [repr(p.grad.item()) for p in ps] + ["", ""]
                w.writerow([spec, repr(x.item()), repr(y.item()), repr(x.grad.item()), grads[0], grads[1]])


if __name__ == "__main__":
    main()
