package moderation

import (
	_ "embed"
	"math"
	"slices"
	"strings"
)

// The classifier reads what the rules have no word for. It is a naive Bayes model over the
// character n-grams (one to three) of each sentence's word form, trained when the model loads
// on data/meaning_train.tsv: the development half of the meaning corpus and nothing of its test
// half (TestTrainingSetIsTheDevelopmentHalf keeps it so). Rules say why; the classifier
// generalises to phrasings no rule lists. A sentence is held when some harmful class beats
// "ok" by more than classifierMargin in log-likelihood.

//go:embed data/meaning_train.tsv
var meaningTrain string

// classifierMargin is the log-likelihood by which a harmful class must beat "ok". Chosen by
// two-fold cross-validation within the development data: lower holds more look-alikes, higher
// misses more cries for help. The classifier never overrules a rule: that cost more cries for
// help (3–4 points) than it saved look-alikes (under 1). With corpora K–M in the training set
// (mostly look-alikes), 14 holds 83.3% of bullying against 81.8% at 16, for 0.2 points of
// look-alikes.
const classifierMargin = 14

// safeguardingMargin is lower: a missed cry for help costs far more than an adult reading a
// look-alike. Cross-validation (with smoothing 0.01): 85.3% of cries for help held at 6, 84.4%
// at 8, 82.5% at 12, for about a point of look-alikes each step. With corpora K–M in the
// training set (mostly look-alikes), 6 held 84.9% and 5.5 holds 85.2%.
const safeguardingMargin = 5.5

// marginFor is the margin a class needs.
func marginFor(class string) float32 {
	if class == ClassSelfHarm || class == ClassAbuse {
		return safeguardingMargin
	}
	return classifierMargin
}

// classifierClasses are the classes the model tells apart; "ok" first.
var classifierClasses = []string{"ok", ClassSelfHarm, ClassAbuse, ClassThreat, ClassBodyShaming, ClassExclusion, ClassContempt}

// The weights hold no pointers, so the garbage collector does not walk them on every cycle.
type classifier struct {
	index  *gramTable // n-gram → log P(n-gram | class), per class
	prior  []float32
	unseen []float32
}

// trainClassifier counts, per class, the texts each n-gram occurs in.
func trainClassifier(tsv string) *classifier {
	k := len(classifierClasses)
	counts := map[uint64][]float32{}
	docs := make([]float32, k)
	totals := make([]float32, k)
	var seen []uint64
	for _, line := range strings.Split(tsv, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		class, text, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		c := slices.Index(classifierClasses, class)
		if c < 0 {
			panic("moderation: unknown class in data/meaning_train.tsv: " + class)
		}
		docs[c]++
		for _, g := range distinct(ngramHashes(calm(wordForm(fold(text)).r), nil), &seen) {
			row := counts[g]
			if row == nil {
				row = make([]float32, k)
				counts[g] = row
			}
			row[c]++
			totals[c]++
		}
	}
	// Additive smoothing, chosen with the margins by two-fold cross-validation within the
	// development data: at 0.01 rather than 0.1, n-grams never seen with a class count against
	// it more, and cries for help (83.2% → 85.3%), bullying (79.2% → 81.8%) and look-alikes
	// allowed (90.6% → 91.7%) all improved.
	const alpha = 0.01
	vocab := float32(len(counts))
	m := &classifier{index: newGramTable(len(counts)), prior: make([]float32, k), unseen: make([]float32, k)}
	var all float32
	for _, d := range docs {
		all += d
	}
	for c := range k {
		m.prior[c] = float32(math.Log(float64((docs[c] + 1) / (all + float32(k)))))
		m.unseen[c] = float32(math.Log(float64(alpha / (totals[c] + alpha*vocab))))
	}
	for g, row := range counts {
		var lp gramWeights
		for c := range k {
			lp[c] = float32(math.Log(float64((row[c] + alpha) / (totals[c] + alpha*vocab))))
		}
		m.index.put(g, lp)
	}
	return m
}

// ngramHashes appends the hashes of the 1-, 2- and 3-grams of r to buf, and of its
// Latin words and word pairs: three letters of English say little, a word says more.
//
// Digits are left out: a number says nothing about what a sentence means, and a phone number
// beside a cry for help must not make it read as an ordinary text.
func ngramHashes(r []rune, buf []uint64) []uint64 {
	buf = buf[:0]
	if slices.ContainsFunc(r, isDigit) {
		// The runes without digits.
		kept := make([]rune, 0, len(r))
		for _, c := range r {
			if !isDigit(c) {
				kept = append(kept, c)
			}
		}
		r = kept
	}
	for i := range r {
		h := uint64(14695981039346656037)
		for n := 0; n < 3 && i+n < len(r); n++ {
			h ^= uint64(r[i+n])
			h *= 1099511628211
			buf = append(buf, h^uint64(n))
		}
	}
	var prev uint64
	for i := 0; i < len(r); {
		if !(r[i] >= 'a' && r[i] <= 'z' || r[i] == '\'') {
			i++
			continue
		}
		h := uint64(1469598103934665603)
		for ; i < len(r) && (r[i] >= 'a' && r[i] <= 'z' || r[i] == '\''); i++ {
			h ^= uint64(r[i])
			h *= 1099511628211
		}
		buf = append(buf, h^0xa5a5)
		if prev != 0 {
			buf = append(buf, (prev*31+h)^0x5a5a)
		}
		prev = h
	}
	return buf
}

// distinct keeps the first of each hash in buf, in place, using seen as a scratch hash set: a
// sort would cost more than the whole look-up of the weights.
func distinct(buf []uint64, seen *[]uint64) []uint64 {
	size := 64
	for size < 2*len(buf) {
		size <<= 1
	}
	if cap(*seen) < size {
		*seen = make([]uint64, size)
	}
	set := (*seen)[:size]
	clear(set)
	mask := uint64(size - 1)
	out := buf[:0]
	for _, g := range buf {
		key := g | 1 // 0 marks an empty slot; the low bit is lost, at the cost of a rare merge
		for i := (g * 0x9E3779B97F4A7C15 >> 32) & mask; ; i = (i + 1) & mask {
			if set[i] == key {
				break
			}
			if set[i] == 0 {
				set[i] = key
				out = append(out, g)
				break
			}
		}
	}
	return out
}

// classify returns the harmful class that beats "ok" by the widest margin, and that margin.
func (m *classifier) classify(r []rune, s *gramScratch) (string, float32) {
	buf := distinct(ngramHashes(r, s.buf), &s.seen)
	s.buf = buf
	k := len(classifierClasses)
	var score [8]float32
	copy(score[:], m.prior)
	for _, g := range buf {
		lp := m.index.get(g)
		if lp == nil {
			continue // unseen n-grams say nothing about the class
		}
		for c := range k {
			score[c] += lp[c]
		}
	}
	best, margin := "", float32(math.Inf(-1))
	for c := 1; c < k; c++ {
		if d := score[c] - score[0]; d > margin {
			best, margin = classifierClasses[c], d
		}
	}
	return best, margin
}

// gramScratch is what classify reuses between sentences and screenings.
type gramScratch struct{ buf, seen []uint64 }

// gramTable is an open-addressing hash table from n-gram hashes to their weights, one slot of
// 32 bytes holding both: a lookup per n-gram of every sentence screened costs one cache miss,
// not three (key, row, weights), and nothing in it is a pointer for the garbage collector to
// walk. Keys are 32-bit fingerprints of the 64-bit hashes: among a few hundred thousand
// n-grams a collision is rare and costs one n-gram's weight.
type gramTable struct {
	slots []gramSlot
	mask  uint64
}

// gramWeights holds one weight per class of classifierClasses.
type gramWeights [7]float32

type gramSlot struct {
	key uint32 // 0 marks an empty slot
	w   gramWeights
}

func newGramTable(n int) *gramTable {
	size := 1
	for size < n+n/2 {
		size <<= 1
	}
	return &gramTable{slots: make([]gramSlot, size), mask: uint64(size - 1)}
}

func fingerprint(key uint64) (uint64, uint32) {
	h := key * 0x9E3779B97F4A7C15
	return h, max(uint32(h>>32), 1)
}

func (t *gramTable) put(key uint64, w gramWeights) {
	h, fp := fingerprint(key)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		if t.slots[i].key == 0 || t.slots[i].key == fp {
			t.slots[i] = gramSlot{fp, w}
			return
		}
	}
}

func (t *gramTable) get(key uint64) *gramWeights {
	h, fp := fingerprint(key)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		switch t.slots[i].key {
		case fp:
			return &t.slots[i].w
		case 0:
			return nil
		}
	}
}
