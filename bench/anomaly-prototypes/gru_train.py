import sys; from gru import *
E,H,ep,T,B,lr=[float(a) for a in sys.argv[1:7]]
voc=build_vocab(train); V=len(voc)+2
m=GRULM(V,int(E),int(H),1)
stream=np.concatenate([enc(voc,t) for t in train]); B=int(B);T=int(T)
L=(len(stream)-1)//B; Xs=stream[:L*B].reshape(B,L).T; Ys=stream[1:L*B+1].reshape(B,L).T
sn=[enc(voc,t) for t in tune_n]; sa=[enc(voc,t) for t in tune_a]
t0=time.time()
for e in range(int(ep)):
    h=np.zeros((B,int(H)));tot=0;k=0
    for i in range(0,L,T):
        loss,h=m.step(Xs[i:i+T],Ys[i:i+T],np.ones(Xs[i:i+T].shape),h,lr);tot+=loss;k+=1
    print(f"epoch {e} loss {tot/k:.3f} {time.time()-t0:.0f}s",flush=True)
    if e%2==1 or e==int(ep)-1:
        n=m.score(sn);a=m.score(sa); report(f"  E{E} H{H} ep{e+1} mean",n,a)
        np.save(f'gru_{int(E)}_{int(H)}_ep{e+1}.npy',np.concatenate([n,a]))
import pickle; pickle.dump(m.p,open(f'gru_{int(E)}_{int(H)}.pkl','wb'))
