#!/bin/sh
# Command that produces results.jsonl (run from this directory), with one binary built at commit b9a9fa8 (recorded
# in every record's env.commit):
#   git worktree add --detach /tmp/src b9a9fa8d6bc4f92699a8b8a8b4e1b36b57d706be && cd /tmp/src &&
#   go build -ldflags "-X github.com/actbench/actbench/runner.Commit=$(git rev-parse HEAD)" -o actbench ./cmd/actbench
# Started on 2026-12-07 (after ../paper-resnet-finetune, with the same binary). Resume: re-run the same command with that binary; finished trials in
# results.jsonl are skipped; a trial in progress resumes from its checkpoint (results.jsonl.ckpt, never committed).
actbench run --grid grid.json --data-dir ../../../shared/datasets --threads 2 --out results.jsonl --no-report
