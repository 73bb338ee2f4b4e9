# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for mptcpkit: subcommands, their options and keywords.

_mptcpkit_commands="check connect listen perf lab demo run enable disable endpoint
	limits monitor announce remove subflow pmd proxy help version"
_mptcpkit_commands+=" ss top counters exporter report balancer"

# Network interfaces, for 'dev' and the like.
_mptcpkit_ifaces() {
	local i
	for i in /sys/class/net/*; do echo "${i##*/}"; done
}

# systemd service names, for enable/disable.
_mptcpkit_units() {
	systemctl list-unit-files --type=service --no-legend 2>/dev/null | awk '{print $1}'
}

# Words of the current subcommand line: a keyword-style command (endpoint,
# limits, subflow, ...) completes its next keyword or the value after one.
_mptcpkit_keywords() {
	local prev=$1
	shift
	case "$prev" in
	dev) COMPREPLY=($(compgen -W "$(_mptcpkit_ifaces)" -- "$cur")); return ;;
	port | id | token | subflows | add_addr_accepted | lid | lport | rport | raddr | laddr) return ;;
	esac
	COMPREPLY=($(compgen -W "$*" -- "$cur"))
}

# --sockopt NAME=POLICY: the option names check --sockopts knows, then the
# policies.
_mptcpkit_sockopt() {
	local cur=${COMP_WORDS[COMP_CWORD]} names
	if [[ $cur == *=* ]]; then
		COMPREPLY=($(compgen -P "${cur%%=*}=" -W "tcp ignore error" -- "${cur#*=}"))
	else
		names=$("${COMP_WORDS[0]}" check --sockopts 2>/dev/null | awk '/^  [A-Z]/ {print $1 "="}')
		COMPREPLY=($(compgen -W "$names" -- "$cur"))
		compopt -o nospace 2>/dev/null
	fi
}

_mptcpkit() {
	local cur prev cmd i j sub
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}

	# The subcommand: the first word after the global options.
	for ((i = 1; i < COMP_CWORD; i++)); do
		case "${COMP_WORDS[i]}" in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [ -z "$cmd" ]; then
		COMPREPLY=($(compgen -W "-j --json -V --version -h --help $_mptcpkit_commands" -- "$cur"))
		return
	fi
	sub=${COMP_WORDS[i + 1]}

	case "$cmd" in
	check)
		COMPREPLY=($(compgen -W "-j --json --sockopts -h --help" -- "$cur")) ;;
	connect)
		case "$prev" in -w | --timeout) return ;; esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-4 -6 -N --shutdown -d --no-stdin -j --json -v --verbose --info -w --timeout -h --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -A hostname -- "$cur"))
		fi ;;
	listen)
		case "$prev" in -w | --timeout | -b | --bind) return ;; esac
		COMPREPLY=($(compgen -W "-4 -6 -b --bind -k --keep-open -N --shutdown -d --no-stdin -j --json -v --verbose --info -w --timeout -h --help" -- "$cur")) ;;
	perf)
		case "$prev" in
		-c | --client) COMPREPLY=($(compgen -A hostname -- "$cur")); return ;;
		--plot) COMPREPLY=($(compgen -f -X '!*.svg' -- "$cur")); return ;;
		-p | --port | -t | --time | -i | --interval) return ;;
		--cc) COMPREPLY=($(compgen -W "$(cat /proc/sys/net/ipv4/tcp_available_congestion_control 2>/dev/null)" -- "$cur")); return ;;
		esac
		COMPREPLY=($(compgen -W "-s --server -1 --one-off -c --client -p --port -t --time --tcp -R --reverse --cc -i --interval --plot --mark -j --json -h --help" -- "$cur")) ;;
	lab)
		case "$prev" in
		lab) COMPREPLY=($(compgen -W "up down status list link exec --help" -- "$cur")); return ;;
		exec) COMPREPLY=($(compgen -W "client server router far" -- "$cur")); return ;;
		--name | --paths | --rate | --loss | --delay | --path) return ;;
		--profile) COMPREPLY=($(compgen -W "equal wifi-lte dsl-4g fibre-sat slow-second" -- "$cur")); return ;;
		--engine) COMPREPLY=($(compgen -W "auto netem nfqueue" -- "$cur")); return ;;
		esac
		case "$sub" in
		up) COMPREPLY=($(compgen -W "--name --paths --rate --loss --delay --cc --router --balancer --profile --path --engine" -- "$cur")) ;;
		down) COMPREPLY=($(compgen -W "--name --force" -- "$cur")) ;;
		status) COMPREPLY=($(compgen -W "--name" -- "$cur")) ;;
		link) [[ $prev =~ ^[0-9]+$ ]] && COMPREPLY=($(compgen -W "down up" -- "$cur")) ||
			COMPREPLY=($(compgen -W "--name" -- "$cur")) ;;
		exec) COMPREPLY=($(compgen -c -- "$cur")) ;;
		esac ;;
	demo)
		case "$prev" in
		--plot) COMPREPLY=($(compgen -f -X '!*.svg' -- "$cur")); return ;;
		--profile) COMPREPLY=($(compgen -W "equal wifi-lte dsl-4g fibre-sat slow-second" -- "$cur")); return ;;
		esac
		COMPREPLY=($(compgen -W "--quick --plot --proxy --balancer --profile --upload -h --help" -- "$cur")) ;;
	run)
		case "$prev" in
		-m | --mode) COMPREPLY=($(compgen -W "auto bpf preload seccomp" -- "$cur")); return ;;
		-o | --sockopt) _mptcpkit_sockopt; return ;;
		=) # bash splits NAME=POLICY at '=' (COMP_WORDBREAKS)
			if [[ ${COMP_WORDS[COMP_CWORD - 3]} == -o || ${COMP_WORDS[COMP_CWORD - 3]} == --sockopt ]]; then
				COMPREPLY=($(compgen -W "tcp ignore error" -- "$cur"))
				return
			fi ;;
		esac
		for ((j = i + 1; j < COMP_CWORD; j++)); do
			if [[ ${COMP_WORDS[j]} != -* && ${COMP_WORDS[j - 1]} != --mode && ${COMP_WORDS[j - 1]} != -m &&
				${COMP_WORDS[j - 1]} != --sockopt && ${COMP_WORDS[j - 1]} != -o ]] ||
				[ "${COMP_WORDS[j]}" = -- ]; then
				COMPREPLY=($(compgen -c -f -- "$cur"))
				return
			fi
		done
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-d --debug -m --mode -o --sockopt -h --help --" -- "$cur"))
		else
			COMPREPLY=($(compgen -c -- "$cur"))
		fi ;;
	enable | disable)
		case "$prev" in
		--mode) COMPREPLY=($(compgen -W "auto preload seccomp" -- "$cur")); return ;;
		--root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
		--sockopt) _mptcpkit_sockopt; return ;;
		=) if [[ ${COMP_WORDS[COMP_CWORD - 3]} == --sockopt ]]; then
			COMPREPLY=($(compgen -W "tcp ignore error" -- "$cur"))
			return
		fi ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--root --mode --sockopt -h --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_mptcpkit_units)" -- "$cur"))
		fi ;;
	endpoint)
		case "$sub" in
		add) _mptcpkit_keywords "$prev" port id dev signal subflow backup fullmesh laminar ;;
		delete) _mptcpkit_keywords "$prev" id ;;
		change) _mptcpkit_keywords "$prev" id backup nobackup fullmesh nofullmesh ;;
		show) _mptcpkit_keywords "$prev" id ;;
		flush) ;;
		*) COMPREPLY=($(compgen -W "add delete change show flush --help" -- "$cur")) ;;
		esac ;;
	limits)
		case "$sub" in
		set) _mptcpkit_keywords "$prev" subflows add_addr_accepted ;;
		show) ;;
		*) COMPREPLY=($(compgen -W "set show --help" -- "$cur")) ;;
		esac ;;
	monitor)
		COMPREPLY=($(compgen -W "-j --json -h --help" -- "$cur")) ;;
	announce)
		_mptcpkit_keywords "$prev" token id port dev --help ;;
	remove)
		_mptcpkit_keywords "$prev" token id --help ;;
	subflow)
		case "$sub" in
		create) _mptcpkit_keywords "$prev" token lid laddr raddr rport dev backup ;;
		destroy) _mptcpkit_keywords "$prev" token laddr lport raddr rport ;;
		change) _mptcpkit_keywords "$prev" token laddr lport raddr rport backup nobackup ;;
		*) COMPREPLY=($(compgen -W "create destroy change --help" -- "$cur")) ;;
		esac ;;
	pmd)
		case "$prev" in
		-c | --config) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		--pm) COMPREPLY=($(compgen -W "kernel userspace" -- "$cur")); return ;;
		--on-link-down) COMPREPLY=($(compgen -W "remove backup" -- "$cur")); return ;;
		--prefer) COMPREPLY=($(compgen -W "auto aggregate handover interactive" -- "$cur")); return ;;
		--wmem-max | --rmem-max) COMPREPLY=($(compgen -W "auto off" -- "$cur")); return ;;
		--scheduler) COMPREPLY=($(compgen -W "$(cat /proc/sys/net/mptcp/available_schedulers 2>/dev/null)" -- "$cur")); return ;;
		--backup | --only | --exclude) COMPREPLY=($(compgen -W "$(_mptcpkit_ifaces)" -- "$cur")); return ;;
		esac
		COMPREPLY=($(compgen -W "-c --config --client --server --backup --only --exclude --pm --on-link-down --prefer --wmem-max --rmem-max --rmem-default --notsent-lowat --no-health-checks --checksum --scheduler --probe --balanced --join -j --json -v --verbose -h --help" -- "$cur")) ;;
	ss)
		case "$prev" in
		state) COMPREPLY=($(compgen -W "established syn-sent syn-recv fin-wait-1 fin-wait-2 time-wait closed close-wait last-ack listening closing" -- "$cur")); return ;;
		sport | dport | src | dst | = | == | != | '<' | '<=' | '>' | '>=') return ;;
		esac
		COMPREPLY=($(compgen -W "-l --listening -a --all -S --no-subflows -n -j --json -h --help sport dport src dst state and or not" -- "$cur")) ;;
	counters)
		case "$prev" in
		--since | --file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		--interval) return ;;
		esac
		COMPREPLY=($(compgen -W "-a --all --since --interval --file -j --json -h --help" -- "$cur")) ;;
	top)
		case "$prev" in -n | -d) return ;; esac
		COMPREPLY=($(compgen -W "--once -n -d -j --json -h --help" -- "$cur")) ;;
	exporter)
		case "$prev" in --listen) return ;; esac
		COMPREPLY=($(compgen -W "--listen --once -h --help" -- "$cur")) ;;
	report)
		case "$prev" in
		-o) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		--monitor) return ;;
		esac
		COMPREPLY=($(compgen -W "-o --monitor -h --help" -- "$cur")) ;;
	proxy)
		case "$prev" in
		proxy) COMPREPLY=($(compgen -W "forward reverse socks transparent --config --help" -- "$cur")); return ;;
		--config | --auth-file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		--iif) COMPREPLY=($(compgen -W "$(_mptcpkit_ifaces)" -- "$cur")); return ;;
		--to | --via) COMPREPLY=($(compgen -A hostname -- "$cur")); return ;;
		--listen | --auth | --allow | --max-conns | --idle-timeout | --connect-timeout | \
			--handshake-timeout | --drain-timeout | --halfclose-hold | --workers) return ;;
		esac
		COMPREPLY=($(compgen -W "--listen --to --via --auth --auth-file --allow --allow-local-dest
			--max-conns --idle-timeout --connect-timeout --handshake-timeout --drain-timeout --halfclose-hold
			--no-splice --config --print-rules --install-rules --iif --tproxy --workers -j --json -h --help" -- "$cur")) ;;
	balancer)
		case "$prev" in
		balancer) COMPREPLY=($(compgen -W "rules install remove --help" -- "$cur")); return ;;
		--hash) COMPREPLY=($(compgen -W "random jhash" -- "$cur")); return ;;
		--method) COMPREPLY=($(compgen -W "nat dr" -- "$cur")); return ;;
		--service | --backend) return ;;
		esac
		COMPREPLY=($(compgen -W "--nft --ipvsadm --keepalived --service --backend --hash --method -j --json -h --help" -- "$cur")) ;;
	esac
}
complete -F _mptcpkit mptcpkit
