/* For the tests, loaded with LD_PRELOAD: a file system that cannot swap two
 * folders in one step, as some cannot (renameat2 with RENAME_EXCHANGE fails
 * with EINVAL); every other rename is left to the kernel. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags)
{
    if (flags & RENAME_EXCHANGE) {
        errno = EINVAL;
        return -1;
    }
    return (int)syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, flags);
}
