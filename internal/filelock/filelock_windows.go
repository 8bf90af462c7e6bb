//go:build windows

package filelock

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows"
)

// Windows byte-range locks are mandatory: a locked byte cannot be read
// through another handle. So the lock covers one byte far beyond any
// results file's end (locking past the end of a file is allowed), which
// leaves the data readable by 'actbench report' while a run appends to it,
// as flock(2) does on Unix.
// The byte is at offset 2^62: OffsetHigh holds the upper 32 bits.
const lockOffsetHigh = 1 << 30

func tryLock(f File) error {
	ol := &windows.Overlapped{Offset: 0, OffsetHigh: lockOffsetHigh}
	err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, windows.ERROR_LOCK_VIOLATION):
		return fmt.Errorf("%s: %w", f.Name(), ErrLocked)
	}
	return fmt.Errorf("locking %s: %w", f.Name(), err)
}
