import numpy as np, math
from collections import Counter
from data import *
allt=tune_n+tune_a; nn=len(tune_n); N=len(train)
for n in (2,3):
    df=Counter(g for t in train for g in {tuple(t[i:i+n]) for i in range(len(t)-n+1)})
    tf=Counter(g for t in train for i in range(len(t)-n+1) for g in [tuple(t[i:i+n])])
    tot=sum(tf.values())
    idf=lambda g: math.log((N+1)/(df.get(g,0)+1))
    res={'mean idf':[],'mean idf distinct':[],'mean idf*-logp':[]}
    for t in allt:
        gs=[tuple(t[i:i+n]) for i in range(len(t)-n+1)] or [tuple(t)]
        res['mean idf'].append(np.mean([idf(g) for g in gs]))
        res['mean idf distinct'].append(np.mean([idf(g) for g in set(gs)]))
        res['mean idf*-logp'].append(np.mean([idf(g)*-math.log((tf.get(g,0)+0.5)/(tot+0.5)) for g in gs]))
    for k,v in res.items(): v=np.array(v); report(f'{n}-gram {k}',v[:nn],v[nn:])
