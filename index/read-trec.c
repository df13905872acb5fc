/* The TREC SGML format: <DOC> records with <DOCNO>, a headline, a date and
 * <TEXT>, and Reuters-21578's <REUTERS NEWID=...> records as a variant. A
 * record may span any number of lines; text outside records is ignored. */
#include <string.h>

#include "reader-private.h"
#include "utf8.h"

enum { KIND_DOC = 1, KIND_REUTERS = 2 };

static const char *const kind_names[] = {"", "DOC", "REUTERS"};

static int lower(char c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Does the tag name NAME start at S (N bytes), as a whole name? */
static int name_at(const char *s, size_t n, const char *name)
{
    size_t k = strlen(name);
    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++)
        if (lower(s[i]) != lower(name[i]))
            return 0;
    return n == k || s[k] == '>' || is_space(s[k]) || s[k] == '/';
}

/* The first tag <NAME...> (CLOSING: </NAME>) in S (N bytes), case-insensitive:
 * its offset, or N when there is none. *END gets the offset after its '>' (N
 * when the tag does not end within S). */
static size_t find_tag(const char *s, size_t n, const char *name, int closing, size_t *end)
{
    for (size_t i = 0; i < n; i++) {
        const char *lt = memchr(s + i, '<', n - i);
        if (!lt)
            break;
        i = (size_t)(lt - s);
        size_t at = i + 1;
        if (closing) {
            if (at >= n || s[at] != '/')
                continue;
            at++;
        }
        if (!name_at(s + at, n - at, name))
            continue;
        const char *gt = memchr(s + at, '>', n - at);
        *end = gt ? (size_t)(gt - s) + 1 : n;
        return i;
    }
    *end = n;
    return n;
}

/* The start tag of a record of any kind in S: its offset (N if none), *KIND. */
static size_t find_record(const char *s, size_t n, int *kind)
{
    size_t end, doc = find_tag(s, n, "DOC", 0, &end), reu = find_tag(s, n, "REUTERS", 0, &end);
    *kind = doc <= reu ? KIND_DOC : KIND_REUTERS;
    return doc < reu ? doc : reu;
}

/* The content of the first element NAME at or after FROM in the record
 * (REC, N bytes): 1 and its range, or 0 when there is none. An element whose
 * end tag is missing runs to the end of the record. */
static int element(const char *rec, size_t n, const char *name, size_t from, size_t *start, size_t *stop)
{
    size_t end;
    size_t at = find_tag(rec + from, n - from, name, 0, &end);
    if (at == n - from)
        return 0;
    *start = from + end;
    size_t close_end;
    size_t close = find_tag(rec + *start, n - *start, name, 1, &close_end);
    *stop = *start + close;
    return 1;
}

/* The value of attribute NAME in the tag at TAG (N bytes, up to its '>'). */
static int attribute(const char *tag, size_t n, const char *name, const char **value, size_t *len)
{
    size_t k = strlen(name);
    for (size_t i = 1; i + k < n; i++) {
        if (!is_space(tag[i - 1]) || tag[i + k] != '=')
            continue;
        size_t j = 0;
        while (j < k && lower(tag[i + j]) == lower(name[j]))
            j++;
        if (j < k)
            continue;
        size_t v = i + k + 1, e;
        if (v < n && (tag[v] == '"' || tag[v] == '\'')) {
            char q = tag[v++];
            for (e = v; e < n && tag[e] != q; e++)
                ;
        } else {
            for (e = v; e < n && !is_space(tag[e]) && tag[e] != '>'; e++)
                ;
        }
        *value = tag + v;
        *len = e - v;
        return 1;
    }
    return 0;
}

/* SGML and HTML character entities found in news collections. */
static const struct entity {
    const char *name;
    int32_t cp;
} entities[] = {
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},     {"apos", '\''},    {"nbsp", 0xA0},
    {"hyph", '-'},     {"blank", ' '},    {"bull", 0x2022},  {"sect", 0xA7},    {"para", 0xB6},    {"times", 0xD7},
    {"divide", 0xF7},  {"deg", 0xB0},     {"cent", 0xA2},    {"pound", 0xA3},   {"yen", 0xA5},     {"euro", 0x20AC},
    {"copy", 0xA9},    {"reg", 0xAE},     {"trade", 0x2122}, {"mdash", 0x2014}, {"ndash", 0x2013}, {"hellip", 0x2026},
    {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"laquo", 0xAB},   {"raquo", 0xBB},
    {"frac12", 0xBD},  {"frac14", 0xBC},  {"frac34", 0xBE},  {"plusmn", 0xB1},  {"micro", 0xB5},   {"middot", 0xB7},
    {"iexcl", 0xA1},   {"iquest", 0xBF},  {"szlig", 0xDF},   {"Agrave", 0xC0},  {"Aacute", 0xC1},  {"Acirc", 0xC2},
    {"Atilde", 0xC3},  {"Auml", 0xC4},    {"Aring", 0xC5},   {"AElig", 0xC6},   {"Ccedil", 0xC7},  {"Egrave", 0xC8},
    {"Eacute", 0xC9},  {"Ecirc", 0xCA},   {"Euml", 0xCB},    {"Igrave", 0xCC},  {"Iacute", 0xCD},  {"Icirc", 0xCE},
    {"Iuml", 0xCF},    {"Ntilde", 0xD1},  {"Ograve", 0xD2},  {"Oacute", 0xD3},  {"Ocirc", 0xD4},   {"Otilde", 0xD5},
    {"Ouml", 0xD6},    {"Oslash", 0xD8},  {"Ugrave", 0xD9},  {"Uacute", 0xDA},  {"Ucirc", 0xDB},   {"Uuml", 0xDC},
    {"Yacute", 0xDD},  {"agrave", 0xE0},  {"aacute", 0xE1},  {"acirc", 0xE2},   {"atilde", 0xE3},  {"auml", 0xE4},
    {"aring", 0xE5},   {"aelig", 0xE6},   {"ccedil", 0xE7},  {"egrave", 0xE8},  {"eacute", 0xE9},  {"ecirc", 0xEA},
    {"euml", 0xEB},    {"igrave", 0xEC},  {"iacute", 0xED},  {"icirc", 0xEE},   {"iuml", 0xEF},    {"ntilde", 0xF1},
    {"ograve", 0xF2},  {"oacute", 0xF3},  {"ocirc", 0xF4},   {"otilde", 0xF5},  {"ouml", 0xF6},    {"oslash", 0xF8},
    {"ugrave", 0xF9},  {"uacute", 0xFA},  {"ucirc", 0xFB},   {"uuml", 0xFC},    {"yacute", 0xFD},  {"yuml", 0xFF},
};

/* Decode the entity at S (N bytes, S[0] == '&') into *CP: its length, or 0
 * when it is none (the '&' is then text). *CP < 0: an entity for nothing,
 * such as the control characters of a wire service. */
static size_t entity(const char *s, size_t n, int32_t *cp)
{
    size_t i = 1;
    if (n > 2 && s[1] == '#') {
        int hex = s[2] == 'x' || s[2] == 'X';
        long v = 0;
        size_t digits = 0;
        for (i = hex ? 3 : 2; i < n && digits < 8; i++, digits++) {
            char c = s[i];
            int d = c >= '0' && c <= '9'                        ? c - '0'
                    : hex && lower(c) >= 'a' && lower(c) <= 'f' ? lower(c) - 'a' + 10
                                                                : -1;
            if (d < 0)
                break;
            v = v * (hex ? 16 : 10) + d;
        }
        if (!digits || i >= n || s[i] != ';')
            return 0;
        if (v == '\t' || v == '\n' || v == '\r')
            *cp = ' ';
        else if (v < 0x20 || v == 0x7F)
            *cp = -1;
        else if (v >= 0x80 && v < 0xA0) { /* as browsers do: the Windows-1252 character */
            unsigned char b = (unsigned char)v;
            ng_utf8_decode(&b, 1, cp);
        } else
            *cp = v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) ? 0xFFFD : (int32_t)v;
        return i + 1;
    }
    size_t k = 0;
    while (i + k < n && k < 8 &&
           ((lower(s[i + k]) >= 'a' && lower(s[i + k]) <= 'z') || (s[i + k] >= '0' && s[i + k] <= '9')))
        k++;
    if (!k || i + k >= n || s[i + k] != ';')
        return 0;
    for (size_t e = 0; e < sizeof entities / sizeof entities[0]; e++)
        if (strlen(entities[e].name) == k && memcmp(entities[e].name, s + i, k) == 0) {
            *cp = entities[e].cp;
            return k + 2;
        }
    return 0;
}

/* Tags that end a paragraph. */
static int breaks_paragraph(const char *tag, size_t n)
{
    size_t at = tag[1] == '/' ? 2 : 1;
    return name_at(tag + at, n - at, "P") || name_at(tag + at, n - at, "BR") || name_at(tag + at, n - at, "LP") ||
           name_at(tag + at, n - at, "DIV");
}

/* Append S (N bytes of SGML content) to OUT as text: entities decoded, tags
 * gone (a paragraph tag leaves an empty line, others a space), lines kept. */
static int decode_content(ng_buf_t *out, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '<' && s[j] != '&')
            j++;
        if (ng_buf_append(out, s + i, j - i) != 0)
            return -1;
        if (j == n)
            break;
        if (s[j] == '<') {
            const char *gt = memchr(s + j, '>', n - j);
            char k = j + 1 < n ? s[j + 1] : 0;
            if (!gt || !(k == '/' || k == '!' || (lower(k) >= 'a' && lower(k) <= 'z'))) {
                if (ng_buf_append_byte(out, '<') != 0) /* a lone '<' is text */
                    return -1;
                i = j + 1;
                continue;
            }
            size_t tag_len = (size_t)(gt - (s + j)) + 1;
            if (ng_buf_append_str(out, breaks_paragraph(s + j, tag_len) ? "\n\n" : " ") != 0)
                return -1;
            i = j + tag_len;
            continue;
        }
        int32_t cp;
        size_t k = entity(s + j, n - j, &cp);
        if (!k) {
            if (ng_buf_append_byte(out, '&') != 0)
                return -1;
            i = j + 1;
            continue;
        }
        char enc[4];
        if (cp >= 0 && ng_buf_append(out, enc, ng_utf8_encode(cp, enc)) != 0)
            return -1;
        i = j + k;
    }
    return 0;
}

/* Append the element content S (N bytes) to OUT as one line. */
static int inline_text(ng_reader_t *r, ng_buf_t *out, const char *s, size_t n)
{
    ng_buf_t *tmp = &r->scratch;
    ng_buf_clear(tmp);
    if (decode_content(tmp, s, n) != 0 || ng_buf_reserve(out, tmp->len) != 0)
        return -1;
    for (size_t i = 0; i < tmp->len; i++) {
        char c = is_space(tmp->data[i]) ? ' ' : tmp->data[i];
        if (c == ' ' && (out->len == 0 || out->data[out->len - 1] == ' '))
            continue;
        out->data[out->len++] = c;
    }
    while (out->len && out->data[out->len - 1] == ' ')
        out->len--;
    out->data[out->len] = '\0';
    return 0;
}

static size_t indent_of(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

/* Append the element content S (N bytes) to OUT as paragraphs, each on one
 * line, parted by empty lines. In the source, an empty line or a paragraph tag
 * ends a paragraph, and so does a line indented deeper than the text's least
 * indented line (the wire convention): other lines are hard-wrapped text. */
static int block_text(ng_reader_t *r, ng_buf_t *out, const char *s, size_t n)
{
    ng_buf_t *tmp = &r->scratch;
    ng_buf_clear(tmp);
    if (decode_content(tmp, s, n) != 0 || ng_buf_append(tmp, "", 0) != 0)
        return -1;
    const char *t = tmp->data;
    size_t len = tmp->len, least = (size_t)-1;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(t + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - t) : len, ind = indent_of(t + i, e - i);
        if (ind < e - i && ind < least)
            least = ind;
        i = e + 1;
    }
    int in_para = 0;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(t + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - t) : len, ind = indent_of(t + i, e - i);
        size_t stop = e;
        while (stop > i + ind && is_space(t[stop - 1]))
            stop--;
        if (ind == e - i) {
            in_para = 0; /* an empty line */
        } else {
            if (in_para && ind > least)
                in_para = 0;
            if (ng_buf_append_str(out, !in_para ? (out->len ? "\n\n" : "") : " ") != 0 ||
                ng_buf_append(out, t + i + ind, stop - i - ind) != 0)
                return -1;
            in_para = 1;
        }
        i = e + 1;
    }
    return 0;
}

static ng_status_t oom(ng_reader_t *r)
{
    return ng_reader_fail(r, NG_STATUS_OUT_OF_MEMORY, "out of memory");
}

/* Fill the article from the <DOC> record in r->record. */
static ng_status_t parse_doc(ng_reader_t *r)
{
    const char *rec = r->record.data;
    size_t n = r->record.len, s, e;
    static const char *const titles[] = {"HEADLINE", "HL", "HEAD", "TITLE"};
    static const char *const dates[] = {"DATE", "DATELINE"};
    static const char *const bodies[] = {"LP", "LEADPARA", "TEXT"};

    if (element(rec, n, "DOCNO", 0, &s, &e) && inline_text(r, &r->field[NG_F_ID], rec + s, e - s) != 0)
        return oom(r);
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++)
        if (element(rec, n, titles[i], 0, &s, &e)) {
            if (inline_text(r, &r->field[NG_F_TITLE], rec + s, e - s) != 0)
                return oom(r);
            break;
        }
    for (size_t i = 0; i < sizeof dates / sizeof dates[0] && !r->field[NG_F_DATE].len; i++)
        if (element(rec, n, dates[i], 0, &s, &e)) {
            if (inline_text(r, &r->field[NG_F_DATE], rec + s, e - s) != 0)
                return oom(r);
            ng_reader_normalise_date(&r->field[NG_F_DATE]);
        }
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
        for (size_t from = 0; element(rec, n, bodies[i], from, &s, &e); from = e)
            if (block_text(r, &r->field[NG_F_BODY], rec + s, e - s) != 0)
                return oom(r);
    return NG_STATUS_SUCCESS;
}

/* Fill the article from the <REUTERS> record in r->record. */
static ng_status_t parse_reuters(ng_reader_t *r)
{
    const char *rec = r->record.data, *v;
    size_t n = r->record.len, s, e, vlen, tag_end;
    find_tag(rec, n, "REUTERS", 0, &tag_end);
    if (attribute(rec, tag_end, "NEWID", &v, &vlen) && vlen) {
        /* NEWIDs are bare numbers: the prefix keeps them apart from others' ids */
        if (ng_buf_append_str(&r->field[NG_F_ID], "reuters-") != 0 || ng_buf_append(&r->field[NG_F_ID], v, vlen) != 0)
            return oom(r);
    }
    if (ng_buf_append_str(&r->field[NG_F_SOURCE], "Reuters") != 0)
        return oom(r);
    if (element(rec, n, "DATE", 0, &s, &e) && inline_text(r, &r->field[NG_F_DATE], rec + s, e - s) != 0)
        return oom(r);
    int title = element(rec, n, "TITLE", 0, &s, &e);
    if (title && inline_text(r, &r->field[NG_F_TITLE], rec + s, e - s) != 0)
        return oom(r);
    if (element(rec, n, "BODY", 0, &s, &e)) {
        size_t ds, de;
        ng_buf_t *body = &r->field[NG_F_BODY];
        if (element(rec, n, "DATELINE", 0, &ds, &de)) { /* "SALVADOR, Feb 26 -" opens the story */
            if (inline_text(r, body, rec + ds, de - ds) != 0 || (body->len && ng_buf_append_byte(body, ' ') != 0))
                return oom(r);
        }
        size_t keep = body->len;
        if (block_text(r, body, rec + s, e - s) != 0)
            return oom(r);
        if (keep && body->len > keep + 1 && body->data[keep] == '\n') { /* join the dateline to the first paragraph */
            memmove(body->data + keep, body->data + keep + 2, body->len - keep - 2);
            body->len -= 2;
            body->data[body->len] = '\0';
        }
    } else if (!title && element(rec, n, "TEXT", 0, &s, &e)) {
        /* The unprocessed stories (tables, mostly) have their text bare in TEXT. */
        if (block_text(r, &r->field[NG_F_BODY], rec + s, e - s) != 0)
            return oom(r);
    }
    return NG_STATUS_SUCCESS;
}

ng_status_t ng_read_trec(ng_reader_t *r, ng_article_t *a)
{
    ng_status_t st;
    int bad = 0; /* the record at hand is rejected; the reason is in errmsg */
    unsigned long warn = 0;
    for (;;) {
        if (!r->rest) {
            const char *line;
            size_t len;
            int repaired;
            st = ng_reader_getline(r, &line, &len, &repaired);
            if (st == NG_STATUS_END) {
                if (!r->in_record)
                    return st;
                r->in_record = 0;
                r->line = r->record_line;
                return ng_reader_fail(r, NG_STATUS_BAD_RECORD, "<%s> record not closed at the end of the file",
                                      kind_names[r->record_kind]);
            }
            if (st == NG_STATUS_IO_ERROR) {
                r->line = r->in_record ? r->record_line : ng_input_line(r->in);
                return st;
            }
            if (st == NG_STATUS_BAD_RECORD) { /* a line over the limit, or binary data */
                if (r->in_record) {
                    bad = 1;
                    continue;
                }
                /* between records: report a run of garbage once */
                int first = !r->in_garbage;
                r->in_garbage = 1;
                if (!first)
                    continue;
                r->line = ng_input_line(r->in);
                return st;
            }
            if (st != NG_STATUS_SUCCESS)
                return st;
            r->in_garbage = 0;
            r->at_start = 0;
            r->rest = line;
            r->rest_len = len;
            r->rest_repaired = repaired;
        }
        if (!r->in_record) {
            int kind;
            size_t at = find_record(r->rest, r->rest_len, &kind);
            if (at == r->rest_len) {
                r->rest = NULL;
                continue;
            }
            r->in_record = 1;
            r->record_kind = kind;
            r->record_line = ng_input_line(r->in);
            ng_buf_clear(&r->record);
            bad = 0;
            warn = 0;
            r->rest += at;
            r->rest_len -= at;
            r->at_start = 1;
        }
        /* the end of this record, unless another record starts first */
        const char *name = kind_names[r->record_kind];
        size_t end, stop = find_tag(r->rest, r->rest_len, name, 1, &end);
        int kind;
        size_t skip = r->at_start ? 1 : 0; /* not this record's own start tag */
        size_t next = find_record(r->rest + skip, r->rest_len - skip, &kind) + skip;
        int unclosed = next < stop;
        r->at_start = 0;
        if (unclosed)
            end = next;
        int ends = unclosed || stop < r->rest_len;
        if (!bad) {
            size_t take = ends ? end : r->rest_len;
            if (r->record.len + take + 1 > r->max_record) {
                bad = 1;
                ng_buf_clear(&r->record);
                ng_reader_fail(r, NG_STATUS_BAD_RECORD, "record longer than %zu bytes", r->max_record);
            } else if (ng_buf_append(&r->record, r->rest, take) != 0 ||
                       (!ends && ng_buf_append_byte(&r->record, '\n') != 0)) {
                return oom(r);
            }
            if (r->rest_repaired && !warn)
                warn = ng_input_line(r->in);
        }
        if (!ends) {
            r->rest = NULL;
            continue;
        }
        r->rest += end;
        r->rest_len -= end;
        r->in_record = 0;
        r->line = r->record_line;
        if (unclosed)
            return ng_reader_fail(r, NG_STATUS_BAD_RECORD, "<%s> record not closed before the next record", name);
        if (bad)
            return NG_STATUS_BAD_RECORD;
        for (int f = 0; f < NG_READER_FIELDS; f++)
            ng_buf_clear(&r->field[f]);
        st = r->record_kind == KIND_DOC ? parse_doc(r) : parse_reuters(r);
        if (st == NG_STATUS_SUCCESS && warn) {
            r->warn_line = warn;
            r->warning = NG_WARN_REPAIRED;
        }
        if (st == NG_STATUS_SUCCESS)
            st = ng_reader_finish(r, a, 1);
        return st;
    }
}
