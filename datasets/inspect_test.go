package datasets

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestInspect(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, filepath.Join(root, "cifar-10-batches-bin"), cifarFixture(cifar10Format, 12, 10))
	writeFiles(t, filepath.Join(root, "mnist"), mnistFixture(30, 10, true))
	c100 := filepath.Join(root, "cifar-100-binary.tar.gz")
	os.WriteFile(c100, tarGz(t, "cifar-100-binary", cifarFixture(cifar100Format, 20, 10)), 0o644)

	found, err := Inspect(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 3 || found[0].Name != "cifar10" || found[1].Name != "cifar100" || found[1].Path != c100 || found[2].Name != "mnist" {
		t.Fatalf("found %+v", found)
	}
	// An archive is recognised by content, whatever its name.
	renamed := filepath.Join(root, "data.tgz")
	os.Rename(c100, renamed)
	if found, err := Inspect(renamed); err != nil || found[0].Name != "cifar100" || found[0].Train.Len() != 20 {
		t.Fatalf("archive: %v", err)
	}
	if found, err := Inspect(filepath.Join(root, "mnist", "t10k-images-idx3-ubyte.gz")); err != nil || found[0].Name != "mnist" {
		t.Fatalf("idx file: %v", err)
	}
	if _, err := Inspect(t.TempDir()); !errors.Is(err, ErrNotFound) {
		t.Errorf("empty dir: %v", err)
	}
	bad := filepath.Join(root, "bad.tar.gz")
	os.WriteFile(bad, []byte("junk"), 0o644)
	var fe *FormatError
	if _, err := Inspect(bad); !errors.As(err, &fe) || fe.File != bad {
		t.Errorf("bad archive: %v", err)
	}
}
