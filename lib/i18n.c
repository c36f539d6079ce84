/*
 * i18n.c - the locale and the message catalogue (i18n.h).
 */
#include <limits.h>
#include <stdio.h>
#include <locale.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"
#include "self.h"

#ifndef CRM_LOCALEDIR
#define CRM_LOCALEDIR "/usr/local/share/locale"
#endif

/* The directory "locale" beside the running program (self.h), into out,
 * when there is one: a build tree's catalogue (make builds build/locale). */
static int beside_program(const char *argv0, char out[PATH_MAX])
{
	char exe[PATH_MAX];
	struct stat st;
	char *slash;

	if (!argv0 || crm_self_path(argv0, exe) != 0 || !(slash = strrchr(exe, '/')))
		return -1;
	*slash = '\0';
	if (snprintf(out, PATH_MAX, "%s/locale", exe) >= PATH_MAX)
		return -1;
	return stat(out, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

void crm_i18n_init(const char *argv0)
{
	char dir[PATH_MAX];

	/* only these two: LC_NUMERIC would turn "12.5" into "12,5" in a
	 * German locale, LC_COLLATE the order of sorted keys */
	setlocale(LC_CTYPE, "");
	setlocale(LC_MESSAGES, "");
	bindtextdomain(CRM_TEXTDOMAIN, beside_program(argv0, dir) == 0 ? dir : CRM_LOCALEDIR);
	bind_textdomain_codeset(CRM_TEXTDOMAIN, "UTF-8");
}

const char *crm_tr(const char *msg)
{
	return msg && *msg ? dgettext(CRM_TEXTDOMAIN, msg) : msg;
}

const char *crm_lang(void)
{
	/* TRANSLATORS: this catalogue's language code, "ko": the reports' forms follow it */
	const char *lang = _("crm-language-code:en");
	return strcmp(lang, "crm-language-code:en") == 0 ? "en" : lang;
}
