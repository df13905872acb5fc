/* The analyzer (src/analyzer.h): what text becomes which terms, at which
 * positions and byte offsets. Indexer, query parser and highlighter all go
 * through it, so each rule checked here is a promise to all three. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "tap.h"

#define MAX_TOKENS 64

/* What one run handed to the callback. */
typedef struct seen {
    size_t n; /* tokens received, even past MAX_TOKENS */
    char term[MAX_TOKENS][NG_MAX_TERM + 1];
    char word[MAX_TOKENS][NG_MAX_TERM + 1];
    size_t start[MAX_TOKENS], end[MAX_TOKENS];
    unsigned pos[MAX_TOKENS];
    int bad_strings;   /* a term or word not NUL-terminated at its length, or over NG_MAX_TERM */
    size_t stop_after; /* nonzero: return stop_value from this token on */
    int stop_value;
} seen_t;

static int collect(void *ctx, const ng_token_t *tok)
{
    seen_t *s = ctx;
    if (strlen(tok->term) != tok->term_len || strlen(tok->word) != tok->word_len || tok->term_len > NG_MAX_TERM ||
        tok->word_len > NG_MAX_TERM)
        s->bad_strings = 1;
    if (s->n < MAX_TOKENS && tok->term_len <= NG_MAX_TERM && tok->word_len <= NG_MAX_TERM) {
        memcpy(s->term[s->n], tok->term, tok->term_len + 1);
        memcpy(s->word[s->n], tok->word, tok->word_len + 1);
        s->start[s->n] = tok->start;
        s->end[s->n] = tok->end;
        s->pos[s->n] = tok->pos;
    }
    s->n++;
    if (s->stop_after && s->n >= s->stop_after)
        return s->stop_value;
    return 0;
}

/* Analyse TEXT (LEN bytes) from position 0 into *S; returns run()'s value. */
static int analyse_n(ng_analyzer_t *an, const char *text, size_t len, seen_t *s)
{
    memset(s, 0, sizeof *s);
    return ng_analyzer_run(an, text, len, 0, NULL, collect, s);
}

static int analyse(ng_analyzer_t *an, const char *text, seen_t *s)
{
    return analyse_n(an, text, strlen(text), s);
}

/* The single term TEXT analyses to, or a marker when it is not exactly one
 * token, so that a wrong token count shows up in the comparison. */
static const char *one_term(ng_analyzer_t *an, const char *text, seen_t *s)
{
    if (analyse(an, text, s) != 0)
        return "(run failed)";
    if (s->n != 1)
        return "(not one token)";
    return s->term[0];
}

static ng_analyzer_t *new_analyzer(const char *language)
{
    ng_analyzer_t *an = NULL;
    ng_status_t st = ng_analyzer_new(language, &an);
    if (st != NG_STATUS_SUCCESS || !an) {
        printf("Bail out! cannot create a '%s' analyzer: %s\n", language ? language : "(null)",
               ng_status_to_string(st));
        exit(1);
    }
    return an;
}

static void test_languages(void)
{
    ng_analyzer_t *an = NULL;
    is_num(ng_analyzer_new("klingon", &an), NG_STATUS_UNSUPPORTED, "an unknown language is unsupported");
    ok(an == NULL, "and no analyzer is handed out for it");

    an = new_analyzer(NULL);
    is_str(ng_analyzer_language(an), "english", "NULL means english");
    seen_t s;
    is_str(one_term(an, "running", &s), "run", "the default analyzer stems (english)");
    ng_analyzer_destroy(an);

    an = new_analyzer("none");
    is_str(ng_analyzer_language(an), "none", "the language is kept as given");
    is_str(one_term(an, "Withdrawing", &s), "withdrawing", "'none' folds case but does not stem");
    ng_analyzer_destroy(an);

    int found = 0;
    for (const char **l = ng_analyzer_languages(); *l; l++)
        found |= strcmp(*l, "english") == 0;
    ok(found, "english is among the offered languages");
}

static void test_stemming(ng_analyzer_t *en)
{
    seen_t a, b, c;
    is_str(one_term(en, "Withdrawal", &a), "withdraw", "Withdrawal stems to withdraw");
    is_str(one_term(en, "withdraw", &b), a.term[0], "withdraw gives the term of Withdrawal");
    is_str(one_term(en, "withdrawing", &c), a.term[0], "withdrawing gives the term of Withdrawal");
    is_str(a.word[0], "withdrawal", "the word is folded but not stemmed");
}

static void test_acronyms_and_hyphens(ng_analyzer_t *en)
{
    seen_t a, b;
    is_str(one_term(en, "U.S.", &a), "us", "U.S. is the term us");
    is_str(one_term(en, "US", &b), "us", "US is the term us too");

    analyse(en, "U.S.-led", &a);
    is_num(a.n, 2, "U.S.-led is two tokens");
    is_str(a.term[0], "us", "U.S.-led: first us");
    is_str(a.term[1], "led", "U.S.-led: then led");
    ok(a.pos[1] == a.pos[0] + 1, "U.S.-led: at consecutive positions");

    analyse(en, "al-Sudani", &a);
    is_num(a.n, 2, "al-Sudani is two tokens");
    is_str(a.term[0], "al", "al-Sudani: first al");
    is_str(a.term[1], "sudani", "al-Sudani: then sudani");
    is_num(a.pos[0], 0, "al-Sudani: al at position 0");
    is_num(a.pos[1], 1, "al-Sudani: sudani at position 1");
}

static void test_numbers(ng_analyzer_t *en)
{
    seen_t a, b;
    is_str(one_term(en, "2,500", &a), "2500", "2,500 is the term 2500 (thousands separator)");
    is_str(one_term(en, "2500", &b), "2500", "2500 is the term 2500");
    is_str(one_term(en, "3.14", &a), "3.14", "3.14 stays one token, point included");

    /* a comma not followed by exactly three digits separates numbers */
    analyse(en, "1,50", &a);
    is_num(a.n, 2, "1,50 is two numbers");
}

static void test_apostrophes(ng_analyzer_t *en)
{
    seen_t a, b, c;
    one_term(en, "coalition", &a);
    is_str(one_term(en, "coalition's", &b), a.term[0], "coalition's gives the term of coalition");
    is_str(one_term(en, "coalition’s", &c), a.term[0], "coalition’s (U+2019) gives the term of coalition");
    is_num(c.end[0], strlen("coalition’s"), "the U+2019 form's token spans the whole word");
}

static void test_unicode(ng_analyzer_t *en, ng_analyzer_t *none)
{
    seen_t a, b;
    is_str(one_term(none, "Élysée", &a), "élysée", "'none': Élysée folds to élysée");
    analyse(en, "Élysée", &a);
    is_num(a.n, 1, "english: Élysée is one token");
    is_str(a.word[0], "élysée", "english: its word is folded the same way");
    /* E + COMBINING ACUTE ACCENT: NFC makes it the word of precomposed É */
    analyse(none, "E\u0301lyse\u0301e", &b);
    is_num(b.n, 1, "decomposed Élysée is one token");
    is_str(b.term[0], "élysée", "decomposed Élysée folds to the NFC term");

    analyse(en, "بغداد", &a); /* Arabic has no case */
    is_num(a.n, 1, "an Arabic word is one token");
    is_str(a.word[0], "بغداد", "the Arabic word comes out unchanged");
    is_num(a.end[0], strlen("بغداد"), "the Arabic token spans all its bytes");

    analyse(en, "Москва", &a);
    is_num(a.n, 1, "a Cyrillic word is one token");
    is_str(a.word[0], "москва", "Cyrillic is case folded");
    is_str(one_term(none, "Москва", &b), "москва", "'none': the Cyrillic term is the folded word");
    ok(a.term[0][0] != '\0', "english: the Cyrillic term is not empty");

    /* Invisible joiners do not split a word: soft hyphen, ZWNJ, ZWJ, word joiner. */
    is_str(one_term(none, "inter\u00ADnational", &a), "international", "a soft hyphen does not split a word");
    is_str(one_term(none, "ab\u200Ccd", &a), "abcd", "a zero-width non-joiner does not split a word");
    is_str(one_term(none, "ab\u200Dcd", &a), "abcd", "a zero-width joiner does not split a word");
    is_str(one_term(none, "ab\u2060cd", &a), "abcd", "a word joiner does not split a word");
    analyse(none, "\u00ADword end\u00AD", &a);
    is_num(a.n, 2, "a joiner at a word's edge is no word");

    /* Ideographs are written without spaces: each is a token of its own. */
    analyse(en, "東京", &a);
    is_num(a.n, 2, "two ideographs are two tokens");
    is_str(a.term[1], "京", "the second ideograph is the second token");
}

static void test_invalid_utf8(ng_analyzer_t *en)
{
    seen_t a, b;
    const char *text = "caf\xE9 society and more words";
    is_num(analyse(en, text, &a), 0, "a run over invalid UTF-8 succeeds");
    is_num(a.n, 5, "no word after the bad byte is lost");
    is_str(a.word[0], "café", "the byte E9 is read as Windows-1252 é");
    is_num(a.start[0], 0, "caf\\xE9 starts at 0");
    is_num(a.end[0], 4, "caf\\xE9 ends after its one bad byte");
    is_str(a.term[1], "societi", "the word after it is analysed");
    is_str(a.term[4], "word", "so is the last word");
    analyse(en, "café", &b);
    is_str(a.term[0], b.term[0], "caf\\xE9 gives the term of UTF-8 café");

    /* 0x80-0x9F are Windows-1252, not Latin-1 control characters:
     * 0x93/0x94 are curly quotes, which separate words. */
    analyse(en, "\x93quoted\x94 text", &a);
    is_num(a.n, 2, "Windows-1252 quotes separate words");
    is_str(a.word[0], "quoted", "the quoted word is clean");
    is_num(a.start[0], 1, "and starts after the quote byte");

    is_num(analyse(en, "last words \xFF", &a), 0, "a lone FF at the very end: no failure");
    is_num(a.n, 3, "a lone FF at the very end: it is a token (y with diaeresis)");
    is_num(a.n == 3 ? a.end[2] : 0, strlen("last words \xFF"), "its token ends at the end of the text");

    /* a sequence cut short by the end of the text */
    is_num(analyse(en, "more words caf\xC3", &a), 0, "a truncated 2-byte sequence at the end: no failure");
    is_num(a.n, 3, "a truncated 2-byte sequence at the end: the words are kept");
    is_num(a.end[2], strlen("more words caf\xC3"), "the last token stops at the end of the text");
    is_num(analyse(en, "more words \xE2\x80", &a), 0, "a truncated 3-byte sequence at the end: no failure");
    is_num(a.n, 3, "a truncated 3-byte sequence at the end: E2 reads as a letter, 80 (euro) does not");
    is_str(a.term[1], "word", "the words before it are intact");
    ok(a.end[2] <= strlen("more words \xE2\x80"), "no token reaches past the text");

    /* The length given is the limit: a run over a prefix reads nothing after it. */
    is_num(analyse_n(en, "wordsé", 6, &a), 0, "a length cutting a sequence in two: no failure");
    is_num(a.n, 1, "it is one token");
    is_num(a.end[0], 6, "which ends at the given length");
}

static void test_offsets(ng_analyzer_t *en)
{
    seen_t a;
    const char *text = "The U.S. army, al-Sudani's “withdrawal”.";
    analyse(en, text, &a);
    is_num(a.n, 6, "offsets sample: six tokens");
    is_num(a.start[1], 4, "U.S. starts at its U");
    is_num(a.end[1], 8, "U.S.'s span covers the final dot");
    is_num(a.start[2], 9, "army starts at 9");
    is_num(a.end[2], 13, "army ends before the comma");
    is_num(a.start[3], 15, "al starts at 15");
    is_num(a.end[3], 17, "al ends before the hyphen");
    is_num(a.start[4], 18, "Sudani's starts after the hyphen");
    is_num(a.end[4], 26, "Sudani's ends after its s");
    is_num(a.start[5], 30, "withdrawal starts after the 3-byte opening quote");
    is_num(a.end[5], 40, "withdrawal ends before the closing quote");
    for (size_t i = 0; i < a.n && i < MAX_TOKENS; i++)
        ok(a.end[i] > a.start[i] && a.end[i] <= strlen(text), "token %zu has a span inside the text", i);
    ok(strncmp(text + a.start[5], "withdrawal", a.end[5] - a.start[5]) == 0, "the span is the original word");
    ok(!a.bad_strings, "every term and word is NUL-terminated at its length");
}

static void test_positions(ng_analyzer_t *en)
{
    seen_t s;
    memset(&s, 0, sizeof s);
    unsigned next = 0;
    is_num(ng_analyzer_run(en, "one, two... three!", 18, 10, &next, collect, &s), 0, "run returns 0");
    is_num(s.n, 3, "three words");
    is_num(s.pos[0], 10, "positions start at first_pos");
    is_num(s.pos[1], 11, "and count up by one");
    is_num(s.pos[2], 12, "punctuation takes no position");
    is_num(next, 13, "next_pos is the position after the last word");

    memset(&s, 0, sizeof s);
    next = 99;
    is_num(ng_analyzer_run(en, " ... ", 5, 7, &next, collect, &s), 0, "a text with no words: run returns 0");
    is_num(s.n, 0, "a text with no words: no token");
    is_num(next, 7, "a text with no words: next_pos is first_pos");

    is_num(ng_analyzer_run(en, "a b", 3, 0, NULL, collect, &s), 0, "next_pos may be NULL");

    /* A term over NG_MAX_TERM bytes is dropped but keeps its position, so
     * phrases across it do not match words that were never adjacent. */
    char text[3 * NG_MAX_TERM];
    char longest[NG_MAX_TERM + 1];
    memset(longest, 'x', NG_MAX_TERM);
    longest[NG_MAX_TERM] = '\0';
    snprintf(text, sizeof text, "alpha %sy omega %s", longest, longest);
    memset(&s, 0, sizeof s);
    next = 0;
    ng_analyzer_run(en, text, strlen(text), 0, &next, collect, &s);
    is_num(s.n, 3, "a word of NG_MAX_TERM + 1 bytes is not emitted");
    is_str(s.term[0], "alpha", "the word before it is");
    is_str(s.term[1], "omega", "the word after it is");
    is_num(s.pos[1], 2, "the dropped word still took position 1");
    is_num(s.start[1], 6 + NG_MAX_TERM + 2, "the word after it has its own offset");
    is_num(s.word[2][0] == 'x' ? strlen(s.word[2]) : 0, NG_MAX_TERM, "a word of exactly NG_MAX_TERM bytes is emitted");
    is_num(next, 4, "next_pos counts the dropped word");
    ok(!s.bad_strings, "no token handed out is over NG_MAX_TERM");
}

static void test_stop(ng_analyzer_t *en)
{
    seen_t s;
    memset(&s, 0, sizeof s);
    s.stop_after = 2;
    s.stop_value = 42;
    is_num(ng_analyzer_run(en, "one two three four", 18, 0, NULL, collect, &s), 42,
           "a callback's nonzero value stops the run and is returned");
    is_num(s.n, 2, "no token is handed out after the stop");

    memset(&s, 0, sizeof s);
    s.stop_after = 1;
    s.stop_value = -7;
    is_num(ng_analyzer_run(en, "one two", 7, 0, NULL, collect, &s), -7, "a negative value stops it too");
}

/* The stem cache holds fewer entries than this and is emptied when full. */
#define CACHE_WORDS 70000
#define CHUNK_WORDS 10000 /* few enough for a fresh analyzer's cache */
#define TERM_SIZE 32

static const char *const suffixes[] = {"ing", "ed", "ations", "ness", "ly"};

/* Distinct words: four letters counting in base 26, then a suffix (no suffix
 * ends another, so two words never coincide). */
static void make_word(size_t i, char *out)
{
    size_t k = i;
    out[0] = 'q';
    for (int d = 4; d >= 1; d--) {
        out[d] = (char)('a' + k % 26);
        k /= 26;
    }
    memcpy(out + 5, suffixes[i % 5], strlen(suffixes[i % 5]) + 1);
}

/* Analyse words FIRST..LAST-1 into TERMS (one slot per word). */
typedef struct record_terms {
    char (*terms)[TERM_SIZE];
    size_t next;
    int overflow;
} record_terms_t;

static int record_term(void *ctx, const ng_token_t *tok)
{
    record_terms_t *r = ctx;
    if (tok->term_len >= TERM_SIZE) {
        r->overflow = 1;
        return 1;
    }
    memcpy(r->terms[r->next++], tok->term, tok->term_len + 1);
    return 0;
}

static int analyse_words(ng_analyzer_t *an, size_t first, size_t last, char (*terms)[TERM_SIZE])
{
    char *text = malloc((last - first) * 16 + 1);
    size_t len = 0;
    if (!text)
        return -1;
    for (size_t i = first; i < last; i++) {
        make_word(i, text + len);
        len += strlen(text + len);
        text[len++] = ' ';
    }
    record_terms_t r = {terms, 0, 0};
    int rc = ng_analyzer_run(an, text, len, 0, NULL, record_term, &r);
    free(text);
    return rc == 0 && !r.overflow && r.next == last - first ? 0 : -1;
}

static void test_stem_cache(void)
{
    char(*got)[TERM_SIZE] = malloc(CACHE_WORDS * sizeof *got);
    char(*want)[TERM_SIZE] = malloc(CACHE_WORDS * sizeof *want);
    if (!got || !want) {
        printf("Bail out! out of memory\n");
        exit(1);
    }
    ng_analyzer_t *an = new_analyzer("english");
    is_num(analyse_words(an, 0, CACHE_WORDS, got), 0, "%d distinct words analysed in one run", CACHE_WORDS);

    /* The reference: fresh analyzers, each seeing too few words to fill its cache. */
    int made = 1;
    for (size_t first = 0; first < CACHE_WORDS; first += CHUNK_WORDS) {
        ng_analyzer_t *ref = new_analyzer("english");
        size_t last = first + CHUNK_WORDS < CACHE_WORDS ? first + CHUNK_WORDS : CACHE_WORDS;
        made &= analyse_words(ref, first, last, want + first) == 0;
        ng_analyzer_destroy(ref);
    }
    ok(made, "the reference stems were made");
    size_t wrong = 0, first_wrong = 0;
    for (size_t i = CACHE_WORDS; i-- > 0;)
        if (strcmp(got[i], want[i]) != 0) {
            wrong++;
            first_wrong = i;
        }
    if (!is_num(wrong, 0, "every stem matches a fresh analyzer's"))
        printf("#   first mismatch: word %zu: '%s' vs '%s'\n", first_wrong, got[first_wrong], want[first_wrong]);
    /* The comparison means something only if stemming changed the words. */
    size_t stemmed = 0;
    for (size_t i = 0; i < CACHE_WORDS; i++) {
        char w[TERM_SIZE];
        make_word(i, w);
        stemmed += strcmp(got[i], w) != 0;
    }
    ok(stemmed > CACHE_WORDS / 2, "most words were changed by stemming (%zu)", stemmed);

    /* Again through the same analyzer: words from before the cache was emptied
     * (stemmed anew) and from after (served from the cache). */
    is_num(analyse_words(an, 0, 2000, got), 0, "words seen before the cache emptied, again");
    is_num(analyse_words(an, CACHE_WORDS - 2000, CACHE_WORDS, got + CACHE_WORDS - 2000), 0,
           "words seen after it, again");
    wrong = 0;
    for (size_t i = 0; i < CACHE_WORDS; i++)
        if ((i < 2000 || i >= CACHE_WORDS - 2000) && strcmp(got[i], want[i]) != 0)
            wrong++;
    is_num(wrong, 0, "repeated words keep their stems");
    ng_analyzer_destroy(an);

    /* A fresh analyzer's cache starts small and grows: words seen before it
     * grew are served from the grown table. */
    an = new_analyzer("english");
    made = analyse_words(an, 0, CHUNK_WORDS, got) == 0;
    memset(got, 0, CHUNK_WORDS * sizeof *got);
    made &= analyse_words(an, 0, CHUNK_WORDS, got) == 0;
    ok(made, "%d words analysed twice by a fresh analyzer", CHUNK_WORDS);
    wrong = 0;
    for (size_t i = 0; i < CHUNK_WORDS; i++)
        wrong += strcmp(got[i], want[i]) != 0;
    is_num(wrong, 0, "words seen before the cache grew keep their stems");
    ng_analyzer_destroy(an);
    free(got);
    free(want);
}

int main(void)
{
    ng_analyzer_t *en = new_analyzer("english");
    ng_analyzer_t *none = new_analyzer("none");

    test_languages();
    test_stemming(en);
    test_acronyms_and_hyphens(en);
    test_numbers(en);
    test_apostrophes(en);
    test_unicode(en, none);
    test_invalid_utf8(en);
    test_offsets(en);
    test_positions(en);
    test_stop(en);
    test_stem_cache();

    ng_analyzer_destroy(en);
    ng_analyzer_destroy(none);
    return tap_done();
}
