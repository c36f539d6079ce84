#!/usr/bin/env bats
# The contract every crm command keeps (crm(7)): --help, --version, usage
# errors with exit 2 and nothing on stdout, write errors on stdout caught.
load helpers

commands() { printf '%s\n' crm crm-coupon crm-feedback crm-import crm-loyalty crm-nps crm-recommend crm-report crm-segment crm-service; }

@test "every command: --help prints its usage to stdout and exits 0" {
	for cmd in $(commands); do
		run "$cmd" --help
		assert_success
		assert_output --partial "usage: $cmd"
	done
}

@test "every command: --version names the command and crm's version" {
	for cmd in $(commands); do
		run "$cmd" --version
		assert_success
		assert_output --regexp "^$cmd( \(crm\))? [0-9]+\.[0-9]+\.[0-9]+$"
	done
}

@test "every command: an unknown option is a usage error, exit 2, nothing on stdout" {
	for cmd in $(commands); do
		run --separate-stderr "$cmd" --no-such-option
		[ "$status" -eq 2 ] || fail "$cmd exited $status"
		[ -z "$output" ] || fail "$cmd wrote to stdout: $output"
		[[ "$stderr" == *"Try '$cmd --help'"* ]] || [[ "$stderr" == *"usage"* ]] || fail "$cmd: $stderr"
	done
}

@test "every command that reads CSV: an --encoding iconv does not know is a usage error, exit 2" {
	for cmd in crm-coupon crm-import crm-nps crm-segment; do
		run --separate-stderr "$cmd" --encoding klingon --help-not-reached
		[ "$status" -eq 2 ] || fail "$cmd exited $status"
		[ -z "$output" ] || fail "$cmd wrote to stdout: $output"
		[ "${stderr%%$'\n'*}" = "$cmd: --encoding 'klingon': not an encoding iconv knows (try cp949, euc-kr, latin1, cp1252)" ] ||
			fail "$cmd: $stderr"
	done
}

@test "every command: a write error on stdout is reported, exit 3" {
	for cmd in $(commands); do
		run "$cmd" --help
		run sh -c "$cmd --help >/dev/full"
		[ "$status" -eq 3 ] || fail "$cmd exited $status on /dev/full"
		assert_output --partial "write error"
	done
}

@test "every command has a man page that mandoc finds clean" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	for cmd in $(commands); do
		[ -f "$BATS_TEST_DIRNAME/../man/$cmd.1" ] || fail "no man/$cmd.1"
		run mandoc -Tlint -W warning "$BATS_TEST_DIRNAME/../man/$cmd.1"
		assert_success
	done
	run mandoc -Tlint -W warning "$BATS_TEST_DIRNAME/../man/crm.7"
	assert_success
}

@test "every option in a usage text is documented in the man page" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	# each option of the usage appears in the man page
	for cmd in crm-import crm-segment crm-coupon; do
		for opt in $("$cmd" --help | grep -o -- '--[a-z-]*' | sort -u); do
			grep -q -- "Fl ${opt#-}" "$BATS_TEST_DIRNAME/../man/$cmd.1" || fail "$opt not in $cmd(1)"
		done
	done
}

@test "crm runs its commands from beside the file it runs from: by a path, through a symlink, from PATH" {
	local crm
	crm=$(command -v crm)
	csv o.csv order_id,ordered_at,amount O1,2025-01-01,5
	mkdir bin
	ln -s "$crm" bin/crm
	# PATH holds no crm command: only the real file's directory has them
	PATH=/usr/bin:/bin run "$crm" import --columns orders
	assert_success
	assert_line --index 0 column,required,aliases
	PATH=/usr/bin:/bin run bin/crm import --currency KRW orders o.csv
	assert_success
	assert_output "crm-import: orders: 1 read, 1 inserted, 0 updated, 0 unchanged, 0 rejected"
	PATH=$PWD/bin:/usr/bin:/bin run crm import --columns orders
	assert_success
	assert_line --index 0 column,required,aliases
	cd bin
	PATH=/usr/bin:/bin run ./crm import --columns orders
	assert_success
	assert_line --index 0 column,required,aliases
}

@test "every command: control characters in a message are escaped, whether the value came quoted or not" {
	# --tz reaches every command's message unquoted by the caller; the
	# escape sequence would clear a terminal and the newline forge a line;
	# a C1 CSI (C2 9B) or a lone 0x9b byte is a CSI to some terminals too
	local cmd args v
	local tz=($'X\e[2J\nforged: ok' $'X\xc2\x9b2J\x9bY') shown=('X\x1b[2J\nforged: ok' 'X\xc2\x9b2J\x9bY')
	for v in 0 1; do
		for cmd in crm-coupon:list crm-import:orders crm-nps: crm-report: crm-segment:; do
			args=${cmd#*:} cmd=${cmd%%:*}
			run --separate-stderr "$cmd" --tz "${tz[v]}" $args </dev/null
			[ "$status" -eq 2 ] || fail "$cmd exited $status"
			[ "${stderr%%$'\n'*}" = "$cmd: --tz '${shown[v]}' is not a known time zone" ] ||
				fail "$cmd: $stderr"
			[[ "$stderr" != *$'\e'* && "$stderr" != *$'\xc2\x9b'* ]] ||
				fail "$cmd let ESC or CSI through"
		done
	done
	# a file name with a newline and a tab, in a place message
	printf 'order_id,customer_id,ordered_at,amount\nO1,C1,2026-13-01,100\n' >$'bad\nname\t.csv'
	run --separate-stderr crm-import orders --currency KRW $'bad\nname\t.csv'
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"crm-import: bad\\nname\\t.csv:2: column 'ordered_at': '2026-13-01' is not a date"* ]] ||
		fail "$stderr"
}
