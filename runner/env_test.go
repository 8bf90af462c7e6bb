package runner

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
	if e.Commit != "from-ldflags" || e.Version == "" || e.NumCPU < 1 {
		t.Errorf("environment %+v", e)
	}
	// The machine and kernels are the trainer's to record (Result.Env):
	// here they would be a second copy in every record.
	if e.GoVersion != "" || e.OS != "" || e.Arch != "" || e.GEMM != "" || e.SIMD != "" || e.CPUModel != "" || e.Threads != 0 {
		t.Errorf("the record environment repeats the trainer's: %+v", e)
	}
}
