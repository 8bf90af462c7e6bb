#!/bin/sh
# Exact command that produced results.jsonl (run from this directory; binary built from the commit in the records).
actbench run --grid grid.json --data-dir ../../../shared/datasets --threads 2 --out results.jsonl --plot plots
