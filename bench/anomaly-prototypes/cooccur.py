# Combination novelty: pairs (and triples) of calls that occur together in one trace, never together in training;
# and token novelty against the union of the k nearest training sets
from views11 import *
import itertools, math
def pairfit(r):
    def f(tr):
        S=set()
        for t in tr:
            for c in itertools.combinations(sorted(set(t)),r): S.add(c)
        return S
    return f
def pairscore(r,mode):
    def s(m,ts):
        out=[]
        for t in ts:
            cs=list(itertools.combinations(sorted(set(t)),r))
            if not cs: out.append(0); continue
            nov=sum(c not in m for c in cs)
            out.append(nov/len(cs) if mode=='frac' else math.log1p(nov))
        return out
    return s
R={}
for r in (2,3):
    for mode in ('frac','log'):
        R[(r,mode)]=view(pairfit(r),pairscore(r,mode)); show(f'novel {r}-sets {mode}',*R[(r,mode)])
def unionfit(tr): return [frozenset(t) for t in tr]
def unionscore(k):
    def s(m,ts):
        out=[]
        for t in ts:
            b=set(t)
            sims=sorted(((len(a&b)/math.sqrt(len(a)*len(b)),i) for i,a in enumerate(m)),reverse=True)[:k]
            U=set().union(*(m[i] for _,i in sims))
            out.append(len(b-U)/len(b) if b else 0)
        return out
    return s
for k in (1,3,10):
    R[('union',k)]=view(unionfit,unionscore(k)); show(f'tokens outside union of {k} nearest sets',*R[('union',k)])
np.save('pairs.npy',R,allow_pickle=True)
