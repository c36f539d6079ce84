#!/usr/bin/env bats
# Keys are never cut, a NUL byte refuses its row, a header that cannot be
# read stops its input, and every line end counts (issue 14, items 2, 15).
load helpers

ORDERS=order_id,customer_id,ordered_at,amount,currency

# ids N bytes long: "a" N times, or the given letter
id() { printf "${2:-a}%.0s" $(seq "$1"); }

# too_long INDEX FILE:LINE COLUMN: line INDEX of the output refuses the
# value of COLUMN at FILE:LINE as too long
too_long() {
	assert_line --index "$1" --regexp "^crm-[a-z]+: $2: column '$3': '.*' is longer than 255 bytes\$"
}

@test "keys: a NUL byte in an order_id refuses the row, no two orders merge" {
	printf '%s\nO1\0A,c1,2025-01-01,10,USD\nO1\0B,c2,2025-01-02,20,USD\nO2,c3,2025-01-03,30,USD\n' \
		"$ORDERS" >nul.csv
	run crm-import orders nul.csv
	assert_failure 1
	assert_output "crm-import: nul.csv:2: column 'order_id' contains a NUL byte
crm-import: nul.csv:3: column 'order_id' contains a NUL byte
crm-import: orders: 3 read, 1 inserted, 0 updated, 0 unchanged, 2 rejected
crm-import: customers: 1 created, 0 merged"
	run q "SELECT order_id, customer_id FROM orders"
	assert_output "O2|c3"
}

@test "keys: a NUL byte in any cell refuses the row, named by its header or column" {
	printf 'order_id,customer_id,ordered_at,amount,currency,note\n' >n.csv
	printf 'O1,c1,2025-01-01,10,USD,a\0b\nO2,c\0,2025-01-01,10,USD,x\n' >>n.csv
	run crm-import --rejects rej.csv orders n.csv
	assert_failure 1
	assert_line --index 0 "crm-import: n.csv: ignored columns: 'note'"
	assert_line --index 1 "crm-import: n.csv:2: column 'note' contains a NUL byte"
	assert_line --index 2 "crm-import: n.csv:3: column 'customer_id' contains a NUL byte"
	assert_line --index 3 "crm-import: orders: 2 read, 0 inserted, 0 updated, 0 unchanged, 2 rejected"
	run cut -d, -f7- rej.csv
	assert_output "rejected_file,rejected_line,rejected_reason
n.csv,2,column 'note' contains a NUL byte
n.csv,3,column 'customer_id' contains a NUL byte"
	run crm-import --strict orders n.csv
	assert_failure 1
	assert_line --index 1 "crm-import: n.csv:2: column 'note' contains a NUL byte"
	assert_line --index 2 "crm-import: --strict: a row was rejected, nothing was imported"
}

@test "keys: a 256-byte customer_id is refused with its line, 255 bytes are kept whole" {
	printf 'customer_id,email\n%s,x@y.kr\n%s,z@y.kr\n' "$(id 256)" "$(id 255)" >long.csv
	run crm-import customers long.csv
	assert_failure 1
	assert_output "crm-import: long.csv:2: column 'customer_id': '$(id 60)...' is longer than 255 bytes
crm-import: customers: 2 read, 1 inserted, 0 updated, 0 unchanged, 1 rejected"
	run q "SELECT length(customer_id), email FROM customers"
	assert_output "255|z@y.kr"
}

@test "keys: two ids alike in their first 255 bytes stay two orders, or are refused" {
	csv o.csv "$ORDERS" "$(id 255 o),c1,2025-01-01,10,USD" "$(id 255 o)x,c2,2025-01-02,20,USD" \
		"$(id 255 o)y,c3,2025-01-03,30,USD"
	run crm-import orders o.csv
	assert_failure 1
	too_long 0 o.csv:3 order_id
	too_long 1 o.csv:4 order_id
	run q "SELECT length(order_id), customer_id FROM orders"
	assert_output "255|c1"
}

@test "keys: order_items refuse a long order_id or sku, and keep a long channel whole" {
	local chan
	chan=$(id 2000 w)
	csv i.csv order_id,sku,quantity,unit_price,ordered_at,customer_id,channel,currency \
		"O1,S1,1,5,2025-01-01,$(id 255 c),$chan,USD" "$(id 256 o),S1,1,5,2025-01-01,c,web,USD" \
		"O2,$(id 256 s),1,5,2025-01-01,c,web,USD"
	# without --currency the rows are normalised on the importing thread,
	# with it on the reading one
	for cur in "" --currency=USD; do
		run crm-import --db "i$cur.db" $cur order_items i.csv
		assert_failure 1
		too_long 0 i.csv:3 order_id
		too_long 1 i.csv:4 sku
		CRM_DB=i$cur.db run q "SELECT order_id, length(customer_id), length(channel) FROM orders"
		assert_output "O1|255|2000"
	done
}

@test "keys: an e-mail that stands for a customer id is refused past 255 bytes" {
	printf 'email,name\n%s@x.kr,long\n%s@x.kr,short\n' "$(id 252)" "$(id 240)" >e.csv
	run crm-import customers e.csv
	assert_failure 1
	too_long 0 e.csv:2 email
	run q "SELECT customer_id = email, length(email) FROM customers"
	assert_output "1|245"
}

@test "keys: a long import names the right lines through its reading thread" {
	{
		echo "$ORDERS"
		seq 2 6000 | awk '{ printf "O%d,c%d,2025-01-01,%d,USD\n", $1, $1 % 97, $1 }'
	} >big.csv
	sed -i "4001s/.*/O4001,$(id 256),2025-01-01,1,USD/" big.csv
	printf 'O6001,c\0d,2025-01-01,1,USD\n' >>big.csv
	run crm-import orders big.csv
	assert_failure 1
	assert_line --index 0 "crm-import: big.csv:4001: column 'customer_id': '$(id 60)...' is longer than 255 bytes"
	assert_line --index 1 "crm-import: big.csv:6001: column 'customer_id' contains a NUL byte"
	assert_line --index 2 "crm-import: orders: 6000 read, 5998 inserted, 0 updated, 0 unchanged, 2 rejected"
}

@test "keys: a reader of a stream refuses the same rows in the same words" {
	printf '%s\n1,%s,2026-10-01,5,KRW\n2,%s,2026-10-01,5,KRW\n3,x\0y,2026-10-01,5,KRW\n' \
		"$ORDERS" "$(id 256)" "$(id 255 b)" >s.csv
	run --separate-stderr crm-segment --as-of 2026-11-01 - <s.csv
	assert_failure 1
	[ "$stderr" = "crm-segment: stdin:2: column 'customer_id': '$(id 60)...' is longer than 255 bytes
crm-segment: stdin:4: column 'customer_id' contains a NUL byte" ]
	assert_line --index 1 --partial "$(id 255 b),,,31,1,5,KRW,"
	assert_equal "${#lines[@]}" 2
}

@test "keys: a stray quote in the header is an error for its input, the next row is no header" {
	printf '%s\n' 'order_id,"customer_id"x,ordered_at,amount,currency' 'order_id,customer_id,ordered_at,amount,currency' \
		'O1,c1,2025-01-01,10,USD' >h.csv
	run crm-import --rejects rej.csv orders h.csv
	assert_failure 1
	assert_output "crm-import: h.csv:1: cannot read the header: field 2: malformed quoting: a quote inside a quoted field must be doubled, and a quoted field must end at a delimiter
crm-import: nothing was imported"
	run q "SELECT count(*) FROM orders"
	assert_output 0
	run --separate-stderr crm-segment - <h.csv
	assert_failure 1
	[ "$stderr" = "crm-segment: stdin:1: cannot read the header: field 2: malformed quoting: a quote inside a quoted field must be doubled, and a quoted field must end at a delimiter" ]
	assert_output ""
	# a header over two lines is still line 1
	printf '"order\nid",x"\nO1,1\n' >h2.csv
	run crm-import --map order_id=x orders h2.csv
	assert_failure 1
	assert_line --index 0 --partial "h2.csv:1: cannot read the header: field 2: malformed quoting"
}

@test "keys: CR-only line ends count as lines, CRLF as one" {
	printf '%s\r1,a,2026-10-01,5,KRW\r2,b,2026-10-41,5,KRW\r\r3,c,2026-10-02,5,KRW\r' "$ORDERS" >cr.csv
	run crm-import orders cr.csv
	assert_failure 1
	assert_output "crm-import: cr.csv:3: column 'ordered_at': '2026-10-41' is not a date
crm-import: orders: 3 read, 2 inserted, 0 updated, 0 unchanged, 1 rejected
crm-import: customers: 2 created, 0 merged"
	tr '\r' '\n' <cr.csv | sed 's/$/\r/' >crlf.csv
	run crm-import --db crlf.db orders crlf.csv
	assert_line --index 0 "crm-import: crlf.csv:3: column 'ordered_at': '2026-10-41' is not a date"
	run --separate-stderr crm-segment --as-of 2026-11-01 - <cr.csv
	assert_failure 1
	[ "$stderr" = "crm-segment: stdin:3: column 'ordered_at': '2026-10-41' is not a date" ]
	# a quoted field across a CR, and a quote on the line after it
	printf '%s\r1,"a\rb",2026-10-01,5,KRW\r2,"b"x,2026-10-01,5,KRW\r' "$ORDERS" >q.csv
	run crm-import --db q.db orders q.csv
	assert_line --index 0 "crm-import: q.csv:4: field 2: malformed quoting: a quote inside a quoted field must be doubled, and a quoted field must end at a delimiter"
}

@test "keys: CR-only and CRLF line numbers stay right across the reader's chunks" {
	{
		echo "$ORDERS"
		seq 2 30000 | awk '{ printf "O%d,customer%d,2025-01-01,%d,USD\n", $1, $1 % 97, $1 }'
	} >base.csv
	sed -i '29999s/2025-01-01/2025-13-01/; 15000s/2025-01-01/2025-13-01/' base.csv
	tr '\n' '\r' <base.csv >cr.csv
	sed 's/$/\r/' base.csv >crlf.csv
	for f in cr.csv crlf.csv; do
		run crm-import --db "$f.db" orders "$f"
		assert_failure 1
		assert_line --index 0 "crm-import: $f:15000: column 'ordered_at': '2025-13-01' is not a date"
		assert_line --index 1 "crm-import: $f:29999: column 'ordered_at': '2025-13-01' is not a date"
		assert_line --index 2 "crm-import: orders: 29999 read, 29997 inserted, 0 updated, 0 unchanged, 2 rejected"
	done
}
