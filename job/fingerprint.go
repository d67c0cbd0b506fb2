package job

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"sort"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/detect"
	"github.com/chaperone-project/chaperone/lexicon"
)

// Fingerprint returns a SHA-256 (hex) of what decides the screen of a
// post: each enabled rule of eng in full (its regexes, words, score and
// examples, with the organisation's overrides applied), eng's screens of
// those examples (which exercise the built-in recognizers, the word lists
// and the learned model), the embedded dictionaries, and extra: the bytes
// of the files serve loaded (--rules, --policy). A new build whose
// screening differs, or an edited rule or policy file, gives another
// fingerprint; serve passes it as Config.Fingerprint.
func Fingerprint(eng *detect.Engine, extra ...[]byte) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	infos := eng.Rules()
	sort.Slice(infos, func(i, j int) bool { return infos[i].ID < infos[j].ID })
	for _, info := range infos {
		r := eng.Rule(info.ID)
		if r == nil {
			continue
		}
		enc.Encode(r)
		var probes []chaperone.Item
		for _, s := range append(append([]string{}, r.Match...), r.NoMatch...) {
			probes = append(probes, chaperone.Item{ID: r.ID, Text: s})
		}
		for _, c := range r.Cases {
			it := chaperone.Item{ID: r.ID, Text: c.Text, Context: c.Context, Channel: chaperone.Channel(c.Channel),
				Author: chaperone.Author{Account: chaperone.AccountKind(c.Account), Relationships: c.Relationships, Employer: c.Employer}}
			probes = append(probes, it)
		}
		for _, it := range probes {
			if it.Text != "" {
				enc.Encode(eng.Screen(it))
			}
		}
	}
	fs.WalkDir(lexicon.Data, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(lexicon.Data, path)
		if err != nil {
			return err
		}
		h.Write([]byte(path))
		h.Write(b)
		return nil
	})
	for _, b := range extra {
		sum := sha256.Sum256(b)
		h.Write(sum[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}
