#!/usr/bin/env bats
# Commands that cannot have a thread: a machine at its process limit answers
# pthread_create with EAGAIN.  Each command that uses a helper thread has a
# way without it, and its outcome is the same: the figures, the messages,
# the rejects, the database after a fatal error.  The
# refusals come from an LD_PRELOAD shim (tests/faults/failthread.c) that
# refuses the calls FAILTHREAD lists, in the order the process makes them.
load helpers

# unthreaded LIST CMD...: run CMD as `run` does, its calls to pthread_create
# listed in LIST refused.
unthreaded() {
	local list=$1
	shift
	preloaded libfailthread.so
	run "${PRELOADED[@]}" FAILTHREAD="$list" "$@"
}

# Every table an import of orders writes, in key order.
dump_orders() {
	sqlite3 -batch "$1" "SELECT * FROM orders ORDER BY order_id" \
		"SELECT * FROM customers ORDER BY customer_id" \
		"SELECT customer_id, currency, first_unix, last_unix, orders, monetary, hex(times)
		 FROM customer_figures ORDER BY 1, 2"
}

# same_without_reader [--no-rejects] FILES...: crm-import of the orders
# FILES into with.db, then without its reading thread (FAILTHREAD 2) and
# without any (all), exits, says, stores and rejects the same (no rejects
# file with --no-rejects); want_status and want are the threaded run's.
same_without_reader() {
	local list with=(--rejects with.rej) without=(--rejects without.rej)
	if [ "$1" = --no-rejects ]; then
		with=() without=()
		shift
	fi
	run crm-import --db with.db "${with[@]}" orders "$@"
	want_status=$status want=$output
	for list in 2 all; do
		rm -f without.db*
		unthreaded "$list" crm-import --db without.db "${without[@]}" orders "$@"
		[ "$status" -eq "$want_status" ] || { echo "FAILTHREAD=$list: exit $status"; false; }
		[ "$output" = "$want" ] || { echo "FAILTHREAD=$list: $output"; false; }
		[ "$(dump_orders without.db)" = "$(dump_orders with.db)" ] ||
			{ echo "FAILTHREAD=$list: the tables differ"; false; }
		[ ${#with[@]} = 0 ] || cmp without.rej with.rej
	done
}

shop() {
	crm-synth --orders 20000 --customers 6000 --end 2026-11-30 --days 365 orders >o.csv
}

# crm-import's threads, in the order it asks for them: 1 the ledger's
# (stats.h), 2 the reading one (feed.h), 3 the merge of the ledger's runs.
# (A file read from its end may ask for one more, the scan's second half
# (falling.h), before the merge: these tests read files in key order.)
# A small ledger makes many runs, so that the merge has work.
@test "threads: an import whose ledger and merge get no thread stores what one with them stores" {
	shop
	CRM_LEDGER_KB=64 crm-import -q --db with.db orders o.csv
	for list in 1 3 1,3-; do
		rm -f without.db*
		CRM_LEDGER_KB=64 unthreaded "$list" crm-import -q --db without.db orders o.csv
		[ "$status" -eq 0 ] || { echo "FAILTHREAD=$list: $output"; false; }
		[ "$(dump_orders without.db)" = "$(dump_orders with.db)" ] ||
			{ echo "FAILTHREAD=$list: the tables differ"; false; }
	done
	[ "$(sqlite3 with.db 'SELECT count(*) FROM orders')" = 20000 ]
}

@test "threads: the week after, an import without its ledger's and merge's threads updates as one with them" {
	shop
	crm-synth --orders 20000 --customers 6000 --end 2026-11-30 --days 365 --refund-last 500 \
		orders >w.csv
	crm-import -q --db with.db orders o.csv
	cp with.db without.db
	CRM_LEDGER_KB=64 crm-import -q --db with.db orders w.csv
	CRM_LEDGER_KB=64 unthreaded 1,3- crm-import -q --db without.db orders w.csv
	assert_success
	[ "$(dump_orders without.db)" = "$(dump_orders with.db)" ]
	[ "$(sqlite3 without.db "SELECT count(*) FROM orders WHERE status = 'refunded'")" = \
	  "$(awk -F, '$6 == "refunded"' w.csv | wc -l)" ]
}

# Without its reading thread the import reads on its own (feed.h): the same
# rows, the same messages and rejects, the same stop at a fatal error.
@test "threads: an import without its reading thread stores and says what one with it does" {
	shop
	# a second file with a bad date, a row of the wrong width and bad quoting
	{ head -n 1 o.csv
	  printf 'X1,C1,not a date,100,KRW,paid,web\n'
	  printf 'X2,C1\n'
	  printf 'X3,C1,"2026-01-01 10:00:00"x,100,KRW,paid,web\n'
	  printf 'X4,C2,2026-01-02 10:00:00,250,KRW,paid,web\n'; } >bad.csv
	same_without_reader o.csv bad.csv
	[ "$want_status" -eq 1 ]             # rows rejected
	[[ "$want" == *"bad.csv:3: expected 7 fields"* ]]
	[ "$(sqlite3 with.db 'SELECT count(*) FROM orders')" = 20001 ]
}

@test "threads: a file read from its end without its reading thread stores and says what one with it does" {
	shop
	# newest first, two rows rejected: read last row first either way
	# (not with a rejects file, which keeps the file's order)
	{ head -n 1 o.csv
	  tail -n +2 o.csv | tac | sed '3s/,KRW,/,XX,/; 19000s/,20[0-9-]* [0-9:]*,/,not a date,/'; } >desc.csv
	same_without_reader --no-rejects desc.csv
	[ "$want_status" -eq 1 ]
	[[ "$want" == *"desc.csv:19001: "*"desc.csv:4: "* ]]
	[ "$(sqlite3 with.db 'SELECT count(*) FROM orders')" = 19998 ]
}

@test "threads: an import without its reading thread stops at a fatal error as one with it does" {
	shop
	head -n 5001 o.csv >first.csv
	crm-import -q --db with.db orders first.csv
	cp with.db without.db
	before=$(dump_orders with.db)
	# invalid UTF-8 on line 7001 of the second file: nothing of the run is kept
	{ head -n 7000 o.csv; printf 'X1,C1,2026-01-01 10:00:00,100,KRW,paid,\xff\n'; } >broken.csv
	run crm-import --db with.db orders first.csv broken.csv
	want_status=$status want=$output
	[ "$want_status" -ne 0 ]
	unthreaded 2 crm-import --db without.db orders first.csv broken.csv
	[ "$status" -eq "$want_status" ]
	[ "$output" = "$want" ]
	[[ "$output" == *"broken.csv:7001: field 7: invalid UTF-8"* ]]
	[ "$(dump_orders without.db)" = "$before" ]
	[ "$(dump_orders with.db)" = "$before" ]
}

@test "threads: an import from a pipe without its reading thread reads it whole" {
	shop
	crm-import -q --db with.db orders o.csv
	unthreaded all crm-import -q --db without.db orders - < <(cat o.csv)
	assert_success
	[ "$(dump_orders without.db)" = "$(dump_orders with.db)" ]
}

# A first customers import builds its e-mail and phone indexes after the
# rows with SQLite's sorter on helper threads (db.h crm_db_exec_sorting);
# refused, SQLite sorts on the caller's.
@test "threads: a first customers import builds its indexes on one thread when it must" {
	crm-synth --orders 20000 --customers 6000 customers >c.csv
	crm-import -q --db with.db customers c.csv
	unthreaded 1,3- crm-import -q --db without.db customers c.csv
	assert_success
	cust() {
		sqlite3 -batch "$1" "SELECT * FROM customers ORDER BY customer_id" \
			"SELECT name, sql FROM sqlite_master WHERE tbl_name = 'customers' ORDER BY 1" \
			"PRAGMA integrity_check"
	}
	[ "$(cust without.db)" = "$(cust with.db)" ]
	[ "$(sqlite3 without.db 'SELECT count(*) FROM customers')" = 6000 ]
	# the indexes are there and answer
	[ "$(sqlite3 without.db "EXPLAIN QUERY PLAN SELECT customer_id FROM customers
	     WHERE email = 'x'" | grep -c customers_email)" = 1 ]
}

@test "threads: crm-segment and crm-recommend say the same on one thread" {
	crm-synth --orders 20000 --customers 6000 --end 2026-11-30 --days 365 orders >o.csv
	crm-synth --orders 20000 --customers 6000 --end 2026-11-30 --days 365 order_items >i.csv
	crm-import -q orders o.csv
	crm-import -q order_items i.csv
	for cmd in "crm-segment --as-of 2026-12-01" "crm-segment --as-of 2026-12-01 --summary" \
		   "crm-recommend --as-of 2026-12-01 --top 3"; do
		want=$($cmd)
		[ -n "$want" ]
		unthreaded all $cmd
		[ "$status" -eq 0 ] || { echo "$cmd: $output"; false; }
		[ "$output" = "$want" ] || { echo "$cmd: the output differs"; false; }
	done
}

# crm-segment from a CSV stream reads on a thread (feed.h), or without one
# on its own.
@test "threads: crm-segment from a stream says the same without its reading thread" {
	crm-synth --orders 20000 --customers 6000 --end 2026-11-30 --days 365 orders >o.csv
	want=$(crm-segment --as-of 2026-12-01 --summary o.csv)
	[ -n "$want" ]
	unthreaded all crm-segment --as-of 2026-12-01 --summary o.csv
	assert_success
	[ "$output" = "$want" ]
}

# policy PID: "TID POLICY" for each thread of PID, POLICY as sched(7)
# numbers it (0 SCHED_OTHER, 3 SCHED_BATCH), field 41 of its stat.
policies() {
	local t
	for t in /proc/"$1"/task/*; do
		echo "${t##*/} $(sed 's/.*) //' "$t/stat" | cut -d' ' -f39)"
	done
}

@test "threads: an import's helpers do not preempt the thread that writes (SCHED_BATCH), which keeps its policy" {
	local pid i got=
	[ -r /proc/self/stat ] || skip "no /proc"
	mkfifo in.csv
	crm-import -q --db f.db orders in.csv &
	pid=$!
	exec 5>in.csv          # the import waits on the pipe with its threads started
	printf '%s\n' order_id,customer_id,ordered_at,amount,currency 'O1,c1,2025-01-01,10,USD' >&5
	for ((i = 0; i < 300; i++)); do
		got=$(policies "$pid")
		[ "$(grep -c ' 3$' <<<"$got")" -ge 2 ] && break
		sleep 0.1
	done
	exec 5>&-
	wait "$pid"
	echo "$got"
	[ "$(grep -c ' 3$' <<<"$got")" -ge 2 ] || fail "no two threads in SCHED_BATCH"
	assert_equal "$(grep "^$pid " <<<"$got")" "$pid 0"
	assert_equal "$(sqlite3 f.db 'SELECT order_id FROM orders')" O1
}
