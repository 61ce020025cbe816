// Vectorized float32 exp, sigmoid and tanh for the gate kernels, on GCC/Clang vector types.
//
// libm's scalar expf/tanhf were 55% of all instructions in a training profile (callgrind, `seed`
// configuration); these process a whole register at a time with plain arithmetic (no tables,
// no branches).
// - exp: Cephes' expf: n = round(x·log2 e) through the 1.5·2^23 trick, r = x − n·ln2 (ln2 split
//   in two parts), a degree-6 polynomial in r, times 2^n built in the exponent bits. Input
//   clamped to [−87.3, 88.7]; relative error about 2 ulp.
// - sigmoid: 1 / (1 + exp(−x)), accurate in relative terms on both tails.
// - tanh: Eigen's rational approximation (degree 13 / 6) on x clamped to ±7.905 (where tanh
//   rounds to ±1 in float32); tanh(x) = x below 4e-4. Error a few ulp.
// The AVX2 path uses fused multiply-adds for the polynomials and the range reduction (sigmoid
// 20%, tanh 15% faster in a microbenchmark; the gate activations were 22% of a `seed` training
// profile), so it rounds differently from the SSE2 path in the last bit or two. Both stay within
// the accuracy above; results are reproducible on a given machine, as are OpenBLAS's, whose
// kernels also differ between CPUs.
#include "CVectorMath.h"
#include <stdlib.h>
#include <string.h>

#pragma clang fp contract(off)
// Vectors wider than a register are only passed between always-inline functions.
#pragma clang diagnostic ignored "-Wpsabi"

typedef float v32f __attribute__((vector_size(128)));
typedef int v32i __attribute__((vector_size(128)));
typedef float v8f __attribute__((vector_size(32)));
typedef int v8i __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));
typedef int v4i __attribute__((vector_size(16)));

#define VF v8f
#define VI v8i
#define LANES 8
#define SPLAT(x) ((v8f){x, x, x, x, x, x, x, x})
#define ATTR __attribute__((target("avx2,fma")))
#define NAME(x) x##_avx2
#define MADD(a, b, c) __builtin_elementwise_fma(a, b, c)
#include "VectorMathBody.inc"
#include "LSTMStepBody.inc"
#undef VF
#undef VI
#undef LANES
#undef SPLAT
#undef NAME

// The LSTM forward step again on 32 lanes (four AVX2 registers per operation): each activation is
// a long dependent chain, and four independent ones side by side keep the FMA units busy where
// one chain per loop iteration left them waiting (B 32 × H 64 step: 6.7 → 5.6 µs; 128 units
// 0.44 → 0.38 µs). Lane by lane the same operations, so the same bits as on 8 lanes, which take
// the last units short of 32.
#define VF v32f
#define VI v32i
#define LANES 32
#define SPLAT(x) ((v32f){x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x})
#define NAME(x) x##_avx2x4
#define NARROWER(x) x##_avx2
#define LSTM_FORWARD_ONLY
#include "VectorMathBody.inc"
#include "LSTMStepBody.inc"
#undef LSTM_FORWARD_ONLY
#undef NARROWER
#undef VF
#undef VI
#undef LANES
#undef SPLAT
#undef ATTR
#undef NAME
#undef MADD

#define VF v4f
#define VI v4i
#define LANES 4
#define SPLAT(x) ((v4f){x, x, x, x})
#define ATTR
#define NAME(x) x##_base
#define MADD(a, b, c) ((a) * (b) + (c))
#include "VectorMathBody.inc"
#include "LSTMStepBody.inc"

static int has_avx2(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1 : 0;
    }
    return cached;
}

/// FORECAST_BASELINE_SIMD=1 in the environment keeps the baseline path (for A/B timing).
static int force_baseline(void) {
    static int cached = -1;
    if (cached < 0) {
        const char *v = getenv("FORECAST_BASELINE_SIMD");
        cached = v != NULL && v[0] == '1';
    }
    return cached;
}

int cvm_uses_avx2(void) { return has_avx2() && !force_baseline(); }

void cvm_sigmoid(const float *src, float *dst, long n) {
    if (has_avx2() && !force_baseline()) sigmoid_avx2(src, dst, n); else sigmoid_base(src, dst, n);
}

void cvm_tanh(const float *src, float *dst, long n) {
    if (has_avx2() && !force_baseline()) tanh_avx2(src, dst, n); else tanh_base(src, dst, n);
}

void cvm_sigmoid_baseline(const float *src, float *dst, long n) { sigmoid_base(src, dst, n); }
void cvm_tanh_baseline(const float *src, float *dst, long n) { tanh_base(src, dst, n); }

void cvm_lstm_forward(long batch, long hidden, float *gates, const float *c_prev, float *c, float *c_tanh,
                      float *h, long ldh) {
    if (cvm_uses_avx2()) lstm_forward_avx2x4(batch, hidden, hidden, gates, c_prev, c, c_tanh, h, ldh);
    else lstm_forward_base(batch, hidden, hidden, gates, c_prev, c, c_tanh, h, ldh);
}

void cvm_lstm_forward_units(long hidden, long lo, long hi, float *gates, const float *c_prev, float *c,
                            float *c_tanh, float *h) {
    const float *cp = c_prev ? c_prev + lo : NULL;
    if (cvm_uses_avx2()) lstm_forward_avx2x4(1, hi - lo, hidden, gates + lo, cp, c + lo, c_tanh + lo, h + lo, 0);
    else lstm_forward_base(1, hi - lo, hidden, gates + lo, cp, c + lo, c_tanh + lo, h + lo, 0);
}

void cvm_lstm_backward(long batch, long hidden, const float *dh, long ldh, float *dc, const float *gates,
                       const float *c_prev, const float *c_tanh, float *d_gates) {
    if (cvm_uses_avx2()) lstm_backward_avx2(batch, hidden, dh, ldh, dc, gates, c_prev, c_tanh, d_gates);
    else lstm_backward_base(batch, hidden, dh, ldh, dc, gates, c_prev, c_tanh, d_gates);
}

void cvm_lstm_forward_baseline(long batch, long hidden, float *gates, const float *c_prev, float *c,
                               float *c_tanh, float *h, long ldh) {
    lstm_forward_base(batch, hidden, hidden, gates, c_prev, c, c_tanh, h, ldh);
}

void cvm_lstm_backward_baseline(long batch, long hidden, const float *dh, long ldh, float *dc, const float *gates,
                                const float *c_prev, const float *c_tanh, float *d_gates) {
    lstm_backward_base(batch, hidden, dh, ldh, dc, gates, c_prev, c_tanh, d_gates);
}
