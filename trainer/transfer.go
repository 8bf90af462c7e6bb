package trainer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/actbench/actbench/layers"
	"github.com/actbench/actbench/models"
)

// Transfer records how a fine-tuning trial started from its checkpoint:
// where the weights came from, which tensors were loaded and which were
// initialised afresh, whether the classifier head and the activations were
// swapped, and how the inputs were normalised.
type Transfer struct {
	// From is the checkpoint file; the source trial's model, dataset (name,
	// checksum, class count, blur), activation, seed and epochs follow.
	From          string  `json:"from"`
	FromModel     string  `json:"from_model"`
	FromData      string  `json:"from_data"`
	FromSHA256    string  `json:"from_sha256,omitempty"`
	FromClasses   int     `json:"from_classes"`
	FromBlur      float64 `json:"from_blur,omitempty"`
	FromAct       string  `json:"from_act"`
	FromSeed      uint64  `json:"from_seed"`
	FromEpochs    int     `json:"from_epochs"`
	FromSelection int     `json:"from_selected_epoch"` // the source epoch whose model was loaded
	// Loaded lists the parameters and buffers copied bit for bit from the
	// checkpoint; Reinitialized those initialised from (seed, layer name)
	// instead (the replaced head).
	Loaded        []string `json:"loaded"`
	Reinitialized []string `json:"reinitialized,omitempty"`
	// Head describes the classifier head: replaced or kept.
	Head HeadTransfer `json:"head"`
	// Swapped describes the activation swap (nil when the activation is the
	// checkpoint's).
	Swapped *ActSwap `json:"swapped,omitempty"`
	// Norm says how the target's inputs were normalised.
	Norm NormInfo `json:"norm"`
}

// HeadTransfer describes what happened to the classifier head.
type HeadTransfer struct {
	Layer       string `json:"layer"`
	Replaced    bool   `json:"replaced"`
	FromClasses int    `json:"from_classes"`
	Classes     int    `json:"classes"`
	// Reason is why it was replaced ("class count 100 -> 10" or "new_head
	// requested"); empty when kept.
	Reason string `json:"reason,omitempty"`
	// Trainable says whether the optimiser updates it (a replaced head
	// always trains, whatever the freezing mode).
	Trainable bool `json:"trainable"`
}

// ActSwap describes an activation swap at every site.
type ActSwap struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Sites int    `json:"sites"`
}

// NormInfo is the input normalisation of a fine-tuning trial.
type NormInfo struct {
	// Stats is "target" (the target's own training split) or "source".
	Stats string    `json:"stats"`
	Mean  []float32 `json:"mean"`
	Std   []float32 `json:"std"`
	// FromMean and FromStd are the statistics the checkpoint was trained
	// with (empty for checkpoints that did not record them).
	FromMean []float32 `json:"from_mean,omitempty"`
	FromStd  []float32 `json:"from_std,omitempty"`
}

// sourceModelPrefix is the tensor prefix of the checkpoint's selected model.
func sourceModelPrefix(c *checkpoint) string {
	if c.BestEpoch > 0 {
		return "best/"
	}
	return "model/"
}

// sourceClasses is the class count of the checkpoint's model.
func sourceClasses(c *checkpoint) int {
	if c.Result.Model.Classes > 0 {
		return c.Result.Model.Classes
	}
	return c.Result.Data.Classes
}

// shapeString renders a tensor's shape as recorded in a checkpoint (only
// its length for files without shapes).
func shapeString(c *checkpoint, name string) string {
	if s, ok := c.shapes[name]; ok {
		return fmt.Sprint(s)
	}
	return fmt.Sprintf("[%d values]", len(c.tensors[name]))
}

// fits reports whether the checkpoint's tensor name can be copied into p.
func fits(c *checkpoint, name string, p *layers.Param) bool {
	src, ok := c.tensors[name]
	if !ok || len(src) != len(p.Value.Float32s()) {
		return false
	}
	s, ok := c.shapes[name]
	return !ok || slices.Equal(s, p.Value.Shape())
}

// firstMismatch describes the first parameter of m (outside skip) that the
// checkpoint lacks or holds with another shape ("" when none).
func firstMismatch(c *checkpoint, m *models.Model, skip map[string]bool) string {
	prefix := sourceModelPrefix(c)
	for _, p := range m.Params() {
		if skip[p.Name] || fits(c, prefix+p.Name, p) {
			continue
		}
		if _, ok := c.tensors[prefix+p.Name]; !ok {
			return fmt.Sprintf("tensor %s (shape %v here) is not in the checkpoint", p.Name, []int(p.Value.Shape()))
		}
		return fmt.Sprintf("tensor %s has shape %s in the checkpoint and %v here", p.Name, shapeString(c, prefix+p.Name), []int(p.Value.Shape()))
	}
	return ""
}

// transferWeights loads the checkpoint's selected model into m (built with
// the checkpoint's activation and the target's class count, and already
// initialised from the trial seed): every parameter and buffer bit for bit,
// except the classifier head when it is replaced, which keeps its fresh
// initialisation. It refuses a checkpoint of another model and any tensor
// that is missing or shaped differently, naming the tensor and both shapes.
func transferWeights(m *models.Model, c *checkpoint, ft *FineTune) (*Transfer, error) {
	from := ft.From
	head := m.Head()
	if head == nil {
		return nil, fmt.Errorf("trainer: finetune: %s has no classifier head (Dense layer)", m.Spec)
	}
	tr := &Transfer{
		From: from, FromModel: c.Config.Model, FromData: c.Config.Data, FromSHA256: c.Result.Data.SHA256,
		FromClasses: sourceClasses(c), FromBlur: c.Config.Blur, FromAct: c.Config.Act, FromSeed: c.Config.Seed,
		FromEpochs: c.Pos.Epochs, FromSelection: c.BestEpoch,
		Head: HeadTransfer{Layer: head.Name(), FromClasses: sourceClasses(c), Classes: m.Classes},
	}
	switch {
	case tr.FromClasses != m.Classes:
		tr.Head.Replaced, tr.Head.Reason = true, fmt.Sprintf("class count %d -> %d", tr.FromClasses, m.Classes)
	case ft.NewHead:
		tr.Head.Replaced, tr.Head.Reason = true, "new_head requested"
	}
	skip := map[string]bool{}
	if tr.Head.Replaced {
		for _, p := range head.Params() {
			skip[p.Name] = true
		}
	}
	if c.Config.Model != m.Spec {
		msg := fmt.Sprintf("trainer: finetune: checkpoint %s holds model %s, this trial builds %s (a transfer needs the same architecture)",
			from, c.Config.Model, m.Spec)
		if d := firstMismatch(c, m, skip); d != "" {
			msg += ": " + d
		}
		return nil, fmt.Errorf("%s", msg)
	}
	prefix := sourceModelPrefix(c)
	used := map[string]bool{}
	for _, p := range m.Params() {
		name := prefix + p.Name
		if skip[p.Name] {
			tr.Reinitialized = append(tr.Reinitialized, p.Name)
			used[name] = true
			continue
		}
		if !fits(c, name, p) {
			hint := ""
			if p.Name == head.Name()+".weight" || p.Name == head.Name()+".bias" {
				hint = " (the classifier head: set finetune new_head to replace it)"
			} else if c.Result.Model.InShape != nil && !slices.Equal(c.Result.Model.InShape, m.InShape) {
				hint = fmt.Sprintf(" (the checkpoint was trained on %v images, the target has %v)", c.Result.Model.InShape, m.InShape)
			}
			if _, ok := c.tensors[name]; !ok {
				return nil, fmt.Errorf("trainer: finetune from %s: the checkpoint has no tensor %s (shape %v here)%s",
					from, name, []int(p.Value.Shape()), hint)
			}
			return nil, fmt.Errorf("trainer: finetune from %s: tensor %s has shape %s in the checkpoint, %v in %s for inputs %v and %d classes%s",
				from, p.Name, shapeString(c, name), []int(p.Value.Shape()), m.Spec, m.InShape, m.Classes, hint)
		}
		copy(p.Value.Float32s(), c.tensors[name])
		tr.Loaded = append(tr.Loaded, p.Name)
		used[name] = true
	}
	for name := range c.tensors {
		if strings.HasPrefix(name, prefix) && !used[name] {
			return nil, fmt.Errorf("trainer: finetune from %s: checkpoint tensor %s (shape %s) has no counterpart in %s with activation %s",
				from, name, shapeString(c, name), m.Spec, m.Act())
		}
	}
	return tr, nil
}
