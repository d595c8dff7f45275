/* The mount table as the process sees it, from /proc/self/mountinfo. */
#include "checker.h"
#include "json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* mountinfo writes space, tab, newline and backslash in paths as \ooo. */
static void unescape_octal(char *s)
{
	char *out = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
}

/* Splits one line in place; returns 0 if it is not a well-formed entry. */
static int parse_line(char *line, struct mount_entry *m)
{
	char *tok[64];
	int n = 0, sep = -1, i;
	char *save = NULL, *t;

	for (t = strtok_r(line, " ", &save); t && n < 64; t = strtok_r(NULL, " ", &save))
		tok[n++] = t;
	for (i = 6; i < n; i++) {
		if (strcmp(tok[i], "-") == 0) {
			sep = i;
			break;
		}
	}
	if (sep < 0 || n < sep + 4)
		return 0;
	memset(m, 0, sizeof(*m));
	m->id = strtol(tok[0], NULL, 10);
	m->parent = strtol(tok[1], NULL, 10);
	m->majmin = tok[2];
	m->root = tok[3];
	m->mount_point = tok[4];
	m->options = tok[5];
	for (i = 6; i < sep && m->n_optional < 8; i++)
		m->optional[m->n_optional++] = tok[i];
	m->fs_type = tok[sep + 1];
	m->source = tok[sep + 2];
	m->super_options = tok[sep + 3];
	unescape_octal(m->root);
	unescape_octal(m->mount_point);
	unescape_octal(m->source);
	return 1;
}

/* Parses /proc/self/mountinfo. The entries point into *buf; free both. */
int read_mounts(struct mount_entry **out, size_t *count, char **buf)
{
	struct mount_entry *list = NULL;
	size_t n = 0, cap = 0;
	char *line, *save = NULL;
	int err;

	*buf = slurp("/proc/self/mountinfo", 0, NULL, &err);
	if (!*buf)
		return err;
	for (line = strtok_r(*buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			list = realloc(list, cap * sizeof(*list));
			if (!list)
				return ENOMEM;
		}
		if (parse_line(line, &list[n]))
			n++;
	}
	*out = list;
	*count = n;
	return 0;
}

int has_option(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p = list;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t l = end ? (size_t)(end - p) : strlen(p);
		if (l == len && strncmp(p, name, len) == 0)
			return 1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

static void emit_csv(const char *list)
{
	const char *p = list;

	j_arr_begin();
	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t l = end ? (size_t)(end - p) : strlen(p);
		j_strn(p, l);
		p = end ? end + 1 : NULL;
	}
	j_arr_end();
}

/* Emits the "mounts" value: an array in mountinfo order, or an object with
 * the errno when the file cannot be read (no /proc in the container). */
void emit_mounts(void)
{
	struct mount_entry *list = NULL;
	size_t n = 0, i;
	char *buf = NULL;
	int err, k;

	err = read_mounts(&list, &n, &buf);
	if (err) {
		j_obj_begin();
		emit_errno(err);
		j_obj_end();
		free(buf);
		return;
	}
	j_arr_begin();
	for (i = 0; i < n; i++) {
		struct mount_entry *m = &list[i];
		j_obj_begin();
		j_kint("id", m->id);
		j_kint("parent", m->parent);
		j_kstr("majorMinor", m->majmin);
		j_kstr("root", m->root);
		j_kstr("mountPoint", m->mount_point);
		j_key("options");
		emit_csv(m->options);
		j_key("optionalFields");
		j_arr_begin();
		for (k = 0; k < m->n_optional; k++)
			j_str(m->optional[k]);
		j_arr_end();
		j_kstr("fsType", m->fs_type);
		j_kstr("source", m->source);
		j_key("superOptions");
		emit_csv(m->super_options);
		j_obj_end();
	}
	j_arr_end();
	free(list);
	free(buf);
}
