#!/usr/bin/env bats
# Saved segment runs (crm-segment --save, --diff, --runs): each run's members
# are one blob (lib/runblob.h, schema 9); flows, moves and movers come from
# two runs read side by side.  Hand-computed on a shop of seven customers,
# saved with the lifecycle scheme (crm-segment(1): Lost recency > 365, At
# Risk > 90, New tenure <= 30, VIP 5 orders or more, else Regular):
#                as of 2026-10-01    2026-11-01         2027-01-15 (c refunded)
#   a  last 06-01  At Risk (122 d)     At Risk (153)      At Risk (228)
#   b  09-20 once  New (11)            Regular (42 > 30)  At Risk (117)
#   c  2025-06-01  Lost (487)          Lost (518)         gone: no counting order
#   d  5 orders,   VIP (0)             VIP (31)           At Risk (106)
#      last 10-01
#   e  10-20 once  -                   New (12)           Regular (87, tenure 87)
#   f  09-25 once  New (6)             Regular (37)       At Risk (112)
#   g  09-28 once  New (3)             Regular (34)       At Risk (109)
load helpers

shop() {
	csv customers.csv customer_id,email,name a,a@x.kr,김민준 'b,b@x.kr,Jane Doe' \
		'c,c@x.kr,"=HYPERLINK(""x"")"' d,d@x.kr,Dana e,e@x.kr,Eve f,f@x.kr,Fay g,g@x.kr,Gus
	csv orders.csv order_id,customer_id,ordered_at,amount,currency,status \
		1,a,2026-01-10,4000,KRW,paid 2,a,2026-06-01,6000,KRW,paid 3,b,2026-09-20,20000,KRW,paid \
		4,c,2025-06-01,1500,KRW,paid 5,d,2026-02-01,1000,KRW,paid 6,d,2026-03-01,1000,KRW,paid \
		7,d,2026-04-01,1000,KRW,paid 8,d,2026-05-01,1000,KRW,paid 9,d,2026-10-01,1000,KRW,paid \
		10,e,2026-10-20,3000,KRW,paid 11,f,2026-09-25,2500,KRW,paid 12,g,2026-09-28,2700,KRW,pending
	csv responses.csv response_id,customer_id,answered_at,score \
		s1,a,2026-10-05,10 s2,b,2026-10-06,3 s3,e,2026-10-25,9 s4,d,2026-10-26,8 s5,,2026-10-27,7 \
		s6,f,2026-10-28,10
	crm-import -q customers customers.csv
	crm-import -q orders orders.csv
	crm-import -q responses responses.csv
}

save() { crm-segment --scheme lifecycle --as-of "$1" --save >/dev/null; }

# c's one order refunded, then the third run
third_run() {
	csv refund.csv order_id,customer_id,ordered_at,amount,currency,status \
		4,c,2025-06-01,1500,KRW,refunded
	crm-import -q orders refund.csv
	save 2027-01-15
}

flows() { q "SELECT run_id, from_segment, to_segment, customers FROM segment_flows ORDER BY 1, 4 DESC, 2, 3"; }

# The first two runs' flows, moves and movers, as main's crm (schema 8,
# segment_members) saved and showed them: tests/fixtures/schema-v8-runs.sql.
FLOWS_12="1|(new)|New|3
1|(new)|At Risk|1
1|(new)|Lost|1
1|(new)|VIP|1
2|New|Regular|3
2|(new)|New|1
2|At Risk|At Risk|1
2|Lost|Lost|1
2|VIP|VIP|1"
MOVES_12="from,to,customers
New,Regular,3
(new),New,1"
MOVERS_12="customer_id,email,name,from,to
b,b@x.kr,Jane Doe,New,Regular
e,e@x.kr,Eve,(new),New
f,f@x.kr,Fay,New,Regular
g,g@x.kr,Gus,New,Regular"
# crm-nps --by segment over run 2 (a At Risk 10, b Regular 3, d VIP 8, e New
# 9, f Regular 10, s5 no customer 7), its first five columns
NPS_2="segment,n,promoters,passives,detractors
,1,0,1,0
At Risk,1,1,0,0
New,1,1,0,0
Regular,2,1,0,1
VIP,1,0,1,0"
# Run 3's flows from run 2: a stays; b, f, g Regular -> At Risk; c gone;
# d VIP -> At Risk; e New -> Regular.
FLOWS_3="3|Regular|At Risk|3
3|At Risk|At Risk|1
3|Lost|(gone)|1
3|New|Regular|1
3|VIP|At Risk|1"

@test "segment runs: three runs' flows, moves and movers, hand-computed" {
	shop
	save 2026-10-01
	save 2026-11-01
	third_run
	run crm-segment --runs
	assert_success
	[ "$(echo "$output" | cut -d, -f1,3-)" = "run_id,as_of,scheme,currency,customers
1,2026-10-01,lifecycle,KRW,6
2,2026-11-01,lifecycle,KRW,7
3,2027-01-15,lifecycle,KRW,6" ]
	[ "$(flows)" = "$FLOWS_12
$FLOWS_3" ]
	# the moves are the flows that change, of any two runs, most first,
	# then by name bytewise: '(' sorts before the letters
	[ "$(crm-segment --diff=1:2)" = "$MOVES_12" ]
	[ "$(crm-segment --diff)" = "from,to,customers
Regular,At Risk,3
Lost,(gone),1
New,Regular,1
VIP,At Risk,1" ]
	# 1 -> 3: b, f, g New -> At Risk; c gone; d VIP -> At Risk; e new
	[ "$(crm-segment --diff=1:3)" = "from,to,customers
New,At Risk,3
(new),Regular,1
Lost,(gone),1
VIP,At Risk,1" ]
	[ "$(crm-segment --diff=1:2 --list)" = "$MOVERS_12" ]
	# in customer order, with the contact of each; c's name cannot run as a formula
	[ "$(crm-segment --diff --list)" = "customer_id,email,name,from,to
b,b@x.kr,Jane Doe,Regular,At Risk
c,c@x.kr,\"'=HYPERLINK(\"\"x\"\")\",Lost,(gone)
d,d@x.kr,Dana,VIP,At Risk
e,e@x.kr,Eve,New,Regular
f,f@x.kr,Fay,Regular,At Risk
g,g@x.kr,Gus,Regular,At Risk" ]
	[ "$(crm-segment --diff=1:3 --list --segment 'at risk' | cut -d, -f1,4,5)" = "customer_id,from,to
b,New,At Risk
d,VIP,At Risk
f,New,At Risk
g,New,At Risk" ]
	# a run is one row of segment_blobs; no table of members is left
	[ "$(q "SELECT count(*) FROM segment_blobs; SELECT count(*) FROM sqlite_master WHERE name = 'segment_members'")" = "3
0" ]
}

@test "segment runs: a run's blob holds every member's segment and figures" {
	shop
	save 2026-11-01
	q "SELECT writefile('run.blob', members) FROM segment_blobs WHERE run_id = 1" >/dev/null
	# a: 2 orders, 10000 KRW, last 153 days before; b: one of 20000, 42 days
	run "$CRM_BUILD/t/runblobcheck" rows 1 <run.blob
	assert_success
	assert_line --index 0 "INSERT INTO segment_members VALUES (1, 'a', 'At Risk', 153, 2, 10000, 1, 4, 4);"
	assert_line --index 1 "INSERT INTO segment_members VALUES (1, 'b', 'Regular', 42, 1, 20000, 2, 1, 5);"
	[ "${#lines[@]}" -eq 7 ]
	# every member as crm-segment prints it: id, recency, frequency, r, f, m, segment
	echo "$output" >stored.sql
	crm-segment --scheme lifecycle --as-of 2026-11-01 >printed.csv
	python3 - <<'PY'
import csv, re
stored = [re.match(r"INSERT INTO segment_members VALUES \(1, '(.*)', '(.*)', (-?\d+), (-?\d+), (-?\d+), (\d), (\d), (\d)\);$", l).groups()
          for l in open("stored.sql").read().splitlines()]
printed = [(r["customer_id"], r["segment"], r["recency"], r["frequency"], r["r"], r["f"], r["m"])
           for r in csv.DictReader(open("printed.csv"))]
assert [s[:4] + s[5:] for s in stored] == printed, (stored, printed)
PY
	run "$CRM_BUILD/t/runblobcheck" find a e g z <run.blob
	assert_output "a At Risk
e New
g Regular
z -"
}

@test "segment runs: --save --summary saves the run --save does, its ids read with the figures" {
	# the summary's --save takes the ids from the two halves of the figures
	# (lib/rfm.h, opts.ids); the listing's reads them again with the contacts
	shop
	save 2026-10-01
	cp "$CRM_DB" summary.db
	save 2026-11-01
	run env CRM_DB=summary.db crm-segment --scheme lifecycle --as-of 2026-11-01 --save --summary
	assert_success
	assert_line --index 0 "segment,customers,customers_pct,revenue,revenue_pct,currency"
	for db in "$CRM_DB" summary.db; do
		sqlite3 -batch "$db" "SELECT run_id, hex(members) FROM segment_blobs ORDER BY 1;
		  SELECT * FROM segment_flows ORDER BY 1, 2, 3; SELECT run_id, customers FROM segment_runs"
	done >both
	half=$(($(wc -l <both) / 2))
	head -n "$half" both >one && tail -n "$half" both >two
	cmp one two
	[ "$(grep -c . one)" -gt 4 ]
	[ "$(crm-segment --diff --list | cut -d, -f1)" = "$(CRM_DB=summary.db crm-segment --diff --list | cut -d, -f1)" ]
}

@test "segment runs: the blob format, byte by byte, and what the encoder refuses" {
	# version 1; 1 name of 3 bytes, "New"; 2 members.  C1: shares 0 bytes,
	# 2 more "C1", segment 0, zigzag recency 3 -> 06, frequency 1 -> 02,
	# monetary 1500 -> 3000 = 23 * 128 + 56 -> b8 17, scores 05 01 02.  C12:
	# shares 2 bytes, 1 more "2", segment 0, recency -1 -> 01, frequency 2
	# -> 04, monetary 0 -> 00, scores 01 02 03
	printf 'C1|New|3|1|1500|5|1|2\nC12|New|-1|2|0|1|2|3\n' | "$CRM_BUILD/t/runblobcheck" pack >b
	[ "$(od -An -tx1 b | tr -d ' \n')" = 0101034e65770200024331000602b81705010202013200010400010203 ]
	run "$CRM_BUILD/t/runblobcheck" find C1 C12 C < b
	assert_output "C1 New
C12 New
C -"
	refused() {
		run "$CRM_BUILD/t/runblobcheck" pack <<<"$1"
		assert_failure 1
		assert_output "runblobcheck: line ${3:-2}: $2"
	}
	refused $'B|x|1|1|1|1|1|1\nA|x|1|1|1|1|1|1' "customer ids out of order"
	refused $'A|x|1|1|1|1|1|1\nA|x|1|1|1|1|1|1' "customer ids out of order"
	refused $'A|x|1|1|1|1|1|1\nB|x|1|1|1|0|1|1' "a score outside 1 to 5"
	refused $'A|x|1|1|1|1|1|1\nB|x|1|1|1|1|6|1' "a score outside 1 to 5"
	refused $'A|x|1|1|1|1|1|1\n|x|1|1|1|1|1|1' "an empty customer id"
	refused $'A|x|1|1|1|1|1|1\nB||1|1|1|1|1|1' "an empty segment name"
	refused "$(printf '%01025d' 0)|x|1|1|1|1|1|1" "a customer id longer than 1024 bytes" 1
	refused "A|$(printf '%0256d' 0)|1|1|1|1|1|1" "a segment name longer than 255 bytes" 1
	# 1024 bytes and 255 are taken
	printf '%s|%s|1|1|1|1|1|1\n' "$(printf '%01024d' 0)" "$(printf '%0255d' 0)" |
		"$CRM_BUILD/t/runblobcheck" pack >long
	[ "$("$CRM_BUILD/t/runblobcheck" rows 1 <long | wc -c)" -gt 1279 ]
}

@test "segment runs: a corrupt blob is bad data that names its run, and nothing is written or saved" {
	shop
	save 2026-10-01
	save 2026-11-01
	third_run
	cp "$CRM_DB" good.db
	bad() { # RUN SQL-EXPRESSION REASON: each reader of the run refuses it
		cp good.db "$CRM_DB"
		q "UPDATE segment_blobs SET members = $2 WHERE run_id = $1"
		local want="$CRM_DB: segment run $1: its saved members cannot be read: $3"
		run --separate-stderr crm-segment --diff=$(($1 == 1 ? 1 : $1 - 1)):$1
		assert_failure 1
		[ -z "$output" ] || fail "output before the error: $output"
		[ "$stderr" = "crm-segment: $want" ] || fail "$stderr"
		run --separate-stderr crm-segment --diff=$(($1 == 1 ? 1 : $1 - 1)):$1 --list
		assert_failure 1
		[ -z "$output" ] && [ "$stderr" = "crm-segment: $want" ]
	}
	# run 3: a header of 32 bytes (version, 5 names of 3 + 7 + 3 + 7 + 4
	# bytes with their lengths, 6 members), then the members a, b, d, e, f,
	# g; g's 12 bytes from 94: 0 shared, 1 more, "g", segment, recency 109
	# (2 bytes), frequency 1, monetary 2700 (2 bytes), its scores from 103
	[ "$(q 'SELECT length(members) FROM segment_blobs WHERE run_id = 3')" = 106 ]
	bad 3 "substr(members, 1, 103)" "cut short (at byte 103)"
	# 6 members take 10 bytes each at least: 8 bytes after the header are too few
	bad 3 "substr(members, 1, 40)" "more members than bytes (at byte 32)"
	# run 3's header: the version, 5 names (their lengths at 2, 6, 14, 18,
	# 26), 6 members (at 31); a's member at 32: 0 shared, 1 more, "a", its
	# segment at 35, recency 36-37, frequency 38, monetary 39-41, scores
	# 42-44; b's at 45, its id's byte at 47
	at() { echo "substr(members, 1, $1) || X'$2' || substr(members, $(($1 + 2)))"; }
	bad 3 "$(at 42 00)" "a score of 0 (at byte 42)"
	bad 3 "$(at 35 05)" "a number out of range (at byte 35)"
	bad 3 "$(at 47 61)" "an id no greater than the one before (at byte 45)"
	bad 3 "$(at 47 00)" "an id holding a NUL (at byte 47)"
	bad 3 "substr(members, 1, 39) || X'FFFFFFFFFFFFFFFFFF7F' || substr(members, 43)" \
		"a number past 64 bits (at byte 39)"
	bad 3 "$(at 2 00)" "an empty segment name (at byte 3)"
	bad 3 "$(at 4 00)" "a segment name holding a NUL (at byte 3)"
	bad 3 "$(at 1 7F)" "more segment names than bytes (at byte 2)"
	bad 2 "members || X'00'" "bytes after the last member (at byte 113)"
	bad 2 "X'02' || substr(members, 2)" "a format version this crm does not know (at byte 0)"
	bad 2 "'text, not a blob'" "a format version this crm does not know (at byte 0)"
	bad 1 "X''" "empty (at byte 0)"
	bad 1 "42" "members stored as integer, not a blob (at byte 0)"
	# crm-nps --by segment reads the last run; a --save reads it for the flows
	cp good.db "$CRM_DB"
	q "UPDATE segment_blobs SET members = substr(members, 1, 40) WHERE run_id = 3"
	want="$CRM_DB: segment run 3: its saved members cannot be read: more members than bytes (at byte 32)"
	run --separate-stderr crm-nps --by segment
	assert_failure 1
	[ -z "$output" ] && [ "$stderr" = "crm-nps: $want" ]
	q .dump >before.sql
	run --separate-stderr crm-segment --scheme lifecycle --as-of 2027-01-20 --save --summary
	assert_failure 1
	[ -z "$output" ] && [ "$stderr" = "crm-segment: $want" ]
	q .dump | cmp - before.sql
	# a run whose row of members is gone
	q "DELETE FROM segment_blobs WHERE run_id = 2"
	run --separate-stderr crm-segment --diff=1:2
	assert_failure 1
	[ "$stderr" = "crm-segment: $CRM_DB: segment run 2: its saved members cannot be read: no members stored (at byte 0)" ] ||
		fail "$stderr"
}

@test "segment runs: schema 8's runs become blobs, with the same moves, movers, flows and NPS by segment" {
	sqlite3 "$CRM_DB" <"$FIX/schema-v8-runs.sql"
	q 'SELECT run_id, customer_id, segment, recency, frequency, monetary, r, f, m FROM segment_members
	   ORDER BY 1, 2' >rows8
	# a reader migrates nothing; a writer takes it to this schema
	run crm-segment --diff
	assert_failure 3
	crm-coupon expire -q
	[ "$(q 'PRAGMA user_version')" = "$SCHEMA" ]
	[ "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'segment_members'")" = 0 ]
	[ "$(flows)" = "$FLOWS_12" ]
	[ "$(crm-segment --diff)" = "$MOVES_12" ]
	[ "$(crm-segment --diff --list)" = "$MOVERS_12" ]
	[ "$(crm-nps --by segment 2>/dev/null | cut -d, -f1-5)" = "$NPS_2" ]
	# nothing saved was lost: the blobs decode to schema 8's rows
	cp "$CRM_DB" migrated.db
	drop_schema_9
	q 'SELECT run_id, customer_id, segment, recency, frequency, monetary, r, f, m FROM segment_members
	   ORDER BY 1, 2' | cmp - rows8
	# and a run saved now merges with a migrated one
	cp migrated.db "$CRM_DB"
	rm -f "$CRM_DB-wal" "$CRM_DB-shm"
	third_run
	[ "$(flows)" = "$FLOWS_12
$FLOWS_3" ]
}

@test "segment runs: the same shop saved by this crm gives schema 8's flows, moves and NPS" {
	shop
	save 2026-10-01
	save 2026-11-01
	[ "$(flows)" = "$FLOWS_12" ]
	[ "$(crm-segment --diff)" = "$MOVES_12" ]
	[ "$(crm-segment --diff --list)" = "$MOVERS_12" ]
	[ "$(crm-nps --by segment 2>/dev/null | cut -d, -f1-5)" = "$NPS_2" ]
}

@test "segment runs: a member schema 9 cannot hold stops the migration, which leaves the file as it was" {
	sqlite3 "$CRM_DB" <"$FIX/schema-v8-runs.sql"
	q "UPDATE segment_members SET r = 0 WHERE run_id = 2 AND customer_id = 'b'"
	cp "$CRM_DB" before.db
	run --separate-stderr crm-coupon expire -q
	assert_failure 3
	[[ $stderr == *": a score outside 1 to 5" ]] || fail "$stderr"
	[ "$(q 'PRAGMA user_version')" = 8 ]
	q .dump >after.sql
	sqlite3 before.db .dump | cmp - after.sql
}

@test "segment runs: customers gone after the new run's last id are counted as gone" {
	shop
	save 2026-10-01
	save 2026-11-01
	# g, the greatest id, has no counting order left: the run before has
	# members after the new run's last
	csv refund.csv order_id,customer_id,ordered_at,amount,currency,status \
		12,g,2026-09-28,2700,KRW,refunded
	crm-import -q orders refund.csv
	save 2027-01-15
	run q "SELECT from_segment, to_segment, customers FROM segment_flows WHERE run_id = 3 AND to_segment = '(gone)'"
	assert_output "Regular|(gone)|1"
	run q "SELECT sum(customers) FROM segment_flows WHERE run_id = 3"
	assert_output 7       # every customer of either run, once
	run crm-segment --diff --list
	assert_success
	assert_line "g,g@x.kr,Gus,Regular,(gone)"
}
