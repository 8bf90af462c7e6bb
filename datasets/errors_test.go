package datasets

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkFormatError requires a *FormatError naming file (a suffix of File) and
// mentioning expected and found.
func checkFormatError(t *testing.T, err error, file, expected, found string) {
	t.Helper()
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T), want a *FormatError", err, err)
	}
	if !strings.HasSuffix(fe.File, file) || !strings.Contains(fe.Expected, expected) || !strings.Contains(fe.Found, found) {
		t.Fatalf("error %q:\n file %q (want suffix %q)\n expected %q (want %q)\n found %q (want %q)",
			err, fe.File, file, fe.Expected, expected, fe.Found, found)
	}
}

func TestCIFARBadFiles(t *testing.T) {
	f := cifar10Format
	cases := []struct {
		name                  string
		edit                  func(files map[string][]byte)
		file, expected, found string
	}{
		{"truncated", func(m map[string][]byte) { m["test_batch.bin"] = m["test_batch.bin"][:3073*3+100] },
			"test_batch.bin", "whole number of 3073-byte records", "3 records + 100 bytes"},
		{"one byte short", func(m map[string][]byte) { m["data_batch_1.bin"] = m["data_batch_1.bin"][:3073*12-1] },
			"data_batch_1.bin", "whole number", "11 records + 3072 bytes"},
		{"empty", func(m map[string][]byte) { m["test_batch.bin"] = nil }, "test_batch.bin", "whole number", "empty file"},
		{"label out of range", func(m map[string][]byte) { m["data_batch_2.bin"][3073*4] = 10 },
			"data_batch_2.bin", "labels 0-9", "label 10 in record 4"},
		{"too many records", func(m map[string][]byte) { m["test_batch.bin"] = cifarRecords(f, 10001, 0) },
			"test_batch.bin", "at most 10000 records", "10001 records"},
		{"missing test file", func(m map[string][]byte) { delete(m, "test_batch.bin") },
			"test_batch.bin", "test file test_batch.bin", "no such file"},
		{"no training file", func(m map[string][]byte) { delete(m, "data_batch_1.bin"); delete(m, "data_batch_2.bin") },
			"data_batch_1.bin", "data_batch_1.bin, data_batch_2.bin", "none of them"},
		{"bad names file", func(m map[string][]byte) { m["batches.meta.txt"] = []byte("cat\ndog\n") },
			"batches.meta.txt", "10 class names", "2 lines"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := cifarFixture(f, 12, 10)
			c.edit(files)
			dir := filepath.Join(t.TempDir(), f.dirName)
			writeFiles(t, dir, files)
			for name := range cifarFixture(f, 12, 10) {
				if _, ok := files[name]; !ok {
					os.Remove(filepath.Join(dir, name))
				}
			}
			_, _, err := Load("cifar10", dir)
			checkFormatError(t, err, c.file, c.expected, c.found)
			// The same damage inside an archive gives the same diagnosis.
			archive := filepath.Join(t.TempDir(), f.archiveName)
			os.WriteFile(archive, tarGz(t, f.dirName, files), 0o644)
			_, _, err = Load("cifar10", archive)
			checkFormatError(t, err, c.file, c.expected, c.found)
			if !strings.Contains(err.Error(), archive) {
				t.Errorf("archive error does not name the archive: %v", err)
			}
		})
	}
	t.Run("missing file is IsNotFound", func(t *testing.T) {
		files := cifarFixture(f, 12, 10)
		delete(files, "test_batch.bin")
		dir := filepath.Join(t.TempDir(), f.dirName)
		writeFiles(t, dir, files)
		_, _, err := Load("cifar10", dir)
		if !IsNotFound(err) || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%v", err)
		}
	})
}

func TestCIFAR100BadLabels(t *testing.T) {
	f := cifar100Format
	cases := []struct {
		name            string
		edit            func([]byte)
		expected, found string
	}{
		{"fine", func(b []byte) { b[3074*2+1] = 100 }, "fine labels 0-99", "fine label 100 in record 2"},
		{"coarse", func(b []byte) { b[3074*5] = 20 }, "coarse labels 0-19", "coarse label 20 in record 5"},
		{"inconsistent", func(b []byte) { b[3074], b[3074+1] = b[0]+1, b[1] }, "always in one coarse class", "coarse label 2 in record 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := cifarFixture(f, 40, 20)
			c.edit(files["train.bin"])
			dir := filepath.Join(t.TempDir(), f.dirName)
			writeFiles(t, dir, files)
			_, _, err := Load("cifar100", dir)
			checkFormatError(t, err, "train.bin", c.expected, c.found)
		})
	}
}

func TestArchiveBadFiles(t *testing.T) {
	f := cifar10Format
	good := tarGz(t, f.dirName, cifarFixture(f, 12, 10))
	wrongMembers := tarGz(t, "cifar-100-binary", cifarFixture(cifar100Format, 4, 4))
	cases := []struct {
		name                  string
		data                  []byte
		file, expected, found string
	}{
		{"not gzip", []byte("PK\x03\x04 a zip file"), "a.tar.gz", "gzip-compressed tar", "no gzip stream"},
		{"truncated", good[:len(good)/2], "a.tar.gz", "", "damaged or truncated"},
		{"corrupt", flipByte(good, len(good)/2), "a.tar.gz", "", "damaged or truncated"},
		{"corrupt checksum", flipByte(good, len(good)-6), "a.tar.gz", "valid checksum", "damaged or truncated"},
		{"truncated tail", good[:len(good)-10], "a.tar.gz", "complete gzip stream", "damaged or truncated"},
		{"wrong members", wrongMembers, "a.tar.gz", "members cifar-10-batches-bin/data_batch_1.bin", "only members cifar-100-binary"},
		{"empty archive", tarGz(t, "", nil), "a.tar.gz", "members", "an empty archive"},
		{"oversized member", oversizedMemberArchive(), "a.tar.gz:cifar-10-batches-bin/data_batch_1.bin", "at most 10000 records", "records"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "a.tar.gz")
			os.WriteFile(p, c.data, 0o644)
			_, _, err := Load("cifar10", p)
			var fe *FormatError
			if !errors.As(err, &fe) || !strings.Contains(fe.File, c.file) {
				t.Fatalf("error %v, want a FormatError naming %s", err, c.file)
			}
			checkFormatError(t, err, fe.File, c.expected, c.found)
		})
	}
}

func flipByte(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0x55
	return c
}

func TestMNISTBadFiles(t *testing.T) {
	cases := []struct {
		name                  string
		edit                  func(m map[string][]byte)
		file, expected, found string
	}{
		{"wrong image magic", func(m map[string][]byte) { binary.BigEndian.PutUint32(m[mnistFiles.trainImages], 0x00000801) },
			"train-images-idx3-ubyte", "IDX magic number 0x00000803", "0x00000801"},
		{"labels given as images", func(m map[string][]byte) { m[mnistFiles.testLabels] = idxImages(20, 28, 28, 0) },
			"t10k-labels-idx1-ubyte", "0x00000801", "0x00000803"},
		{"truncated images", func(m map[string][]byte) { m[mnistFiles.trainImages] = m[mnistFiles.trainImages][:16+28*28*3+5] },
			"train-images-idx3-ubyte", "39200 data bytes", "2357"},
		{"short header", func(m map[string][]byte) { m[mnistFiles.testImages] = []byte{0, 0, 8} },
			"t10k-images-idx3-ubyte", "header of 16 bytes", "3 bytes"},
		{"label out of range", func(m map[string][]byte) { m[mnistFiles.trainLabels][8+7] = 10 },
			"train-labels-idx1-ubyte", "labels 0-9", "label 10 for image 7"},
		{"count mismatch", func(m map[string][]byte) { m[mnistFiles.testLabels] = idxLabels(19, 0) },
			"t10k-labels-idx1-ubyte", "20 labels", "19"},
		{"huge header", func(m map[string][]byte) { binary.BigEndian.PutUint32(m[mnistFiles.trainImages][4:], 1<<31) },
			"train-images-idx3-ubyte", "at most", "dimensions"},
		{"missing", func(m map[string][]byte) { delete(m, mnistFiles.testLabels) },
			"t10k-labels-idx1-ubyte.gz", "MNIST file t10k-labels-idx1-ubyte", "no such file"},
	}
	for _, c := range cases {
		for _, compress := range []bool{false, true} {
			t.Run(c.name, func(t *testing.T) {
				files := mnistFixture(50, 20, false)
				c.edit(files)
				if compress {
					zipped := map[string][]byte{}
					for k, v := range files {
						zipped[k+".gz"] = gz(v)
					}
					files = zipped
				}
				dir := t.TempDir()
				writeFiles(t, dir, files)
				if !isMNISTDir(dir) && c.name != "missing" {
					writeFiles(t, dir, map[string][]byte{mnistFiles.testImages: idxImages(20, 28, 28, 2)})
				}
				_, _, err := Load("mnist", dir)
				checkFormatError(t, err, c.file+map[bool]string{true: ".gz"}[compress && c.name != "missing"], c.expected, c.found)
			})
		}
	}
	t.Run("truncated gzip", func(t *testing.T) {
		files := mnistFixture(50, 20, true)
		name := mnistFiles.trainImages + ".gz"
		files[name] = files[name][:len(files[name])-20]
		dir := t.TempDir()
		writeFiles(t, dir, files)
		_, _, err := Load("mnist", dir)
		checkFormatError(t, err, name, "complete gzip stream", "truncated")
	})
}

// oversizedMemberArchive claims a 1 TiB data_batch_1.bin in its tar header:
// the reader must refuse it from the header, before allocating anything.
func oversizedMemberArchive() []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: "cifar-10-batches-bin/data_batch_1.bin", Typeflag: tar.TypeReg, Mode: 0o644, Size: 3073 << 30})
	tw.Write(make([]byte, 4096))
	tw.Flush() // the archive is short of its claimed size on purpose
	zw.Close()
	return buf.Bytes()
}
