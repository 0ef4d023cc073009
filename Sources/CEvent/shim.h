// libevent 2.1 (Debian: libevent-dev): its evhttp is the HTTP/1.1 server of `cordon serve`.
// Chosen over GNU libmicrohttpd because Debian's libmicrohttpd.a needs GnuTLS, whose static
// archive needs p11-kit, which Debian ships only as a shared library: the README's static
// release build (-static-executable) could not link it. libevent_core/extra link statically.
// The system headers first: libevent's event-config.h defines _GNU_SOURCE, which renames
// fd_set's field (fds_bits instead of __fds_bits); included after it, <sys/select.h> would
// define a different fd_set than the other C modules (CCrypto), and Swift cannot load both.
#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>
