import numpy as np
from data import *
from sklearn.feature_extraction.text import TfidfVectorizer, CountVectorizer
from sklearn.svm import OneClassSVM
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import NearestNeighbors
docs=lambda L:[' '.join(t) for t in L]
allt=tune_n+tune_a; nn=len(tune_n)
for ng in [(1,1),(1,2),(1,3)]:
    vec=TfidfVectorizer(ngram_range=ng,token_pattern=r'\S+',sublinear_tf=True,min_df=1)
    Xtr=vec.fit_transform(docs(train)); X=vec.transform(docs(allt))
    for nu in [0.01,0.05,0.1]:
        for g in ['scale',1.0]:
            s=-OneClassSVM(kernel='rbf',nu=nu,gamma=g).fit(Xtr).decision_function(X)
            report(f'ocsvm tfidf{ng} nu{nu} g{g}',s[:nn],s[nn:])
    if ng==(1,2):
        s=-IsolationForest(n_estimators=200,random_state=0).fit(Xtr.toarray()).score_samples(X.toarray())
        report(f'iforest tfidf{ng}',s[:nn],s[nn:])
