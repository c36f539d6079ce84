/*
 * loyalty_program.c - a loyalty program file and its arithmetic; see
 * loyalty_program.h.
 *
 * A line is read in one pass into the program: a key, '=', then the key's
 * own small grammar over words, numbers and punctuation.  Amounts depend on
 * the currency, which may come on a later line: an amount read before it
 * keeps its digits (struct later) and is scaled, or refused at its own
 * line and column, when the currency line comes.  So both forms, a file
 * read line by line through textfile.h and a text in memory, feed the same
 * line parser and nothing is kept but the program.
 */
#include "i18n.h"
#include "loyalty_program.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "parse.h"
#include "period.h"
#include "textfile.h"

#define EARN_POINTS_MAX 1000000000LL
#define BONUS_MAX 1000000000000LL
#define COUNT_MAX 1000000000LL          /* orders in a condition */
#define PENDING_MAX 3650
#define DAYS_MAX 36500
#define MONTHS_MAX 1200
#define MULT_MAX (1000 * CRM_LOYALTY_X1)
#define LATER_MAX (2 + CRM_LOYALTY_TIERS * CRM_LOYALTY_CONDS)

/* ---- tokens ------------------------------------------------------------------ */

enum tk { T_END, T_WORD, T_NUM, T_OP, T_COMMA, T_OTHER };

struct tok {
	enum tk k;
	const char *s;
	size_t n;
};

/* An amount read before the currency: scaled when it comes. */
struct later {
	int64_t *dst;
	uint64_t digits;                /* the number without its point */
	int ndec, over;                 /* decimals; 1: digits overflowed */
	long lineno, col;
	char text[72];                  /* quoted, for the message */
};

enum key { K_CURRENCY, K_EARN, K_MIN_ORDER, K_PENDING, K_EXPIRES, K_TIER, K_DOWNGRADE,
	   K_BIRTHDAY, K_SIGNUP, K_POINT_VALUE, NKEYS };

static const char *const key_names[NKEYS] = {
	"currency", "earn", "min_order", "pending", "expires", "tier", "downgrade", "birthday",
	"signup", "point_value",
};

struct parser {
	struct crm_loyalty_program *p;
	const char *line;               /* the line, for columns */
	long lineno;
	const char *pos, *end;          /* still to read */
	struct tok tok, prev;           /* prev.k == T_END: tok is the first */
	long at_line, at_col;           /* or there, for an amount checked late */
	struct crm_parse_error err;
	long seen[NKEYS];               /* line of each key, 0: not yet */
	long tier_line[CRM_LOYALTY_TIERS];
	int have_currency;
	int nlater;
	struct later later[LATER_MAX];
};

/* The first problem, where it is: -1 (parse.h). */
#define fail(ps, at, ...) crm_parse_fail(&(ps)->err, (at), __VA_ARGS__)


#define QTOK(t, buf) crm_quote_n((t)->s, (t)->n, buf, sizeof buf)

static int is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

static int is_alpha(char c)
{
	unsigned char u = (unsigned char)c;
	return u == '_' || (unsigned char)((u | 0x20) - 'a') < 26 || u >= 0x80;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}


static int is_kw(const struct tok *t, const char *kw)
{
	return t->k == T_WORD && crm_parse_keyword(t->s, t->n, kw);
}

/* The end of a word at p: letters, digits, '_', '.', '-' and any byte of
 * UTF-8, so that "x1.5x" and "month-end" are each one token.  A number
 * runs to the next space or ',' that is not before a digit, so that
 * "12abc", "5%" and "1,000" are each refused whole. */
static const char *word_end(const char *p, const char *e, int number)
{
	if (number) {
		while (p < e && *p != ' ' && *p != '\t' &&
		       (*p != ',' || (p + 1 < e && is_digit(p[1]))))
			p++;
		return p;
	}
	while (p < e && (is_alpha(*p) || is_digit(*p) || *p == '.' || *p == '-'))
		p++;
	return p;
}

static void next(struct parser *ps)
{
	const char *p = ps->pos, *e = ps->end;
	struct tok *t = &ps->tok;

	ps->prev = *t;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	t->s = p;
	if (p == e) {
		t->k = T_END;
	} else if (is_digit(*p) || ((*p == '-' || *p == '.') && p + 1 < e && is_digit(p[1]))) {
		t->k = T_NUM;
		p = word_end(p + 1, e, 1);
	} else if (is_alpha(*p)) {
		t->k = T_WORD;
		p = word_end(p + 1, e, 0);
	} else if (strchr("<>=!", *p)) {
		t->k = T_OP;
		while (p < e && strchr("<>=!", *p))
			p++;
	} else {
		t->k = *p == ',' ? T_COMMA : T_OTHER;
		p++;
	}
	t->n = (size_t)(p - t->s);
	ps->pos = p;
}

/* "expected WHAT after 'PREV'" at PREV when the line ends, else "expected
 * WHAT after 'PREV', not 'TOK'" at TOK. */
static int expected(struct parser *ps, const char *what)
{
	char q1[128], q2[128];
	const struct tok *t = &ps->tok, *prev = &ps->prev;
	if (t->k == T_END && prev->k == T_END)
		return fail(ps, t->s, _("expected %s"), what);
	if (t->k == T_END)
		return fail(ps, prev->s, _("expected %s after %s"), what, QTOK(prev, q1));
	if (prev->k == T_END)
		return fail(ps, t->s, _("expected %s, not %s"), what, QTOK(t, q2));
	return fail(ps, t->s, _("expected %s after %s, not %s"), what, QTOK(prev, q1), QTOK(t, q2));
}

/* The current token is the word kw: read past it. */
static int want(struct parser *ps, const char *kw)
{
	char what[32];
	if (!is_kw(&ps->tok, kw)) {
		snprintf(what, sizeof what, "'%s'", kw);
		return expected(ps, what);
	}
	next(ps);
	return 0;
}

/* ---- numbers ----------------------------------------------------------------- */

/* The digits of number token t: its value without the point in *digits
 * (*over when past UINT64_MAX / 10), its decimals in *ndec; -1 with the
 * problem set when it is no plain decimal >= 0. */
static int decimal(struct parser *ps, const struct tok *t, uint64_t *digits, int *ndec,
		   int *over)
{
	char q[128];
	const char *s = t->s, *e = s + t->n, *p, *dot = NULL;
	if (t->k != T_NUM)
		return expected(ps, _("a number"));
	if (*s == '-')
		return fail(ps, s, _("%s is negative"), QTOK(t, q));
	*digits = 0;
	*over = 0;
	for (p = s; p < e; p++) {
		if (*p == '.' && !dot && p > s && p + 1 < e) {
			dot = p;
			continue;
		}
		if (!is_digit(*p))
			return fail(ps, s, _("%s is not a number%s"), QTOK(t, q),
				    memchr(s, ',', t->n) ? _(" (no thousands separators)") : "");
		if (*digits > (UINT64_MAX - 9) / 10)
			*over = 1;
		else
			*digits = *digits * 10 + (uint64_t)(*p - '0');
	}
	*ndec = dot ? (int)(e - dot - 1) : 0;
	return 0;
}

/* A whole number of token t in lo..hi. */
static int whole(struct parser *ps, const struct tok *t, int64_t lo, int64_t hi, int64_t *out)
{
	char q[128];
	uint64_t v;
	int ndec, over;
	if (decimal(ps, t, &v, &ndec, &over) < 0)
		return -1;
	if (ndec)
		return fail(ps, t->s, _("%s is not a whole number"), QTOK(t, q));
	if (over || v < (uint64_t)lo || v > (uint64_t)hi)
		return fail(ps, t->s, _("%s is out of range (%lld to %lld)"), QTOK(t, q), (long long)lo,
			    (long long)hi);
	*out = (int64_t)v;
	return 0;
}

/* Scale an amount to minor units of the currency; -1 with the problem. */
static int scale(struct parser *ps, const char *at, const char *text, uint64_t v, int ndec,
		 int over, int64_t *out)
{
	const struct crm_loyalty_program *p = ps->p;
	if (ndec > p->exp)
		return fail(ps, at, _("%s has more decimals than %s allows (%d)"), text, p->currency,
			    p->exp);
	for (int i = ndec; i < p->exp && !over; i++) {
		over = v > UINT64_MAX / 10;
		v *= 10;
	}
	if (over || v > (uint64_t)INT64_MAX)
		return fail(ps, at, _("%s is too large"), text);
	*out = (int64_t)v;
	return 0;
}


/* An amount (in major units, with the currency's decimals) into *dst, now
 * or when the currency comes. */
static int amount(struct parser *ps, int64_t *dst, int positive)
{
	char q[72];
	const struct tok *t = &ps->tok;
	uint64_t v;
	int ndec, over;
	if (decimal(ps, t, &v, &ndec, &over) < 0)
		return -1;
	QTOK(t, q);
	if (positive && v == 0 && !over)
		return fail(ps, t->s, _("%s is not a positive amount"), q);
	if (ps->have_currency) {
		if (scale(ps, t->s, q, v, ndec, over, dst) < 0)
			return -1;
		next(ps);
		return 0;
	}
	if (ps->nlater == LATER_MAX)            /* cannot happen: keys come once */
		return fail(ps, t->s, _("too many amounts before the currency"));
	struct later *l = &ps->later[ps->nlater++];
	*l = (struct later){ .dst = dst, .digits = v, .ndec = ndec, .over = over,
			     .lineno = ps->lineno, .col = crm_parse_column(ps->line, t->s) };
	memcpy(l->text, q, sizeof q);
	next(ps);
	return 0;
}

/* The amounts read before the currency, now that it is known. */
static int scale_later(struct parser *ps)
{
	for (int i = 0; i < ps->nlater; i++) {
		const struct later *l = &ps->later[i];
		if (scale(ps, NULL, l->text, l->digits, l->ndec, l->over, l->dst) < 0) {
			ps->at_line = l->lineno;
			ps->at_col = l->col;
			return -1;
		}
	}
	ps->nlater = 0;
	return 0;
}

/* ---- spans -------------------------------------------------------------------- */

/* N day(s) | N month(s) | N year(s), N >= lo: into *s.  `units` limits the
 * words: 'd' days only, 'a' any. */
static int span(struct parser *ps, int64_t lo, char units, struct crm_loyalty_span *s)
{
	char q[128];
	struct tok nt = ps->tok;
	int64_t n;
	if (whole(ps, &nt, lo, units == 'd' ? PENDING_MAX : DAYS_MAX, &n) < 0)
		return -1;
	next(ps);
	const struct tok *u = &ps->tok;
	int days = is_kw(u, "day") || is_kw(u, "days");
	int months = is_kw(u, "month") || is_kw(u, "months");
	int years = is_kw(u, "year") || is_kw(u, "years");
	if (units == 'd' && !days)
		return expected(ps, _("'days'"));
	if (!days && !months && !years)
		return expected(ps, _("'days', 'months' or 'years'"));
	if ((months && n > MONTHS_MAX) || (years && n > MONTHS_MAX / 12))
		return fail(ps, nt.s, _("%s is too long (at most %d months)"),
			    crm_quote_n(nt.s, (size_t)(u->s + u->n - nt.s), q, sizeof q), MONTHS_MAX);
	s->n = (int32_t)(years ? n * 12 : n);
	/* a span of 0 is one whatever its unit, so that it prints back the same */
	s->unit = days && n ? CRM_LOYALTY_DAYS : CRM_LOYALTY_MONTHS;
	next(ps);
	return 0;
}

/* ---- keys ---------------------------------------------------------------------- */

static int v_currency(struct parser *ps)
{
	char q[128], code[8];
	const struct tok *t = &ps->tok;
	struct crm_loyalty_program *p = ps->p;
	if (t->k != T_WORD)
		return expected(ps, _("a currency code"));
	if (t->n > 3 || (snprintf(code, sizeof code, "%.*s", (int)t->n, t->s),
			 (p->exp = crm_currency_exponent(code)) < 0))
		return fail(ps, t->s, _("%s is not a known currency"), QTOK(t, q));
	for (int i = 0; i < 4; i++)
		p->currency[i] = code[i] >= 'a' && code[i] <= 'z' ? (char)(code[i] - 'a' + 'A') : code[i];
	ps->have_currency = 1;
	next(ps);
	return scale_later(ps);
}

static int v_earn(struct parser *ps)
{
	struct crm_loyalty_program *p = ps->p;
	if (whole(ps, &ps->tok, 1, EARN_POINTS_MAX, &p->earn_points) < 0)
		return -1;
	next(ps);
	if (want(ps, "per") < 0)
		return -1;
	return amount(ps, &p->earn_per, 1);
}

static int v_min_order(struct parser *ps)
{
	return amount(ps, &ps->p->min_order, 0);
}

static int v_pending(struct parser *ps)
{
	struct crm_loyalty_span s;
	if (ps->tok.k == T_NUM && ps->tok.n == 1 && ps->tok.s[0] == '0') {
		next(ps);
		if (is_kw(&ps->tok, "day") || is_kw(&ps->tok, "days"))
			next(ps);
		ps->p->pending_days = 0;
		return 0;
	}
	if (span(ps, 1, 'd', &s) < 0)
		return -1;
	ps->p->pending_days = s.n;
	return 0;
}

static int v_expires(struct parser *ps)
{
	struct crm_loyalty_program *p = ps->p;
	if (is_kw(&ps->tok, "never")) {
		p->expiry = CRM_LOYALTY_EXPIRES_NEVER;
		next(ps);
		return 0;
	}
	if (ps->tok.k != T_NUM)
		return expected(ps, _("'never' or a span such as '12 months'"));
	if (span(ps, 1, 'a', &p->expires) < 0)
		return -1;
	p->expiry = CRM_LOYALTY_EXPIRES_AFTER;
	if (is_kw(&ps->tok, "month-end")) {
		if (p->expires.unit != CRM_LOYALTY_MONTHS)
			return fail(ps, ps->tok.s, _("'month-end' goes with months or years, not days"));
		p->expiry = CRM_LOYALTY_EXPIRES_MONTH_END;
		next(ps);
	}
	return 0;
}

static int v_downgrade(struct parser *ps)
{
	struct crm_loyalty_program *p = ps->p;
	if (is_kw(&ps->tok, "never")) {
		p->downgrade = 0;
		next(ps);
		return 0;
	}
	if (!is_kw(&ps->tok, "at"))
		return expected(ps, _("'at evaluation' or 'never'"));
	next(ps);
	if (want(ps, "evaluation") < 0)
		return -1;
	p->downgrade = 1;
	if (ps->tok.k != T_COMMA)
		return 0;
	next(ps);
	if (want(ps, "grace") < 0)
		return -1;
	return span(ps, 0, 'a', &p->grace);
}

static int v_bonus(struct parser *ps, int64_t *out)
{
	if (whole(ps, &ps->tok, 0, BONUS_MAX, out) < 0)
		return -1;
	next(ps);
	return 0;
}

static int v_birthday(struct parser *ps)
{
	return v_bonus(ps, &ps->p->birthday);
}

static int v_signup(struct parser *ps)
{
	return v_bonus(ps, &ps->p->signup);
}

static int v_point_value(struct parser *ps)
{
	return amount(ps, &ps->p->point_value, 0);
}

/* ---- tiers ---------------------------------------------------------------------- */

/* Index of span s among the program's windows, added if new; -1 past the most. */
static int window(struct parser *ps, const struct crm_loyalty_span *s, const char *at)
{
	struct crm_loyalty_program *p = ps->p;
	for (int i = 0; i < p->nwindows; i++)
		if (p->window[i].n == s->n && p->window[i].unit == s->unit)
			return i;
	if (p->nwindows == CRM_LOYALTY_WINDOWS)
		return fail(ps, at, _("too many different spans (at most %d in a program)"),
			    CRM_LOYALTY_WINDOWS);
	p->window[p->nwindows] = *s;
	return p->nwindows++;
}

/* spend >= AMOUNT in SPAN | orders >= N in SPAN | always */
static int condition(struct parser *ps, struct crm_loyalty_tier *t, int first)
{
	char q[128];
	struct crm_loyalty_cond *c = &t->cond[t->ncond];
	struct crm_loyalty_span s;
	if (is_kw(&ps->tok, "always")) {
		if (!first)
			return fail(ps, ps->tok.s, _("'always' stands alone"));
		c->metric = CRM_LOYALTY_ALWAYS;
		t->ncond++;
		next(ps);
		return 0;
	}
	if (!is_kw(&ps->tok, "spend") && !is_kw(&ps->tok, "orders"))
		return expected(ps, _("'spend', 'orders' or 'always'"));
	c->metric = is_kw(&ps->tok, "spend") ? CRM_LOYALTY_SPEND : CRM_LOYALTY_ORDERS;
	next(ps);
	if (ps->tok.k != T_OP || ps->tok.n != 2 || memcmp(ps->tok.s, ">=", 2))
		return ps->tok.k == T_OP ? fail(ps, ps->tok.s, _("%s is not allowed here: a tier "
						"condition is met from its figure up ('>=')"),
						QTOK(&ps->tok, q)) : expected(ps, "'>='");
	next(ps);
	if (c->metric == CRM_LOYALTY_SPEND) {
		if (amount(ps, &c->min, 0) < 0)
			return -1;
	} else {
		if (whole(ps, &ps->tok, 0, COUNT_MAX, &c->min) < 0)
			return -1;
		next(ps);
	}
	if (want(ps, "in") < 0)
		return -1;
	const char *at = ps->tok.s;
	if (span(ps, 1, 'a', &s) < 0 || (c->window = window(ps, &s, at)) < 0)
		return -1;
	t->ncond++;
	return 0;
}

/* ", earn xM" */
static int multiplier(struct parser *ps, struct crm_loyalty_tier *t)
{
	char q[128];
	if (want(ps, "earn") < 0)
		return -1;
	const struct tok *m = &ps->tok;
	if (m->k != T_WORD || lower(m->s[0]) != 'x')
		return expected(ps, _("a multiplier such as x1.5"));
	struct tok num = { T_NUM, m->s + 1, m->n - 1 };
	uint64_t v;
	int ndec, over, bad = num.n == 0 || !is_digit(num.s[0]);
	if (bad || decimal(ps, &num, &v, &ndec, &over) < 0)
		return fail(ps, m->s, _("%s is not a multiplier"), QTOK(m, q));
	if (ndec > 3)
		return fail(ps, m->s, _("%s has more than 3 decimals"), QTOK(m, q));
	for (int i = ndec; i < 3 && !over && v <= MULT_MAX; i++)
		v *= 10;
	if (over || v < 1 || v > MULT_MAX)
		return fail(ps, m->s, _("%s is out of range (x0.001 to x1000)"), QTOK(m, q));
	t->mult = (int32_t)v;
	next(ps);
	return 0;
}

static int conditions(struct parser *ps, struct crm_loyalty_tier *t, int rank)
{
	char q[128];
	for (;;) {
		if (condition(ps, t, t->ncond == 0) < 0)
			return -1;
		int or = is_kw(&ps->tok, "or");
		if (!or && !is_kw(&ps->tok, "and"))
			break;
		if (t->cond[0].metric == CRM_LOYALTY_ALWAYS)
			return fail(ps, ps->tok.s, _("'always' stands alone"));
		if (t->ncond > 1 && or != t->any)
			return fail(ps, ps->tok.s, _("'and' and 'or' in one tier: use one of them"));
		if (t->ncond == CRM_LOYALTY_CONDS)
			return fail(ps, ps->tok.s, _("too many conditions (at most %d in a tier)"),
				    CRM_LOYALTY_CONDS);
		t->any = or;
		next(ps);
	}
	if (t->cond[0].metric == CRM_LOYALTY_ALWAYS && rank > 0)
		return fail(ps, ps->prev.s, _("%s only in the first tier (the tiers before it could "
			    "never be reached)"), QTOK(&ps->prev, q));
	return 0;
}

/* Equal but for ASCII case (not the locale's). */
static int same_name(const char *a, const char *b)
{
	for (; *a && lower(*a) == lower(*b); a++, b++)
		;
	return *a == *b;
}


/* "tier NAME =": the name into t, past the '='. */
static int tier_name(struct parser *ps, struct crm_loyalty_tier *t)
{
	char q[128];
	const char *b = ps->pos, *eq = memchr(b, '=', (size_t)(ps->end - b)), *e, *bad;
	size_t len;
	while (b < ps->end && (*b == ' ' || *b == '\t'))
		b++;
	if (!eq)
		return fail(ps, ps->end, _("expected '=' after the tier's name"));
	for (e = eq; e > b && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	if (b == e)
		return fail(ps, eq, _("a tier needs a name: tier NAME = ..."));
	if ((size_t)(e - b) > CRM_LOYALTY_NAME_MAX)
		return fail(ps, b, _("tier name too long (%zu bytes, at most %d)"), (size_t)(e - b),
			    CRM_LOYALTY_NAME_MAX);
	if ((bad = crm_parse_bad_name_char(b, e, "<>", &len)) && len == 2)
		return fail(ps, bad, _("'\\u%04x' is not allowed in a tier name"),
			    (unsigned char)bad[1]);
	if (bad)
		return fail(ps, bad, _("%s is not allowed in a tier name%s"), crm_quote_n(bad, 1, q, sizeof q),
			    *bad == '<' || *bad == '>' ? _(" (is the '=' after the name missing?)") : "");
	memcpy(t->name, b, (size_t)(e - b));
	t->name[e - b] = '\0';
	for (int i = 0; i < ps->p->ntiers; i++)
		if (same_name(ps->p->tier[i].name, t->name))
			return fail(ps, b, _("tier %s is defined twice (first on line %ld)"),
				    crm_quote_n(b, (size_t)(e - b), q, sizeof q), ps->tier_line[i]);
	ps->pos = eq + 1;
	ps->tok = (struct tok){ T_OP, eq, 1 };
	return 0;
}

static int v_tier(struct parser *ps, const char *key_at)
{
	struct crm_loyalty_program *p = ps->p;
	if (p->ntiers == CRM_LOYALTY_TIERS)
		return fail(ps, key_at, _("too many tiers (at most %d)"), CRM_LOYALTY_TIERS);
	struct crm_loyalty_tier *t = &p->tier[p->ntiers];
	memset(t, 0, sizeof *t);
	t->mult = CRM_LOYALTY_X1;
	if (tier_name(ps, t) < 0)
		return -1;
	next(ps);
	if (conditions(ps, t, p->ntiers) < 0)
		return -1;
	if (ps->tok.k == T_COMMA) {
		next(ps);
		if (multiplier(ps, t) < 0)
			return -1;
	}
	ps->tier_line[p->ntiers++] = ps->lineno;
	return 0;
}

/* ---- lines ---------------------------------------------------------------------- */

/* Levenshtein distance of a (n bytes, any case) and key, up to 15 bytes. */
static int distance(const char *a, size_t n, const char *key)
{
	uint32_t x[16], y[16];
	size_t m = strlen(key);
	if (n > 15 || m > 15)
		return 99;
	for (size_t i = 0; i < n; i++)
		x[i] = (unsigned char)lower(a[i]);
	for (size_t j = 0; j < m; j++)
		y[j] = (unsigned char)key[j];
	return (int)crm_edit_distance(x, n, y, m);
}

static int unknown_key(struct parser *ps, const struct tok *t)
{
	char q[128], list[160];
	size_t o = 0;
	for (int k = 0; k < NKEYS; k++) {
		int d = distance(t->s, t->n, key_names[k]);
		if (d <= 2 && d < (int)t->n)
			return fail(ps, t->s, _("unknown key %s (did you mean '%s'?)"), QTOK(t, q),
				    key_names[k]);
	}
	for (int k = 0; k < NKEYS; k++)
		o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", k ? ", " : "",
				      key_names[k]);
	return fail(ps, t->s, _("unknown key %s (one of %s)"), QTOK(t, q), list);
}

/* The key of the current token, past '='; -1 with the problem set. */
static int key(struct parser *ps)
{
	const struct tok kt = ps->tok;
	int k;
	for (k = 0; k < NKEYS; k++)
		if (is_kw(&kt, key_names[k]))
			break;
	if (k == NKEYS)
		return kt.k == T_WORD ? unknown_key(ps, &kt) : expected(ps, _("a key"));
	if (k != K_TIER && ps->seen[k])
		return fail(ps, kt.s, _("'%s' is given twice (first on line %ld)"), key_names[k],
			    ps->seen[k]);
	ps->seen[k] = ps->lineno;
	if (k == K_TIER)
		return v_tier(ps, kt.s) < 0 ? -1 : k;
	next(ps);
	if (ps->tok.k != T_OP || ps->tok.n != 1 || ps->tok.s[0] != '=')
		return expected(ps, "'='");
	next(ps);
	return k;
}

static int value(struct parser *ps, int k)
{
	switch (k) {
	case K_CURRENCY: return v_currency(ps);
	case K_EARN: return v_earn(ps);
	case K_MIN_ORDER: return v_min_order(ps);
	case K_PENDING: return v_pending(ps);
	case K_EXPIRES: return v_expires(ps);
	case K_DOWNGRADE: return v_downgrade(ps);
	case K_BIRTHDAY: return v_birthday(ps);
	case K_SIGNUP: return v_signup(ps);
	case K_POINT_VALUE: return v_point_value(ps);
	default: return 0;      /* K_TIER: read with its key */
	}
}

/* Read one line (its line end removed) into the program. */
static int program_line(struct parser *ps, const char *line, size_t n)
{
	char q[128];
	size_t valid = crm_utf8_valid_prefix(line, n);
	const char *hash = memchr(line, '#', n);

	ps->line = line;
	if (valid < n)
		return fail(ps, line + valid, _("invalid UTF-8 (byte 0x%02x)"), (unsigned char)line[valid]);
	ps->pos = line;
	ps->end = hash ? hash : line + n;
	ps->tok = (struct tok){ .k = T_END, .s = line };
	next(ps);
	if (ps->tok.k == T_END)
		return 0;
	int k = key(ps);
	if (k < 0 || value(ps, k) < 0)
		return -1;
	if (ps->tok.k != T_END)
		return fail(ps, ps->tok.s, _("unexpected %s after the value of '%s'"), QTOK(&ps->tok, q),
			    key_names[k]);
	return 0;
}

/* ---- the interface ---------------------------------------------------------------- */

static void begin(struct parser *ps, struct crm_loyalty_program *p)
{
	memset(ps, 0, sizeof *ps);
	memset(p, 0, sizeof *p);
	ps->p = p;
	p->downgrade = 1;
	p->grace.unit = CRM_LOYALTY_MONTHS;
	p->expires.unit = CRM_LOYALTY_MONTHS;
}

/* A line's problem as "NAME:LINE: column COL: PROBLEM". */
static int line_error(struct parser *ps, const char *name, long lineno, char *err, size_t errsize)
{
	long line = ps->at_line ? ps->at_line : lineno;
	long col = ps->at_line ? ps->at_col : crm_parse_column(ps->line, ps->err.at);
	snprintf(err, errsize, _("%s:%ld: column %ld: %s"), name, line, col, ps->err.msg);
	return CRM_EUSAGE;
}

/* What is required, after the last line. */
static int finish(struct parser *ps, const char *name, char *err, size_t errsize)
{
	const char *missing = !ps->seen[K_CURRENCY] ? "currency" : !ps->seen[K_EARN] ? "earn" : NULL;
	if (missing) {
		snprintf(err, errsize, _("%s: %s is required"), name, missing);
		return CRM_EUSAGE;
	}
	return CRM_OK;
}

static int done(struct crm_loyalty_program *p, int status)
{
	if (status != CRM_OK)
		memset(p, 0, sizeof *p);
	return status;
}

int crm_loyalty_program_load(const char *path, struct crm_loyalty_program *p, char *err,
			     size_t errsize)
{
	struct parser *ps = crm_xmalloc(sizeof *ps);
	struct crm_text_line l;
	struct crm_textfile *tf;
	char noerr[1];
	int rc = 0, status = CRM_OK;

	if (!err)
		err = noerr, errsize = sizeof noerr;
	begin(ps, p);
	if (!(tf = crm_textfile_open(path, err, errsize))) {
		free(ps);
		return done(p, CRM_EIO);
	}
	while (status == CRM_OK && (rc = crm_textfile_next(tf, &l, err, errsize)) > 0) {
		ps->lineno = l.lineno;
		if (program_line(ps, l.s, l.n) < 0)
			status = line_error(ps, path, l.lineno, err, errsize);
	}
	if (status == CRM_OK)   /* a file past the caps is bad content */
		status = rc == -CRM_EIO ? CRM_EIO : rc < 0 ? CRM_EUSAGE :
			 finish(ps, path, err, errsize);
	crm_textfile_close(tf);
	free(ps);
	return done(p, status);
}

int crm_loyalty_program_parse_text(const char *text, const char *name,
				   struct crm_loyalty_program *p, char *err, size_t errsize)
{
	struct parser *ps = crm_xmalloc(sizeof *ps);
	char noerr[1];
	int status = CRM_OK;
	long lineno = 0;

	if (!err)
		err = noerr, errsize = sizeof noerr;
	if (!name)
		name = "program";
	begin(ps, p);
	if (!strncmp(text, "\xEF\xBB\xBF", 3))
		text += 3;
	while (status == CRM_OK && *text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		ps->lineno = ++lineno;
		if (program_line(ps, text, n && nl && text[n - 1] == '\r' ? n - 1 : n) < 0)
			status = line_error(ps, name, lineno, err, errsize);
		text += nl ? n + 1 : n;
	}
	if (status == CRM_OK)
		status = finish(ps, name, err, errsize);
	free(ps);
	return done(p, status);
}

/* ---- the canonical text ------------------------------------------------------------ */

/* Text written with put(): grown with crm_xrealloc, or when fixed (a
 * caller's buffer) cut at its size. */
struct text {
	char *s;
	size_t n, cap;
	int fixed;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int len = vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
		va_end(ap);
		if (len < 0)
			len = 0;
		if ((size_t)len < t->cap - t->n) {
			t->n += (size_t)len;
			return;
		}
		if (t->fixed) {
			t->n = t->cap - 1;
			return;
		}
		t->cap = t->cap * 2 + (size_t)len;
		t->s = crm_xrealloc(t->s, t->cap);
	}
}

static void put_money(struct text *t, const struct crm_loyalty_program *p, int64_t minor)
{
	char num[48];
	crm_format_money(minor, p->currency, num, sizeof num);
	put(t, "%s", num);
}

static void put_span(struct text *t, const struct crm_loyalty_span *s)
{
	put(t, "%d %s%s", (int)s->n, s->unit == CRM_LOYALTY_DAYS ? "day" : "month",
	    s->n == 1 ? "" : "s");
}

/* x1.5, x2, x0.001 */
static void put_mult(struct text *t, int32_t mult)
{
	char frac[8];
	int n = snprintf(frac, sizeof frac, "%03d", (int)(mult % CRM_LOYALTY_X1));
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = '\0';
	put(t, "x%d%s%s", (int)(mult / CRM_LOYALTY_X1), n ? "." : "", frac);
}

static void put_tier(struct text *t, const struct crm_loyalty_program *p,
		     const struct crm_loyalty_tier *tier)
{
	put(t, "tier %s = ", tier->name);
	for (int i = 0; i < tier->ncond; i++) {
		const struct crm_loyalty_cond *c = &tier->cond[i];
		if (i)
			put(t, " %s ", tier->any ? "or" : "and");
		if (c->metric == CRM_LOYALTY_ALWAYS) {
			put(t, "always");
			continue;
		}
		put(t, "%s >= ", c->metric == CRM_LOYALTY_SPEND ? "spend" : "orders");
		if (c->metric == CRM_LOYALTY_SPEND)
			put_money(t, p, c->min);
		else
			put(t, "%lld", (long long)c->min);
		put(t, " in ");
		put_span(t, &p->window[c->window]);
	}
	put(t, ", earn ");
	put_mult(t, tier->mult);
	put(t, "\n");
}

char *crm_loyalty_program_format(const struct crm_loyalty_program *p)
{
	struct text t = { crm_xmalloc(512), 0, 512, 0 };
	put(&t, "currency = %s\nearn = %lld per ", p->currency, (long long)p->earn_points);
	put_money(&t, p, p->earn_per);
	put(&t, "\nmin_order = ");
	put_money(&t, p, p->min_order);
	if (p->pending_days)
		put(&t, "\npending = %d day%s\n", (int)p->pending_days, p->pending_days == 1 ? "" : "s");
	else
		put(&t, "\npending = 0\n");
	put(&t, "expires = ");
	if (p->expiry == CRM_LOYALTY_EXPIRES_NEVER)
		put(&t, "never");
	else
		put_span(&t, &p->expires);
	put(&t, "%s\n", p->expiry == CRM_LOYALTY_EXPIRES_MONTH_END ? " month-end" : "");
	for (int i = 0; i < p->ntiers; i++)
		put_tier(&t, p, &p->tier[i]);
	put(&t, "downgrade = %s", p->downgrade ? "at evaluation" : "never");
	if (p->downgrade && p->grace.n) {
		put(&t, ", grace ");
		put_span(&t, &p->grace);
	}
	put(&t, "\nbirthday = %lld\nsignup = %lld\npoint_value = ", (long long)p->birthday,
	    (long long)p->signup);
	put_money(&t, p, p->point_value);
	put(&t, "\n");
	return t.s;
}

static int same_span(const struct crm_loyalty_span *a, const struct crm_loyalty_span *b)
{
	return a->n == b->n && a->unit == b->unit;
}

static int same_tier(const struct crm_loyalty_tier *a, const struct crm_loyalty_tier *b)
{
	if (strcmp(a->name, b->name) || a->ncond != b->ncond || a->mult != b->mult ||
	    (a->ncond > 1 && a->any != b->any))
		return 0;
	for (int i = 0; i < a->ncond; i++) {
		const struct crm_loyalty_cond *x = &a->cond[i], *y = &b->cond[i];
		if (x->metric != y->metric || (x->metric != CRM_LOYALTY_ALWAYS &&
					       (x->min != y->min || x->window != y->window)))
			return 0;
	}
	return 1;
}

int crm_loyalty_program_equal(const struct crm_loyalty_program *a,
			      const struct crm_loyalty_program *b)
{
	if (strcmp(a->currency, b->currency) || a->exp != b->exp ||
	    a->earn_points != b->earn_points || a->earn_per != b->earn_per ||
	    a->min_order != b->min_order || a->pending_days != b->pending_days ||
	    a->expiry != b->expiry || a->ntiers != b->ntiers || a->nwindows != b->nwindows ||
	    a->downgrade != b->downgrade || a->birthday != b->birthday || a->signup != b->signup ||
	    a->point_value != b->point_value)
		return 0;
	if (a->expiry != CRM_LOYALTY_EXPIRES_NEVER && !same_span(&a->expires, &b->expires))
		return 0;
	if (a->downgrade && !same_span(&a->grace, &b->grace))
		return 0;
	for (int i = 0; i < a->nwindows; i++)
		if (!same_span(&a->window[i], &b->window[i]))
			return 0;
	for (int i = 0; i < a->ntiers; i++)
		if (!same_tier(&a->tier[i], &b->tier[i]))
			return 0;
	return 1;
}

int crm_loyalty_tier_find(const struct crm_loyalty_program *p, const char *name)
{
	for (int i = 0; i < p->ntiers; i++)
		if (!strcmp(p->tier[i].name, name))
			return i;
	for (int i = 0; i < p->ntiers; i++)
		if (same_name(p->tier[i].name, name))
			return i;
	return -1;
}

/* ---- points ---------------------------------------------------------------------- */

static int valid_tier(const struct crm_loyalty_program *p, int tier)
{
	return tier >= 0 && tier < p->ntiers ? tier : -1;
}

int crm_loyalty_points(const struct crm_loyalty_program *p, int tier, int64_t amount_minor,
		       int64_t *points)
{
	typedef unsigned __int128 u128;
	tier = valid_tier(p, tier);
	u128 mult = (u128)(tier < 0 ? CRM_LOYALTY_X1 : p->tier[tier].mult), num, q;
	/* |amount| without overflow: -INT64_MIN is 2^63 */
	u128 mag = amount_minor < 0 ? (u128)(-(amount_minor + 1)) + 1 : (u128)amount_minor;
	*points = 0;
	if (mag < (u128)p->min_order || p->earn_per <= 0)
		return 0;
	if (__builtin_mul_overflow(mag, (u128)p->earn_points, &num) ||
	    __builtin_mul_overflow(num, mult, &num))
		return -1;
	q = num / ((u128)p->earn_per * CRM_LOYALTY_X1);
	if (q > (u128)INT64_MAX)
		return -1;
	*points = amount_minor < 0 ? -(int64_t)q : (int64_t)q;
	return 0;
}

int crm_loyalty_points_money(const struct crm_loyalty_program *p, int64_t points, int64_t *minor)
{
	return __builtin_mul_overflow(points, p->point_value, minor) ? -1 : 0;
}

int crm_loyalty_points_change(const struct crm_loyalty_program *p, int tier, int64_t before,
			      int64_t after, int64_t *delta)
{
	int64_t a, b;
	*delta = 0;
	if (crm_loyalty_points(p, tier, before, &b) < 0 ||
	    crm_loyalty_points(p, tier, after, &a) < 0 || __builtin_sub_overflow(a, b, delta))
		return -1;
	return 0;
}

/* ---- days ---------------------------------------------------------------------------- */

static int64_t clamp_day(int64_t day)
{
	return day < CRM_DAY_FIRST ? CRM_DAY_FIRST : day > CRM_DAY_LAST ? CRM_DAY_LAST : day;
}

/* A day after CRM_DAY_LAST is CRM_DAY_LAST + 1. */
static int64_t cap_day(int64_t day)
{
	return day > CRM_DAY_LAST + 1 ? CRM_DAY_LAST + 1 : day;
}

static void civil(int64_t day, int *y, int *m, int *d)
{
	char s[CRM_DATE_LEN];
	crm_day_date(clamp_day(day), s);
	*y = atoi(s);
	*m = atoi(s + 5);
	*d = atoi(s + 8);
}

/* The first day of month m (any number: 13 is January of the next year)
 * of year y; CRM_DAY_LAST + 1 past 9999, CRM_DAY_FIRST - 1 before 0001. */
static int64_t month_first(int64_t y, int64_t m)
{
	int64_t m0 = m - 1, q = m0 / 12 - (m0 % 12 < 0);
	y += q;
	m = m0 - q * 12 + 1;
	if (y > 9999)
		return CRM_DAY_LAST + 1;
	if (y < 1)
		return CRM_DAY_FIRST - 1;
	return crm_month_first((int)y, (int)m);
}

/* The same day of the month n months after day's (before, for n < 0), the
 * month's last day when it is shorter; CRM_DAY_LAST + 1 past 9999-12-31
 * and CRM_DAY_FIRST - 1 before 0001-01-01. */
static int64_t add_months(int64_t day, int64_t n)
{
	int y, m, d;
	civil(day, &y, &m, &d);
	int64_t first = month_first(y, m + n);
	if (first > CRM_DAY_LAST || first < CRM_DAY_FIRST)
		return first;
	int64_t len = month_first(y, m + n + 1) - first;
	return first + (d < len ? d : len) - 1;
}

static int64_t add_span(int64_t day, const struct crm_loyalty_span *s)
{
	return s->unit == CRM_LOYALTY_DAYS ? day + s->n : add_months(day, s->n);
}

int64_t crm_loyalty_release_day(const struct crm_loyalty_program *p, int64_t earned)
{
	earned = clamp_day(earned);
	return p->pending_days ? cap_day(earned + p->pending_days + 1) : earned;
}

int64_t crm_loyalty_expiry_day(const struct crm_loyalty_program *p, int64_t earned)
{
	int y, m, d;
	earned = clamp_day(earned);
	switch (p->expiry) {
	case CRM_LOYALTY_EXPIRES_AFTER:
		return cap_day(add_span(earned, &p->expires) + 1);
	case CRM_LOYALTY_EXPIRES_MONTH_END:
		civil(earned, &y, &m, &d);
		return cap_day(month_first(y, (int64_t)m + p->expires.n + 1));
	default:
		return CRM_LOYALTY_NEVER;
	}
}

int64_t crm_loyalty_window_first(const struct crm_loyalty_span *span, int64_t last)
{
	last = clamp_day(last);
	int64_t first = span->unit == CRM_LOYALTY_DAYS ? last - span->n + 1 :
			add_months(last, -(int64_t)span->n) + 1;
	return first < CRM_DAY_FIRST ? CRM_DAY_FIRST : first > last ? last : first;
}

/* Is at a canonical UTC time, "YYYY-MM-DDTHH:MM:SSZ" of a real day? */
static int is_stored_time(const char *at)
{
	char date[CRM_DATE_LEN];
	int64_t d;
	if (!at || strlen(at) != CRM_TIME_LEN - 1 || at[10] != 'T' || at[13] != ':' ||
	    at[16] != ':' || at[19] != 'Z')
		return 0;
	for (int i = 11; i < 19; i += 3)
		if (!is_digit(at[i]) || !is_digit(at[i + 1]) ||
		    (at[i] - '0') * 10 + (at[i + 1] - '0') > (i == 11 ? 23 : 59))
			return 0;
	memcpy(date, at, 10);
	date[10] = '\0';
	return crm_date_day(date, &d) == 0;
}

/* The local day of a stored time, or -1 with *why. */
static int stored_day(const struct crm_tz *tz, const char *at, int64_t *day, const char **why)
{
	char t[CRM_TIME_LEN];
	if (!is_stored_time(at)) {
		*why = _("is not a stored time (YYYY-MM-DDTHH:MM:SSZ)");
		return -1;
	}
	memcpy(t, at, sizeof t);
	*day = crm_local_day(tz, crm_time_epoch(t));
	return 0;
}

int crm_loyalty_release_at(const struct crm_loyalty_program *p, const struct crm_tz *tz,
			   const char *earned_at, char out[CRM_TIME_LEN], const char **why)
{
	int64_t day;
	if (stored_day(tz, earned_at, &day, why) < 0)
		return -1;
	if (!p->pending_days) {
		memcpy(out, earned_at, CRM_TIME_LEN);
		return 0;
	}
	return crm_day_start(tz, crm_loyalty_release_day(p, day), out, why);
}

int crm_loyalty_expiry_at(const struct crm_loyalty_program *p, const struct crm_tz *tz,
			  const char *earned_at, char out[CRM_TIME_LEN], const char **why)
{
	int64_t day;
	out[0] = '\0';
	if (stored_day(tz, earned_at, &day, why) < 0)
		return -1;
	if (p->expiry == CRM_LOYALTY_EXPIRES_NEVER)
		return 0;
	return crm_day_start(tz, crm_loyalty_expiry_day(p, day), out, why) < 0 ? -1 : 1;
}

/* ---- tiers ---------------------------------------------------------------------------- */

static int64_t figure(const struct crm_loyalty_cond *c, const struct crm_loyalty_figures *f)
{
	int w = c->window >= 0 && c->window < CRM_LOYALTY_WINDOWS ? c->window : 0;
	return c->metric == CRM_LOYALTY_SPEND ? f->spend[w] : f->orders[w];
}

static int cond_met(const struct crm_loyalty_cond *c, const struct crm_loyalty_figures *f)
{
	return c->metric == CRM_LOYALTY_ALWAYS || figure(c, f) >= c->min;
}

static int tier_met(const struct crm_loyalty_tier *t, const struct crm_loyalty_figures *f)
{
	int met = 0;
	for (int i = 0; i < t->ncond; i++) {
		met = cond_met(&t->cond[i], f);
		if (met == t->any)      /* or: one met is enough; and: one missed is too many */
			return met;
	}
	return met;
}

int crm_loyalty_qualify(const struct crm_loyalty_program *p, const struct crm_loyalty_figures *f)
{
	for (int i = p->ntiers - 1; i >= 0; i--)
		if (tier_met(&p->tier[i], f))
			return i;
	return -1;
}

int crm_loyalty_decide(const struct crm_loyalty_program *p, int current, int qualified,
		       int64_t last_qualified, int64_t today, int64_t *grace_end)
{
	current = valid_tier(p, current);
	qualified = valid_tier(p, qualified);
	*grace_end = CRM_LOYALTY_NEVER;
	if (qualified >= current || !p->downgrade)
		return qualified >= current ? qualified : current;
	*grace_end = cap_day(add_span(clamp_day(last_qualified), &p->grace));
	return clamp_day(today) <= *grace_end ? current : qualified;
}

/* Minor units as people read them: 1,250,000 or 12,500.00. */
static void put_grouped(struct text *t, const struct crm_loyalty_program *p, int64_t minor)
{
	char num[48];
	int len = crm_format_money(minor, p->currency, num, sizeof num);
	if (len < 0)
		len = snprintf(num, sizeof num, "%lld", (long long)minor);
	const char *digits = num + (num[0] == '-'), *dot = strchr(num, '.');
	int whole = (int)((dot ? dot : num + len) - digits);
	put(t, "%s", num[0] == '-' ? "-" : "");
	for (int i = 0; i < whole; i++)
		put(t, "%s%c", i && (whole - i) % 3 == 0 ? "," : "", digits[i]);
	put(t, "%s", dot ? dot : "");
}

/* "spend 1,250,000 >= 1,000,000 in 12 months" */
static void put_cond(struct text *t, const struct crm_loyalty_program *p,
		     const struct crm_loyalty_cond *c, const struct crm_loyalty_figures *f)
{
	const char *op = cond_met(c, f) ? ">=" : "<";
	if (c->metric == CRM_LOYALTY_ALWAYS) {
		put(t, "always");
		return;
	}
	if (c->metric == CRM_LOYALTY_SPEND) {
		put(t, "spend ");
		put_grouped(t, p, figure(c, f));
		put(t, " %s ", op);
		put_grouped(t, p, c->min);
	} else {
		put(t, "orders %lld %s %lld", (long long)figure(c, f), op, (long long)c->min);
	}
	put(t, " in ");
	put_span(t, &p->window[c->window]);
}

/* The conditions of tier i that make it met (or missed): or met, and
 * missed: the first that does; or missed, and met: all of them. */
static void put_reason(struct text *t, const struct crm_loyalty_program *p, int i,
		       const struct crm_loyalty_figures *f)
{
	const struct crm_loyalty_tier *tier = &p->tier[i];
	int met = tier_met(tier, f), n = 0;
	for (int k = 0; k < tier->ncond; k++) {
		if (cond_met(&tier->cond[k], f) != met)
			continue;
		put(t, "%s", n++ ? " and " : "");
		put_cond(t, p, &tier->cond[k], f);
		if (met == tier->any)
			break;
	}
}

static void put_grace(struct text *t, const struct crm_loyalty_program *p,
		      const struct crm_loyalty_move *m)
{
	char date[CRM_DATE_LEN];
	if (!p->downgrade) {
		put(t, "; downgrade = never");
		return;
	}
	if (!p->grace.n)
		return;
	crm_day_date(m->grace_end, date);
	put(t, m->change == CRM_LOYALTY_HELD ? "; held through %s (grace " : "; grace ", date);
	put_span(t, &p->grace);
	put(t, m->change == CRM_LOYALTY_HELD ? ")" : " ended %s", date);
}

void crm_loyalty_evaluate(const struct crm_loyalty_program *p, const struct crm_loyalty_figures *f,
			  int current, int64_t last_qualified, int64_t today,
			  struct crm_loyalty_move *m)
{
	struct text t = { m->why, 0, sizeof m->why, 1 };
	m->from = valid_tier(p, current);
	m->qualified = crm_loyalty_qualify(p, f);
	m->to = crm_loyalty_decide(p, m->from, m->qualified, last_qualified, today, &m->grace_end);
	m->change = m->to > m->from ? CRM_LOYALTY_UP : m->to < m->from ? CRM_LOYALTY_DOWN :
		    m->qualified < m->from ? CRM_LOYALTY_HELD : CRM_LOYALTY_STAY;
	m->why[0] = '\0';
	if (m->change == CRM_LOYALTY_UP || (m->change == CRM_LOYALTY_STAY && m->to >= 0)) {
		put_reason(&t, p, m->to, f);
	} else if (m->from >= 0) {
		put_reason(&t, p, m->from, f);
		put_grace(&t, p, m);
	} else if (p->ntiers > 0) {
		put_reason(&t, p, 0, f);
	}
}

/* ---- bonuses ---------------------------------------------------------------------------- */

int crm_loyalty_birthday_year(int month, int64_t today)
{
	int y, m, d;
	if (month < 1 || month > 12)
		return 0;
	civil(today, &y, &m, &d);
	int ahead = month - m;          /* -11..11 */
	return ahead > 6 ? y - 1 : ahead < -5 ? y + 1 : y;
}

int crm_loyalty_birthday_due(const struct crm_loyalty_program *p, int month, int64_t today)
{
	int y, m, d;
	if (p->birthday <= 0 || month < 1 || month > 12)
		return 0;
	civil(today, &y, &m, &d);
	return m == month ? y : 0;
}
