/*
 * rules.h - a shop's own customer segments, one rule per line (crm-segment
 * --rules FILE).
 *
 *   # comment to end of line; blank lines are skipped
 *   Champions:    R = 5 and F >= 4
 *   Big spenders: m >= 500000 or (f >= 10 and r <= 30)
 *   Sleeping:     r > 180
 *   Sleeping:     R in 1..2 and not F = 5   # another way into Sleeping
 *   Other:        true
 *
 * Contract:
 *  - A line is SEGMENT ':' CONDITION.  A '#' anywhere starts a comment (so a
 *    name cannot hold one).  The name is the text before the first ':',
 *    trimmed: 1 to 63 bytes of UTF-8 without ',', '"' or control characters.
 *    A name may head several lines; the segments are the distinct names in
 *    the order they first appear.  A UTF-8 BOM, CRLF line ends and a last
 *    line without a newline are accepted; a NUL byte or invalid UTF-8 is not.
 *    The file is read through textfile.h and has its caps: a line of more
 *    than CRM_LINE_MAX bytes or a file of more than CRM_FILE_MAX is refused
 *    (CRM_EUSAGE, as bad content) in textfile.h's words.
 *  - Grammar of a condition (keywords and, or, not, in, true in any case;
 *    variable names case-sensitive; spaces and tabs between tokens optional):
 *      or      = and { ("or" | "||") and }
 *      and     = unary { ("and" | "&&") unary }
 *      unary   = ("not" | "!") unary | primary
 *      primary = "(" or ")" | "true" | VAR OP NUMBER | NUMBER OP VAR
 *              | VAR "in" NUMBER ".." NUMBER
 *      OP      = "<" | "<=" | ">" | ">=" | "=" | "==" | "!=" | "<>"
 *      VAR     = r recency days | f frequency orders | m monetary spent
 *              | R r_score | F f_score | M m_score | tenure
 *    so not binds tighter than and, and tighter than or.  Nesting of '(' and
 *    not is limited to 64 levels.  A range A..B includes both ends; A > B is
 *    an error.
 *  - Numbers are plain decimals without thousands separators.  One compared
 *    with m is in major units of the currency given at load (none: exponent
 *    0), may have a '-' sign and at most as many decimals as the currency
 *    ("m >= 49.99" in USD is 4999 minor units; 49.999 is an error, never
 *    rounded).  Every other number is a non-negative whole number, and one
 *    compared with a score lies in 1..5 (R = 6 is a typo, not "never").
 *    Overflow of int64 is an error.
 *  - The whole file is checked at load; the first problem is reported as
 *    "PATH:LINE: column COL: PROBLEM", COL counted in characters from 1,
 *    naming the offending token.
 *  - Rules compile to one branch program: evaluation follows at most one
 *    comparison per leaf of the conditions, allocates nothing and writes
 *    nothing, so one crm_rules may be matched from several threads.
 */
#ifndef CRM_RULES_H
#define CRM_RULES_H

#include <stddef.h>
#include <stdint.h>

struct crm_rules;

enum crm_rule_var {
	CRM_RV_RECENCY, CRM_RV_FREQUENCY, CRM_RV_MONETARY,
	CRM_RV_R, CRM_RV_F, CRM_RV_M,
	CRM_RV_TENURE,
	CRM_RV_N
};

/* One customer's figures: recency and tenure in days, frequency in orders,
 * monetary in minor units, scores 1..5. */
struct crm_rule_vals {
	int64_t v[CRM_RV_N];
};

/*
 * Read a rules file.  On error returns NULL and writes one message into err
 * (which may be NULL): "PATH:LINE: column COL: PROBLEM" for bad content,
 * textfile.h's messages for a file past its caps,
 * "PATH: no rules" for a file without any, "PATH: STRERROR" for one that
 * cannot be opened or read, "'XYZ' is not a known currency" for a currency
 * code crm_currency_exponent does not know; and sets *code (if code is not
 * NULL) to CRM_EIO (cannot open or read) or CRM_EUSAGE (bad content, a
 * file past the caps, unknown currency).  `currency` NULL or "" means exponent 0.
 */
struct crm_rules *crm_rules_load(const char *path, const char *currency, char *err,
				 size_t errsize, int *code);

/* The segments in order of first appearance; crm_rules_segment returns NULL
 * for an index out of range. */
int crm_rules_nsegments(const struct crm_rules *rs);
const char *crm_rules_segment(const struct crm_rules *rs, int i);

/* Index of the segment of the first rule that holds, or -1. */
int crm_rules_match(const struct crm_rules *rs, const struct crm_rule_vals *v);

/* Safe with NULL. */
void crm_rules_free(struct crm_rules *rs);

#endif
