/*
 * topics.h - what one feedback text is about: the topics of a dictionary
 * it mentions (delivery, price, ...), whether each mention is negated, and
 * a sentiment from a polarity lexicon, for crm-feedback.
 *
 *   # comment; blank lines are skipped
 *   delivery: 배송, 택배, 배송빠르, =도착, deliver, shipping
 *   delivery: 출고                    # a topic may take several lines
 *   smell: 향, 냄새, !방향, !영향       # '!': an exclusion of the topic
 *
 * Contract: the dictionary file (read through textfile.h: its caps, its
 * messages).
 *  - "TOPIC: KEYWORD, KEYWORD, ...": TOPIC is 1..CRM_TOPIC_NAME_MAX bytes
 *    holding no ',', '"', control character, space, tab, '=' or '!'
 *    (crm_parse_bad_name_char); each keyword is trimmed UTF-8.  A topic
 *    named again adds keywords; a keyword given twice for one topic counts
 *    once.  '#' anywhere starts a comment.  Topics keep their first order.
 *  - "=KEYWORD" matches only where a word starts (after a space, a
 *    punctuation mark or the start): "=향" hits "향이 좋아요", not "방향".
 *  - "!WORD" is an exclusion: a mention of the topic that lies inside an
 *    occurrence of WORD is no mention ("!방향" under smell: "방향" does
 *    not hit "향"; "향이" still does).
 *  - Refused, as "NAME:LINE: column COL: PROBLEM" (COL in characters): a
 *    line without ':', an empty or bad topic name, an empty keyword (",,",
 *    a trailing ','), invalid UTF-8 in a keyword, a keyword that holds
 *    nothing to match (only emoticons, jamo or punctuation: "ㅋㅋ", "^^"),
 *    and more than CRM_TOPICS_KEYWORDS_MAX keywords.  "NAME: no topics"
 *    for a file without one.
 *
 * Contract: matching (the text and each keyword are normalised alike).
 *  - ASCII letters are folded to lower case; a run of ASCII letters and
 *    digits is a Latin word, reduced to its stem by suffix stripping
 *    ('s, ies, es, s, ing, ed, ly, then a last e, y or i; a doubled final
 *    consonant but l, s, z undoubled): deliveries, delivered and delivery
 *    all read "deliver".  "n't" reads as a word "not".  A Latin keyword
 *    matches whole (stemmed) words only.
 *  - Hangul (every non-ASCII letter) is compared with the spaces between two
 *    such letters removed, on both sides, so "배송빠르" hits "배송 빠르고"
 *    and "배송 빠르" hits "배송빠르고"; a keyword matches anywhere in a
 *    word, so particles and endings glued to a stem do not matter (배송이,
 *    배송은, 배송되었어요 all hit 배송).
 *  - Ignored, as a space: Hangul jamo (ㅋㅋ, ㅠㅠ, ㅎㅎ), emoji and symbols
 *    (U+2000..U+2BFF, U+1F000..U+1FAFF, variation selectors), CJK and ASCII
 *    punctuation but the clause breaks, so ^^, :), ~~ and ... never match
 *    and never break a match.  Clause breaks: '.', '!', '?', ',', ';' and
 *    line ends: no keyword spans one, and negation stops at one.
 *  - Invalid UTF-8 in a text is no error here: each bad byte reads as a
 *    space.  crm_topics_bad_utf8() finds the first, for a caller that says
 *    so.
 *  - Negation of a mention, within its clause: English "not" (and n't),
 *    "no", "never", "without", "hardly", "nor" among the 3 words before it,
 *    or "not", "never" among the 2 after; Korean "안" or "못" as the word or
 *    the syllable just before it, or, in the rest of its word and the 2
 *    words after (up to the next mention, and not past a word ending in a
 *    connective -고, -데, -지만, -서, -며), a word containing 않, 없 or 아니,
 *    a word "안"/"못", or one starting with 안/못 and a verb (안와요, 못써요).
 *    A 안/못 that stands right before the next mention is that mention's
 *    ("별로 안 좋아요": 안 negates 좋, not 별로).
 *  - Linear in the text: one Aho-Corasick automaton (a dense table over
 *    classes of bytes) runs over the normalised text once, whatever the
 *    number of keywords.  A text is at most CRM_TOPICS_TEXT_MAX bytes;
 *    bytes past that are not read.
 *
 * Contract: sentiment.  A polarity lexicon is a dictionary of the same
 * format with the topics "positive" and "negative" (data/topics/ko.polarity, en.polarity,
 * built in).  Each mention of a positive word counts +1 and of a negative
 * one -1, a negated mention the opposite; the sum's sign is the sentiment.
 *
 * Errors: convention (a) of diag.h.  crm_topics_load() returns NULL with
 * the message in err and the exit code in *code (if not NULL): CRM_EUSAGE
 * for bad content or a file past the caps, CRM_EIO for one that cannot be
 * opened or read.  The tagging functions cannot fail.
 * A loaded dictionary is read-only: several threads may tag with one.
 */
#ifndef CRM_TOPICS_H
#define CRM_TOPICS_H

#include <stddef.h>
#include <stdio.h>

#define CRM_TOPIC_NAME_MAX 64
#define CRM_TOPICS_KEYWORDS_MAX 100000
#define CRM_TOPICS_TEXT_MAX (1 << 24)

struct crm_topics;

struct crm_topic_hit {
	int topic;              /* index of the topic: crm_topics_name() */
	const char *name;       /* its name (owned by the dictionary) */
	const char *keyword;    /* the keyword of the first mention, as written */
	size_t offset;          /* byte offset of the first mention in the text */
	int mentions;           /* how many mentions (non-overlapping or not) */
	int negated;            /* 1 when any mention is negated */
};

enum crm_sentiment { CRM_NEGATIVE = -1, CRM_NEUTRAL = 0, CRM_POSITIVE = 1 };

/* Read a dictionary file (its name in messages is path). */
struct crm_topics *crm_topics_load(const char *path, char *err, size_t errsize, int *code);
/* The built-in dictionary: lang "ko", "en", or "all" (both merged); NULL for
 * another lang. */
struct crm_topics *crm_topics_default(const char *lang);
/* The built-in polarity lexicon, lang as crm_topics_default(). */
struct crm_topics *crm_polarity_default(const char *lang);
void crm_topics_free(struct crm_topics *t);

/* The dictionary as it reads back: one line per topic, keywords as written
 * (with their '=' or '!'), deduplicated, control characters escaped. */
void crm_topics_write(FILE *fp, const struct crm_topics *t);

int crm_topics_count(const struct crm_topics *t);
const char *crm_topics_name(const struct crm_topics *t, int topic);
/* The index of the topic named name, or -1. */
int crm_topics_find(const struct crm_topics *t, const char *name);

/* The topics text[0..n) mentions, in the dictionary's order of topics: at
 * most max of them are put in hits; returns how many were found (which may
 * pass max). */
int crm_topics_tag(const struct crm_topics *t, const char *text, size_t n,
		   struct crm_topic_hit *hits, int max);
/* The sentiment of text[0..n) by the polarity lexicon pol; *score (if not
 * NULL) gets the sum. */
enum crm_sentiment crm_topics_sentiment(const struct crm_topics *pol, const char *text, size_t n,
					int *score);
/* The byte offset of the first byte of text[0..n) that is not valid UTF-8,
 * or -1. */
long crm_topics_bad_utf8(const char *text, size_t n);

#endif
