/* The probes: `all` observes everything at once, the others answer one
 * question about a path or name the harness passes in. */
#define _GNU_SOURCE
#include "checker.h"
#include "json.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define READ_LIMIT 4096

void probe_all(int argc, char **argv)
{
	static const char *const dev_dirs[] = { "/dev/pts", "/dev/shm", "/dev/mqueue" };
	char **e;
	int i;

	j_obj_begin();
	j_key("args");
	j_arr_begin();
	for (i = 0; i < argc; i++)
		j_str(argv[i]);
	j_arr_end();
	j_key("env");
	j_arr_begin();
	for (e = environ; e && *e; e++)
		j_str(*e);
	j_arr_end();
	emit_identity();
	j_key("status");
	emit_status_fields();
	j_key("capabilities");
	emit_capability_names();
	j_key("rlimits");
	emit_rlimits();
	j_key("oomScoreAdj");
	emit_oom_score_adj();
	j_key("personality");
	emit_personality();
	j_key("scheduler");
	emit_scheduler();
	j_key("ioPriority");
	emit_io_priority();
	j_key("namespaces");
	emit_namespaces();
	j_key("uidMap");
	emit_id_map("/proc/self/uid_map");
	j_key("gidMap");
	emit_id_map("/proc/self/gid_map");
	j_key("setgroups");
	emit_trimmed_file("/proc/self/setgroups");
	j_key("cgroups");
	emit_cgroup_lines();
	j_key("mounts");
	emit_mounts();
	j_key("devices");
	emit_devices();
	j_key("devDirs");
	j_obj_begin();
	for (i = 0; i < 3; i++) {
		j_key(dev_dirs[i]);
		emit_stat_object(dev_dirs[i]);
	}
	j_obj_end();
	j_key("timensOffsets");
	emit_timens_offsets();
	j_key("uptime");
	emit_uptime();
	j_key("fds");
	emit_fds();
	j_key("tty");
	j_obj_begin();
	j_kbool("stdin", isatty(0));
	j_kbool("stdout", isatty(1));
	j_kbool("stderr", isatty(2));
	j_obj_end();
	j_key("securityLabel");
	emit_security_label();
	j_obj_end();
}

/* The first 4 KiB of a file; truncated says whether there was more. */
void probe_read(const char *path)
{
	size_t len = 0;
	int err;
	char *buf = slurp(path, READ_LIMIT + 1, &len, &err);

	j_obj_begin();
	j_kstr("path", path);
	j_kbool("ok", buf != NULL);
	emit_errno(err);
	if (buf) {
		j_kstrn("content", buf, len > READ_LIMIT ? READ_LIMIT : len);
		j_kbool("truncated", len > READ_LIMIT);
	} else {
		j_knull("content");
		j_kbool("truncated", 0);
	}
	j_obj_end();
	free(buf);
}

/* Opens like a shell's `>` (create, truncate) and writes data; step names
 * the call that failed, since a read-only mount fails at open but a masked
 * or sysctl file may fail only at write. */
void probe_write(const char *path, const char *data)
{
	const char *step = NULL;
	size_t len = strlen(data);
	int err = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0) {
		err = errno;
		step = "open";
	} else {
		ssize_t n = write(fd, data, len);
		if (n < 0 || (size_t)n != len) {
			err = n < 0 ? errno : EIO;
			step = "write";
		}
		if (close(fd) != 0 && !step) {
			err = errno;
			step = "close";
		}
	}
	j_obj_begin();
	j_kstr("path", path);
	j_kbool("ok", err == 0);
	emit_errno(err);
	j_kstr("step", step);
	j_obj_end();
}

void probe_stat(const char *path)
{
	emit_stat_object(path);
}

/* net.ipv4.ip_forward -> /proc/sys/net/ipv4/ip_forward. A name containing
 * a slash is taken as the path already, for keys with dots in a component
 * (an interface named eth0.100). */
void probe_sysctl(const char *name)
{
	char path[4096], *p;
	size_t len = 0;
	int err;
	char *buf;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	if (!strchr(name, '/'))
		for (p = path + strlen("/proc/sys/"); *p; p++)
			if (*p == '.')
				*p = '/';
	buf = slurp(path, 65536, &len, &err);
	while (buf && len > 0 && buf[len - 1] == '\n')
		len--;
	j_obj_begin();
	j_kstr("name", name);
	j_kstr("path", path);
	j_kbool("ok", buf != NULL);
	emit_errno(err);
	if (buf)
		j_kstrn("value", buf, len);
	else
		j_knull("value");
	j_obj_end();
	free(buf);
}

void probe_mkdir(const char *path)
{
	int err = mkdir(path, 0755) == 0 ? 0 : errno;

	j_obj_begin();
	j_kstr("path", path);
	j_kbool("ok", err == 0);
	emit_errno(err);
	j_obj_end();
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Directory entry names, sorted: an empty list shows a masked directory. */
void probe_ls(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char *names[4096];
	size_t n = 0, i;
	int err = d ? 0 : errno;

	j_obj_begin();
	j_kstr("path", path);
	j_kbool("ok", d != NULL);
	emit_errno(err);
	j_key("entries");
	if (!d) {
		j_null();
		j_obj_end();
		return;
	}
	while ((e = readdir(d)) != NULL && n < 4096)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(char *), cmp_names);
	j_arr_begin();
	for (i = 0; i < n; i++) {
		j_str(names[i]);
		free(names[i]);
	}
	j_arr_end();
	j_obj_end();
}

/* Sleeps the whole duration even across signals the process ignores or
 * handles; a fatal signal ends it, which is what kill tests want. */
void probe_sleep(const char *seconds)
{
	double s = strtod(seconds, NULL);
	struct timespec left = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	while (nanosleep(&left, &left) != 0 && errno == EINTR)
		;
	j_obj_begin();
	j_key("seconds");
	j_double(s);
	j_obj_end();
}
