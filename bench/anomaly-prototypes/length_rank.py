# LM surprise ranked among held-out training traces of similar length only
from views11 import *
N=len(train); order=[i for k in range(5) for i in range(N) if i%5==k]
lm_tr=np.zeros(N); lm_tr[order]=v['cal_lm']; cs_tr=np.zeros(N); cs_tr[order]=v['cal_cs']
Lt=np.log(np.array([len(t) for t in train])+1); La=np.log(np.array([len(t) for t in allt])+1)
def lrank(x,L,base,bl,w,exclude=None):
    out=[]
    for j,(xi,li) in enumerate(zip(x,L)):
        m=np.abs(bl-li)<=w
        if exclude is not None: m=m.copy(); m[exclude[j]]=False
        b=base[m]
        out.append((np.sum(b<xi)+0.5)/(len(b)+1) if len(b) else 0.5)
    return np.array(out)
for w in (0.25,0.5,1.0,1.5):
    ra=lrank(v['lm'],La,lm_tr,Lt,w); rt=lrank(lm_tr,Lt,lm_tr,Lt,w,exclude=list(range(N)))
    report(f'lm ranked within length +-{w} (log)',ra[:nn],ra[nn:])
    ca=lrank(v['cs'],La,cs_tr,Lt,w)
    report(f'cs ranked within length +-{w} (log)',ca[:nn],ca[nn:])
    m=(ra+ca)/2; report('  both, mean',m[:nn],m[nn:])
    m=(ra+csR)/2; report('  lm-in-length + content',m[:nn],m[nn:])
