//go:build !(darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd || windows)

package filelock

import (
	"errors"
	"fmt"
	"os"
	"runtime"
)

func tryLock(f *os.File) error {
	return fmt.Errorf("locking %s: no file locks on %s: %w", f.Name(), runtime.GOOS, errors.ErrUnsupported)
}
