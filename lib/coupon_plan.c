/* coupon_plan.c - who an issue of coupons is for, and making their codes;
 * see coupon.h. */
#include "coupon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"
#include "diag.h"
#include "entity.h"
#include "i18n.h"
#include "opts.h"

struct customer {
	char *id, *email, *name;
	int month;               /* of the birthday, or -1 when not known */
	enum crm_coupon_fate fate;
};

struct crm_coupon_plan {
	struct crm_coupon_audience a;
	const struct crm_coupon_issue *is;
	struct crm_coupon_issuer *iss;
	struct customer *cust;
	size_t n, cap;
	struct crm_coupon_tally tally;
	/* the stream */
	const struct crm_stream *st;     /* while it is read */
	int streamed;            /* crm_coupon_plan_read() was called */
	const char *fname;
};

enum { C_ID, C_EMAIL, C_NAME, C_BIRTHDAY };   /* crm_customer_stream */

struct crm_coupon_plan *crm_coupon_plan_new(const struct crm_coupon_audience *a)
{
	struct crm_coupon_plan *p = crm_xcalloc(1, sizeof *p);
	p->a = *a;
	return p;
}

void crm_coupon_plan_free(struct crm_coupon_plan *p)
{
	size_t i;
	if (!p)
		return;
	crm_coupon_issuer_close(p->iss);
	for (i = 0; i < p->n; i++) {
		free(p->cust[i].id);
		free(p->cust[i].email);
		free(p->cust[i].name);
	}
	free(p->cust);
	free(p);
}

/* An empty value is a missing one. */
static char *dup_or_null(const char *s)
{
	return crm_xstrdup_or_null(s && *s ? s : NULL);
}

void crm_coupon_plan_add(struct crm_coupon_plan *p, const char *id, const char *email,
			 const char *name, int month)
{
	struct customer *k;
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 256;
		p->cust = crm_xrealloc(p->cust, p->cap * sizeof *p->cust);
	}
	k = &p->cust[p->n++];
	k->id = dup_or_null(id);
	k->email = dup_or_null(email);
	k->name = dup_or_null(name);
	k->month = month;
	k->fate = CRM_COUPON_NEW;
	p->tally.customers = p->n;
}

/* ---- the customers stream ------------------------------------------------ */

static int reject(long line, const char *why, void *ctx)
{
	struct crm_coupon_plan *p = ctx;
	crm_error_at(p->fname, line, "%s", why);
	p->tally.rejected++;
	return 0;
}

/* The birthday's month: MM-DD as it is, other forms as crm-import reads
 * them; -1 when not known, or -2 after rejecting the row. */
static int birthday_month(struct crm_coupon_plan *p, char *cell, long line)
{
	char date[CRM_DATE_LEN + 64], why[512];
	int month;
	if (!cell || !p->a.birthday_month)
		return -1;
	if ((month = crm_coupon_birthday_month(cell)) > 0)
		return month;
	if (crm_stream_value(p->st, C_BIRTHDAY, cell, date, sizeof date, NULL, why, sizeof why) ==
	    CRM_VALUE_BAD)
		return reject(line, why, p), -2;
	return crm_coupon_birthday_month(date);
}

static int on_row(const struct crm_values *v, const struct crm_row *row, void *ctx)
{
	struct crm_coupon_plan *p = ctx;
	const char *id = v->val[C_ID], *email = v->val[C_EMAIL];
	int month = birthday_month(p, v->val[C_BIRTHDAY], row->line);
	if (month == -2)
		return 0;
	/* crm-import knows a customer without an id by their e-mail */
	if (!id && !email)
		return reject(row->line, _("column 'customer_id' is empty"), p);
	crm_coupon_plan_add(p, id ? id : email, email, v->val[C_NAME], month);
	return 0;
}

int crm_coupon_plan_read(struct crm_coupon_plan *p, const char *path)
{
	struct crm_stream st = {
		.e = &crm_customer_stream, .maps = p->a.in->map, .nmap = p->a.in->nmap,
		.vc = {p->a.tz, p->a.in->date_order, NULL, "", &p->a.in->vmap}, .csv = p->a.csv,
		.flags = CRM_READ_NEED_HEADER, .raw = CRM_STREAM_RAW(C_BIRTHDAY), .name = &p->fname,
		.on_row = on_row, .on_reject = reject, .ctx = p,
	};
	int rc;
	p->streamed = 1;
	p->st = &st;
	rc = crm_stream_read(&st, path);
	p->st = NULL;
	return rc;
}

static int add_birthday(const struct crm_coupon_who *who, void *ctx)
{
	crm_coupon_plan_add(ctx, who->id, who->email, who->name,
			    crm_coupon_birthday_month(who->birthday));
	return 0;
}

int crm_coupon_plan_birthdays(struct crm_coupon_plan *p, struct crm_db *db)
{
	return crm_coupon_birthdays(db, p->a.birthday_month, add_birthday, p);
}

/* ---- planning ------------------------------------------------------------ */

static int by_id(const void *a, const void *b)
{
	const struct customer *const *x = a, *const *y = b;
	int d = strcmp((*x)->id, (*y)->id);
	return d ? d : (*x < *y ? -1 : *x > *y);
}

/* A customer listed twice gets one code: the first row counts. */
static void mark_duplicates(struct crm_coupon_plan *p)
{
	struct customer **by = crm_xmalloc((p->n + 1) * sizeof *by);
	size_t i;
	for (i = 0; i < p->n; i++)
		by[i] = &p->cust[i];
	qsort(by, p->n, sizeof *by, by_id);
	for (i = 1; i < p->n; i++)
		if (!strcmp(by[i]->id, by[i - 1]->id) && by[i]->fate != CRM_COUPON_UNSELECTED)
			by[i]->fate = CRM_COUPON_DUPLICATE;
	free(by);
}

static void replace(char **field, const char *v)
{
	free(*field);
	*field = dup_or_null(v);
}

/* Fill a customer from the database (their id as crm-import merged it, and
 * what the stream lacks) and decide whether the audience takes them in. */
static int resolve(struct crm_coupon_plan *p, struct customer *k)
{
	struct crm_coupon_who who;
	int found, rc;
	if ((rc = crm_coupon_customer(p->iss, k->id, &who, &found)) != CRM_OK)
		return rc;
	if (found) {
		if (strcmp(who.id, k->id))
			replace(&k->id, who.id);
		if (!k->email)
			k->email = dup_or_null(who.email);
		if (!k->name)
			k->name = dup_or_null(who.name);
		if (k->month < 0)
			k->month = crm_coupon_birthday_month(who.birthday);
	}
	if ((p->a.birthday_month && k->month != p->a.birthday_month) ||
	    (p->a.opted_in && (!found || who.opted_in != 1)))
		k->fate = CRM_COUPON_UNSELECTED;
	return CRM_OK;
}

static int note_held(const struct crm_coupon *cp, void *ctx)
{
	struct customer *k = ctx;
	k->fate = cp->state == CRM_COUPON_ISSUED ? CRM_COUPON_RESEND : CRM_COUPON_SPENT;
	return 0;
}

/* Decide every customer's fate; *fresh counts the codes to make. */
static int plan(struct crm_coupon_plan *p, long long *fresh)
{
	size_t i;
	int rc, found;
	*fresh = 0;
	for (i = 0; i < p->n; i++)
		if ((rc = resolve(p, &p->cust[i])) != CRM_OK)
			return rc;
	mark_duplicates(p);
	for (i = 0; i < p->n; i++) {
		struct customer *k = &p->cust[i];
		if (k->fate != CRM_COUPON_NEW)
			continue;
		if (!p->a.again && (rc = crm_coupon_held(p->iss, k->id, note_held, k, &found)) != CRM_OK)
			return rc;
		*fresh += k->fate == CRM_COUPON_NEW;
	}
	for (i = 0; i < p->n; i++)
		p->tally.fate[p->cust[i].fate]++;
	return CRM_OK;
}

/* Refuse before any code is made when the live codes would not fit. */
static int check_space(struct crm_db *db, const struct crm_coupon_issue *is, long long fresh)
{
	long long live, cap = crm_coupon_capacity(is->length);
	int rc, need;
	if ((rc = crm_coupon_live(db, is->now, &live)) != CRM_OK)
		return rc;
	if (fresh <= cap - live)
		return CRM_OK;
	need = crm_coupon_length_for(live + fresh);
	crm_error(_("%lld new codes and %lld live ones do not fit codes of %d random characters "
		  "safely (at most %lld live, so that a guess hits one in a million at worst); "
		  "use --length %d"), fresh, live, is->length, cap,
		  need > 0 ? need : CRM_COUPON_MAX_LENGTH);
	return CRM_EUSAGE;
}

int crm_coupon_plan_run(struct crm_coupon_plan *p, struct crm_db *db,
			const struct crm_coupon_issue *is)
{
	long long fresh;
	int rc;
	if (!p->iss && !(p->iss = crm_coupon_issuer_open(db, is)))
		return crm_db_last_status(db);
	p->is = is;
	if ((rc = plan(p, &fresh)) != CRM_OK)
		return rc;
	return check_space(db, is, fresh);
}

/* ---- the codes ----------------------------------------------------------- */

struct send {
	const struct customer *k;
	crm_coupon_send_fn *fn;
	void *ctx;
};

static void as_planned(const struct customer *k, struct crm_coupon_planned *out)
{
	out->id = k->id;
	out->email = k->email;
	out->name = k->name;
	out->month = k->month;
	out->fate = k->fate;
}

static int send_held(const struct crm_coupon *cp, void *ctx)
{
	struct send *s = ctx;
	struct crm_coupon_planned to;
	as_planned(s->k, &to);
	return s->fn(&to, cp, s->ctx);
}

/* A new code as it was stored by crm_coupon_issue(). */
static void new_coupon(const struct crm_coupon_issue *is, const char *customer_id,
		       const char *code, struct crm_coupon *c)
{
	const struct crm_coupon_terms *t = is->terms;
	memset(c, 0, sizeof *c);
	c->code = code;
	c->campaign = is->campaign;
	c->customer_id = customer_id;
	c->discount = t->discount;
	c->currency = t->currency;
	c->min_order = t->min_order;
	c->issued_at = is->now;
	c->expires_at = t->expires_at;
	c->state = CRM_COUPON_ISSUED;
}

int crm_coupon_plan_make(struct crm_coupon_plan *p, crm_coupon_send_fn *fn, void *ctx)
{
	char code[CRM_COUPON_SIZE];
	struct crm_coupon c;
	size_t i;
	int rc, found;
	for (i = 0; i < p->n; i++) {
		const struct customer *k = &p->cust[i];
		struct send s = {k, fn, ctx};
		if (k->fate == CRM_COUPON_NEW) {
			if ((rc = crm_coupon_issue(p->iss, k->id, code)) != CRM_OK)
				return rc;
			new_coupon(p->is, k->id, code, &c);
			if ((rc = send_held(&c, &s)) != 0)
				return rc;
		} else if (k->fate == CRM_COUPON_RESEND &&
			   (rc = crm_coupon_held(p->iss, k->id, send_held, &s, &found)) != CRM_OK) {
			return rc;
		}
	}
	return CRM_OK;
}

const struct crm_coupon_tally *crm_coupon_plan_tally(const struct crm_coupon_plan *p)
{
	return &p->tally;
}

int crm_coupon_plan_customer(const struct crm_coupon_plan *p, size_t i,
			     struct crm_coupon_planned *out)
{
	if (i >= p->n)
		return 0;
	as_planned(&p->cust[i], out);
	return 1;
}

/* ---- issuing ------------------------------------------------------------- */

struct spool {
	const struct crm_coupon_plan *p;
	struct crm_writer *w;
};

static int write_code(const struct crm_coupon_planned *k, const struct crm_coupon *cp, void *ctx)
{
	const struct spool *s = ctx;
	struct crm_writer *w = s->w;
	char until[CRM_DATE_LEN];
	crm_coupon_valid_until(s->p->a.tz, cp->expires_at, until);
	crm_write_field(w, cp->code, CRM_CELL_PLAIN);
	crm_write_field(w, k->id, CRM_CELL_TEXT);
	crm_write_field(w, k->email, CRM_CELL_TEXT);
	crm_write_field(w, k->name, CRM_CELL_TEXT);
	crm_write_field(w, s->p->is->campaign, CRM_CELL_TEXT);
	crm_write_field(w, cp->discount, CRM_CELL_PLAIN);
	crm_coupon_write_money(w, cp->min_order, cp->currency);
	crm_write_field(w, cp->expires_at, CRM_CELL_PLAIN);
	crm_write_field(w, until, CRM_CELL_PLAIN);
	crm_write_end(w);
	return 0;
}

/* Plan, then make the new codes and write every code to send, in the
 * customers' order, all of it on the file before the caller commits. */
static int issue_locked(struct crm_coupon_plan *p, struct crm_db *db,
			const struct crm_coupon_issue *is, struct crm_writer *w)
{
	static const char *const cols[] = {"code", "customer_id", "email", "name", "campaign",
		"discount", "min_order", "expires_at", "valid_until"};
	struct spool s = {p, w};
	int rc;
	if (p->a.birthday_month && !p->streamed && (rc = crm_coupon_plan_birthdays(p, db)) != CRM_OK)
		return rc;
	if ((rc = crm_coupon_plan_run(p, db, is)) != CRM_OK)
		return rc;
	crm_write_row(w, cols, sizeof cols / sizeof cols[0]);
	if ((rc = crm_coupon_plan_make(p, write_code, &s)) == CRM_OK && fflush(w->fp) != 0) {
		crm_error(_("temporary file: write error: %s"), strerror(errno));
		rc = CRM_EIO;
	}
	return rc;
}

int crm_coupon_plan_issue(struct crm_coupon_plan *p, struct crm_db *db,
			  const struct crm_coupon_issue *is, struct crm_writer *w)
{
	int rc;
	if ((rc = crm_db_begin_write(db)) == CRM_OK && (rc = issue_locked(p, db, is, w)) == CRM_OK)
		rc = crm_db_commit(db);
	if (rc != CRM_OK)
		crm_db_rollback(db);
	return rc;
}
