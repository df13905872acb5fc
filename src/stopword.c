/* The stopword lists of stopword.h. English is the Snowball project's list
 * (snowballstem.org, BSD licence), sorted bytewise for a binary search. */
#include <string.h>

#include "stopword.h"

struct ng_stoplist {
    const char *const *words;
    size_t n;
};

static const char *const english_words[] = {
    "a",       "about",     "above",      "after",      "again",   "against", "all",     "am",      "an",
    "and",     "any",       "are",        "aren't",     "as",      "at",      "be",      "because", "been",
    "before",  "being",     "below",      "between",    "both",    "but",     "by",      "can't",   "cannot",
    "could",   "couldn't",  "did",        "didn't",     "do",      "does",    "doesn't", "doing",   "don't",
    "down",    "during",    "each",       "few",        "for",     "from",    "further", "had",     "hadn't",
    "has",     "hasn't",    "have",       "haven't",    "having",  "he",      "he'd",    "he'll",   "he's",
    "her",     "here",      "here's",     "hers",       "herself", "him",     "himself", "his",     "how",
    "how's",   "i",         "i'd",        "i'll",       "i'm",     "i've",    "if",      "in",      "into",
    "is",      "isn't",     "it",         "it's",       "its",     "itself",  "let's",   "me",      "more",
    "most",    "mustn't",   "my",         "myself",     "no",      "nor",     "not",     "of",      "off",
    "on",      "once",      "only",       "or",         "other",   "ought",   "our",     "ours",    "ourselves",
    "out",     "over",      "own",        "same",       "shan't",  "she",     "she'd",   "she'll",  "she's",
    "should",  "shouldn't", "so",         "some",       "such",    "than",    "that",    "that's",  "the",
    "their",   "theirs",    "them",       "themselves", "then",    "there",   "there's", "these",   "they",
    "they'd",  "they'll",   "they're",    "they've",    "this",    "those",   "through", "to",      "too",
    "under",   "until",     "up",         "very",       "was",     "wasn't",  "we",      "we'd",    "we'll",
    "we're",   "we've",     "were",       "weren't",    "what",    "what's",  "when",    "when's",  "where",
    "where's", "which",     "while",      "who",        "who's",   "whom",    "why",     "why's",   "with",
    "won't",   "would",     "wouldn't",   "you",        "you'd",   "you'll",  "you're",  "you've",  "your",
    "yours",   "yourself",  "yourselves",
};

static const ng_stoplist_t english = {english_words, sizeof english_words / sizeof english_words[0]};

const ng_stoplist_t *ng_stoplist_for(const char *language)
{
    static const char *const english_names[] = {"english", "en", "eng", "porter"};
    if (!language)
        return NULL;
    for (size_t i = 0; i < sizeof english_names / sizeof english_names[0]; i++)
        if (strcmp(language, english_names[i]) == 0)
            return &english;
    return NULL;
}

const char *ng_stoplist_languages(void)
{
    return "english";
}

int ng_stoplist_has(const ng_stoplist_t *list, const char *word, size_t len)
{
    size_t lo = 0, hi = list->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *w = list->words[mid];
        int c = strncmp(w, word, len);
        if (c == 0)
            c = w[len] == '\0' ? 0 : 1;
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}
