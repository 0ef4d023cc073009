# Session 16: reads what `cordon-bench anomaly tokens --dump DIR` writes (per data set and group:
# token ids, lengths, every position's surprise under orders 1-8 of the shipped Witten-Bell
# model, the content view's distance) and scores detectors on the tuning parts of BOTH data
# sets (ADFA-LD and UNM), calibrating raw values on the held-out training traces the way
# TokenModel does. No attack label is used for calibration.
import os, sys, numpy as np
from scipy.stats import rankdata

DUMP = os.environ.get('S16_DUMP', '/tmp/s16/dump')
SETS = ['ADFA-LD', 'UNM']
GROUPS = ['cal', 'tuneN', 'tuneA', 'testN', 'testA', 'train']


class Group:
    def __init__(self, d, name):
        parts = [f'cal{k}' for k in range(5)] if name == 'cal' else [name]
        lens, toks, sur, con = [], [], [], []
        for p in parts:
            lens.append(np.fromfile(f'{d}/{p}.len', np.int32))
            toks.append(np.fromfile(f'{d}/{p}.tok', np.int32))
            sur.append(np.fromfile(f'{d}/{p}.f32', np.float32).reshape(-1, 8))
            con.append(np.fromfile(f'{d}/{p}.content', np.float64))
        self.lens = np.concatenate(lens)
        self.tok = np.concatenate(toks)
        self.sur = np.concatenate(sur).astype(np.float64)
        self.content = np.concatenate(con)
        self.off = np.concatenate([[0], np.cumsum(self.lens)])

    def __len__(self):
        return len(self.lens)

    def traces(self):
        for i in range(len(self.lens)):
            a, b = self.off[i], self.off[i + 1]
            yield self.tok[a:b], self.sur[a:b]

    def per_trace(self, f):
        return np.array([f(t, s) for t, s in self.traces()], float)


_cache = {}


def data(name):
    if name not in _cache:
        d = f'{DUMP}/{name}'
        _cache[name] = {g: Group(d, g) for g in GROUPS}
    return _cache[name]


def calibrated(x, cal):
    """TokenModel.calibrated: rank among held-out normal values, extended beyond the largest."""
    s = np.sort(np.asarray(cal, float))
    n = len(s)
    x = np.asarray(x, float)
    out = np.empty_like(x)
    first, last, med = s[0], s[-1], s[n // 2]
    spread = max(1e-9, last - med)
    for j, v in enumerate(x):
        if v <= first:
            out[j] = 0.5 / (n + 1) * (max(0, v / first) if first > 0 else 0)
        elif v > last:
            top = n / (n + 1)
            out[j] = top + (1 - top) * (1 - np.exp(-(v - last) / spread))
        else:
            lo = np.searchsorted(s, v, side='right') - 1
            lo = min(lo, n - 2)
            hi = lo + 1
            a, b = s[lo], s[hi]
            frac = (v - a) / (b - a) if b > a else 0
            out[j] = (lo + 0.5 + frac) / (n + 1)
    return out


def auc(n, a):
    n = np.asarray(n, float); a = np.asarray(a, float)
    r = rankdata(np.concatenate([n, a]))
    return (r[len(n):].sum() - len(a) * (len(a) + 1) / 2) / (len(n) * len(a))


def det(n, a, fa):
    s = np.sort(np.asarray(n, float))
    k = int(np.ceil(len(s) * (1 - fa))) - 1
    t = s[max(0, min(len(s) - 1, k))]
    return float(np.mean(np.asarray(a, float) > t))


def fmt(n, a):
    return f'{auc(n, a):.3f} {det(n, a, .01):.3f} {det(n, a, .05):.3f} {det(n, a, .10):.3f}'


def ranks(name, f, parts=('tuneN', 'tuneA')):
    """Calibrated ranks of raw per-trace feature f(tokens, surprises[:, 0..7]) for `parts`."""
    D = data(name)
    cal = D['cal'].per_trace(f)
    return {p: calibrated(D[p].per_trace(f), cal) for p in parts}


def report(label, scorers, parts=('tuneN', 'tuneA'), show=True):
    """scorers: name -> function(set name, parts) -> {part: scores}; prints both sets."""
    line = f'{label:58s}'
    res = {}
    for name in SETS:
        r = scorers(name, parts)
        n, a = r[parts[0]], r[parts[1]]
        res[name] = auc(n, a)
        line += f' | {name[:4]} {fmt(n, a)}'
    if show:
        print(line, flush=True)
    return res
