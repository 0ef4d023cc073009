# Session 11: the tuning attacks the shipped score misses at 5% false alarms, and the top normals
from views11 import *
from collections import Counter
att=load('Attack_Data_Master'); ta=[(p,t) for p,t in att if folder_num(p)<=5]
s=(lmR+csR)/2; sn=s[:nn]; sa=s[nn:]
thr=np.quantile(sn,0.95)
print('thr',thr)
types=Counter(); miss=Counter()
for (p,t),x in zip(ta,sa):
    ty=p.split('/')[-2].rsplit('_',1)[0]; types[ty]+=1
    if x<=thr: miss[ty]+=1
print({k:(miss[k],types[k]) for k in types})
# lowest attacks
o=np.argsort(sa)[:12]
for i in o: p,t=ta[i]; print(round(sa[i],3),round(lmR[nn+i],3),round(csR[nn+i],3),p.split('/')[-2],len(t),' '.join(t[:30]))
print('top normals')
o=np.argsort(-sn)[:10]
for i in o: t=tune_n[i]; print(round(sn[i],3),round(lmR[i],3),round(csR[i],3),len(t),' '.join(t[:30]))
