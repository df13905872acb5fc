/* The text format: one article per file, the first non-blank line its title,
 * the rest its body; the article id is the file's path under the corpus root. */
#include <string.h>

#include "reader-private.h"

/* Bodies beyond this are rejected rather than swallowed whole. */
#define MAX_TEXT_ARTICLE (64u << 20)

enum { F_ID, F_TITLE, F_BODY };

ng_status_t ng_read_text(ng_reader_t *r, ng_article_t *a)
{
    ng_buf_t *title = &r->field[F_TITLE], *body = &r->field[F_BODY], *id = &r->field[F_ID];
    const char *line;
    size_t len;
    ng_status_t st;
    int have_title = 0;

    ng_buf_clear(title);
    ng_buf_clear(body);
    ng_buf_clear(id);
    r->done = 1; /* one article per file */
    while ((st = ng_input_getline(r->in, &line, &len)) == NG_STATUS_SUCCESS) {
        if (!have_title) {
            size_t i = 0;
            while (i < len && (line[i] == ' ' || line[i] == '\t'))
                i++;
            if (i == len)
                continue;
            r->line = ng_input_line(r->in);
            if (ng_buf_append(title, line + i, len - i) != 0)
                return ng_reader_fail(r, NG_STATUS_OUT_OF_MEMORY, "out of memory");
            have_title = 1;
            continue;
        }
        if (body->len + len + 1 > MAX_TEXT_ARTICLE)
            return ng_reader_fail(r, NG_STATUS_BAD_RECORD, "article longer than %u bytes", MAX_TEXT_ARTICLE);
        if (ng_buf_append(body, line, len) != 0 || ng_buf_append_byte(body, '\n') != 0)
            return ng_reader_fail(r, NG_STATUS_OUT_OF_MEMORY, "out of memory");
    }
    if (st == NG_STATUS_BAD_RECORD || st == NG_STATUS_IO_ERROR) {
        r->line = ng_input_line(r->in);
        return ng_reader_fail(r, st, "%s", ng_input_errmsg(r->in));
    }
    if (!have_title)
        return NG_STATUS_END;
    if (ng_buf_append_str(id, r->text_id) != 0)
        return ng_reader_fail(r, NG_STATUS_OUT_OF_MEMORY, "out of memory");
    a->id = ng_buf_str(id);
    a->title = ng_buf_str(title);
    a->date = a->source = a->url = a->language = "";
    a->body = ng_buf_str(body);
    a->body_len = body->len;
    a->line = r->line;
    return NG_STATUS_SUCCESS;
}
