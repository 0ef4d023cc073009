# Session 11: the content view as a contrast too: 1-NN set distance minus w x how rare the trace's calls are one by one
from views11 import *
from views import WB
import math
from collections import Counter
N=len(train); order=[i for k in range(5) for i in range(N) if i%5==k]
cs_tr=np.zeros(N); cs_tr[order]=v['cal_cs']; lm_tr=np.zeros(N); lm_tr[order]=v['cal_lm']
def rarity_fit(tr):
    df=Counter(w for t in tr for w in set(t)); return df,len(tr)
def rarity(kind):
    def s(m,ts):
        df,n=m; out=[]
        for t in ts:
            b=set(t)
            if not b: out.append(0); continue
            if kind=='idf': out.append(np.mean([math.log((n+1)/(df.get(w,0)+1)) for w in b]))
            elif kind=='absent': out.append(np.mean([1-df.get(w,0)/n for w in b]))
            elif kind=='maxidf': out.append(max(math.log((n+1)/(df.get(w,0)+1)) for w in b))
        return out
    return s
def fit3(tr):
    m=WB(3)
    for t in tr: m.add(t)
    return m
l3,l3c=view(fit3,lambda m,ts:[m.surprise(t) for t in ts])
orderC=cal(v['lm']-0.75*l3,lm_tr-0.75*l3c)
report('shipped now (contrast + content)',((orderC+csR)/2)[:nn],((orderC+csR)/2)[nn:])
for kind in ('idf','absent','maxidf'):
    r,rc=view(rarity_fit,rarity(kind))
    report(f'rarity {kind} alone',r[:nn],r[nn:])
    for w in (0.02,0.05,0.1,0.2,0.5):
        x=cal(v['cs']-w*r,cs_tr-w*rc)
        m=(orderC+x)/2
        report(f'  content - {w} x {kind}: alone / with contrast order view',x[:nn],x[nn:]); report('    mix',m[:nn],m[nn:])
