// What a child made without CLONE_VM inherits of cordon's memory (forkmarks.c). Private to
// CSandbox: the spawn (spawn.c) and the probes (shims.c) share it.
#ifndef CSANDBOX_FORKMARKS_H
#define CSANDBOX_FORKMARKS_H

#include <stdint.h>

/// Serializes marking and the clone that relies on the marks: between one thread's marks and
/// its clone, no other thread may mark its stack or its plan to be wiped.
void cs_forkmarks_lock(void);
void cs_forkmarks_unlock(void);

/// Marks every private anonymous mapping of the process MADV_WIPEONFORK (a child gets them
/// empty), except [keep_lo, keep_hi) and the spans given, which are marked MADV_KEEPONFORK.
/// Call with the lock held, right before the clone. Returns 0, or -errno if the mappings could
/// not be listed (then nothing more was wiped, the kept ranges are still marked, and the child
/// gets copies of the rest as after a plain fork, or empty where an earlier walk marked it).
int cs_forkmarks_wipe_except(uintptr_t keep_lo, uintptr_t keep_hi, const uintptr_t *spans, int nspans);

/// Marks only [keep_lo, keep_hi) and the spans MADV_KEEPONFORK: for a throwaway child that
/// needs them and nothing else. Call with the lock held.
void cs_forkmarks_keep(uintptr_t keep_lo, uintptr_t keep_hi, const uintptr_t *spans, int nspans);

/// The stack window a child cloned from the calling frame runs on: `below` bytes under `at`
/// (an address in the frame) and one page above the end of the object at `at`, page-aligned.
void cs_forkmarks_window(const void *at, uintptr_t size, uintptr_t below, uintptr_t *lo, uintptr_t *hi);

#endif
