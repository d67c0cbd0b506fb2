package main

import (
	"flag"
	"runtime"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/report"
)

// scanCommand screens one text, or a JSON Lines batch of items.
var scanCommand = &command{
	name:    "scan",
	args:    "[FILE|-]",
	short:   "screen a text, an image (or a JSON Lines batch) before it is published",
	maxArgs: 1,
	long: `
Screen the text in FILE, or on stdin when FILE is "-" or missing, for
patient identifiers (HIPAA Safe Harbor) and professional-conduct problems.
Texts are UTF-8, at most 10 MiB; an empty text is allowed.

--format text shows the text with the identifiers highlighted, the findings,
the decision and, when blocked, a suggested rewrite. json writes one object
(the result plus "rewrite"); sarif a SARIF 2.1.0 log for code-scanning tools.

--format jsonl screens a batch: every line of the input is an item as in the
annotation guideline ({"id", "channel", "author", "context", "text"}; gold
fields are ignored), and every item gets one output line, in input order:
{"id","decision","findings","spans"} with UTF-8 byte offsets into its text.
A line that cannot be screened gets {"id","line","error"} and the run goes
on. Item fields left empty take the --channel, --account, --employer and
--relationships flags.

An image (JPEG, PNG, WebP or HEIC, recognised by its first bytes; at most
25 MiB and 50 megapixels) is screened for what its metadata holds: GPS
position, places, dates and camera serial numbers are identifiers, and its
text fields (description, comments, XMP and IPTC captions, keywords,
by-line) are screened as image captions. The text in the picture is read
with tesseract and screened the same way, and faces are found with
facedetect: each face needs the patient's consent (review). An image is
allowed only when both programs ran and found nothing; HEIC is read with
heif-convert (Debian: tesseract-ocr tesseract-ocr-eng, facedetect,
libheif-examples). --strip OUT writes a copy without any metadata (JPEG
stays JPEG, PNG stays PNG, WebP becomes PNG, HEIC becomes JPEG), with every
word of a PHI finding read by OCR filled black and every face blurred.
Images use --format text or json.

Exit status: 0 allow, 1 review, 2 block (the most severe item in a batch),
3 bad input or usage (any failed line in a batch), 4 internal error.`,
	setup: func(fs *flag.FlagSet) runner {
		o := &scanOptions{format: "text", color: "auto"}
		o.item.register(fs)
		fs.Func("format", "output `format`: text, json, sarif or jsonl (default text)", choice(&o.format, "text", "json", "sarif", "jsonl"))
		fs.StringVar(&o.strip, "strip", "", "for an image: write a copy without metadata to `OUT`")
		fs.Func("color", "`when` to colour the text output: auto, always or never (default auto)", choice(&o.color, "auto", "always", "never"))
		return func(e *env, args []string) int {
			o.item.parsed(fs)
			return o.run(e, args)
		}
	},
}

// scanOptions are the parsed flags of scan.
type scanOptions struct {
	item   itemFlags
	format string
	color  string
	strip  string // --strip: where to write an image's copy without metadata
}

// run runs scan on the input named by args.
func (o *scanOptions) run(e *env, args []string) int {
	path := ""
	if len(args) > 0 {
		path = args[0]
	}
	if o.format == "jsonl" {
		if o.strip != "" {
			return fail(e, usageErrorf("scan: --strip applies to an image, not to --format jsonl"))
		}
		return o.runBatch(e, path)
	}
	format, err := sniffImage(e, path)
	if err != nil {
		return fail(e, err)
	}
	if format != "" {
		return o.runImage(e, path)
	}
	if o.strip != "" {
		return fail(e, usageErrorf("scan: --strip applies to images (JPEG, PNG, WebP or HEIC); the input is not one"))
	}
	s, err := screenInput(e, &o.item, path)
	if err != nil {
		return fail(e, err)
	}
	it, res := s.item, s.res

	var rw string
	if res.Decision != chaperone.Allow && o.format != "sarif" {
		rd, err := newRedactor(defaultOperator, "")
		if err != nil {
			return fail(e, err)
		}
		if rw, err = rewrite(rd, it, res); err != nil {
			return fail(e, err)
		}
	}

	switch o.format {
	case "json":
		err = report.JSON(e.stdout, res, rw)
	case "sarif":
		err = report.SARIF(e.stdout, s.eng.Rules(), s.name, it.Text, []chaperone.Result{res})
	default:
		err = report.Text(e.stdout, it, res, rw, o.useColor(e))
	}
	if err != nil {
		return fail(e, internalError("writing the report", err))
	}
	return res.Decision.ExitCode()
}

// runBatch runs scan --format jsonl on the input at path.
func (o *scanOptions) runBatch(e *env, path string) int {
	if o.item.context != "" || o.item.contextFile != "" {
		return fail(e, usageErrorf("scan: --context and --context-file apply to one text, not to --format jsonl (put \"context\" in each line)"))
	}
	eng, err := newEngine(o.item.rules)
	if err != nil {
		return fail(e, err)
	}
	r, _, closer, err := openInput(e, path)
	if err != nil {
		return fail(e, err)
	}
	defer closer()
	b := &batch{
		workers: runtime.GOMAXPROCS(0),
		prepare: o.item.fill,
		screen:  func(it chaperone.Item) (chaperone.Result, error) { return screen(eng, it) },
	}
	code, err := b.run(r, e.stdout)
	if err != nil {
		fail(e, err)
	}
	return code
}

// useColor reports whether the text output is coloured: --color always,
// or auto with a terminal on stdout, no NO_COLOR and a TERM that is not
// "dumb".
func (o *scanOptions) useColor(e *env) bool {
	switch o.color {
	case "always":
		return true
	case "never":
		return false
	}
	return e.stdoutTTY && e.getenv("NO_COLOR") == "" && e.getenv("TERM") != "dumb"
}
