package datasets

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// sharedDir returns ../shared/datasets seen from the repository root, or
// skips the test when it is absent.
func sharedDir(t *testing.T) string {
	t.Helper()
	root, ok := moduleRoot()
	if !ok {
		t.Skip("not inside the actbench module")
	}
	dir := filepath.Join(filepath.Dir(root), "shared", "datasets")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no shared datasets at %s", dir)
	}
	return dir
}

func repeat(v, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func checkMeans(t *testing.T, s *Set, want []float64, tol float64) {
	t.Helper()
	m := ComputeNormalization(s)
	for c, w := range want {
		if math.Abs(float64(m.Mean[c])-w) > tol {
			t.Errorf("%s/%s channel %d mean %.6f, want %.6f", s.Name, s.Split, c, m.Mean[c], w)
		}
	}
}

// TestSharedCIFAR10 checks the shared copy against its README: counts, class
// histograms, checksums, channel means.
func TestSharedCIFAR10(t *testing.T) {
	dir := sharedDir(t)
	train, test, err := Load("cifar10", filepath.Join(dir, "cifar-10-batches-bin"))
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 10000 || test.Len() != 10000 || !train.IsSubset() || test.IsSubset() {
		t.Fatalf("train %d (subset %v) test %d", train.Len(), train.IsSubset(), test.Len())
	}
	if got, want := train.ClassCounts(), []int{1005, 974, 1032, 1016, 999, 937, 1030, 1001, 1025, 981}; !reflect.DeepEqual(got, want) {
		t.Errorf("train class counts %v, want %v", got, want)
	}
	if got := test.ClassCounts(); !reflect.DeepEqual(got, repeat(1000, 10)) {
		t.Errorf("test class counts %v", got)
	}
	if train.SHA256 != "333949a6a78a1f4add8a2ea152797cf44ba138082dc574c743bc4260fd023c11" ||
		test.SHA256 != "3efc7abf3b64f5984236583d95a12a72462afd5a415c21b40ff40c156fed9ada" {
		t.Errorf("sha256 %s %s", train.SHA256, test.SHA256)
	}
	checkMeans(t, test, []float64{0.49408, 0.48507, 0.45038}, 6e-6)
	if train.ClassNames[0] != "airplane" || train.ClassNames[9] != "truck" {
		t.Errorf("names %v", train.ClassNames)
	}
}

func TestSharedCIFAR100(t *testing.T) {
	dir := sharedDir(t)
	train, test, err := Load("cifar100", filepath.Join(dir, "cifar-100-binary"))
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 30000 || test.Len() != 10000 || !train.IsSubset() || test.IsSubset() {
		t.Fatalf("train %d test %d", train.Len(), test.Len())
	}
	if !reflect.DeepEqual(train.ClassCounts(), repeat(300, 100)) || !reflect.DeepEqual(train.CoarseCounts(), repeat(1500, 20)) ||
		!reflect.DeepEqual(test.ClassCounts(), repeat(100, 100)) || !reflect.DeepEqual(test.CoarseCounts(), repeat(500, 20)) {
		t.Errorf("class histograms: train %v %v", train.ClassCounts(), train.CoarseCounts())
	}
	if train.SHA256 != "b93ab34887ee12452a9f6fe41a5d511348444f68fabe8e5b348a6b34f06dc172" ||
		test.SHA256 != "b1a3acbb035950f9f6bfbe8745c9a6f1931e5197b60b098631b6b2dae4ed0180" {
		t.Errorf("sha256 %s %s", train.SHA256, test.SHA256)
	}
	// The README's train means (0.50708 0.48655 0.44092) are those of the full
	// 50,000 images; these 30,000 give the values below (numpy, float64).
	checkMeans(t, train, []float64{0.5072887731055964, 0.4869042184946895, 0.4415237736162173}, 1e-6)
	checkMeans(t, test, []float64{0.5087964127604166, 0.4873930131740196, 0.44194221124387256}, 1e-6)
	if train.ClassNames[47] != "maple_tree" || train.CoarseNames[0] != "aquatic_mammals" {
		t.Errorf("names %s %s", train.ClassNames[47], train.CoarseNames[0])
	}
}

// TestSharedDefaultLocation: with no directory, Load finds the shared copies.
func TestSharedDefaultLocation(t *testing.T) {
	dir := sharedDir(t)
	t.Setenv("ACTBENCH_DATA", "")
	p, err := Locate("cifar10", "")
	if err != nil {
		t.Fatal(err)
	}
	if abs, _ := filepath.Abs(p); abs != filepath.Join(dir, "cifar-10-batches-bin") {
		t.Errorf("Locate = %s", p)
	}
}
