#!/usr/bin/env bats
# crm-coupon redeem, hardened (issue 14, items 5 and 12): an answer that
# cannot be written undoes the redemption, the same order may ask again,
# --now cannot revive a code, only a paid or pending order reaches a minimum,
# and failed redemptions are kept, told apart only with --explain, and
# throttled with --max-failures.
load helpers

NOW=2026-11-16T10:00:00Z
# the real time, which a redemption's --now may not overrule
export CRM_TEST_CLOCK=$NOW
ANSWER=code,campaign,customer_id,discount,min_order,order_id,redeemed_at

# codes ID...: a win-back code for each customer, issued at $NOW for 30 days.
codes() {
	csv in.csv customer_id "$@"
	crm-coupon --now "$NOW" issue -q --campaign winback --discount 15% --expires 30d "${ISSUE[@]}" \
		in.csv >/dev/null
}
code_of() { q "SELECT code FROM coupons WHERE customer_id = '$1'"; }
redeemed() { q "SELECT count(*) FROM coupons WHERE redeemed_at IS NOT NULL"; }

# not_valid CODE NOW STATUS WHY: redeeming CODE at --now NOW is "code not
# valid", exit 8, and with --explain WHY, exit STATUS.
not_valid() {
	run --separate-stderr crm-coupon --now "$2" redeem "$1" --order 1
	assert_failure 8
	[ "$stderr" = "crm-coupon: '$1': code not valid" ] || fail "$stderr"
	run --separate-stderr crm-coupon --now "$2" redeem "$1" --order 1 --explain
	assert_failure "$3"
	[ "$stderr" = "crm-coupon: '$1': $4" ] || fail "$stderr"
}

# ---- item 5 -------------------------------------------------------------------------

@test "redeem: an answer that cannot be written undoes the redemption (/dev/full, closed stdout)" {
	codes a
	code=$(code_of a)
	run sh -c "crm-coupon redeem '$code' --order 1 >/dev/full"
	assert_failure 3
	assert_output "crm-coupon: write error: No space left on device
crm-coupon: '$code': not redeemed"
	[ "$(redeemed)" -eq 0 ]
	run sh -c "crm-coupon redeem '$code' --order 1 >&-"
	assert_failure 3
	assert_output "crm-coupon: write error: Bad file descriptor
crm-coupon: '$code': not redeemed"
	[ "$(redeemed)" -eq 0 ]
	# the till asks again once it can hear the answer
	run crm-coupon redeem "$code" --order 1
	assert_success
	assert_output "$ANSWER
$code,winback,a,15%,,1,$NOW"
	[ "$(redeemed)" -eq 1 ]
	# an output error is not a failed redemption
	[ "$(q 'SELECT count(*) FROM coupon_failures')" -eq 0 ]
}

@test "redeem: the same order redeeming its code again is told the same, exit 0; another order is refused" {
	codes a
	code=$(code_of a)
	run --separate-stderr crm-coupon --now 2026-11-16T11:00:00Z redeem "$code" --order o1
	assert_success
	first=$output
	# a till that lost the answer retries later, typed another way
	run --separate-stderr crm-coupon --now 2026-11-16T11:05:00Z redeem "$(tr 'A-Z-' 'a-z ' <<<"$code")" --order o1
	assert_success
	[ "$output" = "$first" ] || fail "$output"
	[ "$output" = "$ANSWER
$code,winback,a,15%,,o1,2026-11-16T11:00:00Z" ] || fail "$output"
	[ -z "$stderr" ] || fail "$stderr"
	run --separate-stderr crm-coupon redeem "$code" --order o2
	assert_failure 5
	assert_output ""
	[ "$stderr" = "crm-coupon: '$code': already redeemed" ] || fail "$stderr"
	[ "$(q 'SELECT order_id, redeemed_at FROM coupons')" = "o1|2026-11-16T11:00:00Z" ]
	# an order id of any length is compared whole
	codes b
	long=$(printf 'L%.0s' $(seq 300))
	crm-coupon redeem "$(code_of b)" --order "${long}1" >/dev/null
	run crm-coupon redeem "$(code_of b)" --order "${long}1"
	assert_success
	run crm-coupon redeem "$(code_of b)" --order "${long}2"
	assert_failure 5
}

@test "redeem: --now cannot revive a code expired by the clock nor date a redemption before the issue, but with --backdate, recorded and counted" {
	csv in.csv customer_id a b c
	crm-coupon --now "$NOW" issue -q --campaign w --discount 5% --expires 0d in.csv >/dev/null
	a=$(code_of a) b=$(code_of b) c=$(code_of c)
	# the code expired at midnight; the clock says the 20th
	export CRM_TEST_CLOCK=2026-11-20T09:00:00Z
	not_valid "$a" 2026-11-16T12:00:00Z 6 "expired at 2026-11-17T00:00:00Z by the clock, though not at --now 2026-11-16T12:00:00Z (--backdate records a redemption made then)"
	[ "$(redeemed)" -eq 0 ]
	# an offline till's redemption, entered later on purpose
	run crm-coupon --now 2026-11-16T12:00:00Z redeem "$a" --order 1 --backdate
	assert_success
	assert_line --index 1 "$a,w,a,5%,,1,2026-11-16T12:00:00Z"
	[ "$(q "SELECT redeemed_at, backdated_at FROM coupons WHERE customer_id = 'a'")" = "2026-11-16T12:00:00Z|2026-11-20T09:00:00Z" ]
	# before the code was issued
	export CRM_TEST_CLOCK=$NOW
	not_valid "$b" 2026-11-15T12:00:00Z 8 "not issued until $NOW, after --now 2026-11-15T12:00:00Z (--backdate records a redemption dated so)"
	run crm-coupon --now 2026-11-15T12:00:00Z redeem "$b" --order 2 --backdate
	assert_success
	# a --now in the past for a code live by the clock needs no --backdate and is not marked
	run crm-coupon --now "$NOW" redeem "$c" --order 3
	assert_success
	[ "$(q 'SELECT customer_id, backdated_at FROM coupons ORDER BY 1')" = "a|2026-11-20T09:00:00Z
b|$NOW
c|" ]
	run crm-coupon --now 2026-11-20T09:00:00Z stats
	assert_output "campaign,issued,redeemed,redemption_rate,revenue,currency,expired,voided,backdated
w,3,3,100.0,0,,0,0,2"
}

@test "redeem: a cancelled or refunded order does not reach a minimum order; paid and pending do; an unknown order as before" {
	csv orders.csv order_id,customer_id,ordered_at,amount,currency,status \
		paid,a,2026-11-16,30000,KRW,paid pend,a,2026-11-16,30000,KRW,pending \
		can,a,2026-11-16,30000,KRW,cancelled ref,a,2026-11-16,50000,KRW,refunded
	crm-import -q orders orders.csv
	ISSUE=(--min-order ₩30,000)
	codes c1 c2 c3 c4 c5 c6
	run --separate-stderr crm-coupon redeem "$(code_of c1)" --order can
	assert_failure 10
	[ "$stderr" = "crm-coupon: '$(code_of c1)': order 'can' is cancelled: only a paid or pending order reaches the minimum order of 30000 KRW" ] || fail "$stderr"
	run --separate-stderr crm-coupon redeem "$(code_of c2)" --order ref --amount 50000 --currency KRW
	assert_failure 10
	[ "$stderr" = "crm-coupon: '$(code_of c2)': order 'ref' is refunded: only a paid or pending order reaches the minimum order of 30000 KRW" ] || fail "$stderr"
	[ "$(redeemed)" -eq 0 ]
	run crm-coupon redeem "$(code_of c3)" --order paid
	assert_success
	run crm-coupon redeem "$(code_of c4)" --order pend
	assert_success
	# not in the database: --amount, else the till is trusted, as before
	run crm-coupon redeem "$(code_of c5)" --order new --amount 29999 --currency KRW
	assert_failure 10
	run crm-coupon redeem "$(code_of c6)" --order new2
	assert_success
	[ "$(redeemed)" -eq 3 ]
}

# ---- item 12 ------------------------------------------------------------------------

@test "redeem: unknown, expired and voided codes are the same 'code not valid', exit 8, but with --explain" {
	csv in.csv customer_id a b
	crm-coupon --now "$NOW" issue -q --campaign w --discount 5% --expires 0d in.csv >/dev/null
	a=$(code_of a) b=$(code_of b)
	crm-coupon --now "$NOW" void -q "$b"
	unknown=$("$CRM_BUILD/t/couponcheck" make "" 8 1)
	export CRM_TEST_CLOCK=2026-11-17T00:00:00Z
	not_valid "$a" 2026-11-17T00:00:00Z 6 expired
	not_valid "$b" 2026-11-17T00:00:00Z 7 voided
	not_valid "$unknown" 2026-11-17T00:00:00Z 8 "code not valid"
}

@test "redeem: failed attempts are kept (time, three characters, reason), never the code; stats --failures counts them by reason" {
	csv orders.csv order_id,customer_id,ordered_at,amount,currency,status small,a,2026-11-16,100,KRW,paid
	crm-import -q orders orders.csv
	ISSUE=(--prefix WB --min-order ₩30,000)
	codes a b
	a=$(code_of a) b=$(code_of b)
	unknown=$("$CRM_BUILD/t/couponcheck" make GX 8 1)
	crm-coupon redeem "$a" --order x >/dev/null
	# two days ago, an unknown code; now: redeemed elsewhere, below the minimum, mistyped
	CRM_TEST_CLOCK=2026-11-14T10:00:00Z crm-coupon redeem "$unknown" --order 1 2>/dev/null || :
	for args in "$a --order y" "$b --order small" "wb-0oo-abc --order 1" "$unknown --order 1"; do
		run crm-coupon redeem $args
		assert_failure
	done
	[ "$(q 'SELECT at, prefix, reason FROM coupon_failures ORDER BY id')" = "2026-11-14T10:00:00Z|GX${unknown:3:1}|unknown
$NOW|WB${a:3:1}|redeemed
$NOW|WB${b:3:1}|minimum
$NOW|WB?|mistyped
$NOW|GX${unknown:3:1}|unknown" ]
	[ "$(q "SELECT count(*) FROM coupon_failures WHERE length(prefix) <> 3")" -eq 0 ]
	run crm-coupon --now 2026-11-16T12:00:00Z stats --failures
	assert_success
	assert_output "reason,last_24h,all
minimum,1,1
mistyped,1,1
redeemed,1,1
unknown,1,2"
	run crm-coupon --now 2026-11-30T00:00:00Z stats -t --failures
	assert_line --index 4 $'unknown\t0\t2'
}

@test "redeem: --max-failures N/hour refuses every redemption once N failed in the last hour, says until when, and still records" {
	codes a b
	a=$(code_of a)
	bad() { CRM_TEST_CLOCK=$1 crm-coupon redeem "$("$CRM_BUILD/t/couponcheck" make "" 8 1)" --order 1 2>/dev/null || :; }
	bad 2026-11-16T09:30:00Z
	bad 2026-11-16T10:00:00Z
	bad 2026-11-16T10:20:00Z
	bad 2026-11-16T10:40:00Z
	export CRM_TEST_CLOCK=2026-11-16T10:50:00Z
	run --separate-stderr crm-coupon redeem "$a" --order 1 --max-failures 3/hour
	assert_failure 11
	[ "$stderr" = "crm-coupon: '$a': not redeemed: 3 failed redemptions in the last hour reach --max-failures 3/hour; no redemptions until 2026-11-16T11:00:00Z" ] || fail "$stderr"
	[ "$(redeemed)" -eq 0 ]
	# the refusal is recorded, but does not lengthen the wait
	[ "$(q "SELECT at, reason FROM coupon_failures ORDER BY id DESC LIMIT 1")" = "2026-11-16T10:50:00Z|throttled" ]
	run --separate-stderr crm-coupon redeem "$a" --order 1 --max-failures 3
	assert_failure 11
	[[ "$stderr" == *"until 2026-11-16T11:00:00Z" ]] || fail "$stderr"
	# a higher limit, or none, lets it through
	run crm-coupon redeem "$a" --order 1 --max-failures 4/hour
	assert_success
	run crm-coupon redeem "$(code_of b)" --order 2
	assert_success
	# at the time it said, redeeming resumes
	CRM_TEST_CLOCK=2026-11-16T10:59:59Z run crm-coupon redeem "$(code_of b)" --order 2 --max-failures 3
	assert_failure 11
	CRM_TEST_CLOCK=2026-11-16T11:00:00Z run crm-coupon redeem "$(code_of b)" --order 2 --max-failures 3
	assert_success
}
