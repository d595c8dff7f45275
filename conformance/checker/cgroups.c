/* The process's cgroup membership, and reading a file of its own cgroup the
 * way a program inside the container would find it. */
#include "checker.h"
#include "json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cgroup_line {
	long hierarchy;
	char *controllers; /* "" for the v2 unified hierarchy */
	char *path;
};

/* Parses /proc/self/cgroup ("ID:CONTROLLERS:PATH" per line) in place. */
static int read_cgroup_lines(struct cgroup_line *out, size_t max, size_t *count, char **buf)
{
	char *line, *save = NULL;
	size_t n = 0;
	int err;

	*buf = slurp("/proc/self/cgroup", 0, NULL, &err);
	if (!*buf)
		return err;
	for (line = strtok_r(*buf, "\n", &save); line && n < max; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c1 = *c2 = '\0';
		out[n].hierarchy = strtol(line, NULL, 10);
		out[n].controllers = c1 + 1;
		out[n].path = c2 + 1;
		n++;
	}
	*count = n;
	return 0;
}

void emit_cgroup_lines(void)
{
	struct cgroup_line lines[64];
	size_t n = 0, i;
	char *buf = NULL;
	int err = read_cgroup_lines(lines, 64, &n, &buf);

	if (err) {
		j_obj_begin();
		emit_errno(err);
		j_obj_end();
		return;
	}
	j_arr_begin();
	for (i = 0; i < n; i++) {
		j_obj_begin();
		j_kint("hierarchy", lines[i].hierarchy);
		j_kstr("controllers", lines[i].controllers);
		j_kstr("path", lines[i].path);
		j_obj_end();
	}
	j_arr_end();
	free(buf);
}

/* The hierarchy a file belongs to: the named controller, else the prefix of
 * the file name before its first dot ("memory.limit_in_bytes" -> memory),
 * else the v2 unified hierarchy when there is one. "unified" names v2. */
static struct cgroup_line *pick_hierarchy(struct cgroup_line *lines, size_t n, const char *want)
{
	size_t i;

	if (strcmp(want, "unified") == 0 || want[0] == '\0') {
		for (i = 0; i < n; i++)
			if (lines[i].hierarchy == 0 && lines[i].controllers[0] == '\0')
				return &lines[i];
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (has_option(lines[i].controllers, want))
			return &lines[i];
	return NULL;
}

/* True if path lies under root, with rest pointing at the remainder. */
static int under(const char *path, const char *root, const char **rest)
{
	size_t len = strlen(root);

	if (strcmp(root, "/") == 0) {
		*rest = path;
		return 1;
	}
	if (strncmp(path, root, len) != 0 || (path[len] != '\0' && path[len] != '/'))
		return 0;
	*rest = path + len;
	return 1;
}

/* A mount that shows this hierarchy and contains the process's cgroup. On v1
 * the controller appears in the super options ("rw,cpu" or "rw,name=systemd"). */
static struct mount_entry *find_mount(struct mount_entry *mounts, size_t n, const char *controller,
				      int v2, const char *cgroup_path, const char **rest)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct mount_entry *m = &mounts[i];
		if (v2 ? strcmp(m->fs_type, "cgroup2") != 0
		       : strcmp(m->fs_type, "cgroup") != 0 || !has_option(m->super_options, controller))
			continue;
		if (under(cgroup_path, m->root, rest))
			return m;
	}
	return NULL;
}

static void resolution_failed(const char *why)
{
	j_kbool("ok", 0);
	j_kint("errno", 0);
	j_kstr("error", why);
	j_knull("content");
}

void probe_cgroup(const char *file, const char *controller)
{
	struct cgroup_line lines[64], *line;
	struct mount_entry *mounts = NULL, *m;
	size_t n_lines = 0, n_mounts = 0, len;
	char *cg_buf = NULL, *mi_buf = NULL, *content, want[256], path[4096];
	const char *rest;
	int err, v2;

	if (controller) {
		snprintf(want, sizeof(want), "%s", controller);
	} else {
		size_t l = strcspn(file, ".");
		snprintf(want, sizeof(want), "%.*s", (int)l, file);
	}

	j_obj_begin();
	j_kstr("file", file);
	err = read_cgroup_lines(lines, 64, &n_lines, &cg_buf);
	if (err) {
		j_kbool("ok", 0);
		emit_errno(err);
		j_knull("content");
		goto out;
	}
	line = pick_hierarchy(lines, n_lines, want);
	if (!line && !controller)
		line = pick_hierarchy(lines, n_lines, "unified");
	if (!line) {
		j_kstr("controller", want);
		resolution_failed("no hierarchy in /proc/self/cgroup has this controller");
		goto out;
	}
	v2 = line->hierarchy == 0 && line->controllers[0] == '\0';
	j_kstr("controller", v2 ? "unified" : want);
	j_kint("version", v2 ? 2 : 1);
	j_kstr("cgroupPath", line->path);
	err = read_mounts(&mounts, &n_mounts, &mi_buf);
	if (err) {
		j_kbool("ok", 0);
		emit_errno(err);
		j_knull("content");
		goto out;
	}
	m = find_mount(mounts, n_mounts, want, v2, line->path, &rest);
	if (!m) {
		resolution_failed("no mounted hierarchy contains the process's cgroup");
		goto out;
	}
	snprintf(path, sizeof(path), "%s%s/%s", m->mount_point, strcmp(rest, "/") == 0 ? "" : rest,
		 file);
	j_kstr("path", path);
	content = slurp(path, 65536, &len, &err);
	j_kbool("ok", content != NULL);
	emit_errno(err);
	if (content)
		j_kstrn("content", content, len);
	else
		j_knull("content");
	free(content);
out:
	j_obj_end();
	free(mounts);
	free(mi_buf);
	free(cg_buf);
}
