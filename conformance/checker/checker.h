/* Shared declarations of the in-container checker (see README.md). */
#ifndef CHECKER_H
#define CHECKER_H

#include <stddef.h>

/* util.c */
char *slurp(const char *path, size_t max, size_t *len, int *err);
void emit_errno(int err);
const char *fs_type_name(unsigned long magic);
int parse_long(const char *s, long long *out);

/* mounts.c: /proc/self/mountinfo, shared by `all` and the cgroup probe */
struct mount_entry {
	long id, parent;
	char *majmin, *root, *mount_point, *options, *fs_type, *source, *super_options;
	char *optional[8]; /* shared:N, master:N, propagate_from:N, unbindable */
	int n_optional;
};
int read_mounts(struct mount_entry **out, size_t *count, char **buf);
void emit_mounts(void);
int has_option(const char *list, const char *name);

/* cgroups.c */
void emit_cgroup_lines(void);
void probe_cgroup(const char *file, const char *controller);

/* proc.c: per-process files under /proc/self */
void emit_status_fields(void);
void emit_capability_names(void);
void emit_namespaces(void);
void emit_id_map(const char *path);
void emit_trimmed_file(const char *path);
void emit_timens_offsets(void);
void emit_uptime(void);
void emit_fds(void);
void emit_security_label(void);

/* process.c: what system calls report about the process. emit_identity
 * writes several keys into the open object; the others write one value. */
void emit_identity(void);
void emit_oom_score_adj(void);
void emit_rlimits(void);
void emit_scheduler(void);
void emit_io_priority(void);
void emit_personality(void);

/* devices.c */
void emit_stat_object(const char *path);
void emit_devices(void);

/* probes.c: one JSON value per targeted probe */
void probe_all(int argc, char **argv);
void probe_read(const char *path);
void probe_write(const char *path, const char *data);
void probe_stat(const char *path);
void probe_sysctl(const char *name);
void probe_mkdir(const char *path);
void probe_ls(const char *path);
void probe_sleep(const char *seconds);

#endif
