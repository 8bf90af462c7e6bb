#!/usr/bin/python3
"""PyTorch reference for actbench's activation kernels: forward + backward
time per element of PyTorch's own activation ops.

For each op, tensor size and thread count it prints one parseable line:

    torchref_act op=gelu n=1048576 shape=1048576 threads=2 fwd_ns=0.512 bwd_ns=0.801 fwdbwd_ns=1.313 reps=50 malloc_tuned=1 torch=1.13.0

fwd_ns is y = op(x) with autograd recording (as in training), fwdbwd_ns adds
torch.autograd.grad(y, x, dy), both per element and the best (minimum) of
--rounds rounds of --reps calls; bwd_ns is their difference. Two sizes by
default: 1M elements (a flat tensor, the size of `go test ./kernels/act
-bench` and `go test ./activations -bench Activations`) and the simple CNN's
first activation, 128 x 32 x 32 x 32 (4M elements, NCHW). PyTorch allocates
its outputs on every call, which is part of what is measured (actbench's
layers write into preallocated buffers).

As in bench_train.py, glibc's malloc is tuned (MALLOC_MMAP_THRESHOLD_ and
MALLOC_TRIM_THRESHOLD_ raised to 1 GiB, the script re-executes itself with
them set) so that PyTorch's large allocations are not returned to the system
and page-faulted in again on every call; --no-malloc-tuning keeps glibc's
defaults.

Compare with (same machine, ideally idle):

    go test ./kernels/act -run '^$' -bench 'FwdBwd' -benchtime 200x
    go test ./activations -run '^$' -bench 'Activations/(relu|gelu|silu|mish|elu|softplus|tanh|sigmoid)/' -benchtime 50x

Usage:
    /usr/bin/python3 benchmarks/torchref/bench_act.py [--ops relu,gelu,...]
        [--threads 2,1] [--sizes 1m,conv] [--reps 50] [--rounds 5]
"""
import argparse
import os
import sys
import time

MALLOC_VARS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")
GIB = str(1 << 30)

# name -> function of (F, torch) returning the op
OPS = {
    "relu": lambda F, torch: F.relu,
    "gelu": lambda F, torch: F.gelu,
    "gelu_tanh": lambda F, torch: (lambda x: F.gelu(x, approximate="tanh")),
    "silu": lambda F, torch: F.silu,
    "mish": lambda F, torch: F.mish,
    "elu": lambda F, torch: F.elu,
    "selu": lambda F, torch: F.selu,
    "celu": lambda F, torch: F.celu,
    "softplus": lambda F, torch: F.softplus,
    "tanh": lambda F, torch: torch.tanh,
    "sigmoid": lambda F, torch: torch.sigmoid,
    "logsigmoid": lambda F, torch: F.logsigmoid,
    "hardswish": lambda F, torch: F.hardswish,
}
DEFAULT_OPS = "relu,gelu,gelu_tanh,silu,mish,elu,softplus,tanh,sigmoid"
SIZES = {
    "1m": (1 << 20,),
    "conv": (128, 32, 32, 32),  # the simple CNN's first activation at batch 128
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ops", default=DEFAULT_OPS, help="comma-separated: " + ",".join(OPS))
    p.add_argument("--threads", default="2,1", help="comma-separated thread counts")
    p.add_argument("--sizes", default="1m,conv", help="comma-separated: " + ",".join(SIZES))
    p.add_argument("--reps", type=int, default=50, help="calls per timed round")
    p.add_argument("--rounds", type=int, default=5, help="timed rounds (the best is reported)")
    p.add_argument("--no-malloc-tuning", action="store_true",
                   help="keep glibc's default malloc thresholds")
    args = p.parse_args()
    args.op_list = [o.strip().lower() for o in args.ops.split(",") if o.strip()]
    for o in args.op_list:
        if o not in OPS:
            p.error("unknown op %r: want one of %s" % (o, ", ".join(OPS)))
    args.size_list = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    for s in args.size_list:
        if s not in SIZES:
            p.error("unknown size %r: want one of %s" % (s, ", ".join(SIZES)))
    try:
        args.thread_list = [int(t) for t in args.threads.split(",") if t.strip()]
    except ValueError:
        p.error("--threads wants comma-separated integers, got %r" % args.threads)
    if any(t < 1 for t in args.thread_list) or args.reps < 1 or args.rounds < 1:
        p.error("--threads, --reps and --rounds must be >= 1")
    return args


def maybe_reexec(args):
    """Re-run this script with the malloc thresholds set (glibc reads them at
    process start)."""
    if args.no_malloc_tuning or all(os.environ.get(v) for v in MALLOC_VARS):
        return
    env = dict(os.environ)
    for v in MALLOC_VARS:
        env.setdefault(v, GIB)
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


def best_time(fn, reps, rounds):
    """The best of rounds timings of reps calls, in seconds per call."""
    fn()  # warm-up: allocator, thread pool, page faults
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(reps):
            fn()
        best = min(best, (time.perf_counter() - start) / reps)
    return best


def main():
    args = parse_args()
    maybe_reexec(args)

    import torch
    import torch.nn.functional as F

    torch.manual_seed(1)
    tuned = int(all(os.environ.get(v) for v in MALLOC_VARS))
    for threads in args.thread_list:
        torch.set_num_threads(threads)
        for size in args.size_list:
            shape = SIZES[size]
            x = (3 * torch.randn(*shape)).requires_grad_(True)
            dy = torch.randn(*shape)
            n = x.numel()
            for name in args.op_list:
                op = OPS[name](F, torch)

                def fwd():
                    return op(x)

                def fwdbwd():
                    y = op(x)
                    return torch.autograd.grad(y, x, dy)

                tf = best_time(fwd, args.reps, args.rounds)
                tfb = best_time(fwdbwd, args.reps, args.rounds)
                print("torchref_act op=%s n=%d shape=%s threads=%d fwd_ns=%.3f bwd_ns=%.3f fwdbwd_ns=%.3f "
                      "reps=%d malloc_tuned=%d torch=%s"
                      % (name, n, "x".join(str(d) for d in shape), threads, 1e9 * tf / n,
                         1e9 * (tfb - tf) / n, 1e9 * tfb / n, args.reps, tuned, torch.__version__),
                      flush=True)


if __name__ == "__main__":
    main()
