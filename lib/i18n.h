/*
 * i18n.h - the messages a person reads, in the language of their locale.
 *
 * Contract:
 *  - crm_i18n_init(argv0) first thing in main(): the message language and
 *    the character type come from the environment as gettext reads them
 *    (LANGUAGE, LC_ALL, LC_MESSAGES, LANG); every other category stays "C",
 *    so what machines read (numbers, CSV and JSON, sort order, dates in
 *    ISO 8601) never changes with the locale.
 *  - The catalogue (domain "crm") is looked for in the build tree, the
 *    directory "locale" beside the running program (build/locale), and
 *    then under CRM_LOCALEDIR, the install's ($(PREFIX)/share/locale).  A
 *    missing catalogue or locale is English, without a word.
 *  - _("text") translates a message; N_("text") only marks one for
 *    xgettext (a static table), translated with _() where it is printed;
 *    crm_n_(one, many, n) picks the plural form for n (Korean has one).
 *  - crm_tr(msg) is _() of a message held in a variable (a reason, a
 *    what that a caller marked N_()): NULL and "" are given back as they are
 *    (gettext would give the catalogue's header for ""), and a text that is
 *    no message (a SQLite error, a file name) comes back unchanged.
 *  - crm_lang() is the language the messages are in: "ko" or "en".  The
 *    reports' Korean forms (dates, weeks, money) follow it, not LC_TIME.
 *  - Only text for people: headers and values of CSV, TSV and JSON, exit
 *    statuses and words given as arguments are never translated.
 */
#ifndef CRM_I18N_H
#define CRM_I18N_H

#include <libintl.h>

#define CRM_TEXTDOMAIN "crm"
#define _(text) dgettext(CRM_TEXTDOMAIN, text)
#define N_(text) (text)
#define crm_n_(one, many, n) dngettext(CRM_TEXTDOMAIN, one, many, (unsigned long)(n))

void crm_i18n_init(const char *argv0);
const char *crm_tr(const char *msg);
const char *crm_lang(void);

#endif
