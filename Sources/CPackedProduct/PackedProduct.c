// The packed small-product kernel: see include/CPackedProduct.h.
#include "CPackedProduct.h"
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

enum { NR = 16, MR = 4 };
/// Rows per block in a long product: every panel runs over one block of A while it is in L1
/// (64 rows × 64 floats is 16 KiB) instead of streaming all of A once per panel, which on
/// `stacked`'s 1536 rows came from L2 or L3 (microbenchmark: 1536 × 256 × 64 at 99.6 vs 96.7
/// GFLOP/s, 1536 × 64 × 256 at 97.4 vs 92.9).
enum { MB = 64 };

int cpp_available(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        const char *v = getenv("FORECAST_BASELINE_SIMD");
        int forced = v != NULL && v[0] == '1';
        cached = !forced && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return cached;
}

long cpp_panel_floats(long k, long n) { return (n + NR - 1) / NR * NR * k; }

/// Transposes the 8 × 8 block in r: r[c] holds lane c of every input row afterwards.
__attribute__((target("avx2,fma"), always_inline))
static inline void transpose8(__m256 r[8]) {
    __m256 t[8], s[8];
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 2; i++) {
        s[4 * i] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
        s[4 * i + 1] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0xEE);
        s[4 * i + 2] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
        s[4 * i + 3] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
    }
    for (int i = 0; i < 4; i++) {
        r[i] = _mm256_permute2f128_ps(s[i], s[i + 4], 0x20);
        r[i + 4] = _mm256_permute2f128_ps(s[i], s[i + 4], 0x31);
    }
}

/// Full panels of a transposed op(B) (rows of b become panel columns), 8 × 8 blocks at a time:
/// 9× faster than element by element on 512 × 256 (21 vs 180 µs), which matters where a batch-1
/// prediction packs W_hh on every call. Leaves p from the returned index on for the caller.
__attribute__((target("avx2,fma")))
static long pack_transposed_panel(long k, const float *b, long ldb, float *dst) {
    long p = 0;
    for (; p + 8 <= k; p += 8)
        for (int half = 0; half < 2; half++) {
            __m256 r[8];
            for (int l = 0; l < 8; l++) r[l] = _mm256_loadu_ps(b + (half * 8 + l) * ldb + p);
            transpose8(r);
            for (int c = 0; c < 8; c++) _mm256_storeu_ps(dst + (p + c) * NR + half * 8, r[c]);
        }
    return p;
}

/// Full panels of op(B) = B: each panel row is NR consecutive floats of a row of b. Every
/// training batch packs W_hh and W_ih so for its backward products; element by element, with a
/// branch per element, that was 0.43% of a one-thread `stacked` profile, and is 0.16% this way.
static long pack_panel(long k, const float *b, long ldb, float *dst) {
    for (long p = 0; p < k; p++) memcpy(dst + p * NR, b + p * ldb, NR * sizeof(float));
    return k;
}

void cpp_pack(long k, long n, const float *b, long ldb, int transposed, float *panels) {
    for (long q = 0; q < n; q += NR) {
        float *dst = panels + q * k;
        long p = q + NR > n ? 0
                 : !transposed ? pack_panel(k, b + q, ldb, dst)
                 : cpp_available() ? pack_transposed_panel(k, b + q * ldb, ldb, dst) : 0;
        for (; p < k; p++)
            for (long l = 0; l < NR; l++) {
                long j = q + l;
                dst[p * NR + l] = j >= n ? 0.0f : transposed ? b[j * ldb + p] : b[p * ldb + j];
            }
    }
}

/// Rows [0, rows) (rows ≤ MR, a compile-time constant after inlining) times one panel; `cols`
/// of its 16 columns are real.
__attribute__((target("avx2,fma"), always_inline))
static inline void tile(long rows, long k, const float *a, long lda, const float *panel, const float *bias, float *c,
                        long ldc, long cols) {
    __m256 acc[MR][2];
    for (long r = 0; r < rows; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    for (long p = 0; p < k; p++) {
        __m256 b0 = _mm256_loadu_ps(panel + p * NR), b1 = _mm256_loadu_ps(panel + p * NR + 8);
        for (long r = 0; r < rows; r++) {
            __m256 x = _mm256_broadcast_ss(a + r * lda + p);
            acc[r][0] = _mm256_fmadd_ps(x, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(x, b1, acc[r][1]);
        }
    }
    for (long r = 0; r < rows; r++) {
        float *cr = c + r * ldc;
        const float *base = bias ? bias : cr;
        if (cols == NR) {
            _mm256_storeu_ps(cr, _mm256_add_ps(_mm256_loadu_ps(base), acc[r][0]));
            _mm256_storeu_ps(cr + 8, _mm256_add_ps(_mm256_loadu_ps(base + 8), acc[r][1]));
        } else {
            float sum[NR];
            _mm256_storeu_ps(sum, acc[r][0]);
            _mm256_storeu_ps(sum + 8, acc[r][1]);
            for (long l = 0; l < cols; l++) cr[l] = base[l] + sum[l];
        }
    }
}

/// One row of A times four full panels: eight accumulators, one broadcast per p. Each output
/// is summed in the same order as in `tile`, so a single row gives the bits of the same row in a
/// larger product. Streams one panel after another instead of `tile`'s two accumulators per
/// row, which wait on each other (512 × 256: 5.9 µs vs 7.0 for `cpp_rows_dot` on aligned rows).
__attribute__((target("avx2,fma")))
static void row_times_four_panels(long k, const float *a, const float *panels, const float *bias, float *c) {
    const float *b[4] = {panels, panels + NR * k, panels + 2 * NR * k, panels + 3 * NR * k};
    __m256 acc[8];
    for (int i = 0; i < 8; i++) acc[i] = _mm256_setzero_ps();
    for (long p = 0; p < k; p++) {
        __m256 x = _mm256_broadcast_ss(a + p);
        for (int i = 0; i < 8; i++) acc[i] = _mm256_fmadd_ps(x, _mm256_loadu_ps(b[i / 2] + p * NR + i % 2 * 8), acc[i]);
    }
    for (int i = 0; i < 8; i++) {
        long j = (i / 2) * NR + i % 2 * 8;
        _mm256_storeu_ps(c + j, _mm256_add_ps(_mm256_loadu_ps(bias ? bias + j : c + j), acc[i]));
    }
}

/// c = (bias, or c itself when bias is NULL) + a · op(B), in blocks of MB rows.
__attribute__((target("avx2,fma")))
static void product(long m, long n, long k, const float *a, long lda, const float *panels, const float *bias, float *c,
                    long ldc) {
    long first = 0;
    if (m == 1)
        for (; first + 4 * NR <= n; first += 4 * NR)
            row_times_four_panels(k, a, panels + first * k, bias ? bias + first : NULL, c + first);
    for (long i0 = 0; i0 < m; i0 += MB) {
        long end = m - i0 < MB ? m : i0 + MB;
        for (long q = first; q < n; q += NR) {
            const float *panel = panels + q * k, *b = bias ? bias + q : NULL;
            long cols = n - q < NR ? n - q : NR;
            long i = i0;
            for (; i + MR <= end; i += MR) tile(MR, k, a + i * lda, lda, panel, b, c + i * ldc + q, ldc, cols);
            switch (end - i) {
            case 3: tile(3, k, a + i * lda, lda, panel, b, c + i * ldc + q, ldc, cols); break;
            case 2: tile(2, k, a + i * lda, lda, panel, b, c + i * ldc + q, ldc, cols); break;
            case 1: tile(1, k, a + i * lda, lda, panel, b, c + i * ldc + q, ldc, cols); break;
            default: break;
            }
        }
    }
}

void cpp_multiply(long m, long n, long k, const float *a, long lda, const float *panels, float *c, long ldc) {
    product(m, n, k, a, lda, panels, NULL, c, ldc);
}

void cpp_multiply_bias(long m, long n, long k, const float *a, long lda, const float *panels, const float *bias,
                       float *c, long ldc) {
    product(m, n, k, a, lda, panels, bias, c, ldc);
}

__attribute__((target("avx2,fma")))
static inline float horizontal_sum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}

/// Lanes [0, n) of a mask (n ≤ 8), as masked loads take it.
__attribute__((target("avx2,fma"), always_inline))
static inline __m256i first_lanes(long n) {
    static const int ones_then_zeros[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
    return _mm256_loadu_si256((const __m256i *)(ones_then_zeros + 8 - n));
}

/// Rows [0, rows) of w (rows ≤ 4, constant after inlining), each dotted with x.
__attribute__((target("avx2,fma"), always_inline))
static inline void dot_rows(long rows, long k, const float *w, long ldw, const float *x, float *y) {
    __m256 a[4][2];
    for (long r = 0; r < rows; r++) a[r][0] = a[r][1] = _mm256_setzero_ps();
    long p = 0;
    for (; p + 16 <= k; p += 16) {
        __m256 x0 = _mm256_loadu_ps(x + p), x1 = _mm256_loadu_ps(x + p + 8);
        for (long r = 0; r < rows; r++) {
            a[r][0] = _mm256_fmadd_ps(_mm256_loadu_ps(w + r * ldw + p), x0, a[r][0]);
            a[r][1] = _mm256_fmadd_ps(_mm256_loadu_ps(w + r * ldw + p + 8), x1, a[r][1]);
        }
    }
    for (; p < k; p += 8) {
        __m256i lanes = first_lanes(k - p < 8 ? k - p : 8);
        __m256 xv = _mm256_maskload_ps(x + p, lanes);
        for (long r = 0; r < rows; r++) a[r][0] = _mm256_fmadd_ps(_mm256_maskload_ps(w + r * ldw + p, lanes), xv, a[r][0]);
    }
    for (long r = 0; r < rows; r++) y[r] += horizontal_sum(_mm256_add_ps(a[r][0], a[r][1]));
}

__attribute__((target("avx2,fma")))
void cpp_rows_dot(long n, long k, const float *w, long ldw, const float *x, float *y) {
    long j = 0;
    for (; j + 4 <= n; j += 4) dot_rows(4, k, w + j * ldw, ldw, x, y + j);
    switch (n - j) {
    case 3: dot_rows(3, k, w + j * ldw, ldw, x, y + j); break;
    case 2: dot_rows(2, k, w + j * ldw, ldw, x, y + j); break;
    case 1: dot_rows(1, k, w + j * ldw, ldw, x, y + j); break;
    default: break;
    }
}
