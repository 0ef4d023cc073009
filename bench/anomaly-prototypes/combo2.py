import numpy as np, sys
from data import report
v=np.load('views_tune.npz'); nn=2186
def cal(x,c):
    c=np.sort(c); n=len(c); return (np.searchsorted(c,x)+0.5)/(n+1)
lm=cal(v['lm'],v['cal_lm']); cs=cal(v['cs'],v['cal_cs'])
g=np.load('gru_32_64_ep8.npy'); gn=cal(g,g[:nn])
F=lambda *r: sum(-np.log(1-x) for x in r)
L=lambda *r: sum(np.log(x/(1-x)) for x in r)
for name,s in [('mean lm cs',(lm+cs)/2),('fisher lm cs',F(lm,cs)),('logit lm cs',L(lm,cs)),('min lm cs',np.minimum(lm,cs)),
               ('mean 3',(lm+cs+gn)),('fisher 3',F(lm,cs,gn)),('logit 3',L(lm,cs,gn)),('fisher gru cs',F(gn,cs))]:
    report(name,s[:nn],s[nn:])
for f in sys.argv[1:]:
    x=np.load(f); xn=cal(x,x[:nn])
    report(f+' +lm+cs mean',((lm+cs+xn)/3)[:nn],((lm+cs+xn)/3)[nn:])
    report(f+' +cs mean',((cs+xn)/2)[:nn],((cs+xn)/2)[nn:])
