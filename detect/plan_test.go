package detect

import (
	"bytes"
	"encoding/gob"
	"flag"
	"os"
	"reflect"
	"slices"
	"testing"

	"regexp/syntax"
)

var updatePlans = flag.Bool("update-plans", false, "write rules/plans.gob (go generate)")

// defaultPlans analyses the patterns of the default rules, sorted by
// source: what rules/plans.gob holds.
func defaultPlans(t *testing.T) []*plan {
	t.Helper()
	base, err := loadDefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	rules := make([]*Rule, len(base.Rules))
	for i := range base.Rules {
		rules[i] = &base.Rules[i]
	}
	srcs := patternSources(rules, base.Cues, base.Claims)
	slices.Sort(srcs)
	srcs = slices.Compact(srcs)
	var out []*plan
	for _, src := range srcs {
		sre, err := syntax.Parse(src, syntax.Perl)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		out = append(out, analysePattern(src, sre))
	}
	return out
}

// TestEmbeddedPlans checks that rules/plans.gob holds, for every pattern of
// the default rules, the plan analysing it gives now; with -update-plans
// (go generate ./detect) it writes the file.
func TestEmbeddedPlans(t *testing.T) {
	want := defaultPlans(t)
	if *updatePlans {
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(want); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("rules/plans.gob", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got := embeddedPlans()
	for _, w := range want {
		if g := got[w.Src]; !reflect.DeepEqual(g, w) {
			t.Fatalf("rules/plans.gob is out of date for %.80q (run go generate ./detect)", w.Src)
		}
	}
}
