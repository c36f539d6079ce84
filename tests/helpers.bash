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
DROP_SCHEMA_8="ALTER TABLE tickets DROP COLUMN priority;
	ALTER TABLE tickets DROP COLUMN agent; ALTER TABLE tickets DROP COLUMN team;
	ALTER TABLE tickets DROP COLUMN subject; ALTER TABLE tickets DROP COLUMN description;
	ALTER TABLE tickets DROP COLUMN sku; ALTER TABLE tickets DROP COLUMN reopens;
	ALTER TABLE tickets DROP COLUMN replies;"
DROP_SCHEMA_7="$DROP_SCHEMA_8 DROP TABLE loyalty_programs; DROP TABLE loyalty_entries;
	DROP TABLE loyalty_runs; DROP TABLE loyalty_tiers; DROP TABLE loyalty_tier_moves;"

setup() {
	export CRM_DB=$BATS_TEST_TMPDIR/crm.db
	export TZ=UTC LC_ALL=C.UTF-8
	unset CRM_CURRENCY CRM_COUNTRY
	cd "$BATS_TEST_TMPDIR" || return 1
}

# q SQL: query the test database, list mode.
q() { sqlite3 -batch "$CRM_DB" "$@"; }

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
