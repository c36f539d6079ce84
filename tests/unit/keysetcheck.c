/*
 * keysetcheck - lib/keyset.h on many structured strings (tests only).
 *
 *   keysetcheck COUNT   adds COUNT e-mails and phones shaped as a shop's
 *       (name + number @ domain, +8210 and eight digits), each asked about
 *       before it is added: a yes then is a fingerprint shared by two
 *       strings.  Then asks about every string again (each must be there)
 *       and about COUNT strings never added.  Prints "ok ADDED shared N
 *       unseen-yes N" and exits 0 when nothing added was lost and no
 *       string shared a fingerprint; else names the first and exits 1.
 *       A small max lets it fill: adding then returns -1 and adds nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyset.h"

static const char *const names[] = {"jiwoojang", "jiwoojung", "minjunkim", "seoyeonlee",
	"chloenguyen", "h.lee", "ahn_junghee"};
static const char *const domains[] = {"naver.example", "gmail.example", "daum.example"};

/* A string in and asked about by its key, as crm-import does. */
static int add(struct crm_keyset *s, const char *str, size_t len)
{
	return crm_keyset_add(s, crm_keyset_key(str, len));
}

static int has(const struct crm_keyset *s, const char *str, size_t len)
{
	return crm_keyset_has(s, crm_keyset_key(str, len));
}

/* The i-th string: an e-mail for even i, a phone for odd. */
static int key(long i, char *buf, size_t size)
{
	long k = i / 2;
	if (i % 2)
		return snprintf(buf, size, "+8210%08ld", (k * 7919) % 100000000);
	return snprintf(buf, size, "%s%ld@%s", names[k % 7], k, domains[(k / 7) % 3]);
}

static int bounded(void)
{
	struct crm_keyset s;
	char buf[64];
	long i;
	int n;
	crm_keyset_init(&s, 1024);
	for (i = 0; i < 10000; i++) {
		n = key(i, buf, sizeof buf);
		if (add(&s, buf, (size_t)n) < 0)
			break;
	}
	n = key(i, buf, sizeof buf);
	if (i != 768 || has(&s, buf, (size_t)n) || s.cap != 1024) {
		printf("a set of 1024 slots took %ld strings (cap %zu)\n", i, s.cap);
		return 1;
	}
	crm_keyset_release(&s);
	return 0;
}

int main(int argc, char **argv)
{
	struct crm_keyset s;
	char buf[64];
	long count = argc > 1 ? atol(argv[1]) : 0, i, shared = 0, unseen = 0;
	int n;
	if (count <= 0)
		return fprintf(stderr, "usage: keysetcheck COUNT\n"), 2;
	crm_keyset_init(&s, (size_t)1 << 24);
	for (i = 0; i < 2 * count; i++) {
		n = key(i, buf, sizeof buf);
		if (has(&s, buf, (size_t)n) && shared++ == 0)
			printf("shared a fingerprint: %s\n", buf);
		if (add(&s, buf, (size_t)n) < 0)
			return printf("full at %ld\n", i), 1;
	}
	for (i = 0; i < 2 * count; i++) {
		n = key(i, buf, sizeof buf);
		if (!has(&s, buf, (size_t)n))
			return printf("lost: %s\n", buf), 1;
		n = key(i + 2 * count, buf, sizeof buf);
		unseen += has(&s, buf, (size_t)n);
	}
	/* two e-mails of a 4M-customer shop that an earlier, weaker mix
	 * gave one fingerprint */
	add(&s, "jiwoojang2426632@naver.example", 30);
	if (has(&s, "jiwoojung2026672@naver.example", 30) && shared++ == 0)
		printf("shared a fingerprint: jiwoojung2026672@naver.example\n");
	printf("ok %ld shared %ld unseen-yes %ld\n", 2 * count, shared, unseen);
	crm_keyset_release(&s);
	return shared || unseen || bounded();
}
