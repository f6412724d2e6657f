"""Reference e-values of SPEC 3's canary judgement for one closed bucket, for CanarySpecTest.

Fisher's noncentral hypergeometric law given the bucket's margins, straight from its definition
with exact integers (Python's big ints and fractions), then mixed over the odds-ratio grids:
  e_worse = mean over R in {1.25, 1.5, 2, 3, 5, 10, 20} of L(R, 1)
  e_pass  = mean over R in {0.5, 1} of L(R, T), T = 1.5
Run: python3 reference_canary.py NC NB KC KB
"""
import sys
from fractions import Fraction
from math import comb


def S(nc, nb, m, psi):
    return sum(comb(nc, j) * comb(nb, m - j) * psi ** j for j in range(max(0, m - nb), min(nc, m) + 1))


def L(nc, nb, kc, m, psi, psi0):
    return (psi / psi0) ** kc * S(nc, nb, m, psi0) / S(nc, nb, m, psi)


def evalues(nc, nb, kc, kb, tol=Fraction(3, 2)):
    m = kc + kb
    worse = [Fraction(5, 4), Fraction(3, 2), 2, 3, 5, 10, 20]
    e_worse = sum(L(nc, nb, kc, m, Fraction(r), 1) for r in worse) / len(worse)
    e_pass = sum(L(nc, nb, kc, m, Fraction(r), tol) for r in (Fraction(1, 2), 1)) / 2
    return float(e_worse), float(e_pass)


if __name__ == "__main__":
    nc, nb, kc, kb = map(int, sys.argv[1:5])
    print("e_worse %.15g e_pass %.15g" % evalues(nc, nb, kc, kb))
