package report

// The tests resolve specs of the built-in activations, which only a main
// (cmd/actbench) imports in the program itself.
import _ "github.com/actbench/actbench/activations"
