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
