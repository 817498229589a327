#!/bin/bash
# timeout: 60
# The README's install and timings on a fresh Debian 12 are those of the
# recorded run of tools/fresh-debian.sh (docs/fresh-debian.log), which this
# scenario never repeats: it checks what is stable. The record is whole
# (its SHA-256 line matches the lines above it: a figure changed by hand
# in it shows), its two commands ended with status 0 and no test failed,
# its package list is tools/deps.sh's of today (a package added or removed
# since changes the download: measure again), and every figure the README
# takes from it is the record's (tools/docs.sh --check fresh=, naming file,
# line, committed and fresh value), each of those the README must show
# (packages, download, the two times, the machine's cores) among them.
source "$(dirname "$0")/../lib.sh"

# The run that measures a new record (tools/fresh-debian.sh sets
# MICA_MEASURING_FRESH=1 in its root) runs make test against the committed
# record it is about to replace, whose package list may be the old one:
# there this scenario is an allowed SKIP, saying so.
if [[ -n ${MICA_MEASURING_FRESH:-} ]]; then
	_skip_ok=1
	result SKIP fresh_record "this make test is the run that measures a new record (tools/fresh-debian.sh)"
	_skip_ok=0
	exit 0
fi

record=docs/fresh-debian.log
again="run tools/fresh-debian.sh (as root) on a machine like the README's, then make docs"
if [ ! -r "$record" ]; then
	result FAIL fresh_record_present "no $record: $again"
	exit 1
fi
result PASS fresh_record_present

sum=$(sed -n '$s/^fresh-debian: sha256 //p' "$record")
real=$(sed '$d' "$record" | sha256sum | cut -d ' ' -f 1)
if [ -n "$sum" ] && [ "$sum" = "$real" ]; then
	result PASS fresh_record_whole
else
	result FAIL fresh_record_whole "$record: its last line says sha256 ${sum:-(none)}, its lines give $real: changed by hand? $again"
fi

bad=$(grep -E '^fresh-debian: make (run|test): ended [0-9]+, status [^0]' "$record")
tests=$(grep -E '^\[ *[0-9]+\] [0-9]+ passed, [0-9]+ failed' "$record" | sed 's/^\[ *[0-9]*\] //')
if [ -z "$bad" ] && echo "$tests" | grep -qE '^[1-9][0-9]* passed, 0 failed'; then
	result PASS fresh_record_commands_passed
else
	result FAIL fresh_record_commands_passed "$record: ${bad:-make test said: ${tests:-nothing}}"
fi

recorded=$(sed -n 's/^fresh-debian: deps: //p' "$record" | tr ' ' '\n' | sort)
today=$(sh tools/deps.sh --list | sort)
if [ -n "$today" ] && [ "$recorded" = "$today" ]; then
	result PASS fresh_record_deps_current
else
	added=$(comm -13 <(echo "$recorded") <(echo "$today") | tr '\n' ' ' | sed 's/ $//')
	gone=$(comm -23 <(echo "$recorded") <(echo "$today") | tr '\n' ' ' | sed 's/ $//')
	result FAIL fresh_record_deps_current "tools/deps.sh's packages are not those of $record (added: ${added:-none}; removed: ${gone:-none}): $again"
fi

if bash tools/docs.sh --check fresh="$record" >"$OUT/fresh-debian-docs.txt" 2>&1; then
	result PASS fresh_figures_current
else
	result FAIL fresh_figures_current "make docs writes them from $record:
$(grep -v '^docs: regenerate' "$OUT/fresh-debian-docs.txt" | head -n 20)"
fi
# The README shows each of these, from the record (these very markers);
# and every marker that reads the record was checked.
missing=
for key in log.fresh.packages log.fresh.download_mb log.fresh.cores \
	'log.fresh.run_end - log.fresh.run_start' 'log.fresh.test_end - log.fresh.test_start'; do
	grep -qF "<!-- fig:$key -->" README.md || missing="$missing '$key'"
done
want=$(cat README.md docs/*.md | grep -o '<!-- fig:[^>]*log\.fresh\.\|<!-- quote:fresh ' | wc -l)
checked=$(sed -n 's/^docs: \([0-9]*\) generated parts checked.*/\1/p' "$OUT/fresh-debian-docs.txt")
if [ -z "$missing" ] && [ "${checked:-0}" = "$want" ]; then
	result PASS fresh_figures_shown
else
	result FAIL fresh_figures_shown "README.md lacks a marker of:${missing:- none}; ${checked:-no} parts checked of $want markers reading $record"
fi
