package photo

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	xdraw "golang.org/x/image/draw"
)

// FaceDetectEnv names the environment variable that overrides where the
// facedetect program is looked for (a path; a missing one means face
// detection is not installed).
const FaceDetectEnv = "CHAPERONE_FACEDETECT"

// FaceDetectTimeout bounds one run of facedetect.
const FaceDetectTimeout = 30 * time.Second

// MaxFaces is the most faces ParseFaces accepts in one image; more is
// treated as a failure (the image goes to review with faces not checked).
const MaxFaces = 256

// Bounds on facedetect's output and on the picture it is given.
const (
	maxFaceOutput = 64 << 10 // bytes of stdout read
	maxFaceSide   = 2048     // longest side of the picture facedetect reads
	// minTiledSide is the size (square root of the area) from which a
	// picture is also read in tiles: below it, the faces one run misses
	// (under 1/20 of the size) are under 40 pixels.
	minTiledSide = 800
)

// FindFaceDetect returns the path of the facedetect program: the value of
// CHAPERONE_FACEDETECT (as getenv reports it) when set, else "facedetect"
// looked up in PATH. It returns "" when the program is not there. The CLI
// and the service call it to build their Tools.
func FindFaceDetect(getenv func(string) string) string {
	return findProgram(getenv, FaceDetectEnv, "facedetect")
}

// findProgram is FindTesseract's lookup for any program: the override in
// env when set (it must be an executable file), else name in PATH.
func findProgram(getenv func(string) string, env, name string) string {
	if p := getenv(env); p != "" {
		if fi, err := os.Stat(p); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return ""
		}
		return p
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return ""
	}
	return p
}

// FaceDetect returns a FaceDetector that runs the facedetect program at
// path (Debian's facedetect: OpenCV's frontal-face Haar cascade) for at
// most timeout each run (FaceDetectTimeout when 0), on temporary PNGs of
// the image, and returns the faces' boxes in the image's pixels.
//
// facedetect only looks for faces between 1/20 and 1/2 of the picture's
// size (the square root of its area), so one run on the picture would miss
// a close-up (a face filling the frame) and the small faces of a group
// photo. The picture is scaled down to at most 2048 pixels a side, and
// facedetect is run on it at half size in the middle of a blurred copy of
// itself, for faces from 1/10 of its size up to all of it; and, when it is
// at least 800 pixels (the square root of its area), on four overlapping
// tiles, each 0.6 of it across, for faces from about 1/33 of its size to
// 0.3 (any face up to 0.2 lies wholly in one tile); a smaller picture is
// read whole instead, for faces from 1/20 to 1/2. That is five runs of
// facedetect for a phone photo, two for a small picture. Runs go at once,
// at most one per CPU (up to 4), and the faces they find are merged. Its
// errors never quote what facedetect printed.
func FaceDetect(path string, timeout time.Duration) FaceDetector {
	if timeout <= 0 {
		timeout = FaceDetectTimeout
	}
	return func(ctx context.Context, img image.Image) ([]image.Rectangle, error) {
		b := img.Bounds()
		if b.Empty() {
			return []image.Rectangle{}, nil
		}
		passes := facePasses(img)
		var (
			wg   sync.WaitGroup
			got  = make([][]image.Rectangle, len(passes))
			errs = make([]error, len(passes))
			sem  = make(chan struct{}, min(4, max(1, runtime.NumCPU())))
		)
		for i, p := range passes {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				got[i], errs[i] = runFaceDetect(ctx, path, timeout, p.img)
			})
		}
		wg.Wait()
		var faces []image.Rectangle
		for i, p := range passes {
			if errs[i] != nil {
				return nil, errs[i]
			}
			for _, r := range got[i] {
				if r = r.Intersect(p.shows); r.Empty() {
					continue
				}
				// Back to the image's pixels, rounding outwards.
				r = r.Sub(p.shows.Min)
				sx, sy := float64(p.shows.Dx())/float64(p.of.Dx()), float64(p.shows.Dy())/float64(p.of.Dy())
				r = image.Rect(
					p.of.Min.X+int(float64(r.Min.X)/sx), p.of.Min.Y+int(float64(r.Min.Y)/sy),
					p.of.Min.X+int(math.Ceil(float64(r.Max.X)/sx)), p.of.Min.Y+int(math.Ceil(float64(r.Max.Y)/sy)),
				).Intersect(b)
				if !r.Empty() {
					faces = append(faces, r)
				}
			}
		}
		return mergeFaces(faces), nil
	}
}

// facePass is one picture facedetect reads: img shows the region of the
// image of in its rectangle shows (scaled).
type facePass struct {
	img   *image.RGBA
	shows image.Rectangle
	of    image.Rectangle
}

// facePasses are the pictures FaceDetect runs facedetect on: the image
// scaled to at most maxFaceSide a side, at half size on a blurred copy, and
// four overlapping tiles of it, each 3/5 of it across; or, for a picture
// under minTiledSide (the square root of its area) or with tiles under 48
// pixels, the scaled picture whole instead of the tiles.
func facePasses(img image.Image) []facePass {
	b := img.Bounds()
	scale := min(1, float64(maxFaceSide)/float64(max(b.Dx(), b.Dy())))
	w, h := max(1, int(float64(b.Dx())*scale)), max(1, int(float64(b.Dy())*scale))
	whole := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.ApproxBiLinear.Scale(whole, whole.Bounds(), img, b, xdraw.Src, nil)

	// The canvas is the picture blurred (scaled to 8×8 and back up), not
	// one colour: facedetect equalises the histogram, and a uniform
	// background would flatten the picture's contrast.
	canvas := image.NewRGBA(whole.Bounds())
	tiny := image.NewRGBA(image.Rect(0, 0, 8, 8))
	xdraw.BiLinear.Scale(tiny, tiny.Bounds(), whole, whole.Bounds(), xdraw.Src, nil)
	xdraw.BiLinear.Scale(canvas, canvas.Bounds(), tiny, tiny.Bounds(), xdraw.Src, nil)
	hw, hh := max(1, w/2), max(1, h/2)
	half := image.Rect(0, 0, hw, hh).Add(image.Pt((w-hw)/2, (h-hh)/2))
	xdraw.ApproxBiLinear.Scale(canvas, half, whole, whole.Bounds(), xdraw.Src, nil)
	passes := []facePass{{img: canvas, shows: half, of: b}}

	tw, th := w*3/5, h*3/5
	if w*h < minTiledSide*minTiledSide || min(tw, th) < 48 {
		return append(passes, facePass{img: whole, shows: whole.Bounds(), of: b})
	}
	for _, at := range []image.Point{{0, 0}, {w - tw, 0}, {0, h - th}, {w - tw, h - th}} {
		tile := image.NewRGBA(image.Rect(0, 0, tw, th))
		xdraw.Draw(tile, tile.Bounds(), whole, at, xdraw.Src)
		// the tile's region of the image, in the image's pixels
		of := image.Rect(
			b.Min.X+at.X*b.Dx()/w, b.Min.Y+at.Y*b.Dy()/h,
			b.Min.X+(at.X+tw)*b.Dx()/w, b.Min.Y+(at.Y+th)*b.Dy()/h,
		)
		passes = append(passes, facePass{img: tile, shows: tile.Bounds(), of: of})
	}
	return passes
}

// mergeFaces merges the boxes that cover the same face (they overlap by
// at least half of the smaller one) into their union, keeping the order
// of first appearance.
func mergeFaces(faces []image.Rectangle) []image.Rectangle {
	out := []image.Rectangle{}
	for _, f := range faces {
		merged := false
		for i, o := range out {
			in := f.Intersect(o)
			if !in.Empty() && 2*area(in) >= min(area(f), area(o)) {
				out[i] = o.Union(f)
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, f)
		}
	}
	return out
}

func area(r image.Rectangle) int { return r.Dx() * r.Dy() }

// runFaceDetect runs facedetect once on img, written to a temporary PNG,
// and parses what it prints.
func runFaceDetect(ctx context.Context, path string, timeout time.Duration, img *image.RGBA) ([]image.Rectangle, error) {
	tmp, err := os.CreateTemp("", "chaperone-faces-*.png")
	if err != nil {
		return nil, errors.New("face detection: cannot write a temporary image")
	}
	defer os.Remove(tmp.Name())
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	err = enc.Encode(tmp, img)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, errors.New("face detection: cannot write a temporary image")
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, tmp.Name())
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	out := &capped{max: maxFaceOutput}
	cmd.Stdout = out
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, errors.New("face detection: facedetect timed out")
		}
		return nil, errors.New("face detection: facedetect failed (" + exitText(err) + ")")
	}
	if out.over {
		return nil, errors.New("face detection: facedetect printed more than expected")
	}
	return ParseFaces(bytes.NewReader(out.buf.Bytes()), img.Bounds())
}

// capped keeps the first max bytes written to it and notes whether more
// came.
type capped struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.buf.Len(); len(p) > room {
		c.over = true
		c.buf.Write(p[:max(0, room)])
		return len(p), nil
	}
	return c.buf.Write(p)
}

// ParseFaces reads facedetect's output, one face a line as "x y w h"
// (non-negative integers, w and h positive), and returns the faces' boxes
// clipped to bounds (the picture facedetect read); a box wholly outside
// it is dropped. Blank lines are skipped. Anything else, more than
// MaxFaces faces or more than 64 KiB fails: the output is not what
// facedetect prints, so faces were not checked. Errors never quote the
// output.
func ParseFaces(r io.Reader, bounds image.Rectangle) ([]image.Rectangle, error) {
	sc := bufio.NewScanner(io.LimitReader(r, maxFaceOutput+1))
	sc.Buffer(make([]byte, 0, 4096), maxFaceOutput+1)
	faces := []image.Rectangle{}
	n, read := 0, 0
	for sc.Scan() {
		line := sc.Text()
		read += len(line) + 1
		if read > maxFaceOutput+1 {
			return nil, errors.New("face detection: facedetect printed more than expected")
		}
		fs := strings.Fields(line)
		if len(fs) == 0 {
			continue
		}
		if n++; n > MaxFaces {
			return nil, errors.New("face detection: more than " + strconv.Itoa(MaxFaces) + " faces found")
		}
		if len(fs) != 4 {
			return nil, errors.New("face detection: unexpected output from facedetect (line " + strconv.Itoa(n) + ")")
		}
		var v [4]int
		for i, f := range fs {
			x, err := strconv.Atoi(f)
			if err != nil || x < 0 || x > maxCoord || (i >= 2 && x == 0) {
				return nil, errors.New("face detection: unexpected output from facedetect (line " + strconv.Itoa(n) + ")")
			}
			v[i] = x
		}
		box := image.Rect(v[0], v[1], v[0]+v[2], v[1]+v[3]).Intersect(bounds)
		if !box.Empty() {
			faces = append(faces, box)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, errors.New("face detection: facedetect printed more than expected")
	}
	return faces, nil
}
