/* Defaults shared by newsgrep and newsgrep-index: where the index lives when no
 * --db is given, and the analyzer language of a new index. */
#ifndef NG_DEFAULTS_H
#define NG_DEFAULTS_H

#ifdef __cplusplus
extern "C" {
#endif

#define NG_DEFAULT_LANGUAGE "english"

/* $NEWSGREP_DB, else $XDG_DATA_HOME/newsgrep/db, else $HOME/.local/share/newsgrep/db.
 * Returns a malloc'ed path the caller frees, or NULL when none can be formed
 * (no HOME) or memory is out. */
char *ng_default_db_path(void);

#ifdef __cplusplus
}
#endif

#endif
