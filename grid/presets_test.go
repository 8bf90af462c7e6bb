package grid

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/actbench/actbench/registry"
)

// cpuHours converts an estimate (seconds on 2 busy cores) to CPU-hours.
func cpuHours(e Estimate) float64 { return 2 * e.Seconds / 3600 }

// TestLeaderboardPresetHasEveryActivation: the leaderboard runs every
// registered activation at its defaults (ReLU, the baseline, first) on the
// simple CNN on both CIFAR subsets with a decaying schedule, within about
// 15 CPU-hours, and its description states its real size and cost.
func TestLeaderboardPresetHasEveryActivation(t *testing.T) {
	p, err := LookupPreset("leaderboard")
	if err != nil {
		t.Fatal(err)
	}
	g := p.Grid()
	trials, err := g.Expand() // canonicalises the activations
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, n := range registry.Names() {
		c, err := CanonicalActivation(n)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, c)
	}
	if g.Activations[0] != "relu" || len(g.Activations) != len(want) {
		t.Fatalf("activations %v, want relu first and all %d registered", g.Activations, len(want))
	}
	got := slices.Clone(g.Activations)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("activations %v, want every registered one at its defaults %v", got, want)
	}
	if len(g.Models) != 1 || g.Models[0] != "simplecnn" || len(g.Datasets) != 2 ||
		g.Datasets[0] != (Dataset{Name: "cifar10", Val: 1000, Train: 3000}) || g.Datasets[1] != (Dataset{Name: "cifar100", Val: 1000, Train: 3000}) {
		t.Errorf("models %v, datasets %+v", g.Models, g.Datasets)
	}
	if r := g.Recipes[0]; len(g.Recipes) != 1 || r.Schedule != "cosine" || r.Select != "best" || r.Augment || len(g.Seeds) != 5 {
		t.Errorf("recipes %+v, seeds %v", g.Recipes, g.Seeds)
	}
	est, err := EstimateCost(&g)
	if err != nil {
		t.Fatal(err)
	}
	// 15 CPU-hours with the activations that still run scalar code priced
	// in (see the preset's Scale); a grid that grows past it fails here.
	if h := cpuHours(est); h > 15.5 || h < 5 {
		t.Errorf("leaderboard costs %.1f CPU-hours (est. %s on 2 cores), want about 15 at most", h, est.Duration())
	}
	if est.Trials != len(trials) || !strings.Contains(p.Scale, fmt.Sprintf("%d trials, est. %.1f h", est.Trials, est.Seconds/3600)) ||
		!strings.Contains(p.Scale, fmt.Sprintf("about %.0f CPU-hours", cpuHours(est))) ||
		!strings.Contains(p.Claim, fmt.Sprintf("all %d of this build", len(want))) {
		t.Errorf("the description does not state the preset's size and cost (%d trials, est. %.1f h, %.0f CPU-hours, %d activations):\n%s\n%s",
			est.Trials, est.Seconds/3600, cpuHours(est), len(want), p.Claim, p.Scale)
	}
}

// TestLeaderboardResNetPreset: ResNet-20 with the benchmark recipe, the
// committed list read, and --act replacing it.
func TestLeaderboardResNetPreset(t *testing.T) {
	p, err := LookupPreset("leaderboard-resnet")
	if err != nil {
		t.Fatal(err)
	}
	g := p.Grid()
	if _, err := g.Expand(); err != nil {
		t.Fatal(err)
	}
	if g.Activations[0] != "relu" || len(g.Activations) != 12 {
		t.Errorf("activations %v, want relu first and 12 in all", g.Activations)
	}
	for _, a := range []string{"leakyrelu(slope=0.01)", "gelu(approx=none)", "softplus(beta=1, threshold=20)"} {
		if !slices.Contains(g.Activations, a) {
			t.Errorf("activations %v lack %s from leaderboard-resnet.txt", g.Activations, a)
		}
	}
	r := g.Recipes[0]
	if g.Models[0] != "resnet20" || g.Datasets[0].Name != "cifar10" || r.Optimizer != "sgd" || r.LR != 0.1 || r.Momentum != 0.9 ||
		r.WeightDecay != 5e-4 || r.Schedule != "cosine" || !r.Augment {
		t.Errorf("grid %+v", g)
	}
	est, err := EstimateCost(&g)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Scale, fmt.Sprintf("est. %.1f h on 2 cores (about %.0f CPU-hours) for the 12 listed", est.Seconds/3600, cpuHours(est))) {
		t.Errorf("scale %q does not state est. %.1f h / %.0f CPU-hours", p.Scale, est.Seconds/3600, cpuHours(est))
	}
	Overrides{Activations: []string{"relu", "mish"}}.Apply(&g)
	if trials, err := g.Expand(); err != nil || len(trials) != 10 {
		t.Errorf("--act relu;mish: %d trials, %v", len(trials), err)
	}
}

func TestListActivations(t *testing.T) {
	got := listActivations("# header\n\nrelu\n  pvlu(a=0.2, b=1)  \n# gelu\nmish\n")
	if want := []string{"relu", "pvlu(a=0.2, b=1)", "mish"}; !slices.Equal(got, want) {
		t.Errorf("listActivations = %q, want %q", got, want)
	}
}
