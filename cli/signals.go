package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// Exit statuses of actbench (documented in 'actbench help' and the README).
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
	// A command stopped by SIGINT or SIGTERM exits 128 + the signal number
	// (130, 143), as a shell reports a process killed by it: scripts and
	// batch schedulers can tell "interrupted, resumable" from done or failed.
	exitSignalBase = 128
	// run --deadline stopped with trials left (none lost; re-run to go on).
	exitDeadline = 3
)

// signalCause is the cancellation cause of a context cancelled by a signal.
type signalCause struct{ sig syscall.Signal }

func (c signalCause) Error() string { return signalName(c.sig) + " received" }

// Is makes a signal's cancellation an ordinary context.Canceled too.
func (c signalCause) Is(target error) bool { return target == context.Canceled }

func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// signalContext returns a context cancelled, with a signalCause, by the
// first SIGINT or SIGTERM, after which the signals take their default
// action again (a second Ctrl-C kills at once). stop releases the
// handler; calling it is harmless after a signal.
func signalContext() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			signal.Stop(ch)
			sig, _ := s.(syscall.Signal)
			cancel(signalCause{sig})
		case <-done:
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			cancel(nil) // keeps the signal's cause when it came first
		})
	}
}

// signalOf returns the signal that cancelled ctx, and false when ctx was
// not cancelled by one.
func signalOf(ctx context.Context) (syscall.Signal, bool) {
	var c signalCause
	if errors.As(context.Cause(ctx), &c) {
		return c.sig, true
	}
	return 0, false
}

// interruptedError is a command stopped by a signal: Run prints it and
// exits with 128 + the signal's number.
type interruptedError struct {
	sig syscall.Signal
	msg string
}

func (e *interruptedError) Error() string {
	return fmt.Sprintf("interrupted by %s: %s", signalName(e.sig), e.msg)
}

// interrupted wraps what a command has to say on stopping for the signal
// that cancelled ctx; it returns nil when no signal did.
func interrupted(ctx context.Context, format string, a ...any) error {
	sig, ok := signalOf(ctx)
	if !ok {
		return nil
	}
	return &interruptedError{sig: sig, msg: fmt.Sprintf(format, a...)}
}

// deadlineError is a run that its --deadline stopped with trials left:
// Run prints it and exits with exitDeadline.
type deadlineError struct {
	left int
	out  string
}

func (e *deadlineError) Error() string {
	return fmt.Sprintf("stopped for --deadline with %d trials left; the finished ones are saved in %s: re-run the same command to go on", e.left, e.out)
}

// exitCode is the exit status for the error a command returned.
func exitCode(err error) int {
	var ie *interruptedError
	var de *deadlineError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ie):
		return exitSignalBase + int(ie.sig)
	case errors.As(err, &de):
		return exitDeadline
	case errors.Is(err, errUsage):
		return exitUsage
	}
	return exitError
}

// exitStatusHelp documents the exit statuses for 'actbench help'.
const exitStatusHelp = `Exit status:
  0    done
  1    error (the message says what failed and how to fix it)
  2    usage error (a bad flag or argument; nothing was run)
  3    run --deadline stopped with trials left: finished trials are saved
       (and a trial cut short keeps its checkpoint); re-run the same
       command to continue
  130  interrupted by SIGINT (Ctrl-C), 143 by SIGTERM: finished work is
       saved; re-run the same command (train: with --resume; finetune:
       with --dir) to continue where it stopped`
