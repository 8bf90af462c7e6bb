package benchmarks

import (
	"bufio"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/actbench/actbench/trainer"
)

// SchemaVersion is the version of the Record layout. Readers refuse records
// with a newer version.
const SchemaVersion = 1

// Record is one finished trial, one line of a results file.
type Record struct {
	Schema int    `json:"schema"`
	Key    string `json:"key"`
	// Grid is the GridID of the grid the trial belongs to; GridName its name.
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

	Config TrialConfig `json:"config"`

	// Result is the trainer's record of the trial: the resolved trainer
	// configuration, status, model and data identity (name, split sizes,
	// checksum), per-epoch curves, the selected epoch's validation and test
	// metrics, dead units and learned activation parameters per epoch,
	// timings, and the trainer's view of the environment.
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

// selectedEpoch is the epoch model selection picked, the one the test
// error comes from (Result.SelectedEpoch, 1-based), or the last completed
// epoch when the record names none; nil when no epoch completed.
func (r *Record) selectedEpoch() *trainer.Epoch {
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
	e := r.selectedEpoch()
	if e == nil || len(e.Dead) == 0 {
		return 0, false
	}
	s := 0.0
	for _, d := range e.Dead {
		s += d.Fraction
	}
	return s / float64(len(e.Dead)), true
}

// Environment is where a trial ran.
type Environment struct {
	Version    string `json:"actbench_version"`
	Commit     string `json:"commit,omitempty"`
	GoVersion  string `json:"go_version"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
	GEMM       string `json:"gemm_backend,omitempty"`
	SIMD       string `json:"simd_path,omitempty"`
	CPUModel   string `json:"cpu_model,omitempty"`
	NumCPU     int    `json:"num_cpu"`
	Threads    int    `json:"threads"`
	Host       string `json:"host,omitempty"`
	SIMDEnvVar string `json:"actbench_simd_env,omitempty"`
}

// Version and Commit identify the actbench build. Set them at link time:
//
//	go build -ldflags "-X github.com/actbench/actbench/benchmarks.Version=v0.1.0 \
//	  -X github.com/actbench/actbench/benchmarks.Commit=$(git rev-parse HEAD)" ./cmd/actbench
//
// When unset, CurrentEnvironment falls back to the module build information
// (version, vcs.revision) and then to the .git directory of the working
// directory, marking a modified tree with "+dirty" only when the build info
// says so.
var (
	Version = ""
	Commit  = ""
)

// BackendInfo reports the GEMM backend and SIMD path in use; the wiring in
// trainer.go sets it from the kernels packages.
var BackendInfo = func() (gemm, simd string) { return "", "" }

// CurrentEnvironment describes this process and machine.
func CurrentEnvironment() Environment {
	e := Environment{
		Version:    Version,
		Commit:     Commit,
		GoVersion:  runtime.Version(),
		OS:         runtime.GOOS,
		Arch:       runtime.GOARCH,
		CPUModel:   cpuModel(),
		NumCPU:     runtime.NumCPU(),
		Threads:    runtime.GOMAXPROCS(0),
		SIMDEnvVar: os.Getenv("ACTBENCH_SIMD"),
	}
	e.GEMM, e.SIMD = BackendInfo()
	e.Host, _ = os.Hostname()
	if bi, ok := debug.ReadBuildInfo(); ok {
		if e.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			e.Version = bi.Main.Version
		}
		dirty := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if e.Commit == "" {
					e.Commit = s.Value
				}
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if dirty && e.Commit != "" && !strings.HasSuffix(e.Commit, "+dirty") {
			e.Commit += "+dirty"
		}
	}
	if e.Version == "" {
		e.Version = "devel"
	}
	if e.Commit == "" {
		e.Commit = gitHead()
	}
	return e
}

// cpuModel reads the first "model name" of /proc/cpuinfo (Linux); "" elsewhere.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// gitHead reads the commit checked out in the working directory's git
// repository (looking upwards), without running git. Builds with
// -buildvcs=false (and go run) carry no vcs information, so this is how a
// `make run` from a clone still records its commit.
func gitHead() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		gitDir := dir + "/.git"
		if st, err := os.Stat(gitDir); err == nil && st.IsDir() {
			head, err := os.ReadFile(gitDir + "/HEAD")
			if err != nil {
				return ""
			}
			h := strings.TrimSpace(string(head))
			ref, isRef := strings.CutPrefix(h, "ref: ")
			if !isRef {
				return h
			}
			if b, err := os.ReadFile(gitDir + "/" + ref); err == nil {
				return strings.TrimSpace(string(b))
			}
			packed, err := os.ReadFile(gitDir + "/packed-refs")
			if err != nil {
				return ""
			}
			for line := range strings.SplitSeq(string(packed), "\n") {
				if sha, name, ok := strings.Cut(line, " "); ok && name == ref {
					return sha
				}
			}
			return ""
		}
		i := strings.LastIndexByte(dir, '/')
		if i <= 0 {
			return ""
		}
		dir = dir[:i]
	}
}
