// The sums a training step makes over the whole gradient between the threads' backward passes and
// the optimizer, while the other thread waits: adding the replicas' gradients and the squared norm
// (clipping, and the guard against non-finite gradients). In Swift both stayed scalar, the norm
// as one chain of dependent double additions (about 50 µs for `stacked`'s 52k parameters).
#include "CVectorMath.h"
#include <string.h>

#pragma clang fp contract(off)

__attribute__((target_clones("avx2", "default")))
void cvm_add(long n, const float *restrict src, float *restrict dst) {
    for (long i = 0; i < n; i++) dst[i] += src[i];
}

typedef float v4f __attribute__((vector_size(16)));
typedef double v4d __attribute__((vector_size(32)));

__attribute__((target_clones("avx2", "default")))
double cvm_squared_norm(long n, const float *x) {
    v4d acc[4] = {{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}};
    long i = 0;
    for (; i + 16 <= n; i += 16)
        for (int a = 0; a < 4; a++) {
            v4f f;
            memcpy(&f, x + i + 4 * a, sizeof f);
            v4d d = __builtin_convertvector(f, v4d);
            acc[a] += d * d;
        }
    v4d s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    double sum = (s[0] + s[1]) + (s[2] + s[3]);
    for (; i < n; i++) sum += (double)x[i] * (double)x[i];
    return sum;
}
