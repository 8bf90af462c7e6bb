// Package faultfs is an outfile.FS for tests that injects file-system
// faults into the code that writes results and checkpoints: an error such
// as ENOSPC or EIO on any chosen call, short writes, and crashes after
// which what was not synced is lost (or half lost: a torn write).
//
// Every call through the FS is numbered (Call.N, from 1), so a test can run
// a scenario once to count the calls and then fail each of them in turn.
package faultfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/actbench/actbench/internal/outfile"
)

// Op is a kind of call.
type Op string

// The calls an FS sees.
const (
	Open     Op = "open"
	Write    Op = "write"
	Sync     Op = "sync"
	Truncate Op = "truncate"
	Rename   Op = "rename"
	Remove   Op = "remove"
	Close    Op = "close"
)

// Call is one call through the FS.
type Call struct {
	N    int    // its number, from 1
	Op   Op     // what it does
	Name string // the file's path (for Rename, the old path)
	Len  int    // bytes asked to write (Write)
}

func (c Call) String() string { return fmt.Sprintf("#%d %s %s", c.N, c.Op, filepath.Base(c.Name)) }

// Fault is what a Rule makes of a call. The zero Fault lets it through.
type Fault struct {
	// Err fails the call with this error (wrapped in an *os.PathError).
	Err error
	// Short, for a Write, writes only this many bytes before returning
	// (Short, Err); with a nil Err it is a short write without error.
	Short int
	// Crash kills the "process" at this call: the call and every later
	// one fail with ErrCrashed, open files are closed (releasing their
	// locks), and Crash's data loss can then be applied with LoseUnsynced.
	Crash bool
}

// ErrCrashed is returned by every call after a crash.
var ErrCrashed = errors.New("faultfs: crashed")

// FS wraps a real FS (Base, default outfile.OS) and applies Rule to every
// call. Its zero value, with a nil Rule, is a pass-through that counts.
type FS struct {
	Base outfile.FS
	Rule func(Call) Fault

	mu      sync.Mutex
	n       int
	calls   []Call
	crashed bool
	files   []*file
	synced  map[string]int64 // path -> size at its last successful sync
	dirty   map[string]bool  // paths written since their last sync
}

// Calls returns the calls seen so far.
func (fs *FS) Calls() []Call {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]Call(nil), fs.calls...)
}

// Crashed reports whether a Crash fault has happened.
func (fs *FS) Crashed() bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.crashed
}

func (fs *FS) base() outfile.FS {
	if fs.Base == nil {
		return outfile.OS
	}
	return fs.Base
}

// decide numbers a call and returns its fault (ErrCrashed after a crash).
func (fs *FS) decide(op Op, name string, n int) Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.crashed {
		return Fault{Err: ErrCrashed}
	}
	fs.n++
	c := Call{N: fs.n, Op: op, Name: name, Len: n}
	fs.calls = append(fs.calls, c)
	var f Fault
	if fs.Rule != nil {
		f = fs.Rule(c)
	}
	if f.Crash {
		fs.crashed = true
		for _, of := range fs.files {
			of.File.Close()
		}
		fs.files = nil
		f.Err = ErrCrashed
	}
	return f
}

func pathErr(op Op, name string, err error) error {
	if err == nil {
		return nil
	}
	return &os.PathError{Op: string(op), Path: name, Err: err}
}

// OpenFile opens name through Base unless the rule fails the call.
func (fs *FS) OpenFile(name string, flag int, perm os.FileMode) (outfile.File, error) {
	if f := fs.decide(Open, name, 0); f.Err != nil {
		return nil, pathErr(Open, name, f.Err)
	}
	bf, err := fs.base().OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	of := &file{File: bf, fs: fs, name: name}
	fs.mu.Lock()
	fs.files = append(fs.files, of)
	if fs.synced == nil {
		fs.synced, fs.dirty = map[string]int64{}, map[string]bool{}
	}
	if _, known := fs.synced[name]; !known {
		// What was there before this FS touched it counts as durable.
		if st, err := bf.Stat(); err == nil && st.Mode().IsRegular() {
			fs.synced[name] = st.Size()
		}
	}
	fs.mu.Unlock()
	return of, nil
}

// Rename renames through Base unless the rule fails the call. The synced
// size of oldpath moves to newpath.
func (fs *FS) Rename(oldpath, newpath string) error {
	if f := fs.decide(Rename, oldpath, 0); f.Err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: f.Err}
	}
	if err := fs.base().Rename(oldpath, newpath); err != nil {
		return err
	}
	fs.mu.Lock()
	if s, ok := fs.synced[oldpath]; ok {
		fs.synced[newpath], fs.dirty[newpath] = s, fs.dirty[oldpath]
		delete(fs.synced, oldpath)
		delete(fs.dirty, oldpath)
	}
	fs.mu.Unlock()
	return nil
}

// Remove removes through Base unless the rule fails the call.
func (fs *FS) Remove(name string) error {
	if f := fs.decide(Remove, name, 0); f.Err != nil {
		return pathErr(Remove, name, f.Err)
	}
	if err := fs.base().Remove(name); err != nil {
		return err
	}
	fs.mu.Lock()
	delete(fs.synced, name)
	delete(fs.dirty, name)
	fs.mu.Unlock()
	return nil
}

// LoseUnsynced applies a crash's data loss to every regular file written
// through the FS since its last sync: keep says how many of the unsynced
// bytes survive (0: all lost, as after a power cut; a part: a torn write;
// -1: all survive, the kernel had flushed them). Renames are taken as
// durable.
func (fs *FS) LoseUnsynced(keep func(path string, unsynced int64) int64) error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for path, dirty := range fs.dirty {
		if !dirty {
			continue
		}
		st, err := os.Stat(path)
		if err != nil {
			continue // removed
		}
		base := fs.synced[path]
		unsynced := st.Size() - base
		if unsynced <= 0 {
			continue
		}
		k := keep(path, unsynced)
		if k < 0 || k > unsynced {
			k = unsynced
		}
		if err := os.Truncate(path, base+k); err != nil {
			return err
		}
	}
	return nil
}

// file is an open file of an FS.
type file struct {
	outfile.File
	fs   *FS
	name string
}

func (f *file) Write(p []byte) (int, error) {
	fault := f.fs.decide(Write, f.name, len(p))
	if fault.Err == nil && fault.Short == 0 {
		n, err := f.File.Write(p)
		f.fs.markDirty(f.name)
		return n, err
	}
	n := 0
	if fault.Short > 0 && fault.Short < len(p) && !errors.Is(fault.Err, ErrCrashed) {
		var err error
		if n, err = f.File.Write(p[:fault.Short]); err != nil {
			return n, err
		}
		f.fs.markDirty(f.name)
	}
	return n, pathErr(Write, f.name, fault.Err)
}

func (fs *FS) markDirty(name string) {
	fs.mu.Lock()
	fs.dirty[name] = true
	fs.mu.Unlock()
}

func (f *file) Sync() error {
	if fault := f.fs.decide(Sync, f.name, 0); fault.Err != nil {
		return pathErr(Sync, f.name, fault.Err)
	}
	if err := f.File.Sync(); err != nil {
		return err
	}
	if st, err := f.File.Stat(); err == nil && st.Mode().IsRegular() {
		f.fs.mu.Lock()
		f.fs.synced[f.name], f.fs.dirty[f.name] = st.Size(), false
		f.fs.mu.Unlock()
	}
	return nil
}

func (f *file) Truncate(size int64) error {
	if fault := f.fs.decide(Truncate, f.name, 0); fault.Err != nil {
		return pathErr(Truncate, f.name, fault.Err)
	}
	if err := f.File.Truncate(size); err != nil {
		return err
	}
	f.fs.markDirty(f.name)
	return nil
}

func (f *file) Close() error {
	fault := f.fs.decide(Close, f.name, 0)
	if errors.Is(fault.Err, ErrCrashed) {
		return pathErr(Close, f.name, fault.Err) // closed by the crash
	}
	err := f.File.Close()
	f.fs.mu.Lock()
	for i, of := range f.fs.files {
		if of == f {
			f.fs.files = append(f.fs.files[:i], f.fs.files[i+1:]...)
			break
		}
	}
	f.fs.mu.Unlock()
	if fault.Err != nil {
		return pathErr(Close, f.name, fault.Err)
	}
	return err
}
