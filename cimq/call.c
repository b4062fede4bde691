/* call: writes and method calls (see call.h). */
#define _GNU_SOURCE 1
#include "config.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cimq/call.h"

struct exec {
	netsnmp_session *ss;
	struct exec_err *err;
};

/* A SET's response (any error status), or NULL with x->err set. */
static netsnmp_pdu *
request(struct exec *x, netsnmp_pdu *pdu)
{
	return exec_request(x->ss, pdu, x->err);
}

/* ---- writes: UPDATE and DELETE, one SET per instance */

struct wset {
	const struct cmap_prop *prop;
	struct cq_value v;
	u_char type; /* ASN type of the column */
};

struct wctx {
	struct exec *x;
	const struct cmap_class *c;
	struct wset *set;
	size_t nset;
	struct cq_value *ixv;  /* CREATE: the index components given */
	struct plan_key *keys; /* the selected instances, or the new one */
	size_t nkeys;
	struct cmap_prop mprop; /* CALL: the method's object as a property */
	int call;
	int scalar;        /* CALL of a scalar object: one SET, no instance */
	struct call *cl;   /* CALL with parameters */
	const char *mname; /* CALL: the method's name */
};

static int
collect_row(void *ctx, const oid *index, size_t len, const struct cq_value *row)
{
	struct wctx *w = ctx;
	struct plan_key *k = realloc(w->keys, (w->nkeys + 1) * sizeof(*k));

	(void)row;
	if (k == NULL)
		return -1;
	w->keys = k;
	memcpy(k[w->nkeys].sub, index, len * sizeof(oid));
	k[w->nkeys++].len = len;
	return 0;
}

/* exec_rows()'s function that counts the instances the WHERE selects. */
static int
count_row(void *ctx, const oid *index, size_t len, const struct cq_value *row)
{
	(void)index, (void)len, (void)row;
	++*(size_t *)ctx;
	return 0;
}

/* The ASN type of a column, from the MIB; 0 if not writable by cimq. */
static u_char
column_type(const struct cmap_prop *p)
{
	struct tree *t = get_tree(p->oid, p->oid_len, get_tree_head());

	if (t == NULL || (t->access != MIB_ACCESS_READWRITE && t->access != MIB_ACCESS_CREATE))
		return 0;
	switch (t->type) {
	case TYPE_INTEGER:
	case TYPE_INTEGER32: return ASN_INTEGER;
	case TYPE_UNSIGNED32:
	case TYPE_GAUGE: return ASN_UNSIGNED;
	case TYPE_IPADDR: return ASN_IPADDRESS;
	case TYPE_OCTETSTR: return ASN_OCTET_STR;
	default: return 0;
	}
}

/* Adds column p at index key with value v; 0, or -1 if v does not fit. */
static int
add_value(netsnmp_pdu *pdu, const struct wset *ws, const struct plan_key *key)
{
	const struct cmap_prop *p = ws->prop;
	const struct cq_value *v = &ws->v;
	oid o[MAX_OID_LEN];
	u_char buf[16];
	long l = v->kind == CQ_V_BOOL ? (v->b ? 1 : 2) :
	    v->kind == CQ_V_SINT      ? (long)v->i :
					(long)v->u;
	const void *val = &l;
	size_t vlen = sizeof(l);

	if (p->oid_len + key->len > MAX_OID_LEN)
		return -1;
	memcpy(o, p->oid, p->oid_len * sizeof(oid));
	memcpy(o + p->oid_len, key->sub, key->len * sizeof(oid));
	if (v->kind == CQ_V_STR && ws->type == ASN_IPADDRESS) {
		if (inet_pton(AF_INET, v->s, buf) != 1)
			return -1;
		val = buf, vlen = 4;
	} else if (v->kind == CQ_V_STR && strncmp(p->syntax, "InetAddress", 11) == 0) {
		vlen = inet_pton(AF_INET, v->s, buf) == 1 ? 4 :
		    inet_pton(AF_INET6, v->s, buf) == 1   ? 16 :
							    0;
		if (vlen == 0)
			return -1;
		val = buf;
	} else if (v->kind == CQ_V_STR) {
		val = v->s, vlen = strlen(v->s);
	} else if (v->kind == CQ_V_ARRAY || v->kind == CQ_V_NULL) {
		return -1;
	}
	return snmp_pdu_add_variable(pdu, o, p->oid_len + key->len, ws->type, val, vlen) ? 0 : -1;
}

/* ---- CALL of a method with parameters (WMI's signatures below) */

/*
 * WMI's signatures (wmi-classes.md 8.3), one word a parameter:
 * NAME[]  an array; ?  optional; @MIBOBJECT  the MIB object it is written
 * to when it is not the class property of that name; =N  the value of each
 * element when absent (WMI's default); !N  WMI's return code for a value
 * that is not of the parameter's kind (else 68, invalid input parameter).
 */
static const struct signature {
	const char *method, *params;
} signatures[] = {
	{ "DisableIPSec", "" },
	{ "Disable", "" },
	{ "Enable", "" },
	{ "EnableDHCP", "" },
	{ "ReleaseDHCPLease", "" },
	{ "ReleaseDHCPLeaseAll", "" },
	{ "RenewDHCPLease", "" },
	{ "RenewDHCPLeaseAll", "" },
	{ "Reset", "" },
	{ "EnableDNS",
	    "DNSHostName?!74 DNSDomain?!73 DNSServerSearchOrder[]?!70 "
	    "DNSDomainSuffixSearchOrder[]?!73" },
	{ "EnableIPFilterSec", "IPFilterSecurityEnabled" },
	{ "EnableIPSec", "IPSecPermitTCPPorts[] IPSecPermitUDPPorts[] IPSecPermitIPProtocols[]" },
	{ "EnableStatic", "IPAddress[]!70 SubnetMask[]@cimAdapterCfgAddressPrefixLength!66" },
	{ "EnableWINS",
	    "DNSEnabledForWINSResolution WINSEnableLMHostsLookup WINSHostLookupFile? "
	    "WINSScopeID?" },
	{ "SetArpAlwaysSourceRoute", "ArpAlwaysSourceRoute" },
	{ "SetArpUseEtherSNAP", "ArpUseEtherSNAP" },
	{ "SetDatabasePath", "DatabasePath" },
	{ "SetDeadGWDetect", "DeadGWDetectEnabled" },
	{ "SetDefaultTOS", "DefaultTOS" },
	{ "SetDefaultTTL", "DefaultTTL" },
	{ "SetDNSDomain", "DNSDomain!73" },
	{ "SetDNSServerSearchOrder", "DNSServerSearchOrder[]?!70" },
	{ "SetDNSSuffixSearchOrder", "DNSDomainSuffixSearchOrder[]!73" },
	{ "SetDynamicDNSRegistration", "FullDNSRegistrationEnabled DomainDNSRegistrationEnabled?" },
	{ "SetForwardBufferMemory", "ForwardBufferMemory" },
	/* ~IPAddress: the adapter's own address clears the gateways (WMI's way; see groups()) */
	{ "SetGateways", "DefaultIPGateway[]!71~IPAddress GatewayCostMetric[]?=1" },
	{ "SetIGMPLevel", "IGMPLevel" },
	{ "SetIPConnectionMetric", "IPConnectionMetric" },
	{ "SetIPUseZeroBroadcast", "IPUseZeroBroadcast" },
	{ "SetIPXFrameTypeNetworkPairs", "IPXNetworkNumber[]!88 IPXFrameType[]!87" },
	{ "SetIPXVirtualNetworkNumber", "IPXVirtualNetNumber!88" },
	{ "SetKeepAliveInterval", "KeepAliveInterval" },
	{ "SetKeepAliveTime", "KeepAliveTime" },
	{ "SetMTU", "MTU" },
	{ "SetNumForwardPackets", "NumForwardPackets" },
	{ "SetPMTUBHDetect", "PMTUBHDetectEnabled" },
	{ "SetPMTUDiscovery", "PMTUDiscoveryEnabled" },
	{ "SetPowerState", "PowerState@cimNetAdapterSetPowerState Time?" },
	{ "SetTcpipNetbios", "TcpipNetbiosOptions" },
	{ "SetTcpMaxConnectRetransmissions", "TcpMaxConnectRetransmissions" },
	{ "SetTcpMaxDataRetransmissions", "TcpMaxDataRetransmissions" },
	{ "SetTcpNumConnections", "TcpNumConnections" },
	{ "SetTcpUseRFC1122UrgentPointer", "TcpUseRFC1122UrgentPointer" },
	{ "SetTcpWindowSize", "TcpWindowSize" },
	{ "SetWINSServer", "WINSPrimaryServer!70 WINSSecondaryServer!70" },
};

/*
 * What WMI's method does beside its parameters, as the MIB maps it: EnableStatic
 * turns DHCP off (cimAdapterCfgDHCPEnabled false(2), in the same SET: the
 * agent stops the client, jobStarted then the code).
 */
static const struct companion {
	const char *method, *prop;
	int truth;
} companions[] = {
	{ "EnableStatic", "DHCPEnabled", 0 },
};

struct sig_param {
	char name[64];
	char alias[64];
	char own[64]; /* ~PROP: an element that is a value of PROP of the instance */
	int array, optional, has_dflt, code;
	unsigned long dflt;
};

/* One word of a signature; 0, or -1 if malformed. */
static int
sig_word(const char *w, size_t n, struct sig_param *sp)
{
	const char *p = w + strcspn(w, "[?@=!~ "), *end = w + n;

	*sp = (struct sig_param){ .code = CALL_RC_BADPARAM };
	if (p > end || (size_t)(p - w) >= sizeof(sp->name))
		return -1;
	memcpy(sp->name, w, (size_t)(p - w));
	while (p < end) {
		char c = *p++, *e;
		size_t l;

		if (c == '[' && p < end && *p == ']')
			sp->array = 1, p++;
		else if (c == '?')
			sp->optional = 1;
		else if (c == '@' && (l = strcspn(p, "?=!~ ")) < sizeof(sp->alias))
			memcpy(sp->alias, p, l), p += l;
		else if (c == '~' && (l = strcspn(p, "?=!@ ")) < sizeof(sp->own))
			memcpy(sp->own, p, l), p += l;
		else if (c == '=')
			sp->has_dflt = 1, sp->dflt = strtoul(p, &e, 10), p = e;
		else if (c == '!')
			sp->code = (int)strtol(p, &e, 10), p = e;
		else
			return -1;
	}
	return 0;
}

/* The parameters of method name: their count (0 for none), or -1 when
   cimq has no signature for it. */
static int
sig_params(const char *name, struct sig_param *sp, size_t max)
{
	const struct signature *sg = NULL;
	size_t n = 0;

	for (size_t k = 0; k < sizeof(signatures) / sizeof(signatures[0]); k++)
		if (strcasecmp(signatures[k].method, name) == 0)
			sg = &signatures[k];
	if (sg == NULL)
		return -1;
	for (const char *w = sg->params; *w != '\0' && n < max; n++) {
		size_t l = strcspn(w, " ");

		if (sig_word(w, l, &sp[n]) != 0)
			return -1;
		w += l + (w[l] == ' ');
	}
	return (int)n;
}

#define CALL_MAXARGS   8
#define CALL_MAXGROUPS 4
#define CALL_MAXCOLS   4

/* A parameter and where it goes: an index component ix of the dependent
   table t, a column of t (prop, ix -1), or a scalar or column of the class
   (prop, t NULL). */
struct carg {
	struct sig_param sp;
	const struct wql_lit *lit; /* as given, or NULL */
	const struct cmap_table *t;
	int ix;
	const struct cmap_prop *prop;
};

/* The rows of one dependent table that the call makes its list. */
struct cgroup {
	const struct cmap_table *t;
	oid rs[MAX_OID_LEN]; /* its RowStatus column */
	size_t rs_len;
	struct plan_key *rows; /* the new rows' index after the parent's */
	/* its index starts (after the parent's) with an InetAddressType: the
	   types (bits) whose rows the list replaces */
	unsigned long types;
	size_t nrows;
	struct wset *cols; /* nrows x per: the columns each row writes */
	size_t per;
	struct cmap_prop syn[CALL_MAXCOLS]; /* columns no property names */
	size_t nsyn;
	/*
	 * readonly: a table read, not written (the instance's own addresses);
	 * own: 1 + the index of such a group, whose rows' leading address no
	 * row of this list may have (0: none).
	 */
	int readonly;
	size_t own;
};

struct call {
	const struct cmap_class *c;
	struct carg a[CALL_MAXARGS];
	size_t na;
	struct cgroup g[CALL_MAXGROUPS];
	size_t ng;
	struct wset vals[CALL_MAXARGS + 2]; /* scalars and class columns */
	int vscalar[CALL_MAXARGS + 2];
	size_t nvals;
	int instance; /* a SET per instance (else one, of scalars and global rows) */
	long code;    /* WMI's return code of a local refusal, or -1 */
	struct exec_err *err;
};

static int
refuse(struct call *cl, long code, const char *fmt, ...)
{
	va_list ap;

	cl->code = code;
	cl->err->status = CIMQ_REFUSED;
	va_start(ap, fmt);
	vsnprintf(cl->err->msg, sizeof(cl->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* The node of the MIB object name, or NULL. */
static struct tree *
mib_node(const char *name, oid *o, size_t *len)
{
	char q[256];

	*len = MAX_OID_LEN;
	snprintf(q, sizeof(q), "CIM-ROUTE-MIB::%s", name);
	if (!read_objid(q, o, len))
		return NULL;
	return get_tree(o, *len, get_tree_head());
}

/* Where parameter a goes: its alias's object or its property's. */
static int
carg_target(struct call *cl, struct carg *a)
{
	const struct cmap_class *c = cl->c;

	a->ix = -1;
	for (size_t d = 0; a->sp.alias[0] != '\0' && d < c->ndeps; d++)
		for (size_t k = 0; k < c->deps[d].nix; k++)
			if (strcmp(c->deps[d].ix[k].mib_name, a->sp.alias) == 0)
				a->t = &c->deps[d], a->ix = (int)k;
	for (size_t k = 0; a->t == NULL && a->sp.alias[0] != '\0' && k < c->nprops; k++)
		if (c->props[k].mib_name && strcmp(c->props[k].mib_name, a->sp.alias) == 0)
			a->prop = &c->props[k];
	if (a->t == NULL && a->prop == NULL && a->sp.alias[0] == '\0')
		a->prop = cmap_prop(c, a->sp.name);
	if (a->prop != NULL && a->prop->array != a->sp.array)
		a->prop = NULL;
	if (a->prop != NULL && a->sp.array)
		a->t = a->prop->table, a->ix = a->prop->ix;
	if (a->prop == NULL && a->t == NULL)
		return refuse(cl, CALL_RC_NOTSUPPORTED, "%s has no SNMP counterpart", a->sp.name);
	return 0;
}

/* The parameters given matched to the signature's; 0 or -1. */
static int
match_args(struct call *cl, const struct wql_stmt *s)
{
	for (size_t i = 0; i < s->nset; i++) {
		struct carg *a = NULL;

		for (size_t k = 0; k < cl->na; k++)
			if (strcasecmp(cl->a[k].sp.name, s->set[i].name) == 0)
				a = &cl->a[k];
		if (a == NULL) {
			cl->err->status = CIMQ_UNKNOWN;
			snprintf(cl->err->msg, sizeof(cl->err->msg), "%s has no parameter %s",
			    s->method, s->set[i].name);
			return -1;
		}
		if (a->lit != NULL)
			return refuse(cl, CALL_RC_BADPARAM, "%s given twice", a->sp.name);
		if (s->set[i].val.kind == WQL_L_LIST && !a->sp.array)
			return refuse(cl, a->sp.code, "%s is not an array", a->sp.name);
		a->lit = &s->set[i].val;
	}
	for (size_t k = 0; k < cl->na; k++) {
		if (cl->a[k].lit == NULL && !cl->a[k].sp.optional)
			return refuse(cl, CALL_RC_BADPARAM, "%s.%s needs %s", cl->c->name,
			    s->method, cl->a[k].sp.name);
		if ((cl->a[k].lit != NULL || cl->a[k].sp.has_dflt) &&
		    carg_target(cl, &cl->a[k]) != 0)
			return -1;
	}
	return 0;
}

/* The number of elements of a (a single value is one element). */
static size_t
carg_len(const struct carg *a)
{
	return a->lit == NULL ? 0 : a->lit->kind == WQL_L_LIST ? a->lit->n : 1;
}

static const struct wql_lit *
carg_elem(const struct carg *a, size_t i)
{
	return a->lit->kind == WQL_L_LIST ? &a->lit->items[i] : a->lit;
}

/* Element literal l as a number (INT, or a string of digits), an address
   (text that parses as IPv4 or IPv6, kept as text) or a string. */
enum ckind { CK_NUM, CK_ADDR, CK_STR };

static int
conv_lit(const struct wql_lit *l, enum ckind k, struct cq_value *v)
{
	unsigned char buf[16];
	char *e;

	*v = (struct cq_value){ .kind = CQ_V_UINT };
	if (k == CK_NUM && l->kind == WQL_L_INT && !l->neg && l->mag <= UINT32_MAX)
		return v->u = l->mag, 0;
	if (l->kind != WQL_L_STR)
		return -1;
	if (k == CK_NUM) {
		v->u = strtoul(l->s, &e, 10);
		return l->s[0] >= '0' && l->s[0] <= '9' && *e == '\0' && v->u <= UINT32_MAX ? 0 :
											      -1;
	}
	if (k == CK_ADDR && inet_pton(AF_INET, l->s, buf) != 1 &&
	    inet_pton(AF_INET6, l->s, buf) != 1)
		return -1;
	v->kind = CQ_V_STR;
	return (v->s = strdup(l->s)) != NULL ? 0 : -1;
}

/* The kind of value an index component of syntax ... takes. */
static enum ckind
ix_kind(const struct cmap_index *ix)
{
	return ix->enc == CMAP_IX_INT                                           ? CK_NUM :
	    ix->enc == CMAP_IX_IPADDR || strcmp(ix->syntax, "InetAddress") == 0 ? CK_ADDR :
										  CK_STR;
}

static enum ckind
col_kind(const struct cmap_prop *p, u_char type)
{
	return type == ASN_INTEGER || type == ASN_UNSIGNED                 ? CK_NUM :
	    type == ASN_IPADDRESS || strcmp(p->syntax, "InetAddress") == 0 ? CK_ADDR :
									     CK_STR;
}

/* 4 or 6: the family of address text s; 0 if none. */
static int
family(const struct cq_value *v)
{
	unsigned char buf[16];

	return v->kind != CQ_V_STR              ? 0 :
	    inet_pton(AF_INET, v->s, buf) == 1  ? 4 :
	    inet_pton(AF_INET6, v->s, buf) == 1 ? 6 :
						  0;
}

/* SubnetMask as a prefix length: a contiguous dotted mask (IPv4) or a
   decimal length (WMI's IPv6 form); 1 to the family's bits. */
static int
mask_len(const struct cq_value *mask, int fam, struct cq_value *out)
{
	struct in_addr m;
	unsigned long len = 0, bits = fam == 6 ? 128 : 32;
	char *e = NULL;

	if (mask->kind == CQ_V_UINT)
		len = mask->u;
	else if (mask->kind == CQ_V_STR && mask->s[0] >= '0' && mask->s[0] <= '9' &&
	    strchr(mask->s, '.') == NULL)
		len = strtoul(mask->s, &e, 10);
	else if (fam == 4 && mask->kind == CQ_V_STR && inet_pton(AF_INET, mask->s, &m) == 1) {
		uint32_t h = ntohl(m.s_addr), inv = ~h;

		if ((inv & (inv + 1)) != 0)
			return -1;
		while (h != 0)
			len++, h <<= 1;
	} else
		return -1;
	if ((e != NULL && *e != '\0') || len == 0 || len > bits)
		return -1;
	cq_value_clear(out);
	*out = (struct cq_value){ .kind = CQ_V_UINT, .u = len };
	return 0;
}

/* Text of literal l for messages. */
static const char *
lit_text(const struct wql_lit *l, char *buf, size_t n)
{
	if (l->kind == WQL_L_STR)
		snprintf(buf, n, "'%s'", l->s);
	else if (l->kind == WQL_L_INT)
		snprintf(buf, n, "%s%" PRIu64, l->neg ? "-" : "", l->mag);
	else
		snprintf(buf, n, "%s",
		    l->kind == WQL_L_BOOL ? (l->b ? "TRUE" : "FALSE") : "a value");
	return buf;
}

static int
bad_elem(struct call *cl, const struct carg *a, size_t i, const char *what)
{
	char buf[80];

	return refuse(cl, a->sp.code, "%s[%zu] %s is not %s", a->sp.name, i,
	    lit_text(carg_elem(a, i), buf, sizeof(buf)), what);
}

/* The parameter that gives index component k of t, or NULL. */
static const struct carg *
ix_arg(const struct call *cl, const struct cmap_table *t, size_t k)
{
	for (size_t j = 0; j < cl->na; j++)
		if (cl->a[j].t == t && cl->a[j].ix == (int)k && cl->a[j].prop == NULL)
			return &cl->a[j];
	for (size_t j = 0; j < cl->na; j++)
		if (cl->a[j].t == t && cl->a[j].ix == (int)k)
			return &cl->a[j];
	return NULL;
}

/* Index component k of element i from its parameter (or its default). */
static int
ix_given(struct call *cl, const struct cmap_table *t, size_t k, size_t i, struct cq_value *v)
{
	const struct carg *a = ix_arg(cl, t, k);
	const struct cmap_index *ix = &t->ix[k];
	int plen = strcmp(ix->syntax, "InetAddressPrefixLength") == 0;
	const struct wql_lit *l;

	if (a == NULL)
		return 0;
	if (a->lit == NULL) {
		*v = (struct cq_value){ .kind = CQ_V_UINT, .u = a->sp.dflt };
		return 0;
	}
	l = carg_elem(a, i);
	if (conv_lit(l,
		plen && l->kind == WQL_L_INT ? CK_NUM :
		    plen                     ? CK_STR :
					       ix_kind(ix),
		v) != 0)
		return bad_elem(cl, a, i,
		    ix_kind(ix) == CK_ADDR ? "an IP address" :
			plen               ? "a subnet mask" :
					     "valid");
	return 0;
}

/* The components no parameter gives: an address's type, a mask's length
   (after the address before it), an integer is the position from 1. */
static int
ix_derive(struct call *cl, const struct cmap_table *t, size_t k, size_t i, struct cq_value *v)
{
	const struct cmap_index *ix = &t->ix[k];
	int fam;

	if (strcmp(ix->syntax, "InetAddressType") == 0 && v[k].kind == CQ_V_NULL) {
		fam = k + 1 < t->nix ? family(&v[k + 1]) : 0;
		v[k] = (struct cq_value){ .kind = CQ_V_UINT, .u = fam == 6 ? 2 : 1 };
		return fam != 0 ? 0 : refuse(cl, CALL_RC_BADPARAM, "%s: no address", ix->mib_name);
	}
	if (strcmp(ix->syntax, "InetAddressPrefixLength") == 0 && v[k].kind != CQ_V_NULL) {
		fam = k > 0 ? family(&v[k - 1]) : 0;
		if (mask_len(&v[k], fam, &v[k]) != 0)
			return bad_elem(cl, ix_arg(cl, t, k), i,
			    fam == 6 ? "a prefix length (1-128)" : "a subnet mask");
		return 0;
	}
	if (v[k].kind == CQ_V_NULL && ix->enc == CMAP_IX_INT)
		v[k] = (struct cq_value){ .kind = CQ_V_UINT, .u = i + 1 };
	return v[k].kind != CQ_V_NULL ?
	    0 :
	    refuse(cl, CALL_RC_BADPARAM, "no parameter gives %s", ix->mib_name);
}

/* Element i's row of g: its index after the parent's. */
static int
group_row(struct call *cl, struct cgroup *g, size_t i, struct plan_key *key)
{
	const struct cmap_table *t = g->t;
	struct cq_value *v = calloc(t->nix + 1, sizeof(*v));
	int rc = v == NULL ? refuse(cl, CALL_RC_NOMEMORY, "out of memory") : 0;

	for (size_t k = t->parent_nix; rc == 0 && k < t->nix; k++)
		rc = ix_given(cl, t, k, i, &v[k]);
	for (size_t k = t->parent_nix; rc == 0 && k < t->nix; k++)
		rc = ix_derive(cl, t, k, i, v);
	key->len = 0;
	for (size_t k = t->parent_nix; rc == 0 && k < t->nix; k++)
		if (plan_encode(t, k, &v[k], key->sub, &key->len) != 0)
			rc = refuse(cl, CALL_RC_BADPARAM, "%s: the value cannot be an index",
			    t->ix[k].mib_name);
	for (size_t k = 0; v != NULL && k < t->nix; k++)
		cq_value_clear(&v[k]);
	free(v);
	return rc;
}

static char inet_address_type[] = "InetAddressType";

/* The columns of g the parameters write, and the type column of each
   address (the object named like it plus "Type", as RFC 4001 pairs them). */
static int
group_columns(struct call *cl, struct cgroup *g, int *argof)
{
	for (size_t j = 0; j < cl->na; j++) {
		const struct carg *a = &cl->a[j];
		struct cmap_prop *sp = &g->syn[g->nsyn];
		char name[128];

		if (a->t != g->t || a->ix >= 0 || a->lit == NULL)
			continue;
		if (g->per + 2 > CALL_MAXCOLS)
			return refuse(cl, CALL_RC_NOTSUPPORTED, "too many columns");
		argof[g->per++] = (int)j;
		snprintf(name, sizeof(name), "%sType", a->prop->mib_name);
		if (strcmp(a->prop->syntax, "InetAddress") != 0 ||
		    mib_node(name, sp->oid, &sp->oid_len) == NULL)
			continue;
		sp->name = sp->mib_name = a->prop->mib_name;
		sp->syntax = sp->cim_type = inet_address_type;
		sp->table = g->t, sp->ix = -1;
		g->nsyn++;
		argof[g->per++] = -1 - (int)j; /* the type of j's address */
	}
	return 0;
}

/* Column c (argof[c]) of row i. */
static int
group_col(struct call *cl, struct cgroup *g, const int *argof, size_t c, size_t i, size_t *syn)
{
	struct wset *ws = &g->cols[i * g->per + c];
	const struct carg *a = &cl->a[argof[c] >= 0 ? argof[c] : -1 - argof[c]];

	if (argof[c] < 0) { /* the address's family, from the column before */
		int fam = family(&g->cols[i * g->per + c - 1].v);

		ws->prop = &g->syn[(*syn)++];
		ws->v = (struct cq_value){ .kind = CQ_V_SINT, .i = fam == 6 ? 2 : 1 };
		ws->type = ASN_INTEGER;
		return 0;
	}
	ws->prop = a->prop;
	if ((ws->type = column_type(a->prop)) == 0)
		return refuse(cl, CALL_RC_NOTSUPPORTED, "%s cannot be written", a->prop->mib_name);
	if (conv_lit(carg_elem(a, i), col_kind(a->prop, ws->type), &ws->v) != 0)
		return bad_elem(cl, a, i,
		    col_kind(a->prop, ws->type) == CK_ADDR ? "an IP address" : "valid");
	if (ws->type == ASN_INTEGER && ws->v.kind == CQ_V_UINT) /* add_value's long */
		ws->v = (struct cq_value){ .kind = CQ_V_SINT, .i = (int64_t)ws->v.u };
	return 0;
}

/* The RowStatus column of g's table. */
static int
group_rowstatus(struct call *cl, struct cgroup *g)
{
	const struct cmap_table *t = g->t;
	struct tree *e = get_tree(t->entry, t->entry_len, get_tree_head());

	for (struct tree *c = e != NULL ? e->child_list : NULL; c != NULL; c = c->next_peer) {
		const char *tc = c->tc_index >= 0 ? get_tc_descriptor(c->tc_index) : NULL;

		if (tc == NULL || strcmp(tc, "RowStatus") != 0 || t->entry_len >= MAX_OID_LEN)
			continue;
		memcpy(g->rs, t->entry, t->entry_len * sizeof(oid));
		g->rs[t->entry_len] = c->subid;
		g->rs_len = t->entry_len + 1;
		return 0;
	}
	return refuse(cl, CALL_RC_NOTSUPPORTED, "%s has no RowStatus", t->mib_name);
}

/* The length of g's list: that of its parameters, which must agree. */
static int
group_len(struct call *cl, struct cgroup *g)
{
	const struct carg *first = NULL;

	for (size_t j = 0; j < cl->na; j++) {
		const struct carg *a = &cl->a[j];

		if (a->t != g->t || a->lit == NULL)
			continue;
		if (first != NULL && carg_len(a) != g->nrows)
			return refuse(cl, CALL_RC_BADPARAM, "%s has %zu elements, %s %zu",
			    first->sp.name, g->nrows, a->sp.name, carg_len(a));
		first = a, g->nrows = carg_len(a);
	}
	return 0;
}

/* Whether elements i and j of a are the same: one address (whatever its
   text), one string but for case (a domain name), one number. */
static int
same_elem(const struct carg *a, size_t i, size_t j)
{
	const struct wql_lit *x = carg_elem(a, i), *y = carg_elem(a, j);
	unsigned char bx[16], by[16];

	if (x->kind != y->kind)
		return 0;
	if (x->kind == WQL_L_INT)
		return x->neg == y->neg && x->mag == y->mag;
	if (x->kind != WQL_L_STR)
		return 0;
	for (int k = 0, fam[] = { AF_INET, AF_INET6 }; k < 2; k++)
		if (inet_pton(fam[k], x->s, bx) == 1)
			return inet_pton(fam[k], y->s, by) == 1 &&
			    memcmp(bx, by, fam[k] == AF_INET ? 4 : 16) == 0;
	return strcasecmp(x->s, y->s) == 0;
}

/* The list's own parameter of g (the first of its table the call gives):
   an element of it twice refused (cimq(1): 68), whatever the other arrays
   give with it. */
static int
group_unique(struct call *cl, const struct cgroup *g)
{
	const struct carg *a = NULL;

	for (size_t j = 0; j < cl->na && a == NULL; j++)
		if (cl->a[j].t == g->t && cl->a[j].lit != NULL)
			a = &cl->a[j];
	for (size_t i = 1; a != NULL && i < g->nrows; i++)
		for (size_t k = 0; k < i; k++)
			if (same_elem(a, i, k))
				return refuse(cl, CALL_RC_BADPARAM,
				    "%s: element %zu is element %zu again", a->sp.name, i, k);
	return 0;
}

/* The new rows of g, in the parameters' order; the same row or element twice refused. */
static int
group_build(struct call *cl, struct cgroup *g)
{
	int argof[CALL_MAXCOLS];
	size_t syn = 0;

	if (g->readonly)
		return group_rowstatus(cl, g);
	if (group_rowstatus(cl, g) != 0 || group_len(cl, g) != 0 ||
	    group_columns(cl, g, argof) != 0)
		return -1;
	g->rows = calloc(g->nrows + 1, sizeof(*g->rows));
	g->cols = calloc(g->nrows * g->per + 1, sizeof(*g->cols));
	if (g->rows == NULL || g->cols == NULL)
		return refuse(cl, CALL_RC_NOMEMORY, "out of memory");
	if (group_unique(cl, g) != 0)
		return -1;
	for (size_t i = 0; i < g->nrows; i++, syn = 0) {
		if (group_row(cl, g, i, &g->rows[i]) != 0)
			return -1;
		for (size_t k = 0; k < i; k++)
			if (snmp_oid_compare(g->rows[k].sub, g->rows[k].len, g->rows[i].sub,
				g->rows[i].len) == 0)
				return refuse(cl, CALL_RC_BADPARAM,
				    "element %zu is element %zu again", i, k);
		for (size_t c = 0; c < g->per; c++)
			if (group_col(cl, g, argof, c, i, &syn) != 0)
				return -1;
		g->types |=
		    g->rows[i].len > 0 && g->rows[i].sub[0] < 8 ? 1ul << g->rows[i].sub[0] : 0;
	}
	if (g->t->parent_nix >= g->t->nix ||
	    strcmp(g->t->ix[g->t->parent_nix].syntax, "InetAddressType") != 0)
		g->types = ~0ul; /* not by family: every row */
	else if (g->nrows == 0)
		g->types = 1ul << 1; /* ipv4(1): WMI's methods are IPv4's */
	return 0;
}

/* Group of table t (added if new); NULL when too many. */
static struct cgroup *
group_of(struct call *cl, const struct cmap_table *t)
{
	for (size_t k = 0; k < cl->ng; k++)
		if (cl->g[k].t == t)
			return &cl->g[k];
	if (cl->ng == CALL_MAXGROUPS)
		return NULL;
	cl->g[cl->ng].t = t;
	return &cl->g[cl->ng++];
}

/*
 * A list whose parameter names a property with ~ (SetGateways' ~IPAddress):
 * that property's table is read too, and an element that is one of its
 * addresses under the instance is no row of the list.  WMI clears an
 * adapter's gateways when SetGateways is given the adapter's own address.
 */
static int
own_group(struct call *cl, const struct carg *a)
{
	const struct cmap_prop *p = cmap_prop(cl->c, a->sp.own);
	struct cgroup *g = group_of(cl, a->t), *og;

	if (p == NULL || p->table == NULL || p->table == &cl->c->table || g == NULL)
		return refuse(cl, CALL_RC_NOTSUPPORTED, "%s has no table of %s", cl->c->name,
		    a->sp.own);
	if ((og = group_of(cl, p->table)) == NULL)
		return refuse(cl, CALL_RC_NOMEMORY, "too many tables");
	og->readonly = 1;
	g->own = (size_t)(og - cl->g) + 1;
	return 0;
}

/* The groups: the tables of the arrays given, and the method's own table
   when its object is a dependent table's RowStatus (the list it sets). */
static int
groups(struct call *cl, const struct cmap_method *mt)
{
	const struct cmap_class *c = cl->c;

	for (size_t d = 0; d < c->ndeps; d++)
		if (mt->oid_len == c->deps[d].entry_len + 1 &&
		    snmp_oid_compare(mt->oid, mt->oid_len - 1, c->deps[d].entry,
			c->deps[d].entry_len) == 0 &&
		    group_of(cl, &c->deps[d]) == NULL)
			return refuse(cl, CALL_RC_NOMEMORY, "too many tables");
	for (size_t j = 0; j < cl->na; j++)
		if (cl->a[j].t != NULL && cl->a[j].lit != NULL && group_of(cl, cl->a[j].t) == NULL)
			return refuse(cl, CALL_RC_NOMEMORY, "too many tables");
	for (size_t j = 0; j < cl->na; j++)
		if (cl->a[j].t != NULL && cl->a[j].lit != NULL && cl->a[j].sp.own[0] != '\0' &&
		    own_group(cl, &cl->a[j]) != 0)
			return -1;
	for (size_t k = 0; k < cl->ng; k++) {
		if (group_build(cl, &cl->g[k]) != 0)
			return -1;
		cl->instance |= cl->g[k].t->parent_nix > 0;
	}
	return 0;
}

/* A value to write: a scalar or a column of the class's row. */
static int
add_val(struct call *cl, const struct cmap_prop *p, struct cq_value v, long code)
{
	struct wset *ws = &cl->vals[cl->nvals];
	int scalar = p->table == NULL;

	if ((!scalar && (p->table != &cl->c->table || p->ix >= 0)) ||
	    (ws->type = column_type(p)) == 0) {
		cq_value_clear(&v);
		return refuse(cl, CALL_RC_NOTSUPPORTED, "%s cannot be written", p->name);
	}
	if ((strcmp(p->syntax, "IpAddress") == 0 || strcmp(p->syntax, "InetAddress") == 0) &&
	    family(&v) == 0) {
		cq_value_clear(&v);
		return refuse(cl, code, "%s is not an IP address", p->name);
	}
	ws->prop = p, ws->v = v;
	cl->vscalar[cl->nvals++] = scalar;
	cl->instance |= !scalar;
	return 0;
}

/* The parameters that are single values, then the method's companions. */
static int
values(struct call *cl, const char *method)
{
	for (size_t j = 0; j < cl->na; j++) {
		const struct carg *a = &cl->a[j];
		struct cq_value v = { .kind = CQ_V_NULL };

		if (a->sp.array || a->lit == NULL)
			continue;
		if (a->prop == NULL)
			return refuse(cl, CALL_RC_NOTSUPPORTED, "%s cannot be written", a->sp.name);
		if (eval_lit_value(a->prop, a->lit, &v) != 0 || v.kind == CQ_V_ARRAY) {
			cq_value_clear(&v);
			return refuse(cl, a->sp.code, "%s is %s: the value does not fit",
			    a->sp.name, a->prop->cim_type);
		}
		if (add_val(cl, a->prop, v, a->sp.code) != 0)
			return -1;
	}
	for (size_t k = 0; k < sizeof(companions) / sizeof(companions[0]); k++) {
		const struct cmap_prop *p = cmap_prop(cl->c, companions[k].prop);

		if (strcasecmp(companions[k].method, method) != 0)
			continue;
		if (p == NULL)
			return refuse(cl, CALL_RC_NOTSUPPORTED, "no property %s",
			    companions[k].prop);
		if (add_val(cl, p, (struct cq_value){ .kind = CQ_V_BOOL, .b = companions[k].truth },
			CALL_RC_BADPARAM) != 0)
			return -1;
	}
	return 0;
}

void
call_free(struct call *cl)
{
	if (cl == NULL)
		return;
	for (size_t k = 0; k < cl->ng; k++) {
		for (size_t i = 0; cl->g[k].cols != NULL && i < cl->g[k].nrows * cl->g[k].per; i++)
			cq_value_clear(&cl->g[k].cols[i].v);
		free(cl->g[k].rows);
		free(cl->g[k].cols);
	}
	for (size_t k = 0; k < cl->nvals; k++)
		cq_value_clear(&cl->vals[k].v);
	free(cl);
}

int
call_build(const struct cmap_class *c, const struct wql_stmt *s, struct call **out, long *code,
    struct exec_err *err)
{
	const struct cmap_method *mt = cmap_method(c, s->method);
	struct sig_param sp[CALL_MAXARGS];
	int n = mt != NULL ? sig_params(mt->name, sp, CALL_MAXARGS) : -1;
	struct call *cl;

	*out = NULL;
	*code = -1;
	err->status = 0;
	if (n < 0 || (n == 0 && s->nset == 0))
		return 1; /* the method's object alone (see call_prepare) */
	if ((cl = calloc(1, sizeof(*cl))) == NULL)
		return -1;
	cl->c = c, cl->err = err, cl->code = -1, cl->na = (size_t)n;
	for (int k = 0; k < n; k++)
		cl->a[k].sp = sp[k];
	if (match_args(cl, s) != 0 || groups(cl, mt) != 0 || values(cl, mt->name) != 0) {
		*code = cl->code;
		call_free(cl);
		return -1;
	}
	*out = cl;
	return 0;
}

int
call_instance(const struct call *cl)
{
	return cl->instance;
}

size_t
call_ngroups(const struct call *cl)
{
	return cl->ng;
}

int
call_group_prefix(const struct call *cl, size_t k, const struct plan_key *inst, oid *o, size_t *len)
{
	const struct cgroup *g = &cl->g[k];
	size_t pl = g->t->parent_nix > 0 ? inst->len : 0;

	if (g->rs_len + pl > MAX_OID_LEN)
		return -1;
	memcpy(o, g->rs, g->rs_len * sizeof(oid));
	memcpy(o + g->rs_len, inst->sub, pl * sizeof(oid));
	*len = g->rs_len + pl;
	return 0;
}

static int
has_row(const struct plan_key *rows, size_t n, const struct plan_key *r)
{
	for (size_t i = 0; i < n; i++)
		if (snmp_oid_compare(rows[i].sub, rows[i].len, r->sub, r->len) == 0)
			return 1;
	return 0;
}

/* inst's index (when g's table is under the class) then the row's. */
static int
row_key(const struct cgroup *g, const struct plan_key *inst, const struct plan_key *r,
    struct plan_key *key)
{
	size_t pl = g->t->parent_nix > 0 ? inst->len : 0;

	if (pl + r->len + g->rs_len > MAX_OID_LEN)
		return -1;
	memcpy(key->sub, inst->sub, pl * sizeof(oid));
	memcpy(key->sub + pl, r->sub, r->len * sizeof(oid));
	key->len = pl + r->len;
	return 0;
}

static int
add_status(netsnmp_pdu *pdu, const struct cgroup *g, const struct plan_key *key, long v)
{
	oid o[MAX_OID_LEN];

	memcpy(o, g->rs, g->rs_len * sizeof(oid));
	memcpy(o + g->rs_len, key->sub, key->len * sizeof(oid));
	return snmp_pdu_add_variable(pdu, o, g->rs_len + key->len, ASN_INTEGER, &v, sizeof(v)) ? 0 :
												 -1;
}

/* Whether row r's leading address (InetAddressType, length, octets) is
   that of a row of own (NULL: none). */
static int
own_row(const struct plan_key *r, const struct call_old *own)
{
	size_t n = r->len >= 2 && r->sub[1] <= 16 ? 2 + r->sub[1] : 0;

	for (size_t i = 0; own != NULL && n > 0 && r->len >= n && i < own->n; i++)
		if (own->rows[i].len >= n && memcmp(own->rows[i].sub, r->sub, n * sizeof(oid)) == 0)
			return 1;
	return 0;
}

/* g's rows: destroy(6) of the old rows not in the list (of the list's
   address families only, where the index starts with the type: an IPv4
   list leaves the IPv6 addresses and gateways alone), then createAndGo(4)
   of the new ones with their columns (the columns alone for a row kept);
   a row at one of the instance's own addresses (own) is not in the list. */
static int
group_pdu(const struct cgroup *g, const struct plan_key *inst, const struct call_old *old,
    const struct call_old *own, netsnmp_pdu *pdu)
{
	struct plan_key key;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < old->n; i++)
		if ((!has_row(g->rows, g->nrows, &old->rows[i]) || own_row(&old->rows[i], own)) &&
		    old->rows[i].len > 0 &&
		    (g->types == ~0ul ||
			(old->rows[i].sub[0] < 8 && (g->types >> old->rows[i].sub[0]) & 1)))
			rc = row_key(g, inst, &old->rows[i], &key) != 0 ?
			    -1 :
			    add_status(pdu, g, &key, 6);
	for (size_t i = 0; rc == 0 && i < g->nrows; i++) {
		if (own_row(&g->rows[i], own))
			continue;
		if ((rc = row_key(g, inst, &g->rows[i], &key)) != 0)
			break;
		if (!has_row(old->rows, old->n, &g->rows[i]))
			rc = add_status(pdu, g, &key, 4);
		for (size_t c = 0; rc == 0 && c < g->per; c++)
			rc = add_value(pdu, &g->cols[i * g->per + c], &key);
	}
	return rc;
}

int
call_pdu(const struct call *cl, const struct plan_key *inst, const struct call_old *old,
    netsnmp_pdu *pdu)
{
	const struct plan_key scalar = { .sub = { 0 }, .len = 1 };
	int rc = 0;

	for (size_t k = 0; rc == 0 && k < cl->ng; k++)
		if (!cl->g[k].readonly)
			rc = group_pdu(&cl->g[k], inst, &old[k],
			    cl->g[k].own > 0 ? &old[cl->g[k].own - 1] : NULL, pdu);
	for (size_t k = 0; rc == 0 && k < cl->nvals; k++)
		rc = add_value(pdu, &cl->vals[k], cl->vscalar[k] ? &scalar : inst);
	return rc;
}

/* ---- WMI's return value, as the agent records it */

/* A LastMethod/LastResult pair: OIDs without the instance. */
struct lastpair {
	oid m[MAX_OID_LEN], r[MAX_OID_LEN];
	size_t mlen, rlen;
	int row; /* columns of the instance's row (else scalars, .0) */
};

/* The scalars' LastMethod/LastResult: siblings of a scalar of the class. */
static int
scalar_pair(const struct cmap_class *c, struct lastpair *lp)
{
	for (size_t k = 0; k < c->nprops; k++) {
		struct tree *t = c->props[k].table == NULL && c->props[k].oid_len > 1 ?
		    get_tree(c->props[k].oid, c->props[k].oid_len - 1, get_tree_head()) :
		    NULL;
		size_t l = c->props[k].oid_len - 1;
		int got = 0;

		for (struct tree *s = t != NULL ? t->child_list : NULL; s != NULL;
		     s = s->next_peer) {
			size_t n = strlen(s->label);
			int m = n > 10 && strcmp(s->label + n - 10, "LastMethod") == 0;

			if (!m && !(n > 10 && strcmp(s->label + n - 10, "LastResult") == 0))
				continue;
			memcpy(m ? lp->m : lp->r, c->props[k].oid, l * sizeof(oid));
			(m ? lp->m : lp->r)[l] = s->subid;
			(m ? lp->m : lp->r)[l + 1] = 0;
			*(m ? &lp->mlen : &lp->rlen) = l + 2;
			got |= m ? 1 : 2;
		}
		if (got == 3)
			return 0;
	}
	return -1;
}

/* The class row's pair (its LastMethod and LastResult columns). */
static int
row_pair(const struct cmap_class *c, const struct plan_key *key, struct lastpair *lp)
{
	const struct cmap_prop *m = cmap_prop(c, "LastMethod"), *r = cmap_prop(c, "LastResult");

	if (m == NULL || r == NULL || m->table != &c->table || r->table != &c->table ||
	    m->ix >= 0 || r->ix >= 0 || m->oid_len + key->len > MAX_OID_LEN ||
	    r->oid_len + key->len > MAX_OID_LEN)
		return -1;
	memcpy(lp->m, m->oid, m->oid_len * sizeof(oid));
	memcpy(lp->m + m->oid_len, key->sub, key->len * sizeof(oid));
	memcpy(lp->r, r->oid, r->oid_len * sizeof(oid));
	memcpy(lp->r + r->oid_len, key->sub, key->len * sizeof(oid));
	lp->mlen = m->oid_len + key->len, lp->rlen = r->oid_len + key->len;
	return 0;
}

/* Whether LastMethod value v (at OID o) names method. */
static int
names_method(const oid *o, size_t len, const netsnmp_variable_list *v, const char *method)
{
	struct tree *t = get_tree(o, len, get_tree_head());

	if (v->type != ASN_INTEGER || t == NULL)
		return 0;
	for (struct enum_list *e = t->enums; e != NULL; e = e->next)
		if (e->value == *v->val.integer)
			return strcasecmp(e->label, method) == 0;
	return 0;
}

int
call_rc_success(const oid *o, size_t len, long r)
{
	struct tree *t = get_tree(o, len, get_tree_head());

	for (struct enum_list *e = t != NULL ? t->enums : NULL; e != NULL; e = e->next)
		if (e->value == r)
			return strncmp(e->label, "success", 7) == 0 ||
			    strcmp(e->label, "jobStarted") == 0;
	return r == 0 || r == 1 || r == 4096;
}

/* What the agent recorded: the values of lp[0..n)'s LastMethod and
   LastResult in snap (-1 when absent), and the result for the method from
   the first pair whose LastMethod names it, or -1; *ok: whether that result
   is a success (call_rc_success). */
static long
recorded(struct wctx *w, const struct lastpair *lp, size_t n, long *snap, int *ok)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET), *resp = NULL;
	long r = -1;
	size_t i = 0;

	for (size_t k = 0; k < 2 * n; k++)
		snap[k] = -1;
	for (size_t k = 0; k < n; k++) {
		snmp_add_null_var(pdu, lp[k].m, lp[k].mlen);
		snmp_add_null_var(pdu, lp[k].r, lp[k].rlen);
	}
	if (n == 0 || snmp_synch_response(w->x->ss, pdu, &resp) != STAT_SUCCESS || resp == NULL)
		return n == 0 ? (snmp_free_pdu(pdu), -1) : -1;
	for (netsnmp_variable_list *v = resp->variables; resp->errstat == 0 && v && i < 2 * n;
	     v = v->next_variable, i++)
		snap[i] = v->type == ASN_INTEGER ? *v->val.integer : -1;
	for (netsnmp_variable_list *v = resp->variables; v && v->next_variable && r < 0;
	     v = v->next_variable->next_variable)
		if (resp->errstat == 0 && names_method(v->name, v->name_length, v, w->mname) &&
		    v->next_variable->type == ASN_INTEGER) {
			r = *v->next_variable->val.integer;
			*ok = call_rc_success(v->next_variable->name, v->next_variable->name_length,
			    r);
		}
	snmp_free_pdu(resp);
	return r;
}

/* The LastMethod/LastResult pairs of a call on key: the row's, the scalars'. */
static size_t
pairs(struct wctx *w, const struct plan_key *key, struct lastpair *lp)
{
	size_t n = 0;

	if (w->call && !w->scalar && row_pair(w->c, key, &lp[n]) == 0)
		n++;
	if (w->call && scalar_pair(w->c, &lp[n]) == 0)
		n++;
	return n;
}

/* WMI's return value of the call, printed: what the agent recorded for the
   method (jobStarted(4096) waited for, up to 35 s, and then the final code),
   else 0 when the SET succeeded; nothing for a refusal the agent recorded
   nothing for: a view's (noAccess, authorizationError) with the records as
   they were before (before[]), or a success recorded (an earlier call's).
   Nothing for CREATE, UPDATE and DELETE beyond their 0. */
static void
return_value(struct wctx *w, const struct lastpair *lp, size_t n, const long *before, long errstat,
    const char *path)
{
	int ok = 0;
	long snap[4], r = recorded(w, lp, n, snap, &ok);

	if (errstat != SNMP_ERR_NOERROR && ok)
		r = -1;
	if ((errstat == SNMP_ERR_NOACCESS || errstat == SNMP_ERR_AUTHORIZATIONERROR) &&
	    memcmp(snap, before, 2 * n * sizeof(*snap)) == 0)
		r = -1;
	for (int i = 0; r == 4096 && i < 175; i++) {
		if (i == 0)
			printf("%s: ReturnValue = 4096 (job started)\n", path), fflush(stdout);
		nanosleep(&(struct timespec){ 0, 200000000 }, NULL);
		r = recorded(w, lp, n, snap, &ok);
	}
	if (r < 0 && errstat == SNMP_ERR_NOERROR)
		r = 0;
	if (r >= 0)
		printf("%s: ReturnValue = %ld\n", path, r);
}

/* ---- CALL with parameters: the rows the agent has, then the SET */

int
call_old_row(const oid *pre, size_t plen, const oid *cur, size_t clen,
    const netsnmp_variable_list *v, struct plan_key *row)
{
	if (v == NULL || v->type == SNMP_ENDOFMIBVIEW || v->type == SNMP_NOSUCHOBJECT ||
	    v->type == SNMP_NOSUCHINSTANCE || v->name_length <= plen ||
	    v->name_length > MAX_OID_LEN || snmp_oid_compare(v->name, plen, pre, plen) != 0 ||
	    snmp_oid_compare(v->name, v->name_length, cur, clen) <= 0)
		return 0;
	row->len = v->name_length - plen;
	memcpy(row->sub, v->name + plen, row->len * sizeof(oid));
	return 1;
}

/* The rows of one list cimq reads to replace them: more is refused, never cut short. */
#define CALL_OLD_MAX   1024
#define CALL_OLD_MAX_S "1024"

/* The rows of group k under inst's index (GETNEXT of its RowStatus). */
static int
read_old(struct wctx *w, size_t k, const struct plan_key *inst, struct call_old *o)
{
	oid pre[MAX_OID_LEN], cur[MAX_OID_LEN];
	size_t plen, clen;

	if (call_group_prefix(w->cl, k, inst, pre, &plen) != 0)
		return exec_fail(w->x->err, CIMQ_LOCAL, "index too long");
	memcpy(cur, pre, plen * sizeof(oid));
	for (clen = plen;;) {
		netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GETNEXT), *resp;
		struct plan_key row;
		struct plan_key *rows = NULL;
		int more;

		snmp_add_null_var(pdu, cur, clen);
		if ((resp = request(w->x, pdu)) == NULL)
			return -1;
		more = call_old_row(pre, plen, cur, clen, resp->variables, &row);
		if (more && o->n == CALL_OLD_MAX) {
			snmp_free_pdu(resp);
			return exec_fail(w->x->err, CIMQ_LOCAL,
			    "the instance has more than " CALL_OLD_MAX_S
			    " rows in a list's table: cimq does not replace them");
		}
		if (more && (rows = realloc(o->rows, (o->n + 1) * sizeof(*rows))) != NULL) {
			o->rows = rows;
			rows[o->n++] = row;
			clen = resp->variables->name_length;
			memcpy(cur, resp->variables->name, clen * sizeof(oid));
		}
		snmp_free_pdu(resp);
		if (rows == NULL)
			return more ? exec_fail(w->x->err, CIMQ_LOCAL, "out of memory") : 0;
	}
}

/*
 * One GETNEXT from cur (clen: a read-only group's prefix, plen, then a
 * leading address): 1 and the row found there, its index after the
 * prefix, in *row; 0 when there is none; -1 and err.
 */
static int
own_probe(struct wctx *w, const oid *cur, size_t clen, size_t plen, struct plan_key *row)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GETNEXT), *resp;
	int found;

	snmp_add_null_var(pdu, cur, clen);
	if ((resp = request(w->x, pdu)) == NULL)
		return -1;
	found = call_old_row(cur, clen, cur, clen, resp->variables, row);
	if (found) {
		row->len = resp->variables->name_length - plen;
		memcpy(row->sub, resp->variables->name + plen, row->len * sizeof(oid));
	}
	snmp_free_pdu(resp);
	return found;
}

/*
 * Read-only group k (the instance's own addresses, ~ in a signature): not
 * the whole table (an interface may have thousands), but one GETNEXT from
 * the leading address of each row of the list that reads it; what is found
 * there is one of the instance's rows with that address (own_row()).
 */
static int
read_own(struct wctx *w, size_t k, const struct plan_key *inst, struct call_old *o)
{
	const struct call *cl = w->cl;
	oid cur[MAX_OID_LEN];
	size_t plen;

	if (call_group_prefix(cl, k, inst, cur, &plen) != 0)
		return exec_fail(w->x->err, CIMQ_LOCAL, "index too long");
	for (size_t j = 0; j < cl->ng; j++)
		for (size_t i = 0; cl->g[j].own == k + 1 && i < cl->g[j].nrows; i++) {
			const struct plan_key *r = &cl->g[j].rows[i];
			size_t n = r->len >= 2 && r->sub[1] <= 16 ? 2 + r->sub[1] : 0;
			struct plan_key row, *rows;
			int found;

			if (n == 0 || n > r->len || plen + n > MAX_OID_LEN)
				continue;
			memcpy(cur + plen, r->sub, n * sizeof(oid));
			if ((found = own_probe(w, cur, plen + n, plen, &row)) <= 0) {
				if (found < 0)
					return -1;
				continue;
			}
			if ((rows = realloc(o->rows, (o->n + 1) * sizeof(*rows))) == NULL)
				return exec_fail(w->x->err, CIMQ_LOCAL, "out of memory");
			o->rows = rows;
			rows[o->n++] = row;
		}
	return 0;
}

/* The SET of a CALL with parameters on inst; NULL with err. */
static netsnmp_pdu *
call_request(struct wctx *w, const struct plan_key *inst)
{
	size_t n = call_ngroups(w->cl);
	struct call_old *old = calloc(n + 1, sizeof(*old));
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_SET);
	int rc = old == NULL ? exec_fail(w->x->err, CIMQ_LOCAL, "out of memory") : 0;

	for (size_t k = 0; rc == 0 && k < n; k++)
		rc = w->cl->g[k].readonly ? read_own(w, k, inst, &old[k]) :
					    read_old(w, k, inst, &old[k]);
	if (rc == 0 && call_pdu(w->cl, inst, old, pdu) != 0)
		rc = exec_fail(w->x->err, CIMQ_MISMATCH, "a value does not fit its object");
	for (size_t k = 0; old != NULL && k < n; k++)
		free(old[k].rows);
	free(old);
	if (rc != 0)
		snmp_free_pdu(pdu);
	return rc == 0 ? pdu : NULL;
}

/* CALL: the method's object as the one value to write (see cimq(1)): a
   parameterless method writes the enumeration of its object named like it
   (Reset -> reset(2), RenewDHCPLease -> renewDHCPLease(3)) or, to a
   TruthValue, true for Enable..., false for Disable...; a method of one
   parameter writes that parameter's value. */
static int
call_prepare(struct wctx *w, const struct wql_stmt *s)
{
	const struct cmap_method *mt = cmap_method(w->c, s->method);
	struct tree *t = mt ? get_tree(mt->oid, mt->oid_len, get_tree_head()) : NULL;
	struct wset *ws = &w->set[0];
	int truth = mt && strcmp(mt->syntax, "TruthValue") == 0;

	if (t == NULL)
		return exec_fail(w->x->err, CIMQ_UNKNOWN, "%s has no method %s", w->c->name,
		    s->method);
	w->mprop = (struct cmap_prop){ .name = mt->name,
		.cim_type = mt->syntax,
		.syntax = mt->syntax,
		.table = &w->c->table,
		.ix = -1,
		.oid_len = mt->oid_len,
		.bits = 32,
		.type = truth                ? CMAP_T_BOOL :
		    t->type == TYPE_OCTETSTR ? CMAP_T_STRING :
					       CMAP_T_SINT };
	memcpy(w->mprop.oid, mt->oid, mt->oid_len * sizeof(oid));
	*ws = (struct wset){ &w->mprop, { .kind = CQ_V_NULL }, column_type(&w->mprop) };
	w->call = 1;
	if (s->nset == 1 && s->set[0].val.kind != WQL_L_LIST &&
	    eval_lit_value(&w->mprop, &s->set[0].val, &ws->v) != 0)
		return exec_fail(w->x->err, CIMQ_MISMATCH, "%s: the value does not fit %s",
		    mt->name, mt->mib_name);
	for (struct enum_list *e = t->enums; s->nset == 0 && e; e = e->next) {
		if (strcasecmp(e->label, mt->name) == 0)
			ws->v = (struct cq_value){ .kind = CQ_V_SINT, .i = e->value };
	}
	if (s->nset == 0 && truth && strncasecmp(mt->name, "Enable", 6) == 0)
		ws->v = (struct cq_value){ .kind = CQ_V_BOOL, .b = 1 };
	if (s->nset == 0 && truth && strncasecmp(mt->name, "Disable", 7) == 0)
		ws->v = (struct cq_value){ .kind = CQ_V_BOOL, .b = 0 };
	if (ws->v.kind == CQ_V_NULL || ws->type == 0)
		return exec_fail(w->x->err, CIMQ_LOCAL,
		    "%s.%s: this method is not implemented by cimq yet", w->c->name, mt->name);
	w->nset = 1;
	if (mt->oid_len == w->c->table.entry_len + 1 &&
	    snmp_oid_compare(mt->oid, mt->oid_len - 1, w->c->table.entry, w->c->table.entry_len) ==
		0)
		return 0;
	if ((w->keys = calloc(1, sizeof(*w->keys))) == NULL) /* a scalar: written once, .0 */
		return exec_fail(w->x->err, CIMQ_LOCAL, "out of memory");
	w->keys->len = w->nkeys = 1;
	w->scalar = 1;
	return 0;
}

/* The SET of CREATE, UPDATE, DELETE or a CALL without parameters on key. */
static netsnmp_pdu *
set_request(struct wctx *w, const struct plan_key *key, const char *name)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_SET);
	int rc = 0;

	for (size_t i = 0; i < w->nset && rc == 0; i++)
		rc = add_value(pdu, &w->set[i], key);
	if (rc == 0)
		return pdu;
	snmp_free_pdu(pdu);
	exec_fail(w->x->err, CIMQ_MISMATCH, "%s: a value does not fit its column", name);
	return NULL;
}

/* The agent's refusal: 5 for noAccess and authorizationError, else 7; the
   error named, and the object (the property of a write). */
static int
refused(struct wctx *w, const netsnmp_pdu *resp, const char *name)
{
	long ei = resp->errindex;
	const netsnmp_variable_list *v = resp->variables;
	char obj[256] = "?";

	for (long i = 1; v != NULL && i < ei; i++)
		v = v->next_variable;
	if (w->cl == NULL && ei >= 1 && (size_t)ei <= w->nset)
		snprintf(obj, sizeof(obj), "%s", w->set[ei - 1].prop->name);
	else if (v != NULL && ei >= 1)
		snprint_objid(obj, sizeof(obj), v->name, v->name_length);
	if (w->x->err->status == 0)
		w->x->err->errstat = resp->errstat;
	return exec_fail(w->x->err,
	    resp->errstat == SNMP_ERR_NOACCESS || resp->errstat == SNMP_ERR_AUTHORIZATIONERROR ?
		CIMQ_AUTH :
		CIMQ_REFUSED,
	    "%s: refused by the agent: %s (%s)", name, snmp_errstring(resp->errstat), obj);
}

/* Sends the SET pdu on key (name); prints the return value (a call's: what the
   agent records, read before and after).  The response, or NULL and err. */
static netsnmp_pdu *
send_set(struct wctx *w, const struct plan_key *key, netsnmp_pdu *pdu, const char *name)
{
	struct lastpair lp[2];
	size_t n = pairs(w, key, lp);
	long before[4];
	netsnmp_pdu *resp;

	recorded(w, lp, n, before, &(int){ 0 });
	if ((resp = request(w->x, pdu)) != NULL)
		return_value(w, lp, n, before, resp->errstat, name);
	return resp;
}

/* One instance: its SET, and its line "path: ReturnValue = 0". */
static int
write_one(struct wctx *w, const struct plan_key *key)
{
	char *path = w->scalar ? NULL : exec_index_path(w->c, key->sub, key->len);
	const char *name = path != NULL ? path : w->c->name;
	netsnmp_pdu *pdu = w->cl != NULL ? call_request(w, key) : set_request(w, key, name), *resp;
	int rc = pdu != NULL ? 0 : -1;

	if (pdu != NULL && pdu->variables == NULL) { /* nothing to change */
		snmp_free_pdu(pdu);
		printf("%s: ReturnValue = 0\n", name);
	} else if (pdu != NULL && (resp = send_set(w, key, pdu, name)) != NULL) {
		if (resp->errstat != SNMP_ERR_NOERROR)
			rc = refused(w, resp, name);
		snmp_free_pdu(resp);
	} else {
		rc = -1;
	}
	free(path);
	return rc;
}

static const struct cmap_prop *
row_status(const struct cmap_class *c)
{
	for (size_t i = 0; i < c->nprops; i++) {
		const struct cmap_prop *p = &c->props[i];

		if (p->table == &c->table && p->ix < 0 && strcmp(p->syntax, "RowStatus") == 0)
			return p;
	}
	return NULL;
}

/*
 * CREATE: the index components of a route table that are not WMI keys,
 * when the SET does not give them, are what `route add` (and WMI's
 * PutInstance) means: the main table (254), TOS 0, and as the kernel
 * metric the route's Metric1, else the kernel's default for the family;
 * an IPv6 route has no source prefix (::/0).
 */
static const struct create_default {
	const char *mib_name; /* the index component */
	const char *from;     /* a property of the SET whose value it takes, or NULL */
	enum cq_vkind kind;
	unsigned long u;
	const char *s;
} create_defaults[] = {
	{ "cimIP4RouteKernelTable", NULL, CQ_V_UINT, 254, NULL },
	{ "cimIP4RouteTos", NULL, CQ_V_UINT, 0, NULL },
	{ "cimIP4RouteKernelMetric", "Metric1", CQ_V_UINT, 0, NULL },
	{ "cimIP6RouteKernelTable", NULL, CQ_V_UINT, 254, NULL },
	{ "cimIP6RouteKernelMetric", "Metric1", CQ_V_UINT, 1024, NULL },
	{ "cimIP6RouteSource", NULL, CQ_V_STR, 0, "::" },
	{ "cimIP6RouteSourceLength", NULL, CQ_V_UINT, 0, NULL },
};

/* The value of a default: its SET property's, if given and a number, else its own. */
static int
create_default_value(const struct wctx *w, const struct create_default *d, struct cq_value *v)
{
	for (size_t i = 0; d->from != NULL && i < w->nset; i++) {
		const struct cq_value *sv = &w->set[i].v;

		if (strcasecmp(w->set[i].prop->name, d->from) != 0)
			continue;
		if (sv->kind == CQ_V_UINT || (sv->kind == CQ_V_SINT && sv->i >= 0)) {
			v->kind = CQ_V_UINT;
			v->u = sv->kind == CQ_V_UINT ? sv->u : (unsigned long)sv->i;
			return 0;
		}
	}
	v->kind = d->kind;
	v->u = d->u;
	return d->s != NULL && (v->s = strdup(d->s)) == NULL ? -1 : 0;
}

/* Fill the index components CREATE left out that have a default; 0 or -1. */
static int
create_defaults_fill(struct wctx *w)
{
	const struct cmap_table *t = &w->c->table;

	for (size_t k = 0; k < t->nix; k++) {
		for (size_t d = 0; d < sizeof(create_defaults) / sizeof(create_defaults[0]); d++) {
			if (w->ixv[k].kind != CQ_V_NULL || t->ix[k].mib_name == NULL ||
			    strcmp(t->ix[k].mib_name, create_defaults[d].mib_name) != 0)
				continue;
			if (create_default_value(w, &create_defaults[d], &w->ixv[k]) != 0)
				return -1;
		}
	}
	return 0;
}

/* CREATE: the new row's index from the index components SET gives. */
static int
create_key(struct wctx *w)
{
	const struct cmap_table *t = &w->c->table;
	struct plan_key *key = calloc(1, sizeof(*key));

	if (key == NULL || create_defaults_fill(w) != 0)
		return exec_fail(w->x->err, CIMQ_LOCAL, "out of memory");
	w->keys = key;
	for (size_t k = 0; k < t->nix; k++) {
		const char *name =
		    t->ix[k].prop >= 0 ? w->c->props[t->ix[k].prop].name : t->ix[k].mib_name;

		if (w->ixv[k].kind == CQ_V_NULL)
			return exec_fail(w->x->err, CIMQ_MISMATCH,
			    "CREATE %s needs %s (part of the index)", w->c->name, name);
		if (plan_encode(t, k, &w->ixv[k], key->sub, &key->len) != 0)
			return exec_fail(w->x->err, CIMQ_MISMATCH,
			    "%s: the value cannot be an index", name);
	}
	w->nkeys = 1;
	return 0;
}

/* One assignment of SET: into the index (CREATE) or the SET list. */
static int
prepare_assign(struct wctx *w, const struct wql_stmt *s, const struct wql_assign *a)
{
	const struct cmap_prop *p = cmap_prop(w->c, a->name);
	struct wset *ws = &w->set[w->nset];
	struct cq_value v = { .kind = CQ_V_NULL };

	if (p == NULL)
		return exec_fail(w->x->err, CIMQ_UNKNOWN, "%s has no property %s", w->c->name,
		    a->name);
	if (eval_lit_value(p, &a->val, &v) != 0)
		return exec_fail(w->x->err, CIMQ_MISMATCH, "%s is %s: the value does not fit",
		    p->name, p->cim_type);
	if (s->kind == WQL_CREATE && p->table == &w->c->table && p->ix >= 0) {
		cq_value_clear(&w->ixv[p->ix]);
		w->ixv[p->ix] = v;
		return 0;
	}
	if (p->table != &w->c->table || p->ix >= 0 || (ws->type = column_type(p)) == 0) {
		cq_value_clear(&v);
		return exec_fail(w->x->err, CIMQ_REFUSED, "%s.%s cannot be written", w->c->name,
		    p->name);
	}
	ws->prop = p, ws->v = v;
	w->nset++;
	return 0;
}

/* CALL: with parameters, the SET call_build makes (a local refusal prints
   WMI's code); else the method's object alone (call_prepare). */
static int
call_params(struct wctx *w, const struct wql_stmt *s)
{
	const struct cmap_method *mt = cmap_method(w->c, s->method);
	long code;
	int rc = call_build(w->c, s, &w->cl, &code, w->x->err);

	w->mname = mt != NULL ? mt->name : s->method;
	if (rc > 0)
		return call_prepare(w, s);
	if (rc < 0 && code >= 0)
		printf("%s: ReturnValue = %ld\n", w->c->name, code);
	if (rc < 0)
		return w->x->err->status != 0 ? -1 :
						exec_fail(w->x->err, CIMQ_LOCAL, "out of memory");
	w->call = 1;
	if (call_instance(w->cl))
		return 0;
	if ((w->keys = calloc(1, sizeof(*w->keys))) == NULL) /* one SET, of scalars */
		return exec_fail(w->x->err, CIMQ_LOCAL, "out of memory");
	w->keys->len = w->nkeys = 1;
	w->scalar = 1;
	return 0;
}

/* The SET list: RowStatus createAndGo(4) (CREATE) or destroy(6) (DELETE),
   then the assignments. */
static int
write_prepare(struct wctx *w, const struct wql_stmt *s)
{
	const struct cmap_prop *rs = row_status(w->c);

	w->set = calloc(s->nset + 2, sizeof(*w->set));
	w->ixv = calloc(w->c->table.nix + 1, sizeof(*w->ixv));
	if (w->set == NULL || w->ixv == NULL)
		return exec_fail(w->x->err, CIMQ_LOCAL, "out of memory");
	if (s->kind == WQL_CALL)
		return call_params(w, s);
	if (s->kind != WQL_UPDATE && rs == NULL)
		return exec_fail(w->x->err, CIMQ_REFUSED,
		    "%s has no RowStatus: instances cannot be %s", w->c->name,
		    s->kind == WQL_DELETE ? "deleted" : "created");
	if (s->kind != WQL_UPDATE)
		w->set[w->nset++] = (struct wset){ rs,
			{ .kind = CQ_V_SINT, .i = s->kind == WQL_DELETE ? 6 : 4 }, ASN_INTEGER };
	for (size_t i = 0; s->kind != WQL_DELETE && i < s->nset; i++) {
		if (prepare_assign(w, s, &s->set[i]) != 0)
			return -1;
	}
	return s->kind == WQL_CREATE ? create_key(w) : 0;
}

int
exec_write(netsnmp_session *ss, const struct cmap *m, const struct wql_stmt *s,
    const struct plan *p, struct exec_err *err)
{
	struct exec x = { ss, err };
	struct wctx w = { .x = &x, .c = p->cls };
	size_t selected = 0;
	int rc;

	err->status = 0;
	rc = write_prepare(&w, s);
	if (rc == 0 && w.keys == NULL) /* else CREATE's new row or a scalar method */
		rc = exec_rows(ss, m, p, collect_row, &w, err);
	/* A static method named with a WHERE: called once, if it selects an instance (as WMIC) */
	else if (rc == 0 && w.scalar && s->where != NULL &&
	    (rc = exec_rows(ss, m, p, count_row, &selected, err)) == 0 && selected == 0)
		w.nkeys = 0;
	for (size_t i = 0; rc == 0 && i < w.nkeys; i++)
		rc = write_one(&w, &w.keys[i]);
	for (size_t i = 0; i < w.nset; i++)
		cq_value_clear(&w.set[i].v);
	for (size_t k = 0; w.ixv && k < w.c->table.nix; k++)
		cq_value_clear(&w.ixv[k]);
	free(w.ixv);
	free(w.set);
	free(w.keys);
	call_free(w.cl);
	return rc == 0 ? 0 : -1;
}
