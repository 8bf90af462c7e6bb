#!/usr/bin/python3
"""PyTorch reference for actbench's training-step speed.

Trains one of the project's zoo models on random CIFAR-shaped data at batch
128 with Debian's python3-torch (1.13) on 2 threads and prints, per
activation, one parseable line:

    torchref model=resnet20 act=relu batch=128 threads=2 steps=40 params=269722 images_per_s=652.1 step_ms=196.3 peak_rss_mib=410.2 malloc_tuned=1 torch=1.13.0

The models are exactly actbench's (models/zoo.go), with the same parameter
counts (params counts every trainable value, activation parameters included;
benchmarks/torchref/compare.py checks it against the Go benchmark's):

- simplecnn (CIFAR input 3x32x32, 'same' padding): conv3x3(32)-act-
  conv3x3(32)-act-maxpool2-dropout(0.25)-conv3x3(64)-act-conv3x3(64)-act-
  maxpool2-dropout(0.25)-flatten-dense(512)-act-dropout(0.5)-dense(classes);
  2,168,362 parameters.
- resnet20 (He et al. 2016, CIFAR): conv3x3(16, no bias)-bn-act, 3 stages x
  3 basic blocks (16/32/64 channels; act(bn(conv(act(bn(conv(x))))) +
  shortcut(x)), the first block of stages 2 and 3 with stride 2 and the
  option-A shortcut: x[:, :, ::2, ::2] zero-padded by half the new channels
  on each side), global average pool, dense(classes); 269,722 parameters.
- vgg16 (configuration D with batch norm): conv3x3(no bias)-bn-act for
  64,64,M,128,128,M,256x3,M,512x3,M,512x3,M (M = maxpool2), flatten,
  dense(512)-act-dropout(0.5)-dense(classes); 14,986,698 parameters.

Batch norm is PyTorch's default (momentum 0.1, eps 1e-5). One step is
forward, softmax cross-entropy, backward and an Adam update (lr 1e-3), as in
actbench's trainer. PVLU is max(0,x) + a*sin(b*x) with scalar trainable a
(0.1) and b (1) per activation site, written as PyTorch users write it
(unfused); GELU is nn.GELU() (the exact erf form, as actbench's gelu).

PyTorch is measured at its best on these machines: glibc's malloc returns
memory to the system on every large free unless MALLOC_MMAP_THRESHOLD_ and
MALLOC_TRIM_THRESHOLD_ are raised, which costs 12-28 %; the script re-executes
itself with both set to 1 GiB unless --no-malloc-tuning is given or they are
already set. Peak RSS is the process's (ru_maxrss), which includes every
activation measured so far: run one activation per process (--act) for a
per-activation figure.

Usage:
    /usr/bin/python3 benchmarks/torchref/bench_train.py [--model simplecnn]
        [--act relu,pvlu,gelu] [--steps 40] [--warmup 5] [--batch 128]
        [--threads 2] [--classes 10]
"""
import argparse
import os
import resource
import sys
import time

# Trainable parameters of actbench's models at 10 classes, activation
# parameters apart (as `actbench models` prints them), and activation sites.
MODELS = {
    "simplecnn": (2168362, 5),
    "resnet20": (269722, 19),
    "vgg16": (14986698, 14),
}

MALLOC_VARS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")
GIB = str(1 << 30)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default="simplecnn", choices=sorted(MODELS),
                   help="the zoo model (as actbench's models/zoo.go)")
    p.add_argument("--act", default="relu,pvlu", help="comma-separated activations: relu, pvlu, gelu")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--steps", type=int, default=40, help="timed training steps per activation")
    p.add_argument("--warmup", type=int, default=5, help="untimed steps first")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-malloc-tuning", action="store_true",
                   help="keep glibc's default malloc thresholds")
    args = p.parse_args()
    acts = [a.strip().lower() for a in args.act.split(",") if a.strip()]
    for a in acts:
        if a not in ("relu", "pvlu", "gelu"):
            p.error("unknown activation %r: want relu, pvlu or gelu" % a)
    if args.batch < 1 or args.steps < 1 or args.warmup < 0 or args.threads < 1 or args.classes < 2:
        p.error("--batch, --steps and --threads must be >= 1, --warmup >= 0, --classes >= 2")
    args.acts = acts
    return args


def maybe_reexec(args):
    """Re-run this script with the malloc thresholds set (they are read by
    glibc at process start, so setting them here would be too late)."""
    if args.no_malloc_tuning or all(os.environ.get(v) for v in MALLOC_VARS):
        return
    env = dict(os.environ)
    for v in MALLOC_VARS:
        env.setdefault(v, GIB)
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


def main():
    args = parse_args()
    maybe_reexec(args)

    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    class PVLU(nn.Module):
        """max(0, x) + a*sin(b*x) with scalar trainable a and b."""

        def __init__(self, a=0.1, b=1.0):
            super().__init__()
            self.a = nn.Parameter(torch.tensor(float(a)))
            self.b = nn.Parameter(torch.tensor(float(b)))

        def forward(self, x):
            return F.relu(x) + self.a * torch.sin(self.b * x)

    def act(name):
        if name == "relu":
            return nn.ReLU()
        if name == "gelu":
            return nn.GELU()
        return PVLU()

    class ShortcutA(nn.Module):
        """Option A: subsample by the stride, zero-pad the channels by half
        the increase on each side."""

        def __init__(self, in_c, out_c, stride):
            super().__init__()
            self.stride, self.pad = stride, (out_c - in_c) // 2

        def forward(self, x):
            x = x[:, :, ::self.stride, ::self.stride]
            return F.pad(x, (0, 0, 0, 0, self.pad, self.pad))

    class BasicBlock(nn.Module):
        def __init__(self, name, in_c, width, stride):
            super().__init__()
            self.body = nn.Sequential(
                nn.Conv2d(in_c, width, 3, stride=stride, padding=1, bias=False),
                nn.BatchNorm2d(width), act(name),
                nn.Conv2d(width, width, 3, padding=1, bias=False),
                nn.BatchNorm2d(width),
            )
            self.shortcut = nn.Identity()
            if stride != 1 or in_c != width:
                self.shortcut = ShortcutA(in_c, width, stride)
            self.act = act(name)

        def forward(self, x):
            return self.act(self.body(x) + self.shortcut(x))

    def resnet(name, classes, n=3):
        layers = [nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), act(name)]
        in_c = 16
        for stage, width in enumerate((16, 32, 64)):
            for i in range(n):
                stride = 2 if stage > 0 and i == 0 else 1
                layers.append(BasicBlock(name, in_c, width, stride))
                in_c = width
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, classes)]
        return nn.Sequential(*layers)

    def vgg16(name, classes):
        cfg = (64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0)
        layers, in_c = [], 3
        for w in cfg:
            if w == 0:
                layers.append(nn.MaxPool2d(2))
                continue
            layers += [nn.Conv2d(in_c, w, 3, padding=1, bias=False), nn.BatchNorm2d(w), act(name)]
            in_c = w
        layers += [nn.Flatten(), nn.Linear(512, 512), act(name), nn.Dropout(0.5), nn.Linear(512, classes)]
        return nn.Sequential(*layers)

    def simple_cnn(name, classes):
        return nn.Sequential(
            nn.Conv2d(3, 32, 3, padding=1), act(name),
            nn.Conv2d(32, 32, 3, padding=1), act(name),
            nn.MaxPool2d(2), nn.Dropout(0.25),
            nn.Conv2d(32, 64, 3, padding=1), act(name),
            nn.Conv2d(64, 64, 3, padding=1), act(name),
            nn.MaxPool2d(2), nn.Dropout(0.25),
            nn.Flatten(),
            nn.Linear(64 * 8 * 8, 512), act(name), nn.Dropout(0.5),
            nn.Linear(512, classes),
        )

    tuned = int(all(os.environ.get(v) for v in MALLOC_VARS))
    x = torch.randn(args.batch, 3, 32, 32)
    y = torch.randint(0, args.classes, (args.batch,))
    build = {"simplecnn": simple_cnn, "resnet20": resnet, "vgg16": vgg16}[args.model]
    for name in args.acts:
        model = build(name, args.classes)
        model.train()
        params = sum(p.numel() for p in model.parameters())
        if args.classes == 10:
            weights, sites = MODELS[args.model]
            want = weights + (2 * sites if name == "pvlu" else 0)
            if params != want:
                sys.exit("bench_train.py: %s/%s has %d parameters, actbench's has %d: the models differ"
                         % (args.model, name, params, want))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)

        def step():
            opt.zero_grad(set_to_none=False)
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss

        for _ in range(args.warmup):
            step()
        start = time.perf_counter()
        for _ in range(args.steps):
            loss = step()
        loss.item()
        elapsed = time.perf_counter() - start
        rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        print("torchref model=%s act=%s batch=%d threads=%d steps=%d params=%d images_per_s=%.1f step_ms=%.2f "
              "peak_rss_mib=%.1f malloc_tuned=%d torch=%s"
              % (args.model, name, args.batch, args.threads, args.steps, params, args.steps * args.batch / elapsed,
                 1000 * elapsed / args.steps, rss_mib, tuned, torch.__version__), flush=True)


if __name__ == "__main__":
    main()
