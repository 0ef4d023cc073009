# Session 11: order-8 surprise against a low-order model's (a likelihood ratio between orders)
from views11 import *
from views import WB
def fit(o):
    def f(tr):
        m=WB(o)
        for t in tr: m.add(t)
        return m
    return f
def sc(m,ts): return [m.surprise(t) for t in ts]
N=len(train); order=[i for k in range(5) for i in range(N) if i%5==k]
lm_tr=np.zeros(N); lm_tr[order]=v['cal_lm']
for lo in (1,2,3):
    raw,calv=view(fit(lo),sc)
    report(f'WB order {lo} alone',raw[:nn],raw[nn:])
    for a in (0.25,0.5,0.75,1.0):
        show(f'order-8 minus {a} x order-{lo} surprise',v['lm']-a*raw,lm_tr-a*calv)
