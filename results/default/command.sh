#!/bin/sh
# Exact command that produced results.jsonl: the default preset (what `make run` runs), with the
# results file and plots placed here. Binary built from the commit recorded in every record.
actbench run --out results.jsonl --plot plots
