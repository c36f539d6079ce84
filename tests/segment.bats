#!/usr/bin/env bats
# crm-segment: RFM figures, scores, segments, history.
load helpers

# Five customers a..e whose figures rise step by step; as of 2026-11-01:
#   a r=1 f=1 m=1000   b r=12 f=2 m=3000   c r=61 f=3 m=6000
#   d r=184 f=4 m=10000   e r=365 f=5 m=20000
five() {
	csv orders.csv order_id,customer_id,email,ordered_at,amount,currency,status \
		1,a,a@x.kr,2026-10-31,1000,KRW,paid \
		2,b,b@x.kr,2026-10-01,1000,KRW,paid 3,b,,2026-10-20,2000,KRW,paid \
		4,c,c@x.kr,2026-07-01,2000,KRW,paid 5,c,,2026-08-01,2000,KRW,paid \
		6,c,,2026-09-01,2000,KRW,paid 7,c,,2026-09-02,99000,KRW,cancelled \
		8,d,d@x.kr,2026-02-01,2500,KRW,paid 9,d,,2026-03-01,2500,KRW,paid \
		10,d,,2026-04-01,2500,KRW,pending 11,d,,2026-05-01,2500,KRW,paid \
		12,e,e@x.kr,2025-06-01,4000,KRW,paid 13,e,,2025-07-01,4000,KRW,paid \
		14,e,,2025-08-01,4000,KRW,paid 15,e,,2025-09-01,4000,KRW,paid \
		16,e,,2025-11-01,4000,KRW,paid 17,e,,2026-10-30,5000,KRW,refunded \
		18,,,2026-10-30,7000,KRW,paid
}

HEADER=customer_id,email,name,recency,frequency,monetary,currency,first_order,last_order,r,f,m,rfm,segment

@test "segment: figures, quintile scores and grid segments from the database" {
	five
	crm-import -q orders orders.csv
	run crm-segment --as-of 2026-11-01
	assert_success
	assert_output "$HEADER
a,a@x.kr,,1,1,1000,KRW,2026-10-31,2026-10-31,5,1,1,511,New
b,b@x.kr,,12,2,3000,KRW,2026-10-01,2026-10-20,4,2,2,422,Potential Loyalists
c,c@x.kr,,61,3,6000,KRW,2026-07-01,2026-09-01,3,3,3,333,Need Attention
d,d@x.kr,,184,4,10000,KRW,2026-02-01,2026-05-01,2,4,4,244,At Risk
e,e@x.kr,,365,5,20000,KRW,2025-06-01,2025-11-01,1,5,5,155,Can't Lose"
}

@test "segment: the same result from an orders stream as from the database" {
	five
	# an order with an e-mail and no customer id is that e-mail's customer
	echo "19,,g@x.kr,2026-10-30,7000,KRW,paid" >>orders.csv
	crm-import -q orders orders.csv
	crm-segment --as-of 2026-11-01 >db.out
	run --keep-empty-lines crm-segment --as-of 2026-11-01 orders.csv
	assert_success
	assert_golden db.out
	# standard input as a pipe, no database named: the stream
	unset CRM_DB
	run --keep-empty-lines sh -c 'cat orders.csv | crm-segment --as-of 2026-11-01'
	assert_success
	assert_golden db.out
	# and a larger synthetic shop
	"$CRM_BUILD/crm-synth" --orders 5000 orders >big.csv
	export CRM_DB=$BATS_TEST_TMPDIR/big.db
	crm-import -q orders big.csv
	crm-segment --as-of 2026-12-01 >db.tsv
	[ "$(wc -l <db.tsv)" -gt 1000 ]
	crm-segment --as-of 2026-12-01 - <big.csv >stream.tsv
	cmp db.tsv stream.tsv
}

@test "segment: a stream's default as-of day is the day after its last order" {
	five
	run crm-segment --summary orders.csv
	assert_success
	run crm-segment orders.csv
	assert_line --index 1 "a,a@x.kr,,1,1,1000,KRW,2026-10-31,2026-10-31,5,1,1,511,New"
}

@test "segment: the database's default as-of day is today in --tz" {
	csv o.csv order_id,customer_id,ordered_at,amount,currency 1,a,2020-01-01,5,KRW
	crm-import -q orders o.csv
	run crm-segment
	assert_success
	today=$(date -u +%F)
	days=$(( ($(date -u -d "$today" +%s) - $(date -u -d 2020-01-01 +%s)) / 86400 ))
	assert_line --index 1 "a,,,$days,1,5,KRW,2020-01-01,2020-01-01,1,1,1,111,Hibernating"
}

@test "segment: an as-of day before the last orders computes from the orders up to it" {
	five
	crm-import -q orders orders.csv
	# a, b and c had not ordered yet; d had four orders, e five
	run crm-segment --as-of 2026-06-01
	assert_success
	assert_output "$HEADER
d,d@x.kr,,31,4,10000,KRW,2026-02-01,2026-05-01,3,1,1,311,About to Sleep
e,e@x.kr,,212,5,20000,KRW,2025-06-01,2025-11-01,1,3,3,133,At Risk"
	run crm-segment --as-of 2026-06-01 orders.csv
	assert_output "$(crm-segment --as-of 2026-06-01)"
}

@test "segment: equal figures get equal scores, whatever the input order" {
	csv o.csv order_id,customer_id,ordered_at,amount,currency \
		1,p,2026-10-01,500,KRW 2,q,2026-10-01,500,KRW 3,r,2026-09-01,100,KRW \
		4,s,2026-10-01,500,KRW
	run crm-segment --as-of 2026-11-01 o.csv
	assert_success
	assert_output "$HEADER
p,,,31,1,500,KRW,2026-10-01,2026-10-01,2,1,2,212,Hibernating
q,,,31,1,500,KRW,2026-10-01,2026-10-01,2,1,2,212,Hibernating
r,,,61,1,100,KRW,2026-09-01,2026-09-01,1,1,1,111,Hibernating
s,,,31,1,500,KRW,2026-10-01,2026-10-01,2,1,2,212,Hibernating"
	{ head -1 o.csv; tail -n +2 o.csv | tac; } >rev.csv
	run crm-segment --as-of 2026-11-01 rev.csv
	assert_output "$(crm-segment --as-of 2026-11-01 o.csv)"
}

@test "segment: quintile scores are 1 + floor(5 B / N), B the customers with a worse figure" {
	# scorecheck draws many shapes of figures (alike, two values, small and
	# wide spans, one customer stretching the span, the ends of int64) and
	# compares every score with a plain sort's
	for seed in 1 2 3; do
		run "$CRM_BUILD/t/scorecheck" "$seed"
		assert_success
		assert_output --regexp '^ok 264 [0-9]+$'
	done
}

@test "segment: one customer, and all customers alike, score 1 everywhere" {
	csv one.csv order_id,customer_id,ordered_at,amount,currency 1,solo,2026-10-01,500,KRW
	run crm-segment --as-of 2026-11-01 one.csv
	assert_success
	assert_line --index 1 "solo,,,31,1,500,KRW,2026-10-01,2026-10-01,1,1,1,111,Hibernating"
	csv same.csv order_id,customer_id,ordered_at,amount,currency \
		1,x,2026-10-01,500,KRW 2,y,2026-10-01,500,KRW 3,z,2026-10-01,500,KRW
	run crm-segment --as-of 2026-11-01 --summary same.csv
	assert_line "Hibernating,3,100.0,1500,100.0,KRW"
}

@test "segment: no orders gives the header alone, and a summary of zeros" {
	csv none.csv order_id,customer_id,ordered_at,amount,currency
	run crm-segment --as-of 2026-11-01 none.csv
	assert_success
	assert_output "$HEADER"
	run crm-segment --as-of 2026-11-01 --summary none.csv
	assert_success
	assert_line --index 0 "segment,customers,customers_pct,revenue,revenue_pct,currency"
	assert_line "Champions,0,0.0,0,0.0,"
	crm-import -q customers <(printf 'customer_id\nz\n')
	run crm-segment --as-of 2026-11-01
	assert_success
	assert_output "$HEADER"
}

@test "segment: every cell of the R x F grid belongs to exactly one segment" {
	run "$CRM_BUILD/t/gridcheck"
	assert_success
	[ "$(echo "$output" | wc -l)" -eq 25 ]
	refute_line --regexp '^[1-5] [1-5] [^1] '
	# the grid of crm-segment(1), restated
	assert_output "5 1 1 New
5 2 1 Potential Loyalists
5 3 1 Potential Loyalists
5 4 1 Champions
5 5 1 Champions
4 1 1 Promising
4 2 1 Potential Loyalists
4 3 1 Potential Loyalists
4 4 1 Loyal
4 5 1 Loyal
3 1 1 About to Sleep
3 2 1 About to Sleep
3 3 1 Need Attention
3 4 1 Loyal
3 5 1 Loyal
2 1 1 Hibernating
2 2 1 Hibernating
2 3 1 At Risk
2 4 1 At Risk
2 5 1 Can't Lose
1 1 1 Hibernating
1 2 1 Hibernating
1 3 1 At Risk
1 4 1 At Risk
1 5 1 Can't Lose"
}

@test "segment: --bins puts one customer in each of the 25 cells, end to end" {
	{
		echo order_id,customer_id,ordered_at,amount,currency
		n=0
		for r in 1 2 3 4 5; do
			days=$(( (5 - r) * 10 + 5 ))
			last=$(date -u -d "2026-11-01 - $days days" +%F)
			for f in 1 2 3 4 5; do
				for ((k = 0; k < f; k++)); do
					echo "$((n += 1)),c$r$f,$last,1000,KRW"
				done
			done
		done
	} >grid.csv
	run crm-segment --as-of 2026-11-01 --bins R=10,20,30,40 --bins F=1,2,3,4 grid.csv
	assert_success
	"$CRM_BUILD/t/gridcheck" | while read -r r f _ name; do
		echo "$output" | grep -q ",$r$f[0-9],$name\$" || fail "cell R$r F$f is not '$name'"
		echo "$output" | grep -q "^c$r$f," || fail "no customer c$r$f"
	done
}

@test "segment: --bins for monetary are in major units of the currency" {
	csv o.csv order_id,customer_id,ordered_at,amount,currency \
		1,a,2026-10-01,9.99,USD 2,b,2026-10-01,10.00,USD 3,c,2026-10-01,10.01,USD \
		4,d,2026-10-01,1000,USD
	run crm-segment --as-of 2026-11-01 --bins M=10,20,30,40 o.csv
	assert_success
	assert_line --index 1 --partial "a,,,31,1,9.99,USD,2026-10-01,2026-10-01,1,1,1,"
	assert_line --index 2 --partial "b,,,31,1,10.00,USD,2026-10-01,2026-10-01,1,1,1,"
	assert_line --index 3 --partial "c,,,31,1,10.01,USD,2026-10-01,2026-10-01,1,1,2,"
	assert_line --index 4 --partial ",5,"
	run crm-segment --bins M=10,20,30 o.csv
	assert_failure 2
	assert_output --partial "crm-segment: --bins 'M=10,20,30': expected four cut-offs, found 3"
	run crm-segment --bins F=3,2,4,5 o.csv
	assert_failure 2
	assert_output --partial "expected four increasing whole numbers, such as F=1,2,3,5"
	run crm-segment --bins M=1.001,2,3,4 o.csv
	assert_failure 2
	assert_output --partial "expected four increasing amounts"
}

@test "segment: the lifecycle scheme and its thresholds" {
	five
	run crm-segment --scheme lifecycle --as-of 2026-11-01 orders.csv
	assert_success
	assert_line --index 1 --regexp ',New$'
	assert_line --index 2 --regexp '^b,.*,Regular$'
	assert_line --index 3 --regexp '^c,.*,Regular$'
	assert_line --index 4 --regexp '^d,.*,At Risk$'
	assert_line --index 5 --regexp '^e,.*,At Risk$'
	run crm-segment --scheme lifecycle --as-of 2026-11-01 --lost-days 300 orders.csv
	assert_line --index 4 --regexp '^d,.*,At Risk$'
	assert_line --index 5 --regexp '^e,.*,Lost$'
	run crm-segment --scheme lifecycle --as-of 2026-11-01 --vip-orders 2 --risk-days 200 \
		--lost-days 400 --new-days 0 orders.csv
	assert_line --index 1 --regexp '^a,.*,Regular$'
	assert_line --index 2 --regexp '^b,.*,VIP$'
	assert_line --index 4 --regexp '^d,.*,VIP$'
	assert_line --index 5 --regexp '^e,.*,At Risk$'
	run crm-segment --scheme lifecycle --as-of 2026-11-01 --vip-spend 6000 orders.csv
	assert_line --index 3 --regexp '^c,.*,VIP$'
	run crm-segment --scheme lifecycle --new-days x orders.csv
	assert_failure 2
	assert_output --partial "--new-days 'x': expected a whole number of days"
	run crm-segment --scheme rfx orders.csv
	assert_failure 2
	assert_output --partial "--scheme must be rfm or lifecycle, not 'rfx'"
}

@test "segment: --segment keeps one segment with the header, and pipes" {
	five
	run crm-segment --as-of 2026-11-01 --segment "at risk" orders.csv
	assert_success
	assert_output "$HEADER
d,d@x.kr,,184,4,10000,KRW,2026-02-01,2026-05-01,2,4,4,244,At Risk"
	run crm-segment --segment Sleepers orders.csv
	assert_failure 2
	assert_output --partial "--segment 'Sleepers': no such segment (one of 'Champions', 'Loyal',"
}

@test "segment: --summary counts customers and revenue per segment" {
	five
	run crm-segment --as-of 2026-11-01 --summary orders.csv
	assert_success
	assert_output "segment,customers,customers_pct,revenue,revenue_pct,currency
Champions,0,0.0,0,0.0,KRW
Loyal,0,0.0,0,0.0,KRW
Potential Loyalists,1,20.0,3000,7.5,KRW
New,1,20.0,1000,2.5,KRW
Promising,0,0.0,0,0.0,KRW
Need Attention,1,20.0,6000,15.0,KRW
About to Sleep,0,0.0,0,0.0,KRW
At Risk,1,20.0,10000,25.0,KRW
Can't Lose,1,20.0,20000,50.0,KRW
Hibernating,0,0.0,0,0.0,KRW"
}

@test "segment: --opted-in keeps customers who agreed to marketing" {
	five
	crm-import -q orders orders.csv
	csv c.csv customer_id,marketing_opt_in a,Y b,N c,yes d,
	crm-import -q customers c.csv
	run crm-segment --as-of 2026-11-01 --opted-in
	assert_success
	assert_output "$HEADER
a,a@x.kr,,1,1,1000,KRW,2026-10-31,2026-10-31,5,1,1,511,New
c,c@x.kr,,61,3,6000,KRW,2026-07-01,2026-09-01,3,3,3,333,Need Attention"
	run crm-segment --as-of 2026-11-01 --opted-in --summary
	assert_line "New,1,50.0,1000,14.3,KRW"
	run crm-segment --opted-in orders.csv
	assert_failure 2
	assert_output --partial "--opted-in (consent is kept with customers) needs the database"
}

@test "segment: --save records runs, --diff counts the moves and --list names the movers" {
	five
	crm-import -q orders orders.csv
	run crm-segment --scheme lifecycle --as-of 2026-11-01 --save --summary
	assert_success
	csv more.csv order_id,customer_id,ordered_at,amount,currency 30,f,2027-02-20,100,KRW \
		31,d,2027-02-25,100,KRW
	crm-import -q orders more.csv
	crm-segment --scheme lifecycle --as-of 2027-03-01 --save >/dev/null
	run crm-segment --runs
	assert_success
	assert_line --index 0 "run_id,saved_at,as_of,scheme,currency,customers"
	assert_line --index 1 --regexp '^1,20[0-9-]+T[0-9:]+Z,2026-11-01,lifecycle,KRW,5$'
	assert_line --index 2 --regexp '^2,.*,2027-03-01,lifecycle,KRW,6$'
	run crm-segment --diff
	assert_success
	assert_output "from,to,customers
Regular,At Risk,2
(new),New,1
At Risk,Lost,1
At Risk,VIP,1
New,At Risk,1"
	run crm-segment --diff=1:2 --list
	assert_success
	assert_output "customer_id,email,name,from,to
a,a@x.kr,,New,At Risk
b,b@x.kr,,Regular,At Risk
c,c@x.kr,,Regular,At Risk
d,d@x.kr,,At Risk,VIP
e,e@x.kr,,At Risk,Lost
f,,,(new),New"
	run crm-segment --diff --list --segment 'at risk'
	assert_output "customer_id,email,name,from,to
a,a@x.kr,,New,At Risk
b,b@x.kr,,Regular,At Risk
c,c@x.kr,,Regular,At Risk"
	run crm-segment --diff=1:9
	assert_failure 1
	assert_output --partial "no saved segment run 9 (see --runs)"
	run crm-segment --diff=x
	assert_failure 2
	assert_output --partial "--diff 'x': expected OLD:NEW"
}

@test "segment: --diff with fewer than two saved runs says so" {
	five
	crm-import -q orders orders.csv
	run crm-segment --diff
	assert_failure 1
	assert_output --partial "no saved segment runs; save runs with --save to compare them"
	run crm-segment --save orders.csv
	assert_failure 2
	assert_output --partial "--save needs the database"
}

@test "segment: a rules file defines the shop's own segments" {
	five
	cat >rules.txt <<'EOF'
# our own segments
Big:      m >= 10000
Fresh:    r <= 30 and f <= 2
EOF
	run crm-segment --as-of 2026-11-01 --rules rules.txt orders.csv
	assert_success
	assert_line --index 1 --regexp '^a,.*,Fresh$'
	assert_line --index 2 --regexp '^b,.*,Fresh$'
	assert_line --index 3 --regexp '^c,.*,Other$'
	assert_line --index 4 --regexp '^d,.*,Big$'
	assert_line --index 5 --regexp '^e,.*,Big$'
	run crm-segment --as-of 2026-11-01 --rules rules.txt --summary orders.csv
	assert_output "segment,customers,customers_pct,revenue,revenue_pct,currency
Big,2,40.0,30000,75.0,KRW
Fresh,2,40.0,4000,10.0,KRW
Other,1,20.0,6000,15.0,KRW"
}

@test "segment: a bad rules file names the file, line and problem" {
	five
	printf 'Good: f >= 2\nBad: q > 3\n' >rules.txt
	run crm-segment --rules rules.txt orders.csv
	assert_failure 2
	assert_output --regexp "^crm-segment: rules.txt:2: column [0-9]+: unknown name 'q'"
	run crm-segment --rules missing.txt orders.csv
	assert_failure 3
	assert_output --partial "missing.txt"
	run crm-segment --rules rules.txt --scheme rfm orders.csv
	assert_failure 2
	assert_output --partial "--rules and --scheme exclude each other"
}

@test "segment: a bad as-of date, a bad row and several currencies are errors" {
	five
	run crm-segment --as-of 2026-13-01 orders.csv
	assert_failure 2
	assert_output "crm-segment: --as-of '2026-13-01' is not a date (YYYY-MM-DD)
Try 'crm-segment --help' for more information."
	printf '99,a,,2026-10-32,5,KRW,paid\n100,a,,2026-10-01,5,KRW\n' >>orders.csv
	run crm-segment --as-of 2026-11-01 orders.csv
	assert_failure 1
	assert_line --index 0 "crm-segment: orders.csv:20: column 'ordered_at': '2026-10-32' is not a date"
	assert_line --index 1 "crm-segment: orders.csv:21: expected 7 fields as in the header, found 6"
	assert_line --index 2 "$HEADER"
	csv two.csv order_id,customer_id,ordered_at,amount,currency 1,a,2026-10-01,5,KRW \
		2,b,2026-10-01,5,USD
	run crm-segment two.csv
	assert_failure 1
	assert_output "crm-segment: customers have orders in KRW and USD: choose one with --currency"
	run crm-segment --currency usd two.csv
	assert_success
	assert_line --index 1 "b,,,1,1,5.00,USD,2026-10-01,2026-10-01,1,1,1,111,Hibernating"
	crm-import -q orders two.csv
	run crm-segment
	assert_failure 1
	assert_output "crm-segment: customers have orders in KRW and USD: choose one with --currency"
}

@test "segment: the database is read in two halves: a currency or a late order in either is seen" {
	# ids a and b lie on either side of the split (the midpoint of the least and greatest)
	csv two.csv order_id,customer_id,ordered_at,amount,currency 1,a,2026-10-01,5,KRW \
		2,b,2026-10-01,5,USD
	crm-import -q orders two.csv
	run crm-segment --as-of 2026-11-01
	assert_failure 1
	assert_output "crm-segment: customers have orders in KRW and USD: choose one with --currency"
	run crm-segment --as-of 2026-11-01 --currency USD
	assert_success
	assert_line --index 1 "b,,,31,1,5.00,USD,2026-10-01,2026-10-01,1,1,1,111,Hibernating"
	# b's dollars now come after the as-of day: the figures come from the
	# orders up to it, which know no second currency (a late order outranks
	# a currency met before it)
	csv late.csv order_id,customer_id,ordered_at,amount,currency 2,b,2026-12-01,5,USD \
		3,c,2026-10-02,7,KRW
	crm-import -q orders late.csv
	crm-segment --as-of 2026-11-01 >db.csv
	{ head -n 2 two.csv; tail -n +2 late.csv; } >now.csv
	run --keep-empty-lines crm-segment --as-of 2026-11-01 now.csv
	assert_success
	assert_golden db.csv
	[ "$(wc -l <db.csv)" = 3 ]
}

@test "segment: an order committed between the two connections' snapshots is counted, on the first" {
	five
	crm-import -q orders orders.csv
	csv more.csv order_id,customer_id,ordered_at,amount,currency,status 19,e,2026-10-31,500,KRW,paid
	mkfifo go
	# the second connection's snapshot begins, the import commits, then the
	# first's begins: e, in the upper half, is read again on the first
	CRM_TEST_TWIN_PAUSE=go crm-segment --as-of 2026-11-01 >paused.csv &
	segmenter=$!
	crm-import -q orders more.csv
	timeout 30 sh -c 'echo >go' || fail "crm-segment did not wait"
	wait "$segmenter"
	crm-segment --as-of 2026-11-01 >after.csv
	assert_equal "$(cat paused.csv)" "$(cat after.csv)"
	run grep -c '^e,e@x.kr,,1,6,20500,' after.csv
	assert_output 1
}

@test "segment: both halves convert days in a named zone with summer time, as the stream does" {
	"$CRM_BUILD/crm-synth" --orders 5000 orders >big.csv
	for tz in America/New_York Asia/Seoul; do
		# the file's times are local times of the zone, for both
		export CRM_DB=$BATS_TEST_TMPDIR/${tz%/*}.db
		crm-import -q --tz "$tz" orders big.csv
		crm-segment --tz "$tz" --as-of 2026-12-01 >db.csv
		crm-segment --tz "$tz" --as-of 2026-12-01 big.csv >stream.csv
		[ "$(wc -l <db.csv)" -gt 1000 ]
		cmp db.csv stream.csv
	done
}

@test "segment: no database is an error that says what to do" {
	run crm-segment --db nowhere.db
	assert_failure 3
	assert_output --partial "nowhere.db: no such database (import something first: crm-import)"
	[ ! -e nowhere.db ]
}

@test "segment: customers' text cannot run as a spreadsheet formula" {
	csv o.csv order_id,customer_id,name,ordered_at,amount,currency '1,a,=HYPERLINK(1),2026-10-01,5,KRW'
	run crm-segment o.csv
	assert_success
	assert_line --index 1 --partial "a,,'=HYPERLINK(1),"
}

@test "segment: days are local days in --tz, for stored and streamed orders alike" {
	csv o.csv order_id,customer_id,ordered_at,amount,currency 1,a,2026-10-31T20:00:00Z,5,KRW \
		2,b,2026-10-31T14:00:00Z,5,KRW
	crm-import -q orders o.csv
	for tz in Asia/Seoul +09:00; do
		run crm-segment --tz "$tz" --as-of 2026-11-01
		assert_success
		assert_line --index 1 --partial "a,,,0,1,5,KRW,2026-11-01,2026-11-01,"
		assert_line --index 2 --partial "b,,,1,1,5,KRW,2026-10-31,2026-10-31,"
		run crm-segment --tz "$tz" --as-of 2026-11-01 o.csv
		assert_line --index 1 --partial "a,,,0,1,5,KRW,2026-11-01,2026-11-01,"
	done
	run crm-segment --as-of 2026-11-01
	assert_line --index 1 --partial "a,,,1,1,5,KRW,2026-10-31,2026-10-31,"
}

@test "segment: crm segment runs crm-segment" {
	csv o.csv order_id,customer_id,ordered_at,amount,currency 1,a,2026-10-01,5,KRW
	run crm segment --as-of 2026-11-01 o.csv
	assert_success
	assert_line --index 1 "a,,,31,1,5,KRW,2026-10-01,2026-10-01,1,1,1,111,Hibernating"
}

@test "segment: a stream's own headers, day-first dates, TSV and a legacy encoding" {
	printf '%s\n' '회원ID,Bestelldatum,결제금액' 'a,03/10/2026,"12,900원"' 'a,04/10/2026,1000원' \
		'b,01/10/2026,500원' >kr.csv
	run crm-segment --as-of 2026-11-01 --map ordered_at=Bestelldatum --date-order dmy kr.csv
	assert_success
	assert_line --index 1 "a,,,28,2,13900,KRW,2026-10-03,2026-10-04,3,3,3,333,Need Attention"
	assert_line --index 2 "b,,,31,1,500,KRW,2026-10-01,2026-10-01,1,1,1,111,Hibernating"
	run crm-segment --as-of 2026-11-01 kr.csv
	assert_failure 1
	assert_output --partial "missing required column 'ordered_at'"
	tr , '\t' <kr.csv | sed 's/"//g; s/12\t900/12900/' | iconv -f utf-8 -t cp949 >kr.tsv
	run crm-segment -t --encoding cp949 --as-of 2026-11-01 --map ordered_at=Bestelldatum \
		--date-order dmy kr.tsv
	assert_success
	assert_line --index 1 "$(printf 'a\t\t\t28\t2\t13900\tKRW\t2026-10-03\t2026-10-04\t3\t3\t3\t333\tNeed Attention')"
}
