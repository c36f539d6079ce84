#!/usr/bin/env bats
# The customers' figures a later import changes are kept apart, in
# customer_stats_changed, until they are folded into customer_stats
# (lib/figures.h): every reader sees a changed row over its stale one, a
# key marked dead (orders 0) nowhere, and the same figures as before.
load helpers

# Everything the readers of figures print: RFM by customer (in halves) and
# summed, the report's customers (activity.c), the detractors' and the
# waiting reviews' last orders (survey.c, feedback_triage.c).
readers() {
	crm-segment --tz Asia/Seoul --as-of 2026-11-16
	crm-segment --tz Asia/Seoul --as-of 2026-11-16 --summary
	crm-nps --detractors --tz Asia/Seoul
	crm-feedback --tz Asia/Seoul triage --as-of 2026-11-16
	crm-report --tz Asia/Seoul --as-of 2026-11-16 --format json
}

@test "figures apart: every reader takes a changed row over its stale one, and a dead key nowhere" {
	import_sample
	readers >want
	[ "$(grep -c . want)" -gt 600 ] || fail "nothing to compare"
	sums=$(q 'SELECT count(*), sum(monetary), sum(last_unix) FROM customer_stats')
	# a third of the keys changed (their stale rows made wrong), a tenth in
	# customer_stats_changed alone; a customer with orders marked dead, and
	# a dead key with no row at all
	q "INSERT INTO customer_stats_changed SELECT * FROM customer_stats
	     WHERE substr(customer_id, -1) IN ('0', '3', '6', '9');
	   UPDATE customer_stats SET orders = orders + 7, monetary = 1, first_unix = 0,
	     last_unix = last_unix + 86400 WHERE substr(customer_id, -1) IN ('0', '3', '6', '9');
	   INSERT INTO customer_stats_changed SELECT * FROM customer_stats WHERE customer_id LIKE '%5';
	   DELETE FROM customer_stats WHERE customer_id LIKE '%5';
	   INSERT INTO customer_stats SELECT 'C9999999', currency, first_unix, last_unix, orders,
	     monetary, times FROM customer_stats WHERE customer_id = 'C0000001';
	   INSERT INTO customer_stats_changed VALUES ('C9999999', 'KRW', 0, 0, 0, 0, x''),
	     ('C0000000', 'KRW', 0, 0, 0, 0, x'')"
	[ "$(q 'SELECT count(*) FROM customer_stats_changed')" -gt 200 ]
	readers >got
	diff -u want got || fail "a reader read a stale or dead row"
	# and so does the view, for sqlite3
	[ "$(q 'SELECT count(*), sum(monetary), sum(last_unix) FROM customer_figures')" = "$sums" ]
}

@test "figures apart: a customer whose last order is refunded is dead apart, and alive again with a new one" {
	csv o.csv order_id,customer_id,ordered_at,amount,currency,status A1,c1,2026-01-05,1000,KRW,paid \
		A2,c2,2026-01-06,500,KRW,paid A3,c2,2026-01-07,700,USD,paid A4,c3,2026-01-08,900,KRW,paid
	crm-import -q orders o.csv
	# c2's USD order and c3's only order refunded: both keys dead, apart
	csv r.csv order_id,customer_id,ordered_at,amount,currency,status A3,c2,2026-01-07,700,USD,refunded \
		A4,c3,2026-01-08,900,KRW,refunded
	crm-import -q orders r.csv
	run q "SELECT customer_id, currency, orders, monetary FROM customer_stats_changed ORDER BY 1, 2"
	assert_output $'c2|USD|0|0\nc3|KRW|0|0'
	run q "SELECT customer_id, currency, orders, monetary FROM customer_figures ORDER BY 1, 2"
	assert_output $'c1|KRW|1|1000\nc2|KRW|1|500'
	run crm-segment --as-of 2026-02-01 --currency KRW
	refute_output --partial c3
	# a new order brings c3 back, apart, with that order alone
	csv n.csv order_id,customer_id,ordered_at,amount,currency A5,c3,2026-01-20,300,KRW
	crm-import -q orders n.csv
	run q "SELECT customer_id, orders, monetary, first_unix = unixepoch('2026-01-20') FROM customer_figures
	       WHERE customer_id = 'c3'"
	assert_output 'c3|1|300|1'
	run crm-segment --as-of 2026-02-01 --currency KRW
	assert_line --partial 'c3,'
	# as a fresh import of the same orders has them
	q "SELECT customer_id, currency, first_unix, last_unix, orders, monetary, hex(times)
	   FROM customer_figures ORDER BY 1, 2" >got
	rm -f "$CRM_DB"
	csv all.csv order_id,customer_id,ordered_at,amount,currency,status A1,c1,2026-01-05,1000,KRW,paid \
		A2,c2,2026-01-06,500,KRW,paid A3,c2,2026-01-07,700,USD,refunded \
		A4,c3,2026-01-08,900,KRW,refunded A5,c3,2026-01-20,300,KRW,paid
	crm-import -q orders all.csv
	q "SELECT customer_id, currency, first_unix, last_unix, orders, monetary, hex(times)
	   FROM customer_stats ORDER BY 1, 2" >want
	diff -u want got
}
