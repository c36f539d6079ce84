#!/usr/bin/env bats
# crm-recommend: recommendations and their evaluation (crm-recommend(1)).
#
# The tiny shop of shop() and its figures, worked by hand (as of
# 2026-10-31, UTC; the window ends 2026-11-01T00:00:00Z):
#   buyers    P-1 Soap  P-2 Shampoo  P-3 Lotion  P-4 Cream  P-5 Old
#   a         x         x
#   b         x                      x
#   c                   x            x
#   guest G1  x         x                        x
#   e                                            x          x (2026-01-01)
#   |B(i)|    3         3            2           2          1
# sim(1,2) = 2/sqrt(3*3) = 0.666667; sim(1,3) = sim(1,4) = sim(2,3) =
# sim(2,4) = 1/sqrt(3*2) = 0.408248; sim(3,4) = 0; sim(4,5) = 1/sqrt(2).
# P-5 was last sold 2026-01-01, more than 90 days before: inactive.
# Popular in the 28 days from 2026-10-04: P-4 (G1, e) 2, P-1 1, P-2 1.
load helpers

shop() {
	csv customers.csv 'customer_id,email,name,marketing_opt_in' \
		'a,a@example.com,Ann,1' 'b,b@example.com,Bob,0' 'c,c@example.com,Cy,1' \
		'd,d@example.com,Dee,1' 'e,e@example.com,Eve,1'
	csv items.csv 'order_id,customer_id,ordered_at,sku,product,category,quantity,unit_price,status' \
		'A1,a,2026-10-01 10:00,P-1,Soap,bath,1,500,paid' \
		'A1,a,2026-10-01 10:00,P-2,Shampoo,hair,1,800,paid' \
		'B1,b,2026-10-02 10:00,P-1,Soap,bath,2,500,paid' \
		'B1,b,2026-10-02 10:00,P-3,Lotion,body,1,900,paid' \
		'C1,c,2026-10-03 10:00,P-2,Shampoo,hair,1,800,paid' \
		'C1,c,2026-10-03 10:00,P-3,Lotion,body,1,900,paid' \
		'G1,,2026-10-10 10:00,P-1,Soap,bath,1,500,paid' \
		'G1,,2026-10-10 10:00,P-2,Shampoo,hair,1,800,paid' \
		'G1,,2026-10-10 10:00,P-4,Cream,body,1,1200,paid' \
		'E0,e,2026-01-01 10:00,P-5,Old,misc,1,300,paid' \
		'E1,e,2026-10-20 10:00,P-4,Cream,body,1,1200,paid'
	crm-import -q customers customers.csv
	crm-import -q --currency KRW order_items items.csv
}

# more LINES...: import more order lines (same header as shop's).
more() {
	csv more.csv 'order_id,customer_id,ordered_at,sku,product,category,quantity,unit_price,status' "$@"
	crm-import -q --currency KRW order_items more.csv
}

R() { crm-recommend --as-of 2026-10-31 "$@"; }

HEAD=customer_id,email,name,rank,sku,product,score,reason

@test "recommend: every customer with a purchase, scores and reasons as worked by hand" {
	shop
	run R
	assert_success
	assert_output "$HEAD
a,a@example.com,Ann,1,P-3,Lotion,0.816497,bought P-1 Soap
a,a@example.com,Ann,2,P-4,Cream,0.816497,bought P-1 Soap
b,b@example.com,Bob,1,P-2,Shampoo,1.074915,bought P-1 Soap
b,b@example.com,Bob,2,P-4,Cream,0.408248,bought P-1 Soap
c,c@example.com,Cy,1,P-1,Soap,1.074915,bought P-2 Shampoo
c,c@example.com,Cy,2,P-4,Cream,0.408248,bought P-2 Shampoo
e,e@example.com,Eve,1,P-1,Soap,0.408248,bought P-4 Cream
e,e@example.com,Eve,2,P-2,Shampoo,0.408248,bought P-4 Cream"
}

@test "recommend: --top, --customer in the order given, a cold start gets the popular products" {
	shop
	run R --top 1 --customer d --customer b
	assert_success
	assert_output "$HEAD
d,d@example.com,Dee,1,P-4,Cream,2,popular in the last 4 weeks
b,b@example.com,Bob,1,P-2,Shampoo,1.074915,bought P-1 Soap"
	run R --customer d
	assert_output "$HEAD
d,d@example.com,Dee,1,P-4,Cream,2,popular in the last 4 weeks
d,d@example.com,Dee,2,P-1,Soap,1,popular in the last 4 weeks
d,d@example.com,Dee,3,P-2,Shampoo,1,popular in the last 4 weeks"
}

@test "recommend: an unknown customer is exit 6, said before any output" {
	shop
	run R --customer a --customer zz
	assert_failure 6
	assert_output "crm-recommend: unknown customer 'zz'"
}

@test "recommend: --opted-in lists only customers with marketing_opt_in 1" {
	shop
	run R --opted-in --top 1
	assert_success
	assert_output "$HEAD
a,a@example.com,Ann,1,P-3,Lotion,0.816497,bought P-1 Soap
c,c@example.com,Cy,1,P-1,Soap,1.074915,bought P-2 Shampoo
e,e@example.com,Eve,1,P-1,Soap,0.408248,bought P-4 Cream"
}

@test "recommend: customers known only by their orders, between others, have empty contacts" {
	shop
	# "b0" sorts between b and c, "z" after everyone: the order lines make
	# them customers without an e-mail or a name; the contacts are matched
	# to the buyers in id order
	more 'X1,b0,2026-10-05 10:00,P-1,Soap,bath,1,500,paid' \
		'X2,z,2026-10-06 10:00,P-2,Shampoo,hair,1,800,paid'
	run R --top 1
	assert_success
	assert_line --index 2 --regexp '^b,b@example.com,Bob,1,'
	assert_line --index 3 --regexp '^b0,,,1,P-'
	assert_line --index 4 --regexp '^c,c@example.com,Cy,1,'
	assert_line --index 6 --regexp '^z,,,1,P-'
	run R --opted-in --top 1
	refute_output --partial 'b0,'
	refute_output --partial 'z,'
}

@test "recommend: --active-days makes an old product active again" {
	shop
	run R --customer e --top 5 --active-days 400
	assert_success
	assert_output "$HEAD
e,e@example.com,Eve,1,P-1,Soap,0.408248,bought P-4 Cream
e,e@example.com,Eve,2,P-2,Shampoo,0.408248,bought P-4 Cream"
	# P-5 is e's own: still not listed; a of P-1 buys nothing of P-5's
	# x buys P-1 and P-5 (2026-03-01, more than 90 days before): P-1 has 4
	# buyers, P-5 2; a gets P-5 only when it is active
	more 'X1,x,2026-03-01 10:00,P-1,Soap,bath,1,500,paid' 'X1,x,2026-03-01 10:00,P-5,Old,misc,1,300,paid'
	run R --customer a --active-days 400
	assert_output "$HEAD
a,a@example.com,Ann,1,P-3,Lotion,0.761802,bought P-2 Shampoo
a,a@example.com,Ann,2,P-4,Cream,0.761802,bought P-2 Shampoo
a,a@example.com,Ann,3,P-5,Old,0.353553,bought P-1 Soap"
	run R --customer a
	refute_line --partial P-5
}

@test "recommend: --exclude FILE (blank lines, comments, unknown SKUs) is never recommended" {
	shop
	printf '# out of stock\n\n  P-3  \nNOPE-1\n' >ex.txt
	run R --customer a --exclude ex.txt
	assert_success
	assert_output "$HEAD
a,a@example.com,Ann,1,P-4,Cream,0.816497,bought P-1 Soap"
}

@test "recommend: a bad --exclude line is named by file and line, exit 2" {
	shop
	printf 'P-3\nP-\t4\n' >ex.txt
	run R --exclude ex.txt
	assert_failure 2
	assert_output "crm-recommend: ex.txt:2: 'P-\\t4': a SKU holds no control character"
	printf 'P-3\n%0300d\n' 0 >ex.txt
	run R --exclude ex.txt
	assert_failure 2
	assert_output --partial "crm-recommend: ex.txt:2: '000"
	assert_output --partial ": a SKU is at most 255 bytes"
	run R --exclude missing.txt
	assert_failure 3
	assert_output "crm-recommend: --exclude: missing.txt: No such file or directory"
}

@test "recommend: non-products (POST, no digit, price 0) are never liked nor recommended" {
	shop
	more 'A2,a,2026-10-05 10:00,POST,Postage,,1,100,paid' \
		'B2,b,2026-10-05 10:00,POST,Postage,,1,100,paid' \
		'B2,b,2026-10-05 10:00,P-9,Free gift,,1,0,paid' \
		'A3,a,2026-10-05 10:00,P-9,Free gift,,1,0,paid'
	run R
	assert_success
	refute_output --partial POST
	refute_output --partial P-9
	assert_line "a,a@example.com,Ann,1,P-3,Lotion,0.816497,bought P-1 Soap"
}

@test "recommend: returned, cancelled, refunded and pending lines are not liking" {
	shop
	# f bought P-1 and returned it (a negative line; a C-invoice of negative amount
	# for P-2); g's orders were cancelled, refunded or pending: both start cold
	more 'F1,f,2026-10-05 10:00,P-1,Soap,bath,1,500,paid' \
		'F2,f,2026-10-06 10:00,P-1,Soap,bath,-1,500,paid' \
		'F3,f,2026-10-05 10:00,P-2,Shampoo,hair,2,800,paid' \
		'CF4,f,2026-10-07 10:00,P-2,Shampoo,hair,2,800,paid' \
		'G2,g,2026-10-05 10:00,P-1,Soap,bath,1,500,cancelled' \
		'G3,g,2026-10-05 10:00,P-2,Shampoo,hair,1,800,refunded' \
		'G4,g,2026-10-05 10:00,P-3,Lotion,body,1,900,pending'
	q "UPDATE orders SET amount = -amount WHERE order_id = 'CF4'"
	run R --customer f --customer g --top 1
	assert_success
	assert_output --regexp "f,,,1,P-4,Cream,[0-9]+,popular in the last 4 weeks
g,,,1,P-4,Cream,[0-9]+,popular in the last 4 weeks"
	# a partial return leaves the product liked
	more 'H1,h,2026-10-05 10:00,P-3,Lotion,body,2,900,paid' 'H2,h,2026-10-06 10:00,P-3,Lotion,body,-1,900,paid'
	run R --customer h --top 1
	assert_output "$HEAD
h,,,1,P-1,Soap,0.333333,bought P-3 Lotion"
}

@test "recommend: a product the customer sent back in full is never recommended back" {
	shop
	# j and k bought Shampoo; k also bought Soap and returned it
	more 'J1,j,2026-10-05 10:00,P-2,Shampoo,hair,1,800,paid' \
		'K1,k,2026-10-05 10:00,P-2,Shampoo,hair,1,800,paid' \
		'K1,k,2026-10-05 10:00,P-1,Soap,bath,1,500,paid' \
		'K2,k,2026-10-08 10:00,P-1,Soap,bath,-1,500,paid'
	run -0 R --customer j --top 5
	assert_line --index 1 --regexp '^j,,,1,P-1,Soap,'
	run -0 R --customer k --top 5
	refute_output --partial ',P-1,Soap,'
	assert_line --index 1 --regexp '^k,,,1,P-[34],'
	# a return of part of what was bought keeps it liked, so also not offered
	more 'K3,k,2026-10-09 10:00,P-3,Lotion,body,2,900,paid' 'K4,k,2026-10-10 10:00,P-3,Lotion,body,-1,900,paid'
	run -0 R --customer k --top 5
	refute_output --partial ',P-1,Soap,'
	refute_output --partial ',P-3,Lotion,'
}

@test "recommend: --as-of ignores later orders" {
	shop
	more 'A9,a,2026-11-02 10:00,P-3,Lotion,body,1,900,paid'
	run R --customer a
	assert_line "a,a@example.com,Ann,1,P-3,Lotion,0.816497,bought P-1 Soap"
	run crm-recommend --as-of 2026-11-02 --customer a
	refute_line --partial ",P-3,"
	# as of 2026-10-02: A1 and B1 only, P-1 {a, b}, P-2 {a}
	run crm-recommend --as-of 2026-10-02 --customer b
	assert_output "$HEAD
b,b@example.com,Bob,1,P-2,Shampoo,0.707107,bought P-1 Soap"
}

@test "recommend: guests count for similarity but are never listed" {
	shop
	run R
	refute_output --partial G1
	# without G1, P-4 and P-1 share no buyer: a gets no P-4
	q "DELETE FROM order_items WHERE order_id = 'G1'; DELETE FROM orders WHERE order_id = 'G1'"
	run R --customer a
	assert_output "$HEAD
a,a@example.com,Ann,1,P-3,Lotion,1.000000,bought P-1 Soap"
}

@test "recommend: ties in SKU order, and reruns are byte for byte the same in every format" {
	shop
	for f in csv text json; do
		R --format $f >one.$f
		R --format $f >two.$f
		cmp one.$f two.$f
	done
	R -t >one.tsv
	run head -2 one.tsv
	assert_output "customer_id	email	name	rank	sku	product	score	reason
a	a@example.com	Ann	1	P-3	Lotion	0.816497	bought P-1 Soap"
	run jq -c '.[0]' one.json
	assert_output '{"customer_id":"a","email":"a@example.com","name":"Ann","rank":1,"sku":"P-3","product":"Lotion","score":0.816497,"reason":"bought P-1 Soap"}'
	run head -2 one.text
	assert_line --index 0 --regexp '^customer_id +email +name +rank +sku +product +score +reason$'
}

@test "recommend: customers from crm-segment's output on standard input" {
	shop
	crm-segment --as-of 2026-10-31 --opted-in >seg.csv
	run R --top 1 <seg.csv
	assert_success
	assert_output "$HEAD
a,a@example.com,Ann,1,P-3,Lotion,0.816497,bought P-1 Soap
c,c@example.com,Cy,1,P-1,Soap,1.074915,bought P-2 Shampoo
e,e@example.com,Eve,1,P-1,Soap,0.408248,bought P-4 Cream"
	printf 'customer_id\nzz\n' >zz.csv
	run R <zz.csv
	assert_failure 6
	assert_output "crm-recommend: unknown customer 'zz'"
	printf 'email,id\nx@example.com,b\n' >other.csv
	run R <other.csv
	assert_failure 1
	assert_output "crm-recommend: stdin:1: missing required column 'customer_id' for customers (found: 'email', 'id'); name it with --map customer_id=HEADER"
	run R --map customer_id=id --top 1 <other.csv
	assert_success
	assert_output "$HEAD
b,b@example.com,Bob,1,P-2,Shampoo,1.074915,bought P-1 Soap"
}

@test "recommend: an empty history is a clear message, not a crash" {
	crm-import -q customers <(printf 'customer_id,email\na,a@example.com\n')
	run R
	assert_failure 1
	assert_output "crm-recommend: no purchases to recommend from: no paid order lines up to 2026-10-31"
	run R --evaluate --split 2026-10-01
	assert_failure 1
	assert_output "crm-recommend: nothing to evaluate: no paid order lines before 2026-10-01"
}

@test "recommend: --method names the methods; each runs" {
	shop
	run R --method frob
	assert_failure 2
	assert_line --index 0 "crm-recommend: --method must be cosine, iuf, bm25, recent or pruned, not 'frob'"
	for m in cosine iuf bm25 recent pruned; do
		run R --method $m --customer a --top 1
		assert_success
		assert_line --index 1 --partial 'a,a@example.com,Ann,1,P-'
	done
}

# ---- --evaluate -----------------------------------------------------------------------------
# The shop split at 2026-10-04 (training: A1, B1, C1, E0; test: G1, E1 and
# these): a buys P-3 (new) and P-2 (bought before: not new); b buys P-4
# (new; no training product); c buys P-2 only (not new: not tested); d buys
# P-1 (no training purchase: not tested); e buys P-4 (new): 3 tested.
# Training: P-1 {a,b}, P-2 {a,c}, P-3 {b,c}, P-5 {e}; sim 1/2 for each pair
# of P-1..P-3; P-5 inactive at the split (last sold 2026-01-01).
# Method (--top 2): a -> P-3 (1.0): a hit; b -> P-2 (1.0): none; e (P-5
#   shares no buyer): nothing.  hit rate 1/3, precision 1/(2*3) = 0.1667,
#   recall (1/1 + 0 + 0)/3, coverage {P-3, P-2} / 3 active = 0.6667.
# Popular in the 28 days before the split (2026-09-06 .. 10-03): P-1 2,
#   P-2 2, P-3 2 (ties in SKU order); a (P-1, P-2) gets P-3: a hit; b (P-1,
#   P-3) gets P-2; e gets P-1, P-2.  The same but coverage 3/3.
@test "evaluate: every figure of a hand-computed split" {
	shop
	more 'A5,a,2026-10-20 10:00,P-3,Lotion,body,1,900,paid' \
		'A5,a,2026-10-20 10:00,P-2,Shampoo,hair,1,800,paid' \
		'B5,b,2026-10-21 10:00,P-4,Cream,body,1,1200,paid' \
		'C5,c,2026-10-21 10:00,P-2,Shampoo,hair,1,800,paid' \
		'D5,d,2026-10-21 10:00,P-1,Soap,bath,1,500,paid'
	run R --evaluate --split 2026-10-04 --top 2
	assert_success
	assert_output "method,top,customers,hits,hit_rate,precision,recall,coverage
cosine,2,3,1,0.3333,0.1667,0.3333,0.6667
popular,2,3,1,0.3333,0.1667,0.3333,1.0000
ratio,2,3,1.0000,1.0000,1.0000,1.0000,0.6667"
	# e buys P-4 in training (2026-10-02): e is no longer tested, P-4 is active
	# (4 of them), co-bought with nothing but P-5: cosine never offers it,
	# popularity does (1 buyer, after P-1..P-3): b gets P-2, P-4, a hit
	more 'E4,e,2026-10-02 10:00,P-4,Cream,body,1,1200,paid'
	run R --evaluate --split 2026-10-04 --top 2 --format text
	assert_success
	assert_output "method   top  customers    hits  hit_rate  precision  recall  coverage
cosine     2          2       1    0.5000     0.2500  0.5000    0.5000
popular    2          2       2    1.0000     0.5000  1.0000    0.7500
ratio      2          2  0.5000    0.5000     0.5000  0.5000    0.6667"
}

@test "evaluate: --split must be a date not after --as-of; the modes' options are checked" {
	shop
	run R --evaluate --split 2026-13-01
	assert_failure 2
	assert_line --index 0 "crm-recommend: --split '2026-13-01' is not a date (YYYY-MM-DD)"
	run R --evaluate --split 2026-11-01
	assert_failure 2
	assert_line --index 0 "crm-recommend: --split 2026-11-01 is after the as-of day 2026-10-31"
	run R --evaluate --split 2026-10-04 --exclude ex.txt
	assert_failure 3
	printf 'P-3\n' >ex.txt
	run R --evaluate --split 2026-10-04 --exclude ex.txt --format json
	assert_success
	assert_line --index 1 --partial '"method": "cosine"'
}

# ---- an Online Retail export ----------------------------------------------------------------
@test "recommend: an Online Retail-style export (C-invoices, POST, guests) imported in GBP" {
	csv retail.csv 'Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country' \
		'489434,85048,15CM CHRISTMAS GLASS BALL 20 LIGHTS,12,12/1/2009 7:45,6.95,13085.0,United Kingdom' \
		'489434,79323P,PINK CHERRY LIGHTS,12,12/1/2009 7:45,6.75,13085.0,United Kingdom' \
		'489434,POST,POSTAGE,1,12/1/2009 7:45,18.00,13085.0,United Kingdom' \
		'489435,85048,15CM CHRISTMAS GLASS BALL 20 LIGHTS,6,12/1/2009 7:46,6.95,13086.0,United Kingdom' \
		'489435,22350,CAT BOWL,12,12/1/2009 7:46,2.55,13086.0,United Kingdom' \
		'489436,79323P,PINK CHERRY LIGHTS,1,12/1/2009 9:06,6.75,,United Kingdom' \
		'489436,22350,CAT BOWL,1,12/1/2009 9:06,2.55,,United Kingdom' \
		'489437,22195,LARGE HEART MEASURING SPOONS,24,12/1/2009 9:08,1.65,13087.0,United Kingdom' \
		'489437,85048,15CM CHRISTMAS GLASS BALL 20 LIGHTS,2,12/1/2009 9:08,6.95,13087.0,United Kingdom' \
		'C489449,22195,LARGE HEART MEASURING SPOONS,-24,12/1/2009 10:33,1.65,13087.0,United Kingdom' \
		'489438,M,Manual,1,12/1/2009 10:40,5.00,13088.0,United Kingdom'
	run crm-import --currency GBP order_items retail.csv
	assert_success
	# 13085: lights and glass ball; 13086: glass ball and cat bowl; the guest
	# 489436: lights and cat bowl; 13087 returned the spoons: glass ball only
	run crm-recommend --as-of 2009-12-01 --top 2
	assert_success
	assert_output "customer_id,email,name,rank,sku,product,score,reason
13085.0,,,1,22350,CAT BOWL,0.908248,bought 79323P PINK CHERRY LIGHTS
13086.0,,,1,79323P,PINK CHERRY LIGHTS,0.908248,bought 22350 CAT BOWL
13087.0,,,1,22350,CAT BOWL,0.408248,bought 85048 15CM CHRISTMAS GLASS BALL 20 LIGHTS
13087.0,,,2,79323P,PINK CHERRY LIGHTS,0.408248,bought 85048 15CM CHRISTMAS GLASS BALL 20 LIGHTS"
	run crm-recommend --as-of 2009-12-01 --customer 13088.0 --top 1
	assert_success
	assert_output "customer_id,email,name,rank,sku,product,score,reason
13088.0,,,1,85048,15CM CHRISTMAS GLASS BALL 20 LIGHTS,3,popular in the last 4 weeks"
}

@test "recommend: many customers (two threads) get what they get a few at a time" {
	crm-synth --orders 600 customers >c.csv
	crm-synth --orders 600 order_items >i.csv
	crm-import -q customers c.csv
	crm-import -q order_items i.csv
	R --top 3 >all.csv
	tail -n +2 all.csv | cut -d, -f1 | uniq >ids.txt
	[ "$(wc -l <ids.txt)" -ge 100 ]
	head -1 all.csv >parts.csv
	split -l 40 ids.txt part.
	for f in part.*; do
		R --top 3 $(sed 's/^/--customer /' "$f") | tail -n +2 >>parts.csv
	done
	cmp all.csv parts.csv
}

@test "recommend: the rows walked best first stop early yet give the plain cosine top N" {
	# recocheck scores every product for every customer the plain way (the
	# buyers both products share) and compares crm_reco_top's lists
	crm-synth --orders 3000 --products 300 --tastes customers >c.csv
	crm-synth --orders 3000 --products 300 --tastes order_items >i.csv
	crm-import -q customers c.csv
	crm-import -q order_items i.csv
	for top in 1 3 10 40; do
		run "$CRM_BUILD/t/recocheck" "$CRM_DB" 2026-11-01T00:00:00Z $top
		assert_success
		assert_output --regexp '^ok [0-9]{3,}$'
	done
}

@test "recommend: the history read in two halves of time on two connections equals one read" {
	# historycheck loads it as crm-recommend does (halves) and inside a
	# read transaction (one read) and compares every array; guests, a
	# return and a product renamed fall on both sides of the split
	crm-synth --orders 800 --products 200 --tastes customers >c.csv
	crm-synth --orders 800 --products 200 --tastes order_items >i.csv
	crm-import -q customers c.csv
	crm-import -q order_items i.csv
	sku=$(sed -n 2p i.csv | cut -d, -f4)
	csv g.csv 'order_id,customer_id,ordered_at,sku,product,category,quantity,unit_price,currency' \
		"G1,,2024-11-02 10:00,$sku,Early name,misc,1,1000,KRW" \
		"G2,,2025-01-05 10:00,$sku,Early name,misc,2,1000,KRW" \
		"G3,,2026-10-20 10:00,$sku,Late name,misc,1,1000,KRW" \
		"G4,,2026-10-21 10:00,TOY-9999,Toy,misc,1,500,KRW" \
		"R1,C0000001,2026-10-22 10:00,$sku,Late name,misc,-5,1000,KRW"
	crm-import -q order_items g.csv
	# the earlier half stops wherever the race puts the split; "wait": at
	# the split (the later half joined); "late": past it (read to the end)
	for mode in race wait late; do
		CRM_TEST_SPLIT=$mode run "$CRM_BUILD/t/historycheck" "$CRM_DB" 2026-11-01T00:00:00Z
		assert_success
		assert_output --regexp '^ok [0-9]+ [0-9]+ [0-9]+ [0-9]+$'
		CRM_TEST_SPLIT=$mode run "$CRM_BUILD/t/historycheck" "$CRM_DB" \
			2026-11-01T00:00:00Z 2025-06-01T00:00:00Z
		assert_success
	done
}

# Order lines imported while crm-recommend (or historycheck) waits with the
# second connection's snapshot begun: the first's begins after the import.
# The split is certain ("wait"), so the later half, the new line's, is read
# on the second connection and must be read again on the first.
paused_import() {
	rm -f go
	mkfifo go
	CRM_TEST_TWIN_PAUSE=go CRM_TEST_SPLIT=wait "$@" >paused.out &
	paused=$!
	crm-import -q order_items "$late"
	timeout 30 sh -c 'echo >go' || fail "$1 did not wait"
	wait "$paused" || fail "$1 failed: $(cat paused.out)"
}

@test "recommend: order lines committed between the two connections' snapshots are read, on the first" {
	crm-synth --orders 800 --products 200 --tastes customers >c.csv
	crm-synth --orders 800 --products 200 --tastes order_items >i.csv
	crm-import -q customers c.csv
	crm-import -q order_items i.csv
	R >before.csv
	for n in 1 2; do
		late=late$n.csv
		csv "$late" 'order_id,customer_id,ordered_at,sku,product,category,quantity,unit_price,currency' \
			"L$n,C000000$n,2026-10-25 10:00,NEW-000$n,Late product,misc,1,1000,KRW"
	done
	late=late1.csv paused_import crm-recommend --as-of 2026-10-31
	R >after.csv
	cmp paused.out after.csv
	run cmp -s before.csv after.csv   # the new line's product is recommended
	assert_failure
	# every array of the history, against one read
	late=late2.csv paused_import "$CRM_BUILD/t/historycheck" "$CRM_DB" 2026-11-01T00:00:00Z
	run cat paused.out
	assert_output --regexp '^ok [0-9]+ [0-9]+ [0-9]+ [0-9]+$'
}
