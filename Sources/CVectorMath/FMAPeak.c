// A probe of the core's floating-point peak: many independent chains of fused multiply-adds, so
// that neither the FMA latency nor memory limits the rate, only the number of FMA units and the
// vector width. One path per width, chosen by what the CPU supports; all are compiled on x86-64.
#include "CVectorMath.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

// Twelve named accumulators; after each round an empty asm statement takes them in and out of
// registers, so the compiler can neither keep them in memory nor reason the loop away.
#define CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define BARRIER(c) __asm__ volatile("" : "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3), "+v"(a4), "+v"(a5), \
                                        "+v"(a6), "+v"(a7), "+v"(a8), "+v"(a9), "+v"(a10), "+v"(a11))

// 12 chains of 16 lanes: enough to cover a 4-cycle latency on two 512-bit FMA ports.
__attribute__((target("avx512f")))
static double probe_avx512(long iterations, float *sink) {
#define INIT(i) __m512 a##i = _mm512_set1_ps(1.0f + 0.001f * (float)(i));
    CHAINS(INIT)
#undef INIT
    const __m512 m = _mm512_set1_ps(0.99999994f), a = _mm512_set1_ps(1e-7f);
    for (long k = 0; k < iterations; k++) {
#define STEP(i) a##i = _mm512_fmadd_ps(a##i, m, a);
        CHAINS(STEP)
#undef STEP
        BARRIER();
    }
    __m512 s = _mm512_setzero_ps();
#define SUM(i) s = _mm512_add_ps(s, a##i);
    CHAINS(SUM)
#undef SUM
    *sink = _mm512_reduce_add_ps(s);
    return 2.0 * 12 * 16 * (double)iterations;
}

// 12 chains of 8 lanes, within the 16 ymm registers.
__attribute__((target("avx2,fma")))
static double probe_avx2(long iterations, float *sink) {
#define INIT(i) __m256 a##i = _mm256_set1_ps(1.0f + 0.001f * (float)(i));
    CHAINS(INIT)
#undef INIT
    const __m256 m = _mm256_set1_ps(0.99999994f), a = _mm256_set1_ps(1e-7f);
    for (long k = 0; k < iterations; k++) {
#define STEP(i) a##i = _mm256_fmadd_ps(a##i, m, a);
        CHAINS(STEP)
#undef STEP
        BARRIER();
    }
    __m256 s = _mm256_setzero_ps();
#define SUM(i) s = _mm256_add_ps(s, a##i);
    CHAINS(SUM)
#undef SUM
    float lanes[8];
    _mm256_storeu_ps(lanes, s);
    float total = 0;
    for (int i = 0; i < 8; i++) total += lanes[i];
    *sink = total;
    return 2.0 * 12 * 8 * (double)iterations;
}

// Portable: scalar multiply-adds in twelve chains (one lane each).
static double probe_portable(long iterations, float *sink) {
#define INIT(i) float a##i = 1.0f + 0.001f * (float)(i);
    CHAINS(INIT)
#undef INIT
    for (long k = 0; k < iterations; k++) {
#define STEP(i) a##i = a##i * 0.99999994f + 1e-7f;
        CHAINS(STEP)
#undef STEP
        BARRIER();
    }
    float total = 0;
#define SUM(i) total += a##i;
    CHAINS(SUM)
#undef SUM
    *sink = total;
    return 2.0 * 12 * (double)iterations;
}
#else
// Other architectures: scalar chains, whatever the compiler makes of them.
static double probe_portable(long iterations, float *sink) {
    volatile float acc[12];
    for (int i = 0; i < 12; i++) acc[i] = 1.0f + 0.001f * (float)i;
    for (long k = 0; k < iterations; k++) {
        for (int i = 0; i < 12; i++) acc[i] = acc[i] * 0.99999994f + 1e-7f;
    }
    float total = 0;
    for (int i = 0; i < 12; i++) total += acc[i];
    *sink = total;
    return 2.0 * 12 * (double)iterations;
}
#endif

int cvm_fma_best_path(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
#endif
    return 0;
}

double cvm_fma_probe(int path, long iterations, float *sink) {
#if defined(__x86_64__) || defined(__i386__)
    if (path == 2 && __builtin_cpu_supports("avx512f")) return probe_avx512(iterations, sink);
    if (path == 1 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return probe_avx2(iterations, sink);
#endif
    (void)path;
    return probe_portable(iterations, sink);
}
