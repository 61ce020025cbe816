#ifndef CFUZZDRIVER_H
#define CFUZZDRIVER_H

/// Runs libFuzzer's driver (LLVMFuzzerRunDriver) with `callback` as the fuzz target. The symbol
/// is weak: in a build without `-sanitize=fuzzer` it is absent and this returns -1.
/// (SwiftPM points `main` at the executable's own entry, so libFuzzer's `main` is never used.)
typedef int (*cfd_callback)(const unsigned char *data, unsigned long size);
int cfd_run(int *argc, char ***argv, cfd_callback callback);

#endif
