/* Process attributes read through system calls: ids, umask, names, resource
 * limits, scheduling, I/O priority and personality. */
#define _GNU_SOURCE
#include "checker.h"
#include "json.h"

#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

void emit_identity(void)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid, groups[1024];
	struct utsname uts;
	char cwd[4096], mask_text[8];
	mode_t mask;
	int n, i;

	j_kint("pid", getpid());
	j_kint("ppid", getppid());
	getresuid(&ruid, &euid, &suid);
	getresgid(&rgid, &egid, &sgid);
	j_kuint("uid", ruid);
	j_kuint("gid", rgid);
	j_kuint("euid", euid);
	j_kuint("egid", egid);
	j_kuint("suid", suid);
	j_kuint("sgid", sgid);
	j_key("groups");
	n = getgroups(1024, groups);
	j_arr_begin();
	for (i = 0; i < n; i++)
		j_uint(groups[i]);
	j_arr_end();

	/* umask can only be read by setting it; put it straight back. */
	mask = umask(0);
	umask(mask);
	snprintf(mask_text, sizeof(mask_text), "%04o", (unsigned)mask);
	j_kstr("umask", mask_text);

	j_kstr("cwd", getcwd(cwd, sizeof(cwd)));
	if (uname(&uts) == 0) {
		j_kstr("hostname", uts.nodename);
		j_kstr("domainname", uts.domainname);
	} else {
		j_knull("hostname");
		j_knull("domainname");
	}
}

void emit_oom_score_adj(void)
{
	int err;
	char *buf = slurp("/proc/self/oom_score_adj", 64, NULL, &err);

	if (buf)
		j_int(strtol(buf, NULL, 10));
	else
		j_null();
	free(buf);
}

static const struct {
	const char *name;
	int resource;
} rlimits[] = {
	{ "RLIMIT_AS", RLIMIT_AS },           { "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },         { "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },     { "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },       { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },     { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

/* JSON numbers lose precision past 2^53 in JavaScript, so infinity is the
 * string "unlimited" and any other huge value a decimal string. */
static void emit_rlim(rlim_t v)
{
	char text[32];

	if (v == RLIM_INFINITY) {
		j_str("unlimited");
	} else if (v <= (1ULL << 53) - 1) {
		j_uint(v);
	} else {
		snprintf(text, sizeof(text), "%llu", (unsigned long long)v);
		j_str(text);
	}
}

void emit_rlimits(void)
{
	size_t i;

	j_obj_begin();
	for (i = 0; i < sizeof(rlimits) / sizeof(rlimits[0]); i++) {
		struct rlimit rl;
		j_key(rlimits[i].name);
		if (getrlimit(rlimits[i].resource, &rl) != 0) {
			j_null();
			continue;
		}
		j_obj_begin();
		j_key("soft");
		emit_rlim(rl.rlim_cur);
		j_key("hard");
		emit_rlim(rl.rlim_max);
		j_obj_end();
	}
	j_obj_end();
}

/* glibc 2.36 has no sched_getattr wrapper; this is the kernel's layout. */
struct kernel_sched_attr {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t priority;
	uint64_t runtime, deadline, period;
	uint32_t util_min, util_max;
};

static const char *const policy_names[] = {
	"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE",
	"SCHED_DEADLINE",
};

void emit_scheduler(void)
{
	struct kernel_sched_attr attr = { 0 };
	struct sched_param param;
	int policy = sched_getscheduler(0);
	int base = policy & ~SCHED_RESET_ON_FORK;

	j_obj_begin();
	if (policy < 0)
		j_knull("policy");
	else if ((size_t)base < sizeof(policy_names) / sizeof(policy_names[0]))
		j_kstr("policy", policy_names[base]);
	else
		j_kint("policy", base);
	j_kbool("resetOnFork", policy >= 0 && (policy & SCHED_RESET_ON_FORK));
	if (sched_getparam(0, &param) == 0)
		j_kint("priority", param.sched_priority);
	else
		j_knull("priority");
	if (syscall(SYS_sched_getattr, 0, &attr, sizeof(attr), 0) == 0) {
		j_kint("nice", attr.nice);
		j_kuint("flags", attr.flags);
		j_kuint("runtime", attr.runtime);
		j_kuint("deadline", attr.deadline);
		j_kuint("period", attr.period);
	} else {
		j_knull("nice");
	}
	j_obj_end();
}

static const char *const ioprio_classes[] = {
	"IOPRIO_CLASS_NONE", "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE",
};

/* ioprio value = class << 13 | data; the level is the low 3 bits of data. */
void emit_io_priority(void)
{
	long v = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
	long cls = v >> 13;

	if (v < 0) {
		j_null();
		return;
	}
	j_obj_begin();
	if ((size_t)cls < sizeof(ioprio_classes) / sizeof(ioprio_classes[0]))
		j_kstr("class", ioprio_classes[cls]);
	else
		j_kint("class", cls);
	j_kint("priority", v & 0x7);
	j_kint("raw", v);
	j_obj_end();
}

void emit_personality(void)
{
	int v = personality(0xffffffff);
	int domain = v & PER_MASK;

	if (v < 0) {
		j_null();
		return;
	}
	j_obj_begin();
	j_kint("value", v);
	if (domain == PER_LINUX)
		j_kstr("domain", "LINUX");
	else if (domain == PER_LINUX32)
		j_kstr("domain", "LINUX32");
	else
		j_kint("domain", domain);
	j_kint("flags", v & ~PER_MASK);
	j_obj_end();
}
