#!/usr/bin/env bats
# crm-nps --source: the CSAT of tickets and the ratings of reviews crm
# already has, the stream's rating columns named as crm-import names them,
# and an empty score counted as no answer rather than as a bad one.
load helpers

CSAT_HEADER=n,satisfied,csat,margin,adj_low,adj_high,no_answer
TREND=change,noise,significant

# Hand-computed CSAT figures used below (S satisfied of n, nps.h):
#   2 of 2:  100.0, SE 0, margin 0.0; Agresti-Coull n' = 2 + 1.96^2 = 5.8416,
#            p' = (2 + 1.9208) / 5.8416 = 0.67118 -> [29.0, 100.0]
#   1 of 3:  33.3, SE = 100 sqrt(1/3 x 2/3 / 3) = 27.217, margin 53.3;
#            n' = 6.8416, p' = 2.9208 / 6.8416 = 0.42691,
#            half = 1.96 sqrt(p'(1-p') / n') = 0.37064 -> [5.6, 79.8]
#   2 of 3:  66.7, margin 53.3, the mirror image: [20.2, 94.4]
#   3 of 5:  60.0, SE = 100 sqrt(0.6 x 0.4 / 5) = 21.909, margin 42.9 -> [22.9, 88.4]
#   1 of 2:  50.0, SE = 100 sqrt(0.25 / 2) = 35.355, margin 69.3;
#            p' = 0.5, half = 1.96 sqrt(0.25 / 5.8416) = 0.40547 -> [9.5, 90.5]
#   2 of 4:  50.0, SE 25.0, margin 49.0; half = 1.96 sqrt(0.25 / 7.8416) -> [15.0, 85.0]
#   0 of 2:  0.0, margin 0.0, the mirror image of 2 of 2: [0.0, 71.0]
#   0 of 1:  0.0, margin 0.0; n' = 4.8416, p' = 1.9208 / 4.8416 = 0.39673,
#            half = 1.96 sqrt(p'(1-p') / n') = 0.43578 -> [0.0 (clipped), 83.3]

# A help desk's export, named as a help desk names its columns:
#   T1 email billing   resolved 2025-01-05  5
#   T2 chat  billing   opened in January, resolved 2025-02-02  2
#   T3 email shipping  opened 2025-02-01, not resolved, not rated
#   T4 chat  shipping  resolved 2025-02-04  4
#   T5 email billing   resolved 2025-02-11  3
#   T6 chat  shipping  opened 2025-01-28, not resolved, rated 5
tickets() {
	csv tickets.csv ticket_id,customer_id,via,type,created_at,solved_at,satisfaction_score \
		T1,a,email,billing,2025-01-03,2025-01-05,5 T2,b,chat,billing,2025-01-20,2025-02-02,2 \
		T3,a,email,shipping,2025-02-01,, T4,,chat,shipping,2025-02-03,2025-02-04,4 \
		T5,b,email,billing,2025-02-10,2025-02-11,3 T6,c,chat,shipping,2025-01-28,,5
	crm-import -q tickets tickets.csv
}

# The customers and orders of nps.bats' shop: on 2025-04-01 a is Need
# Attention and b Hibernating; c has no order, so no segment.
shop() {
	csv customers.csv customer_id,email,name a,a@x.kr,Kim b,b@x.kr,Lee c,,Park
	csv orders.csv order_id,customer_id,ordered_at,amount,currency,status \
		1,a,2025-01-05,10000,KRW,paid 2,a,2025-02-10,20000,KRW,paid \
		3,b,2025-01-20,5000,KRW,paid 4,b,2025-03-01,7000,KRW,cancelled
	crm-import -q customers customers.csv
	crm-import -q orders orders.csv
}

# A review site's export: V3 has no customer, only its order (order 2, a's).
reviews() {
	csv reviews.csv review_id,customer_id,product_code,review_score,created_at,platform \
		V1,a,S1,5,2025-01-03,naver V2,b,S2,1,2025-01-10,coupang V3,,S1,4,2025-02-01,naver \
		V4,c,S2,2,2025-02-05,naver
	crm-import -q reviews reviews.csv
}

@test "sources: --source tickets measures the tickets' CSAT; a ticket without one is no answer" {
	tickets
	# 5 2 4 3 5 rated (T3 not): 3 of 5 satisfied; CSAT is their scale by default
	run --separate-stderr crm-nps --source tickets
	assert_success
	assert_output "$CSAT_HEADER
5,3,60.0,42.9,22.9,88.4,1"
	[ "$stderr" = "crm-nps: only 5 answers: below 30 answers the margin of error means little" ]
	run --separate-stderr crm-nps --source tickets --scale csat
	assert_output "$CSAT_HEADER
5,3,60.0,42.9,22.9,88.4,1"
	# the survey answers are another source: there are none
	run --separate-stderr crm-nps --scale csat
	assert_success
	assert_output "$CSAT_HEADER
0,0,,,,,0"
}

@test "sources: a ticket's time is resolved_at, or opened_at while it is open" {
	tickets
	# January: T1 (5) and T6 (5, open): 2 of 2; February: T2 (2, opened in
	# January), T4 (4), T5 (3): 1 of 3, and T3 unrated
	# change 33.3 - 100.0 = -66.7 > noise 1.96 sqrt(0 + 27.217^2) = 53.3
	run --separate-stderr crm-nps --source tickets --by month
	assert_success
	assert_output "month,$CSAT_HEADER,$TREND
2025-01,2,2,100.0,0.0,29.0,100.0,0,,,
2025-02,3,1,33.3,53.3,5.6,79.8,1,-66.7,53.3,yes"
	run --separate-stderr crm-nps --source tickets --from 2025-02-01 --to 2025-03-01
	assert_output "$CSAT_HEADER
3,1,33.3,53.3,5.6,79.8,1"
}

@test "sources: tickets by category and channel, no answers counted per group" {
	tickets
	# billing: T1 5, T2 2, T5 3; shipping: T4 4, T6 5, T3 unrated
	run --separate-stderr crm-nps --source tickets --by category
	assert_success
	assert_output "category,$CSAT_HEADER
billing,3,1,33.3,53.3,5.6,79.8,0
shipping,2,2,100.0,0.0,29.0,100.0,1"
	# chat: T2 2, T4 4, T6 5; email: T1 5, T5 3, T3 unrated
	run --separate-stderr crm-nps --source tickets --by channel
	assert_output "channel,$CSAT_HEADER
chat,3,2,66.7,53.3,20.2,94.4,0
email,2,1,50.0,69.3,9.5,90.5,1"
	run --separate-stderr crm-nps --source tickets --by channel --format json
	assert_success
	echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert [(r["channel"], r["n"], r["no_answer"]) for r in d] == [("chat",3,0),("email",2,1)], d' ||
		fail "$output"
	run --separate-stderr crm-nps --source tickets --format text
	assert_output "n  satisfied  csat  margin  adj_low  adj_high  no_answer
5          3  60.0    42.9     22.9      88.4          1"
}

@test "sources: --source reviews measures ratings imported from review_score, platform as channel, sku" {
	reviews
	# ratings 5 1 4 2: 2 of 4 satisfied
	run --separate-stderr crm-nps --source reviews
	assert_success
	assert_output "$CSAT_HEADER
4,2,50.0,49.0,15.0,85.0,0"
	# S1: 5, 4; S2: 1, 2
	run --separate-stderr crm-nps --source reviews --by sku
	assert_output "sku,$CSAT_HEADER
S1,2,2,100.0,0.0,29.0,100.0,0
S2,2,0,0.0,0.0,0.0,71.0,0"
	# coupang: 1; naver: 5, 4, 2
	run --separate-stderr crm-nps --source reviews --by channel
	assert_output "channel,$CSAT_HEADER
coupang,1,0,0.0,0.0,0.0,83.3,0
naver,3,2,66.7,53.3,20.2,94.4,0"
	# posted_at is the time: January V1 5, V2 1; February V3 4, V4 2
	run --separate-stderr crm-nps --source reviews --by month
	assert_line --index 1 "2025-01,2,1,50.0,69.3,9.5,90.5,0,,,"
	assert_line --index 2 "2025-02,2,1,50.0,69.3,9.5,90.5,0,0.0,98.0,no"
}

@test "sources: --by segment finds a review's customer through its order" {
	shop
	reviews
	# the column is schema 6's; crm-import fills it in another change
	q "UPDATE reviews SET order_id = '2' WHERE review_id = 'V3'"
	crm-segment --as-of 2025-04-01 --save --summary >/dev/null
	run crm-segment --as-of 2025-04-01
	assert_line --regexp "^a,.*,Need Attention$"
	assert_line --regexp "^b,.*,Hibernating$"
	# c (V4 2) has no segment; b (V2 1) Hibernating; a: V1 5 and, through
	# order 2, V3 4
	run --separate-stderr crm-nps --source reviews --by segment
	assert_success
	assert_output "segment,$CSAT_HEADER
,1,0,0.0,0.0,0.0,83.3,0
Hibernating,1,0,0.0,0.0,0.0,83.3,0
Need Attention,2,2,100.0,0.0,29.0,100.0,0"
	# tickets by their customer: a T1 5 (T3 unrated), b T2 2 T5 3, c T6 5, T4 none
	tickets
	run --separate-stderr crm-nps --source tickets --by segment
	assert_success
	assert_output "segment,$CSAT_HEADER
,2,2,100.0,0.0,29.0,100.0,0
Hibernating,2,0,0.0,0.0,0.0,71.0,0
Need Attention,1,1,100.0,0.0,16.7,100.0,1"
}

@test "sources: a bad rating or time in the database is reported by ticket or review id" {
	tickets
	reviews
	q "UPDATE tickets SET csat = 7 WHERE ticket_id = 'T1'"
	q "UPDATE tickets SET resolved_at = 'soon' WHERE ticket_id = 'T5'"
	run --separate-stderr crm-nps --source tickets --by month
	assert_failure 1
	[ "$stderr" = "crm-nps: $CRM_DB: ticket 'T1': column 'csat': '7' is outside the 1-5 scale
crm-nps: $CRM_DB: ticket 'T5': column 'resolved_at': 'soon' is not a time
crm-nps: fewer than 30 answers in 2025-01 (1), 2025-02 (2): their margins of error mean little
crm-nps: 2 of 5 answers left out: 1 outside the scale, 0 not a number, 1 other" ] ||
		fail "$stderr"
	q "UPDATE reviews SET rating = 'five' WHERE review_id = 'V2'"
	run --separate-stderr crm-nps --source reviews
	assert_failure 1
	[[ "$stderr" == "crm-nps: $CRM_DB: review 'V2': column 'rating': 'five' is not a number"* ]] ||
		fail "$stderr"
}

@test "sources: --source reads the database even with a pipe on standard input" {
	tickets
	# no database named: ./crm.db, which is $CRM_DB here
	[ "$CRM_DB" -ef crm.db ]
	run --separate-stderr env -u CRM_DB sh -c 'printf "score\n9\n" | crm-nps --source tickets'
	assert_success
	assert_line --index 1 "5,3,60.0,42.9,22.9,88.4,1"
}

@test "sources: the stream takes the importer's names of a rating column" {
	# a review site's export as it comes: review_score, and the other names
	# crm-import knows for reviews' rating and tickets' csat
	csv r.csv review_id,review_score,posted_at,platform V1,5,2025-01-03,naver V2,1,2025-01-10,coupang \
		V3,4,2025-02-01,naver V4,2,2025-02-05,naver
	run --separate-stderr crm-nps --scale csat r.csv
	assert_success
	assert_output "$CSAT_HEADER
4,2,50.0,49.0,15.0,85.0,0"
	for name in stars 별점 평점 "Satisfaction Rating" satisfaction_score; do
		printf '%s\n5\n4\n1\n' "$name" >s.csv
		run --separate-stderr crm-nps --scale csat s.csv
		assert_success
		assert_line --index 1 "3,2,66.7,53.3,20.2,94.4,0"
	done
}

@test "sources: an empty score in a stream is no answer: counted, no error, exit 0" {
	# 9 10 3 answered; three empty (one all blanks)
	csv e.csv score,channel 9,web ,web 10,web '  ,app' 3,app ,
	run --separate-stderr crm-nps e.csv
	assert_success
	# p+ = 2/3, p- = 1/3: NPS 33.3 (nps.bats computes the rest the same way)
	assert_output "n,promoters,passives,detractors,promoters_pct,passives_pct,detractors_pct,nps,margin,adj_low,adj_high,no_answer
3,2,0,1,66.7,0.0,33.3,33.3,106.7,-51.3,84.7,3"
	[ "$stderr" = "crm-nps: only 3 answers: below 30 answers the margin of error means little" ]
	# per group; a group of no answers has no figures
	run --separate-stderr crm-nps --by channel e.csv
	assert_success
	assert_output "channel,n,promoters,passives,detractors,promoters_pct,passives_pct,detractors_pct,nps,margin,adj_low,adj_high,no_answer
,0,0,0,0,,,,,,,,1
app,1,0,0,1,0.0,0.0,100.0,-100.0,0.0,-98.5,48.5,1
web,2,2,0,0,100.0,0.0,0.0,100.0,0.0,-24.4,100.0,1"
	# --strict stops at a bad answer only
	run --separate-stderr crm-nps --strict e.csv
	assert_success
	# nothing but no answers: no figure, a note, still no error
	csv none.csv score ' ' '""'
	run --separate-stderr crm-nps --scale csat none.csv
	assert_success
	assert_output "$CSAT_HEADER
0,0,,,,,1"
	[ "$stderr" = "crm-nps: no answers: nothing to measure" ]
}

@test "sources: no answer without a time is in the row without a month; a bad time stays an error" {
	csv t.csv answered_at,score 2025-01-05,9 2025-01-06, ,  ,10 2025-02-30,
	run --separate-stderr crm-nps --by month t.csv
	assert_failure 1
	# the row without a time: one no answer (line 4) and one answer without
	# a time (line 5), which is bad as before; an empty score with a time
	# that is not one is bad too
	assert_output "month,n,promoters,passives,detractors,promoters_pct,passives_pct,detractors_pct,nps,margin,adj_low,adj_high,no_answer,$TREND
,0,0,0,0,,,,,,,,1,,,
2025-01,1,1,0,0,100.0,0.0,0.0,100.0,0.0,-48.5,98.5,1,,,"
	[ "$stderr" = "crm-nps: t.csv:5: column 'answered_at' is empty
crm-nps: t.csv:6: column 'answered_at': '2025-02-30' is not a date
crm-nps: fewer than 30 answers in 2025-01 (1): its margin of error means little
crm-nps: 2 of 3 answers left out: 0 outside the scale, 0 not a number, 2 other" ] || fail "$stderr"
}
