/* The reader of reader.h: opens the input, finds the format, and hands each
 * call to the format's module (read-text.c, read-jsonl.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader-private.h"

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

ng_status_t ng_reader_open(const char *path, const char *name, const char *text_id, ng_format_t format,
                           ng_reader_t **out, char **errmsg)
{
    *out = NULL;
    *errmsg = NULL;
    ng_reader_t *r = calloc(1, sizeof *r);
    if (!r || !(r->text_id = strdup(text_id))) {
        free(r);
        return NG_STATUS_OUT_OF_MEMORY;
    }
    ng_status_t st = ng_input_open(path, name, &r->in, errmsg);
    if (st != NG_STATUS_SUCCESS) {
        ng_reader_close(r);
        return st;
    }
    if (format == NG_FORMAT_AUTO) {
        int c = ng_input_first_byte(r->in);
        if (c == '{')
            format = NG_FORMAT_JSONL;
        else if (c >= 0 && (ends_with(path, ".txt") || ends_with(path, ".txt.gz")))
            format = NG_FORMAT_TEXT;
        else
            format = NG_FORMAT_NONE;
    }
    r->format = format;
    *out = r;
    return NG_STATUS_SUCCESS;
}

void ng_reader_close(ng_reader_t *r)
{
    if (!r)
        return;
    ng_read_jsonl_cleanup(r);
    ng_input_close(r->in);
    for (int i = 0; i < NG_READER_FIELDS; i++)
        ng_buf_free(&r->field[i]);
    free(r->text_id);
    free(r);
}

ng_format_t ng_reader_format(const ng_reader_t *r)
{
    return r->format;
}

const char *ng_reader_errmsg(const ng_reader_t *r)
{
    return r->errmsg;
}

unsigned long ng_reader_line(const ng_reader_t *r)
{
    return r->line;
}

ng_status_t ng_reader_fail(ng_reader_t *r, ng_status_t status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->errmsg, sizeof r->errmsg, fmt, ap);
    va_end(ap);
    return status;
}

ng_status_t ng_reader_next(ng_reader_t *r, ng_article_t *article)
{
    memset(article, 0, sizeof *article);
    if (r->done)
        return NG_STATUS_END;
    r->errmsg[0] = '\0';
    ng_status_t st;
    switch (r->format) {
    case NG_FORMAT_TEXT: st = ng_read_text(r, article); break;
    case NG_FORMAT_JSONL: st = ng_read_jsonl(r, article); break;
    default: st = NG_STATUS_END; break;
    }
    if (st == NG_STATUS_END || st == NG_STATUS_IO_ERROR)
        r->done = 1;
    return st;
}

static const char *const format_names[] = {"auto", "text", "jsonl", "none"};

const char *ng_format_name(ng_format_t format)
{
    return (unsigned)format < sizeof format_names / sizeof format_names[0] ? format_names[format] : "?";
}

ng_format_t ng_format_parse(const char *name)
{
    for (unsigned i = 0; i < NG_FORMAT_NONE; i++)
        if (strcmp(name, format_names[i]) == 0)
            return (ng_format_t)i;
    return NG_FORMAT_NONE;
}

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int date_prefix(const char *t, size_t len)
{
    if (len < 4 || !digits(t, 4))
        return -1;
    size_t keep = 4;
    if (len >= 7 && t[4] == '-' && digits(t + 5, 2)) {
        int month = (t[5] - '0') * 10 + (t[6] - '0');
        if (month < 1 || month > 12)
            return -1;
        keep = 7;
        if (len >= 10 && t[7] == '-' && digits(t + 8, 2)) {
            int day = (t[8] - '0') * 10 + (t[9] - '0');
            if (day < 1 || day > 31)
                return -1;
            keep = 10;
        }
    }
    /* what follows must be a time part or nothing */
    if (len > keep && t[keep] != 'T' && t[keep] != ' ' && t[keep] != 't')
        return -1;
    return (int)keep;
}

int ng_reader_normalise_date(ng_buf_t *date)
{
    size_t skip = 0;
    while (skip < date->len && (date->data[skip] == ' ' || date->data[skip] == '\t'))
        skip++;
    int keep = date_prefix(date->data + skip, date->len - skip);
    if (keep < 0) {
        ng_buf_clear(date);
        return -1;
    }
    memmove(date->data, date->data + skip, (size_t)keep);
    date->len = (size_t)keep;
    date->data[keep] = '\0';
    return 0;
}
