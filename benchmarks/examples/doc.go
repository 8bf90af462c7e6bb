// Package examples holds the scale-out examples of the README: slurm.sh, a
// Slurm array job with one task per shard, and k8s-job.yaml, a Kubernetes
// Indexed Job. Behind the slurm build tag, its test submits slurm.sh to a
// real single-node Slurm cluster it starts (go test -tags slurm
// ./benchmarks/examples, run by .ci/run).
package examples
