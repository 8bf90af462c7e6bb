package models

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/actbench/actbench/layers"
)

// archSpec is one architecture of the zoo.
type archSpec struct {
	summary string
	opts    []option
	build   func(b *builder, vals map[string]string) []layers.Layer
}

var zoo = map[string]archSpec{
	"simplecnn": {
		summary: "conv32-conv32-pool-drop-conv64-conv64-pool-drop-fc512-drop-fc (Keras CIFAR-10 example)",
		build:   buildSimpleCNN,
	},
	"vgg11": vggArch(11), "vgg16": vggArch(16), "vgg19": vggArch(19),
	"resnet20": resnetArch(3), "resnet32": resnetArch(5), "resnet56": resnetArch(9),
	"resnet18": {
		summary: "ResNet-18 for CIFAR: 3x3 stem, 4 stages of 2 basic blocks (64-512 ch), projection shortcuts",
		build:   buildResNet18,
	},
	"mlp": {
		summary: "flatten, depth x (dense(hidden)-act), dense(classes)",
		opts: []option{
			{name: "depth", def: "2", kind: "int", min: 1, doc: "hidden layers"},
			{name: "hidden", def: "512", kind: "int", min: 1, doc: "units per hidden layer"},
		},
		build: buildMLP,
	},
}

// Names returns the model names of the zoo, sorted.
func Names() []string {
	names := make([]string, 0, len(zoo))
	for n := range zoo {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Summary returns a one-line description of the named model and its
// options ("" for an unknown name).
func Summary(name string) string {
	a, ok := zoo[name]
	if !ok {
		return ""
	}
	s := a.summary
	for _, o := range a.opts {
		s += fmt.Sprintf("; %s=%s: %s", o.name, o.def, o.doc)
	}
	return s
}

func knownArch(name string) ([]option, bool) {
	a, ok := zoo[name]
	return a.opts, ok
}

// buildSimpleCNN is the simple CNN of the engine issue: 'same' 3x3
// convolutions with bias, 2x2 max pooling, dropout 0.25/0.25/0.5.
func buildSimpleCNN(b *builder, _ map[string]string) []layers.Layer {
	return []layers.Layer{
		layers.NewConv2D("conv1", 32, 3, 1, 1, true), b.act("act1"),
		layers.NewConv2D("conv2", 32, 3, 1, 1, true), b.act("act2"),
		layers.NewMaxPool2D("pool1", 2, 2), layers.NewDropout("drop1", 0.25),
		layers.NewConv2D("conv3", 64, 3, 1, 1, true), b.act("act3"),
		layers.NewConv2D("conv4", 64, 3, 1, 1, true), b.act("act4"),
		layers.NewMaxPool2D("pool2", 2, 2), layers.NewDropout("drop2", 0.25),
		layers.NewFlatten("flatten"),
		layers.NewDense("fc1", 512, true), b.act("act5"), layers.NewDropout("drop3", 0.5),
		layers.NewDense("fc2", b.classes, true),
	}
}

// vggConfigs are the convolution widths of the VGG variants (0 = max pool),
// as in Simonyan and Zisserman 2015, configurations A, D and E.
var vggConfigs = map[int][]int{
	11: {64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0},
	16: {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0},
	19: {64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0},
}

func vggArch(depth int) archSpec {
	return archSpec{
		summary: fmt.Sprintf("VGG-%d for CIFAR: 3x3 conv stacks (64-512 ch) with batch norm, 5 max pools, classifier dense(512)-act-dropout(0.5)-dense", depth),
		opts:    []option{{name: "bn", def: "true", kind: "bool", doc: "batch norm after every convolution (conv bias when false)"}},
		build: func(b *builder, vals map[string]string) []layers.Layer {
			return buildVGG(b, vggConfigs[depth], vals["bn"] == "true")
		},
	}
}

// buildVGG: conv3x3(pad 1)[-bn]-act per width, max pool 2x2 per 0; then the
// 512-wide classifier. With batch norm the convolutions have no bias (the
// norm's shift replaces it).
func buildVGG(b *builder, cfg []int, bn bool) []layers.Layer {
	var ls []layers.Layer
	conv, pool := 0, 0
	for _, w := range cfg {
		if w == 0 {
			pool++
			ls = append(ls, layers.NewMaxPool2D(fmt.Sprintf("pool%d", pool), 2, 2))
			continue
		}
		conv++
		ls = append(ls, layers.NewConv2D(fmt.Sprintf("conv%d", conv), w, 3, 1, 1, !bn))
		if bn {
			ls = append(ls, layers.NewBatchNorm(fmt.Sprintf("bn%d", conv), 0.1, 1e-5))
		}
		ls = append(ls, b.act(fmt.Sprintf("act%d", conv)))
	}
	return append(ls,
		layers.NewFlatten("flatten"),
		layers.NewDense("fc1", 512, true), b.act(fmt.Sprintf("act%d", conv+1)), layers.NewDropout("drop1", 0.5),
		layers.NewDense("fc2", b.classes, true))
}

func resnetArch(n int) archSpec {
	return archSpec{
		summary: fmt.Sprintf("ResNet-%d (He et al. 2016, CIFAR): 3 stages x %d basic blocks, 16/32/64 ch, identity shortcuts (option A)", 6*n+2, n),
		build: func(b *builder, _ map[string]string) []layers.Layer {
			ls := []layers.Layer{
				layers.NewConv2D("conv1", 16, 3, 1, 1, false),
				layers.NewBatchNorm("bn1", 0.1, 1e-5),
				b.act("act1"),
			}
			inC := 16
			for stage, width := range []int{16, 32, 64} {
				for i := range n {
					stride := 1
					if stage > 0 && i == 0 {
						stride = 2
					}
					var shortcut *layers.Sequential
					name := fmt.Sprintf("layer%d.%d", stage+1, i)
					if stride != 1 || inC != width {
						shortcut = layers.NewSequential(name+".shortcut", NewShortcutA(name+".shortcut.pad", width, stride))
					}
					ls = append(ls, basicBlock(b, name, width, stride, shortcut)...)
					inC = width
				}
			}
			return append(ls, layers.NewGlobalAvgPool("pool"), layers.NewDense("fc", b.classes, true))
		},
	}
}

// basicBlock is act(bn(conv(act(bn(conv(x))))) + shortcut(x)).
func basicBlock(b *builder, name string, width, stride int, shortcut *layers.Sequential) []layers.Layer {
	body := layers.NewSequential(name+".body",
		layers.NewConv2D(name+".conv1", width, 3, stride, 1, false),
		layers.NewBatchNorm(name+".bn1", 0.1, 1e-5),
		b.act(name+".act1"),
		layers.NewConv2D(name+".conv2", width, 3, 1, 1, false),
		layers.NewBatchNorm(name+".bn2", 0.1, 1e-5),
	)
	return []layers.Layer{layers.NewResidual(name, body, shortcut), b.act(name + ".act2")}
}

// buildResNet18 is the CIFAR ResNet-18 in common use (3x3 stem, no stem
// pooling, projection shortcuts conv1x1-bn where the shape changes).
func buildResNet18(b *builder, _ map[string]string) []layers.Layer {
	ls := []layers.Layer{
		layers.NewConv2D("conv1", 64, 3, 1, 1, false),
		layers.NewBatchNorm("bn1", 0.1, 1e-5),
		b.act("act1"),
	}
	inC := 64
	for stage, width := range []int{64, 128, 256, 512} {
		for i := range 2 {
			stride := 1
			if stage > 0 && i == 0 {
				stride = 2
			}
			name := fmt.Sprintf("layer%d.%d", stage+1, i)
			var shortcut *layers.Sequential
			if stride != 1 || inC != width {
				shortcut = layers.NewSequential(name+".shortcut",
					layers.NewConv2D(name+".shortcut.conv", width, 1, stride, 0, false),
					layers.NewBatchNorm(name+".shortcut.bn", 0.1, 1e-5))
			}
			ls = append(ls, basicBlock(b, name, width, stride, shortcut)...)
			inC = width
		}
	}
	return append(ls, layers.NewGlobalAvgPool("pool"), layers.NewDense("fc", b.classes, true))
}

func buildMLP(b *builder, vals map[string]string) []layers.Layer {
	depth, _ := strconv.Atoi(vals["depth"])
	hidden, _ := strconv.Atoi(vals["hidden"])
	ls := []layers.Layer{layers.NewFlatten("flatten")}
	for i := 1; i <= depth; i++ {
		ls = append(ls, layers.NewDense(fmt.Sprintf("fc%d", i), hidden, true), b.act(fmt.Sprintf("act%d", i)))
	}
	return append(ls, layers.NewDense(fmt.Sprintf("fc%d", depth+1), b.classes, true))
}
