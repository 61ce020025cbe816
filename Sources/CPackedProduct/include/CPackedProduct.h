#ifndef CPACKEDPRODUCT_H
#define CPACKEDPRODUCT_H

/// C += A · op(B) for the small products inside a recurrent time loop, where op(B) is the same
/// matrix (W_hhᵀ forward, W_hh backward) for every one of T steps: op(B) is packed once into
/// panels of 16 columns, and every step runs a 4 × 16 register tile (AVX2 + FMA) over it.
/// OpenBLAS packs both operands on every call, which for a 16 × 200 × 50 product costs about as
/// much as the arithmetic. The same kernel runs the input products over all T·B rows of a
/// sequence (X · W_ihᵀ forward), in blocks of 64 rows.
///
/// Available only where the CPU has AVX2 and FMA (`cpp_available`); elsewhere callers use BLAS.
/// Each output element is c + Σ_p a_p·b_p summed in order of p with fused multiply-adds, so
/// results do not depend on how rows or panels are split between threads.

/// 1 when the CPU has AVX2 and FMA and FORECAST_BASELINE_SIMD is not set.
int cpp_available(void);
/// Floats the panels of a (k, n) op(B) occupy.
long cpp_panel_floats(long k, long n);
/// Packs op(B) (k, n) into `panels`: op(B)[p][j] = b[j·ldb + p] when `transposed`, else b[p·ldb + j].
void cpp_pack(long k, long n, const float *b, long ldb, int transposed, float *panels);
/// c (m, n; rows ldc apart) += a (m, k; rows lda apart) · op(B) from `panels`.
void cpp_multiply(long m, long n, long k, const float *a, long lda, const float *panels, float *c, long ldc);
/// c (m, n; rows ldc apart) = bias (n) + a (m, k; rows lda apart) · op(B) from `panels`: the
/// same bits as filling every row of c with bias and then cpp_multiply, without that pass over c.
void cpp_multiply_bias(long m, long n, long k, const float *a, long lda, const float *panels, const float *bias,
                       float *c, long ldc);

/// y (n) += w (n, k; rows ldw apart) · x (k): one row times a recurrent weight matrix, each
/// output a dot product of a contiguous row (4 rows at a time, 2 accumulators each), as in
/// batch-1 prediction. Faster than OpenBLAS's sgemv from 8 columns up (microbenchmark, best of
/// 9: 200 × 50 0.65 vs 0.90 µs, 256 × 64 1.04 vs 1.29 µs, 512 × 256 8.1–8.9 vs 9.2–9.3 µs); with
/// fewer columns the horizontal sums cost more than sgemv's whole product. Row tails are masked
/// loads.
void cpp_rows_dot(long n, long k, const float *w, long ldw, const float *x, float *y);

#endif
