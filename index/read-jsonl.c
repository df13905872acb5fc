/* The JSON Lines format: one object per line with the article's fields, under
 * their own names or those of common news dumps; a line that is not such an
 * object is rejected alone. */
#include <string.h>

#include <jansson.h>

#include "reader-private.h"

/* Each field and the names it goes by in real news dumps, preferred first. */
static const char *const field_names[NG_READER_FIELDS][7] = {
    [NG_F_ID] = {"id", "_id", NULL},
    [NG_F_DATE] = {"date", "date_publish", "published", "publish_date", "date_published", "pubDate", NULL},
    [NG_F_TITLE] = {"title", "headline", NULL},
    [NG_F_SOURCE] = {"source", "source_domain", "domain", "source_name", NULL},
    [NG_F_URL] = {"url", "link", NULL},
    [NG_F_LANGUAGE] = {"language", "lang", NULL},
    [NG_F_BODY] = {"body", "text", "maintext", "content", "article", NULL},
};

void ng_read_jsonl_cleanup(ng_reader_t *r)
{
    if (r->json) {
        json_decref(r->json);
        r->json = NULL;
    }
}

static int append_string(ng_buf_t *buf, json_t *v)
{
    return ng_buf_append(buf, json_string_value(v), json_string_length(v));
}

/* Copy OBJ's field F into the reader's buffer: a string; for ids a number too;
 * for the body an array of strings (its paragraphs); for the source an object
 * with a "name" (as news APIs give it). Returns 0, 1 when the field is absent
 * or empty, -1 when out of memory. */
static int get_field(ng_reader_t *r, json_t *obj, int f)
{
    ng_buf_t *buf = &r->field[f];
    ng_buf_clear(buf);
    for (int i = 0; field_names[f][i]; i++) {
        json_t *v = json_object_get(obj, field_names[f][i]);
        if (f == NG_F_SOURCE && json_is_object(v))
            v = json_object_get(v, "name");
        if (json_is_string(v) && json_string_length(v) > 0)
            return append_string(buf, v);
        if (f == NG_F_ID && json_is_integer(v)) {
            char num[32];
            snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
            return ng_buf_append_str(buf, num);
        }
        if (f == NG_F_BODY && json_is_array(v) && json_array_size(v) > 0) {
            size_t j;
            json_t *p;
            json_array_foreach(v, j, p)
            {
                if (!json_is_string(p))
                    continue;
                if ((buf->len && ng_buf_append_byte(buf, '\n') != 0) || append_string(buf, p) != 0)
                    return -1;
            }
            if (buf->len)
                return 0;
        }
    }
    return 1;
}

ng_status_t ng_read_jsonl(ng_reader_t *r, ng_article_t *a)
{
    const char *line;
    size_t len;

    ng_read_jsonl_cleanup(r);
    do {
        ng_status_t st = ng_reader_getline(r, &line, &len, NULL);
        if (st != NG_STATUS_SUCCESS) {
            r->line = ng_input_line(r->in);
            return st; /* ng_reader_getline said why */
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

    for (int f = 0; f < NG_READER_FIELDS; f++)
        if (get_field(r, obj, f) < 0)
            return ng_reader_fail(r, NG_STATUS_OUT_OF_MEMORY, "out of memory");
    return ng_reader_finish(r, a, 0);
}
