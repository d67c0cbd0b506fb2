package main

import (
	"strings"
	"testing"
)

func TestPolicyCommand(t *testing.T) {
	def := runCLI(t, nil, "policy", "default")
	if def.code != 0 || !strings.Contains(def.stdout, "[[route]]") {
		t.Fatalf("policy default: code %d, stdout %q", def.code, def.stdout)
	}
	good := writeFile(t, "policy.toml", []byte(def.stdout))
	bad := writeFile(t, "bad.toml", []byte("[[route]]\nname = 'x'\nwhen = 'author.rol == \"r\"'\nto = 'review'\nreason = 'r'\n"))
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"check the default", []string{"policy", "check", good}, 0, "ok: 2 routes", ""},
		{"misspelt field", []string{"policy", "check", bad}, 3, "", `route "x": when:`},
		{"missing file", []string{"policy", "check", good + ".nope"}, 3, "", "policy file"},
		{"unknown verb", []string{"policy", "apply"}, 3, "", "want 'policy default' or 'policy check FILE'"},
		{"no verb", []string{"policy"}, 3, "", "missing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, nil, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stdout, tc.stdout) || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("code %d stdout %q stderr %q; want code %d, stdout with %q, stderr with %q", r.code, r.stdout, r.stderr, tc.code, tc.stdout, tc.stderr)
			}
		})
	}
}
