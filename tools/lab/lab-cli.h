/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the lab's subcommands share: options, status output. */
#ifndef MPTCPKIT_LAB_CLI_H
#define MPTCPKIT_LAB_CLI_H

#include <stdbool.h>

#include "lab.h"

enum {
	LAB_OPT_NAME = 1,	/* --name */
	LAB_OPT_SHAPE = 2,	/* --paths --rate --loss --delay --cc --path --profile --engine */
	LAB_OPT_FORCE = 4,	/* --force */
	LAB_OPT_TOPOLOGY = 8,	/* --router --balancer */
};

struct lab_opts {
	const char *name;
	const char *cc;		/* NULL: cubic, else reno */
	long paths, rate, delay;
	bool paths_given;	/* --paths was there */
	const char *profile;	/* --profile NAME, or NULL */
	const char *engine;	/* --engine auto|netem|nfqueue, or NULL */
	const char *path_specs[LAB_PATHS_MAX * 4];	/* --path K:..., in order */
	int npath_specs;
	double loss;
	bool force;
	bool router;		/* --router: the router topology */
	long backends;		/* --balancer N: the balancer topology; 0: none */
	int npos;		/* positional arguments found */
	int rest;		/* with stop_early: where the command starts */
};

/*
 * Parse argv[1..] (argv[0] is the subcommand): the options in 'allowed' and
 * up to maxpos positional arguments into pos[]. With stop_early, parsing
 * ends after the last positional (or at "--"); o->rest is the next index.
 * o->npos counts the positionals. Returns 0, or the exit code 1 after
 * printing the error.
 */
int lab_parse(int argc, char **argv, int allowed, struct lab_opts *o,
	      char **pos, int maxpos, bool stop_early);

/* From the options, lab's paths, shapes, profile and engine wish; 0, or
 * the exit code 1 after printing what is wrong. */
int lab_opts_shape(const struct lab_opts *o, struct lab *lab);
/* mptcpkit lab delayd (cmd-delayd.c) */
int lab_cmd_delayd(int argc, char **argv);

/* The lab's settings and paths (text or JSON); returns the exit code 0. */
int lab_print_status(struct lab *lab);
int lab_cmd_status(int argc, char **argv);
int lab_cmd_list(int argc, char **argv);

#endif
