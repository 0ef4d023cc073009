from views11 import *
from views import WB
import math,sys
def endfit(o):
    def f(tr):
        m=WB(o)
        for t in tr: m.add(t+['END'])
        return m
    return f
def endscore(m,ts):
    out=[]
    for t in ts:
        tt=t+['END']; i=len(tt)-1; V=len(m.voc); p=1/(V+1)
        for b in range(0,m.o):
            if i-b<0: ctx=tuple(tt[:i][::-1])+('<s>',)
            else: ctx=tuple(tt[i-b:i][::-1])
            c=m.tot.get(ctx,0)
            if c==0: break
            d=m.dis[ctx]; lam=c/(c+d); p=lam*m.f.get((ctx,'END'),0)/c+(1-lam)*p
            if i-b<0: break
        out.append(-math.log(p))
    return out
R={}
for o in (2,4,8):
    raw,calv=view(endfit(o),endscore); R[o]=(raw,calv); show(f'end surprise order {o}',raw,calv)
np.save('endtoken.npy',R,allow_pickle=True)
