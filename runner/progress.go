package runner

import (
	"fmt"
	"io"
	"time"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/record"
)

// progress is the grid's progress display: trials done / total, the current
// trial and its epoch, elapsed time and ETA. The ETA divides the time spent
// so far by the epochs finished so far (pretraining included) and multiplies
// by the epochs left, so it settles after the first epoch.
type progress struct {
	w        io.Writer
	terminal bool
	now      func() time.Time

	t0          time.Time
	total       int // trials in the shard
	done        int // finished (skipped ones included)
	epochsTotal int
	epochsDone  int
	cur         string
	curEpoch    string
	epochNum    int     // epochs finished in the current trial
	epochs      int     // epochs of the current trial
	frac        float64 // fraction of the current epoch done
	lastDraw    time.Time
	dirty       bool // a terminal line is showing
}

func newProgress(w io.Writer, terminal bool, now func() time.Time) *progress {
	return &progress{w: w, terminal: terminal, now: now}
}

func (p *progress) start(g *grid.Grid, sum *Summary, todo []grid.Trial, done map[string]bool) {
	p.t0 = p.now()
	p.total = sum.Selected
	p.done = sum.Skipped
	pre := map[string]bool{}
	for _, t := range todo {
		p.epochsTotal += t.Recipe.Epochs
		if t.Recipe.Pretrain != nil {
			pt := grid.PretrainTrial(t)
			if !done[pt.Key] && !pre[pt.Key] {
				pre[pt.Key] = true
				p.epochsTotal += pt.Recipe.Epochs
			}
		}
	}
	if p.w == nil {
		return
	}
	name := g.Name
	if name == "" {
		name = "grid"
	}
	shard := ""
	if sum.Selected != sum.Total {
		shard = fmt.Sprintf(" (this shard: %d)", sum.Selected)
	}
	fmt.Fprintf(p.w, "%s %s: %d trials%s, %d already done, %d to run (%d epochs)\n",
		name, sum.Grid, sum.Total, shard, sum.Skipped, len(todo), p.epochsTotal)
}

func (p *progress) trial(t grid.Trial, pretrain bool) {
	p.cur = fmt.Sprintf("%s %s %s seed %d", t.Model, t.Dataset.Label(), grid.ShortSpec(t.Activation), t.Seed)
	if pretrain {
		p.cur = "pretrain " + p.cur
	}
	p.epochNum, p.epochs, p.frac = 0, t.Recipe.Epochs, 0
	p.curEpoch = fmt.Sprintf("0/%d", t.Recipe.Epochs)
	p.show(false)
}

// reused says that the pretraining stage pt was found finished in path
// and trained no epoch (another grid or command trained it); its epochs
// leave the ETA.
func (p *progress) reused(pt grid.Trial, path string) {
	p.epochsTotal = max(p.epochsTotal-pt.Recipe.Epochs, 0)
	p.note("pretrain %s %s %s seed %d: reusing the finished %s", pt.Model, pt.Dataset.Label(), grid.ShortSpec(pt.Activation), pt.Seed, path)
}

// note prints a line of its own (clearing the terminal line first).
func (p *progress) note(format string, a ...any) {
	if p.w == nil {
		return
	}
	p.clear()
	fmt.Fprintf(p.w, format+"\n", a...)
}

func (p *progress) epoch(epoch, epochs int) {
	p.epochsDone++
	p.epochNum, p.epochs, p.frac = epoch, epochs, 0
	p.curEpoch = fmt.Sprintf("%d/%d", epoch, epochs)
	p.show(true)
}

// batch updates the terminal line within an epoch, at most 5 times a second.
func (p *progress) batch(done, perEpoch int) {
	if !p.terminal || perEpoch <= 0 {
		return
	}
	p.frac = min(float64(done)/float64(perEpoch), 1)
	if now := p.now(); now.Sub(p.lastDraw) >= 200*time.Millisecond {
		p.lastDraw = now
		p.curEpoch = fmt.Sprintf("%d/%d %d%%", p.epochNum+1, p.epochs, int(100*p.frac))
		p.show(false)
	}
}

func (p *progress) finished(t grid.Trial, rec *record.Record) {
	p.done++
	if p.w == nil {
		return
	}
	status := "no test metrics"
	if e, ok := rec.TestErr(); ok {
		status = fmt.Sprintf("test err %.4f", e)
	}
	if d := rec.Result.Diverged; d != nil {
		status = fmt.Sprintf("diverged at epoch %d (%s loss), %s", d.Epoch, d.Loss, status)
	}
	p.clear()
	fmt.Fprintf(p.w, "[%d/%d] %s %s %s seed %d: %s (%.1fs)\n", p.done, p.total,
		t.Model, t.Dataset.Label(), grid.ShortSpec(t.Activation), t.Seed, status, rec.Finished.Sub(rec.Started).Seconds())
}

func (p *progress) show(epochEnd bool) {
	if p.w == nil {
		return
	}
	line := fmt.Sprintf("[%d/%d] %s: epoch %s | elapsed %s | ETA %s",
		p.done, p.total, p.cur, p.curEpoch, roundDur(p.now().Sub(p.t0)), p.eta())
	if p.terminal {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
		p.dirty = true
		return
	}
	if epochEnd { // plain output: one line per epoch, none at a trial's start
		fmt.Fprintln(p.w, line)
	}
}

func (p *progress) eta() string {
	done := float64(p.epochsDone) + p.frac
	if done < 0.05 {
		return "?"
	}
	left := max(float64(p.epochsTotal)-done, 0)
	per := p.now().Sub(p.t0).Seconds() / done
	return roundDur(time.Duration(per * left * float64(time.Second))).String()
}

func (p *progress) clear() {
	if p.terminal && p.dirty {
		fmt.Fprint(p.w, "\r\033[K")
		p.dirty = false
	}
}

func (p *progress) end(sum *Summary) {
	if p.w == nil {
		return
	}
	p.clear()
	switch {
	case sum.Interrupted && sum.Deadline:
		fmt.Fprintf(p.w, "deadline reached after %s, during a trial (its checkpoint is kept): %d of %d trials done, %d left; run the same command again to resume\n",
			roundDur(sum.Elapsed), sum.Skipped+sum.Ran, sum.Selected, sum.Remaining)
	case sum.Interrupted:
		fmt.Fprintf(p.w, "interrupted after %s: %d of %d trials done, %d left; run the same command again to resume\n",
			roundDur(sum.Elapsed), sum.Skipped+sum.Ran, sum.Selected, sum.Remaining)
	case sum.Deadline:
		fmt.Fprintf(p.w, "stopped after %s for the deadline: the next trial would not end in time (the longest so far took %s); %d of %d trials done, %d left; run the same command again to resume\n",
			roundDur(sum.Elapsed), roundDur(sum.Longest), sum.Skipped+sum.Ran, sum.Selected, sum.Remaining)
	case sum.Remaining > 0:
		fmt.Fprintf(p.w, "stopped after %d new trials (%s): %d of %d done, %d left\n",
			sum.Ran, roundDur(sum.Elapsed), sum.Skipped+sum.Ran, sum.Selected, sum.Remaining)
	default:
		fmt.Fprintf(p.w, "done: %d trials in %s (%d run now, %d already done)\n",
			sum.Selected, roundDur(sum.Elapsed), sum.Ran, sum.Skipped)
	}
}

func roundDur(d time.Duration) time.Duration {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}
