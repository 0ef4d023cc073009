import socket,time,sys
n=int(sys.argv[1]); t=time.perf_counter()
for i in range(n):
    s=socket.socket(); s.connect(('127.0.0.1',47011)); s.close()
print("%.1f" % ((time.perf_counter()-t)/n*1e6))
