#!/bin/bash
# Run an actbench grid as a Slurm array job: one task per shard.
#
#   sbatch --array=1-8 benchmarks/examples/slurm.sh cifar100-cnn
#   sbatch --array=1-8 benchmarks/examples/slurm.sh cifar100-cnn --seeds 1-10 --epochs 30   # rescaled
#   # ...when every task has finished:
#   actbench merge -o runs/cifar100-cnn.jsonl runs/cifar100-cnn.shard*of8.jsonl
#   actbench report runs/cifar100-cnn.jsonl --format md --plot plots/
#
# Every task runs a deterministic 1/N of the grid (--shard k/N), writes its own
# results file, and resumes where it stopped when it runs again (Slurm requeue
# after a preemption or node failure, `scontrol requeue JOBID_K` after a failed
# task, or a resubmission): finished trials are skipped, the trial in progress
# continues from its last checkpoint. Trials of one seed stay in one shard, so
# a pretrained stage is computed once.
#
# The arguments after the preset go to `actbench run` (scale flags, --grid
# FILE instead of a preset...). ACTBENCH names the binary (default: actbench
# on PATH; build one with: go build -o actbench ./cmd/actbench), ACTBENCH_DATA
# the dataset directory. Exit status: 0 done, 1 error, 130 interrupted by the
# SIGINT below (the task shows as FAILED; requeue it to resume).
#
#SBATCH --job-name=actbench
#SBATCH --cpus-per-task=8
#SBATCH --mem=8G
#SBATCH --time=24:00:00
#SBATCH --requeue
#SBATCH --signal=B:INT@120
#SBATCH --output=actbench-%A_%a.out
set -euo pipefail

PRESET=${1:-default}
SHARDS=${SLURM_ARRAY_TASK_COUNT:?submit with --array=1-N}
K=${SLURM_ARRAY_TASK_ID:?submit with --array=1-N}
ACTBENCH=${ACTBENCH:-actbench}

mkdir -p runs
# --signal=B:INT@120 sends SIGINT two minutes before the time limit: actbench
# stops at the next batch, checkpoints, and exits 130; the task resumes there
# when it runs again.
exec "$ACTBENCH" run \
  --preset "$PRESET" \
  --shard "$K/$SHARDS" \
  --threads "${SLURM_CPUS_PER_TASK:-8}" \
  --out "runs/$PRESET.shard${K}of${SHARDS}.jsonl" \
  ${ACTBENCH_DATA:+--data-dir "$ACTBENCH_DATA"} \
  "${@:2}"
