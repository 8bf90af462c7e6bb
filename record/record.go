// Package record is the results file: the Record of one finished trial
// (its grid identity, configuration, the trainer's result and where it ran),
// the JSON Lines Store a run appends to (one whole-line write per record,
// an exclusive lock, torn last lines detected and set aside), and Merge,
// which combines the files of a sharded grid.
package record

import (
	"time"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/trainer"
)

// SchemaVersion is the version of the Record layout. Readers refuse records
// with a newer version.
const SchemaVersion = 1

// Record is one finished trial, one line of a results file.
type Record struct {
	Schema int    `json:"schema"`
	Key    string `json:"key"`
	// Grid is the grid.ID of the grid the trial belongs to; GridName its name.
	Grid     string `json:"grid"`
	GridName string `json:"grid_name,omitempty"`
	// GridTrials is the number of trials of the whole grid, so a merge can
	// say what is missing.
	GridTrials int `json:"grid_trials"`
	// Index is the trial's position in the grid's order.
	Index int    `json:"index"`
	Shard string `json:"shard,omitempty"`
	// Role is "" for a trial of the grid and "pretrain" for the shared
	// pretraining stage of a transfer / fine-tuning recipe (Index is then
	// the index of the first trial that needed it). Reports skip pretrain
	// records.
	Role string `json:"role,omitempty"`

	Config grid.TrialConfig `json:"config"`

	// Result is the trainer's record of the trial: the resolved trainer
	// configuration, status, model and data identity (name, split sizes,
	// checksum), per-epoch curves, the selected epoch's validation and test
	// metrics, dead units and learned activation parameters per epoch,
	// timings, and the machine and kernels it ran on (Result.Env).
	Result trainer.Result `json:"result"`

	Started  time.Time   `json:"started"`
	Finished time.Time   `json:"finished"`
	Env      Environment `json:"env"`
}

// TestErr is the test error (1 - top-1) of the selected epoch, and false when
// the trial has no test metrics (it diverged before its first epoch ended).
func (r *Record) TestErr() (float64, bool) {
	if r.Result.Test == nil {
		return 0, false
	}
	return 1 - r.Result.Test.Top1, true
}

// Selected is the epoch model selection picked, the one the test
// error comes from (Result.SelectedEpoch, 1-based), or the last completed
// epoch when the record names none; nil when no epoch completed.
func (r *Record) Selected() *trainer.Epoch {
	n := len(r.Result.Epochs)
	if n == 0 {
		return nil
	}
	if s := r.Result.SelectedEpoch; s >= 1 && s <= n {
		return &r.Result.Epochs[s-1]
	}
	return &r.Result.Epochs[n-1]
}

// DeadFraction is the mean over activation layers of the dead-unit fraction
// at the selected epoch (the epoch of the test error), and false when it
// was not measured.
func (r *Record) DeadFraction() (float64, bool) {
	e := r.Selected()
	if e == nil || len(e.Dead) == 0 {
		return 0, false
	}
	s := 0.0
	for _, d := range e.Dead {
		s += d.Fraction
	}
	return s / float64(len(e.Dead)), true
}

// Environment is the build a trial ran with and the host it ran on. The
// machine and kernels (Go version, OS, architecture, CPU model, GEMM backend,
// SIMD path, threads) are the trainer's: Record.Result.Env holds them, in
// every record. Records of earlier actbench versions repeat them here (the
// fields marked "older records"); they are read and written back unchanged,
// new records leave them empty, and empty they are not written.
type Environment struct {
	Version   string `json:"actbench_version"`
	Commit    string `json:"commit,omitempty"`
	GoVersion string `json:"go_version,omitempty"`   // older records
	OS        string `json:"os,omitempty"`           // older records
	Arch      string `json:"arch,omitempty"`         // older records
	GEMM      string `json:"gemm_backend,omitempty"` // older records
	SIMD      string `json:"simd_path,omitempty"`    // older records
	CPUModel  string `json:"cpu_model,omitempty"`    // older records
	NumCPU    int    `json:"num_cpu"`
	Threads   int    `json:"threads,omitempty"` // older records
	Host      string `json:"host,omitempty"`
	// SIMDEnvVar is $ACTBENCH_SIMD, which can force the pure-Go kernels.
	SIMDEnvVar string `json:"actbench_simd_env,omitempty"`
}
