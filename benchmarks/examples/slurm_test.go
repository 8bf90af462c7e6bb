//go:build slurm

package examples

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/actbench/actbench/datasets"
	"github.com/actbench/actbench/record"
	"github.com/actbench/actbench/trainer"
)

// The scale-out example on a real Slurm: a single-node cluster (slurmctld
// and slurmd on this machine, auth/none, a generated slurm.conf in a
// temporary directory) runs benchmarks/examples/slurm.sh as a 3-task array
// on a tiny MNIST grid; the merged shards must equal an unsharded run of the
// same grid trial for trial. Then again with a task that fails after its
// first trial, is requeued with scontrol and resumes.
//
// .ci/run installs Debian's slurm-wlm and runs it:
//
//	go test -tags slurm -count=1 -v ./benchmarks/examples

// gridArgs is the grid every run uses: 3 seeds (one shard each) x 2
// activations of a small MLP, one epoch on a few dozen MNIST images.
var gridArgs = []string{"--model", "mlp(hidden=16,depth=1)", "--data", "mnist", "--train", "40", "--val", "20",
	"--test", "40", "--epochs", "1", "--batch", "20", "--seeds", "1-3", "--act", "relu;pvlu"}

// cluster is a running single-node Slurm cluster.
type cluster struct {
	dir, conf string
	env       []string
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startCluster writes a slurm.conf for one node (this host, 127.0.0.1) and
// starts slurmctld and slurmd in the foreground; they are stopped at the
// end of the test. It skips the test when the controller does not come up.
func startCluster(t *testing.T) *cluster {
	t.Helper()
	for _, prog := range []string{"slurmctld", "slurmd", "sbatch", "scontrol", "squeue", "scancel"} {
		if _, err := exec.LookPath(prog); err != nil {
			t.Skipf("%s not found: install Debian's slurm-wlm (.ci/run does)", prog)
		}
	}
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	host, _, _ = strings.Cut(host, ".")
	dir := t.TempDir()
	for _, d := range []string{"state", "spool"} {
		os.Mkdir(filepath.Join(dir, d), 0o755)
	}
	c := &cluster{dir: dir, conf: filepath.Join(dir, "slurm.conf")}
	conf := fmt.Sprintf(`# A single-node cluster for the actbench scale-out test.
ClusterName=actbenchtest
SlurmctldHost=%[1]s(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/none
CredType=cred/none
SlurmctldPort=%[2]d
SlurmdPort=%[3]d
StateSaveLocation=%[4]s/state
SlurmdSpoolDir=%[4]s/spool
SlurmctldPidFile=%[4]s/slurmctld.pid
SlurmdPidFile=%[4]s/slurmd.pid
SlurmctldLogFile=%[4]s/slurmctld.log
SlurmdLogFile=%[4]s/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SwitchType=switch/none
MinJobAge=3600
NodeName=actbench1 NodeHostname=%[1]s NodeAddr=127.0.0.1 CPUs=%[5]d RealMemory=2000 State=UNKNOWN
PartitionName=test Nodes=actbench1 Default=YES MaxTime=INFINITE State=UP
`, host, freePort(t), freePort(t), dir, runtime.NumCPU())
	if err := os.WriteFile(c.conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	c.env = append(os.Environ(), "SLURM_CONF="+c.conf)
	start := func(name string, args ...string) {
		cmd := exec.Command(name, args...)
		cmd.Env = c.env
		log, _ := os.Create(filepath.Join(dir, name+".out"))
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Start(); err != nil {
			t.Skipf("%s cannot start: %v", name, err)
		}
		t.Cleanup(func() {
			// SIGTERM: the daemons shut down and reap their helpers.
			cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				<-done
			}
			log.Close()
		})
	}
	start("slurmctld", "-D", "-f", c.conf)
	start("slurmd", "-D", "-N", "actbench1", "-f", c.conf)
	t.Cleanup(func() {
		c.cmd("scancel", "--quiet", "-u", "root").Run() // before the daemons stop
		if t.Failed() {
			c.dumpLogs(t)
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := c.cmd("sinfo", "-h", "-o", "%T").Output()
		if err == nil && strings.TrimSpace(string(out)) == "idle" {
			return c
		}
		if time.Now().After(deadline) {
			c.dumpLogs(t)
			t.Skipf("the Slurm cluster did not come up within 30 s (sinfo: %q, %v): slurmctld cannot start here", out, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (c *cluster) cmd(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = c.env
	return cmd
}

// run runs a Slurm command and returns its output.
func (c *cluster) run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := c.cmd(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (c *cluster) dumpLogs(t *testing.T) {
	for _, f := range []string{"slurmctld.log", "slurmd.log", "slurmctld.out", "slurmd.out"} {
		b, _ := os.ReadFile(filepath.Join(c.dir, f))
		if len(b) > 4000 {
			b = b[len(b)-4000:]
		}
		t.Logf("--- %s (end):\n%s", f, b)
	}
}

// taskStates waits until job's array tasks have all left the queue and
// returns each one's "STATE exit" by task id.
func (c *cluster) taskStates(t *testing.T, job string, tasks int) map[string]string {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		if out := c.run(t, "squeue", "-h", "-j", job); out == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still queued after 3 minutes:\n%s", job, c.run(t, "squeue", "-j", job))
		}
		time.Sleep(300 * time.Millisecond)
	}
	states := map[string]string{}
	for _, line := range strings.Split(c.run(t, "scontrol", "show", "job", "-o", job), "\n") {
		f := map[string]string{}
		for _, kv := range strings.Fields(line) {
			if k, v, ok := strings.Cut(kv, "="); ok {
				f[k] = v
			}
		}
		states[f["ArrayTaskId"]] = f["JobState"] + " " + f["ExitCode"]
	}
	if len(states) != tasks {
		t.Fatalf("job %s: %d tasks %v, want %d", job, len(states), states, tasks)
	}
	return states
}

// buildActbench builds the actbench binary into dir.
func buildActbench(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "actbench")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/actbench")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// sameTrials fails unless got and want hold the same trials with the same
// results, epoch by epoch (times and hosts aside).
func sameTrials(t *testing.T, what string, got, want []record.Record) {
	t.Helper()
	strip := func(rs []record.Record) map[string]trainer.Result {
		m := map[string]trainer.Result{}
		for _, r := range rs {
			res := r.Result
			res.Timing, res.Env, res.ResumedAt = trainer.Timing{}, trainer.Env{}, nil
			res.Epochs = append([]trainer.Epoch(nil), res.Epochs...)
			for i := range res.Epochs {
				res.Epochs[i].Seconds, res.Epochs[i].TrainSeconds, res.Epochs[i].ImagesPerSec = 0, 0, 0
			}
			m[r.Key] = res
		}
		return m
	}
	g, w := strip(got), strip(want)
	if len(got) != len(want) || len(g) != len(w) {
		t.Fatalf("%s: %d records (%d trials), want %d", what, len(got), len(g), len(w))
	}
	keys := make([]string, 0, len(w))
	for k := range w {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if gr, ok := g[k]; !ok {
			t.Errorf("%s: trial %s missing", what, k)
		} else if !reflect.DeepEqual(gr, w[k]) {
			t.Errorf("%s: trial %s differs: test %+v vs %+v", what, k, gr.Test, w[k].Test)
		}
	}
}

func readRecords(t *testing.T, path string) []record.Record {
	t.Helper()
	rr, err := record.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if rr.Torn != "" {
		t.Fatalf("%s", rr.Torn)
	}
	return rr.Records
}

func TestSlurmArrayEqualsUnshardedRun(t *testing.T) {
	c := startCluster(t)
	tmp := t.TempDir()
	bin := buildActbench(t, tmp)
	mnist, err := datasets.GoMNISTDir()
	if err != nil {
		t.Skipf("MNIST (GoMNIST module) not available: %v", err)
	}
	script, err := filepath.Abs("slurm.sh")
	if err != nil {
		t.Fatal(err)
	}

	// The reference: the whole grid in one process, one thread like the tasks.
	ref := filepath.Join(tmp, "whole.jsonl")
	cmd := exec.Command(bin, append([]string{"run", "--out", ref, "--threads", "1", "--no-report", "--data-dir", mnist}, gridArgs...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("unsharded run: %v\n%s", err, out)
	}
	whole := readRecords(t, ref)
	if len(whole) != 6 {
		t.Fatalf("unsharded run: %d records, want 6", len(whole))
	}

	// submit runs slurm.sh as a 3-task array in dir with the binary actbench
	// (the example asks for 8 CPUs and 8 GB: a small node gets less).
	submit := func(dir, actbench string, env ...string) string {
		os.MkdirAll(dir, 0o755)
		args := append([]string{"--parsable", "--array=1-3", "--cpus-per-task=1", "--mem=500M", "--chdir", dir,
			"--export=" + strings.Join(append([]string{"ALL", "ACTBENCH=" + actbench, "ACTBENCH_DATA=" + mnist}, env...), ","),
			script, "default"}, gridArgs...)
		return strings.Split(c.run(t, "sbatch", args...), ";")[0]
	}
	merge := func(dir string) []record.Record {
		shards, _ := filepath.Glob(filepath.Join(dir, "runs", "default.shard*of3.jsonl"))
		if len(shards) != 3 {
			t.Fatalf("shard files %v, want 3", shards)
		}
		merged := filepath.Join(dir, "merged.jsonl")
		out, err := exec.Command(bin, append([]string{"merge", "-o", merged}, shards...)...).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "6 records (6 trials of the grid's 6)") {
			t.Fatalf("merge: %v\n%s", err, out)
		}
		return readRecords(t, merged)
	}
	logOf := func(dir, job, task string) string {
		b, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("actbench-%s_%s.out", job, task)))
		return string(b)
	}

	t.Run("array", func(t *testing.T) {
		dir := filepath.Join(tmp, "array")
		job := submit(dir, bin)
		for task, s := range c.taskStates(t, job, 3) {
			if s != "COMPLETED 0:0" {
				t.Errorf("task %s: %s\n%s", task, s, logOf(dir, job, task))
			}
		}
		sameTrials(t, "merged shards", merge(dir), whole)
	})

	t.Run("failed-and-requeued", func(t *testing.T) {
		dir := filepath.Join(tmp, "requeue")
		os.MkdirAll(dir, 0o755)
		// A task that fails after its first trial, once: the binary is
		// wrapped, and the knob names the task.
		wrapper := filepath.Join(dir, "actbench-flaky")
		os.WriteFile(wrapper, []byte(`#!/bin/bash
# Task $FAIL_TASK fails after one finished trial the first time it runs.
if [ "$SLURM_ARRAY_TASK_ID" = "$FAIL_TASK" ] && [ ! -e "$FAIL_MARK" ]; then
  touch "$FAIL_MARK"
  "$REAL_ACTBENCH" "$@" --limit 1
  echo "flaky: task $SLURM_ARRAY_TASK_ID fails on purpose" >&2
  exit 1
fi
exec "$REAL_ACTBENCH" "$@"
`), 0o755)
		job := submit(dir, wrapper, "FAIL_TASK=2", "FAIL_MARK="+filepath.Join(dir, "failed-once"), "REAL_ACTBENCH="+bin)
		states := c.taskStates(t, job, 3)
		if states["2"] != "FAILED 1:0" || states["1"] != "COMPLETED 0:0" || states["3"] != "COMPLETED 0:0" {
			t.Fatalf("before the requeue: %v\n%s", states, logOf(dir, job, "2"))
		}
		if got := readRecords(t, filepath.Join(dir, "runs", "default.shard2of3.jsonl")); len(got) != 1 {
			t.Fatalf("the failed task saved %d trials, want 1", len(got))
		}
		c.run(t, "scontrol", "requeue", job+"_2")
		// A requeued job waits two minutes before it is eligible again.
		c.run(t, "scontrol", "update", "jobid="+job+"_2", "StartTime=now")
		states = c.taskStates(t, job, 3)
		log := logOf(dir, job, "2")
		if states["2"] != "COMPLETED 0:0" || !strings.Contains(log, "1 already done, 1 to run") {
			t.Fatalf("after the requeue: %v\n%s", states, log)
		}
		sameTrials(t, "merged shards after the requeue", merge(dir), whole)
	})
}
