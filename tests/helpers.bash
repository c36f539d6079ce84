# Shared by every suite: bats-assert, a private database per test, fixtures.
# bats-support and bats-assert are found in $BATS_LIB_PATH (bats' default is
# /usr/lib/bats, where Debian puts them; set it where they live elsewhere).
bats_require_minimum_version 1.7.0
bats_load_library bats-support
bats_load_library bats-assert

FIX=$BATS_TEST_DIRNAME/fixtures
# the schema version this crm writes (db.h)
SCHEMA=$(sed -n 's/^#define CRM_SCHEMA_VERSION //p' "$BATS_TEST_DIRNAME/../lib/db.h")
# What schema N added, dropped to make a database of an older schema: each
# takes a database of this crm's schema back to N - 1, so DROP_SCHEMA_7
# drops schema 8's columns too.  A schema-7 database's tickets had nine
# columns: ticket_id .. csat.
# (A database with saved segment runs goes below 9 by drop_schema_9 first.)
# Schema 12's view names customer_stats, which schema 10's step makes
# again: every older schema drops it.
# Schema 13 keeps the orders in time order beside a unique index of their
# ids; schema 12 kept them by id beside a covering index by time.
DROP_SCHEMA_13="CREATE TABLE orders_12 (order_id TEXT PRIMARY KEY NOT NULL,
	customer_id TEXT, ordered_at TEXT NOT NULL, amount INTEGER NOT NULL,
	currency TEXT NOT NULL, status TEXT NOT NULL CHECK (status = 'paid' OR
	status = 'cancelled' OR status = 'refunded' OR status = 'pending'), channel TEXT,
	lines_total INTEGER, amount_from_lines INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
	INSERT INTO orders_12 SELECT * FROM orders; DROP TABLE orders;
	ALTER TABLE orders_12 RENAME TO orders;
	CREATE INDEX orders_time ON orders(ordered_at, status, currency, amount, customer_id);"
DROP_SCHEMA_12="$DROP_SCHEMA_13 DROP VIEW customer_figures; DROP TABLE customer_stats_changed;"
DROP_SCHEMA_8="$DROP_SCHEMA_12 ALTER TABLE tickets DROP COLUMN priority;
	ALTER TABLE tickets DROP COLUMN agent; ALTER TABLE tickets DROP COLUMN team;
	ALTER TABLE tickets DROP COLUMN subject; ALTER TABLE tickets DROP COLUMN description;
	ALTER TABLE tickets DROP COLUMN sku; ALTER TABLE tickets DROP COLUMN reopens;
	ALTER TABLE tickets DROP COLUMN replies;"
DROP_SCHEMA_7="$DROP_SCHEMA_8 DROP TABLE loyalty_programs; DROP TABLE loyalty_entries;
	DROP TABLE loyalty_runs; DROP TABLE loyalty_tiers; DROP TABLE loyalty_tier_moves;"

# drop_schema_9: the test database back to schema 8 but for its version:
# each saved run's blob becomes segment_members rows again, as schema 8
# kept them (decoded by build/t/runblobcheck).
drop_schema_9() {
	local run
	q "CREATE TABLE segment_members (
	     run_id INTEGER NOT NULL REFERENCES segment_runs ON DELETE CASCADE,
	     customer_id TEXT NOT NULL, segment TEXT NOT NULL,
	     recency INTEGER NOT NULL, frequency INTEGER NOT NULL, monetary INTEGER NOT NULL,
	     r INTEGER NOT NULL, f INTEGER NOT NULL, m INTEGER NOT NULL,
	     PRIMARY KEY (run_id, customer_id)) WITHOUT ROWID" || return 1
	for run in $(q 'SELECT run_id FROM segment_blobs'); do
		q "SELECT writefile('run.blob', members) FROM segment_blobs WHERE run_id = $run" >/dev/null &&
			"$CRM_BUILD/t/runblobcheck" rows "$run" <run.blob >run.sql &&
			q <run.sql || return 1
	done
	rm -f run.blob run.sql
	q "DROP TABLE segment_blobs"
}

# import_sample: the bundled sample shop (data/), every entity, into the
# test's database, in Seoul's time as make demo imports it.
import_sample() {
	local e
	for e in customers orders order_items tickets reviews responses; do
		crm-import -q --tz Asia/Seoul "$e" "$BATS_TEST_DIRNAME/../data/$e.csv" || return 1
	done
}

# dump DB [TABLES]: every table but imports (one row per run, with its
# time), each row as text, sorted: two databases that hold the same data
# dump the same.  The customers' figures are the view that reads them
# (lib/figures.h: customer_stats, and the rows a later import changed,
# kept apart until they are folded in), unless TABLES is "tables".
dump() {
	local t apart="AND name NOT LIKE 'customer_stats%'"
	[ "${2:-}" = tables ] && apart=
	for t in $(sqlite3 -batch "$1" "SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name <> 'imports' $apart ORDER BY name") \
		${apart:+customer_figures}; do
		echo "== $t"
		sqlite3 -batch "$1" "SELECT * FROM \"$t\"" | LC_ALL=C sort
	done
}

# same_as_fresh [tables] FILES...: import FILES into a new database,
# fresh.db, and compare every table with the test's database (the figures
# through their view, or table by table with "tables").
same_as_fresh() {
	local f how=
	[ "$1" = tables ] && how=tables && shift
	for f in "$@"; do
		CRM_DB=fresh.db crm-import -q orders "$f" || fail "fresh import of $f failed"
	done
	dump "$CRM_DB" $how >got
	dump fresh.db $how >want
	[ "$(grep -c . want)" -gt 10 ] || fail "nothing to compare"
	diff -u want got || fail "the database differs from a fresh import"
}

setup() {
	export CRM_DB=$BATS_TEST_TMPDIR/crm.db
	export TZ=UTC LC_ALL=C.UTF-8
	unset CRM_CURRENCY CRM_COUNTRY
	cd "$BATS_TEST_TMPDIR" || return 1
}

# q SQL: query the test database, list mode.
q() { sqlite3 -batch "$CRM_DB" "$@"; }

# preloaded SO: PRELOADED gets the words that run a command with the fault
# shim SO of the build (libfailwrite.so, libfailthread.so) preloaded, as
# `run "${PRELOADED[@]}" VAR=... CMD...`.  Under valgrind, which the shim is
# not stacked under, the test is skipped; under ASan the shim comes first.
preloaded() {
	local so=${CRM_BUILD_DIR:-$CRM_BUILD}/$1
	[ "${CRM_VALGRIND:-}" != 1 ] || skip "the shim is not stacked under valgrind"
	[ -f "$so" ] || fail "no $so: make builds it"
	PRELOADED=(env LD_PRELOAD="$so"
		   ASAN_OPTIONS="verify_asan_link_order=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}")
}

# csv NAME LINES...: write a file from lines.
csv() {
	local name=$1
	shift
	printf '%s\n' "$@" >"$name"
}

# assert_golden WANT [GOT]: the file GOT, or else the $output of a
# `run --keep-empty-lines` (which keeps its trailing newlines), is the file
# WANT byte for byte; on failure the diff says where. "$(cat WANT)" would
# drop the trailing newlines of both sides.
assert_golden() {
	local want=$1 d
	if [ $# -gt 1 ]; then
		d=$(diff -u -- "$want" "$2") && return 0
	else
		d=$(printf '%s' "$output" | diff -u --label "$want" --label output -- "$want" -) && return 0
	fi
	fail "output differs from '$want':"$'\n'"$d"
}
