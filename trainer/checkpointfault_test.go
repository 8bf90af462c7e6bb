package trainer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/actbench/actbench/internal/faultfs"
)

// TestCheckpointsUnderFaults trains a small model with a checkpoint after
// every epoch while the file system fails each call of the checkpoint
// writes in turn (ENOSPC, EIO, a short write, a failed rename, a crash that
// loses, tears or keeps the unsynced data), and checks after each: a fault
// on a call that matters is reported, the checkpoint file is absent or a
// whole, valid checkpoint (never torn), no temporary file is left unless
// the process crashed, and resuming on a healthy file system ends with the
// result of a run that met no fault, bit for bit.
func TestCheckpointsUnderFaults(t *testing.T) {
	cfg := Config{Model: "mlp(hidden=16,depth=1)", Act: "pvlu(a=0.1,b=1)", Data: "synth", Validation: 32,
		Optimizer: "adam", LR: 2e-3, Epochs: 2, Batch: 32, Seed: 5, ProbeSize: 16}
	data := synthData(4)
	old := checkpointFS
	t.Cleanup(func() { checkpointFS = old })

	counter := &faultfs.FS{}
	checkpointFS = counter
	ref, err := Run(context.Background(), cfg, Options{Data: data, Checkpoint: filepath.Join(t.TempDir(), "ref.ckpt")})
	if err != nil {
		t.Fatal(err)
	}
	calls := counter.Calls()

	kinds := []struct {
		name  string
		fault faultfs.Fault
		keep  int64 // crash: unsynced bytes kept (0 none, -1 all, -2 half)
	}{
		{"ENOSPC", faultfs.Fault{Err: syscall.ENOSPC}, 0},
		{"EIO", faultfs.Fault{Err: syscall.EIO}, 0},
		{"short write", faultfs.Fault{Err: syscall.ENOSPC, Short: 5}, 0},
		{"crash, unsynced lost", faultfs.Fault{Crash: true}, 0},
		{"crash, unsynced torn", faultfs.Fault{Crash: true}, -2},
		{"crash, unsynced kept", faultfs.Fault{Crash: true}, -1},
	}
	for n := 1; n <= len(calls); n++ {
		call := calls[n-1]
		// The directory sync that makes a rename durable is best effort.
		bestEffort := !strings.Contains(filepath.Base(call.Name), ".ckpt")
		for _, k := range kinds {
			name := fmt.Sprintf("%s at %v", k.name, call)
			dir := t.TempDir()
			path := filepath.Join(dir, "run.ckpt")
			fs := &faultfs.FS{Rule: func(c faultfs.Call) faultfs.Fault {
				if c.N == n {
					return k.fault
				}
				return faultfs.Fault{}
			}}
			checkpointFS = fs
			_, runErr := Run(context.Background(), cfg, Options{Data: data, Checkpoint: path})
			if fs.Crashed() {
				fs.LoseUnsynced(func(_ string, unsynced int64) int64 {
					if k.keep == -2 {
						return unsynced / 2
					}
					return k.keep
				})
			}
			checkpointFS = &faultfs.FS{}
			if runErr == nil && !bestEffort {
				t.Errorf("%s: no error reported", name)
			}
			if _, err := os.Stat(path); err == nil {
				if _, err := readCheckpoint(path); err != nil {
					t.Errorf("%s: the checkpoint is damaged: %v", name, err)
				}
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) > 1 && !fs.Crashed() {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("%s: files left behind: %v", name, names)
			}
			res, err := Run(context.Background(), cfg, Options{Data: data, Checkpoint: path, Resume: true})
			if err != nil {
				t.Errorf("%s: resuming: %v", name, err)
				continue
			}
			if !reflect.DeepEqual(curve(res), curve(ref)) || !reflect.DeepEqual(res.Test, ref.Test) {
				t.Errorf("%s: the resumed result differs from a run without faults", name)
			}
		}
	}
	t.Logf("%d calls x %d faults", len(calls), len(kinds))
}
