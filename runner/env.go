package runner

import (
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/actbench/actbench/record"
)

// Version and Commit identify the actbench build. Set them at link time:
//
//	go build -ldflags "-X github.com/actbench/actbench/runner.Version=v0.1.0 \
//	  -X github.com/actbench/actbench/runner.Commit=$(git rev-parse HEAD)" ./cmd/actbench
//
// When unset, CurrentEnvironment falls back to the module build information
// (version, vcs.revision) and then to the .git directory of the working
// directory, marking a modified tree with "+dirty" only when the build info
// says so.
var (
	Version = ""
	Commit  = ""
)

// CurrentEnvironment describes this build and host. The machine and kernels
// are the trainer's to record (trainer.Result.Env), once per record.
func CurrentEnvironment() record.Environment {
	e := record.Environment{
		Version:    Version,
		Commit:     Commit,
		NumCPU:     runtime.NumCPU(),
		SIMDEnvVar: os.Getenv("ACTBENCH_SIMD"),
	}
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
