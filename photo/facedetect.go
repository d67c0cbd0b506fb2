package photo

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"os/exec"
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
// size, so a close-up (a face filling the frame) would be missed: it is
// run twice, on the picture (scaled down to at most 2048 pixels a side)
// and on the same picture at half that size in the middle of a grey canvas,
// and the faces both runs find are merged. Its errors never quote what
// facedetect printed.
func FaceDetect(path string, timeout time.Duration) FaceDetector {
	if timeout <= 0 {
		timeout = FaceDetectTimeout
	}
	return func(ctx context.Context, img image.Image) ([]image.Rectangle, error) {
		b := img.Bounds()
		if b.Empty() {
			return []image.Rectangle{}, nil
		}
		scale := min(1, float64(maxFaceSide)/float64(max(b.Dx(), b.Dy())))
		w, h := max(1, int(float64(b.Dx())*scale)), max(1, int(float64(b.Dy())*scale))
		whole := image.NewRGBA(image.Rect(0, 0, w, h))
		xdraw.ApproxBiLinear.Scale(whole, whole.Bounds(), img, b, xdraw.Src, nil)
		// The close-up pass: the picture at half size, centred on a grey
		// canvas as large as the whole pass's.
		canvas := image.NewRGBA(whole.Bounds())
		xdraw.Draw(canvas, canvas.Bounds(), image.NewUniform(color.Gray{128}), image.Point{}, xdraw.Src)
		half := image.Rect(0, 0, max(1, w/2), max(1, h/2)).Add(image.Pt((w-max(1, w/2))/2, (h-max(1, h/2))/2))
		xdraw.ApproxBiLinear.Scale(canvas, half, whole, whole.Bounds(), xdraw.Src, nil)

		var (
			wg         sync.WaitGroup
			got        [2][]image.Rectangle
			errs       [2]error
			passes     = [2]*image.RGBA{whole, canvas}
			detectOnce = func(i int) {
				defer wg.Done()
				got[i], errs[i] = runFaceDetect(ctx, path, timeout, passes[i])
			}
		)
		wg.Add(2)
		go detectOnce(0)
		go detectOnce(1)
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return nil, err
			}
		}
		// Back to the image's pixels.
		var faces []image.Rectangle
		for _, r := range got[0] {
			faces = append(faces, unscale(r, image.Point{}, float64(w)/float64(b.Dx()), float64(h)/float64(b.Dy()), b))
		}
		for _, r := range got[1] {
			r = r.Intersect(half)
			if r.Empty() {
				continue
			}
			faces = append(faces, unscale(r, half.Min, float64(half.Dx())/float64(b.Dx()), float64(half.Dy())/float64(b.Dy()), b))
		}
		return mergeFaces(faces), nil
	}
}

// unscale maps a box found in a picture that shows the image (bounds b)
// scaled by sx, sy with its top-left corner at origin back to the image's
// pixels, rounding outwards, clipped to b.
func unscale(r image.Rectangle, origin image.Point, sx, sy float64, b image.Rectangle) image.Rectangle {
	r = r.Sub(origin)
	return image.Rect(
		b.Min.X+int(float64(r.Min.X)/sx), b.Min.Y+int(float64(r.Min.Y)/sy),
		b.Min.X+int(float64(r.Max.X)/sx+0.999), b.Min.Y+int(float64(r.Max.Y)/sy+0.999),
	).Intersect(b)
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
