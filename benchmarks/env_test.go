package benchmarks

import (
	"os"
	"path/filepath"
	"testing"
)

func TestEnvironmentReadsTheCommitFromGit(t *testing.T) {
	dir := t.TempDir()
	git := filepath.Join(dir, ".git")
	os.MkdirAll(filepath.Join(git, "refs", "heads"), 0o755)
	os.WriteFile(filepath.Join(git, "HEAD"), []byte("ref: refs/heads/main\n"), 0o644)
	os.WriteFile(filepath.Join(git, "packed-refs"), []byte("# pack-refs\n0123456789abcdef0123456789abcdef01234567 refs/heads/main\n"), 0o644)
	sub := filepath.Join(dir, "a", "b")
	os.MkdirAll(sub, 0o755)
	t.Chdir(sub)
	if c := gitHead(); c != "0123456789abcdef0123456789abcdef01234567" {
		t.Errorf("commit from packed-refs: %q", c)
	}
	os.WriteFile(filepath.Join(git, "refs", "heads", "main"), []byte("fedcba9876543210fedcba9876543210fedcba98\n"), 0o644)
	if c := gitHead(); c != "fedcba9876543210fedcba9876543210fedcba98" {
		t.Errorf("commit from refs/heads: %q", c)
	}
	old := Commit
	Commit = "from-ldflags"
	defer func() { Commit = old }()
	e := CurrentEnvironment()
	if e.Commit != "from-ldflags" || e.GoVersion == "" || e.Threads < 1 || e.NumCPU < 1 || e.GEMM == "" || e.SIMD == "" {
		t.Errorf("environment %+v", e)
	}
}

func TestEstimateScalesWithTheGrid(t *testing.T) {
	p, _ := LookupPreset(DefaultPreset)
	g := p.Grid()
	est, err := EstimateCost(&g)
	if err != nil {
		t.Fatal(err)
	}
	// The default preset must stay a few-minute job on 2 cores.
	if est.Trials != 20 || est.Seconds < 60 || est.Seconds > 240 || est.Images != 20*2*2000 {
		t.Fatalf("default preset estimate %+v", est)
	}
	Overrides{Epochs: 4}.Apply(&g)
	est2, _ := EstimateCost(&g)
	if r := est2.Seconds / est.Seconds; r < 1.6 || r > 2 {
		t.Errorf("doubling the epochs scales the estimate by %.2f", r)
	}
	ft, _ := LookupPreset("resnet-finetune")
	fg := ft.Grid()
	fe, err := EstimateCost(&fg)
	if err != nil || fe.Epochs != 5*10+15*5 {
		t.Errorf("fine-tuning estimate counts %d epochs (want 5 pretrainings of 10 + 15 trials of 5): %v", fe.Epochs, err)
	}
}
