/*
 * loyalty_store.h - crm-loyalty's stored programs and runs: the versions of
 * the program a shop ran (loyalty_programs) and the days its runs acted on
 * (loyalty_runs).  Below the ledger and every verb, so that each reads the
 * program in force one way.
 *
 * Contract: program versions (loyalty_programs).
 *  - Each version keeps the canonical text of a program
 *    (crm_loyalty_program_format) and the instant it took effect; it is in
 *    force from there until the next version's effective_at (by
 *    effective_at, then version).  An instant before the first version's
 *    has no program: nothing earns then.
 *  - crm_loyalty_program_store() stores a program as a new version unless
 *    it equals (crm_loyalty_program_equal) the latest one; a version
 *    effective before the latest one's is refused (the ledger's past stays
 *    explainable by the program that wrote it).
 *
 * Contract: runs (loyalty_runs).
 *  - Every run of earn, expire, tiers --save and birthday --grant writes a
 *    row with its --as-of day, inside its own transaction
 *    (crm_loyalty_run_begin).  A day earlier than the latest as_of of ANY
 *    run is refused with CRM_LOYALTY_EBEHIND: "--as-of DAY is before the
 *    last run's day DAY (VERB); the ledger does not go back".
 */
#ifndef CRM_LOYALTY_STORE_H
#define CRM_LOYALTY_STORE_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "loyalty_program.h"
#include "norm.h"

#define CRM_LOYALTY_EBEHIND 7   /* exit status: --as-of before the last run's day */

/* ---- program versions ---------------------------------------------------------- */

struct crm_loyalty_version {
	int64_t version;
	char effective_at[CRM_TIME_LEN];
	struct crm_loyalty_program p;
};

/* Every stored version, by effective_at then version. */
struct crm_loyalty_versions {
	struct crm_loyalty_version *v;
	size_t n;
};

/* Read every version (none: n = 0).  CRM_OK or an exit code; a stored text
 * that no longer parses is CRM_EDATA, reported. */
int crm_loyalty_versions_load(struct crm_db *db, struct crm_loyalty_versions *vs);
void crm_loyalty_versions_free(struct crm_loyalty_versions *vs);
/* The version in force at instant `at` (canonical UTC), or NULL. */
const struct crm_loyalty_version *crm_loyalty_version_at(const struct crm_loyalty_versions *vs,
							 const char *at);
/* The version in force at the instants before `end` (the last with
 * effective_at < end), or NULL. */
const struct crm_loyalty_version *crm_loyalty_version_before(const struct crm_loyalty_versions *vs,
							     const char *end);
/* Say that no version is in force: "VERB: no program is stored; store one
 * with 'crm-loyalty program --program FILE'" (or "no program is in force
 * yet" when versions are stored but later). */
void crm_loyalty_no_program(const char *verb, const struct crm_loyalty_versions *vs);
/* The program in force at instants before `end` (crm_loyalty_version_before):
 * CRM_OK with *p and *version; CRM_EDATA, reported, when there is none
 * (crm_loyalty_no_program) or a stored text no longer parses (as
 * crm_loyalty_versions_load says it). */
int crm_loyalty_program_in_force(struct crm_db *db, const char *verb, const char *end,
				 struct crm_loyalty_program *p, int64_t *version);
/* The version numbered `version`, or NULL. */
const struct crm_loyalty_version *crm_loyalty_version_find(const struct crm_loyalty_versions *vs,
							   int64_t version);

/*
 * Read the program file `path` and store it effective at `effective_at`,
 * loaded at `now`, in its own transaction unless it equals the latest
 * version: *version is the new version, or 0 when nothing was stored.
 * A bad file: its message ("PATH:LINE: column C: ...") and CRM_EUSAGE (or
 * CRM_EIO); effective before the latest version: CRM_EUSAGE, reported.
 */
int crm_loyalty_program_store(struct crm_db *db, const char *path, const char *effective_at,
			      const char *now, int64_t *version);
/* Write the version in force at `at` to fp: "# version N, effective DAY"
 * (DAY local in tz) and its canonical text.  No version: CRM_EDATA,
 * reported. */
int crm_loyalty_program_print(struct crm_db *db, const struct crm_tz *tz, const char *at, FILE *fp);

/* ---- runs ------------------------------------------------------------------------ */

/* Inside the caller's write transaction: refuse an as_of ("YYYY-MM-DD")
 * before the last run's (CRM_LOYALTY_EBEHIND, reported), else record the
 * run of `verb` at `now`: *run_id. */
int crm_loyalty_run_begin(struct crm_db *db, const char *verb, const char *as_of, const char *now,
			  int64_t *run_id);

#endif
