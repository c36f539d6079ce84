#!/usr/bin/env bats
# crm-loyalty tiers and birthday (issue 16): who moves between the tiers as
# of a day, saved with their moves; the birthday bonus once per customer and
# year.  Every figure below is worked out by hand from the orders.
load helpers

# program FILE VERSION EFFECTIVE: store a program's text as that version, in
# force from EFFECTIVE (as crm-loyalty program would).
program() {
	q "INSERT INTO loyalty_programs VALUES ($2, '$3', '$3', CAST(readfile('$1') AS TEXT))"
}

# The shop of issue 16's example program: Silver from 300,000 KRW in 12
# months, Gold from 1,000,000 or 10 orders, a month of grace.
shop() {
	csv prog.txt 'currency = KRW' 'earn = 1 per 100' 'expires = 12 months month-end' \
		'tier Silver = spend >= 300000 in 12 months, earn x1.5' \
		'tier Gold = spend >= 1000000 in 12 months or orders >= 10 in 12 months, earn x2' \
		'downgrade = at evaluation, grace 1 month' 'birthday = 2000'
	csv people.csv customer_id,email,name,birthday \
		c1,c1@x.com,Ann,1990-01-05 c2,c2@x.com,Bob,1985-02-10 c3,c3@x.com,Cy, \
		c4,c4@x.com,Di, c5,c5@x.com,Ed,
	crm-import -q customers people.csv
	program prog.txt 1 2025-01-01T00:00:00Z
}

# orders LINE...: import orders (order_id,customer_id,ordered_at,amount,currency,status).
orders() {
	csv orders.csv order_id,customer_id,ordered_at,amount,currency,status "$@"
	crm-import -q orders orders.csv
}

@test "tiers: up at once by spend or by orders (or), spend net of returns, other currencies and unpaid orders left out" {
	shop
	local ten=() i
	for i in 0 1 2 3 4 5 6 7 8 9; do ten+=("t$i,c3,2026-02-0$((i % 9 + 1)),10000,KRW,paid"); done
	orders o1,c1,2026-01-10,200000,KRW,paid o2,c1,2026-03-01,150000,KRW,paid \
		o3,c2,2026-02-01,1000000,KRW,paid "${ten[@]}" \
		o4,c4,2026-02-01,400000,KRW,paid o5,c4,2026-02-10,-150000,KRW,paid \
		o6,c5,2026-02-01,900000,KRW,cancelled o7,c5,2026-02-02,5000.00,USD,paid
	run crm-loyalty tiers --as-of 2026-03-15
	assert_success
	assert_output - <<'EOF'
customer_id,email,name,old,new,change,why
c1,c1@x.com,Ann,,Silver,up,"spend 350,000 >= 300,000 in 12 months"
c2,c2@x.com,Bob,,Gold,up,"spend 1,000,000 >= 1,000,000 in 12 months"
c3,c3@x.com,Cy,,Gold,up,orders 10 >= 10 in 12 months
EOF
	# without --save nothing is written
	[ "$(q 'SELECT count(*) FROM loyalty_tier_moves') $(q 'SELECT count(*) FROM loyalty_tiers')" = "0 0" ]
	[ "$(q 'SELECT count(*) FROM loyalty_runs')" = 0 ]
}

@test "tiers --save: the moves effective from the day's first instant in --tz, the tiers held, a run; again the same day moves no one" {
	shop
	orders o1,c1,2026-01-10T00:00:00Z,350000,KRW,paid o2,c2,2026-02-01T00:00:00Z,1000000,KRW,paid
	CRM_TEST_CLOCK=2026-03-15T06:00:00Z run crm-loyalty tiers --tz Asia/Seoul --as-of 2026-03-15 --save -q
	assert_success
	assert_line --index 1 'c1,c1@x.com,Ann,,Silver,up,"spend 350,000 >= 300,000 in 12 months"'
	run q "SELECT customer_id, effective_at, from_tier, to_tier, why, run_id FROM loyalty_tier_moves ORDER BY move_id"
	assert_output - <<'EOF'
c1|2026-03-14T15:00:00Z||Silver|spend 350,000 >= 300,000 in 12 months|1
c2|2026-03-14T15:00:00Z||Gold|spend 1,000,000 >= 1,000,000 in 12 months|1
EOF
	run q "SELECT * FROM loyalty_tiers ORDER BY 1"
	assert_output $'c1|Silver|2026-03-15|2026-03-15\nc2|Gold|2026-03-15|2026-03-15'
	run q "SELECT run_id, verb, as_of, at FROM loyalty_runs"
	assert_output '1|tiers|2026-03-15|2026-03-15T06:00:00Z'
	# the same day again: no one moves, a second run; the summary on standard error
	run --separate-stderr crm-loyalty tiers --tz Asia/Seoul --as-of 2026-03-15 --save
	assert_success
	assert_output 'customer_id,email,name,old,new,change,why'
	[ "$stderr" = "crm-loyalty: tiers: 2 customers evaluated; 0 up, 0 down, 0 held" ]
	[ "$(q 'SELECT count(*) FROM loyalty_tier_moves') $(q 'SELECT count(*) FROM loyalty_runs')" = "2 2" ]
}

@test "tiers: down only after the grace, held inside it, straight to the tier qualified for; last_qualified kept while held" {
	shop
	orders g1,c1,2025-03-20,350000,KRW,paid g2,c2,2025-03-20,1000000,KRW,paid \
		g3,c2,2026-03-01,300000,KRW,paid
	run crm-loyalty tiers --as-of 2026-03-15 --save -q
	assert_success
	assert_output - <<'EOF'
customer_id,email,name,old,new,change,why
c1,c1@x.com,Ann,,Silver,up,"spend 350,000 >= 300,000 in 12 months"
c2,c2@x.com,Bob,,Gold,up,"spend 1,300,000 >= 1,000,000 in 12 months"
EOF
	# 2026-03-20: the window starts on 2025-03-21; both qualify lower, held
	# through a month after 2026-03-15
	for day in 2026-03-20 2026-04-15; do
		run crm-loyalty tiers --as-of $day --save -q
		assert_success
		assert_output - <<'EOF'
customer_id,email,name,old,new,change,why
c1,c1@x.com,Ann,Silver,Silver,held,"spend 0 < 300,000 in 12 months; held through 2026-04-15 (grace 1 month)"
c2,c2@x.com,Bob,Gold,Gold,held,"spend 300,000 < 1,000,000 in 12 months and orders 1 < 10 in 12 months; held through 2026-04-15 (grace 1 month)"
EOF
	done
	run q "SELECT * FROM loyalty_tiers ORDER BY 1"
	assert_output $'c1|Silver|2026-03-15|2026-03-15\nc2|Gold|2026-03-15|2026-03-15'
	[ "$(q 'SELECT count(*) FROM loyalty_tier_moves')" = 2 ]
	run crm-loyalty tiers --as-of 2026-04-16 --save -q
	assert_success
	assert_output - <<'EOF'
customer_id,email,name,old,new,change,why
c1,c1@x.com,Ann,Silver,,down,"spend 0 < 300,000 in 12 months; grace 1 month ended 2026-04-15"
c2,c2@x.com,Bob,Gold,Silver,down,"spend 300,000 < 1,000,000 in 12 months and orders 1 < 10 in 12 months; grace 1 month ended 2026-04-15"
EOF
	run q "SELECT customer_id, effective_at, from_tier, to_tier, run_id FROM loyalty_tier_moves WHERE move_id > 2 ORDER BY move_id"
	assert_output $'c1|2026-04-16T00:00:00Z|Silver||4\nc2|2026-04-16T00:00:00Z|Gold|Silver|4'
	run q "SELECT * FROM loyalty_tiers ORDER BY 1"
	assert_output $'c1||2026-04-16|2026-04-16\nc2|Silver|2026-04-16|2026-04-16'
}

@test "tiers: downgrade = never holds the tier for good, in the program version in force on the day" {
	shop
	sed 's/^downgrade = .*/downgrade = never/' prog.txt >never.txt
	program never.txt 2 2026-04-01T00:00:00Z
	orders g1,c1,2025-03-20,350000,KRW,paid
	crm-loyalty tiers --as-of 2026-03-15 --save
	run crm-loyalty tiers --as-of 2026-03-31
	assert_output --partial 'Silver,Silver,held,"spend 0 < 300,000 in 12 months; held through 2026-04-15 (grace 1 month)"'
	run crm-loyalty tiers --as-of 2027-06-01 --save -q
	assert_success
	assert_output - <<'EOF'
customer_id,email,name,old,new,change,why
c1,c1@x.com,Ann,Silver,Silver,held,"spend 0 < 300,000 in 12 months; downgrade = never"
EOF
	[ "$(q 'SELECT count(*) FROM loyalty_tier_moves')" = 1 ]
}

@test "tiers: and conditions, each over its own window; the 30 days' first day counts, the day before does not" {
	csv prog.txt 'currency = KRW' 'earn = 1 per 100' \
		'tier VIP = spend >= 500000 in 12 months and orders >= 3 in 30 days'
	csv people.csv customer_id,email,name a1,,A a2,,B a3,,C a4,,D a5,,E
	crm-import -q customers people.csv
	program prog.txt 1 2025-01-01T00:00:00Z
	# 30 days to 2026-03-15: 2026-02-14 .. 2026-03-15
	orders x1,a1,2026-01-01,600000,KRW,paid \
		x2,a2,2026-03-01,200000,KRW,paid x3,a2,2026-03-05,200000,KRW,paid x4,a2,2026-03-10,200000,KRW,paid \
		x5,a3,2026-03-01,100000,KRW,paid x6,a3,2026-03-05,100000,KRW,paid x7,a3,2026-03-10,100000,KRW,paid \
		x8,a4,2026-02-14,400000,KRW,paid x9,a4,2026-03-01,100000,KRW,paid xa,a4,2026-03-02,100000,KRW,paid \
		xb,a5,2026-02-13,400000,KRW,paid xc,a5,2026-03-01,100000,KRW,paid xd,a5,2026-03-02,100000,KRW,paid
	run crm-loyalty tiers --as-of 2026-03-15 --save -q
	assert_success
	assert_output - <<'EOF'
customer_id,email,name,old,new,change,why
a2,,B,,VIP,up,"spend 600,000 >= 500,000 in 12 months and orders 3 >= 3 in 30 days"
a4,,D,,VIP,up,"spend 600,000 >= 500,000 in 12 months and orders 3 >= 3 in 30 days"
EOF
	# no grace: down at the first evaluation that misses one condition
	run crm-loyalty tiers --as-of 2026-03-16
	assert_output - <<'EOF'
customer_id,email,name,old,new,change,why
a4,,D,VIP,,down,orders 2 < 3 in 30 days
EOF
}

@test "tiers: the 12 months' edges to the second in --tz: the first day's midnight counts, the second before it does not; nothing after the day" {
	shop
	# Seoul is UTC+9: 2025-03-15T15:00:00Z is 2025-03-16 00:00 there
	orders e1,c1,2025-03-15T15:00:00Z,300000,KRW,paid e2,c2,2025-03-15T14:59:59Z,300000,KRW,paid \
		e3,c3,2026-03-15T14:59:59Z,300000,KRW,paid e4,c4,2026-03-15T15:00:00Z,300000,KRW,paid
	run crm-loyalty tiers --tz Asia/Seoul --as-of 2026-03-15
	assert_success
	assert_output - <<'EOF'
customer_id,email,name,old,new,change,why
c1,c1@x.com,Ann,,Silver,up,"spend 300,000 >= 300,000 in 12 months"
c3,c3@x.com,Cy,,Silver,up,"spend 300,000 >= 300,000 in 12 months"
EOF
	run crm-loyalty tiers --tz Asia/Seoul --as-of 2026-03-16
	assert_output - <<'EOF'
customer_id,email,name,old,new,change,why
c3,c3@x.com,Cy,,Silver,up,"spend 300,000 >= 300,000 in 12 months"
c4,c4@x.com,Di,,Silver,up,"spend 300,000 >= 300,000 in 12 months"
EOF
	# in UTC the same orders fall on other days: 2025-03-16 starts after e1
	run crm-loyalty tiers --tz UTC --as-of 2026-03-15
	assert_output - <<'EOF'
customer_id,email,name,old,new,change,why
c3,c3@x.com,Cy,,Silver,up,"spend 300,000 >= 300,000 in 12 months"
c4,c4@x.com,Di,,Silver,up,"spend 300,000 >= 300,000 in 12 months"
EOF
}

@test "tiers: text and json, the customer's text escaped; a tier the program no longer has is left" {
	shop
	q "UPDATE customers SET name = 'A'||char(27)||'[2J' WHERE customer_id = 'c1'"
	q "INSERT INTO loyalty_tiers VALUES ('c2', 'Platinum', '2026-01-01', '2026-01-01')"
	orders o1,c1,2026-01-10,350000,KRW,paid
	run crm-loyalty tiers --as-of 2026-03-15 --format text
	assert_success
	assert_line --index 1 --regexp '^c1 +c1@x.com +A\\x1b\[2J +- +Silver +up +spend 350,000 >= 300,000 in 12 months$'
	assert_line --index 2 --regexp '^c2 +c2@x.com +Bob +Platinum +- +down +not a tier of program version 1$'
	run crm-loyalty tiers --as-of 2026-03-15 --format json
	assert_success
	[[ "$output" == *'"name": "A\u001b[2J",'* ]]
	[[ "$output" == *'"old": null,'* ]]
	[[ "$output" == *'"change": "up",'* ]]
}

@test "tiers: no program in force is an error (exit 1); --save on a day before the last run's is refused (exit 7)" {
	csv people.csv customer_id,email c1,c1@x.com
	crm-import -q customers people.csv
	run crm-loyalty tiers --as-of 2026-03-15
	assert_failure 1
	assert_output "crm-loyalty: tiers: no program is stored; store one with 'crm-loyalty program --program FILE'"
	shop
	run crm-loyalty tiers --as-of 2024-12-31
	assert_failure 1
	assert_output "crm-loyalty: tiers: no program is in force yet; store one with 'crm-loyalty program --program FILE'"
	crm-loyalty tiers --as-of 2026-03-20 --save
	run crm-loyalty tiers --as-of 2026-03-19 --save -q
	assert_failure 7
	assert_output "crm-loyalty: --as-of 2026-03-19 is before the last run's day 2026-03-20 (tiers); the ledger does not go back"
	# a look without --save writes nothing and may look back
	run crm-loyalty tiers --as-of 2026-03-19
	assert_success
	run crm-loyalty birthday --month 1 --grant -q --as-of 2026-03-19
	assert_failure 7
	assert_output "crm-loyalty: --as-of 2026-03-19 is before the last run's day 2026-03-20 (tiers); the ledger does not go back"
	[ "$(q 'SELECT count(*) FROM loyalty_runs') $(q 'SELECT count(*) FROM loyalty_entries')" = "1 0" ]
}

# ---- birthday -----------------------------------------------------------------------------

@test "birthday --month: the customers born in the month (YYYY-MM-DD or MM-DD), whether granted" {
	shop
	q "UPDATE customers SET birthday = '01-20' WHERE customer_id = 'c3'"
	run crm-loyalty birthday --month 1 --as-of 2026-01-10
	assert_success
	assert_output - <<'EOF'
customer_id,email,name,birthday,granted
c1,c1@x.com,Ann,1990-01-05,no
c3,c3@x.com,Cy,01-20,no
EOF
	run crm-loyalty birthday --month 7 --as-of 2026-01-10
	assert_output 'customer_id,email,name,birthday,granted'
	[ "$(q 'SELECT count(*) FROM loyalty_runs')" = 0 ]
}

@test "birthday --grant: the program's points once per customer and year however often it runs, available at once, expiring per the program" {
	shop
	q "UPDATE customers SET birthday = '01-20' WHERE customer_id = 'c3'"
	run crm-loyalty birthday --month 1 --grant -q --as-of 2026-01-10
	assert_success
	assert_output - <<'EOF'
customer_id,email,name,birthday,granted
c1,c1@x.com,Ann,1990-01-05,yes
c3,c3@x.com,Cy,01-20,yes
EOF
	# the last second of the day (not today); 12 months month-end from January 2026
	run q "SELECT customer_id, kind, points, lot, at, reason, program, available_at, expires_at, run_id FROM loyalty_entries ORDER BY entry_id"
	assert_output - <<'EOF'
c1|bonus|2000||2026-01-10T23:59:59Z|birthday 2026|1|2026-01-10T23:59:59Z|2027-02-01T00:00:00Z|1
c3|bonus|2000||2026-01-10T23:59:59Z|birthday 2026|1|2026-01-10T23:59:59Z|2027-02-01T00:00:00Z|1
EOF
	# again that day, and later in the month: nothing more, a run each
	crm-loyalty birthday --month 1 --grant --as-of 2026-01-10 >/dev/null
	run crm-loyalty birthday --month 1 --grant -q --as-of 2026-01-31
	assert_success
	assert_line --index 1 c1,c1@x.com,Ann,1990-01-05,yes
	[ "$(q 'SELECT count(*) FROM loyalty_entries') $(q 'SELECT count(*) FROM loyalty_runs')" = "2 3" ]
	run q "SELECT verb, as_of FROM loyalty_runs ORDER BY run_id"
	assert_output $'birthday|2026-01-10\nbirthday|2026-01-10\nbirthday|2026-01-31'
	# the next year's January is another year
	run crm-loyalty birthday --month 1 --grant -q --as-of 2027-01-02
	assert_success
	run q "SELECT customer_id, reason FROM loyalty_entries WHERE run_id = 4 ORDER BY 1"
	assert_output $'c1|birthday 2027\nc3|birthday 2027'
}

@test "birthday --grant in December for January counts for the coming year: January's run grants nothing more" {
	shop
	run crm-loyalty birthday --month 1 --grant -q --as-of 2025-12-20
	assert_success
	run q "SELECT customer_id, reason, at FROM loyalty_entries"
	assert_output 'c1|birthday 2026|2025-12-20T23:59:59Z'
	run crm-loyalty birthday --month 1 --grant -q --as-of 2026-01-05
	assert_success
	assert_output $'customer_id,email,name,birthday,granted\nc1,c1@x.com,Ann,1990-01-05,yes'
	[ "$(q 'SELECT count(*) FROM loyalty_entries')" = 1 ]
	# and December's birthdays granted in early January count for the year gone
	q "UPDATE customers SET birthday = '1970-12-24' WHERE customer_id = 'c2'"
	crm-loyalty birthday --month 12 --grant --as-of 2026-01-05 >/dev/null
	[ "$(q "SELECT reason FROM loyalty_entries WHERE customer_id = 'c2'")" = "birthday 2025" ]
}

@test "birthday --grant on today's date stamps the clock's time; the summary on standard error" {
	shop
	export CRM_TEST_CLOCK=2026-01-10T09:30:00Z
	run --separate-stderr crm-loyalty birthday --month 1 --grant
	assert_success
	[ "$stderr" = "crm-loyalty: birthday: 1 granted (2000 points each) for 2026; 1 born in month 1" ]
	[ "$(q 'SELECT at || available_at FROM loyalty_entries')" = 2026-01-10T09:30:00Z2026-01-10T09:30:00Z ]
	run --separate-stderr crm-loyalty birthday --month 1 --grant -q
	[ -z "$stderr" ]
}

@test "birthday --grant: a program without birthday points, or none at all, is an error (exit 1) and writes nothing" {
	csv people.csv customer_id,email,birthday c1,c1@x.com,1990-01-05
	crm-import -q customers people.csv
	run crm-loyalty birthday --month 1 --grant -q --as-of 2026-01-10
	assert_failure 1
	assert_output "crm-loyalty: birthday: no program is stored; store one with 'crm-loyalty program --program FILE'"
	csv prog.txt 'currency = KRW' 'earn = 1 per 100'
	program prog.txt 1 2025-01-01T00:00:00Z
	run crm-loyalty birthday --month 1 --grant -q --as-of 2026-01-10
	assert_failure 1
	assert_output "crm-loyalty: birthday: program version 1 gives no birthday points (birthday = 0)"
	[ "$(q 'SELECT count(*) FROM loyalty_runs') $(q 'SELECT count(*) FROM loyalty_entries')" = "0 0" ]
	# listing needs no program
	run crm-loyalty birthday --month 1 --as-of 2026-01-10
	assert_success
	# a stored text that no longer reads as a program is named by its version and line
	q "UPDATE loyalty_programs SET text = 'currency = KRW' || char(10) || 'earm = 1 per 100' || char(10)"
	for verb in "tiers --save" "birthday --month 1 --grant"; do
		run crm-loyalty $verb --as-of 2026-01-10
		assert_failure 1
		assert_output "crm-loyalty: stored program version 1:2: column 1: unknown key 'earm' (did you mean 'earn'?)"
	done
	[ "$(q 'SELECT count(*) FROM loyalty_runs') $(q 'SELECT count(*) FROM loyalty_entries')" = "0 0" ]
}

@test "birthday --month out of range or missing is a usage error" {
	shop
	for m in 0 13 x 1x -1; do
		run crm-loyalty birthday --month "$m"
		assert_failure 2
		assert_line --index 0 --partial "crm-loyalty: --month"
	done
	run crm-loyalty birthday
	assert_failure 2
	assert_line --index 0 "crm-loyalty: birthday: --month M is required"
}

# ---- members and moves, for stats and the report (tiercheck: the library call) -----------

@test "tier counts: members of each tier at an instant, by the last move before it; moves of a period, up and down by the program's ranks" {
	shop
	run crm-loyalty tiers --as-of 2025-02-01 --save -q      # makes nothing but the run
	q "INSERT INTO loyalty_tier_moves (customer_id, effective_at, from_tier, to_tier, why, run_id) VALUES
		('c1', '2026-03-15T00:00:00Z', NULL, 'Silver', '', 1),
		('c2', '2026-03-15T00:00:00Z', NULL, 'Gold', '', 1),
		('c1', '2026-04-16T00:00:00Z', 'Silver', NULL, '', 2),
		('c2', '2026-04-16T00:00:00Z', 'Gold', 'Silver', '', 2),
		('c3', '2026-04-20T00:00:00Z', NULL, 'Platinum', '', 3)"
	tc() { "$CRM_BUILD/t/tiercheck" counts "$CRM_DB" "$@"; }
	# the day before the moves of 2026-04-16 (effective_at < END)
	run tc prog.txt - 2026-04-16T00:00:00Z
	assert_success
	assert_output - <<'EOF2'
Silver rank 0 members 1 in 1 out 0 up 1 down 0
Gold rank 1 members 1 in 1 out 0 up 1 down 0
moves 2 up 2 down 0
EOF2
	run tc prog.txt 2026-04-01T00:00:00Z 2026-04-17T00:00:00Z
	assert_output - <<'EOF2'
Silver rank 0 members 1 in 1 out 1 up 0 down 1
Gold rank 1 members 0 in 0 out 1 up 0 down 1
moves 2 up 0 down 2
EOF2
	# a tier no longer in the program comes after the program's, unranked
	run tc prog.txt 2026-04-17T00:00:00Z 2026-05-01T00:00:00Z
	assert_output - <<'EOF2'
Silver rank 0 members 1 in 0 out 0 up 0 down 0
Gold rank 1 members 0 in 0 out 0 up 0 down 0
Platinum rank -1 members 1 in 1 out 0 up 1 down 0
moves 1 up 1 down 0
EOF2
	# no program: by name; a move between named tiers is neither up nor down
	run tc - - 2026-05-01T00:00:00Z
	assert_output - <<'EOF2'
Gold rank -1 members 0 in 1 out 1 up 1 down 0
Platinum rank -1 members 1 in 1 out 0 up 1 down 0
Silver rank -1 members 1 in 2 out 1 up 1 down 1
moves 5 up 3 down 1
EOF2
}
