#!/usr/bin/env bats
# Normalisers of lib/norm.c, driven through build/t/normcheck.
#
#   check  KIND [OPTIONS...] VALUE EXPECTED   VALUE is accepted as EXPECTED
#   refuse KIND [OPTIONS...] VALUE REASON     VALUE is refused with REASON

load helpers

# The helpers' setup (a database per test) is replaced: these drive a checker.
setup() {
	: "${CRM_BUILD:=$BATS_TEST_DIRNAME/../build}"
	NC="$CRM_BUILD/t/normcheck"
	[ -x "$NC" ] || fail "normcheck is not built: $NC"
	export TZ=UTC
	unset TZDIR
}

check() {
	local expected="${*: -1}"
	run "$NC" "${@:1:$#-1}"
	assert_success
	assert_output "$expected"
}

refuse() {
	local reason="${*: -1}" value="${*: -2:1}"
	run "$NC" "${@:1:$#-1}"
	assert_failure 1
	assert_output "error: '$value' $reason"
}

# ---- times ---------------------------------------------------------------------

@test "time: ISO 8601 forms" {
	check time '2025-03-10' 2025-03-10T00:00:00Z
	check time '2025-03-10 14:05' 2025-03-10T14:05:00Z
	check time '2025-03-10 14:05:06' 2025-03-10T14:05:06Z
	check time '2025-03-10T14:05:06' 2025-03-10T14:05:06Z
	check time '2025-03-10T14:05' 2025-03-10T14:05:00Z
	check time '2025-03-10t14:05:06z' 2025-03-10T14:05:06Z
	check time '2025-3-9' 2025-03-09T00:00:00Z
	check time '  2025-03-10 14:05:06  ' 2025-03-10T14:05:06Z
	check time $'\t2025-03-10\r' 2025-03-10T00:00:00Z
}

@test "time: fractions are dropped, offsets applied" {
	check time '2025-03-10T14:05:06.123' 2025-03-10T14:05:06Z
	check time '2025-03-10T14:05:06,5' 2025-03-10T14:05:06Z
	check time '2025-03-10T14:05:06.999999999Z' 2025-03-10T14:05:06Z
	check time '2025-03-10T14:05:06Z' 2025-03-10T14:05:06Z
	check time '2025-03-10T14:05:06z' 2025-03-10T14:05:06Z
	check time '2025-03-10T14:05:06+09:00' 2025-03-10T05:05:06Z
	check time '2025-03-10T14:05:06+0900' 2025-03-10T05:05:06Z
	check time '2025-03-10T14:05:06+09' 2025-03-10T05:05:06Z
	check time '2025-03-10T04:05:06+09:00' 2025-03-09T19:05:06Z
	check time '2025-03-10 14:05:06 -05:00' 2025-03-10T19:05:06Z
	check time '2025-03-10 14:05:06 -0530' 2025-03-10T19:35:06Z
	check time '2025-03-10 14:05:06 UTC' 2025-03-10T14:05:06Z
	check time '2025-03-10 14:05:06 GMT' 2025-03-10T14:05:06Z
	check time '2025-12-31T23:30:00-01:00' 2026-01-01T00:30:00Z
	check time '2025-01-01T00:30:00+01:00' 2024-12-31T23:30:00Z
	check time --tz Asia/Seoul '2025-03-10T14:05:06Z' 2025-03-10T14:05:06Z
}

@test "time: year-first dotted, slashed and compact forms" {
	check time '2025.03.10' 2025-03-10T00:00:00Z
	check time '2025.3.10' 2025-03-10T00:00:00Z
	check time '2025. 3. 10.' 2025-03-10T00:00:00Z
	check time '2025. 3. 10' 2025-03-10T00:00:00Z
	check time '2025.03.10.' 2025-03-10T00:00:00Z
	check time '2025.03.10 14:05' 2025-03-10T14:05:00Z
	check time '2025/03/10' 2025-03-10T00:00:00Z
	check time '2025/3/10 14:05:06' 2025-03-10T14:05:06Z
	check time '20250310' 2025-03-10T00:00:00Z
	check time '20250310 14:05' 2025-03-10T14:05:00Z
	check time '20250310T14:05:06Z' 2025-03-10T14:05:06Z
}

@test "time: Korean dates and 오전/오후" {
	check time '2025년 3월 10일' 2025-03-10T00:00:00Z
	check time '2025년3월10일' 2025-03-10T00:00:00Z
	check time '2025 년 03 월 10 일' 2025-03-10T00:00:00Z
	check time '2025년 3월 10일 14:05' 2025-03-10T14:05:00Z
	check time '2025년 3월 10일 오후 2:05' 2025-03-10T14:05:00Z
	check time '2025년 3월 10일 오전 9:30:15' 2025-03-10T09:30:15Z
	check time '2025년 3월 10일 오전 12:05' 2025-03-10T00:05:00Z
	check time '2025년 3월 10일 오후 12:05' 2025-03-10T12:05:00Z
	check time '2025. 3. 10. 오후 2:05:06' 2025-03-10T14:05:06Z
	check time '2025-03-10 오후2:05' 2025-03-10T14:05:00Z
	check time '2025-03-10 2:05 오후' 2025-03-10T14:05:00Z
	check time --tz Asia/Seoul '2025년 3월 10일 오전 9:00' 2025-03-10T00:00:00Z
	refuse time '2025년 3월' 'is not a date'
	refuse time '2025년 13월 1일' 'is not a date'
	refuse time '2025년 3월 10일 오후 13:05' 'is not a time of day'
}

@test "time: AM and PM" {
	check time '2025-03-10 2:05 PM' 2025-03-10T14:05:00Z
	check time '2025-03-10 2:05PM' 2025-03-10T14:05:00Z
	check time '2025-03-10 2:05 pm' 2025-03-10T14:05:00Z
	check time '2025-03-10 2:05 p.m.' 2025-03-10T14:05:00Z
	check time '2025-03-10 PM 2:05' 2025-03-10T14:05:00Z
	check time '2025-03-10 12:00 AM' 2025-03-10T00:00:00Z
	check time '2025-03-10 12:00 PM' 2025-03-10T12:00:00Z
	check time '2025-03-10 11:59:59 PM' 2025-03-10T23:59:59Z
	check time '2025-03-10 2:05 PM +09:00' 2025-03-10T05:05:00Z
	refuse time '2025-03-10 13:00 PM' 'is not a time of day'
	refuse time '2025-03-10 0:30 AM' 'is not a time of day'
	refuse time '2025-03-10 PM 2:05 PM' 'is not a time of day'
	refuse time '2025-03-10 2:05 PMX' 'is not a time of day'
}

@test "time: slash dates follow the date order" {
	check time '03/10/2025' 2025-03-10T00:00:00Z
	check time '3/10/2025' 2025-03-10T00:00:00Z
	check time '12/1/2010 8:26' 2010-12-01T08:26:00Z
	check time '12/1/2010 8:26 PM' 2010-12-01T20:26:00Z
	check time --dmy '03/10/2025' 2025-10-03T00:00:00Z
	check time --dmy '12/1/2010 8:26' 2010-01-12T08:26:00Z
	check time --dmy '25/03/2025' 2025-03-25T00:00:00Z
	check time --dmy '31/12/2024 23:59:59' 2024-12-31T23:59:59Z
	refuse time '25/03/2025' 'is not a month/day/year date'
	refuse time --dmy '12/31/2024' 'is not a day/month/year date'
	refuse time '31/31/2024' 'is not a date'
	refuse time '02/30/2024' 'is not a date'
	refuse time --dmy '30/02/2024' 'is not a date'
	refuse time '02/29/2023' 'is not a date'
	check date '02/29/2024' 2024-02-29
	check date --dmy '29/02/2024' 2024-02-29
}

@test "time: two-digit years are refused" {
	refuse time '03/10/25' 'has a two-digit year'
	refuse time '3/1/25 8:26' 'has a two-digit year'
	refuse time --dmy '25/03/25' 'has a two-digit year'
	refuse time '25-03-10' 'has a two-digit year'
	refuse time '25.03.10' 'has a two-digit year'
	refuse time '25. 3. 10.' 'has a two-digit year'
	refuse time '25년 3월 10일' 'has a two-digit year'
	refuse date '10.03.25' 'has a two-digit year'
}

@test "time: leap days and impossible dates" {
	check time '2024-02-29' 2024-02-29T00:00:00Z
	check time '2000-02-29 12:00' 2000-02-29T12:00:00Z
	check time '2024-12-31' 2024-12-31T00:00:00Z
	refuse time '2024-02-30' 'is not a date'
	refuse time '2023-02-29' 'is not a date'
	refuse time '1900-02-29' 'is not a date'
	refuse time '2100-02-29' 'is not a date'
	refuse time '2024-13-01' 'is not a date'
	refuse time '2024-00-10' 'is not a date'
	refuse time '2024-04-31' 'is not a date'
	refuse time '2024-04-00' 'is not a date'
	refuse time '20240230' 'is not a date'
	refuse time '2025.02.30.' 'is not a date'
	refuse time '0999-01-01' 'has a year out of range'
	refuse time '9999-12-31 23:00 -05:00' 'is out of range (the last time crm keeps is 9999-12-31T05:59:59Z, still in year 9999 in every time zone)'
	check time '9999-12-31 05:59:59' 9999-12-31T05:59:59Z
	check time '1000-01-01' 1000-01-01T00:00:00Z
}

@test "time: malformed values" {
	refuse time '' 'is empty'
	refuse time '   ' 'is empty'
	refuse time 'yesterday' 'is not a date'
	refuse time '14:05' 'is not a date'
	refuse time '2:05 PM' 'is not a date'
	refuse time '2025' 'is not a date'
	refuse time '2025-03' 'is not a date'
	refuse time '12025-03-10' 'is not a date'
	refuse time '2025-03-10 foo' 'is not a date'
	refuse time '2025-03-10T' 'is not a date'
	refuse time '2025-03-10Z' 'is not a date'
	refuse time '10.03.2025' 'is not a date'
	refuse time '10-03-2025' 'is not a date'
	refuse time '2025-03-10 24:00' 'is not a time of day'
	refuse time '2025-03-10 23:60' 'is not a time of day'
	refuse time '2025-03-10 23:59:60' 'is not a time of day'
	refuse time '2025-03-10 14:5' 'is not a time of day'
	refuse time '2025-03-10 14' 'is not a time of day'
	refuse time '2025-03-10 140:05' 'is not a time of day'
	refuse time '2025-03-10 14:05:06.' 'is not a time of day'
	refuse time '2025-03-10 14:05 tomorrow' 'is not a time of day'
	refuse time '2025-03-10T14:05:06+25:00' 'has an invalid time-zone offset'
	refuse time '2025-03-10T14:05:06+09:60' 'has an invalid time-zone offset'
	refuse time '2025-03-10T14:05:06+9' 'has an invalid time-zone offset'
	refuse time '2025-03-10T14:05:06+09001' 'has an invalid time-zone offset'
}

@test "time: --tz with fixed offsets" {
	check time --tz UTC '2025-03-10 09:00' 2025-03-10T09:00:00Z
	check time --tz Z '2025-03-10 09:00' 2025-03-10T09:00:00Z
	check time --tz utc '2025-03-10 09:00' 2025-03-10T09:00:00Z
	check time --tz +09:00 '2025-03-10 09:00' 2025-03-10T00:00:00Z
	check time --tz +0900 '2025-03-10 09:00' 2025-03-10T00:00:00Z
	check time --tz -0530 '2025-03-10 09:00' 2025-03-10T14:30:00Z
	check time --tz -05:30 '2025-03-10' 2025-03-10T05:30:00Z
	check time --tz -08 '2024-02-28 20:00' 2024-02-29T04:00:00Z
	check time --tz +09:00 '2024-03-01 02:00' 2024-02-29T17:00:00Z
	check time --tz +14:00 '2025-01-01 05:00' 2024-12-31T15:00:00Z
}

@test "time: --tz Asia/Seoul" {
	check time --tz Asia/Seoul '2025-03-10 09:00' 2025-03-10T00:00:00Z
	check time --tz Asia/Seoul '2025-03-10 09:00:00' 2025-03-10T00:00:00Z
	check time --tz Asia/Seoul '2025-03-10' 2025-03-09T15:00:00Z
	check time --tz Asia/Seoul '2025-01-01 05:00' 2024-12-31T20:00:00Z
	check time --tz Asia/Seoul '2025. 3. 10. 오후 2:05:06' 2025-03-10T05:05:06Z
	check time --tz Asia/Seoul '2025-03-10 09:00+00:00' 2025-03-10T09:00:00Z
	# Korea kept daylight-saving time in 1987 and 1988
	check time --tz Asia/Seoul '1988-07-01 12:00' 1988-07-01T02:00:00Z
}

@test "time: TZ is the default zone; an empty TZ is UTC" {
	TZ=Asia/Seoul check time '2025-03-10 09:00' 2025-03-10T00:00:00Z
	TZ=:Asia/Seoul check time '2025-03-10 09:00' 2025-03-10T00:00:00Z
	TZ=/usr/share/zoneinfo/Asia/Seoul check time '2025-03-10 09:00' 2025-03-10T00:00:00Z
	TZ=+09:00 check time '2025-03-10 09:00' 2025-03-10T00:00:00Z
	TZ=KST-9 check time '2025-03-10 09:00' 2025-03-10T00:00:00Z
	TZ= check time '2025-03-10 09:00' 2025-03-10T09:00:00Z
	TZ=America/New_York check time --tz UTC '2025-03-10 09:00' 2025-03-10T09:00:00Z
	unset TZ
	check time '2025-03-10 09:00' 2025-03-10T09:00:00Z
}

@test "time: daylight-saving time in America/New_York" {
	local NY=(--tz America/New_York)
	check time "${NY[@]}" '2025-01-15 12:00' 2025-01-15T17:00:00Z
	check time "${NY[@]}" '2025-07-04 12:00' 2025-07-04T16:00:00Z
	check time "${NY[@]}" '2025-03-09 01:59:59' 2025-03-09T06:59:59Z
	check time "${NY[@]}" '2025-03-09 03:00' 2025-03-09T07:00:00Z
	check time "${NY[@]}" '2025-11-02 00:59' 2025-11-02T04:59:00Z
	check time "${NY[@]}" '2025-11-02 02:00' 2025-11-02T07:00:00Z
	check time "${NY[@]}" '2025-11-02 01:30 -04:00' 2025-11-02T05:30:00Z
	check time "${NY[@]}" '2025-11-02 01:30 -05:00' 2025-11-02T06:30:00Z
	check time "${NY[@]}" '12/1/2010 8:26' 2010-12-01T13:26:00Z
	check time "${NY[@]}" '6/1/2010 8:26 PM' 2010-06-02T00:26:00Z
	refuse time "${NY[@]}" '2025-03-09 02:30' 'does not exist in the time zone (clocks go forward)'
	refuse time "${NY[@]}" '2025-03-09 02:00' 'does not exist in the time zone (clocks go forward)'
	refuse time "${NY[@]}" '2025-11-02 01:30' 'occurs twice in the time zone (add an offset)'
	refuse time "${NY[@]}" '2025-11-02 01:00' 'occurs twice in the time zone (add an offset)'
}

@test "time: other zones with unusual transitions" {
	check time --tz Europe/London '2025-06-01 12:00' 2025-06-01T11:00:00Z
	check time --tz Europe/London '2025-12-01 12:00' 2025-12-01T12:00:00Z
	check time --tz Asia/Kolkata '2025-03-10 05:30' 2025-03-10T00:00:00Z
	# Lord Howe Island moves its clocks by half an hour
	refuse time --tz Australia/Lord_Howe '2025-10-05 02:15' 'does not exist in the time zone (clocks go forward)'
	check time --tz Australia/Lord_Howe '2025-10-05 02:45' 2025-10-04T15:45:00Z
	refuse time --tz Australia/Lord_Howe '2025-04-06 01:45' 'occurs twice in the time zone (add an offset)'
	# Samoa skipped 30 December 2011
	check time --tz Pacific/Apia '2011-12-29 23:59' 2011-12-30T09:59:00Z
	refuse time --tz Pacific/Apia '2011-12-30 12:00' 'does not exist in the time zone (clocks go forward)'
	check time --tz Pacific/Apia '2011-12-31 00:00' 2011-12-30T10:00:00Z
}

# Zones compiled here (zic) with transitions days apart, which no zone of
# tzdata has between 1970 and 2037: Test/Twice goes +0, +1, +2 and back to
# +1 on three days running; Test/Back goes +0 to +3 and back two days later.
@test "time: zones whose clocks change on days running agree with zoneinfo, half-hour by half-hour" {
	cd "$BATS_TEST_TMPDIR"
	mkdir zi
	cat >zones.zi <<-'ZONES'
	Zone Test/Twice 0 - T0 2026 Mar 1 1:00
			1:00 - T1 2026 Mar 2 1:00
			2:00 - T2 2026 Mar 3 1:00
			1:00 - T3
	Zone Test/Back 0 - B0 2026 Mar 1 12:00
			3:00 - B1 2026 Mar 3 12:00
			0 - B2
	ZONES
	# zic is libc-bin's, in /usr/sbin, which a user's PATH may lack
	"$(command -v zic || echo /usr/sbin/zic)" -d zi zones.zi
	for zone in Test/Twice Test/Back; do
		# each local half-hour from 26 February to 5 March, then its UTC
		# time or why there is none, as zoneinfo says (trying both folds)
		python3 - "zi/$zone" >want.txt <<-'PY'
		import datetime, sys, zoneinfo
		z = zoneinfo.ZoneInfo.from_file(open(sys.argv[1], 'rb'))
		t = datetime.datetime(2026, 2, 26)
		while t < datetime.datetime(2026, 3, 6):
		    v = t.strftime('%Y-%m-%d %H:%M')
		    ok = set()
		    for fold in (0, 1):
		        u = t.replace(tzinfo=z, fold=fold).astimezone(datetime.timezone.utc)
		        if u.astimezone(z).replace(tzinfo=None) == t:
		            ok.add(u.strftime('%Y-%m-%dT%H:%M:%SZ'))
		    print(v)
		    print(ok.pop() if len(ok) == 1 else "error: '%s' %s" % (v,
		          'occurs twice in the time zone (add an offset)' if ok else
		          'does not exist in the time zone (clocks go forward)'))
		    t += datetime.timedelta(minutes=30)
		PY
		[ "$(wc -l <want.txt)" = 768 ]
		grep -q 'does not exist' want.txt
		while read -r v && read -r _; do
			echo "$v"
			TZDIR=$PWD/zi "$NC" time --tz "$zone" "$v" || true
		done <want.txt >got.txt
		diff want.txt got.txt || fail "$zone: crm and zoneinfo differ"
	done
}

@test "time: unknown zones are refused" {
	run "$NC" time --tz Mars/Olympus_Mons '2025-03-10'
	assert_failure 1
	assert_output "error: 'Mars/Olympus_Mons' is not a known time zone"
	refuse tz Mars/Olympus_Mons 'is not a known time zone'
	refuse tz Asia 'is not a known time zone'
	refuse tz ../../../etc/passwd 'is not a known time zone'
	refuse tz /usr/share/zoneinfo/Asia/Seoul 'is not a known time zone'
	refuse tz zone.tab 'is not a known time zone'
	refuse tz +25:00 'is not a known time zone'
	refuse tz UTC+9 'is not a known time zone'
	refuse tz KST-9 'is not a known time zone'
	check tz Asia/Seoul ok
	check tz America/Argentina/Buenos_Aires ok
	check tz Etc/GMT+9 ok
	check tz -03:30 ok
	TZ=Mars/Olympus_Mons refuse tz '' 'is not a known time zone'
}

@test "date: calendar dates without zone conversion" {
	check date '2025-03-10' 2025-03-10
	check date '1990-05-01T23:30:00+09:00' 1990-05-01
	check date '1990. 5. 1.' 1990-05-01
	check date '1990년 5월 1일' 1990-05-01
	check date '5/1/1990' 1990-05-01
	check date --dmy '5/1/1990' 1990-01-05
	check date '19900501' 1990-05-01
	check date '2025/03/10 11:59 PM' 2025-03-10
	TZ=Asia/Seoul check date '2025-03-10 01:00' 2025-03-10
	refuse date '1990-02-30' 'is not a date'
	refuse date '13/13/1990' 'is not a date'
	refuse date '90-05-01' 'has a two-digit year'
	refuse date '2025-03-10 25:00' 'is not a time of day'
	refuse date '' 'is empty'
}

@test "epoch: seconds of a canonical time" {
	check epoch 1970-01-01T00:00:00Z 0
	check epoch 2025-03-10T00:00:00Z 1741564800
	check epoch 1969-12-31T23:59:59Z -1
	check epoch 2038-01-19T03:14:08Z 2147483648
	check epoch 2024-02-29T12:00:00Z 1709208000
	check epoch 'not a time' -9223372036854775808
}

# ---- money ---------------------------------------------------------------------

@test "money: won" {
	check money '12,900원' '12900 KRW'
	check money '12,900 원' '12900 KRW'
	check money '₩12,900' '12900 KRW'
	check money '₩ 12,900' '12900 KRW'
	check money '￦12,900' '12900 KRW'
	check money 'KRW 12900' '12900 KRW'
	check money '12900 KRW' '12900 KRW'
	check money 'krw12900' '12900 KRW'
	check money '1,234,567원' '1234567 KRW'
	check money --currency KRW '12900' '12900 KRW'
	check money --currency KRW '12,900원' '12900 KRW'
	check money --currency KRW '12900.00' '12900 KRW'
	check money --currency krw '12900' '12900 KRW'
	refuse money --currency KRW '12900.5' "is finer than KRW's minor unit"
	refuse money '12.5원' "is finer than KRW's minor unit"
}

@test "money: dollars, euros and pounds" {
	check money '$1,234.50' '123450 USD'
	check money '$5' '500 USD'
	check money 'US$ 5' '500 USD'
	check money 'USD 1,234.50' '123450 USD'
	check money '1234.50 usd' '123450 USD'
	check money --currency USD '1234.5' '123450 USD'
	check money --currency USD '1234' '123400 USD'
	refuse money --currency USD '1.500' 'is ambiguous: the dot may separate thousands or decimals'
	check money --currency USD '0.5' '50 USD'
	check money --currency USD '0' '0 USD'
	check money --currency CAD '$5' '500 CAD'
	check money --currency AUD '$12.30' '1230 AUD'
	check money 'R$ 10,50' '1050 BRL'
	check money --currency BRL 'R$ 1.234,56' '123456 BRL'
	check money '€ 1.234,50' '123450 EUR'
	check money '1.234,50 €' '123450 EUR'
	check money '1 234,50 EUR' '123450 EUR'
	check money $'1\u00a0234,50\u00a0€' '123450 EUR'
	check money $'1\u202f234,50 €' '123450 EUR'
	check money '£3.99' '399 GBP'
	check money '¥1000' '1000 JPY'
	check money '1000円' '1000 JPY'
	check money --currency CNY '¥88.50' '8850 CNY'
	check money "CHF 1'234.50" '123450 CHF'
	check money 'KWD 1.234' '1234 KWD'
	check money --currency BHD '0.005' '5 BHD'
}

@test "money: a single dot before three digits is never guessed" {
	refuse money --currency KRW '1.000' 'is ambiguous: the dot may separate thousands or decimals'
	refuse money --currency EUR '12.900' 'is ambiguous: the dot may separate thousands or decimals'
	check money --currency KWD '1.500' '1500 KWD'
	check money --currency KRW '1.234.567' '1234567 KRW'
	check money --currency USD '0.500' '50 USD'
}

@test "money: thousands and decimal separators" {
	check money --currency USD '1,234' '123400 USD'
	check money --currency USD '1,234,567' '123456700 USD'
	check money --currency USD '1,234,567.89' '123456789 USD'
	check money --currency EUR '1.234.567,89' '123456789 EUR'
	check money --currency EUR '1.234.567' '123456700 EUR'
	check money --currency EUR '3,5' '350 EUR'
	check money --currency EUR '12,90' '1290 EUR'
	check money --currency EUR '1 234 567' '123456700 EUR'
	check money --currency EUR '1 234.5' '123450 EUR'
	check money --currency USD '0012' '1200 USD'
	refuse money --currency USD '1,2345' 'is not an amount'
	refuse money --currency USD '1,23,456' 'is not an amount'
	refuse money --currency USD '0,001' 'is not an amount'
	refuse money --currency USD '1.2.3' 'is not an amount'
	refuse money --currency USD '1,234.56.7' 'is not an amount'
	refuse money --currency USD '1.234,56,7' 'is not an amount'
	refuse money --currency USD '1234,567.00' 'is not an amount'
	refuse money --currency USD '12 34' 'is not an amount'
	refuse money --currency USD "1 234'567" 'is not an amount'
	refuse money --currency USD '1 234.567,5' 'is not an amount'
	refuse money --currency USD '.5' 'is not an amount'
	refuse money --currency USD '5.' 'is not an amount'
	refuse money --currency USD '1e3' 'is not an amount'
}

@test "money: negative amounts" {
	check money --currency USD '-3.00' '-300 USD'
	check money --currency USD '(12.00)' '-1200 USD'
	check money '($12.00)' '-1200 USD'
	check money '( 12,900원 )' '-12900 KRW'
	check money '-$5' '-500 USD'
	check money '$-5' '-500 USD'
	check money '-₩12,900' '-12900 KRW'
	check money --currency USD '+7' '700 USD'
	check money --currency USD '-0' '0 USD'
	refuse money --currency USD '(-5)' 'is not an amount'
	refuse money --currency USD '(5' 'is not an amount'
	refuse money --currency USD '5-' 'is not an amount'
	refuse money --currency USD '--5' 'is not an amount'
	refuse money --currency USD '-$-5' 'is not an amount'
}

@test "money: precision is never lost" {
	refuse money --currency GBP '0.001' "is finer than GBP's minor unit"
	refuse money '£0.001' "is finer than GBP's minor unit"
	refuse money --currency USD '1.005' 'is ambiguous: the dot may separate thousands or decimals'
	refuse money --currency USD '21.005' 'is ambiguous: the dot may separate thousands or decimals'
	refuse money --currency USD '1.0051' "is finer than USD's minor unit"
	refuse money --currency JPY '100.5' "is finer than JPY's minor unit"
	refuse money 'KWD 1.2345' "is finer than KWD's minor unit"
	check money --currency GBP '0.010' '1 GBP'
	refuse money --currency JPY '100.000' 'is ambiguous: the dot may separate thousands or decimals'
}

@test "money: bare digits read by the short path equal the long path's reading" {
	# up to 15 digits are read without taking the amount apart; 16 and more,
	# spaces, signs and marks the long way: the same values at the border
	check money --currency KRW '12900' '12900 KRW'
	check money --currency krw '0' '0 KRW'
	check money --currency USD '007' '700 USD'
	check money --currency KWD '999999999999999' '999999999999999000 KWD'
	refuse money --currency KWD '9999999999999999' 'is too large'
	check money --currency USD '9999999999999999' '999999999999999900 USD'
	check money --currency JPY '9223372036854775807' '9223372036854775807 JPY'
	refuse money --currency JPY '9223372036854775808' 'is too large'
	check money --currency JPY ' 12 ' '12 JPY'
	refuse money '12' 'has no currency (use --currency)'
	refuse money --currency XYZ '12' 'has an unknown currency'
	refuse money --currency KR '12' 'has an unknown currency'
}

@test "money: currencies must be known and agree" {
	refuse money '1234.5' 'has no currency (use --currency)'
	refuse money '12,900' 'has no currency (use --currency)'
	refuse money --currency KRW '$5' 'is not in KRW'
	refuse money --currency USD '12,900원' 'is not in USD'
	refuse money --currency EUR '£3' 'is not in EUR'
	refuse money --currency USD 'EUR 5' 'is not in USD'
	refuse money --currency JPY 'R$ 5' 'is not in JPY'
	refuse money '$5 EUR' 'has two different currencies'
	refuse money '€5 USD' 'has two different currencies'
	check money '$5 CAD' '500 CAD'
	check money 'US$ 5 USD' '500 USD'
	refuse money '12 XYZ' 'has an unknown currency'
	refuse money 'ABC 12' 'has an unknown currency'
	refuse money --currency XYZ '12' 'has an unknown currency'
	refuse money '12 USDX' 'is not an amount'
}

@test "money: overflow and junk" {
	check money --currency KRW '9223372036854775807' '9223372036854775807 KRW'
	check money --currency KRW '-9223372036854775807' '-9223372036854775807 KRW'
	refuse money --currency KRW '9223372036854775808' 'is too large'
	refuse money --currency KRW '99999999999999999999999' 'is too large'
	check money --currency USD '92233720368547758.07' '9223372036854775807 USD'
	refuse money --currency USD '92233720368547758.08' 'is too large'
	refuse money --currency USD '9223372036854775807' 'is too large'
	refuse money --currency USD '' 'is empty'
	refuse money --currency USD '   ' 'is empty'
	refuse money --currency USD 'abc' 'is not an amount'
	refuse money '$' 'is not an amount'
	refuse money --currency USD '12 dollars' 'is not an amount'
	refuse money --currency USD '1/2' 'is not an amount'
}

@test "money: formatting minor units" {
	check format 123450 USD 1234.50
	check format 12900 KRW 12900
	check format 5 USD 0.05
	check format 0 USD 0.00
	check format -5 USD -0.05
	check format -123450 USD -1234.50
	check format -12900 KRW -12900
	check format 1234 KWD 1.234
	check format -9223372036854775808 USD -92233720368547758.08
	check format 9223372036854775807 JPY 9223372036854775807
	refuse format 5 XYZ 'is not a known currency'
}

@test "money: currency exponents" {
	local code
	for code in KRW JPY VND CLP ISK; do check exponent $code 0; done
	for code in USD EUR GBP BRL CNY CAD AUD NZD CHF HKD SGD TWD INR MXN SEK NOK DKK \
		PLN CZK THB PHP IDR MYR ZAR TRY RUB; do
		check exponent $code 2
	done
	for code in KWD BHD OMR JOD TND; do check exponent $code 3; done
	check exponent usd 2
	check exponent XYZ -1
	check exponent US -1
	check exponent USDX -1
}

# ---- numbers -------------------------------------------------------------------

@test "int: whole numbers" {
	check int 42 42
	check int ' 42 ' 42
	check int -7 -7
	check int +3 3
	check int 0 0
	check int 1,234 1234
	check int 1,234,567 1234567
	check int 9223372036854775807 9223372036854775807
	check int -9223372036854775808 -9223372036854775808
	refuse int 9223372036854775808 'is too large'
	refuse int -9223372036854775809 'is too large'
	check int 1.0 1
	check int 3.00 3
	check int 3. 3
	check int -2.0 -2
	check int 1,234.0 1234
	refuse int 3.5 'is not a whole number'
	refuse int 3.05 'is not a whole number'
	refuse int .0 'is not a whole number'
	refuse int 3.0.0 'is not a whole number'
	refuse int 1.5e3 'has an exponent: write the number out in digits'
	refuse int 1.23457E+11 'has an exponent: write the number out in digits'
	refuse int 12,34 'is not a whole number'
	refuse int 1234,567 'is not a whole number'
	refuse int 0,123 'is not a whole number'
	refuse int ,5 'is not a whole number'
	refuse int 1e3 'has an exponent: write the number out in digits'
	refuse int - 'is not a whole number'
	refuse int '4 stars' 'is not a whole number'
	refuse int '' 'is empty'
}

# ---- people --------------------------------------------------------------------

@test "email: trimmed and lower-cased" {
	check email 'someone@example.com' someone@example.com
	check email ' John.Doe@Example.COM ' john.doe@example.com
	check email 'first+tag@mail.example.co.kr' first+tag@mail.example.co.kr
	check email '홍길동@예시.한국' 홍길동@예시.한국
	refuse email 'a@b' 'is not an e-mail address'
	refuse email 'john.example.com' 'is not an e-mail address'
	refuse email 'a@@b.com' 'is not an e-mail address'
	refuse email 'a@b@c.com' 'is not an e-mail address'
	refuse email '@example.com' 'is not an e-mail address'
	refuse email 'john@' 'is not an e-mail address'
	refuse email 'john doe@example.com' 'is not an e-mail address'
	refuse email 'john@.example.com' 'is not an e-mail address'
	refuse email 'john@example.com.' 'is not an e-mail address'
	refuse email 'john@example..com' 'is not an e-mail address'
	refuse email 'John <john@example.com>' 'is not an e-mail address'
	refuse email 'a@b.com,c@d.com' 'is not an e-mail address'
	refuse email '' 'is empty'
}

@test "phone: Korean numbers" {
	check phone --country KR '010-1234-5678' +821012345678
	check phone --country KR '010 1234 5678' +821012345678
	check phone --country KR '010.1234.5678' +821012345678
	check phone --country KR '(010) 1234-5678' +821012345678
	check phone --country kr '01012345678' +821012345678
	check phone --country KR '1012345678' +821012345678
	check phone --country KR '02-123-4567' +8221234567
	check phone --country KR '1588-1234' +8215881234
	check phone --country KR '+82 10-1234-5678' +821012345678
	check phone --country KR '+82 010-1234-5678' +821012345678
	check phone --country US '+82-10-1234-5678' +821012345678
	check phone '+82 10 1234 5678' +821012345678
	refuse phone --country KR '010-1234-56789' 'has too many digits for a phone number'
	refuse phone --country KR '010-123' 'has too few digits for a phone number'
	refuse phone --country KR '82 10 1234 5678' 'has too many digits for a phone number'
	refuse phone '010-1234-5678' 'has no country code (use --default-country)'
	refuse phone --country XX '010-1234-5678' 'has an unknown country'
}

@test "phone: international and other countries" {
	check phone '+1 (415) 555-0100' +14155550100
	check phone --country US '(415) 555-0100' +14155550100
	check phone --country US '415.555.0100' +14155550100
	check phone --country US '1-415-555-0100' +14155550100
	check phone --country CA '604-555-0100' +16045550100
	check phone '0044 20 7946 0958' +442079460958
	check phone '+44 (0)20 7946 0958' +442079460958
	check phone --country GB '020 7946 0958' +442079460958
	check phone --country JP '090-1234-5678' +819012345678
	check phone --country JP '03-1234-5678' +81312345678
	check phone --country DE '030 123456' +4930123456
	check phone --country FR '01 23 45 67 89' +33123456789
	check phone --country BR '(11) 91234-5678' +5511912345678
	check phone --country CN '138 0013 8000' +8613800138000
	check phone --country TW '0912-345-678' +886912345678
	check phone --country VN '091 234 5678' +84912345678
	check phone --country AU '04 1234 5678' +61412345678
	check phone --country IN '098765 43210' +919876543210
	refuse phone --country US '415-555-010' 'has too few digits for a phone number'
	refuse phone --country US '415-555-01000' 'has too many digits for a phone number'
	refuse phone --country US '015-555-0100' 'is not a phone number'
	refuse phone '+123' 'has too few digits for a phone number'
	refuse phone '+1234567890123456' 'has too many digits for a phone number'
	refuse phone '+0 123 456 789' 'is not a phone number'
	# one trunk 0 after the code is dropped; a second made +610333302, which read again is +61333302
	refuse phone '00-61 00 333302' 'is not a phone number'
	refuse phone '+44 (0)020 7946 0958' 'is not a phone number'
	refuse phone '1-800-FLOWERS' 'is not a phone number'
	refuse phone --country KR '010-1234-5678 ext. 5' 'is not a phone number'
	refuse phone --country KR '010+1234' 'is not a phone number'
	refuse phone --country KR '---' 'is not a phone number'
	refuse phone '' 'is empty'
}

@test "phone: calling codes" {
	check calling KR 82
	check calling us 1
	check calling CA 1
	check calling GB 44
	check calling JP 81
	check calling DE 49
	check calling FR 33
	check calling BR 55
	check calling CN 86
	check calling TW 886
	check calling VN 84
	check calling AU 61
	check calling IN 91
	check calling ZZ -1
	check calling KOR -1
}

@test "bool: yes and no in English and Korean" {
	local v
	for v in Y y yes YES Yes true TRUE 1 on ON O o 예 네 동의 수신 ' yes '; do
		check bool "$v" 1
	done
	for v in N n no NO false False 0 off OFF X x 아니오 아니요 미동의 거부; do
		check bool "$v" 0
	done
	refuse bool maybe 'is not yes or no'
	refuse bool 2 'is not yes or no'
	refuse bool yess 'is not yes or no'
	refuse bool 'y es' 'is not yes or no'
	refuse bool '동의함' 'is not yes or no'
	refuse bool '' 'is empty'
}

# ---- text ----------------------------------------------------------------------

@test "utf8: the valid prefix of a file" {
	local f="$BATS_TEST_TMPDIR/t"
	printf 'plain ASCII, 한글, émoji 😀\n' >"$f"
	check utf8 "$f" '33 33'
	printf 'héllo wörld\xff tail' >"$f"
	run "$NC" utf8 "$f"
	assert_failure 1
	assert_output '13 19'
	printf '' >"$f"
	check utf8 "$f" '0 0'
}

@test "utf8: overlongs, surrogates and code points above U+10FFFF" {
	local f="$BATS_TEST_TMPDIR/t" bytes expect
	while read -r bytes expect; do
		printf "$bytes" >"$f"
		run "$NC" utf8 "$f"
		assert_output "$expect"
	done <<-'EOF'
	ab\xc0\xaf 2 4
	ab\xc1\xbf 2 4
	\xe0\x80\xaf 0 3
	\xe0\x9f\xbf 0 3
	\xed\xa0\x80 0 3
	\xed\xbf\xbf 0 3
	\xf0\x80\x80\xaf 0 4
	\xf4\x90\x80\x80 0 4
	\xf5\x80\x80\x80 0 4
	\xff 0 1
	\x80 0 1
	abc\xe2\x82 3 5
	abcdefghijklmnop\xf0\x9f\x98 16 19
	\xed\x9f\xbf 3 3
	\xee\x80\x80 3 3
	\xf4\x8f\xbf\xbf 4 4
	\xf0\x90\x80\x80 4 4
	\xc2\x80 2 2
	abcdefghijklmnopqrstuvwxyz0123456789\xe2\x82\xac 39 39
	EOF
}

@test "trim: ASCII white space" {
	check trim '  a b  ' '[a b]'
	check trim $'\t\r\na\n' '[a]'
	check trim '   ' '[]'
	check trim 'x' '[x]'
}

# ---- cases at the seams of the split normalisers ---------------------------------

@test "time: each date form refuses its own malformed tail" {
	refuse time '2025.3' 'is not a date'
	refuse time '2025. 3. 100.' 'is not a date'
	refuse time '2025년 3월 10' 'is not a date'
	refuse time '12345678' 'is not a date'
	refuse time '20250310X' 'is not a date'
	refuse time '1-2-2025' 'is not a date'
	refuse time '2025/3/10/' 'is not a date'
	check time '2025-03-10  14:05' 2025-03-10T14:05:00Z
	check time '2025-03-10 14:05:06.5 +09:00' 2025-03-10T05:05:06Z
	refuse time '1000-01-01 00:00 +01:00' 'has a year out of range'
}

@test "money: sign, groups, separators and currency at their limits" {
	local g24 g25
	g24=1$(printf ',000%.0s' $(seq 23))
	g25=$g24,000
	refuse money --currency KRW "$g24" 'is too large'
	refuse money --currency KRW "$g25" 'is not an amount'
	refuse money --currency USD '1,5 678' 'is not an amount'
	refuse money --currency USD '0,123,456' 'is not an amount'
	refuse money --currency USD '-(5)' 'is not an amount'
	refuse money --currency USD '(5) USD' 'is not an amount'
	check money --currency USD "1'234'567.5" '123456750 USD'
	check money '12,900 ₩' '12900 KRW'
	check money '₩12,900 KRW' '12900 KRW'
	refuse money --currency USD '₩12,900 KRW' 'is not in USD'
	check money --currency USD '1.5000' '150 USD'
}

@test "phone: international prefixes at their limits" {
	refuse phone '00' 'is not a phone number'
	refuse phone '00 0 123 456 789' 'is not a phone number'
	refuse phone '+1234567890123456789012345' 'has too many digits for a phone number'
	check phone '+82 (0)10 1234 5678' +821012345678
	check phone '+886 0912 345 678' +886912345678
}
