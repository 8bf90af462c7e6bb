package grid

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// A grid file is one JSON object with the fields of Grid; unknown fields are
// an error (a typo must not silently change an experiment). Example:
//
//	{
//	  "name": "my-grid",
//	  "models": ["simplecnn"],
//	  "datasets": [{"name": "cifar10", "val": 1000, "train": 5000}],
//	  "recipes": [{"name": "adam", "epochs": 10, "optimizer": "adam", "lr": 0.001,
//	               "batch": 128, "select": "best"}],
//	  "seeds": [1, 2, 3, 4, 5],
//	  "activations": ["relu", "leakyrelu", "prelu", "pvlu(a=0.1,b=1)"]
//	}
//
// Recipe fields: name, epochs, optimizer (sgd|adam|adamw), lr, momentum,
// nesterov, weight_decay, schedule (constant|step|cosine), milestones, gamma,
// warmup (epochs), lr_step (per-batch|per-epoch), batch, augment, crop_pad
// (black|mean|reflect), init (default|he-normal), blur (sigma),
// label_smoothing, test_curve, select (best|last), pretrain {dataset,
// activation, epochs, lr, seed} and freeze (none|act|last:K). `actbench run --preset NAME --print-grid`
// prints any preset in this format as a starting point.

// ReadFile reads and validates a grid file.
func ReadFile(path string) (*Grid, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("grid file: %w", err)
	}
	defer f.Close()
	g, err := Decode(f)
	if err != nil {
		return nil, fmt.Errorf("grid file %s: %w", path, err)
	}
	return g, nil
}

// Decode reads a grid in the grid-file format from r and validates it.
func Decode(r io.Reader) (*Grid, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var g Grid
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("empty: a grid file holds one JSON object (actbench run --print-grid prints one to start from)")
	}
	if err := dec.Decode(&g); err != nil {
		if se, ok := err.(*json.SyntaxError); ok {
			line := 1 + bytes.Count(data[:se.Offset], []byte{'\n'})
			return nil, fmt.Errorf("line %d: %v", line, err)
		}
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one JSON value: a grid file holds one object")
	}
	if err := g.Validate(); err != nil {
		return nil, err
	}
	return &g, nil
}

// Encode writes g in the grid-file format.
func Encode(w io.Writer, g *Grid) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(g)
}
