#!/usr/bin/env bats
# The architecture's rules, measured on the tree and the built objects by
# tests/layout: no include or link cycle between lib/ modules, no SQL and no
# sqlite3 call in cmd/, no command file past 600 lines, no function past 100.

load helpers

@test "layout: lib/ has no include or link cycle, cmd/ no SQL, no file or function too long" {
	run "$BATS_TEST_DIRNAME/layout" --check "$CRM_BUILD_DIR"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"layout: every rule kept"* ]]
}

@test "layout: the checker finds a cycle, SQL in a command and a long function when they are there" {
	tree=$BATS_TEST_TMPDIR/tree
	mkdir -p "$tree/lib" "$tree/cmd" "$tree/tests" "$tree/build/lib"
	cp "$BATS_TEST_DIRNAME/layout" "$tree/tests/"
	printf '#include "b.h"\n' >"$tree/lib/a.h"
	printf '#include "a.h"\n' >"$tree/lib/b.c"
	{
		printf 'int main(void)\n{\n\tcrm_db_exec(db, "COMMIT");\n'
		for i in $(seq 1 100); do printf '\tx();\n'; done
		printf '}\n'
	} >"$tree/cmd/crm-x.c"
	run "$tree/tests/layout" --check "$tree/build"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"include cycle: a <-> b"* ]]
	[[ "$output" == *"cmd/crm-x.c:3: SQL in a command"* ]]
	[[ "$output" == *"cmd/crm-x.c:1: main() is 104 lines (at most 100)"* ]]
}
