package datasets

// Shape is what a dataset is before its files are read: the image shape,
// the number of classes and the sizes of the official splits. It is the one
// place these facts live: 'actbench models' builds models from it and the
// grid cost model counts images with it, neither loading any data.
type Shape struct {
	C, H, W int // channels, height, width of an image
	Classes int
	// Train and Test are the image counts of the official splits; the files
	// in a data directory may hold fewer (Set.IsSubset).
	Train, Test int
}

// Input is the image shape as models.New takes it: {C, H, W}.
func (s Shape) Input() []int { return []int{s.C, s.H, s.W} }

// The official MNIST splits (LeCun et al.): 28x28 grey images of 10 digits.
const (
	mnistSide  = 28
	mnistTrain = 60000
	mnistTest  = 10000
)

// ShapeOf returns the shape of the dataset name (any spelling CanonicalName
// accepts) and false for a name Load does not know.
func ShapeOf(name string) (Shape, bool) {
	canon, ok := CanonicalName(name)
	if !ok {
		return Shape{}, false
	}
	if canon == "mnist" {
		return Shape{C: 1, H: mnistSide, W: mnistSide, Classes: len(mnistNames), Train: mnistTrain, Test: mnistTest}, true
	}
	f := formatOf(canon)
	return Shape{C: 3, H: cifarSide, W: cifarSide, Classes: f.classes, Train: f.officialTrain, Test: f.officialTest}, true
}
