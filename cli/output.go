package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/actbench/actbench/internal/outfile"
)

// checkOutput checks, before any work, that the output file given to flag
// can be written ("" = not asked for, "-" = stdout), so that a bad path is
// found before a training run rather than after it. It is an error (exit
// 1), not a usage error: the command is right, the file system is not.
func checkOutput(flag, path string) error {
	if path == "" || path == "-" {
		return nil
	}
	if err := outfile.Check(path); err != nil {
		return outputError(flag, path, err)
	}
	return nil
}

// checkOutputDir checks, before any work, that the output directory given
// to flag ("" = not asked for) exists as a directory or can be created: its
// nearest existing ancestor must be a directory that accepts new files.
func checkOutputDir(flag, dir string) error {
	if dir == "" {
		return nil
	}
	d := filepath.Clean(dir)
	for {
		st, err := os.Stat(d)
		if err == nil {
			if !st.IsDir() {
				return fmt.Errorf("%s %s: %s is not a directory", flag, dir, d)
			}
			break
		}
		if !(errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)) || filepath.Dir(d) == d {
			return fmt.Errorf("%s %s: %v", flag, dir, err)
		}
		d = filepath.Dir(d)
	}
	if err := outfile.Check(filepath.Join(d, ".actbench-probe")); err != nil {
		return fmt.Errorf("%s %s: %v", flag, dir, err)
	}
	return nil
}

// trimPathPrefix drops "path: " from the start of msg, which the caller
// already names.
func trimPathPrefix(msg, path string) string {
	if rest, ok := strings.CutPrefix(msg, path+": "); ok {
		return rest
	}
	return msg
}

// outputError is err of writing the output file given to flag, with the
// path named once.
func outputError(flag, path string, err error) error {
	return fmt.Errorf("%s %s: %v", flag, path, trimPathPrefix(trimPathPrefix(err.Error(), "writing "+path), path))
}

// diskFull says a failed write was a full disk (a checkpoint, say), when it
// was and the message does not say so already.
func diskFull(err error, resume string) error {
	if err != nil && (errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)) && !strings.Contains(err.Error(), "disk full") {
		return fmt.Errorf("disk full: %w; free space and %s", err, resume)
	}
	return err
}

// writeResultJSON writes v as indented JSON to path ("-" = env.Stdout)
// through package outfile. When that fails, what the run produced is not
// lost: it is saved in a new file of the temporary directory or, failing
// that, printed on stderr, and the error says where.
func writeResultJSON(env *Env, flag, path, what string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if path == "-" {
		_, err = env.Stdout.Write(b)
		return err
	}
	werr := outfile.WriteFile(path, b)
	if werr == nil {
		return nil
	}
	werr = outputError(flag, path, werr)
	f, err := os.CreateTemp("", fmt.Sprintf("actbench-%s-%s-*.json", what, time.Now().UTC().Format("20060102T150405")))
	if err == nil {
		_, err = f.Write(b)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			return fmt.Errorf("%v; the %s record was saved to %s instead (copy it where you want it)", werr, what, f.Name())
		}
		os.Remove(f.Name())
	}
	fmt.Fprintf(env.Stderr, "the %s record, which could not be written to %s nor saved in %s (%v):\n%s",
		what, path, filepath.Clean(os.TempDir()), err, b)
	return fmt.Errorf("%v; the %s record is printed above on stderr", werr, what)
}
