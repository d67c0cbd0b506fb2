package photo

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"os/exec"
	"time"
)

// TesseractEnv names the environment variable that overrides where the
// tesseract program is looked for (a path; a missing one means OCR is not
// installed).
const TesseractEnv = "CHAPERONE_TESSERACT"

// TesseractTimeout bounds one run of tesseract.
const TesseractTimeout = 30 * time.Second

// FindTesseract returns the path of the tesseract program: the value of
// CHAPERONE_TESSERACT (as getenv reports it) when set, else "tesseract"
// looked up in PATH. It returns "" when the program is not there.
func FindTesseract(getenv func(string) string) string {
	return findProgram(getenv, TesseractEnv, "tesseract")
}

// Tesseract returns an OCR that runs the tesseract program at path
// (Debian's tesseract-ocr with tesseract-ocr-eng) on a temporary PNG of
// the image, in English with automatic page segmentation, for at most
// timeout (TesseractTimeout when 0), and parses its TSV output. Its errors
// never quote what tesseract printed.
func Tesseract(path string, timeout time.Duration) OCR {
	if timeout <= 0 {
		timeout = TesseractTimeout
	}
	return func(ctx context.Context, img image.Image) (Recognition, error) {
		tmp, err := os.CreateTemp("", "chaperone-ocr-*.png")
		if err != nil {
			return Recognition{}, errors.New("OCR: cannot write a temporary image")
		}
		defer os.Remove(tmp.Name())
		err = png.Encode(tmp, img)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return Recognition{}, errors.New("OCR: cannot write a temporary image")
		}
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, path, tmp.Name(), "stdout", "-l", "eng", "--psm", "3", "tsv")
		// One thread: tesseract's OpenMP threads slow it down when several
		// images are read at once.
		cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
		var out bytes.Buffer
		cmd.Stdout = &out
		cmd.WaitDelay = time.Second
		if err := cmd.Run(); err != nil {
			if ctx.Err() != nil {
				return Recognition{}, errors.New("OCR: tesseract timed out")
			}
			return Recognition{}, errors.New("OCR: tesseract failed (" + exitText(err) + ")")
		}
		return ParseTSV(&out), nil
	}
}

// exitText describes how a command failed without quoting its output.
func exitText(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ProcessState.String()
	}
	return "could not run it"
}
