package layers

import (
	"math"
	"math/rand/v2"
)

// InitScheme names a weight-initialisation scheme of the layers with
// weights (Conv2D, Dense). Batch norm starts at weight 1, bias 0 under
// every scheme, as in PyTorch.
type InitScheme string

const (
	// InitDefault is PyTorch's default initialisation of nn.Conv2d and
	// nn.Linear: weight ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))
	// (kaiming_uniform_ with a = sqrt(5)) and bias ~ the same U, where
	// fan_in = in_channels*k*k (Conv2D) or in_features (Dense).
	InitDefault InitScheme = "default"
	// InitHeNormal is torchvision's ResNet initialisation (He et al. 2015,
	// "Delving deep into rectifiers"), exactly what
	// torchvision.models.resnet does: every Conv2D weight ~ N(0, std^2) with
	// std = gain/sqrt(fan_out), gain = sqrt(2) (nonlinearity "relu"),
	// fan_out = out_channels*k*k, i.e. nn.init.kaiming_normal_(w,
	// mode="fan_out", nonlinearity="relu"); a Conv2D bias, where there is
	// one, is 0 (torchvision's VGG sets its conv biases to 0). Dense layers
	// keep PyTorch's default above (torchvision's ResNet leaves nn.Linear
	// alone), so an MLP initialises the same under both schemes.
	InitHeNormal InitScheme = "he-normal"
)

// InitSchemes lists the schemes, default first.
func InitSchemes() []InitScheme { return []InitScheme{InitDefault, InitHeNormal} }

// SchemeInitializer is implemented by layers whose initial weights depend on
// the scheme. A model calls InitScheme instead of Init on them, with the
// same per-layer generator; Init(rng) is InitScheme(rng, InitDefault).
type SchemeInitializer interface {
	Initializer
	InitScheme(rng *rand.Rand, s InitScheme)
}

// normal fills v with N(0, std^2) draws.
func normal(rng *rand.Rand, v []float32, std float64) {
	for i := range v {
		v[i] = float32(rng.NormFloat64() * std)
	}
}

// heNormalStd is the standard deviation of kaiming_normal_ with
// nonlinearity "relu" (gain sqrt(2)) for the given fan.
func heNormalStd(fan int) float64 {
	if fan <= 0 {
		return 0
	}
	return math.Sqrt2 / math.Sqrt(float64(fan))
}
