/* The sinks of sink.h behind one table of operations: one database, a part
 * of an addition made in parallel, and the dry run's nothing. A sharded
 * index would be another table. */
#define _GNU_SOURCE /* renameat2 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "layout.h"
#include "sink.h"

typedef struct sink_ops {
    ng_status_t (*replace_article)(ng_sink_t *sink, const ng_article_t *article, ng_doc_t *const *docs, size_t n,
                                   ng_doc_t *whole, int *replaced);
    ng_status_t (*get_metadata)(ng_sink_t *sink, const char *key, char **value);
    ng_status_t (*set_metadata)(ng_sink_t *sink, const char *key, const char *value);
    ng_status_t (*commit)(ng_sink_t *sink);
    void (*close)(ng_sink_t *sink);
} sink_ops_t;

struct ng_sink {
    const sink_ops_t *ops;
    ng_store_t *store;  /* the one database; NULL for the null sink */
    ng_store_t *behind; /* a part's: the index it will be merged onto */
    /* a bulk loader's that starts a new part (PATH.1, PATH.2, ...) once the
     * current one has MAX_PASSAGES: the parts before it, read */
    char *path, *language;
    size_t max_passages, passages;
    ng_store_t **earlier;
    size_t nearlier;
    char errmsg[512];
};

/* --- one database -------------------------------------------------------- */

static ng_status_t store_status(ng_sink_t *sink, ng_status_t st)
{
    if (st != NG_STATUS_SUCCESS)
        snprintf(sink->errmsg, sizeof sink->errmsg, "%s",
                 *ng_store_errmsg(sink->store) ? ng_store_errmsg(sink->store) : ng_status_to_string(st));
    return st;
}

static ng_status_t one_replace(ng_sink_t *sink, const ng_article_t *a, ng_doc_t *const *docs, size_t n, ng_doc_t *whole,
                               int *replaced)
{
    return store_status(sink, ng_store_replace_article(sink->store, a->id, docs, n, whole, replaced));
}

static ng_status_t one_get(ng_sink_t *sink, const char *key, char **value)
{
    return store_status(sink, ng_store_get_metadata(sink->store, key, value));
}

static ng_status_t one_set(ng_sink_t *sink, const char *key, const char *value)
{
    return store_status(sink, ng_store_set_metadata(sink->store, key, value));
}

static ng_status_t one_commit(ng_sink_t *sink)
{
    return store_status(sink, ng_store_commit(sink->store));
}

static void one_close(ng_sink_t *sink)
{
    ng_store_close(sink->store);
}

static const sink_ops_t one_ops = {one_replace, one_get, one_set, one_commit, one_close};

/* Is PATH missing, or an empty folder? */
int ng_sink_vacant(const char *path)
{
    DIR *dir = opendir(path);
    if (!dir)
        return errno == ENOENT;
    struct dirent *de;
    int empty = 1;
    while (empty && (de = readdir(dir)) != NULL)
        empty = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
    closedir(dir);
    return empty;
}

/* Does the folder PATH hold a file NAME? */
static int holds(const char *path, const char *name)
{
    ng_buf_t file = NG_BUF_INIT;
    int yes = ng_buf_append_str(&file, path) == 0 && ng_buf_append_byte(&file, '/') == 0 &&
              ng_buf_append_str(&file, name) == 0 && access(file.data, F_OK) == 0;
    ng_buf_free(&file);
    return yes;
}

/* Does the folder PATH hold something other than a Xapian database? Opening
 * one would leave Xapian's lock file in it. */
static int foreign_folder(const char *path)
{
    /* a stub too: the index while an addition is merged (ng_sink_show_parts) */
    static const char *const versions[] = {"iamglass", "iamchert", "iamhoney", "XAPIANDB"};
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return 0;
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++)
        if (holds(path, versions[i]))
            return 0;
    return 1;
}

/* Call FN(CTX, its path, its name) for each entry of the folder DIR but "."
 * and "..". */
static void each_entry(const char *dir, void (*fn)(void *ctx, const char *file, const char *name), void *ctx)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    ng_buf_t file = NG_BUF_INIT;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        ng_buf_clear(&file);
        if (ng_buf_append_str(&file, dir) == 0 && ng_buf_append_byte(&file, '/') == 0 &&
            ng_buf_append_str(&file, de->d_name) == 0)
            fn(ctx, file.data, de->d_name);
    }
    closedir(d);
    ng_buf_free(&file);
}

static void remove_entry(void *ctx, const char *file, const char *name)
{
    (void)ctx;
    (void)name;
    /* an index holds one folder, its articles database */
    if (unlink(file) != 0 && errno == EISDIR)
        ng_sink_remove_folder(file);
}

/* Remove the folder PATH of an index being made, and all it holds. */
void ng_sink_remove_folder(const char *path)
{
    each_entry(path, remove_entry, NULL);
    rmdir(path);
}

static void add_bytes(void *ctx, const char *file, const char *name)
{
    (void)name;
    struct stat sb;
    if (lstat(file, &sb) == 0)
        *(unsigned long long *)ctx += S_ISDIR(sb.st_mode) ? ng_sink_folder_bytes(file) : (unsigned long long)sb.st_size;
}

unsigned long long ng_sink_folder_bytes(const char *path)
{
    unsigned long long total = 0;
    each_entry(path, add_bytes, &total);
    return total;
}

/* The folder of PATH (".", "/", ...) into DIR, and the name in it into BASE. */
static int split_path(const char *path, ng_buf_t *dir, ng_buf_t *base)
{
    const char *slash = strrchr(path, '/');
    ng_buf_clear(dir);
    ng_buf_clear(base);
    if (!slash)
        return ng_buf_append_str(dir, ".") || ng_buf_append_str(base, path);
    return ng_buf_append(dir, path, slash == path ? 1 : (size_t)(slash - path)) || ng_buf_append_str(base, slash + 1);
}

struct leftovers {
    const char *path;   /* the index */
    const char *prefix; /* the name of its folders aside, but the PID: PATH.new- */
};

/* Remove the folder FILE named NAME if it is PREFIX (PATH.new-) PID and its
 * process is gone, after putting back the index it was adding to. */
static void remove_leftover(void *ctx, const char *file, const char *name)
{
    const struct leftovers *l = ctx;
    const size_t n = strlen(l->prefix);
    if (strncmp(name, l->prefix, n) != 0)
        return;
    char *end;
    long pid = strtol(name + n, &end, 10);
    if (*end || pid <= 0 || end == name + n)
        return;
    if (pid != (long)getpid() && (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
        return; /* its maker is still at work */
    /* one writer at a time puts the index back; the others find it done */
    int fd = open(file, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0 && flock(fd, LOCK_EX) == 0)
        ng_sink_hide_parts(l->path, file);
    ng_sink_remove_folder(file);
    if (fd >= 0)
        close(fd);
}

/* Remove PATH.new-PID folders whose process is gone: indexes being made when
 * their maker was killed. */
void ng_sink_remove_leftovers(const char *path)
{
    ng_buf_t dir = NG_BUF_INIT, prefix = NG_BUF_INIT;
    if (split_path(path, &dir, &prefix) == 0 && ng_buf_append_str(&prefix, ".new-") == 0) {
        struct leftovers l = {path, prefix.data};
        each_entry(dir.data, remove_leftover, &l);
    }
    ng_buf_free(&dir);
    ng_buf_free(&prefix);
}

/* Make the durable rename of PATH's folder entry survive a power cut too. */
static void sync_folder_of(const char *path)
{
    ng_buf_t dir = NG_BUF_INIT, base = NG_BUF_INIT;
    if (split_path(path, &dir, &base) == 0) {
        int fd = open(dir.data, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            fsync(fd);
            close(fd);
        }
    }
    ng_buf_free(&dir);
    ng_buf_free(&base);
}

/* Make a new index at PATH through a folder aside. 0: made, 1: someone else
 * made it meanwhile, -1: failed (*ERRMSG set), -2 out of memory. */
static int create_aside(const char *path, const char *language, char **errmsg)
{
    ng_buf_t aside = NG_BUF_INIT;
    char pid[32];
    snprintf(pid, sizeof pid, ".new-%ld", (long)getpid());
    if (ng_buf_append_str(&aside, path) != 0 || ng_buf_append_str(&aside, pid) != 0) {
        ng_buf_free(&aside);
        return -2;
    }
    ng_store_t *store = NULL;
    char *msg = NULL;
    int rc = -1;
    ng_status_t st = ng_store_open_writer(aside.data, 0, &store, &msg);
    if (st == NG_STATUS_SUCCESS && (st = ng_store_set_metadata(store, NG_META_LANGUAGE, language)) == NG_STATUS_SUCCESS)
        st = ng_store_commit(store);
    if (st != NG_STATUS_SUCCESS) {
        *errmsg = ng_message(aside.data, msg ? msg : store ? ng_store_errmsg(store) : ng_status_to_string(st));
        ng_store_close(store);
        ng_sink_remove_folder(aside.data);
        goto out;
    }
    ng_store_close(store);
    if (rename(aside.data, path) == 0) {
        sync_folder_of(path);
        rc = 0;
    } else if (errno == EEXIST || errno == ENOTEMPTY) {
        ng_sink_remove_folder(aside.data);
        rc = 1;
    } else {
        *errmsg = ng_message(path, strerror(errno));
        ng_sink_remove_folder(aside.data);
    }
out:
    free(msg);
    ng_buf_free(&aside);
    return rc;
}

ng_status_t ng_sink_open_index(const char *path, int flags, const char *language, ng_sink_t **out, int *created,
                               char **errmsg)
{
    *out = NULL;
    *errmsg = NULL;
    if (created)
        *created = 0;
    ng_sink_t *sink = calloc(1, sizeof *sink);
    if (!sink)
        return NG_STATUS_OUT_OF_MEMORY;
    sink->ops = &one_ops;
    /* the folders aside of makers that were killed, before or after their
     * rename; gone first, so that their space is free for this run */
    ng_sink_remove_leftovers(path);
    if (ng_sink_vacant(path)) {
        int rc = create_aside(path, language, errmsg);
        if (rc == -2 || rc == -1) {
            free(sink);
            return rc == -2 ? NG_STATUS_OUT_OF_MEMORY : NG_STATUS_INDEX_ERROR;
        }
        if (created)
            *created = rc == 0;
    }
    if (foreign_folder(path)) {
        *errmsg = strdup("it is a folder of other files, not an index (use another --db)");
        free(sink);
        return NG_STATUS_INDEX_ERROR;
    }
    int sflags = NG_STORE_MUST_EXIST | ((flags & NG_SINK_WAIT) ? NG_STORE_WAIT_LOCK : 0);
    ng_status_t st;
    for (;;) {
        /* An addition in parallel puts a new index in place of the old one
         * (ng_sink_swap_index): a writer that waited for the old one's lock
         * must open the new one. */
        struct stat before, after;
        int known = stat(path, &before) == 0;
        st = ng_store_open_writer(path, sflags, &sink->store, errmsg);
        int moved =
            known && stat(path, &after) == 0 && (after.st_ino != before.st_ino || after.st_dev != before.st_dev);
        if (st != NG_STATUS_SUCCESS && moved) {
            /* a stub whose databases went as the addition ended: the new one */
            free(*errmsg);
            *errmsg = NULL;
            continue;
        }
        if (st != NG_STATUS_SUCCESS) {
            free(sink);
            return st;
        }
        if (!moved)
            break;
        ng_store_close(sink->store);
        sink->store = NULL;
    }
    *out = sink;
    return NG_STATUS_SUCCESS;
}

/* Can two folders in the folder DIR swap places in one step? Not on every
 * file system (RENAME_EXCHANGE). */
int ng_sink_can_swap(const char *dir)
{
    ng_buf_t a = NG_BUF_INIT, b = NG_BUF_INIT;
    int can = 0;
    if (ng_buf_append_str(&a, dir) == 0 && ng_buf_append_str(&a, "/swap-a") == 0 && ng_buf_append_str(&b, dir) == 0 &&
        ng_buf_append_str(&b, "/swap-b") == 0 && mkdir(a.data, 0777) == 0) {
        if (mkdir(b.data, 0777) == 0) {
            can = renameat2(AT_FDCWD, a.data, AT_FDCWD, b.data, RENAME_EXCHANGE) == 0;
            rmdir(b.data);
        }
        rmdir(a.data);
    }
    ng_buf_free(&a);
    ng_buf_free(&b);
    return can;
}

/* --- the index and the parts of an addition, read together ---------------
 * While the parts of an addition are merged onto a copy of the index, they
 * can already be searched beside it: a Xapian stub database listing the
 * index and the parts (one for the passages, one for the articles) takes the
 * index's place, and the index waits at ASIDE/view for the merge, whose
 * result then takes the stub's place. A maker killed in between leaves the
 * stub, which still reads; the next writer puts the index back
 * (ng_sink_remove_leftovers), as if the addition had not started. */

/* Write the file PATH holding TEXT, on disk before this returns. */
static int write_synced(const char *path, const ng_buf_t *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return -1;
    size_t done = 0;
    while (done < text->len) {
        ssize_t k = write(fd, text->data + done, text->len - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        done += (size_t)k;
    }
    if (fdatasync(fd) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return close(fd);
}

/* Append the stub lines of the glass databases ASIDE/view and PARTS to
 * STUB, as seen from a stub UP folders below the index's folder (the
 * aside's name there is NAME), with SUB after each path ("" or
 * "/articles"). */
static int stub_lines(ng_buf_t *stub, const char *up, const char *name, const char *aside, char *const *parts, size_t n,
                      const char *sub)
{
    const size_t skip = strlen(aside) + 1; /* a part is ASIDE/PART */
    int rc = 0;
    for (size_t i = 0; i <= n && rc == 0; i++)
        rc = ng_buf_append_str(stub, "glass ") || ng_buf_append_str(stub, up) || ng_buf_append_str(stub, name) ||
             ng_buf_append_byte(stub, '/') || ng_buf_append_str(stub, i == 0 ? "view" : parts[i - 1] + skip) ||
             ng_buf_append_str(stub, sub) || ng_buf_append_byte(stub, '\n');
    return rc;
}

/* While an addition is shown, the index's path and where the index waits:
 * a signal that stops the process puts the index back first. */
static char *volatile guard_path, *volatile guard_view;
static const int guarded[] = {SIGINT, SIGTERM, SIGHUP};
#define NGUARDED (sizeof guarded / sizeof guarded[0])
static struct sigaction unguarded[NGUARDED];

static void put_back(int sig)
{
    const char *path = guard_path, *view = guard_view;
    if (path && view)
        renameat2(AT_FDCWD, view, AT_FDCWD, path, RENAME_EXCHANGE);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Block the guarded signals, the mask before into OLD (restored with
 * pthread_sigmask(SIG_SETMASK, OLD, NULL)). */
static void block_guarded(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < NGUARDED; i++)
        sigaddset(&set, guarded[i]);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

/* Guard PATH shown with the index at VIEW (the caller's copies are taken;
 * call with the guarded signals blocked). */
static void guard(const char *path, const char *view)
{
    guard_path = strdup(path);
    guard_view = strdup(view);
    if (!guard_path || !guard_view) { /* unguarded: the next writer puts it back */
        free(guard_path);
        free(guard_view);
        guard_path = guard_view = NULL;
        return;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = put_back;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NGUARDED; i++) {
        sigaction(guarded[i], NULL, &unguarded[i]);
        if (unguarded[i].sa_handler != SIG_IGN) /* nohup's SIGHUP stays ignored */
            sigaction(guarded[i], &sa, NULL);
    }
}

void ng_sink_unguard(void)
{
    if (!guard_path)
        return;
    sigset_t old;
    block_guarded(&old);
    char *path = guard_path, *view = guard_view;
    guard_path = guard_view = NULL;
    for (size_t i = 0; i < NGUARDED; i++)
        sigaction(guarded[i], &unguarded[i], NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    free(path);
    free(view);
}

char *ng_sink_view_path(const char *aside)
{
    ng_buf_t view = NG_BUF_INIT;
    if (ng_buf_append_str(&view, aside) != 0 || ng_buf_append_str(&view, "/view") != 0) {
        ng_buf_free(&view);
        return NULL;
    }
    return view.data;
}

int ng_sink_show_parts(const char *path, const char *aside, char *const *parts, size_t n)
{
    ng_buf_t dir = NG_BUF_INIT, name = NG_BUF_INIT, file = NG_BUF_INIT, stub = NG_BUF_INIT;
    char *view = ng_sink_view_path(aside);
    int rc = -1;
    if (!view || split_path(aside, &dir, &name) != 0 || ng_buf_append_str(&file, path) != 0 ||
        ng_buf_append_str(&file, "/articles") != 0) {
        errno = ENOMEM;
        goto out;
    }
    /* an index without its articles database, a symbolic link (whose folder
     * is elsewhere), or a name a stub cannot list */
    struct stat sb;
    if (lstat(path, &sb) != 0 || !S_ISDIR(sb.st_mode) || !holds(path, "iamglass") || !holds(file.data, "iamglass") ||
        strchr(aside, '\n')) {
        rc = 1;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (strncmp(parts[i], aside, strlen(aside)) != 0 || parts[i][strlen(aside)] != '/' || strchr(parts[i], '\n')) {
            rc = 1;
            goto out;
        }
    ng_buf_clear(&file);
    if (ng_buf_append_str(&file, view) != 0 || ng_buf_append_str(&file, "/articles") != 0) {
        errno = ENOMEM;
        goto out;
    }
    if (mkdir(view, 0777) != 0 || mkdir(file.data, 0777) != 0)
        goto out;
    if (ng_buf_append_str(&file, "/XAPIANDB") != 0 ||
        stub_lines(&stub, "../../", name.data, aside, parts, n, "/articles") != 0) {
        errno = ENOMEM;
        goto out;
    }
    if (write_synced(file.data, &stub) != 0)
        goto out;
    ng_buf_clear(&file);
    ng_buf_clear(&stub);
    if (ng_buf_append_str(&file, view) != 0 || ng_buf_append_str(&file, "/XAPIANDB") != 0 ||
        stub_lines(&stub, "../", name.data, aside, parts, n, "") != 0) {
        errno = ENOMEM;
        goto out;
    }
    if (write_synced(file.data, &stub) != 0)
        goto out;
    /* the stub in place and the guard set, with no signal in between */
    sigset_t old;
    block_guarded(&old);
    if (ng_sink_swap_index(view, path) == 0) {
        guard(path, view);
        rc = 0;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
out:
    ng_buf_free(&dir);
    ng_buf_free(&name);
    free(view);
    ng_buf_free(&file);
    ng_buf_free(&stub);
    return rc;
}

int ng_sink_hide_parts(const char *path, const char *aside)
{
    char *view = ng_sink_view_path(aside);
    int rc = 0;
    if (!view) {
        errno = ENOMEM;
        rc = -1;
    } else if (holds(view, "iamglass") && !holds(path, "iamglass")) {
        rc = ng_sink_swap_index(view, path);
    }
    free(view);
    return rc;
}

/* Put the index at NEW in the place of the one at PATH, in one step, so that
 * a reader opens either; the old index is then at NEW. */
int ng_sink_swap_index(const char *new, const char *path)
{
    if (renameat2(AT_FDCWD, new, AT_FDCWD, path, RENAME_EXCHANGE) != 0)
        return -1;
    sync_folder_of(path);
    return 0;
}

/* A new database at PATH (overwritten) written in bulk, with LANGUAGE
 * recorded. */
static ng_status_t open_bulk_store(const char *path, const char *language, ng_store_t **out, char **errmsg)
{
    ng_status_t st = ng_store_open_writer(path, NG_STORE_BULK, out, errmsg);
    if (st == NG_STATUS_SUCCESS && (st = ng_store_set_metadata(*out, NG_META_LANGUAGE, language)) != NG_STATUS_SUCCESS) {
        *errmsg = ng_message(path, ng_store_errmsg(*out));
        ng_store_close(*out);
        *out = NULL;
    }
    return st;
}

ng_status_t ng_sink_open_bulk(const char *path, const char *language, ng_sink_t **out, char **errmsg)
{
    *out = NULL;
    *errmsg = NULL;
    ng_sink_t *sink = calloc(1, sizeof *sink);
    if (!sink)
        return NG_STATUS_OUT_OF_MEMORY;
    sink->ops = &one_ops;
    ng_status_t st = open_bulk_store(path, language, &sink->store, errmsg);
    if (st != NG_STATUS_SUCCESS) {
        free(sink);
        return st;
    }
    *out = sink;
    return NG_STATUS_SUCCESS;
}

/* --- a bulk loader's parts, a new one every so many passages ---------------
 * Xapian's flushes cost more as a database grows (BENCHMARKS.md: a new index
 * of 2 GB of JSON Lines took 757 s in parts of 500000 passages, 809 s in one
 * part per worker), and the parts are merged at the end anyway. An article
 * that an earlier part holds counts as replaced; the merge keeps its latest
 * version. */

static ng_status_t open_part_store(ng_sink_t *sink, unsigned number, char **errmsg);

/* The part to write: after a full one, the next is made now. */
static ng_status_t current_part(ng_sink_t *sink)
{
    if (sink->store)
        return NG_STATUS_SUCCESS;
    char *errmsg = NULL;
    ng_status_t st = open_part_store(sink, (unsigned)sink->nearlier, &errmsg);
    if (st != NG_STATUS_SUCCESS)
        snprintf(sink->errmsg, sizeof sink->errmsg, "%s", errmsg ? errmsg : ng_status_to_string(st));
    free(errmsg);
    return st;
}

static ng_status_t parts_replace(ng_sink_t *sink, const ng_article_t *a, ng_doc_t *const *docs, size_t n,
                                 ng_doc_t *whole, int *replaced)
{
    ng_status_t st = current_part(sink);
    if (st == NG_STATUS_SUCCESS)
        st = one_replace(sink, a, docs, n, whole, replaced);
    if (st != NG_STATUS_SUCCESS)
        return st;
    sink->passages += n;
    for (size_t i = 0; i < sink->nearlier && !*replaced; i++) {
        int has = ng_store_has_article(sink->earlier[i], a->id);
        if (has < 0) {
            snprintf(sink->errmsg, sizeof sink->errmsg, "%s", ng_store_errmsg(sink->earlier[i]));
            return NG_STATUS_INDEX_ERROR;
        }
        *replaced = has;
    }
    return NG_STATUS_SUCCESS;
}

static ng_status_t parts_get(ng_sink_t *sink, const char *key, char **value)
{
    ng_status_t st;
    if (sink->store) {
        st = one_get(sink, key, value);
    } else { /* the last part was full, the next not made yet */
        *value = strdup("");
        st = *value ? NG_STATUS_SUCCESS : NG_STATUS_OUT_OF_MEMORY;
    }
    for (size_t i = sink->nearlier; i-- > 0 && st == NG_STATUS_SUCCESS && !**value;) {
        free(*value);
        *value = NULL;
        if ((st = ng_store_get_metadata(sink->earlier[i], key, value)) != NG_STATUS_SUCCESS)
            snprintf(sink->errmsg, sizeof sink->errmsg, "%s", ng_store_errmsg(sink->earlier[i]));
    }
    return st;
}

/* The path of part NUMBER of the bulk loader at PATH: PATH, PATH.1, ... */
char *ng_sink_part_path(const char *path, unsigned number)
{
    ng_buf_t b = NG_BUF_INIT;
    char suffix[16] = "";
    if (number)
        snprintf(suffix, sizeof suffix, ".%u", number);
    if (ng_buf_append_str(&b, path) != 0 || ng_buf_append_str(&b, suffix) != 0) {
        ng_buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* Open part NUMBER of SINK for writing, with its language recorded. */
static ng_status_t open_part_store(ng_sink_t *sink, unsigned number, char **errmsg)
{
    char *path = ng_sink_part_path(sink->path, number);
    if (!path)
        return NG_STATUS_OUT_OF_MEMORY;
    ng_status_t st = open_bulk_store(path, sink->language, &sink->store, errmsg);
    free(path);
    return st;
}

static ng_status_t parts_set(ng_sink_t *sink, const char *key, const char *value)
{
    ng_status_t st = current_part(sink);
    return st == NG_STATUS_SUCCESS ? one_set(sink, key, value) : st;
}

static ng_status_t parts_commit(ng_sink_t *sink)
{
    if (!sink->store)
        return NG_STATUS_SUCCESS; /* nothing since the last part was full */
    ng_status_t st = one_commit(sink);
    if (st != NG_STATUS_SUCCESS || sink->passages < sink->max_passages)
        return st;
    /* the part is full: read it from now on; the next is made when needed */
    ng_store_t **earlier = realloc(sink->earlier, (sink->nearlier + 1) * sizeof *earlier);
    if (!earlier)
        return NG_STATUS_OUT_OF_MEMORY;
    sink->earlier = earlier;
    char *path = ng_sink_part_path(sink->path, (unsigned)sink->nearlier);
    char *errmsg = NULL;
    if (!path)
        return NG_STATUS_OUT_OF_MEMORY;
    ng_store_close(sink->store);
    sink->store = NULL;
    sink->passages = 0;
    st = ng_store_open(path, NG_STORE_READ, &sink->earlier[sink->nearlier], &errmsg);
    if (st == NG_STATUS_SUCCESS)
        sink->nearlier++;
    else
        snprintf(sink->errmsg, sizeof sink->errmsg, "%s", errmsg ? errmsg : ng_status_to_string(st));
    free(errmsg);
    free(path);
    return st;
}

static void parts_close(ng_sink_t *sink)
{
    ng_store_close(sink->store);
    for (size_t i = 0; i < sink->nearlier; i++)
        ng_store_close(sink->earlier[i]);
    free(sink->earlier);
    free(sink->path);
    free(sink->language);
}

static const sink_ops_t parts_ops = {parts_replace, parts_get, parts_set, parts_commit, parts_close};

ng_status_t ng_sink_open_bulk_parts(const char *path, const char *language, size_t max_passages, ng_sink_t **out,
                                    char **errmsg)
{
    *out = NULL;
    *errmsg = NULL;
    ng_sink_t *sink = calloc(1, sizeof *sink);
    if (!sink)
        return NG_STATUS_OUT_OF_MEMORY;
    sink->ops = &parts_ops;
    sink->max_passages = max_passages;
    sink->path = strdup(path);
    sink->language = strdup(language);
    ng_status_t st = sink->path && sink->language ? open_part_store(sink, 0, errmsg) : NG_STATUS_OUT_OF_MEMORY;
    if (st != NG_STATUS_SUCCESS) {
        ng_sink_close(sink);
        return st;
    }
    *out = sink;
    return NG_STATUS_SUCCESS;
}

/* --- a part of an addition to an index ------------------------------------
 * One database, written in bulk, that will be merged onto the index behind
 * it: an article the index holds counts as replaced, and a dump the index
 * has recorded as indexed is known. */

static ng_status_t part_replace(ng_sink_t *sink, const ng_article_t *a, ng_doc_t *const *docs, size_t n,
                                ng_doc_t *whole, int *replaced)
{
    ng_status_t st = one_replace(sink, a, docs, n, whole, replaced);
    if (st != NG_STATUS_SUCCESS || *replaced)
        return st;
    int has = ng_store_has_article(sink->behind, a->id);
    if (has < 0) {
        snprintf(sink->errmsg, sizeof sink->errmsg, "%s", ng_store_errmsg(sink->behind));
        return NG_STATUS_INDEX_ERROR;
    }
    *replaced = has;
    return NG_STATUS_SUCCESS;
}

static ng_status_t part_get(ng_sink_t *sink, const char *key, char **value)
{
    ng_status_t st = one_get(sink, key, value);
    if (st != NG_STATUS_SUCCESS || **value)
        return st;
    free(*value);
    *value = NULL;
    st = ng_store_get_metadata(sink->behind, key, value);
    if (st != NG_STATUS_SUCCESS)
        snprintf(sink->errmsg, sizeof sink->errmsg, "%s", ng_store_errmsg(sink->behind));
    return st;
}

static void part_close(ng_sink_t *sink)
{
    ng_store_close(sink->store);
    ng_store_close(sink->behind);
}

static const sink_ops_t part_ops = {part_replace, part_get, one_set, one_commit, part_close};

ng_status_t ng_sink_open_part(const char *path, const char *language, const char *behind, ng_sink_t **out,
                              char **errmsg)
{
    ng_status_t st = ng_sink_open_bulk(path, language, out, errmsg);
    if (st != NG_STATUS_SUCCESS)
        return st;
    (*out)->ops = &part_ops;
    if ((st = ng_store_open(behind, NG_STORE_READ, &(*out)->behind, errmsg)) != NG_STATUS_SUCCESS) {
        ng_sink_close(*out);
        *out = NULL;
    }
    return st;
}

/* --- nothing (a dry run) ------------------------------------------------- */

static ng_status_t null_replace(ng_sink_t *sink, const ng_article_t *a, ng_doc_t *const *docs, size_t n,
                                ng_doc_t *whole, int *replaced)
{
    (void)sink, (void)a, (void)docs, (void)n, (void)whole;
    *replaced = 0;
    return NG_STATUS_SUCCESS;
}

static ng_status_t null_get(ng_sink_t *sink, const char *key, char **value)
{
    (void)sink, (void)key;
    *value = strdup("");
    return *value ? NG_STATUS_SUCCESS : NG_STATUS_OUT_OF_MEMORY;
}

static ng_status_t null_set(ng_sink_t *sink, const char *key, const char *value)
{
    (void)sink, (void)key, (void)value;
    return NG_STATUS_SUCCESS;
}

static ng_status_t null_commit(ng_sink_t *sink)
{
    (void)sink;
    return NG_STATUS_SUCCESS;
}

static void null_close(ng_sink_t *sink)
{
    (void)sink;
}

static const sink_ops_t null_ops = {null_replace, null_get, null_set, null_commit, null_close};

ng_status_t ng_sink_open_null(ng_sink_t **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return NG_STATUS_OUT_OF_MEMORY;
    (*out)->ops = &null_ops;
    return NG_STATUS_SUCCESS;
}

/* --- the calls ------------------------------------------------------------ */

void ng_sink_close(ng_sink_t *sink)
{
    if (!sink)
        return;
    sink->ops->close(sink);
    free(sink);
}

ng_status_t ng_sink_replace_article(ng_sink_t *sink, const ng_article_t *article, ng_doc_t *const *docs, size_t n,
                                    ng_doc_t *whole, int *replaced)
{
    int dummy;
    return sink->ops->replace_article(sink, article, docs, n, whole, replaced ? replaced : &dummy);
}

ng_status_t ng_sink_get_metadata(ng_sink_t *sink, const char *key, char **value)
{
    return sink->ops->get_metadata(sink, key, value);
}

ng_status_t ng_sink_set_metadata(ng_sink_t *sink, const char *key, const char *value)
{
    return sink->ops->set_metadata(sink, key, value);
}

ng_status_t ng_sink_commit(ng_sink_t *sink)
{
    return sink->ops->commit(sink);
}

const char *ng_sink_errmsg(const ng_sink_t *sink)
{
    return sink->errmsg;
}
