/* Small helpers shared by the probes: file reading, errno reporting and
 * filesystem magic names. */
#include "checker.h"
#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads a file into a NUL-terminated heap buffer (at most max bytes when max
 * is non-zero). /proc files report size 0, so read until EOF instead of
 * trusting fstat. Returns NULL and sets *err on failure. */
char *slurp(const char *path, size_t max, size_t *len, int *err)
{
	size_t cap = 4096, used = 0;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = errno;
		return NULL;
	}
	buf = malloc(cap + 1);
	if (!buf) {
		*err = ENOMEM;
		close(fd);
		return NULL;
	}
	for (;;) {
		size_t want;
		ssize_t n;

		if (max && used >= max)
			break;
		if (used == cap) {
			char *bigger = realloc(buf, cap * 2 + 1);
			if (!bigger) {
				*err = ENOMEM;
				goto fail;
			}
			buf = bigger;
			cap *= 2;
		}
		want = cap - used;
		if (max && want > max - used)
			want = max - used;
		n = read(fd, buf + used, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			*err = errno;
			goto fail;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	buf[used] = '\0';
	if (len)
		*len = used;
	*err = 0;
	return buf;
fail:
	close(fd);
	free(buf);
	return NULL;
}

/* Every probe reports failures the same way: the number for the harness to
 * compare and the text for a human reading a failed case. */
void emit_errno(int err)
{
	j_kint("errno", err);
	j_kstr("error", err ? strerror(err) : NULL);
}

int parse_long(const char *s, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && end != s && *end == '\0';
}

static const struct {
	unsigned long magic;
	const char *name;
} fs_names[] = {
	{ 0x9fa0, "proc" },         { 0x62656572, "sysfs" },
	{ 0x01021994, "tmpfs" },    { 0x1cd1, "devpts" },
	{ 0x19800202, "mqueue" },   { 0x27e0eb, "cgroup" },
	{ 0x63677270, "cgroup2" },  { 0x794c7630, "overlay" },
	{ 0xef53, "ext4" },         { 0x58465342, "xfs" },
	{ 0x9123683e, "btrfs" },    { 0x73636673, "securityfs" },
	{ 0x64626720, "debugfs" },  { 0x74726163, "tracefs" },
	{ 0xcafe4a11, "bpf" },      { 0x6e736673, "nsfs" },
	{ 0x858458f6, "ramfs" },    { 0x73717368, "squashfs" },
	{ 0x65735546, "fuse" },     { 0x42494e4d, "binfmt_misc" },
	{ 0x958458f6, "hugetlbfs" }, { 0x6165676c, "pstore" },
	{ 0x62656570, "configfs" }, { 0x0187, "autofs" },
	{ 0x6969, "nfs" },          { 0x01021997, "9p" },
};

const char *fs_type_name(unsigned long magic)
{
	size_t i;

	for (i = 0; i < sizeof(fs_names) / sizeof(fs_names[0]); i++)
		if (fs_names[i].magic == magic)
			return fs_names[i].name;
	return NULL;
}
