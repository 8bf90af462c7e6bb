package trainer

import (
	"errors"
	"fmt"
)

// ConfigError is a trial configuration the trainer refuses. Callers tell it
// from other failures (missing data, an unreadable checkpoint) with
// errors.As, and show Msg, which names the problem and what is accepted;
// Error adds the prefix "trainer: config: ".
type ConfigError struct {
	// Field is the offending field by its JSON name ("lr",
	// "schedule.milestones", "finetune.freeze"); for a rule over several
	// fields, the first one found wrong.
	Field string
	// Msg says what is wrong, e.g. `optimizer "rmsprop" unknown (want sgd,
	// adam or adamw)`.
	Msg string
	// Err is the error of another package that found the problem (the
	// model zoo, the activation registry, the blur check), when one did.
	Err error
}

func (e *ConfigError) Error() string { return "trainer: config: " + e.Msg }

func (e *ConfigError) Unwrap() error { return e.Err }

// configErrorf returns a *ConfigError for field; a %w verb in format
// becomes its Err.
func configErrorf(field, format string, a ...any) error {
	err := fmt.Errorf(format, a...)
	return &ConfigError{Field: field, Msg: err.Error(), Err: errors.Unwrap(err)}
}

// ErrInterrupted matches (errors.Is) every *InterruptedError: Run's error
// when its context is cancelled.
var ErrInterrupted = errors.New("trainer: interrupted")

// InterruptedError is Run's error when its context is cancelled: the
// result then has status "interrupted", and the checkpoint, when one is
// kept, resumes exactly from At. It matches ErrInterrupted and unwraps to
// the context's error.
type InterruptedError struct {
	// At is where training stopped: epochs completed and batches of the
	// next epoch trained.
	At Position
	// Err is the context's error (context.Canceled, DeadlineExceeded).
	Err error
}

func (e *InterruptedError) Error() string {
	return fmt.Sprintf("%v %s: %v", ErrInterrupted, e.Where(), e.Err)
}

func (e *InterruptedError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrInterrupted) true.
func (e *InterruptedError) Is(target error) bool { return target == ErrInterrupted }

// Where says where training stopped, for messages: "at epoch 3 batch 7"
// (1-based epoch, batches of it trained).
func (e *InterruptedError) Where() string {
	return fmt.Sprintf("at epoch %d batch %d", e.At.Epochs+1, e.At.Batches)
}
