// Command actbench benchmarks neural-network activation functions: see
// 'actbench help'. It is a thin wrapper around package cli; the blank import
// is what puts the built-in activations in the registry, so a custom binary
// (examples/customact) adds its own the same way.
package main

import (
	_ "github.com/actbench/actbench/activations" // the built-in activations
	"github.com/actbench/actbench/cli"
)

func main() { cli.Main() }
