#!/usr/bin/python3
"""actbench's training step against PyTorch's, in one run, as one table.

For every model x activation it runs, one process each and interleaved (Go,
PyTorch, Go, PyTorch, ... so that both see the same machine state), actbench's
BenchmarkTrainStep (./trainer, built once with `go test -c`) and
bench_train.py, both at batch 128 on random CIFAR-shaped input, and prints
the medians over --rounds:

    model      act   go img/s  torch img/s  ratio  go RSS MiB  torch RSS MiB  params
    resnet20   relu      372.0        650.1   0.57       812.3          301.2  269722

ratio is Go's images/s over PyTorch's (> 1: actbench is faster). RSS is each
process's peak resident set (wait4's ru_maxrss), so both include their
runtime and one model. The parameter counts of the two sides must agree (the
script stops otherwise): they are the same architectures.

Usage (from the repository root, on an idle machine):
    /usr/bin/python3 benchmarks/torchref/compare.py [--models simplecnn,resnet20,vgg16]
        [--acts relu,pvlu,gelu] [--rounds 3] [--go-steps 10] [--torch-steps 10] [--threads 2]
        [--isa native|avx2]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GO_SPECS = {"relu": "relu", "pvlu": "pvlu", "gelu": "gelu"}


# --isa avx2 emulates an AVX2-only machine on an AVX-512 one, on both sides:
# actbench's kernels through ACTBENCH_SIMD, PyTorch's through oneDNN's ISA cap
# (convolutions, batch norm) and ATen's CPU capability (element-wise ops).
ISA_ENV = {
    "native": ({}, {}),
    "avx2": ({"ACTBENCH_SIMD": "avx2"},
             {"DNNL_MAX_CPU_ISA": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2", "ATEN_CPU_CAPABILITY": "avx2"}),
}


def run(cmd, env=None):
    """Runs cmd, returning its stdout and peak RSS in MiB."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=ROOT, text=True)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit("compare.py: %s failed (exit %d):\n%s" % (" ".join(cmd), p.returncode, out))
    return out, ru.ru_maxrss / 1024.0


def go_bench(binary, model, act, steps, threads, env=None):
    out, rss = run([binary, "-test.run", "^$", "-test.bench", "^BenchmarkTrainStep$/^%s$/^%s$" % (model, act),
                    "-test.benchtime", "%dx" % steps, "-test.cpu", str(threads)], env)
    m = re.search(r"^BenchmarkTrainStep/%s/%s\S*\s+\d+\s+\d+ ns/op(.*)$" % (model, act), out, re.M)
    if not m:
        sys.exit("compare.py: no BenchmarkTrainStep/%s/%s line in:\n%s" % (model, act, out))
    metrics = dict((unit, float(v)) for v, unit in re.findall(r"([0-9.e+]+) (\S+)", m.group(1)))
    return metrics["images/s"], rss, int(metrics["params"])


def torch_bench(model, act, steps, threads, env=None):
    out, rss = run(["/usr/bin/python3", os.path.join(HERE, "bench_train.py"), "--model", model, "--act", act,
                    "--steps", str(steps), "--threads", str(threads)], env)
    m = re.search(r"^torchref .*params=(\d+) images_per_s=([0-9.]+)", out, re.M)
    if not m:
        sys.exit("compare.py: no torchref line in:\n%s" % out)
    return float(m.group(2)), rss, int(m.group(1))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models", default="simplecnn,resnet20,vgg16")
    p.add_argument("--acts", default="relu,pvlu,gelu")
    p.add_argument("--rounds", type=int, default=3, help="runs of each side per cell; medians are printed")
    p.add_argument("--go-steps", type=int, default=10, help="timed steps per Go run")
    p.add_argument("--torch-steps", type=int, default=10, help="timed steps per PyTorch run")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--isa", choices=sorted(ISA_ENV), default="native",
                   help="native: each side's fastest kernels; avx2: both capped at AVX2 (an AVX2-only machine)")
    args = p.parse_args()
    go_env = dict(os.environ, **ISA_ENV[args.isa][0])
    torch_env = dict(os.environ, **ISA_ENV[args.isa][1])
    models = [m for m in args.models.split(",") if m]
    acts = [a for a in args.acts.split(",") if a]
    for a in acts:
        if a not in GO_SPECS:
            p.error("unknown activation %r: want one of %s" % (a, ", ".join(GO_SPECS)))

    tmp = tempfile.mkdtemp(prefix="actbench-compare-")
    binary = os.path.join(tmp, "trainer.test")
    subprocess.run(["go", "test", "-c", "-o", binary, "./trainer/"], cwd=ROOT, check=True)
    print("# %s; Go %s; threads %d; kernels %s; %d rounds, medians" % (cpu_name(), go_version(), args.threads,
                                                                       args.isa, args.rounds))
    print("%-10s %-5s %10s %12s %6s %11s %14s %9s" % ("model", "act", "go img/s", "torch img/s", "ratio",
                                                      "go RSS MiB", "torch RSS MiB", "params"))
    for model in models:
        for act in acts:
            g, t, grss, trss = [], [], [], []
            for _ in range(args.rounds):
                ips, rss, gp = go_bench(binary, model, act, args.go_steps, args.threads, go_env)
                g.append(ips)
                grss.append(rss)
                ips, rss, tp = torch_bench(model, act, args.torch_steps, args.threads, torch_env)
                t.append(ips)
                trss.append(rss)
                if gp != tp:
                    sys.exit("compare.py: %s/%s: Go has %d parameters, PyTorch %d: the models differ" % (model, act, gp, tp))
            gm, tm = statistics.median(g), statistics.median(t)
            print("%-10s %-5s %10.1f %12.1f %6.2f %11.0f %14.0f %9d" % (model, act, gm, tm, gm / tm,
                                                                        max(grss), max(trss), gp), flush=True)


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def go_version():
    return subprocess.run(["go", "env", "GOVERSION"], capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    main()
