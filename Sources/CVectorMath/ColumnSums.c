// The bias gradients of a recurrent layer: column sums of dGates over all T·B rows. In Swift the
// loop stayed scalar (its pointers might alias), 2.2% of a `stacked` training profile; here
// `restrict` lets the compiler vectorize across columns, which keeps each column's additions in
// row order, so the sums are the same bits.
#include "CVectorMath.h"

#pragma clang fp contract(off)

__attribute__((target_clones("avx2", "default")))
void cvm_add_column_sums(long rows, long cols, const float *restrict a, const float *restrict u,
                         float *restrict sum_a, float *restrict sum_u) {
    for (long r = 0; r < rows; r++) {
        const float *ar = a + r * cols, *ur = u + r * cols;
        for (long j = 0; j < cols; j++) {
            sum_a[j] += ar[j];
            sum_u[j] += ur[j];
        }
    }
}
