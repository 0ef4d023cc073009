import numpy as np
from data import *
v=np.load('views_tune.npz'); nn=2186
types=[p.split('/')[-2].rsplit('_',1)[0] for p,t in att if folder_num(p)<=5]
g=np.load('gru_32_64_ep6.npy')
for name,x in [('lm',v['lm']),('cs',v['cs']),('gru',g)]:
    n=x[:nn]; a=x[nn:]
    print(name, ' '.join(f"{ty}:{auc(n,a[np.array(types)==ty]):.3f}" for ty in sorted(set(types))))
print({ty:types.count(ty) for ty in set(types)})
