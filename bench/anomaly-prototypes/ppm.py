# PPM-C with exclusion (variable order, backing off from the longest seen context), on the tuning part
from views11 import *
from collections import defaultdict
import math,sys
class PPM:
    def __init__(s,o): s.o=o; s.f=defaultdict(dict); s.voc=set()
    def add(s,t):
        s.voc.update(t); tt=['<s>']+t
        for i in range(1,len(tt)):
            w=tt[i]
            for b in range(0,s.o):
                if i-b<0: break
                ctx=tuple(tt[i-b:i]); d=s.f[ctx]; d[w]=d.get(w,0)+1
    def prob(s,tt,i):
        w=tt[i]; excl=set(); esc=1.0
        for b in range(min(s.o-1,i),-1,-1):
            ctx=tuple(tt[i-b:i]); d=s.f.get(ctx)
            if not d: continue
            items=[(k,c) for k,c in d.items() if k not in excl]
            if not items: continue
            tot=sum(c for _,c in items); dis=len(items)
            if w in d and w not in excl: return esc*d[w]/(tot+dis)
            esc*=dis/(tot+dis); excl.update(k for k,_ in items)
        V=len(s.voc)+1
        return esc/max(1,V-len(excl))
    def surprise(s,t):
        tt=['<s>']+t
        return sum(-math.log(s.prob(tt,i)) for i in range(1,len(tt)))/max(1,len(t))
def fit(o):
    def f(tr):
        m=PPM(o)
        for t in tr: m.add(t)
        return m
    return f
def sc(m,ts): return [m.surprise(t) for t in ts]
R={}
for o in [int(x) for x in sys.argv[1:]]:
    R[o]=view(fit(o),sc); show(f'PPM-C exclusion order {o}',*R[o])
np.save('ppm_%s.npy'%'_'.join(sys.argv[1:]),R,allow_pickle=True)
