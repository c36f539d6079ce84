/*
 * fuzz.h - what the libFuzzer harnesses of tests/fuzz share.
 *
 * Each harness (tests/fuzz/TARGET.c) defines LLVMFuzzerTestOneInput() and
 * nothing else public.  `make fuzz` links it with libFuzzer under clang's
 * sanitizers (build-fuzz/fuzz-TARGET); the test suite links the same file
 * with tests/fuzz/replay.c under the normal compiler (build/fuzz-replay-
 * TARGET) and replays the corpus and the regression inputs through it.
 *
 * A harness checks properties as well as memory: a violated one is reported
 * by fuzz_fail() and ends in abort(), which both drivers take as a finding.
 * Diagnostics the library writes while parsing go nowhere (fuzz_quiet()),
 * so that a run is not slowed by them; fuzz_fail() still writes its own.
 */
#ifndef CRM_FUZZ_H
#define CRM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Input taken byte by byte from the front: the choices of a run (a zone, a
 * currency, a delimiter), then the rest as the value parsed. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

/* The next byte, 0 when none is left. */
unsigned fuzz_byte(struct fuzz_in *in);
/* The rest of the input as a NUL-terminated copy (free() it); a NUL byte in
 * it ends the string there, as it would a C caller's. */
char *fuzz_rest(struct fuzz_in *in);
/* Send the library's messages on stderr to /dev/null (once per process). */
void fuzz_quiet(void);
/* A path that reads data[0..n) from memory (a memfd, rewritten each call):
 * for the library's readers, which open a path and read(2) its descriptor. */
const char *fuzz_file(const void *data, size_t n);
/* Report a violated property about `value` and abort(). */
void fuzz_fail(const char *what, const char *value) __attribute__((noreturn));

#endif
