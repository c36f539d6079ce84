/* self.c - the file the running program was started from.  See self.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "self.h"

/* The first file called `name` in PATH that may be run, into out; an empty
 * entry is the current directory. */
static int path_lookup(const char *name, char out[PATH_MAX])
{
	const char *p = getenv("PATH");
	if (!p)
		return -1;
	for (;;) {
		size_t n = strcspn(p, ":");
		int w = n ? snprintf(out, PATH_MAX, "%.*s/%s", (int)n, p, name)
			  : snprintf(out, PATH_MAX, "./%s", name);
		if (w > 0 && w < PATH_MAX && access(out, X_OK) == 0)
			return 0;
		if (!p[n])
			return -1;
		p += n + 1;
	}
}

/* The file this program runs from, symlinks resolved, by the first of the
 * three ways that works. */
int crm_self_path(const char *argv0, char out[PATH_MAX])
{
	char found[PATH_MAX];
	ssize_t n;
	if (strchr(argv0, '/') && realpath(argv0, out))
		return 0;
	n = readlink("/proc/self/exe", out, PATH_MAX - 1);
	if (n > 0) {
		out[n] = '\0';
		return 0;
	}
	if (!strchr(argv0, '/') && path_lookup(argv0, found) == 0 && realpath(found, out))
		return 0;
	return -1;
}
