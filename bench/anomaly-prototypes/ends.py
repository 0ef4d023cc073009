# Session 11: how a trace starts and ends: longest common prefix / suffix with a training trace
import numpy as np, math
from data import *
from views11 import *
def pfit(tr): return [tuple(t) for t in tr]
def lcp(a,b):
    n=min(len(a),len(b)); i=0
    while i<n and a[i]==b[i]: i+=1
    return i
def pscore(k,mode):
    def s(m,ts):
        out=[]
        for t in ts:
            t=tuple(t); best=max(lcp(t,a) for a in m)
            if mode=='abs': out.append(-min(best,k))
            else: out.append(1-min(best,k)/max(1,min(k,len(t))))
        return out
    return s
def sfx(m,ts):
    out=[]
    for t in ts:
        t=tuple(t[::-1]); out.append(-min(50,max(lcp(t,a[::-1]) for a in m)))
    return out
for k in (5,10,20,50):
    show(f'prefix match k{k} frac',*view(pfit,pscore(k,'frac')))
show('suffix match 50',*view(pfit,sfx))
