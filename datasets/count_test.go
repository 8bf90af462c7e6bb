package datasets

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// Counts agrees with Load on every layout it can count and says "unknown"
// (ok false) for an archive.
func TestCountsAgreeWithLoad(t *testing.T) {
	dir := t.TempDir()
	// MNIST: train labels gzipped, test labels plain, 7 and 3 images.
	mn := filepath.Join(dir, "mnist")
	os.Mkdir(mn, 0o755)
	idx := func(magic uint32, dims ...int) []byte {
		var b bytes.Buffer
		binary.Write(&b, binary.BigEndian, magic)
		size := 1
		for _, d := range dims {
			binary.Write(&b, binary.BigEndian, uint32(d))
			size *= d
		}
		b.Write(make([]byte, size))
		return b.Bytes()
	}
	gz := func(b []byte) []byte {
		var out bytes.Buffer
		w := gzip.NewWriter(&out)
		w.Write(b)
		w.Close()
		return out.Bytes()
	}
	os.WriteFile(filepath.Join(mn, "train-images-idx3-ubyte.gz"), gz(idx(idxImagesMagic, 7, 28, 28)), 0o644)
	os.WriteFile(filepath.Join(mn, "train-labels-idx1-ubyte.gz"), gz(idx(idxLabelsMagic, 7)), 0o644)
	os.WriteFile(filepath.Join(mn, "t10k-images-idx3-ubyte"), idx(idxImagesMagic, 3, 28, 28), 0o644)
	os.WriteFile(filepath.Join(mn, "t10k-labels-idx1-ubyte"), idx(idxLabelsMagic, 3), 0o644)
	// CIFAR-10: two training files of 4 and 2 records, a test file of 5.
	c10 := filepath.Join(dir, "cifar-10-batches-bin")
	os.Mkdir(c10, 0o755)
	rec := make([]byte, 3073)
	os.WriteFile(filepath.Join(c10, "data_batch_1.bin"), bytes.Repeat(rec, 4), 0o644)
	os.WriteFile(filepath.Join(c10, "data_batch_3.bin"), bytes.Repeat(rec, 2), 0o644)
	os.WriteFile(filepath.Join(c10, "test_batch.bin"), bytes.Repeat(rec, 5), 0o644)

	for _, c := range []struct {
		name        string
		train, test int
	}{{"mnist", 7, 3}, {"MNIST", 7, 3}, {"cifar10", 6, 5}} {
		train, test, ok, err := Counts(c.name, dir)
		if err != nil || !ok || train != c.train || test != c.test {
			t.Errorf("Counts(%s) = %d, %d, %v, %v; want %d, %d", c.name, train, test, ok, err, c.train, c.test)
		}
		tr, te, err := Load(c.name, dir)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Len() != c.train || te.Len() != c.test {
			t.Errorf("Load(%s) has %d, %d images", c.name, tr.Len(), te.Len())
		}
	}
	if _, _, _, err := Counts("cifar100", dir); err == nil || !IsNotFound(err) {
		t.Errorf("Counts of an absent dataset: %v", err)
	}
	// A file that is not a whole number of records: unknown, Load will say why.
	os.WriteFile(filepath.Join(c10, "data_batch_2.bin"), rec[:100], 0o644)
	if _, _, ok, err := Counts("cifar10", dir); ok || err != nil {
		t.Errorf("malformed CIFAR file: ok %v err %v", ok, err)
	}
}
