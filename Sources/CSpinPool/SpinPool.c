#include "CSpinPool.h"
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

enum { SPIN_NANOSECONDS = 200000 };

static pthread_once_t started = PTHREAD_ONCE_INIT;
static pthread_mutex_t callers = PTHREAD_MUTEX_INITIALIZER;   // one pair at a time
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static _Atomic unsigned long posted = 0;    // tickets handed to the helper
static _Atomic unsigned long finished = 0;  // the last ticket the helper completed
static csp_job pending_job;
// csp_meet calls of each part in the current job, a cache line apart.
static _Alignas(64) _Atomic unsigned long meetings[2][16];
static void *pending_context;

static inline void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void *helper(void *unused) {
    (void)unused;
    unsigned long seen = 0;
    for (;;) {
        long long deadline = now_ns() + SPIN_NANOSECONDS;
        unsigned spins = 0;
        while (atomic_load_explicit(&posted, memory_order_acquire) == seen) {
            relax();
            if ((++spins & 255) == 0 && now_ns() > deadline) {
                pthread_mutex_lock(&sleep_lock);
                while (atomic_load_explicit(&posted, memory_order_acquire) == seen) {
                    pthread_cond_wait(&wake, &sleep_lock);
                }
                pthread_mutex_unlock(&sleep_lock);
            }
        }
        seen = atomic_load_explicit(&posted, memory_order_acquire);
        pending_job(pending_context, 1);
        atomic_store_explicit(&finished, seen, memory_order_release);
    }
    return 0;
}

static void start_helper(void) {
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    pthread_create(&thread, &attributes, helper, 0);
    pthread_attr_destroy(&attributes);
}

void csp_run_pair(csp_job job, void *context) {
    pthread_once(&started, start_helper);
    pthread_mutex_lock(&callers);
    pending_job = job;
    pending_context = context;
    unsigned long ticket = atomic_load_explicit(&posted, memory_order_relaxed) + 1;
    atomic_store_explicit(&meetings[0][0], 0, memory_order_relaxed);
    atomic_store_explicit(&meetings[1][0], 0, memory_order_relaxed);
    // Publishing under sleep_lock means a helper about to sleep either sees the ticket or
    // is already waiting for the signal.
    pthread_mutex_lock(&sleep_lock);
    atomic_store_explicit(&posted, ticket, memory_order_release);
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&sleep_lock);
    job(context, 0);
    while (atomic_load_explicit(&finished, memory_order_acquire) != ticket) relax();
    pthread_mutex_unlock(&callers);
}

void csp_meet(int part) {
    unsigned long mine = atomic_load_explicit(&meetings[part][0], memory_order_relaxed) + 1;
    atomic_store_explicit(&meetings[part][0], mine, memory_order_release);
    while (atomic_load_explicit(&meetings[1 - part][0], memory_order_acquire) < mine) relax();
}

static _Atomic unsigned alternation[64];

int csp_alternate(const void *key) {
    unsigned long slot = ((unsigned long)key >> 12) * 0x9E3779B97F4A7C15UL >> 58;
    return (int)(atomic_fetch_add_explicit(&alternation[slot], 1, memory_order_relaxed) & 1);
}
