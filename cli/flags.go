package cli

import (
	"errors"
	"fmt"
	"math"
	"strconv"

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
	// No flag takes NaN or an infinity, and NaN passes every "< 0" check
	// after this one: refuse them here, for every command.
	var bad error
	f.Visit(func(fl *pflag.Flag) {
		if t := fl.Value.Type(); bad == nil && (t == "float64" || t == "float32") {
			if v, err := strconv.ParseFloat(fl.Value.String(), 64); err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				bad = usageErrorf("--%s %s: want a finite number", fl.Name, fl.Value.String())
			}
		}
	})
	return bad
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
