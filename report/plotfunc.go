package report

import (
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// PlotFunction draws a function f and its derivative df over xs (one value
// of each per x), titled title, to w in format ("png" or "svg"); non-finite
// points are left out. 'actbench show --plot' draws activations with it.
func PlotFunction(w io.Writer, format, title string, xs, f, df []float32) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "x"
	p.Add(plotter.NewGrid())
	styles := []struct {
		name   string
		ys     []float32
		color  color.Color
		dashed bool
	}{
		{"f(x)", f, color.RGBA{R: 31, G: 119, B: 180, A: 255}, false},
		{"df/dx", df, color.RGBA{R: 214, G: 39, B: 40, A: 255}, true},
	}
	for _, s := range styles {
		var pts plotter.XYs
		for i, x := range xs {
			v := float64(s.ys[i])
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				pts = append(pts, plotter.XY{X: float64(x), Y: v})
			}
		}
		if len(pts) == 0 {
			continue
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		line.Color = s.color
		line.Width = vg.Points(1.5)
		if s.dashed {
			line.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		p.Add(line)
		p.Legend.Add(s.name, line)
	}
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.XOffs = vg.Points(10)
	wt, err := p.WriterTo(6*vg.Inch, 4*vg.Inch, format)
	if err != nil {
		return err
	}
	_, err = wt.WriteTo(w)
	return err
}
