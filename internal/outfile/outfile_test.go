package outfile

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// onlyFiles fails unless dir holds exactly the names given (no temporary
// file left behind).
func onlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("%s holds %v, want %v", dir, got, names)
	}
}

func TestRegularFileReplacedKeepingItsMode(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	if err := WriteFile(p, []byte("new file\n")); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, p); got != "new file\n" {
		t.Errorf("got %q", got)
	}
	os.Chmod(p, 0o600)
	if err := WriteFile(p, []byte("second")); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	if got := readString(t, p); got != "second" || st.Mode().Perm() != 0o600 {
		t.Errorf("got %q mode %v, want \"second\" mode 0600", got, st.Mode())
	}
	onlyFiles(t, dir, "out.json")
}

// A writer that is aborted, or whose write fails, leaves the old file as it
// was and no temporary file.
func TestAbortAndFailedWriteKeepTheOldFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "report.md")
	os.WriteFile(p, []byte("old"), 0o644)
	w, err := Create(p)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "half a repo")
	w.Abort()
	w.Abort() // twice is harmless
	if got := readString(t, p); got != "old" {
		t.Errorf("after Abort: %q", got)
	}
	err = WriteTo(p, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return errors.New("render failed")
	})
	if err == nil || err.Error() != "render failed" || readString(t, p) != "old" {
		t.Errorf("failed WriteTo: %v, file %q", err, readString(t, p))
	}
	onlyFiles(t, dir, "report.md")
}

// Links are followed, relative ones from their own directory, through a
// chain; a dangling link creates its target. The links stay links.
func TestSymlinksAreFollowed(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	final := filepath.Join(dir, "sub", "final.json")
	os.WriteFile(final, []byte("old"), 0o640)
	os.Symlink("final.json", filepath.Join(dir, "sub", "hop"))          // relative, in sub/
	os.Symlink(filepath.Join("sub", "hop"), filepath.Join(dir, "link")) // relative, to a link
	if err := Check(filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(filepath.Join(dir, "link"), []byte("through two links")); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(final)
	if got := readString(t, final); got != "through two links" || st.Mode().Perm() != 0o640 {
		t.Errorf("target: %q %v", got, st.Mode())
	}
	for _, l := range []string{filepath.Join(dir, "link"), filepath.Join(dir, "sub", "hop")} {
		if st, err := os.Lstat(l); err != nil || st.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a link: %v", l, err)
		}
	}
	dangling := filepath.Join(dir, "dangling")
	os.Symlink(filepath.Join(dir, "sub", "created.json"), dangling)
	if err := WriteFile(dangling, []byte("created")); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, filepath.Join(dir, "sub", "created.json")); got != "created" {
		t.Errorf("dangling link target: %q", got)
	}
	onlyFiles(t, filepath.Join(dir, "sub"), "created.json", "final.json", "hop")

	loop := filepath.Join(dir, "loop")
	os.Symlink("loop", loop)
	if err := WriteFile(loop, nil); err == nil || !strings.Contains(err.Error(), "too many levels") {
		t.Errorf("link loop: %v", err)
	}
	// A link to a directory is refused like the directory.
	os.Symlink("sub", filepath.Join(dir, "dirlink"))
	if err := Check(filepath.Join(dir, "dirlink")); err == nil || !strings.Contains(err.Error(), "a link to") || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("link to a directory: %v", err)
	}
}

// A FIFO is written in place: the reader gets the data, the FIFO stays.
func TestFIFOWrittenInPlace(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	r, err := os.OpenFile(p, os.O_RDWR, 0) // never blocks; keeps the write end open
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := Check(p); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("through the pipe")); err != nil {
		t.Fatal(err)
	}
	r.SetReadDeadline(time.Now().Add(5 * time.Second))
	b := make([]byte, 100)
	n, err := r.Read(b)
	if string(b[:n]) != "through the pipe" {
		t.Errorf("read %q, %v", b[:n], err)
	}
	if st, _ := os.Lstat(p); st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO became %v", st.Mode())
	}
}

// Device nodes are written in place: a null device swallows the data, a
// full device fails with ENOSPC; both stay devices. The nodes are made in a
// temporary directory (root only), never the system's /dev ones.
func TestDevicesWrittenInPlace(t *testing.T) {
	dir := t.TempDir()
	null, full := filepath.Join(dir, "null"), filepath.Join(dir, "full")
	for _, d := range []struct {
		path  string
		minor int
	}{{null, 3}, {full, 7}} {
		if err := syscall.Mknod(d.path, syscall.S_IFCHR|0o666, 1<<8|d.minor); err != nil {
			t.Skipf("mknod (needs root): %v", err)
		}
	}
	if f, err := os.OpenFile(null, os.O_WRONLY, 0); err != nil {
		t.Skipf("device nodes unusable here (nodev?): %v", err)
	} else {
		f.Close()
	}
	for _, p := range []string{null, full} {
		if err := Check(p); err != nil {
			t.Errorf("Check(%s): %v", p, err)
		}
	}
	if err := WriteFile(null, []byte("gone")); err != nil {
		t.Errorf("null device: %v", err)
	}
	err := WriteFile(full, []byte("no room"))
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), full) {
		t.Errorf("full device: %v, want ENOSPC naming the path", err)
	}
	for _, p := range []string{null, full} {
		if st, _ := os.Lstat(p); st.Mode()&os.ModeCharDevice == 0 {
			t.Errorf("%s became %v", p, st.Mode())
		}
	}
	onlyFiles(t, dir, "full", "null")
}

func TestCheckRefusesWhatCannotBeWritten(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	sock := filepath.Join(dir, "sock")
	if l, err := net.Listen("unix", sock); err == nil {
		defer l.Close()
	}
	for _, c := range []struct{ path, want string }{
		{"", "empty file name"},
		{dir, "is a directory"},
		{filepath.Join(dir, "missing", "x"), "directory " + filepath.Join(dir, "missing") + " does not exist"},
		{filepath.Join(file, "x"), "is not a directory"},
		{sock, "is a socket"},
		{"/proc/actbench-outfile-test", "cannot create files in /proc"},
	} {
		err := Check(c.path)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Check(%q) = %v, want an error containing %q", c.path, err, c.want)
		}
		if _, err := Create(c.path); err == nil && c.path != "" {
			t.Errorf("Create(%q) succeeded", c.path)
		}
	}
	// Check creates nothing.
	if err := Check(filepath.Join(dir, "new.json")); err != nil {
		t.Fatal(err)
	}
	onlyFiles(t, dir, "file", "sock")
}

// A read-only file is not replaced behind its owner's back (root bypasses
// permissions: skipped then).
func TestCheckRefusesReadOnlyFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may write any file")
	}
	p := filepath.Join(t.TempDir(), "ro")
	os.WriteFile(p, nil, 0o444)
	if err := Check(p); err == nil || !strings.Contains(err.Error(), "not writable") {
		t.Errorf("Check(read-only) = %v", err)
	}
}

// /proc/self/fd/N (what /dev/stdout and /dev/fd/N lead to) is appended to
// in place, whatever the descriptor is: a log file opened for appending
// keeps its start and its inode, a pipe gets the data.
func TestDescriptorLinksAppendInPlace(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("no /proc/self/fd")
	}
	log := filepath.Join(t.TempDir(), "log")
	os.WriteFile(log, []byte("earlier lines\n"), 0o644)
	f, err := os.OpenFile(log, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	before, _ := os.Stat(log)
	p := fmt.Sprintf("/proc/self/fd/%d", f.Fd())
	if err := Check(p); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("{}\n")); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(log)
	if got := readString(t, log); got != "earlier lines\n{}\n" || !os.SameFile(before, after) {
		t.Errorf("log %q (same file: %v)", got, os.SameFile(before, after))
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if err := WriteFile(fmt.Sprintf("/dev/fd/%d", w.Fd()), []byte("piped")); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 16)
	n, _ := r.Read(b)
	if string(b[:n]) != "piped" {
		t.Errorf("pipe got %q", b[:n])
	}
}
