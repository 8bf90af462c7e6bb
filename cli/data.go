package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"github.com/actbench/actbench/datasets"
)

func init() {
	register(command{
		name:    "data",
		summary: "download CIFAR-10/CIFAR-100/MNIST, or show what a dataset directory or archive holds",
		run:     runData,
	})
}

const dataUsage = `data download|info ...

  actbench data download cifar10|cifar100|mnist... [--dir DIR] [--mirror URL] [--no-unpack]
      Fetch the official files, verify their published checksums, unpack atomically.
      An interrupted download resumes when run again.
  actbench data info [DIR|ARCHIVE] [--blur-sigma S [--blur-size K] [--blur-apply train|test|both]] [--json]
      Show the datasets found: files, record counts (subset or full), per-class counts,
      channel means and checksums. Without a path: what actbench would load by default.

Run 'actbench data download --help' or 'actbench data info --help' for flags.`

func runData(env *Env, args []string) error {
	if len(args) == 0 {
		return usageErrorf("missing subcommand: want download or info")
	}
	switch args[0] {
	case "download":
		return inSubcommand("data download", runDataDownload(env, args[1:]))
	case "info":
		return inSubcommand("data info", runDataInfo(env, args[1:]))
	case "-h", "--help", "help":
		fmt.Fprintf(env.Stdout, "Usage: actbench %s\n", dataUsage)
		return errHelp
	}
	return usageErrorf("unknown subcommand %q: want download or info", args[0])
}

func runDataDownload(env *Env, args []string) error {
	fs := newFlagSet(env, "data download", "data download cifar10|cifar100|mnist... [flags]")
	dir := fs.String("dir", datasets.DefaultDir(), "destination `DIR` (default: $ACTBENCH_DATA or the user cache; Load looks there)")
	mirror := fs.String("mirror", "", "fetch every file from `URL`/NAME instead of the official sources")
	noUnpack := fs.Bool("no-unpack", false, "keep a CIFAR archive as DIR/<archive>.tar.gz (read in place) instead of unpacking it")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageErrorf("missing dataset name: want one or more of %s", strings.Join(datasets.Names, ", "))
	}
	var remotes []datasets.Remote
	for _, name := range fs.Args() {
		canon, _ := datasets.CanonicalName(name) // the spellings Load accepts
		r, ok := datasets.Remotes[canon]
		if !ok {
			return usageErrorf("unknown dataset %q: want %s", name, strings.Join(datasets.Names, ", "))
		}
		remotes = append(remotes, r)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	for _, r := range remotes {
		p, err := datasets.Download(ctx, r, *dir, datasets.DownloadOptions{
			Progress: env.Stderr, Mirror: *mirror, NoUnpack: *noUnpack})
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("%s: interrupted; run the command again to resume", r.Name)
			}
			return err
		}
		fmt.Fprintln(env.Stdout, p)
	}
	return nil
}

func runDataInfo(env *Env, args []string) error {
	fs := newFlagSet(env, "data info", "data info [DIR|ARCHIVE] [flags]")
	sigma := fs.Float64("blur-sigma", 0, "also show the statistics after a Gaussian blur of this `SIGMA` (pixels)")
	size := fs.Int("blur-size", 0, "odd kernel `SIZE` of the blur (default 2*ceil(3*sigma)+1)")
	apply := fs.String("blur-apply", "both", "blur the train, test or both splits")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageErrorf("want at most one DIR or ARCHIVE, got %d arguments", fs.NArg())
	}
	blur := datasets.BlurConfig{Sigma: *sigma, Size: *size, Apply: *apply}
	if !blur.Enabled() && (fs.Changed("blur-size") || fs.Changed("blur-apply")) {
		return usageErrorf("--blur-size and --blur-apply need --blur-sigma S (S > 0); without it nothing is blurred")
	}
	if blur.Enabled() && blur.Size == 0 {
		blur.Size = datasets.DefaultBlurSize(blur.Sigma)
	}
	if err := blur.Check(); err != nil {
		return usageErrorf("%v", err)
	}
	var found []datasets.Found
	if fs.NArg() == 1 {
		var err error
		if found, err = datasets.Inspect(fs.Arg(0)); err != nil {
			return err
		}
	} else {
		for _, name := range datasets.Names {
			p, err := datasets.Locate(name, "")
			if err != nil {
				if !*asJSON {
					fmt.Fprintf(env.Stdout, "%s: not found (%v)\n\n", name, err)
				}
				continue
			}
			train, test, err := datasets.Load(name, p)
			if err != nil {
				return err
			}
			found = append(found, datasets.Found{Name: name, Path: p, Train: train, Test: test})
		}
		if len(found) == 0 {
			return errors.New("no dataset found in the default locations; run `actbench data download NAME`")
		}
	}
	reports := make([]dataReport, len(found))
	for i, f := range found {
		train, test := blur.ApplyTo(f.Train, f.Test)
		reports[i] = dataReport{Name: f.Name, Path: f.Path, Train: splitReportOf(train), Test: splitReportOf(test)}
		if blur.Enabled() {
			reports[i].Blur = blur.String()
		}
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(reports)
	}
	for _, r := range reports {
		r.print(env.Stdout)
	}
	return nil
}

type dataReport struct {
	Name  string      `json:"name"`
	Path  string      `json:"path"`
	Blur  string      `json:"blur,omitempty"`
	Train splitReport `json:"train"`
	Test  splitReport `json:"test"`
}

type splitReport struct {
	Records      int       `json:"records"`
	Official     int       `json:"official_records"`
	Subset       bool      `json:"subset"`
	Shape        [3]int    `json:"shape_chw"`
	Files        []string  `json:"files"`
	SHA256       string    `json:"sha256"`
	Transforms   []string  `json:"transforms,omitempty"`
	ClassNames   []string  `json:"class_names"`
	ClassCounts  []int     `json:"class_counts"`
	CoarseNames  []string  `json:"coarse_names,omitempty"`
	CoarseCounts []int     `json:"coarse_counts,omitempty"`
	ChannelMean  []float32 `json:"channel_mean"`
	ChannelStd   []float32 `json:"channel_std"`
}

func splitReportOf(s *datasets.Set) splitReport {
	norm := datasets.ComputeNormalization(s)
	return splitReport{Records: s.Len(), Official: s.Official, Subset: s.IsSubset(), Shape: [3]int{s.C, s.H, s.W},
		Files: s.Files, SHA256: s.SHA256, Transforms: s.Transforms,
		ClassNames: s.ClassNames, ClassCounts: s.ClassCounts(), CoarseNames: s.CoarseNames, CoarseCounts: s.CoarseCounts(),
		ChannelMean: norm.Mean, ChannelStd: norm.Std}
}

func (r dataReport) print(w io.Writer) {
	fmt.Fprintf(w, "%s  %s\n", r.Name, r.Path)
	t := r.Train
	fmt.Fprintf(w, "  images: %dx%dx%d (CxHxW), %d classes", t.Shape[0], t.Shape[1], t.Shape[2], len(t.ClassNames))
	if len(t.CoarseNames) > 0 {
		fmt.Fprintf(w, " (fine), %d coarse", len(t.CoarseNames))
	}
	fmt.Fprintln(w)
	if r.Blur != "" {
		fmt.Fprintf(w, "  transform: %s (statistics below are after it)\n", r.Blur)
	}
	for _, split := range []struct {
		name string
		s    splitReport
	}{{"train", r.Train}, {"test", r.Test}} {
		s := split.s
		status := "full"
		if s.Subset {
			status = fmt.Sprintf("SUBSET of the official %s", commaInt(s.Official))
		}
		fmt.Fprintf(w, "  %s: %s records (%s)\n", split.name, commaInt(s.Records), status)
		for _, f := range s.Files {
			fmt.Fprintf(w, "    file: %s\n", f)
		}
		fmt.Fprintf(w, "    sha256: %s\n", s.SHA256)
		for _, tr := range s.Transforms {
			fmt.Fprintf(w, "    transform: %s\n", tr)
		}
		fmt.Fprintf(w, "    per class: %s\n", countsText(s.ClassNames, s.ClassCounts))
		if len(s.CoarseNames) > 0 {
			fmt.Fprintf(w, "    per coarse class: %s\n", countsText(s.CoarseNames, s.CoarseCounts))
		}
		fmt.Fprintf(w, "    channel mean: %s  std: %s\n", floats(s.ChannelMean), floats(s.ChannelStd))
	}
	fmt.Fprintln(w)
}

// countsText prints "300 each (100 classes)" for a uniform histogram and
// "name=count ..." (wrapped) otherwise.
func countsText(names []string, counts []int) string {
	uniform := len(counts) > 0
	for _, c := range counts {
		uniform = uniform && c == counts[0]
	}
	if uniform {
		return fmt.Sprintf("%s each (%d classes)", commaInt(counts[0]), len(counts))
	}
	var b strings.Builder
	line := 0
	for i, c := range counts {
		item := fmt.Sprintf("%s=%d", names[i], c)
		if i > 0 {
			if line+len(item) > 90 {
				b.WriteString("\n      ")
				line = 0
			} else {
				b.WriteByte(' ')
				line++
			}
		}
		b.WriteString(item)
		line += len(item)
	}
	return b.String()
}

func floats(v []float32) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = strconv.FormatFloat(float64(x), 'f', 5, 32)
	}
	return strings.Join(parts, " ")
}

// commaInt formats n with comma separators (30000 -> "30,000").
func commaInt(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
