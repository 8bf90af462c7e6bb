package wino

// inputGroups transforms the first tile rows of a plane several per vector
// where a grouped kernel exists for the path and shape, and returns the
// first tile row it left to InputRow.
func inputGroups(v []float32, xs int, x []float32, h, w int, zero []float32) int { return 0 }

// outputGroups is inputGroups for OutputPlane.
func outputGroups(y []float32, h, w int, m []float32, xs int, bias float32) int { return 0 }

// dyGroups is inputGroups for DyPlane.
func dyGroups(dm []float32, xs int, dy []float32, h, w int) int { return 0 }

// gradRowsPlane runs GradRows over all n tiles of a plane in one pass when
// the path has a kernel for rows of tw tiles, and reports whether it did.
func gradRowsPlane(dst []float32, rs, half int, dv []float32, xs, tw, n int) bool { return false }

// gradColsGroups writes the first pairs of image rows (2s, 2s+1) of a plane
// several tile rows per vector where it can, and returns the first pair it
// left to GradCols.
func gradColsGroups(dx []float32, h, w int, scratch []float32, g gradLayout) int { return 0 }
