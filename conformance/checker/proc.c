/* Per-process facts the kernel publishes under /proc/self. Each emit_*
 * function writes one JSON value; null means the file is absent or
 * unreadable (a kernel without the feature, or no /proc in the container). */
#include "checker.h"
#include "json.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The value of "Name:\tvalue" in a status buffer, or NULL. */
static const char *status_field(const char *buf, const char *name, size_t *len)
{
	size_t nlen = strlen(name);
	const char *p = buf;

	while (p && *p) {
		if (strncmp(p, name, nlen) == 0 && p[nlen] == ':') {
			const char *v = p + nlen + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			*len = strcspn(v, "\n");
			return v;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static const char *const status_strings[] = {
	"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "SigBlk", "SigIgn", "SigCgt", "Umask",
};
static const char *const status_numbers[] = { "NoNewPrivs", "Seccomp", "Seccomp_filters" };

void emit_status_fields(void)
{
	size_t i, len;
	int err;
	char *buf = slurp("/proc/self/status", 0, NULL, &err);

	if (!buf) {
		j_null();
		return;
	}
	j_obj_begin();
	for (i = 0; i < sizeof(status_strings) / sizeof(status_strings[0]); i++) {
		const char *v = status_field(buf, status_strings[i], &len);
		j_key(status_strings[i]);
		if (v)
			j_strn(v, len);
		else
			j_null();
	}
	for (i = 0; i < sizeof(status_numbers) / sizeof(status_numbers[0]); i++) {
		const char *v = status_field(buf, status_numbers[i], &len);
		j_key(status_numbers[i]);
		if (v)
			j_int(strtoll(v, NULL, 10));
		else
			j_null();
	}
	j_obj_end();
	free(buf);
}

/* Capability numbers as the kernel defines them; the config names them. */
static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

static const struct {
	const char *key, *field;
} cap_sets[] = {
	{ "bounding", "CapBnd" },   { "effective", "CapEff" }, { "inheritable", "CapInh" },
	{ "permitted", "CapPrm" },  { "ambient", "CapAmb" },
};

/* The Cap* masks decoded into names, keyed like the config's capabilities
 * object; bits past the table print as CAP_<n>. */
void emit_capability_names(void)
{
	size_t i, len;
	int err, bit;
	char *buf = slurp("/proc/self/status", 0, NULL, &err);

	if (!buf) {
		j_null();
		return;
	}
	j_obj_begin();
	for (i = 0; i < sizeof(cap_sets) / sizeof(cap_sets[0]); i++) {
		const char *v = status_field(buf, cap_sets[i].field, &len);
		unsigned long long mask = v ? strtoull(v, NULL, 16) : 0;
		j_key(cap_sets[i].key);
		if (!v) {
			j_null();
			continue;
		}
		j_arr_begin();
		for (bit = 0; bit < 64; bit++) {
			char unknown[16];
			if (!(mask & (1ULL << bit)))
				continue;
			if ((size_t)bit < sizeof(cap_names) / sizeof(cap_names[0])) {
				j_str(cap_names[bit]);
			} else {
				snprintf(unknown, sizeof(unknown), "CAP_%d", bit);
				j_str(unknown);
			}
		}
		j_arr_end();
	}
	j_obj_end();
	free(buf);
}

static const char *const ns_names[] = {
	"cgroup", "ipc", "mnt", "net", "pid", "pid_for_children", "time", "time_for_children",
	"user", "uts",
};

/* Namespace identity is the inode number in "mnt:[4026531841]". */
void emit_namespaces(void)
{
	size_t i;

	j_obj_begin();
	for (i = 0; i < sizeof(ns_names) / sizeof(ns_names[0]); i++) {
		char path[64], target[128], *open_br;
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_names[i]);
		j_key(ns_names[i]);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0) {
			j_null();
			continue;
		}
		target[n] = '\0';
		open_br = strchr(target, '[');
		if (open_br)
			j_uint(strtoull(open_br + 1, NULL, 10));
		else
			j_null();
	}
	j_obj_end();
}

/* uid_map/gid_map lines "INSIDE OUTSIDE COUNT", named as in the config. */
void emit_id_map(const char *path)
{
	int err;
	char *buf = slurp(path, 0, NULL, &err), *line, *save = NULL;

	if (!buf) {
		j_null();
		return;
	}
	j_arr_begin();
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long in, out, count;
		if (sscanf(line, "%llu %llu %llu", &in, &out, &count) != 3)
			continue;
		j_obj_begin();
		j_kuint("containerID", in);
		j_kuint("hostID", out);
		j_kuint("size", count);
		j_obj_end();
	}
	j_arr_end();
	free(buf);
}

/* A one-line file's content without its trailing newline, or NULL. */
static char *read_trimmed(const char *path, size_t *len)
{
	int err;
	char *buf = slurp(path, 65536, len, &err);

	while (buf && *len > 0 && (buf[*len - 1] == '\n' || buf[*len - 1] == '\0'))
		(*len)--;
	return buf;
}

void emit_trimmed_file(const char *path)
{
	size_t len;
	char *buf = read_trimmed(path, &len);

	if (buf)
		j_strn(buf, len);
	else
		j_null();
	free(buf);
}

/* "monotonic SECS NSECS" lines; null when the kernel has no time namespaces. */
void emit_timens_offsets(void)
{
	int err;
	char *buf = slurp("/proc/self/timens_offsets", 0, NULL, &err), *line, *save = NULL;

	if (!buf) {
		j_null();
		return;
	}
	j_obj_begin();
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char clock[32];
		long long secs, nsecs;
		if (sscanf(line, "%31s %lld %lld", clock, &secs, &nsecs) != 3)
			continue;
		j_key(clock);
		j_obj_begin();
		j_kint("secs", secs);
		j_kint("nanosecs", nsecs);
		j_obj_end();
	}
	j_obj_end();
	free(buf);
}

void emit_uptime(void)
{
	int err;
	char *buf = slurp("/proc/uptime", 0, NULL, &err);

	if (buf)
		j_double(strtod(buf, NULL));
	else
		j_null();
	free(buf);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Open descriptors with their targets: a runtime must not leak its own. The
 * directory stream used for the listing is left out. */
void emit_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int fds[1024], n = 0, i;

	if (!d) {
		j_null();
		return;
	}
	while ((e = readdir(d)) != NULL && n < 1024) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		fds[n++] = atoi(e->d_name);
	}
	closedir(d);
	qsort(fds, (size_t)n, sizeof(int), cmp_int);
	j_arr_begin();
	for (i = 0; i < n; i++) {
		char path[64], target[4096];
		ssize_t len;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[i]);
		len = readlink(path, target, sizeof(target) - 1);
		j_obj_begin();
		j_kint("fd", fds[i]);
		if (len >= 0)
			j_kstrn("target", target, (size_t)len);
		else
			j_knull("target");
		j_obj_end();
	}
	j_arr_end();
}

/* The LSM label (AppArmor profile or SELinux context) the process runs under;
 * the AppArmor-specific file exists only on kernels with stacked LSMs. */
void emit_security_label(void)
{
	size_t len;
	char *buf = read_trimmed("/proc/self/attr/apparmor/current", &len);

	if (!buf)
		buf = read_trimmed("/proc/self/attr/current", &len);
	if (buf)
		j_strn(buf, len);
	else
		j_null();
	free(buf);
}
