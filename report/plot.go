package report

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/actbench/actbench/internal/outfile"
	"github.com/actbench/actbench/registry"
)

// WritePlots draws the report's figures into dir, each as PNG and SVG, and
// returns the files written. Per group:
//
//   - <group>-curves: validation error per epoch (training error when the
//     group has no validation split), the mean over seeds as a line and the
//     range over seeds as a band, one colour per activation;
//   - <group>-testerr: every seed's test error per activation (points, with
//     lines joining the same seed across activations, since trials are
//     paired) and the mean with its 95 % CI;
//   - <group>-shapes: the learned activation functions, one curve per layer
//     (parameters averaged over seeds; per-channel parameters at their
//     mean), beside the function at its initial parameters (dashed), for
//     every activation with trainable parameters.
func WritePlots(dir string, rep *Report) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("plot directory: %w", err)
	}
	var files []string
	save := func(p *plot.Plot, w, h vg.Length, name string) error {
		for _, ext := range []string{".png", ".svg"} {
			f := filepath.Join(dir, name+ext)
			wt, err := p.WriterTo(w, h, ext[1:])
			if err != nil {
				return fmt.Errorf("drawing %s: %w", f, err)
			}
			if err := outfile.WriteTo(f, func(w io.Writer) error { _, err := wt.WriteTo(w); return err }); err != nil {
				return err
			}
			files = append(files, f)
		}
		return nil
	}
	for i := range rep.Groups {
		g := &rep.Groups[i]
		slug := groupSlug(g)
		if p, err := curvesPlot(g); err != nil {
			return files, err
		} else if p != nil {
			if err := save(p, 16*vg.Centimeter, 10*vg.Centimeter, slug+"-curves"); err != nil {
				return files, err
			}
		}
		if p, err := testErrPlot(g, rep.Baseline); err != nil {
			return files, err
		} else if p != nil {
			if err := save(p, vg.Length(4+2.5*float64(len(g.Rows)))*vg.Centimeter, 10*vg.Centimeter, slug+"-testerr"); err != nil {
				return files, err
			}
		}
		if p, err := shapesPlot(g); err != nil {
			return files, err
		} else if p != nil {
			if err := save(p, 16*vg.Centimeter, 11*vg.Centimeter, slug+"-shapes"); err != nil {
				return files, err
			}
		}
	}
	return files, nil
}

// groupSlug is a file-name-safe name of a group, e.g. "simplecnn_mnist-2000_adam".
func groupSlug(g *Group) string {
	s := fmt.Sprintf("%s_%s_%s", g.Model, g.Dataset.Label(), g.Recipe.Name)
	if g.dataTag != "" {
		s += "_" + strings.TrimPrefix(g.dataTag, "data sha256 ")
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
			return r
		case r == '+':
			return 'p'
		}
		return '-'
	}, strings.TrimSuffix(strings.ReplaceAll(s, "]", ""), "-"))
}

func colorOf(i int) color.Color { return plotutil.Color(i) }

func curvesPlot(g *Group) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = g.Title()
	p.X.Label.Text = "epoch"
	useVal := g.Dataset.Val > 0
	p.Y.Label.Text = "validation error (%)"
	if !useVal {
		p.Y.Label.Text = "training error (%)"
	}
	p.Legend.Top = true
	drawn := false
	for i := range g.Rows {
		row := &g.Rows[i]
		epochs := 0
		for _, r := range row.records {
			epochs = max(epochs, len(r.Result.Epochs))
		}
		if epochs == 0 {
			continue
		}
		mean := make(plotter.XYs, 0, epochs)
		var lo, hi plotter.XYs
		for e := 0; e < epochs; e++ {
			var vals []float64
			for _, r := range row.records {
				if e >= len(r.Result.Epochs) {
					continue
				}
				ep := r.Result.Epochs[e]
				v := 1 - ep.Train.Top1
				if useVal {
					if ep.Val == nil {
						continue
					}
					v = 1 - ep.Val.Top1
				}
				vals = append(vals, 100*v)
			}
			if len(vals) == 0 {
				continue
			}
			x := float64(e + 1)
			mn, mx, s := math.Inf(1), math.Inf(-1), 0.0
			for _, v := range vals {
				mn, mx, s = math.Min(mn, v), math.Max(mx, v), s+v
			}
			mean = append(mean, plotter.XY{X: x, Y: s / float64(len(vals))})
			lo = append(lo, plotter.XY{X: x, Y: mn})
			hi = append(hi, plotter.XY{X: x, Y: mx})
		}
		if len(mean) == 0 {
			continue
		}
		c := colorOf(i)
		if len(mean) > 1 {
			band := make(plotter.XYs, 0, 2*len(lo))
			band = append(band, lo...)
			for j := len(hi) - 1; j >= 0; j-- {
				band = append(band, hi[j])
			}
			poly, err := plotter.NewPolygon(band)
			if err != nil {
				return nil, err
			}
			r, gg, b, _ := c.RGBA()
			poly.Color = color.NRGBA{R: uint8(r >> 8), G: uint8(gg >> 8), B: uint8(b >> 8), A: 50}
			poly.LineStyle.Width = 0
			p.Add(poly)
		}
		line, pts, err := plotter.NewLinePoints(mean)
		if err != nil {
			return nil, err
		}
		line.Color = c
		line.Width = vg.Points(1.5)
		pts.Color = c
		pts.Shape = draw.CircleGlyph{}
		pts.Radius = vg.Points(2)
		p.Add(line, pts)
		p.Legend.Add(row.Activation, line)
		drawn = true
	}
	if !drawn {
		return nil, nil
	}
	p.Add(plotter.NewGrid())
	return p, nil
}

func testErrPlot(g *Group, baseline string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = g.Title()
	p.Y.Label.Text = "test error (%)"
	var names []string
	seedPts := map[uint64]plotter.XYs{}
	var seedOrder []uint64
	drawn := false
	for i := range g.Rows {
		row := &g.Rows[i]
		name := row.Activation
		names = append(names, name)
		if len(row.TestErr) == 0 {
			continue
		}
		pts := make(plotter.XYs, len(row.TestErr))
		for j, e := range row.TestErr {
			// A small fixed offset per seed keeps equal values apart.
			off := 0.12 * (float64(j)/math.Max(1, float64(len(row.TestErr)-1)) - 0.5)
			pts[j] = plotter.XY{X: float64(i) + off, Y: 100 * e}
			s := row.Seeds[j]
			if _, ok := seedPts[s]; !ok {
				seedOrder = append(seedOrder, s)
			}
			seedPts[s] = append(seedPts[s], pts[j])
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		sc.Color = colorOf(i)
		sc.Shape = draw.CircleGlyph{}
		sc.Radius = vg.Points(2.5)
		p.Add(sc)
		if s := row.Summary; s != nil {
			m := plotter.XYs{{X: float64(i) + 0.25, Y: 100 * s.Mean}}
			eb, err := plotter.NewYErrorBars(errPoints{{x: float64(i) + 0.25, y: 100 * s.Mean, lo: 100 * (s.Mean - s.MeanCI.Lo), hi: 100 * (s.MeanCI.Hi - s.Mean)}})
			if err != nil {
				return nil, err
			}
			eb.Color = color.Black
			ms, err := plotter.NewScatter(m)
			if err != nil {
				return nil, err
			}
			ms.Shape = draw.BoxGlyph{}
			ms.Color = color.Black
			ms.Radius = vg.Points(2.5)
			p.Add(eb, ms)
		}
		drawn = true
	}
	if !drawn {
		return nil, nil
	}
	for _, s := range seedOrder {
		if pts := seedPts[s]; len(pts) > 1 {
			l, err := plotter.NewLine(pts)
			if err != nil {
				return nil, err
			}
			l.Color = color.Gray{Y: 190}
			l.Width = vg.Points(0.5)
			p.Add(l)
		}
	}
	p.NominalX(names...)
	p.X.Label.Text = fmt.Sprintf("activation (grey lines join paired seeds; black: mean, 95%% CI; baseline %s)", baseline)
	p.Add(plotter.NewGrid())
	return p, nil
}

type errPoints []struct{ x, y, lo, hi float64 }

func (e errPoints) Len() int                        { return len(e) }
func (e errPoints) XY(i int) (float64, float64)     { return e[i].x, e[i].y }
func (e errPoints) YError(i int) (float64, float64) { return e[i].lo, e[i].hi }

// shapesPlot draws every trainable activation of the group at its learned
// parameters, per layer.
func shapesPlot(g *Group) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = g.Title() + ": learned activations"
	p.X.Label.Text = "x"
	p.Y.Label.Text = "f(x)"
	p.Legend.Top = true
	p.Legend.Left = true
	xs := make([]float32, 161)
	for i := range xs {
		xs[i] = float32(-4 + 0.05*float64(i))
	}
	drawn := false
	ci := 0
	for i := range g.Rows {
		row := &g.Rows[i]
		layers, order := learnedPerLayer(row)
		if len(order) == 0 {
			continue
		}
		// The function at its initial parameters, dashed.
		if pts, ok := curve(row.Spec, nil, xs); ok {
			l, err := plotter.NewLine(pts)
			if err != nil {
				return nil, err
			}
			l.Color = colorOf(i)
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			p.Add(l)
			p.Legend.Add(row.Activation+" at init", l)
		}
		for j, layer := range order {
			pts, ok := curve(row.Spec, layers[layer], xs)
			if !ok {
				continue
			}
			l, err := plotter.NewLine(pts)
			if err != nil {
				return nil, err
			}
			l.Color = colorOf(i)
			l.Width = vg.Points(0.8 + 1.2*float64(j)/math.Max(1, float64(len(order)-1)))
			p.Add(l)
			if j == 0 || j == len(order)-1 {
				p.Legend.Add(fmt.Sprintf("%s %s", row.Activation, layer), l)
			}
			drawn = true
		}
		ci++
	}
	if !drawn {
		return nil, nil
	}
	p.Add(plotter.NewGrid())
	return p, nil
}

// learnedPerLayer averages a row's learned parameters at the selected epoch
// (the model the test error comes from) over its trials, per layer, in
// layer order.
func learnedPerLayer(row *Row) (map[string]map[string]float64, []string) {
	sums := map[string]map[string]float64{}
	counts := map[string]map[string]int{}
	var order []string
	for _, r := range row.records {
		sel := r.Selected()
		if sel == nil {
			continue
		}
		for _, ap := range sel.ActParams {
			if sums[ap.Layer] == nil {
				sums[ap.Layer] = map[string]float64{}
				counts[ap.Layer] = map[string]int{}
				order = append(order, ap.Layer)
			}
			sums[ap.Layer][ap.Param] += ap.Mean
			counts[ap.Layer][ap.Param]++
		}
	}
	for l, m := range sums {
		for k := range m {
			m[k] /= float64(counts[l][k])
		}
	}
	return sums, order
}

// curve evaluates the activation spec, with the given parameters replacing
// the spec's values, at xs. It reports false when the registry cannot build
// the function (an activation unknown to this build, say).
func curve(spec string, params map[string]float64, xs []float32) (plotter.XYs, bool) {
	s, err := registry.Parse(spec)
	if err != nil {
		return nil, false
	}
	for k, v := range params {
		found := false
		for i := range s.Args {
			if s.Args[i].Key == k {
				s.Args[i].Value = strconv.FormatFloat(v, 'g', -1, 64)
				found = true
			}
		}
		if !found {
			s.Args = append(s.Args, registry.Arg{Key: k, Value: strconv.FormatFloat(v, 'g', -1, 64)})
		}
	}
	f, err := registry.NewFromSpec(s, 1)
	if err != nil {
		return nil, false
	}
	ys := make([]float32, len(xs))
	f.Forward(ys, xs, registry.Shape{N: 1, C: 1, HW: len(xs)})
	pts := make(plotter.XYs, len(xs))
	for i := range xs {
		pts[i] = plotter.XY{X: float64(xs[i]), Y: float64(ys[i])}
	}
	return pts, true
}
