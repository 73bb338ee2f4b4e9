// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What kind of program is this? Auto mode needs to know whether LD_PRELOAD
 * can reach it: not when it is static (no PT_INTERP: no dynamic loader), a
 * Go program (Go makes system calls itself, never through libc's socket()),
 * or setuid/setgid (the loader ignores LD_PRELOAD in secure-execution mode).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run.h"

/* Like execvp(): a name with '/' is a path, others are searched in PATH. */
static int resolve(const char *cmd, char *out, size_t len)
{
	const char *path = getenv("PATH");
	char *dirs, *dir, *save = NULL;
	int err = ENOENT;

	if (strchr(cmd, '/'))
		return snprintf(out, len, "%s", cmd) < (int)len ? 0 : -ENAMETOOLONG;
	dirs = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	if (!dirs)
		return -ENOMEM;
	for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		snprintf(out, len, "%s/%s", *dir ? dir : ".", cmd);
		if (access(out, X_OK) == 0) {
			struct stat st;

			if (stat(out, &st) == 0 && S_ISREG(st.st_mode)) {
				free(dirs);
				return 0;
			}
		} else if (errno == EACCES) {
			err = EACCES;
		}
	}
	free(dirs);
	out[0] = '\0';
	return -err;
}

static bool read_at(int fd, void *buf, size_t len, off_t off)
{
	return pread(fd, buf, len, off) == (ssize_t)len;
}

static bool is_go_section(const char *name)
{
	return !strcmp(name, ".go.buildinfo") || !strcmp(name, ".note.go.buildid");
}

/* Section names of a 64-bit ELF: look for Go's. */
static bool elf64_has_go(int fd, const Elf64_Ehdr *eh)
{
	Elf64_Shdr strsh, sh;
	char name[32];

	if (eh->e_shnum == 0 || eh->e_shstrndx >= eh->e_shnum ||
	    !read_at(fd, &strsh, sizeof(strsh),
		     eh->e_shoff + (off_t)eh->e_shstrndx * eh->e_shentsize))
		return false;
	for (int i = 0; i < eh->e_shnum; i++) {
		if (!read_at(fd, &sh, sizeof(sh), eh->e_shoff + (off_t)i * eh->e_shentsize))
			return false;
		if (pread(fd, name, sizeof(name), strsh.sh_offset + sh.sh_name) <= 0)
			continue;
		name[sizeof(name) - 1] = '\0';
		if (is_go_section(name))
			return true;
	}
	return false;
}

static void probe_elf64(int fd, struct exec_probe *p)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	if (!read_at(fd, &eh, sizeof(eh), 0) || eh.e_phentsize != sizeof(ph))
		return;
	p->is_static = true;
	for (int i = 0; i < eh.e_phnum; i++) {
		if (!read_at(fd, &ph, sizeof(ph), eh.e_phoff + (off_t)i * sizeof(ph)))
			break;
		if (ph.p_type == PT_INTERP)
			p->is_static = false;
	}
	p->is_go = eh.e_shentsize == sizeof(Elf64_Shdr) && elf64_has_go(fd, &eh);
}

static void probe_elf32(int fd, struct exec_probe *p)
{
	Elf32_Ehdr eh;
	Elf32_Phdr ph;

	if (!read_at(fd, &eh, sizeof(eh), 0) || eh.e_phentsize != sizeof(ph))
		return;
	p->is_static = true;
	for (int i = 0; i < eh.e_phnum; i++) {
		if (!read_at(fd, &ph, sizeof(ph), eh.e_phoff + (off_t)i * sizeof(ph)))
			break;
		if (ph.p_type == PT_INTERP)
			p->is_static = false;
	}
}

/* "#!/path/interp args": the interpreter's path into out. */
static bool script_interpreter(const char *head, size_t n, char *out, size_t len)
{
	size_t i = 2, j = 0;

	while (i < n && (head[i] == ' ' || head[i] == '\t'))
		i++;
	while (i < n && j + 1 < len && head[i] != ' ' && head[i] != '\t' &&
	       head[i] != '\n')
		out[j++] = head[i++];
	out[j] = '\0';
	return j > 0 && out[0] == '/';
}

static int probe_file(const char *path, struct exec_probe *p, int depth)
{
	unsigned char head[256];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID)))
		p->is_setid = true;
	n = pread(fd, head, sizeof(head), 0);
	if (n >= SELFMAG && !memcmp(head, ELFMAG, SELFMAG) && n > EI_CLASS) {
		p->is_elf = true;
		if (head[EI_CLASS] == ELFCLASS64)
			probe_elf64(fd, p);
		else if (head[EI_CLASS] == ELFCLASS32)
			probe_elf32(fd, p);
	} else if (n > 2 && head[0] == '#' && head[1] == '!' && depth == 0) {
		char interp[1024];

		close(fd);
		p->is_script = true;
		if (!script_interpreter((const char *)head, (size_t)n, interp, sizeof(interp)))
			return 0;
		return probe_file(interp, p, depth + 1);
	}
	close(fd);
	return 0;
}

int exec_probe(const char *cmd, struct exec_probe *p)
{
	int ret;

	memset(p, 0, sizeof(*p));
	ret = resolve(cmd, p->path, sizeof(p->path));
	if (ret == 0 && access(p->path, X_OK) != 0)
		ret = -errno;
	if (ret == 0)
		ret = probe_file(p->path, p, 0);
	p->error = -ret;
	return ret;
}

enum run_mode run_mode_choose(const struct exec_probe *p, const char **why)
{
	if (p->is_go) {
		*why = "a Go program (Go makes its system calls without libc)";
		return RUN_SECCOMP;
	}
	if (p->is_elf && p->is_static) {
		*why = p->is_script ? "a script whose interpreter is statically linked"
				    : "statically linked (no dynamic loader for LD_PRELOAD)";
		return RUN_SECCOMP;
	}
	if (p->is_setid) {
		*why = "setuid/setgid (the loader ignores LD_PRELOAD for it)";
		return RUN_SECCOMP;
	}
	if (p->error) {
		*why = "the program could not be inspected";
		return RUN_PRELOAD;
	}
	*why = p->is_elf ? "dynamically linked" : "not ELF (the interpreter loads libc)";
	return RUN_PRELOAD;
}
