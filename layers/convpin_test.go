package layers

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/actbench/actbench/kernels/gemm"
)

// TestConvPinned pins by hash the forward and backward results (output,
// input gradient, weight and bias gradients, accumulated over two
// backward passes) of a convolution large enough for every split of the
// weight work (transforms, repacks, the sums of the parts' weight
// gradients), on each path and at 1, 2 and 3 threads: the values main's code
// gave before that work was split. Splitting it must not change a bit.
func TestConvPinned(t *testing.T) {
	want := map[string]map[string][3]uint64{
		"simd": {
			"wino":   {0x2fde1961e85e5ce8, 0x69e6ecdf38846fe, 0x275b537388bb70fe},
			"shift":  {0xd5feaeb6984c3a2, 0x66ac5666c020be36, 0x444e1012917a858e},
			"im2col": {0x190916ce69f34048, 0x1b3b19832ba193d9, 0x63991c9caeba1209},
		},
		"gonum": {
			"wino":   {0xa68115a83658e148, 0xb0a8f83f1d7f0e1e, 0x5e1f6bcbb14af9ac},
			"shift":  {0xf42430a8f2cae00e, 0xa78ce9ac6f96e4dc, 0x431fbe68562b024a},
			"im2col": {0xb856db51fed99dc7, 0xce4ed3bf89e3421e, 0x27082a4d49b72234},
		},
	}
	be := "simd"
	switch gemm.Backend() {
	case "gonum":
		be = "gonum"
	case "avx512", "avx2":
	default:
		t.Skipf("no hashes pinned for GEMM backend %s", gemm.Backend())
	}
	old := gemm.Threads()
	defer gemm.SetThreads(old)
	defer func() { convPath = "" }()
	for _, path := range []string{"wino", "shift", "im2col"} {
		convPath = path
		for th := 1; th <= 3; th++ {
			gemm.SetThreads(th)
			// 96x96 kernels (>= winoWeightSplitMin), 82,944 weights (>=
			// convGradSplitMin).
			l := NewConv2D("c", 96, 3, 1, 1, true)
			if _, err := l.Setup([]int{96, 6, 6}); err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(7, 8))
			l.Init(rng)
			x := randTensor(rng, 5, 96, 6, 6)
			dy := randTensor(rng, 5, 96, 6, 6)
			h := fnv.New64a()
			var b [4]byte
			put := func(v []float32) {
				for _, f := range v {
					binary.LittleEndian.PutUint32(b[:], math.Float32bits(f))
					h.Write(b[:])
				}
			}
			for range 2 {
				put(f32(l.Forward(x, true)))
				put(f32(l.Backward(dy)))
			}
			put(f32(l.weight.Grad))
			put(f32(l.bias.Grad))
			if got := h.Sum64(); got != want[be][path][th-1] {
				t.Errorf("%s, %d threads: results hash to %#x, pinned %#x", path, th, got, want[be][path][th-1])
			}
		}
	}
}
