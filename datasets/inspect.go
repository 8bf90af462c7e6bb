package datasets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Found is one dataset found by Inspect.
type Found struct {
	Name        string // "cifar10", "cifar100", "mnist"
	Path        string // directory or archive read
	Train, Test *Set
}

// Inspect reads every dataset at p: a dataset directory, an official
// archive, an MNIST IDX file's directory, or a directory holding any of these
// under their official names. A dataset that is present but malformed is an
// error; finding none is an error wrapping ErrNotFound.
func Inspect(p string) ([]Found, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, &FormatError{File: p, Expected: "a dataset directory or archive", Found: err.Error(), Err: err}
	}
	if !st.IsDir() {
		return inspectFile(p)
	}
	var found []Found
	for _, name := range Names {
		loc, ok := locateIn(name, p)
		if !ok {
			continue
		}
		train, test, err := Load(name, loc)
		if err != nil {
			return nil, err
		}
		found = append(found, Found{Name: name, Path: loc, Train: train, Test: test})
	}
	if len(found) == 0 {
		var layouts []string
		for _, name := range Names {
			layouts = append(layouts, expectedLayout(name))
		}
		return nil, fmt.Errorf("%w: %s: expected one of %s; found none", ErrNotFound, p, strings.Join(layouts, "; "))
	}
	return found, nil
}

func inspectFile(p string) ([]Found, error) {
	base := filepath.Base(p)
	if strings.Contains(base, "-idx") {
		return Inspect(filepath.Dir(p))
	}
	if !isArchivePath(p) {
		return nil, formatErrorf(p, "a directory, a .tar.gz archive or an MNIST IDX file", "%s", base)
	}
	order := []string{"cifar10", "cifar100"}
	if strings.Contains(base, "100") {
		order = []string{"cifar100", "cifar10"}
	}
	var firstErr error
	for _, name := range order {
		train, test, err := formatOf(name).load(p)
		if err == nil {
			return []Found{{Name: name, Path: p, Train: train, Test: test}}, nil
		}
		var fe *FormatError
		// Only "no members of this format" moves on to the other format.
		if !errors.As(err, &fe) || !strings.HasPrefix(fe.Expected, "members ") {
			return nil, err
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, firstErr
}
