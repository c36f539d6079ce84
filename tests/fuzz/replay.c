/*
 * replay.c - run a harness over files without libFuzzer: each file named on
 * the command line is read whole and passed to LLVMFuzzerTestOneInput()
 * once.  The test suite replays the corpus and the regression inputs of
 * tests/fuzz with it, under the normal compiler; a finding aborts, and the
 * last name printed is the input that did it.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

static int replay(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;
	if (!fp) {
		perror(path);
		return -1;
	}
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			if (!(buf = realloc(buf, cap)))
				abort();
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
	} while (n);
	if (ferror(fp)) {
		perror(path);
		fclose(fp);
		free(buf);
		return -1;
	}
	fclose(fp);
	printf("%s\n", path);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int status = 0;
	for (int i = 1; i < argc; i++)
		if (replay(argv[i]) < 0)
			status = 1;
	return status;
}
