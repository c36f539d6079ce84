#!/usr/bin/env bats
# The loyalty ledger (lib/ledger.c): drawing on lots FIFO, the figures as of
# a day, and crm-loyalty's redeem, adjust and check.  Ledgers are written
# with sqlite3 where a test needs a shape no verb makes yet.
load helpers

lc() { "$CRM_BUILD/t/ledgercheck" "$CRM_DB" "$@"; }

# One customer c1 in a fresh database.
member() {
	csv people.csv customer_id,email,name c1,c1@x.kr,Ann c2,c2@x.kr,Bob
	crm-import -q customers people.csv
}

# lot CUSTOMER POINTS AT AVAILABLE_AT EXPIRES_AT(or NULL): an earn entry
lot() {
	local exp=$5
	[ "$exp" = NULL ] || exp="'$exp'"
	q "INSERT INTO loyalty_entries(customer_id, kind, points, at, available_at, expires_at)
	   VALUES ('$1', 'earn', $2, '$3', '$4', $exp)"
}

# Four lots of c1: 100 that never expire, 50 expiring 2027-01-01, 30
# expiring 2026-12-01, 70 pending until 2026-06-01 expiring 2026-11-01.
four_lots() {
	member
	lot c1 100 2026-01-01T00:00:00Z 2026-01-01T00:00:00Z NULL
	lot c1 50 2026-01-02T00:00:00Z 2026-01-02T00:00:00Z 2027-01-01T00:00:00Z
	lot c1 30 2026-01-03T00:00:00Z 2026-01-03T00:00:00Z 2026-12-01T00:00:00Z
	lot c1 70 2026-01-03T00:00:00Z 2026-06-01T00:00:00Z 2026-11-01T00:00:00Z
}

debits() { q "SELECT kind, points, lot, at, coalesce(order_id, '-') FROM loyalty_entries WHERE points < 0 ORDER BY entry_id"; }

# ---- drawing -------------------------------------------------------------------

@test "draw: FIFO by expiry, the lots that never expire last; pending lots untouched" {
	four_lots
	run lc draw c1 40 redeem 2026-03-01T00:00:00Z o1
	assert_success
	assert_output 40
	run debits
	assert_output "redeem|-30|3|2026-03-01T00:00:00Z|o1
redeem|-10|2|2026-03-01T00:00:00Z|o1"
}

@test "draw: once released the pending lot goes first; takes what there is, never below zero" {
	four_lots
	lc draw c1 40 redeem 2026-03-01T00:00:00Z
	run lc draw c1 500 redeem 2026-07-01T00:00:00Z
	assert_success
	assert_output 210
	run q "SELECT lot, points FROM loyalty_entries WHERE points < 0 AND at = '2026-07-01T00:00:00Z' ORDER BY entry_id"
	assert_output "4|-70
2|-40
1|-100"
	run lc draw c1 5 redeem 2026-07-02T00:00:00Z
	assert_output 0
	run q "SELECT count(*) FROM loyalty_entries WHERE points < 0"
	assert_output 5
}

@test "draw: a lot is usable up to the instant before its expires_at, not at it" {
	member
	lot c1 20 2026-01-01T00:00:00Z 2026-01-01T00:00:00Z 2026-02-01T00:00:00Z
	run lc draw c1 5 redeem 2026-01-31T23:59:59Z
	assert_output 5
	run lc draw c1 5 redeem 2026-02-01T00:00:00Z
	assert_output 0
}

@test "draw: releases move nothing, other customers' lots and debits are not counted" {
	member
	lot c1 20 2026-01-01T00:00:00Z 2026-01-01T00:00:00Z NULL
	lot c2 500 2026-01-01T00:00:00Z 2026-01-01T00:00:00Z NULL
	q "INSERT INTO loyalty_entries(customer_id, kind, points, lot, at) VALUES ('c1', 'release', 20, 1, '2026-01-01T00:00:00Z')"
	run lc draw c1 50 adjust 2026-01-05T00:00:00Z
	assert_output 20
	run lc draw c1 1 adjust 2026-01-06T00:00:00Z
	assert_output 0
}

# ---- the figures -----------------------------------------------------------------
# columns: id earned bonus adjusted available pending redeemed expired reversed
# shortfall next_expiry_day next_expiry_points

@test "figures: available, pending and the next expiry as of a day, before and after a release" {
	four_lots
	lc draw c1 40 redeem 2026-03-01T10:00:00Z o1
	run lc figures 2026-01-02 c1
	assert_output "c1 150 0 0 150 0 0 0 0 0 2027-01-01 50"
	run lc figures 2026-03-01 c1
	assert_output "c1 250 0 0 140 70 40 0 0 0 2026-11-01 70"
	# the pending lot is usable from the first instant of 2026-06-01
	run lc figures 2026-05-31 c1
	assert_output "c1 250 0 0 140 70 40 0 0 0 2026-11-01 70"
	run lc figures 2026-06-01 c1
	assert_output "c1 250 0 0 210 0 40 0 0 0 2026-11-01 70"
	run lc figures 2026-02-28 c2
	assert_output "none 0 0 0 0 0 0 0 0 0 - 0"
}

@test "figures: a lot is usable on its last day and expired the day its expires_at begins, with or without an expire entry" {
	four_lots
	run lc figures 2026-10-31 c1
	assert_output "c1 250 0 0 250 0 0 0 0 0 2026-11-01 70"
	run lc figures 2026-11-01 c1
	assert_output "c1 250 0 0 180 0 0 70 0 0 2026-12-01 30"
	q "INSERT INTO loyalty_entries(customer_id, kind, points, lot, at) VALUES ('c1', 'expire', -70, 4, '2026-11-01T00:00:00Z')"
	run lc figures 2026-11-01 c1
	assert_output "c1 250 0 0 180 0 0 70 0 0 2026-12-01 30"
	# the expire entry is not counted before its time
	run lc figures 2026-10-31 c1
	assert_output "c1 250 0 0 250 0 0 0 0 0 2026-11-01 70"
}

@test "figures: a day in another zone moves D1; every customer set-wise, by customer_id" {
	member
	lot c2 10 2026-01-01T20:00:00Z 2026-01-01T20:00:00Z NULL
	lot c1 5 2026-01-01T10:00:00Z 2026-01-01T10:00:00Z NULL
	q "INSERT INTO loyalty_entries(customer_id, kind, points, at, reason) VALUES ('c1', 'bonus', 7, '2026-01-01T11:00:00Z', 'signup')"
	q "UPDATE loyalty_entries SET available_at = at, lot = NULL WHERE kind = 'bonus'"
	q "INSERT INTO loyalty_entries(customer_id, kind, points, lot, at, shortfall, order_id, reason) VALUES ('c1', 'reverse', -3, 2, '2026-01-01T12:00:00Z', 4, 'o9', 'refunded')"
	run lc figures 2026-01-01
	assert_output "c1 5 7 0 9 0 0 0 3 4 - 0
c2 10 0 0 10 0 0 0 0 0 - 0"
	# 2026-01-01T20:00Z is 2026-01-02 in Seoul
	TZ=Asia/Seoul run lc figures 2026-01-01
	assert_output "c1 5 7 0 9 0 0 0 3 4 - 0"
}

# ---- redeem ----------------------------------------------------------------------

export CRM_TEST_CLOCK=2026-03-10T09:00:00Z

@test "redeem: FIFO across lots, one debit per lot, stamped the last second of an earlier --as-of day" {
	four_lots
	run crm-loyalty --as-of 2026-03-01 redeem --customer c1 --points 40 --order o1
	assert_success
	assert_output "crm-loyalty: redeem: customer 'c1' -40 points at 2026-03-01T23:59:59Z"
	run debits
	assert_output "redeem|-30|3|2026-03-01T23:59:59Z|o1
redeem|-10|2|2026-03-01T23:59:59Z|o1"
	run crm-loyalty --as-of 2026-03-01 check
	assert_success
	assert_output "check: 1 customers, 6 entries: ok"
}

@test "redeem: today by the clock is stamped with the clock's time; --reason is kept; -q says nothing" {
	four_lots
	run crm-loyalty redeem -q --customer c1 --points 5 --reason 'phone order'
	assert_success
	assert_output ""
	run q "SELECT at, reason, order_id IS NULL FROM loyalty_entries WHERE kind = 'redeem'"
	assert_output "2026-03-10T09:00:00Z|phone order|1"
}

@test "redeem: insufficient points exit 5 with what is available, and write nothing" {
	four_lots
	# the 70 pending points are not available on 2026-03-10
	run crm-loyalty redeem --customer c1 --points 181
	assert_failure 5
	assert_output "crm-loyalty: redeem: insufficient points: customer 'c1' has 180 available, not 181"
	run q "SELECT count(*) FROM loyalty_entries WHERE points < 0"
	assert_output 0
	run crm-loyalty redeem --customer c1 --points 180
	assert_success
	run crm-loyalty redeem --customer c1 --points 1
	assert_failure 5
	assert_output "crm-loyalty: redeem: insufficient points: customer 'c1' has 0 available, not 1"
}

@test "redeem: an unknown customer exits 6; a customer without points exits 5" {
	member
	run crm-loyalty redeem --customer nobody --points 1
	assert_failure 6
	assert_output "crm-loyalty: redeem: unknown customer 'nobody'"
	run crm-loyalty redeem --customer "$(printf 'x\033[2J')" --points 1
	assert_failure 6
	assert_output "crm-loyalty: redeem: unknown customer 'x\\x1b[2J'"
	run crm-loyalty redeem --customer c2 --points 1
	assert_failure 5
}

@test "redeem: a lot expiring at the first instant of 2026-12-01 is usable on 2026-11-30, not on 2026-12-01" {
	member
	lot c1 30 2026-01-03T00:00:00Z 2026-01-03T00:00:00Z 2026-12-01T00:00:00Z
	run crm-loyalty --as-of 2026-12-01 redeem --customer c1 --points 1
	assert_failure 5
	run crm-loyalty --as-of 2026-11-30 redeem --customer c1 --points 30
	assert_success
	run crm-loyalty --as-of 2026-12-01 check
	assert_output "check: 1 customers, 2 entries: ok"
}

# ---- adjust ----------------------------------------------------------------------

# program VERSION EFFECTIVE_AT EXPIRES: a stored program version
program() {
	q "INSERT INTO loyalty_programs(version, effective_at, loaded_at, text) VALUES ($1, '$2',
	   '2026-01-01T00:00:00Z', 'currency = KRW
earn = 1 per 100
expires = $3
')"
}

@test "adjust: +N is a lot available at once that never expires without a program" {
	member
	run crm-loyalty adjust --customer c1 --points +50 --reason 'goodwill: late parcel'
	assert_success
	assert_output "crm-loyalty: adjust: customer 'c1' +50 points at 2026-03-10T09:00:00Z: 'goodwill: late parcel'"
	run q "SELECT kind, points, lot IS NULL, at, reason, available_at, expires_at IS NULL FROM loyalty_entries"
	assert_output "adjust|50|1|2026-03-10T09:00:00Z|goodwill: late parcel|2026-03-10T09:00:00Z|1"
	run crm-loyalty redeem --customer c1 --points 50
	assert_success
}

@test "adjust: +N expires per the program in force on the adjust day" {
	member
	program 1 2026-01-01T00:00:00Z '12 months month-end'
	program 2 2026-03-05T00:00:00Z '10 days'
	run crm-loyalty --as-of 2026-03-04 adjust --customer c1 --points 7 --reason a
	assert_success
	run crm-loyalty --as-of 2026-03-05 adjust --customer c1 --points 8 --reason b
	assert_success
	# Seoul: 2026-03-05 ends at 15:00Z; its lot is usable through 2026-03-15 local
	TZ=Asia/Seoul run crm-loyalty --as-of 2026-03-05 adjust --customer c1 --points 9 --reason c
	assert_success
	run q "SELECT points, at, expires_at FROM loyalty_entries ORDER BY entry_id"
	assert_output "7|2026-03-04T23:59:59Z|2027-04-01T00:00:00Z
8|2026-03-05T23:59:59Z|2026-03-16T00:00:00Z
9|2026-03-05T14:59:59Z|2026-03-15T15:00:00Z"
}

@test "adjust: -N draws FIFO with its reason; more than available exits 5; unknown customer 6" {
	four_lots
	run crm-loyalty adjust --customer c1 --points -35 --reason 'double credit'
	assert_success
	run q "SELECT kind, points, lot, reason FROM loyalty_entries WHERE points < 0 ORDER BY entry_id"
	assert_output "adjust|-30|3|double credit
adjust|-5|2|double credit"
	run crm-loyalty adjust --customer c1 --points -146 --reason x
	assert_failure 5
	assert_output "crm-loyalty: adjust: insufficient points: customer 'c1' has 145 available, not 146"
	run crm-loyalty adjust --customer c9 --points +1 --reason x
	assert_failure 6
	assert_output "crm-loyalty: adjust: unknown customer 'c9'"
	run lc figures 2026-03-10 c1
	assert_output "c1 250 0 -35 145 70 0 0 0 0 2026-11-01 70"
}

@test "adjust: the reason is stored as given and escaped in every message" {
	member
	run crm-loyalty adjust --customer c1 --points +5 --reason "$(printf 'typo\033]0;x\a fix')"
	assert_success
	assert_output "crm-loyalty: adjust: customer 'c1' +5 points at 2026-03-10T09:00:00Z: 'typo\\x1b]0;x\\x07 fix'"
	run q "SELECT hex(reason) FROM loyalty_entries"
	assert_output "$(printf 'typo\033]0;x\a fix' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)"
}

# ---- check -----------------------------------------------------------------------

# A sound ledger of every kind through 2026-06-30: c1's four lots, an earn
# of order o5 (pending until 2026-04-01) reversed in part before its
# release, its release, a redemption, an expire at its lot's expiry, a
# signup bonus, a shortfall; c2 adjusted.
sound() {
	four_lots
	q "INSERT INTO loyalty_entries(customer_id, kind, points, at, order_id, available_at, expires_at, basis)
	   VALUES ('c1', 'earn', 40, '2026-03-05T10:00:00Z', 'o5', '2026-04-01T00:00:00Z', NULL, 4000)"
	q "INSERT INTO loyalty_entries(customer_id, kind, points, lot, at, order_id, reason, basis)
	   VALUES ('c1', 'reverse', -15, 5, '2026-03-20T00:00:00Z', 'o5', 'amount', 2500)"
	q "INSERT INTO loyalty_entries(customer_id, kind, points, lot, at) VALUES
	   ('c1', 'release', 70, 4, '2026-06-01T00:00:00Z'),
	   ('c1', 'release', 40, 5, '2026-04-01T00:00:00Z')"
	q "INSERT INTO loyalty_entries(customer_id, kind, points, at, reason, available_at)
	   VALUES ('c1', 'bonus', 1000, '2026-01-01T00:00:00Z', 'signup', '2026-01-01T00:00:00Z')"
	q "INSERT INTO loyalty_entries(customer_id, kind, points, at, order_id, reason, shortfall, basis)
	   VALUES ('c1', 'reverse', 0, '2026-04-02T00:00:00Z', 'o3', 'refunded', 25, 0)"
	crm-loyalty --as-of 2026-03-01 redeem -q --customer c1 --points 40
	crm-loyalty --as-of 2026-03-02 adjust -q --customer c2 --points +9 --reason x
	q "INSERT INTO loyalty_entries(customer_id, kind, points, lot, at) VALUES
	   ('c1', 'expire', -70, 4, '2026-11-01T00:00:00Z')"
}

@test "check: a sound ledger of every kind passes on every day" {
	sound
	for d in 2025-12-31 2026-01-01 2026-03-05 2026-03-31 2026-04-01 2026-06-01 2026-10-31 2026-11-01 2027-06-30; do
		run crm-loyalty --as-of $d check
		assert_success
	done
	assert_output "check: 2 customers, 14 entries: ok"
	run crm-loyalty --as-of 2025-12-31 check
	assert_output "check: 0 customers, 0 entries: ok"
}

# corrupt SQL...: run it on the sound ledger; check as of 2026-12-31 then fails
corrupt() {
	sound
	q "$@"
	run crm-loyalty --as-of 2026-12-31 check
	assert_failure 1
	assert_line --regexp '^check: 2 customers, [0-9]+ entries: [0-9]+ violations$'
}

@test "check: the balance equation (a reverse dated before the lot it takes from)" {
	sound
	q "UPDATE loyalty_entries SET at = '2026-03-04T00:00:00Z' WHERE kind = 'reverse' AND points < 0"
	run crm-loyalty --as-of 2026-03-04 check
	assert_failure 1
	assert_output "customer c1, entry -: balance equation: earned 250 + bonus 1000 + adjusted 0 != available 1140 + pending 70 + redeemed 40 + expired 0 + reversed 15
check: 2 customers, 9 entries: 1 violations"
}

@test "check: a lot's remainder below zero" {
	corrupt "UPDATE loyalty_entries SET points = -45 WHERE kind = 'redeem' AND lot = 3"
	assert_line "customer c1, entry 3: negative remainder: lot of 30 points holds -15"
}

@test "check: the shape of an entry (a redeem without its lot, a credit with one)" {
	corrupt "UPDATE loyalty_entries SET lot = NULL WHERE kind = 'redeem' AND lot = 3" \
		"UPDATE loyalty_entries SET lot = 1 WHERE entry_id = 2"
	assert_line "customer c1, entry 11: shape: redeem of -30 points, no lot"
	assert_line "customer c1, entry 2: shape: earn of 50 points, lot 1"
}

@test "check: a debit on another customer's lot, or on an entry that is no lot" {
	corrupt "UPDATE loyalty_entries SET lot = 13 WHERE kind = 'redeem' AND lot = 3" \
		"UPDATE loyalty_entries SET customer_id = 'c2' WHERE kind = 'redeem' AND lot = 2"
	assert_line "customer c1, entry 11: not on a lot of its customer: redeem on entry 13, a lot of customer c2"
	assert_line "customer c2, entry 12: not on a lot of its customer: redeem on entry 2, a lot of customer c1"
	assert_line --partial "customer c2, entry -: balance equation:"
}

@test "check: a debit on a lot before its available_at (a reverse on its own order's lot may)" {
	corrupt "INSERT INTO loyalty_entries(customer_id, kind, points, lot, at) VALUES ('c1', 'redeem', -1, 4, '2026-05-31T23:59:59Z')"
	assert_line "customer c1, entry 15: drawn before available: redeem at 2026-05-31T23:59:59Z on lot 4 available at 2026-06-01T00:00:00Z"
	refute_line --partial "entry 7:"
}

@test "check: a debit on a lot at or after its expires_at" {
	corrupt "INSERT INTO loyalty_entries(customer_id, kind, points, lot, at) VALUES ('c1', 'redeem', -1, 3, '2026-12-01T00:00:00Z')"
	assert_line "customer c1, entry 15: drawn after expiry: redeem at 2026-12-01T00:00:00Z on lot 3 expired at 2026-12-01T00:00:00Z"
}

@test "check: an expire entry at another time than its lot's expires_at" {
	corrupt "UPDATE loyalty_entries SET at = '2026-10-31T00:00:00Z' WHERE kind = 'expire'"
	assert_line "customer c1, entry 14: expire not at expiry: expire at 2026-10-31T00:00:00Z on lot 4 expiring 2026-11-01T00:00:00Z"
}

@test "check: a bonus granted twice for one reason" {
	corrupt "DROP INDEX loyalty_entries_bonus" \
		"INSERT INTO loyalty_entries(customer_id, kind, points, at, reason, available_at)
		 VALUES ('c1', 'bonus', 1000, '2026-02-01T00:00:00Z', 'signup', '2026-02-01T00:00:00Z')"
	assert_line "customer c1, entry 15: bonus twice: bonus 'signup' granted 2 times"
}

@test "check: a release that does not match its lot" {
	corrupt "UPDATE loyalty_entries SET points = 69 WHERE kind = 'release' AND lot = 4" \
		"INSERT INTO loyalty_entries(customer_id, kind, points, lot, at) VALUES ('c1', 'release', 40, 5, '2026-04-01T00:00:00Z')"
	assert_line "customer c1, entry 7: release does not match its lot: release of 69 at 2026-06-01T00:00:00Z on lot 4 of 70 available at 2026-06-01T00:00:00Z"
	assert_line "customer c1, entry 15: release does not match its lot: release of 40 at 2026-04-01T00:00:00Z on lot 5 of 40 available at 2026-04-01T00:00:00Z, released twice"
}

@test "check: a time that is not canonical UTC" {
	corrupt "UPDATE loyalty_entries SET at = '2026-03-01 10:00:00' WHERE kind = 'redeem' AND lot = 3" \
		"UPDATE loyalty_entries SET expires_at = '2026-02-30T00:00:00Z' WHERE entry_id = 2"
	assert_line "customer c1, entry 11: time not canonical: at '2026-03-01 10:00:00', available_at NULL, expires_at NULL"
	assert_line "customer c1, entry 2: time not canonical: at '2026-01-02T00:00:00Z', available_at '2026-01-02T00:00:00Z', expires_at '2026-02-30T00:00:00Z'"
}

@test "check: customer ids are escaped in its lines" {
	member
	q "INSERT INTO loyalty_entries(customer_id, kind, points, at) VALUES (char(27) || '[31m', 'redeem', -5, '2026-01-01T00:00:00Z')"
	run crm-loyalty --as-of 2026-01-01 check
	assert_failure 1
	assert_line "customer \\x1b[31m, entry 1: shape: redeem of -5 points, no lot"
	refute_output --partial $'\033'
}

# ---- many redeemers at once ------------------------------------------------------

# redeemer N: redeem 70 points of c1 until it is not busy; its last status
# in rc.N, and how many times it was busy in busy.N
redeemer() {
	local rc busy=0
	while :; do
		crm-loyalty redeem -q --customer c1 --points 70 --order "o$1" 2>>"err.$1" && rc=0 || rc=$?
		[ $rc -eq 4 ] || break
		busy=$((busy + 1))
		sleep 0.0$((RANDOM % 9 + 1))
	done
	echo $rc >"rc.$1"
	echo $busy >"busy.$1"
}

@test "redeem: 20 processes at once on 1000 points of 70 each: 14 succeed, 6 are refused, never more spent" {
	member
	crm-loyalty adjust -q --customer c1 --points +400 --reason a
	crm-loyalty adjust -q --customer c1 --points +600 --reason b
	# a short busy timeout, so that some wait out their turn and retry
	export CRM_BUSY_TIMEOUT=30
	for i in $(seq 1 20); do redeemer "$i" & done
	wait
	run sh -c 'cat rc.* | sort | uniq -c | awk "{print \$2, \$1}"'
	assert_output "0 14
5 6"
	run q "SELECT -sum(points), count(DISTINCT order_id) FROM loyalty_entries WHERE kind = 'redeem'"
	assert_output "980|14"
	# what they said: insufficient with the 20 points left, or busy
	run sh -c "cat err.* | grep -v 'database is locked' | sort | uniq -c"
	assert_output "      6 crm-loyalty: redeem: insufficient points: customer 'c1' has 20 available, not 70"
	run crm-loyalty check
	assert_success
	assert_output "check: 1 customers, 17 entries: ok"
	run lc figures 2026-03-10 c1
	assert_output "c1 0 0 1000 20 0 980 0 0 0 - 0"
}

# ---- a long random sequence ------------------------------------------------------

@test "property: 300 random adjusts and redemptions through the command match a model, and check passes" {
	csv people.csv customer_id c1 c2 c3 c4
	crm-import -q customers people.csv
	program 1 2026-01-01T00:00:00Z '30 days'
	program 2 2026-03-01T00:00:00Z 'never'
	program 3 2026-04-15T00:00:00Z '2 months month-end'
	# every --as-of day is before the clock's: entries at its last second
	CRM_TEST_CLOCK=2030-01-01T00:00:00Z LEDGERCHECK="$CRM_BUILD/t/ledgercheck" python3 - <<'PY'
import datetime as dt, os, random, subprocess, sys

rng = random.Random(16)
db = os.environ["CRM_DB"]
day0 = dt.date(2026, 1, 1)

def stamp(day):           # the last second of a day (UTC)
    return day.isoformat() + "T23:59:59Z"

def start(day):
    return day.isoformat() + "T00:00:00Z"

def add_months(d, n):
    m = d.month - 1 + n
    return dt.date(d.year + m // 12, m % 12 + 1, 1)

def expiry(day):          # expires_at of a lot credited on day (programs above)
    if day < dt.date(2026, 3, 1):
        return start(day + dt.timedelta(days=31))
    if day < dt.date(2026, 4, 15):
        return None
    return start(add_months(day, 3))

entries = []              # (id, customer, kind, points, lot, at, expires_at)
def rem(lot_id, d1=None):
    lot = entries[lot_id - 1]
    return lot[3] + sum(e[3] for e in entries if e[4] == lot_id and (d1 is None or e[5] < d1))

def draw(cust, kind, n, at):
    lots = [e for e in entries if e[1] == cust and e[4] is None and e[3] > 0
            and (e[6] is None or e[6] > at) and rem(e[0]) > 0]
    lots.sort(key=lambda e: (e[6] is None, e[6] or "", e[0]))
    if sum(rem(e[0]) for e in lots) < n:
        return 5
    for e in lots:
        take = min(rem(e[0]), n)
        if take == 0:
            break
        entries.append((len(entries) + 1, cust, kind, -take, e[0], at, None))
        n -= take
    return 0

def run(args):
    return subprocess.run(["crm-loyalty"] + args, stderr=subprocess.PIPE).returncode

day = day0
seen = {0: 0, 5: 0, 6: 0}
for i in range(300):
    day += dt.timedelta(days=rng.choice([0, 0, 1, 1, 2, 5]))
    cust = rng.choice(["c1", "c2", "c3", "c4", "c1", "c2", "nobody"])
    op = rng.choice(["credit", "credit", "redeem", "redeem", "debit"])
    n = rng.randint(1, 150)
    at = stamp(day)
    asof = ["--as-of", day.isoformat()]
    if op == "credit":
        got = run(asof + ["adjust", "-q", "--customer", cust, "--points", "+%d" % n, "--reason", "r%d" % i])
        want = 6 if cust == "nobody" else 0
        if want == 0:
            entries.append((len(entries) + 1, cust, "adjust", n, None, at, expiry(day)))
    else:
        verb = ["redeem", "--points", str(n)] if op == "redeem" else ["adjust", "--points", "-%d" % n, "--reason", "d%d" % i]
        got = run(asof + [verb[0], "-q", "--customer", cust] + verb[1:])
        want = 6 if cust == "nobody" else draw(cust, "redeem" if op == "redeem" else "adjust", n, at)
    seen[want] += 1
    if got != want:
        sys.exit("op %d %s %s %d on %s: exit %d, the model says %d" % (i, op, cust, n, day, got, want))

def figures(date):
    d1 = start(date + dt.timedelta(days=1))
    out = []
    for c in sorted({e[1] for e in entries if e[5] < d1}):
        mine = [e for e in entries if e[1] == c and e[5] < d1]
        adjusted = sum(e[3] for e in mine if e[2] == "adjust")
        redeemed = -sum(e[3] for e in mine if e[2] == "redeem")
        lots = [(e, rem(e[0], d1)) for e in mine if e[4] is None]
        expired = sum(r for e, r in lots if e[6] is not None and e[6] < d1)
        available = sum(r for e, r in lots if e[6] is None or e[6] >= d1)
        nxt = sorted(e[6] for e, r in lots if e[6] is not None and e[6] >= d1 and r > 0)
        nday, npts = ("-", 0) if not nxt else (nxt[0][:10], sum(r for e, r in lots if e[6] == nxt[0] and r > 0))
        out.append("%s 0 0 %d %d 0 %d %d 0 0 %s %d" % (c, adjusted, available, redeemed, expired, nday, npts))
    return "".join(line + "\n" for line in out)

days = [day0 + dt.timedelta(days=k) for k in range(0, (day - day0).days + 60, 17)] + [day]
for date in days:
    got = subprocess.run([os.environ["LEDGERCHECK"], db, "figures", date.isoformat()],
                         stdout=subprocess.PIPE, text=True).stdout
    if got != figures(date):
        sys.exit("figures as of %s:\n%s\nthe model says:\n%s" % (date, got, figures(date)))
    if run(["--as-of", date.isoformat(), "check"]) != 0:
        sys.exit("check fails as of %s" % date)
# the sequence covers refusals, unknown customers, lots lapsed and kept
lapsed = [e for e in entries if e[6] and e[6] < start(day) and rem(e[0]) > 0]
if min(seen.values()) < 5 or not lapsed or not [e for e in entries if e[4] is None and e[6] is None]:
    sys.exit("the sequence is too tame: %s, %d lots lapsed" % (seen, len(lapsed)))
PY
	run q "SELECT count(*), count(DISTINCT kind) FROM loyalty_entries"
	assert_output --regexp '^[0-9]{3}\|2$'
}

@test "redeem, adjust: a customer id over 255 bytes and a reason over 1000 are refused, never cut" {
	member
	run crm-loyalty redeem --customer "$(printf 'c%.0s' $(seq 256))" --points 1
	assert_failure 2
	assert_line "crm-loyalty: redeem needs --customer ID (1 to 255 bytes)"
	run crm-loyalty adjust --customer c1 --points +1 --reason "$(printf 'r%.0s' $(seq 1001))"
	assert_failure 2
	assert_line "crm-loyalty: --reason must hold some text, at most 1000 bytes"
	run crm-loyalty adjust -q --customer c1 --points +1 --reason "$(printf 'r%.0s' $(seq 1000))"
	assert_success
	run q "SELECT length(reason) FROM loyalty_entries"
	assert_output 1000
}

@test "adjust: a stored program that no longer parses is named with its version, line and column; nothing written" {
	member
	program 1 2026-01-01T00:00:00Z '12 fortnights'
	run crm-loyalty adjust --customer c1 --points +5 --reason x
	assert_failure 1
	assert_output "crm-loyalty: stored program version 1:3: column 14: expected 'days', 'months' or 'years' after '12', not 'fortnights'"
	run q "SELECT count(*) FROM loyalty_entries"
	assert_output 0
}
