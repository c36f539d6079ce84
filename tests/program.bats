#!/usr/bin/env bats
# The loyalty program of lib/loyalty_program.c (crm-loyalty --program FILE),
# driven through build/t/programcheck.  Every figure below is worked out by
# hand in the comment beside it.
#
#   prog LINES...                  write the program file, one argument a line
#   example                        the program of issue 16
#   check VERB ARGS... -- OUTPUT   programcheck FILE VERB ARGS prints OUTPUT
#                                  (one argument a line)
#   refuse LINE COL PROBLEM        loading fails: "FILE:LINE: column COL: PROBLEM", status 2
#   wrong TEXT COL PROBLEM         a KRW program with TEXT as its third line is
#                                  refused at line 3

load helpers

# The helpers' setup (a database per test) is replaced: these drive a checker.
setup() {
	: "${CRM_BUILD:=$BATS_TEST_DIRNAME/../build}"
	PC="$CRM_BUILD/t/programcheck"
	[ -x "$PC" ] || fail "programcheck is not built: $PC"
	F="$BATS_TEST_TMPDIR/program"
}

prog() {
	printf '%s\n' "$@" >"$F"
}

example() {
	prog 'currency = KRW' \
		"earn     = 1 per 100            # points per amount in major units of the order's currency, rounded down per order" \
		'min_order = 10000               # optional: smaller orders earn nothing' \
		'pending  = 14 days              # points usable only after the return window; 0 = at once' \
		'expires  = 12 months month-end  # each lot expires 12 months after it was earned, at the end of that month; never = no expiry' \
		'tier Silver = spend >= 300000 in 12 months, earn x1.5' \
		'tier Gold   = spend >= 1000000 in 12 months or orders >= 10 in 12 months, earn x2' \
		'downgrade = at evaluation, grace 1 month' \
		'birthday = 2000                 # bonus points once a year in the birthday month' \
		'signup   = 1000'
}

EXAMPLE_TEXT='currency = KRW
earn = 1 per 100
min_order = 10000
pending = 14 days
expires = 12 months month-end
tier Silver = spend >= 300000 in 12 months, earn x1.5
tier Gold = spend >= 1000000 in 12 months or orders >= 10 in 12 months, earn x2
downgrade = at evaluation, grace 1 month
birthday = 2000
signup = 1000
point_value = 0'

check() {
	local args=() want
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	shift
	want=$(printf '%s\n' "$@")
	run "$PC" "$F" "${args[@]}"
	assert_success
	assert_output -- "$want"
}

refuse() {
	run "$PC" "$F"
	assert_failure 2
	assert_output "$F:$1: column $2: $3"
	# the text form (a stored copy) says the same of the same line
	run "$PC" -t "$F"
	assert_failure 2
	assert_output "text:$1: column $2: $3"
}

wrong() {
	prog 'currency = KRW' 'earn = 1 per 100' "$1"
	refuse 3 "$2" "$3"
}

# ---- the file ------------------------------------------------------------------------

@test "file: issue 16's example reads and prints back canonically" {
	example
	check -- "$EXAMPLE_TEXT"
	run "$PC" -t "$F"
	assert_success
	assert_output "$EXAMPLE_TEXT"
	check roundtrip -- ok
}

@test "file: only currency and earn are required; the rest print their defaults" {
	prog 'currency = usd' 'earn = 3 per 2.5'
	check -- 'currency = USD' 'earn = 3 per 2.50' 'min_order = 0.00' 'pending = 0' \
		'expires = never' 'downgrade = at evaluation' 'birthday = 0' 'signup = 0' 'point_value = 0.00'
	check roundtrip -- ok
}

@test "file: keys and words in any case, lines in any order, comments, blanks, tabs" {
	prog '# our program' '' $'\tSIGNUP=500' 'Tier  일반 회원 =  ALWAYS' 'EXPIRES = 2 Years Month-End' \
		'Pending = 1 Day   # one day' 'tier VIP= Spend>=1000.50 In 1 Year And Orders >= 3 In 90 Days, Earn X1.25' \
		'DownGrade = At Evaluation, Grace 30 Days' 'earn = 1 per 1' 'currency = usd   ' \
		'min_order = 0.5' 'POINT_VALUE = 0.01'
	check -- 'currency = USD' 'earn = 1 per 1.00' 'min_order = 0.50' 'pending = 1 day' \
		'expires = 24 months month-end' 'tier 일반 회원 = always, earn x1' \
		'tier VIP = spend >= 1000.50 in 12 months and orders >= 3 in 90 days, earn x1.25' \
		'downgrade = at evaluation, grace 30 days' 'birthday = 0' 'signup = 500' 'point_value = 0.01'
	check roundtrip -- ok
	check windows 2026-03-15 -- '12m 2025-03-16' '90d 2025-12-16'
}

@test "file: a BOM, CRLF line ends and no final newline, in both forms" {
	printf '\xef\xbb\xbfcurrency = KRW\r\nearn = 1 per 100\r\n\r\nexpires = 1 month\r\nsignup = 5' >"$F"
	check -- 'currency = KRW' 'earn = 1 per 100' 'min_order = 0' 'pending = 0' 'expires = 1 month' \
		'downgrade = at evaluation' 'birthday = 0' 'signup = 5' 'point_value = 0'
	run "$PC" -t "$F"
	assert_success
	assert_line --index 4 'expires = 1 month'
}

@test "file: every form of every key prints back to what it read" {
	local v
	for v in 'pending = 0' 'pending = 0 days' 'pending = 3650 days' 'expires = never' \
		'expires = 1 day' 'expires = 36500 days' 'expires = 1200 months' 'expires = 100 years month-end' \
		'downgrade = never' 'downgrade = at evaluation, grace 0 months' \
		'downgrade = at evaluation, grace 1 year' 'birthday = 1000000000000' \
		'tier A = orders >= 0 in 1 day, earn x0.001' 'tier A = spend >= 0 in 1200 months, earn x1000' \
		'tier A = spend >= 1 in 1 month or spend >= 2 in 2 months or spend >= 3 in 3 months or spend >= 4 in 4 months'; do
		prog 'currency = KWD' 'earn = 1000000000 per 0.001' 'min_order = 9223372036854775.807' "$v"
		check roundtrip -- ok
	done
	prog 'currency = KRW' 'earn = 1 per 100' 'pending = 0 days' 'downgrade = at evaluation, grace 0 days'
	run "$PC" "$F"
	assert_line --index 3 'pending = 0'
	assert_line --index 5 'downgrade = at evaluation'
}

@test "file: tiers rank in the order of their lines and share their spans" {
	prog 'currency = KRW' 'earn = 1 per 100' 'tier B = orders >= 5 in 12 months' \
		'tier A = spend >= 100 in 1 year' 'tier C = spend >= 1 in 30 days'
	check windows 2026-03-31 -- '12m 2025-04-01' '30d 2026-03-02'
	check tier b -- 0
	check tier A -- 1
	check tier c -- 2
	check tier D -- -1
	# C is the highest rank met though its threshold is the lowest
	check evaluate - 2026-03-31 2026-03-31 100 5 1 0 -- '- -> C up: spend 1 >= 1 in 30 days'
	check evaluate - 2026-03-31 2026-03-31 100 5 0 0 -- '- -> A up: spend 100 >= 100 in 12 months'
}

@test "file: a file that cannot be read, one past the caps, a NUL byte" {
	run "$PC" "$BATS_TEST_TMPDIR/none"
	assert_failure 3
	assert_output "$BATS_TEST_TMPDIR/none: No such file or directory"
	run "$PC" "$BATS_TEST_TMPDIR"
	assert_failure 3
	assert_output "$BATS_TEST_TMPDIR: Is a directory"
	printf 'currency = KRW\nearn = 1 per\0 100\n' >"$F"
	run "$PC" "$F"
	assert_failure 2
	assert_output "$F:2: column 13: NUL byte"
	{ echo 'currency = KRW'; printf '#%.0s' {1..65537}; echo; } >"$F"
	run "$PC" "$F"
	assert_failure 2
	assert_output "$F:2: line longer than 65536 bytes"
}

# ---- bad lines -----------------------------------------------------------------------

@test "bad: keys, unknown, misspelt, repeated, missing" {
	wrong 'earm = 1 per 100' 1 "unknown key 'earm' (did you mean 'earn'?)"
	wrong 'min-order = 5' 1 "unknown key 'min-order' (did you mean 'min_order'?)"
	wrong 'Expire = never' 1 "unknown key 'Expire' (did you mean 'expires'?)"
	wrong 'points = 5' 1 "unknown key 'points' (one of currency, earn, min_order, pending, expires, tier, downgrade, birthday, signup, point_value)"
	wrong '포인트 = 5' 1 "unknown key '포인트' (one of currency, earn, min_order, pending, expires, tier, downgrade, birthday, signup, point_value)"
	wrong 'EARN = 2 per 100' 1 "'earn' is given twice (first on line 2)"
	wrong 'signup 100' 8 "expected '=' after 'signup', not '100'"
	wrong 'signup' 1 "expected '=' after 'signup'"
	wrong '= 5' 1 "expected a key, not '='"
	wrong 'signup = 5 points' 12 "unexpected 'points' after the value of 'signup'"
	prog 'earn = 1 per 100'
	run "$PC" "$F"
	assert_failure 2
	assert_output "$F: currency is required"
	prog '# nothing' 'currency = KRW'
	run "$PC" -t "$F"
	assert_failure 2
	assert_output "text: earn is required"
}

@test "bad: currencies and amounts: decimals, size, signs, separators" {
	prog 'currency = KRW' 'earn = 1 per 100' 'currency = USD'
	refuse 3 1 "'currency' is given twice (first on line 1)"
	prog 'currency = XYZ'
	refuse 1 12 "'XYZ' is not a known currency"
	prog 'currency = 100'
	refuse 1 12 "expected a currency code after '=', not '100'"
	wrong 'min_order = 10000.5' 13 "'10000.5' has more decimals than KRW allows (0)"
	prog 'currency = USD' 'earn = 1 per 1.005'
	refuse 2 14 "'1.005' has more decimals than USD allows (2)"
	# an amount before the currency is checked when the currency comes, at its own place
	prog 'min_order = 10000.5' 'earn = 1 per 100' 'currency = KRW'
	refuse 1 13 "'10000.5' has more decimals than KRW allows (0)"
	wrong 'min_order = 9223372036854775808' 13 "'9223372036854775808' is too large"
	wrong 'min_order = 99999999999999999999999' 13 "'99999999999999999999999' is too large"
	prog 'currency = USD' 'earn = 1 per 92233720368547758.08'
	refuse 2 14 "'92233720368547758.08' is too large"
	prog 'currency = USD' 'earn = 1 per 92233720368547758.07'
	check points - 922337203685477580 -- '922337203685477580 0'
	wrong 'min_order = 1,000' 13 "'1,000' is not a number (no thousands separators)"
	wrong 'min_order = -5' 13 "'-5' is negative"
	wrong 'min_order = 5원' 13 "'5원' is not a number"
	wrong 'min_order = .5' 13 "'.5' is not a number"
	wrong 'min_order = 1.' 13 "'1.' is not a number"
	prog 'currency = KRW' 'earn = 1 per 0'
	refuse 2 14 "'0' is not a positive amount"
	prog 'currency = KRW' 'earn = 0 per 100'
	refuse 2 8 "'0' is out of range (1 to 1000000000)"
	prog 'currency = KRW' 'earn = 1.5 per 100'
	refuse 2 8 "'1.5' is not a whole number"
	prog 'currency = KRW' 'earn = 1 for 100'
	refuse 2 10 "expected 'per' after '1', not 'for'"
	prog 'currency = KRW' 'earn = 5%'
	refuse 2 8 "'5%' is not a number"
}

@test "bad: pending, expires, downgrade, bonuses" {
	wrong 'pending = 14' 11 "expected 'days' after '14'"
	wrong 'pending = 2 weeks' 13 "expected 'days' after '2', not 'weeks'"
	wrong 'pending = 1 month' 13 "expected 'days' after '1', not 'month'"
	wrong 'pending = 3651 days' 11 "'3651' is out of range (1 to 3650)"
	wrong 'expires = sometimes' 11 "expected 'never' or a span such as '12 months' after '=', not 'sometimes'"
	wrong 'expires = 0 months' 11 "'0' is out of range (1 to 36500)"
	wrong 'expires = 30 days month-end' 19 "'month-end' goes with months or years, not days"
	wrong 'expires = 1201 months' 11 "'1201 months' is too long (at most 1200 months)"
	wrong 'expires = 101 years' 11 "'101 years' is too long (at most 1200 months)"
	wrong 'expires = 12 months end' 21 "unexpected 'end' after the value of 'expires'"
	wrong 'downgrade = at once' 16 "expected 'evaluation' after 'at', not 'once'"
	wrong 'downgrade = monthly' 13 "expected 'at evaluation' or 'never' after '=', not 'monthly'"
	wrong 'downgrade = at evaluation grace 1 month' 27 "unexpected 'grace' after the value of 'downgrade'"
	wrong 'downgrade = at evaluation, grace' 28 "expected a number after 'grace'"
	wrong 'downgrade = at evaluation, grace 2 weeks' 36 "expected 'days', 'months' or 'years' after '2', not 'weeks'"
	wrong 'birthday = 2000.5' 12 "'2000.5' is not a whole number"
	wrong 'birthday = 1000000000001' 12 "'1000000000001' is out of range (0 to 1000000000000)"
	wrong 'signup = lots' 10 "expected a number after '=', not 'lots'"
}

@test "bad: tier lines" {
	wrong 'tier Gold = spend >= 1 in 1 month, earn x1.5x' 41 "'x1.5x' is not a multiplier"
	wrong 'tier Gold = spend >= 1 in 1 month, earn x' 41 "'x' is not a multiplier"
	wrong 'tier Gold = spend >= 1 in 1 month, earn 2' 41 "expected a multiplier such as x1.5 after 'earn', not '2'"
	wrong 'tier Gold = spend >= 1 in 1 month, earn x0' 41 "'x0' is out of range (x0.001 to x1000)"
	wrong 'tier Gold = spend >= 1 in 1 month, earn x1000.001' 41 "'x1000.001' is out of range (x0.001 to x1000)"
	wrong 'tier Gold = spend >= 1 in 1 month, earn x18446744073709552' 41 "'x18446744073709552' is out of range (x0.001 to x1000)"
	wrong 'tier Gold = spend >= 1 in 1 month, earn x1.0005' 41 "'x1.0005' has more than 3 decimals"
	wrong 'tier Gold = spend >= 1 in 1 month, bonus x2' 36 "expected 'earn' after ',', not 'bonus'"
	wrong 'tier Gold = spend >= 1 in 1 month, earn x2 more' 44 "unexpected 'more' after the value of 'tier'"
	wrong 'tier = spend >= 1 in 1 month' 6 "a tier needs a name: tier NAME = ..."
	wrong 'tier Gold' 10 "expected '=' after the tier's name"
	wrong 'tier Gold spend >= 1 in 1 month' 17 "'>' is not allowed in a tier name (is the '=' after the name missing?)"
	wrong 'tier Go,ld = always' 8 "',' is not allowed in a tier name"
	wrong 'tier "Gold" = always' 6 "'\"' is not allowed in a tier name"
	wrong $'tier Go\tld = always' 8 "'\\t' is not allowed in a tier name"
	wrong $'tier Go\u0085ld = always' 8 "'\\u0085' is not allowed in a tier name"
	wrong "tier $(printf 'x%.0s' {1..64}) = always" 6 "tier name too long (64 bytes, at most 63)"
	wrong $'tier Gold = always \xff' 20 "invalid UTF-8 (byte 0xff)"
	wrong 'tier Gold = spend > 1 in 1 month' 19 "'>' is not allowed here: a tier condition is met from its figure up ('>=')"
	wrong 'tier Gold = spend 1 in 1 month' 19 "expected '>=' after 'spend', not '1'"
	wrong 'tier Gold = spending >= 1 in 1 month' 13 "expected 'spend', 'orders' or 'always' after '=', not 'spending'"
	wrong 'tier Gold = spend >= 1 during 1 month' 24 "expected 'in' after '1', not 'during'"
	wrong 'tier Gold = spend >= 1 in 1 week' 29 "expected 'days', 'months' or 'years' after '1', not 'week'"
	wrong 'tier Gold = orders >= 1.5 in 1 month' 23 "'1.5' is not a whole number"
	wrong 'tier Gold = spend >= 1.5 in 1 month' 22 "'1.5' has more decimals than KRW allows (0)"
	wrong 'tier Gold = spend >= 1 in 1 month and orders >= 2 in 1 month or orders >= 3 in 1 month' 62 "'and' and 'or' in one tier: use one of them"
	wrong 'tier Gold = orders >= 1 in 1 day or orders >= 2 in 2 days or orders >= 3 in 3 days or orders >= 4 in 4 days or orders >= 5 in 5 days' 109 "too many conditions (at most 4 in a tier)"
	wrong 'tier Gold = spend >= 1 in 1 month or always' 38 "'always' stands alone"
	wrong 'tier Gold = always or spend >= 1 in 1 month' 20 "'always' stands alone"
}

@test "bad: tiers across lines: twice, always above another, too many, too many spans" {
	prog 'currency = KRW' 'earn = 1 per 100' 'tier Gold = always' 'tier gold = orders >= 2 in 1 month'
	refuse 4 6 "tier 'gold' is defined twice (first on line 3)"
	prog 'currency = KRW' 'earn = 1 per 100' 'tier A = orders >= 2 in 1 month' 'tier B = always'
	refuse 4 10 "'always' only in the first tier (the tiers before it could never be reached)"
	prog 'currency = KRW' 'earn = 1 per 100'
	for i in $(seq 1 16); do echo "tier T$i = orders >= $i in 1 month" >>"$F"; done
	check roundtrip -- ok
	echo 'tier T17 = orders >= 17 in 1 month' >>"$F"
	refuse 19 1 "too many tiers (at most 16)"
	prog 'currency = KRW' 'earn = 1 per 100'
	for i in $(seq 1 8); do echo "tier T$i = orders >= 1 in $i months" >>"$F"; done
	check roundtrip -- ok
	echo 'tier T9 = orders >= 1 in 8 months or orders >= 1 in 9 months' >>"$F"
	refuse 11 53 "too many different spans (at most 8 in a program)"
}

# ---- points -------------------------------------------------------------------------------

@test "points: 1 per 100 KRW, rounded down per order, nothing under min_order" {
	example
	# 9,999 < min_order 10,000: 0; 10,000/100 = 100; 10,099/100 = 100.99 -> 100;
	# 10,100 -> 101; 0 earns 0
	check points - 9999 10000 10099 10100 0 -- '9999 0' '10000 100' '10099 100' '10100 101' '0 0'
	# two orders of 15,050 earn 150 each (300), not 301 as their sum would
	check points - 15050 30100 -- '15050 150' '30100 301'
}

@test "points: the tier's multiplier applies before the one rounding down" {
	example
	# Silver x1.5: 10,000 -> 150; 10,066 -> 150.99 -> 150; 10,067 -> 151.005 -> 151;
	# 10,150 -> 152.25 -> 152 (rounding first would give 101 x 1.5 = 151.5 -> 151)
	check points Silver 10000 10066 10067 10150 -- '10000 150' '10066 150' '10067 151' '10150 152'
	# Gold x2: 12,345 -> 246.9 -> 246; no tier x1: 123
	check points gold 12345 -- '12345 246'
	check points - 12345 -- '12345 123'
	# min_order is on the amount, not on the points: 9,999 at x2 is still 0
	check points Gold 9999 -- '9999 0'
}

@test "points: in a currency with cents, and fractional multipliers" {
	prog 'currency = USD' 'earn = 3 per 2.50' 'min_order = 0.99' 'tier T = always, earn x1.333'
	# 98 cents < 0.99: 0; 0.99 -> 3 x 0.99 / 2.50 = 1.188 -> 1; $10 -> 12; $10.82 -> 12.984 -> 12
	check points - 98 99 1000 1082 -- '98 0' '99 1' '1000 12' '1082 12'
	# x1.333: $10 -> 15.996 -> 15; $100.03 -> 160.0 (100.03 x 3 x 1.333 / 2.5 = 160.00798) -> 160
	check points T 1000 10003 -- '1000 15' '10003 160'
}

@test "points: a return takes back exactly what the same whole order earned" {
	example
	# -15,050 -> -150; a return under min_order takes back nothing, as the order earned nothing
	check points - -15050 -10000 -9999 -- '-15050 -150' '-10000 -100' '-9999 0'
	check points Silver 10067 -10067 -- '10067 151' '-10067 -151'
	# partial returns round toward zero each: 15,050 = 7,525 + 7,525 earns 150, the two
	# returns of 7,525 take back nothing (under min_order)...
	check points - -7525 -- '-7525 0'
	# ...while the change of the order's amount is exact: 15,050 -> 7,525 -> 0
	check change - 15050 7525 -- -150
	check change - 7525 0 -- 0
	check change - 30100 15050 -- -151
	check change - 15050 0 -- -150
	check change Silver 10067 10000 -- -1
	check change - 10000 30100 -- 201
}

@test "points: any int64 amount, exact or refused, never wrapped" {
	example
	# 9223372036854775807 / 100 = 92233720368547758.07 -> 92233720368547758
	check points - 9223372036854775807 -9223372036854775808 -- \
		'9223372036854775807 92233720368547758' '-9223372036854775808 -92233720368547758'
	check points Gold 9223372036854775807 -- '9223372036854775807 184467440737095516'
	prog 'currency = KRW' 'earn = 1000000000 per 1' 'tier T = always, earn x1000'
	# 9,223,372,036 x 10^9 = 9.2e18 < 2^63; x1000 is beyond int64
	check points - 9223372036 9223372037 -9223372037 -- '9223372036 9223372036000000000' \
		'9223372037 overflow' '-9223372037 overflow'
	check points T 9223372036854775807 -9223372036854775808 -- '9223372036854775807 overflow' \
		'-9223372036854775808 overflow'
	check change - 0 9223372037 -- overflow
}

@test "points: what points are worth, for the liability in money" {
	prog 'currency = USD' 'earn = 1 per 1' 'point_value = 0.01'
	# 100 points at one cent each: $1.00, 100 minor units
	check money 100 0 -250 -- '100 100' '0 0' '-250 -250'
	prog 'currency = KRW' 'earn = 1 per 100' 'point_value = 5'
	check money 2000 9223372036854775807 -- '2000 10000' '9223372036854775807 overflow'
	prog 'currency = KRW' 'earn = 1 per 100'
	check money 2000 -- '2000 0'
	wrong 'point_value = 0.5' 15 "'0.5' has more decimals than KRW allows (0)"
	wrong 'point_value = -1' 15 "'-1' is negative"
	wrong 'point_value = 1 won' 17 "unexpected 'won' after the value of 'point_value'"
}

# ---- days ----------------------------------------------------------------------------------

@test "pending: usable from the day after the N days that follow the order's day; 0 at once" {
	example
	# 14 days: earned 2026-03-10, the window is 03-10..03-24, usable from 03-25
	check release 2026-03-10 2026-12-25 2028-02-20 -- '2026-03-10 2026-03-25' \
		'2026-12-25 2027-01-09' '2028-02-20 2028-03-06'
	check release 9999-12-20 -- '9999-12-20 after-9999-12-31'
	# at 2026-03-10T15:30Z it is 03-11 00:30 in Seoul: usable from 03-26 00:00 KST
	check release-at Asia/Seoul 2026-03-10T15:30:00Z 2026-03-10T14:59:59Z -- \
		'2026-03-10T15:30:00Z 2026-03-25T15:00:00Z' '2026-03-10T14:59:59Z 2026-03-24T15:00:00Z'
	check release-at UTC 2026-03-10T23:59:59Z 9999-12-31T05:59:59Z -- \
		'2026-03-10T23:59:59Z 2026-03-25T00:00:00Z' '9999-12-31T05:59:59Z 9999-12-31T06:00:00Z'
	check release-at UTC 2026-03-10 2026-13-01T00:00:00Z 2026-03-10T24:00:00Z 2026-03-10T10:60:00Z \
		2026-03-10T10:00:0xZ 2026-03-10T10:00:00+09:00 -- \
		'2026-03-10 error: is not a stored time (YYYY-MM-DDTHH:MM:SSZ)' \
		'2026-13-01T00:00:00Z error: is not a stored time (YYYY-MM-DDTHH:MM:SSZ)' \
		'2026-03-10T24:00:00Z error: is not a stored time (YYYY-MM-DDTHH:MM:SSZ)' \
		'2026-03-10T10:60:00Z error: is not a stored time (YYYY-MM-DDTHH:MM:SSZ)' \
		'2026-03-10T10:00:0xZ error: is not a stored time (YYYY-MM-DDTHH:MM:SSZ)' \
		'2026-03-10T10:00:00+09:00 error: is not a stored time (YYYY-MM-DDTHH:MM:SSZ)'
	check expiry-at UTC 2026-02-29T00:00:00Z -- '2026-02-29T00:00:00Z error: is not a stored time (YYYY-MM-DDTHH:MM:SSZ)'
	prog 'currency = KRW' 'earn = 1 per 100' 'pending = 0'
	check release 2026-03-10 -- '2026-03-10 2026-03-10'
	check release-at Asia/Seoul 2026-03-10T15:30:00Z -- '2026-03-10T15:30:00Z 2026-03-10T15:30:00Z'
	prog 'currency = KRW' 'earn = 1 per 100' 'pending = 1 day'
	check release 2026-02-28 -- '2026-02-28 2026-03-02'
}

@test "expires: N months month-end, through the end of the month N months on, across year ends" {
	example
	# earned in March 2026: usable through 2027-03-31, expired from 2027-04-01
	check expiry 2026-03-01 2026-03-10 2026-03-31 -- '2026-03-01 2027-04-01' \
		'2026-03-10 2027-04-01' '2026-03-31 2027-04-01'
	# December 2026 -> through December 2027 -> 2028-01-01
	check expiry 2026-12-01 2026-12-31 2027-01-01 -- '2026-12-01 2028-01-01' \
		'2026-12-31 2028-01-01' '2027-01-01 2028-02-01'
	# February of a leap year -> through February 2029, 28 days
	check expiry 2028-02-29 2027-02-28 -- '2028-02-29 2029-03-01' '2027-02-28 2028-03-01'
	check expiry 9998-12-31 9999-01-01 -- '9998-12-31 after-9999-12-31' '9999-01-01 after-9999-12-31'
	# the month's last local midnight in Seoul is 15:00 UTC the day before
	check expiry-at Asia/Seoul 2026-03-10T15:30:00Z 2026-02-28T15:00:00Z 2026-02-28T14:59:59Z -- \
		'2026-03-10T15:30:00Z 2027-03-31T15:00:00Z' '2026-02-28T15:00:00Z 2027-03-31T15:00:00Z' \
		'2026-02-28T14:59:59Z 2027-02-28T15:00:00Z'
	check expiry-at America/New_York 2026-12-31T12:00:00Z -- '2026-12-31T12:00:00Z 2028-01-01T05:00:00Z'
	prog 'currency = KRW' 'earn = 1 per 100' 'expires = 1 month month-end'
	check expiry 2026-11-30 2026-12-15 2028-01-10 -- '2026-11-30 2027-01-01' \
		'2026-12-15 2027-02-01' '2028-01-10 2028-03-01'
}

@test "expires: N months to the same day (the month's end when shorter), N days, never" {
	prog 'currency = KRW' 'earn = 1 per 100' 'expires = 1 month'
	# Jan 31 + 1 month is Feb 28 (29 in 2028): usable through it, expired from Mar 1
	check expiry 2027-01-31 2028-01-31 2028-01-30 2026-12-31 2026-03-15 -- \
		'2027-01-31 2027-03-01' '2028-01-31 2028-03-01' '2028-01-30 2028-03-01' \
		'2026-12-31 2027-02-01' '2026-03-15 2026-04-16'
	prog 'currency = KRW' 'earn = 1 per 100' 'expires = 1 year'
	check expiry 2028-02-29 -- '2028-02-29 2029-03-01'
	prog 'currency = KRW' 'earn = 1 per 100' 'expires = 30 days'
	# through 2026-03-31, as a coupon of --expires 30d
	check expiry 2026-03-01 2026-12-15 -- '2026-03-01 2026-04-01' '2026-12-15 2027-01-15'
	check expiry-at UTC 2026-03-01T10:00:00Z -- '2026-03-01T10:00:00Z 2026-04-01T00:00:00Z'
	prog 'currency = KRW' 'earn = 1 per 100' 'expires = never'
	check expiry 2026-03-01 -- '2026-03-01 never'
	check expiry-at UTC 2026-03-01T10:00:00Z -- '2026-03-01T10:00:00Z never'
}

@test "windows: the days of a span that ends on the day of evaluation" {
	prog 'currency = KRW' 'earn = 1 per 100' 'tier A = spend >= 1 in 12 months or orders >= 1 in 30 days or orders >= 2 in 1 month'
	check windows 2026-03-15 -- '12m 2025-03-16' '30d 2026-02-14' '1m 2026-02-16'
	check windows 2026-12-31 -- '12m 2026-01-01' '30d 2026-12-02' '1m 2026-12-01'
	# ending on a leap day: 2027-03-01..2028-02-29; ending on March 31: from March 1
	check windows 2028-02-29 -- '12m 2027-03-01' '30d 2028-01-31' '1m 2028-01-30'
	check windows 2026-03-31 -- '12m 2025-04-01' '30d 2026-03-02' '1m 2026-03-01'
	check windows 0001-01-15 -- '12m 0001-01-01' '30d 0001-01-01' '1m 0001-01-01'
}

# ---- tiers ------------------------------------------------------------------------------------

@test "tiers: up at once to the highest tier met, with the reason" {
	example
	check evaluate - 2026-03-15 2026-03-15 1250000 3 -- '- -> Gold up: spend 1,250,000 >= 1,000,000 in 12 months'
	check evaluate - 2026-03-15 2026-03-15 120000 12 -- '- -> Gold up: orders 12 >= 10 in 12 months'
	check evaluate - 2026-03-15 2026-03-15 300000 1 -- '- -> Silver up: spend 300,000 >= 300,000 in 12 months'
	check evaluate Silver 2026-01-01 2026-03-15 1000000 1 -- 'Silver -> Gold up: spend 1,000,000 >= 1,000,000 in 12 months'
	check evaluate - 2026-03-15 2026-03-15 299999 9 -- '- -> - stay: spend 299,999 < 300,000 in 12 months'
	check evaluate Gold 2026-03-15 2026-03-15 5000000 0 -- 'Gold -> Gold stay: spend 5,000,000 >= 1,000,000 in 12 months'
	prog 'currency = USD' 'earn = 1 per 1' 'tier Both = spend >= 1000 in 12 months and orders >= 3 in 6 months'
	check evaluate - 2026-03-15 2026-03-15 150000 2 0 3 -- '- -> Both up: spend 1,500.00 >= 1,000.00 in 12 months and orders 3 >= 3 in 6 months'
	check evaluate Both 2026-03-14 2026-03-15 150000 2 0 2 -- 'Both -> - down: orders 2 < 3 in 6 months'
}

@test "tiers: down only after the grace, counted from the last day of qualifying" {
	example
	# last qualified for Gold on 2026-02-10; grace 1 month: held through 2026-03-10
	check evaluate Gold 2026-02-10 2026-03-10 320000 2 -- \
		'Gold -> Gold held: spend 320,000 < 1,000,000 in 12 months and orders 2 < 10 in 12 months; held through 2026-03-10 (grace 1 month)'
	check evaluate Gold 2026-02-10 2026-03-11 320000 2 -- \
		'Gold -> Silver down: spend 320,000 < 1,000,000 in 12 months and orders 2 < 10 in 12 months; grace 1 month ended 2026-03-10'
	# straight to what is met, here nothing
	check evaluate Gold 2026-02-10 2026-04-01 1000 0 -- \
		'Gold -> - down: spend 1,000 < 1,000,000 in 12 months and orders 0 < 10 in 12 months; grace 1 month ended 2026-03-10'
	# a grace of a month from January 31 ends on the last day of February
	check decide Gold Silver 2026-01-31 2026-02-28 -- 'Gold 2026-02-28'
	check decide Gold Silver 2026-01-31 2026-03-01 -- 'Silver 2026-02-28'
	check decide Gold Silver 2028-01-31 2028-02-29 -- 'Gold 2028-02-29'
	check decide Silver Gold 2026-01-31 2026-03-01 -- 'Gold never'
	check decide - - 2026-01-31 2026-03-01 -- '- never'
}

@test "tiers: without a grace down at the first evaluation; downgrade = never holds" {
	prog 'currency = KRW' 'earn = 1 per 100' 'tier Silver = spend >= 300000 in 12 months' 'downgrade = at evaluation'
	check evaluate Silver 2026-03-14 2026-03-15 299999 0 -- 'Silver -> - down: spend 299,999 < 300,000 in 12 months'
	check decide Silver - 2026-03-14 2026-03-14 -- 'Silver 2026-03-14'
	prog 'currency = KRW' 'earn = 1 per 100' 'tier Silver = spend >= 300000 in 12 months' 'downgrade = at evaluation, grace 45 days'
	check decide Silver - 2026-03-01 2026-04-15 -- 'Silver 2026-04-15'
	check decide Silver - 2026-03-01 2026-04-16 -- '- 2026-04-15'
	prog 'currency = KRW' 'earn = 1 per 100' 'tier Silver = spend >= 300000 in 12 months' 'downgrade = never'
	check evaluate Silver 2020-01-01 2026-03-15 0 0 -- 'Silver -> Silver held: spend 0 < 300,000 in 12 months; downgrade = never'
	check decide Silver - 2020-01-01 2026-03-15 -- 'Silver never'
}

# ---- bonuses ------------------------------------------------------------------------------------

@test "birthday: once a year in the birthday month, keyed on the nearest such month's year" {
	example
	# due only in the month; the year is the grant's key
	check birthday 3 2026-03-01 2026-03-31 2026-04-01 -- '2026-03-01 2026 2026' \
		'2026-03-31 2026 2026' '2026-04-01 2026 0'
	# January birthdays granted early in late December key on the coming year; December
	# ones granted late in January on the year before; six months apart: the coming one
	check birthday 1 2026-12-28 2027-01-05 2026-07-01 2026-06-30 -- '2026-12-28 2027 0' \
		'2027-01-05 2027 2027' '2026-07-01 2027 0' '2026-06-30 2026 0'
	check birthday 12 2027-01-05 2026-12-01 2026-06-01 -- '2027-01-05 2026 0' \
		'2026-12-01 2026 2026' '2026-06-01 2026 0'
	check birthday 13 2026-03-01 -- '2026-03-01 0 0'
	prog 'currency = KRW' 'earn = 1 per 100'
	check birthday 3 2026-03-01 -- '2026-03-01 2026 0'
}
