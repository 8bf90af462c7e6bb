package trainer

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress reports training progress: on a terminal a bar redrawn in place
// (at most 10 times a second) with the running loss, accuracy, speed and
// ETA; elsewhere one plain line per epoch.
type progress struct {
	w           io.Writer
	interactive bool
	epochs      int
	perEpoch    int // training images per epoch
	start       time.Time
	startPos    Position // where this run started (resumed trials)
	batchSize   int
	lastDraw    time.Time
}

func newProgress(w io.Writer, interactive bool, cfg Config, perEpoch int, pos Position) *progress {
	return &progress{w: w, interactive: interactive, epochs: cfg.Epochs, perEpoch: perEpoch,
		start: time.Now(), startPos: pos, batchSize: cfg.Batch}
}

// imagesDone returns the training images processed since this run started.
func (p *progress) imagesDone(pos Position) int {
	done := (pos.Epochs-p.startPos.Epochs)*p.perEpoch + (pos.Batches-p.startPos.Batches)*p.batchSize
	return max(0, done)
}

func (p *progress) eta(pos Position) string {
	done := p.imagesDone(pos)
	left := (p.epochs-pos.Epochs)*p.perEpoch - min(pos.Batches*p.batchSize, p.perEpoch)
	if done == 0 || left <= 0 {
		return "--"
	}
	elapsed := time.Since(p.start)
	return formatDuration(time.Duration(float64(elapsed) * float64(left) / float64(done)))
}

func formatDuration(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if h > 0 {
		return fmt.Sprintf("%dh%02dm%02ds", h, m, s)
	}
	return fmt.Sprintf("%dm%02ds", m, s)
}

func (p *progress) batch(pos Position, part *partialEpoch, trainSeconds float64) {
	if p == nil || p.w == nil || !p.interactive {
		return
	}
	if time.Since(p.lastDraw) < 100*time.Millisecond {
		return
	}
	p.lastDraw = time.Now()
	frac := float64(min(pos.Batches*p.batchSize, p.perEpoch)) / float64(max(p.perEpoch, 1))
	const width = 24
	filled := int(frac * width)
	bar := strings.Repeat("=", filled) + strings.Repeat(" ", width-filled)
	speed := 0.0
	if trainSeconds > 0 {
		speed = float64(part.N) / trainSeconds
	}
	fmt.Fprintf(p.w, "\repoch %d/%d [%s] %3.0f%% loss %.4f top1 %.3f %.0f img/s ETA %s\x1b[K",
		pos.Epochs+1, p.epochs, bar, 100*frac, part.LossSum/float64(max(part.N, 1)),
		float64(part.Correct1)/float64(max(part.N, 1)), speed, p.eta(pos))
}

func (p *progress) clearLine() {
	if p.interactive {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

func (p *progress) epoch(e Epoch) {
	if p == nil || p.w == nil {
		return
	}
	p.clearLine()
	var b strings.Builder
	fmt.Fprintf(&b, "epoch %d/%d  train loss %.4f top1 %.4f", e.Epoch, p.epochs, e.Train.Loss, e.Train.Top1)
	for _, s := range []struct {
		name string
		m    *Metrics
	}{{"val", e.Val}, {"test", e.Test}} {
		if s.m == nil {
			continue
		}
		fmt.Fprintf(&b, "  %s loss %.4f top1 %.4f", s.name, s.m.Loss, s.m.Top1)
		if s.m.Top5 != nil {
			fmt.Fprintf(&b, " top5 %.4f", *s.m.Top5)
		}
	}
	fmt.Fprintf(&b, "  lr %.3g  %.1fs (%.0f img/s)", e.LR, e.Seconds, e.ImagesPerSec)
	if p.interactive {
		fmt.Fprintf(&b, "  ETA %s", p.eta(Position{Epochs: e.Epoch}))
	}
	fmt.Fprintln(p.w, b.String())
}

func (p *progress) diverged(d Divergence) {
	if p == nil || p.w == nil {
		return
	}
	p.clearLine()
	fmt.Fprintf(p.w, "diverged: loss %s at epoch %d batch %d\n", d.Loss, d.Epoch, d.Batch)
}

func (p *progress) interrupted() {
	if p == nil || p.w == nil {
		return
	}
	p.clearLine()
	fmt.Fprintln(p.w, "interrupted")
}
