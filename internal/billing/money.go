package billing

import (
	"fmt"
	"math/big"
	"math/bits"
	"slices"
	"strings"

	"shuyu/internal/errs"
)

// MaxFen bounds every amount a person enters (¥10 billion), so that sums
// and products of amounts and volumes are checked, never wrapped.
const MaxFen = 1_000_000_000_000

// allocate divides total fen among parties in proportion to weights by the
// largest remainder: each gets ⌊total·w/W⌋, and the fen left over go one
// each to the largest remainders, a tie to the party listed first. The
// shares sum to total exactly, each is within one fen of its exact quota,
// and a party of weight zero gets nothing. Weights are big integers: a
// basis-point rate times a count of calls can exceed int64. With no weight
// at all everything goes to the first party.
func allocate(total int64, weights []*big.Int) []int64 {
	out := make([]int64, len(weights))
	if len(weights) == 0 {
		return out
	}
	sum := new(big.Int)
	for _, w := range weights {
		sum.Add(sum, w)
	}
	if sum.Sign() == 0 {
		out[0] = total
		return out
	}
	t := big.NewInt(total)
	rem := make([]*big.Int, len(weights))
	left := total
	for i, w := range weights {
		q, r := new(big.Int).QuoRem(new(big.Int).Mul(t, w), sum, new(big.Int))
		out[i], rem[i] = q.Int64(), r
		left -= out[i]
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return rem[b].Cmp(rem[a]) })
	for _, i := range order[:left] {
		out[i]++
	}
	return out
}

// times multiplies fen by a quantity, refusing what int64 cannot hold.
func times(fen, qty int64, what string) (int64, error) {
	if fen < 0 || qty < 0 {
		return 0, errs.E(errs.Invalid, "%s: negative amount or quantity", what)
	}
	hi, lo := bits.Mul64(uint64(fen), uint64(qty))
	if hi != 0 || lo > 1<<62 {
		return 0, errs.E(errs.Invalid, "%s: %d fen × %d is beyond what can be billed", what, fen, qty)
	}
	return int64(lo), nil
}

// Yuan writes fen as yuan for people: ¥1,234.56.
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	whole := fmt.Sprint(fen / 100)
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return fmt.Sprintf("%s¥%s.%02d", sign, b.String(), fen%100)
}

// checkFen refuses an amount outside 0…MaxFen, naming the field.
func checkFen(field string, fen int64) error {
	if fen < 0 || fen > MaxFen {
		return errs.E(errs.Invalid, "%s: %d fen; give an integer number of fen from 0 to %d (amounts are in fen: ¥1 = 100)", field, fen, int64(MaxFen))
	}
	return nil
}
