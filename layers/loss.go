package layers

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"
)

// SoftmaxCrossEntropy is the mean softmax cross-entropy of [N K] logits
// against integer labels, as PyTorch's nn.CrossEntropyLoss (reduction mean).
// With LabelSmoothing = e the target is (1-e) on the label plus e/K on every
// class, as PyTorch's label_smoothing. Log-sum-exp is computed in float64.
type SoftmaxCrossEntropy struct {
	LabelSmoothing float64

	grad    buffer
	last    *tensor.Dense
	k       int
	correct int
}

// Forward returns the mean loss over the batch and keeps d(loss)/d(logits)
// for Backward. A label outside [0, K) is a bug of the data pipeline (which
// validates labels), so it panics naming the example and the label.
func (l *SoftmaxCrossEntropy) Forward(logits *tensor.Dense, labels []int32) (meanLoss float64) {
	s := logits.Shape()
	if len(s) != 2 || s[0] != len(labels) {
		panic(fmt.Sprintf("layers: SoftmaxCrossEntropy: logits of shape %v with %d labels, want [N K] with N = len(labels)", s, len(labels)))
	}
	n, k := s[0], s[1]
	if k != l.k || l.grad.shape == nil {
		l.k = k
		l.grad.setShape([]int{k})
	}
	t, g := l.grad.get(n)
	l.last = t
	z := f32(logits)
	eps := l.LabelSmoothing
	invN := 1 / float64(n)
	total := 0.0
	l.correct = 0
	for i := 0; i < n; i++ {
		row := z[i*k : (i+1)*k]
		gr := g[i*k : (i+1)*k]
		y := int(labels[i])
		if y < 0 || y >= k {
			panic(fmt.Sprintf("layers: SoftmaxCrossEntropy: label %d of example %d is outside [0, %d)", y, i, k))
		}
		mx, arg := row[0], 0
		for j, v := range row {
			if v > mx {
				mx, arg = v, j
			}
		}
		if arg == y {
			l.correct++
		}
		sum := 0.0
		for _, v := range row {
			sum += math.Exp(float64(v - mx))
		}
		lse := float64(mx) + math.Log(sum)
		// loss_i = lse - sum_j t_j z_j with t = (1-e) onehot + e/K.
		dot := 0.0
		if eps != 0 {
			zs := 0.0
			for _, v := range row {
				zs += float64(v)
			}
			dot = eps / float64(k) * zs
		}
		dot += (1 - eps) * float64(row[y])
		total += lse - dot
		for j, v := range row {
			p := math.Exp(float64(v) - lse)
			t := eps / float64(k)
			if j == y {
				t += 1 - eps
			}
			gr[j] = float32((p - t) * invN)
		}
	}
	return total * invN
}

// Backward returns d(meanLoss)/d(logits) of the last Forward (owned by l).
func (l *SoftmaxCrossEntropy) Backward() *tensor.Dense {
	return l.last
}

// Correct returns how many examples of the last Forward had their label as
// the arg-max logit (ties go to the lowest class).
func (l *SoftmaxCrossEntropy) Correct() int { return l.correct }
