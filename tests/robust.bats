#!/usr/bin/env bats
# Whole-run guarantees: one transaction (kill -9 loses nothing), progress only
# on a terminal, memory that does not depend on the input's size.
load helpers

@test "kill -9 during a large import leaves the database exactly as it was" {
	crm-synth --orders 5000 orders >small.csv
	crm-synth --orders 600000 --seed 2 orders >big.csv
	crm-import -q orders small.csv
	before=$(q "SELECT count(*), sum(amount) FROM orders; SELECT count(*) FROM customers")
	crm-import -q orders big.csv &
	pid=$!
	# wait until the import has written into the WAL, then kill it
	for _ in $(seq 400); do
		[ "$(stat -c %s "$CRM_DB-wal" 2>/dev/null || echo 0)" -gt 2000000 ] && break
		sleep 0.05
	done
	kill -9 "$pid" || fail "the import ended before it could be killed"
	wait "$pid" || true
	run q "PRAGMA integrity_check"
	assert_output ok
	run q "SELECT count(*), sum(amount) FROM orders; SELECT count(*) FROM customers"
	assert_output "$before"
	# and the same import then runs to the end
	run crm-import orders big.csv
	assert_success
	# the first 5000 ids are those of small.csv, with other values
	assert_line --index 0 "crm-import: orders: 600000 read, 595000 inserted, 5000 updated, 0 unchanged, 0 rejected"
}

@test "kill -9 during the first import into a new file: the file is as new, then imports in WAL mode" {
	# a file born in the run is written without the write-ahead log
	crm-synth --orders 600000 orders >big.csv
	crm-import -q orders big.csv &
	pid=$!
	for _ in $(seq 400); do
		[ "$(stat -c %s "$CRM_DB" 2>/dev/null || echo 0)" -gt 4000000 ] && break
		sleep 0.05
	done
	kill -9 "$pid" || fail "the import ended before it could be killed"
	wait "$pid" || true
	[ ! -e "$CRM_DB-wal" ] || [ ! -s "$CRM_DB-wal" ] || fail "the first import wrote a WAL"
	[ -e "$CRM_DB-journal" ] || fail "no rollback journal left by the killed import"
	run q "PRAGMA integrity_check; SELECT count(*) FROM orders; SELECT count(*) FROM customers"
	assert_output $'ok\n0\n0'
	run crm-import orders big.csv
	assert_success
	assert_line --index 0 "crm-import: orders: 600000 read, 600000 inserted, 0 updated, 0 unchanged, 0 rejected"
	run q "PRAGMA journal_mode"
	assert_output wal
	[ "$(stat -c %a "$CRM_DB")" = 600 ]
}

@test "a new database is left in WAL mode by its first import, and after a failed one" {
	csv o.csv order_id,ordered_at,amount O1,2025-01-01,1
	crm-import -q --currency KRW orders o.csv
	[ "$(q 'PRAGMA journal_mode')" = wal ]
	rm -f "$CRM_DB"*
	csv bad.csv order_id,ordered_at,amount O1,nope,1
	run crm-import --strict --currency KRW orders bad.csv
	assert_failure 1
	[ "$(q 'PRAGMA journal_mode')" = wal ]
	[ ! -e "$CRM_DB-journal" ]
}

@test "a progress line on a terminal, none in a pipe" {
	command -v script >/dev/null || skip "script(1) is not installed"
	crm-synth --orders 70000 orders >o.csv
	script -qec "crm-import --db '$CRM_DB' orders o.csv" /dev/null >tty.out
	grep -q $'\r''crm-import: o.csv: 1024 rows' tty.out || fail "no progress line: $(cat -A tty.out | head -3)"
	rm -f "$CRM_DB"
	crm-import orders o.csv 2>pipe.err
	run cat pipe.err
	assert_output - <<-'OUT'
	crm-import: orders: 70000 read, 70000 inserted, 0 updated, 0 unchanged, 0 rejected
	crm-import: customers: 23800 created, 0 merged
	OUT
}

@test "counts add up on a large messy synthetic shop, and a re-import changes nothing" {
	crm-synth --orders 20000 customers >c.csv
	crm-synth --orders 20000 order_items >i.csv
	crm-synth --orders 20000 tickets >t.csv
	crm-synth --orders 20000 reviews >r.csv
	crm-synth --orders 20000 responses >s.csv
	for e in customers:c order_items:i tickets:t reviews:r responses:s; do
		crm-import -q "${e%%:*}" "${e#*:}.csv"
	done
	run q "SELECT count(*) FROM customers; SELECT count(*) FROM orders; SELECT count(*) FROM tickets"
	assert_output $'8000\n20000\n2000'
	# every order's amount is the sum of its lines
	run q "SELECT count(*) FROM orders o WHERE amount != (SELECT sum(quantity*unit_price) FROM order_items i WHERE i.order_id=o.order_id)"
	assert_output 0
	run crm-import order_items i.csv
	assert_success
	assert_line --index 0 --regexp "^crm-import: order_items: ([0-9]+) read, 0 inserted, 0 updated, \1 unchanged, 0 rejected$"
}

@test "a temporary file that cannot be written aborts the import and writes nothing" {
	crm-synth --orders 5000 orders >small.csv
	crm-synth --orders 30000 --seed 2 orders >big.csv
	crm-import -q orders small.csv
	before=$(q "SELECT count(*), sum(amount) FROM orders; SELECT count(*) FROM customers; SELECT sum(orders) FROM customer_figures")
	# a full disk: the ledger's runs (16 keys each) pass 200 KiB long before
	# SQLite writes anything; SIGXFSZ ignored, the write fails with EFBIG
	export TMPDIR=$BATS_TEST_TMPDIR
	run bash -c "trap '' XFSZ; ulimit -f 200; CRM_LEDGER_KB=1 crm-import orders big.csv"
	assert_failure 3
	assert_output - <<-OUT
	crm-import: $TMPDIR: write error on a temporary file: File too large
	crm-import: nothing was imported
	OUT
	# and it leaves no file behind
	run find "$TMPDIR" -name 'crm-ledger-*'
	assert_output ""
	run q "SELECT count(*), sum(amount) FROM orders; SELECT count(*) FROM customers; SELECT sum(orders) FROM customer_figures"
	assert_output "$before"
}

@test "a temporary file that cannot be created aborts the import and writes nothing" {
	[ "${CRM_VALGRIND:-}" = 1 ] && skip "valgrind keeps its own files in TMPDIR"
	crm-synth --orders 3000 orders >o.csv
	run env TMPDIR=/nonexistent CRM_LEDGER_KB=1 crm-import orders o.csv
	assert_failure 3
	assert_output - <<-'OUT'
	crm-import: /nonexistent: cannot create a temporary file: No such file or directory
	crm-import: nothing was imported
	OUT
	run q "SELECT count(*) FROM orders"
	assert_output 0
}

# Rows are read and checked on one thread and written on another; what the
# two find must come out as one thread would say it, in file order.

@test "rejected rows from both threads come out in file order, in messages and in the rejects file" {
	csv c.csv customer_id,email A,a@x.co B,b@x.co
	crm-import -q customers c.csv
	# bad dates, ragged rows and stray quotes are found while reading; an
	# e-mail of another customer only by the database
	{
		echo order_id,customer_id,email,ordered_at,amount,currency
		for i in $(seq 5000); do
			if ((i % 401 == 0)); then echo "O$i,C$((i % 50)),,2025-13-01,100,KRW"
			elif ((i % 997 == 0)); then echo "O$i,C$((i % 50)),,2025-01-01,100,KRW,extra"
			elif ((i % 1499 == 0)); then echo "O$i,C$((i % 50)),,\"2025-01-01\"x,100,KRW"
			elif ((i % 613 == 0)); then echo "O$i,B,a@x.co,2025-01-01,100,KRW"
			else echo "O$i,C$((i % 50)),,2025-01-01,100,KRW"; fi
		done
	} >o.csv
	want=$(for i in $(seq 5000); do
		if ((i % 401 == 0)); then echo "crm-import: o.csv:$((i + 1)): column 'ordered_at': '2025-13-01' is not a date"
		elif ((i % 997 == 0)); then echo "crm-import: o.csv:$((i + 1)): expected 6 fields as in the header, found 7"
		elif ((i % 1499 == 0)); then echo "crm-import: o.csv:$((i + 1)): field 4: malformed quoting: a quote inside a quoted field must be doubled, and a quoted field must end at a delimiter"
		elif ((i % 613 == 0)); then echo "crm-import: o.csv:$((i + 1)): column 'email': 'a@x.co' belongs to customer 'A', not 'B'"
		fi
	done)
	cp "$CRM_DB" before.db
	run crm-import --rejects rej.csv orders o.csv
	assert_failure 1
	assert_output "$want"$'\n'"crm-import: orders: 5000 read, 4972 inserted, 0 updated, 0 unchanged, 28 rejected"$'\n'"crm-import: customers: 50 created, 0 merged"
	run cut -d, -f8 rej.csv
	assert_output "$(echo rejected_line; sed 's/^crm-import: o.csv:\([0-9]*\):.*/\1/' <<<"$want")"
	# the same from a pipe, whose reader waits for input now and then
	mv rej.csv file-rej.csv
	cp before.db "$CRM_DB"
	run crm-import --rejects rej.csv orders - < <(cat o.csv)
	assert_failure 1
	assert_output "${want//o.csv/stdin}"$'\n'"crm-import: orders: 5000 read, 4972 inserted, 0 updated, 0 unchanged, 28 rejected"$'\n'"crm-import: customers: 50 created, 0 merged"
	sed 's/,stdin,/,o.csv,/' rej.csv >named-rej.csv
	assert_golden file-rej.csv named-rej.csv
}

@test "--strict stops at the first bad row of an input that has not ended" {
	# the reading thread is left waiting for more input: neither the abort
	# nor the exit may wait for it
	mkfifo in
	{ printf 'order_id,ordered_at,amount\nO1,2025-01-01,1\nO2,nope,1\n'; exec sleep 60; } >in 2>/dev/null 3>&- &
	writer=$!
	run timeout 20 crm-import --strict --currency KRW orders in
	kill "$writer"
	assert_failure 1
	assert_output - <<-'OUT'
	crm-import: in:3: column 'ordered_at': 'nope' is not a date
	crm-import: --strict: a row was rejected, nothing was imported
	OUT
}

@test "a named pipe after a file that stops the import is never waited for" {
	# nobody ever writes to 'later': the reading thread is already opening
	# it when --strict stops the run, and that open must not hold the stop
	csv bad.csv 'order_id,ordered_at,amount' 'O1,2025-01-01,1' 'O2,nope,1'
	mkfifo later
	run timeout 20 crm-import --strict --currency KRW orders bad.csv later
	assert_failure 1
	assert_output - <<-'OUT'
	crm-import: bad.csv:3: column 'ordered_at': 'nope' is not a date
	crm-import: --strict: a row was rejected, nothing was imported
	OUT
}

@test "a named pipe whose writer comes after the import has started is read whole" {
	csv o.csv 'order_id,ordered_at,amount' 'O1,2025-01-01,1' 'O2,2025-01-02,2'
	mkfifo late
	(sleep 1; cat o.csv >late) &
	run timeout 20 crm-import --currency KRW orders late
	assert_success
	assert_output "crm-import: orders: 2 read, 2 inserted, 0 updated, 0 unchanged, 0 rejected"
	[ "$(sqlite3 "$CRM_DB" 'SELECT group_concat(order_id) FROM orders')" = "O1,O2" ]
}

@test "a field, and a row, larger than the batches the rows are handed over in" {
	big=$(head -c 1000000 /dev/zero | tr '\0' x)
	{
		echo order_id,ordered_at,amount,channel
		echo "O1,2025-01-01,1,$big"
		echo "O2,2025-01-01,1,web$(printf ',z%.0s' $(seq 20000))"
		echo O3,2025-01-01,1,app
	} >wide.csv
	run crm-import --currency KRW --rejects rej.csv orders wide.csv
	assert_failure 1
	assert_output - <<-'OUT'
	crm-import: wide.csv:3: expected 4 fields as in the header, found 20004
	crm-import: orders: 3 read, 2 inserted, 0 updated, 0 unchanged, 1 rejected
	OUT
	run q "SELECT order_id, length(channel) FROM orders ORDER BY 1"
	assert_output $'O1|1000000\nO3|3'
	run sed -n 2p rej.csv
	assert_output "O2,2025-01-01,1,web,wide.csv,3,\"expected 4 fields as in the header, found 20004\""
}

@test "--rejects: a stray quote in the header line does not crash" {
	printf '%s\n' 'order_id,"ordered_at"x,amount' 'O1,x,1' >q.csv
	run crm-import --currency KRW --rejects rej.csv orders q.csv
	assert_failure 1
	assert_line --index 0 "crm-import: q.csv:1: cannot read the header: field 2: malformed quoting: a quote inside a quoted field must be doubled, and a quoted field must end at a delimiter"
	refute_output --partial Sanitizer
	refute_output --partial 'runtime error'
}

@test "--rejects: a NUL byte in a header name does not read past its copy" {
	printf 'order_id,ordered_at,amount,chan\0nel of a longer name than the copy kept\nO1,x,1,web\n' >n1.csv
	cp n1.csv n2.csv
	run crm-import --currency KRW --rejects rej.csv orders n1.csv n2.csv
	assert_failure 1
	refute_output --partial Sanitizer
	refute_output --partial 'runtime error'
	# the name is shown whole, its NUL byte escaped
	assert_line --index 0 "crm-import: n1.csv: ignored columns: 'chan\\x00nel of a longer name than the copy kept'"
	assert_line --index 4 "crm-import: orders: 2 read, 0 inserted, 0 updated, 0 unchanged, 2 rejected"
	run cut -d, -f5,6 rej.csv
	assert_output $'rejected_file,rejected_line\nn1.csv,2\nn2.csv,2'
}
