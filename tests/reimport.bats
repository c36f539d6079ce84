#!/usr/bin/env bats
# The weekly re-import: a shop's whole export imported again, unchanged or
# with a week's changes, must leave the database exactly as a fresh import
# of the same export does (every table), and count its rows right.  Rows
# already stored as they are cost no write (import.c, BATCH_ROWS): these
# tests catch a row wrongly taken for unchanged.

load helpers

# apart N: the test's database keeps N rows of figures apart (figures.h).
apart() {
	[ "$(q 'SELECT count(*) FROM customer_stats_changed')" = "$1" ] ||
		fail "$(q 'SELECT count(*) FROM customer_stats_changed') rows apart, not $1"
}

# week FILE SHUFFLE: the shop's orders O0001..O0700, then with SHUFFLE=1 in
# an order that is not the keys' (rows i*37 mod 700 first); base.csv is
# the same shop a week earlier.
shop() {
	awk -v week="$1" -v shuffle="$2" 'BEGIN {
		print "order_id,customer_id,ordered_at,amount,currency,status,channel"
		for (k = 1; k <= 700; k++) {
			i = shuffle ? (k * 37) % 700 + 1 : k
			st = "paid"; ch = i % 3 ? "web" : ""
			if (week && i % 50 == 0) st = "refunded"    # 14 orders refunded
			if (week && i % 9 == 0) ch = "app"          # 77 given a channel (none before)
			printf "O%04d,C%02d,2025-01-%02d 10:00:00,%d,KRW,%s,%s\n", i, i % 37,
				i % 28 + 1, i * 100, st, ch
		}
		for (i = 1; week && i <= 100; i++)
			printf "N%04d,C%02d,2025-02-01 10:00:00,500,KRW,paid,app\n", i, i % 41
	}'
}

@test "re-import: the unchanged export again writes nothing and counts every row unchanged" {
	crm-synth --orders 3000 --customers 900 orders >orders.csv
	crm-import -q orders orders.csv
	dump "$CRM_DB" >before
	run crm-import orders orders.csv
	assert_success
	assert_output "crm-import: orders: 3000 read, 0 inserted, 0 updated, 3000 unchanged, 0 rejected"
	dump "$CRM_DB" >after
	diff -u before after
	[ "$(q 'SELECT count(*) FROM imports')" = 2 ]
	same_as_fresh orders.csv
}

@test "re-import: a week's changes, in key order and not, equal a fresh import of the new export" {
	shop 0 0 >base.csv
	shop 1 0 >week.csv
	shop 1 1 >shuffled.csv
	[ "$(sort week.csv | md5sum)" = "$(sort shuffled.csv | md5sum)" ]
	crm-import -q orders base.csv
	cp "$CRM_DB" base.db
	# 14 refunded + 77 given a channel - 1 both (i = 450) = 90 updated;
	# 700 - 90 = 610 unchanged; 100 new
	run crm-import orders week.csv
	assert_success
	assert_line --index 0 "crm-import: orders: 800 read, 100 inserted, 90 updated, 610 unchanged, 0 rejected"
	same_as_fresh week.csv
	rm -f "$CRM_DB" fresh.db
	cp base.db "$CRM_DB"
	run crm-import orders shuffled.csv
	assert_success
	assert_line --index 0 "crm-import: orders: 800 read, 100 inserted, 90 updated, 610 unchanged, 0 rejected"
	same_as_fresh week.csv
	# and again: nothing left to change
	run crm-import orders shuffled.csv
	assert_output "crm-import: orders: 800 read, 0 inserted, 0 updated, 800 unchanged, 0 rejected"
}

@test "re-import: orders whose times all moved are found by their ids, updated, and equal a fresh import" {
	# The orders are kept by time, and a batch is probed by the range of
	# its times first (import.c, probe_times()): a year later, none of the
	# stored rows is in that range, and only their ids tell they are stored.
	shop 0 0 >base.csv
	sed 's/,2025-01-/,2026-01-/' base.csv >moved.csv
	crm-import -q orders base.csv
	run crm-import orders moved.csv
	assert_success
	assert_line --index 0 "crm-import: orders: 700 read, 0 inserted, 700 updated, 0 unchanged, 0 rejected"
	same_as_fresh moved.csv
	[ "$(q "SELECT count(*) FROM orders WHERE ordered_at LIKE '2026-01-%'")" = 700 ]
	run crm-import orders moved.csv
	assert_output "crm-import: orders: 700 read, 0 inserted, 0 updated, 700 unchanged, 0 rejected"
}

@test "re-import: a value stored otherwise than the file spells it is compared as SQL does" {
	shop 0 0 >base.csv
	crm-import -q orders base.csv
	# stored otherwise: a REAL amount (the INTEGER column keeps 100.5 as
	# it is), a channel that is a prefix of the file's, no customer
	q "UPDATE orders SET amount = 100.5 WHERE order_id = 'O0001';
	   UPDATE orders SET channel = 'we' WHERE order_id = 'O0002';
	   UPDATE orders SET customer_id = NULL WHERE order_id = 'O0004'"
	# the three differ from the file: updated; 700 - 3 = 697 unchanged
	run crm-import orders base.csv
	assert_success
	assert_output "crm-import: orders: 700 read, 0 inserted, 3 updated, 697 unchanged, 0 rejected"
	run q "SELECT order_id, amount, customer_id, channel FROM orders WHERE order_id < 'O0005'"
	assert_output $'O0001|100|C01|web\nO0002|200|C02|web\nO0003|300|C03|\nO0004|400|C04|web'
}

# week N R NEW: the shop of N orders a week later (crm-synth's header): its
# last R orders refunded, then NEW orders of the week after its end, as
# week.csv (the whole export) and inc.csv (the changed and new rows alone).
week() {
	crm-synth --orders "$1" --customers $(($1 * 2 / 5)) --refund-last "$2" orders >week.csv
	crm-synth --orders "$3" --customers $(($1 * 2 / 5)) --seed 2 --first-order "$1" \
		--end 2026-11-07 --days 7 orders >new.csv
	{ head -n 1 week.csv; tail -n "$2" week.csv; tail -n +2 new.csv; } >inc.csv
	tail -n +2 new.csv >>week.csv
}

@test "crm-synth: --refund-last refunds the last orders, --first-order numbers a later week's after them" {
	crm-synth --orders 2000 --customers 800 orders >base.csv
	week 2000 300 500
	# 1 header + 2000 + 500 lines; the first 1700 orders as they were
	[ "$(wc -l <week.csv)" = 2501 ]
	[ "$(sed -n 2,1701p week.csv | md5sum)" = "$(sed -n 2,1701p base.csv | md5sum)" ]
	run awk -F, 'NR >= 1702 && NR <= 2001 && $6 != "refunded"' week.csv
	assert_output ""
	# the refunded rows differ from base.csv in their status alone
	[ "$(sed -n 1702,2001p week.csv | cut -d, -f1-5,7 | md5sum)" = "$(sed -n 1702,2001p base.csv | cut -d, -f1-5,7 | md5sum)" ]
	run sed -n '2002p;2501p' week.csv
	assert_line --index 0 --regexp '^O00002001,C0000[0-9]{3},2026-11-0[1-7] '
	assert_line --index 1 --regexp '^O00002500,C0000[0-9]{3},2026-11-0[1-7] '
	crm-synth --help | grep -q -- '--refund-last R'
	crm-synth --help | grep -q -- '--first-order K'
}

@test "increment: the week's rows alone, or the whole export again, equal a fresh import of the whole export" {
	crm-synth --orders 2000 --customers 800 orders >base.csv
	week 2000 300 500
	crm-import -q orders base.csv
	cp "$CRM_DB" base.db
	# of the last 300 orders, those not refunded already are updated
	upd=$(sed -n 1702,2001p base.csv | awk -F, '$6 != "refunded"' | wc -l)
	[ "$upd" -gt 250 ]
	run crm-import orders inc.csv
	assert_success
	assert_line --index 0 "crm-import: orders: 800 read, 500 inserted, $upd updated, $((300 - upd)) unchanged, 0 rejected"
	# the week's customers' figures apart, customer_stats as it was
	[ "$(q 'SELECT count(*) FROM customer_stats_changed')" -gt 300 ]
	[ "$(q 'SELECT * FROM customer_stats' | md5sum)" = "$(sqlite3 base.db 'SELECT * FROM customer_stats' | md5sum)" ]
	same_as_fresh week.csv
	rm -f "$CRM_DB" fresh.db
	cp base.db "$CRM_DB"
	run crm-import orders week.csv
	assert_success
	assert_line --index 0 "crm-import: orders: 2500 read, 500 inserted, $upd updated, $((2000 - upd)) unchanged, 0 rejected"
	same_as_fresh week.csv
}

@test "increment: its figures folded in once they are a quarter of the table, which is then a fresh import's" {
	crm-synth --orders 4000 --customers 1600 orders >base.csv
	week 4000 100 150
	crm-import -q orders base.csv
	cp "$CRM_DB" base.db
	# below the least number to fold (4096 unless CRM_FOLD_MIN says): apart
	CRM_FOLD_MIN=100000 crm-import -q orders inc.csv
	n=$(q 'SELECT count(*) FROM customer_stats_changed')
	[ "$n" -gt 150 ]
	same_as_fresh week.csv
	# under a quarter of the table's rows: apart
	rm -f "$CRM_DB" fresh.db
	cp base.db "$CRM_DB"
	[ $((n * 4)) -lt "$(q 'SELECT count(*) FROM customer_stats')" ]
	CRM_FOLD_MIN=1 crm-import -q orders inc.csv
	apart "$n"
	# a second week: a quarter reached, all folded, the tables a fresh import's
	crm-synth --orders 1500 --customers 1600 --seed 3 --first-order 4150 --end 2026-11-14 \
		--days 7 orders >w2.csv
	CRM_FOLD_MIN=1 crm-import -q orders w2.csv
	apart 0
	tail -n +2 w2.csv >>week.csv
	same_as_fresh tables week.csv
}

@test "re-import: order names that pass a digit ('#9999', then '#10000') fall among the stored ones, new, and equal a fresh import" {
	# #1001..#9999 first; then #10000..#10999, which sort as text between
	# them ("#1000" < "#10000" < "#1001"), all new, with #5000 refunded
	# among them
	awk 'BEGIN { print "order_id,customer_id,ordered_at,amount,currency,status,channel"
		for (i = 1001; i <= 9999; i++)
			printf "#%d,C%03d,2025-01-01 10:00:00,%d,KRW,paid,web\n", i, i % 300, i }' >base.csv
	awk 'BEGIN { print "order_id,customer_id,ordered_at,amount,currency,status,channel"
		for (i = 10000; i <= 10999; i++) {
			printf "#%d,C%03d,2025-02-01 10:00:00,%d,KRW,paid,app\n", i, i % 300, i
			if (i == 10500) print "#5000,C200,2025-01-01 10:00:00,5000,KRW,refunded,web"
		} }' >week.csv
	crm-import -q orders base.csv
	run --separate-stderr crm-import orders week.csv
	assert_success
	assert_equal "${stderr_lines[0]}" "crm-import: orders: 1001 read, 1000 inserted, 1 updated, 0 unchanged, 0 rejected"
	same_as_fresh base.csv week.csv
}
