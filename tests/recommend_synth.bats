#!/usr/bin/env bats
# crm-synth's planted tastes (--tastes, --products) and what crm-recommend
# finds in them: a customer whose history lies in one taste group is
# recommended that group's products first.  The tests read the planted
# tastes from crm-synth itself (taste_products, taste_customers), never
# from a copy of its formula.
load helpers

# The planted shop, made once: 4,000 orders with tastes, and its tastes.
setup_file() {
	local e
	cd "$BATS_FILE_TMPDIR" || return 1
	for e in customers orders order_items taste_products taste_customers; do
		crm-synth --orders 4000 --tastes "$e" >"$e.csv" || return 1
	done
}

# raw DB: the planted shop's CSV files as plain tables (sqlite3 .import),
# for the checks; and the tastes.
raw() {
	local e
	for e in orders order_items taste_products taste_customers; do
		sqlite3 "$1" ".mode csv" ".import $BATS_FILE_TMPDIR/$e.csv $e" || return 1
	done
}

# the planted shop imported into $CRM_DB
import_planted() {
	local e
	for e in customers order_items orders; do
		crm-import -q --tz UTC "$e" "$BATS_FILE_TMPDIR/$e.csv" || return 1
	done
}

@test "crm-synth: without --tastes and --products the output is the bundled shop, byte for byte" {
	for e in customers orders order_items tickets reviews responses; do
		crm-synth --orders 2000 --end 2026-11-15 "$e" >"$e.csv"
		cmp "$e.csv" "$BATS_TEST_DIRNAME/../data/$e.csv"
	done
	# --products 200 is the default catalogue
	crm-synth --orders 3000 --seed 9 --products 200 order_items >a.csv
	crm-synth --orders 3000 --seed 9 order_items >b.csv
	cmp a.csv b.csv
}

@test "crm-synth --products 20000: the 200 products, then numbered ones, the categories cycling" {
	crm-synth --products 20000 --tastes taste_products >p.csv
	crm-synth --tastes taste_products >p200.csv
	[ "$(wc -l <p.csv)" -eq 20001 ]
	sqlite3 t.db ".mode csv" ".import p.csv p"
	run sqlite3 t.db "SELECT count(DISTINCT sku), sum(product LIKE '%#' || (rowid) || '%'),
		count(DISTINCT category) FROM p; SELECT sku, category FROM p WHERE rowid IN (201, 202, 206, 20000)"
	assert_output "20000|19800|5
SKN-0201|스킨케어
MKP-0202|메이크업
SKN-0206|스킨케어
FRG-20000|향수"
	# the first 200 are the catalogue without --products
	diff <(head -n 201 p.csv | cut -d, -f1-3) <(cut -d, -f1-3 p200.csv)
	# orders of the large catalogue: amounts are their lines' sums, and
	# products past the 200th are sold
	crm-synth --orders 20000 --products 20000 orders >o.csv
	crm-synth --orders 20000 --products 20000 order_items >i.csv
	sqlite3 t.db ".mode csv" ".import o.csv o" ".import i.csv i"
	run sqlite3 t.db "SELECT count(*) FROM o JOIN (SELECT order_id, sum(quantity * unit_price) AS s,
		min(customer_id) AS c FROM i GROUP BY order_id) l USING (order_id)
		WHERE l.s = o.amount AND l.c = o.customer_id;
		SELECT count(DISTINCT sku) > 5000 FROM i WHERE CAST(substr(sku, 5) AS INTEGER) > 200"
	assert_output "20000
1"
}

@test "crm-synth --tastes: groups of 8 or more products of one category; each customer's staple a consumable of their group" {
	raw t.db
	run sqlite3 t.db "SELECT count(*), min(n), max(n), max(cats), min(cons) FROM (SELECT taste_group,
		count(*) AS n, count(DISTINCT category) AS cats, sum(cycle_days <> '') AS cons
		FROM taste_products GROUP BY taste_group);
		SELECT count(*), sum(cycle_days IN ('30', '60', '90')) FROM taste_products WHERE cycle_days <> '';
		SELECT count(*), sum(p.taste_group = c.taste_group AND p.cycle_days <> '')
		FROM taste_customers c JOIN taste_products p ON p.sku = c.staple_sku"
	# 20 groups of 8 to 19 (a rest under 8 joins the last group)
	assert_line --index 0 --regexp '^20\|([89]|1[0-9])\|([89]|1[0-9])\|1\|[1-9][0-9]*$'
	[[ ${lines[1]} =~ ^([0-9]+)\|([0-9]+)$ ]]
	[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
	assert_line --index 2 "1600|1600"
	# a pure function of the options: the same bytes again; the seed moves
	# the customers' tastes, not the products'
	crm-synth --orders 4000 --tastes taste_customers | cmp - "$BATS_FILE_TMPDIR/taste_customers.csv"
	crm-synth --orders 4000 --tastes --seed 2 taste_products | cmp - "$BATS_FILE_TMPDIR/taste_products.csv"
	! crm-synth --orders 4000 --tastes --seed 2 taste_customers | cmp -s - "$BATS_FILE_TMPDIR/taste_customers.csv"
}

@test "crm-synth --tastes: lines mostly from the buyer's group, the staple on most orders; who buys and when unchanged" {
	raw t.db
	# share of lines in the buyer's group; share of orders with the staple
	run sqlite3 t.db "SELECT sum(p.taste_group = c.taste_group) * 100 / count(*) >= 70
		FROM order_items i JOIN taste_customers c USING (customer_id) JOIN taste_products p USING (sku);
		SELECT sum(has) * 100 / count(*) BETWEEN 75 AND 85 FROM (SELECT max(i.sku = c.staple_sku) AS has
		FROM order_items i JOIN taste_customers c USING (customer_id) GROUP BY i.order_id)"
	assert_output "1
1"
	# the orders keep their customer, time, status and channel (not the amount)
	crm-synth --orders 4000 orders | cut -d, -f1-3,5- >plain.csv
	cut -d, -f1-3,5- "$BATS_FILE_TMPDIR/orders.csv" | cmp - plain.csv
	# and every entity agrees on an order's customer and amount
	run sqlite3 t.db "SELECT count(*) FROM orders o JOIN (SELECT order_id, min(customer_id) AS c,
		sum(quantity * unit_price) AS s FROM order_items GROUP BY order_id) l USING (order_id)
		WHERE l.c = o.customer_id AND l.s = o.amount"
	assert_output 4000
}

@test "crm-recommend on the planted shop: a customer whose history lies in taste group g gets group g's products first" {
	import_planted
	crm-recommend --tz UTC --as-of 2026-10-31 --top 5 >rec.csv
	raw t.db
	sqlite3 t.db ".mode csv" ".import rec.csv rec"
	# pure: customers with 2+ distinct paid products, all of their own group
	sqlite3 t.db "CREATE TABLE pure AS SELECT i.customer_id, c.taste_group AS g FROM order_items i
		JOIN orders o USING (order_id) JOIN taste_customers c ON c.customer_id = i.customer_id
		JOIN taste_products p ON p.sku = i.sku WHERE o.status = 'paid' GROUP BY i.customer_id
		HAVING count(DISTINCT i.sku) >= 2 AND min(p.taste_group = c.taste_group) = 1;
		CREATE TABLE top AS SELECT pure.customer_id, CAST(rec.rank AS INTEGER) AS rank,
		p.taste_group = pure.g AS ing FROM pure JOIN rec USING (customer_id)
		JOIN taste_products p ON p.sku = rec.sku"
	run sqlite3 t.db "SELECT count(*) >= 200, (SELECT count(DISTINCT customer_id) FROM top) = count(*)
		FROM pure"
	assert_output "1|1"
	# the first recommendation is in the group for 95% of them; 3 of the
	# 5 or more for 90%; 80% of all their recommendations
	run sqlite3 t.db "SELECT sum(ing) * 100 / count(*) >= 95 FROM top WHERE rank = 1;
		SELECT sum(n >= 3) * 100 / count(*) >= 90 FROM (SELECT sum(ing) AS n FROM top GROUP BY customer_id);
		SELECT sum(ing) * 100 / count(*) >= 80 FROM top"
	assert_output "1
1
1"
	# byte for byte the same again
	crm-recommend --tz UTC --as-of 2026-10-31 --top 5 | cmp - rec.csv
}

@test "crm-recommend --evaluate on the planted shop: hit rate at least 1.3x and precision above the popular products'" {
	import_planted
	run crm-recommend --tz UTC --evaluate --split 2026-09-01 --as-of 2026-10-31 --top 10 -t
	assert_success
	# method top customers hits hit_rate precision recall coverage
	[ "$(cut -f1 <<<"$output" | tr '\n' ' ')" = "method cosine popular ratio " ]
	local m p
	m=$(awk -F'\t' '$1 == "cosine"' <<<"$output")
	p=$(awk -F'\t' '$1 == "popular"' <<<"$output")
	awk -v m="$m" -v p="$p" 'BEGIN { split(m, a, "\t"); split(p, b, "\t")
		exit !(a[3] >= 50 && a[5] >= 1.3 * b[5] && a[6] > b[6]) }'
}

@test "crm-recommend: many small chunks (--top 1000: 81 customers each, written while the next is scored) give the rows in order" {
	import_planted
	crm-recommend --tz UTC --as-of 2026-10-31 --top 1000 -t >all.tsv
	crm-recommend --tz UTC --as-of 2026-10-31 --top 3 -t >top3.tsv
	# the first three ranks of each customer out of the long run are the short run's rows
	awk -F'\t' 'NR == 1 || $4 <= 3' all.tsv >cut.tsv
	[ "$(wc -l <top3.tsv)" -gt 1000 ]
	cmp top3.tsv cut.tsv
	# and a customer's rows are together, ranks 1, 2, 3, ... in order
	awk -F'\t' 'NR > 1 { if ($1 != last) { if ($4 != 1) exit 1; last = $1 } else if ($4 != prev + 1) exit 1; prev = $4 }' all.tsv
}
