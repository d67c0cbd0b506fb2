package detect

import (
	"bufio"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestScreenGolden screens the items of testdata/screen.jsonl and compares
// decision, spans (type and text) and finding types with
// testdata/screen.golden. Run with -update after an intended change.
func TestScreenGolden(t *testing.T) {
	e := engine(t)
	f, err := os.Open("testdata/screen.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var it chaperone.Item
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			t.Fatal(err)
		}
		res := e.Screen(it)
		out.WriteString(it.ID + "\t" + string(res.Decision) + "\n")
		for _, s := range res.Spans {
			out.WriteString("  span\t" + string(s.Type) + "\t" + it.Text[s.Start:s.End] + "\n")
		}
		seen := map[chaperone.FindingType]bool{}
		for _, fd := range res.Findings {
			if !seen[fd.Type] {
				seen[fd.Type] = true
				out.WriteString("  finding\t" + string(fd.Type) + "\n")
			}
		}
	}
	got := out.String()
	if *update {
		if err := os.WriteFile("testdata/screen.golden", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile("testdata/screen.golden")
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("screen results changed (run go test ./detect -run TestScreenGolden -update to accept):\n got:\n%s\nwant:\n%s", got, want)
	}
}
