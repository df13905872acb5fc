/* The reader of reader.h: opens the input, finds the format, and hands each
 * call to the format's module (read-text.c, read-jsonl.c, read-trec.c); the
 * helpers all formats share (UTF-8 repair, stable ids, dates) live here. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader-private.h"
#include "utf8.h"

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
    r->max_record = NG_READER_MAX_RECORD;
    ng_status_t st = ng_input_open(path, name, &r->in, errmsg);
    if (st != NG_STATUS_SUCCESS) {
        ng_reader_close(r);
        return st;
    }
    ng_input_set_max_line(r->in, r->max_record);
    if (format == NG_FORMAT_AUTO) {
        int c = ng_input_first_byte(r->in);
        if (c == '{')
            format = NG_FORMAT_JSONL;
        else if (c == '<')
            format = NG_FORMAT_TREC;
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
    ng_buf_free(&r->repaired);
    ng_buf_free(&r->record);
    ng_buf_free(&r->scratch);
    free(r->text_id);
    free(r);
}

ng_format_t ng_reader_format(const ng_reader_t *r)
{
    return r->format;
}

void ng_reader_set_max_record(ng_reader_t *r, size_t bytes)
{
    r->max_record = bytes < 1024 ? 1024 : bytes;
    ng_input_set_max_line(r->in, r->max_record);
}

const char *ng_reader_errmsg(const ng_reader_t *r)
{
    return r->errmsg;
}

unsigned long ng_reader_line(const ng_reader_t *r)
{
    return r->line;
}

const char *ng_reader_warning(const ng_reader_t *r, unsigned long *line)
{
    *line = r->warn_line;
    return r->warn_line ? r->warning : NULL;
}

unsigned long long ng_reader_offset(const ng_reader_t *r)
{
    return ng_input_offset(r->in);
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
    r->warn_line = 0;
    ng_status_t st;
    switch (r->format) {
    case NG_FORMAT_TEXT: st = ng_read_text(r, article); break;
    case NG_FORMAT_JSONL: st = ng_read_jsonl(r, article); break;
    case NG_FORMAT_TREC: st = ng_read_trec(r, article); break;
    default: st = NG_STATUS_END; break;
    }
    if (st == NG_STATUS_END || st == NG_STATUS_IO_ERROR)
        r->done = 1;
    if (st != NG_STATUS_SUCCESS)
        r->warn_line = 0;
    return st;
}

static const char *const format_names[] = {"auto", "text", "jsonl", "trec", "none"};

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

/* --- helpers shared by the formats ---------------------------------------- */

int ng_reader_is_binary(const char *text, size_t len)
{
    size_t controls = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == 0)
            return 1;
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') || c == 0x7F)
            controls++;
    }
    /* Text may hold a stray control character; binary data is full of them. */
    return controls > 8 && controls > len / 20;
}

ng_status_t ng_reader_getline(ng_reader_t *r, const char **line, size_t *len, int *repaired)
{
    if (repaired)
        *repaired = 0;
    ng_status_t st = ng_input_getline(r->in, line, len);
    if (st == NG_STATUS_BAD_RECORD || st == NG_STATUS_IO_ERROR)
        return ng_reader_fail(r, st, "%s", ng_input_errmsg(r->in));
    if (st != NG_STATUS_SUCCESS)
        return st;
    if (ng_reader_is_binary(*line, *len))
        return ng_reader_fail(r, NG_STATUS_BAD_RECORD, "binary data, not text");
    if (ng_utf8_valid_prefix(*line, *len) == *len)
        return NG_STATUS_SUCCESS;
    ng_buf_clear(&r->repaired);
    if (ng_utf8_repair(*line, *len, &r->repaired) < 0)
        return ng_reader_fail(r, NG_STATUS_OUT_OF_MEMORY, "out of memory");
    *line = ng_buf_str(&r->repaired);
    *len = r->repaired.len;
    if (repaired)
        *repaired = 1;
    else if (!r->warn_line) {
        r->warn_line = ng_input_line(r->in);
        r->warning = NG_WARN_REPAIRED;
    }
    return NG_STATUS_SUCCESS;
}

void ng_reader_clean(ng_buf_t *buf)
{
    for (size_t i = 0; i < buf->len; i++) {
        unsigned char c = (unsigned char)buf->data[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
            buf->data[i] = ' ';
    }
}

/* FNV-1a, 64 bits: a stable hash, the same on every machine and run. */
static uint64_t hash_bytes(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

ng_status_t ng_reader_finish(ng_reader_t *r, ng_article_t *a, int allow_empty)
{
    for (int f = 0; f < NG_READER_FIELDS; f++) {
        ng_reader_clean(&r->field[f]);
        if (ng_buf_append(&r->field[f], "", 0) != 0) /* so that every field is a string */
            return ng_reader_fail(r, NG_STATUS_OUT_OF_MEMORY, "out of memory");
    }
    /* ids, titles and the like are one line */
    for (int f = 0; f < NG_READER_FIELDS; f++)
        if (f != NG_F_BODY)
            for (size_t i = 0; i < r->field[f].len; i++)
                if (r->field[f].data[i] == '\n' || r->field[f].data[i] == '\r' || r->field[f].data[i] == '\t')
                    r->field[f].data[i] = ' ';
    int blank_title = 1, blank_body = 1;
    for (size_t i = 0; i < r->field[NG_F_TITLE].len && blank_title; i++)
        blank_title = r->field[NG_F_TITLE].data[i] == ' ';
    for (size_t i = 0; i < r->field[NG_F_BODY].len && blank_body; i++)
        blank_body = strchr(" \t\r\n", r->field[NG_F_BODY].data[i]) != NULL;
    if (blank_title && blank_body) {
        if (!allow_empty || !r->field[NG_F_ID].len)
            return ng_reader_fail(r, NG_STATUS_BAD_RECORD, "record has neither title nor body");
        r->warn_line = r->line;
        r->warning = NG_WARN_EMPTY;
    }
    if (r->field[NG_F_DATE].len)
        ng_reader_normalise_date(&r->field[NG_F_DATE]); /* an unreadable date is an unknown date */

    ng_buf_t *id = &r->field[NG_F_ID];
    size_t s = 0, e = id->len;
    while (s < e && id->data[s] == ' ')
        s++;
    while (e > s && id->data[e - 1] == ' ')
        e--;
    memmove(id->data, id->data + s, e - s);
    id->len = e - s;
    id->data[id->len] = '\0';
    if (id->len == 0) {
        if (r->field[NG_F_URL].len) {
            if (ng_buf_append(id, r->field[NG_F_URL].data, r->field[NG_F_URL].len) != 0)
                return ng_reader_fail(r, NG_STATUS_OUT_OF_MEMORY, "out of memory");
        } else {
            /* The same record gives the same id in every run, so that indexing
             * it again replaces it. */
            static const int parts[] = {NG_F_SOURCE, NG_F_DATE, NG_F_TITLE, NG_F_BODY};
            uint64_t h = 14695981039346656037ull;
            for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
                h = hash_bytes(h, r->field[parts[i]].data, r->field[parts[i]].len + 1); /* with the NUL */
            char hex[32];
            snprintf(hex, sizeof hex, "hash:%016llx", (unsigned long long)h);
            if (ng_buf_append_str(id, hex) != 0)
                return ng_reader_fail(r, NG_STATUS_OUT_OF_MEMORY, "out of memory");
        }
    }
    a->id = ng_buf_str(&r->field[NG_F_ID]);
    a->date = ng_buf_str(&r->field[NG_F_DATE]);
    a->title = ng_buf_str(&r->field[NG_F_TITLE]);
    a->source = ng_buf_str(&r->field[NG_F_SOURCE]);
    a->url = ng_buf_str(&r->field[NG_F_URL]);
    a->language = ng_buf_str(&r->field[NG_F_LANGUAGE]);
    a->body = ng_buf_str(&r->field[NG_F_BODY]);
    a->body_len = r->field[NG_F_BODY].len;
    a->line = r->line;
    return NG_STATUS_SUCCESS;
}

/* --- dates ------------------------------------------------------------------ */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* The number of the N digits at S, or -1 when they are not all digits. */
static int number(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return days[month - 1];
}

/* The month named by the LEN letters at S (English, full or abbreviated to
 * three or more letters, any case), 0 for none. */
static int month_name(const char *s, size_t len)
{
    static const char *const names[] = {"january", "february", "march",     "april",   "may",      "june",
                                        "july",    "august",   "september", "october", "november", "december"};
    if (len < 3)
        return 0;
    for (int m = 0; m < 12; m++) {
        size_t n = strlen(names[m]);
        if (len > n)
            continue;
        size_t i = 0;
        while (i < len && (s[i] | 0x20) == names[m][i])
            i++;
        if (i == len)
            return m + 1;
    }
    return 0;
}

/* The length of the run of characters at S that satisfy IS. */
static size_t span(const char *s, int (*is)(char))
{
    size_t n = 0;
    while (s[n] && is(s[n]))
        n++;
    return n;
}

static int is_blank_char(char c)
{
    return c == ' ' || c == '\t';
}

/* Write YEAR[-MONTH[-DAY]] into OUT (40 bytes), after checking it; MONTH and
 * DAY are 0 when absent. Returns 0, or -1 when it is no date. */
static int format_date(int year, int month, int day, char *out)
{
    if (year < 0 || year > 9999 || month < 0 || month > 12 || day < 0)
        return -1;
    if (day && (!month || day > days_in_month(year, month)))
        return -1;
    if (day)
        snprintf(out, 40, "%04d-%02d-%02d", year, month, day);
    else if (month)
        snprintf(out, 40, "%04d-%02d", year, month);
    else
        snprintf(out, 40, "%04d", year);
    return 0;
}

/* An ISO 8601 date at T: YYYY, YYYY-MM, YYYY-MM-DD, YYYYMMDD (also with / or .
 * between the parts), alone or before a time. */
static int iso_date(const char *t, char *out)
{
    int year = number(t, 4), month = 0, day = 0;
    if (year < 0)
        return -1;
    size_t keep = 4;
    char sep = t[4];
    if ((sep == '-' || sep == '/' || sep == '.') && is_digit(t[5]) && is_digit(t[6])) {
        month = number(t + 5, 2);
        keep = 7;
        if (t[7] == sep && is_digit(t[8]) && is_digit(t[9])) {
            day = number(t + 8, 2);
            keep = 10;
        }
    } else if (number(t + 4, 4) >= 0) {
        month = number(t + 4, 2);
        day = number(t + 6, 2);
        keep = 8;
    }
    if (month == 0 && keep > 4)
        return -1;
    /* what follows must be a time part or nothing */
    if (t[keep] && t[keep] != 'T' && t[keep] != 't' && !is_blank_char(t[keep]))
        return -1;
    return format_date(year, month, day, out);
}

/* The shapes of news wires and mail headers: an optional weekday, then
 * "26-FEB-1987", "5 January 1963", "January 5, 1963", "Jan. 5 1963" or
 * "January 1963", then anything (a time). Two-digit years are ambiguous. */
static int named_month_date(const char *t, char *out)
{
    size_t n = span(t, is_alpha);
    if (n >= 3 && !month_name(t, n)) { /* a weekday */
        t += n;
        if (*t == '.')
            t++;
        if (*t == ',')
            t++;
        t += span(t, is_blank_char);
    }
    int year, month, day = 0;
    n = span(t, is_digit);
    if (n == 1 || n == 2) { /* day month year */
        day = number(t, n);
        t += n;
        if (*t == '-' || *t == ' ' || *t == '.')
            t++;
        t += span(t, is_blank_char);
        size_t m = span(t, is_alpha);
        if (!(month = month_name(t, m)))
            return -1;
        t += m;
        if (*t == '.')
            t++;
        if (*t == '-' || *t == ',')
            t++;
        t += span(t, is_blank_char);
    } else if (n == 0) { /* month day, year */
        size_t m = span(t, is_alpha);
        if (!(month = month_name(t, m)))
            return -1;
        t += m;
        if (*t == '.')
            t++;
        t += span(t, is_blank_char);
        size_t d = span(t, is_digit);
        if (d == 1 || d == 2) {
            day = number(t, d);
            t += d;
            if (*t == ',')
                t++;
            t += span(t, is_blank_char);
        }
    } else {
        return -1;
    }
    if (span(t, is_digit) != 4)
        return -1;
    year = number(t, 4);
    t += 4;
    if (*t && !is_blank_char(*t) && *t != ',' && *t != 'T')
        return -1;
    return format_date(year, month, day, out);
}

int ng_reader_normalise_date(ng_buf_t *date)
{
    char out[40];
    size_t skip = 0;
    while (skip < date->len && (is_blank_char(date->data[skip]) || date->data[skip] == '\n'))
        skip++;
    const char *t = date->data ? date->data + skip : "";
    int rc = is_digit(t[0]) && span(t, is_digit) >= 4 ? iso_date(t, out) : named_month_date(t, out);
    ng_buf_clear(date);
    if (rc != 0)
        return -1;
    return ng_buf_append_str(date, out);
}
