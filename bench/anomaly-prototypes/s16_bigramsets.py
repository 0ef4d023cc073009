# Session 16: the content view over sets of call pairs (transitions) instead of single calls:
# 1 - cosine similarity of the trace's pair set to the nearest training trace's (held-out
# calibration: the nearest among the other folds), alone and with the order view.
from s16_lib import *
parts = ('testN', 'testA') if 'test' in sys.argv else ('tuneN', 'tuneA')
def pairs(t):
    return frozenset(zip(t[:-1].tolist(), t[1:].tolist())) if len(t) > 1 else frozenset([(int(t[0]), -1)] if len(t) else [])
def nearest(sets, b):
    if not b: return 0.0
    best = 0.0
    for a in sets:
        c = len(a & b)
        if c: best = max(best, c / np.sqrt(len(a) * len(b)))
    return 1 - best
def view(name, parts):
    D = data(name)
    tr = [pairs(t) for t, _ in D['train'].traces()]
    # the cal group is folds 0..4 in order, fold k = training traces k, k+5, ...
    order = [i for k in range(5) for i in range(len(tr)) if i % 5 == k]
    cal = []
    for pos, i in enumerate(order):
        k = i % 5
        others = {tr[j] for j in range(len(tr)) if j % 5 != k}
        cal.append(nearest(others, tr[i]))
    allsets = set(tr)
    return {p: calibrated([nearest(allsets, pairs(t)) for t, _ in D[p].traces()], cal) for p in parts}
plain = lambda name, parts: ranks(name, lambda t, s: s[:, 7].mean() if len(s) else 0, parts)
def content(name, parts):
    D = data(name); return {p: calibrated(D[p].content, D['cal'].content) for p in parts}
def comb(*fs):
    def g(name, parts):
        rs = [f(name, parts) for f in fs]
        return {p: np.mean([r[p] for r in rs], axis=0) for p in parts}
    return g
cache = {}
def pv(name, parts):
    if name not in cache: cache[name] = view(name, parts)
    return cache[name]
report('pair sets alone', pv, parts)
report('order 8 + pair sets', comb(plain, pv), parts)
report('order 8 + token sets + pair sets', comb(plain, content, pv), parts)
