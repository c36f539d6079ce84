#!/usr/bin/env bats
# crm-recommend --also-bought, --rules and --replenish through the command,
# on small shops imported with crm-import; every figure is worked out by
# hand in the comments.  (The arithmetic on histories built by hand, without
# a database, is in cooccur.bats.)
load helpers

# ---- a shop for --also-bought and --rules ------------------------------------
#
# Paid orders up to 2025-03-31 (SKUs A-1 Apple, B-1 Bread, C-1 Cheese,
# D-1 Dates, E-1 Eggs; G for a guest order):
#   o01 c1 03-01 A B C (and a POST line: no product)   o06 c3 03-07 B D
#   o02 c1 03-05 A B (and F-1 at price 0: no product)  o07 G  03-04 C D
#   o03 c2 03-02 A B                                   o08 G  03-08 A B D
#   o04 c2 03-06 A C                                   o09 c4 03-09 D
#   o05 c3 03-03 B C                                   o10 c4 03-10 E
# and what must not count: o11 c1 cancelled {A, E}, o12 c2 pending {A, D},
# o13 G refunded {A, C}, o14 c4's return of E (so c4 has no E: o10 holds no
# liked line), o15 a guest's return of A (no one's: drops nothing), and o16
# c3 on 2025-04-15 {A, B} (after --as-of 2025-03-31).
#
# Orders with a liked line: 9 (o10 has none).  n(A) 5, n(B) 6, n(C) 4,
# n(D) 4; A&B 4 (o01 o02 o03 o08), A&C 2 (o01 o04), A&D 1, B&C 2 (o01 o05),
# B&D 2 (o06 o08), C&D 1 (o07).
# Buyers: c1 {A B C}, c2 {A B C}, c3 {B C D}, c4 {D}, o07 {C D},
# o08 {A B D}: 6.  buyers(A) 3, buyers(B) 4, buyers(C) 4, buyers(D) 4.
shop() {
	csv customers.csv 'customer_id,email,name,marketing_opt_in' \
		'c1,ann@example.com,Ann,yes' 'c2,bo@example.com,Bo,no' \
		'c3,cy@example.com,Cy,yes' 'c4,di@example.com,Di,yes'
	local rows=(
		'o01,c1,2025-03-01,A-1,Apple,1,2.00,paid' 'o01,c1,2025-03-01,B-1,Bread,1,3.00,paid'
		'o01,c1,2025-03-01,C-1,Cheese,1,4.00,paid' 'o01,c1,2025-03-01,POST,Postage,1,5.00,paid'
		'o02,c1,2025-03-05,A-1,Apple,2,2.00,paid' 'o02,c1,2025-03-05,B-1,Bread,1,3.00,paid'
		'o02,c1,2025-03-05,F-1,Free gift,1,0.00,paid'
		'o03,c2,2025-03-02,A-1,Apple,1,2.00,paid' 'o03,c2,2025-03-02,B-1,Bread,1,3.00,paid'
		'o04,c2,2025-03-06,A-1,Apple,1,2.00,paid' 'o04,c2,2025-03-06,C-1,Cheese,1,4.00,paid'
		'o05,c3,2025-03-03,B-1,Bread,1,3.00,paid' 'o05,c3,2025-03-03,C-1,Cheese,1,4.00,paid'
		'o06,c3,2025-03-07,B-1,Bread,1,3.00,paid' 'o06,c3,2025-03-07,D-1,Dates,1,6.00,paid'
		'o07,,2025-03-04,C-1,Cheese,1,4.00,paid' 'o07,,2025-03-04,D-1,Dates,1,6.00,paid'
		'o08,,2025-03-08,A-1,Apple,1,2.00,paid' 'o08,,2025-03-08,B-1,Bread,1,3.00,paid'
		'o08,,2025-03-08,D-1,Dates,1,6.00,paid'
		'o09,c4,2025-03-09,D-1,Dates,1,6.00,paid'
		'o10,c4,2025-03-10,E-1,Eggs,1,1.00,paid'
		'o11,c1,2025-03-11,A-1,Apple,1,2.00,cancelled' 'o11,c1,2025-03-11,E-1,Eggs,1,1.00,cancelled'
		'o12,c2,2025-03-12,A-1,Apple,1,2.00,pending' 'o12,c2,2025-03-12,D-1,Dates,1,6.00,pending'
		'o13,,2025-03-13,A-1,Apple,1,2.00,refunded' 'o13,,2025-03-13,C-1,Cheese,1,4.00,refunded'
		'o14,c4,2025-03-14,E-1,Eggs,-1,1.00,paid'
		'o15,,2025-03-15,A-1,Apple,-1,2.00,paid'
		'o16,c3,2025-04-15,A-1,Apple,1,2.00,paid' 'o16,c3,2025-04-15,B-1,Bread,1,3.00,paid'
	)
	csv items.csv 'order_id,customer_id,ordered_at,sku,product,quantity,unit_price,status' \
		"${rows[@]}"
	crm-import -q customers customers.csv
	crm-import -q --currency USD order_items items.csv
}

@test "also-bought: buyers of both, support, confidence and lift, guests in, returns and unpaid orders out" {
	shop
	# B: c1 c2 o08 = 3: 3/6, 3/3, 1 / (4/6) = 1.5.
	# C: c1 c2 = 2: 2/6, 2/3, (2/3) / (4/6) = 1.
	# D: o08 = 1: 1/6, 1/3, (1/3) / (4/6) = 0.5.  E: nobody's (returned).
	run crm-recommend --also-bought A-1 --as-of 2025-03-31
	assert_success
	assert_output - <<-'OUT'
	rank,sku,product,buyers_both,support,confidence,lift
	1,B-1,Bread,3,0.500000,1.0000,1.5000
	2,C-1,Cheese,2,0.333333,0.6667,1.0000
	3,D-1,Dates,1,0.166667,0.3333,0.5000
	OUT
	# D's buyers c3 c4 o07 o08: B with c3 o08 (2/4, lift 0.5 / (4/6)
	# = 0.75), C with c3 o07 (0.75 too, after B by SKU), A with o08 (1/4,
	# (1/4) / (3/6) = 0.5).
	run crm-recommend --also-bought D-1 --as-of 2025-03-31
	assert_output - <<-'OUT'
	rank,sku,product,buyers_both,support,confidence,lift
	1,B-1,Bread,2,0.333333,0.5000,0.7500
	2,C-1,Cheese,2,0.333333,0.5000,0.7500
	3,A-1,Apple,1,0.166667,0.2500,0.5000
	OUT
}

@test "also-bought: --top, --exclude, --active-days, --as-of and today by default" {
	shop
	run crm-recommend --also-bought A-1 --as-of 2025-03-31 --top 1
	assert_output $'rank,sku,product,buyers_both,support,confidence,lift\n1,B-1,Bread,3,0.500000,1.0000,1.5000'
	printf '# never these\n\n  B-1 \nZZ-9\n' >exclude.txt
	run crm-recommend --also-bought A-1 --as-of 2025-03-31 --exclude exclude.txt
	assert_success
	assert_output - <<-'OUT'
	rank,sku,product,buyers_both,support,confidence,lift
	1,C-1,Cheese,2,0.333333,0.6667,1.0000
	2,D-1,Dates,1,0.166667,0.3333,0.5000
	OUT
	# The window ends 2025-04-01T00:00Z; 24 days before it is 03-08:
	# C-1, last sold 03-06, is not active; B-1 and D-1 (03-08, 03-09) are.
	run crm-recommend --also-bought A-1 --as-of 2025-03-31 --active-days 24
	assert_output - <<-'OUT'
	rank,sku,product,buyers_both,support,confidence,lift
	1,B-1,Bread,3,0.500000,1.0000,1.5000
	2,D-1,Dates,1,0.166667,0.3333,0.5000
	OUT
	# Up to 04-30, c3's o16 counts: buyers(A) 4 (c1 c2 c3 o08); B 4/4,
	# C 3/4 (lift 0.75 / (4/6) = 1.125), D 2/4 (0.75).
	run crm-recommend --also-bought A-1 --as-of 2025-04-30
	assert_output - <<-'OUT'
	rank,sku,product,buyers_both,support,confidence,lift
	1,B-1,Bread,4,0.666667,1.0000,1.5000
	2,C-1,Cheese,3,0.500000,0.7500,1.1250
	3,D-1,Dates,2,0.333333,0.5000,0.7500
	OUT
	want=$(crm-recommend --also-bought A-1 --as-of 2025-03-31)
	CRM_TEST_CLOCK=2025-03-31T23:00:00Z run crm-recommend --also-bought A-1
	assert_output "$want"
}

@test "also-bought: an unknown product, one not sold in the window, a non-product: exit 6" {
	shop
	for sku in NOPE-1 POST F-1 E-1; do
		run --separate-stderr crm-recommend --also-bought "$sku" --as-of 2025-03-31
		[ "$status" -eq 6 ] || fail "$sku: status $status"
		[ "$stderr" = "crm-recommend: unknown product '$sku'" ] || fail "$sku: $stderr"
		[ -z "$output" ] || fail "$sku: $output"
	done
	# A-1 before its first sale
	run --separate-stderr crm-recommend --also-bought A-1 --as-of 2025-02-28
	[ "$status" -eq 6 ]
	# The quote escapes what it shows
	run --separate-stderr crm-recommend --also-bought $'X\e[2J' --as-of 2025-03-31
	[ "$status" -eq 6 ]
	[ "$stderr" = "crm-recommend: unknown product 'X\\x1b[2J'" ]
}

@test "rules: support, confidence and lift over orders, by lift, support, A, B; defaults" {
	shop
	# 9 orders.  A->B 4/9, 4/5, 0.8 / (6/9) = 1.2; B->A 4/6, (4/6) / (5/9)
	# = 1.2.  A->C 2/9, 2/5, 0.4 / (4/9) = 0.9; C->A 2/4, 0.5 / (5/9) = 0.9.
	# B->C, B->D 2/6 / (4/9) = 0.75; C->B, D->B 2/4 / (6/9) = 0.75.
	# A&D and C&D: 1 order, below the 2 orders a rule needs (support 0.001
	# of 9 orders would let 1 through).  Confidence 1/3 passes 0.1.
	run crm-recommend --rules --as-of 2025-03-31
	assert_success
	assert_output - <<-'OUT'
	rank,if_sku,if_product,then_sku,then_product,orders_both,support,confidence,lift
	1,A-1,Apple,B-1,Bread,4,0.444444,0.8000,1.2000
	2,B-1,Bread,A-1,Apple,4,0.444444,0.6667,1.2000
	3,A-1,Apple,C-1,Cheese,2,0.222222,0.4000,0.9000
	4,C-1,Cheese,A-1,Apple,2,0.222222,0.5000,0.9000
	5,B-1,Bread,C-1,Cheese,2,0.222222,0.3333,0.7500
	6,B-1,Bread,D-1,Dates,2,0.222222,0.3333,0.7500
	7,C-1,Cheese,B-1,Bread,2,0.222222,0.5000,0.7500
	8,D-1,Dates,B-1,Bread,2,0.222222,0.5000,0.7500
	OUT
	run crm-recommend --rules --as-of 2025-03-31 --top 3
	[ "${#lines[@]}" -eq 4 ]
	assert_line --index 3 '3,A-1,Apple,C-1,Cheese,2,0.222222,0.4000,0.9000'
}

@test "rules: --min-support and --min-confidence filter, at their bounds too" {
	shop
	# 3 of 9 orders: only A&B (4) has them; 0.444444 is 4/9 rounded down,
	# and 4/9 >= 0.444444: still in; 0.45 is above it.
	for s in 0.3 0.444444; do
		run crm-recommend --rules --as-of 2025-03-31 --min-support "$s"
		assert_output - <<-'OUT'
		rank,if_sku,if_product,then_sku,then_product,orders_both,support,confidence,lift
		1,A-1,Apple,B-1,Bread,4,0.444444,0.8000,1.2000
		2,B-1,Bread,A-1,Apple,4,0.444444,0.6667,1.2000
		OUT
	done
	run crm-recommend --rules --as-of 2025-03-31 --min-support 0.45
	assert_output 'rank,if_sku,if_product,then_sku,then_product,orders_both,support,confidence,lift'
	# confidence 0.5 keeps 0.5 and drops 0.4 and 1/3.
	run crm-recommend --rules --as-of 2025-03-31 --min-confidence 0.5 -t
	assert_output - <<-'OUT'
	rank	if_sku	if_product	then_sku	then_product	orders_both	support	confidence	lift
	1	A-1	Apple	B-1	Bread	4	0.444444	0.8000	1.2000
	2	B-1	Bread	A-1	Apple	4	0.444444	0.6667	1.2000
	3	C-1	Cheese	A-1	Apple	2	0.222222	0.5000	0.9000
	4	C-1	Cheese	B-1	Bread	2	0.222222	0.5000	0.7500
	5	D-1	Dates	B-1	Bread	2	0.222222	0.5000	0.7500
	OUT
	run crm-recommend --rules --as-of 2025-03-31 --min-confidence 1
	[ "${#lines[@]}" -eq 1 ]
	# Support 0: still 2 orders at least.
	run crm-recommend --rules --as-of 2025-03-31 --min-support 0 --min-confidence 0
	[ "${#lines[@]}" -eq 9 ]
}

@test "rules: --exclude and inactive products in no rule, either side; --as-of" {
	shop
	echo C-1 >exclude.txt
	run crm-recommend --rules --as-of 2025-03-31 --exclude exclude.txt --format json
	assert_success
	assert_output - <<-'OUT'
	[
	  {"rank": 1, "if_sku": "A-1", "if_product": "Apple", "then_sku": "B-1", "then_product": "Bread", "orders_both": 4, "support": 0.444444, "confidence": 0.8000, "lift": 1.2000},
	  {"rank": 2, "if_sku": "B-1", "if_product": "Bread", "then_sku": "A-1", "then_product": "Apple", "orders_both": 4, "support": 0.444444, "confidence": 0.6667, "lift": 1.2000},
	  {"rank": 3, "if_sku": "B-1", "if_product": "Bread", "then_sku": "D-1", "then_product": "Dates", "orders_both": 2, "support": 0.222222, "confidence": 0.3333, "lift": 0.7500},
	  {"rank": 4, "if_sku": "D-1", "if_product": "Dates", "then_sku": "B-1", "then_product": "Bread", "orders_both": 2, "support": 0.222222, "confidence": 0.5000, "lift": 0.7500}
	]
	OUT
	# --active-days 24: C-1 (last sold 03-06) inactive, the same four rules.
	run crm-recommend --rules --as-of 2025-03-31 --active-days 24
	[ "${#lines[@]}" -eq 5 ]
	refute_output --partial C-1
	# Up to 04-30: o16 {A, B} makes 10 orders, A&B 5: 5/10, 5/6, (5/6) /
	# (7/10) = 1.190476.
	run crm-recommend --rules --as-of 2025-04-30 --top 1 --format text
	assert_output - <<-'OUT'
	rank  if_sku  if_product  then_sku  then_product  orders_both   support  confidence    lift
	   1  A-1     Apple       B-1       Bread                   5  0.500000      0.8333  1.1905
	OUT
	# Before any order: a header and nothing else.
	run crm-recommend --rules --as-of 2025-01-01
	assert_success
	assert_output 'rank,if_sku,if_product,then_sku,then_product,orders_both,support,confidence,lift'
}

@test "rules and also-bought: the same input gives the same bytes" {
	shop
	crm-recommend --rules --as-of 2025-03-31 --min-support 0 --min-confidence 0 >a
	crm-recommend --rules --as-of 2025-03-31 --min-support 0 --min-confidence 0 >b
	cmp a b
	crm-recommend --also-bought B-1 --as-of 2025-03-31 >a
	crm-recommend --also-bought B-1 --as-of 2025-03-31 >b
	cmp a b
}

@test "--exclude: a file that cannot be read, a SKU too long, a NUL byte" {
	shop
	run --separate-stderr crm-recommend --rules --as-of 2025-03-31 --exclude nosuch.txt
	[ "$status" -eq 3 ]
	[ "$stderr" = "crm-recommend: --exclude: nosuch.txt: No such file or directory" ]
	[ -z "$output" ]
	{ echo A-1; printf 'x%.0s' {1..256}; echo; } >long.txt
	run --separate-stderr crm-recommend --also-bought A-1 --as-of 2025-03-31 --exclude long.txt
	[ "$status" -eq 2 ]
	[ "${stderr%%\'x*}" = "crm-recommend: long.txt:2: " ]
	[ "${stderr##*\': }" = "a SKU is at most 255 bytes" ]
	printf 'A-\0001\n' >nul.txt
	run --separate-stderr crm-recommend --rules --as-of 2025-03-31 --exclude nul.txt
	[ "$status" -eq 2 ]
	[ "$stderr" = "crm-recommend: --exclude: nul.txt:1: column 3: NUL byte" ]
	# 255 bytes is a SKU (unknown here, so nothing is excluded).
	printf 'x%.0s' {1..255} >ok.txt
	run crm-recommend --also-bought A-1 --as-of 2025-03-31 --exclude ok.txt
	assert_success
	[ "${#lines[@]}" -eq 4 ]
}

# ---- a shop for --replenish ---------------------------------------------------
#
# Soap S-1 (each line its own order):
#   c1 01-01, 01-31, 03-02: intervals 30 30, own median 30
#   c2 01-10, 02-20: 41                   c3 01-05 twice (09:00, 18:00), 02-05: 31
#   c4 02-01 once                         c5 2024-12-01, 01-10, 02-19: 40 40, own 40
#   c6 2024-09-01 once (lapsed)           c7 03-15 once
#   c8 02-20, returned 02-25              c9 02-15, cancelled
#   a guest 03-01
# Repeat buyers c1 c2 c3 c5 (4 >= 3): a cycle; intervals 30 30 31 40 40 41,
# median (31 + 40) / 2 = 35.5, rounded up: 36.
# Tea T-1: c1 01-01, 02-01; c2 01-01, 01-15; c3 01-01: 2 repeat buyers, no
# cycle.
replenish_shop() {
	csv customers.csv 'customer_id,email,name,marketing_opt_in' \
		'c1,c1@example.com,Ann,yes' 'c2,c2@example.com,Bo,no' 'c3,c3@example.com,Cy,yes' \
		'c4,c4@example.com,Di,no' 'c5,c5@example.com,Ed,yes' 'c6,c6@example.com,Flo,yes' \
		'c7,c7@example.com,Gus,yes' 'c8,c8@example.com,Hal,yes' 'c9,c9@example.com,Ida,yes' \
		'c10,c10@example.com,Jo,yes'
	local rows=() n=0 l
	for l in 'c1 2025-01-01 S' 'c1 2025-01-31 S' 'c1 2025-03-02 S' 'c2 2025-01-10 S' \
		'c2 2025-02-20 S' 'c3 2025-01-05T09:00 S' 'c3 2025-01-05T18:00 S' 'c3 2025-02-05 S' \
		'c4 2025-02-01 S' 'c5 2024-12-01 S' 'c5 2025-01-10 S' 'c5 2025-02-19 S' \
		'c6 2024-09-01 S' "${C7_AT:-c7 2025-03-15} S" 'c8 2025-02-20 S' '- 2025-03-01 S' \
		'c1 2025-01-01 T' 'c1 2025-02-01 T' 'c2 2025-01-01 T' 'c2 2025-01-15 T' 'c3 2025-01-01 T'; do
		read -r who at what <<<"$l"
		[ "$who" = - ] && who=
		n=$((n + 1))
		rows+=("r$n,$who,$at,$what-1,$([ "$what" = S ] && echo Soap || echo Tea),1,5.00,paid")
	done
	rows+=('r90,c8,2025-02-25,S-1,Soap,-1,5.00,paid' 'r91,c9,2025-02-15,S-1,Soap,1,5.00,cancelled')
	csv items.csv 'order_id,customer_id,ordered_at,sku,product,quantity,unit_price,status' \
		"${rows[@]}"
	crm-import -q customers customers.csv
	crm-import -q --currency USD order_items items.csv
}

@test "replenish: own interval with 2+ of them, else the product's; due within 14 days by default" {
	replenish_shop
	# As of 03-20, due up to 04-03: c1 03-02 + 30 = 04-01; c2 02-20 + 36 =
	# 03-28; c3 02-05 + 36 = 03-13 (7 days over); c4 02-01 + 36 = 03-09;
	# c5 02-19 + 40 = 03-31.  c6 lapsed; c7 03-15 + 36 = 04-20, not yet; c8
	# returned it; c9's was cancelled; the guest is no one; tea has no cycle.
	run crm-recommend --replenish --as-of 2025-03-20
	assert_success
	assert_output - <<-'OUT'
	customer_id,email,name,sku,product,last_bought,interval_days,interval_from,due,overdue_days
	c1,c1@example.com,Ann,S-1,Soap,2025-03-02,30,own,2025-04-01,-12
	c2,c2@example.com,Bo,S-1,Soap,2025-02-20,36,product,2025-03-28,-8
	c3,c3@example.com,Cy,S-1,Soap,2025-02-05,36,product,2025-03-13,7
	c4,c4@example.com,Di,S-1,Soap,2025-02-01,36,product,2025-03-09,11
	c5,c5@example.com,Ed,S-1,Soap,2025-02-19,40,own,2025-03-31,-11
	OUT
	CRM_TEST_CLOCK=2025-03-20T08:00:00Z run crm-recommend --replenish
	assert_output --partial 'c5,c5@example.com,Ed,S-1,Soap,2025-02-19,40,own,2025-03-31,-11'
	[ "${#lines[@]}" -eq 6 ]
}

@test "replenish: --within N or Nd, its bound included; 0 for the overdue only" {
	replenish_shop
	# c7's due 04-20 is 31 days after 03-20.
	for w in 31 31d; do
		run crm-recommend --replenish --as-of 2025-03-20 --within "$w"
		assert_line --index 6 'c7,c7@example.com,Gus,S-1,Soap,2025-03-15,36,product,2025-04-20,-31'
	done
	run crm-recommend --replenish --as-of 2025-03-20 --within 30
	refute_output --partial c7
	run crm-recommend --replenish --as-of 2025-03-20 --within 0 -t
	assert_output - <<-'OUT'
	customer_id	email	name	sku	product	last_bought	interval_days	interval_from	due	overdue_days
	c3	c3@example.com	Cy	S-1	Soap	2025-02-05	36	product	2025-03-13	7
	c4	c4@example.com	Di	S-1	Soap	2025-02-01	36	product	2025-03-09	11
	OUT
}

@test "replenish: lapsed on the day last + 3 x interval; --as-of ignores later orders" {
	replenish_shop
	# c4: 02-01 + 108 days = 05-20.
	run crm-recommend --replenish --as-of 2025-05-19 --within 0
	assert_line --partial 'c4,c4@example.com,Di,S-1,Soap,2025-02-01,36,product,2025-03-09,71'
	run crm-recommend --replenish --as-of 2025-05-20 --within 0
	refute_output --partial c4
	# As of 03-01, c1's 03-02 and c7's 03-15 are not yet there: c1's own
	# intervals are one (30): the product's, over c2 c3 c5 (intervals 41 31
	# 40 40: 40); c1 01-31 + 40 = 03-12, due within 14 days.
	run crm-recommend --replenish --as-of 2025-03-01 --customer c1 --customer c7
	assert_output - <<-'OUT'
	customer_id,email,name,sku,product,last_bought,interval_days,interval_from,due,overdue_days
	c1,c1@example.com,Ann,S-1,Soap,2025-01-31,40,product,2025-03-12,-11
	OUT
}

@test "replenish: --customer, --opted-in, an unknown customer (exit 6), --active-days" {
	replenish_shop
	run crm-recommend --replenish --as-of 2025-03-20 --opted-in --format text
	assert_output - <<-'OUT'
	customer_id  email           name  sku  product  last_bought  interval_days  interval_from  due         overdue_days
	c1           c1@example.com  Ann   S-1  Soap     2025-03-02              30  own            2025-04-01           -12
	c3           c3@example.com  Cy    S-1  Soap     2025-02-05              36  product        2025-03-13             7
	c5           c5@example.com  Ed    S-1  Soap     2025-02-19              40  own            2025-03-31           -11
	OUT
	run crm-recommend --replenish --as-of 2025-03-20 --customer c4 --customer c2 --opted-in
	assert_output 'customer_id,email,name,sku,product,last_bought,interval_days,interval_from,due,overdue_days'
	run crm-recommend --replenish --as-of 2025-03-20 --customer c4 --customer c2
	[ "${#lines[@]}" -eq 3 ]
	assert_line --index 1 --partial 'c2,'
	assert_line --index 2 --partial 'c4,'
	# Known customers with nothing due (c6 lapsed, c10 never bought): none.
	run crm-recommend --replenish --as-of 2025-03-20 --customer c6 --customer c10
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	run --separate-stderr crm-recommend --replenish --as-of 2025-03-20 --customer c1 --customer nobody
	[ "$status" -eq 6 ]
	[ "$stderr" = "crm-recommend: unknown customer 'nobody'" ]
	[ -z "$output" ]
	# Soap last sold 03-15: inactive with --active-days 5 (from 03-16).
	run crm-recommend --replenish --as-of 2025-03-20 --active-days 5
	[ "${#lines[@]}" -eq 1 ]
}

@test "replenish: the customers of a CSV on standard input (crm-segment's output), as --customer" {
	replenish_shop
	printf 'segment,customer_id,email\nVIP,c4,c4@example.com\nVIP,c2,c2@example.com\n' >vip.csv
	run -0 crm-recommend --replenish --as-of 2025-03-20 --customer c4 --customer c2
	want=$output
	run -0 crm-recommend --replenish --as-of 2025-03-20 <vip.csv
	assert_output "$want"
	printf 'customer_id\nnobody\n' | { run --separate-stderr crm-recommend --replenish --as-of 2025-03-20
		[ "$status" -eq 6 ] && [ "$stderr" = "crm-recommend: unknown customer 'nobody'" ]; }
	printf 'customer_id\n""\n' >empty.csv
	run --separate-stderr crm-recommend --replenish --as-of 2025-03-20 <empty.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = "crm-recommend: stdin:2: column 'customer_id' is empty" ]
}

@test "replenish: days are local days of --tz" {
	C7_AT='c7 2025-03-15T20:00:00Z' replenish_shop
	run crm-recommend --replenish --as-of 2025-03-20 --within 31
	assert_line --index 6 'c7,c7@example.com,Gus,S-1,Soap,2025-03-15,36,product,2025-04-20,-31'
	# In Seoul (UTC+9) c7's 20:00Z on 03-15 is 03-16, and c3's 18:00Z on
	# 01-05 is 01-06: c3's days 01-05 01-06 02-05 give 1 and 30, own
	# median (1 + 30) / 2 = 15.5, 16.  The product's intervals: 1 30 30 30
	# 40 40 41, median 30.  c7: 03-16 + 30 = 04-15.
	run crm-recommend --tz Asia/Seoul --replenish --as-of 2025-03-20 --within 31
	assert_output - <<-'OUT'
	customer_id,email,name,sku,product,last_bought,interval_days,interval_from,due,overdue_days
	c1,c1@example.com,Ann,S-1,Soap,2025-03-02,30,own,2025-04-01,-12
	c2,c2@example.com,Bo,S-1,Soap,2025-02-20,30,product,2025-03-22,-2
	c3,c3@example.com,Cy,S-1,Soap,2025-02-05,16,own,2025-02-21,27
	c4,c4@example.com,Di,S-1,Soap,2025-02-01,30,product,2025-03-03,17
	c5,c5@example.com,Ed,S-1,Soap,2025-02-19,40,own,2025-03-31,-11
	c7,c7@example.com,Gus,S-1,Soap,2025-03-16,30,product,2025-04-15,-26
	OUT
}
