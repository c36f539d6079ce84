#!/usr/bin/env bats
# Exports that list their newest rows first, as a shop's admin lists its
# orders: crm-import sets a descending run of rows aside and writes it back
# in key order (import.c, set_aside(); an order_items file its orders with
# their lines, a customers file its new customers).  The database must be
# the one the same rows in key order give, on as many pages (written at
# the b-tree's left edge they took 1.5-1.8x the pages), whatever comes
# after the run: a row that repeats a key set aside, another file, a
# week's increment, a merge by e-mail.

load helpers

# newest_first FILE: FILE's header, then its rows last first.
newest_first() { head -n 1 "$1"; tail -n +2 "$1" | tac; }

# pages DB: the pages the database's file holds.
pages() { sqlite3 -batch "$1" 'PRAGMA page_count'; }

# as_many_pages DB REF: DB takes no more than 1% more pages than REF.
as_many_pages() {
	local got want
	got=$(pages "$1") want=$(pages "$2")
	[ $((got * 100)) -le $((want * 101)) ] || fail "$1: $got pages against $want in key order"
}

# same_as_in_order ENTITY DESC ASC: DESC imported into the test's database
# says what ASC imported into fresh.db says, and leaves every table the
# same, on as many pages.
same_as_in_order() {
	run --separate-stderr crm-import "$1" "$2"
	assert_success
	local said=$stderr
	CRM_DB=fresh.db run --separate-stderr crm-import "$1" "$3"
	assert_equal "$said" "$stderr"
	dump "$CRM_DB" tables >got
	dump fresh.db tables >want
	diff -u want got || fail "$2 differs from $3"
	as_many_pages "$CRM_DB" fresh.db
	[ "$(q 'PRAGMA integrity_check')" = ok ]
}

shop() {
	crm-synth --orders 20000 --customers 6000 --end 2026-11-30 --days 365 orders >asc.csv
	newest_first asc.csv >desc.csv
}

@test "newest first: 20,000 orders give the database and counts the same file in key order gives, on as many pages" {
	shop
	run --separate-stderr crm-import orders desc.csv
	assert_success
	assert_equal "${stderr_lines[0]}" \
		"crm-import: orders: 20000 read, 20000 inserted, 0 updated, 0 unchanged, 0 rejected"
	same_as_fresh tables asc.csv
	as_many_pages "$CRM_DB" fresh.db
	[ "$(q 'PRAGMA integrity_check')" = ok ]
	# again: each batch's keys sorted from its end, all found unchanged
	run --separate-stderr crm-import orders desc.csv
	assert_success
	assert_equal "$stderr" "crm-import: orders: 20000 read, 0 inserted, 0 updated, 20000 unchanged, 0 rejected"
}

@test "newest first: a row that repeats a key set aside updates it, as in file order, in the stream and at the end" {
	shop
	# O00015000's refund in the middle of the run (line 9,002, after
	# 9,000 newer orders), which writes back the run before it;
	# O00000500's at the end, after the batch of the run set aside since;
	# a new order's bad amount on line 12,003
	local mid=O00015000,C0000001,2026-01-01T00:00:00Z,1000,KRW,refunded,web
	local end=O00000500,C0000002,2026-11-01T00:00:00Z,2000,KRW,refunded,
	awk -v mid="$mid" -v end="$end" 'NR == 9002 { print mid }
		NR == 12002 { print "O00099999,C0000001,2026-01-01 00:00:00,12x,KRW,paid,web" }
		{ print } END { print end }' desc.csv >mixed.csv
	run --separate-stderr crm-import orders mixed.csv
	assert_failure 1
	assert_equal "${stderr_lines[-2]}" \
		"crm-import: orders: 20003 read, 20000 inserted, 2 updated, 0 unchanged, 1 rejected"
	assert_equal "${stderr_lines[0]}" \
		"crm-import: mixed.csv:12003: column 'amount': '12x' is not an amount"
	# a fresh import of the rows in key order, then the two refunds
	printf '%s\n' "$(head -n 1 asc.csv)" "$mid" "$end" >refunds.csv
	same_as_fresh asc.csv refunds.csv
	[ "$(q "SELECT status FROM orders WHERE order_id IN ('O00000500', 'O00015000')")" = "refunded
refunded" ]
}

@test "newest first: a second file finds the rows of the first, written back at its end" {
	shop
	{ head -n 10001 desc.csv; } >newer.csv
	{ head -n 1 desc.csv; tail -n +10002 desc.csv
	  grep '^O00019999,' asc.csv | sed 's/,paid,/,refunded,/'; } >older.csv
	grep -q ',refunded,' older.csv
	run --separate-stderr crm-import orders newer.csv older.csv
	assert_success
	assert_equal "${stderr_lines[0]}" \
		"crm-import: orders: 20001 read, 20000 inserted, 1 updated, 0 unchanged, 0 rejected"
	tail -n 1 older.csv | sed '1i order_id,customer_id,ordered_at,amount,currency,status,channel' >refund.csv
	same_as_fresh asc.csv refund.csv
}

@test "newest first: a week's increment, newest first, equals a fresh import of last week's export and it" {
	shop
	crm-import -q orders asc.csv
	{ crm-synth --orders 20000 --customers 6000 --end 2026-11-30 --days 365 --refund-last 500 orders |
		tail -n 500
	  crm-synth --orders 3000 --customers 6000 --end 2026-12-07 --days 7 --seed 2 \
		--first-order 20000 orders | tail -n +2; } | tac |
		sed '1i order_id,customer_id,ordered_at,amount,currency,status,channel' >week.csv
	# the synthetic shop had refunded some of its last 500 orders already
	paid=$(tail -n 500 asc.csv | grep -vc ',refunded,')
	run --separate-stderr crm-import orders week.csv
	assert_success
	assert_equal "$stderr" "crm-import: orders: 3500 read, 3000 inserted, $paid updated, $((500 - paid)) unchanged, 0 rejected"
	same_as_fresh asc.csv week.csv
}

@test "newest first: a batch of stored rows after the run, one repeating a key set aside, updates it" {
	shop
	crm-import -q orders asc.csv
	# 46 full batches of new orders set aside, then one batch of 63
	# unchanged rows and the newest new order refunded
	crm-synth --orders 2944 --customers 6000 --end 2026-12-07 --days 7 --seed 2 \
		--first-order 20000 orders >new.csv
	{ newest_first new.csv
	  sed -n 2,32p asc.csv
	  grep '^O00022944,' new.csv | sed 's/,paid,/,refunded,/; s/,cancelled,/,refunded,/'
	  sed -n 33,64p asc.csv; } >week.csv
	[ "$(grep -c ',refunded,' week.csv)" -ge 1 ]
	run --separate-stderr crm-import orders week.csv
	assert_success
	assert_equal "${stderr_lines[0]}" \
		"crm-import: orders: 3008 read, 2944 inserted, 1 updated, 63 unchanged, 0 rejected"
	same_as_fresh asc.csv week.csv
}

@test "newest first: a falling batch whose keys span more stored rows than a probe reads is set aside only if each is known new" {
	shop
	crm-import -q orders asc.csv
	# 63 new keys between stored ones, 300 apart, and O00009600 refunded
	{ head -n 1 asc.csv
	  for ((j = 64; j >= 1; j--)); do
		if ((j == 32)); then
			grep '^O00009600,' asc.csv | sed 's/,[a-z]*,\([a-z]*\)$/,refunded,\1/'
		else
			printf 'O%08dx,C0000001,2026-01-01 00:00:00,1000,KRW,paid,web\n' $((j * 300))
		fi
	  done; } >between.csv
	grep -q '^O00009600,.*,refunded,' between.csv
	run --separate-stderr crm-import orders between.csv
	assert_success
	assert_equal "${stderr_lines[0]}" \
		"crm-import: orders: 64 read, 63 inserted, 1 updated, 0 unchanged, 0 rejected"
	same_as_fresh asc.csv between.csv
}

@test "newest first: tickets too, 200 full batches, the same rows as in key order on as many pages" {
	# 200 full batches of 64 rows: the run is written back at the file's
	# end, not before a last batch that is not full
	crm-synth --orders 200000 --customers 6000 tickets | head -n 12801 >asc.csv
	[ "$(grep -c . asc.csv)" = 12801 ]
	newest_first asc.csv >desc.csv
	same_as_in_order tickets desc.csv asc.csv
}

@test "newest first: a temporary file that cannot be written stops the import, named, and nothing is imported" {
	shop
	crm-synth --orders 300 --customers 100 customers >customers.csv
	crm-import -q customers customers.csv
	q .dump >before.sql
	mkdir tmp
	preloaded libfailwrite.so
	# from standard input, which cannot be read from its end: set aside
	run --separate-stderr "${PRELOADED[@]}" TMPDIR="$PWD/tmp" FAILWRITE_MATCH="$PWD/tmp" \
		FAILWRITE_AFTER=0 crm-import orders - <desc.csv
	assert_equal "$status" 3
	assert_equal "${stderr_lines[0]}" \
		"crm-import: $PWD/tmp: write error on a temporary file: No space left on device"
	assert_equal "${stderr_lines[-1]}" "crm-import: nothing was imported"
	q .dump | diff -u before.sql - || fail "the database changed"
	[ -z "$(ls -A tmp)" ]
}

# orders_newest_first FILE: an order_items file's orders last first, the
# lines of each order in their order.
orders_newest_first() {
	awk -F, 'NR == 1 { print; next }
		$1 != last { n++; last = $1 } { block[n] = block[n] $0 "\n" }
		END { for (i = n; i >= 1; i--) printf "%s", block[i] }' "$1"
}

@test "newest first: order_items, orders last first and each one's lines in order, give the database of the file in key order" {
	crm-synth --orders 6000 --customers 2000 order_items >asc.csv
	orders_newest_first asc.csv >desc.csv
	[ "$(sort asc.csv | md5sum)" = "$(sort desc.csv | md5sum)" ]
	same_as_in_order order_items desc.csv asc.csv
	# again: every line is stored, none set aside
	run --separate-stderr crm-import order_items desc.csv
	assert_success
	[[ "${stderr_lines[0]}" == *" 0 inserted, 0 updated, "*" 0 rejected" ]] || fail "$stderr"
	dump "$CRM_DB" tables | diff -u want - || fail "the re-import changed the database"
}

@test "newest first: order_items, a week's new orders newest first into the weeks before, as in key order" {
	crm-synth --orders 6000 --customers 2000 order_items >base.csv
	crm-synth --orders 3000 --customers 2000 --first-order 6000 --seed 2 --end 2026-11-07 \
		--days 7 order_items >asc.csv
	orders_newest_first asc.csv >desc.csv
	crm-import -q order_items base.csv
	cp "$CRM_DB" fresh.db
	same_as_in_order order_items desc.csv asc.csv
}

@test "newest first: an order_items order split in two, its first part set aside, numbers and sums its lines as in key order" {
	crm-synth --orders 3000 --customers 1000 order_items >asc.csv
	# the last line of an order of several, moved to the file's end
	local split
	split=$(awk -F, 'NR > 1 { n[$1]++ } END { for (o in n) if (n[o] > 2) print o }' asc.csv |
		sort | sed -n 100p)
	[ -n "$split" ]
	moved() { # FILE: FILE with split's last line at its end
		awk -F, -v o="$split" '$1 == o { last = NR } { line[NR] = $0 }
			END { for (i = 1; i <= NR; i++) if (i != last) print line[i]; print line[last] }' "$1"
	}
	moved asc.csv >asc-split.csv
	orders_newest_first asc.csv >desc.csv
	moved desc.csv >desc-split.csv
	[ "$(tail -n 1 asc-split.csv)" = "$(tail -n 1 desc-split.csv)" ]
	crm-import -q order_items desc-split.csv
	CRM_DB=fresh.db crm-import -q order_items asc-split.csv
	dump "$CRM_DB" tables >got
	dump fresh.db tables >want
	diff -u want got
	[ "$(q "SELECT count(*) FROM order_items WHERE order_id = '$split'")" -gt 2 ]
}

@test "newest first: customers, into a new database, give the database of the file in key order" {
	crm-synth --orders 30000 --customers 12000 customers >asc.csv
	newest_first asc.csv >desc.csv
	same_as_in_order customers desc.csv asc.csv
	[ "$(q "SELECT count(*) FROM sqlite_master WHERE name IN ('customers_email', 'customers_phone')")" = 2 ]
}

@test "newest first: customers, a falling row with a set-aside customer's e-mail merges into it, a set-aside id again updates it" {
	crm-synth --orders 3000 --customers 1000 customers >asc.csv
	newest_first asc.csv >desc.csv
	# after C0000400 (line 602) the e-mail of C0000900, set aside, under
	# an id that falls too; after C0000300 C0000800 again, with a name of
	# its own
	local email
	email=$(grep '^C0000900,' asc.csv | cut -d, -f2)
	awk -v email="$email" '{ print } NR == 602 { print "C00003995," email ",,,,,," }
		NR == 702 { print "C0000800,,,새이름,,,," }' desc.csv >mixed.csv
	run --separate-stderr crm-import customers mixed.csv
	assert_success
	assert_equal "${stderr_lines[0]}" \
		"crm-import: mixed.csv:603: customer 'C00003995' is customer 'C0000900' (same e-mail '$email'): merged"
	assert_equal "${stderr_lines[1]}" \
		"crm-import: customers: 1002 read, 1000 inserted, 1 updated, 1 unchanged, 0 rejected"
	assert_equal "$(q "SELECT alias, customer_id FROM customer_aliases")" "C00003995|C0000900"
	assert_equal "$(q "SELECT count(*) FROM customers")" 1000
	assert_equal "$(q "SELECT name FROM customers WHERE customer_id = 'C0000800'")" "새이름"
	[ "$(q 'PRAGMA integrity_check')" = ok ]
}

@test "newest first: customers, a falling id stored earlier in the run is not set aside but updated" {
	crm-synth --orders 3000 --customers 1000 customers >asc.csv
	{ head -n 1 asc.csv; echo "C0000100,,,먼저,,,,"; tail -n +2 asc.csv | tac; } >mixed.csv
	run --separate-stderr crm-import customers mixed.csv
	assert_success
	assert_equal "${stderr_lines[0]}" \
		"crm-import: customers: 1001 read, 1000 inserted, 1 updated, 0 unchanged, 0 rejected"
	assert_equal "$(q "SELECT name FROM customers WHERE customer_id = 'C0000100'")" \
		"$(grep '^C0000100,' asc.csv | cut -d, -f4)"
	assert_equal "$(q "SELECT count(*) FROM customers")" 1000
	[ "$(q 'PRAGMA integrity_check')" = ok ]
}

@test "tmpstack: records of 0 bytes to 3 MiB come back last first, byte for byte, pushed again after pops" {
	run "$CRM_BUILD/t/tmpstackcheck"
	assert_success
	assert_output "ok 14202"
}

# ---- read from its end (lib/falling.h) ------------------------------------------
# An orders, tickets, reviews or responses file whose keys fall from its
# first row to its last, naming customers by id alone, is read last row
# first: its rows come in key order, nothing is set aside.  Any doubt and
# it is read in file order.

# like_stdin ARGS... FILE: crm-import ARGS FILE into a new database says
# what the same import from standard input says (which is read in file
# order), messages in any order, and leaves the same tables.
like_stdin() {
	local file=${*: -1} said
	CRM_DB=file.db run --separate-stderr crm-import "$@"
	said=$(printf '%s\n' "$stderr" | sed "s|^crm-import: $file:|crm-import: stdin:|" | LC_ALL=C sort)
	CRM_DB=stdin.db run --separate-stderr crm-import "${@:1:$#-1}" - <"$file"
	assert_equal "$said" "$(printf '%s\n' "$stderr" | LC_ALL=C sort)"
	dump file.db tables >got
	dump stdin.db tables >want
	diff -u want got || fail "$file differs from the same rows from standard input"
	rm -f file.db stdin.db
}

# set_aside ENTITY FILE ARGS...: did crm-import ARGS ENTITY FILE need a
# temporary file (every write to one fails)?  "yes" or "no".  The test
# calls `preloaded libfailwrite.so` first (which skips it under valgrind).
set_aside() {
	local entity=$1 file=$2
	shift 2
	mkdir -p tmp
	run --separate-stderr "${PRELOADED[@]}" TMPDIR="$PWD/tmp" FAILWRITE_MATCH="$PWD/tmp" \
		FAILWRITE_AFTER=0 CRM_DB=probe.db crm-import "$@" "$entity" "$file"
	rm -f probe.db
	case $status in
	0) echo no ;;
	3) echo yes ;;
	*) fail "crm-import of $file: status $status: $stderr" ;;
	esac
}

# variants DESC: files of DESC's rows that the scan must take, and those
# it must leave in file order (see falling.h)
variants() {
	local d=$1
	awk -F, -v OFS=, 'NR > 1 { for (i = 1; i <= NF; i++) $i = "\"" $i "\"" } { print }' "$d" >quoted.csv
	sed 's/$/\r/' "$d" >crlf.csv
	awk 'NR % 97 == 0 { print ""; print "  " } { print }' "$d" >blank.csv
	{ printf '\357\273\277'; cat "$d"; } >bom.csv
	# a cell over two lines, and over three with a blank one and CRLF
	awk -F, -v OFS=, 'NR == 30 { $7 = "\"app" } NR == 30 { print; print "web\""; next } { print }' "$d" >multi.csv
	awk -F, -v OFS=, 'NR == 30 { $7 = "\"app\r\n\r\nweb \"\"x\"\"\"" } { print }' "$d" >multi-crlf.csv
	# and those it leaves: a key twice (the later row wins), a CR alone,
	# a key over two lines, a key with spaces, a quote doubled in a key
	awk -F, -v OFS=, 'NR == 51 { print; $4 = $4 + 100 } { print }' "$d" >twice.csv
	awk 'NR == 40 { printf "%s\r", $0; next } { print }' "$d" >cr.csv
	awk -F, -v OFS=, 'NR == 35 { $1 = "\"" $1 "\nX\"" } { print }' "$d" >key-lf.csv
	awk -F, -v OFS=, 'NR == 20 { $1 = " " $1 " " } { print }' "$d" >spaced.csv
	awk -F, -v OFS=, 'NR == 25 { $1 = "\"" $1 "\"\"x\"" } { print }' "$d" >doubled.csv
}

@test "read from its end: an orders file newest first, no temporary file, gives the database and counts of the file in key order" {
	preloaded libfailwrite.so
	shop
	[ "$(set_aside orders asc.csv)" = no ]
	[ "$(set_aside orders desc.csv)" = no ]
	[ "$(set_aside orders - <desc.csv)" = yes ]
	same_as_in_order orders desc.csv asc.csv
	# and into the database it made: every row unchanged
	run --separate-stderr crm-import orders desc.csv
	assert_equal "$stderr" "crm-import: orders: 20000 read, 0 inserted, 0 updated, 20000 unchanged, 0 rejected"
}

@test "read from its end: quoted keys, CRLF, blank lines, a BOM and cells over lines are read from the end; a key twice, a CR alone, a key over two lines, spaces or a doubled quote in a key are not" {
	preloaded libfailwrite.so
	shop
	variants desc.csv
	local f
	for f in quoted crlf blank bom multi multi-crlf; do
		[ "$(set_aside orders $f.csv)" = no ] || fail "$f.csv was set aside"
	done
	for f in twice cr key-lf spaced doubled; do
		[ "$(set_aside orders $f.csv)" = yes ] || fail "$f.csv was read from its end"
	done
	# a column naming the customer: the first row to name one makes it
	awk -F, -v OFS=, '{ print $0, (NR == 1 ? "email" : tolower($2) "@example.com") }' desc.csv >email.csv
	[ "$(set_aside orders email.csv)" = yes ]
	# a value map on the key could make two keys one
	[ "$(set_aside orders desc.csv --map-value order_id:O00000007=O00000008)" = yes ]
	[ "$(set_aside orders desc.csv --map-value channel:app=web)" = no ]
}

@test "read from its end or not, each variant gives what the same rows in file order give" {
	crm-synth --orders 700 --customers 200 --end 2026-11-30 --days 365 orders >asc.csv
	newest_first asc.csv >desc.csv
	variants desc.csv
	local f
	for f in desc quoted crlf blank bom multi multi-crlf twice cr key-lf spaced doubled; do
		like_stdin orders $f.csv
	done
	# the later of a key's two rows won, as in file order
	crm-import -q orders twice.csv
	local id amount
	IFS=, read -r id _ _ amount _ < <(sed -n 51p desc.csv)
	[ "$(q "SELECT amount FROM orders WHERE order_id = '$id'")" = "$((amount + 100))" ]
}

@test "read from its end: each rejected row is named by its own line, the last first, and the rest are imported; not with --strict or --rejects" {
	csv desc.csv 'order_id,customer_id,ordered_at,amount,currency,status,channel' \
		'O9,C1,2026-11-09 10:00:00,9000,KRW,paid,app' \
		'O8,C2,2026-11-08 10:00:00,oops,KRW,paid,app' \
		'' \
		'O7,C1,2026-11-07 10:00:00,7000,KRW,paid,app' \
		'O6,C3,not a time,6000,KRW,paid,app' \
		'O5,C2,2026-11-05 10:00:00,5000,KRW,refunded,app' \
		'O4,C1,2026-11-04 10:00:00,4000,KRW,paid,web'
	run --separate-stderr crm-import orders desc.csv
	assert_equal "$status" 1
	assert_equal "${#stderr_lines[@]}" 4
	assert_regex "${stderr_lines[0]}" "^crm-import: desc\.csv:6: .*not a time"
	assert_regex "${stderr_lines[1]}" "^crm-import: desc\.csv:3: .*oops"
	assert_equal "${stderr_lines[2]}" "crm-import: orders: 6 read, 4 inserted, 0 updated, 0 unchanged, 2 rejected"
	[ "$(q "SELECT group_concat(order_id || ':' || amount, ' ') FROM orders")" = "O4:4000 O5:5000 O7:7000 O9:9000" ]
	[ "$(q "SELECT customer_id, orders, monetary FROM customer_figures ORDER BY 1")" = "C1|3|20000" ]
	like_stdin orders desc.csv
	# --strict stops at the file's first bad row, and the rejects file
	# keeps the file's order: either reads the file in its order
	CRM_DB=strict.db run --separate-stderr crm-import --strict orders desc.csv
	assert_equal "$status" 1
	assert_regex "${stderr_lines[0]}" "^crm-import: desc\.csv:3: .*oops"
	CRM_DB=rejects.db run --separate-stderr crm-import --rejects rejects.csv orders desc.csv
	assert_equal "$status" 1
	[ "$(cut -d, -f9 rejects.csv | paste -sd' ')" = "rejected_line 3 6" ]
}

@test "read from its end: a file named twice, newest first and then in key order, and two files give what file order gives" {
	crm-synth --orders 900 --customers 300 --end 2026-11-30 --days 365 orders >asc.csv
	newest_first asc.csv >desc.csv
	{ head -n 1 asc.csv; sed -n 2,451p asc.csv; } >first.csv
	{ head -n 1 asc.csv; tail -n +452 asc.csv | tac; } >second.csv
	crm-import -q orders second.csv first.csv desc.csv
	CRM_DB=fresh.db crm-import -q orders asc.csv
	dump "$CRM_DB" tables >got
	dump fresh.db tables >want
	diff -u want got
	[ "$(q 'PRAGMA integrity_check')" = ok ]
}

# reversed_rows FILE: FILE's header, then its rows last first, each row
# whole however many lines its quoted cells span (tac would split them).
reversed_rows() {
	python3 -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(rows[0])
out.writerows(reversed(rows[1:]))' "$1"
}

@test "read from its end: tickets, reviews with bodies over several lines, and answers, newest first, give the database of key order" {
	preloaded libfailwrite.so
	local e
	for e in tickets reviews responses; do
		# over 1 MiB of rows each: a run set aside would need the file
		crm-synth --orders 150000 --customers 30000 --end 2026-11-30 --days 365 $e >$e.csv
		reversed_rows $e.csv >$e-desc.csv
		[ "$(set_aside $e $e-desc.csv)" = no ] || fail "$e-desc.csv was set aside"
		[ "$(set_aside $e - <$e-desc.csv)" = yes ] || fail "$e from standard input was not set aside"
		like_stdin $e $e-desc.csv
		CRM_DB=$e.db same_as_in_order $e $e-desc.csv $e.csv
		rm -f fresh.db
	done
	# the reviews had bodies over lines, read from the end
	[ "$(CRM_DB=reviews.db q "SELECT count(*) > 100 FROM reviews WHERE body LIKE '%' || char(10) || '%'")" = 1 ]
}
