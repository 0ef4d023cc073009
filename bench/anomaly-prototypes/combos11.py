# Session 11: every mean of 2-4 calibrated ranks among the 16 best single views (needs the .npy/.npz
# files of knn_stide.py knn, knn_stide.py stide, endtoken.py and excess.py)
from views11 import *
import itertools
R={}
for f in ('knn_stide_knn.npy','knn_stide_stide.npy'):
    R.update(np.load(f,allow_pickle=True).item())
E=np.load('endtoken.npy',allow_pickle=True).item(); R['end8']=E[8]
X=np.load('excess8.npz'); 
for j,nm in [(1,'entropy'),(2,'excess'),(5,'negdepth')]:
    sgn=-1 if nm=='negdepth' else 1
    R[nm]=(sgn*X['F'][:,j],sgn*X['C'][:,j])
ranks={k:cal(*R[k]) for k in R}
ranks['order']=lmR; ranks['content']=csR
def auc_of(s): return auc(s[:nn],s[nn:])
single=sorted(((auc_of(r),k) for k,r in ranks.items()),reverse=True)
print('best singles',[(round(a,3),k) for a,k in single[:8]])
keys=[k for a,k in single[:16]]
best=[]
for n in (2,3,4):
    for c in itertools.combinations(keys,n):
        s=sum(ranks[k] for k in c)/n; best.append((auc_of(s),c))
best.sort(reverse=True)
for a,c in best[:12]:
    s=sum(ranks[k] for k in c)/len(c); report(' | '.join(c)[:60],s[:nn],s[nn:])
