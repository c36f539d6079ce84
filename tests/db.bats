#!/usr/bin/env bats
# The database: only crm's are opened, readers never write, and schema
# versions crm did not write are refused (issue 14, items 4 and 8).
load helpers
# the schema version this crm writes, from the header that defines it

# Every command form that opens the database, writers first, one a line
# (word-split when run: no quoted arguments).
WRITERS="crm-import -q customers c.csv
crm-segment --save
crm-nps --followed-up f.csv
crm-coupon issue --campaign w --discount 5% --expires 30d c.csv
crm-coupon redeem --order o1 ABC-DEF-GHJ
crm-coupon void ABC-DEF-GHJ
crm-coupon expire"
READERS="crm-report
crm-segment
crm-segment --runs
crm-nps
crm-nps --detractors
crm-coupon list
crm-coupon stats"

inputs() {
	csv c.csv customer_id,name c1,Kim
	csv f.csv customer_id c1
}

# a crm database of today's crm, with a customer and an order
crm_db() {
	inputs
	csv o.csv order_id,customer_id,ordered_at,amount o1,c1,2026-01-05,1000
	crm-import -q customers c.csv
	crm-import -q --currency KRW orders o.csv
}

# with_db DB LINE [RUNNER...]: run the command form LINE (split at its
# spaces) with --db DB after the command's name, through RUNNER if given
with_db() {
	local db=$1 words
	read -ra words <<<"$2"
	shift 2
	run --separate-stderr "$@" "${words[0]}" --db "$db" "${words[@]:1}"
}

# said LINE DB WANT: $stderr is the message WANT naming DB, followed for a
# writer by its verdict on the run (nothing was imported, nothing was saved,
# no code was issued)
said() {
	local cmd=${1%% *} want="${1%% *}: $2: $3"
	case $stderr in
	"$want" | "$want"$'\n'"$cmd: nothing was "* | "$want"$'\n'"$cmd: no code was issued") ;;
	*) fail "$1: $stderr" ;;
	esac
}

# each LIST WANT: every command of LIST on --db $DB fails with exit 3 and
# the message WANT naming $DB, and leaves $DB as it was (cmp with $DB.orig)
each() {
	local line
	while IFS= read -r line; do
		with_db "$DB" "$line"
		[ "$status" -eq 3 ] || fail "$line: exit $status: $stderr"
		said "$line" "$DB" "$2"
		[ -z "$output" ] || fail "$line: printed $output"
		cmp "$DB" "$DB.orig" || fail "$line changed $DB"
	done <<<"$1"
}

@test "db: a foreign SQLite database is refused by every command and left byte for byte" {
	inputs
	DB=other.db
	sqlite3 other.db "CREATE TABLE t (x); INSERT INTO t VALUES (1)"
	cp other.db other.db.orig
	each "$WRITERS" "not a crm database"
	each "$READERS" "not a crm database"
	# a foreign database in WAL mode, and one that says it is some other
	# program's (application_id) though it holds crm's tables
	sqlite3 other.db "PRAGMA journal_mode=WAL" >/dev/null
	cp other.db other.db.orig
	each "$WRITERS" "not a crm database"
	crm_db
	cp "$CRM_DB" other.db
	sqlite3 other.db "PRAGMA application_id = 42"
	cp other.db other.db.orig
	each "$READERS" "not a crm database"
	each "$WRITERS" "not a crm database"
	# a file that is no database at all
	printf 'name,email\nKim,k@x.kr\n' >other.db
	cp other.db other.db.orig
	each "$READERS" "not a crm database"
	each "$WRITERS" "not a crm database"
	[ ! -e other.db-wal ] && [ ! -e other.db-journal ]
}

@test "db: an empty file is made a crm database by crm-import and crm-coupon issue only" {
	inputs
	DB=empty.db
	: >empty.db
	: >empty.db.orig
	each "$READERS" "an empty file, no crm database yet (import something first: crm-import)"
	each "$(sed -n '2,3p;5,$p' <<<"$WRITERS")" \
		"an empty file, no crm database yet (import something first: crm-import)"
	# an SQLite file with nothing in it is as empty
	sqlite3 empty.db "PRAGMA page_size=4096; VACUUM"
	cp empty.db empty.db.orig
	each "$READERS" "an empty file, no crm database yet (import something first: crm-import)"
	run crm-import -q --db empty.db customers c.csv
	assert_success
	[ "$(sqlite3 empty.db 'PRAGMA application_id')" = 1129467185 ]
	: >issued.db
	run crm-coupon --db issued.db issue --campaign w --discount 5% --expires 30d c.csv
	assert_success
	[ "$(sqlite3 issued.db 'SELECT count(*) FROM coupons')" = 1 ]
	[ "$(sqlite3 issued.db 'PRAGMA page_size; PRAGMA journal_mode')" = "16384
wal" ]
}

@test "db: a reader given a path that does not exist says so and creates nothing" {
	inputs
	while IFS= read -r line; do
		with_db nowhere.db "$line"
		[ "$status" -eq 3 ] || fail "$line: exit $status: $stderr"
		said "$line" nowhere.db "no such database (import something first: crm-import)"
		[ -z "$(ls nowhere.db* 2>/dev/null)" ] || fail "$line created $(ls nowhere.db*)"
	done <<<"$READERS"$'\n'"$(sed -n '2,3p;5,$p' <<<"$WRITERS")"
}

# the read-only directories live outside the test's own (which the user
# nobody cannot enter), and are removed even when a test fails
teardown() {
	if [ -n "${top:-}" ] && [ -d "$top" ]; then
		chmod -R u+rwx "$top"
		rm -rf "$top"
	fi
}

# as_owner CMD...: run CMD as the owner of a file it may read but not write.
# Root may write anything, so a root run becomes nobody (setpriv), who is
# given the files.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- "$@"
	else
		"$@"
	fi
}

@test "db: a user who may read the database but not write it, nor its directory, runs every reader" {
	if [ "$(id -u)" -eq 0 ] && ! command -v setpriv >/dev/null; then
		skip "root, and no setpriv to become another user"
	fi
	crm_db
	crm-segment --save >/dev/null
	# a directory that nobody (or this user) can reach, the database in it
	top=$(mktemp -d /tmp/crm-ro.XXXXXX)
	chmod 0755 "$top"
	mkdir "$top/ro"
	cp "$CRM_DB" "$top/ro/shop.db"
	[ ! -e "$top/ro/shop.db-wal" ]
	[ "$(id -u)" -ne 0 ] || chown -R nobody "$top/ro"
	chmod 0400 "$top/ro/shop.db"
	chmod 0500 "$top/ro"
	cp "$top/ro/shop.db" shop.orig
	while IFS= read -r line; do
		with_db "$top/ro/shop.db" "$line" as_owner
		[ "$status" -eq 0 ] || fail "$line: exit $status: $stderr"
	done <<<"$READERS"
	with_db "$top/ro/shop.db" "crm-report --format json" as_owner
	assert_success
	[[ "$output" == *'"Hibernating", 1,'* ]] || fail "$output"
	cmp "$top/ro/shop.db" shop.orig
	[ "$(ls "$top/ro")" = shop.db ]
	# a writer is refused by SQLite, and writes nothing either
	with_db "$top/ro/shop.db" "crm-coupon expire" as_owner
	assert_failure 3
	cmp "$top/ro/shop.db" shop.orig
	chmod 0700 "$top/ro"
	rm -rf "$top"
}

@test "db: a database of an earlier crm (no application_id) is still recognised; a writer stamps it" {
	crm_db
	q "PRAGMA application_id = 0"
	run crm-report --format json
	assert_success
	[ "$(q 'PRAGMA application_id')" = 0 ]
	run crm-segment
	assert_success
	run crm-import -q customers c.csv
	assert_success
	[ "$(q 'PRAGMA application_id')" = 1129467185 ]
	# one of schema version 1, as an early crm-import left it: a reader
	# leaves it alone and says what upgrades it; a writer migrates it
	rm -f "$CRM_DB"
	sqlite3 "$CRM_DB" <"$FIX/schema-v1.sql"
	cp "$CRM_DB" v1.orig
	run --separate-stderr crm-report
	assert_failure 3
	[ "$stderr" = "crm-report: $CRM_DB: the database has schema version 1, older than this crm's $SCHEMA; run crm-import to upgrade it" ] ||
		fail "$stderr"
	cmp "$CRM_DB" v1.orig
	run crm-import -q customers c.csv
	assert_success
	[ "$(q 'PRAGMA user_version; PRAGMA application_id')" = "$SCHEMA
1129467185" ]
	run crm-report
	assert_success
}

@test "db: a schema version crm did not write, below 1 or above this crm's, is refused by every command" {
	crm_db
	DB=$CRM_DB
	for v in -1 -2147483648 0; do
		q "PRAGMA user_version = $v"
		cp "$DB" "$DB.orig"
		each "$READERS" "the database has schema version $v, which no crm wrote"
		each "$WRITERS" "the database has schema version $v, which no crm wrote"
	done
	q "PRAGMA user_version = $((SCHEMA + 1))"
	cp "$DB" "$DB.orig"
	each "$READERS" "the database has schema version $((SCHEMA + 1)), newer than this crm's $SCHEMA; upgrade crm"
	each "$WRITERS" "the database has schema version $((SCHEMA + 1)), newer than this crm's $SCHEMA; upgrade crm"
}

@test "db: such a reader stops at the journal of an interrupted write, never reads the file past it" {
	if [ "$(id -u)" -eq 0 ] && ! command -v setpriv >/dev/null; then
		skip "root, and no setpriv to become another user"
	fi
	crm-synth --orders 3000 orders >o.csv
	crm-import -q --currency KRW orders o.csv
	q "PRAGMA journal_mode=DELETE" >/dev/null
	want=$(q "SELECT sum(amount) FROM orders")
	# a write killed after some of its pages reached the file: its journal
	# is all that tells the old pages from the new
	mkfifo cmds
	sqlite3 "$CRM_DB" <cmds >/dev/null 2>&1 3>&- &
	pid=$!
	exec 4>cmds
	printf '%s\n' "PRAGMA cache_size=2;" "BEGIN;" "UPDATE orders SET amount = amount + 1;" \
		".shell touch ready" >&4
	for _ in $(seq 300); do [ -e ready ] && break; sleep 0.1; done
	kill -9 "$pid"
	wait "$pid" || true
	exec 4>&-
	[ -s "$CRM_DB-journal" ]
	top=$(mktemp -d /tmp/crm-ro.XXXXXX)
	chmod 0755 "$top"
	mkdir "$top/ro"
	cp "$CRM_DB" "$CRM_DB-journal" "$top/ro/"
	[ "$(id -u)" -ne 0 ] || chown -R nobody "$top/ro"
	chmod 0400 "$top/ro/crm.db"
	chmod 0500 "$top/ro"
	with_db "$top/ro/crm.db" "crm-report --format json" as_owner
	assert_failure 3
	[ -z "$output" ] || fail "read past the journal: $output"
	[ "$stderr" = "crm-report: $top/ro/crm.db: a write to it was interrupted, and only a command that may write it (crm-import) can undo that" ] ||
		fail "$stderr"
	chmod 0700 "$top/ro"
	rm -rf "$top"
	# one that may write plays the journal back: nothing of the write is left
	[ "$(q 'SELECT sum(amount) FROM orders')" = "$want" ]
}

@test "db: schema 12 to 13 keeps every order, in time order beside a unique index of their ids" {
	"$CRM_BUILD/crm-synth" --orders 3000 orders >o.csv
	crm-import -q orders o.csv
	# ids that do not follow the times: text order puts #10000 before #9
	csv p.csv order_id,customer_id,ordered_at,amount,currency,status \
		'#9,c1,2026-10-01,900,KRW,paid' '#10000,c2,2026-10-02,800,KRW,refunded' \
		'#10,c1,2026-09-30,700,KRW,pending'
	crm-import -q orders p.csv
	before=$(q 'SELECT * FROM orders ORDER BY order_id')
	crm-report --as-of 2026-10-05 --format json >before.json
	q "$DROP_SCHEMA_13 PRAGMA user_version = 12"
	[ "$(q "SELECT name FROM sqlite_schema WHERE tbl_name = 'orders' AND sql LIKE 'CREATE INDEX%'")" = orders_time ]
	run --separate-stderr crm-report --as-of 2026-10-05
	assert_failure 3
	[[ $stderr == *"schema version 12, older than this crm's $SCHEMA; run crm-import to upgrade it" ]] || fail "$stderr"
	crm-coupon expire -q
	[ "$(q 'PRAGMA user_version')" = "$SCHEMA" ]
	[ "$(q 'SELECT * FROM orders ORDER BY order_id')" = "$before" ]
	[ "$(q "SELECT name FROM sqlite_schema WHERE tbl_name = 'orders' AND type = 'index'")" = orders_id ]
	[ "$(q 'PRAGMA integrity_check')" = ok ]
	# the table itself is in time order (* is more than the index holds)
	[ "$(q 'SELECT * FROM orders')" = "$(q 'SELECT * FROM orders ORDER BY ordered_at, order_id')" ]
	[ "$(q 'SELECT * FROM orders')" != "$(q 'SELECT * FROM orders ORDER BY order_id')" ]
	crm-report --as-of 2026-10-05 --format json >after.json
	cmp before.json after.json
	# an order is still one by its id: its new time moves it, a second row
	# with its id is refused
	csv q.csv order_id,customer_id,ordered_at,amount,currency,status '#9,c1,2026-10-03,900,KRW,paid'
	run crm-import orders q.csv
	assert_success
	assert_output --partial "1 read, 0 inserted, 1 updated"
	[ "$(q "SELECT ordered_at FROM orders WHERE order_id = '#9'")" = 2026-10-03T00:00:00Z ]
	run q "INSERT INTO orders(order_id, ordered_at, amount, currency, status) VALUES ('#9', '2026-10-04', 1, 'KRW', 'paid')"
	assert_failure
	[[ $output == *"UNIQUE constraint failed: orders.order_id"* ]] || fail "$output"
}

@test "db: schema 5 to 6 keeps the lines' total of orders that have lines, and marks those whose amount is it" {
	csv o.csv order_id,customer_id,ordered_at,amount,currency A,c1,2026-10-01,900,KRW
	csv i.csv order_id,customer_id,ordered_at,sku,quantity,unit_price,currency \
		B,c1,2026-10-02,s1,2,300,KRW B,c1,2026-10-02,s2,1,400,KRW C,c2,2026-10-03,s1,1,300,KRW
	crm-import -q orders o.csv
	crm-import -q order_items i.csv
	# A's amount came from no lines; B's and C's from theirs, as schema 5 wrote them
	drop_schema_9
	q "$DROP_SCHEMA_7 INSERT INTO order_items (order_id, line, sku, quantity, unit_price) VALUES ('A', 1, 's1', 1, 500);
	   UPDATE orders SET amount = 1000 WHERE order_id = 'C';
	   DROP INDEX reviews_order; DROP INDEX responses_order;
	   ALTER TABLE reviews DROP COLUMN order_id; ALTER TABLE responses DROP COLUMN order_id;
	   DROP INDEX orders_time; ALTER TABLE orders DROP COLUMN lines_total;
	   ALTER TABLE orders DROP COLUMN amount_from_lines;
	   CREATE INDEX orders_time ON orders(ordered_at, status, currency, amount, customer_id);
	   PRAGMA user_version = 5"
	csv c.csv customer_id,name c1,Kim
	run crm-import -q customers c.csv
	assert_success
	[ "$(q 'PRAGMA user_version')" = "$SCHEMA" ]
	run q "SELECT order_id, amount, lines_total, amount_from_lines FROM orders ORDER BY 1"
	assert_output "A|900|500|0
B|1000|1000|1
C|1000|300|0"
	q "SELECT order_id FROM reviews WHERE order_id IS NULL; SELECT order_id FROM responses LIMIT 0"
}
