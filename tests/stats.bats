#!/usr/bin/env bats
# customer_stats: the per-customer figures crm-import keeps for crm-segment.
load helpers

# The figures as a GROUP BY over orders computes them, and as stored.
want() {
	q "SELECT customer_id, currency, min(ordered_at), max(ordered_at), count(*), sum(amount)
	   FROM orders WHERE customer_id IS NOT NULL AND status IN ('paid', 'pending')
	   GROUP BY 1, 2 ORDER BY 1, 2"
}
# Each key's order times (times.h): as stored, and as the orders give them,
# ascending, each in 5 bytes least significant first (the hex of the low 40
# bits of the two's complement, its bytes reversed).
times_have() {
	q "SELECT customer_id, currency, hex(times) FROM customer_figures ORDER BY 1, 2"
}
times_want() {
	q "SELECT customer_id, currency, group_concat(substr(h, 9, 2) || substr(h, 7, 2) ||
	   substr(h, 5, 2) || substr(h, 3, 2) || substr(h, 1, 2), '') FROM
	   (SELECT customer_id, currency, substr(printf('%016X', unixepoch(ordered_at)), 7) AS h
	    FROM orders WHERE customer_id IS NOT NULL AND status IN ('paid', 'pending')
	    ORDER BY customer_id, currency, ordered_at) GROUP BY 1, 2 ORDER BY 1, 2"
}
# Stored times are Unix seconds: shown as the orders' text to compare.
have() {
	q "SELECT customer_id, currency, strftime('%Y-%m-%dT%H:%M:%SZ', first_unix, 'unixepoch'),
	   strftime('%Y-%m-%dT%H:%M:%SZ', last_unix, 'unixepoch'), orders, monetary FROM customer_figures ORDER BY 1, 2"
}

@test "stats: a fresh import of orders stores each customer's figures" {
	csv o.csv order_id,customer_id,ordered_at,amount,currency,status \
		A1,c1,2026-01-05,1000,KRW,paid A2,c1,2026-02-05,2000,KRW,pending \
		A3,c2,2026-03-01,500,KRW,refunded A4,c2,2026-03-02,700,KRW,cancelled \
		A5,,2026-03-03,900,KRW,paid A6,c3,2026-03-04,10.50,USD,paid
	run crm-import -q orders o.csv
	assert_success
	run have
	assert_output "c1|KRW|2026-01-05T00:00:00Z|2026-02-05T00:00:00Z|2|3000
c3|USD|2026-03-04T00:00:00Z|2026-03-04T00:00:00Z|1|1050"
}

@test "stats: a refund, a changed date and a new order in a re-import are counted again" {
	csv o.csv order_id,customer_id,ordered_at,amount,status \
		A1,c1,2026-01-05,1000,paid A2,c1,2026-02-05,2000,paid A3,c2,2026-03-01,500,paid
	crm-import -q --currency KRW orders o.csv
	csv o.csv order_id,customer_id,ordered_at,amount,status \
		A1,c1,2026-01-05,1000,paid A2,c1,2026-02-05,2000,refunded A3,c2,2026-03-09,500,paid \
		A4,c2,2026-04-01,100,paid
	run crm-import -q --currency KRW orders o.csv
	assert_success
	run have
	assert_output "c1|KRW|2026-01-05T00:00:00Z|2026-01-05T00:00:00Z|1|1000
c2|KRW|2026-03-09T00:00:00Z|2026-04-01T00:00:00Z|2|600"
	[ "$(have)" = "$(want)" ]
	# c1's one order left, 2026-01-05T00:00:00Z: 1767571200 = 0x0069 5B 00 00...
	run q "SELECT hex(times) FROM customer_figures WHERE customer_id = 'c1'"
	assert_output "$(python3 -c 'print((1767571200).to_bytes(5, "little").hex().upper())')"
	[ "$(times_have)" = "$(times_want)" ]
}

@test "stats: changed orders of customers in two currencies, moved to another customer, all refunded" {
	# c1 buys in KRW and USD; c2's only order is refunded; A4 moves from c3
	# to c4; c5 is untouched among many rows the recompute must pass over
	csv o.csv order_id,customer_id,ordered_at,amount,currency,status \
		A1,c1,2026-01-05,1000,KRW,paid A2,c1,2026-02-05,2.50,USD,paid \
		A3,c1,2026-02-06,3.00,USD,paid A4,c3,2026-03-01,500,KRW,paid \
		A5,c2,2026-03-02,700,KRW,paid A6,c3,2026-03-03,900,KRW,paid
	for i in $(seq 1 300); do printf "B%d,c5,2026-04-01T00:00:%02d,1,KRW,paid\n" "$i" $((i % 60)); done >>o.csv
	crm-import -q orders o.csv
	csv p.csv order_id,customer_id,ordered_at,amount,currency,status \
		A3,c1,2026-02-06,3.00,USD,refunded A5,c2,2026-03-02,700,KRW,refunded \
		A4,c4,2026-03-01,500,KRW,paid A1,c1,2026-01-05,1000,USD,paid
	run crm-import -q orders p.csv
	assert_success
	# c1: A1 now in USD beside A2 (1000.00 + 2.50 = 100250 cents), no KRW; c2 none;
	# c3 keeps A6; c4 has A4; c5's 300 orders as they were
	run have
	assert_output "c1|USD|2026-01-05T00:00:00Z|2026-02-05T00:00:00Z|2|100250
c3|KRW|2026-03-03T00:00:00Z|2026-03-03T00:00:00Z|1|900
c4|KRW|2026-03-01T00:00:00Z|2026-03-01T00:00:00Z|1|500
c5|KRW|2026-04-01T00:00:00Z|2026-04-01T00:00:59Z|300|300"
	[ "$(have)" = "$(want)" ]
	[ "$(times_have)" = "$(times_want)" ]
}

@test "stats: an order refunded, paid again and refunded in one file counts as its last row says" {
	csv o.csv order_id,customer_id,ordered_at,amount,status \
		A1,c1,2026-01-05,1000,paid A2,c1,2026-02-05,2000,paid
	crm-import -q --currency KRW orders o.csv
	# A2 leaves c1 twice and comes back once (the same change twice counts
	# twice); A1 goes to c2 and back to c1
	csv p.csv order_id,customer_id,ordered_at,amount,status \
		A2,c1,2026-02-05,2000,refunded A2,c1,2026-02-05,2000,paid \
		A2,c1,2026-02-05,2000,refunded A1,c2,2026-01-05,1000,paid A1,c1,2026-01-05,1000,paid
	run crm-import -q --currency KRW orders p.csv
	assert_success
	run have
	assert_output "c1|KRW|2026-01-05T00:00:00Z|2026-01-05T00:00:00Z|1|1000"
	[ "$(have)" = "$(want)" ]
	[ "$(times_have)" = "$(times_want)" ]
}

@test "stats: a database of schema 9 gets its customers' order times when a writer migrates it" {
	"$CRM_BUILD/crm-synth" --orders 3000 orders >o.csv
	crm-import -q orders o.csv
	figures=$(have)
	# schema 9: customer_stats without its times
	q "$DROP_SCHEMA_12 CREATE TABLE s9 (customer_id TEXT NOT NULL, currency TEXT NOT NULL,
	     first_unix INTEGER NOT NULL, last_unix INTEGER NOT NULL, orders INTEGER NOT NULL,
	     monetary INTEGER NOT NULL, PRIMARY KEY (customer_id, currency)) WITHOUT ROWID;
	   INSERT INTO s9 SELECT customer_id, currency, first_unix, last_unix, orders, monetary
	     FROM customer_stats;
	   DROP TABLE customer_stats; ALTER TABLE s9 RENAME TO customer_stats;
	   PRAGMA user_version = 9"
	run --separate-stderr crm-report --as-of 2026-11-01
	assert_failure 3
	[[ $stderr == *"schema version 9"*"run crm-import to upgrade it" ]] || fail "$stderr"
	crm-coupon expire -q
	[ "$(q 'PRAGMA user_version')" = "$SCHEMA" ]
	[ "$(have)" = "$figures" ]
	[ "$(times_have)" = "$(times_want)" ]
	# and the next week's refunds go through the migrated times
	"$CRM_BUILD/crm-synth" --orders 3000 --refund-last 200 orders >p.csv
	crm-import -q orders p.csv
	[ "$(have)" = "$(want)" ]
	[ "$(times_have)" = "$(times_want)" ]
}

@test "stats: orders made from order lines count once, with their summed amount" {
	csv i.csv order_id,customer_id,ordered_at,sku,quantity,unit_price \
		B1,c1,2026-05-01,x,2,1000 B1,c1,2026-05-01,y,1,500 B2,c1,2026-05-03,x,-1,1000
	run crm-import -q --currency KRW order_items i.csv
	assert_success
	run have
	assert_output "c1|KRW|2026-05-01T00:00:00Z|2026-05-03T00:00:00Z|2|1500"
}

@test "stats: a dry run and a failed run leave the figures as they were" {
	csv o.csv order_id,customer_id,ordered_at,amount A1,c1,2026-01-05,1000
	crm-import -q --currency KRW orders o.csv
	csv p.csv order_id,customer_id,ordered_at,amount A2,c1,2026-01-06,1000 A3,c1,nope,1
	run crm-import -q --dry-run --currency KRW orders p.csv
	run crm-import -q --strict --currency KRW orders p.csv
	assert_failure 1
	run have
	assert_output "c1|KRW|2026-01-05T00:00:00Z|2026-01-05T00:00:00Z|1|1000"
}

@test "stats: figures changed outside crm are named when an order leaves them, nothing kept" {
	csv o.csv order_id,customer_id,ordered_at,amount A1,c1,2026-01-05,1000 A2,c1,2026-01-06,500 \
		A3,c2,2026-01-07,700
	crm-import -q --currency KRW orders o.csv
	cp "$CRM_DB" good.db
	csv r.csv order_id,customer_id,ordered_at,amount,status A2,c1,2026-01-06,500,refunded
	# an order count that is not its times', and times without the order's
	for change in "orders = 3" "times = substr(times, 1, 5) || substr(times, 1, 5)"; do
		cp good.db "$CRM_DB"
		q "UPDATE customer_stats SET $change WHERE customer_id = 'c1'"
		before=$(q "SELECT * FROM orders ORDER BY 1; SELECT hex(times), * FROM customer_stats ORDER BY 1")
		run crm-import --currency KRW orders r.csv
		assert_failure 1
		assert_line "crm-import: customer 'c1': the KRW figures kept for it do not match its orders (the database was changed outside crm)"
		assert_line "crm-import: nothing was imported"
		[ "$(q "SELECT * FROM orders ORDER BY 1; SELECT hex(times), * FROM customer_stats ORDER BY 1")" = "$before" ]
	done
}

# A first flush writes figures in batches that expect no row to be there
# (stats.c, fresh): a trigger someone added makes one appear meanwhile.
@test "stats: figures that appear while a first import writes them stop it, nothing kept" {
	crm-synth --orders 2000 --customers 600 --end 2026-11-30 --days 365 orders >o.csv
	head -n 1 o.csv >empty.csv
	crm-import -q orders empty.csv
	first=$(sed -n 2p o.csv | cut -d, -f2)
	q "CREATE TRIGGER sneak AFTER INSERT ON customers WHEN NEW.customer_id = '$first'
	   BEGIN INSERT INTO customer_stats VALUES (NEW.customer_id, 'KRW', 0, 0, 1, 1, x''); END"
	run crm-import orders o.csv
	assert_failure 3
	assert_line "crm-import: $CRM_DB: update customer figures: figures not there when the writing began are there now"
	assert_line "crm-import: nothing was imported"
	[ "$(q 'SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM customers) +
	       (SELECT count(*) FROM customer_stats)')" = 0 ]
}

@test "stats: a database of schema version 1 gets its figures when it is migrated" {
	sqlite3 "$CRM_DB" <"$FIX/schema-v1.sql"
	[ "$(q 'PRAGMA user_version')" = 1 ]
	csv c.csv customer_id,name c1,Kim
	run crm-import -q customers c.csv
	assert_success
	[ "$(q 'PRAGMA user_version')" = "$SCHEMA" ]
	run have
	assert_output "c1|KRW|2026-01-05T00:00:00Z|2026-02-05T00:00:00Z|2|3000
c2|KRW|2026-03-02T00:00:00Z|2026-03-02T00:00:00Z|1|700"
}

# Stored customers, and orders naming some of them and others beside,
# between and after them: ids that are prefixes of others (C1, C10, C100),
# every other id of a run (K: the flush's walk steps), a few ids far apart
# among many (M: it seeks, then leaves keys to the INSERT), ids past the
# last stored one (Z9, Z90, ZZ, ZZ00-ZZ39: the walk at its end).
stored_and_named() {
	{
		echo customer_id,email
		printf '%s\n' C1 Z9 | awk '{ print $1 "," $1 "@x.kr" }'
		awk 'BEGIN { for (i = 1; i < 400; i += 2) printf "K%04d,k%d@x.kr\n", i, i
			for (i = 0; i < 1000; i++) printf "M%04d,m%d@x.kr\n", i, i }'
	} >people.csv
	{
		echo order_id,customer_id,ordered_at,amount,currency,status
		printf '%s\n' C1 C10 C100 M0000 M0250 M0500 M0999 M1000 Z9 Z90 ZZ
		awk 'BEGIN { for (i = 1; i <= 400; i++) printf "K%04d\n", i
			for (i = 0; i < 40; i++) printf "ZZ%02d\n", i }'
	} | awk -F, 'NR == 1 { print; next } { printf "O%05d,%s,2026-03-01,%d,KRW,paid\n", NR, $1, NR * 100 }' >named.csv
}

@test "stats: orders into stored customers create only those missing, each once; the stored keep their rows" {
	stored_and_named
	crm-import -q customers people.csv
	run crm-import orders named.csv
	assert_success
	assert_output --partial "customers: 245 created"
	run q "SELECT count(*), count(email) FROM customers"
	assert_output "1447|1202"
	run q "SELECT count(*) FROM orders WHERE customer_id NOT IN (SELECT customer_id FROM customers)"
	assert_output 0
	# as the customers given after their orders: the same table
	CRM_DB=fresh.db crm-import -q orders named.csv
	CRM_DB=fresh.db crm-import -q customers people.csv
	[ "$(q 'SELECT * FROM customers ORDER BY 1')" = "$(sqlite3 fresh.db 'SELECT * FROM customers ORDER BY 1')" ]
	[ "$(have)" = "$(want)" ]
}

@test "stats: a stored customer id that is a blob of the same bytes (a file changed outside crm) is not the id" {
	csv people.csv customer_id,email A0,a0@x.kr
	crm-import -q customers people.csv
	q "INSERT INTO customers(customer_id) VALUES (x'4331')"
	csv o.csv order_id,customer_id,ordered_at,amount,currency,status O1,C1,2026-03-01,100,KRW,paid
	run crm-import orders o.csv
	assert_success
	assert_output --partial "customers: 1 created"
	run q "SELECT typeof(customer_id), customer_id FROM customers WHERE customer_id = 'C1'"
	assert_output "text|C1"
}

@test "stats: a spilled ledger's keys against stored customers, then a file that names customers by e-mail" {
	stored_and_named
	crm-import -q customers people.csv
	csv mail.csv order_id,customer_id,email,ordered_at,amount,currency,status \
		P1,C1,,2026-04-01,100,KRW,paid P2,C11,c11@x.kr,2026-04-01,100,KRW,paid
	# 1 KiB of ledger: the first file's keys spill in runs and merge
	run env CRM_LEDGER_KB=1 crm-import orders named.csv mail.csv
	assert_success
	assert_output --partial "customers: 246 created"
	run q "SELECT count(*), count(email) FROM customers"
	assert_output "1448|1203"
	[ "$(have)" = "$(want)" ]
}

@test "stats: a large synthetic shop's figures equal a GROUP BY over its orders" {
	"$CRM_BUILD/crm-synth" --orders 60000 orders >o.csv
	crm-import -q orders o.csv
	"$CRM_BUILD/crm-synth" --orders 60000 --seed 7 orders | sed '2,30000d' >p.csv
	crm-import -q orders p.csv || true
	[ "$(q 'SELECT count(*) FROM customer_figures')" -gt 1000 ]
	[ "$(have)" = "$(want)" ]
	[ "$(times_have)" = "$(times_want)" ]
}

@test "stats: a ledger too small for the shop spills sorted runs and gives the same figures and customers" {
	"$CRM_BUILD/crm-synth" --orders 60000 orders >o.csv
	"$CRM_BUILD/crm-synth" --orders 60000 --seed 7 orders | sed '2,30000d' >p.csv
	crm-import orders o.csv 2>big.err
	crm-import orders p.csv 2>>big.err || true
	want=$(q "SELECT * FROM customer_figures ORDER BY 1, 2; SELECT * FROM customers ORDER BY 1")
	rm -f "$CRM_DB"*
	# 1 KiB: sixteen keys in memory, thousands of runs merged 256 at a time
	CRM_LEDGER_KB=1 crm-import orders o.csv 2>small.err
	CRM_LEDGER_KB=1 crm-import orders p.csv 2>>small.err || true
	run diff big.err small.err
	assert_success
	[ "$(have)" = "$(want)" ]
	[ "$(times_have)" = "$(times_want)" ]
	[ "$(q "SELECT * FROM customer_figures ORDER BY 1, 2; SELECT * FROM customers ORDER BY 1")" = "$want" ]
}

@test "stats: ids that share their first eight bytes, short ids and bytes past 127 spill in key order" {
	# the ledger sorts its keys by their first 8 bytes, then each run of a
	# shared prefix by the whole key: longer ids of one prefix, a prefix
	# that is a whole id, ids of fewer bytes, UTF-8 (bytes past 127 sort
	# after ASCII), two currencies of one customer.  400 KiB of ledger
	# spills about 2,250 keys at a time, 1 KiB 16
	python3 - <<'EOF2'
ids = ["CUSTOMER", "CUSTOMER1", "CUSTOMER10", "CUSTOMER2", "CUSTOMEQ9", "CUSTOMES",
       "A", "AB", "A0", "B", "Z", "z", "~", "\u00e9", "\uace0\uac1d", "\uace0\uac1d1", "0", "00000000",
       "000000000", "00000001"] + ["SHOP%012d" % (i * 7919 % 200) for i in range(200)] + \
      ["K%07d" % (i * 7919 % 10**7) for i in range(3000)] + \
      ["CUSTOME" + c + "x" * (i % 3) for i, c in enumerate(chr(b) for b in range(33, 127))
       if c not in ',"']
with open("o.csv", "w") as f:
    f.write("order_id,customer_id,ordered_at,amount,currency,status\n")
    for i in range(14000):
        c = ids[i * 31 % len(ids)]
        f.write("O%05d,%s,2026-%02d-%02dT10:00:%02d,%d,%s,paid\n" % (
            i, c, 1 + i % 12, 1 + i % 28, i % 60, 100 + i, "USD" if i % 7 == 0 else "KRW"))
EOF2
	crm-import -q orders o.csv
	want=$(q "SELECT * FROM customer_figures ORDER BY 1, 2; SELECT * FROM customers ORDER BY 1")
	[ "$(have)" = "$(want)" ]
	[ "$(times_have)" = "$(times_want)" ]
	for kb in 1 400; do
		rm -f "$CRM_DB"*
		CRM_LEDGER_KB=$kb crm-import -q orders o.csv
		[ "$(q "SELECT * FROM customer_figures ORDER BY 1, 2; SELECT * FROM customers ORDER BY 1")" = "$want" ]
		[ "$(times_have)" = "$(times_want)" ]
	done
	[ "$(q "SELECT count(*) FROM customer_figures")" -gt 5000 ]
}

@test "stats: a customer of 6,000 orders, spilled in runs, refunded and moved, keeps every time" {
	# 6,000 times are 48 KB in a run, more than a read or write buffer;
	# dates from 1969 (a negative time) to 2026, some the same second
	python3 - <<'EOF2'
import datetime
t0 = datetime.datetime(1969, 12, 1)
with open("o.csv", "w") as f:
    f.write("order_id,customer_id,ordered_at,amount,currency,status\n")
    for i in range(6000):
        t = t0 + datetime.timedelta(hours=83 * (i * 7919 % 6000) + (i % 3))
        f.write("O%d,%s,%s,%d,KRW,paid\n" % (i, "big" if i % 10 else "c%d" % (i % 7),
                                           t.strftime("%Y-%m-%dT%H:%M:%S"), i))
with open("p.csv", "w") as f:
    f.write("order_id,customer_id,ordered_at,amount,currency,status\n")
    for i in range(1, 6000, 97):
        t = t0 + datetime.timedelta(hours=83 * (i * 7919 % 6000) + (i % 3))
        f.write("O%d,%s,%s,%d,KRW,%s\n" % (i, "moved" if i % 2 else "big",
                                           t.strftime("%Y-%m-%dT%H:%M:%S"), i,
                                           "refunded" if i % 3 == 0 else "paid"))
EOF2
	CRM_LEDGER_KB=1 crm-import -q orders o.csv
	CRM_LEDGER_KB=1 crm-import -q orders p.csv
	[ "$(q "SELECT orders FROM customer_figures WHERE customer_id = 'big'")" -gt 5000 ]
	[ "$(have)" = "$(want)" ]
	[ "$(times_have)" = "$(times_want)" ]
	# the same database as one import of the final orders gives
	after=$(q "SELECT * FROM customer_figures ORDER BY 1, 2")
	q "SELECT order_id, customer_id, ordered_at, amount, currency, status FROM orders" |
		{ echo order_id,customer_id,ordered_at,amount,currency,status; tr '|' ','; } >all.csv
	rm -f "$CRM_DB"*
	crm-import -q orders all.csv
	[ "$(q "SELECT * FROM customer_figures ORDER BY 1, 2")" = "$after" ]
}
