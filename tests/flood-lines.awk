# flood-lines.awk - check the numbered lines of one VM's `test=flood` in
# mica's serial log (tests/guest/flood.c): every line n of TOTAL arrives
# once, in order and whole (its payload, character i = 'a' + (n + 7i) % 26,
# with nothing of another VM inside it).
#
# usage: awk -v vm=NAME -v total=N -f tests/flood-lines.awk LOG
# Prints nothing but "bytes B" (the flood bytes that arrived, newlines
# included) when every line is there; otherwise one line saying what is
# wrong.
{ sub(/\r$/, "") }
$1 == "[" vm "]" && $2 == "flood" && $3 != "long" {
	split($3, f, "/")
	n = f[1] + 0
	if (n != next_n + 1 || f[2] != total) { bad = "line " $3 " after " next_n; exit }
	want = ""
	for (i = 0; i < 100; i++)
		want = want sprintf("%c", 97 + (n + 7 * i) % 26)
	if ($5 != want || NF != 5 || length($4) != 10 || $4 !~ /^0x[0-9a-f]+$/) { bad = "line " n " damaged"; exit }
	bytes += length($0) - length("[" vm "] ") + 1
	next_n = n
}
END {
	if (bad == "" && next_n != total)
		bad = "only " next_n " of " total " lines"
	print (bad != "" ? bad : "bytes " bytes)
}
