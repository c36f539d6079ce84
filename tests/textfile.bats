#!/usr/bin/env bats
# The caps on files crm reads whole (lib/textfile.c), seen through the one
# such file today, crm-segment --rules: a line of more than 65536 bytes, a
# file of more than 16 MiB and a NUL byte are refused with the file, the line
# and (for a byte) the column, at once, before memory runs out.
#
#   refused RULES MESSAGE    crm-segment --rules RULES exits 2 with MESSAGE alone

load helpers

setup() {
	export TZ=UTC LC_ALL=C.UTF-8
	unset CRM_DB CRM_CURRENCY
	cd "$BATS_TEST_TMPDIR" || return 1
	printf '%s\n' order_id,customer_id,ordered_at,amount,currency 1,a,2026-10-01,500,KRW >orders.csv
}

refused() {
	run -2 --separate-stderr timeout 120 crm-segment --as-of 2026-11-01 --rules "$1" orders.csv
	assert_output ''
	[ "$stderr" = "crm-segment: $2" ] || fail "stderr: $stderr"
}

# A line of n bytes: a rule padded by its comment.
long_line() {
	printf 'A: true #'
	head -c $(($1 - 9)) /dev/zero | tr '\0' x
	echo
}

@test "textfile: /dev/zero is refused at its first byte, not read to the end" {
	refused /dev/zero "/dev/zero:1: column 1: NUL byte"
}

@test "textfile: a NUL byte names its line and column" {
	printf 'A: r > 3\nB: r >\0 1\n' >nul.rules
	refused nul.rules "nul.rules:2: column 7: NUL byte"
}

@test "textfile: a NUL byte is placed by characters, not bytes" {
	printf 'Ä: \0true\n' >nul.rules
	refused nul.rules "nul.rules:1: column 4: NUL byte"
}

@test "textfile: a line of 100 KB is refused by its number" {
	{ echo 'B: r > 1'; long_line 100000; } >long.rules
	refused long.rules "long.rules:2: line longer than 65536 bytes"
}

@test "textfile: a line of exactly 65536 bytes is read, with CRLF too" {
	long_line 65536 >edge.rules
	[ "$(wc -c <edge.rules)" -eq 65537 ]
	run -0 crm-segment --as-of 2026-11-01 --rules edge.rules orders.csv
	assert_line --index 1 --partial ',A'
	sed 's/$/\r/' edge.rules >crlf.rules
	run -0 crm-segment --as-of 2026-11-01 --rules crlf.rules orders.csv
	assert_line --index 1 --partial ',A'
	long_line 65537 >over.rules
	refused over.rules "over.rules:1: line longer than 65536 bytes"
}

@test "textfile: a last line of 100 KB without a newline is refused too" {
	long_line 100000 | head -c -1 >long.rules
	refused long.rules "long.rules:1: line longer than 65536 bytes"
}

@test "textfile: a file of 20 MB is refused by its size before it is read" {
	echo 'A: true' >big.rules
	truncate -s 20M big.rules
	refused big.rules "big.rules: larger than 16777216 bytes"
}

@test "textfile: an endless pipe stops at 16 MiB" {
	mkfifo endless
	yes 'A: true' >endless &
	refused endless "endless: larger than 16777216 bytes"
	kill $! 2>/dev/null || true
}

@test "textfile: a directory is a read error (exit 3)" {
	mkdir d
	run -3 --separate-stderr crm-segment --as-of 2026-11-01 --rules d orders.csv
	[ "$stderr" = "crm-segment: d: Is a directory" ] || fail "stderr: $stderr"
}

@test "textfile: a BOM, CRLF and no last newline are still accepted" {
	printf '\xef\xbb\xbfA: r > 9999\r\nB: true' >ok.rules
	run -0 crm-segment --as-of 2026-11-01 --rules ok.rules orders.csv
	assert_line --index 1 --partial ',B'
}
