// Command train fits chaperone's learned finding model on labelled sets
// (the annotation guideline's JSON Lines shape) and writes the weights that
// detect embeds:
//
//	go run ./cmd/train -o detect/model/findings.bin testdata/eval/train-[c-q].jsonl testdata/eval/heldout-b.jsonl testdata/eval/heldout-c.jsonl
//
// It reports the model's scores on any -eval sets, next to the rules alone.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/detect"
	"github.com/chaperone-project/chaperone/eval"
)

func main() {
	out := flag.String("o", "detect/model/findings.bin", "where to write the model")
	epochs := flag.Int("epochs", 12, "passes over the training items")
	l2 := flag.Float64("l2", 3e-3, "L2 regularisation")
	evalSets := flag.String("eval", "", "comma-separated labelled sets to report on (not trained on)")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: train [-o FILE] [-eval a.jsonl,b.jsonl] SET.jsonl...")
		os.Exit(3)
	}
	base, err := detect.NewWithRules()
	if err != nil {
		fail(err)
	}
	rules := base.WithoutModel()
	var items []detect.TrainItem
	for _, p := range flag.Args() {
		set := read(p)
		for _, g := range set {
			ti := detect.TrainItem{Item: g.Item, Findings: g.Findings}
			for _, s := range g.Spans {
				ti.Spans = append(ti.Spans, chaperone.Span{Start: s.Start, End: s.End, Type: s.Type})
			}
			items = append(items, ti)
		}
	}
	m := rules.TrainModel(items, *epochs, *l2)
	f, err := os.Create(*out)
	if err != nil {
		fail(err)
	}
	if err := m.Write(f); err != nil {
		fail(err)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
	fmt.Printf("trained on %d items, wrote %s\n", len(items), *out)
	withModel := rules.SetModel(m)
	for _, p := range strings.Split(*evalSets, ",") {
		if p == "" {
			continue
		}
		set := read(p)
		for _, c := range []struct {
			name string
			e    *detect.Engine
		}{{"rules", rules}, {"rules+model", withModel}} {
			r := eval.Run(set, c.e.Screen)
			fmt.Printf("%-40s %-12s decision_accuracy %.4f leak_rate %.4f false_block_rate %.4f findings_micro_f1 %.4f\n",
				p, c.name, r.DecisionAccuracy, r.LeakRate, r.FalseBlockRate, r.FindingsMicro.F1)
		}
	}
}

func read(p string) []eval.Gold {
	f, err := os.Open(p)
	if err != nil {
		fail(err)
	}
	defer f.Close()
	set, err := eval.ReadSet(f)
	if err != nil {
		fail(fmt.Errorf("%s: %w", p, err))
	}
	return set
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "train:", err)
	os.Exit(1)
}
