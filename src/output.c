/* The output of output.h. Colours follow grep's defaults (GREP_COLORS
 * "ms=01;31:fn=35:ln=32"), so hits look like what users already know; JSON
 * goes through jansson, which needs valid UTF-8. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "output.h"
#include "utf8.h"

#define SGR_MATCH "\033[01;31m"
#define SGR_ID "\033[35m"
#define SGR_NUMBER "\033[32m"
#define SGR_TITLE "\033[1m"
#define SGR_RESET "\033[m"

int ng_output_want_color(ng_color_mode_t mode, int fd)
{
    if (mode != NG_COLOR_AUTO)
        return mode == NG_COLOR_ALWAYS;
    const char *no_color = getenv("NO_COLOR");
    if (no_color && *no_color)
        return 0;
    return isatty(fd);
}

void ng_output_init(ng_output_t *out, FILE *fp, int color)
{
    out->fp = fp;
    out->color = color;
    out->json = 0;
    out->scores = 0;
    out->hits = 0;
}

/* Write LEN bytes of S with control characters turned into spaces. */
static void put_clean(FILE *fp, const char *s, size_t len)
{
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) {
            fwrite(s + run, 1, i - run, fp);
            putc(' ', fp);
            run = i + 1;
        }
    }
    fwrite(s + run, 1, len - run, fp);
}

static void put_styled(ng_output_t *out, const char *sgr, const char *s, size_t len)
{
    if (out->color)
        fputs(sgr, out->fp);
    put_clean(out->fp, s, len);
    if (out->color)
        fputs(SGR_RESET, out->fp);
}

static void put_heading(ng_output_t *out, const ng_record_t *rec, double score)
{
    FILE *fp = out->fp;
    put_styled(out, SGR_ID, rec->article_id.ptr, rec->article_id.len);
    if (out->color)
        fprintf(fp, "#" SGR_NUMBER "%u" SGR_RESET, rec->passage);
    else
        fprintf(fp, "#%u", rec->passage);
    if (out->scores)
        fprintf(fp, "  %.4f", score);
    const ng_field_t *plain[] = {&rec->date, &rec->source};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        if (plain[i]->len) {
            fputs("  ", fp);
            put_clean(fp, plain[i]->ptr, plain[i]->len);
        }
    }
    if (rec->title.len) {
        fputs("  ", fp);
        put_styled(out, SGR_TITLE, rec->title.ptr, rec->title.len);
    }
    putc('\n', fp);
}

static void put_passage(ng_output_t *out, const ng_record_t *rec, const ng_span_t *spans, size_t nspans)
{
    FILE *fp = out->fp;
    fputs("  ", fp);
    size_t at = 0;
    for (size_t i = 0; i < nspans; i++) {
        if (spans[i].start < at || spans[i].end > rec->text.len)
            continue;
        put_clean(fp, rec->text.ptr + at, spans[i].start - at);
        if (out->color)
            put_styled(out, SGR_MATCH, rec->text.ptr + spans[i].start, spans[i].end - spans[i].start);
        else
            put_clean(fp, rec->text.ptr + spans[i].start, spans[i].end - spans[i].start);
        at = spans[i].end;
    }
    put_clean(fp, rec->text.ptr + at, rec->text.len - at);
    putc('\n', fp);
}

static void put_neighbour(ng_output_t *out, const ng_record_t *rec)
{
    fputs("- ", out->fp);
    put_clean(out->fp, rec->text.ptr, rec->text.len);
    putc('\n', out->fp);
}

/* --- JSON ---------------------------------------------------------------- */

/* The length of the valid UTF-8 sequence at S (N bytes left), 0 if invalid. */
static size_t utf8_length(const unsigned char *s, size_t n)
{
    int32_t cp;
    return ng_utf8_sequence(s, n, &cp);
}

/* S as valid UTF-8 in OUT: a byte that is not (a dump read as raw bytes may
 * hold Latin-1) becomes U+FFFD. The N byte offsets OFFSETS (ascending) into S
 * are moved to the same places in OUT. Returns 0, or -1 when out of memory. */
static int valid_utf8(const char *s, size_t len, ng_buf_t *out, size_t *offsets, size_t n)
{
    size_t k = 0;
    ng_buf_clear(out);
    if (ng_buf_reserve(out, len) != 0)
        return -1;
    for (size_t i = 0; i < len;) {
        for (; k < n && offsets[k] <= i; k++)
            offsets[k] = out->len;
        size_t m = utf8_length((const unsigned char *)s + i, len - i);
        if (m == 0) {
            if (ng_buf_append(out, "\xEF\xBF\xBD", 3) != 0)
                return -1;
            i++;
        } else {
            if (ng_buf_append(out, s + i, m) != 0)
                return -1;
            i += m;
        }
    }
    for (; k < n; k++)
        offsets[k] = out->len;
    return 0;
}

/* FIELD as a JSON string, or null when empty. */
static json_t *json_field(const ng_field_t *field, ng_buf_t *scratch)
{
    if (!field->len)
        return json_null();
    if (valid_utf8(field->ptr, field->len, scratch, NULL, 0) != 0)
        return NULL;
    return json_stringn(scratch->data, scratch->len);
}

/* Set KEY of OBJ to VALUE (stolen); 0, or -1 when VALUE is NULL or setting failed. */
static int set(json_t *obj, const char *key, json_t *value)
{
    return value && json_object_set_new(obj, key, value) == 0 ? 0 : -1;
}

static int put_json(ng_output_t *out, json_t *obj)
{
    if (!obj)
        return -1;
    int rc = json_dumpf(obj, out->fp, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(obj);
    if (rc != 0)
        return -1;
    putc('\n', out->fp);
    return ferror(out->fp) ? -1 : 0;
}

static json_t *json_hit(const ng_record_t *rec, double score, const ng_span_t *spans, size_t nspans,
                        const ng_record_t *before, size_t nbefore, const ng_record_t *after, size_t nafter)
{
    json_t *obj = json_object();
    ng_buf_t scratch = NG_BUF_INIT;
    size_t *offsets = nspans ? malloc(2 * nspans * sizeof *offsets) : NULL;
    int rc = obj && (offsets || !nspans) ? 0 : -1;
    if (rc == 0) {
        rc |= set(obj, "id", json_field(&rec->article_id, &scratch));
        rc |= set(obj, "passage", json_integer(rec->passage));
        rc |= set(obj, "score", json_real(score));
        rc |= set(obj, "date", json_field(&rec->date, &scratch));
        rc |= set(obj, "source", json_field(&rec->source, &scratch));
        rc |= set(obj, "title", json_field(&rec->title, &scratch));
        rc |= set(obj, "url", json_field(&rec->url, &scratch));
        rc |= set(obj, "language", json_field(&rec->language, &scratch));
    }
    if (rc == 0) {
        for (size_t i = 0; i < nspans; i++) {
            offsets[2 * i] = spans[i].start;
            offsets[2 * i + 1] = spans[i].end;
        }
        json_t *list = json_array();
        rc = valid_utf8(rec->text.ptr, rec->text.len, &scratch, offsets, 2 * nspans) != 0 || !list ? -1 : 0;
        rc |= set(obj, "text", json_stringn(scratch.data ? scratch.data : "", scratch.len));
        for (size_t i = 0; rc == 0 && i < nspans; i++) {
            json_t *span = json_pack("[II]", (json_int_t)offsets[2 * i], (json_int_t)offsets[2 * i + 1]);
            rc = span && json_array_append_new(list, span) == 0 ? 0 : -1;
        }
        rc |= set(obj, "highlights", list);
    }
    if (rc == 0 && (before || after)) {
        json_t *context = json_array();
        rc = context ? 0 : -1;
        for (size_t i = 0; rc == 0 && i < nbefore + nafter; i++) {
            const ng_record_t *r = i < nbefore ? &before[i] : &after[i - nbefore];
            json_t *text = json_field(&r->text, &scratch);
            json_t *item = text ? json_pack("{sIso}", "passage", (json_int_t)r->passage, "text", text) : NULL;
            rc = item && json_array_append_new(context, item) == 0 ? 0 : -1;
        }
        rc |= set(obj, "context", context);
    }
    free(offsets);
    ng_buf_free(&scratch);
    if (rc != 0) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

/* --- the entry points ---------------------------------------------------- */

int ng_output_hit_full(ng_output_t *out, const ng_record_t *rec, double score, const ng_span_t *spans, size_t nspans,
                       const ng_record_t *before, size_t nbefore, const ng_record_t *after, size_t nafter)
{
    out->hits++;
    if (out->json)
        return put_json(out, json_hit(rec, score, spans, nspans, before, nbefore, after, nafter));
    if (out->hits > 1)
        putc('\n', out->fp);
    put_heading(out, rec, score);
    for (size_t i = 0; i < nbefore; i++)
        put_neighbour(out, &before[i]);
    put_passage(out, rec, spans, nspans);
    for (size_t i = 0; i < nafter; i++)
        put_neighbour(out, &after[i]);
    return ferror(out->fp) ? -1 : 0;
}

int ng_output_hit(ng_output_t *out, const ng_record_t *rec, const ng_span_t *spans, size_t nspans)
{
    return ng_output_hit_full(out, rec, 0, spans, nspans, NULL, 0, NULL, 0);
}

int ng_output_article(ng_output_t *out, const char *id, size_t len)
{
    out->hits++;
    if (out->json) {
        ng_buf_t scratch = NG_BUF_INIT;
        ng_field_t field = {id, len};
        json_t *value = json_field(&field, &scratch);
        json_t *obj = value ? json_pack("{so}", "id", value) : NULL;
        ng_buf_free(&scratch);
        return put_json(out, obj);
    }
    put_styled(out, SGR_ID, id, len);
    putc('\n', out->fp);
    return ferror(out->fp) ? -1 : 0;
}

int ng_output_counts(ng_output_t *out, unsigned long passages, unsigned long articles)
{
    if (out->json)
        return put_json(out, json_pack("{sIsI}", "passages", (json_int_t)passages, "articles", (json_int_t)articles));
    fprintf(out->fp, "%lu passage%s in %lu article%s\n", passages, passages == 1 ? "" : "s", articles,
            articles == 1 ? "" : "s");
    return ferror(out->fp) ? -1 : 0;
}

/* --- timelines ----------------------------------------------------------- */

/* DIGITS as a date: 2019, 2019-03, 2019-03-05; "undated" for none. */
static void period_label(const char *digits, char *label, size_t size)
{
    size_t n = strlen(digits);
    if (n == 0)
        snprintf(label, size, "undated");
    else if (n <= 4)
        snprintf(label, size, "%s", digits);
    else if (n <= 6)
        snprintf(label, size, "%.4s-%s", digits, digits + 4);
    else
        snprintf(label, size, "%.4s-%.2s-%s", digits, digits + 4, digits + 6);
}

static int is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* The period after DIGITS (4, 6 or 8 digits), in place. */
static void next_period(char *digits, size_t n)
{
    int y = 0, m = 1, d = 1;
    if (sscanf(digits, "%4d", &y) != 1)
        return;
    if (n >= 6)
        sscanf(digits + 4, "%2d", &m);
    if (n >= 8)
        sscanf(digits + 6, "%2d", &d);
    if (n == 4) {
        y++;
    } else if (n == 6) {
        if (++m > 12)
            m = 1, y++;
    } else {
        static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int last = m >= 1 && m <= 12 ? days[m - 1] + (m == 2 && is_leap(y)) : 31;
        if (++d > last) {
            d = 1;
            if (++m > 12)
                m = 1, y++;
        }
    }
    char buf[16];
    if (n == 4)
        snprintf(buf, sizeof buf, "%04d", y % 10000);
    else if (n == 6)
        snprintf(buf, sizeof buf, "%04d%02d", y % 10000, m);
    else
        snprintf(buf, sizeof buf, "%04d%02d%02d", y % 10000, m, d);
    memcpy(digits, buf, n);
}

static void put_bar(ng_output_t *out, const char *label, size_t label_width, unsigned long count, size_t count_width,
                    unsigned long max, size_t width)
{
    fprintf(out->fp, "%-*s  %*lu", (int)label_width, label, (int)count_width, count);
    size_t len = max ? (size_t)((count * (unsigned long long)width + max - 1) / max) : 0;
    if (len)
        putc(' ', out->fp);
    for (size_t i = 0; i < len; i++)
        putc('#', out->fp);
    putc('\n', out->fp);
}

int ng_output_timeline(ng_output_t *out, const ng_period_t *periods, size_t n, size_t digits, const char *unit,
                       size_t width)
{
    char label[32];
    if (out->json) {
        for (size_t i = 0; i < n; i++) {
            json_t *period = NULL;
            if (*periods[i].digits) {
                period_label(periods[i].digits, label, sizeof label);
                period = json_string(label);
            } else {
                period = json_null();
            }
            if (put_json(out, period ? json_pack("{sosI}", "period", period, unit, (json_int_t)periods[i].count)
                                     : NULL) != 0)
                return -1;
        }
        return 0;
    }
    static const char *const names[] = {"years", "months", "days"};
    const char *name = names[digits >= 8 ? 2 : digits >= 6 ? 1 : 0];
    unsigned long max = 0;
    size_t label_width = 3, count_width = 1;
    for (size_t i = 0; i < n; i++) {
        if (periods[i].count > max)
            max = periods[i].count;
        period_label(periods[i].digits, label, sizeof label);
        if (strlen(label) > label_width)
            label_width = strlen(label);
    }
    for (unsigned long m = max; m >= 10; m /= 10)
        count_width++;
    char prev[16] = ""; /* the last full period shown */
    for (size_t i = 0; i < n; i++) {
        const char *d = periods[i].digits;
        if (strlen(d) == digits && *prev) {
            /* the periods without a match since the last one shown */
            char gap[16];
            unsigned long empty = 0;
            memcpy(gap, prev, digits + 1);
            for (next_period(gap, digits); strcmp(gap, d) < 0; next_period(gap, digits))
                empty++;
            if (empty > 3) {
                fprintf(out->fp, "%-*s  (%lu %s without a match)\n", (int)label_width, "...", empty, name);
            } else {
                memcpy(gap, prev, digits + 1);
                for (next_period(gap, digits); strcmp(gap, d) < 0; next_period(gap, digits)) {
                    period_label(gap, label, sizeof label);
                    put_bar(out, label, label_width, 0, count_width, max, width);
                }
            }
        }
        if (strlen(d) == digits)
            memcpy(prev, d, digits + 1);
        period_label(d, label, sizeof label);
        put_bar(out, label, label_width, periods[i].count, count_width, max, width);
        if (ferror(out->fp))
            return -1;
    }
    return ferror(out->fp) ? -1 : 0;
}
