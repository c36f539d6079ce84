#!/usr/bin/env bats
# The fault suite (issue 14): what every command does when the world fails
# under it.
#  - Standard output to /dev/full and closed (>&-) for every form that writes
#    it: exit 3 (crm(7), an I/O error) and one "write error" line, never a
#    crash, never exit 0.  One table, as usage.bats keeps its own: a new form
#    is one row.
#  - A full disk under the database while crm-import, crm-coupon issue and
#    crm-segment --save write it, from tests/faults/failwrite.c (an
#    LD_PRELOAD shim the Makefile builds into $(B)/libfailwrite.so): the
#    database passes PRAGMA integrity_check and is as it was, and the run says
#    that nothing was stored, with no count of rows that never were.
#  - kill -9 at random points of every writing verb: the database passes
#    PRAGMA integrity_check and is unchanged or complete.
load helpers

# ---- a shop to break ------------------------------------------------------------------------
# One small shop for the whole file, built once and copied for each run:
# every entity, two saved segment runs, coupons of campaign 'w'.
setup_file() {
	local e
	export TZ=UTC LC_ALL=C.UTF-8 CRM_DB=$BATS_FILE_TMPDIR/shop/crm.db
	unset CRM_CURRENCY CRM_COUNTRY
	mkdir "$BATS_FILE_TMPDIR/shop" && cd "$BATS_FILE_TMPDIR/shop" || return 1
	for e in customers orders order_items tickets reviews responses; do
		crm-synth --orders 300 --customers 100 --end 2026-11-30 --days 120 "$e" >"$e.csv"
		crm-import -q "$e" "$e.csv" || return 1
	done
	crm-segment --as-of 2026-12-01 --save >/dev/null &&
		crm-segment --as-of 2026-12-01 --save >/dev/null &&
		crm-segment --as-of 2026-12-01 --segment 'At Risk' >atrisk.csv &&
		crm-coupon --now 2026-12-01T10:00:00Z issue -q --campaign w --discount 10% --expires 30d \
			atrisk.csv >codes.csv || return 1
	sqlite3 crm.db 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	printf 'customer_id\nC0000001\n' >called.csv
}

# shop: this test's directory holds a fresh copy of the shop.
shop() {
	rm -f crm.db crm.db-wal crm.db-shm crm.db-journal
	cp "$BATS_FILE_TMPDIR"/shop/* .
}

# A code of campaign 'w', still to be redeemed.
code() { sed -n '2s/,.*//p' codes.csv; }

# signature: every table and its row count, one line each: the same before a
# run and after it means the run stored nothing (or found nothing to store).
signature() {
	local t
	for t in $(q "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"); do
		printf '%s %s\n' "$t" "$(q "SELECT count(*) FROM \"$t\"")"
	done
}

# intact: the database passes SQLite's own check.
intact() {
	local got
	got=$(q 'PRAGMA integrity_check') || fail "sqlite3 cannot read the database"
	[ "$got" = ok ] || fail "integrity_check: $got"
}

# ---- a full disk ----------------------------------------------------------------------------
SHIM=${CRM_BUILD_DIR:-$CRM_BUILD}/libfailwrite.so

# on_full_disk LIMIT CMD...: run CMD as `run --separate-stderr` does, with
# every write to the database's files (crm.db, its -wal, -shm, -journal)
# failing with ENOSPC past LIMIT: N bytes, or call=N for the Nth write.
on_full_disk() {
	local limit=$1 how=FAILWRITE_AFTER
	shift
	[ "${CRM_VALGRIND:-}" != 1 ] || skip "the shim is not stacked under valgrind"
	[ -f "$SHIM" ] || fail "no $SHIM: make builds it"
	case $limit in call=*) how=FAILWRITE_CALL limit=${limit#call=} ;; esac
	run --separate-stderr env LD_PRELOAD="$SHIM" FAILWRITE_MATCH=crm.db "$how=$limit" \
		ASAN_OPTIONS="verify_asan_link_order=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" "$@"
}

# refused_whole NOTHING: the run that just failed on the full disk exited 3
# (crm(7): an I/O error) or 4, its last message is "PROG: NOTHING", no count
# of rows that were never stored came before it, and the database is intact
# and as before.sql has it.
refused_whole() {
	[ "$status" -eq 3 ] || [ "$status" -eq 4 ] ||
		fail "exit status $status, not 3; standard error:"$'\n'"$stderr"
	[ "${stderr##*$'\n'}" = "${stderr_lines[0]%%:*}: $1" ] ||
		fail "the last message is not '$1':"$'\n'"$stderr"
	! grep -Eq ' read, | inserted| issued, ' <<<"$stderr" ||
		fail "counts of rows never stored:"$'\n'"$stderr"
	intact
	q .dump | diff -u before.sql - || fail "the database changed"
}

# more orders than the shop has: 2,000 rows, all written at the COMMIT
more_orders() { crm-synth --orders 2000 --customers 500 --end 2026-11-30 --days 120 orders >more.csv; }

@test "a full disk at an import's COMMIT: 'nothing was imported' ends it, no counts, the database as it was (issue 14, item 14)" {
	shop
	more_orders
	q .dump >before.sql
	on_full_disk 65536 crm-import orders more.csv
	assert_equal "${stderr_lines[0]}" "crm-import: $CRM_DB: COMMIT: database or disk is full"
	refused_whole "nothing was imported"
	assert_equal "${#stderr_lines[@]}" 2
}

@test "a full disk at any point of an import: exit 3, 'nothing was imported', the database as it was or complete" {
	local limit
	shop
	more_orders
	q .dump >before.sql
	cp crm.db whole.db
	CRM_DB=whole.db crm-import -q orders more.csv
	CRM_DB=whole.db signature >complete
	for limit in 0 1 4096 16384 65536 262144 call=1 call=2 call=3 call=8 call=40 100000000; do
		shop
		on_full_disk "$limit" crm-import orders more.csv
		if [ "$status" -eq 0 ]; then
			intact
			signature | diff -u complete - || fail "FAILWRITE $limit: exit 0, not complete"
		else
			refused_whole "nothing was imported"
		fi
	done
	[ "$status" -eq 0 ] || fail "the run with room to spare failed: $stderr"
}

@test "a full disk under the first import into a new database: exit 3, nothing imported, the file sound" {
	local limit
	more_orders
	for limit in 0 4096 65536 call=1 call=5; do
		rm -f crm.db crm.db-*
		on_full_disk "$limit" crm-import orders more.csv
		[ "$status" -eq 3 ] || fail "FAILWRITE $limit: exit status $status: $stderr"
		assert_equal "${stderr_lines[-1]}" "crm-import: nothing was imported"
		[ -e crm.db ] || continue
		intact
		[ "$(q 'SELECT count(*) FROM orders' 2>/dev/null || echo 0)" = 0 ] ||
			fail "FAILWRITE $limit: orders were stored"
	done
}

@test "a full disk while crm-coupon issue commits: exit 3, 'no code was issued', no code out, the database as it was" {
	local limit
	for limit in 0 1024 8192 call=1 call=3; do
		shop
		q .dump >before.sql
		on_full_disk "$limit" crm-coupon --now 2026-12-01T12:00:00Z issue --campaign x --discount 5% \
			--expires 30d customers.csv
		refused_whole "no code was issued"
		assert_equal "$output" ""
	done
}

@test "a full disk while crm-segment --save commits: exit 3, 'nothing was saved', the database as it was" {
	local limit
	for limit in 0 1024 8192 call=1 call=3; do
		shop
		q .dump >before.sql
		on_full_disk "$limit" crm-segment --as-of 2026-12-01 --save --summary
		refused_whole "nothing was saved"
	done
}
