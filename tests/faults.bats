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
	printf 'response_id,customer_id\nS0000001,C0000001\nS0000002,C0000002\n' >called.csv
	# a bigger shop, for the kill -9 tests
	mkdir "$BATS_FILE_TMPDIR/big" && cd "$BATS_FILE_TMPDIR/big" || return 1
	for e in customers order_items responses; do
		crm-synth --orders 10000 --customers 3000 --end 2026-11-30 --days 365 "$e" >"$e.csv"
	done
	# a shop of 20,000 orders and its next week's increment (crm-synth's
	# header): 1,000 orders refunded, 5,000 new
	mkdir "$BATS_FILE_TMPDIR/week" && cd "$BATS_FILE_TMPDIR/week" || return 1
	crm-synth --orders 20000 --customers 8000 --end 2026-11-30 --days 365 orders >base.tmp
	CRM_DB=$PWD/week.db crm-import -q orders base.tmp || return 1
	crm-synth --orders 20000 --customers 8000 --end 2026-11-30 --days 365 --refund-last 1000 \
		orders >week.tmp
	{ head -n 1 week.tmp; tail -n 1000 week.tmp; } >inc.csv
	crm-synth --orders 5000 --customers 8000 --end 2026-12-07 --days 7 --seed 2 \
		--first-order 20000 orders | tail -n +2 >>inc.csv
	sqlite3 week.db 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
}

# shop: this test's directory holds a fresh copy of the shop.
shop() {
	rm -f crm.db crm.db-wal crm.db-shm crm.db-journal
	cp "$BATS_FILE_TMPDIR"/shop/* .
}

# A code of campaign 'w', still to be redeemed.
code() { sed -n '2s/,.*//p' "$BATS_FILE_TMPDIR/shop/codes.csv"; }

# signature: every table and its row count, one line each, and the coupons
# in each state: the same before a run and after it means the run stored
# nothing (or found nothing to store).
signature() {
	q "$(q "SELECT group_concat(printf('SELECT %Q, count(*) FROM \"%w\"', name, name), ' UNION ALL ')
		|| ' ORDER BY 1' FROM sqlite_master WHERE type = 'table'")" \
		'SELECT count(redeemed_at), count(voided_at), count(expired_at) FROM coupons' \
		"SELECT sum(status = 'refunded'), total(amount) FROM orders" \
		'SELECT total(orders), total(monetary), total(last_unix) FROM customer_figures' \
		'SELECT total(length(members)) FROM segment_blobs'
}

# intact: the database passes SQLite's own check.
intact() {
	local got
	got=$(q 'PRAGMA integrity_check') || fail "sqlite3 cannot read the database"
	[ "$got" = ok ] || fail "integrity_check: $got"
}

# ---- standard output that cannot be written ------------------------------------------------
# Each row is one form that writes standard output, named by its command
# line (split as the shell splits words, run in a fresh copy of the shop with
# standard input /dev/null): run as it is it must succeed and write
# something; with standard output /dev/full and then closed, it must exit 3
# and end with exactly one "PROG: write error: ..." line, the only one (a
# redeem says after it that the code was not redeemed).
write_fails() {
	local -a cmd
	local how rc want last
	eval "cmd=($BATS_TEST_DESCRIPTION)"
	shop
	cmd=("${cmd[@]//CODE/$(code)}")
	"${cmd[@]}" </dev/null >got.out 2>got.err || fail "exit status $?:"$'\n'"$(cat got.err)"
	[ -s got.out ] || fail "nothing on standard output: not a form for this table"
	for how in full closed; do
		shop
		rc=0
		if [ "$how" = full ]; then
			"${cmd[@]}" </dev/null >/dev/full 2>got.err || rc=$?
			want="write error: No space left on device"
		else
			"${cmd[@]}" </dev/null >&- 2>got.err || rc=$?
			want="write error: Bad file descriptor"
		fi
		[ "$rc" -eq 3 ] || fail "$how: exit status $rc, not 3:"$'\n'"$(cat got.err)"
		# the write error is last, or followed only by the verdict on a
		# write it undid (redeem: "'CODE': not redeemed")
		last=$(tail -n 1 got.err)
		[[ "$last" =~ ^crm-coupon:\ \'.*\':\ not\ redeemed$ ]] && last=$(tail -n 2 got.err | head -n 1)
		[ "$(grep -c 'write error' got.err)" -eq 1 ] &&
			[[ "$last" =~ ^crm(-[a-z]+)?:\ $want$ ]] ||
			fail "$how: not one '$want' at the end:"$'\n'"$(cat got.err)"
	done
}

@test "crm --help" { write_fails; }
@test "crm --version" { write_fails; }
@test "crm import --columns orders" { write_fails; }
@test "crm segment --as-of 2026-12-01 --summary" { write_fails; }
@test "crm coupon list" { write_fails; }
@test "crm nps --format json" { write_fails; }
@test "crm report --period 2026-11 --format json" { write_fails; }
@test "crm-import --help" { write_fails; }
@test "crm-import --version" { write_fails; }
@test "crm-import --columns orders" { write_fails; }
@test "crm-import --tsv --columns customers" { write_fails; }
@test "crm-segment --help" { write_fails; }
@test "crm-segment --version" { write_fails; }
@test "crm-segment --as-of 2026-12-01" { write_fails; }
@test "crm-segment --as-of 2026-12-01 --tsv" { write_fails; }
@test "crm-segment --as-of 2026-12-01 -d ';'" { write_fails; }
@test "crm-segment --as-of 2026-12-01 --summary" { write_fails; }
@test "crm-segment --as-of 2026-12-01 --save" { write_fails; }
@test "crm-segment --as-of 2026-12-01 --save --summary --tsv" { write_fails; }
@test "crm-segment --as-of 2026-12-01 --segment 'At Risk' --opted-in" { write_fails; }
@test "crm-segment --as-of 2026-12-01 --scheme lifecycle" { write_fails; }
@test "crm-segment --as-of 2026-12-01 orders.csv" { write_fails; }
@test "crm-segment --runs" { write_fails; }
@test "crm-segment --diff" { write_fails; }
@test "crm-segment --diff=1:2 --list" { write_fails; }
@test "crm-coupon --help" { write_fails; }
@test "crm-coupon --version" { write_fails; }
@test "crm-coupon --now 2026-12-01T12:00:00Z issue --campaign x --discount 10% --expires 30d atrisk.csv" { write_fails; }
@test "crm-coupon --now 2026-12-01T12:00:00Z issue -q --campaign x --discount 10% --expires 30d --min-order 5000 --currency KRW atrisk.csv" { write_fails; }
@test "crm-coupon --now 2026-12-01T12:00:00Z redeem --order O00000001 CODE" { write_fails; }
@test "crm-coupon list" { write_fails; }
@test "crm-coupon --tsv list --campaign w --state issued" { write_fails; }
@test "crm-coupon stats" { write_fails; }
@test "crm-coupon --tsv stats --campaign w" { write_fails; }
@test "crm-nps --help" { write_fails; }
@test "crm-nps --version" { write_fails; }
@test "crm-nps" { write_fails; }
@test "crm-nps --tsv" { write_fails; }
@test "crm-nps --by month --format text" { write_fails; }
@test "crm-nps --by channel --format json" { write_fails; }
@test "crm-nps --detractors" { write_fails; }
@test "crm-nps --detractors --format text" { write_fails; }
@test "crm-nps --detractors --format json" { write_fails; }
@test "crm-nps responses.csv" { write_fails; }
@test "crm-nps --format text responses.csv" { write_fails; }
@test "crm-report --help" { write_fails; }
@test "crm-report --version" { write_fails; }
@test "crm-report --period 2026-11" { write_fails; }
@test "crm-report --period 2026-11 --format text" { write_fails; }
@test "crm-report --period 2026-11 --format markdown" { write_fails; }
@test "crm-report --period 2026-11 --format html" { write_fails; }
@test "crm-report --period 2026-11 --format json" { write_fails; }

# The forms that write nothing on standard output are not failed by it: a
# closed or full one is no error of theirs (cron may close it).  Rows as above.
writes_nothing() {
	local -a cmd
	local how rc
	eval "cmd=($BATS_TEST_DESCRIPTION)"
	for how in full closed; do
		shop
		rc=0
		if [ "$how" = full ]; then
			"${cmd[@]}" </dev/null >/dev/full 2>got.err || rc=$?
		else
			"${cmd[@]}" </dev/null >&- 2>got.err || rc=$?
		fi
		[ "$rc" -eq 0 ] || fail "$how: exit status $rc:"$'\n'"$(cat got.err)"
	done
}

@test "crm-import orders orders.csv" { writes_nothing; }
@test "crm-coupon --now 2026-12-01T12:00:00Z void --campaign w" { writes_nothing; }
@test "crm-coupon --now 2027-02-01T12:00:00Z expire" { writes_nothing; }
@test "crm-nps --followed-up called.csv" { writes_nothing; }

# ---- a full disk ----------------------------------------------------------------------------
# on_full_disk LIMIT CMD...: run CMD as `run --separate-stderr` does, with
# every write to the database's files (crm.db, its -wal, -shm, -journal)
# failing with ENOSPC past LIMIT: N bytes, or call=N from the Nth write on;
# or, for LIMIT fsync, their every fsync.
on_full_disk() {
	local limit=$1 how=FAILWRITE_AFTER
	shift
	preloaded libfailwrite.so
	case $limit in
	call=*) how=FAILWRITE_CALL limit=${limit#call=} ;;
	fsync) how=FAILWRITE_FSYNC limit=1 ;;
	esac
	run --separate-stderr "${PRELOADED[@]}" FAILWRITE_MATCH=crm.db "$how=$limit" "$@"
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
	for limit in 0 1 4096 16384 65536 262144 call=1 call=2 call=3 call=8 call=40 fsync 100000000; do
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

@test "a first import has its pages written behind; a hint that fails loses nothing; an increment gives none" {
	local week=$BATS_FILE_TMPDIR/week
	# 20,000 orders: 313 batches of 64, a hint at the 256th
	CRM_DB=$PWD/plain.db crm-import -q orders "$week/base.tmp"
	preloaded libfailwrite.so
	run --separate-stderr "${PRELOADED[@]}" FAILWRITE_MATCH=crm.db FAILWRITE_RANGE="$PWD/hints" \
		crm-import -q orders "$week/base.tmp"
	assert_success
	assert_equal "$stderr" ""
	[ "$(wc -l <hints)" -ge 1 ] || fail "no hint was given"
	intact
	diff -u <(CRM_DB=$PWD/plain.db signature) <(signature) || fail "not what an import without hints stores"
	# the increment writes the -wal file, whose frames straddle pages
	rm hints
	run --separate-stderr "${PRELOADED[@]}" FAILWRITE_MATCH=crm.db FAILWRITE_RANGE="$PWD/hints" \
		crm-import -q orders "$week/inc.csv"
	assert_success
	[ ! -e hints ] || fail "an increment gave $(wc -l <hints) hints"
}

@test "a full disk while crm-coupon issue commits: exit 3, 'no code was issued', no code out, the database as it was" {
	local limit
	for limit in 0 1024 8192 call=1 call=3 fsync; do
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
	for limit in 0 1024 8192 call=1 call=3 fsync; do
		shop
		q .dump >before.sql
		on_full_disk "$limit" crm-segment --as-of 2026-12-01 --save --summary
		refused_whole "nothing was saved"
	done
}

# ---- kill -9 --------------------------------------------------------------------------------
# killed NAME CMD...: run CMD to the end on a copy of the database to learn
# its complete state and how long it takes; then, for each of a few fixed
# seeds, run it again on a fresh copy and kill -9 it after a delay drawn
# from the seed (a share of the whole run's time, up to a little past its
# end: which point it dies at varies with the machine, what is checked does
# not).  Each time the
# database must pass PRAGMA integrity_check and hold the state before the
# run or the complete one.  NAME=shop or big: which directory's files; the
# database is the shop's, or KILL_DB.
killed() {
	local dir=$1 seed t0 t1 span r delay pid got
	shift
	rm -f crm.db crm.db-wal crm.db-shm crm.db-journal
	cp "$BATS_FILE_TMPDIR"/shop/called.csv "$BATS_FILE_TMPDIR/$dir"/*.csv .
	cp "${KILL_DB:-$BATS_FILE_TMPDIR/shop/crm.db}" pristine.db
	cp pristine.db crm.db
	signature >before
	t0=$(date +%s%N)
	"$@" >/dev/null 2>err || fail "the whole run failed: $(cat err)"
	t1=$(date +%s%N)
	span=$(( (t1 - t0) / 1000 ))   # microseconds
	signature >complete
	! cmp -s before complete || fail "the whole run changed nothing: no test of a kill"
	for seed in 1 2 3 4 5; do
		rm -f crm.db-wal crm.db-shm crm.db-journal
		cp pristine.db crm.db
		RANDOM=$seed
		r=$((RANDOM % 105))
		delay=$(( span * r * r / 10000 ))   # more of them early, where the work is
		"$@" >/dev/null 2>&1 &
		pid=$!
		sleep "$(printf '%d.%06d' $((delay / 1000000)) $((delay % 1000000)))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" || true
		intact
		got=$(signature)
		[ "$got" = "$(cat before)" ] || [ "$got" = "$(cat complete)" ] ||
			fail "seed $seed, killed after ${delay}us of ${span}us: neither unchanged nor complete:"$'\n'"$got"
	done
}

@test "kill -9 during crm-import: the database unchanged or complete" {
	killed big crm-import -q order_items order_items.csv
}

@test "kill -9 during a week's increment of orders: the database unchanged or complete" {
	KILL_DB=$BATS_FILE_TMPDIR/week/week.db killed week crm-import -q orders inc.csv
}

@test "kill -9 during the first orders into a file of customers: the database unchanged or complete" {
	# the orders' tables are empty: the import goes without the WAL (db.h),
	# and a kill leaves a rollback journal that the next open plays back
	rm -f crm.db crm.db-wal crm.db-shm crm.db-journal
	crm-import -q customers "$BATS_FILE_TMPDIR/big/customers.csv"
	sqlite3 crm.db 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	mv crm.db customers.db
	KILL_DB=$PWD/customers.db killed big crm-import -q order_items order_items.csv
	# the whole run left the file in WAL mode, no journal beside it
	cp customers.db crm.db
	rm -f crm.db-wal crm.db-shm crm.db-journal
	crm-import -q order_items order_items.csv
	[ "$(q 'PRAGMA journal_mode')" = wal ] || fail "journal mode $(q 'PRAGMA journal_mode')"
	[ ! -e crm.db-journal ] || fail "a journal was left"
}

@test "kill -9 during crm-import of customers: the database unchanged or complete" {
	killed big crm-import -q customers customers.csv
}

@test "kill -9 during crm-coupon issue: the database unchanged or complete" {
	killed big crm-coupon --now 2026-12-01T12:00:00Z issue -q --campaign k --discount 5% --expires 30d \
		customers.csv
}

@test "kill -9 during crm-coupon redeem, void and expire: the database unchanged or complete" {
	killed shop crm-coupon --now 2026-12-01T12:00:00Z redeem --order O00000001 "$(code)"
	killed shop crm-coupon --now 2026-12-01T12:00:00Z void -q --campaign w
	killed shop crm-coupon --now 2027-02-01T12:00:00Z expire -q
}

@test "kill -9 during crm-segment --save: the database unchanged or complete" {
	shop
	crm-import -q customers "$BATS_FILE_TMPDIR/big/customers.csv"
	crm-import -q order_items "$BATS_FILE_TMPDIR/big/order_items.csv"
	mv crm.db big.db
	KILL_DB=$PWD/big.db killed big crm-segment --as-of 2026-12-01 --save
}

@test "kill -9 during crm-nps --followed-up: the database unchanged or complete" {
	killed shop crm-nps --followed-up called.csv
}

