#!/usr/bin/env bats
# The topic matcher (lib/topics.c), driven through build/t/topicscheck.
#
#   tags TEXT WANT         the built-in dictionaries (@all) tag TEXT as WANT:
#                          topics in the dictionary's order, '-' after a
#                          negated one, a tab, the sentiment
#   keys DICT TEXT WANT    the same with -k (TOPIC:KEYWORD@BYTE-OFFSET) and DICT
#   refuse LINE COL PROBLEM  a dictionary file (the lines in $DICT) is refused:
#                          "FILE:LINE: column COL: PROBLEM", status 2

load helpers

setup() {
	: "${CRM_BUILD:=$BATS_TEST_DIRNAME/../build}"
	TC="$CRM_BUILD/t/topicscheck"
	[ -x "$TC" ] || fail "topicscheck is not built: $TC"
	VG=()
	[ "${CRM_VALGRIND:-}" != 1 ] || VG=(valgrind -q --error-exitcode=99 --leak-check=full
		--errors-for-leak-kinds=definite --suppressions="$BATS_TEST_DIRNAME/valgrind.supp")
	F="$BATS_TEST_TMPDIR/dict.topics"
	export TZ=UTC LC_ALL=C.UTF-8
}

tc() {
	"${VG[@]}" "$TC" "$@"
}

tags() {
	run tc tag @all <<<"$1"
	assert_success
	assert_output "$2"
}

keys() {
	run tc tag -k "$1" <<<"$2"
	assert_success
	assert_output "$3"
}

dict() {
	printf '%s\n' "$@" >"$F"
}

refuse() {
	run tc list "$F"
	assert_failure 2
	assert_output "$F:$1: column $2: $3"
}

T=$'\t'

# ---- Korean: particles and endings glued to a stem ------------------------------------
@test "배송이 / 배송은 / 배송도 / 배송되었어요 all hit 배송" {
	dict "delivery: 배송"
	for s in 배송이 배송은 배송도 배송되었어요; do
		keys "$F" "$s 그래요" "delivery:배송@0${T}neutral"
	done
}
@test "spacing: 배송 빨라요 and 배송빨라요 both hit 배송빠르 and 배송 빨라" {
	dict "fast: 배송빨라" "slow: 배송 느려"
	keys "$F" "배송 빨라요" "fast:배송빨라@0${T}positive"
	keys "$F" "배송빨라요" "fast:배송빨라@0${T}positive"
	keys "$F" "배송느려요" "slow:배송 느려@0${T}negative"
}
@test "jamo laughter and emoticons never match and never break a match" {
	dict "fast: 배송빨라"
	keys "$F" "배송ㅋㅋ빨라요" "fast:배송빨라@0${T}positive"
	keys "$F" "배송 ^^ 빨라요 :)" "fast:배송빨라@0${T}positive"
	keys "$F" "배송ㅠㅠ 빨라요" "fast:배송빨라@0${T}positive"
}
@test "a clause break stops a match: 배송. 빨라요 is no 배송빨라" {
	dict "fast: 배송빨라"
	keys "$F" "배송. 빨라요" "${T}positive"
}
@test "the byte offset of the first mention: 너무좋아요 is 5 syllables of 3 bytes: 15" {
	dict "smell: 향"
	keys "$F" "너무좋아요향이" "smell:향@15${T}positive"
}

@test "a long text of many mentions: its own buffers past 1 KiB, the last mention found at its byte" {
	dict "fast: 배송빨라" "smell: 향"
	# 150 x "그래요 " (10 bytes), 100 x "배송빨라요 " (16 bytes), then 향:
	# 1,500 bytes before the first mention, 3,100 before the last
	local text
	text="$(printf '그래요 %.0s' $(seq 150))$(printf '배송빨라요 %.0s' $(seq 100))향이 좋아요"
	keys "$F" "$text" "fast:배송빨라@1500 smell:향@3100${T}positive"
}

# ---- whole words and exclusions ---------------------------------------------------------
@test "=keyword only where a word starts: =향 hits 향이, not 방향" {
	dict "smell: =향"
	keys "$F" "향이 좋아요" "smell:향@0${T}positive"
	keys "$F" "방향이 이상해요" "${T}negative"
	keys "$F" "좋은,향" "smell:향@7${T}positive"      # 좋은 6 bytes, the comma 1
}
@test "!exclusion: 방향 and 영향 are no mention of 향, 향이 still is" {
	dict "smell: 향, !방향, !영향"
	keys "$F" "방향이 이상해요" "${T}negative"
	keys "$F" "영향 없어요" "${T}neutral"
	# 방향은 9 bytes, a space, 몰라도 9, a space: 20
	keys "$F" "방향은 몰라도 향이 좋아요" "smell:향@20${T}positive"
}
@test "an exclusion is per topic: another topic's keyword inside it still counts" {
	dict "smell: 향, !방향" "way: 방향"
	keys "$F" "방향" "way:방향@0${T}neutral"
}
@test "the built-in dictionary: 방향, 영향, 취향 are not smell; 향수 is" {
	tags "방향을 잘 모르겠어요" "${T}neutral"
	tags "취향저격이에요" "${T}neutral"
	tags "향수 냄새 같아요" "smell${T}neutral"
}

# ---- English --------------------------------------------------------------------------
@test "English stems: deliveries, delivered, delivery hit deliver" {
	dict "delivery: deliver"
	for w in deliveries delivered delivery Delivering DELIVERS; do
		keys "$F" "$w" "delivery:deliver@0${T}neutral"
	done
}
@test "English keywords match whole words: deliver is not in undeliverable, ship not in shipshape" {
	dict "delivery: deliver, ship"
	keys "$F" "undeliverable" "${T}neutral"
	keys "$F" "shipshape" "${T}neutral"
	keys "$F" "shipped" "delivery:ship@0${T}neutral"
}
@test "English phrases stem each word: came quick hits 'It came quickly'" {
	dict "delivery: came quick"
	keys "$F" "It came quickly" "delivery:came quick@3${T}positive"
}

# ---- negation -------------------------------------------------------------------------
@test "Korean negation after the keyword: 배송 안 와요, 배송안와요, 빠르지 않아요, 향 없어요" {
	tags "배송 안 와요" "delivery-${T}negative"
	tags "배송이 안와요" "delivery-${T}negative"
	tags "배송이 빠르지 않아요" "delivery-${T}negative"
	tags "향 없어요" "smell-${T}neutral"
	tags "배송 못 받았어요" "delivery-${T}neutral"
}
@test "Korean negation before the keyword: 안 / 못 as the word before" {
	dict "fast: 빨라, 빠르"
	keys "$F" "배송이 안 빨라요" "fast-:빨라@14${T}negative"    # 9 + 1 + 3 + 1

	keys "$F" "배송이 못빨라요" "fast-:빨라@13${T}negative"    # 9 + 1 + 3
}
@test "negation stops at a connective and at a clause: 배송은 빠르고 포장이 안 좋아요" {
	tags "배송은 빠르고 포장이 안 좋아요" "delivery packaging-${T}neutral"
	tags "배송은 빨라요. 포장이 안 좋아요" "delivery packaging-${T}neutral"
}
@test "a 안 right before the next mention is that one's: 가격 대비 품질이 안 좋아요" {
	tags "가격 대비 품질이 안 좋아요" "price quality-${T}negative"
}
@test "English negation: not, never, no, n't before; not after" {
	tags "not worth the price" "price-${T}negative"
	tags "It didn't fit" "size-${T}neutral"
	tags "never arrived" "delivery-${T}neutral"
	tags "the delivery was not fast" "delivery-${T}negative"
	tags "No smell at all" "smell-${T}neutral"
}
@test "negation is per mention: the topic is negated when any mention is" {
	tags "향이 좋은데 향이 오래 안 가요" "smell-${T}positive"
}

# ---- sentiment ------------------------------------------------------------------------
@test "sentiment: positive, negative, neutral, and a negation flips it" {
	tags "너무 좋아요" "${T}positive"
	tags "최악이에요" "${T}negative"
	tags "그냥 보통" "${T}neutral"
	tags "안 좋아요" "${T}negative"
	tags "나쁘지 않아요" "${T}positive"
	tags "별로 안 좋아요" "${T}negative"
	tags "문제 없어요" "${T}positive"
	tags "not good" "${T}negative"
	tags "Never disappointed" "${T}positive"
}

# ---- invalid UTF-8 --------------------------------------------------------------------
@test "invalid UTF-8 in a text: the bad bytes read as spaces, the line is named" {
	run tc tag @all < <(printf '배송\xff빨라요\n좋아요\n\xc3\n')
	assert_failure 1
	assert_line --index 0 "topicscheck: -:1: column 3: invalid UTF-8"
	assert_line --index 1 "topicscheck: -:3: column 1: invalid UTF-8"
	assert_line --index 2 "delivery${T}positive"
	assert_line --index 3 "${T}positive"
	assert_line --index 4 "${T}neutral"
}

# ---- the dictionary file --------------------------------------------------------------
@test "list: comments, blank lines, a topic over two lines, keywords given twice count once" {
	dict "# a comment" "" "delivery: 배송 , 택배 # trailing" "price: 가격" "delivery: =도착, 배송, !배송비"
	run tc list "$F"
	assert_success
	assert_output "delivery: 배송, 택배, =도착, !배송비
price: 가격"
}
@test "refused: a line without a colon" { dict "a: b" "delivery 배송"; refuse 2 1 "missing ':' after the topic name"; }
@test "refused: an empty keyword" { dict "delivery: 배송,, 택배"; refuse 1 14 "empty keyword"; }
@test "refused: a trailing comma" { dict "delivery: 배송,"; refuse 1 14 "empty keyword"; }
@test "refused: a topic without keywords" { dict "delivery:"; refuse 1 10 "empty keyword"; }
@test "refused: an empty '=' keyword" { dict "delivery: 배송, ="; refuse 1 15 "empty keyword"; }
@test "refused: an empty topic name" { dict "  : 배송"; refuse 1 3 "empty topic name"; }
@test "refused: a topic name with a comma" { dict "deli,very: 배송"; refuse 1 5 "topic name may not hold ','"; }
@test "refused: a topic name with a space" { dict "deli very: 배송"; refuse 1 5 "topic name may not hold ' '"; }
@test "refused: a topic name longer than 64 bytes" {
	dict "$(printf 'a%.0s' {1..65}): x"
	refuse 1 1 "topic name longer than 64 bytes"
}
@test "refused: invalid UTF-8 in a keyword" {
	printf 'delivery: 배송, b\xffd\n' >"$F"
	refuse 1 16 "invalid UTF-8 in keyword"
}
@test "refused: a keyword with nothing to match (only jamo or emoticons)" {
	dict "laugh: ㅋㅋ"
	refuse 1 8 "keyword 'ㅋㅋ' has nothing to match"
	dict "laugh: 좋, ^^"
	refuse 1 11 "keyword '^^' has nothing to match"
}
@test "refused: a file without topics" {
	dict "# nothing" ""
	run tc list "$F"
	assert_failure 2
	assert_output "$F: no topics"
}
@test "refused: more than 100000 keywords" {
	seq -f 'k: w%g' 1 100001 >"$F"
	refuse 100001 4 "more than 100000 keywords"
}
@test "refused: a NUL byte and a missing file (textfile's messages)" {
	printf 'a: b\0c\n' >"$F"
	refuse 1 5 "NUL byte"
	run tc list "$BATS_TEST_TMPDIR/none"
	assert_failure 3
	assert_output "$BATS_TEST_TMPDIR/none: No such file or directory"
}

# ---- the built-in dictionaries --------------------------------------------------------
@test "the built-in dictionaries list the ten topics, Korean and English merged in @all" {
	for d in @ko @en @all; do
		run tc list "$d"
		assert_success
		run cut -d: -f1 <<<"$output"
		assert_output "delivery
price
quality
size
packaging
service
returns
design
effect
smell"
	done
	run tc list @fr
	assert_failure 2
}
@test "the built-in Korean dictionary on reviews of every kind" {
	tags "가성비 최고 존맛 재구매각" "price effect${T}positive"
	tags "택배 빨리 왔어요 포장꼼꼼" "delivery packaging${T}positive"
	tags "사이즈 미스ㅠㅠ 교환할게요" "size returns${T}negative"
	tags "핏이 예뻐요 색감도 좋고" "size design${T}positive"
	tags "발림성 좋고 흡수 빨라요" "effect${T}positive"
	tags "불량이에요 마감도 엉망 내구성 꽝" "quality${T}negative"
	tags "반품하고 환불 받았어요" "returns${T}negative"
}

# ---- misses fixed while tuning (tests/fixtures/topics/labelled.tsv) ------------------
@test "tuning: 민감성 is no 감성 (design)" { tags "민감성 피부인데 자극 없어요" "effect-${T}neutral"; }
@test "tuning: '말이 딱 맞아요' is no size" { tags "\"인생템\"이라는 말이 딱 맞아요" "${T}positive"; }
@test "tuning: 제품이 is no 품이 (size)" { tags "스크래치가 있는 제품이 왔어요" "quality${T}neutral"; }
@test "tuning: 모양이 is no 양이 (size)" { tags "모양이 사진이랑 달라요" "design${T}neutral"; }
@test "tuning: 왔어요 alone is no delivery" { tags "트러블 올라왔어요ㅠ" "effect${T}negative"; }
@test "tuning: '두고 가셨어요' is no 고가 (price) across a space" { tags "기사님이 문앞에 잘 두고 가셨어요" "delivery${T}neutral"; }
@test "tuning: '너무 시끄러워요' is no 무시 (service) across a space" { tags "소리가 너무 시끄러워요" "effect${T}neutral"; }
@test "tuning: '가격도 착하고' is no 도착 (delivery)" { tags "가격도 착하고 디자인도 예뻐요" "price design${T}positive"; }
@test "tuning: 컬러 is no 컬 (effect)" { tags "컬러가 고급스러워요" "design${T}neutral"; }
@test "tuning: 깨져서 왔어요 is packaging, not quality" { tags "계란이 다 깨져서 왔어요" "packaging${T}negative"; }
@test "tuning: 잘 돼있어요 is no effect" { tags "포장 너무 잘 돼있어요" "packaging${T}neutral"; }
@test "tuning: 일주일 만에 고장 is quality, not delivery" { tags "일주일 만에 고장났어요" "quality${T}negative"; }
@test "tuning: 3일 만에 받았어요 is delivery" { tags "주문하고 3일 만에 받았어요" "delivery${T}neutral"; }
@test "tuning: 바느질, 끊어져 are quality" {
	tags "바느질이 엉망이에요" "quality${T}negative"
	tags "전선이 끊어져 있었어요" "quality${T}neutral"
}
@test "tuning: loves is no lovely (design), Pretty average no pretty, Perfect gift no service" {
	tags "Bought it for my mom, she loves it." "${T}positive"
	tags "Pretty average." "${T}neutral"
	tags "Perfect gift" "${T}positive"
}
@test "tuning: 'Not as pictured' is design, not service (as)" { tags "Not as pictured" "design-${T}neutral"; }
@test "tuning: cheaply made is quality, not price" { tags "Cheaply made, broke after a week" "quality${T}negative"; }
@test "tuning: Does what it says is effect" { tags "Does what it says." "effect${T}neutral"; }

# ---- quality and speed ----------------------------------------------------------------
@test "quality: the figures add up on a labelled file of three lines" {
	# line 1 tp delivery; line 2 fp price (want none); line 3 fn smell (want smell, got none)
	printf '%s\n' $'배송 빨라요\tdelivery' $'가격 좋아요\t' $'코가 즐거워요\tsmell' >"$BATS_TEST_TMPDIR/l.tsv"
	run tc quality "$BATS_TEST_TMPDIR/l.tsv"
	assert_success
	assert_line "delivery           1     0     0     1.000  1.000  1.000"
	assert_line "price              0     1     0     0.000  0.000  0.000"
	assert_line "smell              0     0     1     0.000  0.000  0.000"
	# micro: tp 1, fp 1, fn 1: precision 1/2, recall 1/2, F1 0.5
	assert_line "micro              1     1     1     0.500  0.500  0.500"
}
@test "the built-in Korean dictionary reaches precision 0.8 and recall 0.6 on the held-out set" {
	run tc quality "$FIX/topics/labelled-heldout.tsv"
	assert_success
	local p r
	read -r _ _ _ _ p r _ < <(grep '^micro-korean' <<<"$output")
	awk -v p="$p" -v r="$r" 'BEGIN { exit !(p >= 0.8 && r >= 0.6) }' ||
		fail "micro-korean precision $p recall $r"
}
@test "bench: tags N copies of a file and says how fast" {
	run tc bench 2 "$FIX/topics/labelled-heldout.tsv"
	assert_success
	assert_output --regexp '^248 texts \([0-9]+ bytes\) tagged with sentiment in [0-9.]+ s: [0-9]+ texts/s'
}
