#!/usr/bin/env bats
# Money never overflows silently (issue 14, item 3): every sum of minor units
# is checked, at import (a line, an order's total, a customer's total) and in
# the readers (a database another tool wrote).
load helpers

MAX=92233720368547758.07   # INT64_MAX minor units of USD

# orders NAME ROWS...: an orders file NAME of these rows.
orders() { csv "$1" order_id,customer_id,ordered_at,amount,currency "${@:2}"; }

# import_both: o1.csv is imported, then o2.csv fails as bad data.
import_both() {
	crm-import -q orders o1.csv
	run crm-import orders o2.csv
	assert_failure 1
}

# items LINES...: import order lines (after their header) from i.csv.
items() {
	csv i.csv order_id,customer_id,ordered_at,sku,quantity,unit_price,currency "$@"
	run crm-import order_items i.csv
}

@test "money: an amount past 64 bits of minor units is refused with its line and column" {
	orders o.csv \
		O1,C1,2025-01-01,$MAX,USD O2,C2,2025-01-01,92233720368547758.08,USD \
		O3,C3,2025-01-01,-92233720368547758.08,USD
	run crm-import orders o.csv
	assert_failure 1
	assert_line "crm-import: o.csv:3: column 'amount': '92233720368547758.08' is too large"
	assert_line "crm-import: o.csv:4: column 'amount': '-92233720368547758.08' is too large"
	run q "SELECT order_id, amount FROM orders"
	assert_output "O1|9223372036854775807"
}

@test "money: quantity x unit price past 64 bits rejects the line, and its order is not written" {
	items I1,C1,2025-01-01,A,2,$MAX,USD I1,C1,2025-01-01,B,1,1.00,USD \
		I2,C1,2025-01-01,A,1,3.00,USD
	assert_failure 1
	assert_line "crm-import: i.csv:2: column 'unit_price': quantity x unit price overflows (more than 64 bits of minor units); order 'I1' is not written"
	assert_line "crm-import: order_items: 3 read, 2 inserted, 0 updated, 0 unchanged, 1 rejected"
	run q "SELECT order_id, amount FROM orders"
	assert_output "I2|300"
	run q "SELECT monetary FROM customer_figures"
	assert_output 300
}

@test "money: an order whose lines total past 64 bits is not written (no wrapped amount)" {
	items I1,C1,2025-01-01,A,1,$MAX,USD I1,C1,2025-01-01,B,1,1.00,USD \
		I2,C1,2025-01-01,A,1,2.00,USD
	assert_failure 1
	assert_line "crm-import: i.csv:3: column 'unit_price': the order's total overflows (more than 64 bits of minor units); order 'I1' is not written"
	run q "SELECT order_id, amount FROM orders"
	assert_output "I2|200"
	run q "SELECT order_id, line, unit_price FROM order_items ORDER BY 1, 2"
	assert_output $'I1|1|9223372036854775807\nI2|1|200'
}

@test "money: newest first, the order whose lines total past 64 bits is set aside with its lines and still not written" {
	items I3,C1,2025-01-03,A,1,3.00,USD I2,C1,2025-01-02,A,1,$MAX,USD \
		I2,C1,2025-01-02,B,1,1.00,USD I1,C1,2025-01-01,A,1,1.00,USD
	assert_failure 1
	assert_line "crm-import: i.csv:4: column 'unit_price': the order's total overflows (more than 64 bits of minor units); order 'I2' is not written"
	run q "SELECT order_id, amount FROM orders ORDER BY 1"
	assert_output $'I1|100\nI3|300'
	run q "SELECT order_id, line, unit_price FROM order_items ORDER BY 1, 2"
	assert_output $'I1|1|100\nI2|1|9223372036854775807\nI3|1|300'
}

@test "money: newest first, the last order's lines past 64 bits, set aside, are still written" {
	items I3,C1,2025-01-03,A,1,3.00,USD I2,C1,2025-01-02,A,1,2.00,USD \
		I1,C1,2025-01-01,A,1,$MAX,USD I1,C1,2025-01-01,B,1,1.00,USD
	assert_failure 1
	assert_line "crm-import: i.csv:5: column 'unit_price': the order's total overflows (more than 64 bits of minor units); order 'I1' is not written"
	run q "SELECT order_id, amount FROM orders ORDER BY 1"
	assert_output $'I2|200\nI3|300'
	run q "SELECT order_id, line, unit_price FROM order_items ORDER BY 1, 2"
	assert_output $'I1|1|9223372036854775807\nI2|1|200\nI3|1|300'
}

@test "money: an order split in the file whose lines total past 64 bits stops the import, named" {
	items I1,C1,2025-01-01,A,1,$MAX,USD I2,C2,2025-01-01,A,1,1.00,USD \
		I1,C1,2025-01-01,B,1,1.00,USD
	assert_failure 1
	assert_output "crm-import: i.csv: order 'I1': its lines, split in the file, total more than 64 bits of minor units
crm-import: nothing was imported"
	run q "SELECT count(*) FROM orders"
	assert_output 0
}

@test "money: two orders that take a customer's total past 64 bits stop the import, the customer named" {
	orders o.csv \
		O1,C1,2025-01-01,$MAX,USD O2,C1,2025-01-02,$MAX,USD
	run crm-import orders o.csv
	assert_failure 1
	assert_line "crm-import: o.csv:3: order 'O2': customer 'C1': the total of its USD orders would overflow (more than 64 bits of minor units)"
	assert_line "crm-import: nothing was imported"
	refute_output --partial -0.02
	run q "SELECT count(*) FROM orders; SELECT count(*) FROM customer_figures"
	assert_output $'0\n0'
}

@test "money: the order that overflows is named by its own file and line, rows and files after it" {
	# the ledger sums on its own thread, blocks of notes behind the rows:
	# the message still names the order that overflowed, not a later one
	{
		echo order_id,customer_id,ordered_at,amount,currency
		for i in $(seq 1 5000); do echo "A$i,D$i,2025-01-01,1.00,USD"; done
		echo "O1,C1,2025-01-01,$MAX,USD"
		echo "O2,C1,2025-01-02,0.01,USD"
		for i in $(seq 1 9000); do echo "B$i,E$i,2025-01-01,1.00,USD"; done
	} >o1.csv
	orders o2.csv O3,C3,2025-01-01,1.00,USD
	run crm-import orders o1.csv o2.csv
	assert_failure 1
	assert_output "crm-import: o1.csv:5003: order 'O2': customer 'C1': the total of its USD orders would overflow (more than 64 bits of minor units)
crm-import: nothing was imported"
	run q "SELECT count(*) FROM orders; SELECT count(*) FROM customer_figures"
	assert_output $'0\n0'
	# in the last rows of the first file, found before the second is read
	orders o3.csv O1,C1,2025-01-01,$MAX,USD O2,C1,2025-01-02,0.01,USD
	run crm-import orders o3.csv o2.csv
	assert_failure 1
	assert_line "crm-import: o3.csv:3: order 'O2': customer 'C1': the total of its USD orders would overflow (more than 64 bits of minor units)"
}

@test "money: an order that takes a stored customer total past 64 bits stops the import" {
	orders o1.csv O1,C1,2025-01-01,$MAX,USD
	orders o2.csv O2,C1,2025-01-02,0.01,USD
	import_both
	assert_line "crm-import: customer 'C1': the total of its USD orders would overflow (more than 64 bits of minor units)"
	run q "SELECT count(*), typeof(monetary), monetary FROM customer_figures"
	assert_output "1|integer|9223372036854775807"
}

@test "money: the ledger's merge of spilled figures checks the customer's total" {
	# a tiny ledger spills C1's first order to its file before the second comes
	{
		echo order_id,customer_id,ordered_at,amount,currency
		echo O0,C1,2025-01-01,$MAX,USD
		for i in $(seq 1 200); do echo "O$i,D$i,2025-01-01,1.00,USD"; done
		echo O999,C1,2025-01-02,$MAX,USD
	} >o.csv
	CRM_LEDGER_KB=1 run crm-import orders o.csv
	assert_failure 1
	assert_line --partial "customer 'C1': the total of its USD orders would overflow"
	run q "SELECT count(*) FROM orders"
	assert_output 0
}

@test "money: an updated order that takes its customer's total past 64 bits stops the import" {
	orders o1.csv \
		O1,C1,2025-01-01,$MAX,USD O2,C1,2025-01-02,0,USD
	orders o2.csv O2,C1,2025-01-02,1.00,USD
	import_both
	assert_line "crm-import: customer 'C1': the total of its USD orders would overflow (more than 64 bits of minor units)"
	run q "SELECT amount FROM orders WHERE order_id = 'O2'; SELECT monetary FROM customer_figures"
	assert_output $'0\n9223372036854775807'
}

# A database another tool wrote: two orders of INT64_MAX minor units for one
# customer, and its total as SQLite's + leaves it past 64 bits (a float).
overflowed_db() {
	orders o.csv \
		O1,C1,2025-01-01,1.00,USD O2,C1,2025-01-02,1.00,USD O3,C2,2025-02-01,1.00,USD
	crm-import -q orders o.csv
	q "UPDATE orders SET amount = 9223372036854775807 WHERE customer_id = 'C1';
	   UPDATE customer_stats SET monetary = 9223372036854775807 + 9223372036854775807"
}

@test "money: segment on a customer total past 64 bits says so, exit 1, no wrapped figure" {
	overflowed_db
	run crm-segment
	assert_failure 1
	assert_output "crm-segment: $CRM_DB: monetary: a customer's total is not a whole number of minor units (a sum past 64 bits?)"
	# an as-of day before C2's order sums the orders themselves
	run crm-segment --as-of 2025-01-15
	assert_failure 1
	assert_output --partial "crm-segment: $CRM_DB: monetary: a sum of amounts does not fit in 64 bits"
	refute_output --partial "integer overflow"
}

@test "money: report on orders whose revenue passes 64 bits says so, exit 1" {
	overflowed_db
	run crm-report --period 2025-01
	assert_failure 1
	assert_output "crm-report: $CRM_DB: revenue: a sum of amounts does not fit in 64 bits (the database holds orders that crm-import refuses)"
}

@test "money: a revenue of INT64_MAX minor units is printed as it is, not wrapped" {
	orders o.csv O1,C1,2025-01-01,$MAX,USD
	crm-import -q orders o.csv
	run crm-report --period 2025-01 --format text
	assert_success
	refute_output --partial "-92,233,720,368,547,758"
	assert_output --partial "92,233,720,368,547,758.07 USD"
}

@test "money: segment on a stream rejects the order that takes a customer's total past 64 bits" {
	orders st.csv \
		O1,C1,2025-01-01,$MAX,USD O2,C1,2025-01-02,$MAX,USD O3,C2,2025-01-02,1.00,USD
	run crm-segment --as-of 2025-02-01 st.csv
	assert_failure 1
	assert_line "crm-segment: st.csv:3: column 'amount': customer 'C1': the total of its USD orders would overflow (more than 64 bits of minor units)"
	assert_line --partial "C1,,,31,1,92233720368547758.07,USD,"
	refute_output --partial -0.02
}
