#!/usr/bin/env bats
# crm-service: the help desk's figures, breaches and backlog (crm-service(1)).
#
# The shop of fixtures/service, worked by hand.  October 2025, UTC; the
# figures taken at the end of 2025-11-05 (2025-11-06T00:00:00Z).  The
# schedule hours.schedule: Mon-Fri 09:00-17:00 UTC, 2025-10-03 (a Friday)
# a holiday.  Durations, calendar | business:
#   T1 high   email  opened Wed 10-01 16:00, first Thu 10-02 10:00, resolved Mon 10-06 10:00
#             first 18 h | 1 (Wed 16-17) + 1 (Thu 9-10) = 2 h
#             resolve 114 h | 1 + 8 (Thu) + 0 (Fri holiday, weekend) + 1 (Mon 9-10) = 10 h
#   T2 normal chat   opened Thu 10-02 09:00, first 09:30, resolved 12:00: 0.5 h and 3 h both ways
#   T3 urgent phone  opened Fri 10-10 17:30, never answered: waited until 11-06 00:00,
#             630.5 h | 18 weekdays 10-13..11-05 x 8 = 144 h
#   T4 low    email  resolved 10-14 before it was opened 10-15: left out of every duration
#   T5 normal email  opened Mon 10-20 09:00, first 09:10 (1/6 h); resolved 11-10, after the
#             figures' instant: not solved yet; waited business 13 weekdays x 8 = 104 h
#   T6 high   email  opened 09-30, before the period: only in the backlog
load helpers

F=$BATS_TEST_DIRNAME/fixtures/service

shop() {
	crm-import -q tickets "$F/tickets.csv" 2>import.err || true
	[ "$(q 'SELECT count(*) FROM tickets')" = 6 ] || fail "the shop did not import"
}

# svc ARGS...: crm-service over October 2025 as of 2025-11-05.
svc() { crm-service --period 2025-10 --as-of 2025-11-05 "$@"; }

@test "service: the figures of a month in calendar hours, worked by hand" {
	shop
	run --separate-stderr svc
	assert_success
	# first: 1/6, 0.5, 18 -> median (rank 2) 0.5, p90 (rank 3) 18
	# resolution: 3, 114 -> median (rank 1) 3, p90 (rank 2) 114
	# wait: 1/6, 0.5, 18, 630.5 -> median (rank 2) 0.5
	# one-touch: T1 of T1, T2 (T4 left out) 50%; reopened T2 of T1, T2 50%
	# CSAT: 5, 3, 4 -> 2 of 3 = 66.7%, margin 1.96 sqrt(2/9 / 3) = 53.3
	assert_output "tickets,solved,first_response_median_h,first_response_p90_h,resolution_median_h,resolution_p90_h,wait_median_h,one_touch_pct,reopened_pct,csat_pct,csat_margin,csat_n,sla_first_breaches,sla_resolution_breaches,left_out
5,3,0.50,18.00,3.00,114.00,0.50,50.0,50.0,66.7,53.3,3,,,1"
}

@test "service: the tickets left out are counted on standard error" {
	shop
	run --separate-stderr svc
	assert_success
	[ "$stderr" = "crm-service: 1 ticket left out of every duration: its times contradict each other (crm-import named them)" ]
}

@test "service: in business hours of a schedule file" {
	shop
	run --separate-stderr svc --schedule "$F/hours.schedule"
	assert_success
	# first 1/6, 0.5, 2; resolution 3, 10; wait 1/6, 0.5, 2, 144
	assert_line --index 1 "5,3,0.50,2.00,3.00,10.00,0.50,50.0,50.0,66.7,53.3,3,,,1"
	run --separate-stderr svc --schedule "$F/hours.schedule" --hours calendar --sla "$F/targets.sla"
	assert_line --index 1 --partial "5,3,0.50,18.00,3.00,114.00,0.50,"
}

@test "service: SLA breaches counted per target in the SLA's own hours" {
	shop
	# first: T2 (chat 10m, took 30m), T3 (urgent 1h, waiting 144h) = 2
	# resolution: T1 (8h, took 10h), T3 (8h), T5 (24h, waiting 104h) = 3
	run --separate-stderr svc --schedule "$F/hours.schedule" --sla "$F/targets.sla"
	assert_success
	assert_line --index 1 "5,3,0.50,2.00,3.00,10.00,0.50,50.0,50.0,66.7,53.3,3,2,3,1"
	# calendar figures, the targets still in business hours
	run --separate-stderr svc --hours calendar --schedule "$F/hours.schedule" --sla "$F/targets.sla"
	assert_line --index 1 --regexp ',2,3,1$'
}

@test "service: --breaches lists every target missed, oldest ticket first, by how much" {
	shop
	run --separate-stderr svc --schedule "$F/hours.schedule" --sla "$F/targets.sla" --breaches
	assert_success
	assert_output "ticket_id,customer_id,opened_at,priority,channel,agent,team,target,hours,target_h,took_h,over_h,done
T1,C1,2025-10-01T16:00:00Z,high,email,Ana,X,resolution,business,8.00,10.00,2.00,yes
T2,C2,2025-10-02T09:00:00Z,normal,chat,Ben,X,first_response,business,0.17,0.50,0.33,yes
T3,C3,2025-10-10T17:30:00Z,urgent,phone,Ana,Y,first_response,business,1.00,144.00,143.00,no
T3,C3,2025-10-10T17:30:00Z,urgent,phone,Ana,Y,resolution,business,8.00,144.00,136.00,no
T5,C5,2025-10-20T09:00:00Z,normal,email,Ben,X,resolution,business,24.00,104.00,80.00,no"
}

@test "service: calendar targets count calendar hours" {
	shop
	printf '%s\n' 'hours calendar' 'urgent first 2d' 'high resolve 4d' >cal.sla
	# T3 waited 630.5 h > 48; T1 resolved in 114 h > 96
	run --separate-stderr svc --sla cal.sla --breaches
	assert_success
	assert_line --index 1 "T1,C1,2025-10-01T16:00:00Z,high,email,Ana,X,resolution,calendar,96.00,114.00,18.00,yes"
	assert_line --index 2 "T3,C3,2025-10-10T17:30:00Z,urgent,phone,Ana,Y,first_response,calendar,48.00,630.50,582.50,no"
	[ "${#lines[@]}" -eq 3 ]
}

@test "service: --by priority,agent, priorities most pressing first" {
	shop
	run --separate-stderr svc --schedule "$F/hours.schedule" --by priority,agent
	assert_success
	assert_line --index 0 --partial "priority,agent,tickets,solved,"
	assert_line --index 1 --partial "urgent,Ana,1,0,,,,,144.00,"
	assert_line --index 2 --partial "high,Ana,1,1,2.00,2.00,10.00,10.00,2.00,100.0,0.0,100.0,"
	assert_line --index 3 --partial "normal,Ben,2,1,0.17,0.50,3.00,3.00,0.17,0.0,100.0,"
	assert_line --index 4 --regexp '^low,Ben,1,1,,,,,,,,,,0,,,1$'
	[ "${#lines[@]}" -eq 5 ]
}

@test "service: --by agent over 150 agents: every group found again as the table grows" {
	# agent k has k % 3 + 1 tickets, opened one hour apart, answered in k
	# minutes; 150 groups outgrow the table's first 64 slots twice
	awk 'BEGIN {
		print "ticket_id,customer_id,channel,opened_at,first_response_at,status,agent"
		for (k = 1; k <= 150; k++)
			for (i = 0; i <= k % 3; i++)
				printf "T%d-%d,C%d,email,2025-10-%02dT%02d:00:00Z,2025-10-%02dT%02d:%02d:00Z,open,A%03d\n",
					k, i, k, 1 + k % 28, i, 1 + k % 28, i, k % 60, k
	}' >many.csv
	crm-import -q tickets many.csv
	run --separate-stderr svc --by agent
	assert_success
	[ "${#lines[@]}" -eq 151 ] || fail "${#lines[@]} lines"
	# each agent's row: its ticket count and its first response in hours
	want=$(awk 'BEGIN { for (k = 1; k <= 150; k++) printf "A%03d,%d,%.2f\n", k, k % 3 + 1, (k % 60) / 60 }' | sort)
	got=$(tail -n +2 <<<"$output" | awk -F, '{ print $1 "," $2 "," $4 }' | sort)
	[ "$got" = "$want" ] || diff <(echo "$want") <(echo "$got")
}

@test "service: --by team and week; --week-start" {
	shop
	run --separate-stderr svc --by team --format text
	assert_success
	assert_line --index 1 --regexp '^X +3 +2 '
	assert_line --index 2 --regexp '^Y +2 +1 '
	run --separate-stderr svc --by week
	# weeks of Monday: 09-29 (T1, T2), 10-06 (T3), 10-13 (T4), 10-20 (T5)
	assert_line --index 1 --partial "2025-09-29,2,2,"
	assert_line --index 4 --partial "2025-10-20,1,0,"
	run --separate-stderr svc --by week --week-start sun
	assert_line --index 1 --partial "2025-09-28,2,2,"
	run --separate-stderr svc --by month,channel
	assert_line --index 1 --partial "2025-10,chat,1,"
	assert_line --index 2 --partial "2025-10,email,3,"
	assert_line --index 3 --partial "2025-10,phone,1,"
}

@test "service: --backlog at the end of the period, oldest first, with bands" {
	shop
	# open at 2025-11-01T00:00Z: T6 (31 d 14 h = 758 h; business 7 + 22 days x 8 = 183),
	# T3 (510.5 h; 15 days x 8 = 120), T5 (279 h; 10 days x 8 = 80, answered)
	run --separate-stderr svc --backlog --schedule "$F/hours.schedule"
	assert_success
	assert_output "ticket_id,customer_id,opened_at,age_h,business_age_h,band,status,priority,channel,agent,team,answered,subject
T6,C6,2025-09-30T10:00:00Z,758.00,183.00,>7d,pending,high,email,Ana,X,no,지난달 문의
T3,C3,2025-10-10T17:30:00Z,510.50,120.00,>7d,open,urgent,phone,Ana,Y,no,배송 안 와요
T5,C5,2025-10-20T09:00:00Z,279.00,80.00,>7d,resolved,normal,email,Ben,X,yes,사용법"
	# without a schedule, no business age
	run --separate-stderr svc --backlog
	assert_line --index 1 "T6,C6,2025-09-30T10:00:00Z,758.00,,>7d,pending,high,email,Ana,X,no,지난달 문의"
	# the bands' edges: 120 h (5 d) 3-7d, 36 h 1-3d, 24 h 1-3d, 4 h <1d
	csv more.csv 'ticket_id,opened_at,status' 'T9,2025-10-27T00:00:00Z,open' \
		'T7,2025-10-30T12:00:00Z,open' 'T8,2025-10-31T20:00:00Z,open' 'T10,2025-10-31T00:00:00Z,open'
	crm-import -q tickets more.csv
	run svc --backlog
	assert_line --index 4 "T9,,2025-10-27T00:00:00Z,120.00,,3-7d,open,,,,,no,"
	assert_line --index 5 "T7,,2025-10-30T12:00:00Z,36.00,,1-3d,open,,,,,no,"
	assert_line --index 6 "T10,,2025-10-31T00:00:00Z,24.00,,1-3d,open,,,,,no,"
	assert_line --index 7 "T8,,2025-10-31T20:00:00Z,4.00,,<1d,open,,,,,no,"
}

@test "service: the default Korean schedule: Friday evening to Monday morning, and across 추석" {
	csv t.csv 'ticket_id,opened_at,first_response_at,resolved_at,status' \
		'K1,2025-10-24 19:00,2025-10-27 09:30,,open' \
		'K2,2025-10-02 17:00,2025-10-02 17:10,2025-10-10 10:00,resolved'
	crm-import -q --tz Asia/Seoul tickets t.csv
	# K1: closed Fri 19:00 to Mon 09:00, then 30 min: 0.5 h
	# K2: Thu 17-18 1 h; 10-03 개천절, weekend, 10-06..08 추석 and its substitute,
	# 10-09 한글날; Fri 10-10 09-10 1 h: 2 h (calendar 185 h)
	run crm-service --tz Asia/Seoul --from 2025-10-01 --to 2025-10-31 --as-of 2025-11-05 \
		--hours business --by week
	assert_success
	assert_line --index 1 --partial "2025-09-29,1,1,0.17,0.17,2.00,2.00,"
	assert_line --index 2 --partial "2025-10-20,1,0,0.50,0.50,,,0.50,"
	run crm-service --tz Asia/Seoul --from 2025-10-01 --to 2025-10-31 --as-of 2025-11-05 --by week
	assert_line --index 1 --partial "2025-09-29,1,1,0.17,0.17,185.00,185.00,"
}

@test "service: across a change of the clock (New York, 2025-03-09)" {
	printf '%s\n' 'zone America/New_York' 'mon-sun 09:00-17:00' >ny.schedule
	csv t.csv 'ticket_id,opened_at,first_response_at,status' \
		'N1,2025-03-08T21:00:00Z,2025-03-10T14:00:00Z,open'
	crm-import -q tickets t.csv
	# Sat 16:00 EST to Mon 10:00 EDT: Sat 16-17 1 h, Sun 9-17 8 h (the clock
	# moved at 02:00, outside the hours), Mon 9-10 1 h = 10 h; calendar 41 h
	# (42 on the wall clock)
	run crm-service --tz America/New_York --from 2025-03-01 --to 2025-03-31 --as-of 2025-04-01 \
		--schedule ny.schedule
	assert_line --index 1 --partial "1,0,10.00,10.00,,,10.00,"
	run crm-service --tz America/New_York --from 2025-03-01 --to 2025-03-31 --as-of 2025-04-01
	assert_line --index 1 --partial "1,0,41.00,41.00,,,41.00,"
}

@test "service: --show-schedule prints the built-in schedule, or the one given" {
	run crm-service --show-schedule
	assert_success
	assert_line --index 0 "zone Asia/Seoul"
	assert_line --index 1 "mon-fri 09:00-18:00"
	assert_line --partial "2025-10-05..2025-10-07 추석"
	run crm-service --show-schedule --schedule "$F/hours.schedule"
	assert_success
	assert_line --index 0 "zone UTC"
	assert_line "holiday 2025-10-03 개천절"
}

@test "service: a back-dated run does not change as tickets move on" {
	shop
	svc --sla "$F/targets.sla" --schedule "$F/hours.schedule" >before.csv
	csv later.csv 'ticket_id,opened_at,first_response_at,resolved_at,status,priority' \
		'T3,2025-10-10T17:30:00Z,2025-11-20T10:00:00Z,2025-11-21T10:00:00Z,resolved,urgent'
	crm-import -q tickets later.csv
	svc --sla "$F/targets.sla" --schedule "$F/hours.schedule" >after.csv
	assert_golden before.csv after.csv
	# as of later, T3 is answered
	run --separate-stderr crm-service --period 2025-10 --as-of 2025-11-30 --schedule "$F/hours.schedule"
	assert_line --index 1 --partial "5,5,"
}

@test "service: text and JSON" {
	shop
	run --separate-stderr svc --format json --by team
	assert_success
	assert_line --index 1 --partial '"team": "X"'
	assert_output --partial '"csat_pct": 66.7'
	assert_output --partial '"sla_first_breaches": null'
	run --separate-stderr svc --format text
	assert_line --index 0 --regexp '^tickets +solved +first_response_median_h'
}

@test "service: an empty period is one row of zeros" {
	shop
	run --separate-stderr crm-service --period 2024-01 --as-of 2025-11-05
	assert_success
	assert_line --index 1 "0,0,,,,,,,,,,0,,,0"
}

# ---- bad input ------------------------------------------------------------------

@test "service: an SLA file with an unknown priority names its line and column" {
	shop
	printf '%s\n' '# targets' 'high first 4h' 'urgnet first 1h' >bad.sla
	run --separate-stderr svc --sla bad.sla
	assert_failure 2
	[ -z "$output" ]
	[ "$stderr" = "crm-service: bad.sla:3: column 1: unknown priority 'urgnet' (urgent, high, normal, low or default)" ]
}

@test "service: SLA file refusals, each with its line and column" {
	shop
	check() {
		printf '%s\n' "$1" >bad.sla
		run --separate-stderr svc --sla bad.sla
		[ "$status" -eq 2 ] || fail "'$1': status $status"
		[ "$stderr" = "crm-service: bad.sla:1: column $2: $3" ] || fail "'$1': $stderr"
	}
	check 'high first 2d' 12 "days are ambiguous in business hours (24 hours or one opening day?): write hours"
	check 'high first 4x' 12 "'4x' is not a duration from 1s to 366d (like 30m, 4h, 1h30m)"
	check 'high first' 11 "a duration is missing (like 30m, 4h, 1h30m)"
	check 'high' 5 "no target: expected 'first DURATION', 'resolve DURATION' or both"
	check 'high soon 4h' 6 "expected 'first', 'resolve', 'business' or 'calendar', not 'soon'"
	check 'high first 4h first 2h' 15 "'first' given twice"
	check 'high via' 9 "a channel is missing after 'via'"
	check 'hours weekly' 7 "expected 'hours business' or 'hours calendar'"
	check '우선 first 1h' 1 "unknown priority '우선' (urgent, high, normal, low or default)"
	printf '%s\n' 'high first 4h' 'hours calendar' >bad.sla
	run --separate-stderr svc --sla bad.sla
	[ "$stderr" = "crm-service: bad.sla:2: column 1: 'hours' must come before the targets it is for" ]
	printf '%s\n' 'high first 4h' 'low first 8h' 'high resolve 8h' >bad.sla
	run --separate-stderr svc --sla bad.sla
	[ "$stderr" = "crm-service: bad.sla:3: column 1: targets of 'high' given twice" ]
	printf '%s\n' '# nothing' >bad.sla
	run --separate-stderr svc --sla bad.sla
	assert_failure 2
	[ "$stderr" = "crm-service: bad.sla: no target (a line like 'high first 4h resolve 16h')" ]
}

@test "service: a schedule line that cannot be read names its line and column" {
	shop
	printf '%s\n' 'zone UTC' 'mon-fri 09:00-17:00' 'tue 18:00-17:00' >bad.schedule
	run --separate-stderr svc --schedule bad.schedule
	assert_failure 2
	[ -z "$output" ]
	[[ "$stderr" == "crm-service: bad.schedule:3: column "* ]] || fail "$stderr"
}

@test "service: a file that cannot be read is an I/O error" {
	run --separate-stderr crm-service --sla missing.sla
	assert_failure 3
	[ "$stderr" = "crm-service: missing.sla: No such file or directory" ]
	run --separate-stderr crm-service --schedule missing.schedule
	assert_failure 3
	[ "$stderr" = "crm-service: missing.schedule: No such file or directory" ]
}

@test "service: an SLA file past the line cap is refused, not cut" {
	shop
	{ printf 'high first 4h #'; head -c 70000 /dev/zero | tr '\0' x; echo; } >long.sla
	run --separate-stderr svc --sla long.sla
	assert_failure 2
	[ "$stderr" = "crm-service: long.sla:1: line longer than 65536 bytes" ]
}

# ---- crm-report's service section: the same code ------------------------------

@test "report: the service section in business hours, with an SLA file's breaches per priority" {
	shop
	run --separate-stderr crm-report --period 2025-10 --as-of 2025-11-05 \
		--schedule "$F/hours.schedule" --sla "$F/targets.sla" --format json
	assert_success
	echo "$output" >r.json
	python3 - <<'PY'
import json
r = json.load(open("r.json"))
s = {x["key"]: x for x in r["sections"]}["service"]
m = {k: v["current"] for k, v in s["metrics"].items()}
l = {k: v["label"] for k, v in s["metrics"].items()}
# crm-service --schedule ... --sla ...'s figures, worked by hand above
assert m["tickets"] == 5, m
assert (m["first_response_median"], m["first_response_p90"]) == (0.5, 2), m
assert (m["resolution_median"], m["resolution_p90"]) == (3, 10), m
assert (m["sla_first_breaches"], m["sla_resolve_breaches"]) == (2, 3), m
assert l["first_response_median"] == "First response, median (business hours)", l
t = {x["key"]: x["rows"] for x in s["tables"]}
assert t["sla_breaches"] == [["urgent", 1, 1, 1], ["high", 1, 0, 1], ["normal", 2, 1, 1],
                             ["low", 1, 0, 0]], t["sla_breaches"]
assert s["note"] == "1 ticket left out of the durations: its times contradict each other", s
PY
	# without a schedule: calendar hours, the SLA's business targets in the
	# built-in Korean schedule (none of it differs for these breaches but T5's
	# wait, still over its 24 h)
	run --separate-stderr crm-report --period 2025-10 --as-of 2025-11-05 --format json
	echo "$output" >c.json
	python3 -c '
import json
s = {x["key"]: x for x in json.load(open("c.json"))["sections"]}["service"]
m = {k: v["current"] for k, v in s["metrics"].items()}
assert (m["first_response_p90"], m["resolution_p90"]) == (18, 114), m
assert "sla_first_breaches" not in m or m["sla_first_breaches"] is None, m
'
}

@test "report: --sla names a file that cannot be read" {
	run --separate-stderr crm-report --sla nothere.sla
	assert_failure 3
	[ "$stderr" = "crm-report: nothere.sla: No such file or directory" ]
}
