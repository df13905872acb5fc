/* The analyzer of analyzer.h: word scanning over UTF-8, folding through
 * utf8proc without per-token allocation, stemming through a cache. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "analyzer.h"
#include "buf.h"
#include "utf8.h"

/* Stems are cached: most words of a news corpus repeat, and a lookup is far
 * cheaper than a Snowball run. The table starts small and doubles as it
 * fills (a query and its highlighting see a few hundred words, and every
 * page of a large table that they touch costs a page fault); at its
 * largest, it is emptied when it fills up. */
#define CACHE_MIN_SLOTS 1024u  /* powers of two */
#define CACHE_MAX_SLOTS 65536u
#define CACHE_MAX_ARENA (8u << 20)

typedef struct cache_slot {
    uint32_t hash;
    uint32_t key_off; /* offsets into the arena; key_len == 0 marks a free slot */
    uint32_t key_len;
    uint32_t val_off;
    uint32_t val_len;
} cache_slot_t;

struct ng_analyzer {
    char *language;
    struct sb_stemmer *stemmer; /* NULL for "none" */
    cache_slot_t *slots;
    size_t nslots; /* a power of two */
    size_t entries;
    ng_buf_t arena;
    ng_buf_t raw;          /* the word's bytes, cleaned: valid UTF-8, joiners removed */
    utf8proc_int32_t *cps; /* folded code points of the word */
    size_t cps_cap;
    ng_buf_t word; /* folded word, UTF-8 */
};

/* Decode the code point at S (N bytes left) into *CP; returns its length in
 * bytes (>= 1). Invalid UTF-8 is read as Windows-1252 (see utf8.h). */
static size_t decode(const unsigned char *s, size_t n, utf8proc_int32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    int32_t c;
    size_t k = ng_utf8_decode(s, n, &c);
    *cp = c;
    return k;
}

static int is_word_char(utf8proc_int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: return 1;
    default: return 0;
    }
}

static int is_digit_char(utf8proc_int32_t cp)
{
    return cp < 0x80 ? (cp >= '0' && cp <= '9') : utf8proc_category(cp) == UTF8PROC_CATEGORY_ND;
}

static int is_letter_char(utf8proc_int32_t cp)
{
    return is_word_char(cp) && !is_digit_char(cp);
}

/* Scripts written without spaces between words: each character is a token. */
static int is_ideograph(utf8proc_int32_t cp)
{
    return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FFFF);
}

/* Invisible characters that join or may break a word without ending it: soft
 * hyphen, zero-width (non-)joiner, word joiner. They are dropped from terms. */
static int is_joiner(utf8proc_int32_t cp)
{
    return cp == 0x00AD || cp == 0x200C || cp == 0x200D || cp == 0x2060;
}

static int is_apostrophe(utf8proc_int32_t cp)
{
    return cp == '\'' || cp == 0x2019 || cp == 0x02BC;
}

/* The code point at offset AT of TEXT, or -1 past the end; *LEN gets its size. */
static utf8proc_int32_t peek(const char *text, size_t len, size_t at, size_t *cplen)
{
    utf8proc_int32_t cp = -1;
    *cplen = 0;
    if (at < len)
        *cplen = decode((const unsigned char *)text + at, len - at, &cp);
    return cp;
}

ng_status_t ng_analyzer_new(const char *language, ng_analyzer_t **out)
{
    *out = NULL;
    if (!language)
        language = "english";
    ng_analyzer_t *an = calloc(1, sizeof *an);
    if (!an)
        return NG_STATUS_OUT_OF_MEMORY;
    an->language = strdup(language);
    an->nslots = CACHE_MIN_SLOTS;
    an->slots = calloc(an->nslots, sizeof *an->slots);
    an->cps_cap = 64;
    an->cps = malloc(an->cps_cap * sizeof *an->cps);
    if (!an->language || !an->slots || !an->cps) {
        ng_analyzer_destroy(an);
        return NG_STATUS_OUT_OF_MEMORY;
    }
    if (strcmp(language, "none") != 0) {
        an->stemmer = sb_stemmer_new(language, "UTF_8");
        if (!an->stemmer) {
            ng_analyzer_destroy(an);
            return NG_STATUS_UNSUPPORTED;
        }
    }
    *out = an;
    return NG_STATUS_SUCCESS;
}

void ng_analyzer_destroy(ng_analyzer_t *an)
{
    if (!an)
        return;
    if (an->stemmer)
        sb_stemmer_delete(an->stemmer);
    free(an->language);
    free(an->slots);
    free(an->cps);
    ng_buf_free(&an->arena);
    ng_buf_free(&an->raw);
    ng_buf_free(&an->word);
    free(an);
}

const char *ng_analyzer_language(const ng_analyzer_t *an)
{
    return an->language;
}

const char **ng_analyzer_languages(void)
{
    return sb_stemmer_list();
}

static uint32_t fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

/* The free slot where an entry of hash H goes. */
static size_t free_slot(const ng_analyzer_t *an, uint32_t h)
{
    const size_t mask = an->nslots - 1;
    size_t i = h & mask;
    while (an->slots[i].key_len)
        i = (i + 1) & mask;
    return i;
}

/* Double the stem cache's table, keeping its entries; false when it is at
 * its largest or out of memory (the cache is then emptied instead). */
static int grow_cache(ng_analyzer_t *an)
{
    if (an->nslots >= CACHE_MAX_SLOTS)
        return 0;
    cache_slot_t *old = an->slots;
    const size_t old_n = an->nslots;
    cache_slot_t *slots = calloc(old_n * 2, sizeof *slots);
    if (!slots)
        return 0;
    an->slots = slots;
    an->nslots = old_n * 2;
    for (size_t j = 0; j < old_n; j++)
        if (old[j].key_len)
            an->slots[free_slot(an, old[j].hash)] = old[j];
    free(old);
    return 1;
}

/* Stem WORD (LEN bytes) into *STEM and *STEM_LEN, valid until the next call.
 * Returns -1 when out of memory. */
static int stem_word(ng_analyzer_t *an, const char *word, size_t len, const char **stem, size_t *stem_len)
{
    if (!an->stemmer) {
        *stem = word;
        *stem_len = len;
        return 0;
    }
    uint32_t h = fnv1a(word, len);
    const size_t mask = an->nslots - 1;
    size_t i = h & mask;
    for (;; i = (i + 1) & mask) {
        cache_slot_t *s = &an->slots[i];
        if (s->key_len == 0)
            break;
        if (s->hash == h && s->key_len == len && memcmp(an->arena.data + s->key_off, word, len) == 0) {
            *stem = an->arena.data + s->val_off;
            *stem_len = s->val_len;
            return 0;
        }
    }
    const sb_symbol *out = sb_stemmer_stem(an->stemmer, (const sb_symbol *)word, (int)len);
    if (!out)
        return -1;
    size_t out_len = (size_t)sb_stemmer_length(an->stemmer);

    const int arena_full = an->arena.len + len + out_len + 2 > CACHE_MAX_ARENA;
    if (arena_full || an->entries >= an->nslots / 4 * 3) {
        if (arena_full || !grow_cache(an)) {
            memset(an->slots, 0, an->nslots * sizeof *an->slots);
            an->entries = 0;
            ng_buf_clear(&an->arena);
        }
        i = free_slot(an, h);
    }
    cache_slot_t *s = &an->slots[i];
    size_t key_off = an->arena.len;
    if (ng_buf_append(&an->arena, word, len) != 0 || ng_buf_append_byte(&an->arena, '\0') != 0)
        return -1;
    size_t val_off = an->arena.len;
    if (ng_buf_append(&an->arena, out, out_len) != 0 || ng_buf_append_byte(&an->arena, '\0') != 0)
        return -1;
    s->hash = h;
    s->key_off = (uint32_t)key_off;
    s->key_len = (uint32_t)len;
    s->val_off = (uint32_t)val_off;
    s->val_len = (uint32_t)out_len;
    an->entries++;
    *stem = an->arena.data + val_off;
    *stem_len = out_len;
    return 0;
}

/* Fold an->raw (valid UTF-8) into an->word: NFC, Unicode case folding.
 * Returns -1 when out of memory. */
static int fold_word(ng_analyzer_t *an)
{
    const unsigned char *raw = (const unsigned char *)an->raw.data;
    size_t n = an->raw.len;
    size_t i;
    ng_buf_clear(&an->word);
    for (i = 0; i < n && raw[i] < 0x80; i++)
        ;
    if (i == n) { /* ASCII: the common case needs no Unicode tables */
        if (ng_buf_reserve(&an->word, n) != 0)
            return -1;
        for (i = 0; i < n; i++)
            an->word.data[i] = (char)(raw[i] >= 'A' && raw[i] <= 'Z' ? raw[i] + 32 : raw[i]);
        an->word.len = n;
        an->word.data[n] = '\0';
        return 0;
    }
    const utf8proc_option_t decompose = UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STABLE;
    utf8proc_ssize_t k;
    for (;;) {
        k = utf8proc_decompose(raw, (utf8proc_ssize_t)n, an->cps, (utf8proc_ssize_t)an->cps_cap, decompose);
        if (k < 0)
            return 0; /* cannot happen on cleaned input; leave the word empty */
        if ((size_t)k <= an->cps_cap)
            break;
        utf8proc_int32_t *more = realloc(an->cps, (size_t)k * sizeof *more);
        if (!more)
            return -1;
        an->cps = more;
        an->cps_cap = (size_t)k;
    }
    k = utf8proc_normalize_utf32(an->cps, k, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
    if (k < 0)
        return 0;
    if (ng_buf_reserve(&an->word, (size_t)k * 4) != 0)
        return -1;
    for (utf8proc_ssize_t j = 0; j < k; j++)
        an->word.len += (size_t)utf8proc_encode_char(an->cps[j], (utf8proc_uint8_t *)an->word.data + an->word.len);
    an->word.data[an->word.len] = '\0';
    return 0;
}

/* Append code point CP to an->raw as UTF-8. */
static int raw_append(ng_analyzer_t *an, utf8proc_int32_t cp)
{
    if (ng_buf_reserve(&an->raw, 4) != 0)
        return -1;
    an->raw.len += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)an->raw.data + an->raw.len);
    an->raw.data[an->raw.len] = '\0';
    return 0;
}

/* Scan the word that starts at *AT (a word character) into an->raw; advance *AT
 * past it. Joins what a reader sees as one word: apostrophes between letters
 * (coalition's), acronym dots (U.S.), thousands separators (2,500) and decimal
 * points (3.14); hyphens and all else separate words. */
static int scan_word(ng_analyzer_t *an, const char *text, size_t len, size_t *at)
{
    size_t i = *at, n1, n2, n3;
    size_t seg_chars = 0; /* characters since the word start or the last joined dot */
    int seg_digits = 1;   /* the segment holds only digits */
    int acronym = 0;
    ng_buf_clear(&an->raw);
    for (;;) {
        utf8proc_int32_t cp = peek(text, len, i, &n1);
        if (raw_append(an, cp) != 0)
            return -1;
        i += n1;
        seg_chars++;
        seg_digits = seg_digits && is_digit_char(cp);

        utf8proc_int32_t next = peek(text, len, i, &n1);
        if (next < 0)
            break;
        if (is_word_char(next) && !is_ideograph(next))
            continue;
        utf8proc_int32_t after = peek(text, len, i + n1, &n2);
        if (is_joiner(next) && is_word_char(after) && !is_ideograph(after)) {
            i += n1; /* inter\u00ADnational -> international */
            continue;
        }
        if (is_apostrophe(next) && !seg_digits && is_letter_char(after) && !is_ideograph(after)) {
            if (ng_buf_append_byte(&an->raw, '\'') != 0)
                return -1;
            i += n1;
            continue;
        }
        if (next == '.') {
            utf8proc_int32_t third = peek(text, len, i + n1 + n2, &n3);
            if (seg_chars == 1 && !seg_digits && is_letter_char(after) &&
                (third == '.' || third < 0 || !is_word_char(third))) {
                acronym = 1; /* U.S. -> us */
                i += n1;
                seg_chars = 0;
                continue;
            }
            if (acronym && seg_chars == 1 && (after < 0 || !is_word_char(after))) {
                i += n1; /* the acronym's final dot */
                break;
            }
            if (seg_digits && is_digit_char(after)) {
                if (ng_buf_append_byte(&an->raw, '.') != 0)
                    return -1;
                i += n1;
                continue;
            }
        }
        if (next == ',' && seg_digits && is_digit_char(after)) {
            /* a thousands separator is followed by exactly three digits */
            size_t j = i + n1, k;
            int digits = 0;
            for (utf8proc_int32_t c = peek(text, len, j, &k); is_digit_char(c) && digits < 4;
                 c = peek(text, len, j, &k)) {
                digits++;
                j += k;
            }
            if (digits == 3) {
                i += n1;
                continue;
            }
        }
        break;
    }
    *at = i;
    return 0;
}

int ng_analyzer_run(ng_analyzer_t *an, const char *text, size_t len, unsigned first_pos, unsigned *next_pos,
                    ng_token_fn fn, void *ctx)
{
    unsigned pos = first_pos;
    size_t i = 0, n;
    int rc = 0;
    while (i < len) {
        utf8proc_int32_t cp = peek(text, len, i, &n);
        if (!is_word_char(cp)) {
            i += n;
            continue;
        }
        size_t start = i;
        if (is_ideograph(cp)) {
            ng_buf_clear(&an->raw);
            if (raw_append(an, cp) != 0)
                return -1;
            i += n;
        } else if (scan_word(an, text, len, &i) != 0) {
            return -1;
        }
        if (fold_word(an) != 0)
            return -1;
        if (an->word.len == 0 || an->word.len > NG_MAX_TERM) {
            pos++;
            continue;
        }
        ng_token_t tok;
        if (stem_word(an, an->word.data, an->word.len, &tok.term, &tok.term_len) != 0)
            return -1;
        tok.word = an->word.data;
        tok.word_len = an->word.len;
        tok.start = start;
        tok.end = i;
        tok.pos = pos++;
        rc = fn(ctx, &tok);
        if (rc != 0)
            break;
    }
    if (next_pos)
        *next_pos = pos;
    return rc;
}
