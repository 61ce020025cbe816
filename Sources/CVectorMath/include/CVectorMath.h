#ifndef CVECTORMATH_H
#define CVECTORMATH_H

/// Float32 sigmoid and tanh over arrays, 8 lanes at a time, with one algorithm compiled twice:
/// for AVX2 with FMA (256-bit registers, fused multiply-adds) and for baseline x86-64 (SSE2),
/// chosen once at run time from the CPU's features. The two paths differ in the last bit or two
/// (fused versus separate roundings), both within a few ulp of the exact values; each is
/// deterministic.

/// dst[i] = 1 / (1 + exp(-src[i])) for i < n; src may equal dst.
void cvm_sigmoid(const float *src, float *dst, long n);
/// dst[i] = tanh(src[i]) for i < n; src may equal dst.
void cvm_tanh(const float *src, float *dst, long n);
/// 1 when the AVX2 + FMA path is in use.
int cvm_uses_avx2(void);
/// The baseline (SSE2) path whatever the CPU, for tests and comparisons.
void cvm_sigmoid_baseline(const float *src, float *dst, long n);
void cvm_tanh_baseline(const float *src, float *dst, long n);


/// One LSTM time step for `batch` rows, fused (the equations of Recurrent's LSTMKernel, same
/// operations in the same order): gates (batch, 4·hidden) pre-activations in, activations
/// i, f, g, o out; c_prev (batch, hidden) or NULL for zeros; c, c_tanh (batch, hidden) out;
/// h out, rows ldh apart.
void cvm_lstm_forward(long batch, long hidden, float *gates, const float *c_prev, float *c, float *c_tanh,
                      float *h, long ldh);
/// Units [lo, hi) of one row (batch 1) of a layer with `hidden` units: the same as
/// cvm_lstm_forward on that slice, so two threads can each run half of a batch-1 step.
void cvm_lstm_forward_units(long hidden, long lo, long hi, float *gates, const float *c_prev, float *c,
                            float *c_tanh, float *h);
/// Its backward: dh (rows ldh apart) and dc (dL/dc_t through the cell path) in; dc becomes
/// dL/dc_{t-1}; d_gates (batch, 4·hidden) out.
void cvm_lstm_backward(long batch, long hidden, const float *dh, long ldh, float *dc, const float *gates,
                       const float *c_prev, const float *c_tanh, float *d_gates);
void cvm_lstm_forward_baseline(long batch, long hidden, float *gates, const float *c_prev, float *c,
                               float *c_tanh, float *h, long ldh);
void cvm_lstm_backward_baseline(long batch, long hidden, const float *dh, long ldh, float *dc, const float *gates,
                                const float *c_prev, const float *c_tanh, float *d_gates);

/// sum_a[j] += Σ_r a[r·cols + j] and sum_u[j] += Σ_r u[r·cols + j] over rows r in order (a and u
/// may be the same matrix; the sums may not overlap them).
void cvm_add_column_sums(long rows, long cols, const float *a, const float *u, float *sum_a, float *sum_u);

/// dst[i] += src[i] for i < n (the arrays do not overlap).
void cvm_add(long n, const float *src, float *dst);
/// Σ x[i]² in double, in 16 interleaved partial sums (so not the bits of one running sum).
double cvm_squared_norm(long n, const float *x);

/// Adam's constants for one step: p ← p·(1 − lr·decoupled_decay) (AdamW), g ← g + coupled_decay·p
/// (Adam's L2), and the bias corrections 1 − β₁ᵗ, 1 − β₂ᵗ.
struct cvm_adam_constants {
    double lr, beta1, beta2, eps, decoupled_decay, coupled_decay, correction1, correction2;
};
/// One Adam step over n float parameters with double moments m and v (none of the arrays overlap).
void cvm_adam_step(long n, float *values, const float *gradients, double *m, double *v,
                   const struct cvm_adam_constants *constants);

/// The floating-point peak probe (FMAPeak.c): the widest fused multiply-add path this CPU runs,
/// 2 for AVX-512, 1 for AVX2 with FMA, 0 for the portable scalar loop.
int cvm_fma_best_path(void);
/// Runs `iterations` rounds of independent FMA chains on `path` (a path the CPU lacks runs the
/// portable loop) and returns the floating-point operations done (2 per multiply-add); `sink`
/// receives a sum of the results so that the work cannot be optimized away.
double cvm_fma_probe(int path, long iterations, float *sink);

#endif
