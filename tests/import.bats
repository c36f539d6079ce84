#!/usr/bin/env bats
# crm-import end to end: real files, a real database, exact messages.
load helpers

customers_csv() {
	csv customers.csv \
		'customer_id,email,phone,name,signup_at,birthday,country,marketing_opt_in' \
		'C1, Minjun@Example.KR ,010-1234-5678,김민준,2025-03-10,1990-01-02,KR,Y' \
		'C2,jane@example.com,,"Doe, Jane",2025.3.11,,US,N' \
		'C3,seoyeon@example.kr,010 9876 5432,이서연,2025년 3월 12일,,KR,예'
}

# Another process writes SQL in a transaction it keeps open on fd 5 until
# "ROLLBACK;" is written there; returns once it holds the lock.
hold_write_lock() {
	mkfifo hold
	(sqlite3 "$CRM_DB" <hold >/dev/null 2>&1 &)
	exec 5>hold
	echo "BEGIN IMMEDIATE; $1" >&5
	for _ in $(seq 50); do
		CRM_BUSY_TIMEOUT=0 sqlite3 "$CRM_DB" "BEGIN IMMEDIATE; ROLLBACK" 2>/dev/null || break
		sleep 0.1
	done
}

orders_csv() {
	csv orders.csv \
		'order_id,customer_id,ordered_at,amount,currency,status,channel' \
		'O1,C1,2025-03-10 10:00:00,"12,900",KRW,paid,web' \
		'O2,C1,2025-04-01 11:30,"₩25,000",KRW,paid,app' \
		'O3,C2,03/15/2025,$19.99,USD,paid,web' \
		'O4,C9,2025-05-01,5000,KRW,cancelled,store'
}

@test "customers: values are normalised and counted" {
	customers_csv
	run crm-import customers customers.csv
	assert_success
	assert_output "crm-import: customers: 3 read, 3 inserted, 0 updated, 0 unchanged, 0 rejected"
	run q "SELECT * FROM customers ORDER BY customer_id"
	assert_output - <<-'OUT'
	C1|minjun@example.kr|+821012345678|김민준|2025-03-10T00:00:00Z|1990-01-02|KR|1
	C2|jane@example.com||Doe, Jane|2025-03-11T00:00:00Z||US|0
	C3|seoyeon@example.kr|+821098765432|이서연|2025-03-12T00:00:00Z||KR|1
	OUT
}

@test "re-importing the same file changes nothing" {
	customers_csv
	orders_csv
	crm-import customers customers.csv
	crm-import orders orders.csv
	before=$(q .dump | grep -v 'INSERT INTO imports')
	run crm-import orders orders.csv
	assert_success
	assert_output "crm-import: orders: 4 read, 0 inserted, 0 updated, 4 unchanged, 0 rejected"
	run crm-import customers customers.csv
	assert_output "crm-import: customers: 3 read, 0 inserted, 0 updated, 3 unchanged, 0 rejected"
	after=$(q .dump | grep -v 'INSERT INTO imports')
	[ "$before" = "$after" ]
}

@test "orders: money in minor units, unknown customers created" {
	orders_csv
	run crm-import orders orders.csv
	assert_success
	assert_line "crm-import: customers: 3 created, 0 merged"
	run q "SELECT order_id, customer_id, ordered_at, amount, currency, status FROM orders ORDER BY 1"
	assert_output - <<-'OUT'
	O1|C1|2025-03-10T10:00:00Z|12900|KRW|paid
	O2|C1|2025-04-01T11:30:00Z|25000|KRW|paid
	O3|C2|2025-03-15T00:00:00Z|1999|USD|paid
	O4|C9|2025-05-01T00:00:00Z|5000|KRW|cancelled
	OUT
	run q "SELECT typeof(amount) FROM orders LIMIT 1"
	assert_output integer
}

@test "a full batch of rows keeps its numbers as integers in every table, and its times" {
	# 100 rows: the batched INSERT binds numbers as integers and times come
	# from the reader's parse; the figures equal the rows'
	{
		echo order_id,customer_id,ordered_at,amount,currency,status
		for i in $(seq 1 100); do echo "O$i,C$((i % 7)),2025-03-$((i % 28 + 1)) 10:00,\"$i,000\",KRW,paid"; done
	} >o.csv
	{
		echo ticket_id,customer_id,opened_at,resolved_at,csat,reopens,replies
		for i in $(seq 1 100); do echo "T$i,C1,2025-03-01 09:00,2025-03-02 09:00,$((i % 5 + 1)),$((i % 3)),$i"; done
	} >t.csv
	{
		echo review_id,customer_id,rating,posted_at
		for i in $(seq 1 100); do echo "R$i,C1,$((i % 5 + 1)),2025-03-01"; done
	} >r.csv
	{
		echo response_id,customer_id,score,answered_at
		for i in $(seq 1 100); do echo "S$i,C1,$((i % 11)),2025-03-01"; done
	} >s.csv
	crm-import -q orders o.csv
	crm-import -q tickets t.csv
	crm-import -q reviews r.csv
	crm-import -q responses s.csv
	run q "SELECT typeof(amount), count(*), sum(amount) FROM orders GROUP BY 1;
	       SELECT typeof(csat), typeof(reopens), typeof(replies), count(*), sum(csat), sum(reopens), sum(replies) FROM tickets GROUP BY 1, 2, 3;
	       SELECT typeof(rating), count(*), sum(rating) FROM reviews GROUP BY 1;
	       SELECT typeof(score), count(*), sum(score) FROM responses GROUP BY 1"
	assert_output - <<-'OUT'
	integer|100|5050000
	integer|integer|integer|100|300|100|5050
	integer|100|300
	integer|100|496
	OUT
	# each customer's figures are a GROUP BY over its orders, times included
	run q "SELECT count(*) FROM customer_figures s JOIN (SELECT customer_id, count(*) n,
	         sum(amount) m, min(ordered_at) f, max(ordered_at) l FROM orders GROUP BY 1) o
	       USING (customer_id) WHERE s.orders = o.n AND s.monetary = o.m AND
	         s.first_unix = unixepoch(o.f) AND s.last_unix = unixepoch(o.l)"
	assert_output 7
}

@test "a changed row updates it, and an empty cell erases nothing" {
	orders_csv
	crm-import orders orders.csv
	csv later.csv 'order_id,customer_id,ordered_at,amount,currency,status,channel' \
		'O1,C1,2025-03-10 10:00:00,"12,900",KRW,refunded,' \
		'O2,C1,2025-04-01 11:30,"₩25,000",KRW,paid,app'
	run crm-import orders later.csv
	assert_success
	assert_output "crm-import: orders: 2 read, 0 inserted, 1 updated, 1 unchanged, 0 rejected"
	run q "SELECT status, channel FROM orders WHERE order_id='O1'"
	assert_output "refunded|web"
}

@test "the same e-mail or phone under another id is one customer" {
	customers_csv
	crm-import customers customers.csv
	csv more.csv 'customer_id,email,phone,name' \
		'C7,MINJUN@example.kr,,' \
		'C8,,+82 10-9876-5432,Seoyeon Lee'
	run crm-import customers more.csv
	assert_success
	assert_output - <<-'OUT'
	crm-import: more.csv:2: customer 'C7' is customer 'C1' (same e-mail 'minjun@example.kr'): merged
	crm-import: more.csv:3: customer 'C8' is customer 'C3' (same phone '+821098765432'): merged
	crm-import: customers: 2 read, 0 inserted, 0 updated, 2 unchanged, 0 rejected
	crm-import: customers: 2 merged
	OUT
	run q "SELECT count(*) FROM customers"
	assert_output 3
	# orders under the merged id land on the customer
	csv o.csv 'order_id,customer_id,ordered_at,amount' 'O9,C7,2025-06-01,1000'
	crm-import --currency KRW orders o.csv
	run q "SELECT customer_id FROM orders WHERE order_id='O9'"
	assert_output C1
	# and a second run is quiet
	run crm-import customers more.csv
	assert_output "crm-import: customers: 2 read, 0 inserted, 0 updated, 2 unchanged, 0 rejected"
}

@test "customers: a new database's file merges its own repeats, as rows of a second file would" {
	# each new row is inserted at once (its e-mail and phone are nobody's);
	# a row whose e-mail or phone an earlier row of the file took merges
	csv c.csv 'customer_id,email,phone,name' 'A,a@x.co,010-1111-2222,Ann' 'B,b@x.co,,Ben' \
		'A2,A@X.co,,' 'B,,010-5555-6666,Bo' 'C,c@x.co,010-1111-2222,' 'D,d@x.co,010-7777-8888,Dee'
	run crm-import customers c.csv
	assert_success
	assert_output - <<-'OUT'
	crm-import: c.csv:4: customer 'A2' is customer 'A' (same e-mail 'a@x.co'): merged
	crm-import: c.csv:6: customer 'C' is customer 'A' (same phone '+821011112222'): merged
	crm-import: customers: 6 read, 3 inserted, 1 updated, 2 unchanged, 0 rejected
	crm-import: customers: 2 merged
	OUT
	run q "SELECT customer_id, email, phone, name FROM customers ORDER BY 1;
	       SELECT alias, customer_id FROM customer_aliases ORDER BY 1"
	assert_output $'A|a@x.co|+821011112222|Ann\nB|b@x.co|+821055556666|Bo\nD|d@x.co|+821077778888|Dee\nA2|A\nC|A'
	# the rows before the first repeat went in without the table's indexes,
	# which were built after them as the schema makes them
	want=$'customers_email|CREATE UNIQUE INDEX customers_email ON customers(email) WHERE email IS NOT NULL\ncustomers_phone|CREATE UNIQUE INDEX customers_phone ON customers(phone) WHERE phone IS NOT NULL'
	indexes() { sqlite3 -batch "${1:-$CRM_DB}" "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customers' AND sql IS NOT NULL ORDER BY 1"; }
	[ "$(indexes)" = "$want" ]
	[ "$(q 'PRAGMA integrity_check')" = ok ]
	# a file of new customers only keeps them to the end; one that fails
	# (--strict) or a dry run leaves the new file's indexes as they were
	{ echo customer_id,email,phone; for i in $(seq 1 300); do echo "U$i,u$i@x.co,010-2000-$((1000 + i))"; done; } >u.csv
	CRM_DB=u.db crm-import -q customers u.csv
	[ "$(indexes u.db)" = "$want" ] && [ "$(sqlite3 u.db 'PRAGMA integrity_check')" = ok ]
	[ "$(sqlite3 u.db "SELECT count(*) FROM customers WHERE email = 'u300@x.co' AND phone = '+821020001300'")" = 1 ]
	{ cat u.csv; echo ",u7@x.co,010-2000-1008"; } >v.csv
	run env CRM_DB=v.db crm-import -q --strict customers v.csv
	assert_failure 1
	CRM_DB=w.db crm-import -q --dry-run customers u.csv
	for db in v.db w.db; do
		[ "$(indexes $db)" = "$want" ] && [ "$(sqlite3 $db 'SELECT count(*) FROM customers')" = 0 ]
	done
	# a file of 1,100 known customers and then new ones: all counted right
	# whichever way each row went
	{ echo customer_id,email; for i in $(seq 1 1100); do echo "K$i,k$i@x.co"; done; } >k.csv
	crm-import -q customers k.csv
	{ cat k.csv; for i in $(seq 1 50); do echo "N$i,n$i@x.co"; done; echo "N51,k7@x.co"; } >k2.csv
	run crm-import customers k2.csv
	assert_success
	assert_line "crm-import: k2.csv:1152: customer 'N51' is customer 'K7' (same e-mail 'k7@x.co'): merged"
	assert_line "crm-import: customers: 1151 read, 50 inserted, 0 updated, 1101 unchanged, 0 rejected"
	run q "SELECT count(*) FROM customers; SELECT customer_id FROM customer_aliases WHERE alias = 'N51'"
	assert_output $'1153\nK7'
}

@test "customers: the fingerprints that let a new database's rows skip their lookups" {
	# lib/keyset.h: 600,000 e-mails and phones shaped as a shop's, none
	# sharing a fingerprint, none lost, none seen that was not added; a
	# bounded set refuses what it cannot hold
	run "$CRM_BUILD/t/keysetcheck" 300000
	assert_success
	assert_output "ok 600000 shared 0 unseen-yes 0"
}

@test "an e-mail that belongs to another existing customer is rejected" {
	customers_csv
	crm-import customers customers.csv
	csv clash.csv 'customer_id,email' 'C2,minjun@example.kr'
	run crm-import customers clash.csv
	assert_failure 1
	assert_line --index 0 "crm-import: clash.csv:2: column 'email': 'minjun@example.kr' belongs to customer 'C1', not 'C2'"
}

@test "headers: English and Korean aliases, any case and spacing" {
	csv shop.csv 'Order ID,Customer ID,Order Date,E-mail,Total,Currency,Financial Status' \
		'#1001,,2025-03-10 09:00,Kim@Example.com,"$1,234.50",USD,Paid'
	run crm-import orders shop.csv
	assert_success
	run q "SELECT o.order_id, o.customer_id, amount, status, c.email FROM orders o JOIN customers c USING (customer_id)"
	assert_output "#1001|kim@example.com|123450|paid|kim@example.com"
	csv kr.csv '주문번호,회원 아이디,주문일시,결제금액,주문상태' '20250310-1,kim,2025. 3. 10.,"12,900원",배송완료'
	run crm-import orders kr.csv
	assert_success
	run q "SELECT amount, currency, status FROM orders WHERE order_id='20250310-1'"
	assert_output "12900|KRW|paid"
}

@test "--map names a column the aliases do not know" {
	csv odd.csv 'ref,who,when,paid' 'A1,C1,2025-01-02,1000'
	run crm-import --currency KRW --map order_id=ref --map customer_id=who \
		--map ordered_at=when --map amount=PAID orders odd.csv
	assert_success
	run q "SELECT order_id, customer_id, amount FROM orders"
	assert_output "A1|C1|1000"
	run crm-import --map nope=ref orders odd.csv
	assert_failure 2
	assert_output --partial "--map 'nope=ref': orders has no column 'nope'"
	run crm-import --map order_id odd.csv
	assert_failure 2
}

@test "--map may name one header for two columns: both read the cell as the file has it" {
	# quoted, the cell keeps its spaces; the first column's value is trimmed
	# in place, and the second reads the cell again, not at its old length
	{ echo 'ref,ordered_at,amount,currency,status'
	  printf '"%300sO1  ",2025-01-02,1000,KRW,paid\n' ''; } >same.csv
	run crm-import --map order_id=ref --map customer_id=ref orders same.csv
	assert_success
	run q "SELECT order_id, customer_id, length(customer_id) FROM orders"
	assert_output "O1|O1|2"
}

@test "a missing required column is an error before any row, listing the columns" {
	csv no_date.csv 'order_id,amount' 'O1,100'
	run crm-import --currency KRW orders no_date.csv
	assert_failure 1
	assert_line --index 0 "crm-import: no_date.csv:1: missing required column 'ordered_at' for orders (found: 'order_id', 'amount'); name it with --map ordered_at=HEADER"
	run q "SELECT count(*) FROM orders"
	assert_output 0
}

@test "two headers for one column are refused" {
	csv two.csv 'order_id,email,E-mail,ordered_at,amount' 'O1,a@b.co,c@d.co,2025-01-01,1'
	run crm-import --currency KRW orders two.csv
	assert_failure 1
	assert_line --index 0 "crm-import: two.csv:1: columns 'email' and 'E-mail' both mean 'email'; choose one with --map email=HEADER"
}

@test "bad values: each row reported with file, line, column and reason; the rest imported" {
	csv bad.csv 'order_id,customer_id,ordered_at,amount,currency' \
		'O1,C1,2024-13-01,100,KRW' \
		'O2,C1,2025-01-01,12x,KRW' \
		'O3,C1,2025-01-01,100,KRW,extra' \
		'O4,C1,2025-01-01,0.001,GBP' \
		'O5,C1,2025-01-01,100,' \
		',C1,2025-01-01,100,KRW' \
		'O7,C1,2025-01-02,"1,000",KRW'
	run crm-import orders bad.csv
	assert_failure 1
	assert_output - <<-'OUT'
	crm-import: bad.csv:2: column 'ordered_at': '2024-13-01' is not a date
	crm-import: bad.csv:3: column 'amount': '12x' is not an amount
	crm-import: bad.csv:4: expected 5 fields as in the header, found 6
	crm-import: bad.csv:5: column 'amount': '0.001' is finer than GBP's minor unit
	crm-import: bad.csv:6: column 'amount': '100' has no currency (use --currency)
	crm-import: bad.csv:7: column 'order_id' is empty
	crm-import: orders: 7 read, 1 inserted, 0 updated, 0 unchanged, 6 rejected
	crm-import: customers: 1 created, 0 merged
	OUT
	run q "SELECT order_id, amount FROM orders"
	assert_output "O7|1000"
}

@test "--rejects keeps every bad row with its line and reason, re-importable" {
	csv bad.csv 'order_id,customer_id,ordered_at,amount,currency' \
		'O1,C1,2024-13-01,100,KRW' \
		'O2,=cmd(),2025-01-01,100,KRW' \
		'O3,C1,2025-01-01,12x,KRW'
	run crm-import --rejects rej.csv orders bad.csv
	assert_failure 1
	run cat rej.csv
	assert_output - <<-'OUT'
	order_id,customer_id,ordered_at,amount,currency,rejected_file,rejected_line,rejected_reason
	O1,C1,2024-13-01,100,KRW,bad.csv,2,column 'ordered_at': '2024-13-01' is not a date
	O3,C1,2025-01-01,12x,KRW,bad.csv,4,column 'amount': '12x' is not an amount
	OUT
	# fixed and fed back, the rejects file imports as it is
	sed -i 's/2024-13-01/2024-12-01/; s/12x/120/' rej.csv
	run crm-import orders rej.csv
	assert_success
	assert_output - <<-'OUT'
	crm-import: orders: 2 read, 2 inserted, 0 updated, 0 unchanged, 0 rejected
	crm-import: customers: 1 created, 0 merged
	OUT
}

@test "a customer's text in the rejects file cannot run as a formula" {
	csv bad.csv 'customer_id,name,email' 'C1,"=HYPERLINK(""http://x"")",not-an-email' 'C2,-5,also-bad'
	run crm-import --rejects rej.csv customers bad.csv
	assert_failure 1
	run sed -n 2,3p rej.csv
	assert_output - <<-'OUT'
	C1,"'=HYPERLINK(""http://x"")",not-an-email,bad.csv,2,column 'email': 'not-an-email' is not an e-mail address
	C2,-5,also-bad,bad.csv,3,column 'email': 'also-bad' is not an e-mail address
	OUT
	# the reader takes the guard off again
	sed -i 's/not-an-email/c1@example.com/; s/also-bad/c2@example.com/' rej.csv
	crm-import customers rej.csv
	run q "SELECT name FROM customers ORDER BY 1"
	assert_output - <<-'OUT'
	-5
	=HYPERLINK("http://x")
	OUT
}

@test "--strict: one bad row aborts and writes nothing" {
	csv bad.csv 'order_id,customer_id,ordered_at,amount,currency' \
		'O1,C1,2025-01-01,100,KRW' 'O2,C1,2025-02-30,100,KRW' 'O3,C1,2025-01-03,100,KRW'
	run crm-import --strict orders bad.csv
	assert_failure 1
	assert_line --index 0 "crm-import: bad.csv:3: column 'ordered_at': '2025-02-30' is not a date"
	assert_line --index 1 "crm-import: --strict: a row was rejected, nothing was imported"
	run q "SELECT count(*) FROM orders; SELECT count(*) FROM customers; SELECT count(*) FROM imports"
	assert_output $'0\n0\n0'
}

@test "--dry-run validates and counts, and writes nothing" {
	orders_csv
	run crm-import --dry-run orders orders.csv
	assert_success
	assert_line --index 0 "crm-import: orders: 4 read, 4 inserted, 0 updated, 0 unchanged, 0 rejected (dry run: nothing written)"
	# against an existing database too
	csv c.csv 'customer_id,email' 'C1,c1@x.co'
	crm-import customers c.csv
	run crm-import --dry-run orders orders.csv
	assert_success
	run q "SELECT count(*) FROM orders; SELECT count(*) FROM customers"
	assert_output $'0\n1'
}

@test "ragged rows, stray quotes: reported, the rest imported" {
	printf '%s\n' 'order_id,customer_id,ordered_at,amount' 'O1,C1,2025-01-01' \
		'O2,C1,"2025-01-02"x,5' 'O3,C1,2025-01-03,7' >rag.csv
	run crm-import --currency KRW orders rag.csv
	assert_failure 1
	assert_output - <<-'OUT'
	crm-import: rag.csv:2: expected 4 fields as in the header, found 3
	crm-import: rag.csv:3: field 3: malformed quoting: a quote inside a quoted field must be doubled, and a quoted field must end at a delimiter
	crm-import: orders: 3 read, 1 inserted, 0 updated, 0 unchanged, 2 rejected
	crm-import: customers: 1 created, 0 merged
	OUT
}

@test "an unterminated quote is fatal and nothing is written" {
	printf '%s\n' 'order_id,customer_id,ordered_at,amount' 'O1,C1,2025-01-01,5' \
		'O2,"C1,2025-01-02,5' 'O3,C1,2025-01-03,7' >open.csv
	run crm-import --currency KRW orders open.csv
	assert_failure 1
	assert_output - <<-'OUT'
	crm-import: open.csv:3: unterminated quoted field: the quote opened in the row starting here is never closed
	crm-import: nothing was imported
	OUT
	run q "SELECT count(*) FROM orders"
	assert_output 0
}

@test "line numbers stay right across quoted newlines and CRLF" {
	printf 'order_id,customer_id,ordered_at,amount\r\nO1,"C\r\n1",2025-01-01,5\r\n\r\nO2,C2,"2025-\n01-02",5\r\nO3,C3,bad,5\r\n' >nl.csv
	run crm-import --currency KRW orders nl.csv
	assert_failure 1
	assert_line --index 0 "crm-import: nl.csv:5: column 'ordered_at': '2025-\\n01-02' is not a date"
	assert_line --index 1 "crm-import: nl.csv:7: column 'ordered_at': 'bad' is not a date"
}

@test "invalid UTF-8 is reported with its line and a hint; --encoding cp949 reads it" {
	run crm-import --tz Asia/Seoul order_items "$FIX/smartstore_cp949.csv"
	assert_failure 1
	assert_line --index 0 "crm-import: $FIX/smartstore_cp949.csv:1: field 1: invalid UTF-8 (byte 0xc1); if the file is in a legacy encoding, give it with --encoding, e.g. --encoding cp949"
	assert_line --index 1 "crm-import: nothing was imported"
	run crm-import --tz Asia/Seoul --encoding cp949 order_items "$FIX/smartstore_cp949.csv"
	assert_success
	run q "SELECT count(*) FROM order_items"
	assert_output 5
}

@test "a byte that is invalid in the named encoding is fatal with its line" {
	printf 'order_id,ordered_at,amount\nO1,2025-01-01,5\nO2,2025-01-01,\xff\xff\n' >bad949.csv
	run crm-import --currency KRW --encoding cp949 orders bad949.csv
	assert_failure 1
	assert_line --index 0 "crm-import: bad949.csv:3: invalid cp949 byte sequence (byte 0xff); is the file really in that encoding?"
	run crm-import --encoding klingon orders bad949.csv
	assert_failure 2
	assert_line --index 0 "crm-import: --encoding 'klingon': not an encoding iconv knows (try cp949, euc-kr, latin1, cp1252)"
}

@test "a file that ends inside a character of the named encoding is fatal with its line, nothing kept" {
	# 0xb0 opens a two-byte EUC-KR character that the file never finishes
	printf 'order_id,customer_id,ordered_at,amount\nO1,a,2025-01-01,5\nO2,b,2025-01-01,\xb0' >cut.csv
	for cmd in "crm-import --currency KRW --encoding euc-kr orders" "crm-segment --currency KRW --encoding euc-kr"; do
		run $cmd cut.csv
		assert_failure 1
		assert_line --index 0 "${cmd%% *}: cut.csv:3: incomplete euc-kr character at the end of the input"
	done
	[ ! -e "$CRM_DB" ] || [ "$(q 'SELECT count(*) FROM orders')" = 0 ]
}

@test "a Korean shop export: BOM, CRLF, Korean headers, quoted commas and newlines, 원 amounts" {
	run crm-import --tz Asia/Seoul order_items "$FIX/smartstore_utf8bom.csv"
	assert_success
	assert_output - <<-OUT
	crm-import: $FIX/smartstore_utf8bom.csv: ignored columns: '배송메모'
	crm-import: order_items: 5 read, 5 inserted, 0 updated, 0 unchanged, 0 rejected
	crm-import: orders: 4 inserted, 0 updated, 0 unchanged; 1 cancelled, 1 guest, 1 return lines
	crm-import: customers: 2 created, 0 merged
	OUT
	run q "SELECT order_id, customer_id, ordered_at, amount, currency, status FROM orders ORDER BY 1"
	assert_output - <<-'OUT'
	20250310-0001|minjun@example.kr|2025-03-10T05:05:00Z|29900|KRW|paid
	20250311-0002|seoyeon@example.kr|2025-03-10T15:00:00Z|15000|KRW|paid
	20250312-0003||2025-03-12T00:30:00Z|21000|KRW|cancelled
	20250313-0004|minjun@example.kr|2025-03-12T15:00:00Z|-12900|KRW|refunded
	OUT
	run q "SELECT line, sku, product, quantity, unit_price FROM order_items WHERE order_id='20250310-0001'"
	assert_output - <<-'OUT'
	1|SK-001|수분 크림, 50ml|1|12900
	2|SK-002|토너 "대용량"|2|8500
	OUT
	run q "SELECT name, phone FROM customers ORDER BY 1"
	assert_output $'김민준|+821012345678\n이서연|+821098765432'
	run crm-import --tz Asia/Seoul order_items "$FIX/smartstore_utf8bom.csv"
	assert_line --index 1 "crm-import: order_items: 5 read, 0 inserted, 0 updated, 5 unchanged, 0 rejected"
}

@test "order_items: split orders, a shrunk re-export, currencies that disagree" {
	csv items.csv 'order_id,ordered_at,sku,quantity,unit_price,currency' \
		'A,2025-01-01,s1,2,100,USD' 'B,2025-01-01,s2,1,50,USD' 'A,2025-01-01,s3,1,1.5,USD' \
		'B,2025-01-01,s4,1,7,KRW'
	run crm-import order_items items.csv
	assert_failure 1
	assert_line --index 0 "crm-import: items.csv:5: column 'unit_price': currency KRW differs from the order's USD"
	run q "SELECT order_id, amount FROM orders ORDER BY 1"
	assert_output $'A|20150\nB|5000'
	csv items.csv 'order_id,ordered_at,sku,quantity,unit_price,currency' 'A,2025-01-01,s1,2,100,USD'
	run crm-import order_items items.csv
	assert_success
	run q "SELECT count(*), sum(quantity*unit_price) FROM order_items WHERE order_id='A'; SELECT amount FROM orders WHERE order_id='A'"
	assert_output $'1|20000\n20000'
}

@test "standard input: '-' or no file at all; TSV and other delimiters" {
	orders_csv
	run crm-import orders - <orders.csv
	assert_success
	assert_line --index 0 "crm-import: orders: 4 read, 4 inserted, 0 updated, 0 unchanged, 0 rejected"
	tr ',' '\t' <orders.csv | sed 's/"12\t900"/12900/; s/"₩25\t000"/25000/' >orders.tsv
	run crm-import -t orders <orders.tsv
	assert_success
	assert_line --index 0 "crm-import: orders: 4 read, 0 inserted, 0 updated, 4 unchanged, 0 rejected"
	printf 'order_id;ordered_at;amount\nO9;2025-01-01;1,5\n' | crm-import -d ';' --currency EUR orders
	run q "SELECT amount, currency FROM orders WHERE order_id='O9'"
	assert_output "150|EUR"
	run crm-import -d ';;' orders orders.csv
	assert_failure 2
	assert_line --index 0 "crm-import: the delimiter must be one character, not ';;'"
}

@test "responses without ids are known by their content" {
	csv r.csv 'email,score,comment,date' 'a@x.co,9,좋아요,2025-01-01' 'b@x.co,3,"slow, late",2025-01-02'
	run crm-import responses r.csv
	assert_success
	run crm-import responses r.csv
	assert_line --index 0 "crm-import: r.csv: no column 'response_id': ids made from each row's content"
	assert_line --index 1 "crm-import: responses: 2 read, 0 inserted, 0 updated, 2 unchanged, 0 rejected"
	run q "SELECT customer_id, score, comment FROM responses ORDER BY score"
	assert_output $'b@x.co|3|slow, late\na@x.co|9|좋아요'
	csv bad.csv 'score,comment' '11,a' 'x,b' ',c'
	run crm-import responses bad.csv
	assert_failure 1
	assert_output --partial "bad.csv:2: column 'score': '11' is not a score from 0 to 10"
	assert_output --partial "bad.csv:3: column 'score': 'x' is not a whole number"
	assert_output --partial "bad.csv:4: column 'score' is empty"
}

@test "tickets and reviews import with their customers" {
	csv t.csv '문의번호,회원아이디,문의채널,문의유형,접수일시,첫응답일시,처리완료일시,처리상태,만족도' \
		'T1,C1,kakao,배송,2025-03-10 09:00,2025-03-10 09:40,2025-03-11 10:00,처리완료,5' \
		'T2,C2,email,환불,2025-03-10 10:00,,,접수,'
	run crm-import tickets t.csv
	assert_success
	run q "SELECT ticket_id, customer_id, channel, category, first_response_at, status, csat FROM tickets ORDER BY 1"
	assert_output $'T1|C1|kakao|배송|2025-03-10T09:40:00Z|resolved|5\nT2|C2|email|환불||open|'
	csv rv.csv 'review_id,customer_id,rating,body,posted_at,platform' 'R1,C1,1,"늦어요, 별로",2025-03-12,naver' 'R2,C1,6,x,2025-03-12,naver'
	run crm-import reviews rv.csv
	assert_failure 1
	assert_line --index 0 "crm-import: rv.csv:3: column 'rating': '6' is not a rating from 1 to 5"
	run q "SELECT review_id, rating, body FROM reviews"
	assert_output "R1|1|늦어요, 별로"
}

@test "--tz reads naive times in a zone; offsets in the value win" {
	csv o.csv 'order_id,ordered_at,amount' 'O1,2025-03-10 09:00,1' 'O2,2025-03-10T09:00:00+01:00,1'
	crm-import --currency KRW --tz Asia/Seoul orders o.csv
	run q "SELECT ordered_at FROM orders ORDER BY 1"
	assert_output $'2025-03-10T00:00:00Z\n2025-03-10T08:00:00Z'
	rm -f "$CRM_DB"
	run crm-import --tz Mars/Olympus orders o.csv
	assert_failure 2
	[ ! -e "$CRM_DB" ]
}

@test "a --map header means that column only; bad CRM_CURRENCY is a usage error" {
	csv shop.csv 'Name,Email,Created at,Total,Billing Name' '#1001,a@x.co,2025-01-01,"$5.00",Kim'
	run crm-import --map order_id=Name orders shop.csv
	assert_success
	run q "SELECT order_id, amount, currency FROM orders; SELECT name FROM customers"
	assert_output $'#1001|500|USD
Kim'
	CRM_CURRENCY=XYZ run crm-import orders shop.csv
	assert_failure 2
	assert_line --index 0 "crm-import: --currency 'XYZ': not a known ISO 4217 code"
}

@test "--dry-run on a missing database creates no file" {
	orders_csv
	run crm-import --dry-run orders orders.csv
	assert_success
	[ ! -e "$CRM_DB" ]
}

@test "unknown entity, no entity, unknown option: usage errors" {
	run crm-import widgets x.csv
	assert_failure 2
	assert_output - <<-'OUT'
	crm-import: unknown entity 'widgets' (one of customers, orders, order_items, tickets, reviews, responses)
	Try 'crm-import --help' for more information.
	OUT
	run crm-import
	assert_failure 2
	run crm-import --bogus orders
	assert_failure 2
	[ ! -e "$CRM_DB" ]
}

@test "a missing file is an I/O error" {
	run crm-import orders nope.csv
	assert_failure 3
	assert_line --index 0 "crm-import: nope.csv: No such file or directory"
}

@test "the database is created readable by its owner only" {
	orders_csv
	umask 022
	crm-import orders orders.csv
	run stat -c %a "$CRM_DB"
	assert_output 600
}

@test "an unwritable database is an I/O error" {
	mkdir ro && chmod 555 ro
	orders_csv
	run crm-import --db ro/x.db orders orders.csv
	if [ "$(id -u)" = 0 ]; then skip "root writes anywhere"; fi
	assert_failure 3
}

@test "a read-only database file is an I/O error, with SQLite's reason" {
	orders_csv
	crm-import orders orders.csv
	chmod 400 "$CRM_DB"
	if [ "$(id -u)" = 0 ]; then
		# root ignores modes: make the file immutable to SQLite instead
		run crm-import --db "file:$CRM_DB?mode=ro" orders orders.csv
		assert_failure 3
	else
		run crm-import orders orders.csv
		assert_failure 3
		assert_output --partial "attempt to write a readonly database"
	fi
}

@test "a locked database exits 4 (busy: retry later)" {
	orders_csv
	crm-import orders orders.csv
	hold_write_lock "INSERT INTO imports(entity,files,finished_at) VALUES('x','y','z');"
	CRM_BUSY_TIMEOUT=200 run crm-import orders orders.csv
	echo "ROLLBACK;" >&5
	exec 5>&-
	assert_failure 4
	assert_line --index 0 "crm-import: $CRM_DB: BEGIN IMMEDIATE: the database is locked by another process; try again later"
}

@test "write errors on the rejects file are reported" {
	csv bad.csv 'order_id,ordered_at,amount' 'O1,x,1'
	run crm-import --currency KRW --rejects /dev/full orders bad.csv
	assert_failure 3
	assert_line --index 1 "crm-import: /dev/full: write error: No space left on device; nothing was imported"
	run q "SELECT count(*) FROM orders"
	assert_output 0
}

@test "a schema newer than this crm is refused" {
	orders_csv
	crm-import orders orders.csv
	q "PRAGMA user_version = 99"
	run crm-import orders orders.csv
	assert_failure 3
	assert_line --index 0 "crm-import: $CRM_DB: the database has schema version 99, newer than this crm's $SCHEMA; upgrade crm"
	assert_line --index 1 "crm-import: nothing was imported"
	assert_equal "${#lines[@]}" 2
}

@test "crm import dispatches to crm-import" {
	orders_csv
	run crm import orders orders.csv
	assert_success
	assert_line --index 0 "crm-import: orders: 4 read, 4 inserted, 0 updated, 0 unchanged, 0 rejected"
	run crm frobnicate
	assert_failure 2
	assert_line --index 0 "crm: 'frobnicate' is not a crm command"
	run crm --help
	assert_success
	assert_output --partial "import"
}

@test "--columns lists an entity's columns and aliases" {
	run crm-import --columns orders
	assert_success
	assert_line --index 0 "column,required,aliases"
	assert_output --partial 'amount,yes,"total'
	assert_output --partial '결제금액'
}

@test "order_items without a status column leave an order's status alone" {
	csv o.csv 'order_id,ordered_at,amount,status' 'A,2025-01-01,300,refunded'
	csv i.csv 'order_id,ordered_at,sku,quantity,unit_price' 'A,2025-01-01,s1,3,100' 'B,2025-01-02,s1,1,100'
	crm-import --currency KRW orders o.csv
	run crm-import --currency KRW order_items i.csv
	assert_success
	# A gains its lines' total beside its amount (tests/lines.bats)
	assert_line --index 1 "crm-import: orders: 1 inserted, 1 updated, 0 unchanged; 0 cancelled, 2 guest, 0 return lines"
	run q "SELECT order_id, amount, status, lines_total FROM orders ORDER BY 1"
	assert_output $'A|300|refunded|300\nB|100|paid|100'
}

@test "a row with one customer's e-mail and another's phone is rejected, the run goes on" {
	csv c.csv 'customer_id,email,phone' 'A,a@x.co,010-1111-2222' 'B,b@x.co,010-3333-4444'
	crm-import customers c.csv
	csv mix.csv 'customer_id,email,phone' 'N,a@x.co,010-3333-4444' ',b@x.co,010-1111-2222' 'C,c@x.co,'
	run crm-import -q customers mix.csv
	assert_failure 1
	# N merges into A by e-mail and only fills what A lacks; the second row
	# would give B the phone of A
	assert_output - <<-'OUT'
	crm-import: mix.csv:3: the e-mail or phone is another customer's (UNIQUE constraint failed: customers.phone)
	crm-import: customers: 3 read, 1 inserted, 0 updated, 1 unchanged, 1 rejected
	crm-import: customers: 1 merged
	OUT
	run q "SELECT customer_id, email, phone FROM customers ORDER BY 1"
	assert_output $'A|a@x.co|+821011112222\nB|b@x.co|+821033334444\nC|c@x.co|'
}

@test "order_items: an order split around another and re-exported shorter sums right" {
	csv a.csv 'order_id,ordered_at,sku,quantity,unit_price' 'A,2025-01-01,s1,1,100' \
		'A,2025-01-01,s2,1,200' 'A,2025-01-01,s3,1,400'
	crm-import --currency KRW order_items a.csv
	csv b.csv 'order_id,ordered_at,sku,quantity,unit_price' 'A,2025-01-01,s1,1,100' \
		'B,2025-01-01,s9,1,5' 'A,2025-01-01,s2,1,200'
	run crm-import --currency KRW order_items b.csv
	assert_success
	run q "SELECT order_id, amount FROM orders ORDER BY 1; SELECT count(*) FROM order_items WHERE order_id='A'"
	assert_output $'A|300\nB|5\n2'
}

@test "the rejects file is private, and files of another shape are refused" {
	csv bad.csv 'order_id,ordered_at,amount' 'O1,x,1'
	csv other.csv 'order_id,amount,ordered_at' 'O2,1,y'
	umask 022
	run crm-import --currency KRW --rejects rej.csv orders bad.csv other.csv
	assert_failure 2
	assert_line --index 1 "crm-import: other.csv:1: --rejects: the columns differ from those of the files before; import files of different shapes in separate runs"
	run stat -c %a rej.csv
	assert_output 600
	run q "SELECT count(*) FROM orders"
	assert_output 0
}

@test "order_items: later lines of an order take the currency of its first" {
	csv s.csv 'Name,Created at,Lineitem sku,Lineitem quantity,Lineitem price,Currency' \
		'#1,2025-01-01,a,1,10.00,USD' '#1,2025-01-01,b,2,2.50,' '#2,2025-01-02,c,1,3.00,'
	run crm-import --map order_id=Name order_items s.csv
	assert_failure 1
	assert_line --index 0 "crm-import: s.csv:4: column 'unit_price': '3.00' has no currency (use --currency)"
	run q "SELECT order_id, amount, currency FROM orders"
	assert_output "#1|1500|USD"
}

@test "customers of bare-id rows are created by the end, and rows with e-mails after them see them" {
	csv c.csv customer_id,email Y,y@x.co
	crm-import customers c.csv
	csv a.csv order_id,customer_id,ordered_at,amount A1,X,2026-01-01,100 A2,Z,2026-01-02,100
	csv b.csv order_id,customer_id,email,ordered_at,amount \
		B1,X,y@x.co,2026-01-03,100 B2,W,w@x.co,2026-01-04,100 B3,Z,z@x.co,2026-01-05,100
	# X exists when b.csv asks, so its e-mail clashes rather than merges
	run crm-import --currency KRW orders a.csv b.csv
	assert_failure 1
	assert_output - <<-'OUT'
	crm-import: b.csv:2: column 'email': 'y@x.co' belongs to customer 'Y', not 'X'
	crm-import: orders: 5 read, 4 inserted, 0 updated, 0 unchanged, 1 rejected
	crm-import: customers: 3 created, 0 merged
	OUT
	run q "SELECT customer_id, email FROM customers ORDER BY 1; SELECT count(*) FROM customer_aliases"
	assert_output $'W|w@x.co\nX|\nY|y@x.co\nZ|z@x.co\n0'
	# a dry run counts the customers it would create
	csv d.csv order_id,customer_id,ordered_at,amount D1,V,2026-01-01,100 D2,X,2026-01-02,100
	run crm-import --dry-run --currency KRW orders d.csv
	assert_success
	assert_line --index 1 "crm-import: customers: 1 created, 0 merged"
	run q "SELECT count(*) FROM customers"
	assert_output 4
}

@test "rows written 64 at a time count as one at a time: a key twice, changes, new rows, a short last batch" {
	row() { printf '%s,C%d,2025-01-01,%s,KRW,%s\n' "$1" "$2" "$3" "${4:-paid}"; }
	{
		echo order_id,customer_id,ordered_at,amount,currency,status
		for i in $(seq -w 1 100); do row "O$i" $((10#$i % 7)) $((10#$i * 100)); done
	} >a.csv
	run crm-import -q orders a.csv
	assert_success
	{
		echo order_id,customer_id,ordered_at,amount,currency,status
		for i in $(seq -w 1 50); do row "O0$i" $((10#$i % 7)) $((10#$i * 100)); done
		row N001 1 500; row N001 1 999                     # a key twice in the first batch
		for i in $(seq 51 62); do row "O0$i" $((i % 7)) $((i * 100)); done
		for i in $(seq 63 72); do row "O0$i" $((i % 7)) $((i * 100 + 1)); done
		for i in $(seq -w 2 11); do row "N0$i" 2 100; done
		for i in $(seq 73 100); do row "O$(printf %03d $i)" $((i % 7)) $((i * 100)); done
		for i in $(seq 12 27); do row "N0$i" 3 100; done
		row N001 1 999 cancelled; row O001 1 100           # a short last batch
	} >b.csv
	[ "$(wc -l <b.csv)" = 131 ]
	run crm-import orders b.csv
	assert_success
	assert_line --index 0 "crm-import: orders: 130 read, 27 inserted, 12 updated, 91 unchanged, 0 rejected"
	run q "SELECT amount, status FROM orders WHERE order_id IN ('N001', 'O063') ORDER BY 1"
	assert_output $'999|cancelled\n6301|paid'
	[ "$(q 'SELECT customer_id, currency, first_unix, last_unix, orders, monetary
		FROM customer_figures ORDER BY 1, 2')" = "$(q "SELECT customer_id, currency,
		unixepoch(min(ordered_at)), unixepoch(max(ordered_at)), count(*), sum(amount)
		FROM orders WHERE status IN
		('paid', 'pending') GROUP BY 1, 2 ORDER BY 1, 2")" ]
	# again: N001's three rows change it three times, in file order
	run crm-import orders b.csv
	assert_line --index 0 "crm-import: orders: 130 read, 0 inserted, 3 updated, 127 unchanged, 0 rejected"
}

@test "batches of keys above the table's greatest, and batches that are not, count as one at a time" {
	# a batch whose 64 keys are all new and above the greatest key is
	# written without asking which rows went in: every other batch must not be
	row() { printf '%s,C%d,2025-01-01,%s\n' "$1" "$2" "$3"; }
	keys() { local p=$1 i; for i in $(seq "$2" "$3"); do row "$(printf '%s%03d' "$p" "$i")" $((i % 5)) $((i * 10)); done; }
	hdr=order_id,customer_id,ordered_at,amount
	{ echo $hdr; keys O 1 130; } >a.csv
	run crm-import --currency KRW orders a.csv
	assert_line --index 0 "crm-import: orders: 130 read, 130 inserted, 0 updated, 0 unchanged, 0 rejected"
	{
		echo $hdr
		keys P 1 64                                  # all above O130: new
		keys P 65 95; row O050 0 1; keys P 96 127    # O050 is there, changed
		keys Q 1 32; row Q032 2 7; keys Q 33 63      # a key twice
		keys R 1 63; row P100 0 1000                 # P100 is there, unchanged
		keys S 1 2                                   # a short last batch
	} >c.csv
	[ "$(wc -l <c.csv)" = 259 ]
	run crm-import --currency KRW orders c.csv
	assert_line --index 0 "crm-import: orders: 258 read, 255 inserted, 2 updated, 1 unchanged, 0 rejected"
	run crm-import --currency KRW orders c.csv
	assert_line --index 0 "crm-import: orders: 258 read, 0 inserted, 2 updated, 256 unchanged, 0 rejected"
	# a file's short tail goes in row by row: the next file's batch is not above it
	{ echo $hdr; keys T 1 70; } >t1.csv
	{ echo $hdr; keys T 65 70; keys U 1 58; } >t2.csv
	run crm-import --currency KRW orders t1.csv t2.csv
	assert_line --index 0 "crm-import: orders: 134 read, 128 inserted, 0 updated, 6 unchanged, 0 rejected"
	[ "$(q 'SELECT count(*), sum(amount) FROM orders')" = "513|$(( (130*131/2 + 127*128/2 + 63*64/2*2 + 3 + 70*71/2 + 58*59/2) * 10 + 1 - 500 + 7 - 320 ))" ]
	[ "$(q 'SELECT customer_id, currency, first_unix, last_unix, orders, monetary
		FROM customer_figures ORDER BY 1, 2')" = "$(q "SELECT customer_id, currency,
		unixepoch(min(ordered_at)), unixepoch(max(ordered_at)), count(*), sum(amount)
		FROM orders GROUP BY 1, 2 ORDER BY 1, 2")" ]
}

@test "several files: each with its own header, standard input among them; an empty one stops the run" {
	csv a.csv order_id,ordered_at,amount A1,2025-01-01,1 A2,bad,2
	csv b.csv amount,order_id,ordered_at 3,B1,2025-01-02 4,B2,2025-01-03
	csv s.csv ordered_at,order_id,amount 2025-01-04,S1,5
	run crm-import --currency KRW orders a.csv - b.csv <s.csv
	assert_failure 1
	assert_output - <<-'OUT'
	crm-import: a.csv:3: column 'ordered_at': 'bad' is not a date
	crm-import: orders: 5 read, 4 inserted, 0 updated, 0 unchanged, 1 rejected
	OUT
	run q "SELECT order_id, amount FROM orders ORDER BY 1"
	assert_output $'A1|1\nB1|3\nB2|4\nS1|5'
	# the files after the one that stops the run are not even reported
	: >empty.csv
	run crm-import --currency KRW orders a.csv empty.csv nope.csv
	assert_failure 1
	assert_output - <<-'OUT'
	crm-import: a.csv:3: column 'ordered_at': 'bad' is not a date
	crm-import: empty.csv: empty input: no header line
	crm-import: nothing was imported
	OUT
}

@test "line numbers: doubled quotes across lines, blank and white lines, a bad quote and an open one after a row of several lines" {
	printf '%s\n' 'order_id,customer_id,ordered_at,amount' 'O1,"C ""one' '"" 1",bad1,5' '' \
		'   ' 'O2,"C' '2","2025-01-02"x,5' 'O3,"""C3""",bad3,5' 'O4,C4,"bad' '4",5' >ql.csv
	run crm-import --currency KRW orders ql.csv
	assert_failure 1
	assert_output - <<-'OUT'
	crm-import: ql.csv:2: column 'ordered_at': 'bad1' is not a date
	crm-import: ql.csv:6: field 3: malformed quoting: a quote inside a quoted field must be doubled, and a quoted field must end at a delimiter
	crm-import: ql.csv:8: column 'ordered_at': 'bad3' is not a date
	crm-import: ql.csv:9: column 'ordered_at': 'bad\n4' is not a date
	crm-import: orders: 4 read, 0 inserted, 0 updated, 0 unchanged, 4 rejected
	OUT
	printf '%s\n' 'order_id,customer_id,ordered_at,amount' 'O1,"C' '""1""",2025-01-01,5' \
		'O2,"C2,2025-01-02,5' 'O3,C3,2025-01-03,7' >qo.csv
	run crm-import --currency KRW orders qo.csv
	assert_failure 1
	assert_output - <<-'OUT'
	crm-import: qo.csv:4: unterminated quoted field: the quote opened in the row starting here is never closed
	crm-import: nothing was imported
	OUT
}

# --rejects FILE is replaced, never truncated in place: naming the database or
# an input by any path is refused before anything is opened.

@test "--rejects naming the database, its -wal or -journal, or an input is refused, the file untouched" {
	orders_csv
	crm-import orders orders.csv
	cp "$CRM_DB" db.copy
	cp orders.csv orders.copy
	run crm-import --rejects "$BATS_TEST_TMPDIR/./crm.db" orders orders.csv
	assert_failure 2
	assert_line --index 0 "crm-import: --rejects '$BATS_TEST_TMPDIR/./crm.db' is the database file '$CRM_DB': name another file"
	# a -wal or -journal that does not exist yet is the database's all the same
	run crm-import --rejects crm.db-wal orders orders.csv
	assert_failure 2
	assert_line --index 0 "crm-import: --rejects 'crm.db-wal' is the database file '$CRM_DB-wal': name another file"
	run crm-import --rejects ./crm.db-journal --dry-run orders orders.csv
	assert_failure 2
	ln -s crm.db db.link
	run crm-import --rejects db.link orders orders.csv
	assert_failure 2
	ln -s orders.csv o.link
	ln orders.csv o.hard
	run crm-import --rejects o.link orders ./orders.csv
	assert_failure 2
	assert_line --index 0 "crm-import: --rejects 'o.link' is the input file './orders.csv': name another file"
	run crm-import --rejects o.hard orders orders.copy orders.csv
	assert_failure 2
	assert_line --index 0 "crm-import: --rejects 'o.hard' is the input file 'orders.csv': name another file"
	run crm-import --rejects orders.csv orders < orders.csv
	assert_failure 2
	assert_line --index 0 "crm-import: --rejects 'orders.csv' is the standard input: name another file"
	cmp "$CRM_DB" db.copy
	cmp orders.csv orders.copy
	run ls crm.db-wal crm.db-journal
	assert_failure
	run q "SELECT count(*) FROM imports"
	assert_output 1
}

@test "a failed run leaves the rejects file as it was; a run stopped by its input replaces it" {
	csv bad.csv 'order_id,ordered_at,amount' 'O1,x,1' 'O2,2025-01-01,1'
	printf 'old,rejects\n' >rej.csv
	cp rej.csv rej.copy
	# an input that cannot be read: an I/O error
	run crm-import --currency KRW --rejects rej.csv orders bad.csv missing.csv
	assert_failure 3
	cmp rej.csv rej.copy
	# the database locked by another process
	hold_write_lock "CREATE TABLE held(x);"
	CRM_BUSY_TIMEOUT=200 run crm-import --currency KRW --rejects rej.csv orders bad.csv
	echo "ROLLBACK;" >&5
	exec 5>&-
	assert_failure 4
	cmp rej.csv rej.copy
	run ls -A
	refute_output --partial rej.csv.tmp
	# --strict: nothing imported, but the rejects file holds the row that stopped it
	run crm-import --currency KRW --strict --rejects rej.csv orders bad.csv
	assert_failure 1
	run cat rej.csv
	assert_output - <<-'OUT'
	order_id,ordered_at,amount,rejected_file,rejected_line,rejected_reason
	O1,x,1,bad.csv,2,column 'ordered_at': 'x' is not a date
	OUT
}

@test "an existing rejects file ends private, and a dry run replaces it too" {
	csv bad.csv 'order_id,ordered_at,amount' 'O1,x,1'
	printf 'old\n' >rej.csv
	chmod 644 rej.csv
	run crm-import --currency KRW --dry-run --rejects rej.csv orders bad.csv
	assert_failure 1
	run stat -c %a rej.csv
	assert_output 600
	run sed -n 2p rej.csv
	assert_output "O1,x,1,bad.csv,2,column 'ordered_at': 'x' is not a date"
	[ ! -e crm.db ]
}

@test "a rejects write error is said once, not once a row" {
	{
		echo order_id,ordered_at,amount
		for i in $(seq 3000); do echo "O$i,x,1"; done
	} >many.csv
	run crm-import --currency KRW --rejects /dev/full orders many.csv
	assert_failure 3
	assert_equal "$(grep -c 'write error' <<<"$output")" 1
	assert_line "crm-import: /dev/full: write error: No space left on device"
	run q "SELECT count(*) FROM orders"
	assert_output 0
}

# A multi-row statement inside the import's transaction keeps the pages it
# changes in a statement journal; SQLite wrote it to a temporary file
# (etilqs_*) past 64 KiB: 2.1 GB for 1M orders.  With every write to such a
# file failing (the fault suite's shim), an import must still go through.
@test "an import writes no statement journal to a temporary file" {
	preloaded libfailwrite.so
	crm-synth --orders 20000 --customers 6000 orders >o.csv
	run "${PRELOADED[@]}" FAILWRITE_MATCH=etilqs_ FAILWRITE_CALL=1 \
		crm-import -q --db shop.db orders o.csv
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	# the week after: updates and new orders into the existing file
	crm-synth --orders 20000 --customers 6000 --refund-last 500 orders >w.csv
	run "${PRELOADED[@]}" FAILWRITE_MATCH=etilqs_ FAILWRITE_CALL=1 \
		crm-import -q --db shop.db orders w.csv
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(sqlite3 shop.db "SELECT count(*), sum(status = 'refunded') FROM orders")" = \
	  "20000|$(awk -F, '$6 == "refunded"' w.csv | wc -l)" ]
}
