package models

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

// crockford is Crockford's base32 alphabet in lower case: IDs sort as their creation time.
const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

var idState struct {
	sync.Mutex
	ms   uint64
	last [16]byte
}

// NewID returns a 26-character identifier: 48 bits of milliseconds then 80 random bits, so IDs
// sort by creation time (cursor pagination and "newest first" rely on it) and cannot be guessed
// or counted. Within one millisecond the random part counts up, so IDs made in one process
// keep their order.
func NewID(now time.Time) string {
	ms := uint64(now.UnixMilli())
	idState.Lock()
	var b [16]byte
	if ms <= idState.ms {
		b = idState.last
		for i := 15; i >= 6; i-- { // add one to the 80-bit random part
			b[i]++
			if b[i] != 0 {
				break
			}
		}
	} else {
		binary.BigEndian.PutUint64(b[:8], ms<<16)
		if _, err := rand.Read(b[6:]); err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		b[6] &= 0x7f // leave room to count up without carrying into the time
		idState.ms = ms
	}
	idState.last = b
	idState.Unlock()
	return encodeID(b)
}

// encodeID spells 128 bits as 26 base32 digits, most significant first.
func encodeID(b [16]byte) string {
	var out [26]byte
	// The first digit carries 3 bits.
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}

// ValidID reports whether s has the shape of an ID, so that garbage never reaches a query.
func ValidID(s string) bool {
	if len(s) != 26 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' && c != 'i' && c != 'l' && c != 'o' && c != 'u') {
			return false
		}
	}
	return true
}
