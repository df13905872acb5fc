/* The text format: one article per file, the first non-blank line its title,
 * the rest its body; the article id is the file's path under the corpus root. */
#include <string.h>

#include "reader-private.h"

ng_status_t ng_read_text(ng_reader_t *r, ng_article_t *a)
{
    ng_buf_t *title = &r->field[NG_F_TITLE], *body = &r->field[NG_F_BODY];
    const char *line;
    size_t len;
    ng_status_t st;
    int have_title = 0;

    for (int f = 0; f < NG_READER_FIELDS; f++)
        ng_buf_clear(&r->field[f]);
    r->done = 1; /* one article per file */
    while ((st = ng_reader_getline(r, &line, &len, NULL)) == NG_STATUS_SUCCESS) {
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
        if (title->len + body->len + len + 1 > r->max_record)
            return ng_reader_fail(r, NG_STATUS_BAD_RECORD, "record longer than %zu bytes", r->max_record);
        if (ng_buf_append(body, line, len) != 0 || ng_buf_append_byte(body, '\n') != 0)
            return ng_reader_fail(r, NG_STATUS_OUT_OF_MEMORY, "out of memory");
    }
    if (st == NG_STATUS_BAD_RECORD || st == NG_STATUS_IO_ERROR) {
        r->line = ng_input_line(r->in);
        return st; /* ng_reader_getline said why */
    }
    if (st != NG_STATUS_END)
        return st;
    if (!have_title)
        return NG_STATUS_END;
    if (ng_buf_append_str(&r->field[NG_F_ID], r->text_id) != 0)
        return ng_reader_fail(r, NG_STATUS_OUT_OF_MEMORY, "out of memory");
    return ng_reader_finish(r, a, 0);
}
