# Session 16: the order view's contrast in absolute nats (what ships: s8 - w s_k) against the
# same as a ratio (log s8 - w log s_k, scale-free), alone and in the mean with the content view,
# on the tuning parts of both data sets.
from s16_lib import *
def content(name, parts):
    D = data(name); return {p: calibrated(D[p].content, D['cal'].content) for p in parts}
def mix(*fs):
    def g(name, parts):
        rs = [f(name, parts) for f in fs]
        return {p: np.mean([r[p] for r in rs], axis=0) for p in parts}
    return g
R = lambda f: (lambda name, parts: ranks(name, f, parts))
parts = ('testN', 'testA') if 'test' in sys.argv else ('tuneN', 'tuneA')
eps = 1e-3
m = lambda s, k: s[:, k - 1].mean() if len(s) else 0
for k in (1, 2, 3, 4):
    for w in (0.25, 0.5, 0.75, 1.0):
        diff = lambda t, s, k=k, w=w: m(s, 8) - w * m(s, k)
        ratio = lambda t, s, k=k, w=w: np.log(m(s, 8) + eps) - w * np.log(m(s, k) + eps)
        report(f'diff  k{k} w{w} + content', mix(R(diff), content), parts)
        report(f'ratio k{k} w{w} alone', R(ratio), parts)
        report(f'ratio k{k} w{w} + content', mix(R(ratio), content), parts)
