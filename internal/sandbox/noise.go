package sandbox

import (
	"crypto/rand"
	"io"
	"math/big"
)

// sampler draws from discrete distributions exactly, with integer
// arithmetic and a source of uniform random bytes (crypto/rand outside
// tests). Floating-point noise leaks through the gaps between the values
// a float can take (Mironov 2012); these samplers have none. They follow
// Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential
// Privacy" (2020), Algorithms 1 and 2.
type sampler struct{ r io.Reader }

var one = big.NewInt(1)

// uniform returns a uniform integer in [0, n).
func (s sampler) uniform(n *big.Int) *big.Int {
	v, err := rand.Int(s.r, n)
	if err != nil {
		panic("sandbox: the random source failed: " + err.Error())
	}
	return v
}

// bernoulli returns true with probability num/den (0 ≤ num ≤ den).
func (s sampler) bernoulli(num, den *big.Int) bool {
	return s.uniform(den).Cmp(num) < 0
}

// bernoulliExp returns true with probability exp(−num/den), num/den ≥ 0.
func (s sampler) bernoulliExp(num, den *big.Int) bool {
	n := new(big.Int).Set(num)
	for n.Cmp(den) > 0 {
		if !s.bernoulliExpUnit(one, one) {
			return false
		}
		n.Sub(n, den)
	}
	return s.bernoulliExpUnit(n, den)
}

// bernoulliExpUnit returns true with probability exp(−γ), γ = num/den in
// [0, 1]: draw Bernoulli(γ/k) for k = 1, 2, … until one fails; the answer
// is whether that k is odd.
func (s sampler) bernoulliExpUnit(num, den *big.Int) bool {
	k := int64(1)
	d := new(big.Int)
	for {
		d.Mul(den, big.NewInt(k))
		if !s.bernoulli(num, d) {
			return k%2 == 1
		}
		k++
	}
}

// laplace returns a sample of the discrete Laplace distribution of scale
// t/s: P(x) ∝ exp(−|x|·s/t) over the integers. For a quantity of L1
// sensitivity Δ and privacy ε, s/t = ε/Δ.
func (s sampler) laplace(sNum, tDen *big.Int) int64 {
	for {
		u := s.uniform(tDen)
		if !s.bernoulliExp(u, tDen) {
			continue
		}
		v := int64(0)
		for s.bernoulliExpUnit(one, one) {
			v++
		}
		x := new(big.Int).Mul(tDen, big.NewInt(v))
		x.Add(x, u)
		y := x.Div(x, sNum).Int64()
		negative := s.bernoulli(one, big.NewInt(2))
		if negative && y == 0 {
			continue
		}
		if negative {
			return -y
		}
		return y
	}
}
