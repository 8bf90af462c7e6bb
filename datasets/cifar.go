package datasets

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

const (
	cifarSide   = 32
	cifarPixels = 3 * cifarSide * cifarSide // 3072 bytes per image: R, G, B planes of 32x32
	maxNameFile = 64 << 10                  // label-name files are < 1 KiB; refuse anything huge
)

// cifarFormat describes one of the two CIFAR binary distributions.
type cifarFormat struct {
	name, title        string
	labelBytes         int // 1 (CIFAR-10: label) or 2 (CIFAR-100: coarse, fine)
	classes            int
	coarse             int // coarse classes, 0 for CIFAR-10
	dirName            string
	archiveName        string
	trainFiles         []string
	testFile           string
	perTrainFile       int // maximum (official) records in one training file
	officialTrain      int
	officialTest       int
	namesFile          string // fine (or only) class names, one per line
	coarseFile         string // CIFAR-100 coarse class names
	names, coarseNames []string
}

func (f *cifarFormat) recordSize() int { return f.labelBytes + cifarPixels }

func (f *cifarFormat) recordLayout() string {
	if f.labelBytes == 1 {
		return fmt.Sprintf("%d-byte records (1 label byte 0-%d + 3072 pixel bytes)", f.recordSize(), f.classes-1)
	}
	return fmt.Sprintf("%d-byte records (coarse label 0-%d, fine label 0-%d, 3072 pixel bytes)",
		f.recordSize(), f.coarse-1, f.classes-1)
}

var cifar10Format = &cifarFormat{
	name: "cifar10", title: "CIFAR-10", labelBytes: 1, classes: 10,
	dirName: "cifar-10-batches-bin", archiveName: "cifar-10-binary.tar.gz",
	trainFiles:   []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"},
	testFile:     "test_batch.bin",
	perTrainFile: 10000, officialTrain: 50000, officialTest: 10000,
	namesFile: "batches.meta.txt", names: cifar10Names,
}

var cifar100Format = &cifarFormat{
	name: "cifar100", title: "CIFAR-100", labelBytes: 2, classes: 100, coarse: 20,
	dirName: "cifar-100-binary", archiveName: "cifar-100-binary.tar.gz",
	trainFiles:   []string{"train.bin"},
	testFile:     "test.bin",
	perTrainFile: 50000, officialTrain: 50000, officialTest: 10000,
	namesFile: "fine_label_names.txt", coarseFile: "coarse_label_names.txt",
	names: cifar100FineNames, coarseNames: cifar100CoarseNames,
}

// maxBytes returns the largest valid size of member file, 0 if the format
// does not use that file name.
func (f *cifarFormat) maxBytes(file string) int64 {
	switch {
	case file == f.testFile:
		return int64(f.officialTest * f.recordSize())
	case file == f.namesFile || (f.coarseFile != "" && file == f.coarseFile):
		return maxNameFile
	}
	for _, t := range f.trainFiles {
		if file == t {
			return int64(f.perTrainFile * f.recordSize())
		}
	}
	return 0
}

// cifarDecoder accumulates records into a Set and checks that every fine
// label of CIFAR-100 always comes with the same coarse label.
type cifarDecoder struct {
	f            *cifarFormat
	set          *Set
	coarseOfFine []int16 // -1 until seen
	hash         io.Writer
}

func newCIFARDecoder(f *cifarFormat, set *Set, records int) *cifarDecoder {
	d := &cifarDecoder{f: f, set: set}
	set.Pixels = make([]uint8, 0, records*cifarPixels)
	set.Labels = make([]int32, 0, records)
	if f.coarse > 0 {
		set.Coarse = make([]int32, 0, records)
		d.coarseOfFine = make([]int16, f.classes)
		for i := range d.coarseOfFine {
			d.coarseOfFine[i] = -1
		}
	}
	return d
}

// checkSize validates a file size before anything is read or allocated.
func (f *cifarFormat) checkSize(file string, size int64, maxRecords int) error {
	rec := int64(f.recordSize())
	switch {
	case size < 0:
		return formatErrorf(file, "a whole number of "+f.recordLayout(), "a negative size %d", size)
	case size == 0:
		return formatErrorf(file, "a whole number of "+f.recordLayout(), "an empty file")
	case size%rec != 0:
		return formatErrorf(file, "a whole number of "+f.recordLayout(),
			"%d bytes = %d records + %d bytes (truncated or not %s binary)", size, size/rec, size%rec, f.title)
	case size/rec > int64(maxRecords):
		return formatErrorf(file, fmt.Sprintf("at most %d records (%d bytes)", maxRecords, int64(maxRecords)*rec),
			"%d records (%d bytes)", size/rec, size)
	}
	return nil
}

// decode validates raw (the whole content of file) and appends its records.
func (d *cifarDecoder) decode(file string, raw []byte, maxRecords int) error {
	f := d.f
	if err := f.checkSize(file, int64(len(raw)), maxRecords); err != nil {
		return err
	}
	rec := f.recordSize()
	n := len(raw) / rec
	// Validate every label before appending anything, so a bad file leaves no trace.
	for i := 0; i < n; i++ {
		r := raw[i*rec:]
		if f.coarse == 0 {
			if int(r[0]) >= f.classes {
				return formatErrorf(file, fmt.Sprintf("labels 0-%d", f.classes-1), "label %d in record %d (byte offset %d)", r[0], i, i*rec)
			}
			continue
		}
		coarse, fine := r[0], r[1]
		if int(coarse) >= f.coarse {
			return formatErrorf(file, fmt.Sprintf("coarse labels 0-%d", f.coarse-1), "coarse label %d in record %d (byte offset %d)", coarse, i, i*rec)
		}
		if int(fine) >= f.classes {
			return formatErrorf(file, fmt.Sprintf("fine labels 0-%d", f.classes-1), "fine label %d in record %d (byte offset %d)", fine, i, i*rec+1)
		}
		if prev := d.coarseOfFine[fine]; prev >= 0 && int(prev) != int(coarse) {
			return formatErrorf(file, fmt.Sprintf("fine class %d always in one coarse class (%d so far)", fine, prev),
				"coarse label %d in record %d", coarse, i)
		}
		d.coarseOfFine[fine] = int16(coarse)
	}
	for i := 0; i < n; i++ {
		r := raw[i*rec : (i+1)*rec]
		if f.coarse > 0 {
			d.set.Coarse = append(d.set.Coarse, int32(r[0]))
		}
		d.set.Labels = append(d.set.Labels, int32(r[f.labelBytes-1]))
		d.set.Pixels = append(d.set.Pixels, r[f.labelBytes:]...)
	}
	if d.hash != nil {
		d.hash.Write(raw)
	}
	return nil
}

// parseNames reads a label-name file: one name per line, trailing blank lines
// ignored, exactly want names.
func parseNames(file string, data []byte, want int) ([]string, error) {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	lines := strings.Split(strings.TrimRight(text, "\n\t "), "\n")
	if len(lines) != want {
		return nil, formatErrorf(file, fmt.Sprintf("%d class names, one per line", want), "%d lines", len(lines))
	}
	names := make([]string, want)
	for i, l := range lines {
		names[i] = strings.TrimSpace(l)
		if names[i] == "" {
			return nil, formatErrorf(file, fmt.Sprintf("%d class names, one per line", want), "an empty line %d", i+1)
		}
	}
	return names, nil
}

// cifarMembers is the content of the files found in a directory or archive,
// keyed by their base name, with the name to show in errors.
type cifarMembers struct {
	source  string // directory or archive path
	data    map[string][]byte
	display map[string]string
}

// assemble decodes the members into the train and test sets.
func (f *cifarFormat) assemble(m *cifarMembers) (train, test *Set, err error) {
	var trainFound []string
	trainRecords := 0
	for _, t := range f.trainFiles {
		if raw, ok := m.data[t]; ok {
			trainFound = append(trainFound, t)
			trainRecords += len(raw) / f.recordSize()
		}
	}
	if len(trainFound) == 0 {
		return nil, nil, &FormatError{File: m.where(f.trainFiles[0]),
			Expected: fmt.Sprintf("the %s training file(s) %s", f.title, strings.Join(f.trainFiles, ", ")),
			Found:    "none of them", Err: fs.ErrNotExist}
	}
	if _, ok := m.data[f.testFile]; !ok {
		return nil, nil, &FormatError{File: m.where(f.testFile), Expected: "the " + f.title + " test file " + f.testFile,
			Found: "no such file", Err: fs.ErrNotExist}
	}
	names, coarseNames := f.names, f.coarseNames
	if raw, ok := m.data[f.namesFile]; ok {
		if names, err = parseNames(m.where(f.namesFile), raw, f.classes); err != nil {
			return nil, nil, err
		}
	}
	if f.coarseFile != "" {
		if raw, ok := m.data[f.coarseFile]; ok {
			if coarseNames, err = parseNames(m.where(f.coarseFile), raw, f.coarse); err != nil {
				return nil, nil, err
			}
		}
	}
	mk := func(split string, official int) *Set {
		return &Set{Name: f.name, Split: split, C: 3, H: cifarSide, W: cifarSide, Classes: f.classes,
			ClassNames: names, CoarseNames: coarseNames, Source: m.source, Official: official}
	}
	train, test = mk("train", f.officialTrain), mk("test", f.officialTest)
	trainDec := newCIFARDecoder(f, train, trainRecords)
	h := sha256.New()
	trainDec.hash = h
	for _, t := range trainFound {
		if err := trainDec.decode(m.where(t), m.data[t], f.perTrainFile); err != nil {
			return nil, nil, err
		}
		train.Files = append(train.Files, m.where(t))
	}
	train.SHA256 = hex.EncodeToString(h.Sum(nil))

	raw := m.data[f.testFile]
	testDec := newCIFARDecoder(f, test, len(raw)/f.recordSize())
	testDec.coarseOfFine = trainDec.coarseOfFine // one fine-to-coarse mapping for both splits
	h = sha256.New()
	testDec.hash = h
	if err := testDec.decode(m.where(f.testFile), raw, f.officialTest); err != nil {
		return nil, nil, err
	}
	test.Files = []string{m.where(f.testFile)}
	test.SHA256 = hex.EncodeToString(h.Sum(nil))
	return train, test, nil
}

func (m *cifarMembers) where(file string) string {
	if d, ok := m.display[file]; ok {
		return d
	}
	if isArchivePath(m.source) {
		return m.source + ":" + file
	}
	return filepath.Join(m.source, file)
}

// readCIFARDir reads the format's files from dir (the cifar-10-batches-bin or
// cifar-100-binary directory itself).
func (f *cifarFormat) readDir(dir string) (*cifarMembers, error) {
	m := &cifarMembers{source: dir, data: map[string][]byte{}, display: map[string]string{}}
	files := append(append([]string{}, f.trainFiles...), f.testFile, f.namesFile)
	if f.coarseFile != "" {
		files = append(files, f.coarseFile)
	}
	for _, name := range files {
		p := filepath.Join(dir, name)
		m.display[name] = p
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue // assemble says which required file is missing
		}
		if err != nil {
			return nil, &FormatError{File: p, Expected: "a readable file", Found: err.Error(), Err: err}
		}
		if !st.Mode().IsRegular() {
			return nil, formatErrorf(p, "a regular file", "%s", st.Mode().Type())
		}
		if err := f.checkMemberSize(p, name, st.Size()); err != nil {
			return nil, err
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return nil, &FormatError{File: p, Expected: "a readable file", Found: err.Error(), Err: err}
		}
		m.data[name] = raw
	}
	return m, nil
}

func (f *cifarFormat) checkMemberSize(display, name string, size int64) error {
	limit := f.maxBytes(name)
	if limit == maxNameFile {
		if size > limit {
			return formatErrorf(display, "a class-name file of at most 64 KiB", "%d bytes", size)
		}
		return nil
	}
	return f.checkSize(display, size, int(limit/int64(f.recordSize())))
}

// isArchivePath reports whether p names a .tar.gz / .tgz file.
func isArchivePath(p string) bool {
	return strings.HasSuffix(p, ".tar.gz") || strings.HasSuffix(p, ".tgz")
}

// readArchive reads the format's members from a .tar.gz archive without
// unpacking it.
func (f *cifarFormat) readArchive(archive string) (*cifarMembers, error) {
	file, err := os.Open(archive)
	if err != nil {
		return nil, &FormatError{File: archive, Expected: "a readable " + f.archiveName, Found: err.Error(), Err: err}
	}
	defer file.Close()
	return f.readArchiveFrom(archive, file)
}

func (f *cifarFormat) readArchiveFrom(archive string, r io.Reader) (*cifarMembers, error) {
	m := &cifarMembers{source: archive, data: map[string][]byte{}, display: map[string]string{}}
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, &FormatError{File: archive, Expected: "a gzip-compressed tar archive like " + f.archiveName,
			Found: "no gzip stream (" + err.Error() + ")", Err: err}
	}
	tr := tar.NewReader(zr)
	var seen []string
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &FormatError{File: archive, Expected: "a complete tar.gz archive",
				Found: fmt.Sprintf("a damaged or truncated archive after %d members (%v)", len(seen), err), Err: err}
		}
		name := strings.TrimPrefix(path.Clean(strings.TrimPrefix(hdr.Name, "./")), "./")
		if len(seen) < 12 {
			seen = append(seen, name)
		}
		dir, base := path.Split(name)
		dir = strings.TrimSuffix(dir, "/")
		if hdr.Typeflag != tar.TypeReg || (dir != "" && dir != f.dirName) || f.maxBytes(base) == 0 {
			continue
		}
		display := archive + ":" + name
		if _, dup := m.data[base]; dup {
			return nil, formatErrorf(archive, "one member "+base, "two (the second is %s)", name)
		}
		if err := f.checkMemberSize(display, base, hdr.Size); err != nil {
			return nil, err
		}
		raw := make([]byte, hdr.Size)
		if n, err := io.ReadFull(tr, raw); err != nil {
			return nil, &FormatError{File: display, Expected: fmt.Sprintf("%d bytes (the size in its tar header)", hdr.Size),
				Found: fmt.Sprintf("%d bytes before the archive ended or broke (damaged or truncated download: %v)", n, err), Err: err}
		}
		m.data[base] = raw
		m.display[base] = display
	}
	// Read to the end of the gzip stream so that its CRC and length are
	// checked: a truncated or corrupted tail is an error, not a silent success.
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return nil, &FormatError{File: archive, Expected: "a complete gzip stream with a valid checksum",
			Found: fmt.Sprintf("a damaged or truncated archive end (%v)", err), Err: err}
	}
	if len(m.data) == 0 {
		return nil, formatErrorf(archive, fmt.Sprintf("members %s/%s and %s/%s", f.dirName, f.trainFiles[0], f.dirName, f.testFile),
			"%s", describeMembers(seen))
	}
	for _, name := range append(append([]string{}, f.trainFiles...), f.testFile) {
		if _, ok := m.display[name]; !ok {
			m.display[name] = archive + ":" + f.dirName + "/" + name
		}
	}
	return m, nil
}

func describeMembers(seen []string) string {
	if len(seen) == 0 {
		return "an empty archive"
	}
	return "only members " + strings.Join(seen, ", ")
}

// loadCIFAR loads from dir (the dataset directory itself) or archive.
func (f *cifarFormat) load(p string) (train, test *Set, err error) {
	var m *cifarMembers
	if isArchivePath(p) {
		m, err = f.readArchive(p)
	} else {
		m, err = f.readDir(p)
	}
	if err != nil {
		return nil, nil, err
	}
	return f.assemble(m)
}

// decodeCIFARArchive parses an in-memory archive (for fuzzing and tests).
func decodeCIFARArchive(f *cifarFormat, name string, data []byte) (train, test *Set, err error) {
	m, err := f.readArchiveFrom(name, bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	return f.assemble(m)
}
