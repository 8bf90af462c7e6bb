package datasets

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Names lists the datasets Load knows.
var Names = []string{"cifar10", "cifar100", "mnist"}

// CanonicalName maps the spellings Load accepts ("CIFAR-10", "cifar_100",
// "MNIST") to a name of Names, and reports whether name is one of them.
func CanonicalName(name string) (string, bool) {
	n := strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(strings.TrimSpace(name)))
	for _, known := range Names {
		if n == known {
			return known, true
		}
	}
	return "", false
}

// DefaultDir is where `actbench data download` puts datasets unless told
// otherwise, and the last place Load looks: $ACTBENCH_DATA when set, else
// the user cache directory's actbench/datasets.
func DefaultDir() string {
	if d := os.Getenv("ACTBENCH_DATA"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "actbench", "datasets")
	}
	return filepath.Join(os.TempDir(), "actbench-datasets")
}

// SearchDirs returns the directories Load searches when given none:
// $ACTBENCH_DATA, ../shared/datasets (the project's shared copies) relative to
// the working directory and to the root of the actbench checkout containing
// it, and DefaultDir.
func SearchDirs() []string {
	var dirs []string
	if d := os.Getenv("ACTBENCH_DATA"); d != "" {
		dirs = append(dirs, d)
	}
	dirs = append(dirs, filepath.Join("..", "shared", "datasets"))
	if root, ok := moduleRoot(); ok {
		dirs = append(dirs, filepath.Join(filepath.Dir(root), "shared", "datasets"))
	}
	dirs = append(dirs, DefaultDir())
	seen := map[string]bool{}
	out := dirs[:0]
	for _, d := range dirs {
		key := d
		if abs, err := filepath.Abs(d); err == nil {
			key = abs
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, d)
		}
	}
	return out
}

// moduleRoot returns the directory of the actbench go.mod enclosing the
// working directory, if any (tests run in their package's directory).
func moduleRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(data), "module github.com/actbench/actbench\n") {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// Locate returns the directory or archive Load would read dataset name from,
// for dir as Load takes it. For MNIST with dir "" it may return the GoMNIST
// module's data directory.
func Locate(name, dir string) (string, error) {
	canon, ok := CanonicalName(name)
	if !ok {
		return "", fmt.Errorf("datasets: unknown dataset %q: expected one of %s", name, strings.Join(Names, ", "))
	}
	if dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return "", &FormatError{File: dir, Expected: "a dataset directory or archive", Found: err.Error(), Err: err}
		}
		if p, ok := locateIn(canon, dir); ok {
			return p, nil
		}
		return "", fmt.Errorf("%w: %s: expected %s, found neither", ErrNotFound, dir, expectedLayout(canon))
	}
	dirs := SearchDirs()
	for _, d := range dirs {
		if p, ok := locateIn(canon, d); ok {
			return p, nil
		}
	}
	if canon == "mnist" {
		d, err := GoMNISTDir()
		if err != nil {
			return "", fmt.Errorf("%w (also looked in %s)", err, strings.Join(dirs, ", "))
		}
		return d, nil
	}
	return "", fmt.Errorf("%w: %s is in none of %s (each may hold %s); fix: run `actbench data download %s` "+
		"(puts it in %s), or pass the directory or archive",
		ErrNotFound, canon, strings.Join(dirs, ", "), expectedLayout(canon), canon, DefaultDir())
}

func expectedLayout(canon string) string {
	switch canon {
	case "cifar10":
		f := cifar10Format
		return fmt.Sprintf("the %s directory (%s/ with %s) or its archive %s", f.title, f.dirName, f.testFile, f.archiveName)
	case "cifar100":
		f := cifar100Format
		return fmt.Sprintf("the %s directory (%s/ with %s) or its archive %s", f.title, f.dirName, f.testFile, f.archiveName)
	}
	return "the four MNIST IDX files (t10k-images-idx3-ubyte[.gz] ...) directly or in mnist/"
}

// locateIn finds the dataset at p: p itself (a dataset directory or archive),
// or inside p under its official directory or archive name.
func locateIn(canon, p string) (string, bool) {
	st, err := os.Stat(p)
	if err != nil {
		return "", false
	}
	if canon == "mnist" {
		if !st.IsDir() { // one of the IDX files: its directory
			p = filepath.Dir(p)
		}
		for _, d := range []string{p, filepath.Join(p, "mnist")} {
			if isMNISTDir(d) {
				return d, true
			}
		}
		return "", false
	}
	f := formatOf(canon)
	if !st.IsDir() {
		return p, isArchivePath(p)
	}
	for _, d := range []string{p, filepath.Join(p, f.dirName)} {
		if hasFile(d, f.testFile) || hasAnyFile(d, f.trainFiles) {
			return d, true
		}
	}
	a := filepath.Join(p, f.archiveName)
	return a, hasFile(p, f.archiveName)
}

func formatOf(canon string) *cifarFormat {
	if canon == "cifar100" {
		return cifar100Format
	}
	return cifar10Format
}

func hasFile(dir, name string) bool {
	st, err := os.Stat(filepath.Join(dir, name))
	return err == nil && st.Mode().IsRegular()
}

func hasAnyFile(dir string, names []string) bool {
	for _, n := range names {
		if hasFile(dir, n) {
			return true
		}
	}
	return false
}

// Load reads dataset name ("cifar10", "cifar100" or "mnist") and returns its
// training and test splits.
//
// dir may be the dataset's own directory (cifar-10-batches-bin/, ...), its
// official archive (read in place), or a directory holding either under its
// official name (for MNIST: the four IDX files, directly or in mnist/). With
// dir "", Load searches SearchDirs and, for MNIST, finally the GoMNIST
// module (see GoMNISTDir).
func Load(name, dir string) (train, test *Set, err error) {
	p, err := Locate(name, dir)
	if err != nil {
		return nil, nil, err
	}
	canon, _ := CanonicalName(name)
	if canon == "mnist" {
		return loadMNISTDir(p)
	}
	return formatOf(canon).load(p)
}

// IsNotFound reports whether err means the dataset or one of its files is
// missing (as opposed to present but malformed).
func IsNotFound(err error) bool {
	return errors.Is(err, ErrNotFound) || errors.Is(err, fs.ErrNotExist)
}
