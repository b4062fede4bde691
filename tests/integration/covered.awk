# covered.awk - whether every sequence number a..b was reported on sink s, individually (a
# notification of one of the kinds, R-relative OIDs separated by blanks: ".0.1 .0.4") or by a
# cimRouteChangeSummary (.0.2) whose range holds it; exit 0 if so, 1 if not.
# Input: trap_log.py's tab-separated form (time, sink, then "OID value" varbinds).
# Variables: s, a, b, R (the enterprise arc), kinds.  Cheap enough to poll.
BEGIN {
	n = split(kinds, k, " ")
	for (i = 1; i <= n; i++)
		want[R k[i]] = 1
}
$2 == s {
	t = ""; q = ""; f = ""; l = ""
	for (i = 4; i <= NF; i++) {
		sp = index($i, " "); o = substr($i, 1, sp - 1); v = substr($i, sp + 1)
		if (o == ".1.3.6.1.6.3.1.1.4.1.0") t = v
		else if (o == R ".1.4.10.1.0") q = v + 0
		else if (o == R ".1.4.10.14.0") f = v + 0
		else if (o == R ".1.4.10.15.0") l = v + 0
	}
	if (t in want) c[q] = 1
	else if (t == R ".0.2") { if (f < a) f = a; if (l > b) l = b; for (x = f; x <= l; x++) c[x] = 1 }
}
END { for (x = a; x <= b; x++) if (!(x in c)) exit 1; exit 0 }
