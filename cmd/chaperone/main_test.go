package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaperone-project/chaperone/detect"
)

// binary is the chaperone binary TestMain builds for the subprocess tests.
var binary string

func TestMain(m *testing.M) {
	for _, a := range os.Args[1:] {
		if strings.HasPrefix(a, "-test.fuzzworker") || strings.HasPrefix(a, "-test.fuzz=") {
			os.Exit(m.Run()) // fuzzing needs no binary
		}
	}
	dir, err := os.MkdirTemp("", "chaperone-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "chaperone")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building chaperone: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what a run of the binary produced.
type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs the binary with args and stdin and returns what it did.
func runCLI(t testing.TB, stdin []byte, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running chaperone: %v", err)
		}
		code = ee.ExitCode()
	}
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// needEngine skips t when detect is still the stub, which allows every
// text and describes no rules: tests of real decisions need the engine.
func needEngine(t testing.TB) {
	t.Helper()
	eng, err := detect.New()
	if err != nil {
		t.Fatalf("detect.New: %v", err)
	}
	if len(eng.Rules()) == 0 {
		t.Skip("detect is the stub engine (no rules): decisions are not meaningful yet")
	}
}

// writeFile writes data to a file in t's temporary directory.
func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// secret is screened text that must never show up in an error message.
const secret = "SSN 519-04-7732 for my pt"

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		stdin      string
		needEngine bool
		code       int
		stdout     string // substring expected on stdout
		stderr     string // substring expected on stderr
	}{
		{name: "allow", args: []string{"scan"}, stdin: "Flu shots are in at the clinic this week. Ask your doctor if one is right for you.", code: 0, stdout: "Decision: allow"},
		{name: "empty input allows", args: []string{"scan"}, stdin: "", code: 0, stdout: "No findings."},
		{name: "dash is stdin", args: []string{"scan", "-"}, stdin: "", code: 0},
		{name: "block on SSN", args: []string{"scan"}, stdin: secret, needEngine: true, code: 2, stdout: "Decision: block"},
		{name: "block on SSN json", args: []string{"scan", "--format", "json"}, stdin: secret, needEngine: true, code: 2, stdout: `"decision": "block"`},
		{name: "review patient story", args: []string{"scan", "--channel", "comment"}, needEngine: true, code: 1,
			stdin: "my pt last night was a sweet old man with dementia who kept asking me to dance, so at 3am we slow danced by the nurses' station for 2 min. best shift in months"},
		{name: "unknown flag", args: []string{"scan", "--bogus"}, stdin: secret, code: 3, stderr: "chaperone: scan: flag provided but not defined: -bogus"},
		{name: "unknown channel lists the valid ones", args: []string{"scan", "--channel", "tweet"}, stdin: secret, code: 3, stderr: "review_reply, comment, image_caption, note"},
		{name: "bad format", args: []string{"scan", "--format", "xml"}, code: 3, stderr: "must be one of text, json, sarif, jsonl"},
		{name: "bad account", args: []string{"scan", "--account", "work"}, code: 3, stderr: "professional or personal"},
		{name: "bad color", args: []string{"scan", "--color", "maybe"}, code: 3, stderr: "auto, always, never"},
		{name: "invalid UTF-8 names the offset", args: []string{"scan"}, stdin: secret + "\xff tail", code: 3, stderr: fmt.Sprintf("invalid byte at offset %d", len(secret))},
		{name: "missing file", args: []string{"scan", "no/such/file.txt"}, code: 3, stderr: "chaperone: cannot open input"},
		{name: "too many arguments", args: []string{"scan", "a", "b"}, code: 3, stderr: "too many arguments"},
		{name: "context and context-file", args: []string{"scan", "--context", "x", "--context-file", "y"}, stdin: secret, code: 3, stderr: "exclusive"},
		{name: "context-file and text both stdin", args: []string{"scan", "--context-file", "-"}, stdin: secret, code: 3, stderr: "both be stdin"},
		{name: "redact invalid UTF-8", args: []string{"redact"}, stdin: "ok\xc3", code: 3, stderr: "offset 2"},
		{name: "context with jsonl", args: []string{"scan", "--format", "jsonl", "--context", "x"}, code: 3, stderr: "--context"},
		{name: "flags after the file", args: []string{"scan", "-", "--format", "json"}, stdin: "", code: 0, stdout: `"rewrite": ""`},
		{name: "no command", args: nil, code: 3, stderr: "Usage: chaperone COMMAND"},
		{name: "unknown command", args: []string{"frobnicate"}, code: 3, stderr: `unknown command "frobnicate"`},
		{name: "help", args: []string{"help"}, code: 0, stdout: "Usage: chaperone eval [flags] SET.jsonl"},
		{name: "-h", args: []string{"-h"}, code: 0, stdout: "Usage: chaperone redact [flags] [FILE|-]"},
		{name: "scan -h", args: []string{"scan", "-h"}, code: 0, stdout: "--format jsonl"},
		{name: "help scan", args: []string{"help", "scan"}, code: 0, stdout: "-relationships list"},
		{name: "help unknown", args: []string{"help", "nope"}, code: 3, stderr: "unknown command"},
		{name: "version", args: []string{"version"}, code: 0, stdout: "chaperone "},
		{name: "redact", args: []string{"redact", "--operator", "tag"}, stdin: "Flu shots are in.", code: 0, stdout: "Flu shots are in.\n"},
		{name: "redact bad operator", args: []string{"redact", "--operator", "shred"}, code: 3, stderr: "mask, tag, surrogate, generalize"},
		{name: "eval needs a set", args: []string{"eval"}, code: 3, stderr: "missing SET.jsonl"},
		{name: "eval unreadable set", args: []string{"eval", "-"}, stdin: "{not json\n", code: 3, stderr: "line 1"},
		{name: "rules file missing", args: []string{"scan", "--rules", "no/such/rules.toml"}, stdin: secret, code: 3, stderr: "--rules"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.needEngine {
				needEngine(t)
			}
			r := runCLI(t, []byte(tt.stdin), tt.args...)
			if r.code != tt.code {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.stdout) {
				t.Errorf("stdout does not contain %q:\n%s", tt.stdout, r.stdout)
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.stderr, r.stderr)
			}
			if tt.code >= exitUsage && !strings.HasPrefix(r.stderr, "chaperone: ") && !strings.HasPrefix(r.stderr, "chaperone screens") {
				t.Errorf("error not prefixed with \"chaperone: \": %q", r.stderr)
			}
			if strings.Contains(r.stderr, "519-04-7732") {
				t.Errorf("stderr quotes the screened text: %q", r.stderr)
			}
		})
	}
}

func TestScanFile(t *testing.T) {
	path := writeFile(t, "post.txt", []byte("Great turnout at the 5k today!\n"))
	r := runCLI(t, nil, "scan", "--format", "sarif", path)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, `"version": "2.1.0"`) {
		t.Errorf("not a SARIF log:\n%s", r.stdout)
	}
}

func TestScanOversized(t *testing.T) {
	big := bytes.Repeat([]byte("a"), maxInput+1)
	for _, viaFile := range []bool{false, true} {
		args, stdin := []string{"scan"}, big
		if viaFile {
			args, stdin = append(args, writeFile(t, "big.txt", big)), nil
		}
		r := runCLI(t, stdin, args...)
		if r.code != 3 || !strings.Contains(r.stderr, "larger than 10 MiB") {
			t.Errorf("file=%v: exit %d, stderr %q; want 3 and a size error", viaFile, r.code, r.stderr)
		}
	}
	// Exactly the limit is accepted (blank, so that the engine's time on
	// 10 MiB does not slow the test).
	if r := runCLI(t, bytes.Repeat([]byte(" "), maxInput), "scan", "--format", "json"); r.code >= exitUsage {
		t.Errorf("input of exactly 10 MiB: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestScanContextFile(t *testing.T) {
	ctx := writeFile(t, "review.txt", []byte("Dr. Lee was wonderful with my mom last week!"))
	r := runCLI(t, []byte("Thank you for the kind words!"), "scan", "--channel", "review_reply", "--context-file", ctx, "--format", "json")
	if r.code >= exitUsage {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	bad := writeFile(t, "bad.txt", []byte("ok\xfe"))
	r = runCLI(t, []byte("Thanks!"), "scan", "--context-file", bad)
	if r.code != 3 || !strings.Contains(r.stderr, "--context-file is not valid UTF-8: invalid byte at offset 2") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestRedactRemovesIdentifiers(t *testing.T) {
	needEngine(t)
	r := runCLI(t, []byte(secret), "redact", "--operator", "tag")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, "519-04-7732") || strings.Contains(r.stdout, "7732") {
		t.Errorf("rewrite keeps the SSN: %q", r.stdout)
	}
}

func TestEvalDevSet(t *testing.T) {
	set := filepath.Join("..", "..", "..", "shared", "eval", "dev.jsonl")
	if _, err := os.Stat(set); err != nil {
		set = writeFile(t, "set.jsonl", []byte(`{"id":"x-1","channel":"post","author":{},"text":"Flu shots are in.","spans":[],"findings":[],"decision":"allow","why":"education"}`+"\n"))
	}
	for _, args := range [][]string{{"eval", set}, {"eval", "--misses", set}, {"eval", "--json", set}} {
		r := runCLI(t, nil, args...)
		if r.code != 0 || r.stdout == "" {
			t.Errorf("%v: exit %d, %d bytes out, stderr %q", args, r.code, len(r.stdout), r.stderr)
		}
		if args[1] == "--json" && !json.Valid([]byte(r.stdout)) {
			t.Errorf("eval --json output is not JSON")
		}
	}
}
