/* Counts a process's heap allocations, for the first load's figures in
 * Docs/benchmarks.md: a count that, unlike time, does not move with the host's speed.
 *
 *   gcc -O2 -shared -fPIC -o /tmp/malloc-count.so Docs/malloc-count.c
 *   LD_PRELOAD=/tmp/malloc-count.so .build/release/ehcsync sync --config PLACE/ehcsync.yaml
 *
 * prints "MALLOC malloc=… calloc=… realloc=… memalign=…" to stderr as the process
 * exits (a process it starts, such as /usr/bin/time's child, prints its own line). */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static atomic_long mallocs, callocs, reallocs, memaligns;

void *malloc(size_t size) { atomic_fetch_add_explicit(&mallocs, 1, memory_order_relaxed); return __libc_malloc(size); }
void *calloc(size_t n, size_t size) { atomic_fetch_add_explicit(&callocs, 1, memory_order_relaxed); return __libc_calloc(n, size); }
void *realloc(void *p, size_t size) { atomic_fetch_add_explicit(&reallocs, 1, memory_order_relaxed); return __libc_realloc(p, size); }
void *aligned_alloc(size_t alignment, size_t size) {
    atomic_fetch_add_explicit(&memaligns, 1, memory_order_relaxed);
    return __libc_memalign(alignment, size);
}
int posix_memalign(void **out, size_t alignment, size_t size) {
    atomic_fetch_add_explicit(&memaligns, 1, memory_order_relaxed);
    *out = __libc_memalign(alignment, size);
    return *out ? 0 : 12; /* ENOMEM */
}

__attribute__((destructor)) static void report(void) {
    fprintf(stderr, "MALLOC malloc=%ld calloc=%ld realloc=%ld memalign=%ld\n",
            atomic_load(&mallocs), atomic_load(&callocs), atomic_load(&reallocs), atomic_load(&memaligns));
}
