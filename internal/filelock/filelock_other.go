//go:build !(darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd || windows)

package filelock

import (
	"errors"
	"fmt"
	"runtime"
)

func tryLock(f File) error {
	return fmt.Errorf("locking %s: no file locks on %s: %w", f.Name(), runtime.GOOS, errors.ErrUnsupported)
}
