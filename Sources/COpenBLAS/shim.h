#ifndef COPENBLAS_SHIM_H
#define COPENBLAS_SHIM_H
#include <cblas.h>

/* Declared by OpenBLAS in openblas_config.h; repeated here so the shim does not depend on
   which cblas.h (reference or OpenBLAS) the include path resolves first. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_corename(void);
#endif
