#!/usr/bin/env bats
# crm-segment's figures from an orders stream at speed (issue 20, target 4):
# the CSV reader's split of plain lines, the customers' table (lib/custsum)
# and its order, the reader thread.
load helpers

CC() { "$CRM_BUILD/t/csvcheck" "$@"; }

HEADER=customer_id,email,name,recency,frequency,monetary,currency,first_order,last_order,r,f,m,rfm,segment

@test "stream: lines without quotes are split as libcsv splits them" {
	# random texts of letters, spaces, tabs, delimiters, blank lines, LF,
	# CRLF and CR line ends and some quoted fields: the reader's rows equal
	# libcsv's own over the whole text (texts libcsv refuses are skipped)
	for d in , tab ' ' ';'; do
		run CC random 7 4000 "$d"
		assert_success
		[[ $output =~ ^ok\ ([0-9]+)\ of\ 4000$ ]]
		((BASH_REMATCH[1] >= 800))
	done
}

@test "stream: spaces around plain fields are trimmed, inside kept, blank lines skipped" {
	printf 'a, b ,c\n \t \n\tx y ,, \r\nlast,"q"\r z ,w\n' >t.csv
	run CC rows t.csv
	assert_success
	# line 2 holds only a space and a tab: no row; line 4 ends with CR alone
	assert_output "1: [a] [b] [c]
3: [x y] [] []
4: [last] [q]
5: [z] [w]"
	printf 'a\t b \tc\n \n' >t.tsv
	run CC rows t.tsv tab
	assert_output "1: [a] [b] [c]"
}

@test "stream: customers in bytewise id order, however long the prefix they share" {
	# ab < abcdefg < abcdefgh < abcdefgh0 < abcdefgh1 < abcdefghZ (0x5a) < abcdefgha
	{
		echo order_id,customer_id,ordered_at,amount,currency,status
		n=0
		for id in abcdefgha abcdefgh1 ab abcdefgh abcdefghZ abcdefg abcdefgh0; do
			n=$((n + 1))
			echo "O$n,$id,2026-10-0$n,100$n,KRW,paid"
		done
	} >o.csv
	run crm-segment --as-of 2026-11-01 o.csv
	assert_success
	run cut -d, -f1,6 <<<"$output"
	assert_output "customer_id,monetary
ab,1003
abcdefg,1006
abcdefgh,1004
abcdefgh0,1007
abcdefgh1,1002
abcdefghZ,1005
abcdefgha,1001"
}

# orders.csv of many customers in shuffled order: ids that share their
# first 8 and 16 bytes ("customer-number-NNNNN"), the ids of exactly 8 and 16
# bytes that those begin with, and short ones; each customer k has 1 + k % 4
# orders, paid, on days k % 28 + j.
many_customers() {
	awk -v n="$1" 'BEGIN {
		srand(20);
		for (k = 1; k <= n; k++) {
			if (k % 3 == 0) id = sprintf("customer-number-%05d", k)
			else if (k % 3 == 1) id = sprintf("customer-%d", k)
			else id = sprintf("c%d", k)
			if (k == 1) id = "customer"
			if (k == 2) id = "customer-number-"
			for (j = 0; j < 1 + k % 4; j++)
				printf "%f,O%d-%d,%s,2026-10-%02d 12:00:00,%d,KRW,paid\n", rand(), k, j, id, 1 + (k % 28 + j) % 28, 100 * k + j
		}
	}' | sort -t, -k1,1 | cut -d, -f2- | sed '1s/^/order_id,customer_id,ordered_at,amount,currency,status\n/' >orders.csv
}

# What crm-segment lists, from awk and sort: customer_id, frequency,
# monetary, first_order, last_order, in bytewise order.
expected_figures() {
	awk -F, 'NR > 1 { d = substr($3, 1, 10); f[$2]++; m[$2] += $4
		if (!($2 in lo) || d < lo[$2]) lo[$2] = d; if (d > hi[$2]) hi[$2] = d }
		END { for (c in f) print c "," f[c] "," m[c] "," lo[c] "," hi[c] }' orders.csv |
		LC_ALL=C sort -t, -k1,1
}

@test "stream: thousands of customers summed and sorted as awk and sort(1) do" {
	# 7000 customers (past the table's first sizes, the batches of 64, and
	# the radix sort's threshold of 2048 at each of the ids' first three
	# 8-byte chunks: "customer", "-number-", "NNNNN")
	many_customers 7000
	[ "$(wc -l <orders.csv)" -gt 15000 ]
	expected_figures >want.csv
	[ "$(wc -l <want.csv)" = 7000 ]
	run crm-segment --as-of 2026-11-01 orders.csv
	assert_success
	cut -d, -f1,5,6,8,9 <<<"$output" | tail -n +2 >got.csv
	run diff want.csv got.csv
	assert_success
	# the short ids are cK for K % 3 == 2 (5, 8, 11, ...); bytewise the
	# least are c1001 (1001 = 3 * 333 + 2), c1004, c1007, then c101; the
	# last, customer-number-06999 (6999 = 3 * 2333)
	run cut -d, -f1 got.csv
	assert_line --index 0 c1001
	assert_line --index 1 c1004
	assert_line --index 2 c1007
	assert_line --index 3 c101
	[ "$(tail -n 1 got.csv | cut -d, -f1)" = customer-number-06999 ]
	# "customer" (8 bytes) before the ids it begins, "customer-number-" (16)
	# before the ids that it begins
	[ "$(grep -n '^customer,' got.csv | cut -d: -f1)" -lt "$(grep -n '^customer-4,' got.csv | cut -d: -f1)" ]
	[ "$(grep -n '^customer-number-,' got.csv | cut -d: -f1)" -lt "$(grep -n '^customer-number-00003,' got.csv | cut -d: -f1)" ]
}

@test "stream: database and stream agree on thousands of customers" {
	many_customers 3000
	crm-import -q orders orders.csv
	run crm-segment --as-of 2026-11-01
	assert_success
	db=$output
	run crm-segment --as-of 2026-11-01 orders.csv
	assert_success
	[ "$output" = "$db" ]
}

@test "stream: an overflow after many queued orders is reported in line order" {
	MAX=92233720368547758.07   # INT64_MAX minor units of USD
	{
		echo order_id,customer_id,ordered_at,amount,currency,status
		for i in $(seq 1 300); do echo "O$i,D$((i % 70)),2025-01-01,1.00,USD,paid"; done
		echo "B1,D1,2025-13-01,1.00,USD,paid"       # line 302: a bad date
		echo "M1,C1,2025-01-02,$MAX,USD,paid"       # line 303: C1's first, INT64_MAX
		echo "M2,C1,2025-01-03,$MAX,USD,paid"       # line 304: C1's total overflows
		echo "B2,D2,2025-01-01,x,USD,paid"          # line 305: a bad amount
		for i in $(seq 1 100); do echo "P$i,D$((i % 70)),2025-01-01,1.00,USD,paid"; done
	} >o.csv
	run crm-segment --as-of 2025-02-01 o.csv
	assert_failure 1
	run grep -o '^crm-segment: o.csv:[0-9]*' <<<"$output"
	assert_output "crm-segment: o.csv:302
crm-segment: o.csv:304
crm-segment: o.csv:305"
}

# orders.csv of N orders of customer c(i % 7), 1000 KRW each, one a day
# from 2026-01-01, with CRLF line ends and, every 100th row, a quoted name
# holding a comma and a line end (a row over two physical lines).
crlf_orders() {
	awk -v n="$1" 'BEGIN {
		printf "order_id,customer_id,ordered_at,amount,currency,status,name\r\n"
		for (i = 1; i <= n; i++) {
			name = i % 100 == 0 ? "\"Kim, J\r\nB\"" : "n" (i % 7)
			printf "O%d,c%d,2026-01-01 10:00:00,1000,KRW,paid,%s\r\n", i, i % 7, name
		}
	}' >orders.csv
}

@test "stream: rows past the reader's batches, CRLF, quoted line ends, bad rows where they are" {
	# 5000 orders: past batches of 1024 rows; 50 of them over two lines
	crlf_orders 5000
	# bad rows deep in the file, each reported at its physical line: the
	# header is line 1, order i starts on line i + 1 + floor((i - 1) / 100)
	# (each earlier 100th order took two lines): order 2500 on line
	# 2500 + 1 + 24 = 2525, order 4321 on 4321 + 1 + 43 = 4365; and one
	# malformed quote, order 3001 on 3001 + 1 + 30 = 3032
	sed -i -e 's/^O2500,c1,2026-01-01 10:00:00,/O2500,c1,2026-13-01,/' \
		-e 's/^O4321,c2,2026-01-01 10:00:00,1000,/O4321,c2,2026-01-01 10:00:00,1x0,/' \
		-e 's/^O3001,c5,/O3001,c5"x",/' orders.csv
	run crm-segment --as-of 2026-11-01 orders.csv
	assert_failure 1
	assert_line --index 0 "crm-segment: orders.csv:2525: column 'ordered_at': '2026-13-01' is not a date"
	assert_line --index 1 --partial "crm-segment: orders.csv:3032: field 2: malformed quoting"
	assert_line --index 2 --regexp "^crm-segment: orders.csv:4365: column 'amount': '1x0' "
	# the rest summed: 4997 orders over c0..c6; c1 lost order 2500, c5
	# order 3001, c2 order 4321.  c0 has orders 7, 14, ..., 4998: 714 of
	# them, as have c1..c4 and c6 (c1, c2: 715 - 1); c5 713 (714 - 1).  So
	# F and M: B = 1 customer worse of N = 7, 1 + floor(5 / 7) = 1; R: all
	# equal, 1; 2026-01-01 is 304 days before 2026-11-01 (365 - 61)
	assert_line "c0,,n0,304,714,714000,KRW,2026-01-01,2026-01-01,1,1,1,111,Hibernating"
	assert_line "c5,,n5,304,713,713000,KRW,2026-01-01,2026-01-01,1,1,1,111,Hibernating"
	run grep -c '^c[0-9],' <<<"$output"
	assert_output 7
}

@test "stream: the name a quoted line end holds is kept whole across the rows" {
	# c2's first order with a name is O2 ("n2"), c0's is O7 ("n0")
	crlf_orders 100
	run crm-segment --as-of 2026-11-01 orders.csv
	assert_success
	assert_line --partial "c0,,n0,"
	# order 100 (c2, i % 7 = 2) has the quoted name, but c2 had one first
	assert_line --partial "c2,,n2,"
}

@test "stream: an empty input, a header alone, a missing file, standard input" {
	: >empty.csv
	run crm-segment --as-of 2026-11-01 empty.csv
	assert_failure 1
	assert_output "crm-segment: empty.csv: empty input: no header line"
	echo order_id,customer_id,ordered_at,amount,currency >head.csv
	run crm-segment --as-of 2026-11-01 head.csv
	assert_success
	assert_output "$HEADER"
	run crm-segment --as-of 2026-11-01 nothere.csv
	assert_failure 3
	assert_output "crm-segment: nothere.csv: No such file or directory"
	crlf_orders 10
	run crm-segment --as-of 2026-11-01 - <orders.csv
	assert_success
	# orders 1..10 of c(i % 7): c1, c2, c3 have two, the other four one;
	# c3's F: B = 4 worse of 7, 1 + floor(20 / 7) = 3
	assert_line "c3,,n3,304,2,2000,KRW,2026-01-01,2026-01-01,1,3,3,133,At Risk"
	run crm-segment --as-of 2026-11-01 --map customer_id=Nope - <orders.csv
	assert_failure 1
	assert_line --index 0 --partial "crm-segment: stdin:1: "
}

@test "stream: a quote left open at the end is fatal at its line, after the rows before it" {
	crlf_orders 2000
	printf 'O9,c9,2026-01-01,1000,KRW,paid,"open\r\n' >>orders.csv
	sed -i 's/^O1500,c2,2026-01-01 10:00:00,/O1500,c2,x,/' orders.csv
	run crm-segment --as-of 2026-11-01 orders.csv
	assert_failure 1
	# order 1500 on line 1500 + 1 + 14 = 1515; the header, 2000 orders
	# on 2020 lines, then the open quote on line 2022
	assert_line --index 0 "crm-segment: orders.csv:1515: column 'ordered_at': 'x' is not a date"
	assert_line --index 1 --partial "crm-segment: orders.csv:2022: "
}
