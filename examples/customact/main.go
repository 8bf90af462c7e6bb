// Command customact is actbench plus the activations of package isru: the
// short main that plugs a user's own activation package into the tool.
package main

import (
	_ "github.com/actbench/actbench/activations" // the built-ins
	"github.com/actbench/actbench/cli"
	_ "github.com/actbench/actbench/examples/customact/isru"
)

func main() { cli.Main() }
