package redact

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current output")

// goldenCase is a realistic text with its spans, given as substrings (the
// first occurrence, or the n-th with "sub#n").
type goldenCase struct {
	name     string
	channel  chaperone.Channel
	text     string
	spans    []string // "sub:TYPE"
	findings []chaperone.FindingType
}

var goldenCases = []goldenCase{
	{
		name:     "er_post",
		channel:  chaperone.ChannelPost,
		text:     "Crazy night at Mercy General 🚑 — 94yo Mrs. Kowalczyk (bed 12B) came in after a fall on Christmas Eve 2023; her daughter Xiomara drove all the way from Dearborn. Get well soon, señora! 💐",
		spans:    []string{"Mercy General:FACILITY", "94yo:AGE", "Kowalczyk:NAME", "bed 12B:ID", "Christmas Eve 2023:DATE", "Xiomara:NAME", "Dearborn:LOCATION"},
		findings: []chaperone.FindingType{chaperone.FindingPHI, chaperone.FindingPatientStory},
	},
	{
		name:     "review_reply",
		channel:  chaperone.ChannelReviewReply,
		text:     "Hi Lauren! Some soreness is totally normal after Emma's wires were changed. We'll call you at 555-771-2093 to get her in for a quick check 😊 Questions? Our front desk is at (555) 201-8890.",
		spans:    []string{"Lauren:NAME", "Emma:NAME", "555-771-2093:PHONE"},
		findings: []chaperone.FindingType{chaperone.FindingPHI, chaperone.FindingRelationshipConfirmed},
	},
	{
		name:    "intake_note",
		channel: chaperone.ChannelNote,
		text:    "Pt: Jorge Luis Peña, DOB 11/02/1947, MRN 0048-2913, SSN 231-72-0058, ZIP 03601, lives at 1420 Fremont St. — email jorge.pena47@gmail.com, last login from 98.207.33.140 and 2600:1700:3a4:91f0::12. Family asked us to share gofundme.com/f/help-the-pena-family 🙏 Plate 7KJX482, pacemaker SN PJN402117S, Medicare 1EG4-TE5-MK73.",
		spans: []string{"Jorge Luis Peña:NAME", "11/02/1947:DATE", "0048-2913:MRN", "231-72-0058:SSN", "03601:LOCATION", "1420 Fremont St.:LOCATION",
			"jorge.pena47@gmail.com:EMAIL", "98.207.33.140:IP", "2600:1700:3a4:91f0::12:IP", "gofundme.com/f/help-the-pena-family:URL",
			"7KJX482:VEHICLE", "PJN402117S:DEVICE", "1EG4-TE5-MK73:HEALTH_PLAN"},
		findings: []chaperone.FindingType{chaperone.FindingPHI},
	},
	{
		name:     "comment_handles",
		channel:  chaperone.ChannelComment,
		text:     "@bella.smiles.22 your veneers came out SO good 😍 — tell Zoë and Nguyễn Văn Thanh we said hi! Pics from 14 March are up ✨ and Zoë's 3rd visit is on 4/17 👩🏽‍⚕️",
		spans:    []string{"@bella.smiles.22:HANDLE", "Zoë:NAME", "Nguyễn Văn Thanh:NAME", "14 March:DATE", "Zoë#2:NAME", "4/17:DATE"},
		findings: []chaperone.FindingType{chaperone.FindingPHI, chaperone.FindingRelationshipConfirmed},
	},
	{
		name:    "overlapping_cjk",
		channel: chaperone.ChannelPost,
		text:    "王小明 (92 years old) 住在 02138-4321，电话 (617) 555-0123；在 St. Mary's 看诊 3/14/24 👵🏻 — his late nineties neighbour Mr. K too.",
		spans: []string{"王小明:NAME", "92 years old:AGE", "02138-4321:LOCATION", "(617) 555-0123:PHONE", "555-0123:PHONE",
			"St. Mary's:FACILITY", "Mary's 看:NAME", "3/14/24:DATE", "late nineties:AGE", "K:NAME"},
		findings: []chaperone.FindingType{chaperone.FindingPHI},
	},
}

func (c goldenCase) item() (chaperone.Item, chaperone.Result) {
	res := chaperone.Result{ID: c.name, Decision: chaperone.Block}
	for _, s := range c.spans {
		i := strings.LastIndex(s, ":")
		sub, typ := s[:i], chaperone.SpanType(s[i+1:])
		n := 1
		if j := strings.LastIndex(sub, "#"); j > 0 {
			fmt.Sscan(sub[j+1:], &n)
			sub = sub[:j]
		}
		off := 0
		for k := 1; k < n; k++ {
			off += strings.Index(c.text[off:], sub) + len(sub)
		}
		sp := at(c.text[off:], sub, typ)
		sp.Start, sp.End = sp.Start+off, sp.End+off
		res.Spans = append(res.Spans, sp)
	}
	for _, f := range c.findings {
		res.Findings = append(res.Findings, chaperone.Finding{Type: f})
	}
	return chaperone.Item{ID: c.name, Channel: c.channel, Text: c.text}, res
}

// render writes every operator's output for the case, one section each.
func (c goldenCase) render() string {
	it, res := c.item()
	var b strings.Builder
	fmt.Fprintf(&b, "# text\n%s\n\n# spans\n", it.Text)
	for _, sp := range res.Spans {
		fmt.Fprintf(&b, "%-11s %3d-%-3d %q\n", sp.Type, sp.Start, sp.End, it.Text[sp.Start:sp.End])
	}
	for _, op := range []Operator{Mask, Tag, Surrogate, Generalize} {
		r := New(op, WithSeed("golden"), WithReferenceYear(testYear))
		fmt.Fprintf(&b, "\n# %s\n%s\n", op, r.Apply(it.Text, res.Spans)) // seed "golden", reference year 2026
	}
	fmt.Fprintf(&b, "\n# rewrite (generalize), findings %v\n%s\n", c.findings,
		New(Generalize, WithReferenceYear(testYear)).Rewrite(it, res))
	return b.String()
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join("testdata", c.name+".golden")
			got := c.render()
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./redact -run TestGolden -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs; if the change is intended, run go test ./redact -run TestGolden -update\n--- got\n%s\n--- want\n%s", path, got, want)
			}
		})
	}
}
