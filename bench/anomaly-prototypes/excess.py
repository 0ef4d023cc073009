# Session 11: per-position surprise of the order-8 Witten-Bell LM, normalised by what the model
# expected there (entropy of its predictive distribution), and against a unigram model
import numpy as np, math, sys
from collections import defaultdict
from data import *
class WBX:
    def __init__(s,order=8):
        s.o=order; s.f=defaultdict(lambda: defaultdict(int)); s.voc={}
    def add(s,t):
        for w in t: s.voc.setdefault(w,len(s.voc))
        for i,w in enumerate(t):
            for b in range(0,s.o):
                if i-b<0:
                    s.f[tuple(t[:i][::-1])+('<s>',)][w]+=1; break
                s.f[tuple(t[i-b:i][::-1])][w]+=1
    def prep(s):
        V=len(s.voc); s.V=V; s.vec={}
    def dist(s,ctxs):
        # ctxs: list of context tuples from short to long that exist
        key=ctxs[-1] if ctxs else ()
        if key in s.vec: return s.vec[key]
        p=np.full(s.V+1,1.0/(s.V+1))
        for ctx in ctxs:
            fl=s.f[ctx]; c=sum(fl.values()); d=len(fl); lam=c/(c+d)
            q=np.zeros(s.V+1)
            for w,n in fl.items(): q[s.voc[w]]=n/c
            p=lam*q+(1-lam)*p
        s.vec[key]=p; return p
    def positions(s,t):
        out=[]
        for i,w in enumerate(t):
            ctxs=[]
            for b in range(0,s.o):
                if i-b<0: ctx=tuple(t[:i][::-1])+('<s>',)
                else: ctx=tuple(t[i-b:i][::-1])
                if ctx not in s.f: break
                ctxs.append(ctx)
                if i-b<0: break
            p=s.dist(ctxs); j=s.voc.get(w,s.V)
            px=p[j]; H=-(p*np.log(p)).sum()
            out.append((-math.log(px),H,-math.log(px/p.max()),len(ctxs)))
        return np.array(out) if out else np.zeros((0,4))
def feats(m,ts):
    R=[]
    for t in ts:
        P=m.positions(t)
        if len(P)==0: R.append([0]*6); continue
        s,H,r,d=P.T
        R.append([s.mean(),H.mean(),(s-H).mean(),r.mean(),np.maximum(s-H,0).mean(),d.mean()])
    return np.array(R)
def fit(tr,o=8):
    m=WBX(o)
    for t in tr: m.add(t)
    m.prep(); return m
o=int(sys.argv[1]) if len(sys.argv)>1 else 8
m=fit(train,o); allt=tune_n+tune_a
F=feats(m,allt)
C=np.zeros((len(train),6))
for k in range(5):
    mk=fit([t for i,t in enumerate(train) if i%5!=k],o)
    idx=[i for i in range(len(train)) if i%5==k]
    C[idx]=feats(mk,[train[i] for i in idx])
np.savez(f'excess{o}.npz',F=F,C=C)
nn=len(tune_n)
for j,name in enumerate(['surprise','entropy','excess','log p/pmax','excess+','context depth']):
    report(f'o{o} {name}',F[:nn,j],F[nn:,j])
