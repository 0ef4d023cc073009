#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot import:
// bound text and blobs are copied by SQLite when this destructor is passed.
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }

// sqlite3_db_config is variadic, which Swift cannot call. With NO_CKPT_ON_CLOSE the last
// connection to close leaves the WAL as it is instead of checkpointing it (a write of the
// database and an fsync on every close): the next automatic checkpoint folds it in.
static inline int csqlite_no_checkpoint_on_close(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)0);
}
