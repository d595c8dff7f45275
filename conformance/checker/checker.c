/* oci-checker: runs as a container's process and prints one JSON object
 * describing what it observes, for the conformance harness to compare with
 * config.json. Usage and output are described in README.md. */
#include "checker.h"
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Arguments each probe takes; `all` accepts any number and ignores them so
 * the harness can test process.args with arbitrary strings. */
static const struct {
	const char *name;
	int min_args, max_args;
} probes[] = {
	{ "all", 0, -1 },   { "read", 1, 1 },  { "write", 1, 2 }, { "stat", 1, 1 },
	{ "sysctl", 1, 1 }, { "mkdir", 1, 1 }, { "cgroup", 1, 2 }, { "ls", 1, 1 },
	{ "sleep", 1, 1 },  { "exit", 1, 1 },
};

#define N_PROBES (sizeof(probes) / sizeof(probes[0]))
#define MAX_GROUPS 256

struct group {
	char **args; /* args[0] is the probe name */
	int n;
};

static void usage_error(const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	j_obj_begin();
	j_kstr("error", msg);
	j_kstr("usage", "oci-checker [PROBE [ARG...]] [-- PROBE [ARG...]]...; probes: all, read PATH, "
			"write PATH [DATA], stat PATH, sysctl NAME, mkdir PATH, cgroup FILE "
			"[CONTROLLER], ls PATH, sleep SECONDS, exit CODE");
	j_obj_end();
	putchar('\n');
	exit(2);
}

static int numeric(const char *s, double lo, double hi, int integer)
{
	char *end;
	double v = strtod(s, &end);

	return end != s && *end == '\0' && isfinite(v) && v >= lo && v <= hi &&
	       (!integer || v == (double)(long)v);
}

/* Checks every group before any runs, so a typo prints an error instead of
 * a half-finished observation. */
static void validate(const struct group *g)
{
	size_t i;
	int nargs = g->n - 1;

	if (g->n == 0)
		usage_error("empty probe between '--' separators%s", "");
	for (i = 0; i < N_PROBES; i++)
		if (strcmp(g->args[0], probes[i].name) == 0)
			break;
	if (i == N_PROBES)
		usage_error("unknown probe '%s'", g->args[0]);
	if (nargs < probes[i].min_args || (probes[i].max_args >= 0 && nargs > probes[i].max_args))
		usage_error("wrong number of arguments for probe '%s'", g->args[0]);
	if (strcmp(g->args[0], "exit") == 0 && !numeric(g->args[1], 0, 255, 1))
		usage_error("exit code must be an integer 0-255, got '%s'", g->args[1]);
	if (strcmp(g->args[0], "sleep") == 0 && !numeric(g->args[1], 0, 1e9, 0))
		usage_error("sleep needs a number of seconds, got '%s'", g->args[1]);
}

/* The output key: the probe and its arguments joined by spaces ("read /x"),
 * except `all`, whose arguments are only there to be observed. */
static char *base_key(const struct group *g)
{
	int i, n = strcmp(g->args[0], "all") == 0 ? 1 : g->n;
	size_t len = 1;
	char *key;

	for (i = 0; i < n; i++)
		len += strlen(g->args[i]) + 1;
	key = calloc(1, len);
	for (i = 0; i < n; i++) {
		if (i)
			strcat(key, " ");
		strcat(key, g->args[i]);
	}
	return key;
}

/* A repeated probe gets " #2", " #3"... so every key stays unique. */
static void emit_key(char **bases, int index)
{
	char key[8192];
	int i, seen = 0;

	for (i = 0; i < index; i++)
		if (strcmp(bases[i], bases[index]) == 0)
			seen++;
	if (seen == 0) {
		j_key(bases[index]);
		return;
	}
	snprintf(key, sizeof(key), "%s #%d", bases[index], seen + 1);
	j_key(key);
}

static void run(const struct group *g, int argc, char **argv)
{
	const char *name = g->args[0];
	const char *arg1 = g->n > 1 ? g->args[1] : NULL, *arg2 = g->n > 2 ? g->args[2] : NULL;

	if (strcmp(name, "all") == 0)
		probe_all(argc, argv);
	else if (strcmp(name, "read") == 0)
		probe_read(arg1);
	else if (strcmp(name, "write") == 0)
		probe_write(arg1, arg2 ? arg2 : "oci-checker\n");
	else if (strcmp(name, "stat") == 0)
		probe_stat(arg1);
	else if (strcmp(name, "sysctl") == 0)
		probe_sysctl(arg1);
	else if (strcmp(name, "mkdir") == 0)
		probe_mkdir(arg1);
	else if (strcmp(name, "cgroup") == 0)
		probe_cgroup(arg1, arg2);
	else if (strcmp(name, "ls") == 0)
		probe_ls(arg1);
	else if (strcmp(name, "sleep") == 0)
		probe_sleep(arg1);
}

int main(int argc, char **argv)
{
	static char *default_args[] = { "all" };
	struct group groups[MAX_GROUPS];
	char *bases[MAX_GROUPS];
	int n_groups = 0, i;

	if (argc <= 1) {
		groups[0].args = default_args;
		groups[0].n = 1;
		n_groups = 1;
	} else {
		groups[0].args = argv + 1;
		groups[0].n = 0;
		n_groups = 1;
		for (i = 1; i < argc; i++) {
			if (strcmp(argv[i], "--") != 0) {
				groups[n_groups - 1].n++;
				continue;
			}
			if (n_groups == MAX_GROUPS)
				usage_error("more than 256 probes%s", "");
			groups[n_groups].args = argv + i + 1;
			groups[n_groups].n = 0;
			n_groups++;
		}
	}
	for (i = 0; i < n_groups; i++)
		validate(&groups[i]);

	j_obj_begin();
	for (i = 0; i < n_groups; i++) {
		bases[i] = base_key(&groups[i]);
		emit_key(bases, i);
		if (strcmp(groups[i].args[0], "exit") == 0) {
			int code = atoi(groups[i].args[1]);
			j_obj_begin();
			j_kint("code", code);
			j_obj_end();
			j_obj_end();
			putchar('\n');
			fflush(stdout);
			return code;
		}
		run(&groups[i], argc, argv);
		/* Each answer is out before the next probe runs (or sleeps and
		 * gets killed), so a harness can read what was observed so far. */
		j_flush();
	}
	j_obj_end();
	putchar('\n');
	fflush(stdout);
	return 0;
}
