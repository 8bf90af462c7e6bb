#!/bin/sh
# Exact command that produces results.jsonl (run from this directory). The binary is built from the commit recorded
# in every record (env.commit, 9f33186 for this grid), so that every trial of the grid runs the same code:
#   git worktree add --detach /tmp/src 9f3318679433e59d68b463a9d96d29755af5cc06 && cd /tmp/src &&
#   go build -ldflags "-X github.com/actbench/actbench/runner.Commit=$(git rev-parse HEAD)" -o actbench ./cmd/actbench
# Resume: re-run the same command; finished trials in results.jsonl are skipped.
actbench run --grid grid.json --data-dir ../../../shared/datasets --threads 2 --out results.jsonl --no-report
