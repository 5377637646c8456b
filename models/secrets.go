package models

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// HashParams is the argon2id cost of PIN and password hashes.
type HashParams struct {
	MemoryKiB uint32
	Time      uint32
}

// DefaultHashing is OWASP's argon2id minimum (m = 19 MiB, t = 2, p = 1): about 20 ms of a core,
// so a class of 40 signing in at once on two cores is in well within 2 s.
var DefaultHashing = HashParams{MemoryKiB: 19 * 1024, Time: 2}

// hasher bounds concurrent hashes to the number of cores: more would only queue in the
// scheduler while each holds 19 MiB.
type hasher struct {
	params HashParams
	slots  chan struct{}
	dummy  string
}

func newHasher(p HashParams) *hasher {
	h := &hasher{params: p, slots: make(chan struct{}, runtime.NumCPU())}
	h.dummy = h.hash("tongsheng-dummy")
	return h
}

func (h *hasher) derive(secret string, salt []byte, p HashParams) []byte {
	h.slots <- struct{}{}
	defer func() { <-h.slots }()
	return argon2.IDKey([]byte(secret), salt, p.Time, p.MemoryKiB, 1, 32)
}

// hash returns a PHC string: $argon2id$v=19$m=..,t=..,p=1$salt$key.
func (h *hasher) hash(secret string) string {
	salt := randomBytes(16)
	key := h.derive(secret, salt, h.params)
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=1$%s$%s", h.params.MemoryKiB, h.params.Time,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// verify compares secret with encoded in constant time. An empty encoded still costs a full
// hash, so that unknown accounts answer no faster than known ones.
func (h *hasher) verify(secret, encoded string) bool {
	if encoded == "" {
		h.verifyPHC(secret, h.dummy)
		return false
	}
	return h.verifyPHC(secret, encoded)
}

func (h *hasher) verifyPHC(secret, encoded string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var p HashParams
	var par int
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &par); err != nil || par != 1 {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := h.derive(secret, salt, p)
	return subtle.ConstantTimeCompare(got, want) == 1
}

// sealer encrypts personal fields at rest with AES-256-GCM.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	if len(key) == 0 {
		key = randomBytes(32) // nothing sealed survives a restart; only tests run so
	}
	if len(key) != 32 {
		return nil, errors.New("data key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

// seal returns base64(nonce‖ciphertext); the empty string stays empty.
func (s *sealer) seal(plain string) string {
	if plain == "" {
		return ""
	}
	nonce := randomBytes(s.aead.NonceSize())
	return base64.StdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, []byte(plain), nil))
}

// open reverses seal; what cannot be opened (a foreign key, tampering) reads as empty.
func (s *sealer) open(sealed string) string {
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return ""
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return ""
	}
	return string(plain)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}

// NewToken returns a random URL-safe token of 256 bits and the hash under which it is stored.
func NewToken() (token, hash string) {
	token = base64.RawURLEncoding.EncodeToString(randomBytes(32))
	return token, HashToken(token)
}

// HashToken is the stored form of a link token: only the hash is kept.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ParseSecret reads a 32-byte secret from what configuration holds: 64 hex digits, base64 of
// 32 bytes, or a passphrase of at least 32 characters (hashed to 32 bytes); surrounding space
// (a file's final newline) is ignored. Reading it from the environment or a file is the
// command's business, not the domain's.
func ParseSecret(raw []byte) ([]byte, error) {
	return decodeSecret(strings.TrimSpace(string(raw)))
}

func decodeSecret(v string) ([]byte, error) {
	if b, err := hex.DecodeString(v); err == nil && len(b) == 32 {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(v); err == nil && len(b) == 32 {
		return b, nil
	}
	if len(v) >= 32 {
		sum := sha256.Sum256([]byte(v))
		return sum[:], nil
	}
	return nil, errors.New("secret must be 32 bytes (64 hex digits or base64) or a passphrase of at least 32 characters")
}
