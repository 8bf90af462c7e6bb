package gemm

import (
	"sync"
	"unsafe"

	"golang.org/x/sys/cpu"

	"github.com/actbench/actbench/kernels/gemm/internal/kernel"
)

// Blocking of the SIMD driver (BLIS loop order: jc over N, pc over K,
// ic over M, then column strips and row tiles). A is read in place by the
// micro-kernels (packing it would cost as much as the product on im2col
// shapes, where N is only 32 or 64), so only B is packed: one kc x nc block
// at a time, k-major in strips of nr columns that stay in L1 (32 KiB for
// the AVX-512 kernel) while the ic block of A (mc x kc, 512 KiB) stays in L2.
type simdConfig struct {
	mr, nr     int // micro-tile
	mc, kc, nc int // cache blocks
	avx512     bool
}

var (
	avx512Config = simdConfig{mr: 8, nr: 32, mc: 512, kc: 256, nc: 256, avx512: true}
	avx2Config   = simdConfig{mr: 6, nr: 16, mc: 510, kc: 256, nc: 256}
)

// The SIMD backends register from a variable initialiser, like gonum's, so
// that they are in the registry before init picks the default.
// ACTBENCH_SIMD=off hides them entirely, as on a CPU without the features.
var _ = registerSIMD()

func registerSIMD() bool {
	if simdDisabled() {
		return false
	}
	if cpu.X86.HasAVX512F {
		register(&backend{name: "avx512", priority: 20, scalesC: true, compute: func(p problem, i0, i1, j0, j1 int) {
			simdCompute(&avx512Config, &p, i0, i1, j0, j1)
		}})
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		register(&backend{name: "avx2", priority: 10, scalesC: true, compute: func(p problem, i0, i1, j0, j1 int) {
			simdCompute(&avx2Config, &p, i0, i1, j0, j1)
		}})
	}
	return true
}

// packBuffer is one goroutine's packed block of B, plus the AVX2 kernel's
// scratch tile for a ragged last strip.
type packBuffer struct {
	b       []float32 // kc*nc, 64-byte aligned
	scratch [6 * 16]float32
}

// packBuffers is a free list of packing buffers. Unlike a sync.Pool it is
// never emptied by the garbage collector, so a warmed-up program neither
// allocates nor page-faults in Sgemm. It holds one buffer per goroutine
// that has ever run a SIMD block concurrently with others.
var packBuffers struct {
	sync.Mutex
	free []*packBuffer
}

const packFloats = 256 * 256 // the largest kc*nc of the configurations

func getPackBuffer() *packBuffer {
	packBuffers.Lock()
	defer packBuffers.Unlock()
	if n := len(packBuffers.free); n > 0 {
		buf := packBuffers.free[n-1]
		packBuffers.free = packBuffers.free[:n-1]
		return buf
	}
	raw := make([]float32, packFloats+16)
	skip := (64 - int(uintptr(unsafe.Pointer(&raw[0]))%64)) % 64 / 4
	return &packBuffer{b: raw[skip : skip+packFloats]}
}

func putPackBuffer(buf *packBuffer) {
	packBuffers.Lock()
	packBuffers.free = append(packBuffers.free, buf)
	packBuffers.Unlock()
}

// simdCompute adds alpha*op(A)*op(B) to rows [i0,i1) and columns [j0,j1) of
// C, applying beta with the first k block.
func simdCompute(cfg *simdConfig, p *problem, i0, i1, j0, j1 int) {
	buf := getPackBuffer()
	defer putPackBuffer(buf)
	// Element (i, l) of op(A) is at a + i*rs + l*cs bytes.
	rs, cs := uintptr(p.lda*4), uintptr(4)
	if p.transA {
		rs, cs = 4, uintptr(p.lda*4)
	}
	ldcBytes := uintptr(p.ldc * 4)
	for jc := j0; jc < j1; jc += cfg.nc {
		nc := min(cfg.nc, j1-jc)
		for pc := 0; pc < p.k; pc += cfg.kc {
			kc := min(cfg.kc, p.k-pc)
			packB(p, buf.b, cfg.nr, pc, kc, jc, nc)
			beta, loadC := float32(1), 1
			if pc == 0 {
				beta = p.beta
				if beta == 0 {
					loadC = 0
				}
			}
			for ic := i0; ic < i1; ic += cfg.mc {
				mc := min(cfg.mc, i1-ic)
				for s := 0; s*cfg.nr < nc; s++ {
					width := min(cfg.nr, nc-s*cfg.nr)
					strip := &buf.b[s*kc*cfg.nr]
					col := jc + s*cfg.nr
					for i := ic; i < ic+mc; {
						rows, tiles := cfg.mr, (ic+mc-i)/cfg.mr
						if tiles == 0 {
							rows, tiles = ic+mc-i, 1
						}
						aAt := p.a[aOffset(p, i, pc):]
						c := p.c[i*p.ldc+col:]
						if cfg.avx512 {
							avx512Tiles(rows, &aAt[0], rs, cs, strip, kc, &c[0], ldcBytes, tiles, p.alpha, beta, loadC, width)
						} else if width == cfg.nr {
							avx2Tiles(rows, &aAt[0], rs, cs, strip, kc, &c[0], ldcBytes, tiles, p.alpha, beta, loadC)
						} else {
							avx2RaggedTile(buf, rows*tiles, &aAt[0], rs, cs, strip, kc, c, p.ldc, p.alpha, beta, loadC, width)
						}
						i += rows * tiles
					}
				}
			}
		}
	}
}

// aOffset is the index of element (i, l) of op(A).
func aOffset(p *problem, i, l int) int {
	if p.transA {
		return l*p.lda + i
	}
	return i*p.lda + l
}

// packB copies op(B)[pc:pc+kc, jc:jc+nc] into dst as k-major strips of nr
// columns (strip s holds kc rows of nr floats), zero-filling the columns of
// a ragged last strip so that the kernels may compute on them.
func packB(p *problem, dst []float32, nr, pc, kc, jc, nc int) {
	for s := 0; s*nr < nc; s++ {
		width := min(nr, nc-s*nr)
		strip := dst[s*kc*nr : (s+1)*kc*nr]
		col := jc + s*nr
		if !p.transB {
			for l := 0; l < kc; l++ {
				row := strip[l*nr : l*nr+nr]
				copy(row, p.b[(pc+l)*p.ldb+col:(pc+l)*p.ldb+col+width])
				clear(row[width:])
			}
			continue
		}
		// op(B)[l, j] = B[j, l]: each stored row of B becomes a column of
		// the strip.
		for j := 0; j < width; j++ {
			src := p.b[(col+j)*p.ldb+pc : (col+j)*p.ldb+pc+kc]
			for l, v := range src {
				strip[l*nr+j] = v
			}
		}
		if width < nr {
			for l := 0; l < kc; l++ {
				clear(strip[l*nr+width : l*nr+nr])
			}
		}
	}
}

// avx512Tiles runs the AVX-512 kernel for rows (1..8) rows per tile; the
// opmasks limit loads and stores of C to width columns.
func avx512Tiles(rows int, a *float32, rs, cs uintptr, b *float32, kc int, c *float32, ldc uintptr, tiles int, alpha, beta float32, loadC, width int) {
	mask := uint32(1)<<width - 1
	if width >= 32 {
		mask = ^uint32(0)
	}
	switch rows {
	case 8:
		kernel.AVX512x8(a, rs, cs, b, kc, c, ldc, tiles, alpha, beta, loadC, mask)
	case 7:
		kernel.AVX512x7(a, rs, cs, b, kc, c, ldc, tiles, alpha, beta, loadC, mask)
	case 6:
		kernel.AVX512x6(a, rs, cs, b, kc, c, ldc, tiles, alpha, beta, loadC, mask)
	case 5:
		kernel.AVX512x5(a, rs, cs, b, kc, c, ldc, tiles, alpha, beta, loadC, mask)
	case 4:
		kernel.AVX512x4(a, rs, cs, b, kc, c, ldc, tiles, alpha, beta, loadC, mask)
	case 3:
		kernel.AVX512x3(a, rs, cs, b, kc, c, ldc, tiles, alpha, beta, loadC, mask)
	case 2:
		kernel.AVX512x2(a, rs, cs, b, kc, c, ldc, tiles, alpha, beta, loadC, mask)
	case 1:
		kernel.AVX512x1(a, rs, cs, b, kc, c, ldc, tiles, alpha, beta, loadC, mask)
	default:
		panic("gemm: internal error: AVX-512 tile height out of range")
	}
}

// avx2Tiles runs the AVX2 kernel for rows (1..6) rows per tile, 16 columns.
func avx2Tiles(rows int, a *float32, rs, cs uintptr, b *float32, kc int, c *float32, ldc uintptr, tiles int, alpha, beta float32, loadC int) {
	switch rows {
	case 6:
		kernel.AVX2x6(a, rs, cs, b, kc, c, ldc, tiles, alpha, beta, loadC)
	case 5:
		kernel.AVX2x5(a, rs, cs, b, kc, c, ldc, tiles, alpha, beta, loadC)
	case 4:
		kernel.AVX2x4(a, rs, cs, b, kc, c, ldc, tiles, alpha, beta, loadC)
	case 3:
		kernel.AVX2x3(a, rs, cs, b, kc, c, ldc, tiles, alpha, beta, loadC)
	case 2:
		kernel.AVX2x2(a, rs, cs, b, kc, c, ldc, tiles, alpha, beta, loadC)
	case 1:
		kernel.AVX2x1(a, rs, cs, b, kc, c, ldc, tiles, alpha, beta, loadC)
	default:
		panic("gemm: internal error: AVX2 tile height out of range")
	}
}

// avx2RaggedTile handles rows rows of the last strip when it is narrower
// than 16 columns, which the AVX2 kernel (no opmasks) cannot store: it
// computes each tile into the scratch tile and merges width columns into C
// in Go.
func avx2RaggedTile(buf *packBuffer, rows int, a *float32, rs, cs uintptr, b *float32, kc int, c []float32, ldc int, alpha, beta float32, loadC, width int) {
	const nr = 16
	tile := buf.scratch[:]
	for ; rows > 0; rows -= 6 {
		r := min(rows, 6)
		avx2Tiles(r, a, rs, cs, b, kc, &tile[0], nr*4, 1, alpha, 0, 0)
		for i := 0; i < r; i++ {
			dst := c[i*ldc : i*ldc+width]
			src := tile[i*nr : i*nr+width]
			if loadC == 0 {
				copy(dst, src)
				continue
			}
			for j, v := range src {
				dst[j] = beta*dst[j] + v
			}
		}
		if rows > 6 {
			a = (*float32)(unsafe.Add(unsafe.Pointer(a), 6*rs))
			c = c[6*ldc:]
		}
	}
}
