package datasets

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
)

// Counts returns how many training and test images Load(name, dir) would
// return, without reading the images: from the IDX label headers (MNIST,
// gzipped or not) or the file sizes (a CIFAR directory). ok is false when
// that cannot be known cheaply (an archive would have to be decompressed)
// or the files look malformed: Load then reads them and reports it. A
// dataset that cannot be located is an error, the one Load would return.
func Counts(name, dir string) (train, test int, ok bool, err error) {
	p, err := Locate(name, dir)
	if err != nil {
		return 0, 0, false, err
	}
	canon, _ := CanonicalName(name)
	if canon == "mnist" {
		tr, ok1 := idxCount(p, mnistFiles.trainLabels)
		te, ok2 := idxCount(p, mnistFiles.testLabels)
		return tr, te, ok1 && ok2, nil
	}
	st, err := os.Stat(p)
	if err != nil || !st.IsDir() {
		return 0, 0, false, nil // an archive
	}
	f := formatOf(canon)
	rec := int64(f.recordSize())
	count := func(names ...string) (int, bool) {
		n := 0
		for _, name := range names {
			st, err := os.Stat(filepath.Join(p, name))
			if err != nil {
				continue // a subset may lack some files
			}
			if st.Size()%rec != 0 {
				return 0, false
			}
			n += int(st.Size() / rec)
		}
		return n, true
	}
	tr, ok1 := count(f.trainFiles...)
	te, ok2 := count(f.testFile)
	return tr, te, ok1 && ok2, nil
}

// idxCount reads the item count from the header of the IDX labels file
// name (or name.gz) in dir.
func idxCount(dir, name string) (int, bool) {
	p, ok := findIDX(dir, name)
	if !ok {
		return 0, false
	}
	f, err := os.Open(p)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	var magic [2]byte
	if _, err := io.ReadFull(f, magic[:]); err != nil {
		return 0, false
	}
	r := io.MultiReader(bytes.NewReader(magic[:]), f)
	if magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return 0, false
		}
		r = zr
	}
	var head [8]byte
	if _, err := io.ReadFull(r, head[:]); err != nil || binary.BigEndian.Uint32(head[:]) != idxLabelsMagic {
		return 0, false
	}
	return int(binary.BigEndian.Uint32(head[4:])), true
}
