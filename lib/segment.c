/* segment.c - segment schemes and saved runs; see segment.h. */
#include "i18n.h"
#include "segment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "diag.h"

/* ---- schemes ---------------------------------------------------------------------- */

/* The R x F grid as rectangles; the tests prove they tile the 25 cells. */
static const struct cell {
	const char *name;
	int r_lo, r_hi, f_lo, f_hi;
} grid[] = {
	{"Champions", 5, 5, 4, 5},
	{"Loyal", 3, 4, 4, 5},
	{"Potential Loyalists", 4, 5, 2, 3},
	{"New", 5, 5, 1, 1},
	{"Promising", 4, 4, 1, 1},
	{"Need Attention", 3, 3, 3, 3},
	{"About to Sleep", 3, 3, 1, 2},
	{"At Risk", 1, 2, 3, 4},
	{"Can't Lose", 1, 2, 5, 5},
	{"Hibernating", 1, 2, 1, 2},
};
#define NGRID ((int)(sizeof grid / sizeof grid[0]))

static const char *grid_names[NGRID];
static const char *life_names[] = {"New", "Regular", "VIP", "At Risk", "Lost"};
enum { L_NEW, L_REGULAR, L_VIP, L_RISK, L_LOST };

static int grid_index(int r, int f)
{
	int i;
	for (i = 0; i < NGRID; i++)
		if (r >= grid[i].r_lo && r <= grid[i].r_hi && f >= grid[i].f_lo && f <= grid[i].f_hi)
			return i;
	return -1;
}

int crm_grid_claims(int r, int f)
{
	int i, n = 0;
	for (i = 0; i < NGRID; i++)
		n += r >= grid[i].r_lo && r <= grid[i].r_hi && f >= grid[i].f_lo && f <= grid[i].f_hi;
	return n;
}

const char *crm_grid_segment(int r, int f)
{
	int i = grid_index(r, f);
	return i < 0 ? NULL : grid[i].name;
}

void crm_scheme_rfm(struct crm_scheme *s)
{
	int i;
	for (i = 0; i < NGRID; i++)
		grid_names[i] = grid[i].name;
	memset(s, 0, sizeof *s);
	s->kind = CRM_SCHEME_RFM;
	s->n = NGRID;
	s->names = grid_names;
}

void crm_scheme_lifecycle(struct crm_scheme *s, const struct crm_lifecycle *l)
{
	memset(s, 0, sizeof *s);
	s->kind = CRM_SCHEME_LIFECYCLE;
	s->life = *l;
	s->n = 5;
	s->names = life_names;
}

void crm_scheme_rules(struct crm_scheme *s, const struct crm_rules *rules)
{
	int i, n = crm_rules_nsegments(rules);
	memset(s, 0, sizeof *s);
	s->kind = CRM_SCHEME_RULES;
	s->rules = rules;
	s->names = crm_xmalloc((size_t)(n + 1) * sizeof *s->names);
	for (i = 0; i < n; i++)
		s->names[i] = crm_rules_segment(rules, i);
	s->n = n;
	/* a rules file may name its catch-all "Other" itself */
	if (crm_segment_find(s, "Other") < 0)
		s->names[s->n++] = "Other";
}

void crm_scheme_release(struct crm_scheme *s)
{
	if (s->kind == CRM_SCHEME_RULES)
		free(s->names);
	s->names = NULL;
}

const char *crm_scheme_label(const struct crm_scheme *s)
{
	return s->kind == CRM_SCHEME_RFM ? "rfm" : s->kind == CRM_SCHEME_LIFECYCLE ? "lifecycle" :
	       "rules";
}

static int lifecycle_of(const struct crm_lifecycle *l, const struct crm_rfm_entry *e)
{
	if (e->recency > l->lost_days)
		return L_LOST;
	if (e->recency > l->risk_days)
		return L_RISK;
	if (e->tenure <= l->new_days)
		return L_NEW;
	if (e->frequency >= l->vip_orders || (l->vip_spend >= 0 && e->monetary >= l->vip_spend))
		return L_VIP;
	return L_REGULAR;
}

static int rules_of(const struct crm_scheme *s, const struct crm_rfm_entry *e)
{
	struct crm_rule_vals v;
	int i;
	v.v[CRM_RV_RECENCY] = e->recency;
	v.v[CRM_RV_FREQUENCY] = e->frequency;
	v.v[CRM_RV_MONETARY] = e->monetary;
	v.v[CRM_RV_R] = e->score[CRM_FIG_R];
	v.v[CRM_RV_F] = e->score[CRM_FIG_F];
	v.v[CRM_RV_M] = e->score[CRM_FIG_M];
	v.v[CRM_RV_TENURE] = e->tenure;
	i = crm_rules_match(s->rules, &v);
	return i >= 0 ? i : crm_segment_find(s, "Other");
}

int crm_segment_of(const struct crm_scheme *s, const struct crm_rfm_entry *e)
{
	switch (s->kind) {
	case CRM_SCHEME_RFM:
		return grid_index(e->score[CRM_FIG_R], e->score[CRM_FIG_F]);
	case CRM_SCHEME_LIFECYCLE:
		return lifecycle_of(&s->life, e);
	default:
		return rules_of(s, e);
	}
}

/* The built-in segments' Korean labels, written here rather than taken from
 * the catalogue: a label given as --segment means its segment whatever the
 * locale and whether or not the catalogue is installed. */
static const struct label {
	const char *name, *ko;
} labels[] = {
	{"Champions", "최우수고객"}, {"Loyal", "충성고객"}, {"Potential Loyalists", "잠재충성고객"},
	{"New", "신규고객"}, {"Promising", "유망고객"}, {"Need Attention", "관심필요"},
	{"About to Sleep", "휴면임박"}, {"At Risk", "이탈위험"}, {"Can't Lose", "놓치면안될고객"},
	{"Hibernating", "휴면고객"}, {"Regular", "일반고객"}, {"VIP", "VIP고객"},
	{"Lost", "이탈고객"}, {"Other", "기타"},
};
#define NLABEL ((int)(sizeof labels / sizeof labels[0]))

const char *crm_segment_label(const char *name)
{
	int i;
	if (strcmp(crm_lang(), "ko"))
		return name;
	for (i = 0; i < NLABEL; i++)
		if (!strcmp(labels[i].name, name))
			return labels[i].ko;
	return name;
}

const char *crm_segment_name(const char *arg)
{
	int i;
	for (i = 0; i < NLABEL; i++)
		if (!strcmp(labels[i].ko, arg))
			return labels[i].name;
	return arg;
}

int crm_segment_find(const struct crm_scheme *s, const char *name)
{
	int i;
	name = crm_segment_name(name);
	for (i = 0; i < s->n; i++)
		if (!strcasecmp(s->names[i], name))
			return i;
	return -1;
}

void crm_segment_list(const struct crm_scheme *s, char *out, size_t size)
{
	size_t o = 0;
	int i;
	out[0] = '\0';
	for (i = 0; i < s->n && o + 1 < size; i++) {
		const char *label = crm_segment_label(s->names[i]);
		if (label == s->names[i])
			o += (size_t)snprintf(out + o, size - o, "%s'%s'", i ? ", " : "", label);
		else
			o += (size_t)snprintf(out + o, size - o, "%s'%s' (%s)", i ? ", " : "",
					      s->names[i], label);
	}
}
