#!/bin/sh
# Command that produces results.jsonl (run from this directory), with a binary built from the commit that will be
# recorded in every record (env.commit); build it once and run the whole grid (across sessions) with it:
#   go build -ldflags "-X github.com/actbench/actbench/runner.Commit=$(git rev-parse HEAD)" -o actbench ./cmd/actbench
# Started on 2026-12-07 with a binary built at commit 0b182dec (git rev-parse HEAD at the time):
#   git worktree add --detach /tmp/src 0b182de && cd /tmp/src && go build -ldflags \
#     "-X github.com/actbench/actbench/runner.Commit=$(git rev-parse HEAD)" -o actbench ./cmd/actbench
# Resume: re-run the same command with that binary; finished trials in results.jsonl are skipped.
actbench run --grid grid.json --data-dir ../../../shared/datasets --threads 2 --out results.jsonl --no-report
