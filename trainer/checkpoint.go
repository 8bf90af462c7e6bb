package trainer

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"sort"

	"github.com/actbench/actbench/internal/outfile"
)

// Checkpoint file format, version 1 (all integers little-endian):
//
//	magic   8 bytes  "ACTBCKPT"
//	version uint32   checkpointVersion
//	hlen    uint64   length of the JSON header
//	header  hlen bytes of JSON (checkpointHeader)
//	data    float32 values of every tensor in header.Tensors order
//	crc     uint32   CRC-32 (IEEE) of everything before it
//
// A file is written through package outfile: to a temporary file in the
// same directory, synced, and renamed over the destination, so a crash
// leaves either the old checkpoint or the new one, never a torn file.
const (
	checkpointMagic   = "ACTBCKPT"
	checkpointVersion = 1
)

// checkpointHeader is the JSON part of a checkpoint.
type checkpointHeader struct {
	Version int    `json:"version"`
	Config  Config `json:"config"` // resolved config of the trial
	// Pos is where training stands: epochs completed and batches of the
	// next epoch already trained.
	Pos Position `json:"pos"`
	// OptStep is the optimiser's completed step count.
	OptStep int64 `json:"opt_step"`
	// RNG holds the marshalled state of every random source, by name.
	RNG map[string][]byte `json:"rng"`
	// Result is the trial record so far (curves, best epoch, timings).
	Result Result `json:"result"`
	// Partial holds the running training metrics of an epoch interrupted
	// mid-way (Pos.Batches > 0).
	Partial *partialEpoch `json:"partial,omitempty"`
	// BestEpoch is the epoch whose model the "best/" tensors hold (0: none).
	BestEpoch int `json:"best_epoch"`
	// Tensors lists the stored tensors in data order.
	Tensors []tensorEntry `json:"tensors"`
}

type tensorEntry struct {
	Name string `json:"name"` // "model/<param>", "best/<param>" or "opt/<param>#m"
	Len  int    `json:"len"`
	// Shape of a model tensor ("model/" and "best/"), so that a transfer
	// can name both shapes when they disagree. Absent in files written
	// before it was added (and for optimiser state): only Len is known then.
	Shape []int `json:"shape,omitempty"`
}

// partialEpoch is the running state of the training part of an epoch.
type partialEpoch struct {
	LossSum      float64 `json:"loss_sum"`
	Correct1     int     `json:"correct1"`
	Correct5     int     `json:"correct5"`
	N            int     `json:"n"`
	TrainSeconds float64 `json:"train_seconds"`
	LR           float64 `json:"lr"`
}

// checkpoint is a decoded checkpoint file.
type checkpoint struct {
	checkpointHeader
	tensors map[string][]float32
	shapes  map[string][]int // of the tensors whose shape the file records
}

// writeCheckpoint writes h and tensors to path atomically, with the shapes
// given for some of them (shapes may be nil). The order of tensors in the
// file is sorted by name, so equal states give equal files.
func writeCheckpoint(path string, h checkpointHeader, tensors map[string][]float32, shapes map[string][]int) error {
	h.Version = checkpointVersion
	names := make([]string, 0, len(tensors))
	for n := range tensors {
		names = append(names, n)
	}
	sort.Strings(names)
	h.Tensors = h.Tensors[:0]
	for _, n := range names {
		h.Tensors = append(h.Tensors, tensorEntry{Name: n, Len: len(tensors[n]), Shape: shapes[n]})
	}
	hdr, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("checkpoint %s: encoding header: %w", path, err)
	}
	out, err := outfile.CreateFS(checkpointFS, path)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	defer out.Abort() // no-op after Commit
	crc := crc32.NewIEEE()
	w := bufio.NewWriterSize(io.MultiWriter(out, crc), 1<<20)
	var head [20]byte
	copy(head[:8], checkpointMagic)
	binary.LittleEndian.PutUint32(head[8:], checkpointVersion)
	binary.LittleEndian.PutUint64(head[12:], uint64(len(hdr)))
	w.Write(head[:])
	w.Write(hdr)
	var b [4]byte
	for _, n := range names {
		for _, v := range tensors[n] {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			w.Write(b[:])
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	binary.LittleEndian.PutUint32(b[:], crc.Sum32())
	if _, err := out.Write(b[:]); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if err := out.Commit(); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// checkpointFS is the file system checkpoints are written to (tests inject
// faults through it).
var checkpointFS = outfile.OS

// errNoCheckpoint is returned by readCheckpoint when the file does not exist.
var errNoCheckpoint = errors.New("no checkpoint")

// readCheckpoint reads and verifies a checkpoint file.
func readCheckpoint(path string) (*checkpoint, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("checkpoint %s: %w", path, errNoCheckpoint)
	}
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	if len(raw) < 24 || string(raw[:8]) != checkpointMagic {
		return nil, fmt.Errorf("checkpoint %s: not an actbench checkpoint (expected magic %q)", path, checkpointMagic)
	}
	if v := binary.LittleEndian.Uint32(raw[8:]); v != checkpointVersion {
		return nil, fmt.Errorf("checkpoint %s: format version %d, this actbench reads version %d", path, v, checkpointVersion)
	}
	body, sum := raw[:len(raw)-4], binary.LittleEndian.Uint32(raw[len(raw)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, fmt.Errorf("checkpoint %s: checksum mismatch (the file is truncated or corrupt)", path)
	}
	hlen := binary.LittleEndian.Uint64(raw[12:])
	if hlen > uint64(len(body)-20) {
		return nil, fmt.Errorf("checkpoint %s: header length %d exceeds the file", path, hlen)
	}
	c := &checkpoint{tensors: map[string][]float32{}, shapes: map[string][]int{}}
	dec := json.NewDecoder(bytes.NewReader(body[20 : 20+hlen]))
	if err := dec.Decode(&c.checkpointHeader); err != nil {
		return nil, fmt.Errorf("checkpoint %s: header: %w", path, err)
	}
	data := body[20+hlen:]
	for _, e := range c.Tensors {
		if e.Len < 0 || 4*e.Len > len(data) {
			return nil, fmt.Errorf("checkpoint %s: tensor %s (%d values) exceeds the file", path, e.Name, e.Len)
		}
		v := make([]float32, e.Len)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
		}
		c.tensors[e.Name] = v
		data = data[4*e.Len:]
		if e.Shape != nil {
			n := 1
			for _, d := range e.Shape {
				n *= d
			}
			if n != e.Len {
				return nil, fmt.Errorf("checkpoint %s: tensor %s has shape %v but %d values", path, e.Name, e.Shape, e.Len)
			}
			c.shapes[e.Name] = e.Shape
		}
	}
	if len(data) != 0 {
		return nil, fmt.Errorf("checkpoint %s: %d bytes after the last tensor", path, len(data))
	}
	return c, nil
}
