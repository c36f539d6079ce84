/* coupon_plan.c - who an issue of coupons is for, and making their codes;
 * see coupon.h. */
#include "coupon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"
#include "diag.h"
#include "entity.h"

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
	const char *fname;
	int colmap[CRM_MAX_COLS];
	size_t nhdr;
	int fatal;
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

static int on_header(const struct crm_row *row, void *ctx)
{
	struct crm_coupon_plan *p = ctx;
	char err[1024];
	int rc = crm_header_map(&crm_customer_stream, row, p->a.map, p->a.nmap, p->colmap, err,
				sizeof err);
	if (rc < 0) {
		crm_error_at(p->fname, row->line, "%s", err);
		p->fatal = rc == -2 ? CRM_EUSAGE : CRM_EDATA;
		return 1;
	}
	p->nhdr = row->n;
	return 0;
}

static int reject(struct crm_coupon_plan *p, long line, const char *msg)
{
	crm_error_at(p->fname, line, "%s", msg);
	p->tally.rejected++;
	return 0;
}

/* One cell of the stream normalised by its column's kind into out[size]:
 * 1 with a value, 0 when absent or empty, -1 after rejecting the row. */
static int cell(struct crm_coupon_plan *p, const struct crm_row *row, int col, char *out,
		size_t size)
{
	const struct crm_column *cc = &crm_customer_stream.cols[col];
	struct crm_value_ctx vc = {p->a.tz, p->a.date_order, NULL, ""};
	int h = p->colmap[col], rc;
	const char *why = "";
	int64_t num;
	char q[128], msg[400];
	if (h < 0)
		return 0;
	rc = crm_value(cc->kind, row->field[h], &vc, out, size, &num, &why);
	if (rc == CRM_VALUE_BAD) {
		snprintf(msg, sizeof msg, "column '%s': %s %s", cc->name,
			 crm_quote(crm_trim(row->field[h]), q, sizeof q), why);
		return reject(p, row->line, msg), -1;
	}
	return rc == CRM_VALUE_OK;
}

/* The birthday's month: MM-DD as it is, other forms as crm-import reads them. */
static int birthday_cell(struct crm_coupon_plan *p, const struct crm_row *row, int *month)
{
	char date[CRM_DATE_LEN + 64];
	int h = p->colmap[C_BIRTHDAY], rc;
	*month = -1;
	if (h < 0 || !p->a.birthday_month)
		return 0;
	if ((*month = crm_coupon_birthday_month(crm_trim(row->field[h]))) > 0)
		return 0;
	if ((rc = cell(p, row, C_BIRTHDAY, date, sizeof date)) <= 0)
		return rc;
	*month = crm_coupon_birthday_month(date);
	return 0;
}

static int on_row(const struct crm_row *row, void *ctx)
{
	struct crm_coupon_plan *p = ctx;
	size_t size = row->n ? 64 : 1, k;
	char *id, *email, *name, msg[128];
	int month, have_id;
	if (row->n != p->nhdr) {
		snprintf(msg, sizeof msg, "expected %zu fields as in the header, found %zu", p->nhdr,
			 row->n);
		return reject(p, row->line, msg);
	}
	for (k = 0; k < row->n; k++)
		size += row->len[k] * 2 + 64;
	id = crm_xmalloc(3 * size);
	email = id + size;
	name = email + size;
	email[0] = name[0] = '\0';
	if ((have_id = cell(p, row, C_ID, id, size)) >= 0 && cell(p, row, C_EMAIL, email, size) >= 0 &&
	    cell(p, row, C_NAME, name, size) >= 0 && birthday_cell(p, row, &month) >= 0) {
		/* crm-import knows a customer without an id by their e-mail */
		if (have_id || email[0])
			crm_coupon_plan_add(p, have_id ? id : email, email, name, month);
		else
			reject(p, row->line, "column 'customer_id' is empty");
	}
	free(id);
	return 0;
}

static int on_malformed(long line, size_t field, const char *why, void *ctx)
{
	char msg[300];
	snprintf(msg, sizeof msg, "field %zu: %s", field, why);
	return reject(ctx, line, msg);
}

int crm_coupon_plan_read(struct crm_coupon_plan *p, const char *path)
{
	int rc = crm_read_path(path, p->a.csv, CRM_READ_NEED_HEADER, &p->fname, on_header, on_row,
			       on_malformed, p);
	return p->fatal ? p->fatal : rc;
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
	crm_error("%lld new codes and %lld live ones do not fit codes of %d random characters "
		  "safely (at most %lld live, so that a guess hits one in a million at worst); "
		  "use --length %d", fresh, live, is->length, cap,
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
