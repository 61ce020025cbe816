// Adam's update for float parameters with double moments: the loop of Recurrent's Optimizer,
// same operations in the same order (no FMA contraction), so the same bits. In Swift it stayed
// scalar (a division and a square root per parameter, 4% of a one-thread `seed` profile and
// more with two threads, where it runs while the other waits); here `restrict` lets the compiler
// vectorize it, for AVX2 and for baseline SSE2 (target_clones picks one at load time); the
// square root is the correctly rounded one without errno, which would keep it scalar.
#include "CVectorMath.h"

#pragma clang fp contract(off)

__attribute__((target_clones("avx2", "default")))
void cvm_adam_step(long n, float *restrict values, const float *restrict gradients, double *restrict m,
                   double *restrict v, const struct cvm_adam_constants *k) {
    const double lr = k->lr, b1 = k->beta1, b2 = k->beta2, eps = k->eps, c1 = k->correction1, c2 = k->correction2;
    const double keep = 1 - lr * k->decoupled_decay, coupled = k->coupled_decay;
    for (long i = 0; i < n; i++) {
        double p = (double)values[i] * keep;
        double g = (double)gradients[i] + coupled * p;
        double mi = b1 * m[i] + (1 - b1) * g;
        double vi = b2 * v[i] + (1 - b2) * g * g;
        m[i] = mi;
        v[i] = vi;
        values[i] = (float)(p - lr * (mi / c1) / (__builtin_elementwise_sqrt(vi / c2) + eps));
    }
}
