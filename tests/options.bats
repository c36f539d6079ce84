#!/usr/bin/env bats
# The input options (--map, --date-order, --currency) as every command that
# takes them reads them: one handler in opts.c, one wording.
load helpers

# refuse CMD ARGS... EXPECTED: the command fails with a usage error and
# EXPECTED as its first line on standard error, nothing on standard output.
refuse() {
	local expected=${*: -1}
	run --separate-stderr "${@:1:$#-1}"
	assert_failure 2
	assert_output ''
	[ "${stderr_lines[0]}" = "$expected" ] || fail "$1: ${stderr_lines[0]}"
}

@test "input options: one wording in every command that takes them" {
	local cmd
	for cmd in "crm-import orders" "crm-coupon issue" "crm-nps" "crm-segment"; do
		# shellcheck disable=SC2086
		refuse $cmd --date-order ymd "${cmd%% *}: --date-order must be mdy or dmy, not 'ymd'"
	done
	for cmd in "crm-import orders" "crm-coupon issue" "crm-segment" "crm-report"; do
		# shellcheck disable=SC2086
		refuse $cmd --currency usdx "${cmd%% *}: --currency 'usdx': not a known ISO 4217 code"
	done
	local maps=()
	for _ in $(seq 65); do maps+=(--map order_id=x); done
	refuse crm-import "${maps[@]}" orders "crm-import: too many --map options (at most 64)"
	refuse crm-nps "${maps[@]}" "crm-nps: too many --map options (at most 64)"
}

@test "CRM_CURRENCY: a default that --currency overrides, read by crm-import and crm-coupon only" {
	csv o.csv 'order_id,ordered_at,amount' 'O1,2025-01-01,100'
	# crm-import refused a bad CRM_CURRENCY even when --currency was given
	CRM_CURRENCY=XYZ run crm-import -q --currency krw orders o.csv
	assert_success
	run q "SELECT order_id, amount, currency FROM orders"
	assert_output 'O1|100|KRW'
	CRM_CURRENCY=XYZ run crm-import -q orders o.csv
	assert_failure 2
	assert_line --index 0 "crm-import: --currency 'XYZ': not a known ISO 4217 code"
	# crm-segment's --currency chooses the orders: the environment does not
	csv s.csv 'customer_id,ordered_at,amount,currency' 'C1,2025-01-01,100,KRW'
	CRM_CURRENCY=XYZ run --separate-stderr crm-segment --as-of 2025-02-01 s.csv
	assert_success
}
