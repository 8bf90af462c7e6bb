#!/bin/sh
# Command that produces results.jsonl (run from this directory), with a binary built from the commit that will be
# recorded in every record (env.commit); build it once and run the whole grid (across sessions) with it:
#   go build -ldflags "-X github.com/actbench/actbench/runner.Commit=$(git rev-parse HEAD)" -o actbench ./cmd/actbench
# The pretrained checkpoint is kept in ../vgg19-pretrain.ckpt (never committed) .
# Not started yet: its first session records the commit here. Resume: re-run the same command.
actbench run --grid grid.json --data-dir ../../../shared/datasets --threads 2 --cache ../vgg19-pretrain.ckpt --out results.jsonl --no-report
