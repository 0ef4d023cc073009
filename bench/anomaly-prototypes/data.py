import os, numpy as np
ROOT=os.environ.get('ADFA_LD','ADFA-LD')
def walk(d):
    out=[]
    for name in sorted(os.listdir(d)):
        p=os.path.join(d,name)
        if os.path.isdir(p): out+=walk(p)
        elif name.endswith('.txt'): out.append(p)
    return out
def load(d):
    return [(p,open(p).read().split()) for p in walk(os.path.join(ROOT,d))]
def folder_num(p):
    try: return int(p.split('/')[-2].split('_')[-1])
    except: return 0
train=[t for _,t in load('Training_Data_Master')]
normal=[t for _,t in load('Validation_Data_Master')]
att=load('Attack_Data_Master')
tune_n=normal[0::2]; test_n=normal[1::2]
tune_a=[t for p,t in att if folder_num(p)<=5]; test_a=[t for p,t in att if folder_num(p)>5]
def auc(n,a):
    n=np.asarray(n,float); a=np.asarray(a,float)
    allv=np.concatenate([n,a]); 
    from scipy.stats import rankdata
    r=rankdata(allv)
    return (r[len(n):].sum()-len(a)*(len(a)+1)/2)/(len(n)*len(a))
def det(n,a,fa):
    n=np.sort(np.asarray(n,float)); thr=np.quantile(n,1-fa)
    return float(np.mean(np.asarray(a)>thr))
def report(name,n,a):
    print(f"{name:40s} AUC {auc(n,a):.3f} det1 {det(n,a,.01):.3f} det5 {det(n,a,.05):.3f} det10 {det(n,a,.10):.3f}",flush=True)
