package datasets

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Small fixtures in the official formats, generated deterministically.

// cifarRecords returns n records of format f; pixel bytes depend on (seed,
// record, position) and labels cycle through the classes.
func cifarRecords(f *cifarFormat, n int, seed byte) []byte {
	rec := f.recordSize()
	out := make([]byte, n*rec)
	for i := 0; i < n; i++ {
		r := out[i*rec : (i+1)*rec]
		fine := byte((i*7 + int(seed)) % f.classes)
		if f.coarse > 0 {
			r[0] = fine % byte(f.coarse) // a consistent fine -> coarse mapping
			r[1] = fine
		} else {
			r[0] = fine
		}
		for j := f.labelBytes; j < rec; j++ {
			r[j] = byte(i*31 + j*7 + int(seed)*13)
		}
	}
	return out
}

func namesFile(names []string) []byte { return []byte(strings.Join(names, "\n") + "\n\n") }

// cifarFixture returns the member files of a small CIFAR directory.
func cifarFixture(f *cifarFormat, trainRecords, testRecords int) map[string][]byte {
	files := map[string][]byte{
		f.trainFiles[0]: cifarRecords(f, trainRecords, 1),
		f.testFile:      cifarRecords(f, testRecords, 2),
		f.namesFile:     namesFile(f.names),
	}
	if f.coarseFile != "" {
		files[f.coarseFile] = namesFile(f.coarseNames)
	}
	if len(f.trainFiles) > 1 {
		files[f.trainFiles[1]] = cifarRecords(f, trainRecords/2, 3)
	}
	return files
}

func writeFiles(t testing.TB, dir string, files map[string][]byte) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// tarGz packs files under prefix/ (sorted member order reversed, to check the
// reader does not depend on member order).
func tarGz(t testing.TB, prefix string, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	if prefix != "" {
		tw.WriteHeader(&tar.Header{Name: prefix + "/", Typeflag: tar.TypeDir, Mode: 0o755})
	}
	names := sortedKeys(files)
	for i := len(names) - 1; i >= 0; i-- {
		name := names[i]
		full := name
		if prefix != "" {
			full = prefix + "/" + name
		}
		if err := tw.WriteHeader(&tar.Header{Name: full, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(files[name]))}); err != nil {
			t.Fatal(err)
		}
		tw.Write(files[name])
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return buf.Bytes()
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	return keys
}

// idxImages returns an IDX images file of n rows x cols images.
func idxImages(n, rows, cols int, seed byte) []byte {
	out := make([]byte, 16+n*rows*cols)
	binary.BigEndian.PutUint32(out, idxImagesMagic)
	binary.BigEndian.PutUint32(out[4:], uint32(n))
	binary.BigEndian.PutUint32(out[8:], uint32(rows))
	binary.BigEndian.PutUint32(out[12:], uint32(cols))
	for i := 16; i < len(out); i++ {
		out[i] = byte(i*17 + int(seed))
	}
	return out
}

func idxLabels(n int, seed byte) []byte {
	out := make([]byte, 8+n)
	binary.BigEndian.PutUint32(out, idxLabelsMagic)
	binary.BigEndian.PutUint32(out[4:], uint32(n))
	for i := 0; i < n; i++ {
		out[8+i] = byte((i*3 + int(seed)) % 10)
	}
	return out
}

func gz(data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	return buf.Bytes()
}

// mnistFixture returns the four IDX files, gzipped when compress is set.
func mnistFixture(train, test int, compress bool) map[string][]byte {
	files := map[string][]byte{
		mnistFiles.trainImages: idxImages(train, 28, 28, 1),
		mnistFiles.trainLabels: idxLabels(train, 1),
		mnistFiles.testImages:  idxImages(test, 28, 28, 2),
		mnistFiles.testLabels:  idxLabels(test, 2),
	}
	if !compress {
		return files
	}
	zipped := map[string][]byte{}
	for name, data := range files {
		zipped[name+".gz"] = gz(data)
	}
	return zipped
}
