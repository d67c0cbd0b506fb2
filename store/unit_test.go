package store

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

func TestHashEvent(t *testing.T) {
	base := chaperone.AuditEvent{Seq: 7, At: time.Date(2026, 3, 14, 9, 26, 53, 589793000, time.UTC), OrgID: 1, ActorID: 2,
		Action: chaperone.ActionPHIView, SubjectKind: "draft", SubjectID: "12/3", Details: []byte(`{}`), PrevHash: make([]byte, HashSize)}
	// Golden: changing the encoding breaks every stored chain, so it must
	// be deliberate (bump the domain tag's version).
	const golden = "6162fa823ca79f6c325cfea400aa98c08f3ad5642899c9a5d384afe5062b8730"
	got := hex.EncodeToString(HashEvent(base))
	if got != golden {
		t.Errorf("HashEvent = %s, want %s", got, golden)
	}
	variants := map[string]func(*chaperone.AuditEvent){
		"seq":          func(e *chaperone.AuditEvent) { e.Seq = 8 },
		"time":         func(e *chaperone.AuditEvent) { e.At = e.At.Add(time.Microsecond) },
		"org":          func(e *chaperone.AuditEvent) { e.OrgID = 0 },
		"actor":        func(e *chaperone.AuditEvent) { e.ActorID = 0 },
		"org/actor":    func(e *chaperone.AuditEvent) { e.OrgID, e.ActorID = 2, 1 },
		"action":       func(e *chaperone.AuditEvent) { e.Action = chaperone.ActionDraftCreate },
		"kind/id":      func(e *chaperone.AuditEvent) { e.SubjectKind, e.SubjectID = "draft1", "2/3" },
		"details":      func(e *chaperone.AuditEvent) { e.Details = []byte(`{"a":1}`) },
		"prev":         func(e *chaperone.AuditEvent) { e.PrevHash = bytes.Repeat([]byte{1}, HashSize) },
		"id into kind": func(e *chaperone.AuditEvent) { e.SubjectKind, e.SubjectID = "draft12/3", "" },
	}
	want := HashEvent(base)
	for name, change := range variants {
		ev := base
		change(&ev)
		if bytes.Equal(HashEvent(ev), want) {
			t.Errorf("%s: hash unchanged", name)
		}
	}
	// The time's zone and the stored hash do not matter.
	ev := base
	ev.At = base.At.In(time.FixedZone("EST", -5*3600))
	ev.Hash = []byte("ignored")
	if !bytes.Equal(HashEvent(ev), want) {
		t.Error("hash depends on the time zone or on Hash")
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data", "key")
	k1, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 || len(k1) != KeySize {
		t.Fatalf("key file %v %v, key %d bytes", st.Mode(), err, len(k1))
	}
	k2, err := LoadOrCreateKey(path)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Errorf("second load: %v, same key %v", err, bytes.Equal(k1, k2))
	}
	os.Chmod(path, 0o644)
	if _, err := LoadOrCreateKey(path); chaperone.CodeOf(err) != chaperone.ErrInvalid {
		t.Errorf("world-readable key file: %v", err)
	}
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("abcd\n"), 0o600)
	if _, err := LoadOrCreateKey(bad); chaperone.CodeOf(err) != chaperone.ErrInvalid {
		t.Errorf("short key: %v", err)
	}
	if _, err := NewKeyring(1, map[byte][]byte{1: k1[:16]}); chaperone.CodeOf(err) != chaperone.ErrInvalid {
		t.Errorf("16-byte key accepted: %v", err)
	}
}

func TestPasswords(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword("correct horse battery staple")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	tests := []struct {
		hash, password string
		want           bool
	}{
		{h, "correct horse battery staple", true},
		{h2, "correct horse battery staple", true},
		{h, "correct horse battery stapler", false},
		{h, "", false},
		{"", "", false},
		{"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdA$aGFzaA", "x", false}, // absurd memory
		{"$argon2i$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", "x", false},
	}
	for _, tt := range tests {
		if got := CheckPassword(tt.hash, tt.password); got != tt.want {
			t.Errorf("CheckPassword(%.30q…, %q) = %v, want %v", tt.hash, tt.password, got, tt.want)
		}
	}
	if _, err := HashPassword(string(make([]byte, maxPassword+1))); chaperone.CodeOf(err) != chaperone.ErrTooLarge {
		t.Errorf("long password: %v", err)
	}
}
