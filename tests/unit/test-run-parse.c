// SPDX-License-Identifier: GPL-2.0-or-later
/* What mptcpkit run/enable read: systemd Environment= quoting, unit names,
 * unit files with drop-ins, and auto mode's choice per program kind. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "run.h"
#include "systemd.h"

static void collect(const char *a, void *data)
{
	char *out = data;

	strcat(out, a);
	strcat(out, "|");
}

static void test_env_split(void **state)
{
	char out[512] = "";

	unit_env_split("A=1 \"B=two words\" 'C=\"q\"' D=x\\ y noassign", collect, out);
	assert_string_equal(out, "A=1|B=two words|C=\"q\"|D=x y|");
	out[0] = '\0';
	unit_env_split("  \"LD_PRELOAD=/a.so /b.so\"  ", collect, out);
	assert_string_equal(out, "LD_PRELOAD=/a.so /b.so|");
}

static void test_unit_names(void **state)
{
	char n[64];

	assert_int_equal(unit_name_normalize("nginx", n, sizeof(n)), 0);
	assert_string_equal(n, "nginx.service");
	assert_int_equal(unit_name_normalize("a@b.service", n, sizeof(n)), 0);
	assert_string_equal(n, "a@b.service");
	assert_int_equal(unit_name_normalize("../x", n, sizeof(n)), -EINVAL);
	assert_int_equal(unit_name_normalize("", n, sizeof(n)), -EINVAL);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_unit_load(void **state)
{
	char root[] = "/tmp/test-run-parse.XXXXXX", p[512];
	struct unit_info u;

	assert_non_null(mkdtemp(root));
	snprintf(p, sizeof(p), "mkdir -p %s/lib/systemd/system/t@.service.d "
		 "%s/etc/systemd/system/t@x.service.d", root, root);
	assert_int_equal(system(p), 0);
	snprintf(p, sizeof(p), "%s/lib/systemd/system/t@.service", root);
	write_file(p, "[Unit]\nEnvironment=LD_PRELOAD=/not-service.so\n[Service]\n"
		      "Environment=\"LD_PRELOAD=/v.so\" GODEBUG=a=1\nExecStart=/bin/a \\\n  --long\n");
	snprintf(p, sizeof(p), "%s/etc/systemd/system/t@x.service.d/zz.conf", root);
	write_file(p, "[Service]\nExecStart=\nExecStart=-/bin/b\nEnvironmentFile=/e\n");
	snprintf(p, sizeof(p), "%s/etc/systemd/system/t@x.service.d/mptcpkit.conf", root);
	write_file(p, "[Service]\nEnvironment=LD_PRELOAD=/ours-ignored.so\n");

	assert_int_equal(unit_load(root, "t@x.service", &u), 0);
	assert_string_equal(u.ld_preload, "/v.so");
	assert_string_equal(u.godebug, "a=1");
	assert_int_equal(u.n_exec, 1);
	assert_string_equal(u.exec_start[0], "-/bin/b");
	assert_true(u.later_exec);
	assert_false(u.later_env);
	assert_true(u.has_env_file);
	unit_info_free(&u);
	assert_int_equal(unit_load(root, "nosuch.service", &u), -ENOENT);
	snprintf(p, sizeof(p), "rm -rf %s", root);
	assert_int_equal(system(p), 0);
}

static void test_mode_choice(void **state)
{
	struct exec_probe p = { .is_elf = true };
	const char *why;

	assert_int_equal(run_mode_choose(&p, &why), RUN_PRELOAD);
	p.is_static = true;
	assert_int_equal(run_mode_choose(&p, &why), RUN_SECCOMP);
	p.is_static = false;
	p.is_go = true;
	assert_int_equal(run_mode_choose(&p, &why), RUN_SECCOMP);
	p.is_go = false;
	p.is_setid = true;
	assert_int_equal(run_mode_choose(&p, &why), RUN_SECCOMP);
}

static void test_exec_probe(void **state)
{
	struct exec_probe p;

	assert_int_equal(exec_probe("/proc/self/exe", &p), 0);
	assert_true(p.is_elf);
	assert_false(p.is_static); /* this test is dynamically linked */
	assert_false(p.is_go);
	assert_int_equal(exec_probe("sh", &p), 0); /* found in PATH */
	assert_true(p.path[0] == '/');
	assert_int_equal(exec_probe("/nonexistent/x", &p), -ENOENT);
	assert_int_equal(exec_probe("no-such-command-here", &p), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env_split),
		cmocka_unit_test(test_unit_names),
		cmocka_unit_test(test_unit_load),
		cmocka_unit_test(test_mode_choice),
		cmocka_unit_test(test_exec_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
