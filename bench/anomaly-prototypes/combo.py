import numpy as np, sys
from data import report
from scipy.stats import rankdata
v=np.load('views_tune.npz'); nn=2186
def cal(x,c):
    c=np.sort(c); return np.searchsorted(c,x)/len(c)
lm=cal(v['lm'],v['cal_lm']); cs=cal(v['cs'],v['cal_cs'])
report('mean(lm,cs) (cordon)',((lm+cs)/2)[:nn],((lm+cs)/2)[nn:])
for f in sys.argv[1:]:
    g=np.load(f)
    # calibrate GRU by ranks among tuning normals (stand-in; tuning only)
    gr=rankdata(g)/len(g)
    gn=cal(g,g[:nn])
    report(f+' alone',g[:nn],g[nn:])
    for name,combo in [('gru+cs',(gn+cs)/2),('gru+lm+cs',(gn+lm+cs)/3),('gru+lm',(gn+lm)/2),('max(gru,cs)',np.maximum(gn,cs))]:
        report('  '+name,combo[:nn],combo[nn:])
