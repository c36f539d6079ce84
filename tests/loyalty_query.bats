#!/usr/bin/env bats
# crm-loyalty balance, expiring, statement, stats, and crm-report's Loyalty
# section, on a ledger written by hand (sqlite3 INSERTs) whose figures are
# worked out below, entry by entry.
load helpers

# The program: KRW, 1 point per 100, 14 days pending, 12 months to the
# month's end, two tiers, a point worth 1 KRW.
PROGRAM='currency = KRW
earn = 1 per 100
pending = 14 days
expires = 12 months month-end
tier Silver = spend >= 300000 in 12 months, earn x1.5
tier Gold = spend >= 1000000 in 12 months, earn x2
point_value = 1
'
BALANCE=customer_id,email,name,tier,available,pending,earned,bonus,adjusted,redeemed,expired,reversed,shortfall,next_expiry_date,next_expiry_points

# Customers a (Ann, opted in), b (Bob, opted out), c (Cy, opted in, no
# points); the ledger (times UTC):
#   1 a earn 500     2026-01-10 03:00  O1, usable at once, expires 2027-02-01
#   2 b bonus 1000   2026-02-01        signup, expires 2026-06-01
#   3 b redeem -400  2026-03-01 09:00  from lot 2
#   4 a earn 300     2026-03-05 10:00  O2, pending until 2026-03-20, expires 2027-04-01
#   5 a redeem -200  2026-03-10 12:00  from lot 1
#   6 a release 300  2026-03-20        lot 4 (moves nothing)
#   7 a reverse -100 2026-04-02        lot 1, O1's amount lowered
#   8 a reverse 0    2026-04-03        O6 refunded, 50 short
#   9 a adjust 25    2026-04-04        'goodwill', never expires
# and a moved up to Silver on 2026-03-01.
shop() {
	csv people.csv customer_id,email,name,marketing_opt_in a,a@x.kr,Ann,Y b,b@x.kr,Bob,N \
		c,c@x.kr,Cy,Y
	crm-import -q customers people.csv
	csv orders.csv order_id,customer_id,ordered_at,amount,currency,status \
		O1,a,2026-01-10T03:00:00Z,50000,KRW,paid O2,a,2026-03-05T10:00:00Z,30000,KRW,paid
	crm-import -q orders orders.csv
	q "INSERT INTO loyalty_programs VALUES (1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z',
		'$PROGRAM')"
	q <<'EOF'
INSERT INTO loyalty_entries (entry_id, customer_id, kind, points, lot, at, order_id, reason,
	program, basis, available_at, expires_at, shortfall) VALUES
 (1, 'a', 'earn', 500, NULL, '2026-01-10T03:00:00Z', 'O1', NULL, 1, 50000, '2026-01-10T03:00:00Z', '2027-02-01T00:00:00Z', 0),
 (2, 'b', 'bonus', 1000, NULL, '2026-02-01T00:00:00Z', NULL, 'signup', 1, NULL, '2026-02-01T00:00:00Z', '2026-06-01T00:00:00Z', 0),
 (3, 'b', 'redeem', -400, 2, '2026-03-01T09:00:00Z', NULL, NULL, NULL, NULL, NULL, NULL, 0),
 (4, 'a', 'earn', 300, NULL, '2026-03-05T10:00:00Z', 'O2', NULL, 1, 30000, '2026-03-20T00:00:00Z', '2027-04-01T00:00:00Z', 0),
 (5, 'a', 'redeem', -200, 1, '2026-03-10T12:00:00Z', NULL, NULL, NULL, NULL, NULL, NULL, 0),
 (6, 'a', 'release', 300, 4, '2026-03-20T00:00:00Z', NULL, NULL, NULL, NULL, NULL, NULL, 0),
 (7, 'a', 'reverse', -100, 1, '2026-04-02T00:00:00Z', 'O1', 'amount', NULL, 40000, NULL, NULL, 0),
 (8, 'a', 'reverse', 0, NULL, '2026-04-03T00:00:00Z', 'O6', 'refunded', NULL, 0, NULL, NULL, 50),
 (9, 'a', 'adjust', 25, NULL, '2026-04-04T00:00:00Z', NULL, 'goodwill', 1, NULL, '2026-04-04T00:00:00Z', NULL, 0);
INSERT INTO loyalty_runs VALUES (1, 'tiers', '2026-03-01', '2026-03-01T00:00:00Z');
INSERT INTO loyalty_tier_moves VALUES (1, 'a', '2026-03-01T00:00:00Z', NULL, 'Silver', 'spend', 1);
INSERT INTO loyalty_tiers VALUES ('a', 'Silver', '2026-03-01', '2026-03-01');
EOF
}

# ---- balance ---------------------------------------------------------------------------

@test "balance: every customer with points, the equation's terms by hand" {
	shop
	# a: earned 500 + 300, adjusted 25; redeemed 200, reversed 100 (50 short);
	#    lots 1: 500-200-100 = 200, 4: 300 (released), 9: 25 -> available 525;
	#    800 + 25 = 525 + 200 + 100.  Next expiry: lot 1's 200 on 2027-02-01.
	# b: bonus 1000, redeemed 400, available 600, all expiring on 2026-06-01.
	run crm-loyalty --as-of 2026-04-30 balance
	assert_success
	assert_output "$BALANCE
a,a@x.kr,Ann,Silver,525,0,800,0,25,200,0,100,50,2027-02-01,200
b,b@x.kr,Bob,,600,0,0,1000,0,400,0,0,0,2026-06-01,600"
}

@test "balance: pending until the release day, as of the day before and the day itself" {
	shop
	# lot 4 is available from 2026-03-20: pending as of 03-19, available as of 03-20
	run crm-loyalty --as-of 2026-03-19 balance --customer a
	assert_success
	assert_line "a,a@x.kr,Ann,Silver,300,300,800,0,0,200,0,0,0,2027-02-01,300"
	run crm-loyalty --as-of 2026-03-20 balance --customer a
	assert_line "a,a@x.kr,Ann,Silver,600,0,800,0,0,200,0,0,0,2027-02-01,300"
}

@test "balance: a lot is usable on its last day and expired the day after, with no expire run" {
	shop
	# b's lot expires at 2026-06-01T00:00Z: still there as of 05-31, gone as of 06-01
	run crm-loyalty --as-of 2026-05-31 balance --customer b
	assert_output "$BALANCE
b,b@x.kr,Bob,,600,0,0,1000,0,400,0,0,0,2026-06-01,600"
	run crm-loyalty --as-of 2026-06-01 balance --customer b
	assert_output "$BALANCE
b,b@x.kr,Bob,,0,0,0,1000,0,400,600,0,0,,0"
}

@test "balance: only the entries before the end of the as-of day count" {
	shop
	run crm-loyalty --as-of 2026-03-09 balance
	assert_success
	assert_output "$BALANCE
a,a@x.kr,Ann,Silver,500,300,800,0,0,0,0,0,0,2027-02-01,500
b,b@x.kr,Bob,,600,0,0,1000,0,400,0,0,0,2026-06-01,600"
	run crm-loyalty --as-of 2026-01-09 balance
	assert_output "$BALANCE"
}

@test "balance: local days in --tz: next_expiry_date of a lot expiring at a UTC midnight" {
	shop
	# 2027-02-01T00:00Z is 2027-01-31 19:00 in New York
	run crm-loyalty --tz America/New_York --as-of 2026-04-30 balance --customer a
	assert_line "a,a@x.kr,Ann,Silver,525,0,800,0,25,200,0,100,50,2027-01-31,200"
}

@test "balance --tier: the holders of a tier, named in any case; an unknown tier names those there are" {
	shop
	run crm-loyalty --as-of 2026-04-30 balance --tier silver
	assert_success
	assert_output "$BALANCE
a,a@x.kr,Ann,Silver,525,0,800,0,25,200,0,100,50,2027-02-01,200"
	run crm-loyalty --as-of 2026-04-30 balance --tier Gold
	assert_success
	assert_output "$BALANCE"
	run crm-loyalty --as-of 2026-04-30 balance --tier Platinum
	assert_failure 2
	assert_output "crm-loyalty: --tier 'Platinum': the program's tiers are Silver, Gold
Try 'crm-loyalty --help' for more information."
}

@test "balance --tier: no program in force, or one without tiers, is said" {
	shop
	q "DELETE FROM loyalty_programs"
	run crm-loyalty --as-of 2026-04-30 balance --tier Silver
	assert_failure 2
	assert_line "crm-loyalty: --tier 'Silver': no loyalty program is in force"
	q "INSERT INTO loyalty_programs VALUES (1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z',
		'$(grep -v '^tier ' <<<"$PROGRAM")')"
	run crm-loyalty --as-of 2026-04-30 balance --tier Silver
	assert_failure 2
	assert_line "crm-loyalty: --tier 'Silver': the program has no tiers"
}

@test "balance --opted-in: only customers who accept marketing" {
	shop
	run crm-loyalty --as-of 2026-04-30 balance --opted-in
	assert_success
	assert_output "$BALANCE
a,a@x.kr,Ann,Silver,525,0,800,0,25,200,0,100,50,2027-02-01,200"
}

@test "balance --customer: unknown customers exit 6, in customers or not" {
	shop
	run crm-loyalty --as-of 2026-04-30 balance --customer zz
	assert_failure 6
	assert_output "crm-loyalty: no customer 'zz'"
	run crm-loyalty --as-of 2026-04-30 balance --customer c
	assert_failure 6
	assert_output "crm-loyalty: customer 'c' has no ledger entries"
	# a's first entry is on 2026-01-10
	run crm-loyalty --as-of 2026-01-09 balance --customer a
	assert_failure 6
	assert_output "crm-loyalty: customer 'a' has no ledger entries"
}

@test "balance --format text and json" {
	shop
	run crm-loyalty --as-of 2026-04-30 balance --customer b --format json
	assert_success
	assert_output '[
  {"customer_id": "b", "email": "b@x.kr", "name": "Bob", "tier": null, "available": 600, "pending": 0, "earned": 0, "bonus": 1000, "adjusted": 0, "redeemed": 400, "expired": 0, "reversed": 0, "shortfall": 0, "next_expiry_date": "2026-06-01", "next_expiry_points": 600}
]'
	run crm-loyalty --as-of 2026-06-01 balance --customer b --format text
	assert_output "customer_id  email   name  tier  available  pending  earned  bonus  adjusted  redeemed  expired  reversed  shortfall  next_expiry_date  next_expiry_points
b            b@x.kr  Bob   -             0        0       0   1000         0       400      600         0          0  -                                  0"
}

@test "balance: its CSV pipes into crm-coupon issue, one code per member" {
	shop
	export CRM_TEST_CLOCK=2026-04-30T10:00:00Z
	crm-loyalty --as-of 2026-04-30 balance --opted-in >members.csv
	run crm-coupon issue --campaign loyal --discount 10% --expires 30d members.csv
	assert_success
	assert_line --regexp '^[A-Z0-9-]+,a,a@x\.kr,Ann,loyal,10%,,2026-05-31T00:00:00Z,2026-05-30$'
	assert_equal "$(q "SELECT customer_id FROM coupons WHERE campaign = 'loyal'")" a
	# and through a pipe, all members
	run bash -c 'crm-loyalty --as-of 2026-04-30 balance | crm-coupon issue --campaign all \
		--discount 5% --expires 30d -q | cut -d, -f2'
	assert_success
	assert_output "customer_id
a
b"
}

@test "balance: a name with control characters is escaped in text, guarded in CSV" {
	shop
	q "UPDATE customers SET name = 'Ann'||char(27)||'[31m' WHERE customer_id = 'a';
	   UPDATE customers SET name = '=1+1' WHERE customer_id = 'b'"
	run crm-loyalty --as-of 2026-04-30 balance --format text
	assert_line --partial 'Ann\x1b[31m'
	run crm-loyalty --as-of 2026-04-30 balance --customer b
	assert_line --partial "b,b@x.kr,'=1+1,"
}

# ---- expiring --------------------------------------------------------------------------

@test "expiring --within: who loses how many points on which day, both edges of the window" {
	shop
	# as of 2026-04-30, 32 days reach 2026-06-01, the day b's 600 are gone; 31 do not
	run crm-loyalty --as-of 2026-04-30 expiring --within 32d
	assert_success
	assert_output "customer_id,email,name,expiry_date,points
b,b@x.kr,Bob,2026-06-01,600"
	run crm-loyalty --as-of 2026-04-30 expiring --within 31d
	assert_success
	assert_output "customer_id,email,name,expiry_date,points"
	# the day before it: 1 day ahead; on the day itself they are gone already
	run crm-loyalty --as-of 2026-05-31 expiring --within 1d
	assert_output "customer_id,email,name,expiry_date,points
b,b@x.kr,Bob,2026-06-01,600"
	run crm-loyalty --as-of 2026-06-01 expiring --within 365d
	assert_output "customer_id,email,name,expiry_date,points
a,a@x.kr,Ann,2027-02-01,200
a,a@x.kr,Ann,2027-04-01,300"
}

@test "expiring: the points left of each lot as of the day, several lots of one day summed" {
	shop
	# a second lot of b expiring the same day, half spent before the as-of day, and
	# a spend after it that does not count yet
	q "INSERT INTO loyalty_entries (entry_id, customer_id, kind, points, lot, at, available_at,
		expires_at) VALUES
		(10, 'b', 'adjust', 80, NULL, '2026-04-10T00:00:00Z', '2026-04-10T00:00:00Z', '2026-06-01T00:00:00Z'),
		(11, 'b', 'redeem', -30, 10, '2026-04-11T00:00:00Z', NULL, NULL),
		(12, 'b', 'redeem', -20, 10, '2026-05-02T00:00:00Z', NULL, NULL)"
	run crm-loyalty --as-of 2026-04-30 expiring --within 60d
	assert_output "customer_id,email,name,expiry_date,points
b,b@x.kr,Bob,2026-06-01,650"
}

@test "expiring --opted-in, --tz and --format json" {
	shop
	run crm-loyalty --as-of 2026-04-30 expiring --within 400d --opted-in
	assert_output "customer_id,email,name,expiry_date,points
a,a@x.kr,Ann,2027-02-01,200
a,a@x.kr,Ann,2027-04-01,300"
	# in New York the lots expire on the evening before the UTC day
	run crm-loyalty --tz America/New_York --as-of 2026-04-30 expiring --within 400d --format json
	assert_output '[
  {"customer_id": "b", "email": "b@x.kr", "name": "Bob", "expiry_date": "2026-05-31", "points": 600},
  {"customer_id": "a", "email": "a@x.kr", "name": "Ann", "expiry_date": "2027-01-31", "points": 200},
  {"customer_id": "a", "email": "a@x.kr", "name": "Ann", "expiry_date": "2027-03-31", "points": 300}
]'
}

@test "expiring: its CSV is the reminder mail list crm-coupon issue takes" {
	shop
	export CRM_TEST_CLOCK=2026-04-30T10:00:00Z
	run bash -c 'crm-loyalty --as-of 2026-04-30 expiring --within 60d |
		crm-coupon issue --campaign remind --discount 5% --expires 30d -q | cut -d, -f2,5'
	assert_success
	assert_output "customer_id,campaign
b,remind"
}

# ---- statement -------------------------------------------------------------------------

@test "statement: every line in entry order with the running balance" {
	shop
	run crm-loyalty --as-of 2026-04-30 statement --customer a
	assert_success
	assert_output "entry_id,at,kind,points,lot,order_id,reason,shortfall,balance
1,2026-01-10T03:00:00+00:00,earn,500,,O1,,0,500
4,2026-03-05T10:00:00+00:00,earn,300,,O2,,0,800
5,2026-03-10T12:00:00+00:00,redeem,-200,1,,,0,600
6,2026-03-20T00:00:00+00:00,release,300,4,,,0,600
7,2026-04-02T00:00:00+00:00,reverse,-100,1,O1,amount,0,500
8,2026-04-03T00:00:00+00:00,reverse,0,,O6,refunded,50,500
9,2026-04-04T00:00:00+00:00,adjust,25,,,goodwill,0,525"
}

@test "statement: local times in --tz, and only the lines before the end of the as-of day" {
	shop
	run crm-loyalty --tz Asia/Seoul --as-of 2026-03-10 statement --customer a
	assert_success
	# 2026-03-10T12:00Z is 21:00 in Seoul, still 03-10
	assert_output "entry_id,at,kind,points,lot,order_id,reason,shortfall,balance
1,2026-01-10T12:00:00+09:00,earn,500,,O1,,0,500
4,2026-03-05T19:00:00+09:00,earn,300,,O2,,0,800
5,2026-03-10T21:00:00+09:00,redeem,-200,1,,,0,600"
	# 2026-01-10T03:00Z is the evening of 01-09 at -05:30
	run crm-loyalty --tz -05:30 --as-of 2026-01-08 statement --customer a
	assert_failure 6
	run crm-loyalty --tz -05:30 --as-of 2026-01-09 statement --customer a --format text
	assert_output "entry_id  at                         kind  points  lot  order_id  reason  shortfall  balance
       1  2026-01-09T21:30:00-05:30  earn     500    -  O1        -               0      500"
}

@test "statement: a reason is the user's text: escaped for people, guarded in CSV" {
	shop
	q "UPDATE loyalty_entries SET reason = 'oops'||char(10)||'=2+2' WHERE entry_id = 9"
	run crm-loyalty --as-of 2026-04-30 statement --customer a --format text
	assert_line --partial 'oops\n=2+2'
	run crm-loyalty --as-of 2026-04-30 statement --customer a --format json
	assert_line --partial '"reason": "oops\n=2+2"'
}

@test "statement: unknown customer exit 6" {
	shop
	run crm-loyalty --as-of 2026-04-30 statement --customer nobody
	assert_failure 6
	assert_output "crm-loyalty: no customer 'nobody'"
}

# ---- stats -----------------------------------------------------------------------------

STATS=figure,tier,value,unit

@test "stats --from --to: the flows of March, the liability at its end, tiers and moves" {
	shop
	# as of 02-28: a earned 500, b bonus 1000; as of 03-31: a earned 800 and
	# redeemed 200, b redeemed 400.  Liability at 03-31: a 300 + 300, b 600.
	run crm-loyalty --as-of 2026-06-30 stats --from 2026-03-01 --to 2026-03-31
	assert_success
	assert_output "$STATS
earned,,300,points
bonus,,0,points
adjusted,,0,points
redeemed,,600,points
expired,,0,points
reversed,,0,points
shortfall,,0,points
liability_points,,1200,points
liability_money,,1200,KRW
breakage_rate,,0.0,percent
members,Silver,1,customers
members,Gold,0,customers
moves,,1,moves
moves_up,,1,moves
moves_down,,0,moves
moves_in,Silver,1,moves
moves_out,Silver,0,moves
moves_in,Gold,0,moves
moves_out,Gold,0,moves"
}

@test "stats: a lot that lapsed in the period is expired without an expire run; breakage" {
	shop
	# April to June: a adjusted 25, reversed 100 (50 short); b's 600 lapsed on
	# 06-01; nothing redeemed: breakage 600 / (600 + 0) = 100%.  Liability at
	# 06-30: a's 525.
	run crm-loyalty --as-of 2026-06-30 stats --from 2026-04-01
	assert_success
	assert_line "earned,,0,points"
	assert_line "adjusted,,25,points"
	assert_line "expired,,600,points"
	assert_line "reversed,,100,points"
	assert_line "shortfall,,50,points"
	assert_line "liability_points,,525,points"
	assert_line "liability_money,,525,KRW"
	assert_line "breakage_rate,,100.0,percent"
	assert_line "moves,,0,moves"
}

@test "stats: by default all of the ledger up to the as-of day; a --to past it stops there" {
	shop
	run crm-loyalty --as-of 2026-04-30 stats
	assert_success
	assert_line "earned,,800,points"
	assert_line "bonus,,1000,points"
	assert_line "redeemed,,600,points"
	assert_line "expired,,0,points"
	assert_line "liability_points,,1125,points"
	assert_line "breakage_rate,,0.0,percent"
	run crm-loyalty --as-of 2026-04-30 stats --to 2026-12-31
	assert_line "expired,,0,points"
	assert_line "liability_points,,1125,points"
}

@test "stats: breakage and money not given: no redemptions nor expiry, point_value 0" {
	shop
	q "UPDATE loyalty_programs SET text = replace(text, 'point_value = 1', 'point_value = 0')"
	run crm-loyalty --as-of 2026-01-31 stats --format json
	assert_success
	assert_line '  {"figure": "liability_money", "tier": null, "value": "not given", "unit": null},'
	assert_line '  {"figure": "breakage_rate", "tier": null, "value": null, "unit": "percent"},'
	run crm-loyalty --as-of 2026-01-31 stats --format text
	assert_line --regexp '^liability_money +- +not given +-$'
	assert_line --regexp '^breakage_rate +- +- +percent$'
}

@test "stats: money in the program's currency's decimals (USD, 1 point = 0.01)" {
	shop
	q "UPDATE loyalty_programs SET text = replace(replace(text, 'KRW', 'USD'), 'point_value = 1',
		'point_value = 0.01')"
	run crm-loyalty --as-of 2026-04-30 stats
	assert_line "liability_money,,11.25,USD"
}

# ---- crm-report ------------------------------------------------------------------------

@test "crm-report: a Loyalty section from the same figures, for the period and the one before" {
	shop
	run crm-report --period 2026-03 --as-of 2026-06-30 --format json
	assert_success
	echo "$output" >report.json
	run python3 -c '
import json
r = json.load(open("report.json"))
s = [x for x in r["sections"] if x["key"] == "loyalty"][0]
for k, m in s["metrics"].items():
    print(k, m["current"], m["previous"])
for row in s["tables"][0]["rows"]:
    print(*row)
'
	# February: b's bonus 1000; liability at 02-28: a 500 + b 1000
	assert_output "earned 300 0
bonus 0 1000
adjusted 0 0
redeemed 600 0
expired 0 0
reversed 0 0
shortfall 0 0
liability 1200 1500
liability_money 1200 1500
breakage 0 None
Silver 1 1 0
Gold 0 0 0"
}

@test "crm-report: the Loyalty section in text, Markdown and HTML" {
	shop
	run crm-report --period 2026-03 --as-of 2026-06-30
	assert_success
	assert_line "Loyalty"
	assert_line --regexp '^  Points earned +300 +0  \+300$'
	assert_line --regexp '^  Liability in money +1,200 KRW +1,500 KRW  -300 KRW \(-20\.0%\)$'
	assert_line --regexp '^  Breakage rate +0\.0% +-$'
	run crm-report --period 2026-03 --as-of 2026-06-30 --format markdown
	assert_line "## Loyalty"
	assert_line --partial "| Points redeemed | 600 | 0 |"
	run crm-report --period 2026-03 --as-of 2026-06-30 --format html
	assert_output --partial ">Loyalty</h2>"
	assert_output --partial "Members per tier"
}

@test "crm-report: no Loyalty section without a program, the figures as before" {
	shop
	q "DELETE FROM loyalty_programs"
	run crm-report --period 2026-03 --as-of 2026-06-30 --format json
	assert_success
	refute_output --partial '"loyalty"'
	run crm-report --period 2026-03 --as-of 2026-06-30
	refute_line "Loyalty"
}

@test "crm-report: liability in money only when the program's currency is the report's" {
	shop
	q "UPDATE loyalty_programs SET text = replace(text, 'KRW', 'USD')"
	run crm-report --period 2026-03 --as-of 2026-06-30
	assert_success
	assert_line --regexp '^  Outstanding points \(liability\) +1,200 +1,500'
	refute_line --partial "Liability in money"
}

@test "crm-report: a period after the as-of day has no flows; its liability is the as-of day's" {
	shop
	run crm-report --from 2026-05-01 --to 2026-05-31 --as-of 2026-04-30
	assert_success
	assert_line --regexp '^  Points earned +0 +0  0$'
	assert_line --regexp '^  Points reversed +0 +100  -100 \(-100\.0%\)$'
	assert_line --regexp '^  Outstanding points \(liability\) +1,125 +1,125  0 \(0\.0%\)$'
}
