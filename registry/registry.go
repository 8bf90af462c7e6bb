// Package registry holds actbench's activation functions by name.
//
// It is shaped like database/sql drivers and image.RegisterFormat: every
// activation registers itself from an init function, and a blank import of the
// package that holds it makes it available:
//
//	import _ "github.com/actbench/actbench/activations"
//
// An activation is instantiated from a spec string such as
// "pvlu(a=0.1, b=1, per=channel)" (see Parse for the grammar) and a channel
// count, and the result computes forward and backward passes on float32 data in
// NCHW layout (dense layers are N x C, i.e. HW = 1).
//
// # Spec grammar
//
//	spec   = name [ "(" [ arg { "," arg } ] ")" ]
//	arg    = key "=" value
//	name   = letter { letter | digit | "_" }      (case-insensitive, stored lower case)
//	key    = letter { letter | digit | "_" }      (case-insensitive, stored lower case)
//	value  = 1*( letter | digit | "_" | "." | "+" | "-" )
//
// Blanks (spaces, tabs) may surround every token. A key may appear only once.
// Values are numbers (strconv.ParseFloat syntax: 0.25, -1e-3, 2), booleans
// (true, false) or choice words (shared, channel). Examples:
//
//	relu
//	leakyrelu(slope=0.01)
//	prelu(init=0.25, per=channel)
//	pvlu(a=0.1, b=1, per=channel, train=false)
//
// Parse only checks the grammar; New and Canonical also check the name and
// every parameter against the activation's registration, fill in defaults and
// print numbers in their shortest form, so that the canonical spec recorded in
// a results file rebuilds exactly the same activation.
//
// # Conventions
//
// Per-channel parameters (per=channel) index the channel axis C of the Shape;
// shared ones (per=shared) have a single value. Activations with trainable
// parameters take train=true|false; with train=false their parameters are
// fixed constants and Params returns nothing. Activations with several may
// also take a subset, its names joined by "+" (a Choice; pvlu(train=a)
// learns a with b fixed), and Params then returns only those. Backward overwrites dx and
// accumulates parameter gradients into Param.Grad. At kinks the derivative
// follows PyTorch's choice (relu'(0) = 0). Forward and Backward allocate
// nothing.
//
// Of actbench, the package imports only internal/textdist (edit distance for
// suggestions), which imports nothing.
package registry

// Kind says what values a parameter takes.
type Kind int

const (
	// Number is a real-valued parameter (a slope, a frequency...).
	Number Kind = iota
	// Bool takes true or false (e.g. train=true).
	Bool
	// Choice takes one of ParamInfo.Choices (e.g. per=shared|channel).
	Choice
)

// ParamInfo describes one spec parameter of an activation.
type ParamInfo struct {
	Name string
	Kind Kind
	// Default is the value used when the spec omits the parameter. For Number it
	// is a float64, for Bool a bool, for Choice a string.
	Default any
	// Min and Max bound a Number parameter (inclusive). Use math.Inf for none.
	Min, Max float64
	// Choices lists the allowed values of a Choice parameter.
	Choices []string
	// Trainable marks a Number parameter that becomes a learned parameter of the
	// network (when the activation's train parameter, if any, is true).
	Trainable bool
	// Learned, if set, names the learned value in reports where the option's
	// name says what it starts as (PReLU's init: the learned slope), so that
	// a learned 0.165 does not read as an initial value.
	Learned string
	// Doc is one line of help text.
	Doc string
}

// Info is an activation's registration: its metadata and its constructor.
type Info struct {
	// Name is the spec name, lower case: "relu", "leakyrelu", "pvlu".
	Name string
	// Formula is the function in plain text, e.g. "max(0,x) + a*sin(b*x)".
	Formula string
	// Reference cites where it comes from (authors, venue, year).
	Reference string
	// Params lists the spec parameters with their defaults and ranges.
	Params []ParamInfo
	// Monotonic and Smooth are properties at the default parameters.
	Monotonic, Smooth bool
	// New builds an instance for inputs with the given number of channels. The
	// Args it receives are complete: every parameter in Params is present and
	// validated against its range.
	New func(args Args, channels int) (Func, error)
}

// Shape is the layout of an activation's input: N examples, C channels, HW
// spatial positions per channel (HW = 1 for a dense layer's N x C output).
type Shape struct{ N, C, HW int }

// Len is the number of elements, N*C*HW.
func (s Shape) Len() int { return s.N * s.C * s.HW }

// Param is one trainable parameter of an activation instance. In shared mode
// Value has length 1; in per-channel mode it has one entry per channel.
type Param struct {
	Name  string    // spec name of the parameter, e.g. "a"
	Value []float32 // current values
	Grad  []float32 // gradient, accumulated by Backward
}

// Func is an instantiated activation. Implementations must not allocate in
// Forward or Backward.
type Func interface {
	// Forward sets y[i] = f(x[i]) for the NCHW data of shape s. y and x may be
	// the same slice.
	Forward(y, x []float32, s Shape)
	// Backward sets dx = dy * f'(x) and adds the gradient of every trainable
	// parameter (summed over the batch) to its Param.Grad. x is the input of
	// the matching Forward call and must not alias dx; dx may alias dy.
	Backward(dx, dy, x []float32, s Shape)
	// Params returns the trainable parameters (none for a fixed activation).
	// The slices are the instance's own storage: writing Value changes the
	// function.
	Params() []*Param
	// Spec is the canonical spec of the instance, with every parameter.
	Spec() Spec
	// Reference is the float64 scalar formula of the instance: f(x) with its
	// fixed arguments and trainable values p (one value per Params entry, for
	// the channel in question, in the order of Params). The conformance suite
	// checks Forward against it and Backward against its central finite
	// differences, so it must be written independently of the kernels.
	Reference(x float64, p []float64) float64
}

// Kinked is implemented by a Func whose Reference is not differentiable at
// some inputs (ReLU at 0, hardtanh at its bounds). The conformance suite puts
// these points into its input sweep and, at them, accepts either one-sided
// derivative instead of a central difference.
type Kinked interface {
	Kinks() []float64
}

// Pointwise is implemented by a Func whose Forward computes every y[i] from
// x[i] alone (its parameters, if any, shared by every channel), bit for bit
// the same whatever slice of a tensor it is given and with any Shape of that
// slice's length: a layer may then run it a plane at a time inside another
// layer's pass (a batch norm's output pass, while the plane is in cache).
// PAU, whose kernel evaluates a block of values holding one large input in
// float64 as a whole, is not pointwise. The conformance suite checks the
// claim (forward of a whole tensor against plane by plane, bits).
type Pointwise interface {
	Func
	PointwiseForward()
}

// Stochastic is implemented by a Func whose training-mode Forward is random,
// such as RReLU, which draws a slope per element while training and uses the
// mean slope in evaluation. A layer calls SetMode before every Forward: train
// selects training behaviour, and in training, seed keys the random draws of
// that Forward and of the Backward that follows it, so that equal seeds give
// equal outputs bit for bit (the layer derives the seeds from its own seeded
// generator, never from a global one). A new Func is in evaluation mode,
// which is deterministic and what Reference describes.
type Stochastic interface {
	SetMode(train bool, seed uint64)
}
