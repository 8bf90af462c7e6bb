package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"

	"github.com/actbench/actbench/internal/filelock"
	"github.com/actbench/actbench/internal/outfile"
)

// A results file is JSON Lines: one Record per line, each written whole by a
// single write(2) on a file opened with O_APPEND and then fsync'ed, so a crash
// leaves at most one torn line, the last, without its newline. Readers detect
// that line, report it and ignore it. A writer holds an exclusive lock on the
// file (internal/filelock) for as long as it is open, so two runs cannot
// interleave records.

// ErrLocked is returned by OpenStore when another process writes the file.
var ErrLocked = errors.New("results file is locked by another actbench process")

// Store is a results file opened for appending.
type Store struct {
	path    string
	f       outfile.File
	created bool // by OpenStore: Close removes it if it stayed empty
}

// FS is the file system results files are written through: the operating
// system's. It is a variable so that the fault-injection tests (here and in
// package runner) can put internal/faultfs in its place; nothing else
// should change it.
var FS = outfile.OS

// ReadResult is what reading a results file found.
type ReadResult struct {
	Records []Record
	// Lines holds the line number of each record in the file.
	Lines []int
	// Torn describes an incomplete last line (a record whose write was cut
	// short), "" when the file ends cleanly. It is never counted.
	Torn string
	// TornBytes is the torn line itself.
	TornBytes []byte
}

// OpenStore opens (creating it when absent) the results file at path for
// appending, takes its exclusive lock, and reads the records it holds. A torn
// last line is moved to path+".torn" (appended there, so nothing is lost)
// and cut from the results file, so that the next record starts on a line of
// its own; the returned ReadResult says so.
func OpenStore(path string) (*Store, *ReadResult, error) {
	f, err := FS.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
	created := err == nil
	if errors.Is(err, fs.ErrExist) {
		f, err = FS.OpenFile(path, os.O_RDWR|os.O_APPEND, 0)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("opening results file: %w", err)
	}
	if err := filelock.TryLock(f); err != nil {
		f.Close()
		if errors.Is(err, filelock.ErrLocked) {
			return nil, nil, fmt.Errorf("%s: %w; wait for it to finish, or write to another file with --out", path, ErrLocked)
		}
		return nil, nil, err
	}
	data, err := io.ReadAll(io.NewSectionReader(f, 0, 1<<62))
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("reading %s: %w", path, err)
	}
	rr, err := parseRecords(path, data)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if rr.Torn != "" {
		if err := moveTorn(f, path, int64(len(data)-len(rr.TornBytes)), rr.TornBytes); err != nil {
			f.Close()
			return nil, nil, err
		}
		rr.Torn += fmt.Sprintf("; moved to %s.torn", path)
	}
	return &Store{path: path, f: f, created: created}, rr, nil
}

func moveTorn(f outfile.File, path string, keep int64, torn []byte) error {
	tp := path + ".torn"
	var had int64 = -1 // size of an earlier .torn file, -1 when there is none
	if st, err := os.Stat(tp); err == nil {
		had = st.Size()
	}
	t, err := FS.OpenFile(tp, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return writeError(fmt.Sprintf("saving the torn last line of %s in %s", path, tp), err)
	}
	stamp := fmt.Sprintf("# torn line cut from %s at %s\n", path, time.Now().UTC().Format(time.RFC3339))
	b := append(append([]byte(stamp), torn...), '\n')
	n, err := t.Write(b)
	if err == nil && n != len(b) {
		err = io.ErrShortWrite
	}
	if err == nil {
		err = t.Sync()
	}
	if err != nil {
		// Leave the .torn file as it was: no empty or partial file.
		if had < 0 {
			t.Close()
			FS.Remove(tp)
		} else {
			t.Truncate(had)
			t.Close()
		}
		return writeError(fmt.Sprintf("saving the torn last line of %s in %s (nothing was changed)", path, tp), err)
	}
	if err := t.Close(); err != nil {
		return writeError(fmt.Sprintf("saving the torn last line of %s in %s", path, tp), err)
	}
	if err := f.Truncate(keep); err != nil {
		return fmt.Errorf("cutting the torn last line of %s: %w", path, err)
	}
	return f.Sync()
}

// Path is the file's name.
func (s *Store) Path() string { return s.path }

// Append writes r as one line with one write and syncs it to disk. When
// either fails, the file is cut back to its previous size, so that it
// still ends with a whole record and the trial, not counted, runs again.
func (s *Store) Append(r *Record) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf) // Encode ends the line with '\n'
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("encoding the record of trial %s: %w", r.Key, err)
	}
	st, err := s.f.Stat()
	if err != nil {
		return fmt.Errorf("appending to %s: %w", s.path, err)
	}
	b := buf.Bytes()
	n, err := s.f.Write(b)
	if err == nil && n != len(b) {
		err = io.ErrShortWrite
	}
	if err == nil {
		err = s.f.Sync()
	}
	if err == nil {
		return nil
	}
	what := fmt.Sprintf("appending the record of trial %s to %s", r.Key, s.path)
	if terr := s.f.Truncate(st.Size()); terr != nil {
		return fmt.Errorf("%w; cutting the partial record back failed too (%v): the next run sets the torn line aside", writeError(what, err), terr)
	}
	s.f.Sync()
	return writeError(what+" (the file was cut back to its last whole record)", err)
}

// writeError reports a failed write for what it is, a full disk above all.
func writeError(what string, err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Errorf("disk full: %s: %w; free space and re-run the same command to resume", what, err)
	}
	return fmt.Errorf("%s: %w; re-run the same command to resume", what, err)
}

// Close releases the lock and closes the file. A file OpenStore created
// that holds no record is removed: a run that recorded nothing leaves no
// empty file.
func (s *Store) Close() error {
	if s.f == nil {
		return nil
	}
	if st, err := s.f.Stat(); err == nil && s.created && st.Size() == 0 {
		FS.Remove(s.path) // still holding the lock
	}
	err := s.f.Close() // closing the descriptor releases the lock
	s.f = nil
	return err
}

// ReadFile reads a results file without locking it (a run may be
// appending to it; a record being written shows up as a torn last line,
// which is reported in the result and ignored).
func ReadFile(path string) (*ReadResult, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading results: %w", err)
	}
	return parseRecords(path, data)
}

// parseRecords splits data into records. Every complete line (ending in a
// newline) must be a valid record: anything else is corruption and an error
// naming the line. An incomplete last line is the torn record of a crash.
func parseRecords(path string, data []byte) (*ReadResult, error) {
	rr := &ReadResult{}
	line := 0
	for len(data) > 0 {
		line++
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			rr.TornBytes = data
			rr.Torn = fmt.Sprintf("%s:%d: torn last line (%d bytes without a newline, from an interrupted write), ignored",
				path, line, len(data))
			break
		}
		l := bytes.TrimSpace(data[:i])
		data = data[i+1:]
		if len(l) == 0 {
			continue
		}
		var r Record
		dec := json.NewDecoder(bytes.NewReader(l))
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("%s:%d: not a valid record (%v); the file is damaged: remove or repair that line", path, line, err)
		}
		if r.Schema == 0 {
			return nil, fmt.Errorf("%s:%d: not an actbench record (no \"schema\" field): is this an actbench results file? remove or repair that line", path, line)
		}
		if r.Schema < 1 || r.Schema > SchemaVersion {
			return nil, fmt.Errorf("%s:%d: record schema %d, this actbench reads 1..%d: use a newer actbench", path, line, r.Schema, SchemaVersion)
		}
		if r.Key == "" || r.Grid == "" {
			return nil, fmt.Errorf("%s:%d: record without a key or grid id: not an actbench results file?", path, line)
		}
		rr.Records = append(rr.Records, r)
		rr.Lines = append(rr.Lines, line)
	}
	return rr, nil
}
