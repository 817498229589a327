# launcher-lib.sh - what tools/qemu-run.sh and tools/bochs-run.sh share,
# sourced by both after they set LAUNCHER (the name in their messages).

# die TEXT: one line on stderr, then the launcher's own failure status.
die() {
	echo "$LAUNCHER: $*" >&2
	exit 125
}

# usage STATUS: the script's header comment, then exit.
usage() {
	sed -n '2,/^set -u/{/^set -u/d;s/^# \{0,1\}//;p;}' "$0"
	exit "$1"
}

# number NAME VALUE: VALUE must be a decimal number.
number() {
	case $2 in
	'' | *[!0-9]*) die "$1 needs a number, not '$2'" ;;
	esac
}

# bochs_find: which Bochs to run and what it needs, for tools/bochs-run.sh
# and tools/deps.sh. Sets bochs (the binary), bios, vgabios, bochs_plugins
# (empty for a build without plugins) and bochs_debugger (1 if the build has
# its internal debugger, which takes -rc). Honours BOCHS, BOCHS_BIOS,
# BOCHS_VGABIOS and BOCHS_PLUGINS; ROMs and plugins are otherwise looked for
# beside the binary (PREFIX/share/bochs, PREFIX/lib/bochs/plugins), with
# Debian's places for /usr/bin/bochs. Returns 1 after one line on stderr if
# something is missing.
bochs_find() {
	bochs=${BOCHS:-bochs}
	case $bochs in
	*/*) [ -x "$bochs" ] || { echo "$LAUNCHER: BOCHS=$bochs is not an executable file" >&2; return 1; } ;;
	*) bochs=$(command -v "$bochs") || { echo "$LAUNCHER: bochs not found (run tools/deps.sh, or set BOCHS=path)" >&2; return 1; } ;;
	esac
	case $bochs in
	*[!A-Za-z0-9/._+-]*) echo "$LAUNCHER: the path $bochs has characters the launcher cannot quote" >&2; return 1 ;;
	esac
	_prefix=$(cd "$(dirname "$bochs")/.." && pwd)
	bios=${BOCHS_BIOS:-$_prefix/share/bochs/BIOS-bochs-latest}
	vgabios=${BOCHS_VGABIOS:-}
	if [ -z "$vgabios" ]; then
		# Debian's bochs takes the VGA BIOS of its vgabios package; a build
		# from source installs its own (3.0 names it with .bin).
		for _f in /usr/share/vgabios/vgabios.bin "$_prefix"/share/bochs/VGABIOS-lgpl-latest.bin \
			"$_prefix"/share/bochs/VGABIOS-lgpl-latest; do
			[ -n "$vgabios" ] || [ ! -f "$_f" ] || case $_f in
				/usr/share/vgabios/*) [ "$_prefix" != /usr ] || vgabios=$_f ;;
				*) vgabios=$_f ;;
				esac
		done
		[ -n "$vgabios" ] || vgabios=$_prefix/share/bochs/VGABIOS-lgpl-latest.bin
	fi
	bochs_plugins=${BOCHS_PLUGINS:-}
	if [ -z "$bochs_plugins" ]; then
		for _d in "$_prefix"/lib/bochs/plugins "$_prefix"/lib/*/bochs/plugins; do
			[ ! -d "$_d" ] || bochs_plugins=$_d
		done
	fi
	for _f in "$bios" "$vgabios"; do
		[ -f "$_f" ] || { echo "$LAUNCHER: no ROM image $_f for $bochs (run tools/deps.sh, or set BOCHS_BIOS/BOCHS_VGABIOS)" >&2; return 1; }
	done
	# A build with plugins loads its display from them; without, it is built in.
	if [ -n "$bochs_plugins" ] && [ ! -e "$bochs_plugins/libbx_term_gui.so" ] && [ ! -e "$bochs_plugins/libbx_term.so" ]; then
		echo "$LAUNCHER: no term display plugin in $bochs_plugins (run tools/deps.sh, or set BOCHS_PLUGINS)" >&2
		return 1
	fi
	# Bochs lists -rc in its help only when built with the debugger.
	bochs_debugger=0
	if LTDL_LIBRARY_PATH=${bochs_plugins:-${LTDL_LIBRARY_PATH:-}} "$bochs" --help 2>&1 </dev/null | grep -q '^ *-rc '; then
		bochs_debugger=1
	fi
	return 0
}

# bochs_exit_port LOG: the last value written to the exit port 0xf4, in hex,
# from Bochs's log: 2.7 logs "unmapped: 8-bit write to 00f4 = 03", 3.0 logs
# "8-bit write to 00f4 = 03". Empty if there is none.
bochs_exit_port() {
	sed -n 's/.*[0-9]-bit write to 00f4 = \([0-9a-fA-F]*\).*/\1/p' "$1" | tail -n 1
}
