#!/usr/bin/env python3
"""Per-epoch learning curves from an actbench results file, as a Markdown table.

Usage: python3 results/tools/curves.py RESULTS.jsonl [--acts relu,pvlu] [--seeds 1,2,3]

One row per (activation, seed, epoch): train loss, validation top-1, test top-1 (when the
recipe recorded test curves), seconds for the epoch (training + evaluation) and training
images/s. Uses only the standard library; the numbers are copied from the records as they are.
"""
import argparse
import json


def main():
    p = argparse.ArgumentParser()
    p.add_argument("results")
    p.add_argument("--acts", default="")
    p.add_argument("--seeds", default="")
    a = p.parse_args()
    acts = [s for s in a.acts.split(",") if s]
    seeds = [int(s) for s in a.seeds.split(",") if s]
    rows = []
    with open(a.results) as f:
        for line in f:
            r = json.loads(line)
            if r.get("role") == "pretrain":
                continue
            act, seed = r["config"]["activation"], r["config"]["seed"]
            short = act.split("(")[0]
            if (acts and short not in acts) or (seeds and seed not in seeds):
                continue
            res = r["result"]
            for e in res["epochs"]:
                test = e.get("test", {}).get("top1")
                rows.append((short, seed, e["epoch"], e["train"]["loss"], e["val"]["top1"], test,
                             e["seconds"], e["images_per_sec"], e["epoch"] == res.get("selected_epoch")))
    print("| activation | seed | epoch | train loss | val acc % | test acc % | s/epoch | train images/s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for act, seed, ep, loss, val, test, sec, ips, sel in sorted(rows, key=lambda r: (r[0] != "relu", r[0], r[1], r[2])):
        mark = " *" if sel else ""
        t = "-" if test is None else "%.2f" % (100 * test)
        print("| %s | %d | %d%s | %.3f | %.1f | %s | %.1f | %.0f |" % (act, seed, ep, mark, loss, 100 * val, t, sec, ips))
    print("\n`*` = the epoch model selection picked (best validation accuracy); its test accuracy is the trial's result.")


if __name__ == "__main__":
    main()
