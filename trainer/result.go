package trainer

import "time"

// Trial statuses (Result.Status).
const (
	StatusOK          = "ok"          // every epoch ran
	StatusDiverged    = "diverged"    // a training loss was NaN or Inf: see Result.Diverged
	StatusInterrupted = "interrupted" // the context was cancelled; resumable from the checkpoint
)

// Result is the record of one trial. Accuracies are fractions in [0, 1].
type Result struct {
	// Config is the resolved configuration that ran.
	Config Config `json:"config"`
	// Status is "ok", "diverged" or "interrupted".
	Status string `json:"status"`
	// Diverged says where the loss stopped being finite (status "diverged").
	Diverged *Divergence `json:"diverged,omitempty"`

	// Model describes the network: parameter counts, FLOPs, input shape.
	Model ModelInfo `json:"model"`
	// Data describes the splits that were used.
	Data DataInfo `json:"data"`

	// Epochs holds one record per completed epoch (the learning curve). For
	// a diverged trial the last entry holds the last finite metrics.
	Epochs []Epoch `json:"epochs"`
	// SelectedEpoch is the 1-based epoch that model selection picked (0 when
	// no epoch completed).
	SelectedEpoch int `json:"selected_epoch"`
	// Val and Test are the metrics of the selected epoch's model. Test is
	// measured only for it (unless Config.TestEveryEpoch).
	Val  *Metrics `json:"val,omitempty"`
	Test *Metrics `json:"test,omitempty"`

	// Timing of the whole trial.
	Timing Timing `json:"timing"`
	// Env is the machine and software the trial ran on.
	Env Env `json:"env"`
	// Transfer records what a fine-tuning trial loaded from its checkpoint,
	// re-initialised and swapped (nil for a trial trained from scratch).
	Transfer *Transfer `json:"transfer,omitempty"`
	// ResumedAt is the number of epochs (and batches of the next epoch) that
	// were restored from a checkpoint, when the trial was resumed.
	ResumedAt *Position `json:"resumed_at,omitempty"`
}

// Divergence records where a trial diverged.
type Divergence struct {
	Epoch int    `json:"epoch"` // 1-based epoch in which the loss became non-finite
	Batch int    `json:"batch"` // 1-based batch within that epoch
	Loss  string `json:"loss"`  // "NaN", "+Inf" or "-Inf"
}

// Position is a point in training: Epochs completed, and Batches of the next.
type Position struct {
	Epochs  int `json:"epochs"`
	Batches int `json:"batches"`
}

// Metrics are loss and accuracy over one split.
type Metrics struct {
	N    int      `json:"n"`              // examples
	Loss float64  `json:"loss"`           // mean cross-entropy (with label smoothing when configured)
	Top1 float64  `json:"top1"`           // top-1 accuracy
	Top5 *float64 `json:"top5,omitempty"` // top-5 accuracy, only when the dataset has more than 10 classes
}

// Epoch is the record of one epoch.
type Epoch struct {
	Epoch int     `json:"epoch"` // 1-based
	LR    float64 `json:"lr"`    // learning rate of the epoch's last iteration
	// Train are the running metrics over the epoch's training batches (in
	// training mode: dropout on, batch statistics).
	Train Metrics  `json:"train"`
	Val   *Metrics `json:"val,omitempty"`
	Test  *Metrics `json:"test,omitempty"` // only with Config.TestEveryEpoch
	// Seconds is the wall time of the epoch (training, evaluation and
	// diagnostics); TrainSeconds of its training part alone, which
	// ImagesPerSec refers to.
	Seconds      float64 `json:"seconds"`
	TrainSeconds float64 `json:"train_seconds"`
	ImagesPerSec float64 `json:"images_per_sec"`
	// Dead is the dead-unit fraction of every activation layer on the probe
	// batch (omitted when the probe is off).
	Dead []DeadUnits `json:"dead,omitempty"`
	// ActParams summarises every learned activation parameter per layer.
	ActParams []ActParam `json:"act_params,omitempty"`
}

// DeadUnits is the fraction of an activation layer's units (channels after
// a convolution, features after a dense layer) whose derivative is zero on
// every element of the probe batch, with the model in evaluation mode.
type DeadUnits struct {
	Layer    string  `json:"layer"`
	Fraction float64 `json:"fraction"`
}

// ActParam summarises one learned parameter of one activation layer: its
// value when shared, mean/min/max over channels when per channel.
type ActParam struct {
	Layer string  `json:"layer"`
	Param string  `json:"param"`
	N     int     `json:"n"`
	Mean  float64 `json:"mean"`
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
}

// ModelInfo describes the trained network.
type ModelInfo struct {
	Name string `json:"name"` // canonical model spec
	// Params counts every trainable value except activation parameters;
	// ActParams counts those; Buffers counts non-trained state (batch-norm
	// running statistics).
	Params    int `json:"params"`
	ActParams int `json:"act_params"`
	Buffers   int `json:"buffers"`
	// Trainable counts the values the optimiser updates (fewer than
	// Params+ActParams when a fine-tuning trial freezes some).
	Trainable int   `json:"trainable"`
	FLOPs     int64 `json:"flops"`    // forward FLOPs per image (see models.Model.FLOPs)
	InShape   []int `json:"in_shape"` // C, H, W of one image
	Classes   int   `json:"classes"`
	ActSites  int   `json:"act_sites"` // activation layers
}

// DataInfo describes the data of a trial.
type DataInfo struct {
	Name string `json:"name"`
	// SHA256 is the checksum of the training files (the validation split
	// is drawn from them), TestSHA256 that of the test files; "" when the
	// data carries none (synthetic sets, records written before test_sha256).
	SHA256     string `json:"sha256,omitempty"`
	TestSHA256 string `json:"test_sha256,omitempty"`
	Classes    int    `json:"classes"`
	Train      int    `json:"train"`
	Val        int    `json:"val"`
	Test       int    `json:"test"`
	// Norm are the per-channel mean and std (computed on the training split)
	// used to normalise every split.
	Mean []float32 `json:"mean"`
	Std  []float32 `json:"std"`
}

// Timing of a trial.
type Timing struct {
	Started      time.Time `json:"started"`
	Finished     time.Time `json:"finished"`
	Seconds      float64   `json:"seconds"`        // wall time of Run (this process only when resumed)
	TrainSeconds float64   `json:"train_seconds"`  // sum of the epochs' training time
	EpochSeconds float64   `json:"epoch_seconds"`  // mean wall time per epoch
	ImagesPerSec float64   `json:"images_per_sec"` // training images per second over all epochs
}

// Env is the environment a trial ran on; speed numbers only compare within
// one Env.
type Env struct {
	GoVersion  string `json:"go_version"`
	GOOS       string `json:"goos"`
	GOARCH     string `json:"goarch"`
	CPU        string `json:"cpu"`
	Threads    int    `json:"threads"`     // GOMAXPROCS
	GEMM       string `json:"gemm"`        // GEMM backend in use
	ActKernels string `json:"act_kernels"` // activation kernel path (avx512, avx2, purego)
	Host       string `json:"host,omitempty"`
}
