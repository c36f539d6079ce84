/*
 * rules.c - segment rules; see rules.h.
 *
 * A condition is compiled while it is parsed into branch nodes
 *     lo <= v[var] <= hi ? goto t : goto f
 * one per comparison, by backpatching: "a and b" sends a's true exits to
 * b's first node, "a or b" sends a's false exits there, "not a" swaps a's
 * exits, so and/or/not cost jumps, never nodes or a stack.  Every
 * comparison is a closed interval (r < 5 is [INT64_MIN, 4]; r != 5 is
 * [5, 5] with its exits swapped).  All rules share one program: a rule's
 * true exits name its segment, its false exits go to the next rule's first
 * node, the last rule's to "no segment".  Jumps only go forward, so
 * matching is a loop that ends, reads the figures and writes nothing.
 */
#include "i18n.h"
#include "rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "parse.h"
#include "norm.h"
#include "textfile.h"

#define NAME_MAX_BYTES 63
#define MAX_DEPTH 64                 /* of '(' and not: the parser recurses */
#define MAX_NODES (1 << 28)          /* exit slots 2 * node + 1 fit an int32_t */

/* Exits of a node: >= 0 another node, NO_SEGMENT, or SEG_EXIT(i). */
#define NO_SEGMENT (-1)
#define SEG_EXIT(i) (-2 - (i))

struct node {
	int64_t lo, hi;                 /* holds when lo <= v[var] <= hi */
	int32_t t, f;                   /* where to go when it holds, and when not */
	int32_t var;
};

struct crm_rules {
	struct node *node;
	int32_t nnode, capnode;
	char **seg;
	int nseg, capseg;
};

/* The names of the figures; the order is the one messages list them in. */
static const struct {
	const char *name;
	enum crm_rule_var var;
} vars[] = {
	{ "r", CRM_RV_RECENCY }, { "f", CRM_RV_FREQUENCY }, { "m", CRM_RV_MONETARY },
	{ "R", CRM_RV_R }, { "F", CRM_RV_F }, { "M", CRM_RV_M },
	{ "tenure", CRM_RV_TENURE },
	{ "recency", CRM_RV_RECENCY }, { "frequency", CRM_RV_FREQUENCY },
	{ "monetary", CRM_RV_MONETARY },
	{ "days", CRM_RV_RECENCY }, { "orders", CRM_RV_FREQUENCY }, { "spent", CRM_RV_MONETARY },
	{ "r_score", CRM_RV_R }, { "f_score", CRM_RV_F }, { "m_score", CRM_RV_M },
};
#define NVARS ((int)(sizeof vars / sizeof vars[0]))

/* ---- tokens ---------------------------------------------------------------- */

enum tk { T_END, T_WORD, T_NUM, T_OP, T_LP, T_RP, T_DOTDOT, T_AND, T_OR, T_NOT, T_IN,
	  T_TRUE, T_OTHER };
enum op { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE };

struct tok {
	enum tk k;
	enum op op;
	const char *s;                  /* its text in the line */
	size_t n;
};

/* Exits of a condition whose targets are not known yet: a list of slots
 * 2 * node + (0: t, 1: f), each slot holding the next one (-1 ends it)
 * until it is patched. */
struct exits {
	int32_t head, tail;
};

struct parser {
	struct crm_rules *rs;
	int exp;                        /* decimals of money literals */
	char currency[4];               /* upper case, "" for none */
	const char *line;               /* the line, for columns */
	const char *p, *end;            /* the condition still to read */
	struct tok tok, prev;           /* prev.k == T_END: tok is the first */
	int depth;
	struct crm_parse_error err;
};

/* The first problem, where it is: -1 (parse.h). */
#define fail(ps, at, ...) crm_parse_fail(&(ps)->err, (at), __VA_ARGS__)


#define QTOK(t, buf) crm_quote_n((t)->s, (t)->n, buf, sizeof buf)

static int is_space(char c)
{
	return c == ' ' || (unsigned char)(c - '\t') < 5;
}

static int is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

/* Letters, digits, '_' and any non-ASCII byte: an unknown Korean word
 * reads as one. */
static int is_word(char c)
{
	unsigned char u = (unsigned char)c;
	return u == '_' || (unsigned char)((u | 0x20) - 'a') < 26 || u >= 0x80 || is_digit(c);
}

static int starts_number(const char *p, const char *e)
{
	return is_digit(*p) || ((*p == '-' || *p == '.') && p + 1 < e && is_digit(p[1]));
}


static enum tk word_kind(const char *s, size_t n)
{
	return crm_parse_keyword(s, n, "and") ? T_AND : crm_parse_keyword(s, n, "or") ? T_OR :
	       crm_parse_keyword(s, n, "not") ? T_NOT : crm_parse_keyword(s, n, "in") ? T_IN :
	       crm_parse_keyword(s, n, "true") ? T_TRUE : T_WORD;
}

/* One- and two-character punctuation at p. */
static size_t punct(const char *p, const char *e, struct tok *t)
{
	char c = *p, d = p + 1 < e ? p[1] : '\0';
	t->k = T_OP;
	switch (c) {
	case '(': t->k = T_LP; return 1;
	case ')': t->k = T_RP; return 1;
	case '<':
		t->op = d == '=' ? OP_LE : d == '>' ? OP_NE : OP_LT;
		return t->op == OP_LT ? 1 : 2;
	case '>':
		t->op = d == '=' ? OP_GE : OP_GT;
		return d == '=' ? 2 : 1;
	case '=':
		t->op = OP_EQ;
		if (d == '>' || d == '<')
			t->k = T_OTHER;         /* "=>": worth its own message */
		return d == '=' || d == '>' || d == '<' ? 2 : 1;
	case '!':
		t->op = OP_NE;
		if (d == '=')
			return 2;
		t->k = T_NOT;
		return 1;
	case '.': t->k = d == '.' ? T_DOTDOT : T_OTHER; return d == '.' ? 2 : 1;
	case '&': t->k = d == '&' ? T_AND : T_OTHER; return d == '&' ? 2 : 1;
	case '|': t->k = d == '|' ? T_OR : T_OTHER; return d == '|' ? 2 : 1;
	default: t->k = T_OTHER; return 1;
	}
}

/* Read the next token into ps->tok, keeping the current one in ps->prev. */
static void next(struct parser *ps)
{
	const char *p = ps->p, *e = ps->end;
	struct tok *t = &ps->tok;

	ps->prev = *t;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	t->s = p;
	if (p == e) {
		t->k = T_END;
	} else if (starts_number(p, e)) {
		/* the whole run, so that "1,000" and "12abc" are refused whole;
		 * ".." ends it: 1..5 */
		p++;
		while (p < e && (is_word(*p) || *p == ',' ||
				 (*p == '.' && !(p + 1 < e && p[1] == '.'))))
			p++;
		t->k = T_NUM;
	} else if (is_word(*p)) {
		while (p < e && is_word(*p))
			p++;
		t->k = word_kind(t->s, (size_t)(p - t->s));
	} else {
		p += punct(p, e, t);
	}
	t->n = (size_t)(p - t->s);
	ps->p = p;
}

/* "expected WHAT after 'PREV'" at PREV when the condition ends, else
 * "expected WHAT after 'PREV', not 'TOK'" at TOK. */
static int expected(struct parser *ps, const char *what)
{
	char q1[128], q2[128];
	const struct tok *t = &ps->tok, *prev = &ps->prev;
	if (t->k == T_END && prev->k == T_END)
		return fail(ps, t->s, _("empty condition"));
	if (t->k == T_END)
		return fail(ps, prev->s, _("expected %s after %s"), what, QTOK(prev, q1));
	if (prev->k == T_END)
		return fail(ps, t->s, _("expected %s, not %s"), what, QTOK(t, q2));
	return fail(ps, t->s, _("expected %s after %s, not %s"), what, QTOK(prev, q1), QTOK(t, q2));
}

/* The current token should be a comparison operator. */
static int expect_op(struct parser *ps, const char *what)
{
	const struct tok *t = &ps->tok;
	if (t->k == T_OP)
		return 0;
	if (t->k == T_OTHER && t->n == 2)
		return fail(ps, t->s, _("'%.2s' is not an operator (write '%c=')"), t->s, t->s[1]);
	return expected(ps, what);
}

/* ---- the program ------------------------------------------------------------ */

static int32_t *slot(struct crm_rules *rs, int32_t s)
{
	struct node *n = &rs->node[s >> 1];
	return s & 1 ? &n->f : &n->t;
}

static struct exits join(struct crm_rules *rs, struct exits a, struct exits b)
{
	if (a.head < 0)
		return b;
	if (b.head >= 0) {
		*slot(rs, a.tail) = b.head;
		a.tail = b.tail;
	}
	return a;
}

static void patch(struct crm_rules *rs, struct exits l, int32_t target)
{
	int32_t s = l.head, next_slot;
	for (; s >= 0; s = next_slot) {
		next_slot = *slot(rs, s);
		*slot(rs, s) = target;
	}
}

/* Append a node testing lo <= var <= hi; its exits go to *tl and *fl, or
 * the other way round when negated. */
static int emit(struct parser *ps, enum crm_rule_var var, int64_t lo, int64_t hi, int negate,
		struct exits *tl, struct exits *fl)
{
	struct crm_rules *rs = ps->rs;
	if (rs->nnode == rs->capnode) {
		if (rs->nnode >= MAX_NODES)
			return fail(ps, ps->prev.s, _("too many comparisons"));
		int32_t cap = rs->capnode ? rs->capnode * 2 : 64;
		rs->node = crm_xrealloc(rs->node, (size_t)cap * sizeof *rs->node);
		rs->capnode = cap;
	}
	int32_t i = rs->nnode++;
	rs->node[i] = (struct node){ .lo = lo, .hi = hi, .t = -1, .f = -1, .var = (int32_t)var };
	struct exits yes = { 2 * i, 2 * i }, no = { 2 * i + 1, 2 * i + 1 };
	*tl = negate ? no : yes;
	*fl = negate ? yes : no;
	return 0;
}

/* VAR OP N as an interval, exits swapped for != */
static int compare(struct parser *ps, enum crm_rule_var var, enum op op, int64_t n,
		   struct exits *tl, struct exits *fl)
{
	int64_t lo = INT64_MIN, hi = INT64_MAX;
	switch (op) {
	case OP_LT:
		if (n == INT64_MIN)
			lo = INT64_MAX, hi = INT64_MIN;     /* never */
		else
			hi = n - 1;
		break;
	case OP_LE: hi = n; break;
	case OP_GT:
		if (n == INT64_MAX)
			lo = INT64_MAX, hi = INT64_MIN;
		else
			lo = n + 1;
		break;
	case OP_GE: lo = n; break;
	case OP_EQ:
	case OP_NE: lo = hi = n; break;
	}
	return emit(ps, var, lo, hi, op == OP_NE, tl, fl);
}

/* N OP VAR is VAR OP' N */
static enum op flip(enum op op)
{
	switch (op) {
	case OP_LT: return OP_GT;
	case OP_LE: return OP_GE;
	case OP_GT: return OP_LT;
	case OP_GE: return OP_LE;
	default: return op;
	}
}

/* ---- values ------------------------------------------------------------------ */

/* Index in vars[] of a name, or -1 with the problem set. */
static int find_var(struct parser *ps, const struct tok *t)
{
	char q[128], list[256];
	size_t o = 0;
	for (int i = 0; i < NVARS; i++)
		if (t->n == strlen(vars[i].name) && !memcmp(t->s, vars[i].name, t->n))
			return i;
	if (t->k != T_WORD)
		return expected(ps, _("a name"));
	for (int i = 0; i < NVARS; i++)
		if (crm_parse_keyword(t->s, t->n, vars[i].name))
			return fail(ps, t->s, _("unknown name %s (names are case-sensitive: did you mean '%s'?)"),
				    QTOK(t, q), vars[i].name);
	for (int i = 0; i < NVARS && o < sizeof list; i++)
		o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", vars[i].name);
	return fail(ps, t->s, _("unknown name %s (one of %s)"), QTOK(t, q), list);
}

static int is_score(enum crm_rule_var var)
{
	return var == CRM_RV_R || var == CRM_RV_F || var == CRM_RV_M;
}

/*
 * The value of number token t compared with the variable named by vt (index
 * vi), in minor units for money; or -1 with the problem set.
 */
static int number(struct parser *ps, const struct tok *t, const struct tok *vt, int vi,
		  int64_t *out)
{
	char q[128], qv[128];
	enum crm_rule_var var = vars[vi].var;
	const char *s = t->s, *e = t->s + t->n, *p = s, *dot = NULL;
	int neg = *p == '-';

	p += neg;
	if (p == e || !is_digit(*p))
		goto not_a_number;
	for (; p < e; p++) {
		if (*p == '.' && !dot && p + 1 < e && p > s + neg)
			dot = p;
		else if (!is_digit(*p))
			goto not_a_number;
	}
	int ndec = dot ? (int)(e - dot - 1) : 0;
	int exp = var == CRM_RV_MONETARY ? ps->exp : 0;
	if (ndec > exp) {
		if (var != CRM_RV_MONETARY)
			return fail(ps, s, _("%s is not a whole number"), QTOK(t, q));
		if (ps->currency[0])
			return fail(ps, s, _("%s has more decimals than %s allows"), QTOK(t, q),
				    ps->currency);
		return fail(ps, s, _("%s has decimals but no currency was given"), QTOK(t, q));
	}
	if (neg && var != CRM_RV_MONETARY && !is_score(var))
		return fail(ps, s, _("%s is negative"), QTOK(t, q));

	/* magnitude, scaled to minor units, at most 2^63 (- 1 unless negative) */
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, mag = 0;
	int over = 0;
	for (p = s + neg; p < e && !over; p++) {
		if (*p == '.')
			continue;
		unsigned d = (unsigned)(*p - '0');
		over = mag > (limit - d) / 10;
		mag = mag * 10 + d;
	}
	for (int i = ndec; i < exp && !over; i++) {
		over = mag > limit / 10;
		mag *= 10;
	}
	if (is_score(var) && (over || neg || mag < 1 || mag > 5))
		return fail(ps, s, _("score %s is 1 to 5, not %.*s"), QTOK(vt, qv), (int)t->n, s);
	if (over)
		return fail(ps, s, _("%s is too large"), QTOK(t, q));
	*out = neg ? (mag ? -(int64_t)(mag - 1) - 1 : 0) : (int64_t)mag;
	return 0;

not_a_number:
	return fail(ps, s, _("%s is not a number%s"), QTOK(t, q),
		    memchr(s, ',', t->n) ? _(" (no thousands separators)") : "");
}

/* ---- conditions ---------------------------------------------------------------- */

static int or_list(struct parser *ps, struct exits *tl, struct exits *fl);

/* VAR in A..B, the current token being 'in' */
static int range(struct parser *ps, const struct tok *vt, int vi, struct exits *tl,
		 struct exits *fl)
{
	char q[128];
	int64_t lo, hi;
	next(ps);
	if (ps->tok.k != T_NUM)
		return expected(ps, _("a number"));
	struct tok a = ps->tok;
	if (number(ps, &a, vt, vi, &lo) < 0)
		return -1;
	next(ps);
	if (ps->tok.k != T_DOTDOT)
		return expected(ps, "'..'");
	next(ps);
	if (ps->tok.k != T_NUM)
		return expected(ps, _("a number"));
	if (number(ps, &ps->tok, vt, vi, &hi) < 0)
		return -1;
	if (lo > hi)
		return fail(ps, a.s, _("%s is an empty range"),
			    crm_quote_n(a.s, (size_t)(ps->tok.s + ps->tok.n - a.s), q, sizeof q));
	next(ps);
	return emit(ps, vars[vi].var, lo, hi, 0, tl, fl);
}

/* VAR OP NUMBER or VAR in A..B */
static int var_first(struct parser *ps, struct exits *tl, struct exits *fl)
{
	struct tok vt = ps->tok;
	int64_t n;
	int vi = find_var(ps, &vt);
	if (vi < 0)
		return -1;
	next(ps);
	if (ps->tok.k == T_IN)
		return range(ps, &vt, vi, tl, fl);
	if (expect_op(ps, _("an operator or 'in'")) < 0)
		return -1;
	enum op op = ps->tok.op;
	next(ps);
	if (ps->tok.k != T_NUM)
		return expected(ps, _("a number"));
	if (number(ps, &ps->tok, &vt, vi, &n) < 0)
		return -1;
	next(ps);
	return compare(ps, vars[vi].var, op, n, tl, fl);
}

/* NUMBER OP VAR */
static int number_first(struct parser *ps, struct exits *tl, struct exits *fl)
{
	struct tok nt = ps->tok;
	int64_t n;
	next(ps);
	if (expect_op(ps, _("an operator")) < 0)
		return -1;
	enum op op = flip(ps->tok.op);
	next(ps);
	struct tok vt = ps->tok;
	int vi = find_var(ps, &vt);
	if (vi < 0 || number(ps, &nt, &vt, vi, &n) < 0)
		return -1;
	next(ps);
	return compare(ps, vars[vi].var, op, n, tl, fl);
}

static int nest(struct parser *ps)
{
	char q[128];
	if (++ps->depth <= MAX_DEPTH)
		return 0;
	return fail(ps, ps->tok.s, _("%s nested too deeply (at most %d levels of '(' and 'not')"),
		    QTOK(&ps->tok, q), MAX_DEPTH);
}

static int primary(struct parser *ps, struct exits *tl, struct exits *fl)
{
	char q[128];
	struct tok open = ps->tok;
	switch (open.k) {
	case T_LP:
		if (nest(ps) < 0)
			return -1;
		next(ps);
		if (or_list(ps, tl, fl) < 0)
			return -1;
		if (ps->tok.k == T_END)
			return fail(ps, open.s, _("missing ')'"));
		if (ps->tok.k != T_RP)
			return fail(ps, ps->tok.s, _("expected ')', not %s"), QTOK(&ps->tok, q));
		ps->depth--;
		next(ps);
		return 0;
	case T_TRUE:
		next(ps);
		return emit(ps, CRM_RV_RECENCY, INT64_MIN, INT64_MAX, 0, tl, fl);
	case T_WORD:
		return var_first(ps, tl, fl);
	case T_NUM:
		return number_first(ps, tl, fl);
	default:
		return expected(ps, _("a condition"));
	}
}

static int unary(struct parser *ps, struct exits *tl, struct exits *fl)
{
	if (ps->tok.k != T_NOT)
		return primary(ps, tl, fl);
	if (nest(ps) < 0)
		return -1;
	next(ps);
	if (unary(ps, fl, tl) < 0)
		return -1;
	ps->depth--;
	return 0;
}

static int and_list(struct parser *ps, struct exits *tl, struct exits *fl)
{
	struct exits t2, f2;
	if (unary(ps, tl, fl) < 0)
		return -1;
	while (ps->tok.k == T_AND) {
		next(ps);
		patch(ps->rs, *tl, ps->rs->nnode);
		if (unary(ps, &t2, &f2) < 0)
			return -1;
		*tl = t2;
		*fl = join(ps->rs, *fl, f2);
	}
	return 0;
}

static int or_list(struct parser *ps, struct exits *tl, struct exits *fl)
{
	struct exits t2, f2;
	if (and_list(ps, tl, fl) < 0)
		return -1;
	while (ps->tok.k == T_OR) {
		next(ps);
		patch(ps->rs, *fl, ps->rs->nnode);
		if (and_list(ps, &t2, &f2) < 0)
			return -1;
		*tl = join(ps->rs, *tl, t2);
		*fl = f2;
	}
	return 0;
}

/* ---- lines ---------------------------------------------------------------------- */

/* Index of a segment, added if new; -1 past the most there can be. */
static int segment(struct parser *ps, const char *name, size_t n)
{
	struct crm_rules *rs = ps->rs;
	for (int i = 0; i < rs->nseg; i++)
		if (strlen(rs->seg[i]) == n && !memcmp(rs->seg[i], name, n))
			return i;
	if (rs->nseg == rs->capseg) {
		int cap = rs->capseg ? rs->capseg * 2 : 8;
		if (cap >= MAX_NODES)
			return fail(ps, name, _("too many segments"));
		rs->seg = crm_xrealloc(rs->seg, (size_t)cap * sizeof *rs->seg);
		rs->capseg = cap;
	}
	rs->seg[rs->nseg] = crm_xstrndup(name, n);
	return rs->nseg++;
}


static int check_name(struct parser *ps, const char *b, const char *e)
{
	char q[128];
	size_t len;
	const char *bad = crm_parse_bad_name_char(b, e, "", &len);
	if ((size_t)(e - b) > NAME_MAX_BYTES)
		return fail(ps, b, _("name too long (%zu bytes, at most %d)"), (size_t)(e - b),
			    NAME_MAX_BYTES);
	if (bad && len == 2)
		return fail(ps, bad, _("'\\u%04x' is not allowed in a segment name"),
			    (unsigned char)bad[1]);
	if (bad)
		return fail(ps, bad, _("%s is not allowed in a segment name"), crm_quote_n(bad, 1, q, sizeof q));
	return 0;
}

/* Valid UTF-8 without NUL bytes, else -1 with the place of the first bad byte. */
static int check_text(struct parser *ps, const char *s, size_t n)
{
	const char *nul = memchr(s, '\0', n);
	size_t upto = nul ? (size_t)(nul - s) : n;
	size_t valid = crm_utf8_valid_prefix(s, upto);
	if (valid < upto)
		return fail(ps, s + valid, _("invalid UTF-8 (byte 0x%02x)"), (unsigned char)s[valid]);
	if (nul)
		return fail(ps, nul, _("NUL byte"));
	return 0;
}

/* Compile one line (line end removed): 0, or -1 with the problem set. */
static int rule_line(struct parser *ps, const char *line, size_t n)
{
	const char *end, *colon, *b, *e;
	struct exits tl, fl;

	ps->line = line;
	if (check_text(ps, line, n) < 0)
		return -1;
	end = memchr(line, '#', n);
	if (!end)
		end = line + n;
	for (b = line; b < end && is_space(*b); b++)
		;
	if (b == end)
		return 0;
	if (!(colon = memchr(line, ':', (size_t)(end - line))))
		return fail(ps, b, _("no ':' after the segment name"));
	for (e = colon; e > b && is_space(e[-1]); e--)
		;
	if (b == e)
		return fail(ps, colon, _("empty segment name"));
	if (check_name(ps, b, e) < 0)
		return -1;

	const char *c = colon + 1;
	while (c < end && is_space(*c))
		c++;
	if (c == end)
		return fail(ps, colon + 1, _("empty condition"));
	int seg = segment(ps, b, (size_t)(e - b));
	if (seg < 0)
		return -1;

	ps->p = colon + 1;
	ps->end = end;
	ps->tok = (struct tok){ .k = T_END, .s = ps->p };
	ps->depth = 0;
	next(ps);
	if (or_list(ps, &tl, &fl) < 0)
		return -1;
	if (ps->tok.k != T_END) {
		char q[128];
		return fail(ps, ps->tok.s, _("unexpected %s after the condition"), QTOK(&ps->tok, q));
	}
	patch(ps->rs, tl, SEG_EXIT(seg));
	patch(ps->rs, fl, ps->rs->nnode);       /* the next rule, if any */
	return 0;
}


static int set_currency(struct parser *ps, const char *currency, char *err, size_t errsize)
{
	char q[128];
	if (!currency || !*currency)
		return 0;
	ps->exp = crm_currency_exponent(currency);
	if (ps->exp < 0) {
		snprintf(err, errsize, _("%s is not a known currency"), crm_quote(currency, q, sizeof q));
		return -1;
	}
	for (int i = 0; i < 3; i++)
		ps->currency[i] = (char)(currency[i] >= 'a' && currency[i] <= 'z' ?
					 currency[i] - 'a' + 'A' : currency[i]);
	return 0;
}

static int read_rules(struct parser *ps, struct crm_textfile *tf, const char *path, char *err,
		      size_t errsize)
{
	struct crm_text_line l;
	int rc;

	while ((rc = crm_textfile_next(tf, &l, err, errsize)) > 0) {
		if (rule_line(ps, l.s, l.n) < 0) {
			snprintf(err, errsize, _("%s:%ld: column %ld: %s"), path, l.lineno,
				 crm_parse_column(ps->line, ps->err.at), ps->err.msg);
			return CRM_EUSAGE;
		}
	}
	/* a file past the caps is bad content, as a bad rule is */
	return rc == -CRM_EIO ? CRM_EIO : rc < 0 ? CRM_EUSAGE : CRM_OK;
}

/* ---- the interface ---------------------------------------------------------------- */

struct crm_rules *crm_rules_load(const char *path, const char *currency, char *err,
				 size_t errsize, int *code)
{
	struct parser ps = { 0 };
	char noerr[1];
	int nocode, status;
	struct crm_textfile *tf;

	if (!err)
		err = noerr, errsize = sizeof noerr;
	if (!code)
		code = &nocode;
	if (set_currency(&ps, currency, err, errsize) < 0) {
		*code = CRM_EUSAGE;
		return NULL;
	}
	if (!(tf = crm_textfile_open(path, err, errsize))) {
		*code = CRM_EIO;
		return NULL;
	}
	ps.rs = crm_xcalloc(1, sizeof *ps.rs);
	status = read_rules(&ps, tf, path, err, errsize);
	crm_textfile_close(tf);
	if (status == CRM_OK && ps.rs->nseg == 0) {
		snprintf(err, errsize, _("%s: no rules"), path);
		status = CRM_EUSAGE;
	}
	if (status != CRM_OK) {
		crm_rules_free(ps.rs);
		*code = status;
		return NULL;
	}
	/* the last rule's false exits lead past the end: no segment */
	struct crm_rules *rs = ps.rs;
	for (int32_t i = 0; i < rs->nnode; i++) {
		if (rs->node[i].t == rs->nnode)
			rs->node[i].t = NO_SEGMENT;
		if (rs->node[i].f == rs->nnode)
			rs->node[i].f = NO_SEGMENT;
	}
	return rs;
}

int crm_rules_nsegments(const struct crm_rules *rs)
{
	return rs->nseg;
}

const char *crm_rules_segment(const struct crm_rules *rs, int i)
{
	return i >= 0 && i < rs->nseg ? rs->seg[i] : NULL;
}

int crm_rules_match(const struct crm_rules *rs, const struct crm_rule_vals *v)
{
	const struct node *node = rs->node;
	int32_t i = 0;
	while (i >= 0) {
		const struct node *n = &node[i];
		int64_t x = v->v[n->var];
		i = x >= n->lo && x <= n->hi ? n->t : n->f;
	}
	return -2 - i;          /* SEG_EXIT(seg) -> seg, NO_SEGMENT -> -1 */
}

void crm_rules_free(struct crm_rules *rs)
{
	if (!rs)
		return;
	for (int i = 0; i < rs->nseg; i++)
		free(rs->seg[i]);
	free(rs->seg);
	free(rs->node);
	free(rs);
}
