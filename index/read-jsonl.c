/* The JSON Lines format: one object per line with the article's fields; a line
 * that is not such an object is rejected alone. */
#include <string.h>

#include <jansson.h>

#include "reader-private.h"

enum { F_ID, F_DATE, F_TITLE, F_SOURCE, F_URL, F_LANGUAGE, F_BODY };

/* Each field and the names it goes by in real news dumps, preferred first. */
static const char *const field_names[NG_READER_FIELDS][6] = {
    [F_ID] = {"id", NULL},         [F_DATE] = {"date", NULL}, [F_TITLE] = {"title", NULL},
    [F_SOURCE] = {"source", NULL}, [F_URL] = {"url", NULL},   [F_LANGUAGE] = {"language", NULL},
    [F_BODY] = {"body", NULL},
};

void ng_read_jsonl_cleanup(ng_reader_t *r)
{
    if (r->json) {
        json_decref(r->json);
        r->json = NULL;
    }
}

/* Copy the string (or number, for ids) of OBJ's field F into the reader's
 * buffer; NUL characters become spaces. Returns 0, 1 when the field is absent
 * or empty, -1 when out of memory. */
static int get_field(ng_reader_t *r, json_t *obj, int f)
{
    ng_buf_t *buf = &r->field[f];
    ng_buf_clear(buf);
    for (int i = 0; field_names[f][i]; i++) {
        json_t *v = json_object_get(obj, field_names[f][i]);
        if (json_is_string(v) && json_string_length(v) > 0) {
            size_t start = buf->len;
            if (ng_buf_append(buf, json_string_value(v), json_string_length(v)) != 0)
                return -1;
            for (size_t j = start; j < buf->len; j++)
                if (buf->data[j] == '\0')
                    buf->data[j] = ' ';
            return 0;
        }
        if (f == F_ID && json_is_integer(v)) {
            char num[32];
            snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
            return ng_buf_append_str(buf, num);
        }
    }
    return 1;
}

ng_status_t ng_read_jsonl(ng_reader_t *r, ng_article_t *a)
{
    const char *line;
    size_t len;
    ng_status_t st;

    ng_read_jsonl_cleanup(r);
    do {
        st = ng_input_getline(r->in, &line, &len);
        if (st != NG_STATUS_SUCCESS) {
            r->line = ng_input_line(r->in);
            return st == NG_STATUS_END ? st : ng_reader_fail(r, st, "%s", ng_input_errmsg(r->in));
        }
        while (len && (*line == ' ' || *line == '\t')) {
            line++;
            len--;
        }
    } while (len == 0);
    r->line = ng_input_line(r->in);

    json_error_t err;
    json_t *obj = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
    if (!obj)
        return ng_reader_fail(r, NG_STATUS_BAD_RECORD, "invalid JSON at column %d: %s", err.column, err.text);
    r->json = obj;
    if (!json_is_object(obj))
        return ng_reader_fail(r, NG_STATUS_BAD_RECORD, "not a JSON object");

    int missing[NG_READER_FIELDS];
    for (int f = 0; f < NG_READER_FIELDS; f++) {
        missing[f] = get_field(r, obj, f);
        if (missing[f] < 0)
            return ng_reader_fail(r, NG_STATUS_OUT_OF_MEMORY, "out of memory");
    }
    if (missing[F_TITLE] && missing[F_BODY])
        return ng_reader_fail(r, NG_STATUS_BAD_RECORD, "record has neither title nor body");
    if (missing[F_ID]) {
        if (missing[F_URL])
            return ng_reader_fail(r, NG_STATUS_BAD_RECORD, "record has no id and no url");
        if (ng_buf_append(&r->field[F_ID], r->field[F_URL].data, r->field[F_URL].len) != 0)
            return ng_reader_fail(r, NG_STATUS_OUT_OF_MEMORY, "out of memory");
    }
    if (!missing[F_DATE])
        ng_reader_normalise_date(&r->field[F_DATE]); /* an unreadable date is an unknown date */

    a->id = ng_buf_str(&r->field[F_ID]);
    a->date = ng_buf_str(&r->field[F_DATE]);
    a->title = ng_buf_str(&r->field[F_TITLE]);
    a->source = ng_buf_str(&r->field[F_SOURCE]);
    a->url = ng_buf_str(&r->field[F_URL]);
    a->language = ng_buf_str(&r->field[F_LANGUAGE]);
    a->body = ng_buf_str(&r->field[F_BODY]);
    a->body_len = r->field[F_BODY].len;
    a->line = r->line;
    return NG_STATUS_SUCCESS;
}
