package main

import (
	"runtime/debug"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/detect"
)

// newEngine returns the screening engine, with the organisation rule file
// at rulesPath merged over the default rules when it is not empty. A bad
// rule file is bad input (exit 3); a failure to build the default engine
// is internal (exit 4).
func newEngine(rulesPath string) (*detect.Engine, error) {
	defer pauseGC()()
	if rulesPath != "" {
		eng, err := detect.NewWithRules(rulesPath)
		if err != nil {
			if chaperone.CodeOf(err) == chaperone.ErrInternal {
				return nil, internalError("--rules", err)
			}
			return nil, &chaperone.Error{Code: chaperone.CodeOf(err), Msg: "--rules", Err: err}
		}
		return eng, nil
	}
	eng, err := detect.New()
	if err != nil {
		return nil, internalError("loading the screening engine", err)
	}
	return eng, nil
}

// loadMemory is the soft memory limit while the engine loads (see
// pauseGC): room for the loaded engine (about 27 MB of heap, and the
// runtime's own memory) and an organisation's rules, well below the 65 MB
// that loading allocates, so that a one-post scan does not peak at the
// whole garbage of the load.
const loadMemory = 48 << 20

// pauseGC holds the garbage collector back while the engine loads, for a
// shorter start-up: collecting at every doubling of the heap would re-scan
// the growing rule tables some seven times. Loading allocates some 65 MB
// and keeps about 27 MB, so the collector runs only when the process
// nears loadMemory, two or three times, and the garbage never costs a
// short scan more memory than that. The returned function restores the
// settings.
func pauseGC() (restore func()) {
	limit := debug.SetMemoryLimit(-1) // reads it
	debug.SetMemoryLimit(min(limit, loadMemory))
	pct := debug.SetGCPercent(-1)
	return func() {
		debug.SetGCPercent(pct)
		debug.SetMemoryLimit(limit)
	}
}

// screen screens one item with eng. A blank text is allowed without
// calling the engine; an engine panic or an unknown decision becomes an
// internal error, whose message never holds the text. The result always
// carries the item's id and non-nil findings and spans.
func screen(eng *detect.Engine, it chaperone.Item) (res chaperone.Result, err error) {
	if strings.TrimSpace(it.Text) == "" {
		return chaperone.Result{ID: it.ID, Decision: chaperone.Allow, Findings: []chaperone.Finding{}, Spans: []chaperone.Span{}}, nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = panicError("the screening engine failed", r)
		}
	}()
	res = eng.Screen(it)
	if res.ID == "" {
		res.ID = it.ID
	}
	if res.Findings == nil {
		res.Findings = []chaperone.Finding{}
	}
	if res.Spans == nil {
		res.Spans = []chaperone.Span{}
	}
	if res.Decision.Severity() < 0 {
		return res, internalError("the screening engine failed", chaperone.Errorf(chaperone.ErrInternal, "unknown decision %q", res.Decision))
	}
	return res, nil
}

// screened is one text read from a file or stdin, built into an item from
// the flags, and screened.
type screened struct {
	eng  *detect.Engine
	item chaperone.Item
	res  chaperone.Result
	name string // the input's name, for reports
}

// screenInput reads the text at path (stdin for "" or "-"), builds the item
// from the flags and screens it: the common start of scan and redact.
func screenInput(e *env, f *itemFlags, path string) (*screened, error) {
	eng, err := newEngine(f.rules)
	if err != nil {
		return nil, err
	}
	text, name, err := readText(e, path, "input")
	if err != nil {
		return nil, err
	}
	it, err := f.item(e, path, text)
	if err != nil {
		return nil, err
	}
	res, err := screen(eng, it)
	if err != nil {
		return nil, err
	}
	return &screened{eng: eng, item: it, res: res, name: name}, nil
}
