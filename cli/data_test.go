package cli

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/actbench/actbench/datasets"
)

func runDataCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(args, &Env{Stdout: &out, Stderr: &errOut, Stdin: strings.NewReader("")})
	return code, out.String(), errOut.String()
}

// cifar10Batch returns n CIFAR-10 records with labels i % 10.
func cifar10Batch(n int) []byte {
	out := make([]byte, n*3073)
	for i := 0; i < n; i++ {
		out[i*3073] = byte(i % 10)
		for j := 1; j < 3073; j++ {
			out[i*3073+j] = byte(i + j)
		}
	}
	return out
}

// cifar10Archive packs a small cifar-10-batches-bin into a .tar.gz.
func cifar10Archive(t *testing.T, train, test int) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for name, data := range map[string][]byte{"data_batch_1.bin": cifar10Batch(train), "test_batch.bin": cifar10Batch(test)} {
		if err := tw.WriteHeader(&tar.Header{Name: "cifar-10-batches-bin/" + name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(data)
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

func TestDataInfoFixture(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cifar-10-batches-bin")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "data_batch_1.bin"), cifar10Batch(25), 0o644)
	os.WriteFile(filepath.Join(dir, "test_batch.bin"), cifar10Batch(20), 0o644)
	code, out, errOut := runDataCLI(t, "data", "info", filepath.Dir(dir))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"cifar10  " + dir, "train: 25 records (SUBSET of the official 50,000)", "test: 20 records (SUBSET",
		"airplane=3 automobile=3 bird=3 cat=3 deer=3 dog=2", "per class: 2 each (10 classes)", "channel mean:", "sha256: "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runDataCLI(t, "data", "info", dir, "--json", "--blur-sigma", "0.8", "--blur-apply", "train")
	var reports []dataReport
	if code != 0 || json.Unmarshal([]byte(out), &reports) != nil || len(reports) != 1 {
		t.Fatalf("json: exit %d\n%s", code, out)
	}
	r := reports[0]
	if r.Blur != "blur(sigma=0.8,size=7) on train" || r.Train.Records != 25 || len(r.Train.Transforms) != 1 || len(r.Test.Transforms) != 0 ||
		r.Train.ClassCounts[0] != 3 || !r.Train.Subset {
		t.Errorf("report %+v", r)
	}
}

func TestDataInfoErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cifar-10-batches-bin")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "data_batch_1.bin"), cifar10Batch(25)[:3073*25-7], 0o644)
	os.WriteFile(filepath.Join(dir, "test_batch.bin"), cifar10Batch(20), 0o644)
	code, _, errOut := runDataCLI(t, "data", "info", dir)
	if code != 1 || !strings.Contains(errOut, "data_batch_1.bin") || !strings.Contains(errOut, "24 records + 3066 bytes") {
		t.Errorf("truncated file: exit %d, %s", code, errOut)
	}
	code, _, errOut = runDataCLI(t, "data", "info", t.TempDir())
	if code != 1 || !strings.Contains(errOut, "dataset not found") {
		t.Errorf("empty dir: exit %d, %s", code, errOut)
	}
	for _, args := range [][]string{{"data"}, {"data", "frob"}, {"data", "info", dir, "--blur-sigma", "1", "--blur-size", "4"},
		{"data", "info", dir, "--blur-size", "5"}, {"data", "info", dir, "--blur-apply", "bogus"}, {"data", "info", dir, "--blur-apply", "train"},
		{"data", "info", "a", "b"}, {"data", "download"}, {"data", "download", "imagenet"}} {
		if code, _, errOut := runDataCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errOut)
		}
	}
	// A usage error of a nested command points to that command's help.
	if code, _, errOut := runDataCLI(t, "data", "download", "imagenet"); code != 2 ||
		!strings.Contains(errOut, "actbench data download: unknown dataset \"imagenet\"") || !strings.Contains(errOut, "Run 'actbench data download --help'") {
		t.Errorf("download imagenet: exit %d, %q", code, errOut)
	}
	if code, out, _ := runDataCLI(t, "data", "--help"); code != 0 || !strings.Contains(out, "data download") {
		t.Errorf("help: %d %s", code, out)
	}
}

// TestDataInfoShared is the acceptance check on the shared copy.
func TestDataInfoShared(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "datasets", "cifar-100-binary")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no ../shared/datasets")
	}
	code, out, errOut := runDataCLI(t, "data", "info", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"100 classes (fine), 20 coarse", "train: 30,000 records (SUBSET of the official 50,000)",
		"test: 10,000 records (full)", "per class: 300 each (100 classes)", "per coarse class: 1,500 each (20 classes)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestDataDownload(t *testing.T) {
	archive := cifar10Archive(t, 30, 10)
	corrupt := append([]byte(nil), archive...)
	corrupt[len(corrupt)/2] ^= 0xff
	serving := archive
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "a", time.Time{}, bytes.NewReader(serving))
	}))
	defer srv.Close()
	sum := md5.Sum(archive)
	saved := datasets.Remotes["cifar10"]
	defer func() { datasets.Remotes["cifar10"] = saved }()
	datasets.Remotes["cifar10"] = datasets.Remote{Name: "cifar10", Dir: "cifar-10-batches-bin", Archive: true,
		Files: []datasets.RemoteFile{{Name: "cifar-10-binary.tar.gz", URLs: []string{srv.URL + "/cifar-10-binary.tar.gz"},
			Size: int64(len(archive)), MD5: hex.EncodeToString(sum[:])}}}

	dest := t.TempDir()
	serving = corrupt
	code, _, errOut := runDataCLI(t, "data", "download", "cifar10", "--dir", dest)
	if code != 1 || !strings.Contains(errOut, "expected md5 "+hex.EncodeToString(sum[:])) {
		t.Fatalf("corrupt: exit %d: %s", code, errOut)
	}
	serving = archive
	// Any spelling Load accepts names the dataset here too.
	code, out, errOut := runDataCLI(t, "data", "download", "CIFAR-10", "--dir", dest)
	if code != 0 || strings.TrimSpace(out) != filepath.Join(dest, "cifar-10-batches-bin") || !strings.Contains(errOut, "(100%)") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	code, out, _ = runDataCLI(t, "data", "info", dest)
	if code != 0 || !strings.Contains(out, "train: 30 records") {
		t.Errorf("info after download: %s", out)
	}
}
