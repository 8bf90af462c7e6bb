package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"
)

// errHelp is returned by flagSet.parse when --help was asked for and printed.
var errHelp = errors.New("help requested")

// flagSet is a subcommand's pflag set: errors come back as usage errors
// instead of exiting, and --help prints the usage line and flags to stdout.
type flagSet struct {
	*pflag.FlagSet
	env   *Env
	usage string // e.g. "show SPEC [flags]"
}

func newFlagSet(env *Env, name, usage string) *flagSet {
	fs := pflag.NewFlagSet("actbench "+name, pflag.ContinueOnError)
	fs.SetOutput(discard{})
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, env: env, usage: usage}
}

// parse parses args. It returns errHelp after printing help, and a usage error
// for an unknown or malformed flag.
func (f *flagSet) parse(args []string) error {
	err := f.Parse(args)
	switch {
	case errors.Is(err, pflag.ErrHelp):
		fmt.Fprintf(f.env.Stdout, "Usage: actbench %s\n\nFlags:\n%s", f.usage, f.FlagUsages())
		return errHelp
	case err != nil:
		return usageErrorf("%v", err)
	}
	return nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
