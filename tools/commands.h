/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The subcommands of mptcpkit: each lives in its own cmd-*.c file. */
#ifndef MPTCPKIT_COMMANDS_H
#define MPTCPKIT_COMMANDS_H

/* Every subcommand: argv[0] is its name; returns the process exit code. */
typedef int (*command_fn)(int argc, char **argv);

int cmd_check(int argc, char **argv);
int cmd_connect(int argc, char **argv);
int cmd_listen(int argc, char **argv);
int cmd_lab(int argc, char **argv);
int cmd_pmd(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_enable(int argc, char **argv);
int cmd_disable(int argc, char **argv);
int cmd_endpoint(int argc, char **argv);
int cmd_limits(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_announce(int argc, char **argv);
int cmd_remove(int argc, char **argv);
int cmd_subflow(int argc, char **argv);
int cmd_perf(int argc, char **argv);
int cmd_ss(int argc, char **argv);
int cmd_counters(int argc, char **argv);
int cmd_exporter(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_proxy(int argc, char **argv);
int cmd_balancer(int argc, char **argv);


#endif
