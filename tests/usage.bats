#!/usr/bin/env bats
# Every command's usage errors in one table, as GNU datamash keeps its own in
# tests/datamash-error-msgs.pl: one place to read how crm refuses a command
# line.  Each row is one test, named by the command line it runs:
#
#   @test "COMMAND ARGS..." { refuses STATUS LINE...; }
#
# The name is split as the shell splits words; the command runs with
# standard input /dev/null (no data) and a database that does not exist,
# must exit STATUS, write nothing on standard output, and exactly the LINEs
# on standard error.  A LINE "TRY" stands for the hint every usage error
# ends with: "Try 'PROG --help' for more information.", PROG being the
# command that the first LINE names.  orders.csv holds a header and one
# good order, for the errors found once a file is opened.
#
# These are the messages as the commands word them today; where two word the
# same mistake differently, the rows show both.
load helpers

refuses() {
	local status=$1 rc=0 line
	local -a cmd want=()
	shift
	eval "cmd=($BATS_TEST_DESCRIPTION)"
	for line in "$@"; do
		[ "$line" = TRY ] && line="Try '${1%%:*} --help' for more information."
		want+=("$line")
	done
	printf '%s\n' "${want[@]}" >want.err
	printf '%s\n' order_id,customer_id,ordered_at,amount,currency 1,a,2026-10-01,500,KRW >orders.csv
	"${cmd[@]}" </dev/null >got.out 2>got.err || rc=$?
	[ "$rc" -eq "$status" ] || fail "exit status $rc, not $status; standard error:"$'\n'"$(cat got.err)"
	[ ! -s got.out ] || fail "standard output is not empty:"$'\n'"$(cat got.out)"
	assert_golden want.err got.err
}

# ---- crm-import ---------------------------------------------------------------------------
@test "crm-import --frobnicate orders" { refuses 2 "crm-import: unrecognized option '--frobnicate'" TRY; }
@test "crm-import -x orders" { refuses 2 "crm-import: invalid option -- 'x'" TRY; }
@test "crm-import --strict=yes orders" { refuses 2 "crm-import: option '--strict' doesn't allow an argument" TRY; }
@test "crm-import orders --db" { refuses 2 "crm-import: option '--db' requires an argument" TRY; }
@test "crm-import orders -d" { refuses 2 "crm-import: option requires an argument -- 'd'" TRY; }
@test "crm-import -d ab orders" { refuses 2 "crm-import: the delimiter must be one character, not 'ab'" TRY; }
@test "crm-import -d \\' orders" { refuses 2 "crm-import: the delimiter cannot be the apostrophe: it guards against spreadsheet formulas" TRY; }
@test "crm-import -d \\\" orders" { refuses 2 "crm-import: the delimiter cannot be the quote" TRY; }
@test "crm-import -d \$'\\r' orders" { refuses 2 "crm-import: the delimiter cannot be a line end" TRY; }
@test "crm-import --encoding nosuch orders" { refuses 2 "crm-import: --encoding 'nosuch': not an encoding iconv knows (try cp949, euc-kr, latin1, cp1252)" TRY; }
@test "crm-import --tz Nowhere/City orders" { refuses 2 "crm-import: --tz 'Nowhere/City' is not a known time zone" TRY; }
@test "crm-import --currency XYZ orders" { refuses 2 "crm-import: --currency 'XYZ': not a known ISO 4217 code" TRY; }
@test "crm-import --currency usdx orders" { refuses 2 "crm-import: --currency 'usdx': not a known ISO 4217 code" TRY; }
@test "crm-import --default-country ZZ orders" { refuses 2 "crm-import: --default-country 'ZZ': not a country crm knows the calling code of" TRY; }
@test "crm-import --date-order ymd orders" { refuses 2 "crm-import: --date-order must be mdy or dmy, not 'ymd'" TRY; }
@test "crm-import --map ordered_at orders orders.csv" { refuses 2 "crm-import: orders.csv:1: --map 'ordered_at': expected canonical=Header" "crm-import: nothing was imported"; }
@test "crm-import --map foo=bar orders orders.csv" { refuses 2 "crm-import: orders.csv:1: --map 'foo=bar': orders has no column 'foo' (see crm-import --columns orders)" "crm-import: nothing was imported"; }
@test "crm-import --map-value status orders" { refuses 2 "crm-import: --map-value 'status': expected COLUMN:FROM=TO" TRY; }
@test "crm-import --map-value status=paid orders" { refuses 2 "crm-import: --map-value 'status=paid': expected COLUMN:FROM=TO" TRY; }
@test "crm-import --map-value status:=paid orders" { refuses 2 "crm-import: --map-value 'status:=paid': has an empty FROM" TRY; }
@test "crm-import --map-value statusstatusstatusstatusstatusstatus:a=paid orders" { refuses 2 "crm-import: --map-value 'statusstatusstatusstatusstatusstatus:a=paid': has a COLUMN longer than any column's name" TRY; }
@test "crm-import --map-value foo:a=b orders orders.csv" { refuses 2 "crm-import: --map-value 'foo:a=b': orders has no column 'foo' (see crm-import --columns orders)" TRY; }
@test "crm-import --map-value status:a=payed orders orders.csv" { refuses 2 "crm-import: --map-value 'status:a=payed': 'payed' is not an order status (paid, cancelled, refunded, pending)" TRY; }
@test "crm-import --map-value status:a=paid --map-value status:A=pending orders" { refuses 2 "crm-import: --map-value 'status:A=pending': 'A' is mapped to 'paid' already" TRY; }
@test "crm-import --columns nosuch" { refuses 2 "crm-import: unknown entity 'nosuch' (one of customers, orders, order_items, tickets, reviews, responses)" TRY; }
@test "crm-import" { refuses 2 "crm-import: no entity given (one of customers, orders, order_items, tickets, reviews, responses)" TRY; }
@test "crm-import nosuch" { refuses 2 "crm-import: unknown entity 'nosuch' (one of customers, orders, order_items, tickets, reviews, responses)" TRY; }

# ---- crm-segment --------------------------------------------------------------------------
@test "crm-segment --frobnicate" { refuses 2 "crm-segment: unrecognized option '--frobnicate'" TRY; }
@test "crm-segment --as-of" { refuses 2 "crm-segment: option '--as-of' requires an argument" TRY; }
@test "crm-segment --as-of 2026-13-01" { refuses 2 "crm-segment: --as-of '2026-13-01' is not a date (YYYY-MM-DD)" TRY; }
@test "crm-segment --currency XYZ" { refuses 2 "crm-segment: --currency 'XYZ': not a known ISO 4217 code" TRY; }
@test "crm-segment --currency usdx" { refuses 2 "crm-segment: --currency 'usdx': not a known ISO 4217 code" TRY; }
@test "crm-segment --scheme foo" { refuses 2 "crm-segment: --scheme must be rfm or lifecycle, not 'foo'" TRY; }
@test "crm-segment --new-days x" { refuses 2 "crm-segment: --new-days 'x': expected a whole number of days from 0 to 1000000" TRY; }
@test "crm-segment --risk-days -1" { refuses 2 "crm-segment: --risk-days '-1': expected a whole number of days from 0 to 1000000" TRY; }
@test "crm-segment --lost-days 1.5" { refuses 2 "crm-segment: --lost-days '1.5': expected a whole number of days from 0 to 1000000" TRY; }
@test "crm-segment --vip-orders 0" { refuses 2 "crm-segment: --vip-orders '0': expected a whole number of orders from 1 to 1000000000" TRY; }
@test "crm-segment --vip-spend abc orders.csv" { refuses 2 "crm-segment: --vip-spend 'abc' is not an amount" TRY; }
@test "crm-segment --vip-spend -5 orders.csv" { refuses 2 "crm-segment: --vip-spend '-5' is negative" TRY; }
@test "crm-segment --bins R=x orders.csv" { refuses 2 "crm-segment: --bins 'R=x': expected four increasing whole numbers, such as R=30,90,180,365" TRY; }
@test "crm-segment --segment nosuch orders.csv" { refuses 2 "crm-segment: --segment 'nosuch': no such segment (one of 'Champions', 'Loyal', 'Potential Loyalists', 'New', 'Promising', 'Need Attention', 'About to Sleep', 'At Risk', 'Can't Lose', 'Hibernating')" TRY; }
@test "crm-segment --diff=x" { refuses 2 "crm-segment: --diff 'x': expected OLD:NEW, two run ids (see --runs)" TRY; }
# --diff's value is optional, so it goes after "="; a separate word is a FILE
@test "crm-segment --diff 1:2" { refuses 2 "crm-segment: --runs and --diff read the database, not a file" TRY; }
@test "crm-segment --date-order x" { refuses 2 "crm-segment: --date-order must be mdy or dmy, not 'x'" TRY; }
@test "crm-segment --map ordered_at orders.csv" { refuses 2 "crm-segment: orders.csv:1: --map 'ordered_at': expected canonical=Header"; }
@test "crm-segment --map foo=bar orders.csv" { refuses 2 "crm-segment: orders.csv:1: --map 'foo=bar': orders has no column 'foo' (see crm-import --columns orders)"; }
@test "crm-segment --map-value status orders.csv" { refuses 2 "crm-segment: --map-value 'status': expected COLUMN:FROM=TO" TRY; }
@test "crm-segment --map-value foo:a=b orders.csv" { refuses 2 "crm-segment: --map-value 'foo:a=b': orders has no column 'foo' (see crm-import --columns orders)" TRY; }
@test "crm-segment -d ab" { refuses 2 "crm-segment: the delimiter must be one character, not 'ab'" TRY; }
@test "crm-segment --encoding nosuch" { refuses 2 "crm-segment: --encoding 'nosuch': not an encoding iconv knows (try cp949, euc-kr, latin1, cp1252)" TRY; }
@test "crm-segment --tz Nowhere/City" { refuses 2 "crm-segment: --tz 'Nowhere/City' is not a known time zone" TRY; }
@test "crm-segment --rules r.txt --scheme rfm" { refuses 2 "crm-segment: --rules and --scheme exclude each other" TRY; }
@test "crm-segment --runs --save" { refuses 2 "crm-segment: --runs goes alone" TRY; }
@test "crm-segment --diff --save" { refuses 2 "crm-segment: --diff compares saved runs; it takes only --list and --segment" TRY; }
@test "crm-segment --list" { refuses 2 "crm-segment: --list goes with --diff" TRY; }
@test "crm-segment a.csv b.csv" { refuses 2 "crm-segment: one orders file at most, not 2" TRY; }
@test "crm-segment --runs orders.csv" { refuses 2 "crm-segment: --runs and --diff read the database, not a file" TRY; }
@test "crm-segment --save orders.csv" { refuses 2 "crm-segment: --save needs the database, not a stream of orders" TRY; }
@test "crm-segment --opted-in orders.csv" { refuses 2 "crm-segment: --opted-in (consent is kept with customers) needs the database, not a stream of orders" TRY; }

# ---- crm-nps ------------------------------------------------------------------------------
@test "crm-nps --frobnicate" { refuses 2 "crm-nps: unrecognized option '--frobnicate'" TRY; }
@test "crm-nps --currency USD" { refuses 2 "crm-nps: unrecognized option '--currency'" TRY; }
@test "crm-nps --by" { refuses 2 "crm-nps: option '--by' requires an argument" TRY; }
@test "crm-nps --by foo" { refuses 2 "crm-nps: --by 'foo': expected month, week, channel, segment, survey, category or sku" TRY; }
@test "crm-nps --by month,month" { refuses 2 "crm-nps: --by month: given twice" TRY; }
@test "crm-nps --by month,week" { refuses 2 "crm-nps: --by month and week: one time grouping at most" TRY; }
@test "crm-nps --scale x" { refuses 2 "crm-nps: --scale must be nps, csat or ces, not 'x'" TRY; }
@test "crm-nps --format x" { refuses 2 "crm-nps: --format must be csv, text or json, not 'x'" TRY; }
@test "crm-nps --date-order x" { refuses 2 "crm-nps: --date-order must be mdy or dmy, not 'x'" TRY; }
@test "crm-nps --from x" { refuses 2 "crm-nps: --from 'x' is not a date (YYYY-MM-DD)" TRY; }
@test "crm-nps --to 2025-02-30" { refuses 2 "crm-nps: --to '2025-02-30' is not a date (YYYY-MM-DD)" TRY; }
@test "crm-nps --from 2025-02-01 --to 2025-01-01" { refuses 2 "crm-nps: --from 2025-02-01 is not before --to 2025-01-01" TRY; }
@test "crm-nps --detractors --by month" { refuses 2 "crm-nps: --detractors lists answers; it takes no --by" TRY; }
@test "crm-nps --detractors --scale csat" { refuses 2 "crm-nps: --detractors are NPS answers from 0 to 6; it takes no --scale" TRY; }
@test "crm-nps --detractors orders.csv" { refuses 2 "crm-nps: --detractors works on the database, not on a FILE of answers" TRY; }
@test "crm-nps --followed-up f.csv --by month" { refuses 2 "crm-nps: --followed-up records calls back; it takes no --by or --scale" TRY; }
@test "crm-nps --source x" { refuses 2 "crm-nps: --source must be responses, tickets or reviews, not 'x'" TRY; }
@test "crm-nps --source tickets --scale nps" { refuses 2 "crm-nps: --source tickets: tickets' CSAT is a 1-5 rating; --scale nps needs 0-10 answers" TRY; }
@test "crm-nps --source reviews --scale ces" { refuses 2 "crm-nps: --source reviews: reviews' rating is 1 to 5 stars; --scale ces needs 1-7 answers" TRY; }
@test "crm-nps --source tickets --by month,sku" { refuses 2 "crm-nps: --by sku: tickets have no sku" TRY; }
@test "crm-nps --source reviews --by category" { refuses 2 "crm-nps: --by category: reviews have no category" TRY; }
@test "crm-nps --by category" { refuses 2 "crm-nps: --by category: responses have no category" TRY; }
@test "crm-nps --source tickets --by survey" { refuses 2 "crm-nps: --by survey: tickets have no survey" TRY; }
@test "crm-nps --source reviews --survey q" { refuses 2 "crm-nps: --survey: reviews have no survey" TRY; }
@test "crm-nps --source tickets --detractors" { refuses 2 "crm-nps: --detractors works on survey answers; it takes no --source" TRY; }
@test "crm-nps --source reviews --followed-up f.csv" { refuses 2 "crm-nps: --followed-up works on survey answers; it takes no --source" TRY; }
@test "crm-nps --source tickets orders.csv" { refuses 2 "crm-nps: --source reads the database, not a FILE of answers" TRY; }
@test "crm-nps --source responses orders.csv" { refuses 2 "crm-nps: --source reads the database, not a FILE of answers" TRY; }
@test "crm-nps a.csv b.csv" { refuses 2 "crm-nps: one file of answers at most, not 2" TRY; }
@test "crm-nps --map score orders.csv" { refuses 2 "crm-nps: orders.csv:1: --map 'score': expected canonical=Header"; }
@test "crm-nps --map foo=bar orders.csv" { refuses 2 "crm-nps: orders.csv:1: --map 'foo=bar': responses has no column 'foo' (see crm-import --columns responses)"; }
@test "crm-nps --map-value score orders.csv" { refuses 2 "crm-nps: --map-value 'score': expected COLUMN:FROM=TO" TRY; }
@test "crm-nps --map-value status:a=b orders.csv" { refuses 2 "crm-nps: --map-value 'status:a=b': responses has no column 'status' (see crm-import --columns responses)" TRY; }
@test "crm-nps -d ab" { refuses 2 "crm-nps: the delimiter must be one character, not 'ab'" TRY; }
@test "crm-nps --encoding nosuch" { refuses 2 "crm-nps: --encoding 'nosuch': not an encoding iconv knows (try cp949, euc-kr, latin1, cp1252)" TRY; }
@test "crm-nps --tz Nowhere/City" { refuses 2 "crm-nps: --tz 'Nowhere/City' is not a known time zone" TRY; }

# ---- crm-coupon: before the verb ----------------------------------------------------------
@test "crm-coupon" { refuses 2 "crm-coupon: no verb given (issue, redeem, void, expire, list or stats)" TRY; }
@test "crm-coupon frob" { refuses 2 "crm-coupon: unknown verb 'frob' (issue, redeem, void, expire, list or stats)" TRY; }
@test "crm-coupon --frobnicate list" { refuses 2 "crm-coupon: unrecognized option '--frobnicate'" TRY; }
@test "crm-coupon -q expire" { refuses 2 "crm-coupon: invalid option -- 'q'" TRY; }
@test "crm-coupon --now" { refuses 2 "crm-coupon: option '--now' requires an argument" TRY; }
@test "crm-coupon --now x list" { refuses 2 "crm-coupon: --now 'x' is not a date" TRY; }
@test "crm-coupon -d ab list" { refuses 2 "crm-coupon: the delimiter must be one character, not 'ab'" TRY; }
@test "crm-coupon --encoding nosuch list" { refuses 2 "crm-coupon: --encoding 'nosuch': not an encoding iconv knows (try cp949, euc-kr, latin1, cp1252)" TRY; }
@test "crm-coupon --tz Nowhere/City list" { refuses 2 "crm-coupon: --tz 'Nowhere/City' is not a known time zone" TRY; }

# ---- crm-coupon issue ---------------------------------------------------------------------
@test "crm-coupon issue --frobnicate" { refuses 2 "crm-coupon: unrecognized option '--frobnicate'" TRY; }
@test "crm-coupon issue --order 5" { refuses 2 "crm-coupon: unrecognized option '--order'" TRY; }
@test "crm-coupon issue --campaign" { refuses 2 "crm-coupon: option '--campaign' requires an argument" TRY; }
@test "crm-coupon issue orders.csv" { refuses 2 "crm-coupon: issue needs --campaign, --discount and --expires" TRY; }
@test "crm-coupon issue --campaign w --discount 10% --expires 30d" { refuses 2 "crm-coupon: issue reads customers from FILE or standard input, or from the database with --birthday-month" TRY; }
@test "crm-coupon issue --campaign w --discount 10% --expires 30d a.csv b.csv" { refuses 2 "crm-coupon: issue reads one customers file at most, not 2" TRY; }
@test "crm-coupon issue --campaign '' --discount 10% --expires 30d orders.csv" { refuses 2 "crm-coupon: --campaign must not be empty" TRY; }
@test "crm-coupon issue --campaign w --discount x --expires 30d orders.csv" { refuses 2 'crm-coupon: --discount '\''x'\'' is not an amount (a whole percentage such as 15%, or an amount such as 5000 or $5.00)' TRY; }
@test "crm-coupon issue --campaign w --discount 10% --expires 30d --min-order x orders.csv" { refuses 2 "crm-coupon: --min-order 'x' is not an amount" TRY; }
@test "crm-coupon issue --campaign w --discount 10% --expires x orders.csv" { refuses 2 "crm-coupon: --expires 'x': expected a number of days such as 30d, or a date YYYY-MM-DD" TRY; }
@test "crm-coupon issue --campaign w --discount 10% --expires 9999d orders.csv" { refuses 2 "crm-coupon: --expires '9999d': expected from 0d to 3650d" TRY; }
@test "crm-coupon issue --campaign w --discount 10% --expires 2000-01-01 orders.csv" { refuses 2 "crm-coupon: --expires '2000-01-01' is in the past" TRY; }
@test "crm-coupon issue --campaign w --discount 10% --expires 30d --prefix 'a b' orders.csv" { refuses 2 "crm-coupon: --prefix 'a b' has a character that codes do not use (only 2-9 and A-Z but I, L, O)" TRY; }
@test "crm-coupon issue --campaign w --discount 10% --expires 30d --length 1 orders.csv" { refuses 2 "crm-coupon: --length '1': expected a whole number from 5 to 20" TRY; }
@test "crm-coupon issue --campaign w --discount 10% --expires 30d --birthday-month 13" { refuses 2 "crm-coupon: --birthday-month '13': expected a whole number from 1 to 12" TRY; }
@test "crm-coupon issue --campaign w --discount 10% --expires 30d --currency XYZ orders.csv" { refuses 2 "crm-coupon: --currency 'XYZ': not a known ISO 4217 code" TRY; }
@test "crm-coupon issue --campaign w --discount 10% --expires 30d --date-order x orders.csv" { refuses 2 "crm-coupon: --date-order must be mdy or dmy, not 'x'" TRY; }
@test "crm-coupon issue --campaign w --discount 10% --expires 30d --map customer_id orders.csv" { refuses 2 "crm-coupon: orders.csv:1: --map 'customer_id': expected canonical=Header"; }
@test "crm-coupon issue --campaign w --discount 10% --expires 30d --map-value customer_id orders.csv" { refuses 2 "crm-coupon: --map-value 'customer_id': expected COLUMN:FROM=TO" TRY; }

# ---- crm-coupon redeem, void, expire ------------------------------------------------------
@test "crm-coupon redeem" { refuses 2 "crm-coupon: redeem takes one code, not 0" TRY; }
@test "crm-coupon redeem A B --order 1" { refuses 2 "crm-coupon: redeem takes one code, not 2" TRY; }
@test "crm-coupon redeem A" { refuses 2 "crm-coupon: redeem needs --order ID" TRY; }
@test "crm-coupon redeem A --order" { refuses 2 "crm-coupon: option '--order' requires an argument" TRY; }
@test "crm-coupon redeem A --order 1 --amount x" { refuses 2 "crm-coupon: --amount 'x' is not an amount" TRY; }
@test "crm-coupon redeem A --order 1 --amount -5" { refuses 2 "crm-coupon: --amount '-5' has no currency (use --currency)" TRY; }
@test "crm-coupon redeem A --order 1 --amount -5 --currency KRW" { refuses 2 "crm-coupon: --amount '-5' is negative" TRY; }
@test "crm-coupon redeem A --order 1 --currency XYZ" { refuses 2 "crm-coupon: --currency 'XYZ': not a known ISO 4217 code" TRY; }
@test "crm-coupon void" { refuses 2 "crm-coupon: void takes codes or --campaign NAME" TRY; }
@test "crm-coupon void A --campaign w" { refuses 2 "crm-coupon: void takes codes or --campaign NAME" TRY; }
@test "crm-coupon void --campaign ''" { refuses 2 "crm-coupon: --campaign must not be empty" TRY; }
@test "crm-coupon expire extra" { refuses 2 "crm-coupon: expire takes no arguments" TRY; }
@test "crm-coupon expire --state issued" { refuses 2 "crm-coupon: unrecognized option '--state'" TRY; }

# ---- crm-coupon list, stats ---------------------------------------------------------------
@test "crm-coupon list --frobnicate" { refuses 2 "crm-coupon: unrecognized option '--frobnicate'" TRY; }
@test "crm-coupon list --order 5" { refuses 2 "crm-coupon: unrecognized option '--order'" TRY; }
@test "crm-coupon list --campaign" { refuses 2 "crm-coupon: option '--campaign' requires an argument" TRY; }
@test "crm-coupon list --campaign ''" { refuses 2 "crm-coupon: --campaign must not be empty" TRY; }
@test "crm-coupon list --state x" { refuses 2 "crm-coupon: --state must be issued, redeemed, voided or expired, not 'x'" TRY; }
@test "crm-coupon list extra" { refuses 2 "crm-coupon: list takes no arguments" TRY; }
@test "crm-coupon stats extra" { refuses 2 "crm-coupon: stats takes no arguments" TRY; }
@test "crm-coupon stats --from x" { refuses 2 "crm-coupon: --from 'x' is not a date (YYYY-MM-DD)" TRY; }
@test "crm-coupon stats --to x" { refuses 2 "crm-coupon: --to 'x' is not a date (YYYY-MM-DD)" TRY; }
@test "crm-coupon stats --from 2025-02-01 --to 2025-01-01" { refuses 2 "crm-coupon: --to 2025-01-01 is before --from 2025-02-01" TRY; }
@test "crm-coupon stats --currency XYZ" { refuses 2 "crm-coupon: --currency 'XYZ': not a known ISO 4217 code" TRY; }

# ---- crm-feedback -------------------------------------------------------------------------
@test "crm-feedback" { refuses 2 "crm-feedback: no verb given (tag, topics, triage or replied)" TRY; }
@test "crm-feedback frob" { refuses 2 "crm-feedback: unknown verb 'frob' (tag, topics, triage or replied)" TRY; }
@test "crm-feedback tag --source blogs" { refuses 2 "crm-feedback: --source 'blogs': expected reviews, responses or tickets" TRY; }
@test "crm-feedback tag --source ," { refuses 2 "crm-feedback: --source ',': expected reviews, responses or tickets" TRY; }
@test "crm-feedback tag --lang fr" { refuses 2 "crm-feedback: --lang must be ko, en or all, not 'fr'" TRY; }
@test "crm-feedback tag --format xml" { refuses 2 "crm-feedback: --format must be csv, text or json, not 'xml'" TRY; }
@test "crm-feedback tag --by month" { refuses 2 "crm-feedback: unrecognized option '--by'" TRY; }
@test "crm-feedback tag reviews.csv" { refuses 2 "crm-feedback: tag: unexpected argument 'reviews.csv': crm-feedback reads the database" TRY; }
@test "crm-feedback tag --period bogus" { refuses 2 "crm-feedback: --period 'bogus': expected last-week, this-week, last-month, this-month, YYYY-MM or YYYY-Www" TRY; }
@test "crm-feedback topics --by color" { refuses 2 "crm-feedback: --by 'color': expected month, week, platform, sku, category or source" TRY; }
@test "crm-feedback topics --by none" { refuses 2 "crm-feedback: --by 'none': expected month, week, platform, sku, category or source" TRY; }
@test "crm-feedback topics --examples 101" { refuses 2 "crm-feedback: --examples '101': expected a whole number from 0 to 100" TRY; }
@test "crm-feedback topics --examples x" { refuses 2 "crm-feedback: --examples 'x': expected a whole number from 0 to 100" TRY; }
@test "crm-feedback topics --list --by month" { refuses 2 "crm-feedback: topics --list prints the dictionary alone" TRY; }
@test "crm-feedback topics --from 2025-01-01" { refuses 2 "crm-feedback: --from and --to go together, without --period" TRY; }
@test "crm-feedback triage --summary x" { refuses 2 "crm-feedback: triage: unexpected argument 'x': crm-feedback reads the database" TRY; }
@test "crm-feedback triage --source reviews" { refuses 2 "crm-feedback: unrecognized option '--source'" TRY; }
@test "crm-feedback triage --as-of 2025-02-30" { refuses 2 "crm-feedback: --as-of '2025-02-30' is not a date (YYYY-MM-DD)" TRY; }
@test "crm-feedback replied" { refuses 2 "crm-feedback: replied: expected one REVIEW_ID, not 0" TRY; }
@test "crm-feedback replied R1 R2" { refuses 2 "crm-feedback: replied: expected one REVIEW_ID, not 2" TRY; }
@test "crm-feedback replied --at 2025-02-30 R1" { refuses 2 "crm-feedback: --at '2025-02-30' is not a date" TRY; }

# ---- crm-service --------------------------------------------------------------------------
@test "crm-service --by frob" { refuses 2 "crm-service: --by 'frob': expected channel, category, priority, agent, team, month or week" TRY; }
@test "crm-service --by agent,agent" { refuses 2 "crm-service: --by agent: given twice" TRY; }
@test "crm-service --hours weekly" { refuses 2 "crm-service: --hours must be business or calendar, not 'weekly'" TRY; }
@test "crm-service --format xml" { refuses 2 "crm-service: --format must be csv, text or json, not 'xml'" TRY; }
@test "crm-service tickets.csv" { refuses 2 "crm-service: unexpected argument 'tickets.csv': crm-service reads the database" TRY; }
@test "crm-service --breaches" { refuses 2 "crm-service: --breaches needs the targets: --sla FILE" TRY; }
@test "crm-service --breaches --backlog --sla x" { refuses 2 "crm-service: --breaches and --backlog are two lists: one at a time" TRY; }
@test "crm-service --backlog --by agent" { refuses 2 "crm-service: --backlog lists tickets; it takes no --by" TRY; }
@test "crm-service --show-schedule --by agent" { refuses 2 "crm-service: --show-schedule prints the schedule alone" TRY; }
@test "crm-service --hours calendar --schedule x" { refuses 2 "crm-service: --schedule with --hours calendar: the schedule would go unused" TRY; }
@test "crm-service --period bogus" { refuses 2 "crm-service: --period 'bogus': expected last-week, this-week, last-month, this-month, YYYY-MM or YYYY-Www" TRY; }
@test "crm-service --from 2025-01-01" { refuses 2 "crm-service: --from and --to go together, without --period" TRY; }
@test "crm-service --as-of 2025-02-30" { refuses 2 "crm-service: --as-of '2025-02-30' is not a date (YYYY-MM-DD)" TRY; }
@test "crm-service --week-start x" { refuses 2 "crm-service: --week-start 'x': expected a day of the week (mon, sun, ...)" TRY; }
@test "crm-report --sla first=4x" { refuses 2 "crm-report: --sla 'first=4x': expected first=DURATION,resolve=DURATION (DURATION like 4h, 30m, 2d)" TRY; }

# ---- crm-report ---------------------------------------------------------------------------
@test "crm-report --frobnicate" { refuses 2 "crm-report: unrecognized option '--frobnicate'" TRY; }
@test "crm-report --period" { refuses 2 "crm-report: option '--period' requires an argument" TRY; }
@test "crm-report --period bogus" { refuses 2 "crm-report: --period 'bogus': expected last-week, this-week, last-month, this-month, YYYY-MM or YYYY-Www" TRY; }
@test "crm-report --period 2025-13" { refuses 2 "crm-report: --period '2025-13': there is no such month" TRY; }
@test "crm-report --period 2025-W60" { refuses 2 "crm-report: --period '2025-W60': there is no such ISO week in that year" TRY; }
@test "crm-report --from x --to y" { refuses 2 "crm-report: --from x --to y: expected a date YYYY-MM-DD" TRY; }
@test "crm-report --from 2025-01-01" { refuses 2 "crm-report: --from and --to go together, without --period" TRY; }
@test "crm-report --period last-week --from 2025-01-01 --to 2025-01-31" { refuses 2 "crm-report: --from and --to go together, without --period" TRY; }
@test "crm-report --from 2025-02-01 --to 2025-01-01" { refuses 2 "crm-report: --from 2025-02-01 --to 2025-01-01: the period ends before it starts" TRY; }
@test "crm-report --week-start x" { refuses 2 "crm-report: --week-start 'x': expected a day of the week (mon, sun, ...)" TRY; }
@test "crm-report --as-of 2025-02-30" { refuses 2 "crm-report: --as-of '2025-02-30' is not a date (YYYY-MM-DD)" TRY; }
@test "crm-report --format x" { refuses 2 "crm-report: --format must be text, markdown, html or json, not 'x'" TRY; }
@test "crm-report --currency XYZ" { refuses 2 "crm-report: --currency 'XYZ': not a known ISO 4217 code" TRY; }
@test "crm-report --sla x" { refuses 3 "crm-report: x: No such file or directory"; }
@test "crm-report --sla first=0h" { refuses 2 "crm-report: --sla 'first=0h': expected first=DURATION,resolve=DURATION (DURATION like 4h, 30m, 2d)" TRY; }
@test "crm-report --lost-days 0" { refuses 2 "crm-report: --lost-days '0': expected a whole number of days from 1 to 100000" TRY; }
@test "crm-report --list -1" { refuses 2 "crm-report: --list '-1': expected a whole number of rows from 0 to 100000" TRY; }
@test "crm-report extra" { refuses 2 "crm-report: unexpected argument 'extra': the report reads the database" TRY; }
@test "crm-report -d ab" { refuses 2 "crm-report: the delimiter must be one character, not 'ab'" TRY; }
@test "crm-report --encoding nosuch" { refuses 2 "crm-report: --encoding 'nosuch': not an encoding iconv knows (try cp949, euc-kr, latin1, cp1252)" TRY; }
@test "crm-report --tz Nowhere/City" { refuses 2 "crm-report: --tz 'Nowhere/City' is not a known time zone" TRY; }

# ---- crm-loyalty --------------------------------------------------------------------------
@test "crm-loyalty" { refuses 2 "crm-loyalty: no verb given (program, earn, redeem, adjust, expire, tiers, balance, expiring, statement, birthday, stats or check)" TRY; }
@test "crm-loyalty frob" { refuses 2 "crm-loyalty: unknown verb 'frob' (program, earn, redeem, adjust, expire, tiers, balance, expiring, statement, birthday, stats or check)" TRY; }
@test "crm-loyalty --as-of 2026-02-30 earn" { refuses 2 "crm-loyalty: --as-of '2026-02-30' is not a date (YYYY-MM-DD)" TRY; }
@test "crm-loyalty balance --format xml" { refuses 2 "crm-loyalty: --format must be csv, text or json, not 'xml'" TRY; }
@test "crm-loyalty earn --frobnicate" { refuses 2 "crm-loyalty: unrecognized option '--frobnicate'" TRY; }
@test "crm-loyalty earn extra" { refuses 2 "crm-loyalty: earn takes no arguments ('extra')" TRY; }
@test "crm-loyalty redeem --points 5" { refuses 2 "crm-loyalty: redeem needs --customer ID (1 to 255 bytes)" TRY; }
@test "crm-loyalty redeem --customer c1" { refuses 2 "crm-loyalty: redeem needs --points N" TRY; }
@test "crm-loyalty redeem --customer c1 --points 0" { refuses 2 "crm-loyalty: --points '0' is not a number of points from 1 to 10^15" TRY; }
@test "crm-loyalty redeem --customer c1 --points -5" { refuses 2 "crm-loyalty: --points '-5' is not a number of points from 1 to 10^15" TRY; }
@test "crm-loyalty redeem --customer c1 --points 1000000000000001" { refuses 2 "crm-loyalty: --points '1000000000000001' is not a number of points from 1 to 10^15" TRY; }
@test "crm-loyalty redeem --customer c1 --points 5 --order ''" { refuses 2 "crm-loyalty: --order must be 1 to 255 bytes" TRY; }
@test "crm-loyalty redeem --customer c1 --points 5 x" { refuses 2 "crm-loyalty: redeem takes no arguments ('x')" TRY; }
@test "crm-loyalty adjust --customer c1 --points +5" { refuses 2 "crm-loyalty: adjust needs --reason TEXT" TRY; }
@test "crm-loyalty adjust --customer c1 --points 5x --reason r" { refuses 2 "crm-loyalty: --points '5x' is not +N or -N points, N from 1 to 10^15" TRY; }
@test "crm-loyalty adjust --customer c1 --points -0 --reason r" { refuses 2 "crm-loyalty: --points '-0' is not +N or -N points, N from 1 to 10^15" TRY; }
@test "crm-loyalty adjust --customer c1 --points +5 --reason ' '" { refuses 2 "crm-loyalty: --reason must hold some text, at most 1000 bytes" TRY; }
@test "crm-loyalty adjust --customer '' --points +5 --reason r" { refuses 2 "crm-loyalty: adjust needs --customer ID (1 to 255 bytes)" TRY; }
@test "crm-loyalty check --format json" { refuses 2 "crm-loyalty: unrecognized option '--format'" TRY; }
@test "crm-loyalty check x" { refuses 2 "crm-loyalty: check takes no arguments ('x')" TRY; }
@test "crm-loyalty birthday" { refuses 2 "crm-loyalty: birthday: --month M is required" TRY; }
@test "crm-loyalty birthday --month 13" { refuses 2 "crm-loyalty: --month '13': expected a whole number from 1 to 12" TRY; }
@test "crm-loyalty birthday --month 0 --grant" { refuses 2 "crm-loyalty: --month '0': expected a whole number from 1 to 12" TRY; }
@test "crm-loyalty tiers --save extra" { refuses 2 "crm-loyalty: tiers takes no arguments ('extra')" TRY; }
@test "crm-loyalty tiers --month 1" { refuses 2 "crm-loyalty: unrecognized option '--month'" TRY; }
@test "crm-loyalty statement" { refuses 2 "crm-loyalty: statement needs --customer ID" TRY; }
@test "crm-loyalty statement --customer ''" { refuses 2 "crm-loyalty: --customer: an id is 1 to 255 bytes" TRY; }
@test "crm-loyalty balance --customer xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" { refuses 2 "crm-loyalty: --customer: an id is 1 to 255 bytes" TRY; }
@test "crm-loyalty balance --tier ''" { refuses 2 "crm-loyalty: --tier: a tier's name is not empty" TRY; }
@test "crm-loyalty balance extra" { refuses 2 "crm-loyalty: balance takes no arguments ('extra')" TRY; }
@test "crm-loyalty expiring" { refuses 2 "crm-loyalty: expiring needs --within Nd" TRY; }
@test "crm-loyalty expiring --within 30" { refuses 2 "crm-loyalty: --within '30': expected Nd, N a whole number of days from 1 to 36500" TRY; }
@test "crm-loyalty expiring --within 0d" { refuses 2 "crm-loyalty: --within '0d': expected Nd, N a whole number of days from 1 to 36500" TRY; }
@test "crm-loyalty expiring --within 36501d" { refuses 2 "crm-loyalty: --within '36501d': expected Nd, N a whole number of days from 1 to 36500" TRY; }
@test "crm-loyalty stats --from 2026-13-01" { refuses 2 "crm-loyalty: --from '2026-13-01' is not a date (YYYY-MM-DD)" TRY; }
@test "crm-loyalty stats --to soon" { refuses 2 "crm-loyalty: --to 'soon' is not a date (YYYY-MM-DD)" TRY; }
@test "crm-loyalty stats --from 2026-05-01 --to 2026-04-30" { refuses 2 "crm-loyalty: --from 2026-05-01 is after --to 2026-04-30" TRY; }
@test "crm-loyalty --as-of 2026-04-30 stats --from 2026-05-01" { refuses 2 "crm-loyalty: --from 2026-05-01 is after the as-of day 2026-04-30" TRY; }
@test "crm-loyalty program --effective 2026-03-01" { refuses 2 "crm-loyalty: --effective needs --program FILE" TRY; }
@test "crm-loyalty program --program p.txt --effective 2026-02-30" { refuses 2 "crm-loyalty: --effective '2026-02-30' is not a date (YYYY-MM-DD)" TRY; }

# ---- crm-recommend ------------------------------------------------------------------------
@test "crm-recommend --top 0" { refuses 2 "crm-recommend: --top '0': expected a whole number from 1 to 1000" TRY; }
@test "crm-recommend --active-days 0" { refuses 2 "crm-recommend: --active-days '0': expected a whole number of days from 1 to 36500" TRY; }
@test "crm-recommend --method frob" { refuses 2 "crm-recommend: --method must be cosine, iuf, bm25, recent or pruned, not 'frob'" TRY; }
@test "crm-recommend --format xml" { refuses 2 "crm-recommend: --format must be csv, text or json, not 'xml'" TRY; }
@test "crm-recommend --as-of 2026-02-30" { refuses 2 "crm-recommend: --as-of '2026-02-30' is not a date (YYYY-MM-DD)" TRY; }
@test "crm-recommend --customer ''" { refuses 2 "crm-recommend: --customer: an id is 1 to 255 bytes" TRY; }
@test "crm-recommend a" { refuses 2 "crm-recommend: unexpected argument 'a' (customers come on standard input or with --customer)" TRY; }
@test "crm-recommend --split 2026-01-01" { refuses 2 "crm-recommend: --split does not go with recommendations" TRY; }
@test "crm-recommend --evaluate" { refuses 2 "crm-recommend: --evaluate needs --split DATE" TRY; }
@test "crm-recommend --evaluate --split 2026-13-01" { refuses 2 "crm-recommend: --split '2026-13-01' is not a date (YYYY-MM-DD)" TRY; }
@test "crm-recommend --as-of 2026-11-30 --evaluate --split 2026-12-01" { refuses 2 "crm-recommend: --split 2026-12-01 is after the as-of day 2026-11-30" TRY; }
@test "crm-recommend --evaluate --split 2026-10-01 --opted-in" { refuses 2 "crm-recommend: --opted-in does not go with --evaluate" TRY; }
@test "crm-recommend --rules --evaluate --split 2026-10-01" { refuses 2 "crm-recommend: --also-bought, --rules, --replenish and --evaluate are modes: give one at most" TRY; }
@test "crm-recommend --evaluate --split 2026-10-01 --map customer_id=id" { refuses 2 "crm-recommend: --map does not go with --evaluate" TRY; }

# ---- crm-recommend --also-bought, --rules, --replenish -----------------------------------
@test "crm-recommend --rules --min-support 2" { refuses 2 "crm-recommend: --min-support '2': expected a number from 0 to 1" TRY; }
@test "crm-recommend --rules --min-support -0.1" { refuses 2 "crm-recommend: --min-support '-0.1': expected a number from 0 to 1" TRY; }
@test "crm-recommend --rules --min-support 1e-3" { refuses 2 "crm-recommend: --min-support '1e-3': expected a number from 0 to 1" TRY; }
@test "crm-recommend --rules --min-support nan" { refuses 2 "crm-recommend: --min-support 'nan': expected a number from 0 to 1" TRY; }
@test "crm-recommend --rules --min-support 0..1" { refuses 2 "crm-recommend: --min-support '0..1': expected a number from 0 to 1" TRY; }
@test "crm-recommend --rules --min-confidence 1.5" { refuses 2 "crm-recommend: --min-confidence '1.5': expected a number from 0 to 1" TRY; }
@test "crm-recommend --rules --min-confidence ''" { refuses 2 "crm-recommend: --min-confidence '': expected a number from 0 to 1" TRY; }
@test "crm-recommend --rules --min-confidence" { refuses 2 "crm-recommend: option '--min-confidence' requires an argument" TRY; }
@test "crm-recommend --rules --customer c1" { refuses 2 "crm-recommend: --customer does not go with --rules" TRY; }
@test "crm-recommend --rules --within 3" { refuses 2 "crm-recommend: --within does not go with --rules" TRY; }
@test "crm-recommend --rules x" { refuses 2 "crm-recommend: unexpected argument 'x' (customers come on standard input or with --customer)" TRY; }
@test "crm-recommend --min-support 0.1" { refuses 2 "crm-recommend: --min-support does not go with recommendations" TRY; }
@test "crm-recommend --also-bought A-1 --min-confidence 0.2" { refuses 2 "crm-recommend: --min-confidence does not go with --also-bought" TRY; }
@test "crm-recommend --also-bought A-1 --opted-in" { refuses 2 "crm-recommend: --opted-in does not go with --also-bought" TRY; }
@test "crm-recommend --also-bought ''" { refuses 2 "crm-recommend: --also-bought: a SKU is 1 to 255 bytes" TRY; }
@test "crm-recommend --also-bought" { refuses 2 "crm-recommend: option '--also-bought' requires an argument" TRY; }
@test "crm-recommend --also-bought A-1 --rules" { refuses 2 "crm-recommend: --also-bought, --rules, --replenish and --evaluate are modes: give one at most" TRY; }
@test "crm-recommend --also-bought A-1 --top 0" { refuses 2 "crm-recommend: --top '0': expected a whole number from 1 to 1000" TRY; }
@test "crm-recommend --replenish --within 2w" { refuses 2 "crm-recommend: --within '2w': expected N or Nd, N a whole number of days from 0 to 36500" TRY; }
@test "crm-recommend --replenish --within 36501" { refuses 2 "crm-recommend: --within '36501': expected N or Nd, N a whole number of days from 0 to 36500" TRY; }
@test "crm-recommend --replenish --within -1d" { refuses 2 "crm-recommend: --within '-1d': expected N or Nd, N a whole number of days from 0 to 36500" TRY; }
@test "crm-recommend --replenish --within d" { refuses 2 "crm-recommend: --within 'd': expected N or Nd, N a whole number of days from 0 to 36500" TRY; }
@test "crm-recommend --within 5" { refuses 2 "crm-recommend: --within does not go with recommendations" TRY; }
@test "crm-recommend --replenish --top 3" { refuses 2 "crm-recommend: --top does not go with --replenish" TRY; }
@test "crm-recommend --replenish --exclude x.txt" { refuses 2 "crm-recommend: --exclude does not go with --replenish" TRY; }
@test "crm-recommend --replenish --min-support 0.1" { refuses 2 "crm-recommend: --min-support does not go with --replenish" TRY; }
@test "crm-recommend --replenish --as-of 2025-02-30" { refuses 2 "crm-recommend: --as-of '2025-02-30' is not a date (YYYY-MM-DD)" TRY; }
@test "crm-recommend --replenish --format xml" { refuses 2 "crm-recommend: --format must be csv, text or json, not 'xml'" TRY; }

# ---- crm ----------------------------------------------------------------------------------
@test "crm" {
	refuses 2 "usage: crm COMMAND [ARGS...]" "       crm --help | --version" "" "commands:" \
		"  import     bring shop exports (customers, orders, ...) into the database" \
		"  nps        NPS, CSAT and CES of survey answers; the detractors to call back" \
		"  segment    RFM scores and segments of customers, and who moved where" \
		"  coupon     single-use coupon codes: issue, redeem, void, expire, list, stats" \
		"  loyalty    loyalty points: earn, redeem, expire, tiers, balances, the ledger checked" \
		"  recommend  what each customer may buy next; also-bought, rules, replenishment" \
		"  service    the help desk in business hours: response times, SLA breaches, backlog" \
		"  feedback   what customers say: topics and their trend, reviews waiting for a reply" \
		"  report     the weekly customer report, for people and for cron" "" \
		"'crm COMMAND --help' or man crm-COMMAND tells more; man 7 crm the conventions."
}
@test "crm frob" { refuses 2 "crm: 'frob' is not a crm command" TRY; }
@test "crm --frobnicate" { refuses 2 "crm: '--frobnicate' is not a crm command" TRY; }
@test "crm import --frobnicate" { refuses 2 "crm-import: unrecognized option '--frobnicate'" TRY; }
@test "crm coupon list --state x" { refuses 2 "crm-coupon: --state must be issued, redeemed, voided or expired, not 'x'" TRY; }
@test "crm-segment --lost-days 2147483647" { refuses 2 "crm-segment: --lost-days '2147483647': expected a whole number of days from 0 to 1000000" TRY; }
@test "crm-report --lost-days 2147483647" { refuses 2 "crm-report: --lost-days '2147483647': expected a whole number of days from 1 to 100000" TRY; }
@test "crm-report --list x" { refuses 2 "crm-report: --list 'x': expected a whole number of rows from 0 to 100000" TRY; }
@test "crm-report --period 9999-W52" { refuses 2 "crm-report: --period '9999-W52': the period does not lie within 0001-01-01..9999-12-31" TRY; }
@test "crm-report --as-of 9999-12-31 --period this-week" { refuses 2 "crm-report: --period 'this-week': the period does not lie within 0001-01-01..9999-12-31" TRY; }
@test "crm-report --as-of 0000-01-01" { refuses 2 "crm-report: --as-of '0000-01-01' is not a date (YYYY-MM-DD)" TRY; }
@test "crm-report --tz +18:30" { refuses 2 "crm-report: --tz '+18:30' is not a known time zone" TRY; }
@test "env TZ=Nowhere/City crm-report" { refuses 2 "crm-report: the TZ environment variable 'Nowhere/City' is not a known time zone" TRY; }
@test "crm-coupon redeem A --order 1 --max-failures" { refuses 2 "crm-coupon: option '--max-failures' requires an argument" TRY; }
@test "crm-coupon redeem A --order 1 --max-failures 0" { refuses 2 "crm-coupon: --max-failures '0': expected N or N/hour, N a whole number from 1 to 1000000" TRY; }
@test "crm-coupon redeem A --order 1 --max-failures 5/day" { refuses 2 "crm-coupon: --max-failures '5/day': expected N or N/hour, N a whole number from 1 to 1000000" TRY; }
@test "crm-coupon redeem A --order 1 --max-failures /hour" { refuses 2 "crm-coupon: --max-failures '/hour': expected N or N/hour, N a whole number from 1 to 1000000" TRY; }
@test "crm-coupon redeem A --order 1 --backdate=yes" { refuses 2 "crm-coupon: option '--backdate' doesn't allow an argument" TRY; }
@test "crm-coupon redeem A --order 1 --failures" { refuses 2 "crm-coupon: unrecognized option '--failures'" TRY; }
@test "crm-coupon stats --explain" { refuses 2 "crm-coupon: unrecognized option '--explain'" TRY; }
@test "crm-coupon list --backdate" { refuses 2 "crm-coupon: unrecognized option '--backdate'" TRY; }
@test "env CRM_TEST_CLOCK=soon crm-coupon list" { refuses 2 "crm-coupon: CRM_TEST_CLOCK 'soon' is not a date" TRY; }

# ---- crm-synth (bench/crm-synth.c: the synthetic shop of the benchmarks and tests) ------------
@test "crm-synth --products 10 orders" { refuses 2 "crm-synth: --products wants an integer from 200 to 100000, not: '10'" TRY; }
@test "crm-synth --products 100001 orders" { refuses 2 "crm-synth: --products wants an integer from 200 to 100000, not: '100001'" TRY; }
@test "crm-synth --products" { refuses 2 "crm-synth: option needs a value: '--products'" TRY; }
@test "crm-synth taste_products" { refuses 2 "crm-synth: this entity lists the planted tastes: it needs --tastes: 'taste_products'" TRY; }
@test "crm-synth --products 300 taste_customers" { refuses 2 "crm-synth: this entity lists the planted tastes: it needs --tastes: 'taste_customers'" TRY; }
