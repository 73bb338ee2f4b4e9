// SPDX-License-Identifier: GPL-2.0-or-later
/* Lab names, namespace names and the state file. The namespaces are the
 * truth (a lab exists while either is there); the state file only keeps
 * the settings 'lab status' shows. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>

#include "lab.h"
#include "util.h"

#define NS_PREFIX "mpk-lab-"

static bool name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > LAB_NAME_MAX || name[0] == '-')
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_-") == len;
}

int lab_init(struct lab *lab, const char *name)
{
	memset(lab, 0, sizeof(*lab));
	if (!name_valid(name))
		return -EINVAL;
	snprintf(lab->name, sizeof(lab->name), "%s", name);
	snprintf(lab->client_ns, sizeof(lab->client_ns), NS_PREFIX "%s-client", name);
	snprintf(lab->server_ns, sizeof(lab->server_ns), NS_PREFIX "%s-server", name);
	snprintf(lab->router_ns, sizeof(lab->router_ns), NS_PREFIX "%s-router", name);
	snprintf(lab->far_ns, sizeof(lab->far_ns), NS_PREFIX "%s-far", name);
	lab->router = lab_ns_exists(lab->router_ns) || lab_ns_exists(lab->far_ns);
	lab->backends = lab_balancer_count(lab);
	return 0;
}

const char *lab_backend_ns(const struct lab *lab, int k, char buf[LAB_NS_LEN])
{
	snprintf(buf, LAB_NS_LEN, NS_PREFIX "%s-backend%d", lab->name, k);
	return buf;
}

/* The balancer topology's backends: names are this file's business. */
int lab_balancer_count(const struct lab *lab)
{
	char ns[LAB_NS_LEN];
	int k = 0;

	while (k < LAB_BACKENDS_MAX && lab_ns_exists(lab_backend_ns(lab, k + 1, ns)))
		k++;
	return k;
}

bool lab_ns_exists(const char *ns)
{
	char path[128];

	return netns_path(ns, path, sizeof(path)) == 0 && access(path, F_OK) == 0;
}

const char *lab_path_addr(int k, enum lab_side side, char buf[LAB_ADDR_LEN])
{
	snprintf(buf, LAB_ADDR_LEN, "10.0.%d.%d", k, (int)side);
	return buf;
}

const char *lab_path_dev(int k, char buf[LAB_ADDR_LEN])
{
	snprintf(buf, LAB_ADDR_LEN, "path%d", k);
	return buf;
}

bool lab_exists(const struct lab *lab)
{
	return lab_ns_exists(lab->client_ns) || lab_ns_exists(lab->server_ns) ||
	       lab_ns_exists(lab->router_ns) || lab_ns_exists(lab->far_ns) ||
	       lab_balancer_count(lab) > 0;
}

const char *lab_path_ns(const struct lab *lab, enum lab_side side)
{
	if (lab->router)
		return side == LAB_CLIENT ? lab->router_ns : lab->far_ns;
	return side == LAB_CLIENT ? lab->client_ns : lab->server_ns;
}

static void state_path(const struct lab *lab, char *buf, size_t len)
{
	snprintf(buf, len, LAB_STATE_DIR "/lab-%s.json", lab->name);
}

static void shapes_write(struct json_object *o, const struct lab *lab);

int lab_state_write(const struct lab *lab)
{
	struct json_object *o = json_object_new_object();
	char path[256];
	int ret = 0;

	json_object_object_add(o, "name", json_object_new_string(lab->name));
	json_object_object_add(o, "paths", json_object_new_int(lab->paths));
	json_object_object_add(o, "rate", json_object_new_int64(lab->rate_mbit));
	json_object_object_add(o, "loss", json_object_new_double(lab->loss_pct));
	json_object_object_add(o, "delay", json_object_new_int64(lab->delay_ms));
	json_object_object_add(o, "cc", json_object_new_string(lab->cc));
	if (lab->router) {
		json_object_object_add(o, "topology", json_object_new_string("router"));
		json_object_object_add(o, "router_pid", json_object_new_int(lab->router_pid));
		json_object_object_add(o, "far_pid", json_object_new_int(lab->far_pid));
	}
	if (lab->backends)
		json_object_object_add(o, "backends", json_object_new_int(lab->backends));
	shapes_write(o, lab);
	if (mkdir(LAB_STATE_DIR, 0755) < 0 && errno != EEXIST)
		ret = -errno;
	state_path(lab, path, sizeof(path));
	if (!ret && json_object_to_file_ext(path, o, JSON_C_TO_STRING_PLAIN) < 0)
		ret = -EIO;
	json_object_put(o);
	return ret;
}

static struct json_object *pair(const long v[2])
{
	struct json_object *a = json_object_new_array();

	json_object_array_add(a, json_object_new_int64(v[0]));
	json_object_array_add(a, json_object_new_int64(v[1]));
	return a;
}

/* The paths' shapes, the profile, the engine and the delay elements' PIDs. */
static void shapes_write(struct json_object *o, const struct lab *lab)
{
	struct json_object *shapes = json_object_new_array();

	for (int k = 0; k < lab->paths && k < LAB_PATHS_MAX; k++) {
		struct json_object *s = json_object_new_object();

		json_object_object_add(s, "rate_kbit", pair(lab->shape[k].rate_kbit));
		json_object_object_add(s, "delay_us", pair(lab->shape[k].delay_us));
		json_object_object_add(s, "jitter_us", pair(lab->shape[k].jitter_us));
		json_object_object_add(s, "loss_ppm", pair(lab->shape[k].loss_ppm));
		json_object_array_add(shapes, s);
	}
	json_object_object_add(o, "shapes", shapes);
	json_object_object_add(o, "profile", json_object_new_string(lab->profile));
	json_object_object_add(o, "engine", json_object_new_int(lab->engine));
	json_object_object_add(o, "delay_pid_client", json_object_new_int(lab->delay_pid[0]));
	json_object_object_add(o, "delay_pid_server", json_object_new_int(lab->delay_pid[1]));
}

static void pair_read(struct json_object *s, const char *key, long v[2])
{
	struct json_object *a;

	if (!json_object_object_get_ex(s, key, &a) || !json_object_is_type(a, json_type_array) ||
	    json_object_array_length(a) != 2)
		return;
	v[0] = (long)json_object_get_int64(json_object_array_get_idx(a, 0));
	v[1] = (long)json_object_get_int64(json_object_array_get_idx(a, 1));
}

static void shapes_read(struct json_object *o, struct lab *lab)
{
	struct json_object *shapes, *v;

	if (json_object_object_get_ex(o, "shapes", &shapes) &&
	    json_object_is_type(shapes, json_type_array)) {
		for (size_t k = 0; k < json_object_array_length(shapes) && k < LAB_PATHS_MAX; k++) {
			struct json_object *s = json_object_array_get_idx(shapes, k);

			pair_read(s, "rate_kbit", lab->shape[k].rate_kbit);
			pair_read(s, "delay_us", lab->shape[k].delay_us);
			pair_read(s, "jitter_us", lab->shape[k].jitter_us);
			pair_read(s, "loss_ppm", lab->shape[k].loss_ppm);
		}
		lab->shaped = true;
	}
	if (json_object_object_get_ex(o, "profile", &v))
		snprintf(lab->profile, sizeof(lab->profile), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(o, "engine", &v)) {
		int e = json_object_get_int(v);

		lab->engine = e >= LAB_ENGINE_NONE && e <= LAB_ENGINE_NFQUEUE ? e : LAB_ENGINE_NONE;
	}
}

static long get_long(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

int lab_state_read(struct lab *lab)
{
	struct json_object *o, *v;
	char path[256];

	state_path(lab, path, sizeof(path));
	if (access(path, R_OK) < 0)
		return -errno;
	o = json_object_from_file(path);
	if (!o)
		return -EINVAL;
	lab->paths = (int)get_long(o, "paths");
	lab->rate_mbit = get_long(o, "rate");
	lab->delay_ms = get_long(o, "delay");
	if (json_object_object_get_ex(o, "loss", &v))
		lab->loss_pct = json_object_get_double(v);
	if (json_object_object_get_ex(o, "cc", &v))
		snprintf(lab->cc, sizeof(lab->cc), "%s", json_object_get_string(v));
	/* The namespaces said router already when they exist; the file says
	 * so for a lab whose router and far namespaces went away by hand. */
	if (json_object_object_get_ex(o, "topology", &v))
		lab->router = true;
	lab->router_pid = (pid_t)get_long(o, "router_pid");
	lab->far_pid = (pid_t)get_long(o, "far_pid");
	if (!lab->backends)
		lab->backends = (int)get_long(o, "backends");
	lab->delay_pid[0] = (pid_t)get_long(o, "delay_pid_client");
	lab->delay_pid[1] = (pid_t)get_long(o, "delay_pid_server");
	shapes_read(o, lab);
	json_object_put(o);
	return lab->paths >= 1 && lab->paths <= LAB_PATHS_MAX ? 0 : -EINVAL;
}

bool lab_has_state(const struct lab *lab)
{
	char path[256];

	state_path(lab, path, sizeof(path));
	return access(path, F_OK) == 0;
}

void lab_state_remove(const struct lab *lab)
{
	char path[256];

	state_path(lab, path, sizeof(path));
	unlink(path);
}

/* "mpk-lab-NAME-client" (-server, -router, -far) -> NAME; false when not
 * a lab namespace. */
static bool name_from_ns(const char *ns, char *name, size_t len)
{
	static const char *const suffixes[] = { "-client", "-server", "-router", "-far" };
	size_t n = strlen(ns), plen = strlen(NS_PREFIX);
	const char *suffix = NULL;

	for (size_t i = 0; !suffix && i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t sl = strlen(suffixes[i]);

		if (n > sl && !strcmp(ns + n - sl, suffixes[i]))
			suffix = ns + n - sl;
	}
	if (!suffix || strncmp(ns, NS_PREFIX, plen) || suffix - ns <= (long)plen ||
	    (size_t)(suffix - ns) - plen >= len)
		return false;
	snprintf(name, len, "%.*s", (int)(suffix - ns - plen), ns + plen);
	return true;
}

struct name_set {
	char names[64][LAB_NAME_MAX + 1];
	int n;
};

/* Add name unless it is there (or the set is full); true when added. */
static bool name_set_add(struct name_set *set, const char *name)
{
	for (int i = 0; i < set->n; i++) {
		if (!strcmp(set->names[i], name))
			return false;
	}
	if (set->n == 64)
		return false;
	snprintf(set->names[set->n++], sizeof(set->names[0]), "%s", name);
	return true;
}

/* The lab name in a directory entry: of a namespace (from_ns) or a state file. */
static bool name_from_entry(const char *entry, bool from_ns, char *name, size_t len)
{
	bool ok;

	if (from_ns)
		ok = name_from_ns(entry, name, len);
	else	/* exactly lab-NAME.json: not the router topology's logs beside it */
		ok = sscanf(entry, "lab-%32[A-Za-z0-9_-]", name) == 1 &&
		     strlen(entry) == strlen(name) + strlen("lab-.json") &&
		     !strcmp(entry + strlen(entry) - 5, ".json");
	return ok && name[strlen(name) - 1] != '-';
}

/* Names from the client namespaces, then from servers/state files that
 * lack a client (half-removed labs); each name once. */
int lab_list(void (*fn)(const char *name, void *arg), void *arg)
{
	const char *dirs[] = { NETNS_RUN_DIR, LAB_STATE_DIR };
	char name[LAB_NAME_MAX + 1];
	struct name_set seen;

	seen.n = 0;
	for (int d = 0; d < 2; d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *e;

		while (dir && (e = readdir(dir))) {
			if (name_from_entry(e->d_name, d == 0, name, sizeof(name)) &&
			    name_set_add(&seen, name))
				fn(name, arg);
		}
		if (dir)
			closedir(dir);
	}
	return seen.n;
}
