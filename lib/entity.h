/*
 * entity.h - the data model of crm(7) as tables: each entity's canonical
 * columns, their kinds and the header aliases found in real exports, and the
 * mapping of a file's header onto them.
 *
 * Contract:
 *  - The entities crm-import knows are one table: crm_entity_find(),
 *    crm_entity_names() and crm_entity_describe() read it, and each of its
 *    entities names the columns of its database table; the streams other
 *    commands read (crm_order_stream, ...) have no table.
 *  - Header names are compared after folding: ASCII lower case, and spaces,
 *    '_', '-', '.', '/', '(' and ')' removed, so "Order ID", "order_id" and
 *    "ORDER-ID" are one name; Korean names compare the same way (주문 번호 =
 *    주문번호).  Folding also removes the characters a header carries
 *    unseen: no-break and other spaces (U+00A0, U+2000..U+200A, U+202F,
 *    U+205F, U+3000), zero-width ones (U+200B..U+200D, U+2060..U+2064,
 *    U+FEFF: a BOM glued to a name in mid-line), soft hyphen and direction
 *    marks (U+00AD, U+180E, U+200E, U+200F, U+2028..U+202E, U+2066..U+2069);
 *    so "\ufeffrating" and "rating\u00a0" are the column 'rating'.
 *  - Messages quote a header name as crm_quote() does and show those unseen
 *    characters as \uXXXX inside the quotes ('\ufeffrating'); spaces show
 *    as they are, between the quotes.
 *  - crm_header_map() fills colmap[i] with the header index of column i, or
 *    -1; a --map "canonical=Header" wins over aliases, and its header means
 *    that column only.  It returns -2 (message in err) for a malformed --map
 *    or one naming an unknown column: a usage error; -1 for what depends on
 *    the file: a --map header the file lacks, two headers for one column,
 *    or missing required columns.  These are all named, one line of err
 *    each ('\n' between lines: crm_header_errors() prints them), each with
 *    the headers nearest to it: up to three that no column took, whose
 *    folded name is within an edit distance of a third of the column's
 *    name or of one of its aliases, or holds it whole (or is held whole by
 *    it) when the shorter has four characters or more; when none is near,
 *    with every header found.
 *  - crm_value() normalises one cell by its column kind into out; an empty
 *    cell gives CRM_VALUE_EMPTY.  crm_row_values() normalises the mapped
 *    cells of a whole row, or says in words why the row cannot be taken;
 *    it reads each cell through the value maps of vc->vmap first (below),
 *    as crm_stream_read() does for its raw columns too.
 *    A key (a CRM_K_ID column, and the e-mail that stands for a customer
 *    without an id) longer than CRM_KEY_MAX bytes is refused, never cut:
 *    two ids cut alike would be one record.
 *  - crm_row_check() refuses, before any cell is read, a row whose width is
 *    not the header's or with a NUL byte in any cell (a C string would end
 *    there: 'O1\0A' and 'O1\0B' would be one order).  Every reader of rows
 *    calls it, so that all word these refusals alike.
 *  - These three depend only on their arguments: two threads may use them
 *    at once with contexts of their own (norm.h: a crm_tz is for one
 *    thread, and a named zone is pinned with crm_tz_pin() while others run).
 */
#ifndef CRM_ENTITY_H
#define CRM_ENTITY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "csvio.h"
#include "norm.h"

enum crm_kind {
	CRM_K_ID, CRM_K_TEXT, CRM_K_TIME, CRM_K_DATE, CRM_K_MONEY, CRM_K_INT,
	CRM_K_EMAIL, CRM_K_PHONE, CRM_K_BOOL, CRM_K_CURRENCY, CRM_K_COUNTRY,
	CRM_K_ORDER_STATUS, CRM_K_TICKET_STATUS, CRM_K_RATING, CRM_K_SCORE,
	CRM_K_PRIORITY,          /* a ticket's: urgent, high, normal, low (crm(7)) */
	CRM_K_COUNT,             /* a whole number, 0 or more */
};

enum {
	CRM_COL_REQUIRED = 1,    /* the file must have it */
	CRM_COL_CUSTOMER = 2,    /* a customer's e-mail/phone/name on another entity */
	CRM_COL_ORDER = 4,       /* an order's column on an order_items row */
	CRM_COL_NONEMPTY = 8,    /* a row with it empty is rejected */
	CRM_COL_LINK = 16,       /* names another record (a review's order): not part of
				  * the content key of a row without a key (feed.h) */
};

struct crm_column {
	const char *name;
	enum crm_kind kind;
	unsigned flags;
	const char *aliases;     /* folded names separated by '|' */
};

#define CRM_MAX_COLS 24

struct crm_entity {
	const char *name;
	const struct crm_column *cols;
	int ncols;
	const char *key;         /* natural key column */
	/* The columns of its database table (crm(7)) in the order the import
	 * binds them: the key first, customer_id second; NULL for a stream. */
	const char *const *table;
};

/* The entities crm-import knows, by name; NULL for another name. */
const struct crm_entity *crm_entity_find(const char *name);
/* Their names for messages, "customers, orders, ...", from the same table;
 * the text is made at the first call, so make that on one thread. */
const char *crm_entity_names(void);
/* Print an entity's canonical columns, whether each is required and its
 * header aliases as CSV (crm-import --columns); -1 for an unknown name. */
int crm_entity_describe(const char *name, FILE *out);
/* The orders of a stream read for figures (customer_id, ordered_at, amount,
 * currency, status, email, name): customer_id required, no order_id. */
extern const struct crm_entity crm_order_stream;
/* Survey answers as crm-nps reads them from a stream: the responses
 * columns plus the customer's segment; only score is required, and it is
 * read as text for the scale to judge (CRM_K_TEXT). */
extern const struct crm_entity crm_response_stream;
/* The customers called back (crm-nps --followed-up): response_id,
 * customer_id, followed_at, note. */
extern const struct crm_entity crm_followup_stream;
/* The customers of a stream read for coupons (customer_id, email, name,
 * birthday): customer_id required. */
extern const struct crm_entity crm_customer_stream;
/* Index of a canonical column in e, or -1. */
int crm_entity_col(const struct crm_entity *e, const char *name);

/* Fold a header name as described above into out. */
void crm_fold_name(const char *s, char *out, size_t size);

/* The room err needs for every line crm_header_map() may write. */
#define CRM_HEADER_ERR_MAX 4096

int crm_header_map(const struct crm_entity *e, const struct crm_row *hdr,
		   const char *const *maps, int nmap, int colmap[CRM_MAX_COLS],
		   char *err, size_t errsize);
/* crm_header_map()'s err on standard error, each line as
 * "PROG: FILE:LINE: MESSAGE" (crm_error_at). */
void crm_header_errors(const char *file, long line, const char *err);
/* The header's names quoted and listed for a message about a column the
 * file lacks: "'a', 'b', 'c'" into out[size], the names that will not fit
 * cut as ", ... (N more)". */
void crm_header_list(const struct crm_row *hdr, char *out, size_t size);
/* The columns of the header that colmap leaves to no column (crm-import's
 * "ignored columns"), less those whose folded name is one of `unlisted`
 * (NULL-terminated, or NULL): their number, and their names listed into
 * out[size] as crm_header_list() does, at most CRM_IGNORED_SHOWN of them. */
#define CRM_IGNORED_SHOWN 12
size_t crm_header_ignored(const struct crm_entity *e, const int colmap[CRM_MAX_COLS],
			  const struct crm_row *hdr, const char *const *unlisted, char *out,
			  size_t size);

/*
 * Value maps (--map-value COLUMN:FROM=TO): a cell of COLUMN that is FROM is
 * read as if it were TO, before it is normalised, so a mapped value wins
 * over the built-in words.  FROM is compared as the vocabularies compare
 * (crm_fold_name(): case, spaces, '_', '-', '.', '/', parentheses ignored)
 * on the columns of words (statuses, countries, currencies, yes/no, text);
 * on the others (ids, numbers, times, money, e-mails, phones) the trimmed
 * cell must be FROM itself, ASCII case aside, so that "1.5" never maps
 * "15".  An empty TO makes the cell empty.
 *  - crm_value_map_parse() reads one "COLUMN:FROM=TO" (FROM and TO
 *    trimmed; FROM holds no '=') into *m: 0, or -1 with the reason in why.
 *  - crm_value_maps_check() checks them against the entity known at last:
 *    a COLUMN it has, a TO the column accepts, and no FROM mapped to two
 *    values; 0, or -1 with the message in err, worded as --map's are.
 * At most CRM_VALUE_MAPS_MAX maps, FROM and TO of at most CRM_VALUE_WORD_MAX
 * bytes each: more is refused, never cut.
 */
#define CRM_VALUE_MAPS_MAX 256
#define CRM_VALUE_WORD_MAX 127

struct crm_value_map {
	char col[32];
	char from[CRM_VALUE_WORD_MAX + 1];
	char ffrom[CRM_VALUE_WORD_MAX + 1];  /* from folded */
	char to[CRM_VALUE_WORD_MAX + 1];
	const char *file;                    /* where it was read, for messages: */
	long line;                           /* FILE:LINE, or NULL: --map-value */
};

struct crm_value_maps {
	int n;
	struct crm_value_map m[CRM_VALUE_MAPS_MAX];
};

int crm_value_map_parse(const char *spec, struct crm_value_map *m, const char **why);
int crm_value_maps_check(const struct crm_entity *e, const struct crm_value_maps *vm,
			 char *err, size_t errsize);

struct crm_value_ctx {
	const struct crm_tz *tz;
	enum crm_date_order order;
	const char *country;     /* for national phone numbers */
	char currency[4];        /* in/out for money: the row's currency */
	const struct crm_value_maps *vmap;   /* --map-value, or NULL */
};

enum { CRM_VALUE_OK = 0, CRM_VALUE_EMPTY = 1, CRM_VALUE_BAD = -1 };

/* The longest key, in bytes (see above); the database's key columns and
 * every buffer a key is copied into hold this many and a NUL. */
#define CRM_KEY_MAX 255

/* Is a value of kind k a whole number, crm_value()'s *num, stored in an
 * INTEGER column?  (Money, counts, ratings, scores.) */
int crm_kind_integer(enum crm_kind k);

/* Normalise `in` (trimmed in place) into out[size] and, for numbers, *num (a
 * time: its Unix seconds). */
int crm_value(enum crm_kind k, char *in, struct crm_value_ctx *vc, char *out, size_t size,
	      int64_t *num, const char **why);

/* A row's normalised values, by entity column. */
struct crm_values {
	char *val[CRM_MAX_COLS];     /* NULL: unmapped or empty */
	uint32_t len[CRM_MAX_COLS];  /* strlen(val[c]); 0 for NULL */
	/* of the numeric columns that have a value; of a time, its Unix seconds */
	int64_t num[CRM_MAX_COLS];
	char currency[4];            /* the row's currency, "" if none */
};

/* The room crm_row_values() needs in buf for a row. */
size_t crm_row_values_need(const struct crm_row *row);
/* The most crm_row_values_need() can be, summed over rows of `fields`
 * cells in all and `bytes` bytes of cells in all. */
size_t crm_row_values_need_max(size_t bytes, size_t fields);
/* Normalise every cell of `row` that colmap maps (trimming it in place) into
 * v, the values written one after the other into buf; vc->currency is the
 * currency the row starts with.  Returns the bytes of buf used, or -1 with
 * the reason the row is rejected in why, as "column 'ordered_at':
 * '2024-13-01' is not a date". */
long crm_row_values(const struct crm_entity *e, const int colmap[CRM_MAX_COLS],
		    const struct crm_row *row, struct crm_value_ctx *vc, char *buf,
		    struct crm_values *v, char *why, size_t whysize);


/* ---- reading an entity stream ---------------------------------------------------- */

/*
 * crm_stream_read() reads one CSV stream of an entity (crm_read_path() of
 * csvio.h: "-" is standard input), maps its header (crm_header_map()) and
 * normalises each row (crm_row_values()), so that every reader words a
 * rejected row alike:
 *  - A header that does not map is reported at its line, and the read ends
 *    with CRM_EUSAGE (a malformed --map) or CRM_EDATA.  Then on_header, if
 *    any, checks what the caller needs beyond the entity: it reports its
 *    own message and returns nonzero (an exit code) to end the read there.
 *  - A row whose width is not the header's, whose quoting is malformed, or
 *    with a cell its column's kind refuses goes to on_reject with its line
 *    and the reason, worded as the functions below word it; any other row
 *    goes to on_row with its values.  The values (and the row's cells) last
 *    until the callback returns.  Either returns nonzero to stop the read.
 *  - A column in `raw` is not normalised: its value is the cell trimmed (or
 *    the TO of a value map that matches it), or NULL when empty, for a
 *    caller that judges it itself or only on some rows (then
 *    crm_stream_value() words a refusal as the reader would).
 *  - Before anything is read, vc.vmap (NULL: none) must suit e
 *    (crm_value_maps_check()): else the usage error is reported and the
 *    read ends with CRM_EUSAGE.
 *  - vc is each row's starting context: its currency is the one a row
 *    without a currency column has ("" for none).
 * Returns CRM_OK, the exit code of a header refused or of crm_read_path(),
 * or a callback's nonzero stop value.
 */
typedef int crm_stream_header_fn(const int colmap[CRM_MAX_COLS], const struct crm_row *hdr,
				 void *ctx);
typedef int crm_stream_row_fn(const struct crm_values *v, const struct crm_row *row, void *ctx);
typedef int crm_stream_reject_fn(long line, const char *why, void *ctx);

#define CRM_STREAM_RAW(col) (1u << (col))

struct crm_stream {
	const struct crm_entity *e;
	const char *const *maps;         /* --map canonical=Header */
	int nmap;
	struct crm_value_ctx vc;         /* tz, date order, country, starting currency */
	const struct crm_csv_opts *csv;
	int flags;                       /* CRM_READ_NEED_HEADER of csvio.h */
	unsigned raw;                    /* CRM_STREAM_RAW() of the columns left as text */
	const char **name;               /* NULL, or kept as the file's name while reading */
	crm_stream_header_fn *on_header; /* NULL: the entity's own checks are enough */
	crm_stream_row_fn *on_row;
	crm_stream_reject_fn *on_reject;
	void *ctx;
};

int crm_stream_read(const struct crm_stream *s, const char *path);

/* Normalise a raw column's value (trimmed in place; the reader has applied
 * the value maps to it already, so they are not applied again) as the
 * reader would have,
 * into out[size] and, for numbers, *num (may be NULL): CRM_VALUE_OK,
 * CRM_VALUE_EMPTY, or CRM_VALUE_BAD with the reason in why (an empty cell
 * of a CRM_COL_NONEMPTY column too). */
int crm_stream_value(const struct crm_stream *s, int col, char *cell, char *out, size_t size,
		     int64_t *num, char *why, size_t whysize);

/* The reasons a row is rejected before its cells are normalised, for every
 * reader of rows: crm_stream_read()'s, and crm-import's on a thread of its
 * own.  crm_row_check() returns -1 with the reason in why for a row whose
 * width is not the header's ("expected 3 fields as in the header, found
 * 2") or with a NUL byte in a cell ("column 'order_id' contains a NUL
 * byte": the column named as colmap maps it onto e, else as the header
 * does), and 0 for a row whose cells may be read.  crm_stream_malformed()
 * words a row whose quoting is malformed: "field 2: REASON". */
int crm_row_check(const struct crm_entity *e, const int colmap[CRM_MAX_COLS],
		  const struct crm_row *hdr, const struct crm_row *row, char *why, size_t whysize);
void crm_stream_malformed(char *out, size_t size, size_t field, const char *why);

#endif
