package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/actbench/actbench/registry"
)

func init() {
	register(command{
		name:    "list",
		summary: "list the registered activations: parameters, formula, reference",
		run:     runList,
	})
}

const listUsage = `list [--format table|md|csv|json]

Lists every registered activation with its spec parameters (default values;
trainable ones marked *), formula and reference. Any listed spec works
wherever actbench takes an activation, e.g. 'actbench show "pvlu(a=0.5,b=2)"'.`

func runList(env *Env, args []string) error {
	fs := newFlagSet(env, "list", listUsage)
	format := fs.String("format", "table", "output format: table, md, csv or json")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("list takes no arguments, got %q", fs.Args())
	}
	infos := registry.List()
	switch *format {
	case "table", "md":
		return writeListTable(env.Stdout, infos, *format == "md")
	case "csv":
		return writeListCSV(env.Stdout, infos)
	case "json":
		return writeListJSON(env.Stdout, infos)
	}
	return usageErrorf("--format %q: want table, md, csv or json", *format)
}

// listParams renders the parameters as "a=0.1* b=1* per=shared train=true",
// with * marking the trainable ones.
func listParams(info registry.Info) string {
	parts := make([]string, len(info.Params))
	for i, p := range info.Params {
		parts[i] = p.Name + "=" + p.DefaultString()
		if p.Trainable {
			parts[i] += "*"
		}
	}
	return strings.Join(parts, " ")
}

func listProperties(info registry.Info) string {
	var props []string
	if info.Monotonic {
		props = append(props, "monotonic")
	}
	if info.Smooth {
		props = append(props, "smooth")
	}
	return strings.Join(props, ", ")
}

func writeListTable(w io.Writer, infos []registry.Info, md bool) error {
	opts := []tablewriter.Option{
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
	}
	if md {
		opts = append(opts, tablewriter.WithRenderer(renderer.NewMarkdown()), tablewriter.WithRowAutoWrap(tw.WrapNone))
	} else {
		opts = append(opts, tablewriter.WithRowAutoWrap(tw.WrapNormal), tablewriter.WithRowMaxWidth(36))
	}
	tb := tablewriter.NewTable(w, opts...)
	tb.Header([]string{"name", "parameters (* trainable)", "formula", "properties", "reference"})
	for _, info := range infos {
		row := []string{info.Name, listParams(info), info.Formula, listProperties(info), info.Reference}
		if md {
			for i := range row {
				row[i] = strings.ReplaceAll(row[i], "|", `\|`)
			}
		}
		if err := tb.Append(row); err != nil {
			return err
		}
	}
	if err := tb.Render(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d activations; * marks a trainable parameter (learned unless train=false; train=a learns only a where train lists subsets).\n", len(infos))
	return err
}

func writeListCSV(w io.Writer, infos []registry.Info) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"name", "parameters", "trainable", "formula", "monotonic", "smooth", "reference"})
	for _, info := range infos {
		var trainable []string
		for _, p := range info.Params {
			if p.Trainable {
				trainable = append(trainable, p.Name)
			}
		}
		params := strings.ReplaceAll(listParams(info), "*", "")
		cw.Write([]string{info.Name, params, strings.Join(trainable, " "), info.Formula,
			fmt.Sprint(info.Monotonic), fmt.Sprint(info.Smooth), info.Reference})
	}
	cw.Flush()
	return cw.Error()
}

type listParamJSON struct {
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Default   any    `json:"default"`
	Range     string `json:"range"`
	Trainable bool   `json:"trainable"`
	Doc       string `json:"doc,omitempty"`
}

type listInfoJSON struct {
	Name      string          `json:"name"`
	Spec      string          `json:"spec"` // canonical default spec
	Formula   string          `json:"formula"`
	Reference string          `json:"reference"`
	Monotonic bool            `json:"monotonic"`
	Smooth    bool            `json:"smooth"`
	Params    []listParamJSON `json:"params"`
}

func writeListJSON(w io.Writer, infos []registry.Info) error {
	out := make([]listInfoJSON, 0, len(infos))
	for _, info := range infos {
		spec, err := registry.Canonical(info.Name)
		if err != nil {
			return err
		}
		j := listInfoJSON{Name: info.Name, Spec: spec, Formula: info.Formula, Reference: info.Reference,
			Monotonic: info.Monotonic, Smooth: info.Smooth, Params: []listParamJSON{}}
		for _, p := range info.Params {
			j.Params = append(j.Params, listParamJSON{Name: p.Name, Kind: p.Kind.String(), Default: p.Default,
				Range: p.Range(), Trainable: p.Trainable, Doc: p.Doc})
		}
		out = append(out, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
