package store

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
	"golang.org/x/crypto/argon2"
)

// Argon2id parameters for new hashes (RFC 9106, second recommended
// option). CheckPassword reads the parameters from the hash, so they may
// change without invalidating old hashes.
const (
	argonTime    = 3
	argonMemory  = 64 * 1024 // KiB
	argonThreads = 4
	argonKeyLen  = 32
	argonSaltLen = 16
	// maxPassword bounds the work a sign-in attempt can cause.
	maxPassword = 1024
)

// HashPassword returns the argon2id hash of password as a PHC string
// ("$argon2id$v=19$m=65536,t=3,p=4$salt$hash"), for User.PasswordHash.
// The sign-in and user-management code calls it.
func HashPassword(password string) (string, error) {
	if len(password) > maxPassword {
		return "", chaperone.Errorf(chaperone.ErrTooLarge, "password longer than %d bytes", maxPassword)
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", internal("hashing the password", err)
	}
	sum := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(sum)), nil
}

// CheckPassword reports whether password matches hash, a string made by
// HashPassword, in constant time. An empty or malformed hash matches
// nothing. The sign-in code calls it.
func CheckPassword(hash, password string) bool {
	if len(password) > maxPassword {
		return false
	}
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	// Refuse parameters that would let a planted hash exhaust the server.
	if m == 0 || m > 1<<20 || t == 0 || t > 10 || p == 0 {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
