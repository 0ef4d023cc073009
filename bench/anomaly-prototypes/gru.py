import numpy as np, time, sys
from data import *
def sig(x): return 1/(1+np.exp(-x))
class GRULM:
    def __init__(s,V,E=32,H=64,seed=1):
        r=np.random.default_rng(seed); s.V,s.E,s.H=V,E,H
        s.p={'emb':r.normal(0,0.1,(V,E)),'Wx':r.normal(0,1/np.sqrt(E),(E,3*H)),'U':r.normal(0,1/np.sqrt(H),(H,3*H)),
             'bx':np.zeros(3*H),'bh':np.zeros(3*H),'Wo':r.normal(0,1/np.sqrt(H),(H,V)),'bo':np.zeros(V)}
        s.m={k:np.zeros_like(v) for k,v in s.p.items()}; s.v={k:np.zeros_like(v) for k,v in s.p.items()}; s.t=0
    def forward(s,X,h):  # X (T,B) ints
        p=s.p;H=s.H;T,B=X.shape
        x=p['emb'][X]; xp=x@p['Wx']+p['bx']
        hs=np.zeros((T+1,B,H));hs[0]=h;cache=[]
        for t in range(T):
            hu=hs[t]@p['U']+p['bh']
            z=sig(xp[t,:,:H]+hu[:,:H]); r=sig(xp[t,:,H:2*H]+hu[:,H:2*H]); hn=hu[:,2*H:]
            n=np.tanh(xp[t,:,2*H:]+r*hn)
            hs[t+1]=(1-z)*n+z*hs[t]; cache.append((z,r,n,hn))
        return x,hs,cache
    def logp(s,hs):
        lo=hs@s.p['Wo']+s.p['bo']; lo-=lo.max(-1,keepdims=True)
        return lo-np.log(np.exp(lo).sum(-1,keepdims=True))
    def step(s,X,Y,M,h,lr):
        p=s.p;H=s.H;T,B=X.shape
        x,hs,cache=s.forward(X,h)
        lp=s.logp(hs[1:]); N=M.sum()
        loss=-(np.take_along_axis(lp,Y[...,None],-1)[...,0]*M).sum()/N
        dlo=np.exp(lp); np.put_along_axis(dlo,Y[...,None],np.take_along_axis(dlo,Y[...,None],-1)-1,-1); dlo*=M[...,None]/N
        g={k:np.zeros_like(v) for k,v in p.items()}
        g['Wo']=hs[1:].reshape(-1,H).T@dlo.reshape(-1,s.V); g['bo']=dlo.sum((0,1))
        dhs=dlo@p['Wo'].T
        dh=np.zeros((B,H)); dxp=np.zeros((T,B,3*H))
        for t in range(T-1,-1,-1):
            z,r,n,hn=cache[t]; dh=dh+dhs[t]
            dn=dh*(1-z); dz=dh*(hs[t]-n); dhp=dh*z
            dan=dn*(1-n*n); dr=dan*hn; dhn=dan*r
            daz=dz*z*(1-z); dar=dr*r*(1-r)
            dhu=np.concatenate([daz,dar,dhn],1)
            g['U']+=hs[t].T@dhu; g['bh']+=dhu.sum(0)
            dh=dhp+dhu@p['U'].T
            dxp[t]=np.concatenate([daz,dar,dan],1)
        g['Wx']=x.reshape(-1,s.E).T@dxp.reshape(-1,3*H); g['bx']=dxp.sum((0,1))
        dx=dxp@p['Wx'].T; np.add.at(g['emb'],X,dx)
        # clip
        nrm=np.sqrt(sum((v*v).sum() for v in g.values()))
        if nrm>5: 
            for k in g: g[k]*=5/nrm
        s.t+=1; b1,b2=0.9,0.999
        for k in p:
            s.m[k]=b1*s.m[k]+(1-b1)*g[k]; s.v[k]=b2*s.v[k]+(1-b2)*g[k]**2
            p[k]-=lr*(s.m[k]/(1-b1**s.t))/(np.sqrt(s.v[k]/(1-b2**s.t))+1e-8)
        return loss,hs[-1]
    def score(s,seqs,agg='mean'):
        # seqs: list of id arrays incl BOS at start; returns mean nll per predicted token
        out=np.zeros(len(seqs)); order=np.argsort([len(q) for q in seqs])
        for i in range(0,len(order),128):
            idx=order[i:i+128]; L=max(len(seqs[j]) for j in idx)
            X=np.zeros((L-1,len(idx)),int);Y=np.zeros((L-1,len(idx)),int);M=np.zeros((L-1,len(idx)))
            for b,j in enumerate(idx):
                q=seqs[j]; X[:len(q)-1,b]=q[:-1];Y[:len(q)-1,b]=q[1:];M[:len(q)-1,b]=1
            _,hs,_=s.forward(X,np.zeros((len(idx),s.H)))
            lp=s.logp(hs[1:]); nll=-np.take_along_axis(lp,Y[...,None],-1)[...,0]
            for b,j in enumerate(idx):
                v=nll[:len(seqs[j])-1,b]
                out[j]=v.mean() if agg=='mean' else np.sort(v)[-max(1,len(v)//10):].mean()
        return out
def build_vocab(train):
    voc={}
    for t in train:
        for w in t: voc.setdefault(w,len(voc)+2)  # 0 BOS, 1 unseen
    return voc
def enc(voc,t): return np.array([0]+[voc.get(w,1) for w in t])
def train_lm(train,voc,E=32,H=64,epochs=5,T=50,B=32,lr=0.005,seed=1,log=True):
    V=len(voc)+2; m=GRULM(V,E,H,seed)
    stream=np.concatenate([enc(voc,t) for t in train])
    L=(len(stream)-1)//B; Xs=stream[:L*B].reshape(B,L).T; Ys=stream[1:L*B+1].reshape(B,L).T
    t0=time.time()
    for ep in range(epochs):
        h=np.zeros((B,H)); tot=0;k=0
        for i in range(0,L,T):
            X=Xs[i:i+T];Y=Ys[i:i+T]; loss,h=m.step(X,Y,np.ones(X.shape),h,lr); tot+=loss;k+=1
        if log: print(f"epoch {ep} loss {tot/k:.3f} {time.time()-t0:.1f}s",flush=True)
    return m
if __name__=='__main__':
    E,H,ep,T,B,lr=[float(a) for a in sys.argv[1:7]]
    voc=build_vocab(train)
    m=train_lm(train,voc,int(E),int(H),int(ep),int(T),int(B),lr)
    n=m.score([enc(voc,t) for t in tune_n]); a=m.score([enc(voc,t) for t in tune_a])
    report(f"GRU E{E} H{H} ep{ep}",n,a)
    np.save(f'gru_tune_{int(E)}_{int(H)}_{int(ep)}.npy',np.concatenate([n,a]))
