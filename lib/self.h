/*
 * self.h - the file the running program was started from.
 *
 * Contract:
 *  - crm_self_path() puts into out the program's file, symlinks resolved,
 *    found portably by the first way that works: argv[0] when it holds a
 *    '/' (run by a path), else /proc/self/exe where there is one (Linux),
 *    else the first PATH entry holding an executable argv[0] (as the shell
 *    found it).  0, or -1 when none works.
 *  - Used to find what a build tree keeps beside its programs: crm(1) its
 *    commands, i18n.c the message catalogue.
 */
#ifndef CRM_SELF_H
#define CRM_SELF_H

#include <limits.h>

int crm_self_path(const char *argv0, char out[PATH_MAX]);

#endif
