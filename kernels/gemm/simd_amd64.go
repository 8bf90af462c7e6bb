//go:build !purego

package gemm

import (
	"sync"
	"unsafe"

	"golang.org/x/sys/cpu"

	"github.com/actbench/actbench/kernels/gemm/internal/kernel"
)

// Blocking of the SIMD driver (BLIS loop order: jc over N, pc over K, ic
// over M, then column strips and row tiles). B is packed one kc x nc block
// at a time, k-major in strips of nr columns that stay in L1 (32 KiB for
// the AVX-512 kernel) while the row tiles stream past. A is read in place
// when C has few strips (packing it would cost as much as the product on
// im2col shapes, where N is only 32 or 64), and otherwise packed per mc x kc
// block into tiles of mr rows (k-major, mr floats per k) that stay in L2:
// contiguous broadcasts instead of mr streams that may alias in L1.
type simdConfig struct {
	mr, nr     int // micro-tile
	mc, kc, nc int // cache blocks
	avx512     bool
}

var (
	avx512Config = simdConfig{mr: 8, nr: 32, mc: 512, kc: 256, nc: 1024, avx512: true}
	avx2Config   = simdConfig{mr: 6, nr: 16, mc: 510, kc: 256, nc: 1024}
)

// packAMinStrips is the number of column strips from which A is packed.
var packAMinStrips = 3

// inPlaceBMaxRows: the kernels read B in place (no packing) when it is not
// transposed and a goroutine's block has fewer rows than this, since
// packing B costs as much as the product of few rows (layers.Conv2D's
// forward pass has 32 or 64). The AVX2 kernels, which have no opmasks,
// still get a ragged last strip packed.
var inPlaceBMaxRows = 256

// The SIMD backends register from a variable initialiser, like gonum's, so
// that they are in the registry before init picks the default.
var _ = registerSIMD()

func registerSIMD() bool {
	if cpu.X86.HasAVX512F {
		register(&backend{name: "avx512", priority: 20, scalesC: true, splitInvariant: true, columnInvariant: true, rowAlign: 8,
			compute: func(p problem, i0, i1, j0, j1 int) { simdCompute(&avx512Config, &p, i0, i1, j0, j1) },
			batch:   func(p problem, count, sa, sb, sc int) { simdBatch(&avx512Config, &p, count, sa, sb, sc) },
		})
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		register(&backend{name: "avx2", priority: 10, scalesC: true, splitInvariant: true, columnInvariant: true, rowAlign: 6,
			compute: func(p problem, i0, i1, j0, j1 int) { simdCompute(&avx2Config, &p, i0, i1, j0, j1) },
			batch:   func(p problem, count, sa, sb, sc int) { simdBatch(&avx2Config, &p, count, sa, sb, sc) },
		})
	}
	return true
}

// packBuffer is one goroutine's packed blocks of B and A, plus the AVX2
// kernel's scratch tile for a ragged last strip.
type packBuffer struct {
	b, a    []float32 // kc*nc and mc*kc, 64-byte aligned
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

// Sizes of the packing buffers: the largest kc*nc and mc*kc of the
// configurations.
const (
	packBFloats = 256 * 1024
	packAFloats = 512 * 256
)

func getPackBuffer() *packBuffer {
	packBuffers.Lock()
	defer packBuffers.Unlock()
	if n := len(packBuffers.free); n > 0 {
		buf := packBuffers.free[n-1]
		packBuffers.free = packBuffers.free[:n-1]
		return buf
	}
	return &packBuffer{b: alignedFloats(packBFloats), a: alignedFloats(packAFloats)}
}

// alignedFloats allocates n floats starting on a 64-byte boundary, so that
// packed strips fill whole cache lines.
func alignedFloats(n int) []float32 {
	raw := make([]float32, n+16)
	skip := (64 - int(uintptr(unsafe.Pointer(&raw[0]))%64)) % 64 / 4
	return raw[skip : skip+n]
}

func putPackBuffer(buf *packBuffer) {
	packBuffers.Lock()
	packBuffers.free = append(packBuffers.free, buf)
	packBuffers.Unlock()
}

// simdBatch runs the products of a strided batch in order with one packing
// buffer (taking one from the shared free list costs as much as a small
// product's packing when both cores do it per product).
func simdBatch(cfg *simdConfig, p *problem, count, strideA, strideB, strideC int) {
	buf := getPackBuffer()
	defer putPackBuffer(buf)
	for i := range count {
		q := *p
		q.a, q.b, q.c = p.a[i*strideA:], p.b[i*strideB:], p.c[i*strideC:]
		simdComputeBuf(cfg, &q, buf, 0, q.m, 0, q.n)
	}
}

// simdCompute adds alpha*op(A)*op(B) to rows [i0,i1) and columns [j0,j1) of
// C, applying beta with the first k block.
func simdCompute(cfg *simdConfig, p *problem, i0, i1, j0, j1 int) {
	buf := getPackBuffer()
	defer putPackBuffer(buf)
	simdComputeBuf(cfg, p, buf, i0, i1, j0, j1)
}

// simdComputeBuf is simdCompute with the packing buffer given.
func simdComputeBuf(cfg *simdConfig, p *problem, buf *packBuffer, i0, i1, j0, j1 int) {
	mr, nr := cfg.mr, cfg.nr
	// Element (i, l) of op(A) in place is at a + i*rs + l*cs bytes.
	inRS, inCS := uintptr(p.lda*4), uintptr(4)
	if p.transA {
		inRS, inCS = 4, uintptr(p.lda*4)
	}
	ldcBytes := uintptr(p.ldc * 4)
	inPlaceB := !p.transB && i1-i0 < inPlaceBMaxRows
	for jc := j0; jc < j1; jc += cfg.nc {
		nc := min(cfg.nc, j1-jc)
		packA := (nc+nr-1)/nr >= packAMinStrips
		for pc := 0; pc < p.k; pc += cfg.kc {
			kc := min(cfg.kc, p.k-pc)
			bs := uintptr(nr * 4)
			if inPlaceB {
				bs = uintptr(p.ldb * 4)
			} else {
				packB(cfg, p, buf.b, pc, kc, jc, nc)
			}
			beta, loadC := float32(1), 1
			if pc == 0 {
				beta = p.beta
				if beta == 0 {
					loadC = 0
				}
			}
			for ic := i0; ic < i1; ic += cfg.mc {
				mc := min(cfg.mc, i1-ic)
				rs, cs, ts := inRS, inCS, uintptr(mr)*inRS
				if packA {
					packATiles(p, buf.a, mr, ic, mc, pc, kc)
					rs, cs, ts = 4, uintptr(mr*4), uintptr(kc*mr*4)
				}
				for s := 0; s*nr < nc; s++ {
					width := min(nr, nc-s*nr)
					col := jc + s*nr
					strip, stripBS := &buf.b[s*kc*nr], uintptr(stripStride(cfg, width)*4)
					if inPlaceB {
						stripBS = bs
					}
					switch {
					case inPlaceB && (cfg.avx512 || width == nr):
						strip = &p.b[pc*p.ldb+col]
					case inPlaceB:
						// Only this ragged strip is packed, at the start of
						// the buffer, once per ic block.
						packB(cfg, p, buf.b, pc, kc, col, width)
						strip, stripBS = &buf.b[0], uintptr(stripStride(cfg, width)*4)
					}
					for i := ic; i < ic+mc; {
						rows, tiles := mr, (ic+mc-i)/mr
						if tiles == 0 {
							rows, tiles = ic+mc-i, 1
						}
						var a *float32
						if packA {
							a = &buf.a[(i-ic)/mr*kc*mr]
						} else {
							a = &p.a[aOffset(p, i, pc)]
						}
						c := p.c[i*p.ldc+col:]
						if cfg.avx512 {
							avx512Tiles(rows, a, rs, cs, ts, strip, stripBS, kc, &c[0], ldcBytes, tiles, p.alpha, beta, loadC, width)
						} else if width == nr {
							avx2Tiles(rows, a, rs, cs, ts, strip, stripBS, kc, &c[0], ldcBytes, tiles, p.alpha, beta, loadC)
						} else {
							avx2RaggedTiles(buf, rows, tiles, a, rs, cs, ts, strip, stripBS, kc, c, p.ldc, p.alpha, beta, loadC, width)
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

// packATiles copies op(A)[ic:ic+mc, pc:pc+kc] into dst as tiles of mr rows,
// tile t at t*kc*mr holding mr floats (one per row) for each k. A ragged
// last tile keeps the mr stride; the kernel for its height reads only its
// rows.
func packATiles(p *problem, dst []float32, mr, ic, mc, pc, kc int) {
	if p.transA {
		// Row pc+l of the stored A^T holds element l of every row: read it
		// once, contiguously, and deal it out to the tiles.
		for l := 0; l < kc; l++ {
			row := p.a[(pc+l)*p.lda+ic : (pc+l)*p.lda+ic+mc]
			t := 0
			if mr == 8 && mc >= 8 {
				t = mc / 8
				copyBlock(8, dst[l*8:], kc*8, row, 8, t)
			}
			for ; t*mr < mc; t++ {
				rows := min(mr, mc-t*mr)
				copy(dst[t*kc*mr+l*mr:t*kc*mr+l*mr+rows], row[t*mr:t*mr+rows])
			}
		}
		return
	}
	for t, r0 := 0, ic; r0 < ic+mc; t, r0 = t+1, r0+mr {
		rows := min(mr, ic+mc-r0)
		tile := dst[t*kc*mr : (t+1)*kc*mr]
		i := 0
		if rows == 8 && mr == 8 {
			gather8(tile, mr, p.a[r0*p.lda+pc:], p.lda, kc)
			i = 8
		}
		for ; i < rows; i++ {
			row := p.a[(r0+i)*p.lda+pc : (r0+i)*p.lda+pc+kc]
			for l, v := range row {
				tile[l*mr+i] = v
			}
		}
	}
}

// stripStride is the row stride, in floats, of a packed strip of width
// columns: nr, except that the AVX-512 driver packs a strip of 16 columns
// or fewer 16 wide, for the 16-column kernels that read no more (zero-filling
// and carrying 16 unread columns per row cost the 16-channel Winograd weight
// gradients more than their FMAs: BenchmarkSgemm/wino16dU).
func stripStride(cfg *simdConfig, width int) int {
	if cfg.avx512 && width <= 16 {
		return 16
	}
	return cfg.nr
}

// packB copies op(B)[pc:pc+kc, jc:jc+nc] into dst as k-major strips of nr
// columns (strip s, at s*kc*nr, holds kc rows of stripStride floats),
// zero-filling the columns of a ragged last strip so that the kernels may
// compute on them.
func packB(cfg *simdConfig, p *problem, dst []float32, pc, kc, jc, nc int) {
	nr := cfg.nr
	for s := 0; s*nr < nc; s++ {
		width := min(nr, nc-s*nr)
		sr := stripStride(cfg, width)
		packStrip(p, dst[s*kc*nr:s*kc*nr+kc*sr], sr, pc, kc, jc+s*nr, width)
	}
}

// packStrip packs op(B)[pc:pc+kc, col:col+width] into strip as kc rows of
// nr floats, the columns past width zeroed.
func packStrip(p *problem, strip []float32, nr, pc, kc, col, width int) {
	if !p.transB {
		if width == nr {
			copyBlock(nr, strip, nr, p.b[pc*p.ldb+col:], p.ldb, kc)
			return
		}
		for l := 0; l < kc; l++ {
			row := strip[l*nr : l*nr+nr]
			copy(row, p.b[(pc+l)*p.ldb+col:(pc+l)*p.ldb+col+width])
			clear(row[width:])
		}
		return
	}
	// op(B)[l, j] = B[j, l]: stored rows of B become columns of the
	// strip, eight at a time.
	j := 0
	for ; j+8 <= width; j += 8 {
		gather8(strip[j:], nr, p.b[(col+j)*p.ldb+pc:], p.ldb, kc)
	}
	for ; j < width; j++ {
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

// copyBlock copies rows rows of w (8, 16 or 32) floats from src to dst,
// the rows srcStride and dstStride floats apart, with the AVX kernels
// (a memmove call per short row would cost more than the copy).
func copyBlock(w int, dst []float32, dstStride int, src []float32, srcStride, rows int) {
	if rows <= 0 {
		return
	}
	_ = dst[(rows-1)*dstStride+w-1]
	_ = src[(rows-1)*srcStride+w-1]
	d, ds, s, ss := &dst[0], uintptr(dstStride*4), &src[0], uintptr(srcStride*4)
	switch w {
	case 8:
		kernel.CopyBlock8(d, ds, s, ss, rows)
	case 16:
		kernel.CopyBlock16(d, ds, s, ss, rows)
	case 32:
		kernel.CopyBlock32(d, ds, s, ss, rows)
	default:
		panic("gemm: internal error: copyBlock width")
	}
}

// gather8 transposes 8 rows of kc floats (ld apart in src) into kc groups
// of 8 floats, stride apart in dst: dst[l*stride+i] = src[i*ld+l]. Blocks
// of 8 columns go through the AVX kernel, the rest through a Go loop.
func gather8(dst []float32, stride int, src []float32, ld, kc int) {
	_ = dst[(kc-1)*stride+7]
	_ = src[7*ld+kc-1]
	full := kc / 8 * 8
	if full > 0 {
		kernel.Transpose8(&dst[0], uintptr(stride*4), &src[0], uintptr(ld*4), full/8)
	}
	for i := 0; i < 8; i++ {
		for l := full; l < kc; l++ {
			dst[l*stride+i] = src[i*ld+l]
		}
	}
}

// avx512Tiles runs the AVX-512 kernel for rows (1..8) rows per tile; the
// opmasks limit loads and stores of C to width columns. Strips at most 16
// columns wide (the last strip of N = 16, 48, ...: the weight gradients of
// 16-channel Winograd convolutions) take the 16-column kernels, which
// compute every element exactly as the 32-column ones do (TestColumnInvariant
// compares blocks of 4, 7, 9 and 16 columns alone with the same columns in
// a wide product) at half the FMAs; measured on BenchmarkSgemm/wino16dU
// (NT 16x16x256, beta 1, one thread), 2.9-3.0 -> 1.8-2.6 us.
func avx512Tiles(rows int, a *float32, rs, cs, ts uintptr, b *float32, bs uintptr, kc int, c *float32, ldc uintptr, tiles int, alpha, beta float32, loadC, width int) {
	mask := uint32(1)<<width - 1
	if width >= 32 {
		mask = ^uint32(0)
	}
	if rows < 1 || rows > len(avx512Kernels) {
		panic("gemm: internal error: AVX-512 tile height out of range")
	}
	if width <= 16 {
		avx512NarrowKernels[rows-1](a, rs, cs, ts, b, bs, kc, c, ldc, tiles, alpha, beta, loadC, mask)
		return
	}
	avx512Kernels[rows-1](a, rs, cs, ts, b, bs, kc, c, ldc, tiles, alpha, beta, loadC, mask)
}

// avx512Kernels[r-1] is the generated AVX-512 micro-kernel for tiles of r rows.
var avx512Kernels = [...]func(a *float32, rs, cs, ts uintptr, b *float32, bs uintptr, kc int, c *float32, ldc uintptr, tiles int, alpha, beta float32, loadC int, mask uint32){
	kernel.AVX512x1, kernel.AVX512x2, kernel.AVX512x3, kernel.AVX512x4,
	kernel.AVX512x5, kernel.AVX512x6, kernel.AVX512x7, kernel.AVX512x8,
}

// avx512NarrowKernels[r-1] is the 16-column AVX-512 micro-kernel for tiles
// of r rows.
var avx512NarrowKernels = [...]func(a *float32, rs, cs, ts uintptr, b *float32, bs uintptr, kc int, c *float32, ldc uintptr, tiles int, alpha, beta float32, loadC int, mask uint32){
	kernel.AVX512x1N16, kernel.AVX512x2N16, kernel.AVX512x3N16, kernel.AVX512x4N16,
	kernel.AVX512x5N16, kernel.AVX512x6N16, kernel.AVX512x7N16, kernel.AVX512x8N16,
}

// avx2Tiles runs the AVX2 kernel for rows (1..6) rows per tile, 16 columns.
func avx2Tiles(rows int, a *float32, rs, cs, ts uintptr, b *float32, bs uintptr, kc int, c *float32, ldc uintptr, tiles int, alpha, beta float32, loadC int) {
	if rows < 1 || rows > len(avx2Kernels) {
		panic("gemm: internal error: AVX2 tile height out of range")
	}
	avx2Kernels[rows-1](a, rs, cs, ts, b, bs, kc, c, ldc, tiles, alpha, beta, loadC)
}

// avx2Kernels[r-1] is the generated AVX2 micro-kernel for tiles of r rows.
var avx2Kernels = [...]func(a *float32, rs, cs, ts uintptr, b *float32, bs uintptr, kc int, c *float32, ldc uintptr, tiles int, alpha, beta float32, loadC int){
	kernel.AVX2x1, kernel.AVX2x2, kernel.AVX2x3, kernel.AVX2x4, kernel.AVX2x5, kernel.AVX2x6,
}

// avx2RaggedTiles handles tiles tiles of rows rows in the last strip when
// it is narrower than 16 columns, which the AVX2 kernel (no opmasks) cannot
// store: it computes each tile into the scratch tile and merges width
// columns into C in Go.
func avx2RaggedTiles(buf *packBuffer, rows, tiles int, a *float32, rs, cs, ts uintptr, b *float32, bs uintptr, kc int, c []float32, ldc int, alpha, beta float32, loadC, width int) {
	const nr = 16
	tile := buf.scratch[:]
	for t := 0; t < tiles; t++ {
		avx2Tiles(rows, a, rs, cs, ts, b, bs, kc, &tile[0], nr*4, 1, alpha, 0, 0)
		for i := 0; i < rows; i++ {
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
		if t+1 < tiles {
			a = (*float32)(unsafe.Add(unsafe.Pointer(a), ts))
			c = c[rows*ldc:]
		}
	}
}
