import numpy as np, math, sys
from views import WB
from data import *
allt=tune_n+tune_a; nn=len(tune_n)
trsets=[set(t) for t in train]
K=int(sys.argv[1]); O=int(sys.argv[2])
def local_surprise(t):
    b=set(t)
    if not b: return 0,0
    sims=np.array([len(a&b)/math.sqrt(len(a)*len(b)) for a in trsets])
    idx=np.argsort(-sims,kind='stable')[:K]
    m=WB(O)
    for i in idx: m.add(train[i])
    m.voc=set(w for t2 in train for w in t2) if False else m.voc
    return m.surprise(t), 1-sims[idx[0]]
res=np.array([local_surprise(t) for t in allt])
report(f'local WB k{K} o{O}',res[:nn,0],res[nn:,0])
np.save(f'local_{K}_{O}.npy',res[:,0])
