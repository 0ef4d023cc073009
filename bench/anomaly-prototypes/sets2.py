import numpy as np, math
from collections import Counter
from data import *
allt=tune_n+tune_a; nn=len(tune_n)
N=len(train); df=Counter(w for t in train for w in set(t))
vocab=sorted(df)
def idf(w,smooth=1): return math.log((N+1)/(df.get(w,0)+smooth))
trsets=[frozenset(t) for t in train]; cnt=Counter(trsets); distinct=list(cnt)
def run(name,f):
    s=np.array([f(set(t)) for t in allt]); report(name,s[:nn],s[nn:]); return s
W=lambda a:{w:idf(w) for w in a}
def cos_idf(b,p=1):
    wb={w:idf(w)**p for w in b}; nb=math.sqrt(sum(v*v for v in wb.values()))
    best=0
    for a in distinct:
        num=sum(wb[w]**2 for w in b&a) ; na=math.sqrt(sum(idf(w)**(2*p) for w in a))
        best=max(best,num/(na*nb) if na*nb>0 else 0)
    return 1-best
def jacc(b): return 1-max(len(a&b)/len(a|b) for a in distinct)
def knn_k(b,k):
    d=sorted(1-len(a&b)/math.sqrt(len(a)*len(b)) for a in trsets); return np.mean(d[:k])
def cos1(b): return 1-max(len(a&b)/math.sqrt(len(a)*len(b)) for a in distinct)
run('cos 1nn',cos1)
run('jaccard 1nn',jacc)
run('cos idf 1nn',cos_idf)
run('cos idf^0.5 1nn',lambda b:cos_idf(b,0.5))
for k in (2,3,5): run(f'cos knn mean k{k} (all traces)',lambda b:knn_k(b,k))
