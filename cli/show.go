package cli

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/actbench/actbench/internal/outfile"
	"github.com/actbench/actbench/registry"
	"github.com/actbench/actbench/report"
)

func init() {
	register(command{
		name:    "show",
		summary: "print (and plot) an activation's values and derivatives over a range",
		run:     runShow,
	})
}

const showUsage = `show SPEC [--range FROM:TO:STEP] [--format table|csv] [--plot FILE.png|FILE.svg]

Evaluates the activation SPEC (see 'actbench list') with the project's own
float32 kernels at x = FROM, FROM+STEP, ..., TO and prints x, y = f(x), dy/dx
and the derivative with respect to each trainable parameter (dy_d<param>).
Numbers are the float32 results, printed in their shortest exact form.
--plot also draws f and df/dx over the range (PNG or SVG, by extension).

Example:
  actbench show 'pvlu(a=0.5,b=2)' --range -3:3:0.25 --format csv`

// showMaxPoints bounds the number of rows show prints.
const showMaxPoints = 1_000_000

func runShow(env *Env, args []string) error {
	fs := newFlagSet(env, "show", showUsage)
	rangeFlag := fs.String("range", "-3:3:0.25", "FROM:TO:STEP, the x values to evaluate")
	format := fs.String("format", "table", "output format: table or csv")
	plotFile := fs.String("plot", "", "also draw f and df/dx to this .png or .svg file")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageErrorf("missing SPEC, e.g. actbench show 'pvlu(a=0.5,b=2)'")
	}
	// A spec typed with blanks and no quotes arrives in pieces: rejoin them.
	spec := strings.Join(fs.Args(), " ")
	if *format != "table" && *format != "csv" {
		return usageErrorf("--format %q: want table or csv", *format)
	}
	lo, hi, step, err := parseShowRange(*rangeFlag)
	if err != nil {
		return usageErrorf("--range %q: %v", *rangeFlag, err)
	}
	if *plotFile != "" {
		if ext := strings.ToLower(filepath.Ext(*plotFile)); ext != ".png" && ext != ".svg" {
			return usageErrorf("--plot %q: the file name must end in .png or .svg", *plotFile)
		}
	}
	f, err := registry.New(spec, 1)
	if err != nil {
		return usageErrorf("%v (see 'actbench list')", err)
	}
	// Check the plot file before printing anything, so that a path that
	// cannot be written fails first instead of after the table.
	if err := checkOutput("--plot", *plotFile); err != nil {
		return err
	}
	n := int(math.Floor((hi-lo)/step+1e-9)) + 1
	xs := make([]float32, n)
	for i := range xs {
		xs[i] = float32(lo + float64(i)*step)
	}
	header, cols := showEvaluate(f, xs)
	switch *format {
	case "csv":
		err = writeShowCSV(env.Stdout, header, cols)
	default:
		fmt.Fprintf(env.Stdout, "%s\n", f.Spec())
		err = writeShowTable(env.Stdout, header, cols)
	}
	if err != nil {
		return err
	}
	if *plotFile != "" {
		err := outfile.WriteTo(*plotFile, func(w io.Writer) error {
			return plotShow(w, strings.ToLower(filepath.Ext(*plotFile))[1:], f, lo, hi)
		})
		if err != nil {
			return outputError("--plot", *plotFile, err)
		}
		fmt.Fprintf(env.Stderr, "actbench show: wrote %s\n", *plotFile)
	}
	return nil
}

// parseShowRange reads FROM:TO:STEP.
func parseShowRange(s string) (lo, hi, step float64, err error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return 0, 0, 0, fmt.Errorf("want FROM:TO:STEP, e.g. -3:3:0.25")
	}
	var v [3]float64
	for i, p := range parts {
		v[i], err = strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v[i]) || math.IsInf(v[i], 0) {
			return 0, 0, 0, fmt.Errorf("%q is not a finite number", p)
		}
	}
	lo, hi, step = v[0], v[1], v[2]
	switch {
	case step <= 0:
		return 0, 0, 0, fmt.Errorf("STEP must be positive, got %g", step)
	case hi < lo:
		return 0, 0, 0, fmt.Errorf("TO (%g) is below FROM (%g)", hi, lo)
	case (hi-lo)/step >= showMaxPoints:
		return 0, 0, 0, fmt.Errorf("%g points; at most %d (use a larger STEP)", math.Floor((hi-lo)/step)+1, showMaxPoints)
	}
	return lo, hi, step, nil
}

// showEvaluate returns the column names and columns x, y, dy_dx, dy_d<param>...
// computed by the activation's own kernels.
func showEvaluate(f registry.Func, xs []float32) ([]string, [][]float32) {
	n := len(xs)
	shape := registry.Shape{N: n, C: 1, HW: 1}
	y, dx, ones := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range ones {
		ones[i] = 1
	}
	f.Forward(y, xs, shape)
	f.Backward(dx, ones, xs, shape)
	header := []string{"x", "y", "dy_dx"}
	cols := [][]float32{xs, y, dx}
	params := f.Params()
	pcols := make([][]float32, len(params))
	for j, p := range params {
		header = append(header, "dy_d"+p.Name)
		pcols[j] = make([]float32, n)
	}
	if len(params) > 0 {
		one := registry.Shape{N: 1, C: 1, HW: 1}
		var d [1]float32
		for i := range xs {
			for _, p := range params {
				clear(p.Grad)
			}
			f.Backward(d[:], ones[i:i+1], xs[i:i+1], one)
			for j, p := range params {
				pcols[j][i] = p.Grad[0]
			}
		}
		for _, p := range params {
			clear(p.Grad)
		}
	}
	return header, append(cols, pcols...)
}

func showNumber(v float32) string { return strconv.FormatFloat(float64(v), 'g', -1, 32) }

func writeShowCSV(w io.Writer, header []string, cols [][]float32) error {
	cw := csv.NewWriter(w)
	cw.Write(header)
	row := make([]string, len(cols))
	for i := range cols[0] {
		for j, c := range cols {
			row[j] = showNumber(c[i])
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

func writeShowTable(w io.Writer, header []string, cols [][]float32) error {
	tb := tablewriter.NewTable(w,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignRight),
		tablewriter.WithRowAlignment(tw.AlignRight))
	tb.Header(header)
	for i := range cols[0] {
		row := make([]string, len(cols))
		for j, c := range cols {
			row[j] = showNumber(c[i])
		}
		if err := tb.Append(row); err != nil {
			return err
		}
	}
	return tb.Render()
}

// plotShow draws f and df/dx on a fine grid over [lo, hi] to w in format
// ("png" or "svg").
func plotShow(w io.Writer, format string, f registry.Func, lo, hi float64) error {
	const m = 801
	xs := make([]float32, m)
	for i := range xs {
		xs[i] = float32(lo + (hi-lo)*float64(i)/(m-1))
	}
	_, cols := showEvaluate(f, xs)
	return report.PlotFunction(w, format, f.Spec().String(), xs, cols[1], cols[2])
}
