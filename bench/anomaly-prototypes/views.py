# Python re-implementation of cordon's two views (WB n-gram order 8 surprise, token-set 1-NN cosine) for combining
import numpy as np, math, pickle
from collections import defaultdict
from data import *
class WB:
    def __init__(s,order=8): s.o=order; s.tot=defaultdict(int); s.dis=defaultdict(int); s.f=defaultdict(int); s.voc=set()
    def add(s,t):
        s.voc.update(t)
        for i,w in enumerate(t):
            for b in range(0,s.o):
                if i-b<0 and b>0:
                    ctx=tuple(t[max(0,i-b+1):i])[::-1]+('<s>',)
                    if len(ctx)!=b: break
                    s._c(ctx,w); break
                ctx=tuple(t[i-b:i][::-1]) 
                s._c(ctx,w)
    def _c(s,ctx,w):
        s.tot[ctx]+=1
        if s.f[(ctx,w)]==0: s.dis[ctx]+=1
        s.f[(ctx,w)]+=1
    def surprise(s,t):
        if not t: return 0
        V=len(s.voc); tot=0
        for i,w in enumerate(t):
            p=1/(V+1)
            for b in range(0,s.o):
                if i-b<0: ctx=tuple(t[:i][::-1])+('<s>',)
                else: ctx=tuple(t[i-b:i][::-1])
                c=s.tot.get(ctx,0)
                if c==0: break
                d=s.dis[ctx]; lam=c/(c+d); p=lam*s.f.get((ctx,w),0)/c+(1-lam)*p
                if i-b<0: break
            tot-=math.log(p)
        return tot/len(t)
def cosdist(sets,t):
    b=set(t)
    if not b: return 0
    return 1-max(len(b&a)/math.sqrt(len(a)*len(b)) for a in sets)
def fit(tr):
    m=WB(8)
    for t in tr: m.add(t)
    return m,[set(x) for x in {frozenset(t) for t in tr}]
if __name__=='__main__':
    m,sets=fit(train)
    allt=tune_n+tune_a
    lm=np.array([m.surprise(t) for t in allt]); cs=np.array([cosdist(sets,t) for t in allt])
    nn=len(tune_n); report('WB8',lm[:nn],lm[nn:]); report('sets',cs[:nn],cs[nn:])
    # 5-fold calibration
    cal_lm=[];cal_cs=[]
    for k in range(5):
        mk,sk=fit([t for i,t in enumerate(train) if i%5!=k])
        for i,t in enumerate(train):
            if i%5==k: cal_lm.append(mk.surprise(t)); cal_cs.append(cosdist(sk,t))
    np.savez('views_tune.npz',lm=lm,cs=cs,cal_lm=np.array(cal_lm),cal_cs=np.array(cal_cs))
