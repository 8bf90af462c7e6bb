package record

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/actbench/actbench/trainer"
)

// TestOldRecordsReadAndWriteBackUnchanged reads two records written before
// the environment was recorded once (copied from
// results/default/results.jsonl: both env and result.env name the Go
// version, CPU, GEMM backend, ...), and writes them back byte for byte.
func TestOldRecordsReadAndWriteBackUnchanged(t *testing.T) {
	const old = "testdata/old-records.jsonl"
	want, err := os.ReadFile(old)
	if err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, old)
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	e, m := recs[1].Env, recs[1].Result.Env
	if e.Commit != "c7f2cad168e394af1443a92615c5e945ebe52ce5" || e.GoVersion != "go1.26.8" || e.GEMM != "avx512 (2 threads)" ||
		e.SIMD != "avx512" || e.CPUModel != "Intel(R) Xeon(R) Processor" || e.NumCPU != 2 || e.Threads != 2 || e.Host != "vm" {
		t.Errorf("env %+v", e)
	}
	if m.GoVersion != "go1.26.8" || m.GEMM != "avx512 (2 threads)" || m.ActKernels != "avx512" || m.Threads != 2 {
		t.Errorf("result.env %+v", m)
	}
	if recs[1].Config.Activation != "pvlu(a=0.1, b=1, per=shared, train=true)" || recs[1].Result.Test == nil {
		t.Errorf("record 2: %+v", recs[1].Config)
	}
	back := filepath.Join(t.TempDir(), "back.jsonl")
	if err := WriteFile(back, recs); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(back)
	if !bytes.Equal(got, want) {
		t.Errorf("written back differently:\n got %s\nwant %s", got, want)
	}
}

// TestNewRecordsHoldTheEnvironmentOnce: a record whose env holds only the
// build and host writes just those fields; the machine is in result.env.
func TestNewRecordsHoldTheEnvironmentOnce(t *testing.T) {
	r := testRecords(t)[0]
	r.Env = Environment{Version: "devel", Commit: "abc", NumCPU: 2, Host: "h"}
	r.Result.Env = trainer.Env{GoVersion: "go1.26.8", GOOS: "linux", GOARCH: "amd64", CPU: "cpu", Threads: 2, GEMM: "avx512 (2 threads)", ActKernels: "avx512"}
	b, err := json.Marshal(&r)
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Env    map[string]any `json:"env"`
		Result struct {
			Env map[string]any `json:"env"`
		} `json:"result"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range raw.Env {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"actbench_version", "commit", "host", "num_cpu"}) {
		t.Errorf("env holds %v, want only the build and host", keys)
	}
	if raw.Result.Env["gemm"] != "avx512 (2 threads)" || raw.Result.Env["go_version"] != "go1.26.8" {
		t.Errorf("result.env %v", raw.Result.Env)
	}
}
