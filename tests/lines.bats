#!/usr/bin/env bats
# Orders and their lines: an order's amount from an orders (or payments) file
# is kept when its lines come after it, the lines' total beside it
# (orders.lines_total, amount_from_lines); the differences are reported in
# one count line and a few examples; a file without a quantity column has a
# row per unit.
load helpers

orders_file() {
	csv orders.csv 'order_id,customer_id,ordered_at,amount,currency' \
		'A,C1,2025-01-01,120.00,USD' 'B,C1,2025-01-02,50.00,USD'
}

items_file() {
	csv items.csv 'order_id,ordered_at,sku,quantity,unit_price,currency' \
		'A,2025-01-01,s1,2,50.00,USD' 'B,2025-01-02,s1,1,50.00,USD' \
		'N,2025-01-03,s2,3,10.00,USD'
}

@test "lines: lines after an orders file keep its amounts, with their total beside, and say where they differ" {
	orders_file
	items_file
	crm-import -q orders orders.csv
	run --separate-stderr crm-import order_items items.csv
	assert_success
	want=(
		"crm-import: order_items: 1 order's lines total differs from its amount, which is kept:"
		"crm-import: items.csv:2: order 'A': amount 120.00 USD, lines total 100.00 USD"
		"crm-import: order_items: 3 read, 3 inserted, 0 updated, 0 unchanged, 0 rejected"
		"crm-import: orders: 1 inserted, 2 updated, 0 unchanged; 0 cancelled, 3 guest, 0 return lines"
	)
	[ "$stderr" = "$(printf '%s\n' "${want[@]}")" ] || fail "stderr: $stderr"
	run q "SELECT order_id, amount, lines_total, amount_from_lines FROM orders ORDER BY 1"
	assert_output $'A|12000|10000|0\nB|5000|5000|0\nN|3000|3000|1'
	# the customer's figures follow the amounts kept, not the lines
	run q "SELECT customer_id, orders, monetary FROM customer_figures"
	assert_output 'C1|2|17000'
}

@test "lines: the same lines again change nothing, and the difference is still said" {
	orders_file
	items_file
	crm-import -q orders orders.csv
	crm-import -q order_items items.csv
	before=$(q "SELECT * FROM orders ORDER BY 1; SELECT * FROM customer_figures")
	run crm-import order_items items.csv
	assert_success
	assert_line --index 0 "crm-import: order_items: 1 order's lines total differs from its amount, which is kept:"
	assert_line --index 2 "crm-import: order_items: 3 read, 0 inserted, 0 updated, 3 unchanged, 0 rejected"
	assert_line --index 3 "crm-import: orders: 0 inserted, 0 updated, 3 unchanged; 0 cancelled, 3 guest, 0 return lines"
	[ "$(q "SELECT * FROM orders ORDER BY 1; SELECT * FROM customer_figures")" = "$before" ]
	# -q says nothing when all goes well, but the difference is no success to hush
	run crm-import -q order_items items.csv
	assert_success
	assert_output $'crm-import: order_items: 1 order\'s lines total differs from its amount, which is kept:\ncrm-import: items.csv:2: order \'A\': amount 120.00 USD, lines total 100.00 USD'
}

@test "lines: an orders file after the lines sets the amount, which later lines keep" {
	orders_file
	items_file
	crm-import -q order_items items.csv
	run q "SELECT order_id, amount, lines_total, amount_from_lines FROM orders ORDER BY 1"
	assert_output $'A|10000|10000|1\nB|5000|5000|1\nN|3000|3000|1'
	run crm-import orders orders.csv
	assert_success
	assert_line --index 0 "crm-import: orders: 2 read, 0 inserted, 2 updated, 0 unchanged, 0 rejected"
	run q "SELECT order_id, amount, lines_total, amount_from_lines FROM orders ORDER BY 1"
	assert_output $'A|12000|10000|0\nB|5000|5000|0\nN|3000|3000|1'
	run q "SELECT customer_id, orders, monetary FROM customer_figures"
	assert_output 'C1|2|17000'
	# the same orders again: unchanged
	run crm-import orders orders.csv
	assert_line --index 0 "crm-import: orders: 2 read, 0 inserted, 0 updated, 2 unchanged, 0 rejected"
	# corrected lines: their total follows, the amount stays
	csv items.csv 'order_id,ordered_at,sku,quantity,unit_price,currency' 'A,2025-01-01,s1,2,55.00,USD'
	run crm-import order_items items.csv
	assert_success
	assert_line --index 0 "crm-import: order_items: 1 order's lines total differs from its amount, which is kept:"
	assert_line --index 1 "crm-import: items.csv:2: order 'A': amount 120.00 USD, lines total 110.00 USD"
	run q "SELECT amount, lines_total, amount_from_lines FROM orders WHERE order_id='A'"
	assert_output '12000|11000|0'
}

@test "lines: an order only lines make has their total, returns taken off, split or not" {
	csv items.csv 'order_id,ordered_at,sku,quantity,unit_price' \
		'A,2025-01-01,s1,3,1000' 'A,2025-01-01,s2,-1,500' 'B,2025-01-02,s1,1,700' \
		'A,2025-01-01,s3,1,100'
	run crm-import --currency KRW order_items items.csv
	assert_success
	assert_line --index 1 "crm-import: orders: 2 inserted, 0 updated, 0 unchanged; 0 cancelled, 2 guest, 1 return lines"
	run q "SELECT order_id, amount, lines_total, amount_from_lines FROM orders ORDER BY 1"
	assert_output $'A|2600|2600|1\nB|700|700|1'
	run crm-import --currency KRW order_items items.csv
	assert_line --index 0 "crm-import: order_items: 4 read, 0 inserted, 0 updated, 4 unchanged, 0 rejected"
	run q "SELECT order_id, amount, lines_total, amount_from_lines FROM orders ORDER BY 1"
	assert_output $'A|2600|2600|1\nB|700|700|1'
}

@test "lines: an order split in the file keeps its amount, its lines summed beside it" {
	csv orders.csv 'order_id,ordered_at,amount,currency' 'A,2025-01-01,5000,KRW' 'B,2025-01-02,700,KRW'
	csv items.csv 'order_id,ordered_at,sku,quantity,unit_price,currency' \
		'A,2025-01-01,s1,3,1000,KRW' 'B,2025-01-02,s1,1,700,KRW' 'A,2025-01-01,s3,1,100,KRW'
	crm-import -q orders orders.csv
	run crm-import order_items items.csv
	assert_success
	assert_line --index 0 "crm-import: order_items: 1 order's lines total differs from its amount, which is kept:"
	assert_line --index 1 "crm-import: items.csv:2: order 'A': amount 5000 KRW, lines total 3100 KRW"
	run q "SELECT order_id, amount, lines_total, amount_from_lines FROM orders ORDER BY 1"
	assert_output $'A|5000|3100|0\nB|700|700|0'
}

@test "lines: many differences make one count line and the first five, in file order, across files" {
	rows=('order_id,ordered_at,amount' ) a=('order_id,ordered_at,quantity,unit_price') b=("${a[0]}")
	for i in 1 2 3 4 5 6 7; do
		rows+=("O$i,2025-01-0$i,1000")
		[ "$i" -le 4 ] && a+=("O$i,2025-01-0$i,1,$((100 * i))") || b+=("O$i,2025-01-0$i,3,$((100 * i))")
	done
	a+=('N,2025-01-09,1,1')
	csv orders.csv "${rows[@]}"
	csv a.csv "${a[@]}"
	csv b.csv "${b[@]}"
	crm-import -q --currency KRW orders orders.csv
	run --separate-stderr crm-import -q --currency KRW order_items b.csv a.csv
	assert_success
	want=(
		"crm-import: order_items: 7 orders' lines totals differ from their amounts, which are kept (crm-import(1) shows how to list them all); the first 5:"
		"crm-import: b.csv:2: order 'O5': amount 1000 KRW, lines total 1500 KRW"
		"crm-import: b.csv:3: order 'O6': amount 1000 KRW, lines total 1800 KRW"
		"crm-import: b.csv:4: order 'O7': amount 1000 KRW, lines total 2100 KRW"
		"crm-import: a.csv:2: order 'O1': amount 1000 KRW, lines total 100 KRW"
		"crm-import: a.csv:3: order 'O2': amount 1000 KRW, lines total 200 KRW"
	)
	[ "$stderr" = "$(printf '%s\n' "${want[@]}")" ] || fail "stderr: $stderr"
	# the man page's query lists them all
	run q "SELECT order_id, amount, lines_total, currency FROM orders WHERE NOT amount_from_lines AND lines_total <> amount ORDER BY order_id"
	assert_equal "$(echo "$output" | wc -l)" 7
}

@test "lines: lines in another currency than the order's kept amount are a difference" {
	csv orders.csv 'order_id,ordered_at,amount,currency' 'A,2025-01-01,100.00,USD'
	csv items.csv 'order_id,ordered_at,quantity,unit_price,currency' 'A,2025-01-01,1,100.00,EUR'
	crm-import -q orders orders.csv
	run crm-import order_items items.csv
	assert_success
	assert_line --index 1 "crm-import: items.csv:2: order 'A': amount 100.00 USD, lines total 100.00 EUR"
	run q "SELECT amount, currency, lines_total FROM orders"
	assert_output '10000|USD|10000'
}

@test "lines: a dry run says the differences too, and writes nothing" {
	orders_file
	items_file
	crm-import -q orders orders.csv
	run crm-import --dry-run order_items items.csv
	assert_success
	assert_line --index 1 "crm-import: items.csv:2: order 'A': amount 120.00 USD, lines total 100.00 USD"
	run q "SELECT count(*) FROM orders WHERE lines_total IS NOT NULL"
	assert_output 0
}

@test "quantity: without a quantity column each row is one unit, said once unless -q" {
	csv items.csv 'InvoiceNo,InvoiceDate,StockCode,Item Seq,UnitPrice' \
		'536365,12/1/2010 8:26,85123A,1,2.55' '536365,12/1/2010 8:26,85123A,2,2.55' \
		'536365,12/1/2010 8:26,71053,3,3.39'
	run crm-import --currency GBP order_items items.csv
	assert_success
	assert_line --index 0 "crm-import: items.csv: ignored columns: 'Item Seq'"
	assert_line --index 1 "crm-import: items.csv:1: no quantity column: each row is one unit (quantity 1)"
	assert_line --index 2 "crm-import: order_items: 3 read, 3 inserted, 0 updated, 0 unchanged, 0 rejected"
	run q "SELECT line, sku, quantity, unit_price FROM order_items ORDER BY line; SELECT amount, lines_total FROM orders"
	assert_output $'1|85123A|1|255\n2|85123A|1|255\n3|71053|1|339\n849|849'
	run crm-import -q --currency GBP order_items items.csv
	assert_success
	assert_output ''
}

@test "quantity: --columns shows it is not required; an empty quantity cell is still refused" {
	run crm-import --columns order_items
	assert_success
	assert_line --partial 'quantity,no,"qty '
	csv items.csv 'order_id,ordered_at,quantity,unit_price' 'A,2025-01-01,,100' 'A,2025-01-01,2,100'
	run crm-import --currency KRW order_items items.csv
	assert_failure 1
	assert_line --index 0 "crm-import: items.csv:2: column 'quantity' is empty"
	assert_line --index 1 "crm-import: order_items: 2 read, 1 inserted, 0 updated, 0 unchanged, 1 rejected"
}

@test "lines: an orders file of many rows after the lines (written 64 at a time) takes the amounts over" {
	items=('order_id,ordered_at,quantity,unit_price') orders=('order_id,ordered_at,amount')
	for i in $(seq 100 169); do
		items+=("O$i,2025-01-01,2,$i")
		orders+=("O$i,2025-01-01,$((2 * i))")   # the lines' total, but now the file's
	done
	csv items.csv "${items[@]}"
	csv orders.csv "${orders[@]}"
	crm-import -q --currency KRW order_items items.csv
	[ "$(q 'SELECT count(*) FROM orders WHERE amount_from_lines')" -eq 70 ]
	run crm-import --currency KRW orders orders.csv
	assert_line --index 0 "crm-import: orders: 70 read, 0 inserted, 70 updated, 0 unchanged, 0 rejected"
	run q "SELECT count(*), sum(amount = lines_total) FROM orders WHERE NOT amount_from_lines"
	assert_output '70|70'
	run crm-import --currency KRW orders orders.csv
	assert_line --index 0 "crm-import: orders: 70 read, 0 inserted, 0 updated, 70 unchanged, 0 rejected"
	run crm-import --currency KRW order_items items.csv
	assert_success
	assert_output $'crm-import: order_items: 70 read, 0 inserted, 0 updated, 70 unchanged, 0 rejected\ncrm-import: orders: 0 inserted, 0 updated, 70 unchanged; 0 cancelled, 70 guest, 0 return lines'
}
