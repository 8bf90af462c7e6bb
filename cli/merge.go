package cli

import (
	"fmt"
	"os"

	"github.com/actbench/actbench/record"
)

func init() {
	register(command{
		name:    "merge",
		summary: "combine the results files of a sharded grid (refuses mismatched grids, drops duplicates)",
		run:     runMerge,
	})
}

func runMerge(env *Env, args []string) error {
	fs := newFlagSet(env, "merge", "merge -o OUT FILE...")
	out := fs.StringP("out", "o", "", "merged results file to write (required)")
	force := fs.Bool("force", false, "overwrite OUT when it exists")
	mixed := fs.Bool("allow-mixed", false, "merge files of different grids too")
	if err := fs.parse(args); err != nil {
		return err
	}
	if *out == "" {
		return usageErrorf("-o OUT is required")
	}
	if fs.NArg() == 0 {
		return usageErrorf("no input files (give the shard files to merge)")
	}
	for _, in := range fs.Args() {
		if in == *out {
			return usageErrorf("%s is both an input and the output", in)
		}
	}
	if st, err := os.Stat(*out); err == nil && st.Mode().IsRegular() && !*force {
		return fmt.Errorf("%s exists; choose another -o or add --force to overwrite it", *out)
	}
	if err := checkOutput("-o", *out); err != nil {
		return err
	}
	res, err := record.Merge(fs.Args(), *mixed)
	if err != nil {
		return err
	}
	for _, t := range res.Torn {
		fmt.Fprintf(env.Stderr, "warning: %s\n", t)
	}
	for _, c := range res.Conflicts {
		fmt.Fprintf(env.Stderr, "warning: conflicting duplicate, kept the first: %s\n", c)
	}
	if err := record.WriteFile(*out, res.Records); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s: %d records (%d trials", *out, len(res.Records), res.Trials)
	if res.Grid != "" && res.Expected > 0 {
		fmt.Fprintf(env.Stdout, " of the grid's %d", res.Expected)
	}
	fmt.Fprintf(env.Stdout, ") from %d files, %d duplicates dropped\n", fs.NArg(), res.Duplicates)
	if res.Grid != "" && res.Trials < res.Expected {
		fmt.Fprintf(env.Stdout, "%d trials are missing: some shards have not finished (re-run them to resume)\n", res.Expected-res.Trials)
	}
	return nil
}
