#!/usr/bin/env bats
# Tickets whose times contradict each other (answered or resolved before
# they were opened, resolved before the first response): imported as given,
# reported with their file and line, and left out of every duration
# (lib/ticket.h), so that crm-report's medians and SLA breaches never take a
# negative time.
load helpers

@test "tickets: times that contradict each other are imported, reported, and the run succeeds" {
	csv t.csv 'ticket_id,opened_at,first_response_at,resolved_at' \
		'T1,2025-03-10 10:00,2025-03-10 11:00,2025-03-10 14:00' \
		'T2,2025-03-10 10:00,2025-03-10 09:00,' \
		'T3,2025-03-10 10:00,,2025-03-09 10:00' \
		'T4,2025-03-10 10:00,2025-03-10 12:00,2025-03-10 11:00' \
		'T5,2025-03-11 10:00,2025-03-11 10:00,2025-03-11 10:00'
	run --separate-stderr crm-import tickets t.csv
	assert_success
	want=(
		"crm-import: t.csv:3: ticket 'T2': first_response_at 2025-03-10T09:00:00Z is before opened_at 2025-03-10T10:00:00Z; left out of durations"
		"crm-import: t.csv:4: ticket 'T3': resolved_at 2025-03-09T10:00:00Z is before opened_at 2025-03-10T10:00:00Z; left out of durations"
		"crm-import: t.csv:5: ticket 'T4': resolved_at 2025-03-10T11:00:00Z is before first_response_at 2025-03-10T12:00:00Z; left out of durations"
		"crm-import: tickets: 5 read, 5 inserted, 0 updated, 0 unchanged, 0 rejected"
	)
	[ "$stderr" = "$(printf '%s\n' "${want[@]}")" ] || fail "stderr: $stderr"
	# the times are kept as given
	run q "SELECT ticket_id, opened_at, first_response_at, resolved_at FROM tickets WHERE ticket_id IN ('T2', 'T4') ORDER BY 1"
	assert_output $'T2|2025-03-10T10:00:00Z|2025-03-10T09:00:00Z|\nT4|2025-03-10T10:00:00Z|2025-03-10T12:00:00Z|2025-03-10T11:00:00Z'
	# a warning is no rejected row: -q hushes the summary, not the warnings
	run --separate-stderr crm-import -q tickets t.csv
	assert_success
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 3 ] || fail "stderr: $stderr"
	[[ "$stderr" == *"ticket 'T4': resolved_at"* ]] || fail "stderr: $stderr"
}

@test "tickets: after ten contradictory tickets, one count line for them all" {
	rows=('ticket_id,opened_at,resolved_at')
	for i in $(seq 1 13); do
		rows+=("T$i,2025-03-10 10:00,2025-03-10 09:$((10 + i))")
	done
	rows+=('OK,2025-03-10 10:00,2025-03-10 11:00')
	csv t.csv "${rows[@]}"
	run --separate-stderr crm-import -q tickets t.csv
	assert_success
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 11 ] || fail "stderr: $stderr"
	[[ "$(printf '%s\n' "$stderr" | sed -n 10p)" == "crm-import: t.csv:11: ticket 'T10': "* ]] || fail "stderr: $stderr"
	[ "$(printf '%s\n' "$stderr" | tail -n 1)" = "crm-import: tickets: 13 tickets' times contradict each other (the first 10 are listed above); all are left out of durations" ] ||
		fail "stderr: $stderr"
	[ "$(q 'SELECT count(*) FROM tickets')" -eq 14 ]
}

@test "tickets: the report's medians and SLA breaches leave out the tickets whose times contradict" {
	# week 2025-W11 (10-16 March): good tickets answered in 1 h and 3 h,
	# resolved in 2 h and 10 h; the bad ones would bring negative times to
	# the medians, and T5, never answered, an SLA breach
	csv t.csv 'ticket_id,opened_at,first_response_at,resolved_at' \
		'T1,2025-03-10 10:00,2025-03-10 11:00,2025-03-10 12:00' \
		'T2,2025-03-11 10:00,2025-03-11 13:00,2025-03-11 20:00' \
		'T3,2025-03-12 10:00,2025-03-12 02:00,2025-03-12 03:00' \
		'T4,2025-03-12 10:00,2025-03-12 09:00,' \
		'T5,2025-03-13 10:00,,2025-03-13 08:00' \
		'T6,2025-03-13 10:00,2025-03-13 18:00,2025-03-13 12:00'
	crm-import -q tickets t.csv 2>/dev/null
	run crm-report --period 2025-W11 --as-of 2025-03-20 --sla first=4h,resolve=48h --format json
	assert_success
	echo "$output" >r.json
	python3 - <<'EOF'
import json
r = json.load(open("r.json"))
s = {x["key"]: x for x in r["sections"]}["service"]
m = {k: v["current"] for k, v in s["metrics"].items()}
assert m["tickets"] == 6, m                      # every ticket is still a ticket
assert m["first_response_median"] == 1, m        # rank 1 of [1 h, 3 h]
assert m["first_response_p90"] == 3, m
assert m["resolution_median"] == 2, m            # rank 1 of [2 h, 10 h]
assert m["resolution_p90"] == 10, m
assert m["sla_first_breaches"] == 0, m           # T5 (no first response) and T6 (8 h) left out
assert m["sla_resolve_breaches"] == 0, m
EOF
}
