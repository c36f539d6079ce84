#!/usr/bin/env bats
# Segment rules of lib/rules.c (crm-segment --rules), driven through build/t/rulescheck.
#
#   rules LINES...                       write the rules file, one argument a line
#   match CUR [VAR=N...] EXPECTED        a customer whose figures are 0 (scores 1)
#                                        except those given falls into EXPECTED ("-": none)
#   refuse [CUR] LINE COL PROBLEM        loading fails: "FILE:LINE: column COL: PROBLEM", status 2
#   wrong TEXT COL PROBLEM               a one-line file TEXT is refused at line 1

load helpers

# The helpers' setup (a database per test) is replaced: these drive a checker.
setup() {
	: "${CRM_BUILD:=$BATS_TEST_DIRNAME/../build}"
	RC="$CRM_BUILD/t/rulescheck"
	[ -x "$RC" ] || fail "rulescheck is not built: $RC"
	R="$BATS_TEST_TMPDIR/rules"
}

rules() {
	printf '%s\n' "$@" >"$R"
}

match() {
	local cur=$1 expected="${*: -1}" a
	local -A v=([r]=0 [f]=0 [m]=0 [R]=1 [F]=1 [M]=1 [tenure]=0)
	for a in "${@:2:$#-2}"; do
		[[ -v v[${a%%=*}] ]] || fail "match: no figure ${a%%=*}"
		v[${a%%=*}]=${a#*=}
	done
	run "$RC" "$R" "$cur" "${v[r]}" "${v[f]}" "${v[m]}" "${v[R]}" "${v[F]}" "${v[M]}" "${v[tenure]}"
	assert_success
	assert_output -- "$expected"
}

refuse() {
	local cur=USD
	if [ $# -eq 4 ]; then
		cur=$1
		shift
	fi
	run "$RC" "$R" "$cur"
	assert_failure 2
	assert_output "$R:$1: column $2: $3"
}

wrong() {
	rules "$1"
	refuse 1 "$2" "$3"
}

example() {
	rules '# comment to end of line; blank lines are skipped' \
		'Champions:    R = 5 and F >= 4' \
		'Big spenders: m >= 500000 or (f >= 10 and r <= 30)' \
		'Sleeping:     r > 180' \
		'신규 고객:     tenure <= 30 and f = 1' \
		'Sleeping:     R in 1..2 and not F = 5      # a second line for a segment adds another way in' \
		'Other:        true'
}

VARS='r f m R F M tenure recency frequency monetary days orders spent r_score f_score m_score'

# ---- the file ---------------------------------------------------------------------

@test "file: the segments are the distinct names in order of first appearance" {
	example
	run "$RC" "$R" KRW
	assert_success
	assert_output $'Champions\nBig spenders\nSleeping\n신규 고객\nOther'
}

@test "file: the example's customers" {
	example
	match KRW R=5 F=4 m=9000000 Champions
	match KRW R=5 F=3 m=500000 'Big spenders'
	match KRW R=4 F=5 m=499999 f=10 r=30 'Big spenders'
	match KRW m=499999 f=10 r=31 R=3 tenure=100 Other
	match KRW r=181 R=3 F=3 tenure=500 Sleeping
	match KRW r=10 R=3 f=1 tenure=30 '신규 고객'
	match KRW r=10 R=3 f=1 tenure=31 Other
	match KRW r=100 R=2 F=4 f=2 tenure=400 Sleeping
	match KRW r=100 R=2 F=5 f=2 tenure=400 Other
}

@test "file: several figures at once, one answer a line" {
	example
	run "$RC" "$R" KRW 0 0 0 5 5 1 0 200 0 0 3 3 3 900 10 2 0 3 3 3 100
	assert_success
	assert_output $'Champions\nSleeping\nOther'
}

@test "file: the first line that holds wins" {
	rules 'First: r >= 10' 'Second: r >= 5' 'Third: r >= 10'
	match - r=10 First
	match - r=7 Second
	match - r=4 -
	rules 'Second: r >= 5' 'First: r >= 10'
	match - r=10 Second
}

@test "file: a repeated segment name is another way into the same segment" {
	rules 'Sleeping: r > 180' 'Active: f >= 3' 'Sleeping: R = 1 and F = 1'
	run "$RC" "$R" -
	assert_success
	assert_output $'Sleeping\nActive'
	match - r=181 f=5 Sleeping
	match - r=10 f=5 Active
	match - r=10 f=1 R=1 F=1 Sleeping
	match - r=10 f=1 R=2 F=1 -
}

@test "file: no line holds: no segment" {
	rules 'A: r > 180' 'B: f > 9'
	match - r=180 f=9 -
	match - r=181 A
}

@test "file: names are trimmed, UTF-8, and may hold spaces and punctuation" {
	rules '  신규 고객  :tenure <= 30' $'\tVIP (gold) 😀\t: m >= 1' "Can't lose: r > 300" \
		"$(printf 'x%.0s' {1..63}): true"
	run "$RC" "$R" -
	assert_success
	assert_output "신규 고객
VIP (gold) 😀
Can't lose
$(printf 'x%.0s' {1..63})"
	match - tenure=30 '신규 고객'
	match - tenure=31 m=1 'VIP (gold) 😀'
}

@test "file: comments, blank lines, CRLF line ends, a BOM, no final newline" {
	printf '\xef\xbb\xbf# rules\r\n\r\n   \t\r\nA: r > 5 # old customers\r\n  # B: true\r\nC: f > 1#c\r\nD: true' >"$R"
	run "$RC" "$R" -
	assert_success
	assert_output $'A\nC\nD'
	match - r=6 A
	match - f=2 C
	match - D
	printf '\xef\xbb\xbfA: r > 5\r\nB: x > 1\r\n' >"$R"
	refuse 2 4 "unknown name 'x' (one of r, f, m, R, F, M, tenure, recency, frequency, monetary, days, orders, spent, r_score, f_score, m_score)"
}

@test "file: long lines, up to the cap of 65536 bytes" {
	local terms
	terms=$(seq 0 4999 | sed 's/^/r = /' | paste -sd '|' | sed 's/|/ or /g')
	rules "Listed: $terms" 'Other: true'
	match - r=0 Listed
	match - r=4999 Listed
	match - r=5000 Other
	rules "A: $terms or x = 1"
	refuse 1 $((3 + ${#terms} + 5)) "unknown name 'x' (one of r, f, m, R, F, M, tenure, recency, frequency, monetary, days, orders, spent, r_score, f_score, m_score)"
	terms=$(seq 0 7999 | sed 's/^/r = /' | paste -sd '|' | sed 's/|/ or /g')
	rules "Listed: $terms"
	run -2 "$RC" "$R" USD
	assert_output "$R:1: line longer than 65536 bytes"
}

# ---- variables ------------------------------------------------------------------

@test "variables: every name and alias reads its own figure" {
	local name slot other
	declare -A of=([r]=r [recency]=r [days]=r [f]=f [frequency]=f [orders]=f
		[m]=m [monetary]=m [spent]=m [R]=R [r_score]=R [F]=F [f_score]=F
		[M]=M [m_score]=M [tenure]=tenure)
	for name in $VARS; do
		slot=${of[$name]}
		rules "A: $name = 3"
		match - "$slot=3" A
		local rest=()
		for other in r f m R F M tenure; do
			[ "$other" = "$slot" ] || rest+=("$other=3")
		done
		match - "${rest[@]}" -
	done
}

@test "variables: names are case-sensitive, r is recency and R its score" {
	rules 'A: r = 5' 'B: R = 5'
	match - r=5 R=4 A
	match - r=4 R=5 B
	wrong 'A: Tenure > 3' 4 "unknown name 'Tenure' (names are case-sensitive: did you mean 'tenure'?)"
	wrong 'A: RECENCY > 3' 4 "unknown name 'RECENCY' (names are case-sensitive: did you mean 'recency'?)"
}

# ---- operators -----------------------------------------------------------------

@test "operators: < <= > >= = == != <> against r at 4, 5 and 6" {
	local op want
	while read -r op want; do
		rules "A: r $op 5"
		run "$RC" "$R" - 4 0 0 1 1 1 0 5 0 0 1 1 1 0 6 0 0 1 1 1 0
		assert_success
		assert_output "${want// /$'\n'}"
	done <<-'EOF'
	<	A - -
	<=	A A -
	>	- - A
	>=	- A A
	=	- A -
	==	- A -
	!=	A - A
	<>	A - A
	EOF
}

@test "operators: NUMBER OP VAR is read the other way round" {
	local op want
	while read -r op want; do
		rules "A: 5 $op r"
		run "$RC" "$R" - 4 0 0 1 1 1 0 5 0 0 1 1 1 0 6 0 0 1 1 1 0
		assert_success
		assert_output "${want// /$'\n'}"
	done <<-'EOF'
	<	- - A
	<=	- A A
	>	A - -
	>=	A A -
	=	- A -
	==	- A -
	!=	A - A
	<>	A - A
	EOF
}

@test "operators: spaces between tokens are optional, tabs allowed" {
	rules $'A:r>=5&&f<>2||(m==1)' $'B:\tR\tin\t2..3'
	match - r=5 f=3 A
	match - r=5 f=2 -
	match - m=1 A
	match - R=3 B
}

@test "ranges: VAR in A..B includes both ends" {
	rules 'A: r in 3..5' 'B: f in 7..7' 'C: R in 2 .. 3'
	match - r=2 -
	match - r=3 A
	match - r=5 A
	match - r=6 -
	match - f=7 B
	match - f=8 -
	match - R=2 C
	match - R=3 C
	match - R=4 -
}

# ---- and, or, not ----------------------------------------------------------------

@test "precedence: a or b and c is a or (b and c)" {
	rules 'A: r = 1 or f = 1 and m = 1'
	match - r=1 A
	match - f=1 -
	match - f=1 m=1 A
	rules 'A: r = 1 and f = 1 or m = 1'
	match - m=1 A
	match - r=1 -
	match - r=1 f=1 A
}

@test "precedence: not binds tighter than and" {
	rules 'A: not r = 1 and f = 1'
	match - f=1 A
	match - r=1 f=1 -
	match - r=1 -
	match - -
	rules 'A: not r = 1 or f = 1'
	match - r=1 -
	match - r=1 f=1 A
}

@test "parentheses group, and nest" {
	rules 'A: (r = 1 or f = 1) and m = 1'
	match - r=1 -
	match - r=1 m=1 A
	match - f=1 m=1 A
	rules 'A: not (r = 1 and f = 1)'
	match - r=1 A
	match - r=1 f=1 -
	rules 'A: ((r = 1) and ((f = 1 or (m = 1))))'
	match - r=1 m=1 A
	match - r=1 -
}

@test "not twice is no not" {
	rules 'A: not not r = 1' 'B: ! ! ! f = 1'
	match - r=1 A
	match - f=0 B
	match - f=1 -
}

@test "keywords in any case, and && || !" {
	rules 'A: NOT r = 1 AND f = 1' 'B: !(m = 1) && R = 2 || F In 4..5' 'C: True'
	match - f=1 A
	match - R=2 B
	match - F=4 m=1 B
	match - m=1 R=2 C
}

@test "true alone holds for everyone; not true for no one" {
	rules 'Nobody: not true' 'Everybody: true'
	run "$RC" "$R" - 0 0 0 1 1 1 0 999 999 999 5 5 5 999
	assert_success
	assert_output $'Everybody\nEverybody'
	rules 'A: true and r = 1'
	match - r=1 A
	match - -
}

# ---- numbers and money ---------------------------------------------------------

@test "money: KRW literals are won" {
	rules 'Big: m >= 500000'
	match KRW m=500000 Big
	match KRW m=499999 -
	rules 'A: m >= 12900.5'
	refuse KRW 1 9 "'12900.5' has more decimals than KRW allows"
}

@test "money: USD literals are dollars, with cents" {
	rules 'A: m >= 49.99' 'B: m = 0.05' 'C: m in 1.5..2' 'D: m < -1.5'
	match USD m=4999 A
	match USD m=4998 -
	match USD m=5 B
	match USD m=150 C
	match USD m=200 C
	match USD m=201 -
	match USD m=-151 D
	match USD m=-150 -
	match usd m=4999 A
	rules 'A: monetary >= 0.123'
	match KWD m=123 A
	match KWD m=122 -
}

@test "money: more decimals than the currency allows" {
	wrong 'A: m >= 49.999' 9 "'49.999' has more decimals than USD allows"
	rules 'A: 49.990 < monetary'
	refuse 1 4 "'49.990' has more decimals than USD allows"
	refuse usd 1 4 "'49.990' has more decimals than USD allows"
	rules 'A: m >= 49.99'
	refuse - 1 9 "'49.99' has decimals but no currency was given"
	rules 'A: m >= 49'
	match - m=49 A
	match '' m=49 A
}

@test "money: an unknown currency" {
	rules 'A: m > 1'
	run "$RC" "$R" XYZ
	assert_failure 2
	assert_output "'XYZ' is not a known currency"
}

@test "numbers: whole, non-negative, no separators" {
	wrong 'A: r > 1.5' 8 "'1.5' is not a whole number"
	wrong 'A: r > -1' 8 "'-1' is negative"
	wrong 'A: f >= 1,000' 9 "'1,000' is not a number (no thousands separators)"
	wrong 'A: m >= 1,000' 9 "'1,000' is not a number (no thousands separators)"
	wrong 'A: r > 12abc' 8 "'12abc' is not a number"
	wrong 'A: r > 5.' 8 "'5.' is not a number"
	wrong 'A: r > 1e3' 8 "'1e3' is not a number"
	wrong 'A: r in 1...2' 12 "'.2' is not a number"
	wrong 'A: m > 5원' 8 "'5원' is not a number"
}

@test "numbers: int64 at most" {
	rules 'A: r >= 9223372036854775807' 'B: r > 9223372036854775807' 'C: true'
	match - r=9223372036854775807 A
	match - r=9223372036854775806 C
	wrong 'A: r > 9223372036854775808' 8 "'9223372036854775808' is too large"
	rules 'A: m >= 92233720368547758.07'
	match USD m=9223372036854775807 A
	match USD m=9223372036854775806 -
	wrong 'A: m >= 92233720368547758.08' 9 "'92233720368547758.08' is too large"
	rules 'A: m < -9223372036854775808' 'B: m = -9223372036854775808'
	match KRW m=-9223372036854775808 B
	rules 'A: m < -9223372036854775809'
	refuse KRW 1 8 "'-9223372036854775809' is too large"
	wrong 'A: m < -92233720368547758.09' 8 "'-92233720368547758.09' is too large"
}

@test "scores: compared with 1 to 5 only" {
	wrong 'A: R = 6' 8 "score 'R' is 1 to 5, not 6"
	wrong 'A: F >= 0' 9 "score 'F' is 1 to 5, not 0"
	wrong 'A: m_score < 99999999999999999999' 14 "score 'm_score' is 1 to 5, not 99999999999999999999"
	wrong 'A: r_score in 0..5' 15 "score 'r_score' is 1 to 5, not 0"
	wrong 'A: R in 1..6' 12 "score 'R' is 1 to 5, not 6"
	wrong 'A: 6 > F' 4 "score 'F' is 1 to 5, not 6"
	wrong 'A: M = -1' 8 "score 'M' is 1 to 5, not -1"
	wrong 'A: R = 4.5' 8 "'4.5' is not a whole number"
	rules 'A: R in 1..5 and F >= 1 and M <= 5'
	match - R=1 F=1 M=1 A
}

# ---- errors -----------------------------------------------------------------------

@test "errors: segment names" {
	wrong 'Champions R = 5' 1 "no ':' after the segment name"
	wrong '   Champions R = 5  # no colon: in the comment' 4 "no ':' after the segment name"
	wrong ': r > 1' 1 "empty segment name"
	wrong '   : r > 1' 4 "empty segment name"
	wrong "$(printf 'x%.0s' {1..64}): true" 1 "name too long (64 bytes, at most 63)"
	wrong "  $(printf '가%.0s' {1..22}): true" 3 "name too long (66 bytes, at most 63)"
	wrong 'A,B: true' 2 "',' is not allowed in a segment name"
	wrong '가"나: true' 2 "'\"' is not allowed in a segment name"
	wrong $'A\tB: true' 2 "'\\t' is not allowed in a segment name"
	wrong $'A\x01B: true' 2 "'\\x01' is not allowed in a segment name"
	wrong $'가\xc2\x85B: true' 2 "'\\u0085' is not allowed in a segment name"
}

@test "errors: names in conditions" {
	wrong 'A: x > 1' 4 "unknown name 'x' (one of r, f, m, R, F, M, tenure, recency, frequency, monetary, days, orders, spent, r_score, f_score, m_score)"
	wrong '신규 고객: tenure <= 30 and 고객 = 1' 25 "unknown name '고객' (one of r, f, m, R, F, M, tenure, recency, frequency, monetary, days, orders, spent, r_score, f_score, m_score)"
	wrong 'A: 5 < x' 8 "unknown name 'x' (one of r, f, m, R, F, M, tenure, recency, frequency, monetary, days, orders, spent, r_score, f_score, m_score)"
	wrong 'A: 5 < 6' 8 "expected a name after '<', not '6'"
	wrong 'A: 5 < and' 8 "expected a name after '<', not 'and'"
}

@test "errors: operators and numbers" {
	wrong 'A: r >= ' 6 "expected a number after '>='"
	wrong 'A: r >= f' 9 "expected a number after '>=', not 'f'"
	wrong 'A: r 5' 6 "expected an operator or 'in' after 'r', not '5'"
	wrong 'A: r' 4 "expected an operator or 'in' after 'r'"
	wrong 'A: r => 3' 6 "'=>' is not an operator (write '>=')"
	wrong 'A: r =< 3' 6 "'=<' is not an operator (write '<=')"
	wrong 'A: 5 r' 6 "expected an operator after '5', not 'r'"
	wrong 'A: 5 <' 6 "expected a name after '<'"
	wrong 'A: r in' 6 "expected a number after 'in'"
	wrong 'A: r in 1' 9 "expected '..' after '1'"
	wrong 'A: r in 1 2' 11 "expected '..' after '1', not '2'"
	wrong 'A: r in 1..' 10 "expected a number after '..'"
	wrong 'A: r in 5..1' 9 "'5..1' is an empty range"
	wrong 'A: m in 2 .. 1.5' 9 "'2 .. 1.5' is an empty range"
}

@test "errors: and, or, not and parentheses" {
	wrong 'A: r > 1 and' 10 "expected a condition after 'and'"
	wrong 'A: r > 1 || # or' 10 "expected a condition after '||'"
	wrong 'A: not' 4 "expected a condition after 'not'"
	wrong 'A: and r > 1' 4 "expected a condition, not 'and'"
	wrong 'A: > 5' 4 "expected a condition, not '>'"
	wrong 'A: r > 1 and or f > 1' 14 "expected a condition after 'and', not 'or'"
	wrong 'A: (r > 1' 4 "missing ')'"
	wrong 'A: ((r > 1) or (f > 1)' 4 "missing ')'"
	wrong 'A: (r > 1 f > 2)' 11 "expected ')', not 'f'"
	wrong 'A: ()' 5 "expected a condition after '(', not ')'"
	wrong 'A: r > 1)' 9 "unexpected ')' after the condition"
	wrong 'A: r > 1 foo' 10 "unexpected 'foo' after the condition"
	wrong 'A: r > 1 & f > 1' 10 "unexpected '&' after the condition"
	wrong 'A: true true' 9 "unexpected 'true' after the condition"
	wrong 'A:' 3 "empty condition"
	wrong 'A:    # nothing' 3 "empty condition"
}

@test "errors: nesting is limited to 64 levels" {
	local open close
	open=$(printf '(%.0s' {1..64}) close=$(printf ')%.0s' {1..64})
	rules "A: ${open}r > 1${close}"
	match - r=2 A
	rules "A: ${open}(r > 1)${close}"
	refuse 1 68 "'(' nested too deeply (at most 64 levels of '(' and 'not')"
	rules "A: $(printf 'not %.0s' {1..65})r > 1"
	refuse 1 260 "'not' nested too deeply (at most 64 levels of '(' and 'not')"
}

@test "errors: NUL bytes and invalid UTF-8, with line and column" {
	printf 'A: r > 1\nB: f \0 > 2\n' >"$R"
	refuse 2 6 "NUL byte"
	printf 'A: r > 1\n신규: f > 2 and \xff\n' >"$R"
	refuse 2 15 "invalid UTF-8 (byte 0xff)"
	printf 'A: r > 1 # caf\xe9\n' >"$R"
	refuse 1 15 "invalid UTF-8 (byte 0xe9)"
	printf 'A: r > 1\n\xed\xa0\x80: true\n' >"$R"
	refuse 2 1 "invalid UTF-8 (byte 0xed)"
	printf 'A: r > 1\rB: true\n' >"$R"
	refuse 1 9 "unexpected '\\r' after the condition"
}

@test "errors: the first problem in the file, with its line" {
	rules '# header' 'A: r > 1' '' 'B: f > 2 and' 'C: x'
	refuse 4 10 "expected a condition after 'and'"
}

@test "errors: no rules" {
	: >"$R"
	run "$RC" "$R" -
	assert_failure 2
	assert_output "$R: no rules"
	rules '# only comments' '' '   '
	run "$RC" "$R" KRW
	assert_failure 2
	assert_output "$R: no rules"
}

@test "errors: a file that cannot be read exits 3" {
	run "$RC" "$BATS_TEST_TMPDIR/missing" USD
	assert_failure 3
	assert_output "$BATS_TEST_TMPDIR/missing: No such file or directory"
	run "$RC" "$BATS_TEST_TMPDIR" USD
	assert_failure 3
	assert_output "$BATS_TEST_TMPDIR: Is a directory"
}
