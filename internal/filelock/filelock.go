// Package filelock takes an exclusive, advisory lock on an open file, so
// that two actbench processes never write the same results file or
// pretrained checkpoint at once: flock(2) on Unix, LockFileEx on Windows.
// It imports nothing of actbench.
//
// The lock belongs to the open file: a second os.Open of the same path, in
// this process or another, cannot take it, and closing the file releases
// it (on Windows the system may release it a moment after the close).
// Readers are never blocked: the lock guards writers against each other.
package filelock

import "errors"

// ErrLocked is returned by TryLock when another open file holds the lock.
var ErrLocked = errors.New("file is locked by another open file")

// TryLock takes the exclusive lock on f without waiting: it returns nil
// when f now holds it, an error wrapping ErrLocked when another open file
// does, and another error when the system cannot lock f at all (an error
// wrapping errors.ErrUnsupported on systems without file locks).
func TryLock(f File) error { return tryLock(f) }

// File is an open file: an *os.File, or a wrapper of one that exposes its
// descriptor (a test file system's).
type File interface {
	Fd() uintptr
	Name() string
}
