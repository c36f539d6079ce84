#!/usr/bin/env bats
# crm-nps: NPS, CSAT and CES with their margins, groups and trends, bad
# answers, the detractors to call back and the follow-ups.
load helpers

NPS_HEADER=n,promoters,passives,detractors,promoters_pct,passives_pct,detractors_pct,nps,margin,adj_low,adj_high,no_answer
TREND=change,noise,significant

# scores FILE SCORE...: a stream of answers with a score column only.
scores() {
	local f=$1
	shift
	printf 'score\n' >"$f"
	printf '%s\n' "$@" >>"$f"
}

# month_answers: three months of 20 answers each (answered_at,score,channel)
#   2025-01:  4 promoters,  6 passives, 10 detractors   NPS -30
#   2025-02: 14 promoters,  4 passives,  2 detractors   NPS  60
#   2025-03: 12 promoters,  6 passives,  2 detractors   NPS  50
month_answers() {
	{
		echo answered_at,score,channel
		emit() { local i; for ((i = 0; i < $3; i++)); do echo "$1-$(printf %02d $((i % 28 + 1))) 12:00,$2,web"; done; }
		emit 2025-01 10 4; emit 2025-01 7 6; emit 2025-01 3 10
		emit 2025-02 9 14; emit 2025-02 8 4; emit 2025-02 0 2
		emit 2025-03 10 12; emit 2025-03 7 6; emit 2025-03 6 2
	} >months.csv
}

# A small shop: customers, orders and survey answers in the database.
shop() {
	csv customers.csv customer_id,email,phone,name \
		'a,a@x.kr,010-1111-2222,Kim A' 'b,b@x.kr,,Lee B' 'c,,,=Evil'
	csv orders.csv order_id,customer_id,ordered_at,amount,currency,status \
		1,a,2025-01-05,10000,KRW,paid 2,a,2025-02-10,20000,KRW,paid \
		3,b,2025-01-20,5000,KRW,paid 4,b,2025-03-01,7000,KRW,cancelled
	csv responses.csv response_id,customer_id,answered_at,score,comment,survey,channel \
		'r1,a,2025-02-11 10:00,3,Late delivery,post-purchase,email' \
		'r2,b,2025-03-02 09:00,6,"=HYPERLINK(""http://x"")",post-purchase,web' \
		'r3,c,2025-01-01 08:00,0,,quarterly,kakao' \
		'r4,a,2025-03-05 12:00,9,great,quarterly,email' \
		'r5,d,,5,no date,,'
	crm-import -q customers customers.csv
	crm-import -q orders orders.csv
	crm-import -q responses responses.csv
}

DETRACTORS_HEADER=response_id,answered_at,score,comment,survey,channel,customer_id,name,email,phone,last_order,orders,spent,currency
R1='r1,2025-02-11T10:00:00Z,3,Late delivery,post-purchase,email,a,Kim A,a@x.kr,+821011112222,2025-02-10,2,30000,KRW'
R2='r2,2025-03-02T09:00:00Z,6,"'"'"'=HYPERLINK(""http://x"")",post-purchase,web,b,Lee B,b@x.kr,,2025-01-20,1,5000,KRW'
R3="r3,2025-01-01T08:00:00Z,0,,quarterly,kakao,c,'=Evil,,,,,,"
R5='r5,,5,no date,,,d,,,,,,,'

@test "nps: ten answers by hand: NPS 30.0, its margin and the adjusted-Wald interval" {
	# 5 promoters (10 10 9 9 9), 3 passives (8 7 7), 2 detractors (6 0): n = 10
	#   p+ = 0.5, p- = 0.2, NPS = 100 (0.5 - 0.2) = 30.0
	#   var = p+ + p- - (p+ - p-)^2 = 0.7 - 0.09 = 0.61
	#   SE = 100 sqrt(0.61 / 10) = 24.698, margin = 1.96 x 24.698 = 48.4
	# adjusted Wald: n' = 13, p+' = 5.75/13 = 0.44231, p-' = 2.75/13 = 0.21154
	#   centre 0.23077, var' = 0.65385 - 0.23077^2 = 0.60059
	#   half = 1.96 sqrt(0.60059 / 13) = 0.42128 -> [-19.1, 65.2]
	scores s.csv 10 10 9 9 9 8 7 7 6 0
	run --separate-stderr crm-nps s.csv
	assert_success
	assert_output "$NPS_HEADER
10,5,3,2,50.0,30.0,20.0,30.0,48.4,-19.1,65.2,0"
	# ten is still below 30: the margin is shown, with a warning on stderr only
	[ "$stderr" = "crm-nps: only 10 answers: below 30 answers the margin of error means little" ]
}

@test "nps: all promoters give 100 with no margin, all detractors -100" {
	# all promoters: var = 1 + 0 - 1 = 0, so margin 0.0; adjusted Wald: n' = 8,
	#   p+' = 5.75/8, p-' = 0.75/8, centre 0.625, var' = 0.8125 - 0.390625,
	#   half = 1.96 sqrt(0.421875 / 8) = 0.4501 -> [17.5, 107.5], clipped to 100
	scores p.csv 10 9 10 9 10
	run --separate-stderr crm-nps p.csv
	assert_success
	assert_line --index 1 "5,5,0,0,100.0,0.0,0.0,100.0,0.0,17.5,100.0,0"
	scores d.csv 0 1 2 3 6
	run --separate-stderr crm-nps d.csv
	assert_success
	assert_line --index 1 "5,0,0,5,0.0,0.0,100.0,-100.0,0.0,-100.0,-17.5,0"
}

@test "nps: one answer is measured, with the small-n warning" {
	# n' = 4, p+' = 1.75/4, p-' = 0.75/4: centre 0.25, var' = 0.5625,
	# half = 1.96 x sqrt(0.5625 / 4) = 0.735 -> [-48.5, 98.5]
	scores one.csv 9
	run --separate-stderr crm-nps one.csv
	assert_success
	assert_output "$NPS_HEADER
1,1,0,0,100.0,0.0,0.0,100.0,0.0,-48.5,98.5,0"
	[ "$stderr" = "crm-nps: only 1 answer: below 30 answers the margin of error means little" ]
	# thirty answers are enough: no warning
	scores thirty.csv $(seq 30 | sed 's/.*/9/')
	run --separate-stderr crm-nps thirty.csv
	assert_success
	[ -z "$stderr" ] || fail "warned at n = 30: $stderr"
}

@test "nps: empty input is n = 0 with a note, not an error" {
	scores none.csv
	run --separate-stderr crm-nps none.csv
	assert_success
	assert_output "$NPS_HEADER
0,0,0,0,,,,,,,,0"
	[ "$stderr" = "crm-nps: no answers: nothing to measure" ]
	# not even a header
	: >empty.csv
	run --separate-stderr crm-nps empty.csv
	assert_success
	assert_output "$NPS_HEADER
0,0,0,0,,,,,,,,0"
	# grouped: the header alone
	run --separate-stderr crm-nps --by channel - <<<"score,channel"
	assert_success
	assert_output "channel,$NPS_HEADER"
	# the database without answers
	crm-import -q customers <(printf 'customer_id\nz\n')
	run --separate-stderr crm-nps
	assert_success
	assert_output "$NPS_HEADER
0,0,0,0,,,,,,,,0"
}

@test "nps: every class of bad score is reported with its line, counted, and makes exit 1" {
	# an empty score is no answer (sources.bats), not a bad one: counted apart
	csv bad.csv score,comment 10,a 11,over ,empty x,word 7.5,half 6,b ' ,blank' -1,negative \
		99999999999999999999999,big
	run --separate-stderr crm-nps bad.csv
	assert_failure 1
	# the good rows still count: 10 and 6, so p+ = p- = 0.5, var = 1,
	# margin = 1.96 x 100 sqrt(1/2) = 138.6 (a Wald margin is no bound)
	assert_output "$NPS_HEADER
2,1,0,1,50.0,0.0,50.0,0.0,138.6,-73.3,73.3,2"
	[ "$stderr" = "crm-nps: bad.csv:3: column 'score': '11' is outside the 0-10 scale
crm-nps: bad.csv:5: column 'score': 'x' is not a number
crm-nps: bad.csv:6: column 'score': '7.5' is not a whole number
crm-nps: bad.csv:9: column 'score': '-1' is outside the 0-10 scale
crm-nps: bad.csv:10: column 'score': '99999999999999999999999' is outside the 0-10 scale
crm-nps: only 2 answers: below 30 answers the margin of error means little
crm-nps: 5 of 7 answers left out: 3 outside the scale, 2 not a number, 0 other" ] ||
		fail "$stderr"
}

@test "nps: a short row, broken quoting and a bad date are bad answers too" {
	csv b.csv answered_at,score 2025-01-01,9 '2025-01-02' '2025-01-03,"8"x' '2025-02-30,7' \
		',8'
	run --separate-stderr crm-nps --by month b.csv
	assert_failure 1
	assert_output "month,$NPS_HEADER,$TREND
2025-01,1,1,0,0,100.0,0.0,0.0,100.0,0.0,-48.5,98.5,0,,,"
	[ "$stderr" = "crm-nps: b.csv:3: expected 2 fields as in the header, found 1
crm-nps: b.csv:4: field 2: malformed quoting: a quote inside a quoted field must be doubled, and a quoted field must end at a delimiter
crm-nps: b.csv:5: column 'answered_at': '2025-02-30' is not a date
crm-nps: b.csv:6: column 'answered_at' is empty
crm-nps: fewer than 30 answers in 2025-01 (1): its margin of error means little
crm-nps: 4 of 5 answers left out: 0 outside the scale, 0 not a number, 4 other" ] ||
		fail "$stderr"
	# without a time grouping the date is not needed, so it is not judged
	run --separate-stderr crm-nps b.csv
	assert_failure 1
	assert_line --index 1 --partial "3,1,2,0,"
}

@test "nps: --strict makes the first bad answer fatal, with no output" {
	scores s.csv 10 9 x 11
	run --separate-stderr crm-nps --strict s.csv
	assert_failure 1
	assert_output ""
	[ "$stderr" = "crm-nps: s.csv:4: column 'score': 'x' is not a number
crm-nps: a bad answer with --strict: no figures written" ]
	scores ok.csv 10 9
	run --separate-stderr crm-nps --strict ok.csv
	assert_success
}

@test "nps: bad scores in the database are reported by response id" {
	csv r.csv response_id,score S1,9 S2,6 S3,4
	crm-import -q responses r.csv
	# on the CSAT scale the stored 6 and 9 are off the 1-5 scale
	run --separate-stderr crm-nps --scale csat
	assert_failure 1
	assert_output "n,satisfied,csat,margin,adj_low,adj_high,no_answer
1,1,100.0,0.0,16.7,100.0,0"
	[ "$stderr" = "crm-nps: $CRM_DB: response 'S1': column 'score': '9' is outside the 1-5 scale
crm-nps: $CRM_DB: response 'S2': column 'score': '6' is outside the 1-5 scale
crm-nps: only 1 answer: below 30 answers the margin of error means little
crm-nps: 2 of 3 answers left out: 2 outside the scale, 0 not a number, 0 other" ] ||
		fail "$stderr"
	run --separate-stderr crm-nps --scale csat --strict
	assert_failure 1
	assert_output ""
}

@test "nps: with a time grouping, a database answer without a usable time is bad" {
	shop
	q "UPDATE responses SET answered_at = 'yesterday' WHERE response_id = 'r4'"
	run --separate-stderr crm-nps --by month
	assert_failure 1
	assert_output "month,$NPS_HEADER,$TREND
2025-01,1,0,0,1,0.0,0.0,100.0,-100.0,0.0,-98.5,48.5,0,,,
2025-02,1,0,0,1,0.0,0.0,100.0,-100.0,0.0,-98.5,48.5,0,0.0,0.0,no
2025-03,1,0,0,1,0.0,0.0,100.0,-100.0,0.0,-98.5,48.5,0,0.0,0.0,no"
	[ "$stderr" = "crm-nps: $CRM_DB: response 'r4': column 'answered_at': 'yesterday' is not a time
crm-nps: $CRM_DB: response 'r5': column 'answered_at' is empty
crm-nps: fewer than 30 answers in 2025-01 (1), 2025-02 (1), 2025-03 (1): their margins of error mean little
crm-nps: 2 of 5 answers left out: 0 outside the scale, 0 not a number, 2 other" ] ||
		fail "$stderr"
	# without one, every answer counts
	run --separate-stderr crm-nps
	assert_success
	assert_line --index 1 --partial "5,1,0,4,"
}

@test "nps: --by month gives one row per month, the change and whether it beats the noise" {
	# SE in points: Jan 100 sqrt(0.61/20) = 17.464 (var 305), Feb 100 sqrt(0.44/20)
	# = 14.832 (var 220), Mar 100 sqrt(0.45/20) = 15.0 (var 225)
	# Feb - Jan = +90.0 > 1.96 sqrt(305 + 220) = 44.9: significant
	# Mar - Feb = -10.0 < 1.96 sqrt(220 + 225) = 41.3: noise
	month_answers
	run --separate-stderr crm-nps --by month months.csv
	assert_success
	assert_output "month,$NPS_HEADER,$TREND
2025-01,20,4,6,10,20.0,30.0,50.0,-30.0,34.2,-57.9,5.7,0,,,
2025-02,20,14,4,2,70.0,20.0,10.0,60.0,29.1,23.6,80.7,0,90.0,44.9,yes
2025-03,20,12,6,2,60.0,30.0,10.0,50.0,29.4,15.0,71.9,0,-10.0,41.3,no"
	[ "$stderr" = "crm-nps: fewer than 30 answers in 2025-01 (20), 2025-02 (20), 2025-03 (20): their margins of error mean little" ]
	# the input order does not matter
	{ head -1 months.csv; tail -n +2 months.csv | tac; } >rev.csv
	run --separate-stderr crm-nps --by month rev.csv
	assert_output "$(crm-nps --by month months.csv 2>/dev/null)"
}

@test "nps: months are local days in --tz, weeks start on Monday" {
	csv t.csv answered_at,score 2025-01-31T20:00:00Z,10 2025-01-05T12:00:00Z,0 \
		2025-01-06T12:00:00Z,9
	run --separate-stderr crm-nps --by month t.csv
	assert_line --index 1 --partial "2025-01,3,2,0,1,"
	# 20:00 UTC is 05:00 the next morning in Seoul: February
	run --separate-stderr crm-nps --tz Asia/Seoul --by month t.csv
	assert_line --index 1 --partial "2025-01,2,1,0,1,"
	assert_line --index 2 --partial "2025-02,1,1,0,0,"
	# Sunday 5 January belongs to the week of Monday 30 December
	run --separate-stderr crm-nps --by week t.csv
	assert_success
	assert_line --index 0 "week,$NPS_HEADER,$TREND"
	assert_line --index 1 --partial "2024-12-30,1,0,0,1,"
	assert_line --index 2 --partial "2025-01-06,1,1,0,0,"
	assert_line --index 3 --partial "2025-01-27,1,1,0,0,"
}

@test "nps: --by channel sorts by name, a missing channel first, text guarded" {
	csv c.csv score,channel 9,web 3,email 10,web 7, 8,=cmd
	run --separate-stderr crm-nps --by channel c.csv
	assert_success
	assert_output "channel,$NPS_HEADER
,1,0,1,0,0.0,100.0,0.0,0.0,0.0,-60.0,60.0,0
'=cmd,1,0,1,0,0.0,100.0,0.0,0.0,0.0,-60.0,60.0,0
email,1,0,0,1,0.0,0.0,100.0,-100.0,0.0,-98.5,48.5,0
web,2,2,0,0,100.0,0.0,0.0,100.0,0.0,-24.4,100.0,0"
	# a grouping needs its column
	scores s.csv 9
	run --separate-stderr crm-nps --by channel s.csv
	assert_failure 1
	[[ "$stderr" == "crm-nps: s.csv:1: --by channel needs a column 'channel' (found: 'score')"* ]] || fail "$stderr"
}

@test "nps: --by month,channel trends each channel against its own last month" {
	csv mc.csv answered_at,score,channel 2025-01-10,10,web 2025-01-11,0,email \
		2025-02-10,0,web 2025-02-11,0,email 2025-03-01,9,email
	run --separate-stderr crm-nps --by month,channel mc.csv
	assert_success
	# web: Jan +100 -> Feb -100; email: Jan -100 -> Feb -100 -> Mar +100
	assert_output "month,channel,$NPS_HEADER,$TREND
2025-01,email,1,0,0,1,0.0,0.0,100.0,-100.0,0.0,-98.5,48.5,0,,,
2025-01,web,1,1,0,0,100.0,0.0,0.0,100.0,0.0,-48.5,98.5,0,,,
2025-02,email,1,0,0,1,0.0,0.0,100.0,-100.0,0.0,-98.5,48.5,0,0.0,0.0,no
2025-02,web,1,0,0,1,0.0,0.0,100.0,-100.0,0.0,-98.5,48.5,0,-200.0,0.0,yes
2025-03,email,1,1,0,0,100.0,0.0,0.0,100.0,0.0,-48.5,98.5,0,200.0,0.0,yes"
	# the keys come in the order given; repeated --by options add up
	run --separate-stderr crm-nps --by channel --by month mc.csv
	assert_line --index 0 "channel,month,$NPS_HEADER,$TREND"
	assert_line --index 1 --partial "email,2025-01,1,"
	assert_line --index 4 --partial "web,2025-01,1,"
	assert_line --index 5 "web,2025-02,1,0,0,1,0.0,0.0,100.0,-100.0,0.0,-98.5,48.5,0,-200.0,0.0,yes"
}

@test "nps: --by survey and --survey, --from and --to" {
	csv s.csv answered_at,score,survey 2025-01-01,10,q 2025-01-31,0,q 2025-02-01,9,post \
		2025-02-01,8,q
	run --separate-stderr crm-nps --by survey s.csv
	assert_line --index 1 --partial "post,1,1,0,0,"
	assert_line --index 2 --partial "q,3,1,1,1,"
	run --separate-stderr crm-nps --survey q s.csv
	assert_line --index 1 --partial "3,1,1,1,"
	# [from, to): January only
	run --separate-stderr crm-nps --from 2025-01-01 --to 2025-02-01 s.csv
	assert_line --index 1 --partial "2,1,0,1,"
	run --separate-stderr crm-nps --from 2025-02-01 s.csv
	assert_line --index 1 --partial "2,1,1,0,"
	run --separate-stderr crm-nps --from 2025-02-01 --to 2025-01-01 s.csv
	assert_failure 2
	run --separate-stderr crm-nps --from 2025-13-01 s.csv
	assert_failure 2
}

@test "nps: --scale csat is the share of 4-5, --scale ces the mean of 1-7" {
	# CSAT of 5 5 4 3 1: 3 of 5 satisfied = 60.0%; SE = 100 sqrt(0.6 x 0.4 / 5)
	#   = 21.909, margin 42.9; Agresti-Coull: n' = 5 + 1.96^2 = 8.8416,
	#   p' = (3 + 1.9208) / 8.8416 = 0.55653, half = 1.96 sqrt(p'(1-p')/n')
	#   = 0.32747 -> [22.9, 88.4]
	scores cs.csv 5 5 4 3 1
	run --separate-stderr crm-nps --scale csat cs.csv
	assert_success
	assert_output "n,satisfied,csat,margin,adj_low,adj_high,no_answer
5,3,60.0,42.9,22.9,88.4,0"
	# CES of 1 2 2 3 7: mean 3.00; var = 67/5 - 9 = 4.4, sd 2.098;
	#   SE = 2.098 / sqrt 5 = 0.9381, margin 1.84 -> [1.16, 4.84]
	scores ce.csv 1 2 2 3 7
	run --separate-stderr crm-nps --scale ces ce.csv
	assert_success
	assert_output "n,ces,sd,margin,low,high,no_answer
5,3.00,2.10,1.84,1.16,4.84,0"
	# each scale judges its own range
	scores bad.csv 0 6 8
	run --separate-stderr crm-nps --scale csat bad.csv
	assert_failure 1
	[[ "$stderr" == *"bad.csv:2: column 'score': '0' is outside the 1-5 scale"* ]] || fail "$stderr"
	[[ "$stderr" == *"bad.csv:3: column 'score': '6' is outside the 1-5 scale"* ]] || fail "$stderr"
	run --separate-stderr crm-nps --scale ces bad.csv
	[[ "$stderr" == *"bad.csv:4: column 'score': '8' is outside the 1-7 scale"* ]] || fail "$stderr"
	assert_line --index 1 "1,6.00,0.00,0.00,6.00,6.00,0"
	# a trend on CSAT compares percentages
	csv m.csv answered_at,score 2025-01-01,5 2025-01-02,1 2025-02-01,5 2025-02-02,4
	run --separate-stderr crm-nps --scale csat --by month m.csv
	assert_line --index 0 "month,n,satisfied,csat,margin,adj_low,adj_high,no_answer,$TREND"
	# Jan 50.0 (SE 100 sqrt(0.25/2) = 35.36), Feb 100.0 (SE 0): +50.0 < 69.3
	assert_line --index 2 "2025-02,2,2,100.0,0.0,29.0,100.0,0,50.0,69.3,no"
}

@test "nps: --format text aligns columns, --format json is valid JSON with numbers" {
	csv c.csv score,channel,comment 9,web,x 3,이메일,y 10,web,z
	run --separate-stderr crm-nps --by channel --format text c.csv
	assert_success
	assert_output "channel  n  promoters  passives  detractors  promoters_pct  passives_pct  detractors_pct     nps  margin  adj_low  adj_high  no_answer
web      2          2         0           0          100.0           0.0             0.0   100.0     0.0    -24.4     100.0          0
이메일   1          0         0           1            0.0           0.0           100.0  -100.0     0.0    -98.5      48.5          0"
	run --separate-stderr crm-nps --by channel --format json c.csv
	assert_success
	echo "$output" | python3 -m json.tool >/dev/null || fail "not JSON: $output"
	assert_line --index 1 '  {"channel": "web", "n": 2, "promoters": 2, "passives": 0, "detractors": 0, "promoters_pct": 100.0, "passives_pct": 0.0, "detractors_pct": 0.0, "nps": 100.0, "margin": 0.0, "adj_low": -24.4, "adj_high": 100.0, "no_answer": 0},'
	if command -v jq >/dev/null; then
		[ "$(echo "$output" | jq -c '[.[] | [.channel, .nps]]')" = '[["web",100],["이메일",-100]]' ]
	fi
	# missing values are null; trends are booleans
	month_answers
	run --separate-stderr crm-nps --by month --format json months.csv
	echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[0]["change"] is None and d[0]["significant"] is None, d[0]; assert d[1]["significant"] is True and d[2]["significant"] is False; assert d[1]["change"] == 90.0' ||
		fail "$output"
	scores none.csv
	run --separate-stderr crm-nps --format json none.csv
	assert_output --partial '"n": 0, "promoters": 0, "passives": 0, "detractors": 0, "promoters_pct": null'
	run --separate-stderr crm-nps --by channel --format json - <<<"score,channel"
	assert_output "[]"
}

@test "nps: the stream's columns are mapped like crm-import's, TSV and --map too" {
	printf '응답일시\t추천점수\t채널\n2025-01-01\t9\tweb\n2025-01-02\t0\tweb\n' >k.tsv
	run --separate-stderr crm-nps -t --by channel k.tsv
	assert_success
	assert_output "channel	$(echo "$NPS_HEADER" | tr , '\t')
web	2	1	0	1	50.0	0.0	50.0	0.0	138.6	-73.3	73.3	0"
	csv q.csv "How likely are you to recommend us?,Channel" 10,web
	run --separate-stderr crm-nps --map 'score=How likely are you to recommend us?' q.csv
	assert_success
	assert_line --index 1 --partial "1,1,0,0,"
	run --separate-stderr crm-nps q.csv
	assert_failure 1
	[[ "$stderr" == *"missing required column 'score'"* ]] || fail "$stderr"
	run --separate-stderr crm-nps --map 'nosuch=Channel' q.csv
	assert_failure 2
}

@test "nps: the database and the stream give the same figures" {
	crm-synth --orders 5000 responses >r.csv
	crm-import -q responses r.csv
	for by in "" "--by month" "--by week,channel" "--by survey,month" "--scale csat --by channel"; do
		# shellcheck disable=SC2086
		crm-nps $by >db.out 2>db.err || true
		# shellcheck disable=SC2086
		crm-nps $by r.csv >stream.out 2>stream.err || true
		cmp db.out stream.out || fail "'$by' differs: $(diff db.out stream.out | head -5)"
		[ "$(wc -l <db.out)" -gt 1 ]
	done
	# and a pipe with no database named is the stream
	crm-nps --by month >db.out
	run --separate-stderr --keep-empty-lines env -u CRM_DB sh -c 'cat r.csv | crm-nps --by month'
	assert_success
	assert_golden db.out
}

@test "nps: --by segment uses the last saved segment run, or the stream's segment column" {
	shop
	run --separate-stderr crm-nps --by segment
	assert_failure 1
	[[ "$stderr" == *"--by segment needs a saved segment run (crm-segment --save)"* ]] || fail "$stderr"
	crm-segment --as-of 2025-04-01 --save --summary >/dev/null
	run --separate-stderr crm-nps --by segment
	assert_success
	# a (r1 3, r4 9) is Need Attention, b (r2 6) Hibernating; c and d have no
	# orders, so no segment
	run crm-segment --as-of 2025-04-01
	assert_line --regexp "^a,.*,Need Attention$"
	assert_line --regexp "^b,.*,Hibernating$"
	run --separate-stderr crm-nps --by segment
	assert_output "segment,$NPS_HEADER
,2,0,0,2,0.0,0.0,100.0,-100.0,0.0,-100.0,24.4,0
Hibernating,1,0,0,1,0.0,0.0,100.0,-100.0,0.0,-98.5,48.5,0
Need Attention,2,1,0,1,50.0,0.0,50.0,0.0,138.6,-73.3,73.3,0"
	csv s.csv score,segment 9,VIP 0,New 10,VIP
	run --separate-stderr crm-nps --by segment s.csv
	assert_line --index 1 --partial "New,1,0,0,1,"
	assert_line --index 2 --partial "VIP,2,2,0,0,"
}

@test "nps: --detractors lists the customers to call, newest first, with contacts and last order" {
	shop
	run --separate-stderr crm-nps --detractors
	assert_success
	# r4 is a promoter; r5 has no date, so it comes last; b's cancelled
	# order of March does not count as its last order
	assert_output "$DETRACTORS_HEADER
$R2
$R1
$R3
$R5"
	run --separate-stderr crm-nps --detractors --from 2025-02-01 --to 2025-03-01
	assert_output "$DETRACTORS_HEADER
$R1"
	run --separate-stderr crm-nps --detractors --format json
	echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert [r["response_id"] for r in d] == ["r2","r1","r3","r5"]; assert d[0]["comment"] == "=HYPERLINK(\"http://x\")" and d[1]["score"] == 3 and d[3]["orders"] is None, d' ||
		fail "$output"
	run --separate-stderr crm-nps --detractors r.csv
	assert_failure 2
	run --separate-stderr crm-nps --detractors --by month
	assert_failure 2
}

@test "nps: --followed-up records who was called, and the list shrinks" {
	shop
	csv called.csv response_id,note 'r1,"called, refund sent"'
	run --separate-stderr crm-nps --followed-up called.csv --detractors
	assert_success
	[ "$stderr" = "crm-nps: followups: 1 read, 1 recorded, 0 unchanged, 0 rejected" ]
	assert_output "$DETRACTORS_HEADER
$R2
$R3
$R5"
	run q "SELECT response_id, customer_id, note FROM followups"
	assert_output "r1|a|called, refund sent"
	# by customer: all of its open detractor answers; a second time, unchanged
	csv cust.csv customer_id,followed_at c,2025-03-10 d,2025-03-10
	run --separate-stderr crm-nps --followed-up cust.csv
	assert_success
	assert_output ""
	[ "$stderr" = "crm-nps: followups: 2 read, 2 recorded, 0 unchanged, 0 rejected" ]
	run --separate-stderr crm-nps --followed-up cust.csv
	[ "$stderr" = "crm-nps: followups: 2 read, 0 recorded, 2 unchanged, 0 rejected" ]
	run q "SELECT followed_at FROM followups WHERE response_id = 'r3'"
	assert_output "2025-03-10T00:00:00Z"
	run --separate-stderr crm-nps --detractors
	assert_output "$DETRACTORS_HEADER
$R2"
	# an answer given after the call is still open
	csv late.csv customer_id,followed_at b,2025-03-01
	crm-nps --followed-up late.csv 2>/dev/null
	run --separate-stderr crm-nps --detractors
	assert_output "$DETRACTORS_HEADER
$R2"
}

@test "nps: --followed-up rejects unknown answers; --strict records nothing" {
	shop
	csv f.csv response_id,customer_id,followed_at r1,, zz,, ,nobody, ,, r2,,2025-13-01
	run --separate-stderr crm-nps --followed-up f.csv
	assert_failure 1
	[ "$stderr" = "crm-nps: f.csv:3: column 'response_id': 'zz' has no survey answer in $CRM_DB
crm-nps: f.csv:4: column 'customer_id': 'nobody' has no survey answer in $CRM_DB
crm-nps: f.csv:5: no response_id or customer_id
crm-nps: f.csv:6: column 'followed_at': '2025-13-01' is not a date
crm-nps: followups: 5 read, 1 recorded, 0 unchanged, 4 rejected" ] || fail "$stderr"
	run q "SELECT response_id FROM followups"
	assert_output "r1"
	q "DELETE FROM followups"
	run --separate-stderr crm-nps --followed-up f.csv --strict
	assert_failure 1
	[[ "$stderr" == *"followups: nothing recorded (--strict)" ]] || fail "$stderr"
	run q "SELECT count(*) FROM followups"
	assert_output 0
	csv none.csv note x
	run --separate-stderr crm-nps --followed-up none.csv
	assert_failure 1
	[[ "$stderr" == *"follow-ups need a column 'response_id' or 'customer_id'"* ]] || fail "$stderr"
}

@test "nps: the library counts a date range straight from the database" {
	shop
	# [2025-02-01, 2025-03-03): r1 (3) and r2 (6); the whole table has 5 answers
	run "$CRM_BUILD/t/npscheck" range "$CRM_DB" 2025-02-01T00:00:00Z 2025-03-03T00:00:00Z nps
	assert_success
	assert_output "n=2 counts=0,0,0,1,0,0,1,0,0,0,0 bad=0 nps=-100.0"
	run "$CRM_BUILD/t/npscheck" range "$CRM_DB" - - nps
	assert_output "n=5 counts=1,0,0,1,0,1,1,0,0,1,0 bad=0 nps=-60.0"
	run "$CRM_BUILD/t/npscheck" range "$CRM_DB" - - csat
	assert_output "n=2 counts=0,0,0,1,0,1,0,0,0,0,0 bad=3 nps=-100.0"
	# rounding half away from zero, never "-0.0"; widths of Korean text
	run "$CRM_BUILD/t/npscheck" format
	assert_success
	assert_output "12.5 -12.5 0.0 0.0 -0.1 33.3 66.7 -66.7
widths 3 6 5 1"
}

@test "nps: usage errors and the options of the man page" {
	scores s.csv 9
	for bad in "--scale x" "--by day" "--by month,week" "--by channel,channel" "--format xml" \
		"--date-order ymd" "--tz Nowhere/City" "--encoding nope-9" "--followed-up"; do
		# shellcheck disable=SC2086
		run --separate-stderr crm-nps s.csv $bad
		[ "$status" -eq 2 ] || fail "'$bad' exited $status"
		[ -z "$output" ] || fail "'$bad' wrote to stdout"
	done
	run --separate-stderr crm-nps s.csv s.csv
	assert_failure 2
	run --separate-stderr crm-nps --scale ces --detractors
	assert_failure 2
	run --separate-stderr crm-nps --followed-up s.csv --by month
	assert_failure 2
	[[ "$stderr" == *"--followed-up records calls back; it takes no --by or --scale"* ]] || fail "$stderr"
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	for opt in $(crm-nps --help | grep -o -- '--[a-z-]*' | sort -u); do
		grep -q -- "Fl ${opt#-}" "$BATS_TEST_DIRNAME/../man/crm-nps.1" || fail "$opt not in crm-nps(1)"
	done
	run crm nps --version
	assert_output --regexp '^crm-nps \(crm\) [0-9.]+$'
}

@test "nps: memory does not grow with the number of answers" {
	crm-synth --orders 20000 responses >small.csv
	crm-synth --orders 400000 responses >big.csv
	command -v /usr/bin/time >/dev/null || skip "GNU time is not installed"
	[ "${CRM_VALGRIND:-}" != 1 ] || skip "valgrind's own memory hides the command's"
	small=$(/usr/bin/time -f %M crm-nps --by month,channel small.csv 2>&1 >/dev/null | tail -1)
	big=$(/usr/bin/time -f %M crm-nps --by month,channel big.csv 2>&1 >/dev/null | tail -1)
	# 20 times the answers, at most 1 MB more peak memory
	[ "$big" -lt $((small + 1024)) ] || fail "peak RSS $small KB -> $big KB"
}

@test "nps: --followed-up reads a file as -t and --encoding say, as the answers are read" {
	shop
	printf 'response_id\tnote\nr1\tcalled\n' >called.tsv
	run --separate-stderr crm-nps -t --followed-up called.tsv
	assert_success
	[ "$stderr" = "crm-nps: followups: 1 read, 1 recorded, 0 unchanged, 0 rejected" ] || fail "$stderr"
	run q "SELECT response_id, note FROM followups"
	assert_output "r1|called"
	# notes in legacy encodings, TSV as well
	printf 'customer_id\tnote\nb\t환불 완료\n' | iconv -f utf-8 -t cp949 >kr.tsv
	run --separate-stderr crm-nps --tsv --encoding cp949 --followed-up kr.tsv
	assert_success
	[ "$stderr" = "crm-nps: followups: 1 read, 1 recorded, 0 unchanged, 0 rejected" ] || fail "$stderr"
	printf 'customer_id,note\nc,café\n' | iconv -f utf-8 -t latin1 >l1.csv
	run --separate-stderr crm-nps --encoding latin1 --followed-up l1.csv
	assert_success
	run q "SELECT customer_id, note FROM followups ORDER BY customer_id"
	assert_output "a|called
b|환불 완료
c|café"
}
