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

# ---- the help desks' exports (issue 18) ------------------------------------------------
# Each fixture is a help desk's ticket export with its own header names; the
# naive times are Seoul's (UTC+9, no DST): 2025-03-10 10:15 KST is 01:15Z.

@test "tickets: a Zendesk export imports by its own headers" {
	run --separate-stderr crm-import --tz Asia/Seoul tickets "$FIX/tickets-zendesk.csv"
	assert_success
	[ "${stderr_lines[0]}" = "crm-import: $FIX/tickets-zendesk.csv: ignored columns: 'Requester id', 'Updated at', 'Tags'" ] || fail "$stderr"
	[ "${stderr_lines[1]}" = "crm-import: tickets: 6 read, 6 inserted, 0 updated, 0 unchanged, 0 rejected" ] || fail "$stderr"
	# Requester email finds the customer; Solved -> resolved, Hold and
	# Pending -> pending, New -> open; an empty Priority is NULL;
	# 18:20 KST is 09:20Z, 23:59 KST 14:59Z
	run q "SELECT ticket_id, customer_id, channel, category, opened_at, resolved_at, status,
		quote(priority), quote(agent), team, subject, reopens, replies FROM tickets ORDER BY 1"
	assert_output "1001|minjun@example.kr|Mail|question|2025-03-10T01:15:00Z|2025-03-10T05:00:00Z|resolved|'normal'|'Lee Seoyeon'|Tier 1|Where is my order?|0|2
1002|jiwoo@example.kr|Web form|incident|2025-03-11T00:00:00Z||open|'urgent'|'Choi Dohyun'|Returns|Refund for a damaged item|1|1
1003|minjun@example.kr|Chat|task|2025-03-12T09:20:00Z||pending|'low'|NULL|Tier 1|Change my address|0|0
1004|haeun@example.kr|Mail|problem|2025-03-13T02:00:00Z||pending|'high'|'Lee Seoyeon'|Tier 1|Coupon not applied|0|3
1005|haeun@example.kr|Mail|question|2025-03-01T00:00:00Z|2025-03-02T01:30:00Z|closed|NULL|'Choi Dohyun'|Returns|Exchange done|2|4
1006|jiwoo@example.kr|Chat||2025-03-14T14:59:00Z||open|'normal'|NULL||Hello?|0|0"
	# the description keeps its line break; the requester is the customer's name
	[ "$(q "SELECT description FROM tickets WHERE ticket_id = '1002'")" = $'The bottle arrived broken.\nPhoto attached.' ]
	run q "SELECT customer_id, name FROM customers ORDER BY 1"
	assert_output $'haeun@example.kr|Jung Haeun\njiwoo@example.kr|Park Jiwoo\nminjun@example.kr|Kim Minjun'
}

@test "tickets: a Freshdesk export imports by its own headers" {
	run --separate-stderr crm-import --tz Asia/Seoul tickets "$FIX/tickets-freshdesk.csv"
	assert_success
	# Closed time is no column: Resolved time is resolved_at (crm-import(1))
	[ "${stderr_lines[0]}" = "crm-import: $FIX/tickets-freshdesk.csv: ignored columns: 'Closed time', 'Customer interactions', 'Tags'" ] || fail "$stderr"
	[ "${stderr_lines[1]}" = "crm-import: tickets: 6 read, 6 inserted, 0 updated, 0 unchanged, 0 rejected" ] || fail "$stderr"
	# Medium -> normal; Waiting on Customer / on Third Party -> pending;
	# Agent interactions are the replies; Initial response time the first
	# response: 2001 opened 09:00 KST (00:00Z), answered 09:45 (00:45Z),
	# resolved 03-11 10:00 (01:00Z); 2003 opened 03-11 08:05 KST = 03-10 23:05Z
	run q "SELECT ticket_id, customer_id, channel, category, opened_at, first_response_at,
		resolved_at, status, priority, agent, team, subject, sku, replies, quote(reopens)
		FROM tickets ORDER BY 1"
	assert_output "2001|yuna@example.kr|Email|Delivery|2025-03-10T00:00:00Z|2025-03-10T00:45:00Z|2025-03-11T01:00:00Z|closed|normal|Han Jisu|Logistics|Late delivery|SKU-101|3|NULL
2002|hyunwoo@example.kr|Portal|Exchange|2025-03-10T04:30:00Z|2025-03-10T05:00:00Z||pending|high|Song Minho|Returns|Wrong shade|SKU-202|1|NULL
2003|yuna@example.kr|Phone|Payment|2025-03-10T23:05:00Z|2025-03-10T23:06:00Z||pending|urgent|Han Jisu|Billing|Payment failed twice||2|NULL
2004|sora@example.kr|Chat|Question|2025-03-11T11:00:00Z|2025-03-11T11:02:00Z|2025-03-11T11:10:00Z|resolved|low|Song Minho|Logistics|How do I use the serum?|SKU-303|1|NULL
2005|sora@example.kr|Email|Question|2025-03-12T01:00:00Z|||open|normal||Billing|Coupon question||0|NULL
2006|hyunwoo@example.kr|Email|Cancel|2025-03-12T02:00:00Z|2025-03-12T06:30:00Z||pending|low|Han Jisu|Logistics|Cancel my order|SKU-101|1|NULL"
	[ "$(q "SELECT description FROM tickets WHERE ticket_id = '2002'")" = "Received 21 instead of 23" ]
	[ "$(q "SELECT name FROM customers WHERE customer_id = 'yuna@example.kr'")" = "Oh Yuna" ]
}

@test "tickets: a Zammad export imports by its own headers" {
	run --separate-stderr crm-import tickets "$FIX/tickets-zammad.csv"
	assert_success
	[ "${stderr_lines[0]}" = "crm-import: $FIX/tickets-zammad.csv: ignored columns: 'Organization', 'Tags', 'Updated at'" ] || fail "$stderr"
	[ "${stderr_lines[1]}" = "crm-import: tickets: 6 read, 6 inserted, 0 updated, 0 unchanged, 0 rejected" ] || fail "$stderr"
	# Number is the ticket, Title its subject, State its status, Owner its
	# agent, Group its team, Create Channel its channel, Close at its
	# resolution; Customer is the customer's id; "2 normal" -> normal,
	# "pending reminder"/"pending close" -> pending, merged -> closed
	run q "SELECT ticket_id, customer_id, channel, opened_at, first_response_at, resolved_at,
		status, priority, quote(agent), team, subject FROM tickets ORDER BY 1"
	assert_output "31001|Nicole Braun|email|2025-03-10T08:00:00Z|2025-03-10T09:00:00Z|2025-03-10T12:00:00Z|closed|normal|'Agent One'|Users|Where is my refund?
31002|Nicole Braun|web|2025-03-10T10:00:00Z|2025-03-10T10:05:00Z||open|high|'Agent Two'|Support|Cannot log in
31003|Tom Weber|phone|2025-03-11T07:30:00Z|2025-03-11T08:00:00Z||pending|low|'Agent One'|Billing|Copy of my invoice
31004|Tom Weber|email|2025-03-11T09:00:00Z|2025-03-11T09:10:00Z||pending|normal|'Agent Two'|Users|Newsletter off
31005|Nicole Braun|email|2025-03-11T11:00:00Z||2025-03-11T11:01:00Z|closed|high|'Agent Two'|Support|Cannot log in (again)
31006|Anna Schmidt|chat|2025-03-12T16:45:00Z|||open|normal|NULL|Users|Question about shipping"
}

@test "tickets: a Korean help desk's export (Channel Talk, 카카오 상담톡 style) imports by its headers" {
	# with a BOM, times as 2025. 3. 10. 오전 10:15 and 2025-03-11 09:00 (KST)
	run --separate-stderr crm-import --tz Asia/Seoul --default-country KR tickets "$FIX/tickets-korean.csv"
	assert_success
	[ "$stderr" = "crm-import: tickets: 5 read, 5 inserted, 0 updated, 0 unchanged, 0 rejected
crm-import: customers: 3 created, 0 merged" ] || fail "$stderr"
	# 답변완료 -> resolved, 처리중/보류 -> pending, 접수 -> open, 종료 -> closed;
	# 보통 normal, 긴급 and 매우 높음 urgent, 낮음 low, 높음 high;
	# 오후 2:30 KST = 14:30 KST = 05:30Z; K-0002 has only a phone: its key
	run q "SELECT ticket_id, customer_id, channel, category, opened_at, first_response_at,
		resolved_at, status, quote(csat), priority, quote(agent), team, sku, reopens, replies
		FROM tickets ORDER BY 1"
	assert_output "K-0001|minjun@example.kr|카카오톡|배송|2025-03-10T01:15:00Z|2025-03-10T02:00:00Z|2025-03-10T05:30:00Z|resolved|5|normal|'이서연'|배송팀|A-101|0|2
K-0002|+821023456789|채널톡|환불|2025-03-11T00:00:00Z|2025-03-11T00:20:00Z||pending|NULL|urgent|'최도현'|CS 2팀|B-202|1|1
K-0003|haeun@example.kr|게시판|상품문의|2025-03-12T09:20:00Z|||open|NULL|low|NULL|배송팀|A-101|0|0
K-0004|minjun@example.kr|전화|교환|2025-03-01T00:00:00Z|2025-03-01T00:05:00Z|2025-03-02T01:30:00Z|closed|3|high|'이서연'|CS 2팀|C-303|2|4
K-0005|haeun@example.kr|카카오톡|결제|2025-03-13T02:00:00Z|2025-03-13T02:02:00Z||pending|NULL|urgent|'최도현'|결제팀||0|1"
	run q "SELECT subject, description FROM tickets WHERE ticket_id = 'K-0001'"
	assert_output "배송 언제 오나요?|주문한 지 5일 지났는데, 아직 안 왔어요."
}

@test "tickets: the other Korean and English names of the new columns" {
	csv a.csv '티켓번호,상담사,팀,중요도,내용,재오픈,응답수,상담제목,상품번호,접수일시' \
		'A1,윤아,2팀,상,문의 내용,1,3,제목 A,P-1,2025-03-10 10:00'
	csv b.csv '문의번호,상담원,그룹,긴급도,본문,재문의횟수,답변횟수,문의제목,상품,등록일시' \
		'B1,도윤,1팀,하,본문 B,0,1,제목 B,P-2,2025-03-10 11:00'
	csv c.csv 'Ticket Number,Assigned To,Department,Ticket Priority,Message,Reopen Count,Reply Count,Ticket Subject,Product Code,Created' \
		'C1,Ann,Support,P2,text C,2,5,subject C,P-3,2025-03-10 12:00'
	run --separate-stderr crm-import tickets a.csv b.csv c.csv
	assert_success
	[ "$stderr" = "crm-import: tickets: 3 read, 3 inserted, 0 updated, 0 unchanged, 0 rejected" ] || fail "$stderr"
	# 상 -> high, 하 -> low, P2 -> high
	run q "SELECT ticket_id, agent, team, priority, description, reopens, replies, subject, sku FROM tickets ORDER BY 1"
	assert_output "A1|윤아|2팀|high|문의 내용|1|3|제목 A|P-1
B1|도윤|1팀|low|본문 B|0|1|제목 B|P-2
C1|Ann|Support|high|text C|2|5|subject C|P-3"
}

@test "tickets: priority words of every help desk map onto urgent, high, normal, low" {
	local words=(Urgent:urgent CRITICAL:urgent emergency:urgent P1:urgent 긴급:urgent
		'매우 높음:urgent' 최우선:urgent
		High:high p2:high '3 high:high' 높음:high 상:high 중요:high
		Normal:normal Medium:normal P3:normal '2 normal:normal' 보통:normal 일반:normal 중:normal
		Low:low P4:low '1 low:low' 낮음:low 하:low)
	local i=0 w rows=(ticket_id,opened_at,priority)
	for w in "${words[@]}"; do
		i=$((i + 1))
		rows+=("T$i,2026-10-01,${w%%:*}")
	done
	csv t.csv "${rows[@]}"
	run -0 crm-import tickets t.csv
	i=0
	for w in "${words[@]}"; do
		i=$((i + 1))
		got=$(q "SELECT priority FROM tickets WHERE ticket_id = 'T$i'")
		[ "$got" = "${w##*:}" ] || fail "'${w%%:*}' is '$got', not '${w##*:}'"
	done
	# --map-value names a word crm does not know, as for statuses
	csv u.csv ticket_id,opened_at,priority 'U1,2026-10-01,Blocker'
	run -0 crm-import --map-value priority:blocker=urgent tickets u.csv
	[ "$(q "SELECT priority FROM tickets WHERE ticket_id = 'U1'")" = urgent ]
}

@test "tickets: an unknown priority is refused with its line, the other rows are imported" {
	csv t.csv ticket_id,opened_at,priority,status \
		'T1,2025-03-10 10:00,high,open' \
		'T2,2025-03-10 11:00,ASAP,open' \
		'T3,2025-03-10 12:00,4,open' \
		'T4,2025-03-10 13:00,,solved'
	run --separate-stderr crm-import --rejects rej.csv tickets t.csv
	assert_failure 1
	# a bare number is no priority: Freshdesk's 4 is urgent, a P-scale's low
	want=(
		"crm-import: t.csv:3: column 'priority': 'ASAP' is not a ticket priority (urgent, high, normal, low)"
		"crm-import: t.csv:4: column 'priority': '4' is not a ticket priority (urgent, high, normal, low)"
		"crm-import: tickets: 4 read, 2 inserted, 0 updated, 0 unchanged, 2 rejected"
	)
	[ "$stderr" = "$(printf '%s\n' "${want[@]}")" ] || fail "stderr: $stderr"
	run q "SELECT ticket_id, quote(priority), status FROM tickets ORDER BY 1"
	assert_output $'T1|\'high\'|open\nT4|NULL|resolved'
	# the rejected rows are kept in the rejects file, as read
	run grep -c '^T[23],' rej.csv
	assert_output 2
	# --strict: the first refusal stops the run and nothing is written
	rm -f "$CRM_DB"
	run --separate-stderr crm-import --strict tickets t.csv
	assert_failure 1
	[ "${stderr_lines[0]}" = "crm-import: t.csv:3: column 'priority': 'ASAP' is not a ticket priority (urgent, high, normal, low)" ] || fail "$stderr"
	[ "$(q 'SELECT count(*) FROM tickets')" = 0 ]
}

@test "tickets: replies and reopens are counts: negative or not whole numbers are refused" {
	csv t.csv ticket_id,opened_at,replies,reopens \
		'T1,2025-03-10,"1,234",0' \
		'T2,2025-03-10,-1,0' \
		'T3,2025-03-10,two,0' \
		'T4,2025-03-10,1,1.5' \
		'T5,2025-03-10,3.0,-2' \
		'T6,2025-03-10,,'
	run --separate-stderr crm-import tickets t.csv
	assert_failure 1
	want=(
		"crm-import: t.csv:3: column 'replies': '-1' is not a count (0 or more)"
		"crm-import: t.csv:4: column 'replies': 'two' is not a whole number"
		"crm-import: t.csv:5: column 'reopens': '1.5' is not a whole number"
		"crm-import: t.csv:6: column 'reopens': '-2' is not a count (0 or more)"
		"crm-import: tickets: 6 read, 2 inserted, 0 updated, 0 unchanged, 4 rejected"
	)
	[ "$stderr" = "$(printf '%s\n' "${want[@]}")" ] || fail "stderr: $stderr"
	run q "SELECT ticket_id, quote(replies), quote(reopens) FROM tickets ORDER BY 1"
	assert_output $'T1|1234|0\nT6|NULL|NULL'
}

@test "tickets: a re-import updates the new columns, an empty cell erases nothing, the same file changes nothing" {
	csv a.csv ticket_id,opened_at,priority,agent,team,replies,reopens \
		'T1,2025-03-10,normal,Ann,Support,1,0' 'T2,2025-03-10,low,Bo,Billing,2,0'
	crm-import -q tickets a.csv
	# T1 escalated and answered again; T2's export has lost its agent
	csv b.csv ticket_id,opened_at,priority,agent,team,replies,reopens \
		'T1,2025-03-10,urgent,Ann,Escalations,3,1' 'T2,2025-03-10,low,,Billing,2,0'
	run --separate-stderr crm-import tickets b.csv
	assert_success
	[ "$stderr" = "crm-import: tickets: 2 read, 0 inserted, 1 updated, 1 unchanged, 0 rejected" ] || fail "$stderr"
	run q "SELECT ticket_id, priority, agent, team, replies, reopens FROM tickets ORDER BY 1"
	assert_output $'T1|urgent|Ann|Escalations|3|1\nT2|low|Bo|Billing|2|0'
	run --separate-stderr crm-import tickets b.csv
	[ "$stderr" = "crm-import: tickets: 2 read, 0 inserted, 0 updated, 2 unchanged, 0 rejected" ] || fail "$stderr"
}

@test "tickets: a database of schema 7 keeps its tickets, which gain the new columns empty" {
	csv t.csv ticket_id,customer_id,channel,opened_at,resolved_at,status,csat \
		'T1,c1,email,2025-03-10 10:00,2025-03-10 12:00,solved,4' 'T2,c2,chat,2025-03-11 10:00,,open,'
	crm-import -q tickets t.csv
	drop_schema_9
	q "$DROP_SCHEMA_8 PRAGMA user_version = 7"
	[ "$(q "SELECT count(*) FROM pragma_table_info('tickets')")" = 9 ]
	before=$(q "SELECT * FROM tickets ORDER BY 1")
	# a reader refuses the old schema; a writer migrates it
	run --separate-stderr crm-report
	assert_failure 3
	[ "$stderr" = "crm-report: $CRM_DB: the database has schema version 7, older than this crm's $SCHEMA; run crm-import to upgrade it" ] || fail "$stderr"
	csv c.csv customer_id,name c1,Kim
	run crm-import -q customers c.csv
	assert_success
	[ "$(q 'PRAGMA user_version')" = "$SCHEMA" ]
	[ "$(q "SELECT ticket_id, customer_id, channel, category, opened_at, first_response_at,
		resolved_at, status, csat FROM tickets ORDER BY 1")" = "$before" ]
	run q "SELECT ticket_id, quote(priority), quote(agent), quote(team), quote(subject),
		quote(description), quote(sku), quote(reopens), quote(replies) FROM tickets ORDER BY 1"
	assert_output $'T1|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL\nT2|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL'
	# and they take the new columns from the next import
	csv p.csv ticket_id,opened_at,priority,replies 'T2,2025-03-11 10:00,High,2'
	crm-import -q tickets p.csv
	[ "$(q "SELECT priority, replies FROM tickets WHERE ticket_id = 'T2'")" = "high|2" ]
}

@test "tickets: crm-synth's tickets carry priorities, agents in teams, replies and reopens, the same for a seed" {
	crm-synth --orders 20000 tickets >t.csv
	crm-synth --orders 20000 tickets | cmp - t.csv
	run -0 crm-import -q tickets t.csv
	[ "$(q 'SELECT count(*) FROM tickets')" = 2000 ]      # one ticket per 10 orders
	# the four priorities, normal the most common of them
	run q "SELECT priority FROM tickets GROUP BY 1 ORDER BY count(*) DESC"
	assert_line --index 0 normal
	[ "${#lines[@]}" -eq 4 ] || fail "$output"
	# 8 agents in 3 teams, each agent in one team
	[ "$(q 'SELECT count(DISTINCT agent) FROM tickets')" = 8 ]
	[ "$(q 'SELECT count(DISTINCT team) FROM tickets')" = 3 ]
	[ "$(q 'SELECT count(*) FROM (SELECT agent FROM tickets WHERE agent IS NOT NULL GROUP BY 1 HAVING count(DISTINCT team) > 1)')" = 0 ]
	# replies 0-6 (0 only before a first response), most 1 or 2; reopens mostly 0
	[ "$(q 'SELECT min(replies) >= 0 AND max(replies) <= 6 FROM tickets')" = 1 ]
	[ "$(q 'SELECT count(*) FROM tickets WHERE replies = 0 AND first_response_at IS NOT NULL')" = 0 ]
	[ "$(q 'SELECT 2 * count(*) > (SELECT count(*) FROM tickets) FROM tickets WHERE replies IN (1, 2)')" = 1 ]
	[ "$(q 'SELECT 4 * count(*) > 3 * (SELECT count(*) FROM tickets) FROM tickets WHERE reopens = 0')" = 1 ]
	# another seed, other tickets
	crm-synth --orders 20000 --seed 2 tickets | cmp -s - t.csv && fail "seed 2 made the same tickets"
	true
}
