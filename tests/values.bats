#!/usr/bin/env bats
# Values from real exports (issue 15, points 3 and 4): the status words of
# shop platforms and help desks, --map-value and --map-value-file for the
# words crm does not know, and whole numbers written as spreadsheets write
# them (3.0).  Through crm-import on real files and a real database, and
# through the streams of crm-segment and crm-nps.

load helpers

orders() { csv orders.csv order_id,customer_id,ordered_at,amount,currency,status "$@"; }
status_of() { q "SELECT status FROM orders WHERE order_id = '$1'"; }

# ---- built-in words --------------------------------------------------------------------

@test "values: the order statuses of Olist, Shopify, WooCommerce, Cafe24 and Naver" {
	local words=(invoiced:paid approved:pending created:pending unavailable:cancelled
		'In Transit:paid' failed:cancelled expired:cancelled on-hold:pending
		'Pending payment:pending' partially_paid:pending
		결제완료:paid 배송중:paid 배송완료:paid 구매확정:paid 신규주문:paid 발주확인:paid
		발송대기:paid 교환:paid 교환완료:paid 교환요청:paid 부분취소:paid 입금전:pending
		취소:cancelled 반품:refunded)
	local i=0 w rows=()
	for w in "${words[@]}"; do
		i=$((i + 1))
		rows+=("O$i,c$i,2026-10-01,1000,KRW,${w%%:*}")
	done
	orders "${rows[@]}"
	run -0 crm-import orders orders.csv
	i=0
	for w in "${words[@]}"; do
		i=$((i + 1))
		[ "$(status_of "O$i")" = "${w##*:}" ] || fail "'${w%%:*}' is '$(status_of "O$i")', not '${w##*:}'"
	done
}

@test "values: the ticket statuses of Zendesk, Freshdesk and Korean help desks" {
	local words=('Pending Customer Response:pending' 'Waiting on Customer:pending'
		'Awaiting reply:pending' 'Waiting on Third Party:pending' Solved:resolved
		Reopened:open escalated:open 답변대기:open 재문의:open 고객응답대기:pending
		상담완료:resolved)
	local i=0 w rows=(ticket_id,opened_at,status)
	for w in "${words[@]}"; do
		i=$((i + 1))
		rows+=("T$i,2026-10-01,${w%%:*}")
	done
	csv tickets.csv "${rows[@]}"
	run -0 crm-import tickets tickets.csv
	i=0
	for w in "${words[@]}"; do
		i=$((i + 1))
		got=$(q "SELECT status FROM tickets WHERE ticket_id = 'T$i'")
		[ "$got" = "${w##*:}" ] || fail "'${w%%:*}' is '$got', not '${w##*:}'"
	done
}

# The words of lib/entity.c's tables, "folded-word status" a line.
table_words() {
	sed -n "/^static const struct word $1\\[\\] = {/,/{NULL, NULL}/p" \
		"$BATS_TEST_DIRNAME/../lib/entity.c" |
		grep -o '{"[^"]*", "[^"]*"}' | sed 's/{"\([^"]*\)", "\([^"]*\)"}/\1 \2/' | sort -u
}

# The words of crm(7)'s list headed TITLE, folded as crm_fold_name() folds.
man_words() {
	awk -v title="$1" '
		$0 == ".It " title { on = 1; next }
		on && /^\.El/ { exit }
		on && /^\.It Cm / { st = $3; next }
		on && st != "" && !/^\./ {
			n = split($0, w, ",")
			for (i = 1; i <= n; i++) {
				s = tolower(w[i]); gsub(/[ _.\/()\t-]/, "", s)
				if (s != "") print s, st
			}
		}' "$BATS_TEST_DIRNAME/../man/crm.7" | sort -u
}

@test "values: crm(7) lists every status and priority word of the tables, and no other" {
	table_words order_status >table.txt
	man_words 'Order statuses' >man.txt
	[ "$(wc -l <table.txt)" -gt 40 ] || fail "too few order words read: $(cat table.txt)"
	assert_golden table.txt man.txt
	table_words ticket_status >table.txt
	man_words 'Ticket statuses' >man.txt
	[ "$(wc -l <table.txt)" -gt 25 ] || fail "too few ticket words read: $(cat table.txt)"
	assert_golden table.txt man.txt
	table_words priority_words >table.txt
	man_words 'Ticket priorities' >man.txt
	[ "$(wc -l <table.txt)" -gt 20 ] || fail "too few priority words read: $(cat table.txt)"
	assert_golden table.txt man.txt
}

# ---- --map-value -----------------------------------------------------------------------

@test "values: a word of no vocabulary is refused, and --map-value takes it in" {
	orders 'O1,a,2026-10-01,1000,KRW,Ready for pickup' 'O2,b,2026-10-02,1000,KRW,READY-for_PICKUP' \
		'O3,c,2026-10-03,1000,KRW,on its way'
	run -1 --separate-stderr crm-import orders orders.csv
	[ "${stderr_lines[0]}" = "crm-import: orders.csv:2: column 'status': 'Ready for pickup' is not an order status (paid, cancelled, refunded, pending)" ] ||
		fail "$stderr"
	run -0 crm-import --map-value 'status:ready for pickup=pending' \
		--map-value 'status: on its way = paid' orders orders.csv
	[ "$(status_of O1)" = pending ] && [ "$(status_of O2)" = pending ] && [ "$(status_of O3)" = paid ] ||
		fail "$(q 'SELECT order_id, status FROM orders')"
}

@test "values: a --map-value TO longer than its cell is taken whole, a key's too" {
	local long
	long=$(printf 'k%.0s' $(seq 127))     # a TO's greatest length
	orders 'O1,a,2026-10-01,1000,KRW,paid'
	run -0 crm-import --map-value "customer_id:a=$long" orders orders.csv
	run q "SELECT length(CAST(customer_id AS BLOB)), customer_id = '$long' FROM orders"
	assert_output "127|1"
	run q "SELECT count(*) FROM customers WHERE customer_id = '$long'"
	assert_output 1
}

@test "values: a mapped value wins over the built-in word, and may be a built-in word itself" {
	orders 'O1,a,2026-10-01,1000,KRW,Closed' 'O2,b,2026-10-01,1000,KRW,closed' \
		'O3,c,2026-10-01,1000,KRW,발송중'
	run -0 crm-import --map-value status:closed=cancelled --map-value status:발송중=배송중 \
		orders orders.csv
	[ "$(status_of O1)" = cancelled ] && [ "$(status_of O2)" = cancelled ] &&
		[ "$(status_of O3)" = paid ] || fail "$(q 'SELECT order_id, status FROM orders')"
}

@test "values: numbers map only the cell written so, and an empty TO empties the cell" {
	csv tickets.csv ticket_id,opened_at,csat T1,2026-10-01,Five T2,2026-10-01,n/a T3,2026-10-01,4
	run -0 crm-import --map-value csat:five=5 --map-value csat:N/A= tickets tickets.csv
	run -0 q "SELECT ticket_id, quote(csat) FROM tickets ORDER BY ticket_id"
	assert_output $'T1|5\nT2|NULL\nT3|4'
	csv reviews.csv review_id,rating,posted_at R1,n/a,2026-10-01
	run -1 --separate-stderr crm-import --map-value rating:N/A= reviews reviews.csv
	assert_equal "${stderr_lines[0]}" "crm-import: reviews.csv:2: column 'rating' is empty"
}

@test "values: a rating map leaves 15 alone: it is no rating, and 1.5 was the map" {
	csv reviews.csv review_id,rating,posted_at R1,1.5,2026-10-01 R2,15,2026-10-01
	run -1 --separate-stderr crm-import --map-value 'rating:1.5=2' reviews reviews.csv
	[ "${stderr_lines[0]}" = "crm-import: reviews.csv:3: column 'rating': '15' is not a rating from 1 to 5" ] ||
		fail "$stderr"
	[ "$(q "SELECT rating FROM reviews WHERE review_id = 'R1'")" = 2 ]
}

@test "values: a TO that depends on the row is judged on the row, and the message says both" {
	orders 'O1,a,soon,1000,KRW,paid' 'O2,b,2026-10-01,1000,KRW,paid'
	run -1 --separate-stderr crm-import --map-value ordered_at:soon=never orders orders.csv
	[ "${stderr_lines[0]}" = "crm-import: orders.csv:2: column 'ordered_at': 'soon', mapped to 'never', is not a date" ] ||
		fail "$stderr"
	[ "$(q 'SELECT count(*) FROM orders')" = 1 ]
}

@test "values: --map-value's errors need the entity, and name the map" {
	orders 'O1,a,2026-10-01,1000,KRW,paid'
	run -2 --separate-stderr crm-import --map-value rating:x=1 orders orders.csv
	[ "$stderr" = "crm-import: --map-value 'rating:x=1': orders has no column 'rating' (see crm-import --columns orders)"$'\n'"Try 'crm-import --help' for more information." ] ||
		fail "$stderr"
	csv reviews.csv review_id,rating,posted_at
	run -0 crm-import --map-value rating:x=1 reviews reviews.csv
	run -2 --separate-stderr crm-import --map-value rating:x=6 reviews reviews.csv
	[ "${stderr_lines[0]}" = "crm-import: --map-value 'rating:x=6': '6' is not a rating from 1 to 5" ] ||
		fail "$stderr"
	[ ! -e crm.db ] || [ "$(q 'SELECT count(*) FROM orders')" = 0 ]
}

@test "values: one FROM mapped to two values is refused, the same map twice is not" {
	orders 'O1,a,2026-10-01,1000,KRW,Done'
	run -2 --separate-stderr crm-import --map-value status:done=paid --map-value status:DONE=cancelled \
		orders orders.csv
	[ "${stderr_lines[0]}" = "crm-import: --map-value 'status:DONE=cancelled': 'DONE' is mapped to 'paid' already" ] ||
		fail "$stderr"
	run -0 crm-import --map-value status:done=paid --map-value status:Done=paid orders orders.csv
	[ "$(status_of O1)" = paid ]
}

@test "values: at most 256 maps, the 257th refused by its count" {
	local i args=()
	for i in $(seq 256); do args+=(--map-value "channel:c$i=web"); done
	orders 'O1,a,2026-10-01,1000,KRW,paid'
	run -0 crm-import "${args[@]}" orders orders.csv
	run -2 --separate-stderr crm-import "${args[@]}" --map-value channel:x=y orders orders.csv
	[ "${stderr_lines[0]}" = "crm-import: --map-value 'channel:x=y': too many value maps (at most 256)" ] ||
		fail "$stderr"
	run -2 --separate-stderr crm-import --map-value "status:$(printf 'x%.0s' $(seq 128))=paid" orders orders.csv
	[[ "${stderr_lines[0]}" == "crm-import: --map-value 'status:xxxxx"*"...': has a FROM or TO longer than 127 bytes" ]] ||
		fail "$stderr"
	run -0 crm-import --map-value "status:$(printf 'x%.0s' $(seq 127))=paid" orders orders.csv
}

# ---- --map-value-file ----------------------------------------------------------------

@test "values: --map-value-file reads one map a line, skipping comments and blank lines" {
	printf '%s\n' '# Olist export' '' '  # indented comment' 'status:ready for pickup=pending' \
		'channel:Online Store = web' >maps.txt
	csv orders.csv order_id,customer_id,ordered_at,amount,currency,status,channel \
		'O1,a,2026-10-01,1000,KRW,Ready for pickup,online-store'
	run -0 crm-import --map-value-file maps.txt orders orders.csv
	[ "$(q "SELECT status, channel FROM orders")" = "pending|web" ]
}

@test "values: a bad line of --map-value-file names the file and line" {
	printf '%s\n' '# maps' 'status:done=paid' 'status done paid' >maps.txt
	orders 'O1,a,2026-10-01,1000,KRW,done'
	run -2 --separate-stderr crm-import --map-value-file maps.txt orders orders.csv
	[ "$stderr" = "crm-import: maps.txt:3: 'status done paid': expected COLUMN:FROM=TO" ] || fail "$stderr"
	printf '%s\n' 'status:done=paid' 'status:x=payed' >maps.txt
	run -2 --separate-stderr crm-import --map-value-file maps.txt orders orders.csv
	[ "${stderr_lines[0]}" = "crm-import: maps.txt:2: 'payed' is not an order status (paid, cancelled, refunded, pending)" ] ||
		fail "$stderr"
	printf '%s\n' 'status:done=paid' 'nosuch:x=y' >maps.txt
	run -2 --separate-stderr crm-import --map-value-file maps.txt orders orders.csv
	[ "${stderr_lines[0]}" = "crm-import: maps.txt:2: orders has no column 'nosuch' (see crm-import --columns orders)" ] ||
		fail "$stderr"
}

@test "values: --map-value-file has the caps of files read whole, and a missing one is an I/O error" {
	printf 'status:a=paid\nstatus:b=\0paid\n' >nul.txt
	run -2 --separate-stderr crm-import --map-value-file nul.txt orders /dev/null
	[ "$stderr" = "crm-import: nul.txt:2: column 10: NUL byte" ] || fail "$stderr"
	run -3 --separate-stderr crm-import --map-value-file nosuch.txt orders /dev/null
	[ "$stderr" = "crm-import: nosuch.txt: No such file or directory" ] || fail "$stderr"
	run -3 --separate-stderr crm-segment --map-value-file nosuch.txt /dev/null
	run -3 --separate-stderr crm-coupon issue --campaign w --discount 10% --expires 30d \
		--map-value-file nosuch.txt /dev/null
	local i
	for i in $(seq 257); do echo "channel:c$i=web"; done >many.txt
	run -2 --separate-stderr crm-import --map-value-file many.txt orders /dev/null
	[ "$stderr" = "crm-import: many.txt:257: 'channel:c257=web': too many value maps (at most 256)" ] ||
		fail "$stderr"
}

# ---- streams ---------------------------------------------------------------------------

@test "values: crm-segment's stream takes --map-value, and checks its column" {
	unset CRM_DB
	orders 'O1,a,2026-10-01,500,KRW,paid' 'O2,a,2026-10-02,700,KRW,Ready for pickup'
	run -1 --separate-stderr crm-segment --as-of 2026-11-01 orders.csv
	run -0 crm-segment --as-of 2026-11-01 --map-value 'status:ready for pickup=paid' orders.csv
	assert_line --index 1 --regexp '^a,,,30,2,1200,KRW,'
	run -2 --separate-stderr crm-segment --as-of 2026-11-01 --map-value 'state:x=paid' orders.csv
	[ "${stderr_lines[0]}" = "crm-segment: --map-value 'state:x=paid': orders has no column 'state' (see crm-import --columns orders)" ] ||
		fail "$stderr"
}

@test "values: crm-nps' stream maps its raw score, and reads 9.0 as 9" {
	unset CRM_DB
	csv answers.csv response_id,score 1,9.0 2,Promoter 3,10. 4,3 5,7.5
	run -1 --separate-stderr crm-nps --map-value score:promoter=10 answers.csv
	[[ "${lines[1]}" == 4,3,0,1,75.0,0.0,25.0,50.0,* ]] || fail "$output"
	[[ "$stderr" == *"answers.csv:6: column 'score': '7.5' is not a whole number"* ]] || fail "$stderr"
}

# ---- whole numbers ---------------------------------------------------------------------

@test "values: 3.0, 3.00, +3 and 3. are whole numbers where one is expected" {
	csv reviews.csv review_id,rating,posted_at R1,3.0,2026-10-01 R2,4.00,2026-10-01 R3,+3,2026-10-01 \
		R4,5.,2026-10-01
	run -0 crm-import reviews reviews.csv
	run -0 q "SELECT review_id, rating FROM reviews ORDER BY review_id"
	assert_output $'R1|3\nR2|4\nR3|3\nR4|5'
	csv tickets.csv ticket_id,opened_at,csat T1,2026-10-01,4.0
	run -0 crm-import tickets tickets.csv
	[ "$(q 'SELECT csat FROM tickets')" = 4 ]
	csv responses.csv response_id,score R1,9.0 R2,"1,0.0"
	run -1 crm-import responses responses.csv
	[ "$(q 'SELECT score FROM responses')" = 9 ]
	csv items.csv order_id,ordered_at,quantity,unit_price,currency O1,2026-10-01,2.0,1000,KRW \
		O2,2026-10-01,-1.00,1000,KRW
	run -0 crm-import order_items items.csv
	run -0 q "SELECT order_id, quantity FROM order_items ORDER BY order_id"
	assert_output $'O1|2\nO2|-1'
}

@test "values: 3.5 is not a whole number, and 1e3 is refused for its exponent" {
	csv reviews.csv review_id,rating,posted_at R1,3.5,2026-10-01 R2,1e3,2026-10-01 R3,.0,2026-10-01 \
		R4,3.0.0,2026-10-01 R5,6.0,2026-10-01
	run -1 --separate-stderr crm-import reviews reviews.csv
	assert_equal "${stderr_lines[0]}" "crm-import: reviews.csv:2: column 'rating': '3.5' is not a whole number"
	assert_equal "${stderr_lines[1]}" "crm-import: reviews.csv:3: column 'rating': '1e3' has an exponent: write the number out in digits"
	assert_equal "${stderr_lines[2]}" "crm-import: reviews.csv:4: column 'rating': '.0' is not a whole number"
	assert_equal "${stderr_lines[3]}" "crm-import: reviews.csv:5: column 'rating': '3.0.0' is not a whole number"
	assert_equal "${stderr_lines[4]}" "crm-import: reviews.csv:6: column 'rating': '6.0' is not a rating from 1 to 5"
	csv items.csv order_id,ordered_at,quantity,unit_price,currency O1,2026-10-01,1.5,1000,KRW
	run -1 --separate-stderr crm-import order_items items.csv
	assert_equal "${stderr_lines[0]}" "crm-import: items.csv:2: column 'quantity': '1.5' is not a whole number"
}

@test "values: order lines map too, read on either thread (with and without --currency)" {
	csv items.csv order_id,ordered_at,quantity,unit_price,currency,status \
		O1,2026-10-01,1,1000,KRW,Ready O2,2026-10-01,2.0,500,KRW,ready
	run -0 crm-import --map-value status:ready=pending order_items items.csv
	run -0 q "SELECT order_id, status FROM orders ORDER BY order_id"
	assert_output $'O1|pending\nO2|pending'
	csv items.csv order_id,ordered_at,quantity,unit_price,status O3,2026-10-01,1,1000,Ready
	run -0 crm-import --currency KRW --map-value status:ready=refunded order_items items.csv
	[ "$(status_of O3)" = refunded ]
}
