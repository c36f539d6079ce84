#!/usr/bin/env bats
# crm-coupon: codes, issue, redeem, void, expire, list, stats.
load helpers

NOW=2026-11-16T10:00:00Z
# the real time, which a redemption's --now may not overrule (crm-coupon(1))
export CRM_TEST_CLOCK=$NOW
HEADER=code,customer_id,email,name,campaign,discount,min_order,expires_at,valid_until
LIST=code,campaign,customer_id,state,discount,min_order,issued_at,expires_at,redeemed_at,order_id,voided_at,expired_at
STATS=campaign,issued,redeemed,redemption_rate,revenue,currency,expired,voided,backdated
# a grouped code of 8 random characters, with or without a prefix
CODE_RE='([A-HJKMNP-Z2-9]{1,8}-)?[A-HJKMNP-Z2-9]{3}-[A-HJKMNP-Z2-9]{3}-[A-HJKMNP-Z2-9]{3}'

cc() { "$CRM_BUILD/t/couponcheck" "$@"; }

# Three customers in the database: a (March, opted in), b (July, opted
# out), c (no birthday, opted in).
people() {
	csv people.csv customer_id,email,name,birthday,marketing_opt_in \
		a,a@x.kr,Ann,1990-03-05,Y b,b@x.kr,Bob,1985-07-20,N c,c@x.kr,Cy,,Y
	crm-import -q customers people.csv
}

# issue ARGS...: the win-back campaign at $NOW.
issue() {
	crm-coupon --now "$NOW" issue --campaign winback --discount 15% --expires 30d "$@"
}

code_of() { q "SELECT code FROM coupons WHERE customer_id = '$1' ORDER BY issued_at DESC LIMIT 1"; }

# ---- the codes themselves ------------------------------------------------------

@test "codes: 31 characters, none of 0 O 1 I L" {
	run cc alphabet
	assert_success
	assert_output "23456789ABCDEFGHJKMNPQRSTUVWXYZ 31"
}

@test "codes: the check character catches every substitution and transposition at every position" {
	run cc errors
	assert_success
	assert_line "valid codes refused: 0"
	assert_line --regexp '^substitutions: [0-9]{6,}, missed 0$'
	assert_line --regexp '^adjacent transpositions: [0-9]{5,}, missed 0$'
	assert_line --regexp '^all transpositions: [0-9]{6,}, missed 0$'
}

@test "codes: the check character is the weighted sum of crm-coupon(1), by an independent awk" {
	# the worked example of the man page
	run cc seal WB7K3M9QXP
	assert_output WB7K3M9QXP6
	run cc check WB-7K3-M9Q-XP6 'wb 7k3m9q xp6' WB-7K3-M9Q-XQ4
	assert_success
	assert_output "WB7K3M9QXP6
WB7K3M9QXP6
WB7K3M9QXQ4"
	cc make "" 12 300 >codes
	cc make VP 5 300 >>codes
	run awk -v A=23456789ABCDEFGHJKMNPQRSTUVWXYZ '
		{ s = $0; gsub(/-/, "", s); n = length(s); sum = 0
		  for (i = 1; i <= n; i++) sum += (n - i + 1) * (index(A, substr(s, i, 1)) - 1)
		  if (sum % 31) { print "bad " $0; bad++ } }
		END { print NR " codes, " bad + 0 " bad" }' codes
	assert_output "600 codes, 0 bad"
	grep -Eqx '[A-HJKMNP-Z2-9]{3}(-[A-HJKMNP-Z2-9]{3}){3}(-[A-HJKMNP-Z2-9])' <(head -1 codes)
	grep -Eqx 'VP-[A-HJKMNP-Z2-9]{3}-[A-HJKMNP-Z2-9]{3}' <(tail -1 codes)
	# a prefix is made of code characters too
	run cc make VIP 5 1
	assert_failure 1
}

@test "codes: a typed code is mistyped for a look-alike, a wrong length or a wrong check" {
	run cc check WB-7K3-M9Q-XP0 WB-7K3-M9Q-XPO WB-7K3-M9Q-XPI 'WB-7K3_M9Q-XP6' 7K3-M6 WB-7K3-M9Q-X6P \
		WB-7K3-M9Q-XP6-7K3-M9Q-XP6-7K3-M9Q-XP6-2
	assert_failure 1
	assert_output "error: 'WB-7K3-M9Q-XP0' has a character that no code has (none has 0, O, 1, I or L)
error: 'WB-7K3-M9Q-XPO' has a character that no code has (none has 0, O, 1, I or L)
error: 'WB-7K3-M9Q-XPI' has a character that no code has (none has 0, O, 1, I or L)
error: 'WB-7K3_M9Q-XP6' has a character that no code has (none has 0, O, 1, I or L)
error: '7K3-M6' is too short for a code
error: 'WB-7K3-M9Q-X6P' fails its check character
error: 'WB-7K3-M9Q-XP6-7K3-M9Q-XP6-7K3-M9Q-XP6-2' is too long for a code"
}

@test "codes: every character equally likely (no modulo bias)" {
	run cc random 620000
	assert_success
	# chi-square with 30 degrees of freedom: 100 is 9 standard deviations
	# out; a byte taken modulo 31 without rejection scores thousands
	chi2=${output#chi2 }
	[ "${chi2%.*}" -lt 100 ] || fail "chi2 $chi2"
}

@test "codes: the code space table of the man page" {
	run cc capacity
	assert_success
	assert_line --index 0 "5 28"
	assert_line --index 1 "6 887"
	assert_line --index 2 "7 27512"
	assert_line --index 3 "8 852891"
	assert_line --index 4 "9 26439622"
	assert_line --index 5 "10 819628286"
	assert_line --index 8 "13 24417546297445"
	assert_line --index 15 "20 9223372036854775807"
}

# ---- planning an issue, in the library (couponcheck plan) ----------------------------

@test "plan: a customer listed twice, or once by a merged id, collapses to one code; the first listing counts" {
	people
	q "INSERT INTO customer_aliases VALUES ('old-b', 'b', 'email')"
	run cc plan "$CRM_DB" 8 a old-b zed a b
	assert_success
	assert_output "a a@x.kr Ann new
b b@x.kr Bob new
zed - - new
a a@x.kr Ann duplicate
b b@x.kr Bob duplicate
5 customers: 3 new 0 resend 0 spent 0 unselected 2 duplicate"
}

@test "plan: the code space check refuses one code too many for the length, before any is made" {
	run --separate-stderr cc plan "$CRM_DB" 5 $(seq -f 'c%g' 1 28)
	assert_success
	assert_line --index 28 "28 customers: 28 new 0 resend 0 spent 0 unselected 0 duplicate"
	run --separate-stderr cc plan "$CRM_DB" 5 $(seq -f 'c%g' 1 29)
	assert_failure 2
	assert_output ""
	[ "$stderr" = "couponcheck: 29 new codes and 0 live ones do not fit codes of 5 random characters safely (at most 28 live, so that a guess hits one in a million at worst); use --length 6" ] || fail "$stderr"
	# duplicates take no room
	run cc plan "$CRM_DB" 5 $(seq -f 'c%g' 1 28) c1 c2
	assert_success
	[ "$(q 'SELECT count(*) FROM coupons')" -eq 0 ]
}

@test "plan: a customer the database does not know keeps their id and gets a code, but not when opted-in only" {
	people
	run cc plan "$CRM_DB" 8 zed c
	assert_success
	assert_output "zed - - new
c c@x.kr Cy new
2 customers: 2 new 0 resend 0 spent 0 unselected 0 duplicate"
	run cc plan -o "$CRM_DB" 8 zed b c
	assert_success
	assert_output "zed - - unselected
b b@x.kr Bob unselected
c c@x.kr Cy new
3 customers: 1 new 0 resend 0 spent 2 unselected 0 duplicate"
}

@test "plan: an issue whose codes cannot all be written stores none; written, every code is stored" {
	people
	run --separate-stderr cc issue "$CRM_DB" /dev/full a c
	assert_failure 3
	[ "$stderr" = "couponcheck: temporary file: write error: No space left on device" ] || fail "$stderr"
	[ "$(q 'SELECT count(*) FROM coupons')" -eq 0 ]
	run cc issue "$CRM_DB" codes.csv a c
	assert_success
	[ "$(head -1 codes.csv)" = "$HEADER" ]
	[ "$(tail -n +2 codes.csv | cut -d, -f2,3,5,9 | paste -sd' ')" = "a,a@x.kr,unit,2026-12-31 c,c@x.kr,unit,2026-12-31" ]
	[ "$(q 'SELECT count(*) FROM coupons')" -eq 2 ]
}

# ---- --expires and --from/--to, in the library (couponcheck expires, days) ------------

@test "expires: Nd from 0d to 3650d or a date not past, through the last local day; anything else refused" {
	run --separate-stderr cc expires UTC "$NOW" 0d 30d 3650d 2026-11-16 2026-12-31
	assert_success
	assert_output "0d 2026-11-17T00:00:00Z
30d 2026-12-17T00:00:00Z
3650d 2036-11-14T00:00:00Z
2026-11-16 2026-11-17T00:00:00Z
2026-12-31 2027-01-01T00:00:00Z"
	[ "$stderr" = "" ] || fail "$stderr"
	# one refusal each: no weeks, no sign, no overflow, no past, no impossible date
	for bad in 2w -1d 3651d 99999999999999d 999999999999999d d 30 2026-11-15 2026-13-01; do
		run --separate-stderr cc expires UTC "$NOW" "$bad"
		assert_failure 2
		assert_output "$bad refused"
		[ "${stderr_lines[1]}" = "Try 'couponcheck --help' for more information." ] || fail "$stderr"
	done
	run --separate-stderr cc expires UTC "$NOW" 99999999999999d
	[ "${stderr_lines[0]}" = "couponcheck: --expires '99999999999999d': expected from 0d to 3650d" ]
	run --separate-stderr cc expires UTC "$NOW" 999999999999999d
	[ "${stderr_lines[0]}" = "couponcheck: --expires '999999999999999d': expected a number of days such as 30d, or a date YYYY-MM-DD" ]
	run --separate-stderr cc expires UTC "$NOW" 2026-11-15
	[ "${stderr_lines[0]}" = "couponcheck: --expires '2026-11-15' is in the past" ]
}

@test "expires: days are the zone's: today is local, the end is the local midnight, across a change of clocks" {
	# 20:00 UTC is already the 17th in Seoul
	run cc expires Asia/Seoul 2026-11-16T20:00:00Z 0d 1d 2026-11-17
	assert_success
	assert_output "0d 2026-11-17T15:00:00Z
1d 2026-11-18T15:00:00Z
2026-11-17 2026-11-17T15:00:00Z"
	run cc expires Asia/Seoul 2026-11-16T20:00:00Z 2026-11-16
	assert_failure 2
	# New York's clocks go forward at 2:00 on 2027-03-14: that midnight is still UTC-5
	run cc expires America/New_York 2026-11-16T03:00:00Z 0d 2027-03-13 2027-03-14
	assert_success
	assert_output "0d 2026-11-16T05:00:00Z
2027-03-13 2027-03-14T05:00:00Z
2027-03-14 2027-03-15T04:00:00Z"
	# Santiago's go forward at midnight: a day that ends there cannot be the last
	run --separate-stderr cc expires America/Santiago 2026-09-01T12:00:00Z 2026-09-04 2026-09-05
	assert_failure 2
	assert_output "2026-09-04 2026-09-05T04:00:00Z
2026-09-05 refused"
	[ "$stderr" = "couponcheck: 2026-09-06: the local midnight does not exist in the time zone (clocks go forward)" ] || fail "$stderr"
}

@test "days: --from and --to are local days, both included, either open" {
	run cc days Asia/Seoul 2026-11-01 2026-11-30
	assert_success
	assert_output "2026-10-31T15:00:00Z 2026-11-30T15:00:00Z"
	run cc days UTC - 2026-11-30
	assert_output "- 2026-12-01T00:00:00Z"
	run cc days UTC 2026-11-30 -
	assert_output "2026-11-30T00:00:00Z -"
	run cc days UTC 2026-11-30 2026-11-30
	assert_output "2026-11-30T00:00:00Z 2026-12-01T00:00:00Z"
	run --separate-stderr cc days UTC 2026-12-01 2026-11-30
	assert_failure 2
	[ "${stderr_lines[0]}" = "couponcheck: --to 2026-11-30 is before --from 2026-12-01" ]
	run --separate-stderr cc days UTC 2026-02-30 -
	assert_failure 2
	[ "${stderr_lines[0]}" = "couponcheck: --from '2026-02-30' is not a date (YYYY-MM-DD)" ]
	run --separate-stderr cc days UTC - x
	assert_failure 2
	[ "${stderr_lines[0]}" = "couponcheck: --to 'x' is not a date (YYYY-MM-DD)" ]
}

# ---- issue -----------------------------------------------------------------------

@test "issue: one code per customer for a mail merge, stored with its terms" {
	people
	csv in.csv customer_id,email,name a,a@x.kr,Ann b,b@x.kr,Bob
	run --separate-stderr issue --prefix wb < in.csv
	assert_success
	[ "$stderr" = "crm-coupon: issue 'winback': 2 customers, 2 issued, 0 resent, 0 spent, 0 not selected, 0 duplicates, 0 rejected" ] || fail "$stderr"
	assert_line --index 0 "$HEADER"
	assert_line --index 1 --regexp "^WB-$CODE_RE,a,a@x.kr,Ann,winback,15%,,2026-12-17T00:00:00Z,2026-12-16$"
	assert_line --index 2 --regexp "^WB-$CODE_RE,b,b@x.kr,Bob,winback,15%,,2026-12-17T00:00:00Z,2026-12-16$"
	[ "${#lines[@]}" -eq 3 ]
	[ "$(q "SELECT customer_id, campaign, discount, min_order IS NULL, currency IS NULL, issued_at, expires_at, redeemed_at IS NULL FROM coupons ORDER BY customer_id")" = "a|winback|15%|1|1|$NOW|2026-12-17T00:00:00Z|1
b|winback|15%|1|1|$NOW|2026-12-17T00:00:00Z|1" ]
	[ "$(code_of a)" = "${lines[1]%%,*}" ]
	[ "$(code_of b)" = "${lines[2]%%,*}" ]
}

@test "issue: the customers of crm-segment's pipe, with the shop's data" {
	crm-import -q customers "$BATS_TEST_DIRNAME/../data/customers.csv"
	crm-import -q orders "$BATS_TEST_DIRNAME/../data/orders.csv"
	crm-segment --as-of 2026-11-16 --segment 'At Risk' --opted-in >seg.csv
	n=$(($(wc -l <seg.csv) - 1))
	[ "$n" -gt 5 ]
	crm-segment --as-of 2026-11-16 --segment 'At Risk' --opted-in |
		crm-coupon --now "$NOW" issue --campaign winback --discount 15% --expires 30d -q >codes.csv
	[ "$(wc -l <codes.csv)" -eq $((n + 1)) ]
	cut -d, -f1-3 seg.csv | tail -n +2 >want
	cut -d, -f2-4 codes.csv | tail -n +2 | cut -d, -f1-2 >got
	cut -d, -f1-2 want | diff - got
	[ "$(q "SELECT count(DISTINCT customer_id) FROM coupons WHERE campaign = 'winback'")" -eq "$n" ]
	# the same through the dispatcher, for another campaign
	crm segment --as-of 2026-11-16 --segment 'At Risk' --opted-in |
		crm coupon --now "$NOW" issue --campaign again --discount 5% --expires 7d -q >codes2.csv
	[ "$(q "SELECT count(*) FROM coupons WHERE campaign = 'again'")" -eq "$n" ]
}

@test "issue: a customer_id alone takes e-mail and name from the database, merged ids too" {
	people
	q "INSERT INTO customer_aliases VALUES ('old-b', 'b', 'email')"
	csv in.csv 'Customer ID' a old-b zed
	run issue -q in.csv
	assert_success
	assert_line --index 1 --regexp "^$CODE_RE,a,a@x.kr,Ann,winback,"
	assert_line --index 2 --regexp "^$CODE_RE,b,b@x.kr,Bob,winback,"
	# a customer the database does not know still gets a code
	assert_line --index 3 --regexp "^$CODE_RE,zed,,,winback,"
	[ "$(q "SELECT group_concat(customer_id) FROM (SELECT customer_id FROM coupons ORDER BY 1)")" = "a,b,zed" ]
}

@test "issue: amounts in the currency's form, a minimum order, and --tz days" {
	csv in.csv customer_id a
	run crm-coupon --now 2026-11-16T20:00:00Z --tz Asia/Seoul issue -q --campaign w \
		--discount '₩5,000' --min-order 30000 --expires 0d in.csv
	assert_success
	# 05:00 in Seoul on the 17th: valid through the 17th, until its midnight
	assert_line --index 1 --regexp "^$CODE_RE,a,,,w,5000 KRW,30000 KRW,2026-11-17T15:00:00Z,2026-11-17$"
	[ "$(q "SELECT discount, min_order, currency FROM coupons")" = "5000 KRW|30000|KRW" ]
	run crm-coupon --now "$NOW" issue -q --campaign u --currency usd --discount 5 \
		--min-order '$20' --expires 2026-12-31 in.csv
	assert_success
	assert_line --index 1 --regexp "^$CODE_RE,a,,,u,5.00 USD,20.00 USD,2027-01-01T00:00:00Z,2026-12-31$"
	CRM_CURRENCY=KRW run crm-coupon --now "$NOW" issue -q --campaign k --discount 2500 \
		--expires 1d in.csv
	assert_line --index 1 --regexp "^$CODE_RE,a,,,k,2500 KRW,,2026-11-18T00:00:00Z,2026-11-17$"
}

@test "issue: reissuing a campaign resends live codes, leaves out spent ones, and --again makes new" {
	people
	csv in.csv customer_id a b c
	issue -q in.csv >first.csv
	run --separate-stderr --keep-empty-lines issue in.csv
	assert_success
	assert_golden first.csv
	[ "$stderr" = "crm-coupon: issue 'winback': 3 customers, 0 issued, 3 resent, 0 spent, 0 not selected, 0 duplicates, 0 rejected" ] || fail "$stderr"
	[ "$(q 'SELECT count(*) FROM coupons')" -eq 3 ]
	# a redeemed and a voided code are not sent again, nor replaced
	crm-coupon --now "$NOW" redeem "$(code_of a)" --order O1 >/dev/null
	crm-coupon --now "$NOW" void -q "$(code_of b)"
	run --separate-stderr issue in.csv
	assert_output "$HEADER
$(grep ',c,' first.csv)"
	[ "$stderr" = "crm-coupon: issue 'winback': 3 customers, 0 issued, 1 resent, 2 spent, 0 not selected, 0 duplicates, 0 rejected" ] || fail "$stderr"
	# another campaign is another matter
	run crm-coupon --now "$NOW" issue -q --campaign vip --discount 10% --expires 30d in.csv
	[ "${#lines[@]}" -eq 4 ]
	# --again, when asked
	run --separate-stderr issue --again in.csv
	assert_success
	[ "$stderr" = "crm-coupon: issue 'winback': 3 customers, 3 issued, 0 resent, 0 spent, 0 not selected, 0 duplicates, 0 rejected" ] || fail "$stderr"
	[ "$(q "SELECT count(*) FROM coupons WHERE campaign = 'winback'")" -eq 6 ]
	! grep -qF "$(sed -n 4p first.csv | cut -d, -f1)" <<<"$output"
	# of a spent code and a live one, the live one is resent
	run issue -q in.csv
	live() { q "SELECT code FROM coupons WHERE customer_id = '$1' AND campaign = 'winback' AND redeemed_at IS NULL AND voided_at IS NULL"; }
	[ "${lines[1]%%,*}" = "$(live a)" ]
	[ "${lines[2]%%,*}" = "$(live b)" ]
	[ "$(q "SELECT count(*) FROM coupons WHERE campaign = 'winback'")" -eq 6 ]
}

@test "issue: a customer listed twice gets one code" {
	csv in.csv customer_id,name a,Ann b,Bob a,Ann
	run --separate-stderr issue in.csv
	assert_success
	[ "${#lines[@]}" -eq 3 ]
	[ "$stderr" = "crm-coupon: issue 'winback': 3 customers, 2 issued, 0 resent, 0 spent, 0 not selected, 1 duplicates, 0 rejected" ] || fail "$stderr"
	[ "$(q 'SELECT count(*) FROM coupons')" -eq 2 ]
}

@test "issue: --birthday-month from the database's customers, and from a stream" {
	people
	q "UPDATE customers SET birthday = '03-21' WHERE customer_id = 'c'"
	run --separate-stderr crm-coupon --now "$NOW" issue --campaign bday --discount 10% \
		--expires 30d --birthday-month 3 </dev/null
	assert_success
	assert_line --index 1 --regexp "^$CODE_RE,a,a@x.kr,Ann,bday,"
	assert_line --index 2 --regexp "^$CODE_RE,c,c@x.kr,Cy,bday,"
	[ "${#lines[@]}" -eq 3 ]
	run crm-coupon --now "$NOW" issue -q --campaign bday7 --discount 10% --expires 30d \
		--birthday-month 7 </dev/null
	assert_line --index 1 --regexp "^$CODE_RE,b,b@x.kr,Bob,bday7,"
	[ "${#lines[@]}" -eq 2 ]
	# consent: b is not opted in
	run crm-coupon --now "$NOW" issue -q --campaign bday7b --discount 10% --expires 30d \
		--birthday-month 7 --opted-in </dev/null
	assert_output "$HEADER"
	# a stream: its own birthdays in the forms crm-import reads, else the database's
	csv in.csv customer_id,birthday x,1999-03-01 y,'2001. 3. 9.' z,04-02 a, b,03-15 w,
	run --separate-stderr crm-coupon --now "$NOW" issue --campaign s3 --discount 10% \
		--expires 30d --birthday-month 3 in.csv
	assert_success
	[ "$(printf '%s\n' "${lines[@]:1}" | cut -d, -f2 | paste -sd' ')" = "x y a b" ]
	[ "$stderr" = "crm-coupon: issue 's3': 6 customers, 4 issued, 0 resent, 0 spent, 2 not selected, 0 duplicates, 0 rejected" ] || fail "$stderr"
	# --opted-in needs the database's consent
	run crm-coupon --now "$NOW" issue -q --campaign o --discount 10% --expires 30d --opted-in in.csv
	[ "$(printf '%s\n' "${lines[@]:1}" | cut -d, -f2 | paste -sd' ')" = "a" ]
}

@test "issue: names and campaigns that a spreadsheet would run come out neutralised" {
	csv in.csv customer_id,email,name 'a,a@x.kr,=1+1' 'b,b@x.kr,@SUM(A1)' 'c,,"=HYPERLINK(""http://x"",""y"")"' \
		'+1,,-2' '-d,,+cmd|calc'
	run crm-coupon --now "$NOW" issue -q --campaign '=cmd()' --discount 15% --expires 30d in.csv
	assert_success
	assert_line --index 1 --regexp "^$CODE_RE,a,a@x.kr,'=1\+1,'=cmd\(\),15%,"
	assert_line --index 2 --regexp "^$CODE_RE,b,b@x.kr,'@SUM\(A1\),'=cmd\(\),"
	assert_line --index 3 --regexp "^$CODE_RE,c,,\"'=HYPERLINK\(\"\"http://x\"\",\"\"y\"\"\)\",'=cmd\(\),"
	# numbers stay numbers; text starting with - or + does not
	assert_line --index 4 --regexp "^$CODE_RE,\+1,,-2,'=cmd\(\),"
	assert_line --index 5 --regexp "^$CODE_RE,'-d,,'\+cmd\|calc,'=cmd\(\),"
	# stored as given, guarded again wherever they are written
	[ "$(q "SELECT DISTINCT campaign FROM coupons")" = "=cmd()" ]
	run crm-coupon --now "$NOW" list
	assert_line --index 1 --regexp "^$CODE_RE,'=cmd\(\),"
	run crm-coupon --now "$NOW" stats
	assert_line --index 1 "'=cmd(),5,0,0.0,0,,0,0,0"
	code=$(code_of a)
	run crm-coupon --now "$NOW" redeem "$code" --order '=2+2'
	assert_line --index 1 "$code,'=cmd(),a,15%,,'=2+2,$NOW"
}

@test "issue: three thousand codes, all different, all valid, in one transaction" {
	{ echo customer_id; seq -f 'c%04g' 1 3000; } >many.csv
	run --separate-stderr issue -q many.csv
	assert_success
	[ "${#lines[@]}" -eq 3001 ]
	printf '%s\n' "${lines[@]:1}" | cut -d, -f1 >codes
	[ "$(sort -u codes | wc -l)" -eq 3000 ]
	[ "$(tr -d - <codes | sort -u | wc -l)" -eq 3000 ]
	[ "$(xargs "$CRM_BUILD/t/couponcheck" check <codes | wc -l)" -eq 3000 ]
	xargs "$CRM_BUILD/t/couponcheck" check <codes >/dev/null
	[ "$(q "SELECT count(DISTINCT replace(code, '-', '')) FROM coupons")" -eq 3000 ]
	! grep -q '[01OIL]' codes
}

@test "issue: refuses codes that would not fit the code space safely, issuing none" {
	{ echo customer_id; seq -f 'c%g' 1 29; } >c29.csv
	run --separate-stderr issue --length 5 c29.csv
	assert_failure 2
	assert_output ""
	[ "$stderr" = "crm-coupon: 29 new codes and 0 live ones do not fit codes of 5 random characters safely (at most 28 live, so that a guess hits one in a million at worst); use --length 6" ] || fail "$stderr"
	[ "$(q 'SELECT count(*) FROM coupons')" -eq 0 ]
	# 28 fit; then one more does not, whatever the campaign
	head -29 c29.csv >c28.csv
	issue -q --length 5 c28.csv >/dev/null
	csv one.csv customer_id x
	run --separate-stderr crm-coupon --now "$NOW" issue --campaign other --discount 5% --expires 30d --length 5 one.csv
	assert_failure 2
	[ "$stderr" = "crm-coupon: 1 new codes and 28 live ones do not fit codes of 5 random characters safely (at most 28 live, so that a guess hits one in a million at worst); use --length 6" ] || fail "$stderr"
	# codes that are no longer live leave room
	crm-coupon --now "$NOW" void -q --campaign winback
	run crm-coupon --now "$NOW" issue -q --campaign other --discount 5% --expires 30d --length 5 one.csv
	assert_success
	# 900 of 6 characters need 7
	{ echo customer_id; seq -f 'd%g' 1 900; } >c900.csv
	run --separate-stderr issue --campaign big --length 6 c900.csv
	assert_failure 2
	[[ "$stderr" == *"900 new codes and 1 live ones do not fit codes of 6 random characters safely (at most 887 live"*"use --length 7" ]] || fail "$stderr"
}

@test "issue: bad options are refused with their reason, exit 2, nothing issued" {
	csv in.csv customer_id a
	check() {
		run --separate-stderr crm-coupon --now "$NOW" issue "$@" in.csv
		[ "$status" -eq 2 ] || fail "exit $status for $*: $stderr"
		[ -z "$output" ] || fail "stdout for $*: $output"
		echo "${stderr%%$'\n'Try*}"
	}
	base=(--campaign w --expires 30d)
	[ "$(check "${base[@]}" --discount 15.5%)" = "crm-coupon: --discount '15.5%' is not a whole percentage from 1 to 100 (a whole percentage such as 15%, or an amount such as 5000 or \$5.00)" ]
	[ "$(check "${base[@]}" --discount 0%)" = "crm-coupon: --discount '0%' is not a whole percentage from 1 to 100 (a whole percentage such as 15%, or an amount such as 5000 or \$5.00)" ]
	[ "$(check "${base[@]}" --discount 101%)" = "crm-coupon: --discount '101%' is not a whole percentage from 1 to 100 (a whole percentage such as 15%, or an amount such as 5000 or \$5.00)" ]
	[ "$(check "${base[@]}" --discount 5000)" = "crm-coupon: --discount '5000' has no currency (use --currency) (a whole percentage such as 15%, or an amount such as 5000 or \$5.00)" ]
	[ "$(check "${base[@]}" --discount=-5 --currency KRW)" = "crm-coupon: --discount '-5' is not a positive amount (a whole percentage such as 15%, or an amount such as 5000 or \$5.00)" ]
	[ "$(check "${base[@]}" --discount ten)" = "crm-coupon: --discount 'ten' is not an amount (a whole percentage such as 15%, or an amount such as 5000 or \$5.00)" ]
	[ "$(check --campaign w --discount 5% --expires 2026-13-01)" = "crm-coupon: --expires '2026-13-01': expected a number of days such as 30d, or a date YYYY-MM-DD" ]
	[ "$(check --campaign w --discount 5% --expires 30x)" = "crm-coupon: --expires '30x': expected a number of days such as 30d, or a date YYYY-MM-DD" ]
	[ "$(check --campaign w --discount 5% --expires 9999d)" = "crm-coupon: --expires '9999d': expected from 0d to 3650d" ]
	[ "$(check --campaign w --discount 5% --expires 2026-11-15)" = "crm-coupon: --expires '2026-11-15' is in the past" ]
	[ "$(check --campaign w --discount 5% --expires 30d --prefix WELCOME)" = "crm-coupon: --prefix 'WELCOME' has a character that codes do not use (only 2-9 and A-Z but I, L, O)" ]
	[ "$(check --campaign w --discount 5% --expires 30d --prefix ABCDEFGHJ)" = "crm-coupon: --prefix 'ABCDEFGHJ' is longer than 8 characters" ]
	[ "$(check --campaign w --discount 5% --expires 30d --length 4)" = "crm-coupon: --length '4': expected a whole number from 5 to 20" ]
	[ "$(check --campaign w --discount 5% --expires 30d --birthday-month 13)" = "crm-coupon: --birthday-month '13': expected a whole number from 1 to 12" ]
	[ "$(check --campaign w --discount 5% --expires 30d --min-order 0 --currency KRW)" = "crm-coupon: --min-order '0' is not a positive amount" ]
	[ "$(check --campaign w --discount '$5' --expires 30d --min-order '₩1000')" = "crm-coupon: --min-order '₩1000' is not in USD" ]
	[ "$(check --discount 5% --expires 30d)" = "crm-coupon: issue needs --campaign, --discount and --expires" ]
	[ "$(check --campaign '' --discount 5% --expires 30d)" = "crm-coupon: --campaign must not be empty" ]
	[ "$(check "${base[@]}" --discount 5% --currency XYZ)" = "crm-coupon: --currency 'XYZ': not a known ISO 4217 code" ]
	[ "$(check "${base[@]}" --discount 5% --order 1)" = "crm-coupon: unrecognized option '--order'" ]
	[ ! -e "$CRM_DB" ] || [ "$(q 'SELECT count(*) FROM coupons')" -eq 0 ]
	# no customers at all
	run --separate-stderr crm-coupon issue "${base[@]}" --discount 5% </dev/null
	assert_failure 2
	[[ "$stderr" == "crm-coupon: issue reads customers from FILE or standard input, or from the database with --birthday-month"* ]] || fail "$stderr"
}

@test "issue: random numbers that fail, or repeat past the draws, issue nothing and say why" {
	people
	csv in.csv customer_id a b
	preloaded libfailrandom.so
	# the system gives none (ENOSYS); then the same bytes each time: b's
	# code is a's again, drawn 8 times
	for mode in fail same; do
		run --separate-stderr "${PRELOADED[@]}" FAILRANDOM=$mode crm-coupon --now "$NOW" \
			issue --campaign winback --discount 15% --expires 30d <in.csv
		assert_failure 3
		assert_output ""
		if [ $mode = fail ]; then
			want="crm-coupon: no random numbers from the system: Function not implemented"
		else
			want="crm-coupon: $CRM_DB: no free code in 8 draws: codes of 8 characters are running out; use a longer --length"
		fi
		[ "$stderr" = "$want
crm-coupon: no code was issued" ] || fail "$mode: $stderr"
		[ "$(q 'SELECT count(*) FROM coupons')" = 0 ]
	done
}

@test "issue: a stream without customer_id is refused with its file and line, bad rows are reported" {
	csv in.csv email,name a@x.kr,Ann
	run --separate-stderr issue in.csv
	assert_failure 1
	assert_output ""
	[ "$stderr" = "crm-coupon: in.csv:1: missing required column 'customer_id' for customers (found: 'email', 'name'); name it with --map customer_id=HEADER" ] || fail "$stderr"
	run --separate-stderr issue - <in.csv
	[[ "$stderr" == "crm-coupon: stdin:1: missing required column 'customer_id'"* ]] || fail "$stderr"
	# --map names it
	run issue -q --map customer_id=email in.csv
	assert_success
	assert_line --index 1 --regexp "^$CODE_RE,a@x.kr,,Ann,"
	# bad rows: reported, the others issued, exit 1
	export CRM_DB=$BATS_TEST_TMPDIR/two.db
	printf 'customer_id,email,name\na,a@x.kr,Ann\nb,not-mail,Bob\nc,c@x.kr\n,,Nobody\n,d@x.kr,Dee\n' >bad.csv
	run --separate-stderr issue bad.csv
	assert_failure 1
	[ "$stderr" = "crm-coupon: bad.csv:3: column 'email': 'not-mail' is not an e-mail address
crm-coupon: bad.csv:4: expected 3 fields as in the header, found 2
crm-coupon: bad.csv:5: column 'customer_id' is empty
crm-coupon: issue 'winback': 5 customers, 2 issued, 0 resent, 0 spent, 0 not selected, 0 duplicates, 3 rejected" ] || fail "$stderr"
	assert_line --index 1 --regexp "^$CODE_RE,a,a@x.kr,Ann,"
	assert_line --index 2 --regexp "^$CODE_RE,d@x.kr,d@x.kr,Dee,"
	[ "$(q 'SELECT count(*) FROM coupons')" -eq 2 ]
}

@test "issue: codes lost on the way out are sent again by the next run" {
	csv in.csv customer_id a b
	run sh -c "crm-coupon --now $NOW issue -q --campaign w --discount 5% --expires 30d in.csv >/dev/full"
	assert_failure 3
	assert_output --partial "write error"
	[ "$(q 'SELECT count(*) FROM coupons')" -eq 2 ]
	run crm-coupon --now "$NOW" issue -q --campaign w --discount 5% --expires 30d in.csv
	assert_success
	[ "${lines[1]%%,*}" = "$(code_of a)" ]
	[ "${lines[2]%%,*}" = "$(code_of b)" ]
}

@test "issue: TSV in and out with -t" {
	printf 'customer_id\tname\na\tAnn Lee\n' >in.tsv
	run crm-coupon -t --now "$NOW" issue -q --campaign w --discount 5% --expires 30d in.tsv
	assert_success
	assert_line --index 0 "$(tr , '\t' <<<"$HEADER")"
	assert_line --index 1 --regexp "^$CODE_RE"$'\t'"a"$'\t\t'"Ann Lee"$'\t'"w"$'\t'"5%"
}

# ---- redeem ------------------------------------------------------------------------

@test "redeem: once, typed any way, with the coupon as CSV; then already redeemed" {
	csv in.csv customer_id a
	issue -q --prefix wb in.csv >/dev/null
	code=$(code_of a)
	typed=$(tr 'A-Z-' 'a-z ' <<<"$code")
	run --separate-stderr crm-coupon --now 2026-11-20T09:30:00Z redeem "$typed" --order 1001
	assert_success
	assert_output "code,campaign,customer_id,discount,min_order,order_id,redeemed_at
$code,winback,a,15%,,1001,2026-11-20T09:30:00Z"
	[ -z "$stderr" ]
	[ "$(q 'SELECT redeemed_at, order_id FROM coupons')" = "2026-11-20T09:30:00Z|1001" ]
	run --separate-stderr crm-coupon --now "$NOW" redeem --order 1002 "$code"
	assert_failure 5
	assert_output ""
	[ "$stderr" = "crm-coupon: '$code': already redeemed" ] || fail "$stderr"
	[ "$(q 'SELECT redeemed_at, order_id FROM coupons')" = "2026-11-20T09:30:00Z|1001" ]
}

@test "redeem: an unknown code gets the same words however near a real one, a mistyped code its own" {
	csv in.csv customer_id a
	issue -q in.csv >/dev/null
	code=$(code_of a)
	compact=${code//-/}
	# one random character changed, the check character made right again
	other=$(cc seal "${compact:0:2}$( [ "${compact:2:1}" = Z ] && echo Y || echo Z)${compact:3:5}")
	far=$(cc make "" 8 1)
	run --separate-stderr crm-coupon --now "$NOW" redeem "$other" --order 1
	assert_failure 8
	[ "$stderr" = "crm-coupon: '$other': code not valid" ] || fail "$stderr"
	run --separate-stderr crm-coupon --now "$NOW" redeem "$far" --order 1
	assert_failure 8
	[ "$stderr" = "crm-coupon: '$far': code not valid" ] || fail "$stderr"
	# a typing error is caught before any lookup
	typo=${code:0:9}${code:10:1}${code:9:1}
	[ "$typo" != "$code" ] || typo=${code:0:10}$( [ "${code:10:1}" = Z ] && echo Y || echo Z)
	run --separate-stderr crm-coupon --now "$NOW" redeem "$typo" --order 1
	assert_failure 9
	[ "$stderr" = "crm-coupon: '$typo' fails its check character: mistyped, check the code" ] || fail "$stderr"
	run --separate-stderr crm-coupon --now "$NOW" redeem "${code:0:10}0" --order 1
	assert_failure 9
	[ "$stderr" = "crm-coupon: '${code:0:10}0' has a character that no code has (none has 0, O, 1, I or L): mistyped, check the code" ] || fail "$stderr"
	[ "$(q 'SELECT count(*) FROM coupons WHERE redeemed_at IS NOT NULL')" -eq 0 ]
	# mistyped needs no database at all
	run --separate-stderr crm-coupon --db "$BATS_TEST_TMPDIR/none.db" redeem WB-7K3-M9Q-X6P --order 1
	assert_failure 3
}

@test "redeem: an expired code and a voided code each have their own status with --explain" {
	csv in.csv customer_id a b
	crm-coupon --now "$NOW" issue -q --campaign w --discount 5% --expires 0d in.csv >/dev/null
	a=$(code_of a) b=$(code_of b)
	run --separate-stderr crm-coupon --now 2026-11-17T00:00:00Z redeem "$a" --order 1 --explain
	assert_failure 6
	[ "$stderr" = "crm-coupon: '$a': expired" ] || fail "$stderr"
	crm-coupon --now "$NOW" void -q "$b"
	run --separate-stderr crm-coupon --now "$NOW" redeem --explain "$b" --order 2
	assert_failure 7
	[ "$stderr" = "crm-coupon: '$b': voided" ] || fail "$stderr"
	# the last second of the last day still counts
	run crm-coupon --now 2026-11-16T23:59:59Z redeem "$a" --order 3
	assert_success
	[ "$(q 'SELECT group_concat(order_id) FROM coupons WHERE redeemed_at IS NOT NULL')" = 3 ]
}

@test "redeem: a minimum order is checked against the order in the database, else --amount" {
	csv orders.csv order_id,customer_id,ordered_at,amount,currency,status \
		big,a,2026-11-16,30000,KRW,paid small,a,2026-11-16,29999,KRW,paid usd,a,2026-11-16,500.00,USD,paid
	crm-import -q orders orders.csv
	{ echo customer_id; seq -f 'c%g' 1 6; } >in.csv
	issue -q --min-order ₩30,000 in.csv >/dev/null
	run --separate-stderr crm-coupon --now "$NOW" redeem "$(code_of c1)" --order small
	assert_failure 10
	[ "$stderr" = "crm-coupon: '$(code_of c1)': order 'small' of 29999 KRW is below the minimum order of 30000 KRW" ] || fail "$stderr"
	run --separate-stderr crm-coupon --now "$NOW" redeem "$(code_of c1)" --order usd
	assert_failure 10
	[ "$stderr" = "crm-coupon: '$(code_of c1)': order 'usd' is in USD, the minimum order is 30000 KRW" ] || fail "$stderr"
	run crm-coupon --now "$NOW" redeem "$(code_of c1)" --order big
	assert_success
	# an order not imported yet: --amount, in the coupon's currency or its own
	run --separate-stderr crm-coupon --now "$NOW" redeem "$(code_of c2)" --order new1 --amount 25000 --currency KRW
	assert_failure 10
	[ "$stderr" = "crm-coupon: '$(code_of c2)': order 'new1' of 25000 KRW is below the minimum order of 30000 KRW" ] || fail "$stderr"
	run crm-coupon --now "$NOW" redeem "$(code_of c2)" --order new1 --amount '₩30,000'
	assert_success
	# the order in the database wins over --amount
	run crm-coupon --now "$NOW" redeem "$(code_of c3)" --order small --amount 99999 --currency KRW
	assert_failure 10
	# without either, the till is trusted
	run crm-coupon --now "$NOW" redeem "$(code_of c4)" --order new2
	assert_success
	[ "$(q 'SELECT count(*) FROM coupons WHERE redeemed_at IS NOT NULL')" -eq 3 ]
	run crm-coupon --now "$NOW" redeem "$(code_of c5)" --order x --amount ten --currency KRW
	assert_failure 2
}

@test "redeem: of 20 redeemers of one code at once, exactly one wins" {
	csv in.csv customer_id a
	issue -q in.csv >/dev/null
	code=$(code_of a)
	export CRM_BUSY_TIMEOUT=120000
	# all start together: each waits on a shared lock the test holds exclusively
	: >gate
	exec 9>gate
	flock -x 9
	for i in $(seq 1 20); do
		( exec 9>&-; flock -s 8; s=0
		  crm-coupon --now "$NOW" redeem "$code" --order "o$i" >out.$i 2>err.$i || s=$?
		  echo $s >st.$i ) 8<gate 3>&- &
	done
	sleep 1
	flock -u 9
	exec 9>&-
	wait
	[ "$(cat st.* | grep -cx 0)" -eq 1 ] || fail "winners: $(grep -lx 0 st.*)"
	[ "$(cat st.* | grep -cx 5)" -eq 19 ] || fail "statuses: $(cat st.* | sort | uniq -c)"
	winner=$(grep -lx 0 st.*)
	i=${winner#st.}
	[ "$(q 'SELECT count(*) FROM coupons WHERE redeemed_at IS NOT NULL')" -eq 1 ]
	[ "$(q 'SELECT order_id FROM coupons')" = "o$i" ]
	grep -q ",o$i," out.$i
	for f in err.*; do
		[ "$f" = "err.$i" ] && continue
		[ "$(cat "$f")" = "crm-coupon: '$code': already redeemed" ] || fail "$f: $(cat "$f")"
	done
}

@test "redeem: usage errors" {
	run --separate-stderr crm-coupon redeem ABC-DEF
	assert_failure 2
	[[ "$stderr" == "crm-coupon: redeem needs --order ID"* ]] || fail "$stderr"
	run --separate-stderr crm-coupon redeem --order 1
	assert_failure 2
	[[ "$stderr" == "crm-coupon: redeem takes one code, not 0"* ]] || fail "$stderr"
	run --separate-stderr crm-coupon redeem --order 1 A B
	assert_failure 2
	run --separate-stderr crm-coupon redeem --order 1 --campaign x ABC
	assert_failure 2
	[[ "$stderr" == "crm-coupon: unrecognized option '--campaign'"* ]] || fail "$stderr"
	# no database: nothing to redeem
	run --separate-stderr crm-coupon redeem --order 1 "$(cc make "" 8 1)"
	assert_failure 3
	[[ "$stderr" == *"no such database"* ]] || fail "$stderr"
	[ ! -e "$CRM_DB" ]
}

# ---- void, expire ------------------------------------------------------------------

@test "void: codes one by one, refusals reported, the first refusal's status" {
	csv in.csv customer_id a b c d
	issue -q in.csv >/dev/null
	a=$(code_of a) b=$(code_of b) c=$(code_of c)
	crm-coupon --now "$NOW" redeem "$c" --order 1 >/dev/null
	unknown=$(cc make "" 8 1)
	run --separate-stderr crm-coupon --now "$NOW" void "$a" "$c" "$unknown" WB-7K3-M9Q-X6P
	assert_failure 5
	assert_output ""
	[ "$stderr" = "crm-coupon: '$c': already redeemed
crm-coupon: '$unknown': code not valid
crm-coupon: 'WB-7K3-M9Q-X6P' fails its check character: mistyped, check the code
crm-coupon: void: 1 voided, 0 already void, 3 refused" ] || fail "$stderr"
	[ "$(q "SELECT voided_at FROM coupons WHERE code = '$a'")" = "$NOW" ]
	# again: no error
	run --separate-stderr crm-coupon --now "$NOW" void "$a"
	assert_success
	[ "$stderr" = "crm-coupon: void: 0 voided, 1 already void, 0 refused" ] || fail "$stderr"
	run crm-coupon --now "$NOW" void -q "$unknown"
	assert_failure 8
	run crm-coupon --now "$NOW" void -q "${b:0:3}"
	assert_failure 9
	# a whole campaign: the live codes
	run --separate-stderr crm-coupon --now "$NOW" void --campaign winback
	assert_success
	[ "$stderr" = "crm-coupon: void: 2 voided, 0 already void, 0 refused" ] || fail "$stderr"
	[ "$(q 'SELECT count(voided_at), count(redeemed_at) FROM coupons')" = "3|1" ]
	run crm-coupon void
	assert_failure 2
	run crm-coupon --now "$NOW" void --campaign winback "$a"
	assert_failure 2
}

@test "expire: marks the codes past their expiry, once, and they stay expired" {
	csv in.csv customer_id a b c
	crm-coupon --now "$NOW" issue -q --campaign w --discount 5% --expires 0d in.csv >/dev/null
	crm-coupon --now "$NOW" issue -q --campaign v --discount 5% --expires 30d in.csv >/dev/null
	crm-coupon --now "$NOW" redeem "$(q "SELECT code FROM coupons WHERE campaign = 'w' AND customer_id = 'a'")" --order 1 >/dev/null
	run --separate-stderr crm-coupon --now "$NOW" expire
	assert_success
	[ "$stderr" = "crm-coupon: expire: 0 codes expired" ] || fail "$stderr"
	run --separate-stderr crm-coupon --now 2026-11-17T00:00:00Z expire
	[ "$stderr" = "crm-coupon: expire: 2 codes expired" ] || fail "$stderr"
	[ "$(q "SELECT customer_id, expired_at FROM coupons WHERE expired_at IS NOT NULL ORDER BY 1")" = "b|2026-11-17T00:00:00Z
c|2026-11-17T00:00:00Z" ]
	run --separate-stderr crm-coupon --now 2026-11-18T00:00:00Z expire
	[ "$stderr" = "crm-coupon: expire: 0 codes expired" ] || fail "$stderr"
	run crm-coupon --now 2027-01-01 expire -q --campaign v
	assert_success
	assert_output ""
	[ "$(q "SELECT count(*) FROM coupons WHERE expired_at IS NOT NULL")" -eq 5 ]
	# marked expired is final, whatever time a redeemer claims
	b=$(q "SELECT code FROM coupons WHERE campaign = 'w' AND customer_id = 'b'")
	run crm-coupon --now "$NOW" redeem --explain "$b" --order 2
	assert_failure 6
	run crm-coupon --now "$NOW" void "$b"
	assert_failure 6
	run crm-coupon expire extra
	assert_failure 2
}

# ---- list, stats --------------------------------------------------------------------

@test "list: coupons with their state, by campaign, state and customer" {
	csv in.csv customer_id a b c d
	issue -q in.csv >/dev/null
	crm-coupon --now "$NOW" issue -q --campaign short --discount 1000 --currency KRW --min-order 5000 \
		--expires 0d in.csv >/dev/null
	w() { q "SELECT code FROM coupons WHERE campaign = 'winback' AND customer_id = '$1'"; }
	crm-coupon --now 2026-11-17T08:00:00Z redeem "$(w a)" --order o1 >/dev/null
	crm-coupon --now 2026-11-17T09:00:00Z void -q "$(q "SELECT code FROM coupons WHERE campaign = 'winback' AND customer_id = 'b'")"
	L="crm-coupon --now 2026-11-17T10:00:00Z list"
	run $L --campaign winback
	assert_success
	assert_line --index 0 "$LIST"
	[ "${#lines[@]}" -eq 5 ]
	run $L --campaign winback --state redeemed
	assert_output "$LIST
$(q "SELECT code FROM coupons WHERE order_id = 'o1'"),winback,a,redeemed,15%,,$NOW,2026-12-17T00:00:00Z,2026-11-17T08:00:00Z,o1,,"
	run $L --state void
	[ "${#lines[@]}" -eq 2 ]
	assert_line --index 1 --regexp "^$CODE_RE,winback,b,voided,15%,,$NOW,2026-12-17T00:00:00Z,,,2026-11-17T09:00:00Z,$"
	# past its expiry is expired, marked or not
	run $L --state expired
	[ "${#lines[@]}" -eq 5 ]
	assert_line --index 1 --regexp "^$CODE_RE,short,[a-d],expired,1000 KRW,5000 KRW,$NOW,2026-11-17T00:00:00Z,,,,$"
	run $L --state issued
	[ "${#lines[@]}" -eq 3 ]
	run $L --customer c
	[ "$(printf '%s\n' "${lines[@]:1}" | cut -d, -f2,4 | paste -sd' ')" = "short,expired winback,issued" ]
	run crm-coupon list --state used
	assert_failure 2
	run crm-coupon list extra
	assert_failure 2
	run --separate-stderr crm-coupon --db nothere.db list
	assert_failure 3
	[ ! -e nothere.db ]
}

@test "stats: issued, redeemed, rate, revenue of the distinct counting orders, expired, voided" {
	csv orders.csv order_id,customer_id,ordered_at,amount,currency,status \
		o1,a,2026-11-17,30000,KRW,paid o2,b,2026-11-17,20000,KRW,refunded \
		o3,c,2026-11-18,12345,KRW,pending o4,d,2026-11-18,12.50,USD,paid
	crm-import -q orders orders.csv
	{ echo customer_id; seq -f 'c%g' 1 8; } >in.csv
	issue -q in.csv >/dev/null
	crm-coupon --now "$NOW" issue -q --campaign bday --discount 10% --expires 0d in.csv >/dev/null
	c() { q "SELECT code FROM coupons WHERE campaign = '$1' AND customer_id = '$2'"; }
	R="crm-coupon --now 2026-11-16T12:00:00Z redeem -q"
	for x in "winback c1 o1" "winback c2 o1" "winback c3 o2" "winback c4 o3" "winback c5 o9" "bday c1 o3"; do
		set -- $x
		crm-coupon --now 2026-11-16T12:00:00Z redeem "$(c "$1" "$2")" --order "$3" >/dev/null
	done
	crm-coupon --now "$NOW" void -q "$(c winback c6)" "$(c bday c2)"
	run crm-coupon --now 2026-12-01 stats
	assert_success
	# winback: 5 of 8 redeemed; o1 once, o2 refunded, o9 not imported
	assert_output "$STATS
bday,8,1,12.5,12345,KRW,6,1,0
winback,8,5,62.5,42345,KRW,0,1,0"
	run crm-coupon --now 2026-12-01 stats --campaign winback
	assert_output "$STATS
winback,8,5,62.5,42345,KRW,0,1,0"
	# another currency among the redeeming orders
	crm-coupon --now "$NOW" redeem "$(c winback c7)" --order o4 >/dev/null
	run --separate-stderr crm-coupon --now "$NOW" stats
	assert_failure 1
	[ "$stderr" = "crm-coupon: the redeeming orders are in KRW and USD: choose one with --currency" ] || fail "$stderr"
	run crm-coupon --now 2026-12-01 stats --currency usd --campaign winback
	assert_output "$STATS
winback,8,6,75.0,12.50,USD,0,1,0"
	# a range of issue days
	crm-coupon --now 2026-12-05T20:00:00Z issue -q --campaign dec --discount 5% --expires 30d in.csv >/dev/null
	run crm-coupon --now 2026-12-06 stats --currency KRW --from 2026-12-01 --to 2026-12-31
	assert_output "$STATS
dec,8,0,0.0,0,KRW,0,0,0"
	run crm-coupon --now 2026-12-06 stats --currency KRW --to 2026-11-30
	[ "${#lines[@]}" -eq 3 ]
	run crm-coupon --now 2026-12-06 stats --currency KRW --from 2026-11-17
	[ "${#lines[@]}" -eq 2 ]
	# the days are local days: 20:00 UTC on the 5th is the 6th in Seoul
	run crm-coupon --tz Asia/Seoul --now 2026-12-06 stats --currency KRW --from 2026-12-06 --to 2026-12-06
	assert_output "$STATS
dec,8,0,0.0,0,KRW,0,0,0"
	run crm-coupon --tz Asia/Seoul --now 2026-12-06 stats --currency KRW --from 2026-12-05 --to 2026-12-05
	assert_output "$STATS"
	run crm-coupon stats --from 2026-12-31 --to 2026-12-01
	assert_failure 2
	run crm-coupon stats --from 12/01/2026
	assert_failure 2
}

# ---- the command ------------------------------------------------------------------

@test "verbs: common options before or after the verb, errors for a missing or unknown verb" {
	csv in.csv customer_id a
	run crm-coupon --db "$BATS_TEST_TMPDIR/x.db" --now "$NOW" issue -q --campaign w --discount 5% --expires 1d in.csv
	assert_success
	run crm-coupon list --db "$BATS_TEST_TMPDIR/x.db" --now "$NOW" -t
	assert_success
	assert_line --index 1 --regexp "^$CODE_RE"$'\tw\ta\tissued\t5%'
	run --separate-stderr crm-coupon
	assert_failure 2
	[ "$stderr" = "crm-coupon: no verb given (issue, redeem, void, expire, list or stats)
Try 'crm-coupon --help' for more information." ] || fail "$stderr"
	run --separate-stderr crm-coupon lst
	assert_failure 2
	[[ "$stderr" == "crm-coupon: unknown verb 'lst' (issue, redeem, void, expire, list or stats)"* ]] || fail "$stderr"
	run --separate-stderr crm-coupon --now yesterday list
	assert_failure 2
	[[ "$stderr" == "crm-coupon: --now 'yesterday' is not a date"* ]] || fail "$stderr"
	run crm-coupon list --help
	assert_success
	assert_output --partial "usage: crm-coupon"
	run crm --help
	assert_output --partial "coupon"
}
