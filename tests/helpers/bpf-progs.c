// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpf-progs NAME: how many BPF programs named NAME the kernel has loaded
 * (0 when none), for the tests of run --mode bpf: nothing may be left
 * attached after a run, however it ended. Exit 1 when the kernel cannot be
 * asked.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

int main(int argc, char **argv)
{
	__u32 id = 0;
	int count = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: bpf-progs NAME\n");
		return 2;
	}
	while (bpf_prog_get_next_id(id, &id) == 0) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue; /* gone meanwhile */
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
		    !strncmp(info.name, argv[1], sizeof(info.name)))
			count++;
		close(fd);
	}
	if (errno != ENOENT) {
		perror("bpf-progs: BPF_PROG_GET_NEXT_ID");
		return 1;
	}
	printf("%d\n", count);
	return 0;
}
