#!/usr/bin/env bats
# Business-hours schedules (lib/schedule.c), driven through build/t/schedcheck.
# Every figure is worked out by hand in the comment beside it; times are
# given with their offsets (KST +09:00; New York EST -05:00, EDT -04:00).
#
#   sched LINES...              write the schedule file, one argument a line
#   secs FROM TO WANT           business seconds in [FROM, TO) are WANT, in
#                               closed form and counted minute by minute
#   due FROM N WANT             N business seconds after FROM is WANT
#   refuse LINE COL PROBLEM     loading fails: "FILE:LINE: column COL: PROBLEM",
#                               status 2, and the same from the text form
#   wrong LINE COL PROBLEM      a UTC file whose second line is LINE is refused there

load helpers

setup() {
	: "${CRM_BUILD:=$BATS_TEST_DIRNAME/../build}"
	SC="$CRM_BUILD/t/schedcheck"
	[ -x "$SC" ] || fail "schedcheck is not built: $SC"
	# under `make valgrind` the checker runs under it too, as the commands do
	VG=()
	[ "${CRM_VALGRIND:-}" != 1 ] || VG=(valgrind -q --error-exitcode=99 --leak-check=full
		--errors-for-leak-kinds=definite --suppressions="$BATS_TEST_DIRNAME/valgrind.supp")
	F="$BATS_TEST_TMPDIR/schedule"
	export TZ=UTC LC_ALL=C.UTF-8
}

sc() {
	"${VG[@]}" "$SC" "$@"
}

sched() {
	printf '%s\n' "$@" >"$F"
}

secs() {
	run sc "${S:-$F}" seconds "$1" "$2"
	assert_success
	assert_output "$3"
	run sc "${S:-$F}" brute "$1" "$2"
	assert_success
	assert_output "$3"
}

due() {
	run sc "${S:-$F}" add "$1" "$2"
	assert_success
	assert_output "$3"
}

refuse() {
	run sc "$F" print
	assert_failure 2
	assert_output "$F:$1: column $2: $3"
	run sc -t "$F" print
	assert_failure 2
	assert_output "text:$1: column $2: $3"
}

wrong() {
	sched 'zone UTC' "$1" 'sat 10:00-11:00'
	refuse 2 "$2" "$3"
}

kst_office() {
	sched 'zone Asia/Seoul' 'mon-fri 09:00-18:00'
}

# ---- durations ------------------------------------------------------------------------

@test "seconds: Friday 17:00 to Monday 10:00 KST is 1 h + 1 h" {
	# 2025-03-14 is a Friday: 17:00-18:00 Friday, 09:00-10:00 Monday = 7200
	kst_office
	secs 2025-03-14T17:00:00+09:00 2025-03-17T10:00:00+09:00 7200
	# the default schedule has no holiday on those days: the same
	S=@default secs 2025-03-14T17:00:00+09:00 2025-03-17T10:00:00+09:00 7200
	# a naive time is read in the schedule's zone
	secs '2025-03-14 17:00' '2025-03-17 10:00' 7200
	# arbitrary seconds: 17:59:59.. Monday 09:00:01 = 1 + 1
	secs 2025-03-14T17:59:59+09:00 2025-03-17T09:00:01+09:00 2
}

@test "seconds: across 추석 2025 the default schedule counts two hours" {
	# Thu 10-02 17:00-18:00 = 1 h; Fri 10-03 개천절, Sat-Sun, Mon-Tue 10-06..07
	# 추석, Wed 10-08 its substitute, Thu 10-09 한글날: all closed;
	# Fri 10-10 09:00-10:00 = 1 h: 7200
	S=@default secs 2025-10-02T17:00:00+09:00 2025-10-10T10:00:00+09:00 7200
	# without the holidays: 1 h + Fri 9 h + Mon..Thu 4 x 9 h + 1 h = 47 h = 169200
	kst_office
	secs 2025-10-02T17:00:00+09:00 2025-10-10T10:00:00+09:00 169200
	# 2024's 설날 and its substitute: Thu 02-08 17:00 to Tue 02-13 10:00 is
	# 1 h + 1 h (02-09..02-12 closed): 7200
	S=@default secs 2024-02-08T17:00:00+09:00 2024-02-13T10:00:00+09:00 7200
}

@test "seconds: a lunch break, a whole day and a whole week" {
	sched 'zone Asia/Seoul' 'mon-fri 09:00-12:00, 13:00-18:00'
	# Mon 2025-03-17 11:30-12:00 + 13:00-13:30 = 3600
	secs 2025-03-17T11:30:00+09:00 2025-03-17T13:30:00+09:00 3600
	# inside the break: 0
	secs 2025-03-17T12:10:00+09:00 2025-03-17T12:50:00+09:00 0
	# a whole day 3 h + 5 h = 28800; a week 5 x 28800 = 144000
	secs 2025-03-17T00:00:00+09:00 2025-03-18T00:00:00+09:00 28800
	secs 2025-03-17T00:00:00+09:00 2025-03-24T00:00:00+09:00 144000
	# 52 weeks at once: 52 x 144000 = 7488000
	run sc "$F" seconds 2025-03-17T00:00:00+09:00 2026-03-16T00:00:00+09:00
	assert_output 7488000
}

@test "seconds: New York across both DST changes of 2025" {
	sched 'zone America/New_York' 'mon-fri 09:00-17:00'
	# Fri 03-07 16:00 EST to Mon 03-10 10:00 EDT: 1 h + 1 h = 7200 (65 h of clock)
	secs 2025-03-07T16:00:00-05:00 2025-03-10T10:00:00-04:00 7200
	# Fri 10-31 16:00 EDT to Mon 11-03 10:00 EST: 1 h + 1 h = 7200
	secs 2025-10-31T16:00:00-04:00 2025-11-03T10:00:00-05:00 7200
	# Mon 03-03 .. Mon 03-17 00:00, two weeks across the change: 2 x 5 x 8 h = 288000
	secs 2025-03-03T00:00:00-05:00 2025-03-17T00:00:00-04:00 288000
	# the whole year 2025 at once: 261 weekdays x 8 h = 7516800
	secs 2025-01-01T00:00:00-05:00 2026-01-01T00:00:00-05:00 7516800
}

@test "seconds: a day open around the clock has 23 h in spring and 25 h in autumn" {
	sched 'zone America/New_York' 'mon-sun 00:00-24:00'
	# 2025-03-09 00:00 EST (05:00Z) to 03-10 00:00 EDT (04:00Z): 23 h = 82800
	secs 2025-03-09T05:00:00Z 2025-03-10T04:00:00Z 82800
	# 2025-11-02 00:00 EDT (04:00Z) to 11-03 00:00 EST (05:00Z): 25 h = 90000
	secs 2025-11-02T04:00:00Z 2025-11-03T05:00:00Z 90000
	# 01:30 EST to 03:30 EDT on 03-09: 06:30Z..07:30Z, one real hour = 3600
	secs 2025-03-09T01:30:00-05:00 2025-03-09T03:30:00-04:00 3600
	# 01:30 EDT to 01:30 EST on 11-02: 05:30Z..06:30Z, 3600
	secs 2025-11-02T01:30:00-04:00 2025-11-02T01:30:00-05:00 3600
	# adding 3 h from midnight of 03-09: 00-01, 01-02 (03:00 EDT), 03-04 = 04:00 EDT
	due 2025-03-09T00:00:00-05:00 10800 2025-03-09T04:00:00-04:00
}

@test "seconds: hours that do not exist are never open, hours that happen twice are open twice" {
	sched 'zone America/New_York' 'sun 01:00-02:00, 02:00-03:00, 08:00-09:00'
	# Sunday 2025-03-09: 01-02 (1 h), 02-03 does not exist, 08-09 (1 h) = 7200
	secs 2025-03-09T00:00:00-05:00 2025-03-10T00:00:00-04:00 7200
	# Sunday 2025-11-02: 01-02 twice (2 h), 02-03 (1 h), 08-09 (1 h) = 14400
	secs 2025-11-02T00:00:00-04:00 2025-11-03T00:00:00-05:00 14400
	# a plain Sunday 2025-11-09: 3 h = 10800
	secs 2025-11-09T00:00:00-05:00 2025-11-10T00:00:00-05:00 10800
}

@test "seconds: Lord Howe's half-hour DST change" {
	sched 'zone Australia/Lord_Howe' 'mon-sun 00:00-24:00'
	# 2025-10-05 02:00 +10:30 becomes 02:30 +11:00: that day has 23.5 h = 84600
	secs 2025-10-05T00:00:00+10:30 2025-10-06T00:00:00+11:00 84600
	# 2025-04-06 02:00 +11:00 becomes 01:30 +10:30: 24.5 h = 88200
	secs 2025-04-06T00:00:00+11:00 2025-04-07T00:00:00+10:30 88200
}

@test "seconds: a zero-length or reversed interval is 0; epoch seconds are read too" {
	kst_office
	secs 2025-03-17T10:00:00+09:00 2025-03-17T10:00:00+09:00 0
	secs 2025-03-17T11:00:00+09:00 2025-03-17T10:00:00+09:00 0
	# 1742173200 is 2025-03-17T01:00:00Z, 10:00 KST; 1742176800 an hour later
	secs 1742173200 1742176800 3600
}

@test "seconds: holidays given twice or overlapping count once; a holiday on a closed day changes nothing" {
	sched 'zone UTC' 'mon-fri 09:00-17:00' 'holiday 2025-03-18' 'holiday 2025-03-18 again' \
		'holiday 2025-03-17..2025-03-19' 'holiday 2025-03-22'
	# week of Mon 03-17: Mon, Tue, Wed closed; Thu, Fri 8 h each = 57600
	secs 2025-03-17T00:00:00Z 2025-03-24T00:00:00Z 57600
	run sc "$F" print
	assert_output 'zone UTC
mon-fri 09:00-17:00
sat-sun closed
holiday 2025-03-17..2025-03-19
holiday 2025-03-18 again
holiday 2025-03-22'
}

@test "add: due times in business seconds" {
	S=@default
	# Fri 2025-03-14 17:30 + 1 h: 30 min on Friday, 30 min on Monday
	due 2025-03-14T17:30:00+09:00 3600 2025-03-17T09:30:00+09:00
	# across 추석 2025: 1 h on Thu 10-02, then Fri 10-10 09:00 + 1 h
	due 2025-10-02T17:00:00+09:00 7200 2025-10-10T10:00:00+09:00
	# a whole day's 9 h from 09:00 ends at 18:00, not the next morning
	due 2025-03-17T09:00:00+09:00 32400 2025-03-17T18:00:00+09:00
	# 9 h 1 s: the first second of Tuesday
	due 2025-03-17T09:00:00+09:00 32401 2025-03-18T09:00:01+09:00
	# 0 (and less) is the instant itself, open or not
	due 2025-03-15T12:00:00+09:00 0 2025-03-15T12:00:00+09:00
	due 2025-03-15T12:00:00+09:00 -5 2025-03-15T12:00:00+09:00
	# from a closed time: Sat + 1 s ends at Mon 09:00:01
	due 2025-03-15T12:00:00+09:00 1 2025-03-17T09:00:01+09:00
	# past the last stored time: never
	sched 'zone UTC' 'mon 09:00-10:00'
	S= due 9999-12-27T00:00:00Z 7200 never
}

@test "property: closed form agrees with a minute counter on random schedules and intervals" {
	# random zones (Seoul, UTC, New York, London, Lord Howe), hours, holidays;
	# intervals of hours to weeks, half of them across an offset change;
	# also additivity at a random point and add() as the inverse
	local seed n=1500
	[ "${CRM_VALGRIND:-}" != 1 ] || n=50
	for seed in 1 2 3 4; do
		run sc property "$seed" "$n"
		assert_success
		assert_output "ok $n"
	done
}

# ---- the file -------------------------------------------------------------------------

@test "file: canonical print, read back the same; keywords in any case, comments, CRLF, a BOM" {
	printf '\xef\xbb\xbf# our desk\r\nSAT 10:00-14:00\r\n\r\n  Zone   Asia/Seoul   # KST\r\nsun-MON 9:00-12:00 ,13:00 - 18:00\r\nwed\tclosed\r\nFri 09:00-12:00, 13:00-18:00\r\nHoliday 2025-10-05..2025-10-08   추석 연휴  \r\nholiday 2025-10-03 개천절 # comment' >"$F"
	run sc "$F" print
	assert_success
	assert_output 'zone Asia/Seoul
mon 09:00-12:00, 13:00-18:00
tue-thu closed
fri 09:00-12:00, 13:00-18:00
sat 10:00-14:00
sun 09:00-12:00, 13:00-18:00
holiday 2025-10-03 개천절
holiday 2025-10-05..2025-10-08 추석 연휴'
	local want=$output
	printf '%s\n' "$want" >"$F.2"
	run sc "$F.2" print
	assert_output "$want"
	run sc -t "$F" print
	assert_output "$want"
	run sc - print <"$F"
	assert_output "$want"
}

@test "file: fri-mon wraps past sunday; touching ranges are allowed" {
	sched 'zone UTC' 'fri-mon 08:00-12:00, 12:00-13:00'
	run sc "$F" print
	assert_output 'zone UTC
mon 08:00-12:00, 12:00-13:00
tue-thu closed
fri-sun 08:00-12:00, 12:00-13:00'
	# Fri 2025-03-14 00:00 to Tue 00:00: 4 days x 5 h = 72000
	secs 2025-03-14T00:00:00Z 2025-03-18T00:00:00Z 72000
}

@test "default: the Korean schedule parses, prints, and holds every public holiday of 2024-2027" {
	run sc @default print
	assert_success
	assert_line --index 0 'zone Asia/Seoul'
	assert_line --index 1 'mon-fri 09:00-18:00'
	assert_line --index 2 'sat-sun closed'
	assert_line 'holiday 2025-10-05..2025-10-07 추석'
	# 2024: 1-1, 2-9..12 (4), 3-1, 4-10, 5-5, 5-6, 5-15, 6-6, 8-15, 9-16..18 (3),
	#       10-1, 10-3, 10-9, 12-25 = 19
	# 2025: 1-1, 1-27, 1-28..30 (3), 3-1, 3-3, 5-5, 5-6, 6-3, 6-6, 8-15, 10-3,
	#       10-5..7 (3), 10-8, 10-9, 12-25 = 19
	# 2026: 1-1, 2-16..18 (3), 3-1, 3-2, 5-5, 5-24, 5-25, 6-3, 6-6, 8-15, 8-17,
	#       9-24..26 (3), 10-3, 10-5, 10-9, 12-25 = 20
	# 2027: 1-1, 2-6..8 (3), 2-9, 3-1, 5-5, 5-13, 6-6, 8-15, 8-16, 9-14..16 (3),
	#       10-3, 10-4, 10-9, 10-11, 12-25, 12-27 = 20
	run sc @default holidays 2024-01-01 2027-12-31
	assert_success
	[ "${#lines[@]}" -eq 78 ] || fail "${#lines[@]} holidays: $output"
	local d
	for d in '2024-02-12 대체공휴일(설날)' '2024-04-10 제22대 국회의원 선거일' \
		'2024-10-01 국군의 날 (임시공휴일)' '2025-01-27 임시공휴일' '2025-03-03 대체공휴일(삼일절)' \
		'2025-05-05 어린이날·부처님오신날' '2025-06-03 제21대 대통령 선거일' \
		'2025-10-08 대체공휴일(추석)' '2026-05-25 대체공휴일(부처님오신날)' \
		'2026-06-03 제9회 전국동시지방선거일' '2026-10-05 대체공휴일(개천절)' \
		'2027-02-09 대체공휴일(설날)' '2027-10-11 대체공휴일(한글날)' '2027-12-27 대체공휴일(기독탄신일)'; do
		assert_line "$d"
	done
	# none outside those years
	run sc @default holidays 2023-01-01 2023-12-31
	assert_output ''
	# the file in the tree is the one built in
	run sc "$BATS_TEST_DIRNAME/../data/schedule/ko-KR.schedule" print
	local file=$output
	run sc @default print
	assert_output "$file"
	grep -q '관공서의 공휴일에 관한 규정' "$BATS_TEST_DIRNAME/../data/schedule/ko-KR.schedule"
	grep -q '한국천문연구원(KASI)' "$BATS_TEST_DIRNAME/../data/schedule/ko-KR.schedule"
}

# ---- bad input --------------------------------------------------------------------------

@test "refused: keywords and day names" {
	wrong 'foo 09:00-18:00' 1 "unknown keyword 'foo' (zone, holiday, or a day: mon..sun)"
	wrong 'monday 09:00-18:00' 1 "'monday' is not a day (mon, tue, wed, thu, fri, sat, sun)"
	wrong 'mon-fry 09:00-18:00' 5 "'fry' is not a day (mon, tue, wed, thu, fri, sat, sun)"
	wrong 'mon-mon 09:00-18:00' 1 "'mon-mon' names one day: write 'mon'"
	wrong 'mon' 4 "expected opening hours (HH:MM-HH:MM) or 'closed' after 'mon'"
	wrong 'sun closed 10:00-12:00' 12 "unexpected '10:00-12:00' after 'closed'"
	sched 'zone UTC' 'mon-fri 09:00-18:00' 'FRI closed'
	refuse 3 1 "'fri' is already given on line 2"
	sched 'zone UTC' 'fri-mon 09:00-18:00' 'sun 10:00-11:00'
	refuse 3 1 "'sun' is already given on line 2"
}

@test "refused: times and ranges" {
	wrong 'mon 9:0-18:00' 5 "'9:0' is not a time (HH:MM, 00:00 to 24:00)"
	wrong 'mon 25:00-26:00' 5 "'25:00' is not a time (HH:MM, 00:00 to 24:00)"
	wrong 'mon 09:00-24:01' 11 "'24:01' is not a time (HH:MM, 00:00 to 24:00)"
	wrong 'mon 09:60-10:00' 5 "'09:60' is not a time (HH:MM, 00:00 to 24:00)"
	wrong 'mon 24:00-24:00' 5 "'24:00-24:00': 24:00 only ends a range"
	wrong 'mon 18:00-09:00' 5 "'18:00-09:00' does not end after it starts"
	wrong 'mon 09:00-09:00' 5 "'09:00-09:00' does not end after it starts"
	wrong 'mon 09:00 18:00' 5 "expected HH:MM-HH:MM, not '09:00'"
	wrong 'mon 09:00-' 11 'expected a time (HH:MM) at the end of the line'
	wrong 'mon 09:00-12:00,' 17 'expected a time (HH:MM) at the end of the line'
	wrong 'mon 09:00-12:00 13:00-18:00' 17 "expected ',' or the end of the line, not '13:00-18:00'"
	# the later of the two is named, wherever it sorts
	wrong 'mon 09:00-12:30, 12:00-13:00' 18 "'12:00-13:00' overlaps '09:00-12:30'"
	wrong 'mon 12:00-13:00, 09:00-12:30' 18 "'09:00-12:30' overlaps '12:00-13:00'"
	wrong 'mon 08:00-09:00, 10:00-11:00, 10:30-10:45' 31 "'10:30-10:45' overlaps '10:00-11:00'"
}

@test "refused: the zone" {
	sched 'mon 09:00-10:00'
	run sc "$F" print
	assert_failure 2
	assert_output "$F: zone is required"
	sched 'zone UTC' 'zone Asia/Seoul' 'mon 09:00-10:00'
	refuse 2 1 "'zone' is already given on line 1"
	sched 'zone Mars/Olympus' 'mon 09:00-10:00'
	refuse 1 6 "'Mars/Olympus' is not a known time zone"
	sched 'zone' 'mon 09:00-10:00'
	refuse 1 5 "expected a time zone after 'zone'"
	sched 'zone UTC x' 'mon 09:00-10:00'
	refuse 1 10 "unexpected 'x' after the time zone"
}

@test "refused: holidays" {
	wrong 'holiday 2025-02-30' 9 "'2025-02-30' is not a date (YYYY-MM-DD)"
	wrong 'holiday 25-10-03' 9 "'25-10-03' is not a date (YYYY-MM-DD)"
	wrong 'holiday 2025-10-05..2025-13-01' 21 "'2025-13-01' is not a date (YYYY-MM-DD)"
	wrong 'holiday 2025-10-08..2025-10-05' 9 "'2025-10-08..2025-10-05' ends before it starts"
	wrong 'holiday' 1 "expected a date (YYYY-MM-DD) after 'holiday'"
	# columns count characters: 19 + 개천절 (3) + 1 = 23
	wrong $'holiday 2025-10-03 개천절\x01' 23 "'\\x01' is not allowed in a holiday's name"
	wrong $'holiday 2025-10-03 a\xc2\x85b' 21 "'\\xc2\\x85' is not allowed in a holiday's name"
	wrong $'holiday 2025-10-03 a\xffb' 21 "'\\xff' is not allowed in a holiday's name"
}

@test "refused: no opening hours, the caps, a file that cannot be read" {
	sched 'zone UTC' 'mon-sun closed'
	run sc "$F" print
	assert_failure 2
	assert_output "$F: no opening hours: every day is closed"
	sched 'zone UTC'
	run sc -t "$F" print
	assert_failure 2
	assert_output "text: no opening hours: every day is closed"
	{ echo 'zone UTC'; head -c 65537 /dev/zero | tr '\0' '#'; echo; } >"$F"
	run sc "$F" print
	assert_failure 2
	assert_output "$F:2: line longer than 65536 bytes"
	printf 'zone UTC\nmon 09:00\000-10:00\n' >"$F"
	run sc "$F" print
	assert_failure 2
	assert_output "$F:2: column 10: NUL byte"
	run sc "$F.none" print
	assert_failure 3
	assert_output "$F.none: No such file or directory"
}
