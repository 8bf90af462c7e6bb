package stats

import (
	"fmt"
	"math"
)

// MeanRanks ranks the treatments within each block and averages the ranks
// over the blocks: blocks[b][t] is treatment t's value in block b (a seed, or
// a (model, dataset) cell's mean), lower is better, so rank 1 is the best.
// Ties share their mean rank. A NaN or +Inf value (a diverged run) ranks
// after every finite value, tied with the other diverged ones in its block,
// so a diverged run costs its treatment rather than vanishing. Every block
// must hold one value per treatment.
func MeanRanks(blocks [][]float64) ([]float64, error) {
	if len(blocks) == 0 {
		return nil, fmt.Errorf("%w: MeanRanks: no blocks", ErrTooFew)
	}
	k := len(blocks[0])
	mean := make([]float64, k)
	row := make([]float64, k)
	for b, blk := range blocks {
		if len(blk) != k {
			return nil, fmt.Errorf("%w: MeanRanks: block %d has %d values, block 0 has %d", ErrLength, b, len(blk), k)
		}
		for t, v := range blk {
			if math.IsNaN(v) {
				v = math.Inf(1)
			}
			row[t] = v
		}
		ranks, _ := midranks(row)
		for t, r := range ranks {
			mean[t] += r
		}
	}
	for t := range mean {
		mean[t] /= float64(len(blocks))
	}
	return mean, nil
}
