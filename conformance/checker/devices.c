/* File metadata: the stat probe's object and the /dev listing. */
#define _GNU_SOURCE
#include "checker.h"
#include "json.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static char type_letter(mode_t mode)
{
	if (S_ISCHR(mode)) return 'c';
	if (S_ISBLK(mode)) return 'b';
	if (S_ISFIFO(mode)) return 'p';
	if (S_ISSOCK(mode)) return 's';
	if (S_ISDIR(mode)) return 'd';
	if (S_ISLNK(mode)) return 'l';
	return 'f';
}

/* Fields shared by the stat probe and device entries. Major and minor are
 * null except for device nodes; target is null except for symlinks. */
static void emit_lstat_fields(const char *path, const struct stat *st)
{
	char type[2] = { type_letter(st->st_mode), '\0' }, mode[8], target[4096];
	ssize_t n;

	snprintf(mode, sizeof(mode), "%04o", (unsigned)(st->st_mode & 07777));
	j_kstr("type", type);
	j_kstr("mode", mode);
	j_kuint("uid", st->st_uid);
	j_kuint("gid", st->st_gid);
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
		j_kuint("major", major(st->st_rdev));
		j_kuint("minor", minor(st->st_rdev));
	} else {
		j_knull("major");
		j_knull("minor");
	}
	n = S_ISLNK(st->st_mode) ? readlink(path, target, sizeof(target) - 1) : -1;
	if (n >= 0)
		j_kstrn("target", target, (size_t)n);
	else
		j_knull("target");
}

static const struct {
	unsigned long flag;
	const char *name;
} mount_flags[] = {
	{ ST_RDONLY, "ro" },       { ST_NOSUID, "nosuid" },     { ST_NODEV, "nodev" },
	{ ST_NOEXEC, "noexec" },   { ST_SYNCHRONOUS, "sync" },  { ST_MANDLOCK, "mand" },
	{ ST_NOATIME, "noatime" }, { ST_NODIRATIME, "nodiratime" }, { ST_RELATIME, "relatime" },
};

/* The stat of path itself (symlinks not followed) plus the filesystem and
 * mount flags of what it resolves to. */
void emit_stat_object(const char *path)
{
	struct stat st;
	struct statfs fs;
	char hex[32];
	size_t i;

	j_obj_begin();
	j_kstr("path", path);
	if (lstat(path, &st) != 0) {
		j_kbool("exists", 0);
		emit_errno(errno);
		j_obj_end();
		return;
	}
	j_kbool("exists", 1);
	emit_errno(0);
	emit_lstat_fields(path, &st);
	j_kuint("size", (unsigned long long)st.st_size);
	j_kuint("ino", st.st_ino);
	if (statfs(path, &fs) == 0) {
		snprintf(hex, sizeof(hex), "0x%lx", (unsigned long)fs.f_type);
		j_kstr("fsType", hex);
		j_kstr("fsName", fs_type_name((unsigned long)fs.f_type));
		j_key("mountFlags");
		j_arr_begin();
		for (i = 0; i < sizeof(mount_flags) / sizeof(mount_flags[0]); i++)
			if (fs.f_flags & mount_flags[i].flag)
				j_str(mount_flags[i].name);
		j_arr_end();
	} else {
		j_knull("fsType");
		j_knull("fsName");
		j_knull("mountFlags");
	}
	j_obj_end();
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Entries of one directory, named with prefix (e.g. "pts/0"), sorted. */
static void emit_dir_entries(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *names[1024];
	size_t n = 0, i;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL && n < 1024)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(char *), cmp_names);
	for (i = 0; i < n; i++) {
		char path[4096], name[512];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		snprintf(name, sizeof(name), "%s%s", prefix, names[i]);
		if (lstat(path, &st) == 0) {
			j_obj_begin();
			j_kstr("name", name);
			emit_lstat_fields(path, &st);
			j_obj_end();
		}
		free(names[i]);
	}
}

/* /dev itself (not recursive) and the pty nodes under /dev/pts. */
void emit_devices(void)
{
	j_arr_begin();
	emit_dir_entries("/dev", "");
	emit_dir_entries("/dev/pts", "pts/");
	j_arr_end();
}
