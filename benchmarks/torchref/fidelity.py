#!/usr/bin/python3
"""Fidelity check: actbench against PyTorch on the same data and recipe.

For every model and seed it trains the model once with `actbench train` and
once with PyTorch (Debian's python3-torch 1.13), on the same CIFAR-10 images
with the same recipe, and prints one table: test error of each tool (mean and
standard deviation over the seeds), the mean difference in percentage points
(actbench minus PyTorch) with a Welch 95 % interval, and whether the mean
difference is within the tolerance (1 pp).

    make fidelity                                   # the defaults below
    make fidelity FIDELITY_ARGS="--models simplecnn --seeds 1-5 --train 10000"
    /usr/bin/python3 benchmarks/torchref/fidelity.py --actbench bin/actbench --help

What is matched exactly:
  * the images: the first --train records of the official training files
    (data_batch_1.bin, then _2, ...) and the first --test records of
    test_batch.bin, written to WORKDIR/data/cifar-10-batches-bin and read by
    both tools (actbench with --val 0 --subset 0, so it trains on all of them);
  * the architecture: the PyTorch models below are written from
    models/zoo.go, and their parameter and buffer counts are asserted against
    `actbench models --format json` before anything trains;
  * the recipe: SGD (PyTorch semantics, momentum, no dampening), L2 weight
    decay on conv/dense weights and biases but not on batch-norm (and
    activation) parameters, as actbench's default --decay-exclude; a cosine
    schedule to 0 evaluated per iteration (--lr-step per-batch) or per epoch,
    closed form; batch size with a short last batch; cross-entropy; dropout;
    batch norm (momentum 0.1, eps 1e-5, unbiased running variance); the
    normalisation (per-channel mean and population std of the training
    images); random crop padded by 4 (--crop-pad black: 0 before
    normalisation; mean: 0 after it; reflect: reflect-101) and horizontal
    flip with probability 1/2; initialisation (--init default: PyTorch's own
    defaults, which actbench copies; he-normal: kaiming_normal_ fan_out, gain
    sqrt(2) on convolutions, conv biases 0); the test error of the last epoch.
What is not: random streams. Each tool draws its own initial weights, data
order, crop offsets, flips and dropout masks from its own generator, so the
comparison is between the means over seeds, not seed by seed; the difference
has the seed-to-seed spread of both tools as its noise (the interval shows
it). Float summation order differs too (GEMM blocking, BN reductions).

Cost with the defaults (VGG-16-BN and the simple CNN, 4,000 training and
2,000 test images, 4 epochs, 3 seeds, 2 threads): about 50 minutes on two
idle cores, nearly all of it VGG-16 (measured under load: ~0.058 CPU-seconds
per training image in actbench, ~0.036 in PyTorch); --models simplecnn alone
takes about 5 minutes.

Results are cached in WORKDIR by a hash of the run's settings, so an
interrupted check resumes where it stopped; runs never overlap (one tool at a
time), so each has the machine's --threads to itself.
"""
import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import time

RECORD = 3073  # CIFAR-10 binary record: 1 label byte + 3*32*32 pixels
TRAIN_FILES = ["data_batch_%d.bin" % i for i in range(1, 6)]
VGG16 = [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("--actbench", default="bin/actbench", help="the actbench binary (make build)")
    p.add_argument("--cifar", default="", help="CIFAR-10 binary directory (cifar-10-batches-bin) or its parent; "
                   "default: $ACTBENCH_DATA, ../shared/datasets, /work/shared/datasets")
    p.add_argument("--workdir", default="runs/fidelity", help="data subset, per-run results and logs")
    p.add_argument("--models", default="vgg16,simplecnn", help="comma-separated: vgg16, simplecnn")
    p.add_argument("--seeds", default="1-3", help="seeds, e.g. 1-3 or 1,2,7")
    p.add_argument("--train", type=int, default=4000, help="training images (the first N of the official files)")
    p.add_argument("--test", type=int, default=2000, help="test images (the first N of test_batch.bin)")
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", default="vgg16=0.05,simplecnn=0.01", help="peak learning rate: one value, or model=value pairs")
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--crop-pad", default="black", choices=["black", "mean", "reflect"])
    p.add_argument("--init", default="default", choices=["default", "he-normal"])
    p.add_argument("--lr-step", default="per-batch", choices=["per-batch", "per-epoch"])
    p.add_argument("--act", default="relu", help="relu, or pvlu / pvlu(train=a): max(0,x) + a*sin(b*x), a=0.1 b=1 per site")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--tolerance", type=float, default=1.0, help="pp: the verdict's bound on |mean difference|")
    p.add_argument("--only", choices=["actbench", "torch"], help="run one tool only (the table needs both)")
    args = p.parse_args()
    args.models = [m.strip() for m in args.models.split(",") if m.strip()]
    for m in args.models:
        if m not in ("vgg16", "simplecnn"):
            p.error("model %r: the fidelity models are vgg16 and simplecnn" % m)
    args.seed_list = parse_seeds(p, args.seeds)
    lrs = {}
    for part in args.lr.split(","):
        k, sep, v = part.partition("=")
        try:
            if sep:
                lrs[k.strip()] = float(v)
            else:
                lrs = {m: float(k) for m in args.models}
        except ValueError:
            p.error("--lr %r: want a number or model=number pairs" % args.lr)
    for m in args.models:
        if m not in lrs or not lrs[m] > 0:
            p.error("--lr gives no positive rate for %s" % m)
    args.lrs = lrs
    act = args.act.replace(" ", "").lower()
    if act not in ("relu", "pvlu", "pvlu(train=a)"):
        p.error("--act %r: want relu, pvlu or pvlu(train=a)" % args.act)
    args.act = act
    if args.train < 1 or args.test < 1 or args.epochs < 1 or args.batch < 1 or args.threads < 1:
        p.error("--train, --test, --epochs, --batch and --threads must be >= 1")
    return args


def parse_seeds(p, s):
    seeds = []
    for part in s.split(","):
        lo, sep, hi = part.strip().partition("-")
        try:
            a = int(lo)
            b = int(hi) if sep else a
        except ValueError:
            p.error("--seeds %r: want e.g. 1-3 or 1,2,7" % s)
        if a < 1 or b < a:
            p.error("--seeds %r: seeds start at 1, ranges are lo-hi" % s)
        seeds.extend(range(a, b + 1))
    return seeds


def find_cifar(arg):
    cands = [arg] if arg else [os.environ.get("ACTBENCH_DATA", ""), "../shared/datasets", "/work/shared/datasets"]
    for c in cands:
        if not c:
            continue
        for d in (c, os.path.join(c, "cifar-10-batches-bin")):
            if os.path.exists(os.path.join(d, "test_batch.bin")) and os.path.exists(os.path.join(d, TRAIN_FILES[0])):
                return d
    sys.exit("fidelity: no CIFAR-10 binary directory (cifar-10-batches-bin with data_batch_1.bin and test_batch.bin) "
             "in %s: give --cifar DIR" % ", ".join(c for c in cands if c))


def prepare_data(src, workdir, n_train, n_test):
    """Writes the first n_train training and n_test test records into
    workdir/data/cifar-10-batches-bin (training records split over the
    official file names, 10,000 per file, in order) and returns the parent
    directory (actbench's --data-dir) and the raw bytes of both splits."""
    out = os.path.join(workdir, "data", "cifar-10-batches-bin")
    os.makedirs(out, exist_ok=True)
    train = bytearray()
    written = set()
    for name in TRAIN_FILES:
        need = n_train - len(train) // RECORD
        path = os.path.join(src, name)
        if need <= 0 or not os.path.exists(path):
            break
        with open(path, "rb") as f:
            chunk = f.read(need * RECORD)
        if len(chunk) % RECORD:
            sys.exit("fidelity: %s is not a whole number of %d-byte records" % (path, RECORD))
        train += chunk
        with open(os.path.join(out, name), "wb") as f:
            f.write(chunk)
        written.add(name)
    for name in set(TRAIN_FILES) - written:  # left over from a larger --train
        if os.path.exists(os.path.join(out, name)):
            os.remove(os.path.join(out, name))
    if len(train) // RECORD < n_train:
        sys.exit("fidelity: --train %d but %s holds only %d training images" % (n_train, src, len(train) // RECORD))
    with open(os.path.join(src, "test_batch.bin"), "rb") as f:
        test = f.read(n_test * RECORD)
    if len(test) // RECORD < n_test:
        sys.exit("fidelity: --test %d but %s holds only %d test images" % (n_test, src, len(test) // RECORD))
    with open(os.path.join(out, "test_batch.bin"), "wb") as f:
        f.write(test)
    meta = os.path.join(src, "batches.meta.txt")
    if os.path.exists(meta):
        with open(meta, "rb") as f, open(os.path.join(out, "batches.meta.txt"), "wb") as g:
            g.write(f.read())
    return os.path.join(workdir, "data"), bytes(train), test


def decode(raw):
    import numpy as np
    a = np.frombuffer(raw, dtype=np.uint8).reshape(-1, RECORD)
    return a[:, 1:].reshape(-1, 3, 32, 32).copy(), a[:, 0].astype(np.int64)


def actbench_spec(act):
    return {"relu": "relu", "pvlu": "pvlu(a=0.1,b=1)", "pvlu(train=a)": "pvlu(a=0.1,b=1,train=a)"}[act]


def run_key(args, model, seed, tool):
    settings = dict(tool=tool, model=model, seed=seed, train=args.train, test=args.test, epochs=args.epochs,
                    batch=args.batch, lr=args.lrs[model], momentum=args.momentum, wd=args.weight_decay,
                    crop_pad=args.crop_pad, init=args.init, lr_step=args.lr_step, act=args.act, threads=args.threads)
    h = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:12]
    return "%s-%s-seed%d-%s.json" % (tool, model, seed, h)


def run_actbench(args, model, seed, data_dir, out):
    cmd = [args.actbench, "train", "--model", model, "--act", actbench_spec(args.act), "--data", "cifar10",
           "--data-dir", data_dir, "--val", "0", "--subset", "0", "--selection", "last", "--epochs", str(args.epochs),
           "--batch", str(args.batch), "--seed", str(seed), "--opt", "sgd", "--lr", repr(args.lrs[model]),
           "--momentum", repr(args.momentum), "--weight-decay", repr(args.weight_decay), "--schedule", "cosine",
           "--augment", "--crop-pad", args.crop_pad, "--init", args.init, "--lr-step", args.lr_step,
           "--probe", "-1", "--threads", str(args.threads), "--quiet", "--json", out + ".record"]
    print("  $ " + " ".join(cmd), flush=True)
    start = time.time()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(out + ".record") as f:
        rec = json.load(f)
    os.remove(out + ".record")
    test = rec.get("test")  # absent when the trial diverged
    return dict(test_error=1 - test["top1"] if test else float("nan"), seconds=time.time() - start,
                status=rec["status"], train_images=rec["data"]["train"], test_images=rec["data"]["test"])


def count_check(args, models_json):
    """Builds every model in PyTorch and asserts its parameter and buffer
    counts against actbench's."""
    want = {m["model"]: m for m in models_json}
    for model in args.models:
        net = build_model(model, args.act, args.init)
        params = sum(p.numel() for n, p in net.named_parameters() if not is_act_param(n))
        act_params = sum(p.numel() for n, p in net.named_parameters() if is_act_param(n) and p.requires_grad)
        buffers = sum(b.numel() for n, b in net.named_buffers() if not n.endswith("num_batches_tracked"))
        w = want[model]
        got = (params, act_params, buffers)
        exp = (w["params"], w["act_params"], w["buffers"])
        if got != exp:
            sys.exit("fidelity: %s: PyTorch model has %d params, %d activation params, %d buffers; actbench %d, %d, %d: "
                     "the architectures differ (fix build_model to match models/zoo.go)" % ((model,) + got + exp))
        print("  %s: %d parameters, %d activation parameters, %d buffers in both" % ((model,) + got), flush=True)


def is_act_param(name):
    return name.endswith(".a") or name.endswith(".b")


def build_model(model, act, init):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class PVLU(nn.Module):
        def __init__(self, train_b):
            super().__init__()
            self.a = nn.Parameter(torch.tensor(0.1))
            self.b = nn.Parameter(torch.tensor(1.0), requires_grad=train_b)

        def forward(self, x):
            return F.relu(x) + self.a * torch.sin(self.b * x)

    def a():
        if act == "relu":
            return nn.ReLU()
        return PVLU(train_b=(act == "pvlu"))

    if model == "simplecnn":
        net = nn.Sequential(
            nn.Conv2d(3, 32, 3, padding=1), a(), nn.Conv2d(32, 32, 3, padding=1), a(),
            nn.MaxPool2d(2), nn.Dropout(0.25),
            nn.Conv2d(32, 64, 3, padding=1), a(), nn.Conv2d(64, 64, 3, padding=1), a(),
            nn.MaxPool2d(2), nn.Dropout(0.25),
            nn.Flatten(), nn.Linear(64 * 8 * 8, 512), a(), nn.Dropout(0.5), nn.Linear(512, 10))
    else:  # vgg16 with batch norm: conv (no bias)-bn-act per width, pool per 0, then dense(512)-act-dropout-dense
        layers, c = [], 3
        for w in VGG16:
            if w == 0:
                layers.append(nn.MaxPool2d(2))
                continue
            layers += [nn.Conv2d(c, w, 3, padding=1, bias=False), nn.BatchNorm2d(w, eps=1e-5, momentum=0.1), a()]
            c = w
        net = nn.Sequential(*layers, nn.Flatten(), nn.Linear(512, 512), a(), nn.Dropout(0.5), nn.Linear(512, 10))
    if init == "he-normal":  # torchvision's ResNet scheme, as actbench's --init he-normal
        for m in net.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
    return net


def run_torch(args, model, seed, train_raw, test_raw):
    import numpy as np
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    xtr, ytr = decode(train_raw)
    xte, yte = decode(test_raw)
    # Per-channel mean and population std of the training pixels in [0, 1].
    px = xtr.astype(np.float64) / 255
    mean = torch.tensor(px.mean(axis=(0, 2, 3)), dtype=torch.float32).view(1, 3, 1, 1)
    std = torch.tensor(px.std(axis=(0, 2, 3)), dtype=torch.float32).view(1, 3, 1, 1)
    xtr, ytr = torch.from_numpy(xtr), torch.from_numpy(ytr)
    xte, yte = torch.from_numpy(xte), torch.from_numpy(yte)

    net = build_model(model, args.act, args.init)
    decay, no_decay = [], []
    for name, p in net.named_parameters():
        if not p.requires_grad:
            continue
        is_norm = p.dim() == 1 and any(isinstance(m, torch.nn.BatchNorm2d) and (p is m.weight or p is m.bias)
                                       for m in net.modules())
        (no_decay if is_norm or is_act_param(name) else decay).append(p)
    opt = torch.optim.SGD([{"params": decay, "weight_decay": args.weight_decay},
                           {"params": no_decay, "weight_decay": 0.0}], lr=args.lrs[model], momentum=args.momentum)
    n = len(ytr)
    iters = (n + args.batch - 1) // args.batch
    total = args.epochs * iters

    def factor(it):  # actbench's lrAt for a cosine to 0 without warm-up
        if args.lr_step == "per-epoch":
            return (1 + math.cos(math.pi * (it // iters) / args.epochs)) / 2
        return (1 + math.cos(math.pi * it / total)) / 2

    sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
    P = 4
    start = time.time()
    for epoch in range(args.epochs):
        net.train()
        order = torch.randperm(n, generator=gen)
        for b0 in range(0, n, args.batch):
            idx = order[b0:b0 + args.batch]
            B = len(idx)
            dx = torch.randint(-P, P + 1, (B,), generator=gen)
            dy = torch.randint(-P, P + 1, (B,), generator=gen)
            flip = torch.rand(B, generator=gen) < 0.5
            x = augment(xtr[idx], mean, std, dx, dy, flip, args.crop_pad, P)
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(net(x), ytr[idx])
            if not torch.isfinite(loss):
                return dict(test_error=float("nan"), seconds=time.time() - start, diverged=epoch + 1)
            loss.backward()
            opt.step()
            sched.step()
    net.eval()
    correct = 0
    with torch.no_grad():
        for b0 in range(0, len(yte), 500):
            x = (xte[b0:b0 + 500].float() / 255 - mean) / std
            correct += (net(x).argmax(1) == yte[b0:b0 + 500]).sum().item()
    return dict(test_error=1 - correct / len(yte), seconds=time.time() - start, train_images=n, test_images=len(yte))


def augment(x, mean, std, dx, dy, flip, mode, pad=4):
    """The random crop and flip of actbench's datasets.Batcher on a uint8
    batch x [B C H W]: output pixel (y, x) of image i shows pixel
    (y+dy[i], x+dx[i]) of the image padded by pad as mode says ("black": 0
    before normalisation, "mean": 0 after it, "reflect": reflect-101), and a
    flipped image's column W-1-x shows what column x would; the result is
    normalised, (p/255 - mean)/std with mean, std of shape [1 C 1 1].
    datasets/testdata/gen_crop_golden.py checks it against actbench's."""
    import torch
    import torch.nn.functional as F
    B, _, H, W = x.shape
    x = x.float() / 255
    p4 = (pad, pad, pad, pad)
    if mode == "black":
        x = (F.pad(x, p4) - mean) / std
    elif mode == "mean":
        x = F.pad((x - mean) / std, p4)
    else:
        x = F.pad((x - mean) / std, p4, mode="reflect")
    rows = (dy + pad)[:, None] + torch.arange(H)[None, :]
    cols = (dx + pad)[:, None] + torch.arange(W)[None, :]
    cols = torch.where(flip[:, None], cols.flip(1), cols)
    x = x[torch.arange(B)[:, None, None], :, rows[:, :, None], cols[:, None, :]]  # [B H W C]
    return x.permute(0, 3, 1, 2).contiguous()


def welch_ci(a, b):
    """95 % interval of mean(a) - mean(b) (Welch), or None below 2 each."""
    if len(a) < 2 or len(b) < 2:
        return None
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    va = sum((x - ma) ** 2 for x in a) / (len(a) - 1) / len(a)
    vb = sum((x - mb) ** 2 for x in b) / (len(b) - 1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return (ma - mb, ma - mb)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    try:
        from scipy.stats import t
        q = t.ppf(0.975, df)
    except ImportError:
        q = 1.96
    return (ma - mb - q * se, ma - mb + q * se)


def sd(v):
    if len(v) < 2:
        return float("nan")
    m = sum(v) / len(v)
    return math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1))


def main():
    args = parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    src = find_cifar(args.cifar)
    data_dir, train_raw, test_raw = prepare_data(src, args.workdir, args.train, args.test)
    print("fidelity: %d training and %d test images from %s (copied to %s)" % (args.train, args.test, src, data_dir))
    if args.only != "torch":
        out = subprocess.run([args.actbench, "models", "--format", "json", "--act", actbench_spec(args.act)] + args.models,
                             check=True, capture_output=True, text=True).stdout
        count_check(args, json.loads(out))
    else:
        print("  (--only torch: parameter counts not checked against actbench)")
    results = {}
    for model in args.models:
        for seed in args.seed_list:
            for tool in ("actbench", "torch"):
                if args.only and tool != args.only:
                    continue
                path = os.path.join(args.workdir, run_key(args, model, seed, tool))
                if os.path.exists(path):
                    with open(path) as f:
                        r = json.load(f)
                    print("%s %s seed %d: cached, test error %.4f" % (tool, model, seed, r["test_error"]), flush=True)
                else:
                    print("%s %s seed %d ..." % (tool, model, seed), flush=True)
                    if tool == "actbench":
                        r = run_actbench(args, model, seed, data_dir, path)
                    else:
                        r = run_torch(args, model, seed, train_raw, test_raw)
                    with open(path + ".tmp", "w") as f:
                        json.dump(r, f)
                    os.replace(path + ".tmp", path)
                    print("  test error %.4f in %.0f s" % (r["test_error"], r["seconds"]), flush=True)
                results.setdefault((model, tool), []).append(r)
    if args.only:
        return
    print()
    print("recipe: SGD momentum %g, weight decay %g, cosine (%s), batch %d, %d epochs, crop+flip (pad %s), init %s, act %s; "
          "CIFAR-10 first %d training / %d test images; %d seeds each"
          % (args.momentum, args.weight_decay, args.lr_step, args.batch, args.epochs, args.crop_pad, args.init,
             args.act, args.train, args.test, len(args.seed_list)))
    head = "%-10s %6s  %-22s %-22s %-24s %s" % ("model", "lr", "actbench err % (sd)", "pytorch err % (sd)",
                                                  "diff pp [95% CI]", "within %g pp" % args.tolerance)
    print(head)
    print("-" * len(head))
    for model in args.models:
        a = [100 * r["test_error"] for r in results[(model, "actbench")]]
        b = [100 * r["test_error"] for r in results[(model, "torch")]]
        ma, mb = sum(a) / len(a), sum(b) / len(b)
        ci = welch_ci(a, b)
        cis = "[%+.2f, %+.2f]" % ci if ci else ""
        ok = abs(ma - mb) <= args.tolerance
        print("%-10s %6g  %6.2f (%4.2f)          %6.2f (%4.2f)          %+6.2f %-16s %s"
              % (model, args.lrs[model], ma, sd(a), mb, sd(b), ma - mb, cis, "yes" if ok else "NO"))
        ta = sum(r["seconds"] for r in results[(model, "actbench")]) / len(a)
        tb = sum(r["seconds"] for r in results[(model, "torch")]) / len(b)
        print("%-10s %6s  per seed: actbench %s; pytorch %s; s/run %.0f vs %.0f"
              % ("", "", " ".join("%.2f" % v for v in a), " ".join("%.2f" % v for v in b), ta, tb))


if __name__ == "__main__":
    main()
