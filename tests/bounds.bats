#!/usr/bin/env bats
# Bounds (issue 14, items 13 and 15): times kept so that no zone shows them
# in year 10000, periods whose every day has a date, and option messages that
# say where a value came from and what range it must lie in.

load helpers

NC() { "$CRM_BUILD/t/normcheck" "$@"; }

LATE="is out of range (the last time crm keeps is 9999-12-31T05:59:59Z, still in year 9999 in every time zone)"

# ---- times ---------------------------------------------------------------------

@test "bounds: 9999-12-31T23:59:59Z is refused, as it is year 10000 east of UTC" {
	run -1 NC time '9999-12-31T23:59:59Z'
	assert_output "error: '9999-12-31T23:59:59Z' $LATE"
	run -1 NC time '9999-12-31 06:00'
	assert_output "error: '9999-12-31 06:00' $LATE"
	run -0 NC time '9999-12-31T05:59:59Z'
	assert_output 9999-12-31T05:59:59Z
	run -0 NC time --tz +09:00 '9999-12-31 14:59:59'
	assert_output 9999-12-31T05:59:59Z
}

@test "bounds: a time is bounded after its zone shift, not before" {
	run -1 NC time --tz -10:00 '9999-12-31'
	assert_output "error: '9999-12-31' $LATE"
	run -1 NC time '9999-12-30 23:00 -18:00'
	assert_output "error: '9999-12-30 23:00 -18:00' $LATE"
	run -1 NC time --tz America/New_York '9999-12-31 01:00'
	assert_output "error: '9999-12-31 01:00' $LATE"
	run -0 NC time --tz America/New_York '9999-12-31 00:59:59'
	assert_output 9999-12-31T05:59:59Z
	run -1 NC time --tz +09:00 '1000-01-01 08:59'
	assert_output "error: '1000-01-01 08:59' has a year out of range"
}

@test "bounds: a zone further than 18 hours from UTC is refused" {
	run -0 NC tz +18:00
	run -0 NC tz -18:00
	run -1 NC tz +18:30
	assert_output "error: '+18:30' is not a known time zone"
	run -1 NC tz -1801
	assert_output "error: '-1801' is not a known time zone"
}

@test "bounds: an import refuses a time past the last with its file, line and column" {
	csv orders.csv order_id,customer_id,ordered_at,amount,currency \
		1,a,9999-12-31T05:59:59Z,500,KRW 2,b,9999-12-31T23:59:59Z,500,KRW
	run -1 --separate-stderr crm-import orders orders.csv
	[ "${stderr_lines[0]}" = "crm-import: orders.csv:3: column 'ordered_at': '9999-12-31T23:59:59Z' $LATE" ] ||
		fail "stderr: $stderr"
	[ "$(q 'SELECT ordered_at FROM orders')" = 9999-12-31T05:59:59Z ]
}

@test "bounds: year 0000 is no date for --as-of" {
	run -2 --separate-stderr crm-report --as-of 0000-01-01
	[ "${stderr_lines[0]}" = "crm-report: --as-of '0000-01-01' is not a date (YYYY-MM-DD)" ] ||
		fail "stderr: $stderr"
}

# ---- periods -------------------------------------------------------------------

period() {
	crm-report "$@" --format json | python3 -c '
import json, sys
r = json.load(sys.stdin)
p = r["period"]
c = [s for s in r["sections"] if s["key"] == "customers"][0]
print(p["label"], p["first_day"], p["last_day"], r["previous"]["label"], c["metrics"]["active"]["current"])'
}

@test "bounds: 9999-12 is a month whose end has no date, in every zone" {
	csv orders.csv order_id,customer_id,ordered_at,amount,currency \
		1,a,9999-12-31T05:59:59Z,500,KRW 2,b,9999-12-01T12:00:00Z,500,KRW
	crm-import orders orders.csv
	[ "$(period --period 9999-12)" = "9999-12 9999-12-01 9999-12-31 9999-11 2" ]
	[ "$(period --period 9999-12 --tz +09:00)" = "9999-12 9999-12-01 9999-12-31 9999-11 2" ]
	[ "$(period --period 9999-12 --tz -10:00)" = "9999-12 9999-12-01 9999-12-31 9999-11 2" ]
	[ "$(period --period 9999-12 --tz Pacific/Kiritimati)" = "9999-12 9999-12-01 9999-12-31 9999-11 2" ]
	[ "$(period --from 9999-12-31 --to 9999-12-31 --tz +09:00)" = "9999-12-31..9999-12-31 9999-12-31 9999-12-31 9999-12-30..9999-12-30 1" ]
	# no time kept falls on that day west of UTC (its 05:59:59Z is the 30th)
	[ "$(period --from 9999-12-31 --to 9999-12-31 --tz -10:00)" = "9999-12-31..9999-12-31 9999-12-31 9999-12-31 9999-12-30..9999-12-30 0" ]
}

@test "bounds: a week that would run past 9999-12-31 is refused" {
	csv orders.csv order_id,customer_id,ordered_at,amount,currency 1,a,9999-12-01,500,KRW
	crm-import orders orders.csv
	local want="the period does not lie within 0001-01-01..9999-12-31"
	run -2 --separate-stderr crm-report --period 9999-W52
	[ "${stderr_lines[0]}" = "crm-report: --period '9999-W52': $want" ] || fail "stderr: $stderr"
	run -2 --separate-stderr crm-report --as-of 9999-12-31 --period this-week
	[ "${stderr_lines[0]}" = "crm-report: --period 'this-week': $want" ] || fail "stderr: $stderr"
}

@test "bounds: a period whose period before starts before 0001-01-01 is refused, never reversed" {
	csv orders.csv order_id,customer_id,ordered_at,amount,currency 1,a,2026-12-01,500,KRW
	crm-import orders orders.csv
	local want="the period before it, which a report compares it with, starts before 0001-01-01"
	run -2 --separate-stderr crm-report --as-of 0001-01-15 --period this-month
	[ "${stderr_lines[0]}" = "crm-report: --period 'this-month': $want" ] || fail "stderr: $stderr"
	run -2 --separate-stderr crm-report --as-of 0001-01-15 --period last-month
	[ "${stderr_lines[0]}" = "crm-report: --period 'last-month': the period does not lie within 0001-01-01..9999-12-31" ] ||
		fail "stderr: $stderr"
	run -2 --separate-stderr crm-report --from 0001-01-01 --to 0001-01-07
	[[ "${stderr_lines[0]}" == *"$want" ]] || fail "stderr: $stderr"
	run -0 crm-report --as-of 0001-02-15 --period this-month --format json
	assert_line --partial '"period": {"label": "0001-02", "first_day": "0001-02-01", "last_day": "0001-02-28"}'
	assert_line --partial '"previous": {"label": "0001-01", "first_day": "0001-01-01", "last_day": "0001-01-31"}'
}

@test "bounds: a coupon that expires on 9999-12-31 east of UTC ends with the last time kept" {
	csv c.csv customer_id a
	run -0 crm-coupon --now 2026-12-01T00:00:00Z --tz +09:00 issue --campaign w --discount 5% --expires 9999-12-31 c.csv
	[ "$(sqlite3 "$CRM_DB" 'SELECT expires_at FROM coupons')" = 9999-12-31T06:00:00Z ] ||
		fail "$(sqlite3 "$CRM_DB" 'SELECT expires_at FROM coupons')"
}

@test "bounds: --bins with a space for its figure is refused, not written past the table" {
	csv orders.csv order_id,customer_id,ordered_at,amount,currency 1,a,2026-12-01,500,KRW
	run -2 --separate-stderr crm-segment --bins ' =0,1,2,3' orders.csv
	[ "${stderr_lines[0]}" = "crm-segment: --bins ' =0,1,2,3': expected R=, F= or M= and four cut-offs" ] ||
		fail "stderr: $stderr"
}

# ---- options -------------------------------------------------------------------

@test "bounds: a bad TZ is named as the TZ environment variable, not as --tz ''" {
	local cmd
	for cmd in "crm-report" "crm-segment" "crm-nps" "crm-import orders" "crm-coupon list"; do
		run -2 --separate-stderr env TZ=Nowhere/City $cmd
		[ "${stderr_lines[0]}" = "${cmd%% *}: the TZ environment variable 'Nowhere/City' is not a known time zone" ] ||
			fail "$cmd: $stderr"
	done
	run -2 --separate-stderr env TZ=Nowhere/City crm-report --tz ''
	[ "${stderr_lines[0]}" = "crm-report: the TZ environment variable 'Nowhere/City' is not a known time zone" ] ||
		fail "stderr: $stderr"
	run -2 --separate-stderr env TZ=UTC crm-report --tz Nowhere/City
	[ "${stderr_lines[0]}" = "crm-report: --tz 'Nowhere/City' is not a known time zone" ] ||
		fail "stderr: $stderr"
}

@test "bounds: a number option too large says its range" {
	run -2 --separate-stderr crm-segment --lost-days 2147483647
	[ "${stderr_lines[0]}" = "crm-segment: --lost-days '2147483647': expected a whole number of days from 0 to 1000000" ] ||
		fail "stderr: $stderr"
	run -2 --separate-stderr crm-report --lost-days 2147483647
	[ "${stderr_lines[0]}" = "crm-report: --lost-days '2147483647': expected a whole number of days from 1 to 100000" ] ||
		fail "stderr: $stderr"
	run -2 --separate-stderr crm-segment --vip-orders 99999999999999999999
	[ "${stderr_lines[0]}" = "crm-segment: --vip-orders '99999999999999999999': expected a whole number of orders from 1 to 1000000000" ] ||
		fail "stderr: $stderr"
	run -2 --separate-stderr crm-report --list 100001
	[ "${stderr_lines[0]}" = "crm-report: --list '100001': expected a whole number of rows from 0 to 100000" ] ||
		fail "stderr: $stderr"
}

@test "bounds: money options past int64 or in exponent form are never called negative" {
	csv orders.csv order_id,customer_id,ordered_at,amount,currency 1,a,2026-10-01,500,KRW
	run -2 --separate-stderr crm-segment --scheme lifecycle --vip-spend 1e400 orders.csv
	[ "${stderr_lines[0]}" = "crm-segment: --vip-spend '1e400' is not an amount" ] || fail "stderr: $stderr"
	run -2 --separate-stderr crm-segment --scheme lifecycle --vip-spend 99999999999999999999 orders.csv
	[ "${stderr_lines[0]}" = "crm-segment: --vip-spend '99999999999999999999' is too large" ] ||
		fail "stderr: $stderr"
	run -2 --separate-stderr crm-coupon redeem --order 1 --amount '1e400 USD' X
	[ "${stderr_lines[0]}" = "crm-coupon: --amount '1e400 USD' is not an amount" ] || fail "stderr: $stderr"
}
