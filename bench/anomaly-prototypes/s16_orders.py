# Session 16: several context lengths at once: the mean surprise over orders lo..8 (a geometric
# mixture of the models of those orders: every order's log-probability counts equally), or
# separate ranks of two orders, with the content view; tuning parts of both data sets.
from s16_lib import *
def content(name, parts):
    D = data(name); return {p: calibrated(D[p].content, D['cal'].content) for p in parts}
def comb(*fs):
    def g(name, parts):
        rs = [f(name, parts) for f in fs]
        return {p: np.mean([r[p] for r in rs], axis=0) for p in parts}
    return g
parts = ('testN', 'testA') if 'test' in sys.argv else ('tuneN', 'tuneA')
R = lambda f: (lambda name, parts: ranks(name, f, parts))
col = lambda k: (lambda t, s: s[:, k - 1].mean() if len(s) else 0)
span = lambda lo, hi: (lambda t, s: s[:, lo - 1:hi].mean() if len(s) else 0)
report('order 8 + content (default)', comb(R(col(8)), content), parts)
for lo in (2, 3, 4, 5, 6):
    report(f'mean of orders {lo}-8 + content', comb(R(span(lo, 8)), content), parts)
    report(f'mean of orders {lo}-8 alone', R(span(lo, 8)), parts)
for lo in (3, 4, 5, 6):
    report(f'order {lo} rank + order 8 rank + content', comb(R(col(lo)), R(col(8)), content), parts)
    report(f'orders {lo}, 8 each raw mean (lo+8)/2 + content', comb(R(lambda t, s, lo=lo: (col(lo)(t, s) + col(8)(t, s)) / 2), content), parts)
