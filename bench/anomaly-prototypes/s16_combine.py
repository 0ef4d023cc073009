# Session 16: how the two views' ranks are combined, and which order the order view uses, on
# the tuning parts of both data sets (plain order-k surprise, k = 4-8, from the dump's columns).
from s16_lib import *
def content(name, parts):
    D = data(name); return {p: calibrated(D[p].content, D['cal'].content) for p in parts}
def comb(rule, *fs):
    def g(name, parts):
        rs = [f(name, parts) for f in fs]
        return {p: rule(np.array([r[p] for r in rs])) for p in parts}
    return g
parts = ('testN', 'testA') if 'test' in sys.argv else ('tuneN', 'tuneA')
plain = lambda k: (lambda name, parts: ranks(name, lambda t, s: s[:, k - 1].mean() if len(s) else 0, parts))
mean = lambda r: r.mean(0)
rules = {
    'mean': mean, 'max': lambda r: r.max(0), 'fisher': lambda r: -np.log(1 - np.clip(r, 0, 1 - 1e-12)).sum(0),
    'geo-mean': lambda r: np.exp(np.log(np.clip(r, 1e-12, 1)).mean(0)),
    'rms': lambda r: np.sqrt((r ** 2).mean(0)),
}
for k in (4, 5, 6, 7, 8):
    report(f'order {k} plain alone', plain(k), parts)
    report(f'order {k} plain + content, mean', comb(mean, plain(k), content), parts)
for n, rule in rules.items():
    report(f'order 8 + content, {n}', comb(rule, plain(8), content), parts)
for w in (0.6, 0.7, 0.8):
    report(f'order 8 x {w} + content x {1-w:.1f}', comb(lambda r, w=w: w * r[0] + (1 - w) * r[1], plain(8), content), parts)
