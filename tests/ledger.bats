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
