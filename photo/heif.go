package photo

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// HeifConvertEnv names the environment variable that overrides where the
// heif-convert program is looked for (a path; a missing one means HEIC
// cannot be read).
const HeifConvertEnv = "CHAPERONE_HEIF_CONVERT"

// HeifConvertTimeout bounds one run of heif-convert.
const HeifConvertTimeout = 60 * time.Second

// maxConverted bounds the JPEG heif-convert may write: the HEIF's pixel
// count is checked first, so this is only a backstop.
const maxConverted = 256 << 20

// HEIFConverter converts a HEIC/HEIF file to a JPEG of its primary image,
// with the file's transformations (rotation, mirroring, crop) applied. The
// CLI and the service inject one (HeifConvert, or nil when heif-convert is
// not installed: HEIC is then refused). An error must not quote anything
// read from the file.
type HEIFConverter func(ctx context.Context, heif []byte) (jpeg []byte, err error)

// FindHeifConvert returns the path of the heif-convert program (Debian's
// libheif-examples): the value of CHAPERONE_HEIF_CONVERT (as getenv
// reports it) when set, else "heif-convert" looked up in PATH. It returns
// "" when the program is not there. The CLI and the service call it to
// build their Tools.
func FindHeifConvert(getenv func(string) string) string {
	return findProgram(getenv, HeifConvertEnv, "heif-convert")
}

// HeifConvert returns a HEIFConverter that runs the heif-convert program at
// path on a temporary copy of the file, writing a JPEG at quality 95, for
// at most timeout (HeifConvertTimeout when 0). A file holding several
// images (heif-convert then writes one JPEG each) is refused: which one
// would be published is not known. load checks the file's size and
// declared pixels before calling it. Its errors never quote what
// heif-convert printed.
func HeifConvert(path string, timeout time.Duration) HEIFConverter {
	if timeout <= 0 {
		timeout = HeifConvertTimeout
	}
	return func(ctx context.Context, heif []byte) ([]byte, error) {
		dir, err := os.MkdirTemp("", "chaperone-heif-*")
		if err != nil {
			return nil, errors.New("cannot write a temporary file")
		}
		defer os.RemoveAll(dir)
		in, out := filepath.Join(dir, "in.heic"), filepath.Join(dir, "out.jpg")
		if err := os.WriteFile(in, heif, 0o600); err != nil {
			return nil, errors.New("cannot write a temporary file")
		}
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, path, "--quiet", "-q", "95", in, out)
		cmd.WaitDelay = time.Second
		if err := cmd.Run(); err != nil {
			if ctx.Err() != nil {
				return nil, errors.New("heif-convert timed out")
			}
			return nil, errors.New("heif-convert failed (" + exitText(err) + ")")
		}
		if several, _ := filepath.Glob(filepath.Join(dir, "out-*.jpg")); len(several) > 0 {
			return nil, errors.New("the file holds several images; export the one to publish as JPEG")
		}
		fi, err := os.Stat(out)
		if err != nil {
			return nil, errors.New("heif-convert wrote no image")
		}
		if fi.Size() > maxConverted {
			return nil, errors.New("heif-convert wrote too large an image")
		}
		return os.ReadFile(out)
	}
}

// maxHEIFBoxes bounds the boxes heifSize visits in one file.
const maxHEIFBoxes = 10_000

// heifSize returns the largest width and height an 'ispe' (image spatial
// extents) property of the HEIF file declares, so that load can refuse a
// decompression bomb before anything is decoded: the primary image, its
// grid's tiles and thumbnails each have one, and the largest is at least
// the primary image. It walks the ISO base media boxes meta → iprp → ipco
// → ispe within data, visiting at most 10,000 boxes; ok is false when the
// file is malformed or declares no size.
func heifSize(data []byte) (w, h int, ok bool) {
	visited := 0
	var best [2]uint32
	var walk func(b []byte, depth int) bool
	walk = func(b []byte, depth int) bool {
		for len(b) > 0 {
			if visited++; visited > maxHEIFBoxes || len(b) < 8 {
				return false
			}
			size := uint64(binary.BigEndian.Uint32(b))
			typ := string(b[4:8])
			hdr := uint64(8)
			switch size {
			case 0: // to the end of the enclosing box
				size = uint64(len(b))
			case 1: // 64-bit size
				if len(b) < 16 {
					return false
				}
				size, hdr = binary.BigEndian.Uint64(b[8:]), 16
			}
			if size < hdr || size > uint64(len(b)) {
				return false
			}
			body := b[hdr:size]
			b = b[size:]
			switch {
			case depth == 0 && typ == "meta":
				// a full box: version and flags first
				if len(body) < 4 || !walk(body[4:], 1) {
					return false
				}
			case depth == 1 && typ == "iprp", depth == 2 && typ == "ipco":
				if !walk(body, depth+1) {
					return false
				}
			case depth == 3 && typ == "ispe":
				if len(body) < 12 {
					return false
				}
				bw, bh := binary.BigEndian.Uint32(body[4:]), binary.BigEndian.Uint32(body[8:])
				if uint64(bw)*uint64(bh) > uint64(best[0])*uint64(best[1]) {
					best = [2]uint32{bw, bh}
				}
			}
		}
		return true
	}
	if !walk(data, 0) || best[0] == 0 || best[1] == 0 {
		return 0, 0, false
	}
	// Sizes over 2^31 are clamped: they are refused as too large anyway.
	return int(min(best[0], 1<<31-1)), int(min(best[1], 1<<31-1)), true
}
