package datasets

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// RemoteFile is one file of a dataset's official distribution.
type RemoteFile struct {
	Name   string   // file name, e.g. "cifar-10-binary.tar.gz"
	URLs   []string // the official URL first, then mirrors, tried in order
	Size   int64    // bytes; 0 if unknown
	MD5    string   // the published checksum (hex); "" if none
	SHA256 string   // hex; "" if none published
}

// Remote is a dataset's official distribution and where it goes.
type Remote struct {
	Name  string       // "cifar10", "cifar100", "mnist"
	Files []RemoteFile // one .tar.gz for CIFAR, four IDX .gz files for MNIST
	// Dir is the dataset's directory under the destination
	// (cifar-10-batches-bin, cifar-100-binary, mnist).
	Dir string
	// Archive: Files[0] is a .tar.gz whose members under Dir/ are unpacked.
	Archive bool
}

// Remotes are the official sources. Checksums are the published MD5s (the
// CIFAR page lists them; the MNIST ones are those of the original files, as
// shipped in GoMNIST) and sizes; SHA-256s where known.
var Remotes = map[string]Remote{
	"cifar10": {Name: "cifar10", Dir: "cifar-10-batches-bin", Archive: true, Files: []RemoteFile{{
		Name: "cifar-10-binary.tar.gz", URLs: []string{"https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"},
		Size: 170052171, MD5: "c32a1d4ab5d03f1284b67883e8d87530"}}},
	"cifar100": {Name: "cifar100", Dir: "cifar-100-binary", Archive: true, Files: []RemoteFile{{
		Name: "cifar-100-binary.tar.gz", URLs: []string{"https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"},
		Size: 168513733, MD5: "03b5dce01913d631647c71ecec9e9cb8"}}},
	"mnist": {Name: "mnist", Dir: "mnist", Files: []RemoteFile{
		mnistRemote("train-images-idx3-ubyte.gz", 9912422, "f68b3c2dcbeaaa9fbdd348bbdeb94873", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
		mnistRemote("train-labels-idx1-ubyte.gz", 28881, "d53e105ee54ea40749a09fcbcd1e9432", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
		mnistRemote("t10k-images-idx3-ubyte.gz", 1648877, "9fb629c4189551a2d022fa330f9573f3", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
		mnistRemote("t10k-labels-idx1-ubyte.gz", 4542, "ec29112dd5afa0611ce80d1b7f02629c", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
	}},
}

func mnistRemote(name string, size int64, md5sum, sha string) RemoteFile {
	return RemoteFile{Name: name, Size: size, MD5: md5sum, SHA256: sha, URLs: []string{
		"http://yann.lecun.com/exdb/mnist/" + name,
		"https://ossci-datasets.s3.amazonaws.com/mnist/" + name, // PyTorch's mirror of the same files
	}}
}

// DownloadOptions tunes Download.
type DownloadOptions struct {
	Client   *http.Client // nil = a client with no overall timeout (downloads are long)
	Progress io.Writer    // progress lines, nil = silent
	// Mirror, if set, is a base URL that replaces the official ones:
	// each file is fetched from Mirror + "/" + its Name.
	Mirror string
	// NoUnpack keeps a CIFAR archive as DEST/<archive> (read in place by
	// Load) instead of unpacking it.
	NoUnpack bool
}

// workDirName holds partial and verified downloads between runs.
const workDirName = ".actbench-download"

// Download fetches r into dest, verifies sizes and checksums, and unpacks
// atomically: the dataset appears as dest/r.Dir (or the archive, with
// NoUnpack) only once complete and readable. An interrupted download resumes
// from its partial file on the next call (HTTP Range; a server that ignores
// Range restarts it cleanly); a file that fails its checksum after resuming
// is fetched again from scratch once. It returns the dataset's path.
func Download(ctx context.Context, r Remote, dest string, opt DownloadOptions) (string, error) {
	target := filepath.Join(dest, r.Dir)
	if r.Archive && opt.NoUnpack {
		target = filepath.Join(dest, r.Files[0].Name)
	}
	if _, err := os.Stat(target); err == nil {
		logf(opt.Progress, "%s: already present at %s (remove it to download again)\n", r.Name, target)
		return target, nil
	}
	work := filepath.Join(dest, workDirName)
	if err := os.MkdirAll(work, 0o755); err != nil {
		return "", fmt.Errorf("datasets: download %s: %w", r.Name, err)
	}
	var fetched []string
	for _, f := range r.Files {
		p, err := fetchVerified(ctx, f, work, opt)
		if err != nil {
			os.Remove(work) // only if empty
			return "", err
		}
		fetched = append(fetched, p)
	}
	var err error
	switch {
	case r.Archive && opt.NoUnpack:
		err = installArchive(r, fetched[0], target)
	case r.Archive:
		err = unpackArchive(r, fetched[0], dest, target)
	default:
		err = installFiles(r, fetched, dest, target)
	}
	if err != nil {
		return "", err
	}
	os.Remove(work) // only if empty: other downloads may be in progress
	logf(opt.Progress, "%s: ready at %s\n", r.Name, target)
	return target, nil
}

func logf(w io.Writer, format string, a ...any) {
	if w != nil {
		fmt.Fprintf(w, format, a...)
	}
}

// fetchVerified returns work/f.Name, downloading (or resuming) it into
// work/f.Name.part and verifying it first if needed.
func fetchVerified(ctx context.Context, f RemoteFile, work string, opt DownloadOptions) (string, error) {
	final := filepath.Join(work, f.Name)
	if _, err := os.Stat(final); err == nil {
		if verifyFile(final, f) == nil {
			return final, nil
		}
		os.Remove(final)
	}
	part := final + ".part"
	urls := f.URLs
	if opt.Mirror != "" {
		urls = []string{strings.TrimSuffix(opt.Mirror, "/") + "/" + f.Name}
	}
	for attempt := 0; ; attempt++ {
		resumed, err := fetchAny(ctx, urls, f, part, opt)
		if err != nil {
			return "", err
		}
		if err := verifyFile(part, f); err != nil {
			os.Remove(part)
			if resumed && attempt == 0 {
				logf(opt.Progress, "%s: %v\n%s: the resumed file is bad; downloading it again from the start\n", f.Name, err, f.Name)
				continue
			}
			return "", fmt.Errorf("%w (the download was deleted; run the command again to restart it, "+
				"or check the mirror)", err)
		}
		if err := os.Rename(part, final); err != nil {
			return "", fmt.Errorf("datasets: download %s: %w", f.Name, err)
		}
		return final, nil
	}
}

// fetchAny tries each URL in turn; it reports whether the file was resumed.
func fetchAny(ctx context.Context, urls []string, f RemoteFile, part string, opt DownloadOptions) (resumed bool, err error) {
	var errs []error
	for _, u := range urls {
		resumed, err = fetch(ctx, u, f, part, opt)
		if err == nil {
			return resumed, nil
		}
		if ctx.Err() != nil {
			return false, err
		}
		errs = append(errs, err)
		if len(urls) > 1 {
			logf(opt.Progress, "%s: %v\n", f.Name, err)
		}
	}
	hint := "run the command again when the source is reachable, or pass --mirror"
	if st, err := os.Stat(part); err == nil && st.Size() > 0 {
		hint = fmt.Sprintf("the partial file %s (%s) is kept: run the command again to resume, or pass --mirror", part, mib(st.Size()))
	}
	return false, fmt.Errorf("datasets: download %s failed (%s): %w", f.Name, hint, errors.Join(errs...))
}

// fetch appends to part from url, resuming at part's current length.
func fetch(ctx context.Context, url string, f RemoteFile, part string, opt DownloadOptions) (resumed bool, err error) {
	offset := int64(0)
	if st, err := os.Stat(part); err == nil {
		offset = st.Size()
	}
	if f.Size > 0 && offset > f.Size {
		offset = 0 // longer than the file can be: start again
	}
	if f.Size > 0 && offset == f.Size {
		return true, nil // complete; the checksum decides
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false, fmt.Errorf("GET %s: %w", url, err)
	}
	if offset > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(offset, 10)+"-")
	}
	client := opt.Client
	if client == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = time.Minute
		client = &http.Client{Transport: t}
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	flags := os.O_WRONLY | os.O_CREATE
	switch {
	case resp.StatusCode == http.StatusPartialContent && offset > 0:
		if start, ok := contentRangeStart(resp.Header.Get("Content-Range")); !ok || start != offset {
			return false, fmt.Errorf("GET %s: asked for bytes from %d, server sent Content-Range %q",
				url, offset, resp.Header.Get("Content-Range"))
		}
		flags |= os.O_APPEND
		resumed = true
		logf(opt.Progress, "%s: resuming at %s\n", f.Name, mib(offset))
	case resp.StatusCode == http.StatusOK:
		if offset > 0 {
			logf(opt.Progress, "%s: server does not resume (no Range support); starting again\n", f.Name)
		}
		offset = 0
		flags |= os.O_TRUNC
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && offset > 0:
		return true, nil // the partial file is probably complete; the checksum decides
	default:
		return false, fmt.Errorf("GET %s: HTTP %s", url, resp.Status)
	}
	out, err := os.OpenFile(part, flags, 0o644)
	if err != nil {
		return false, fmt.Errorf("datasets: %w", err)
	}
	total := f.Size
	if total == 0 && resp.ContentLength > 0 {
		total = offset + resp.ContentLength
	}
	pw := &progressWriter{w: opt.Progress, name: f.Name, done: offset, total: total, last: time.Now()}
	n, copyErr := io.Copy(io.MultiWriter(out, pw), resp.Body)
	closeErr := out.Close()
	pw.finish()
	if copyErr != nil {
		return false, fmt.Errorf("GET %s: interrupted after %s: %w", url, mib(offset+n), copyErr)
	}
	if closeErr != nil {
		return false, fmt.Errorf("datasets: %w", closeErr)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return false, fmt.Errorf("GET %s: connection closed after %d of %d bytes", url, n, resp.ContentLength)
	}
	return resumed, nil
}

// contentRangeStart parses "bytes START-END/TOTAL".
func contentRangeStart(h string) (int64, bool) {
	rest, ok := strings.CutPrefix(h, "bytes ")
	if !ok {
		return 0, false
	}
	start, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseInt(start, 10, 64)
	return v, err == nil
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// progressWriter prints a line at every 10% (or every 5 s when the size is
// unknown) and at the end.
type progressWriter struct {
	w           io.Writer
	name        string
	done, total int64
	lastPct     int64
	last        time.Time
	printed     bool
}

func (p *progressWriter) Write(b []byte) (int, error) {
	p.done += int64(len(b))
	if p.w == nil {
		return len(b), nil
	}
	if p.total > 0 {
		if pct := p.done * 100 / p.total; pct/10 > p.lastPct/10 && pct < 100 {
			p.lastPct = pct
			fmt.Fprintf(p.w, "%s: %s of %s (%d%%)\n", p.name, mib(p.done), mib(p.total), pct)
		}
	} else if time.Since(p.last) > 5*time.Second {
		p.last = time.Now()
		fmt.Fprintf(p.w, "%s: %s\n", p.name, mib(p.done))
	}
	return len(b), nil
}

func (p *progressWriter) finish() {
	if p.w == nil {
		return
	}
	if p.total > 0 {
		fmt.Fprintf(p.w, "%s: %s of %s (%d%%)\n", p.name, mib(p.done), mib(p.total), p.done*100/p.total)
	} else {
		fmt.Fprintf(p.w, "%s: %s\n", p.name, mib(p.done))
	}
}

// verifyFile checks p's size and checksums against f.
func verifyFile(p string, f RemoteFile) error {
	in, err := os.Open(p)
	if err != nil {
		return err
	}
	defer in.Close()
	md, sh := md5.New(), sha256.New()
	n, err := io.Copy(io.MultiWriter(md, sh), in)
	if err != nil {
		return &FormatError{File: p, Expected: "a readable file", Found: err.Error(), Err: err}
	}
	if f.Size > 0 && n != f.Size {
		return formatErrorf(p, fmt.Sprintf("%d bytes (the official size of %s)", f.Size, f.Name), "%d bytes", n)
	}
	if got := hex.EncodeToString(md.Sum(nil)); f.MD5 != "" && !strings.EqualFold(got, f.MD5) {
		return formatErrorf(p, "md5 "+f.MD5+" (published checksum of "+f.Name+")", "md5 %s", got)
	}
	if got := hex.EncodeToString(sh.Sum(nil)); f.SHA256 != "" && !strings.EqualFold(got, f.SHA256) {
		return formatErrorf(p, "sha256 "+f.SHA256, "sha256 %s", got)
	}
	return nil
}

// unpackArchive extracts the members under r.Dir/ of a verified archive
// into a temporary directory beside target, checks that the result loads,
// and renames it into place.
func unpackArchive(r Remote, archive, dest, target string) error {
	format := formatOf(r.Name)
	tmp, err := os.MkdirTemp(dest, "."+r.Dir+".unpack-")
	if err != nil {
		return fmt.Errorf("datasets: unpack %s: %w", archive, err)
	}
	defer os.RemoveAll(tmp)
	if err := extractMembers(archive, r.Dir, format, tmp); err != nil {
		return err
	}
	if _, _, err := format.load(tmp); err != nil {
		return fmt.Errorf("datasets: unpacked %s does not load (nothing was installed): %w", archive, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("datasets: unpack %s: %w", archive, err)
	}
	if err := os.Rename(tmp, target); err != nil {
		return fmt.Errorf("datasets: unpack %s: %w", archive, err)
	}
	os.Remove(archive)
	return nil
}

// extractMembers writes the regular-file members dir/NAME of archive whose
// NAME the format knows (plus readme.html) into out, refusing any other path.
func extractMembers(archive, dir string, format *cifarFormat, out string) error {
	in, err := os.Open(archive)
	if err != nil {
		return fmt.Errorf("datasets: unpack: %w", err)
	}
	defer in.Close()
	zr, err := gzip.NewReader(in)
	if err != nil {
		return formatErrorf(archive, "a gzip-compressed tar archive", "%v", err)
	}
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return formatErrorf(archive, "a complete tar archive", "%v", err)
		}
		name := path.Clean(strings.TrimPrefix(hdr.Name, "./"))
		d, base := path.Split(name)
		if hdr.Typeflag != tar.TypeReg || strings.TrimSuffix(d, "/") != dir {
			continue
		}
		limit := format.maxBytes(base)
		if base == "readme.html" {
			limit = 1 << 20
		}
		if limit == 0 || hdr.Size > limit {
			continue
		}
		f, err := os.OpenFile(filepath.Join(out, base), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return fmt.Errorf("datasets: unpack %s: %w", archive, err)
		}
		_, err = io.Copy(f, io.LimitReader(tr, hdr.Size))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return formatErrorf(archive+":"+name, fmt.Sprintf("%d bytes", hdr.Size), "%v", err)
		}
	}
}

// installArchive checks that a verified archive loads and moves it to target.
func installArchive(r Remote, archive, target string) error {
	if _, _, err := formatOf(r.Name).load(archive); err != nil {
		return fmt.Errorf("datasets: downloaded %s does not load: %w", archive, err)
	}
	return os.Rename(archive, target)
}

// installFiles moves verified files into a temporary directory, checks that
// it loads, and renames it to target.
func installFiles(r Remote, files []string, dest, target string) error {
	tmp, err := os.MkdirTemp(dest, "."+r.Dir+".install-")
	if err != nil {
		return fmt.Errorf("datasets: install %s: %w", r.Name, err)
	}
	defer os.RemoveAll(tmp)
	for _, f := range files {
		if err := os.Rename(f, filepath.Join(tmp, filepath.Base(f))); err != nil {
			return fmt.Errorf("datasets: install %s: %w", r.Name, err)
		}
	}
	if _, _, err := loadMNISTDir(tmp); err != nil {
		return fmt.Errorf("datasets: downloaded %s files do not load (nothing was installed): %w", r.Name, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("datasets: install %s: %w", r.Name, err)
	}
	return os.Rename(tmp, target)
}
