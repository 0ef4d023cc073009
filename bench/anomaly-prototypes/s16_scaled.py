# Session 16: the contrast with each order's surprise in units of its typical value on held-out
# normal training traces (their median): s8 / med8 - w x sk / medk. Scale-free between data
# sets, so w = 1 means "long contexts worse than usual by more than short ones are", whatever
# the host's level of surprise; no attack label involved.
from s16_lib import *
def content(name, parts):
    D = data(name); return {p: calibrated(D[p].content, D['cal'].content) for p in parts}
def mix(*fs):
    def g(name, parts):
        rs = [f(name, parts) for f in fs]
        return {p: np.mean([r[p] for r in rs], axis=0) for p in parts}
    return g
parts = ('testN', 'testA') if 'test' in sys.argv else ('tuneN', 'tuneA')
m = lambda s, k: s[:, k - 1].mean() if len(s) else 0
def scaled(k, w, stat=np.median):
    def g(name, parts):
        D = data(name)
        c8 = D['cal'].per_trace(lambda t, s: m(s, 8)); ck = D['cal'].per_trace(lambda t, s: m(s, k))
        a, b = stat(c8), stat(ck)
        f = lambda t, s: m(s, 8) / a - w * m(s, k) / b
        cal = c8 / a - w * ck / b
        return {p: calibrated(D[p].per_trace(f), cal) for p in parts}
    return g
plain = lambda name, parts: ranks(name, lambda t, s: m(s, 8), parts)
report('plain + content', mix(plain, content), parts)
for k in (1, 2, 3, 4):
    for w in (0.25, 0.5, 0.75, 1.0):
        report(f'scaled k{k} w{w} alone', scaled(k, w), parts)
        report(f'scaled k{k} w{w} + content', mix(scaled(k, w), content), parts)
for k in (2, 3):
    for w in (0.5, 1.0):
        report(f'scaled(mean) k{k} w{w} + content', mix(scaled(k, w, np.mean), content), parts)
