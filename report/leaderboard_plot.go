package report

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// LeaderboardPlotName is the base name of the leaderboard's forest plot
// (WriteLeaderboardPlots writes it as .png and .svg).
const LeaderboardPlotName = "leaderboard-rer"

// WriteLeaderboardPlots draws the leaderboard's forest plot into dir, as
// PNG and SVG, and returns the files written: per cell a panel with each
// activation's RER against the baseline and its BCa 95 % CI, the
// activations in the cell's order (best at the top), a dashed line at 0 for
// the baseline, and diverged activations marked with a red cross at 0 and
// "diverged" in their label. It fails when the leaderboard has no cell with
// an RER to draw.
func WriteLeaderboardPlots(dir string, lb *Leaderboard) ([]string, error) {
	if lb == nil || len(lb.Cells) == 0 {
		return nil, errors.New("leaderboard plot: the leaderboard has no cells, nothing to draw")
	}
	var panels []*plot.Plot
	rows := 0
	for i := range lb.Cells {
		p, err := forestPanel(&lb.Cells[i], lb.Baseline)
		if err != nil {
			return nil, err
		}
		if p != nil {
			panels = append(panels, p)
			rows = max(rows, len(lb.Cells[i].Entries))
		}
	}
	if len(panels) == 0 {
		return nil, fmt.Errorf("leaderboard plot: no cell has an RER against %s to draw (no %s trials, %s diverged, or every other activation diverged); choose another --baseline",
			lb.Baseline, lb.Baseline, lb.Baseline)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("plot directory: %w", err)
	}
	w := vg.Length(len(panels)) * 13 * vg.Centimeter
	h := 3*vg.Centimeter + vg.Length(rows)*0.45*vg.Centimeter
	var files []string
	for _, ext := range []string{".png", ".svg"} {
		var dc draw.Canvas
		var out io.WriterTo
		if ext == ".png" {
			img := vgimg.New(w, h)
			dc = draw.New(img)
			out = vgimg.PngCanvas{Canvas: img}
		} else {
			svg := vgsvg.New(w, h)
			dc = draw.New(svg)
			out = svg
		}
		tiles := draw.Tiles{Rows: 1, Cols: len(panels), PadX: vg.Centimeter, PadTop: vg.Millimeter, PadBottom: vg.Millimeter,
			PadLeft: vg.Millimeter, PadRight: 3 * vg.Millimeter}
		canvases := plot.Align([][]*plot.Plot{panels}, tiles, dc)
		for j, p := range panels {
			p.Draw(canvases[0][j])
		}
		f := filepath.Join(dir, LeaderboardPlotName+ext)
		if err := writeTo(f, out); err != nil {
			return files, err
		}
		files = append(files, f)
	}
	return files, nil
}

func writeTo(path string, wt io.WriterTo) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := wt.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Close()
}

// forestPanel draws one cell, or returns nil when no activation of the cell
// has an RER.
func forestPanel(c *Cell, baseline string) (*plot.Plot, error) {
	n := len(c.Entries)
	hasRER := false
	for _, e := range c.Entries {
		hasRER = hasRER || e.RER != nil
	}
	if !hasRER {
		return nil, nil
	}
	p := plot.New()
	p.Title.Text = c.Title
	p.X.Label.Text = fmt.Sprintf("RER vs %s (%%), BCa 95%% CI; > 0 = lower error", baseline)
	names := make([]string, n)
	var pts, base, div plotter.XYs
	var bars errPointsX
	for i, e := range c.Entries {
		y := float64(n - 1 - i) // best at the top
		names[n-1-i] = e.Activation
		switch {
		case e.Diverged > 0:
			names[n-1-i] = fmt.Sprintf("%s (%d/%d diverged)", e.Activation, e.Diverged, e.N)
			div = append(div, plotter.XY{X: 0, Y: y})
		case e.Baseline:
			names[n-1-i] = e.Activation + " (baseline)"
			base = append(base, plotter.XY{X: 0, Y: y})
		case e.RER != nil:
			r := e.RER
			pts = append(pts, plotter.XY{X: 100 * r.Value, Y: y})
			bars = append(bars, struct{ x, y, lo, hi float64 }{100 * r.Value, y, 100 * (r.Value - r.BCa.Lo), 100 * (r.BCa.Hi - r.Value)})
		}
	}
	zero, err := plotter.NewLine(plotter.XYs{{X: 0, Y: -0.5}, {X: 0, Y: float64(n) - 0.5}})
	if err != nil {
		return nil, err
	}
	zero.Color = color.Gray{Y: 120}
	zero.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(plotter.NewGrid(), zero)
	if len(bars) > 0 {
		eb, err := plotter.NewXErrorBars(bars)
		if err != nil {
			return nil, err
		}
		eb.Color = color.Black
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		sc.Shape = draw.CircleGlyph{}
		sc.Color = color.RGBA{R: 31, G: 119, B: 180, A: 255}
		sc.Radius = vg.Points(3)
		p.Add(eb, sc)
	}
	for _, m := range []struct {
		xy    plotter.XYs
		shape draw.GlyphDrawer
		col   color.Color
	}{
		{base, draw.PyramidGlyph{}, color.Black},
		{div, draw.CrossGlyph{}, color.RGBA{R: 214, G: 39, B: 40, A: 255}},
	} {
		if len(m.xy) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(m.xy)
		if err != nil {
			return nil, err
		}
		sc.Shape = m.shape
		sc.Color = m.col
		sc.Radius = vg.Points(3.5)
		p.Add(sc)
	}
	// A margin either side, so the line at 0 and the ends of the intervals
	// stay off the frame.
	pad := 0.06 * (p.X.Max - p.X.Min)
	if pad == 0 {
		pad = 1
	}
	p.X.Min -= pad
	p.X.Max += pad
	p.NominalY(names...)
	return p, nil
}

type errPointsX []struct{ x, y, lo, hi float64 }

func (e errPointsX) Len() int                        { return len(e) }
func (e errPointsX) XY(i int) (float64, float64)     { return e[i].x, e[i].y }
func (e errPointsX) XError(i int) (float64, float64) { return e[i].lo, e[i].hi }
