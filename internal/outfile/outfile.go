// Package outfile writes the files actbench produces (trial records, merged
// results, reports, plots, checkpoints) without ever clobbering what the
// path names:
//
//   - an absent path or a regular file is replaced atomically: the data goes
//     to a temporary file in the same directory, which is synced and renamed
//     over the path, and the directory is synced, so a crash leaves the old
//     file or the new one, never a torn one; a replaced file keeps its mode;
//   - a symbolic link is followed: its target is written (atomically when it
//     is a regular file or absent), the link stays;
//   - a character or block device (/dev/null) or a FIFO is written in
//     place, as a shell redirection would;
//   - a descriptor link (/dev/stdout, /dev/fd/N, /proc/self/fd/N) is written
//     in place, appending: whatever the descriptor is (a pipe, a terminal,
//     a log file opened with >>), it gets the data where the process's own
//     writes would go, and no file is replaced behind the shell's back;
//   - a directory, a socket or anything else is refused.
//
// Check answers, before any work starts, whether a path could be written
// this way, without creating it, so that a long training run does not find
// out at its end that its output path is unusable.
//
// Every system call that writes goes through an FS, so that tests can inject
// faults (a full disk, an I/O error, a short write, a failed rename); OS is
// the real one.
package outfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// FS is the file-system seam: the few calls through which output files are
// created, written, synced, truncated, renamed and removed.
type FS interface {
	OpenFile(name string, flag int, perm os.FileMode) (File, error)
	Rename(oldpath, newpath string) error
	Remove(name string) error
}

// File is an open file of an FS.
type File interface {
	io.Writer
	io.ReaderAt
	Sync() error
	Truncate(size int64) error
	Close() error
	Stat() (os.FileInfo, error)
	Fd() uintptr
	Name() string
}

// OS is the operating system's file system.
var OS FS = osFS{}

type osFS struct{}

func (osFS) OpenFile(name string, flag int, perm os.FileMode) (File, error) {
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err // a nil *os.File in a File would not compare equal to nil
	}
	return f, nil
}
func (osFS) Rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }
func (osFS) Remove(name string) error             { return os.Remove(name) }

// maxLinks bounds the symbolic links followed to a target (Linux's own
// limit, after which open(2) fails with ELOOP).
const maxLinks = 40

// kind is what a path names once links are followed.
type kind int

const (
	absent kind = iota
	regular
	inPlace    // device or FIFO: written where it is
	descriptor // a /proc magic link to an open descriptor: appended to
)

// resolve follows symbolic links from path to the file that would be
// written and classifies it. A dangling link resolves to its (absent)
// target.
func resolve(path string) (target string, k kind, mode fs.FileMode, err error) {
	if path == "" {
		return "", 0, 0, errors.New("empty file name")
	}
	target = path
	for range maxLinks {
		st, err := os.Lstat(target)
		if errors.Is(err, fs.ErrNotExist) {
			return target, absent, 0, nil
		}
		if errors.Is(err, syscall.ENOTDIR) {
			// Name the file that stands where a directory should.
			d := filepath.Dir(target)
			for st, err := os.Stat(d); err != nil || st.IsDir(); st, err = os.Stat(d) {
				if d == filepath.Dir(d) {
					break
				}
				d = filepath.Dir(d)
			}
			return "", 0, 0, fmt.Errorf("%s: %s is not a directory", describe(path, target), d)
		}
		if err != nil {
			return "", 0, 0, err
		}
		m := st.Mode()
		switch {
		case m&fs.ModeSymlink != 0:
			if inProc(target) {
				// A magic link (/proc/self/fd/1 behind /dev/stdout): its
				// "target" may be no path at all (pipe:[1234]); the kernel
				// opens the descriptor's file through it.
				return path, descriptor, 0, nil
			}
			link, err := os.Readlink(target)
			if err != nil {
				return "", 0, 0, err
			}
			if !filepath.IsAbs(link) {
				link = filepath.Join(filepath.Dir(target), link)
			}
			target = link
			continue
		case m.IsRegular():
			return target, regular, m, nil
		case m.IsDir():
			return "", 0, 0, fmt.Errorf("%s is a directory: give a file name", describe(path, target))
		case m&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe) != 0:
			return target, inPlace, m, nil
		default:
			return "", 0, 0, fmt.Errorf("%s is a %s, not a file that can be written", describe(path, target), typeName(m))
		}
	}
	return "", 0, 0, fmt.Errorf("%s: too many levels of symbolic links", path)
}

// inProc reports whether the link at p lives in /proc (its directory
// resolved: /dev/fd is a link to /proc/self/fd).
func inProc(p string) bool {
	dir, err := filepath.EvalSymlinks(filepath.Dir(p))
	if err != nil {
		dir = filepath.Dir(p)
	}
	return dir == "/proc" || strings.HasPrefix(dir, "/proc/")
}

// describe names path, and its link target when they differ.
func describe(path, target string) string {
	if path == target {
		return path
	}
	return fmt.Sprintf("%s (a link to %s)", path, target)
}

func typeName(m fs.FileMode) string {
	switch {
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeIrregular != 0:
		return "irregular file"
	}
	return "file of type " + m.Type().String()
}

// Check reports whether path can be written by Create or WriteFile, without
// creating it: its directory must exist and accept a new file (tested by
// creating and removing a probe file), and the path, links followed, must
// not be a directory or socket. An existing regular file must be writable
// by this process (replacing a read-only file silently would defeat its
// protection); a device or FIFO must be writable.
func Check(path string) error {
	return CheckFS(OS, path)
}

// CheckFS is Check on fsys.
func CheckFS(fsys FS, path string) error {
	target, k, _, err := resolve(path)
	if err != nil {
		return err
	}
	if k == inPlace || k == descriptor {
		if err := writable(target); err != nil {
			return fmt.Errorf("%s: cannot write: %w", describe(path, target), err)
		}
		return nil
	}
	if k == regular {
		if err := writable(target); err != nil {
			return fmt.Errorf("%s: cannot write: %w (the file is not writable; make it writable or choose another name)",
				describe(path, target), err)
		}
	}
	dir := filepath.Dir(target)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: directory %s does not exist (create it first)", describe(path, target), dir)
	case err != nil:
		return fmt.Errorf("%s: %w", describe(path, target), err)
	case !st.IsDir():
		return fmt.Errorf("%s: %s is not a directory", describe(path, target), dir)
	}
	f, name, err := createTemp(fsys, target, 0o600)
	if err != nil {
		return fmt.Errorf("%s: cannot create files in %s: %w", describe(path, target), dir, unwrapPath(err))
	}
	f.Close()
	if err := fsys.Remove(name); err != nil {
		return fmt.Errorf("%s: removing the probe file %s: %w", describe(path, target), name, err)
	}
	return nil
}

// unwrapPath drops the *PathError around err: its path is a temporary name
// the caller does not know.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// createTemp creates a new file beside target (same directory, so that a
// rename is atomic), named .BASE.tmpNNNN so that it is hidden and easy to
// tell apart.
func createTemp(fsys FS, target string, perm os.FileMode) (File, string, error) {
	dir, base := filepath.Split(target)
	var err error
	for range 100 {
		name := filepath.Join(dir, "."+base+".tmp"+strconv.FormatUint(rand.Uint64()%1e9, 10))
		var f File
		f, err = fsys.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if err == nil {
			return f, name, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, "", err
		}
	}
	return nil, "", err
}

// Writer is an output file being written: Commit makes it the file at its
// path, Abort (or a failed Commit) leaves the path as it was. The zero
// value is not usable: call Create.
type Writer struct {
	fsys   FS
	path   string // as given
	target string // links followed
	tmp    string // temporary name, "" when written in place
	f      File
	mode   fs.FileMode // of the file replaced, 0 for a new one
	err    error       // the first write error
	done   bool
}

// Create starts writing the output file path (see the package
// documentation for what each kind of path gets).
func Create(path string) (*Writer, error) { return CreateFS(OS, path) }

// CreateFS is Create on fsys.
func CreateFS(fsys FS, path string) (*Writer, error) {
	target, k, mode, err := resolve(path)
	if err != nil {
		return nil, err
	}
	w := &Writer{fsys: fsys, path: path, target: target}
	if k == inPlace || k == descriptor {
		// No O_CREATE, no O_TRUNC: a device or FIFO is written as it is, a
		// descriptor's file appended to (a new open file description of
		// it starts at offset 0, which would overwrite a log's start).
		flag := os.O_WRONLY
		if k == descriptor {
			flag |= os.O_APPEND
		}
		f, err := fsys.OpenFile(target, flag, 0)
		if err != nil {
			return nil, err
		}
		w.f = f
		return w, nil
	}
	if k == regular {
		w.mode = mode.Perm()
	}
	f, name, err := createTemp(fsys, target, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", describe(path, target), unwrapPath(err))
	}
	w.f, w.tmp = f, name
	return w, nil
}

// Write writes to the file. After a failed write every later one fails with
// the same error, and so does Commit.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if w.done {
		return 0, fmt.Errorf("%s: write after Commit or Abort", w.path)
	}
	n, err := w.f.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		w.err = fmt.Errorf("writing %s: %w", describe(w.path, w.target), unwrapPath(err))
	}
	return n, w.err
}

// Name is the path the Writer was created for.
func (w *Writer) Name() string { return w.path }

// Commit finishes the file: in place, it closes it; otherwise it syncs the
// temporary file, renames it over the target and syncs the directory. On
// error the target is left as it was and the temporary file removed.
func (w *Writer) Commit() error {
	if w.done {
		return fmt.Errorf("%s: Commit after Commit or Abort", w.path)
	}
	w.done = true
	if w.tmp == "" {
		err := w.f.Close()
		if w.err != nil {
			return w.err
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", describe(w.path, w.target), unwrapPath(err))
		}
		return nil
	}
	fail := func(err error) error {
		w.fsys.Remove(w.tmp)
		return fmt.Errorf("writing %s: %w", describe(w.path, w.target), unwrapPath(err))
	}
	if w.err != nil {
		w.f.Close()
		w.fsys.Remove(w.tmp)
		return w.err
	}
	if w.mode != 0 {
		// Keep the mode of the file replaced (a user's 0600 stays 0600).
		if err := os.Chmod(w.tmp, w.mode); err != nil {
			w.f.Close()
			return fail(err)
		}
	}
	if err := w.f.Sync(); err != nil {
		w.f.Close()
		return fail(err)
	}
	if err := w.f.Close(); err != nil {
		return fail(err)
	}
	if err := w.fsys.Rename(w.tmp, w.target); err != nil {
		return fail(err)
	}
	// Make the rename durable; best effort where a directory cannot be synced.
	if d, err := w.fsys.OpenFile(filepath.Dir(w.target), os.O_RDONLY, 0); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Abort gives up the file: the target stays as it was (a device or FIFO
// keeps what was already written to it). It is a no-op after Commit.
func (w *Writer) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.f.Close()
	if w.tmp != "" {
		w.fsys.Remove(w.tmp)
	}
}

// WriteFile writes data as the output file path.
func WriteFile(path string, data []byte) error { return WriteFileFS(OS, path, data) }

// WriteFileFS is WriteFile on fsys.
func WriteFileFS(fsys FS, path string, data []byte) error {
	w, err := CreateFS(fsys, path)
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		w.Abort()
		return err
	}
	return w.Commit()
}

// WriteTo streams an output file: write fills it, and it is committed
// only when write succeeds.
func WriteTo(path string, write func(io.Writer) error) error {
	w, err := Create(path)
	if err != nil {
		return err
	}
	if err := write(w); err != nil {
		w.Abort()
		return err
	}
	return w.Commit()
}
