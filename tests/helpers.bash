# Shared by every suite: bats-assert, a private database per test, fixtures.
bats_require_minimum_version 1.5.0
load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

FIX=$BATS_TEST_DIRNAME/fixtures

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
