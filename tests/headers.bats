#!/usr/bin/env bats
# Headers of real exports (issue 15): every missing required column named at
# once with the headers nearest to it, names shown with their unseen
# characters, and crm-import saying which columns it ignored.
load helpers

BOM=$'\xef\xbb\xbf'
NBSP=$'\xc2\xa0'
ZWSP=$'\xe2\x80\x8b'

@test "import: every missing required column is named at once, each with its nearest headers" {
	csv r.csv 'review_id,Rating Stars,posted,Body' '1,5,2025-01-01,ok'
	run --separate-stderr crm-import reviews r.csv
	assert_failure 1
	assert_output ""
	[ "${stderr_lines[0]}" = "crm-import: r.csv:1: missing required column 'rating' for reviews (nearest: 'Rating Stars'); name it with --map rating=HEADER" ] || fail "$stderr"
	[ "${stderr_lines[1]}" = "crm-import: r.csv:1: missing required column 'posted_at' for reviews (nearest: 'posted'); name it with --map posted_at=HEADER" ] || fail "$stderr"
	[ "${#stderr_lines[@]}" -eq 3 ] || fail "$stderr"
	run q "SELECT count(*) FROM reviews"
	assert_output 0
}

@test "import: nearest headers are the closest three, nearest first; none near lists the header" {
	# score is missing; a survey export's review_score holds it whole, and
	# the typos are one edit away: those come first, in header order
	csv s.csv 'response_id,review_score,scor,nps_scores,scores,comment' '1,9,9,9,9,x'
	run --separate-stderr crm-import responses s.csv
	assert_failure 1
	[ "${stderr_lines[0]}" = "crm-import: s.csv:1: missing required column 'score' for responses (nearest: 'scor', 'nps_scores', 'scores'); name it with --map score=HEADER" ] || fail "$stderr"
	[ "${stderr_lines[1]}" = "crm-import: nothing was imported" ] || fail "$stderr"
	# nothing like it: every header found, as before
	csv t.csv 'order_id,amount' 'O1,100'
	run --separate-stderr crm-import --currency KRW orders t.csv
	assert_failure 1
	[ "${stderr_lines[0]}" = "crm-import: t.csv:1: missing required column 'ordered_at' for orders (found: 'order_id', 'amount'); name it with --map ordered_at=HEADER" ] || fail "$stderr"
}

@test "import: a header taken by another column is not offered as nearest" {
	# amount_x would be near amount, but --map gave it to channel
	csv o.csv 'order nr,date,amount_x,total_amt' 'O1,2025-01-01,web,100'
	run --separate-stderr crm-import --currency KRW --map channel=amount_x orders o.csv
	assert_failure 1
	[ "${stderr_lines[0]}" = "crm-import: o.csv:1: missing required column 'order_id' for orders (nearest: 'order nr'); name it with --map order_id=HEADER" ] || fail "$stderr"
	[ "${stderr_lines[1]}" = "crm-import: o.csv:1: missing required column 'amount' for orders (nearest: 'total_amt'); name it with --map amount=HEADER" ] || fail "$stderr"
}

@test "folding drops a BOM, a no-break space or a zero-width space glued to a header" {
	printf '%s\n' "review_id,${BOM}rating,posted_at${NBSP},${ZWSP}body" '1,4,2025-01-01,fine' >r.csv
	run --separate-stderr crm-import reviews r.csv
	assert_success
	[ "$stderr" = "crm-import: reviews: 1 read, 1 inserted, 0 updated, 0 unchanged, 0 rejected" ] || fail "$stderr"
	run q "SELECT review_id, rating, posted_at, body FROM reviews"
	assert_output "1|4|2025-01-01T00:00:00Z|fine"
}

@test "headers are shown with their unseen characters escaped" {
	printf '%s\n' "review_id,${BOM}ratings,posted_at,Note${NBSP},${ZWSP}tag" '1,4,2025-01-01,a,b' >r.csv
	run --separate-stderr crm-import reviews r.csv
	assert_failure 1
	[ "${stderr_lines[0]}" = "crm-import: r.csv:1: missing required column 'rating' for reviews (nearest: '\\ufeffratings'); name it with --map rating=HEADER" ] || fail "$stderr"
	# two headers for one column, told apart
	printf '%s\n' "review_id,${BOM}rating,Rating${NBSP},posted_at" '1,4,4,2025-01-01' >two.csv
	run --separate-stderr crm-import reviews two.csv
	assert_failure 1
	[ "${stderr_lines[0]}" = "crm-import: two.csv:1: columns '\\ufeffrating' and 'Rating\\u00a0' both mean 'rating'; choose one with --map rating=HEADER" ] || fail "$stderr"
	# a --map header the file lacks, and a control character in the list
	printf '%s\n' "review_id,rating,posted_at,a"$'\x01'"b" '1,4,2025-01-01,x' >m.csv
	run --separate-stderr crm-import --map body="${ZWSP}text" reviews m.csv
	assert_failure 1
	[ "${stderr_lines[0]}" = "crm-import: m.csv:1: --map 'body=${ZWSP}text': no column '\\u200btext' in the header (found: 'review_id', 'rating', 'posted_at', 'a\\x01b')" ] || fail "$stderr"
}

@test "import: the columns mapped to nothing are named once per file" {
	csv o.csv 'order_id,ordered_at,amount,currency,Gift Note,email,Coupon Code' \
		'O1,2025-01-01,100,KRW,hi,a@b.co,X1'
	printf '%s\n' "order_id,ordered_at,amount,currency,${BOM}memo" 'O2,2025-01-02,200,KRW,m' >p.csv
	run --separate-stderr crm-import orders o.csv p.csv
	assert_success
	# email finds the customer: it is used, though orders do not store it
	[ "${stderr_lines[0]}" = "crm-import: o.csv: ignored columns: 'Gift Note', 'Coupon Code'" ] || fail "$stderr"
	[ "${stderr_lines[1]}" = "crm-import: p.csv: ignored columns: '\\ufeffmemo'" ] || fail "$stderr"
	[ "${stderr_lines[2]}" = "crm-import: orders: 2 read, 2 inserted, 0 updated, 0 unchanged, 0 rejected" ] || fail "$stderr"
	[ "${stderr_lines[3]}" = "crm-import: customers: 1 created, 0 merged" ] || fail "$stderr"
	[ "${#stderr_lines[@]}" -eq 4 ] || fail "$stderr"
	# a --map takes one of them
	run --separate-stderr crm-import --map channel='Coupon Code' orders o.csv
	assert_success
	[ "${stderr_lines[0]}" = "crm-import: o.csv: ignored columns: 'Gift Note'" ] || fail "$stderr"
}

@test "import: no ignored-columns line with -q, nor when every column is used" {
	csv o.csv 'order_id,ordered_at,amount,currency,Gift Note' 'O1,2025-01-01,100,KRW,hi'
	run --separate-stderr crm-import -q orders o.csv
	assert_success
	[ "$stderr" = "" ] || fail "$stderr"
	csv p.csv 'order_id,ordered_at,amount,currency' 'O2,2025-01-01,100,KRW'
	run --separate-stderr crm-import orders p.csv
	assert_success
	[ "$stderr" = "crm-import: orders: 1 read, 1 inserted, 0 updated, 0 unchanged, 0 rejected" ] || fail "$stderr"
}

@test "import: a long list of ignored columns is cut with the count of the rest" {
	local h='customer_id' r='C1' i
	for i in $(seq 1 15); do
		h+=",x$i"
		r+=",v"
	done
	csv c.csv "$h" "$r"
	run --separate-stderr crm-import customers c.csv
	assert_success
	[ "${stderr_lines[0]}" = "crm-import: c.csv: ignored columns: 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9', 'x10', 'x11', 'x12', ... (3 more)" ] || fail "$stderr"
}

@test "streams name every missing column too, and say nothing of extra ones" {
	csv o.csv 'customer_id,order_date_x,total_amt,note' 'C1,2025-01-01,100,x'
	run --separate-stderr crm-segment - <o.csv
	assert_failure 1
	assert_output ""
	[ "${stderr_lines[0]}" = "crm-segment: stdin:1: missing required column 'ordered_at' for orders (nearest: 'order_date_x'); name it with --map ordered_at=HEADER" ] || fail "$stderr"
	[ "${stderr_lines[1]}" = "crm-segment: stdin:1: missing required column 'amount' for orders (nearest: 'total_amt'); name it with --map amount=HEADER" ] || fail "$stderr"
	[ "${#stderr_lines[@]}" -eq 2 ] || fail "$stderr"
	printf '%s\n' "id,${BOM}Score!,comment" '1,9,x' >s.csv
	run --separate-stderr crm-nps - <s.csv
	assert_failure 1
	[ "$stderr" = "crm-nps: stdin:1: missing required column 'score' for responses (nearest: '\\ufeffScore!'); name it with --map score=HEADER" ] || fail "$stderr"
	# extra columns of a stream are its own business
	csv ok.csv 'customer_id,ordered_at,amount,currency,note' 'C1,2025-01-01,100,KRW,x'
	run --separate-stderr crm-segment --as-of 2025-02-01 - <ok.csv
	assert_success
	[ "$stderr" = "" ] || fail "$stderr"
}

@test "headers: no folded name means two columns of one entity" {
	# the canonical name and every alias of each column, folded as
	# crm_fold_name() folds; a name twice would make a header ambiguous
	for e in customers orders order_items tickets reviews responses; do
		crm-import --columns "$e" | tail -n +2 | python3 -c '
import csv, sys
seen = {}
for row in csv.reader(sys.stdin):
    col = row[0]
    for name in {col.replace("_", "")} | set(row[2].split()):
        if seen.setdefault(name, col) != col:
            sys.exit("%s: %r means both %s and %s" % (sys.argv[1], name, seen[name], col))
assert len(seen) > 10, seen
' "$e" || fail "$e"
	done
}

@test "headers: in a tickets file Id and Number are the ticket's, Customer the customer's" {
	csv z.csv 'Id,Customer,Created at' '77,c9,2025-03-10'
	crm-import -q tickets z.csv
	run q "SELECT ticket_id, customer_id FROM tickets"
	assert_output "77|c9"
	csv m.csv 'Number,Created at' '31009,2025-03-10'
	crm-import -q tickets m.csv
	[ "$(q "SELECT count(*) FROM tickets WHERE ticket_id = '31009'")" = 1 ]
	# both in one file is two headers for one column
	csv b.csv 'Id,Number,Created at' '1,2,2025-03-10'
	run --separate-stderr crm-import tickets b.csv
	assert_failure 1
	[ "${stderr_lines[0]}" = "crm-import: b.csv:1: columns 'Id' and 'Number' both mean 'ticket_id'; choose one with --map ticket_id=HEADER" ] || fail "$stderr"
	# elsewhere a bare Id is no column of crm's
	csv o.csv 'Id,customer_id,ordered_at,amount' '1,c1,2025-03-10,100'
	run --separate-stderr crm-import --currency KRW orders o.csv
	assert_failure 1
	[ "${stderr_lines[0]}" = "crm-import: o.csv:1: missing required column 'order_id' for orders (found: 'Id', 'customer_id', 'ordered_at', 'amount'); name it with --map order_id=HEADER" ] || fail "$stderr"
}

@test "headers: Freshdesk's Resolved time is resolved_at and its Closed time is ignored; --map picks the other" {
	csv f.csv 'Ticket ID,Created time,Resolved time,Closed time' \
		'1,2025-03-10 09:00,2025-03-10 10:00,2025-03-10 11:00'
	run --separate-stderr crm-import tickets f.csv
	assert_success
	[ "${stderr_lines[0]}" = "crm-import: f.csv: ignored columns: 'Closed time'" ] || fail "$stderr"
	[ "$(q 'SELECT resolved_at FROM tickets')" = 2025-03-10T10:00:00Z ]
	run -0 crm-import -q --map 'resolved_at=Closed time' tickets f.csv
	[ "$(q 'SELECT resolved_at FROM tickets')" = 2025-03-10T11:00:00Z ]
}
