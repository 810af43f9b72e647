// libFuzzer's driver, for an executable that has a main of its own (SwiftPM gives every
// executable one). Only declared here: the definition comes from libclang_rt.fuzzer,
// which swiftc links with -sanitize=fuzzer, so only the fuzz build may call it.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
