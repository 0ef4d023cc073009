import numpy as np
from views import *
from scipy.stats import rankdata
allt=tune_n+tune_a; nn=len(tune_n)
v=np.load('views_tune.npz')
def cal(x,c):
    c=np.sort(c); n=len(c); return (np.searchsorted(c,x)+0.5)/(n+1)
R={}
R['lm8']=cal(v['lm'],v['lm'][:nn]); R['cs']=cal(v['cs'],v['cs'][:nn])
for o in (2,4):
    m=WB(o)
    for t in train: m.add(t)
    x=np.array([m.surprise(t) for t in allt]); report(f'WB{o}',x[:nn],x[nn:]); R[f'lm{o}']=cal(x,x[:nn])
g=np.load('gru_32_64_ep12.npy') if __import__('os').path.exists('gru_32_64_ep12.npy') else np.load('gru_32_64_ep8.npy'); R['gru']=cal(g,g[:nn])
for combo in [('lm8','cs'),('lm2','lm4','lm8','cs'),('lm2','cs'),('lm4','cs'),('lm2','lm8','cs'),('lm2','lm8','cs','gru'),('lm4','lm8','cs','gru')]:
    s=sum(R[k] for k in combo)/len(combo); report('+'.join(combo),s[:nn],s[nn:])
