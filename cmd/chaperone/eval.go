package main

import (
	"cmp"
	"flag"
	"sync"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/eval"
)

// evalCommand scores the engine on a labelled set.
var evalCommand = &command{
	name:    "eval",
	args:    "SET.jsonl",
	short:   "score the engine on a labelled set",
	minArgs: 1,
	maxArgs: 1,
	long: `
Screen every item of the labelled set SET.jsonl ("-" for stdin), shaped as in
the annotation guideline, and print the scores: span recall and precision per
type, finding scores, decision accuracy, leak and false-block rates.

Exit status: 0 when the report is printed, 3 when the set cannot be read, 4
internal error.`,
	setup: func(fs *flag.FlagSet) runner {
		var (
			misses, asJSON bool
			rules          string
		)
		fs.BoolVar(&misses, "misses", false, "list the items the engine got wrong")
		fs.BoolVar(&asJSON, "json", false, "write the report as JSON")
		registerRules(fs, &rules)
		return func(e *env, args []string) int {
			return runEval(e, args[0], rules, misses, asJSON)
		}
	},
}

// runEval runs eval on the set at path.
func runEval(e *env, path, rules string, misses, asJSON bool) int {
	eng, err := newEngine(rules)
	if err != nil {
		return fail(e, err)
	}
	r, _, closer, err := openInput(e, path)
	if err != nil {
		return fail(e, err)
	}
	defer closer()
	set, err := eval.ReadSet(r)
	if err != nil {
		if chaperone.CodeOf(err) == chaperone.ErrInternal {
			err = &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "reading the set", Err: err}
		}
		return fail(e, err)
	}
	// eval.Run screens on many goroutines: keep the first engine failure.
	var (
		mu        sync.Mutex
		screenErr error
	)
	rep := eval.Run(set, func(it chaperone.Item) chaperone.Result {
		res, err := screen(eng, it)
		if err != nil {
			mu.Lock()
			screenErr = cmp.Or(screenErr, err)
			mu.Unlock()
		}
		return res
	})
	if screenErr != nil {
		return fail(e, screenErr)
	}
	if asJSON {
		err = rep.WriteJSON(e.stdout)
	} else {
		err = rep.WriteText(e.stdout, misses)
	}
	if err != nil {
		return fail(e, internalError("writing the report", err))
	}
	return exitOK
}
