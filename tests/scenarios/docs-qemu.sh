#!/bin/bash
# timeout: 200
# The console examples of docs/containers.md and docs/apps.md are what the
# current code prints: tools/docs.sh --qemu boots the QEMU runs they are
# written from (with --icount, so their TSC values are the same on every
# run) and checks every excerpt, naming the file, line, committed and
# fresh text of any that differs; `make docs` rewrites them.
source "$(dirname "$0")/../lib.sh"

if bash tools/docs.sh --check --qemu --runs "$OUT/docs-qemu" >"$OUT/docs-qemu.txt" 2>&1; then
	result PASS docs_qemu_excerpts_current
else
	result FAIL docs_qemu_excerpts_current "make docs regenerates them:
$(grep -v '^docs: regenerate' "$OUT/docs-qemu.txt" | head -n 20)"
fi
# Every marker quoting a QEMU run was checked, none left unchecked.
want=$(cat README.md docs/*.md |
	grep -o '<!-- \(figures\|quote\):\(qemu\|bare\)-\|<!-- fig:[^>]*log\.\(qemu\|bare\)-' | wc -l)
checked=$(sed -n 's/^docs: \([0-9]*\) generated parts checked.*/\1/p' "$OUT/docs-qemu.txt")
if [ "$want" -gt 0 ] && [ "${checked:-0}" = "$want" ]; then
	result PASS docs_qemu_excerpts_all_checked
else
	result FAIL docs_qemu_excerpts_all_checked "${checked:-no} parts checked, the docs have $want QEMU markers: $(tail -n 1 "$OUT/docs-qemu.txt")"
fi
