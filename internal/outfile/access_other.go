//go:build !unix

package outfile

import "os"

// writable reports whether this process may write path by opening it for
// writing (without truncating) and closing it again: systems without
// access(2) have no cheaper check.
func writable(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	return f.Close()
}
