package datasets

import (
	"bytes"
	"testing"
)

// The readers must reject hostile input with an error, never panic or
// allocate without bound. Run one with, e.g.:
//
//	go test -run '^$' -fuzz FuzzCIFARArchive -fuzztime 30s ./datasets

func fuzzCIFARRecords(f *testing.F, format *cifarFormat) {
	f.Add(cifarRecords(format, 1, 0))
	f.Add(cifarRecords(format, 2, 9)[:format.recordSize()*2-1])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		s := &Set{}
		d := newCIFARDecoder(format, s, 0)
		err := d.decode("fuzz.bin", raw, 3)
		if err != nil {
			if s.Len() != 0 {
				t.Fatal("a rejected file left records behind")
			}
			return
		}
		if len(raw) != s.Len()*format.recordSize() || len(s.Pixels) != s.Len()*cifarPixels {
			t.Fatalf("accepted %d bytes as %d records", len(raw), s.Len())
		}
		for _, l := range s.Labels {
			if l < 0 || int(l) >= format.classes {
				t.Fatalf("label %d accepted", l)
			}
		}
	})
}

func FuzzCIFAR10Records(f *testing.F)  { fuzzCIFARRecords(f, cifar10Format) }
func FuzzCIFAR100Records(f *testing.F) { fuzzCIFARRecords(f, cifar100Format) }

func FuzzCIFARArchive(f *testing.F) {
	f.Add(tarGz(f, cifar10Format.dirName, map[string][]byte{
		"data_batch_1.bin": cifarRecords(cifar10Format, 1, 0),
		"test_batch.bin":   cifarRecords(cifar10Format, 1, 1),
		"batches.meta.txt": namesFile(cifar10Names),
	}))
	f.Add(tarGz(f, "", map[string][]byte{"test_batch.bin": cifarRecords(cifar10Format, 1, 1)}))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	f.Add(oversizedMemberArchive())
	f.Add(tarGz(f, "..", map[string][]byte{"test_batch.bin": cifarRecords(cifar10Format, 1, 1)}))
	f.Fuzz(func(t *testing.T, data []byte) {
		train, test, err := decodeCIFARArchive(cifar10Format, "fuzz.tar.gz", data)
		if err != nil {
			return
		}
		if train.Len() == 0 || test.Len() == 0 || len(train.Pixels) != train.Len()*cifarPixels {
			t.Fatalf("accepted an archive as %d/%d images", train.Len(), test.Len())
		}
	})
}

func FuzzMNIST(f *testing.F) {
	f.Add(idxImages(2, 3, 3, 0), idxLabels(2, 0))
	f.Add(gz(idxImages(1, 28, 28, 1)), gz(idxLabels(1, 1)))
	f.Add([]byte{0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff}, []byte{0, 0, 8, 1})
	f.Fuzz(func(t *testing.T, images, labels []byte) {
		img, err := decompressIDX("images", bytes.NewReader(images))
		if err != nil {
			return
		}
		lab, err := decompressIDX("labels", bytes.NewReader(labels))
		if err != nil {
			return
		}
		s, err := decodeMNIST("images", img, "labels", lab, 60000)
		if err != nil {
			return
		}
		if s.Len()*s.H*s.W != len(s.Pixels) || s.Len() == 0 {
			t.Fatalf("accepted %d images of %dx%d in %d bytes", s.Len(), s.H, s.W, len(s.Pixels))
		}
	})
}
