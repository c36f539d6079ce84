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
