/*
 * trivial-subagent: the AgentX ceiling for the benchmark.
 *
 * An AgentX subagent whose handler does O(1) work per varbind: it serves a
 * table of N rows under a private OID and answers GET and GETNEXT by
 * arithmetic, without any data structure.  Whatever rate a walk of this table
 * reaches through snmpd is the most any AgentX subagent can reach on this
 * machine, in this run; cimrouted's walk rate is compared with it.
 *
 *   trivial-subagent [-x AGENTX_ADDRESS] [-w WIDTH] [-a ARC] N
 *
 * Layout (ROOT = 1.3.6.1.4.1.32473.ARC.1, the table; ARC 99 by default, so
 * that two instances with different widths can run side by side):
 *   ROOT.1.1.IDX  INTEGER    (i % 14) + 1      (like cimIP4RouteProtocol)
 *   ROOT.1.2.IDX  Gauge32    i
 *   ROOT.1.3.IDX  OCTET STR  "OK"              (like cimIP4RouteStatus)
 * for i = 1..N, plus 1.3.6.1.4.1.32473.ARC.2.0 (outside the table)
 * Gauge32 N, so a client can tell that the subagent is registered.
 *
 * IDX is i itself (WIDTH 1, the default), or WIDTH sub-identifiers: WIDTH-1
 * fixed ones shaped like a route's index (200.255.255.0.10.255.0.2.3.254.0.20
 * ..., repeated as needed) followed by i.  With -w 16 the OIDs are as long as
 * cimIP4RouteTable's, so the AgentX and BER encoding work per value is the
 * same as for cimrouted: the ceiling for a table with that index.  A WIDTH
 * above 16 takes its fixed sub-identifiers from an IPv6 route's index instead
 * (2001:db8:1::/48 via fd00:ff::2, ifIndex 3, table 254, metric 20, no
 * source: 52 sub-identifiers, most of them above 127 or 0 as in a real one),
 * so -w 53 is as long as cimIP6RouteTable's index.
 */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NCOLS     3
#define MAX_WIDTH 64

/* sub-identifier 7 is the arc (-a, default 99) */
static oid table_oid[] = { 1, 3, 6, 1, 4, 1, 32473, 99, 1 };
static oid entry_oid[] = { 1, 3, 6, 1, 4, 1, 32473, 99, 1, 1 };
static oid count_oid[] = { 1, 3, 6, 1, 4, 1, 32473, 99, 2, 0 };
#define ENTRY_LEN OID_LENGTH(entry_oid)

static unsigned long nrows;
static size_t width = 1;      /* sub-identifiers in the index */
static oid prefix[MAX_WIDTH]; /* the width-1 fixed ones */
static const oid prefix_shape[] = { 200, 255, 255, 0, 10, 255, 0, 2, 3, 254, 0, 20 };
static const oid prefix_shape6[] = {
	32, 1, 13, 184, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 48, /* destination, length */
	253, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 254,
	20,                                             /* via, dev, table, metric */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* source (the length is i) */
};
static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * First instance (col, row) after r (at or after r when inclusive).
 * Returns 0 when there is none inside the table.
 */
static int
next_instance(const oid *r, size_t rlen, int inclusive, unsigned long *col, unsigned long *row)
{
	size_t k = rlen < ENTRY_LEN ? rlen : ENTRY_LEN;
	size_t j, ilen;
	const oid *idx;
	unsigned long c, i;

	if (nrows == 0)
		return 0;
	for (j = 0; j < k; j++) {
		if (r[j] < entry_oid[j])
			goto first;
		if (r[j] > entry_oid[j])
			return 0;
	}
	if (rlen <= ENTRY_LEN)
		goto first; /* r is a prefix of (or equal to) the entry */
	c = r[ENTRY_LEN];
	if (c < 1)
		goto first;
	if (c > NCOLS)
		return 0;
	idx = r + ENTRY_LEN + 1;
	ilen = rlen - ENTRY_LEN - 1;
	/* the fixed part of the index */
	for (j = 0; j + 1 < width; j++) {
		if (j >= ilen || idx[j] < prefix[j])
			goto first_row; /* before every row of column c */
		if (idx[j] > prefix[j])
			goto next_col; /* after every row of column c */
	}
	if (ilen < width)
		goto first_row;
	i = idx[width - 1];
	if (i < 1)
		goto first_row;
	if (inclusive && ilen == width && i <= nrows) {
		*col = c;
		*row = i;
		return 1;
	}
	if (i >= nrows)
		goto next_col;
	*col = c;
	*row = i + 1;
	return 1;
first_row:
	*col = c;
	*row = 1;
	return 1;
next_col:
	if (c >= NCOLS)
		return 0;
	*col = c + 1;
	*row = 1;
	return 1;
first:
	*col = 1;
	*row = 1;
	return 1;
}

/* Is name exactly an instance?  Then its column and row. */
static int
exact_instance(const oid *name, size_t len, unsigned long *col, unsigned long *row)
{
	if (len != ENTRY_LEN + 1 + width ||
	    snmp_oid_ncompare(name, len, entry_oid, ENTRY_LEN, ENTRY_LEN) != 0 ||
	    name[ENTRY_LEN] < 1 || name[ENTRY_LEN] > NCOLS ||
	    (width > 1 && memcmp(name + ENTRY_LEN + 1, prefix, (width - 1) * sizeof(oid)) != 0) ||
	    name[len - 1] < 1 || name[len - 1] > nrows)
		return 0;
	*col = name[ENTRY_LEN];
	*row = name[len - 1];
	return 1;
}

static void
set_value(netsnmp_variable_list *vb, unsigned long col, unsigned long row)
{
	long l;
	u_long g;

	switch (col) {
	case 1:
		l = (long)(row % 14) + 1;
		snmp_set_var_typed_value(vb, ASN_INTEGER, &l, sizeof l);
		break;
	case 2:
		g = row & 0xffffffffUL;
		snmp_set_var_typed_value(vb, ASN_GAUGE, &g, sizeof g);
		break;
	default: snmp_set_var_typed_value(vb, ASN_OCTET_STR, "OK", 2); break;
	}
}

static int
table_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
    netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	netsnmp_request_info *req;
	oid name[ENTRY_LEN + 1 + MAX_WIDTH];
	unsigned long col, row;

	(void)handler;
	(void)reginfo;
	memcpy(name, entry_oid, sizeof entry_oid);
	memcpy(name + ENTRY_LEN + 1, prefix, (width - 1) * sizeof(oid));
	for (req = requests; req; req = req->next) {
		netsnmp_variable_list *vb = req->requestvb;

		if (req->processed)
			continue;
		switch (reqinfo->mode) {
		case MODE_GET:
			if (exact_instance(vb->name, vb->name_length, &col, &row))
				set_value(vb, col, row);
			else
				netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
			break;
		case MODE_GETNEXT:
			if (next_instance(vb->name, vb->name_length, req->inclusive, &col, &row)) {
				name[ENTRY_LEN] = col;
				name[ENTRY_LEN + width] = row;
				snmp_set_var_objid(vb, name, ENTRY_LEN + 1 + width);
				set_value(vb, col, row);
			}
			/* else: leave it unanswered, the agent moves to the next subtree */
			break;
		default: netsnmp_set_request_error(reqinfo, req, SNMP_ERR_NOTWRITABLE); break;
		}
	}
	return SNMP_ERR_NOERROR;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: trivial-subagent [-x AGENTX_ADDRESS] [-w WIDTH] [-a ARC] N\n"
	    "  serves 1.3.6.1.4.1.32473.ARC.1 (N rows, 3 columns, an index of WIDTH\n"
	    "  sub-identifiers, 1..64, default 1) and 1.3.6.1.4.1.32473.ARC.2.0 (N)\n"
	    "  through AgentX; ARC defaults to 99\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *xaddr = NULL;
	int opt;
	char *end;
	unsigned long arc;
	netsnmp_handler_registration *reg;
	struct sigaction sa;

	while ((opt = getopt(argc, argv, "x:w:a:h")) != -1) {
		switch (opt) {
		case 'a':
			errno = 0;
			arc = strtoul(optarg, &end, 10);
			if (errno || *end || arc < 1 || arc > 0xffffffffUL)
				usage();
			table_oid[7] = entry_oid[7] = count_oid[7] = (oid)arc;
			break;
		case 'x': xaddr = optarg; break;
		case 'w':
			errno = 0;
			width = strtoul(optarg, &end, 10);
			if (errno || *end || width < 1 || width > MAX_WIDTH)
				usage();
			break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	errno = 0;
	nrows = strtoul(argv[optind], &end, 10);
	if (errno || *end || end == argv[optind] || nrows > 0xffffffffUL)
		usage();
	for (size_t j = 0; j + 1 < width; j++)
		prefix[j] = width > 16 ? prefix_shape6[j % OID_LENGTH(prefix_shape6)] :
					 prefix_shape[j % OID_LENGTH(prefix_shape)];

	snmp_enable_stderrlog();
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	if (xaddr)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, xaddr);
	/* reconnect quickly if started before the master */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, 1);
	init_agent("trivial-subagent");

	reg = netsnmp_create_handler_registration("trivialTable", table_handler, table_oid,
	    OID_LENGTH(table_oid), HANDLER_CAN_RONLY);
	if (!reg || netsnmp_register_handler(reg) != MIB_REGISTERED_OK) {
		fprintf(stderr, "trivial-subagent: cannot register the table\n");
		return 1;
	}
	if (netsnmp_register_read_only_ulong_instance("trivialCount", count_oid,
		OID_LENGTH(count_oid), &nrows, NULL) != MIB_REGISTERED_OK) {
		fprintf(stderr, "trivial-subagent: cannot register the count\n");
		return 1;
	}

	init_snmp("trivial-subagent");

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	while (!stop)
		agent_check_and_process(1);

	snmp_shutdown("trivial-subagent");
	return 0;
}
