# Session 16: the worst stretch of a trace: the largest moving average of the order-8 surprise
# over W calls (a trace shorter than W: its mean), alone, as a third view beside the plain
# surprise and the content view, and mixed into the order view's raw value (mean + a x max).
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
plain = lambda t, s: s[:, 7].mean() if len(s) else 0
def wmax(W, col=7):
    def f(t, s):
        x = s[:, col]
        if len(x) == 0: return 0
        if len(x) <= W: return x.mean()
        c = np.concatenate([[0], np.cumsum(x)])
        return ((c[W:] - c[:-W]) / W).max()
    return f
report('plain + content (session 9-10 default)', mix(R(plain), content), parts)
for W in (10, 20, 50, 100, 200):
    report(f'window max W{W} alone', R(wmax(W)), parts)
    report(f'plain + wmax{W} + content (3 ranks)', mix(R(plain), R(wmax(W)), content), parts)
    for a in (0.1, 0.25, 0.5):
        f = lambda t, s, W=W, a=a: plain(t, s) + a * wmax(W)(t, s)
        report(f'(mean + {a} x wmax{W}) + content', mix(R(f), content), parts)
