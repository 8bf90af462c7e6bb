package datasets

import (
	"errors"
	"fmt"
)

// FormatError reports a data file that is missing or does not hold what its
// format requires. File is the path (for a member of an archive,
// "ARCHIVE:MEMBER").
type FormatError struct {
	File     string
	Expected string
	Found    string
	Err      error // underlying cause, if any (e.g. fs.ErrNotExist)
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("datasets: %s: expected %s, found %s", e.File, e.Expected, e.Found)
}

func (e *FormatError) Unwrap() error { return e.Err }

// ErrNotFound is wrapped by Load's error when a dataset is in none of the
// places it looked; the message lists the places and the fix.
var ErrNotFound = errors.New("dataset not found")

func formatErrorf(file, expected, foundFormat string, a ...any) *FormatError {
	return &FormatError{File: file, Expected: expected, Found: fmt.Sprintf(foundFormat, a...)}
}
