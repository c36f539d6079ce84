/* sla.c - service level targets from a file; see sla.h. */
#include "i18n.h"
#include "sla.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "parse.h"
#include "ticket.h"

#define SLA_MAX_SECS (366LL * 86400)   /* a target of more than a year is a typo */

struct rule {
	int priority;              /* index in crm_ticket_priorities, or -1: default */
	char *channel;             /* NULL: every channel */
	struct crm_sla_target first, resolve;
};

struct crm_sla {
	struct rule *r;
	size_t n, cap;
	int hours_seen, calendar;  /* the file's `hours` */
};

/* A word of a line: s[0..n). */
struct word {
	const char *s;
	size_t n;
};

/* The words of line, up to a '#', into w[max]: how many, or -1 past max. */
static int split(const char *line, struct word *w, int max)
{
	const char *p = line;
	int n = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			return n;
		if (n == max)
			return -1;
		w[n].s = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '#')
			p++;
		w[n].n = (size_t)(p - w[n].s);
		n++;
	}
}

static int is(const struct word *w, const char *kw)
{
	return crm_parse_keyword(w->s, w->n, kw);
}

/* `hours business|calendar` */
static int hours_line(struct crm_sla *s, const struct word *w, int n, struct crm_parse_error *e)
{
	if (s->hours_seen)
		return crm_parse_fail(e, w[0].s, _("'hours' given twice"));
	if (s->n)
		return crm_parse_fail(e, w[0].s, _("'hours' must come before the targets it is for"));
	if (n != 2 || !(is(&w[1], "business") || is(&w[1], "calendar")))
		return crm_parse_fail(e, n > 1 ? w[1].s : w[0].s + w[0].n,
				      _("expected 'hours business' or 'hours calendar'"));
	s->hours_seen = 1;
	s->calendar = is(&w[1], "calendar");
	return 0;
}

static const struct rule *find(const struct crm_sla *s, int priority, const char *ch, size_t chn)
{
	size_t i;
	for (i = 0; i < s->n; i++) {
		const struct rule *r = &s->r[i];
		if (r->priority == priority &&
		    (r->channel ? ch && strlen(r->channel) == chn && !memcmp(r->channel, ch, chn)
				: !ch))
			return r;
	}
	return NULL;
}

/* `first D` and `resolve D` from w[*k], then the hours word, into r. */
static int targets(const struct crm_sla *s, struct rule *r, const struct word *w, int n, int k,
		   struct crm_parse_error *e)
{
	const struct word *dur[2] = {NULL, NULL};
	struct crm_sla_target *t[2] = {&r->first, &r->resolve};
	int calendar = s->calendar, j;
	for (; k < n; k++) {
		int which = is(&w[k], "first") ? 0 : is(&w[k], "resolve") ? 1 : -1;
		if (which < 0 && k == n - 1 && (is(&w[k], "business") || is(&w[k], "calendar"))) {
			calendar = is(&w[k], "calendar");
			break;
		}
		if (which < 0)
			return crm_parse_fail(e, w[k].s, _("expected 'first', 'resolve', 'business' or "
					      "'calendar', not '%.*s'"), (int)w[k].n, w[k].s);
		if (dur[which])
			return crm_parse_fail(e, w[k].s, _("'%s' given twice"), which ? "resolve" : "first");
		if (++k == n)
			return crm_parse_fail(e, w[k - 1].s + w[k - 1].n, _("a duration is missing "
					      "(like 30m, 4h, 1h30m)"));
		dur[which] = &w[k];
	}
	if (!dur[0] && !dur[1])
		return crm_parse_fail(e, w[n - 1].s + w[n - 1].n, _("no target: expected 'first "
				      "DURATION', 'resolve DURATION' or both"));
	for (j = 0; j < 2; j++) {
		t[j]->secs = -1;
		t[j]->calendar = calendar;
		if (!dur[j])
			continue;
		if (!calendar && memchr(dur[j]->s, 'd', dur[j]->n))
			return crm_parse_fail(e, dur[j]->s, _("days are ambiguous in business hours "
					      "(24 hours or one opening day?): write hours"));
		if ((t[j]->secs = crm_parse_duration(dur[j]->s, dur[j]->n, SLA_MAX_SECS)) <= 0)
			return crm_parse_fail(e, dur[j]->s, _("'%.*s' is not a duration from 1s to "
					      "366d (like 30m, 4h, 1h30m)"), (int)dur[j]->n, dur[j]->s);
	}
	return 0;
}

static int target_line(struct crm_sla *s, const struct word *w, int n, struct crm_parse_error *e)
{
	struct rule r = {0};
	const char *ch = NULL;
	size_t chn = 0;
	int k = 1;
	r.priority = crm_ticket_priority(w[0].s, w[0].n);
	if (r.priority < 0 && !crm_parse_keyword(w[0].s, w[0].n, "default"))
		return crm_parse_fail(e, w[0].s, _("unknown priority '%.*s' (urgent, high, normal, "
				      "low or default)"), (int)w[0].n, w[0].s);
	if (n > 1 && is(&w[1], "via")) {
		if (n == 2)
			return crm_parse_fail(e, w[1].s + w[1].n, _("a channel is missing after 'via'"));
		ch = w[2].s;
		chn = w[2].n;
		k = 3;
	}
	if (find(s, r.priority, ch, chn))
		return crm_parse_fail(e, w[0].s, _("targets of '%.*s%s%.*s' given twice"), (int)w[0].n,
				      w[0].s, ch ? " via " : "", (int)chn, ch ? ch : "");
	if (k == n)
		return crm_parse_fail(e, w[k - 1].s + w[k - 1].n, _("no target: expected 'first "
				      "DURATION', 'resolve DURATION' or both"));
	if (targets(s, &r, w, n, k, e) < 0)
		return -1;
	if (ch) {
		r.channel = crm_xmalloc(chn + 1);
		memcpy(r.channel, ch, chn);
		r.channel[chn] = '\0';
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->r = crm_xrealloc(s->r, s->cap * sizeof *s->r);
	}
	s->r[s->n++] = r;
	return 0;
}

#define MAX_WORDS 16

/* One line (parse.h's line function; lines end at their NUL). */
static int sla_line(void *ctx, const char *line, size_t len, long lineno,
		    struct crm_parse_error *e)
{
	struct crm_sla *s = ctx;
	struct word w[MAX_WORDS];
	int n = split(line, w, MAX_WORDS);
	(void)len;
	(void)lineno;
	if (n < 0)
		return crm_parse_fail(e, line, _("more than %d words"), MAX_WORDS);
	if (n == 0)
		return 0;
	if (is(&w[0], "hours"))
		return hours_line(s, w, n, e);
	return target_line(s, w, n, e);
}

struct crm_sla *crm_sla_load(const char *path, int *rc, char *err, size_t errsize)
{
	struct crm_sla *s = crm_xcalloc(1, sizeof *s);
	*rc = crm_parse_file(path, sla_line, s, err, errsize);
	if (*rc == CRM_OK && !s->n) {
		snprintf(err, errsize, _("%s: no target (a line like 'high first 4h resolve 16h')"),
			 path);
		*rc = CRM_EUSAGE;
	}
	if (*rc != CRM_OK) {
		crm_sla_free(s);
		return NULL;
	}
	return s;
}

struct crm_sla *crm_sla_calendar(long long first, long long resolve)
{
	struct crm_sla *s = crm_xcalloc(1, sizeof *s);
	s->r = crm_xcalloc(1, sizeof *s->r);
	s->n = s->cap = 1;
	s->r[0].priority = -1;
	s->r[0].first = (struct crm_sla_target){first > 0 ? first : -1, 1};
	s->r[0].resolve = (struct crm_sla_target){resolve > 0 ? resolve : -1, 1};
	s->calendar = 1;
	return s;
}

void crm_sla_free(struct crm_sla *s)
{
	size_t i;
	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		free(s->r[i].channel);
	free(s->r);
	free(s);
}

/* The first of the lines tried in order that sets target `which`. */
static struct crm_sla_target pick(const struct rule *const *tried, int n, int which)
{
	struct crm_sla_target none = {-1, 0};
	int i;
	for (i = 0; i < n; i++)
		if (tried[i]) {
			const struct crm_sla_target *t = which ? &tried[i]->resolve : &tried[i]->first;
			if (t->secs > 0)
				return *t;
		}
	return none;
}

void crm_sla_targets(const struct crm_sla *s, const char *priority, const char *channel,
		     struct crm_sla_target *first, struct crm_sla_target *resolve)
{
	int p = priority ? crm_ticket_priority(priority, strlen(priority)) : -1;
	size_t chn = channel ? strlen(channel) : 0;
	const struct rule *tried[4] = {
		p >= 0 && channel ? find(s, p, channel, chn) : NULL,
		p >= 0 ? find(s, p, NULL, 0) : NULL,
		channel ? find(s, -1, channel, chn) : NULL,
		find(s, -1, NULL, 0),
	};
	*first = pick(tried, 4, 0);
	*resolve = pick(tried, 4, 1);
}

int crm_sla_uses_business(const struct crm_sla *s)
{
	size_t i;
	for (i = 0; i < s->n; i++)
		if ((s->r[i].first.secs > 0 && !s->r[i].first.calendar) ||
		    (s->r[i].resolve.secs > 0 && !s->r[i].resolve.calendar))
			return 1;
	return 0;
}
