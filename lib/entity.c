/* entity.c - the data model as tables, header mapping, value kinds; see entity.h. */
#include "entity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "i18n.h"

/* Aliases are folded names (see crm_fold_name), '|' separated. */
#define A_CUSTOMER_ID "customerid|customer|customerno|customernumber|memberid|userid|clientid|" \
	"고객id|고객번호|고객아이디|회원id|회원번호|회원아이디|아이디|주문자id|주문자아이디"
#define A_EMAIL "e-mail|emailaddress|mail|customeremail|buyeremail|이메일|이메일주소|메일|" \
	"주문자이메일|구매자이메일"
#define A_PHONE "phonenumber|mobile|mobilephone|cellphone|cell|tel|telephone|" \
	"customerphone|휴대폰|휴대폰번호|휴대전화|전화번호|연락처|핸드폰|핸드폰번호|주문자연락처|" \
	"구매자연락처|주문자휴대폰"
#define A_NAME "customername|fullname|buyername|billingname|이름|고객명|회원명|성명|" \
	"주문자명|주문자|구매자명|구매자"
#define A_ORDER_ID "orderid|ordernumber|orderno|invoice|invoiceno|invoicenumber|주문번호|" \
	"주문id|주문코드"
#define A_CHANNEL "saleschannel|source|채널|판매채널|주문경로|유입경로|문의채널|응답채널"
#define A_CURRENCY "currencycode|통화|화폐"
#define A_ORDERED_AT "orderdate|orderedat|createdat|date|invoicedate|주문일|주문일시|주문일자|" \
	"결제일|결제일시"
#define A_AMOUNT "total|totalamount|ordertotal|grandtotal|totalprice|결제금액|총결제금액|" \
	"주문금액|총주문금액|실결제금액|최종결제금액"
#define A_ORDER_STATUS "orderstatus|financialstatus|주문상태|상태|결제상태"
/* The rating columns crm-nps reads (responses.score, reviews.rating,
 * tickets.csat): its stream takes all three lists, so they are written once. */
#define A_SCORE "nps|npsscore|recommend|likelihoodtorecommend|점수|추천점수|추천의향|추천지수"
#define A_RATING "stars|score|reviewscore|별점|평점|만족도"
#define A_CSAT "satisfaction|satisfactionrating|satisfactionscore|만족도"

static const struct crm_column customers_cols[] = {
	{"customer_id", CRM_K_ID, 0, A_CUSTOMER_ID},
	{"email", CRM_K_EMAIL, 0, A_EMAIL},
	{"phone", CRM_K_PHONE, 0, A_PHONE},
	{"name", CRM_K_TEXT, 0, A_NAME},
	{"signup_at", CRM_K_TIME, 0, "signupdate|signedupat|createdat|registeredat|joinedat|"
	 "가입일|가입일시|가입일자|회원가입일|등록일"},
	{"birthday", CRM_K_DATE, 0, "birthdate|dateofbirth|dob|생일|생년월일"},
	{"country", CRM_K_COUNTRY, 0, "countrycode|국가|국가코드"},
	{"marketing_opt_in", CRM_K_BOOL, 0, "optin|marketingoptin|acceptsmarketing|"
	 "marketingconsent|newsletter|마케팅수신동의|마케팅동의|수신동의|광고수신동의|"
	 "이메일수신동의|sms수신동의"},
};

static const struct crm_column orders_cols[] = {
	{"order_id", CRM_K_ID, CRM_COL_REQUIRED | CRM_COL_NONEMPTY, A_ORDER_ID},
	{"customer_id", CRM_K_ID, 0, A_CUSTOMER_ID},
	{"ordered_at", CRM_K_TIME, CRM_COL_REQUIRED | CRM_COL_NONEMPTY, A_ORDERED_AT},
	{"amount", CRM_K_MONEY, CRM_COL_REQUIRED | CRM_COL_NONEMPTY, A_AMOUNT},
	{"currency", CRM_K_CURRENCY, 0, A_CURRENCY},
	{"status", CRM_K_ORDER_STATUS, 0, A_ORDER_STATUS},
	{"channel", CRM_K_TEXT, 0, A_CHANNEL},
	{"email", CRM_K_EMAIL, CRM_COL_CUSTOMER, A_EMAIL},
	{"phone", CRM_K_PHONE, CRM_COL_CUSTOMER, A_PHONE},
	{"name", CRM_K_TEXT, CRM_COL_CUSTOMER, A_NAME},
};

static const struct crm_column order_items_cols[] = {
	{"order_id", CRM_K_ID, CRM_COL_REQUIRED | CRM_COL_NONEMPTY, A_ORDER_ID},
	{"sku", CRM_K_ID, 0, "productcode|stockcode|itemcode|productid|variantsku|lineitemsku|"
	 "상품코드|상품번호|품번|자체상품코드"},
	{"product", CRM_K_TEXT, 0, "productname|description|itemname|lineitemname|상품명|품명|"
	 "상품이름"},
	{"category", CRM_K_TEXT, 0, "productcategory|producttype|카테고리|분류|상품분류"},
	/* no quantity column: one unit per row (import.c, crm-import(1)) */
	{"quantity", CRM_K_INT, CRM_COL_NONEMPTY, "qty|lineitemquantity|수량|주문수량|구매수량"},
	{"unit_price", CRM_K_MONEY, CRM_COL_REQUIRED | CRM_COL_NONEMPTY,
	 "price|unitprice|lineitemprice|itemprice|단가|판매가|상품가격|판매단가"},
	{"customer_id", CRM_K_ID, CRM_COL_ORDER, A_CUSTOMER_ID},
	{"ordered_at", CRM_K_TIME, CRM_COL_ORDER | CRM_COL_REQUIRED | CRM_COL_NONEMPTY,
	 "orderdate|orderedat|createdat|date|invoicedate|주문일|주문일시|주문일자|결제일|결제일시"},
	{"currency", CRM_K_CURRENCY, CRM_COL_ORDER, A_CURRENCY},
	{"status", CRM_K_ORDER_STATUS, CRM_COL_ORDER, "orderstatus|financialstatus|주문상태|상태"},
	{"channel", CRM_K_TEXT, CRM_COL_ORDER, A_CHANNEL},
	{"email", CRM_K_EMAIL, CRM_COL_ORDER | CRM_COL_CUSTOMER, A_EMAIL},
	{"phone", CRM_K_PHONE, CRM_COL_ORDER | CRM_COL_CUSTOMER, A_PHONE},
	{"name", CRM_K_TEXT, CRM_COL_ORDER | CRM_COL_CUSTOMER, A_NAME},
};

/*
 * The help desks' exports (crm-import(1) lists them): Zendesk, Freshdesk,
 * Zammad, and the Korean headers of Channel Talk, 카카오 상담톡 and the shops'
 * 1:1 문의.  In a tickets file a bare "Id" (Zendesk) or "Number" (Zammad) is
 * the ticket's, never the customer's.  Zammad's "Customer" stays the
 * customer's id, as "customer" is in every entity: it is the one name of
 * the customer that export has.  Freshdesk gives "Resolved time" and
 * "Closed time" both: resolved_at takes the first, the second is ignored
 * (a ticket closed without being resolved has its resolved time too);
 * its "Agent interactions" are the replies, its "Customer interactions"
 * no column.  A "Description" is the ticket's text here, not a product's.
 */
static const struct crm_column tickets_cols[] = {
	{"ticket_id", CRM_K_ID, CRM_COL_REQUIRED | CRM_COL_NONEMPTY,
	 "ticketid|ticket|ticketno|ticketnumber|caseid|id|number|"
	 "문의번호|티켓번호|상담번호|접수번호|상담id"},
	{"customer_id", CRM_K_ID, 0, A_CUSTOMER_ID},
	{"channel", CRM_K_TEXT, 0, "via|createchannel|" A_CHANNEL "|상담채널"},
	{"category", CRM_K_TEXT, 0, "type|tickettype|유형|문의유형|분류|상담유형"},
	{"opened_at", CRM_K_TIME, CRM_COL_REQUIRED | CRM_COL_NONEMPTY,
	 "createdat|created|createdtime|openedat|date|접수일시|문의일시|접수일|등록일|등록일시|"
	 "상담시작일시|생성일시"},
	{"first_response_at", CRM_K_TIME, 0, "firstresponseat|firstrepliedat|firstreplyat|"
	 "initialresponsetime|첫응답일시|최초응답일시|첫답변일시"},
	{"resolved_at", CRM_K_TIME, 0, "solvedat|closedat|closeat|resolvedat|resolvedtime|"
	 "해결일시|처리완료일시|완료일시|종료일시|상담종료일시"},
	{"status", CRM_K_TICKET_STATUS, 0, "ticketstatus|state|상태|처리상태|상담상태"},
	{"csat", CRM_K_RATING, 0, A_CSAT},
	{"priority", CRM_K_PRIORITY, 0, "ticketpriority|우선순위|중요도|긴급도"},
	{"agent", CRM_K_TEXT, 0, "assignee|assigneename|assignedto|owner|agentname|"
	 "담당자|담당자명|상담원|상담사|담당상담원|처리자"},
	{"team", CRM_K_TEXT, 0, "group|groupname|teamname|department|팀|담당팀|그룹|부서|"
	 "담당부서"},
	{"subject", CRM_K_TEXT, 0, "title|tickettitle|ticketsubject|제목|문의제목|상담제목"},
	{"description", CRM_K_TEXT, 0, "content|body|message|문의내용|내용|상담내용|본문"},
	{"sku", CRM_K_TEXT, 0, "product|productcode|productid|상품|상품코드|상품번호|상품명"},
	{"reopens", CRM_K_COUNT, 0, "reopencount|timesreopened|재오픈|재오픈수|재문의수|"
	 "재문의횟수"},
	{"replies", CRM_K_COUNT, 0, "replycount|agentreplies|agentinteractions|답변수|응답수|"
	 "답변횟수|응답횟수"},
	{"email", CRM_K_EMAIL, CRM_COL_CUSTOMER, "requesteremail|" A_EMAIL},
	{"phone", CRM_K_PHONE, CRM_COL_CUSTOMER, A_PHONE},
	{"name", CRM_K_TEXT, CRM_COL_CUSTOMER, "requester|requestername|" A_NAME},
};

static const struct crm_column reviews_cols[] = {
	{"review_id", CRM_K_ID, 0, "reviewid|reviewno|리뷰번호|리뷰id|후기번호"},
	{"customer_id", CRM_K_ID, 0, A_CUSTOMER_ID},
	{"sku", CRM_K_ID, 0, "productcode|productid|상품코드|상품번호"},
	{"rating", CRM_K_RATING, CRM_COL_REQUIRED | CRM_COL_NONEMPTY, A_RATING},
	{"title", CRM_K_TEXT, 0, "subject|reviewcommenttitle|제목|리뷰제목"},
	{"body", CRM_K_TEXT, 0, "content|review|text|comment|reviewcommentmessage|내용|리뷰내용|"
	 "후기|후기내용"},
	{"posted_at", CRM_K_TIME, CRM_COL_REQUIRED | CRM_COL_NONEMPTY,
	 "createdat|postedat|date|reviewcreationdate|작성일|작성일시|등록일|등록일시"},
	{"replied_at", CRM_K_TIME, 0, "repliedat|answeredat|reviewanswertimestamp|답변일|답변일시|"
	 "댓글일시"},
	{"platform", CRM_K_TEXT, 0, "source|site|플랫폼|판매처|채널"},
	{"order_id", CRM_K_ID, CRM_COL_LINK, A_ORDER_ID},
	{"email", CRM_K_EMAIL, CRM_COL_CUSTOMER, A_EMAIL},
	{"phone", CRM_K_PHONE, CRM_COL_CUSTOMER, A_PHONE},
	{"name", CRM_K_TEXT, CRM_COL_CUSTOMER, A_NAME},
};

static const struct crm_column responses_cols[] = {
	{"response_id", CRM_K_ID, 0, "responseid|응답번호|응답id"},
	{"customer_id", CRM_K_ID, 0, A_CUSTOMER_ID},
	{"answered_at", CRM_K_TIME, 0, "submittedat|answeredat|timestamp|date|응답일시|"
	 "제출일시|응답일|타임스탬프"},
	{"score", CRM_K_SCORE, CRM_COL_REQUIRED | CRM_COL_NONEMPTY, A_SCORE},
	{"comment", CRM_K_TEXT, 0, "feedback|reason|의견|코멘트|이유"},
	{"survey", CRM_K_TEXT, 0, "surveyname|설문|설문명|설문이름"},
	{"channel", CRM_K_TEXT, 0, A_CHANNEL},
	{"order_id", CRM_K_ID, CRM_COL_LINK, A_ORDER_ID},
	{"email", CRM_K_EMAIL, CRM_COL_CUSTOMER, A_EMAIL},
	{"phone", CRM_K_PHONE, CRM_COL_CUSTOMER, A_PHONE},
	{"name", CRM_K_TEXT, CRM_COL_CUSTOMER, A_NAME},
};

/* The tables' columns; order_items' line is the table's own, numbered by
 * the import. */
static const char *const t_customers[] = {"customer_id", "email", "phone", "name",
	"signup_at", "birthday", "country", "marketing_opt_in", NULL};
static const char *const t_orders[] = {"order_id", "customer_id", "ordered_at", "amount",
	"currency", "status", "channel", NULL};
static const char *const t_items[] = {"order_id", "line", "sku", "product", "category",
	"quantity", "unit_price", NULL};
static const char *const t_tickets[] = {"ticket_id", "customer_id", "channel", "category",
	"opened_at", "first_response_at", "resolved_at", "status", "csat", "priority", "agent",
	"team", "subject", "description", "sku", "reopens", "replies", NULL};
static const char *const t_reviews[] = {"review_id", "customer_id", "sku", "rating", "title",
	"body", "posted_at", "replied_at", "platform", "order_id", NULL};
static const char *const t_responses[] = {"response_id", "customer_id", "answered_at",
	"score", "comment", "survey", "channel", "order_id", NULL};

#define N(a) ((int)(sizeof a / sizeof a[0]))
static const struct crm_entity entities[] = {
	{"customers", customers_cols, N(customers_cols), "customer_id", t_customers},
	{"orders", orders_cols, N(orders_cols), "order_id", t_orders},
	{"order_items", order_items_cols, N(order_items_cols), "order_id", t_items},
	{"tickets", tickets_cols, N(tickets_cols), "ticket_id", t_tickets},
	{"reviews", reviews_cols, N(reviews_cols), "review_id", t_reviews},
	{"responses", responses_cols, N(responses_cols), "response_id", t_responses},
};

const struct crm_entity *crm_entity_find(const char *name)
{
	int i;
	for (i = 0; i < N(entities); i++)
		if (!strcmp(entities[i].name, name))
			return &entities[i];
	return NULL;
}

const char *crm_entity_names(void)
{
	static char names[256];
	size_t n = 0;
	int i;
	if (names[0])
		return names;
	for (i = 0; i < N(entities) && n < sizeof names; i++)
		n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", i ? ", " : "",
				      entities[i].name);
	return names;
}

int crm_entity_describe(const char *name, FILE *out)
{
	const struct crm_entity *e = crm_entity_find(name);
	int i;
	if (!e)
		return -1;
	fprintf(out, "column,required,aliases\n");
	for (i = 0; i < e->ncols; i++) {
		const char *a;
		fprintf(out, "%s,%s,\"", e->cols[i].name,
			e->cols[i].flags & CRM_COL_REQUIRED ? "yes" : "no");
		for (a = e->cols[i].aliases; *a; a++)
			fputc(*a == '|' ? ' ' : *a, out);
		fputs("\"\n", out);
	}
	return 0;
}

/* Orders as crm-segment reads them from a stream: no order id needed. */
static const struct crm_column order_stream_cols[] = {
	{"customer_id", CRM_K_ID, CRM_COL_REQUIRED, A_CUSTOMER_ID},
	{"ordered_at", CRM_K_TIME, CRM_COL_REQUIRED | CRM_COL_NONEMPTY, A_ORDERED_AT},
	{"amount", CRM_K_MONEY, CRM_COL_REQUIRED | CRM_COL_NONEMPTY, A_AMOUNT},
	{"currency", CRM_K_CURRENCY, 0, A_CURRENCY},
	{"status", CRM_K_ORDER_STATUS, 0, A_ORDER_STATUS},
	{"email", CRM_K_EMAIL, CRM_COL_CUSTOMER, A_EMAIL},
	{"name", CRM_K_TEXT, CRM_COL_CUSTOMER, A_NAME},
};
const struct crm_entity crm_order_stream = {"orders", order_stream_cols, N(order_stream_cols),
	"customer_id", NULL};

/* Answers as crm-nps reads them: the score's scale is the command's to judge. */
static const struct crm_column response_stream_cols[] = {
	{"response_id", CRM_K_ID, 0, "responseid|응답번호|응답id"},
	{"customer_id", CRM_K_ID, 0, A_CUSTOMER_ID},
	{"answered_at", CRM_K_TIME, 0, "submittedat|answeredat|timestamp|date|응답일시|"
	 "제출일시|응답일|타임스탬프"},
	{"score", CRM_K_TEXT, CRM_COL_REQUIRED, "rating|csat|ces|effort|effortscore|" A_SCORE "|"
	 A_RATING "|" A_CSAT},
	{"comment", CRM_K_TEXT, 0, "feedback|reason|의견|코멘트|이유"},
	{"survey", CRM_K_TEXT, 0, "surveyname|설문|설문명|설문이름"},
	{"channel", CRM_K_TEXT, 0, A_CHANNEL},
	{"segment", CRM_K_TEXT, 0, "customersegment|세그먼트|고객세그먼트|고객군"},
};
const struct crm_entity crm_response_stream = {"responses", response_stream_cols,
	N(response_stream_cols), "response_id", NULL};

static const struct crm_column followup_stream_cols[] = {
	{"response_id", CRM_K_ID, 0, "responseid|응답번호|응답id"},
	{"customer_id", CRM_K_ID, 0, A_CUSTOMER_ID},
	{"followed_at", CRM_K_TIME, 0, "followedupat|calledat|contactedat|date|연락일|연락일시|"
	 "통화일시"},
	{"note", CRM_K_TEXT, 0, "notes|memo|comment|메모|비고"},
};
const struct crm_entity crm_followup_stream = {"followups", followup_stream_cols,
	N(followup_stream_cols), "response_id", NULL};

/* Customers as crm-coupon reads them from a stream (crm-segment's output, a
 * customer export): the id required, the rest used when present. */
static const struct crm_column customer_stream_cols[] = {
	{"customer_id", CRM_K_ID, CRM_COL_REQUIRED, A_CUSTOMER_ID},
	{"email", CRM_K_EMAIL, 0, A_EMAIL},
	{"name", CRM_K_TEXT, 0, A_NAME},
	{"birthday", CRM_K_DATE, 0, "birthdate|dateofbirth|dob|생일|생년월일"},
};
const struct crm_entity crm_customer_stream = {"customers", customer_stream_cols,
	N(customer_stream_cols), "customer_id", NULL};

int crm_entity_col(const struct crm_entity *e, const char *name)
{
	int i;
	for (i = 0; i < e->ncols; i++)
		if (!strcmp(e->cols[i].name, name))
			return i;
	return -1;
}

/* ---- header names ------------------------------------------------------------ */

/* Characters a header carries unseen (spaces of other widths, zero-width
 * ones, direction marks, the BOM): folding drops them and messages show
 * them as \uXXXX. */
static int unseen(uint32_t cp)
{
	return cp == 0xA0 || cp == 0xAD || cp == 0x180E || (cp >= 0x2000 && cp <= 0x200F) ||
	       (cp >= 0x2028 && cp <= 0x202F) || (cp >= 0x205F && cp <= 0x2064) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x3000 || cp == 0xFEFF;
}

static int folded_away(unsigned char c)
{
	return c == ' ' || c == '_' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')' ||
	       c == '\t';
}

void crm_fold_name(const char *s, char *out, size_t size)
{
	size_t o = 0, len;
	uint32_t cp;
	while (*s && o + 1 < size) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x80 && (len = crm_utf8_char(s, &cp)) > 0) {
			if (!unseen(cp)) {
				if (o + len >= size)
					break;   /* never half a character */
				memcpy(out + o, s, len);
				o += len;
			}
			s += len;
			continue;
		}
		if (!folded_away(c))
			out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		s++;
	}
	out[o] = '\0';
}

static int alias_match(const char *aliases, const char *folded)
{
	size_t n = strlen(folded);
	const char *p = aliases;
	while (p && *p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && !memcmp(p, folded, n))
			return 1;
		p = bar ? bar + 1 : NULL;
	}
	return 0;
}

/* The room a header name's quoted form needs (crm_quote_unseen: 60 bytes
 * of the name shown, each character escaped at most 9 bytes). */
#define QUOTE_ROOM 160

/* A header name of slen bytes quoted for a message, its unseen characters
 * shown. */
static const char *header_quote(const char *s, size_t slen, char *buf, size_t size)
{
	return crm_quote_unseen(s, slen, unseen, buf, size);
}

/* The headers idx[0..n) quoted and listed into out[size], "'a', 'b'"; past
 * `shown` names, or when the next will not fit, the rest is ", ... (N more)". */
static void header_names(const struct crm_row *hdr, const size_t *idx, size_t n, size_t shown,
			 char *out, size_t size)
{
	const size_t tail = sizeof ", ... (18446744073709551615 more)";
	char q[QUOTE_ROOM];
	size_t k, o = 0, len;
	out[0] = '\0';
	for (k = 0; k < n; k++) {
		len = strlen(header_quote(hdr->field[idx[k]], hdr->len[idx[k]], q, sizeof q)) + 2;
		if (k == shown || o + len + (k + 1 < n ? tail : 0) >= size) {
			if (o + tail < size)
				snprintf(out + o, size - o, _("%s... (%zu more)"), k ? ", " : "", n - k);
			return;
		}
		o += (size_t)snprintf(out + o, size - o, "%s%s", k ? ", " : "", q);
	}
}

void crm_header_list(const struct crm_row *hdr, char *out, size_t size)
{
	size_t *idx = crm_xcalloc(hdr->n ? hdr->n : 1, sizeof *idx), i;
	for (i = 0; i < hdr->n; i++)
		idx[i] = i;
	header_names(hdr, idx, hdr->n, hdr->n, out, size);
	free(idx);
}

static int taken_by(const struct crm_entity *e, const int *colmap, size_t h)
{
	int c;
	for (c = 0; c < e->ncols; c++)
		if (colmap[c] == (int)h)
			return 1;
	return 0;
}

static int unlisted_name(const char *const *unlisted, const char *name)
{
	char a[256], b[256];
	crm_fold_name(name, a, sizeof a);
	for (; unlisted && *unlisted; unlisted++) {
		crm_fold_name(*unlisted, b, sizeof b);
		if (!strcmp(a, b))
			return 1;
	}
	return 0;
}

size_t crm_header_ignored(const struct crm_entity *e, const int colmap[CRM_MAX_COLS],
			  const struct crm_row *hdr, const char *const *unlisted, char *out,
			  size_t size)
{
	size_t *idx = crm_xcalloc(hdr->n ? hdr->n : 1, sizeof *idx), h, n = 0;
	for (h = 0; h < hdr->n; h++)
		if (!taken_by(e, colmap, h) && !unlisted_name(unlisted, hdr->field[h]))
			idx[n++] = h;
	header_names(hdr, idx, n, CRM_IGNORED_SHOWN, out, size);
	free(idx);
	return n;
}

/* ---- the nearest headers to a name -------------------------------------------- */

#define NAME_CPS CRM_EDIT_MAX   /* code points of a folded name compared; the rest is cut */

static size_t code_points(const char *s, size_t len, uint32_t *cp)
{
	size_t n = 0, i = 0, l;
	while (i < len && n < NAME_CPS) {
		if (!(l = crm_utf8_char(s + i, &cp[n]))) {
			cp[n] = (unsigned char)s[i];
			l = 1;
		}
		i += l;
		n++;
	}
	return n;
}

/* How near a folded header is to one folded name (a column's or an alias's):
 * a distance up to a third of the name's length, or 2 when either holds the
 * other whole and the shorter has four characters or more; -1 when not
 * near at all. */
static int near_name(const char *name, size_t len, const char *fh)
{
	uint32_t a[NAME_CPS], b[NAME_CPS];
	size_t na = code_points(name, len, a), nb = code_points(fh, strlen(fh), b);
	size_t d = crm_edit_distance(a, na, b, nb);
	char shorter[256];
	if (d <= na / 3)
		return (int)d;
	if ((na < nb ? na : nb) < 4 || len >= sizeof shorter)
		return -1;
	memcpy(shorter, name, len);
	shorter[len] = '\0';
	return (na < nb ? strstr(fh, shorter) != NULL : strstr(shorter, fh) != NULL) ? 2 : -1;
}

/* How near a folded header is to a column: the nearest of its names. */
static int near_column(const struct crm_column *col, const char *fh)
{
	char cname[64];
	const char *p = col->aliases;
	int best, d;
	crm_fold_name(col->name, cname, sizeof cname);
	best = near_name(cname, strlen(cname), fh);
	while (p && *p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if ((d = near_name(p, len, fh)) >= 0 && (best < 0 || d < best))
			best = d;
		p = bar ? bar + 1 : NULL;
	}
	return best;
}

/* The headers no column took that are nearest to column c, nearest first
 * (in header order among equals): up to NEAR_MAX indexes into idx. */
#define NEAR_MAX 3
static size_t nearest(const struct crm_entity *e, int c, const struct crm_row *hdr,
		      const int *colmap, size_t idx[NEAR_MAX])
{
	int score[NEAR_MAX], d;
	char fh[256];
	size_t h, n = 0, k;
	for (h = 0; h < hdr->n; h++) {
		if (taken_by(e, colmap, h))
			continue;
		crm_fold_name(hdr->field[h], fh, sizeof fh);
		if ((d = near_column(&e->cols[c], fh)) < 0 || (n == NEAR_MAX && d >= score[n - 1]))
			continue;
		if (n < NEAR_MAX)
			n++;
		for (k = n - 1; k > 0 && score[k - 1] > d; k--) {
			score[k] = score[k - 1];
			idx[k] = idx[k - 1];
		}
		score[k] = d;
		idx[k] = h;
	}
	return n;
}

/* ---- mapping a header ----------------------------------------------------------- */

static int find_header(const struct crm_row *hdr, const char *want)
{
	char a[256], b[256];
	size_t i;
	crm_fold_name(want, a, sizeof a);
	for (i = 0; i < hdr->n; i++) {
		crm_fold_name(hdr->field[i], b, sizeof b);
		if (!strcmp(a, b))
			return (int)i;
	}
	return -1;
}

static int apply_maps(const struct crm_entity *e, const struct crm_row *hdr,
		      const char *const *maps, int nmap, int *colmap, char *err, size_t errsize)
{
	int m;
	for (m = 0; m < nmap; m++) {
		char canon[64];
		const char *eq = strchr(maps[m], '=');
		size_t n = eq ? (size_t)(eq - maps[m]) : 0;
		int c, h;
		if (!eq || n == 0 || n >= sizeof canon || !eq[1]) {
			snprintf(err, errsize, _("--map '%s': expected canonical=Header"), maps[m]);
			return -2;
		}
		memcpy(canon, maps[m], n);
		canon[n] = '\0';
		if ((c = crm_entity_col(e, canon)) < 0) {
			snprintf(err, errsize, _("--map '%s': %s has no column '%s' (see crm-import "
				 "--columns %s)"), maps[m], e->name, canon, e->name);
			return -2;
		}
		if ((h = find_header(hdr, eq + 1)) < 0) {
			char found[512], q[QUOTE_ROOM];
			crm_header_list(hdr, found, sizeof found);
			snprintf(err, errsize, _("--map '%s': no column %s in the header (found: %s)"),
				 maps[m], header_quote(eq + 1, strlen(eq + 1), q, sizeof q), found);
			return -1;
		}
		colmap[c] = h;
	}
	return 0;
}

/* The line of err for a required column c that no header gave. */
static void missing_column(const struct crm_entity *e, int c, const struct crm_row *hdr,
			   const int *colmap, char *out, size_t size)
{
	size_t idx[NEAR_MAX], n = nearest(e, c, hdr, colmap, idx);
	char list[600];
	if (n)
		header_names(hdr, idx, n, n, list, sizeof list);
	else
		crm_header_list(hdr, list, sizeof list);
	snprintf(out, size, _("missing required column '%s' for %s (%s: %s); name it with --map "
		 "%s=HEADER"), e->cols[c].name, e->name, n ? _("nearest") : _("found"), list,
		 e->cols[c].name);
}

/* Each required column no header gave, a line of err each; -1 if any. */
static int check_required(const struct crm_entity *e, const struct crm_row *hdr,
			  const int *colmap, char *err, size_t errsize)
{
	char line[1024];
	size_t o = 0, len;
	int c, missing = 0;
	for (c = 0; c < e->ncols; c++) {
		if (!(e->cols[c].flags & CRM_COL_REQUIRED) || colmap[c] >= 0)
			continue;
		missing++;
		missing_column(e, c, hdr, colmap, line, sizeof line);
		len = strlen(line);
		if (o + len + 2 > errsize)
			continue;    /* the lines before say enough */
		o += (size_t)snprintf(err + o, errsize - o, "%s%s", o ? "\n" : "", line);
	}
	return missing ? -1 : 0;
}

/* Map the headers --map left to the columns whose name or alias they fold to. */
static int map_by_name(const struct crm_entity *e, const struct crm_row *hdr, int *colmap,
		       char *err, size_t errsize)
{
	char folded[256], cname[64], q1[QUOTE_ROOM], q2[QUOTE_ROOM];
	int c, mapped[CRM_MAX_COLS] = {0};
	size_t h;
	for (c = 0; c < e->ncols; c++)
		mapped[c] = colmap[c] >= 0;
	for (h = 0; h < hdr->n; h++) {
		if (taken_by(e, colmap, h))
			continue;    /* a header named by --map means that column only */
		crm_fold_name(hdr->field[h], folded, sizeof folded);
		for (c = 0; c < e->ncols; c++) {
			const struct crm_column *col = &e->cols[c];
			if (mapped[c])
				continue;
			crm_fold_name(col->name, cname, sizeof cname);
			if (strcmp(cname, folded) && !alias_match(col->aliases, folded))
				continue;
			if (colmap[c] >= 0) {
				snprintf(err, errsize, _("columns %s and %s both mean '%s'; choose one "
					 "with --map %s=HEADER"),
					 header_quote(hdr->field[colmap[c]], hdr->len[colmap[c]], q1,
						      sizeof q1),
					 header_quote(hdr->field[h], hdr->len[h], q2, sizeof q2),
					 col->name, col->name);
				return -1;
			}
			colmap[c] = (int)h;
			break;
		}
	}
	return 0;
}

int crm_header_map(const struct crm_entity *e, const struct crm_row *hdr,
		   const char *const *maps, int nmap, int colmap[CRM_MAX_COLS],
		   char *err, size_t errsize)
{
	int c, rc;
	for (c = 0; c < e->ncols; c++)
		colmap[c] = -1;
	err[0] = '\0';
	if ((rc = apply_maps(e, hdr, maps, nmap, colmap, err, errsize)) < 0)
		return rc;
	if (map_by_name(e, hdr, colmap, err, errsize) < 0)
		return -1;
	return check_required(e, hdr, colmap, err, errsize);
}

void crm_header_errors(const char *file, long line, const char *err)
{
	const char *nl;
	for (;;) {
		nl = strchr(err, '\n');
		crm_error_at(file, line, "%.*s", nl ? (int)(nl - err) : (int)strlen(err), err);
		if (!nl)
			return;
		err = nl + 1;
	}
}

/* ---- value kinds ------------------------------------------------------------ */

struct word { const char *in, *out; };

/* Is s its own folded name (crm_fold_name), as most status words are? */
static int folds_to_itself(const char *s, size_t size)
{
	size_t i;
	for (i = 0; s[i]; i++)
		if (i + 1 == size || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

static const char *lookup(const struct word *w, const char *s)
{
	char f[64];
	if (!folds_to_itself(s, sizeof f)) {
		crm_fold_name(s, f, sizeof f);
		s = f;
	}
	/* the first byte before the call: a status word is looked up on every
	 * row, and most of its table's words start otherwise */
	for (; w->in; w++)
		if (w->in[0] == s[0] && !strcmp(w->in, s))
			return w->out;
	return NULL;
}

/* The words of crm(7)'s tables, folded; a test checks that the two agree.
 * An exchange (교환) and a partial cancellation (부분취소) leave a sale that
 * stands: paid.  Olist's invoiced follows the payment, its approved is a
 * payment authorized (as Shopify's authorized: pending), and unavailable is
 * an order the seller could not fulfil, which brought nothing: cancelled.
 * A request (취소요청, 반품요청) says nothing of how it ends: no word. */
static const struct word order_status[] = {
	{"paid", "paid"}, {"complete", "paid"}, {"completed", "paid"}, {"fulfilled", "paid"},
	{"shipped", "paid"}, {"delivered", "paid"}, {"processing", "paid"}, {"closed", "paid"},
	{"invoiced", "paid"}, {"intransit", "paid"},
	{"결제완료", "paid"}, {"배송준비중", "paid"}, {"배송준비", "paid"}, {"배송중", "paid"},
	{"배송완료", "paid"}, {"구매확정", "paid"}, {"발송완료", "paid"}, {"상품준비중", "paid"},
	{"신규주문", "paid"}, {"발주확인", "paid"}, {"발송대기", "paid"}, {"배송대기", "paid"},
	{"교환", "paid"}, {"교환요청", "paid"}, {"교환신청", "paid"}, {"교환완료", "paid"},
	{"부분취소", "paid"},
	{"cancelled", "cancelled"}, {"canceled", "cancelled"}, {"voided", "cancelled"},
	{"void", "cancelled"}, {"unavailable", "cancelled"}, {"failed", "cancelled"},
	{"expired", "cancelled"},
	{"취소", "cancelled"}, {"주문취소", "cancelled"}, {"취소완료", "cancelled"},
	{"결제취소", "cancelled"},
	{"refunded", "refunded"}, {"returned", "refunded"}, {"partiallyrefunded", "refunded"},
	{"환불", "refunded"}, {"환불완료", "refunded"}, {"반품", "refunded"},
	{"반품완료", "refunded"},
	{"pending", "pending"}, {"authorized", "pending"}, {"unpaid", "pending"},
	{"approved", "pending"}, {"created", "pending"}, {"onhold", "pending"},
	{"pendingpayment", "pending"}, {"partiallypaid", "pending"},
	{"입금대기", "pending"}, {"결제대기", "pending"}, {"미입금", "pending"}, {"입금전", "pending"},
	{NULL, NULL},
};

/* Waiting on the customer (Zendesk's and Freshdesk's pending, Zammad's
 * pending reminder and pending close, Channel Talk's snoozed) is pending;
 * a ticket reopened or escalated needs the team again: open.  Zammad's
 * merged ticket goes on in another one: this one is closed. */
static const struct word ticket_status[] = {
	{"open", "open"}, {"new", "open"}, {"reopened", "open"}, {"escalated", "open"},
	{"opened", "open"},
	{"접수", "open"}, {"신규", "open"}, {"미처리", "open"}, {"답변대기", "open"},
	{"재문의", "open"}, {"열림", "open"}, {"상담중", "open"},
	{"pending", "pending"}, {"hold", "pending"}, {"onhold", "pending"},
	{"inprogress", "pending"}, {"pendingcustomerresponse", "pending"},
	{"waitingoncustomer", "pending"}, {"waitingforcustomer", "pending"},
	{"awaitingreply", "pending"}, {"awaitingcustomer", "pending"},
	{"waitingonthirdparty", "pending"}, {"pendingreminder", "pending"},
	{"pendingclose", "pending"}, {"snoozed", "pending"},
	{"처리중", "pending"}, {"보류", "pending"}, {"대기", "pending"}, {"고객응답대기", "pending"},
	{"보류중", "pending"}, {"진행중", "pending"},
	{"resolved", "resolved"}, {"solved", "resolved"},
	{"해결", "resolved"}, {"처리완료", "resolved"}, {"완료", "resolved"},
	{"답변완료", "resolved"}, {"상담완료", "resolved"},
	{"closed", "closed"}, {"merged", "closed"}, {"종료", "closed"}, {"닫힘", "closed"},
	{"종결", "closed"}, {"상담종료", "closed"},
	{NULL, NULL},
};

/* A ticket's priority in crm's four words.  A bare number is no word:
 * Freshdesk numbers 1 low to 4 urgent, a P-scale 1 urgent to 4 low; Zammad
 * writes the number beside its word (1 low, 2 normal, 3 high). */
static const struct word priority_words[] = {
	{"urgent", "urgent"}, {"critical", "urgent"}, {"emergency", "urgent"}, {"p1", "urgent"},
	{"긴급", "urgent"}, {"매우높음", "urgent"}, {"최우선", "urgent"},
	{"high", "high"}, {"p2", "high"}, {"3high", "high"}, {"높음", "high"}, {"상", "high"},
	{"중요", "high"},
	{"normal", "normal"}, {"medium", "normal"}, {"p3", "normal"}, {"2normal", "normal"},
	{"보통", "normal"}, {"일반", "normal"}, {"중", "normal"},
	{"low", "low"}, {"p4", "low"}, {"1low", "low"}, {"낮음", "low"}, {"하", "low"},
	{NULL, NULL},
};

static const struct word countries[] = {
	{"korea", "KR"}, {"southkorea", "KR"}, {"republicofkorea", "KR"}, {"대한민국", "KR"},
	{"한국", "KR"}, {"unitedstates", "US"}, {"usa", "US"}, {"unitedstatesofamerica", "US"},
	{"미국", "US"}, {"japan", "JP"}, {"일본", "JP"}, {"unitedkingdom", "GB"}, {"uk", "GB"},
	{"greatbritain", "GB"}, {"영국", "GB"}, {"china", "CN"}, {"중국", "CN"},
	{"germany", "DE"}, {"독일", "DE"}, {"france", "FR"}, {"프랑스", "FR"},
	{"brazil", "BR"}, {"canada", "CA"}, {"캐나다", "CA"}, {"australia", "AU"},
	{"호주", "AU"}, {"taiwan", "TW"}, {"대만", "TW"}, {"vietnam", "VN"}, {"베트남", "VN"},
	{NULL, NULL},
};

/* How much of n bytes copy_len() keeps in out[size]. */
static size_t fitted(size_t n, size_t size)
{
	return n < size ? n : size - 1;
}

static int copy_len(const char *s, size_t n, char *out, size_t size)
{
	n = fitted(n, size);
	memcpy(out, s, n);
	out[n] = '\0';
	return CRM_VALUE_OK;
}

static int copy_out(const char *s, char *out, size_t size)
{
	return copy_len(s, strlen(s), out, size);
}

static int country_value(const char *s, char *out, size_t size, const char **why)
{
	const char *code = lookup(countries, s);
	if (code)
		return copy_out(code, out, size);
	if (strlen(s) == 2 && ((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z') &&
	    ((s[1] | 0x20) >= 'a' && (s[1] | 0x20) <= 'z')) {
		out[0] = (char)(s[0] & ~0x20);
		out[1] = (char)(s[1] & ~0x20);
		out[2] = '\0';
		return CRM_VALUE_OK;
	}
	*why = _("is not a country code (ISO 3166, such as KR)");
	return CRM_VALUE_BAD;
}

/* snprintf("%lld") is a tenth of an import's time on ten million rows. */
static void format_i64(int64_t v, char *out, size_t size)
{
	char tmp[24];
	size_t n = 0, i = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do
		tmp[n++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		tmp[n++] = '-';
	if (n >= size)
		n = 0;
	while (n)
		out[i++] = tmp[--n];
	out[i] = '\0';
}

/* why_range and word_value's bad are marked N_() and translated only when a value
 * is refused: a lookup of the catalogue per value would slow an import. */
static int ranged_int(const char *s, int64_t lo, int64_t hi, int64_t *num, char *out,
		      size_t size, const char *why_range, const char **why)
{
	if (crm_parse_int(s, num, why) < 0)
		return CRM_VALUE_BAD;
	if (*num < lo || *num > hi) {
		*why = _(why_range);
		return CRM_VALUE_BAD;
	}
	format_i64(*num, out, size);
	return CRM_VALUE_OK;
}

static int currency_value(const char *s, size_t n, char *out, size_t size,
			  struct crm_value_ctx *vc, const char **why)
{
	size_t i;
	if (n != 3 || crm_currency_exponent(s) < 0) {
		*why = _("is not a known currency code (ISO 4217, such as KRW)");
		return CRM_VALUE_BAD;
	}
	for (i = 0; i < 3; i++)
		vc->currency[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
	vc->currency[3] = '\0';
	return copy_len(vc->currency, 3, out, size);
}

/* A word of a vocabulary w in its canonical form, or `bad` as the reason. */
static int word_value(const struct word *w, const char *s, char *out, size_t size,
		      const char **why, const char *bad)
{
	const char *canon = lookup(w, s);
	if (!canon) {
		*why = _(bad);
		return CRM_VALUE_BAD;
	}
	return copy_out(canon, out, size);
}

/* A key is refused, never cut: two ids cut alike would be one record. */
static int key_value(const char *s, size_t n, char *out, size_t size, const char **why)
{
	if (n > CRM_KEY_MAX) {
		_Static_assert(CRM_KEY_MAX == 255, "the message names the cap");
		*why = _("is longer than 255 bytes");
		return CRM_VALUE_BAD;
	}
	return copy_len(s, n, out, size);
}

int crm_kind_integer(enum crm_kind k)
{
	return k == CRM_K_MONEY || k == CRM_K_INT || k == CRM_K_COUNT || k == CRM_K_RATING ||
	       k == CRM_K_SCORE;
}

/* The value of kind k of the trimmed cell s[0..n), not empty. */
static int kind_value(enum crm_kind k, const char *s, size_t n, struct crm_value_ctx *vc,
		      char *out, size_t size, int64_t *num, const char **why)
{
	int b;
	switch (k) {
	case CRM_K_ID:
		return key_value(s, n, out, size, why);
	case CRM_K_TEXT:
		return copy_len(s, n, out, size);
	case CRM_K_TIME:
		return crm_parse_time_epoch(s, vc->tz, vc->order, out, num, why) < 0 ? CRM_VALUE_BAD
										  : CRM_VALUE_OK;
	case CRM_K_DATE:
		return crm_parse_date(s, vc->order, out, why) < 0 ? CRM_VALUE_BAD : CRM_VALUE_OK;
	case CRM_K_MONEY:
		if (crm_parse_money(s, vc->currency, num, why) < 0)
			return CRM_VALUE_BAD;
		format_i64(*num, out, size);
		return CRM_VALUE_OK;
	case CRM_K_INT:
		return ranged_int(s, INT64_MIN, INT64_MAX, num, out, size, "", why);
	case CRM_K_EMAIL:
		/* the key of a customer without an id: a key's limit */
		if (crm_norm_email(s, out, size, why) < 0)
			return CRM_VALUE_BAD;
		return key_value(out, strlen(out), out, size, why);
	case CRM_K_PHONE:
		return crm_norm_phone(s, vc->country, out, size, why) < 0 ? CRM_VALUE_BAD : CRM_VALUE_OK;
	case CRM_K_BOOL:
		if (crm_parse_bool(s, &b, why) < 0)
			return CRM_VALUE_BAD;
		*num = b;
		return copy_out(b ? "1" : "0", out, size);
	case CRM_K_CURRENCY:
		return currency_value(s, n, out, size, vc, why);
	case CRM_K_COUNTRY:
		return country_value(s, out, size, why);
	case CRM_K_ORDER_STATUS:
		return word_value(order_status, s, out, size, why,
				  N_("is not an order status (paid, cancelled, refunded, pending)"));
	case CRM_K_TICKET_STATUS:
		return word_value(ticket_status, s, out, size, why,
				  N_("is not a ticket status (open, pending, resolved, closed)"));
	case CRM_K_RATING:
		return ranged_int(s, 1, 5, num, out, size, N_("is not a rating from 1 to 5"), why);
	case CRM_K_SCORE:
		return ranged_int(s, 0, 10, num, out, size, N_("is not a score from 0 to 10"), why);
	case CRM_K_PRIORITY:
		return word_value(priority_words, s, out, size, why,
				  N_("is not a ticket priority (urgent, high, normal, low)"));
	case CRM_K_COUNT:
		return ranged_int(s, 0, INT64_MAX, num, out, size, N_("is not a count (0 or more)"), why);
	}
	*why = _("has an unknown kind");
	return CRM_VALUE_BAD;
}

static size_t i64_len(int64_t v)
{
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t n = 1 + (v < 0);
	while (u >= 10) {
		u /= 10;
		n++;
	}
	return n;
}

/* The length of a value just written byte by byte: strlen()'s wide loads
 * of bytes still in the store buffer stall (a fifth of the reading
 * thread's time, 7 values a row), a byte at a time does not. */
static size_t just_written_len(const char *s)
{
	const volatile char *p = s;
	size_t n = 0;
	while (p[n])
		n++;
	return n;
}

/* The length of kind_value()'s out[size] for the n bytes it took, without
 * reading out where the kind says it: read at once, the bytes just
 * stored would stall the load.  out has room for every such value. */
static size_t value_len(enum crm_kind k, size_t n, int64_t num, const char *out, size_t size)
{
	switch (k) {
	case CRM_K_ID: case CRM_K_TEXT:
		return fitted(n, size);
	case CRM_K_TIME:
		return CRM_TIME_LEN - 1;
	case CRM_K_DATE:
		return CRM_DATE_LEN - 1;
	case CRM_K_CURRENCY:
		return 3;
	case CRM_K_BOOL:
		return 1;
	case CRM_K_MONEY: case CRM_K_INT: case CRM_K_RATING: case CRM_K_SCORE: case CRM_K_COUNT:
		return i64_len(num);
	default:
		return just_written_len(out);
	}
}

/* crm_value() of in[0..len), in[len] its NUL; the value's length into
 * *outlen.  out's size must hold a value of any length the cell may give
 * (row_value()'s room). */
static int value_n(enum crm_kind k, char *in, size_t len, struct crm_value_ctx *vc, char *out,
		   size_t size, int64_t *num, const char **why, size_t *outlen)
{
	size_t n;
	const char *s = crm_trim_n(in, len, &n);
	int rc;
	if (!n)
		return CRM_VALUE_EMPTY;
	rc = kind_value(k, s, n, vc, out, size, num, why);
	if (rc == CRM_VALUE_OK)
		*outlen = value_len(k, n, *num, out, size);
	return rc;
}

int crm_value(enum crm_kind k, char *in, struct crm_value_ctx *vc, char *out, size_t size,
	      int64_t *num, const char **why)
{
	size_t len;
	int64_t n = 0;
	return value_n(k, in, strlen(in), vc, out, size, num ? num : &n, why, &len);
}

/* ---- value maps --------------------------------------------------------------------- */

/* Copy s[0..n) trimmed of spaces and tabs into out[CRM_VALUE_WORD_MAX + 1]:
 * 0, or -1 when it is longer. */
static int map_word(const char *s, size_t n, char *out)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n > CRM_VALUE_WORD_MAX)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

int crm_value_map_parse(const char *spec, struct crm_value_map *m, const char **why)
{
	const char *colon = strchr(spec, ':'), *eq = colon ? strchr(colon, '=') : NULL;
	size_t n = colon ? (size_t)(colon - spec) : 0;
	memset(m, 0, sizeof *m);
	if (!eq || n == 0) {
		*why = _("expected COLUMN:FROM=TO");
		return -1;
	}
	if (n >= sizeof m->col) {
		*why = _("has a COLUMN longer than any column's name");
		return -1;
	}
	memcpy(m->col, spec, n);
	if (map_word(colon + 1, (size_t)(eq - colon - 1), m->from) < 0 ||
	    map_word(eq + 1, strlen(eq + 1), m->to) < 0) {
		_Static_assert(CRM_VALUE_WORD_MAX == 127, "the message names the cap");
		*why = _("has a FROM or TO longer than 127 bytes");
		return -1;
	}
	if (!m->from[0]) {
		*why = _("has an empty FROM");
		return -1;
	}
	crm_fold_name(m->from, m->ffrom, sizeof m->ffrom);
	return 0;
}

/* The columns of words compare folded, as their vocabularies do. */
static int map_folds(enum crm_kind k)
{
	return k == CRM_K_ORDER_STATUS || k == CRM_K_TICKET_STATUS || k == CRM_K_PRIORITY ||
	       k == CRM_K_COUNTRY ||
	       k == CRM_K_CURRENCY || k == CRM_K_BOOL || k == CRM_K_TEXT;
}

/* Does the trimmed cell s (folded into f when the kind folds) match m? */
static int map_match(const struct crm_value_map *m, int fold, const char *s, const char *f)
{
	return fold ? !strcmp(m->ffrom, f) : !strcasecmp(m->from, s);
}

/* The TO of the first map of column col matching the trimmed cell s, or NULL. */
static const char *map_find(const struct crm_value_maps *vm, const struct crm_column *col,
			    const char *s)
{
	char f[2 * CRM_VALUE_WORD_MAX + 2];
	int i, fold = map_folds(col->kind), folded = 0;
	for (i = 0; i < vm->n; i++) {
		const struct crm_value_map *m = &vm->m[i];
		if (strcmp(m->col, col->name))
			continue;
		if (fold && !folded++) {
			crm_fold_name(s, f, sizeof f);
			if (strlen(f) > CRM_VALUE_WORD_MAX)
				return NULL;     /* cut short: no FROM is that long */
		}
		if (map_match(m, fold, s, f))
			return m->to;
	}
	return NULL;
}

/* Where map m came from, for a message: "--map-value 'SPEC'" or "FILE:LINE". */
static void map_origin(const struct crm_value_map *m, char *out, size_t size)
{
	char q[512], spec[3 * CRM_VALUE_WORD_MAX];
	if (m->file) {
		snprintf(out, size, "%s:%ld", m->file, m->line);
		return;
	}
	snprintf(spec, sizeof spec, "%s:%s=%s", m->col, m->from, m->to);
	snprintf(out, size, _("--map-value %s"), crm_quote(spec, q, sizeof q));
}

/* Can column col take m's TO?  Times, dates, money and phones depend on the
 * row (its zone, currency, country): a row whose TO fails is rejected. */
static int map_to_ok(const struct crm_column *col, const struct crm_value_map *m,
		     const char **why)
{
	struct crm_value_ctx vc = { NULL, CRM_MDY, NULL, "", NULL };
	char in[CRM_VALUE_WORD_MAX + 1], out[2 * CRM_VALUE_WORD_MAX + 64];
	int64_t num;
	enum crm_kind k = col->kind;
	if (!m->to[0] || k == CRM_K_TIME || k == CRM_K_DATE || k == CRM_K_MONEY ||
	    k == CRM_K_PHONE)
		return 1;
	memcpy(in, m->to, sizeof in);
	return crm_value(k, in, &vc, out, sizeof out, &num, why) == CRM_VALUE_OK;
}

int crm_value_maps_check(const struct crm_entity *e, const struct crm_value_maps *vm,
			 char *err, size_t errsize)
{
	char at[600], q[128], q2[128];
	const char *why = "";
	int i, j, c;
	for (i = 0; vm && i < vm->n; i++) {
		const struct crm_value_map *m = &vm->m[i];
		map_origin(m, at, sizeof at);
		if ((c = crm_entity_col(e, m->col)) < 0) {
			snprintf(err, errsize, _("%s: %s has no column %s (see crm-import --columns %s)"),
				 at, e->name, crm_quote(m->col, q, sizeof q), e->name);
			return -1;
		}
		if (!map_to_ok(&e->cols[c], m, &why)) {
			/* TRANSLATORS: where a value map is, its TO value and why
			 * that value is refused ("is not a date") */
			snprintf(err, errsize, _("%s: %s %s"), at, crm_quote(m->to, q, sizeof q), why);
			return -1;
		}
		for (j = 0; j < i; j++) {
			const struct crm_value_map *p = &vm->m[j];
			if (strcmp(p->col, m->col) || !map_match(p, map_folds(e->cols[c].kind),
								 m->from, m->ffrom))
				continue;
			if (strcmp(p->to, m->to)) {
				snprintf(err, errsize, _("%s: %s is mapped to %s already"), at,
					 crm_quote(m->from, q, sizeof q), crm_quote(p->to, q2, sizeof q2));
				return -1;
			}
		}
	}
	return 0;
}

/* ---- rows ------------------------------------------------------------------------- */

/* The room a cell's value may take: a normaliser may lengthen it
 * (12,900원 -> 12900 is shorter, but a phone gains its country code), so
 * twice the cell, or twice a --map-value TO in its place (a TO longer
 * than a short cell was once cut to the cell's room, a key among them),
 * and the longest canonical form (a time) besides. */
static size_t cell_room(size_t len)
{
	return (len > CRM_VALUE_WORD_MAX ? len : CRM_VALUE_WORD_MAX) * 2 + 64;
}

size_t crm_row_values_need(const struct crm_row *row)
{
	size_t need = 0, i;
	for (i = 0; i < row->n; i++)
		need += cell_room(row->len[i]);
	return need;
}

size_t crm_row_values_need_max(size_t bytes, size_t fields)
{
	/* cell_room(len) <= 2 len + cell_room(0) */
	return 2 * bytes + fields * cell_room(0);
}

/* Pass 1 reads the currency, which pass 2 needs for money.  National phone
 * numbers are the shop's (--default-country), not the customer's country. */
static int first_pass(enum crm_kind k) { return k == CRM_K_CURRENCY; }

/* The reason a cell was refused, worded into why: "column 'x': 'cell' REASON"
 * (the cell trimmed now, which reads better).  Apart from cell_value(),
 * which runs for every cell, so that its frame holds no buffers. */
static __attribute__((noinline)) int cell_why(const struct crm_column *col, char *cell,
					       const char *to, const char *reason, int rc,
					       char *why, size_t whysize)
{
	char q[128], q2[128];
	if (rc == CRM_VALUE_BAD && to)       /* a TO that this row's context refuses */
		snprintf(why, whysize, _("column '%s': %s, mapped to %s, %s"), col->name,
			 crm_quote(crm_trim(cell), q, sizeof q), crm_quote(to, q2, sizeof q2), reason);
	else if (rc == CRM_VALUE_BAD)
		snprintf(why, whysize, _("column '%s': %s %s"), col->name,
			 crm_quote(crm_trim(cell), q, sizeof q), reason);
	else
		snprintf(why, whysize, _("column '%s' is empty"), col->name);
	return CRM_VALUE_BAD;
}

/* A cell mapped by --map-value: the value of its TO, or as crm_value(). */
static __attribute__((noinline)) int mapped_value(const struct crm_column *col, char *cell,
						  struct crm_value_ctx *vc, char *out, size_t size,
						  int64_t *num, const char **to, const char **reason,
						  size_t *outlen)
{
	char mapped[CRM_VALUE_WORD_MAX + 1];
	size_t n;
	if ((*to = map_find(vc->vmap, col, crm_trim(cell)))) {
		n = strlen(*to);
		memcpy(mapped, *to, n + 1);
		return value_n(col->kind, mapped, n, vc, out, size, num, reason, outlen);
	}
	return value_n(col->kind, cell, strlen(cell), vc, out, size, num, reason, outlen);
}

/* Normalise column c's cell as crm_value() does, the reason for a bad or
 * an empty required cell worded into why.  len: the cell's length, or
 * NO_LEN (a value map's lookup trims the cell in place first). */
#define NO_LEN ((size_t)-1)
static int cell_value(const struct crm_column *col, char *cell, size_t len,
		      struct crm_value_ctx *vc, char *out, size_t size, int64_t *num, char *why,
		      size_t whysize, size_t *outlen)
{
	const char *reason = "", *to = NULL;
	int rc;
	if (vc->vmap && vc->vmap->n)
		rc = mapped_value(col, cell, vc, out, size, num, &to, &reason, outlen);
	else
		rc = value_n(col->kind, cell, len == NO_LEN ? strlen(cell) : len, vc, out, size, num,
			     &reason, outlen);
	if (rc == CRM_VALUE_BAD || (rc == CRM_VALUE_EMPTY && (col->flags & CRM_COL_NONEMPTY)))
		return cell_why(col, cell, to, reason, rc, why, whysize);
	return rc;
}

/* Normalise column c's cell into out[size]: the bytes used, or -1 with the
 * reason in why. */
static long row_value(const struct crm_entity *e, int c, char *cell, size_t len,
		      struct crm_value_ctx *vc, char *out, size_t size, struct crm_values *v,
		      char *why, size_t whysize)
{
	size_t n = 0;
	int rc = cell_value(&e->cols[c], cell, len, vc, out, size, &v->num[c], why, whysize, &n);
	if (rc == CRM_VALUE_BAD)
		return -1;
	if (rc == CRM_VALUE_EMPTY)
		return 0;
	v->val[c] = out;
	v->len[c] = (uint32_t)n;
	return (long)n + 1;
}

/* The length of the cell of order[k]'s column as the reader gave it, or
 * NO_LEN when a column before it read the same field (--map names a
 * header twice): that one trimmed it in place. */
static size_t cell_len(const int colmap[CRM_MAX_COLS], const int *order, int k,
		       const struct crm_row *row)
{
	int j, f = colmap[order[k]];
	for (j = 0; j < k; j++)
		if (colmap[order[j]] == f)
			return NO_LEN;
	return row->len[f];
}

/*
 * Each value may take its cell's room in crm_row_values_need(), but is
 * packed after the one before: what it does not use is the next one's, so
 * the values stay within buf and lie together for whoever reads them next.
 */
long crm_row_values(const struct crm_entity *e, const int colmap[CRM_MAX_COLS],
		    const struct crm_row *row, struct crm_value_ctx *vc, char *buf,
		    struct crm_values *v, char *why, size_t whysize)
{
	size_t off = 0;
	long n;
	int c, k, m = 0, order[CRM_MAX_COLS];
	memset(v->val, 0, (size_t)e->ncols * sizeof *v->val);
	memset(v->len, 0, (size_t)e->ncols * sizeof *v->len);
	/* the mapped columns, the first pass's first */
	for (c = 0; c < e->ncols; c++)
		if (colmap[c] >= 0 && first_pass(e->cols[c].kind))
			order[m++] = c;
	for (c = 0; c < e->ncols; c++)
		if (colmap[c] >= 0 && !first_pass(e->cols[c].kind))
			order[m++] = c;
	for (k = 0; k < m; k++) {
		c = order[k];
		n = row_value(e, c, row->field[colmap[c]], cell_len(colmap, order, k, row), vc,
			      buf + off, cell_room(row->len[colmap[c]]), v, why, whysize);
		if (n < 0)
			return -1;
		off += (size_t)n;
	}
	memcpy(v->currency, vc->currency, sizeof v->currency);
	return (long)off;
}

/* ---- reading an entity stream ------------------------------------------------------ */

int crm_row_check(const struct crm_entity *e, const int colmap[CRM_MAX_COLS],
		  const struct crm_row *hdr, const struct crm_row *row, char *why, size_t whysize)
{
	char q[128];
	size_t i;
	int c;
	if (row->n != hdr->n) {
		snprintf(why, whysize, _("expected %zu fields as in the header, found %zu"), hdr->n,
			 row->n);
		return -1;
	}
	for (i = 0; i < row->n && !row->nul_free; i++) {
		const char *name = hdr->field[i];
		if (!memchr(row->field[i], '\0', row->len[i]))
			continue;
		for (c = 0; c < e->ncols; c++)
			if (colmap[c] == (int)i)
				name = e->cols[c].name;
		snprintf(why, whysize, _("column %s contains a NUL byte"), crm_quote(name, q, sizeof q));
		return -1;
	}
	return 0;
}

void crm_stream_malformed(char *out, size_t size, size_t field, const char *why)
{
	snprintf(out, size, _("field %zu: %s"), field, why);
}

int crm_stream_value(const struct crm_stream *s, int col, char *cell, char *out, size_t size,
		     int64_t *num, char *why, size_t whysize)
{
	struct crm_value_ctx vc = s->vc;
	int64_t n = 0;
	vc.vmap = NULL;              /* the reader has mapped the raw cells */
	size_t len;
	return cell_value(&s->e->cols[col], cell, NO_LEN, &vc, out, size, num ? num : &n, why,
			  whysize, &len);
}

/* One crm_stream_read(): what it learns from the header, and the room the
 * values of a row are written into, grown to the widest row. */
struct stream_read {
	const struct crm_stream *s;
	const char *name, **namep;      /* namep: the caller's, or name */
	int colmap[CRM_MAX_COLS];       /* the header's */
	int norm[CRM_MAX_COLS];         /* less the raw columns: what crm_row_values() reads */
	struct crm_row *hdr;            /* the header, kept for crm_row_check() */
	int fatal;
	char *buf;
	size_t bufsize;
};

static int stream_header(const struct crm_row *hdr, void *ctx)
{
	struct stream_read *r = ctx;
	const struct crm_stream *s = r->s;
	char err[CRM_HEADER_ERR_MAX];
	int c, rc = crm_header_map(s->e, hdr, s->maps, s->nmap, r->colmap, err, sizeof err);
	if (rc < 0) {
		crm_header_errors(*r->namep, hdr->line, err);
		r->fatal = rc == -2 ? CRM_EUSAGE : CRM_EDATA;
		return 1;
	}
	if (s->on_header && (r->fatal = s->on_header(r->colmap, hdr, s->ctx)) != 0)
		return 1;
	for (c = 0; c < s->e->ncols; c++)
		r->norm[c] = s->raw & CRM_STREAM_RAW(c) ? -1 : r->colmap[c];
	r->hdr = crm_row_dup(hdr);
	return 0;
}

static int stream_row(const struct crm_row *row, void *ctx)
{
	struct stream_read *r = ctx;
	const struct crm_stream *s = r->s;
	struct crm_value_ctx vc = s->vc;
	struct crm_values v;
	/* and room for the raw columns' mapped values */
	size_t need = crm_row_values_need(row) + CRM_MAX_COLS * (CRM_VALUE_WORD_MAX + 1);
	char why[512], *cell;
	const char *to;
	long used;
	int c;
	if (crm_row_check(s->e, r->colmap, r->hdr, row, why, sizeof why) < 0)
		return s->on_reject(row->line, why, s->ctx);
	if (need > r->bufsize) {
		r->bufsize = 2 * need;
		r->buf = crm_xrealloc(r->buf, r->bufsize);
	}
	if ((used = crm_row_values(s->e, r->norm, row, &vc, r->buf, &v, why, sizeof why)) < 0)
		return s->on_reject(row->line, why, s->ctx);
	for (c = 0; c < s->e->ncols; c++) {
		if (r->norm[c] >= 0 || r->colmap[c] < 0)
			continue;
		cell = crm_trim(row->field[r->colmap[c]]);
		if (*cell && vc.vmap && vc.vmap->n && (to = map_find(vc.vmap, &s->e->cols[c], cell))) {
			cell = memcpy(r->buf + used, to, strlen(to) + 1);
			used += (long)strlen(to) + 1;
		}
		v.val[c] = *cell ? cell : NULL;
	}
	return s->on_row(&v, row, s->ctx);
}

static int stream_malformed(long line, size_t field, const char *why, void *ctx)
{
	struct stream_read *r = ctx;
	char msg[512];
	crm_stream_malformed(msg, sizeof msg, field, why);
	return r->s->on_reject(line, msg, r->s->ctx);
}

int crm_stream_read(const struct crm_stream *s, const char *path)
{
	struct stream_read r;
	int rc;
	char err[1024];
	if (crm_value_maps_check(s->e, s->vc.vmap, err, sizeof err) < 0)
		return crm_usage_error("%s", err);
	memset(&r, 0, sizeof r);
	r.s = s;
	r.namep = s->name ? s->name : &r.name;
	rc = crm_read_path(path, s->csv, s->flags, r.namep, stream_header, stream_row,
			   stream_malformed, &r);
	free(r.buf);
	crm_row_free(r.hdr);
	return r.fatal ? r.fatal : rc;
}
