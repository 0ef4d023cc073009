# Reproduces the shipped views from the dump (must match cordon-bench anomaly tokens).
from s16_lib import *
mean8 = lambda t, s: s[:, 7].mean() if len(s) else 0
contrast = lambda t, s: (s[:, 7].mean() - 0.75 * s[:, 2].mean()) if len(s) else 0
def content(name, parts):
    D = data(name); return {p: calibrated(D[p].content, D['cal'].content) for p in parts}
def mix(*fs):
    def g(name, parts):
        rs = [f(name, parts) for f in fs]
        return {p: np.mean([r[p] for r in rs], axis=0) for p in parts}
    return g
R = lambda f: (lambda name, parts: ranks(name, f, parts))
for parts in (('tuneN', 'tuneA'),) + ((('testN', 'testA'),) if 'test' in sys.argv else ()):
    print(parts)
    report('order 8 plain', R(mean8), parts)
    report('contrast', R(contrast), parts)
    report('content', content, parts)
    report('plain + content', mix(R(mean8), content), parts)
    report('contrast + content (shipped)', mix(R(contrast), content), parts)
