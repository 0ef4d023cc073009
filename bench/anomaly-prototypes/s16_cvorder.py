# Session 16: the order chosen without labels, by cross-validation on the training traces: the
# order whose held-out per-call surprise (the 5-fold models' cross-entropy over all held-out
# calls) is lowest. Prints each order's held-out cross-entropy, the choice, and the chosen
# order + content against order 8 + content on the tuning parts, with a paired bootstrap of
# the AUC difference (1,000 resamplings of normals and attacks, seed 1).
from s16_lib import *
def content(name, parts):
    D = data(name); return {p: calibrated(D[p].content, D['cal'].content) for p in parts}
def comb(*fs):
    def g(name, parts):
        rs = [f(name, parts) for f in fs]
        return {p: np.mean([r[p] for r in rs], axis=0) for p in parts}
    return g
parts = ('testN', 'testA') if 'test' in sys.argv else ('tuneN', 'tuneA')
plain = lambda k: (lambda name, parts: ranks(name, lambda t, s: s[:, k - 1].mean() if len(s) else 0, parts))
def boot(a1, a2, n1, n2, reps=1000):
    rng = np.random.default_rng(1); d = []
    for _ in range(reps):
        i = rng.integers(0, len(n1), len(n1)); j = rng.integers(0, len(a1), len(a1))
        d.append(auc(n2[i], a2[j]) - auc(n1[i], a1[j]))
    return np.mean(d), np.quantile(d, [0.025, 0.975])
for name in SETS:
    C = data(name)['cal']
    ce = C.sur.mean(0)
    k = int(np.argmin(ce)) + 1
    print(name, 'held-out cross-entropy by order 1-8', np.round(ce, 3), '-> order', k)
    base = comb(plain(8), content)(name, parts); cv = comb(plain(k), content)(name, parts)
    print(f'  order 8 + content {fmt(base[parts[0]], base[parts[1]])}')
    print(f'  order {k} + content {fmt(cv[parts[0]], cv[parts[1]])}')
    m, ci = boot(base[parts[1]], cv[parts[1]], base[parts[0]], cv[parts[0]])
    print(f'  AUC difference (order {k} - order 8): {m:+.4f}, 95% [{ci[0]:+.4f}, {ci[1]:+.4f}]')
