# Session 11: is the contrast's tuning-part AUC gain real? python3 boot.py LOW_ORDER WEIGHT (default 3 0.75). Paired bootstrap (traces resampled, 1,000 rounds, seed 1)
from views11 import *
from views import WB
import sys
def fit(o):
    def f(tr):
        m=WB(o)
        for t in tr: m.add(t)
        return m
    return f
def sc(m,ts): return [m.surprise(t) for t in ts]
N=len(train); order=[i for k in range(5) for i in range(N) if i%5==k]
lm_tr=np.zeros(N); lm_tr[order]=v['cal_lm']
LO=int(sys.argv[1]) if len(sys.argv)>1 else 3; W=float(sys.argv[2]) if len(sys.argv)>2 else 0.75
raw,calv=view(fit(LO),sc)
ratio=cal(v['lm']-W*raw,lm_tr-W*calv)
base=(lmR+csR)/2; new=(ratio+csR)/2
rng=np.random.default_rng(1); na=len(base)-nn
d=[];b=[]
for _ in range(1000):
    i=rng.integers(0,nn,nn); j=nn+rng.integers(0,na,na)
    a0=auc(base[i],base[j]); a1=auc(new[i],new[j]); b.append(a0); d.append(a1-a0)
print(f'shipped AUC {auc(base[:nn],base[nn:]):.3f}, bootstrap sd {np.std(b):.3f}; gain of order-8 - {W} x order-{LO} with content {np.mean(d):.4f}, sd {np.std(d):.4f}, 95% [{np.quantile(d,.025):.4f}, {np.quantile(d,.975):.4f}]')
