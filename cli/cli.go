// Package cli is the actbench command line as a library call, so that a
// user's own main package can blank-import extra activations and still get the
// whole tool:
//
//	package main
//
//	import (
//		_ "github.com/actbench/actbench/activations" // the built-ins
//		"github.com/actbench/actbench/cli"
//		_ "example.com/myacts" // registers more activations
//	)
//
//	func main() { cli.Main() }
//
// Each subcommand lives in its own file and adds itself with register from an
// init function. Subcommands parse flags (pflag) and call library code; they
// hold no logic of their own beyond presentation.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/actbench/actbench/internal/textdist"
)

// Env is what a subcommand may touch of the outside world.
type Env struct {
	Stdout io.Writer
	Stderr io.Writer
	Stdin  io.Reader
}

// command is one subcommand of actbench.
type command struct {
	name    string
	summary string // one line for the command list
	run     func(env *Env, args []string) error
}

var commands = map[string]command{}

func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("cli: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// errUsage marks an error caused by how the command was called; Run prints it
// with a hint to use --help and exits with status 2.
var errUsage = errors.New("usage")

// usageErrorf returns an error that Run reports as a usage error.
func usageErrorf(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, a...)...)
}

// subcommandError marks an error of a nested command such as "data
// download": Run names that command in the message and in the --help hint.
type subcommandError struct {
	name string
	err  error
}

func (e *subcommandError) Error() string { return e.err.Error() }
func (e *subcommandError) Unwrap() error { return e.err }

// inSubcommand returns err (nil stays nil) marked as coming from the nested
// command name, e.g. "data download".
func inSubcommand(name string, err error) error {
	if err == nil {
		return nil
	}
	return &subcommandError{name: name, err: err}
}

// Main runs actbench with os.Args and exits with its status.
func Main() {
	os.Exit(Run(os.Args[1:], &Env{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin}))
}

// Run runs actbench with args (without the program name) and returns the exit
// status: 0 on success, 1 on failure, 2 on a usage error, 128 + the signal
// number (130 SIGINT, 143 SIGTERM) when a signal stopped the command.
func Run(args []string, env *Env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || (args[0] == "help" && len(args) == 1) {
		printCommands(env.Stdout)
		return 0
	}
	if args[0] == "help" {
		// "actbench help CMD [SUB]" is "actbench CMD [SUB] --help".
		return Run(append(slices.Clone(args[1:]), "--help"), env)
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "actbench: unknown command %q%s\nRun 'actbench help' for the list of commands.\n",
			args[0], suggestCommand(args[0]))
		return 2
	}
	if err := c.run(env, args[1:]); err != nil {
		if errors.Is(err, errHelp) {
			return 0
		}
		name := c.name
		var sub *subcommandError
		if errors.As(err, &sub) {
			name = sub.name
		}
		fmt.Fprintf(env.Stderr, "actbench %s: %v\n", name, strings.TrimPrefix(err.Error(), "usage: "))
		if errors.Is(err, errUsage) {
			fmt.Fprintf(env.Stderr, "Run 'actbench %s --help' for usage.\n", name)
		}
		return exitCode(err)
	}
	return exitOK
}

func printCommands(w io.Writer) {
	fmt.Fprintln(w, "actbench benchmarks neural-network activation functions.")
	fmt.Fprintln(w, "\nUsage: actbench COMMAND [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'actbench help COMMAND' (or 'actbench COMMAND --help') for a command's flags.")
	fmt.Fprintln(w, "\n"+exitStatusHelp)
}

// suggestCommand returns ` (did you mean "stats"?)` for the command name
// closest to name (fewer than 3 edits away), or "" when none is close.
func suggestCommand(name string) string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	if best := textdist.Closest(name, names, 2); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}
