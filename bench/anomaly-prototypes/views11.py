# Session 11 helpers: the two shipped views (from views_tune.npz, written by views.py), 5-fold
# held-out raw values of a new view on the training traces, and its mix with the shipped ranks
import numpy as np
from data import *
v=np.load('views_tune.npz'); nn=len(tune_n)
allt=tune_n+tune_a
def cal(x,c):
    c=np.sort(c); n=len(c); return (np.searchsorted(c,x)+0.5)/(n+1)
lmR=cal(v['lm'],v['cal_lm']); csR=cal(v['cs'],v['cal_cs'])
def view(fitf,scoref):
    m=fitf(train); raw=np.asarray(scoref(m,allt),float)
    calv=np.zeros(len(train))
    for k in range(5):
        idx=[i for i in range(len(train)) if i%5==k]
        m2=fitf([t for i,t in enumerate(train) if i%5!=k])
        calv[idx]=scoref(m2,[train[i] for i in idx])
    return raw,calv
def show(name,raw,calv):
    r=cal(raw,calv)
    report(name,raw[:nn],raw[nn:])
    m=(lmR+csR+r)/3; report('  + order + content',m[:nn],m[nn:])
    m=(csR+r)/2; report('  + content',m[:nn],m[nn:])
    return r
