import numpy as np, math
from views import *
m,sets=fit(train)
def surprises(s,t):
    V=len(s.voc); out=[]
    for i,w in enumerate(t):
        p=1/(V+1)
        for b in range(0,s.o):
            if i-b<0: ctx=tuple(t[:i][::-1])+('<s>',)
            else: ctx=tuple(t[i-b:i][::-1])
            c=s.tot.get(ctx,0)
            if c==0: break
            d=s.dis[ctx]; lam=c/(c+d); p=lam*s.f.get((ctx,w),0)/c+(1-lam)*p
            if i-b<0: break
        out.append(-math.log(p))
    return out
allt=tune_n+tune_a; nn=len(tune_n)
res={k:[] for k in ['mean','dedup8','dedup4','dedup2','dedup1','sumdedup8','logsum']}
for t in allt:
    s=surprises(m,t)
    if not s: 
        for k in res: res[k].append(0); 
        continue
    res['mean'].append(np.mean(s))
    for w in (8,4,2,1):
        d={}
        for i in range(len(t)):
            d[tuple(t[max(0,i-w+1):i+1])]=s[i]
        res[f'dedup{w}'].append(np.mean(list(d.values())))
        if w==8: res['sumdedup8'].append(np.sum(list(d.values()))); res['logsum'].append(np.log1p(np.sum(list(d.values()))))
for k,v in res.items(): v=np.array(v); report(k,v[:nn],v[nn:])
np.save('dedup8.npy',np.array(res['dedup8']))
