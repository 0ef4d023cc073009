# Normalise a trace's LM surprise by the held-out surprise of its nearest training traces (by token set)
from views11 import *
import scipy.sparse as sp
N=len(train)
order=[i for k in range(5) for i in range(N) if i%5==k]
lm_tr=np.zeros(N); lm_tr[order]=v['cal_lm']; cs_tr=np.zeros(N); cs_tr[order]=v['cal_cs']
voc=sorted({w for t in train+allt for w in t}); ix={w:i for i,w in enumerate(voc)}
def B(ts):
    M=np.zeros((len(ts),len(voc)))
    for r,t in enumerate(ts):
        for w in set(t): M[r,ix[w]]=1
    return M/np.sqrt(M.sum(1,keepdims=True).clip(1))
Xt=B(train); Xa=B(allt)
Sa=Xa@Xt.T; St=Xt@Xt.T
fold=np.arange(N)%5
for i in range(N): St[i,fold==fold[i]]=-1   # training traces: neighbours from other folds only
def rel(S,base,k,how):
    idx=np.argsort(-S,axis=1)[:,:k]
    nb=base[idx]
    if how=='mean': return nb.mean(1)
    if how=='median': return np.median(nb,1)
    if how=='max': return nb.max(1)
for k in (1,3,5,10,20,50):
    for how in ('mean','median','max'):
        ra=v['lm']-rel(Sa,lm_tr,k,how); rt=lm_tr-rel(St,lm_tr,k,how)
        r=show(f'lm - nbrs lm k{k} {how}',ra,rt)
        m=(lmR+csR+r+cal(v['cs']-rel(Sa,cs_tr,k,how),cs_tr-rel(St,cs_tr,k,how)))/4
        report('  + order + content + rel content',m[:nn],m[nn:])
        ra2=v['lm']/np.maximum(rel(Sa,lm_tr,k,how),1e-3); rt2=lm_tr/np.maximum(rel(St,lm_tr,k,how),1e-3)
        show(f'lm / nbrs lm k{k} {how}',ra2,rt2)
