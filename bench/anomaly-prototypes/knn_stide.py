# Session 11: cheap extra views on the tuning part, each raw and mixed with the two shipped views
import numpy as np, math, sys
from collections import Counter
from data import *
from sklearn.feature_extraction.text import TfidfVectorizer, CountVectorizer
v=np.load('views_tune.npz'); nn=len(tune_n)
allt=tune_n+tune_a
def cal(x,c):
    c=np.sort(c); n=len(c); return (np.searchsorted(c,x)+0.5)/(n+1)
lmR=cal(v['lm'],v['cal_lm']); csR=cal(v['cs'],v['cal_cs'])
report('shipped mean',((lmR+csR)/2)[:nn],((lmR+csR)/2)[nn:])
def ngr(n1,n2):
    def a(t):
        out=[]
        for n in range(n1,n2+1):
            out+=[' '.join(t[i:i+n]) for i in range(len(t)-n+1)]
        return out
    return a
folds=[[i for i in range(len(train)) if i%5==k] for k in range(5)]
def view(fitf,scoref):
    # raw scores of the tuning traces (model on all training traces) and 5-fold held-out raw scores of the training traces
    m=fitf(train); raw=scoref(m,allt)
    calv=np.zeros(len(train))
    for k in range(5):
        tr=[t for i,t in enumerate(train) if i%5!=k]; m2=fitf(tr)
        idx=folds[k]; calv[idx]=scoref(m2,[train[i] for i in idx])
    return raw,calv
def knn_fit(n1,n2,sub,idf,binary=False):
    def f(tr):
        vec=TfidfVectorizer(analyzer=ngr(n1,n2),sublinear_tf=sub,use_idf=idf,binary=binary,norm='l2')
        X=vec.fit_transform(tr); return vec,X
    return f
def knn_score(k):
    def s(m,ts):
        vec,X=m; Y=vec.transform(ts); S=(Y@X.T).toarray()
        S.sort(axis=1); return 1-S[:,-k:].mean(axis=1)
    return s
results={}
def show(name,raw,calv,store=True):
    r=cal(raw,calv)
    report(name,raw[:nn],raw[nn:])
    m=(lmR+csR+r)/3; report('  + order + content',m[:nn],m[nn:])
    m=(lmR+r)/2; report('  + order',m[:nn],m[nn:])
    if store: results[name]=(raw,calv)
which=sys.argv[1] if len(sys.argv)>1 else 'all'
if which in('all','len'):
    L=np.array([len(t) for t in allt],float); Lc=np.array([len(t) for t in train],float)
    show('log length',np.log(L+1),np.log(Lc+1))
    show('-log length',-np.log(L+1),-np.log(Lc+1))
if which in('all','knn'):
    for (n1,n2) in [(1,1),(1,2),(1,3),(2,3)]:
        for sub,idf in [(True,True),(False,True),(True,False)]:
            for k in (1,3,10):
                raw,calv=view(knn_fit(n1,n2,sub,idf),knn_score(k))
                show(f'knn n{n1}-{n2} sub{int(sub)} idf{int(idf)} k{k}',raw,calv)
if which in('all','stide'):
    def sfit(w):
        def f(tr): return {tuple(t[i:i+w]) for t in tr for i in range(len(t)-w+1)}
        return f
    def sscore(w,mode):
        def s(m,ts):
            out=[]
            for t in ts:
                ws=[tuple(t[i:i+w]) for i in range(len(t)-w+1)]
                if not ws: out.append(0); continue
                if mode=='frac': out.append(sum(x not in m for x in ws)/len(ws))
                elif mode=='distinct': d=set(ws); out.append(sum(x not in m for x in d)/len(d))
                elif mode=='count': out.append(math.log1p(sum(x not in m for x in set(ws))))
            return np.array(out)
        return s
    for w in (3,4,6):
        for mode in ('frac','distinct','count'):
            raw,calv=view(sfit(w),sscore(w,mode)); show(f'stide w{w} {mode}',raw,calv)
np.save(f'knn_stide_{which}.npy',results,allow_pickle=True)
