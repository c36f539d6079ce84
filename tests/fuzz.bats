#!/usr/bin/env bats
# The fuzzing harnesses of tests/fuzz, replayed without libFuzzer: each
# harness built with the normal compiler and tests/fuzz/replay.c
# (build/fuzz-replay-TARGET, made by `make`) runs over its seed corpus
# (tests/fuzz/corpus/TARGET) and the findings kept as regressions
# (tests/fuzz/regress/TARGET), asserting the same properties as under
# `make fuzz`.  The inputs of tests/fuzz/pending are not replayed: they
# show bugs still open.

load helpers

setup() {
	: "${CRM_BUILD_DIR:=${CRM_BUILD:-$BATS_TEST_DIRNAME/../build}}"
	FUZZ=$BATS_TEST_DIRNAME/fuzz
}

# replay TARGET: every input of the target's corpus and regressions passes.
replay() {
	local bin=$CRM_BUILD_DIR/fuzz-replay-$1 inputs=()
	[ -x "$bin" ] || fail "not built: $bin (make builds it)"
	shopt -s nullglob
	inputs=("$FUZZ/corpus/$1"/* "$FUZZ/regress/$1"/*)
	shopt -u nullglob
	[ ${#inputs[@]} -gt 0 ] || fail "no corpus for $1"
	run "$bin" "${inputs[@]}"
	assert_success
	assert_line --index $((${#inputs[@]} - 1)) "${inputs[-1]}"
}

@test "fuzz replay: csv reader and writer" { replay csv; }
@test "fuzz replay: a file planned to be read from its end, against file order" { replay falling; }
@test "fuzz replay: entity streams" { replay stream; }
@test "fuzz replay: money and whole numbers" { replay money; }
@test "fuzz replay: times and dates" { replay time; }
@test "fuzz replay: phones" { replay phone; }
@test "fuzz replay: e-mails" { replay email; }
@test "fuzz replay: values by kind (statuses, booleans, countries)" { replay value; }
@test "fuzz replay: segment rules" { replay rules; }
@test "fuzz replay: periods" { replay period; }
@test "fuzz replay: coupon codes and terms" { replay coupon; }
@test "fuzz replay: option values" { replay options; }
@test "fuzz replay: loyalty programs" { replay program; }
@test "fuzz replay: business-hours schedules" { replay schedule; }
@test "fuzz replay: saved segment runs' blobs" { replay runblob; }

@test "fuzz replay: every harness has a test here and a corpus" {
	local c t
	for c in "$FUZZ"/*.c; do
		t=$(basename "$c" .c)
		case $t in fuzz | replay) continue ;; esac
		grep -q "{ replay $t; }" "$BATS_TEST_FILENAME" || fail "no replay test for $t"
		[ -d "$FUZZ/corpus/$t" ] || fail "no corpus for $t"
	done
}
