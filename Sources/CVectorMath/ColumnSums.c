// The bias gradients of a recurrent layer: column sums of dGates over all T·B rows. In Swift the
// loop stayed scalar (its pointers might alias), 2.2% of a `stacked` training profile. Here a
// block of 32 columns stays in registers down all the rows (one load and one add per 8 values,
// where a row-by-row loop also loads and stores the sums), and each column still adds its rows
// in order onto its starting value, so the sums are the same bits as that loop's.
#include "CVectorMath.h"
#include <string.h>

#pragma clang fp contract(off)

enum { BLOCK = 32 };

typedef float v8f __attribute__((vector_size(32)));

/// Columns [j, j + BLOCK) of a and u, into sum_a and sum_u.
__attribute__((target("avx2"), always_inline))
static inline void block_sums(long rows, long cols, long j, const float *a, const float *u, float *sum_a,
                              float *sum_u) {
    v8f sa[4], su[4];
    memcpy(sa, sum_a + j, sizeof sa);
    memcpy(su, sum_u + j, sizeof su);
    for (long r = 0; r < rows; r++) {
        v8f x[4], y[4];
        memcpy(x, a + r * cols + j, sizeof x);
        memcpy(y, u + r * cols + j, sizeof y);
        for (int i = 0; i < 4; i++) {
            sa[i] += x[i];
            su[i] += y[i];
        }
    }
    memcpy(sum_a + j, sa, sizeof sa);
    memcpy(sum_u + j, su, sizeof su);
}

/// Columns [j, j + 2 · BLOCK) when u is a and both sums start with the same bits there (LSTM and
/// RNN share dGates for both biases): one sum, stored twice. Each sum is a chain of dependent
/// adds down the rows, so the registers this frees take a second block's chains instead.
__attribute__((target("avx2"), always_inline))
static inline void shared_block_sums(long rows, long cols, long j, const float *a, float *sum_a, float *sum_u) {
    v8f s[8];
    memcpy(s, sum_a + j, sizeof s);
    for (long r = 0; r < rows; r++) {
        v8f x[8];
        memcpy(x, a + r * cols + j, sizeof x);
        for (int i = 0; i < 8; i++) s[i] += x[i];
    }
    memcpy(sum_a + j, s, sizeof s);
    memcpy(sum_u + j, s, sizeof s);
}

/// Columns [first, cols), row by row.
static void column_sums_from(long first, long rows, long cols, const float *a, const float *u, float *sum_a,
                             float *sum_u) {
    for (long r = 0; r < rows; r++)
        for (long c = first; c < cols; c++) {
            sum_a[c] += a[r * cols + c];
            sum_u[c] += u[r * cols + c];
        }
}

__attribute__((target("avx2")))
static void column_sums_avx2(long rows, long cols, const float *a, const float *u, float *sum_a, float *sum_u) {
    long j = 0;
    if (a == u)
        for (; j + 2 * BLOCK <= cols && memcmp(sum_a + j, sum_u + j, 2 * BLOCK * sizeof(float)) == 0; j += 2 * BLOCK)
            shared_block_sums(rows, cols, j, a, sum_a, sum_u);
    for (; j + BLOCK <= cols; j += BLOCK) block_sums(rows, cols, j, a, u, sum_a, sum_u);
    column_sums_from(j, rows, cols, a, u, sum_a, sum_u);
}

void cvm_add_column_sums(long rows, long cols, const float *a, const float *u, float *sum_a, float *sum_u) {
    if (cvm_uses_avx2()) column_sums_avx2(rows, cols, a, u, sum_a, sum_u);
    else column_sums_from(0, rows, cols, a, u, sum_a, sum_u);
}
