#!/usr/bin/env bats
# crm-loyalty program, earn and expire (lib/loyalty_earn.c): program
# versions, what each order earns (hand-computed), reversals, returns,
# releases, the signup bonus, expiry at month end, the runs guard, and a
# kill -9 in the middle of an earn.
load helpers

export CRM_TEST_CLOCK=2026-12-01T00:00:00Z

# program [LINE...]: prog.txt, the issue's program without bonuses, and any
# LINE added (a key given twice is refused, so give only keys not below).
program() {
	csv prog.txt 'currency = KRW' 'earn = 1 per 100' 'min_order = 10000' \
		'tier Silver = spend >= 300000 in 12 months, earn x1.5' \
		'tier Gold = spend >= 1000000 in 12 months, earn x2' "$@"
}

# shop [LINE...]: customers c1, c2, c3 and a program (pending 0, never
# expiring unless LINEs say) stored effective 2026-01-01.
shop() {
	csv people.csv customer_id,email,name c1,c1@x.kr,Ann c2,c2@x.kr,Bob c3,c3@x.kr,Cy
	crm-import -q customers people.csv
	if [ $# -eq 0 ]; then program 'pending = 0'; else program "$@"; fi
	crm-loyalty --as-of 2026-01-01 program -q --program prog.txt
}

# orders ROW...: import orders (order_id,customer_id,ordered_at,amount,status; KRW).
orders() {
	local r
	printf '%s\n' order_id,customer_id,ordered_at,amount,currency,status >orders.csv
	for r in "$@"; do
		IFS=, read -r id c at amt st <<<"$r"
		printf '%s,%s,%s,%s,KRW,%s\n' "$id" "$c" "$at" "$amt" "$st" >>orders.csv
	done
	crm-import -q orders orders.csv
}

# entries [WHERE]: the ledger, one line per entry.
entries() {
	q "SELECT entry_id, customer_id, kind, points, coalesce(lot, '-'), at,
	   coalesce(order_id, '-'), coalesce(reason, '-'), coalesce(tier, '-'),
	   coalesce(basis, '-'), coalesce(available_at, '-'), coalesce(expires_at, '-'), shortfall
	   FROM loyalty_entries ${1:+WHERE $1} ORDER BY entry_id"
}

# ---- program -------------------------------------------------------------------

@test "program: no program stored is a clear error, exit 1" {
	csv people.csv customer_id,email,name c1,c1@x.kr,Ann
	crm-import -q customers people.csv
	run -1 --separate-stderr crm-loyalty program
	assert_equal "$stderr" "crm-loyalty: program: no program is stored; store one with 'crm-loyalty program --program FILE'"
	run -1 --separate-stderr crm-loyalty --as-of 2026-03-31 earn
	assert_equal "$stderr" "crm-loyalty: earn: no program is stored; store one with 'crm-loyalty program --program FILE'"
	[ "$(q 'SELECT count(*) FROM loyalty_runs')" = 0 ]
}

@test "program: stored once as version 1, printed back canonical with its version and day" {
	program 'pending = 14 days   # the return window' 'expires = 1 year month-end' 'signup = 1000'
	run -0 --separate-stderr crm-loyalty --tz Asia/Seoul --as-of 2026-03-01 program --program prog.txt
	assert_equal "$stderr" "crm-loyalty: program: stored as version 1"
	assert_equal "$(q 'SELECT version, effective_at FROM loyalty_programs')" "1|2026-02-28T15:00:00Z"
	run -0 crm-loyalty --tz Asia/Seoul --as-of 2026-03-01 program
	assert_output "# version 1, effective 2026-03-01
currency = KRW
earn = 1 per 100
min_order = 10000
pending = 14 days
expires = 12 months month-end
tier Silver = spend >= 300000 in 12 months, earn x1.5
tier Gold = spend >= 1000000 in 12 months, earn x2
downgrade = at evaluation
birthday = 0
signup = 1000
point_value = 0"
	# the day before it takes effect there is none in force
	run -1 --separate-stderr crm-loyalty --tz Asia/Seoul --as-of 2026-02-28 program
	assert_equal "$stderr" "crm-loyalty: program: no program is in force yet; store one with 'crm-loyalty program --program FILE'"
}

@test "program: the same program again stores nothing; a changed one is a new version; an earlier one is refused" {
	shop
	run -0 --separate-stderr crm-loyalty --as-of 2026-02-01 program --program prog.txt
	assert_equal "$stderr" ""
	[ "$(q 'SELECT count(*) FROM loyalty_programs')" = 1 ]
	program 'pending = 0' 'signup = 500'
	run -0 --separate-stderr crm-loyalty --as-of 2026-02-01 program --program prog.txt --effective 2026-04-01
	assert_equal "$stderr" "crm-loyalty: program: stored as version 2"
	assert_equal "$(q 'SELECT version, effective_at FROM loyalty_programs ORDER BY version')" "1|2026-01-01T00:00:00Z
2|2026-04-01T00:00:00Z"
	run -0 crm-loyalty --as-of 2026-03-31 program
	assert_line -n 0 "# version 1, effective 2026-01-01"
	run -0 crm-loyalty --as-of 2026-04-01 program
	assert_line -n 0 "# version 2, effective 2026-04-01"
	assert_line "signup = 500"
	program 'pending = 0' 'signup = 7'
	run -2 --separate-stderr crm-loyalty program --program prog.txt --effective 2026-03-01
	assert_equal "$stderr" "crm-loyalty: program: a version effective at 2026-03-01T00:00:00Z would come before version 2, in force from 2026-04-01T00:00:00Z; the ledger does not go back
Try 'crm-loyalty --help' for more information."
	[ "$(q 'SELECT count(*) FROM loyalty_programs')" = 2 ]
}

@test "program: a bad line is refused with file, line and column, exit 2, nothing stored" {
	csv prog.txt 'currency = KRW' 'earm = 1 per 100'
	run -2 --separate-stderr crm-loyalty program --program prog.txt
	assert_equal "$stderr" "crm-loyalty: prog.txt:2: column 1: unknown key 'earm' (did you mean 'earn'?)"
	csv prog.txt 'currency = KRW' 'earn = 1 per 100' 'min_order = 10000.5'
	run -2 --separate-stderr crm-loyalty earn --program prog.txt
	assert_equal "$stderr" "crm-loyalty: prog.txt:3: column 13: '10000.5' has more decimals than KRW allows (0)"
	[ "$(q 'SELECT count(*) FROM loyalty_programs')" = 0 ]
	[ "$(q 'SELECT count(*) FROM loyalty_runs')" = 0 ]
	run -3 --separate-stderr crm-loyalty program --program nosuch.txt
	assert_equal "$stderr" "crm-loyalty: nosuch.txt: No such file or directory"
}

@test "program: --effective that is no date, and --effective without --program, are usage errors" {
	run -2 --separate-stderr crm-loyalty program --program prog.txt --effective 2026-13-01
	assert_equal "${stderr_lines[0]}" "crm-loyalty: --effective '2026-13-01' is not a date (YYYY-MM-DD)"
	run -2 --separate-stderr crm-loyalty program --effective 2026-03-01
	assert_equal "${stderr_lines[0]}" "crm-loyalty: --effective needs --program FILE"
}

@test "earn --program FILE stores the program first when it differs" {
	csv people.csv customer_id,email,name c1,c1@x.kr,Ann
	crm-import -q customers people.csv
	orders o1,c1,2026-03-10T05:00:00Z,20000,paid
	program 'pending = 0'
	run -0 --separate-stderr crm-loyalty --as-of 2026-03-01 earn --program prog.txt
	assert_equal "$stderr" "crm-loyalty: program: stored as version 1
crm-loyalty: earn: 0 orders, 0 points; 0 reversed (0 points, 0 short); 0 released; 0 signup bonuses"
	run -0 --separate-stderr crm-loyalty --as-of 2026-03-31 earn --program prog.txt
	assert_equal "$stderr" "crm-loyalty: earn: 1 orders, 200 points; 0 reversed (0 points, 0 short); 0 released; 0 signup bonuses"
	[ "$(q 'SELECT count(*) FROM loyalty_programs')" = 1 ]
}

# ---- earn: what an order earns --------------------------------------------------

@test "earn: rounding per order and min_order (two 15,050 earn 150 each; 9,999 nothing; 10,000 exactly 100)" {
	shop
	orders o1,c1,2026-03-01T05:00:00Z,15050,paid o2,c1,2026-03-02T05:00:00Z,15050,paid \
		o3,c1,2026-03-03T05:00:00Z,9999,paid o4,c1,2026-03-04T05:00:00Z,10000,paid \
		o5,c1,2026-03-05T05:00:00Z,10099,paid o6,c1,2026-03-06T05:00:00Z,10150,paid
	run -0 --separate-stderr crm-loyalty --as-of 2026-03-31 earn
	assert_equal "$stderr" "crm-loyalty: earn: 5 orders, 601 points; 0 reversed (0 points, 0 short); 0 released; 0 signup bonuses"
	assert_equal "$(q "SELECT order_id, points, basis, program FROM loyalty_entries WHERE kind = 'earn' ORDER BY entry_id")" "o1|150|15050|1
o2|150|15050|1
o4|100|10000|1
o5|100|10099|1
o6|101|10150|1"
	# pending 0: usable at the order's own time; expires never
	assert_equal "$(q "SELECT count(*) FROM loyalty_entries WHERE available_at = at AND expires_at IS NULL")" 5
}

@test "earn: an order too small for a point at any tier earns nothing, and earns once its amount grows" {
	csv people.csv customer_id,email,name c1,c1@x.kr,Ann
	crm-import -q customers people.csv
	csv prog.txt 'currency = KRW' 'earn = 1 per 100' 'tier Gold = orders >= 1 in 12 months, earn x2'
	crm-loyalty --as-of 2026-01-01 program -q --program prog.txt
	q "INSERT INTO loyalty_tier_moves(customer_id, effective_at, from_tier, to_tier, why, run_id) VALUES ('c1', '2026-01-01T00:00:00Z', NULL, 'Gold', 'test', 0)"
	# 49 at x2 earns 0; 50 at x2 earns 1
	orders o1,c1,2026-03-01T05:00:00Z,49,paid o2,c1,2026-03-01T06:00:00Z,50,paid
	run -0 --separate-stderr crm-loyalty --as-of 2026-03-31 earn
	assert_equal "$stderr" "crm-loyalty: earn: 1 orders, 1 points; 0 reversed (0 points, 0 short); 0 released; 0 signup bonuses"
	orders o1,c1,2026-03-01T05:00:00Z,150,paid
	run -0 --separate-stderr crm-loyalty --as-of 2026-03-31 earn
	assert_equal "$stderr" "crm-loyalty: earn: 1 orders, 3 points; 0 reversed (0 points, 0 short); 0 released; 0 signup bonuses"
	assert_equal "$(q "SELECT order_id, points, tier, basis FROM loyalty_entries ORDER BY entry_id")" "o2|1|Gold|50
o1|3|Gold|150"
}

@test "earn: only paid orders of a customer, in the program's currency, from the first version, up to the day" {
	shop
	csv orders.csv order_id,customer_id,ordered_at,amount,currency,status \
		o1,c1,2026-03-10T05:00:00Z,20000,KRW,paid o2,c1,2026-03-10T06:00:00Z,20000,USD,paid \
		o3,,2026-03-10T07:00:00Z,20000,KRW,paid o4,c1,2026-03-10T08:00:00Z,20000,KRW,pending \
		o5,c1,2025-12-31T23:59:59Z,20000,KRW,paid o6,c1,2026-03-31T23:59:59Z,30000,KRW,paid \
		o7,c1,2026-04-01T00:00:00Z,40000,KRW,paid
	crm-import -q orders orders.csv
	crm-loyalty --as-of 2026-03-31 earn -q
	assert_equal "$(q "SELECT group_concat(order_id) FROM loyalty_entries")" "o1,o6"
	# the pending order, paid since, earns at the next run; o7 is on its day now
	csv orders.csv order_id,customer_id,ordered_at,amount,currency,status \
		o4,c1,2026-03-10T08:00:00Z,20000,KRW,paid
	crm-import -q orders orders.csv
	run -0 --separate-stderr crm-loyalty --as-of 2026-04-01 earn
	assert_equal "$stderr" "crm-loyalty: earn: 2 orders, 600 points; 0 reversed (0 points, 0 short); 0 released; 0 signup bonuses"
	assert_equal "$(q "SELECT group_concat(order_id) FROM loyalty_entries")" "o1,o6,o4,o7"
}

@test "earn: each order at the rate of the program version in force at its time" {
	shop
	program 'pending = 0' 'signup = 0' && sed -i 's/earn = 1 per 100/earn = 3 per 100/' prog.txt
	crm-loyalty --as-of 2026-01-01 program -q --program prog.txt --effective 2026-04-01
	orders o1,c1,2026-03-31T23:59:59Z,10150,paid o2,c1,2026-04-01T00:00:00Z,10150,paid
	crm-loyalty --as-of 2026-04-30 earn -q
	assert_equal "$(q "SELECT order_id, points, program FROM loyalty_entries ORDER BY entry_id")" "o1|101|1
o2|304|2"
}

@test "earn: the multiplier is the tier's held on the order's day (loyalty_tier_moves)" {
	shop
	q "INSERT INTO loyalty_tier_moves(customer_id, effective_at, from_tier, to_tier, why, run_id) VALUES
	   ('c1', '2026-03-11T00:00:00Z', NULL, 'Silver', 'test', 0),
	   ('c1', '2026-03-20T00:00:00Z', 'Silver', 'Gold', 'test', 0),
	   ('c2', '2026-03-01T00:00:00Z', NULL, 'Gold', 'test', 0),
	   ('c2', '2026-03-15T00:00:00Z', 'Gold', NULL, 'test', 0)"
	orders o1,c1,2026-03-10T23:59:59Z,10150,paid o2,c1,2026-03-11T00:00:00Z,10150,paid \
		o3,c1,2026-03-25T05:00:00Z,10150,paid o4,c2,2026-03-14T05:00:00Z,10150,paid \
		o5,c2,2026-03-16T05:00:00Z,10150,paid o6,c3,2026-03-16T05:00:00Z,10150,paid
	run -0 --separate-stderr crm-loyalty --as-of 2026-03-31 earn
	assert_equal "$stderr" "crm-loyalty: earn: 6 orders, 861 points; 0 reversed (0 points, 0 short); 0 released; 0 signup bonuses"
	assert_equal "$(q "SELECT order_id, points, coalesce(tier, '-') FROM loyalty_entries ORDER BY entry_id")" "o1|101|-
o2|152|Silver
o4|203|Gold
o5|101|-
o6|101|-
o3|203|Gold"
}

@test "earn after tiers --save: an upgrade multiplies the next earn from its day on, not the orders before it" {
	shop
	orders o1,c1,2026-03-05T05:00:00Z,300000,paid
	crm-loyalty --as-of 2026-03-31 earn -q
	run -0 --separate-stderr crm-loyalty --as-of 2026-03-31 tiers --save
	assert_line 'c1,c1@x.kr,Ann,,Silver,up,"spend 300,000 >= 300,000 in 12 months"'
	# one order after the move, one before it imported late
	orders o1,c1,2026-03-05T05:00:00Z,300000,paid o2,c1,2026-04-02T05:00:00Z,20000,paid \
		o3,c1,2026-03-30T05:00:00Z,20000,paid
	run -0 --separate-stderr crm-loyalty --as-of 2026-04-30 earn
	assert_equal "$stderr" "crm-loyalty: earn: 2 orders, 500 points; 0 reversed (0 points, 0 short); 0 released; 0 signup bonuses"
	assert_equal "$(q "SELECT order_id, points, coalesce(tier, '-') FROM loyalty_entries WHERE kind = 'earn' ORDER BY order_id")" "o1|3000|-
o2|300|Silver
o3|200|-"
	run -0 crm-loyalty --as-of 2026-04-30 balance --customer c1
	assert_line --index 1 "c1,c1@x.kr,Ann,Silver,3500,0,3500,0,0,0,0,0,0,,0"
	run -0 crm-loyalty --as-of 2026-04-30 check
}

# ---- earn: pending and release ----------------------------------------------------

@test "earn: pending 14 days in Seoul: usable from the start of the 15th day after the order's local day, released then" {
	shop 'pending = 14 days'
	# 23:59:59 on 03-10 in Seoul, and 00:00 on 03-11
	orders o1,c1,2026-03-10T14:59:59Z,10000,paid o2,c1,2026-03-10T15:00:00Z,20000,paid
	run -0 --separate-stderr crm-loyalty --tz Asia/Seoul --as-of 2026-03-24 earn
	assert_equal "$stderr" "crm-loyalty: earn: 2 orders, 300 points; 0 reversed (0 points, 0 short); 0 released; 0 signup bonuses"
	assert_equal "$(q "SELECT order_id, available_at FROM loyalty_entries ORDER BY entry_id")" "o1|2026-03-24T15:00:00Z
o2|2026-03-25T15:00:00Z"
	run -0 --separate-stderr crm-loyalty --tz Asia/Seoul --as-of 2026-03-25 earn
	assert_equal "$stderr" "crm-loyalty: earn: 0 orders, 0 points; 0 reversed (0 points, 0 short); 1 released; 0 signup bonuses"
	run -0 --separate-stderr crm-loyalty --tz Asia/Seoul --as-of 2026-03-26 earn
	assert_equal "$stderr" "crm-loyalty: earn: 0 orders, 0 points; 0 reversed (0 points, 0 short); 1 released; 0 signup bonuses"
	run -0 crm-loyalty --tz Asia/Seoul --as-of 2026-03-27 earn -q
	assert_equal "$(entries "kind = 'release'")" "3|c1|release|100|1|2026-03-24T15:00:00Z|-|-|-|-|-|-|0
4|c1|release|200|2|2026-03-25T15:00:00Z|-|-|-|-|-|-|0"
}

# ---- earn: changes and returns -------------------------------------------------------

@test "earn: a cancelled and a refunded order give back their unspent points from their own lot, pending or not" {
	shop 'pending = 14 days'
	orders o1,c1,2026-03-10T05:00:00Z,20000,paid o2,c1,2026-03-30T05:00:00Z,15000,paid
	crm-loyalty --as-of 2026-03-31 earn -q
	orders o1,c1,2026-03-10T05:00:00Z,20000,refunded o2,c1,2026-03-30T05:00:00Z,15000,cancelled
	run -0 --separate-stderr crm-loyalty --as-of 2026-04-01 earn
	assert_equal "$stderr" "crm-loyalty: earn: 0 orders, 0 points; 2 reversed (350 points, 0 short); 0 released; 0 signup bonuses"
	assert_equal "$(entries "kind = 'reverse'")" "4|c1|reverse|-200|1|2026-04-01T23:59:59Z|o1|refunded|-|0|-|-|0
5|c1|reverse|-150|2|2026-04-01T23:59:59Z|o2|cancelled|-|0|-|-|0"
	# nothing more the next time but the release of the pending lot, emptied
	run -0 --separate-stderr crm-loyalty --as-of 2026-04-20 earn
	assert_equal "$stderr" "crm-loyalty: earn: 0 orders, 0 points; 0 reversed (0 points, 0 short); 1 released; 0 signup bonuses"
}

@test "earn: a refund of spent points takes what is available, oldest first, and records the rest as shortfall" {
	shop
	orders o1,c1,2026-03-01T05:00:00Z,20000,paid o2,c1,2026-03-02T05:00:00Z,10000,paid
	crm-loyalty --as-of 2026-03-31 earn -q
	# 250 redeemed on 03-20: all of o1's lot and 50 of o2's
	q "INSERT INTO loyalty_entries(customer_id, kind, points, lot, at) VALUES
	   ('c1', 'redeem', -200, 1, '2026-03-20T00:00:00Z'), ('c1', 'redeem', -50, 2, '2026-03-20T00:00:00Z')"
	orders o1,c1,2026-03-01T05:00:00Z,20000,refunded
	run -0 --separate-stderr crm-loyalty --as-of 2026-04-30 earn
	assert_equal "$stderr" "crm-loyalty: earn: 0 orders, 0 points; 1 reversed (50 points, 150 short); 0 released; 0 signup bonuses"
	assert_equal "$(entries "entry_id > 4")" "5|c1|reverse|-50|2|2026-04-30T23:59:59Z|o1|refunded|-|-|-|-|0
6|c1|reverse|0|-|2026-04-30T23:59:59Z|o1|refunded|-|0|-|-|150"
	# the remainders: nothing is ever below zero
	assert_equal "$(q "SELECT c.entry_id, c.points + (SELECT coalesce(sum(points), 0) FROM loyalty_entries d WHERE d.lot = c.entry_id) FROM loyalty_entries c WHERE kind = 'earn'")" "1|0
2|0"
	run -0 --separate-stderr crm-loyalty --as-of 2026-04-30 earn
	assert_equal "$stderr" "crm-loyalty: earn: 0 orders, 0 points; 0 reversed (0 points, 0 short); 0 released; 0 signup bonuses"
}


@test "earn: an amount lowered after its own lot was spent takes it all from other lots; the new basis on a 0-point entry, check passes" {
	shop
	orders o1,c1,2026-03-01T05:00:00Z,25000,paid o2,c1,2026-03-02T05:00:00Z,20000,paid
	crm-loyalty --as-of 2026-03-31 earn -q
	crm-loyalty --as-of 2026-03-31 redeem -q --customer c1 --points 250
	orders o1,c1,2026-03-01T05:00:00Z,12500,paid o2,c1,2026-03-02T05:00:00Z,20000,paid
	run -0 --separate-stderr crm-loyalty --as-of 2026-04-30 earn
	assert_equal "$stderr" "crm-loyalty: earn: 0 orders, 0 points; 1 reversed (125 points, 0 short); 0 released; 0 signup bonuses"
	assert_equal "$(entries "entry_id > 3")" "4|c1|reverse|-125|2|2026-04-30T23:59:59Z|o1|amount|-|-|-|-|0
5|c1|reverse|0|-|2026-04-30T23:59:59Z|o1|amount|-|12500|-|-|0"
	run -0 crm-loyalty --as-of 2026-04-30 check
	run -0 --separate-stderr crm-loyalty --as-of 2026-04-30 earn
	assert_equal "$stderr" "crm-loyalty: earn: 0 orders, 0 points; 0 reversed (0 points, 0 short); 0 released; 0 signup bonuses"
	run -0 crm-loyalty --as-of 2026-04-30 balance --customer c1
	assert_line -n 1 "c1,c1@x.kr,Ann,,75,0,450,0,0,250,0,125,0,,0"
}
@test "earn: an amount raised earns the difference as a new lot, lowered takes it back, an unchanged re-import nothing" {
	shop
	orders o1,c1,2026-03-01T05:00:00Z,20000,paid
	crm-loyalty --as-of 2026-03-31 earn -q
	orders o1,c1,2026-03-01T05:00:00Z,25050,paid
	run -0 --separate-stderr crm-loyalty --as-of 2026-04-01 earn
	assert_equal "$stderr" "crm-loyalty: earn: 1 orders, 50 points; 0 reversed (0 points, 0 short); 0 released; 0 signup bonuses"
	assert_equal "$(entries "entry_id = 2")" "2|c1|earn|50|-|2026-03-01T05:00:00Z|o1|amount|-|25050|2026-03-01T05:00:00Z|-|0"
	orders o1,c1,2026-03-01T05:00:00Z,15000,paid
	run -0 --separate-stderr crm-loyalty --as-of 2026-04-02 earn
	assert_equal "$stderr" "crm-loyalty: earn: 0 orders, 0 points; 1 reversed (100 points, 0 short); 0 released; 0 signup bonuses"
	orders o1,c1,2026-03-01T05:00:00Z,15000,paid
	run -0 --separate-stderr crm-loyalty --as-of 2026-04-03 earn
	assert_equal "$stderr" "crm-loyalty: earn: 0 orders, 0 points; 0 reversed (0 points, 0 short); 0 released; 0 signup bonuses"
	# below min_order: the rest of both lots, basis 9000
	orders o1,c1,2026-03-01T05:00:00Z,9000,paid
	run -0 --separate-stderr crm-loyalty --as-of 2026-04-04 earn
	assert_equal "$stderr" "crm-loyalty: earn: 0 orders, 0 points; 1 reversed (150 points, 0 short); 0 released; 0 signup bonuses"
	assert_equal "$(entries "kind = 'reverse'")" "3|c1|reverse|-100|1|2026-04-02T23:59:59Z|o1|amount|-|15000|-|-|0
4|c1|reverse|-100|1|2026-04-04T23:59:59Z|o1|amount|-|9000|-|-|0
5|c1|reverse|-50|2|2026-04-04T23:59:59Z|o1|amount|-|9000|-|-|0"
	# and back up again: the whole 200 from 9000 to 20000
	orders o1,c1,2026-03-01T05:00:00Z,20000,paid
	run -0 --separate-stderr crm-loyalty --as-of 2026-04-05 earn
	assert_equal "$stderr" "crm-loyalty: earn: 1 orders, 200 points; 0 reversed (0 points, 0 short); 0 released; 0 signup bonuses"
}

@test "earn: a return (a negative paid order) takes back its points from the available ones, the rest as shortfall" {
	shop
	orders o1,c1,2026-03-01T05:00:00Z,30000,paid r1,c1,2026-03-05T05:00:00Z,-15050,paid \
		r2,c2,2026-03-05T05:00:00Z,-20000,paid r3,c1,2026-03-06T05:00:00Z,-5000,paid
	run -0 --separate-stderr crm-loyalty --as-of 2026-03-31 earn
	assert_equal "$stderr" "crm-loyalty: earn: 1 orders, 300 points; 2 reversed (150 points, 200 short); 0 released; 0 signup bonuses"
	assert_equal "$(entries "kind = 'reverse'")" "2|c1|reverse|-150|1|2026-03-31T23:59:59Z|r1|return|-|-|-|-|0
3|c2|reverse|0|-|2026-03-31T23:59:59Z|r2|return|-|-20000|-|-|200"
	run -0 --separate-stderr crm-loyalty --as-of 2026-03-31 earn
	assert_equal "$stderr" "crm-loyalty: earn: 0 orders, 0 points; 0 reversed (0 points, 0 short); 0 released; 0 signup bonuses"
}

# ---- earn: the signup bonus, runs --------------------------------------------------------

@test "earn: the signup bonus once per customer, at the first earned order's time" {
	shop 'pending = 0' 'signup = 1000' 'expires = 30 days'
	orders o1,c1,2026-03-05T05:00:00Z,20000,paid o2,c1,2026-03-06T05:00:00Z,20000,paid
	run -0 --separate-stderr crm-loyalty --as-of 2026-03-31 earn
	assert_equal "$stderr" "crm-loyalty: earn: 2 orders, 400 points; 0 reversed (0 points, 0 short); 0 released; 1 signup bonuses"
	orders o3,c1,2026-04-05T05:00:00Z,20000,paid o4,c2,2026-04-06T05:00:00Z,10000,paid
	run -0 --separate-stderr crm-loyalty --as-of 2026-04-30 earn
	assert_equal "$stderr" "crm-loyalty: earn: 2 orders, 300 points; 0 reversed (0 points, 0 short); 0 released; 1 signup bonuses"
	assert_equal "$(entries "kind = 'bonus'")" "3|c1|bonus|1000|-|2026-03-05T05:00:00Z|-|signup|-|-|2026-03-05T05:00:00Z|2026-04-05T00:00:00Z|0
6|c2|bonus|1000|-|2026-04-06T05:00:00Z|-|signup|-|-|2026-04-06T05:00:00Z|2026-05-07T00:00:00Z|0"
}

@test "earn twice, and after an unchanged re-import, writes nothing" {
	shop 'pending = 14 days' 'signup = 100' 'expires = 12 months month-end'
	orders o1,c1,2026-03-01T05:00:00Z,20000,paid o2,c2,2026-03-20T05:00:00Z,30000,paid \
		r1,c1,2026-03-21T05:00:00Z,-10000,paid
	crm-loyalty --as-of 2026-03-31 earn -q
	entries >before.txt
	[ "$(wc -l <before.txt)" -eq 6 ]
	crm-loyalty --as-of 2026-03-31 earn -q
	crm-import -q orders orders.csv
	crm-loyalty --as-of 2026-03-31 earn -q
	entries >after.txt
	assert_golden before.txt after.txt
	[ "$(q 'SELECT count(*) FROM loyalty_runs')" = 3 ]
}

@test "earn, expire: a day before the last run's is refused, exit 7, and writes nothing" {
	shop
	crm-loyalty --as-of 2026-06-30 earn -q
	run -7 --separate-stderr crm-loyalty --as-of 2026-05-31 earn
	assert_equal "$stderr" "crm-loyalty: --as-of 2026-05-31 is before the last run's day 2026-06-30 (earn); the ledger does not go back"
	run -7 --separate-stderr crm-loyalty --as-of 2026-06-29 expire
	assert_equal "$stderr" "crm-loyalty: --as-of 2026-06-29 is before the last run's day 2026-06-30 (earn); the ledger does not go back"
	[ "$(q 'SELECT count(*) FROM loyalty_runs')" = 1 ]
	run -0 crm-loyalty --as-of 2026-06-30 expire -q
	[ "$(q "SELECT group_concat(verb || ' ' || as_of) FROM loyalty_runs")" = "earn 2026-06-30,expire 2026-06-30" ]
}

# ---- expire ----------------------------------------------------------------------------------

@test "expire: 12 months month-end in Seoul: usable through the last day of the month, expired the day after" {
	shop 'pending = 0' 'expires = 12 months month-end'
	orders o1,c1,2026-03-15T03:00:00Z,10000,paid o2,c2,2026-03-31T14:00:00Z,20000,paid
	crm-loyalty --tz Asia/Seoul --as-of 2026-03-31 earn -q
	# spent 30 of o2's 200
	q "INSERT INTO loyalty_entries(customer_id, kind, points, lot, at) VALUES ('c2', 'redeem', -30, 2, '2026-05-01T00:00:00Z')"
	assert_equal "$(q "SELECT group_concat(expires_at) FROM loyalty_entries WHERE kind = 'earn'")" "2027-03-31T15:00:00Z,2027-03-31T15:00:00Z"
	run -0 --separate-stderr crm-loyalty --tz Asia/Seoul --as-of 2027-03-31 expire
	assert_equal "$stderr" "crm-loyalty: expire: 0 lots, 0 points"
	run -0 --separate-stderr crm-loyalty --tz Asia/Seoul --as-of 2027-04-01 expire
	assert_equal "$stderr" "crm-loyalty: expire: 2 lots, 270 points"
	assert_equal "$(entries "kind = 'expire'")" "4|c1|expire|-100|1|2027-03-31T15:00:00Z|-|-|-|-|-|-|0
5|c2|expire|-170|2|2027-03-31T15:00:00Z|-|-|-|-|-|-|0"
	run -0 --separate-stderr crm-loyalty --tz Asia/Seoul --as-of 2027-04-02 expire
	assert_equal "$stderr" "crm-loyalty: expire: 0 lots, 0 points"
}

# ---- a kill -9 during earn -------------------------------------------------------------------

@test "earn: kill -9 in the middle of a large earn leaves the ledger exactly as before" {
	"$CRM_BUILD/crm-synth" --orders 200000 orders >big.csv
	crm-import -q orders big.csv
	csv prog.txt 'currency = KRW' 'earn = 1 per 100' 'pending = 14 days' 'expires = 12 months month-end' 'signup = 100'
	crm-loyalty --as-of 2024-01-01 program -q --program prog.txt
	crm-loyalty --as-of 2025-06-30 earn -q
	dump() { q "SELECT * FROM loyalty_entries ORDER BY entry_id; SELECT * FROM loyalty_runs ORDER BY run_id"; }
	dump >before.txt
	[ "$(wc -l <before.txt)" -gt 1000 ]
	crm-loyalty --as-of 2026-10-31 earn -q &
	local pid=$! i
	# in the middle: after 0.3 s of its CPU time (of about 2.5 s).  Not the
	# WAL's size: with earn's 64 MB cache the WAL grows only at the commit.
	for ((i = 0; i < 400; i++)); do
		[ "$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)" -ge 30 ] && break
		sleep 0.02
	done
	kill -9 "$pid" 2>/dev/null || fail "earn ended before the kill"
	wait "$pid" || true
	dump >after.txt
	assert_golden before.txt after.txt
	# and the next run does the whole of it
	crm-loyalty --as-of 2026-10-31 earn -q
	[ "$(q "SELECT count(*) FROM loyalty_runs")" = 2 ]
}
