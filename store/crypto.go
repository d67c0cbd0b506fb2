package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
)

// KeySize is the size of the encryption key: AES-256.
const KeySize = 32

// ErrWrongKey is in the chain of the error a read returns when encrypted
// text cannot be decrypted: the store's key is not the one it was written
// with, or the value was altered. Callers test it with errors.Is.
var ErrWrongKey = errors.New("wrong encryption key or altered data")

// Encrypted values are laid out as
//
//	[1] format version (sealV1)
//	[1] key id
//	[12] nonce
//	[…] AES-256-GCM ciphertext and 16-byte tag
//
// with the table, column and row as additional data, so that a value
// copied to another row or column does not decrypt.
const (
	sealV1      = 1
	sealNonce   = 12
	sealHeader  = 2 + sealNonce
	sealOverTag = 16
)

// box seals values with the keyring's current key and opens values
// written under any key of the keyring.
type box struct {
	current byte
	aeads   map[byte]cipher.AEAD
	ids     string // the keyring's ids, for messages: "1, 2"
}

// newBox returns a box for the keyring.
func newBox(ring *Keyring) (*box, error) {
	b := &box{current: ring.current, aeads: make(map[byte]cipher.AEAD, len(ring.keys))}
	for id, key := range ring.keys {
		aead, err := newAEAD(key)
		if err != nil {
			return nil, err
		}
		b.aeads[id] = aead
	}
	b.ids = ring.idList()
	return b, nil
}

// newAEAD returns AES-256-GCM for key, which must be KeySize bytes.
func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "the encryption key must be %d bytes, not %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, internal("setting up encryption", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, internal("setting up encryption", err)
	}
	return aead, nil
}

// seal encrypts plain under the current key, bound to ad (e.g.
// "draft_versions.text/12/3").
func (s *Store) seal(plain, ad string) ([]byte, error) {
	if s.box == nil {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "the store was opened without an encryption key")
	}
	out := make([]byte, sealHeader, sealHeader+len(plain)+sealOverTag)
	out[0], out[1] = sealV1, s.box.current
	if _, err := rand.Read(out[2:sealHeader]); err != nil {
		return nil, internal("encrypting", err)
	}
	return s.box.aeads[s.box.current].Seal(out, out[2:sealHeader], []byte(plain), []byte(ad)), nil
}

// open decrypts a value sealed with ad, with the key of the id it
// carries. The error never holds the value.
func (s *Store) open(blob []byte, ad string) (string, error) {
	if s.box == nil {
		return "", chaperone.Errorf(chaperone.ErrInvalid, "the store was opened without an encryption key")
	}
	table, _, _ := strings.Cut(ad, "/")
	if len(blob) < sealHeader+sealOverTag || blob[0] != sealV1 {
		return "", internal("decrypting "+table, fmt.Errorf("%w: not an encrypted value of a known format", ErrWrongKey))
	}
	aead, ok := s.box.aeads[blob[1]]
	if !ok {
		return "", internal("decrypting "+table, fmt.Errorf("%w: written with key id %d, which is not in the keyring (key ids %s)", ErrWrongKey, blob[1], s.box.ids))
	}
	plain, err := aead.Open(nil, blob[2:sealHeader], blob[sealHeader:], []byte(ad))
	if err != nil {
		return "", internal("decrypting "+table, fmt.Errorf("%w: key id %d does not decrypt it", ErrWrongKey, blob[1]))
	}
	return string(plain), nil
}

// LoadOrCreateKey reads the hex-encoded key in the single-key file at
// path, or, if there is none, creates the file (mode 0600, its directory
// 0700) with a new random key. It refuses a key file others can read. It
// predates keyrings and reads no keyring file: the CLI and the server use
// LoadOrCreateKeyring, which reads both formats. Keep the file out of the
// database's backups, or the encryption protects nothing.
func LoadOrCreateKey(path string) ([]byte, error) {
	key, err := readKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, internal("creating the key file's directory", err)
	}
	key = make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, internal("making a key", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return readKey(path) // made by another process meanwhile
	}
	if err != nil {
		return nil, internal("creating the key file", err)
	}
	_, err = f.WriteString(hex.EncodeToString(key) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, internal("writing the key file", err)
	}
	return key, nil
}

// readKey reads and checks the key file at path.
func readKey(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
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
	key, err := hex.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(key) != KeySize {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "key file %s does not hold a %d-byte hex key", path, KeySize)
	}
	return key, nil
}
