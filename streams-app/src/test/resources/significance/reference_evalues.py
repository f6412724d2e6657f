"""Reference values of SPEC 3's beta-binomial mixture e-value, for SignificanceTest.

ln e is computed from its definition as a ratio of integrals, by mpmath quadrature at 30 digits,
without the incomplete beta function the engine uses:

  above x: e = int_x^1 t^(a+k-1) (1-t)^(b+n-k-1) dt / int_x^1 t^(a-1) (1-t)^(b-1) dt / (x^k (1-x)^(n-k))
  below x: the same over [0, x];   a = c x, b = c (1 - x)

Run: python3 reference_evalues.py   (needs mpmath)
"""
from mpmath import mp, mpf, quad, log, exp, sqrt, betainc
mp.dps = 30
def logint(al, be, lo, hi):
    # ln of integral_lo^hi t^(al-1)(1-t)^(be-1) dt, by quadrature on pieces around the mode
    lf = lambda t: (al-1)*log(t) + (be-1)*log(1-t)
    m = (al-1)/(al+be-2) if al>1 and be>1 else (al/(al+be))
    sd = sqrt(al*be/((al+be)**2*(al+be+1)))
    pts = [lo, hi] + [m + j*sd for j in (-64,-32,-16,-8,-4,-2,-1,0,1,2,4,8,16,32,64)]
    pts = sorted(set(p for p in pts if lo <= p <= hi))
    ref = max(lf(min(max(m, lo+(hi-lo)*mpf('1e-30')), hi - (hi-lo)*mpf('1e-30'))), lf(pts[0]) if pts[0]>0 else -mp.inf, lf(pts[-1]) if pts[-1]<1 else -mp.inf)
    v = quad(lambda t: exp(lf(t) - ref), pts, maxdegree=10)
    return log(v) + ref
def lnE(k, n, x, c, above):
    x = mpf(x); c = mpf(c); a = c*x; b = c*(1-x)
    lo, hi = (x, mpf(1)) if above else (mpf(0), x)
    return logint(a+k, b+n-k, lo, hi) - logint(a, b, lo, hi) - (k*log(x) + (n-k)*log(1-x))
import sys
cases = [(30,41200,'0.0004',1000,True),(29,41200,'0.0004',1000,True),(3,100,'0.0004',1000,True),(2,100,'0.0004',1000,True),
 (469,1000000,'0.0004',1000,True),(468,1000000,'0.0004',1000,True),(4233,10000000,'0.0004',1000,True),
 (31,2100,'0.0144',1000,True),(200,202,'0.999',100,False),(195,202,'0.999',100,False),(5,300,'0.005',100,True),(9,300,'0.005',100,True),
 (13,1521,'0.005',1000,True),(1,191,'0.0004',1000,True),(8,5000,'0.0004',100,True),(10,1500,'0.006',1000,False),(0,20000,'0.006',1000,False)]
for k,n,x,c,ab in cases:
    v = lnE(k,n,x,c,ab)
    print(k,n,x,c,ab, mp.nstr(v, 17))
