package models

import (
	"github.com/actbench/actbench/layers"
	"github.com/actbench/actbench/registry"
)

// ActSite is an activation layer of a model: package layers' activation
// layer, seen through the methods models and trainer use.
type ActSite interface {
	layers.Layer
	// Func is the instantiated activation (its Params are the learned values).
	Func() registry.Func
	// Spec is the canonical spec of the current function.
	Spec() string
	// Elements is the values per example the function runs on.
	Elements() int
	// Swap replaces the function in place, keeping the shape.
	Swap(spec string) error
	// DeadFraction is the fraction of units whose derivative was zero on
	// every element of the last Forward batch.
	DeadFraction() float64
}

// newActivation builds one activation site.
func newActivation(name, spec string) (ActSite, error) {
	a, err := layers.NewActivation(name, spec)
	if err != nil {
		return nil, err
	}
	return a, nil
}
