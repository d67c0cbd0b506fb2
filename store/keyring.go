package store

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
)

// Keyring holds the encryption keys of a store by key id (1–255): the
// current key, which encrypts every value the store writes, and older
// keys, which only decrypt the values still written under them (every
// encrypted value carries the id of its key). Key rotation (chaperone key
// rotate) adds a key with the next id, makes it current, re-encrypts
// every value under it (Store.Reencrypt), and then drops the old keys.
//
// The CLI and the server load one with LoadOrCreateKeyring or
// ReadKeyring, add $CHAPERONE_KEY with WithCurrent, and give it to Open
// in Options.Keys. A Keyring is immutable: the methods that change it
// return a new one.
type Keyring struct {
	current byte
	keys    map[byte][]byte
}

// NewKeyring returns a keyring of keys (by id, each KeySize bytes) whose
// current key is current. Tests and callers holding keys from elsewhere
// use it.
func NewKeyring(current byte, keys map[byte][]byte) (*Keyring, error) {
	r := &Keyring{current: current, keys: make(map[byte][]byte, len(keys))}
	for id, key := range keys {
		if id == 0 {
			return nil, chaperone.Errorf(chaperone.ErrInvalid, "key id 0 is not allowed: ids are 1 to 255")
		}
		if len(key) != KeySize {
			return nil, chaperone.Errorf(chaperone.ErrInvalid, "key %d: the encryption key must be %d bytes, not %d", id, KeySize, len(key))
		}
		r.keys[id] = bytes.Clone(key)
	}
	if _, ok := r.keys[current]; !ok {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "the keyring has no key with id %d to make current", current)
	}
	return r, nil
}

// Current returns the id of the key that encrypts.
func (r *Keyring) Current() byte { return r.current }

// IDs returns the ids of the keyring's keys in increasing order.
func (r *Keyring) IDs() []byte { return slices.Sorted(maps.Keys(r.keys)) }

// Has reports whether the keyring holds a key with the id.
func (r *Keyring) Has(id byte) bool {
	_, ok := r.keys[id]
	return ok
}

// idList returns the ids for messages: "1, 2".
func (r *Keyring) idList() string {
	var b strings.Builder
	for i, id := range r.IDs() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(int(id)))
	}
	return b.String()
}

// Rotated returns a copy of the keyring with a new random key under the
// next id (one more than the highest), which becomes current. chaperone
// key rotate calls it.
func (r *Keyring) Rotated() (*Keyring, error) {
	ids := r.IDs()
	next := int(ids[len(ids)-1]) + 1
	if next > 255 {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "the keyring already uses key id 255, the last one: drop the old keys and renumber by hand")
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, internal("making a key", err)
	}
	keys := maps.Clone(r.keys)
	keys[byte(next)] = key
	return NewKeyring(byte(next), keys)
}

// WithCurrent returns a copy of the keyring with key added under id and
// made current; r may be nil (no other keys). A key already in the
// keyring under id must be the same key. The CLI calls it for
// $CHAPERONE_KEY, which wins over the key file's current key.
func (r *Keyring) WithCurrent(id byte, key []byte) (*Keyring, error) {
	keys := map[byte][]byte{}
	if r != nil {
		keys = maps.Clone(r.keys)
	}
	if old, ok := keys[id]; ok && !bytes.Equal(old, key) {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "key id %d is in the keyring with another key", id)
	}
	keys[id] = key
	return NewKeyring(id, keys)
}

// Without returns a copy of the keyring without the keys of ids, or nil
// when no key would be left. If the current key is among them, the
// highest id left becomes current: callers that mean to keep the current
// key leave it out of ids. chaperone key rotate --drop-old calls it once
// no value uses those keys.
func (r *Keyring) Without(ids ...byte) (*Keyring, error) {
	keys := maps.Clone(r.keys)
	for _, id := range ids {
		delete(keys, id)
	}
	if len(keys) == 0 {
		return nil, nil
	}
	current := r.current
	if _, ok := keys[current]; !ok {
		current = slices.Max(slices.Collect(maps.Keys(keys)))
	}
	return NewKeyring(current, keys)
}

// The keyring file holds one key per line, "ID BASE64", where ID is the
// key id (1–255) and BASE64 the standard base64 of the 32-byte key; blank
// lines and lines starting with # are ignored. The key with the highest
// id is current. A file holding only a 64-digit hex key (the single-key
// format LoadOrCreateKey writes, and the data directory's key before
// keyrings) is a keyring of that key with id 1. The file must not be
// readable by others (mode 0600).
const keyringHeader = "# chaperone keyring: one key per line, \"ID BASE64\"; the highest id encrypts, the others only decrypt.\n"

// ReadKeyring reads the keyring file at path (either format). A missing
// file is an error for which errors.Is(err, fs.ErrNotExist) holds. The
// error never holds key material.
func ReadKeyring(path string) (*Keyring, error) {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &chaperone.Error{Code: chaperone.ErrNotFound, Msg: "no key file at " + path, Err: fs.ErrNotExist}
		}
		return nil, internal("reading the key file", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "key file %s has mode %04o: others may read it; chmod 600 it", path, st.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, internal("reading the key file", err)
	}
	return parseKeyring(path, data)
}

// parseKeyring parses a keyring file's content; path is for messages.
func parseKeyring(path string, data []byte) (*Keyring, error) {
	if t := strings.TrimSpace(string(data)); len(t) == 2*KeySize && !strings.ContainsAny(t, " \t\n") {
		key, err := hex.DecodeString(t)
		if err != nil {
			return nil, chaperone.Errorf(chaperone.ErrInvalid, "key file %s does not hold a %d-byte hex key or a keyring", path, KeySize)
		}
		return NewKeyring(1, map[byte][]byte{1: key})
	}
	keys := map[byte][]byte{}
	var current byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, chaperone.Errorf(chaperone.ErrInvalid, "key file %s line %d: want \"ID BASE64\"", path, n)
		}
		id, err := strconv.ParseUint(f[0], 10, 8)
		if err != nil || id == 0 {
			return nil, chaperone.Errorf(chaperone.ErrInvalid, "key file %s line %d: the key id must be 1 to 255", path, n)
		}
		key, err := base64.StdEncoding.DecodeString(f[1])
		if err != nil || len(key) != KeySize {
			return nil, chaperone.Errorf(chaperone.ErrInvalid, "key file %s line %d: the key must be the base64 of %d bytes", path, n, KeySize)
		}
		if _, dup := keys[byte(id)]; dup {
			return nil, chaperone.Errorf(chaperone.ErrInvalid, "key file %s line %d: key id %d appears twice", path, n, id)
		}
		keys[byte(id)] = key
		current = max(current, byte(id))
	}
	if len(keys) == 0 {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "key file %s holds no key", path)
	}
	return NewKeyring(current, keys)
}

// LoadOrCreateKeyring reads the keyring file at path, or, if there is
// none, creates it (mode 0600, its directory 0700) in the single-key
// format with a new random key, id 1, so that older versions can still
// read it. The CLI and the server call it for the data directory's key
// file (or --key-file).
func LoadOrCreateKeyring(path string) (*Keyring, error) {
	r, err := ReadKeyring(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return r, err
	}
	key, err := LoadOrCreateKey(path)
	if err != nil {
		if chaperone.CodeOf(err) == chaperone.ErrInvalid {
			return ReadKeyring(path) // made as a keyring by another process meanwhile
		}
		return nil, err
	}
	return NewKeyring(1, map[byte][]byte{1: key})
}

// WriteFile writes the keyring to path in the keyring format, replacing
// the file atomically (a temporary file PATH.new, mode 0600, synced, then
// renamed over PATH). PATH.new already existing means another writer is
// at work, or one was interrupted: WriteFile refuses then. chaperone key
// rotate calls it.
func (r *Keyring) WriteFile(path string) error {
	var b strings.Builder
	b.WriteString(keyringHeader)
	for _, id := range r.IDs() {
		fmt.Fprintf(&b, "%d %s\n", id, base64.StdEncoding.EncodeToString(r.keys[id]))
	}
	tmp := path + ".new"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return chaperone.Errorf(chaperone.ErrConflict, "%s exists: another key rotation is writing the keyring, or one was interrupted; remove it once none is running", tmp)
	}
	if err != nil {
		return internal("writing the key file", err)
	}
	_, err = f.WriteString(b.String())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return internal("writing the key file", err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// ParseKey parses a key given as "[ID:]BASE64", the format of
// $CHAPERONE_KEY: the standard base64 of KeySize bytes, with its key id
// before a colon (1 when there is none). The error never holds the key.
func ParseKey(s string) (id byte, key []byte, err error) {
	s = strings.TrimSpace(s)
	id = 1
	if idText, rest, ok := strings.Cut(s, ":"); ok {
		n, err := strconv.ParseUint(idText, 10, 8)
		if err != nil || n == 0 {
			return 0, nil, chaperone.Errorf(chaperone.ErrInvalid, "the key id before the colon must be 1 to 255")
		}
		id, s = byte(n), rest
	}
	key, err = base64.StdEncoding.DecodeString(s)
	if err != nil || len(key) != KeySize {
		return 0, nil, chaperone.Errorf(chaperone.ErrInvalid, "the key must be the base64 of %d bytes (e.g. from 'openssl rand -base64 32')", KeySize)
	}
	return id, key, nil
}
