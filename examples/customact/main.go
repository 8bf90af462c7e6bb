// Command customact is actbench plus the activations of package isru: the
// five-line main that plugs a user's own activation package into the tool.
package main

import (
	"github.com/actbench/actbench/cli"
	_ "github.com/actbench/actbench/examples/customact/isru"
)

func main() { cli.Main() }
