package datasets

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fileServer serves named files with Range support (http.ServeContent) and
// records the requests; misbehaviours are switched on per test.
type fileServer struct {
	mu       sync.Mutex
	files    map[string][]byte
	requests []string // "NAME RANGE"
	served   int64    // body bytes written
	noRange  bool     // ignore Range headers (always 200 with the whole file)
	cutAfter int      // > 0: send the full Content-Length but only this many bytes, then drop
}

func (s *fileServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	name := strings.TrimPrefix(r.URL.Path, "/")
	data, ok := s.files[name]
	s.requests = append(s.requests, name+" "+r.Header.Get("Range"))
	noRange, cut := s.noRange, s.cutAfter
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	if noRange {
		r.Header.Del("Range")
	}
	cw := &countingWriter{ResponseWriter: w, s: s}
	if cut > 0 {
		w.Header().Set("Content-Length", itoa(len(data)))
		w.WriteHeader(http.StatusOK)
		cw.Write(data[:cut])
		w.(http.Flusher).Flush()
		if h, ok := w.(http.Hijacker); ok { // drop the connection mid-body
			conn, _, _ := h.Hijack()
			conn.Close()
		}
		return
	}
	http.ServeContent(cw, r, name, time.Time{}, bytes.NewReader(data))
}

type countingWriter struct {
	http.ResponseWriter
	s *fileServer
}

func (c *countingWriter) Write(b []byte) (int, error) {
	c.s.mu.Lock()
	c.s.served += int64(len(b))
	c.s.mu.Unlock()
	return c.ResponseWriter.Write(b)
}

func itoa(n int) string { return strconv.Itoa(n) }

func sums(data []byte) (string, string) {
	m := md5.Sum(data)
	s := sha256.Sum256(data)
	return hex.EncodeToString(m[:]), hex.EncodeToString(s[:])
}

// testRemote describes a small CIFAR-10 archive served by srv.
func testRemote(archive []byte) Remote {
	m, s := sums(archive)
	return Remote{Name: "cifar10", Dir: "cifar-10-batches-bin", Archive: true, Files: []RemoteFile{{
		Name: "cifar-10-binary.tar.gz", URLs: []string{"http://invalid.example/unused"},
		Size: int64(len(archive)), MD5: m, SHA256: s}}}
}

func smallArchive(t *testing.T) []byte {
	files := cifarFixture(cifar10Format, 40, 20)
	files["readme.html"] = []byte("<html>readme</html>")
	return tarGz(t, "cifar-10-batches-bin", files)
}

func serve(t *testing.T, files map[string][]byte) (*fileServer, *httptest.Server) {
	fs := &fileServer{files: files}
	srv := httptest.NewServer(fs)
	t.Cleanup(srv.Close)
	return fs, srv
}

func TestDownloadFreshAndAlreadyPresent(t *testing.T) {
	archive := smallArchive(t)
	fs, srv := serve(t, map[string][]byte{"cifar-10-binary.tar.gz": archive})
	dest := t.TempDir()
	var progress bytes.Buffer
	p, err := Download(context.Background(), testRemote(archive), dest, DownloadOptions{Mirror: srv.URL, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if p != filepath.Join(dest, "cifar-10-batches-bin") {
		t.Fatalf("path %s", p)
	}
	train, test, err := Load("cifar10", dest)
	if err != nil || train.Len() != 60 || test.Len() != 20 {
		t.Fatalf("load after download: %v", err)
	}
	if _, err := os.Stat(filepath.Join(p, "readme.html")); err != nil {
		t.Error("readme.html not unpacked")
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o755 {
		t.Errorf("mode %v", st.Mode())
	}
	if !strings.Contains(progress.String(), "(100%)") || !strings.Contains(progress.String(), "ready at") {
		t.Errorf("progress:\n%s", progress.String())
	}
	leftovers, _ := os.ReadDir(dest)
	if len(leftovers) != 1 {
		t.Errorf("dest holds %d entries, want only the dataset", len(leftovers))
	}
	progress.Reset()
	if _, err := Download(context.Background(), testRemote(archive), dest, DownloadOptions{Mirror: srv.URL, Progress: &progress}); err != nil ||
		!strings.Contains(progress.String(), "already present") || len(fs.requests) != 1 {
		t.Errorf("second download: %v, %d requests, %q", err, len(fs.requests), progress.String())
	}
}

func TestDownloadNoUnpack(t *testing.T) {
	archive := smallArchive(t)
	_, srv := serve(t, map[string][]byte{"cifar-10-binary.tar.gz": archive})
	dest := t.TempDir()
	p, err := Download(context.Background(), testRemote(archive), dest, DownloadOptions{Mirror: srv.URL, NoUnpack: true})
	if err != nil || p != filepath.Join(dest, "cifar-10-binary.tar.gz") {
		t.Fatalf("%s %v", p, err)
	}
	if _, _, err := Load("cifar10", dest); err != nil {
		t.Fatal(err)
	}
}

func TestDownloadResumesWithRange(t *testing.T) {
	archive := smallArchive(t)
	fs, srv := serve(t, map[string][]byte{"cifar-10-binary.tar.gz": archive})
	dest := t.TempDir()
	work := filepath.Join(dest, workDirName)
	os.MkdirAll(work, 0o755)
	half := len(archive) / 2
	os.WriteFile(filepath.Join(work, "cifar-10-binary.tar.gz.part"), archive[:half], 0o644)
	var progress bytes.Buffer
	if _, err := Download(context.Background(), testRemote(archive), dest, DownloadOptions{Mirror: srv.URL, Progress: &progress}); err != nil {
		t.Fatal(err)
	}
	if len(fs.requests) != 1 || fs.requests[0] != "cifar-10-binary.tar.gz bytes="+itoa(half)+"-" || fs.served != int64(len(archive)-half) {
		t.Errorf("requests %v, served %d of %d", fs.requests, fs.served, len(archive))
	}
	if !strings.Contains(progress.String(), "resuming at") {
		t.Errorf("progress %q", progress.String())
	}
}

func TestDownloadRestartsWhenServerIgnoresRange(t *testing.T) {
	archive := smallArchive(t)
	fs, srv := serve(t, map[string][]byte{"cifar-10-binary.tar.gz": archive})
	fs.noRange = true
	dest := t.TempDir()
	work := filepath.Join(dest, workDirName)
	os.MkdirAll(work, 0o755)
	os.WriteFile(filepath.Join(work, "cifar-10-binary.tar.gz.part"), archive[:100], 0o644)
	if _, err := Download(context.Background(), testRemote(archive), dest, DownloadOptions{Mirror: srv.URL}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Load("cifar10", dest); err != nil {
		t.Fatal(err)
	}
}

func TestDownloadBadPartialRestartsFromScratch(t *testing.T) {
	archive := smallArchive(t)
	fs, srv := serve(t, map[string][]byte{"cifar-10-binary.tar.gz": archive})
	dest := t.TempDir()
	work := filepath.Join(dest, workDirName)
	os.MkdirAll(work, 0o755)
	bad := flipByte(archive[:len(archive)/3], 50)
	os.WriteFile(filepath.Join(work, "cifar-10-binary.tar.gz.part"), bad, 0o644)
	var progress bytes.Buffer
	if _, err := Download(context.Background(), testRemote(archive), dest, DownloadOptions{Mirror: srv.URL, Progress: &progress}); err != nil {
		t.Fatal(err)
	}
	if len(fs.requests) != 2 || fs.requests[1] != "cifar-10-binary.tar.gz " || !strings.Contains(progress.String(), "from the start") {
		t.Errorf("requests %v progress %q", fs.requests, progress.String())
	}
}

func TestDownloadCorruptArchive(t *testing.T) {
	archive := smallArchive(t)
	corrupt := flipByte(archive, len(archive)/2)
	_, srv := serve(t, map[string][]byte{"cifar-10-binary.tar.gz": corrupt})
	dest := t.TempDir()
	_, err := Download(context.Background(), testRemote(archive), dest, DownloadOptions{Mirror: srv.URL})
	if err == nil || !strings.Contains(err.Error(), "expected md5") || !strings.Contains(err.Error(), "run the command again") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dest, "cifar-10-batches-bin")); err == nil {
		t.Error("a corrupt download was installed")
	}
	if _, err := os.Stat(filepath.Join(dest, workDirName, "cifar-10-binary.tar.gz.part")); err == nil {
		t.Error("the corrupt partial file was kept")
	}
}

func TestDownloadTruncatedThenResumed(t *testing.T) {
	archive := smallArchive(t)
	fs, srv := serve(t, map[string][]byte{"cifar-10-binary.tar.gz": archive})
	fs.cutAfter = len(archive) / 3
	dest := t.TempDir()
	_, err := Download(context.Background(), testRemote(archive), dest, DownloadOptions{Mirror: srv.URL})
	if err == nil || !strings.Contains(err.Error(), "run the command again to resume") {
		t.Fatalf("err = %v", err)
	}
	part := filepath.Join(dest, workDirName, "cifar-10-binary.tar.gz.part")
	if st, err := os.Stat(part); err != nil || st.Size() != int64(len(archive)/3) {
		t.Fatalf("partial file: %v", err)
	}
	fs.cutAfter = 0
	if _, err := Download(context.Background(), testRemote(archive), dest, DownloadOptions{Mirror: srv.URL}); err != nil {
		t.Fatal(err)
	}
	if last := fs.requests[len(fs.requests)-1]; last != "cifar-10-binary.tar.gz bytes="+itoa(len(archive)/3)+"-" {
		t.Errorf("second run did not resume: %v", fs.requests)
	}
}

// A truncated archive whose (wrong) published checksum matches still does not
// get installed: the unpacked result must load.
func TestDownloadTruncatedArchiveNotInstalled(t *testing.T) {
	files := cifarFixture(cifar10Format, 40, 20)
	files["test_batch.bin"] = files["test_batch.bin"][:1000]
	archive := tarGz(t, "cifar-10-batches-bin", files)
	_, srv := serve(t, map[string][]byte{"cifar-10-binary.tar.gz": archive})
	dest := t.TempDir()
	_, err := Download(context.Background(), testRemote(archive), dest, DownloadOptions{Mirror: srv.URL})
	if err == nil || !strings.Contains(err.Error(), "does not load") || !strings.Contains(err.Error(), "test_batch.bin") {
		t.Fatalf("err = %v", err)
	}
	entries, _ := os.ReadDir(dest)
	for _, e := range entries {
		if e.Name() != workDirName {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestDownloadFallsBackToMirrorAndMNIST(t *testing.T) {
	files := mnistFixture(30, 10, true)
	fs, srv := serve(t, files)
	r := Remote{Name: "mnist", Dir: "mnist"}
	for _, name := range sortedKeys(files) {
		m, s := sums(files[name])
		r.Files = append(r.Files, RemoteFile{Name: name, Size: int64(len(files[name])), MD5: m, SHA256: s,
			URLs: []string{srv.URL + "/missing/" + name, srv.URL + "/" + name}})
	}
	dest := t.TempDir()
	var progress bytes.Buffer
	p, err := Download(context.Background(), r, dest, DownloadOptions{Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if train, _, err := Load("mnist", p); err != nil || train.Len() != 30 {
		t.Fatalf("load: %v", err)
	}
	if len(fs.requests) != 8 || !strings.Contains(progress.String(), "404") {
		t.Errorf("requests %v progress %q", fs.requests, progress.String())
	}
}

func TestRemotesAreComplete(t *testing.T) {
	for _, name := range Names {
		r, ok := Remotes[name]
		if !ok || r.Name != name || len(r.Files) == 0 {
			t.Fatalf("no remote for %s", name)
		}
		for _, f := range r.Files {
			if len(f.MD5) != 32 || f.Size <= 0 || len(f.URLs) == 0 || !strings.HasPrefix(f.URLs[0], "http") {
				t.Errorf("%s: incomplete %+v", name, f)
			}
		}
	}
	// The MNIST checksums are those of the files GoMNIST ships.
	dir, err := GoMNISTDir()
	if err != nil {
		t.Skip(err)
	}
	for _, f := range Remotes["mnist"].Files {
		if err := verifyFile(filepath.Join(dir, f.Name), f); err != nil {
			t.Error(err)
		}
	}
}
