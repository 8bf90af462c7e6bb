// Command actbench benchmarks neural-network activation functions: see
// 'actbench help'. It is a thin wrapper around package cli.
package main

import "github.com/actbench/actbench/cli"

func main() { cli.Main() }
