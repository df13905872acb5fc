/* The defaults of defaults.h, following the XDG base directory convention. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"

static char *join(const char *dir, const char *tail)
{
    size_t n = strlen(dir) + strlen(tail) + 1;
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "%s%s", dir, tail);
    return path;
}

char *ng_default_db_path(void)
{
    const char *env = getenv("NEWSGREP_DB");
    if (env && *env)
        return strdup(env);
    env = getenv("XDG_DATA_HOME");
    if (env && *env == '/')
        return join(env, "/newsgrep/db");
    env = getenv("HOME");
    if (env && *env)
        return join(env, "/.local/share/newsgrep/db");
    return NULL;
}
