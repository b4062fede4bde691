/*
 * The adapter methods as SETs: see mib_ifset.h.
 *
 *   RESERVE2  each row against the interface mirror: the row's plan, a
 *             list of kernel requests (struct kstep), each with the
 *             requests that undo it; or a refusal (txn_refuse()) that
 *             records the method's result where the MIB keeps one.
 *             The address rows of a SET are planned together (check_set()):
 *             destroys first, then creates in varbind order, on the first
 *             address row of the SET, so that the first created IPv4
 *             address of a subnet becomes its primary.
 *   ACTION    the plan's requests one by one, without waiting in the loop
 *             (TXN_PENDING until the kernel's answer, txn_req_ack(),
 *             resumes), each done recording its undo (txn_step()); then the
 *             method's success.  A refusal of the kernel records its WMI code and
 *             answers commitFailed.
 *   UNDO      each step's undo requests, newest step first.
 *
 * The cfg table's writable columns come in groups, one per WMI method
 * (cfg_methods[]): a group's check plans its requests or refuses.  A new
 * method is a new entry there.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iface/dhcpctl.h"
#include "iface/ifdev.h"
#include "iface/ifmirror.h"
#include "iface/staticaddr.h"
#include "lib/addr.h"
#include "lib/log.h"
#include "lib/vec.h"
#include "nl/ifmsg.h"
#include "route/nlreq.h"
#include "route/route6.h"
#include "route/routefmt.h"
#include "route/mirror.h"
#include "route/writer.h"
#include "snmp/mib.h"
#include "snmp/mib_ifset.h"
#include "snmp/txn.h"

#ifndef IFF_LOOPBACK
#define IFF_LOOPBACK 0x8
#endif

/* cimNetAdapterLastMethod, cimNetAdapterLastResult (CIM_LogicalDevice's codes). */
enum { AM_ENABLE = 1, AM_DISABLE = 2, AM_RESET = 3, AM_POWER = 4 };
enum { AR_SUCCESS = 0, AR_NOTSUPPORTED = 1, AR_FAILED = 2 };
enum itable { T_ADAPTER, T_CFG, T_ADDR };
enum { INET_IPV4 = 1, INET_IPV6 = 2 };
/* A link change; an address added, deleted; a default route read back, added, deleted at a metric. */
enum kind { K_LINK, K_ADD, K_DEL, K_RFETCH, K_RADD, K_RDEL };

#define MTU_MIN4 68    /* RFC 791: every IPv4 host takes 68 bytes */
#define MTU_MAX4 65535 /* IP_MAX_MTU */
#define SETTABLE_IFA_FLAGS                                                              \
	(IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE | \
	    IFA_F_MCAUTOJOIN)

struct ifset {
	struct writer *w;
	struct iface *ifm;
	struct ifrec *rec; /* sorted by ifindex */
	size_t nrec, cap;
	struct made *made; /* the addresses created here, sorted as the mirror's */
	size_t nmade, capmade;
	/* UNDO: secondaries' entries to keep again once the undo's events are read */
	struct made *regive;
	size_t nregive, capregive;
	int sent; /* the phase sent a request: read the kernel's events after it */
	/* The nonVolatile addresses and their file (ifset_use_statedir(); saved_on). */
	struct staticaddrs saved;
	int saved_on;
	int dirty, resave; /* this SET changed the set; UNDO must write the file again */
	int absent; /* before this SET's first write, no file (UNDO removes it); -1: no write */
	size_t reapplying; /* adds of saved addresses in flight */
	/* The sysfs reader of the aliases of links that are down (ifset_use_ifdev()). */
	const struct ifdev *dev;
	/* The DHCP client's commands (ifset_use_dhcp()); NULL: none. */
	struct dhcpctl *dc;
	const struct dhcpctl_config *dcfg;
	/* An All variant under way: its commands still running, those that failed. */
	struct {
		int pending, failed;
		ifset_all_fn done;
		void *arg;
	} all;
	int reapply_due; /* ... and a pass over them all put off until they are in */
};

/* An address created here and its StorageType, while the kernel has it. */
struct made {
	int32_t ifindex;
	uint8_t family, plen, storage;
	uint8_t addr[16];
};

/* One kernel request. */
struct kreq {
	enum kind kind;
	int tolerant; /* an undo's: an address already there, or already gone, is fine */
	struct ifmsg_link l;
	struct ifmsg_addr a;
	size_t mi;       /* K_R*: the row's route move */
	uint32_t metric; /* K_RADD, K_RDEL: at this metric */
};

/* SetIPConnectionMetric(): a default route of the link, read back whole, moved. */
struct rmove {
	int six;
	union {
		struct route r4;
		struct route6 r6;
	} kern; /* the mirror's entry */
	uint32_t from, to;
	struct writer_fetch f;
	struct nlroute kept; /* the kernel's own description, read back in ACTION */
};

struct irow;

/* One step of a plan: a request and the requests that undo it, in order. */
struct kstep {
	struct kreq req;
	struct kreq *undo;
	size_t nundo, upos;
	struct irow *owner; /* the row whose method it performs */
	int method;         /* that method (the owner's when planned: a cfg row may do several) */
};

/* A row of any of the three tables (the transaction's row data). */
struct irow {
	enum itable tbl;
	struct txn_row *tr;
	int32_t ifindex;
	char ifname[IFNAMSIZ];
	uint8_t family, plen, addr[16]; /* the address table's index */
	long status, storage;           /* ... its RowStatus and StorageType (0: not given) */
	int is_create, is_destroy;
	int six_off; /* SetMTU() below 1280 from 1280 or more: the kernel turns IPv6 off */
	int six_on;  /* SetMTU() of 1280 or more from below: the kernel makes its IPv6 anew */
	int had_made, saved_changed; /* the row's step changed the kept and the saved addresses */
	/* The method to record when the row is done, its result, and the record it replaced. */
	int method, recorded, result;
	struct ifrec old;
	/* A DHCP method: its command, run at COMMIT; the saved addresses EnableDHCP() dropped. */
	const struct dhcp_method *dhcp;
	char *dhcp_argv[DHCPCTL_ARGS_MAX + 1];
	char dhcp_buf[512];
	struct staticaddr *unsaved;
	size_t nunsaved;
	/* A primary's destroy: its secondaries made here (the kernel takes them along). */
	struct made *sec_made;
	size_t nsec_made;
	/* SetIPConnectionMetric(): the default routes it moves. */
	struct rmove *moves;
	size_t nmoves, movecap;
	/* The plan, and the ACTION's progress through it. */
	struct kstep *steps;
	size_t nsteps, cap, stage;
	/* A kernel request in flight, in ACTION or UNDO. */
	struct txn_req kq;
	struct ifset *s;
};

/* ---- the records -------------------------------------------------------------- */

VEC_CMP_FIELD(rec_cmp, struct ifrec, ifindex, int32_t)

const struct ifrec *
ifset_rec(const struct ifset *s, int32_t ifindex)
{
	return s == NULL ? NULL : vec_find(s->rec, s->nrec, sizeof(*s->rec), &ifindex, rec_cmp);
}

/* The record of ifindex as it is (zero: none). */
static struct ifrec
rec_get(const struct ifset *s, int32_t ifindex)
{
	const struct ifrec *r = ifset_rec(s, ifindex);

	return r != NULL ? *r : (struct ifrec){ .ifindex = ifindex };
}

/* Put rec (nothing recorded: forget it); out of memory, the old record stays. */
static void
rec_put(struct ifset *s, const struct ifrec *rec)
{
	if (rec->ad_method == 0 && rec->cfg_method == 0) {
		vec_del(s->rec, &s->nrec, sizeof(*s->rec), &rec->ifindex, rec_cmp, NULL);
		return;
	}
	if (vec_put(&s->rec, &s->nrec, &s->cap, sizeof(*s->rec), rec, &rec->ifindex, rec_cmp,
		NULL) < 0)
		log_warn("set", "ifindex %d: no memory to record the method", (int)rec->ifindex);
}

/*
 * Record method and its result on the row's table's columns of ifindex; not
 * for a link the mirror does not have (its record would never go).
 */
static void
record(struct ifset *s, enum itable tbl, int32_t ifindex, int method, int result)
{
	struct ifrec rec = rec_get(s, ifindex);

	if (method == 0 || iface_link(s->ifm, ifindex) == NULL)
		return;
	if (tbl == T_ADAPTER) {
		rec.ad_method = (uint8_t)method;
		rec.ad_result = (uint8_t)result;
	} else {
		rec.cfg_method = (uint8_t)method;
		rec.cfg_result = (uint16_t)result;
	}
	rec_put(s, &rec);
}

void
ifset_record_cfg(struct ifset *s, int32_t ifindex, int method, int result, struct ifrec *old)
{
	*old = rec_get(s, ifindex);
	record(s, T_CFG, ifindex, method, result);
}

/*
 * Take back a record of method and result on the table's columns of
 * ifindex (the SET was undone), only if they still read it: a method of
 * the same SET that failed since keeps its code (it was performed, and
 * failed).
 */
static void
unrecord(struct ifset *s, enum itable tbl, int32_t ifindex, int method, int result,
    const struct ifrec *old)
{
	struct ifrec now = rec_get(s, ifindex);

	if (tbl == T_ADAPTER && now.ad_method == method && now.ad_result == result) {
		now.ad_method = old->ad_method;
		now.ad_result = old->ad_result;
	} else if (tbl != T_ADAPTER && now.cfg_method == method && now.cfg_result == result) {
		now.cfg_method = old->cfg_method;
		now.cfg_result = old->cfg_result;
	}
	rec_put(s, &now);
}

void
ifset_unrecord_cfg(struct ifset *s, int32_t ifindex, int method, int result,
    const struct ifrec *old)
{
	unrecord(s, T_CFG, ifindex, method, result, old);
}

/* ---- the addresses created here ------------------------------------------------ */

static int
addr_present(const struct ifset *s, const struct made *m)
{
	return iface_addr_find(s->ifm, m->ifindex, m->family, m->addr, m->plen) != NULL;
}

static int
made_cmp(const void *elem, const void *key)
{
	const struct made *a = elem, *b = key;
	int c;

	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if ((c = memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16)) != 0)
		return c;
	return a->plen < b->plen ? -1 : a->plen > b->plen;
}

static struct made
made_key(int32_t ifindex, uint8_t family, const uint8_t *addr, uint8_t plen)
{
	struct made m = { .ifindex = ifindex, .family = family, .plen = plen };

	memcpy(m.addr, addr, family == AF_INET ? 4 : 16);
	return m;
}

static const struct made *
made_find(const struct ifset *s, const struct made *k)
{
	return s == NULL ? NULL : vec_find(s->made, s->nmade, sizeof(*s->made), k, made_cmp);
}

int
ifset_storage(const struct ifset *s, const struct iface_addr *a)
{
	struct made k = made_key(a->ifindex, a->family, a->addr, a->plen);
	const struct made *m = made_find(s, &k);

	const struct link *l;
	struct staticaddr k2 = { .family = a->family, .plen = a->plen };

	if (m != NULL && m->storage != ST_NONVOLATILE)
		return m->storage;
	/*
	 * Saved by interface name: added again from the state file, or made
	 * here on a link that still has the name it was saved under (renamed
	 * since, the address would not come back: volatile).
	 */
	if (s == NULL || !s->saved_on || (l = iface_link(s->ifm, a->ifindex)) == NULL)
		return m != NULL ? m->storage : ST_OTHER;
	snprintf(k2.ifname, sizeof(k2.ifname), "%s", l->name);
	memcpy(k2.addr, a->addr, sizeof(k2.addr));
	if (staticaddrs_has(&s->saved, &k2))
		return ST_NONVOLATILE;
	return m != NULL ? ST_VOLATILE : ST_OTHER;
}

/*
 * A destroy row: whether the address was made here, and its StorageType,
 * for the undo.  Taken in the check: the delete's event, which forgets it,
 * comes before the kernel's ack.
 */
static void
made_before(const struct ifset *s, struct irow *r)
{
	struct made k = made_key(r->ifindex, r->family, r->addr, r->plen);
	const struct made *m = made_find(s, &k);

	r->had_made = m != NULL;
	r->storage = m != NULL ? m->storage : ST_OTHER;
}

static void reapply(struct ifset *s, const struct link *only);

static void
made_forget(struct ifset *s, const struct made *k)
{
	vec_del(s->made, &s->nmade, sizeof(*s->made), k, made_cmp, NULL);
}

/* The records of links that are gone go with them. */
static void
link_changed(enum iface_change what, const struct link *l, const struct iface_addr *a, void *arg)
{
	struct ifset *s = arg;

	struct made k;

	if (what == IFACE_ADDR_REMOVED && a != NULL) {
		k = made_key(a->ifindex, a->family, a->addr, a->plen);
		made_forget(s, &k);
	}
	/* A saved address gone, a link that may carry some (added, renamed): add them again. */
	if (what == IFACE_ADDR_REMOVED && a != NULL && (l = iface_link(s->ifm, a->ifindex)) != NULL)
		reapply(s, l);
	if ((what == IFACE_LINK_ADDED || what == IFACE_LINK_CHANGED) && l != NULL)
		reapply(s, l);
	if (what == IFACE_RELOADED)
		reapply(s, NULL);
	if (what == IFACE_LINK_REMOVED && l != NULL)
		vec_del(s->rec, &s->nrec, sizeof(*s->rec), &l->ifindex, rec_cmp, NULL);
	if (what != IFACE_RELOADED && what != IFACE_LINK_REMOVED)
		return;
	for (size_t i = s->nrec; i-- > 0;)
		if (iface_link(s->ifm, s->rec[i].ifindex) == NULL)
			vec_remove_at(s->rec, &s->nrec, sizeof(*s->rec), i);
	for (size_t i = s->nmade; i-- > 0;)
		if (!addr_present(s, &s->made[i]))
			vec_remove_at(s->made, &s->nmade, sizeof(*s->made), i);
}

struct ifset *
ifset_new(struct writer *w, struct iface *ifm)
{
	struct ifset *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->w = w;
	s->ifm = ifm;
	s->saved.dirfd = -1;
	if (iface_watch(ifm, link_changed, s) < 0) {
		free(s);
		return NULL;
	}
	w->ifs = s; /* the gateway rows (route/mib_set.c) record SetGateways() here */
	return s;
}

void
ifset_free(struct ifset *s)
{
	if (s == NULL)
		return;
	if (s->w->ifs == s)
		s->w->ifs = NULL;
	free(s->rec);
	free(s->made);
	free(s->regive);
	staticaddrs_free(&s->saved);
	free(s);
}

/* ---- rows: index, naming, refusal ------------------------------------------- */

static const char *const table[] = { "cimNetAdapterTable", "cimAdapterCfgTable",
	"cimAdapterCfgAddressTable" };

static void
row_name(const void *row, char *buf, size_t len)
{
	const struct irow *r = row;
	char a[INET6_ADDRSTRLEN];

	if (r->tbl != T_ADDR) {
		snprintf(buf, len, "%s row %d (%s)", table[r->tbl], (int)r->ifindex,
		    r->ifname[0] ? r->ifname : "?");
		return;
	}
	inet_ntop(r->family, r->addr, a, sizeof(a));
	snprintf(buf, len, "%s row %d (%s) %s/%u", table[r->tbl], (int)r->ifindex,
	    r->ifname[0] ? r->ifname : "?", a, r->plen);
}

/* Refuse the row, recording result for method (0: nothing to record). */
#define REFUSE(s, r, method, result, err, ...)                    \
	(record((s), (r)->tbl, (r)->ifindex, (method), (result)), \
	    txn_refuse((r)->tr, (err), __VA_ARGS__))

static int
link_index(const oid *o, size_t len, struct irow *r)
{
	if (len != 1 || o[0] < 1 || o[0] > 0x7fffffff)
		return txn_bad_index(table[r->tbl], o, len, "not an interface index 1..2147483647");
	r->ifindex = (int32_t)o[0];
	return SNMP_ERR_NOERROR;
}

static int
adapter_index(void *ctx, const oid *o, size_t len, void *row)
{
	((struct irow *)row)->tbl = T_ADAPTER;
	return link_index(o, len, row);
}

static int
cfg_index(void *ctx, const oid *o, size_t len, void *row)
{
	((struct irow *)row)->tbl = T_CFG;
	return link_index(o, len, row);
}

/* (ifindex, type, length, address..., prefix length): RFC 4001's InetAddress, as read. */
static int
addr_index(void *ctx, const oid *o, size_t len, void *row)
{
	struct irow *r = row;
	size_t alen;

	r->tbl = T_ADDR;
	if (len < 4 || o[0] < 1 || o[0] > 0x7fffffff || (o[1] != INET_IPV4 && o[1] != INET_IPV6))
		goto bad;
	r->ifindex = (int32_t)o[0];
	alen = o[1] == INET_IPV4 ? 4 : 16;
	if (o[2] != alen || len != 3 + alen + 1 || o[3 + alen] > 255)
		goto bad;
	for (size_t i = 0; i < alen; i++) {
		if (o[3 + i] > 255)
			goto bad;
		r->addr[i] = (uint8_t)o[3 + i];
	}
	r->family = alen == 4 ? AF_INET : AF_INET6;
	r->plen = (uint8_t)o[3 + alen];
	return SNMP_ERR_NOERROR;
bad:
	return txn_bad_index(table[T_ADDR], o, len,
	    "not interface index 1.., address type ipv4(1) or ipv6(2), address of 4 or 16 "
	    "(0..255 each) and prefix length 0..255");
}

/* ---- the writable columns -------------------------------------------------------- */

static int
check_reset(const netsnmp_variable_list *vb)
{
	return txn_wrong_if(*vb->val.integer != 2); /* reset(2); noReset(1) is only read */
}

static int
check_power(const netsnmp_variable_list *vb)
{
	return txn_wrong_if(*vb->val.integer < 1 || *vb->val.integer > 6);
}

static int
check_netbios(const netsnmp_variable_list *vb)
{
	return txn_wrong_if(*vb->val.integer < 0 || *vb->val.integer > 2);
}

static int
check_action(const netsnmp_variable_list *vb)
{
	return txn_wrong_if(
	    *vb->val.integer < 2 || *vb->val.integer > 4); /* none(1) is only read */
}

static const struct txn_column adapter_columns[] = {
	/* The kernel takes IFALIASZ - 1 bytes. */
	{ COL_ADAPTER_NETCONNECTIONID, ASN_OCTET_STR, IFMSG_ALIAS - 1, txn_check_printable },
	{ COL_ADAPTER_NETENABLED, ASN_INTEGER, 0, txn_check_truth },
	{ COL_ADAPTER_RESET, ASN_INTEGER, 0, check_reset },
	{ COL_ADAPTER_SETPOWERSTATE, ASN_INTEGER, 0, check_power },
};

static const struct txn_column cfg_columns[] = {
	{ COL_ADCFG_DHCPENABLED, ASN_INTEGER, 0, txn_check_truth },
	{ COL_ADCFG_IPCONNECTIONMETRIC, ASN_UNSIGNED, 0, NULL },
	{ COL_ADCFG_DOMAINDNSREGENABLED, ASN_INTEGER, 0, txn_check_truth },
	{ COL_ADCFG_FULLDNSREGENABLED, ASN_INTEGER, 0, txn_check_truth },
	{ COL_ADCFG_MTU, ASN_UNSIGNED, 0, NULL },
	{ COL_ADCFG_TCPIPNETBIOSOPTIONS, ASN_INTEGER, 0, check_netbios },
	{ COL_ADCFG_WINSPRIMARYSERVER, ASN_IPADDRESS, 4, NULL },
	{ COL_ADCFG_WINSSECONDARYSERVER, ASN_IPADDRESS, 4, NULL },
	{ COL_ADCFG_ACTION, ASN_INTEGER, 0, check_action },
};

static const struct txn_column addr_columns[] = {
	{ COL_ADCFG_ADDR_STORAGETYPE, ASN_INTEGER, 0, txn_check_storage },
	{ COL_ADCFG_ADDR_ROWSTATUS, ASN_INTEGER, 0, txn_check_go_status },
};

/* ---- plans --------------------------------------------------------------------- */

/*
 * Add a step to r's plan: req, undone by the nundo requests of undo, for
 * owner's method.  0, or the refusal (out of memory).
 */
static int
plan(struct irow *r, struct irow *owner, const struct kreq *req, const struct kreq *undo,
    size_t nundo)
{
	struct kstep *k;

	if (vec_reserve(&r->steps, &r->cap, r->nsteps, sizeof(*r->steps), 4) < 0)
		return txn_refuse(r->tr, SNMP_ERR_RESOURCEUNAVAILABLE, "out of memory");
	k = &r->steps[r->nsteps];
	memset(k, 0, sizeof(*k));
	k->req = *req;
	k->owner = owner;
	k->method = owner->method;
	if (nundo > 0 && (k->undo = calloc(nundo, sizeof(*undo))) == NULL)
		return txn_refuse(r->tr, SNMP_ERR_RESOURCEUNAVAILABLE, "out of memory");
	if (nundo > 0)
		memcpy(k->undo, undo, nundo * sizeof(*undo));
	k->nundo = nundo;
	r->nsteps++;
	return 0;
}

/* A link change and the one that puts the link back: from the link as it is. */
static struct kreq
link_req(int32_t ifindex)
{
	struct kreq q = { .kind = K_LINK };

	q.l.ifindex = ifindex;
	q.l.up = IFMSG_KEEP;
	return q;
}

/*
 * A link change whose undo does not bring back what the kernel drops on
 * the way: the link taken down (its routes, and IPv6 addresses unless
 * keep_addr_on_down), an MTU below IPv6's minimum (IPv6 turned off on it).
 * Its row runs after every other row of the SET, so that none of them can
 * fail after it (txn_apply_last()); in its row it comes last (the alias
 * first, then Enable/Disable or Reset; SetMTU after SetIPConnectionMetric).
 */
/* An MTU change (req, its undo) that turns IPv6 off on the link: below 1280 from 1280 or more. */
static int
mtu_six_off(const struct kreq *req, const struct kreq *undo)
{
	return req->l.mtu != 0 && req->l.mtu < LINK_MTU_MIN6 && undo->l.mtu >= LINK_MTU_MIN6;
}

static int
link_drops(const struct kreq *req, const struct kreq *undo)
{
	return req->l.up == 0 || mtu_six_off(req, undo);
}

static int
plan_link(struct irow *r, const struct kreq *req, const struct kreq *undo)
{
	if (link_drops(req, undo))
		txn_apply_last(r->tr);
	return plan(r, r, req, undo, 1);
}

static int
plan_up(struct irow *r, int up)
{
	struct kreq q = link_req(r->ifindex), u = q;

	q.l.up = up;
	u.l.up = !up;
	return plan_link(r, &q, &u);
}

/* ---- cimNetAdapterTable ------------------------------------------------------------ */

/*
 * NetConnectionID: the alias; the empty string removes it.  The alias the
 * link already has is not written again, unless the link is down: the kernel
 * announces no alias change there, so the mirror's may be another's old one.
 * There UNDO puts back the kernel's, read from sysfs (another program may
 * have set it).
 */
static int
check_alias(struct irow *r, const struct link *l)
{
	struct kreq q = link_req(r->ifindex), u = q;
	size_t len;
	const u_char *v = txn_str(r->tr, COL_ADAPTER_NETCONNECTIONID, &len);

	if (v == NULL ||
	    ((l->flags & IFF_UP) && strlen(l->alias) == len && memcmp(l->alias, v, len) == 0))
		return 0;
	q.l.set_alias = u.l.set_alias = 1;
	memcpy(q.l.alias, v, len);
	if ((l->flags & IFF_UP) || r->s->dev == NULL ||
	    ifdev_alias(r->s->dev, l->name, u.l.alias, sizeof(u.l.alias)) < 0)
		snprintf(u.l.alias, sizeof(u.l.alias), "%s", l->alias);
	return plan_link(r, &q, &u);
}

static int
check_adapter(struct ifset *s, struct irow *r, const struct link *l)
{
	long en, reset, power;
	int up = (l->flags & IFF_UP) != 0, rc;

	if (txn_int(r->tr, COL_ADAPTER_SETPOWERSTATE, &power))
		return REFUSE(s, r, AM_POWER, AR_NOTSUPPORTED, SNMP_ERR_INCONSISTENTVALUE,
		    "SetPowerState(%ld): Linux has no power state to set on an interface", power);
	if (txn_int(r->tr, COL_ADAPTER_RESET, &reset) &&
	    (!up || (txn_int(r->tr, COL_ADAPTER_NETENABLED, &en) && en == TV_FALSE)))
		return REFUSE(s, r, AM_RESET, AR_FAILED, SNMP_ERR_INCONSISTENTVALUE,
		    "Reset(): the interface is disabled");
	if ((rc = check_alias(r, l)) != 0)
		return rc;
	if (txn_int(r->tr, COL_ADAPTER_NETENABLED, &en)) {
		r->method = en == TV_TRUE ? AM_ENABLE : AM_DISABLE;
		if ((en == TV_TRUE) != up && (rc = plan_up(r, en == TV_TRUE)) != 0)
			return rc;
	}
	if (txn_has(r->tr, COL_ADAPTER_RESET)) {
		r->method = AM_RESET;
		if ((rc = plan_up(r, 0)) != 0 || (rc = plan_up(r, 1)) != 0)
			return rc;
	}
	return 0;
}

/* ---- cimAdapterCfgTable: one operations entry per method ---------------------------- */

struct cfg_method {
	oid cols[2]; /* the columns that perform it (0: none) */
	int method;  /* enum cim_method */
	/* RESERVE2: the row's plan for the values given (none: nothing to change), or the refusal. */
	int (*check)(struct ifset *, struct irow *, const struct link *);
};

/* A method that asks for what Linux cannot do: 64 with a log line. */
static int
not_supported(struct ifset *s, struct irow *r, int method, const char *why)
{
	return REFUSE(s, r, method, CIM_RC_NOTSUPPORTED, SNMP_ERR_INCONSISTENTVALUE, "%s", why);
}

/* SetMTU(): within what the device takes, at least 68 (RFC 791). */
static int
check_mtu(struct ifset *s, struct irow *r, const struct link *l)
{
	struct kreq q = link_req(r->ifindex), u = q;
	uint32_t lo = l->min_mtu > MTU_MIN4 ? l->min_mtu : MTU_MIN4;
	uint32_t hi = l->max_mtu != 0 ? l->max_mtu : MTU_MAX4;
	long v = 0;

	txn_int(r->tr, COL_ADCFG_MTU, &v);
	if (v < (long)lo || v > (long)hi)
		return REFUSE(s, r, CIM_M_SETMTU, CIM_RC_OUTOFBOUNDS, SNMP_ERR_WRONGVALUE,
		    "SetMTU(%ld): the interface takes %u to %u", v, lo, hi);
	if ((uint32_t)v == l->mtu)
		return 0;
	q.l.mtu = (uint32_t)v;
	u.l.mtu = l->mtu;
	r->six_off = mtu_six_off(&q, &u);
	r->six_on = q.l.mtu >= LINK_MTU_MIN6 && u.l.mtu < LINK_MTU_MIN6;
	return plan_link(r, &q, &u);
}

/* SetDynamicDNSRegistration(): off is what Linux is. */
static int
check_dyndns(struct ifset *s, struct irow *r, const struct link *l)
{
	long a = TV_FALSE, b = TV_FALSE;

	txn_int(r->tr, COL_ADCFG_DOMAINDNSREGENABLED, &a);
	txn_int(r->tr, COL_ADCFG_FULLDNSREGENABLED, &b);
	if (a == TV_TRUE || b == TV_TRUE)
		return not_supported(s, r, CIM_M_SETDYNAMICDNSREGISTRATION,
		    "SetDynamicDNSRegistration(): Linux has no dynamic DNS registration");
	return 0;
}

/* SetTcpipNetbios(): disabled is what Linux is. */
static int
check_netbios_m(struct ifset *s, struct irow *r, const struct link *l)
{
	long v = 2;

	txn_int(r->tr, COL_ADCFG_TCPIPNETBIOSOPTIONS, &v);
	if (v != 2)
		return not_supported(s, r, CIM_M_SETTCPIPNETBIOS,
		    "SetTcpipNetbios(): the Linux kernel has no NetBIOS over TCP/IP");
	return 0;
}

/* SetWINSServer(): no server (0.0.0.0) is what Linux is. */
static int
check_wins(struct ifset *s, struct irow *r, const struct link *l)
{
	static const oid cols[] = { COL_ADCFG_WINSPRIMARYSERVER, COL_ADCFG_WINSSECONDARYSERVER };
	static const u_char zero[4];

	for (size_t i = 0; i < 2; i++) {
		size_t len;
		const u_char *v = txn_str(r->tr, cols[i], &len);

		if (v != NULL && (len != 4 || memcmp(v, zero, 4) != 0))
			return not_supported(s, r, CIM_M_SETWINSSERVER,
			    "SetWINSServer(): Linux has no WINS client");
	}
	return 0;
}

/* ---- the DHCP methods: a command of the client, started at COMMIT ---------------- */

struct dhcp_method {
	int method;
	const char *name;
	enum dhcp_action action;
	int fail; /* enum cim_rc: the command failed */
};

static const struct dhcp_method dhcp_methods[] = {
	{ CIM_M_ENABLEDHCP, "EnableDHCP()", DHCP_ENABLE, CIM_RC_DHCPCONFIGFAILED },
	{ CIM_M_ENABLESTATIC, "EnableStatic() (DHCP stopped)", DHCP_DISABLE,
	    CIM_RC_DHCPCONFIGFAILED },
	{ CIM_M_RELEASEDHCPLEASE, "ReleaseDHCPLease()", DHCP_RELEASE, CIM_RC_DHCPRELEASEFAILED },
	{ CIM_M_RENEWDHCPLEASE, "RenewDHCPLease()", DHCP_RENEW, CIM_RC_DHCPRENEWFAILED },
};

void
ifset_use_dhcp(struct ifset *s, struct dhcpctl *dc, const struct dhcpctl_config *cfg)
{
	s->dc = dc;
	s->dcfg = cfg;
}

void
ifset_use_ifdev(struct ifset *s, const struct ifdev *dev)
{
	s->dev = dev;
}

/*
 * RESERVE2: a DHCP method on link l: refused (DHCP not enabled for a lease
 * method, no command, one still running), what the link is already (0),
 * or its command kept for COMMIT; ACTION records jobStarted (4096).
 */
static int
check_dhcp(struct ifset *s, struct irow *r, const struct link *l, const struct dhcp_method *m)
{
	int client = DHCP_CLIENT_NONE, on = mib_adcfg_dhcp(l, &client);
	int lease_op = m->action == DHCP_RELEASE || m->action == DHCP_RENEW;

	r->method = m->method;
	if (lease_op && !on)
		return REFUSE(s, r, m->method, CIM_RC_DHCPNOTENABLED, SNMP_ERR_INCONSISTENTVALUE,
		    "%s: DHCP is not enabled on %s", m->name, l->name);
	if ((m->action == DHCP_ENABLE && on) || (m->action == DHCP_DISABLE && !on))
		return 0;
	if (s->dc == NULL ||
	    dhcpctl_command(s->dcfg, m->action, (enum dhcp_client)client, l->name, r->dhcp_argv,
		r->dhcp_buf, sizeof(r->dhcp_buf)) < 0)
		return not_supported(s, r, m->method,
		    m->action == DHCP_ENABLE ? "EnableDHCP(): no command to start a DHCP client "
					       "(the directive dhcpCommand enable)" :
					       "no command of the DHCP client for this (the "
					       "directive dhcpCommand)");
	if (dhcpctl_busy(s->dc, l->ifindex))
		return REFUSE(s, r, m->method, m->fail, SNMP_ERR_INCONSISTENTVALUE,
		    "%s: a DHCP command for %s is still running", m->name, l->name);
	r->dhcp = m;
	return 0;
}

/* DHCPEnabled: true(1) is EnableDHCP(), false(2) stops the client (part of EnableStatic()). */
static int
check_dhcp_enabled(struct ifset *s, struct irow *r, const struct link *l)
{
	long v = TV_TRUE;

	txn_int(r->tr, COL_ADCFG_DHCPENABLED, &v);
	return check_dhcp(s, r, l, &dhcp_methods[v == TV_TRUE ? 0 : 1]);
}

/* UNDO: the saved addresses that EnableDHCP() dropped, back in the set. */
static int
undo_unsave(void *row, void *arg)
{
	struct irow *r = row;
	struct ifset *s = arg;
	int rc = 0;

	for (size_t i = 0; i < r->nunsaved; i++)
		rc |= staticaddrs_put(&s->saved, &r->unsaved[i]);
	s->resave = 1;
	return rc < 0 ? -1 : 0;
}

/*
 * ACTION: EnableDHCP() drops the link's nonVolatile addresses from the
 * saved set (written once the SET's rows are done), as WMI's EnableDHCP()
 * ends EnableStatic(); the addresses themselves stay until the lease.
 */
static int
unsave_link(struct txn *x, struct txn_row *tr, struct ifset *s, struct irow *r)
{
	size_t n = 0;

	if (!s->saved_on || r->dhcp == NULL || r->dhcp->action != DHCP_ENABLE || r->unsaved)
		return 0;
	if ((r->unsaved = calloc(s->saved.n + 1, sizeof(*r->unsaved))) == NULL)
		return SNMP_ERR_RESOURCEUNAVAILABLE;
	for (size_t i = 0; i < s->saved.n;)
		if (strcmp(s->saved.v[i].ifname, r->ifname) == 0) {
			r->unsaved[n++] = s->saved.v[i];
			staticaddrs_del(&s->saved, &r->unsaved[n - 1]);
		} else {
			i++;
		}
	r->nunsaved = n;
	s->dirty |= n > 0;
	if (n > 0)
		txn_step(x, tr, undo_unsave, s);
	return 0;
}

#define TAG_ALL 0x100 /* a command of an All variant: counted in s->all */

/* One command of an All variant is over (ok or not): the last one tells. */
static void
all_ended(struct ifset *s, int ok)
{
	s->all.failed += !ok;
	if (--s->all.pending == 0 && s->all.done != NULL)
		s->all.done(s->all.arg, s->all.failed);
}

/* A DHCP command ended: the method's result, and a line in the log. */
static void
dhcp_done(void *arg, int32_t ifindex, int tag, int ok, const char *why)
{
	struct ifset *s = arg;
	const struct dhcp_method *m = &dhcp_methods[tag & ~TAG_ALL];
	const struct link *l = iface_link(s->ifm, ifindex);

	if (tag & TAG_ALL)
		all_ended(s, ok);

	if (ok)
		log_info("dhcp", "%s on ifindex %d: done%s%s", m->name, (int)ifindex,
		    why[0] ? ": " : "", why);
	else
		log_err("dhcp", "%s on ifindex %d failed: %s", m->name, (int)ifindex, why);
	if (l != NULL)
		record(s, T_CFG, ifindex, m->method, ok ? CIM_RC_SUCCESS : m->fail);
}

static int save(struct ifset *s);

/* COMMIT: start the row's DHCP command (nothing could take it back). */
static void
commit(struct txn_row *tr, void *ctx)
{
	struct ifset *s = ctx;
	struct irow *r = txn_row_data(tr);
	const struct dhcp_method *m = r->dhcp;
	char err[256];

	if (m == NULL)
		return;
	if (dhcpctl_run(s->dc, r->ifindex, (int)(m - dhcp_methods), r->dhcp_argv, dhcp_done, s, err,
		sizeof(err)) < 0) {
		log_err("dhcp", "%s on %s: %s", m->name, r->ifname, err);
		record(s, T_CFG, r->ifindex, m->method, m->fail);
		/* No client runs: the static addresses stay the link's (saved again). */
		if (r->nunsaved > 0 && undo_unsave(r, s) == 0 && save(s) == 0)
			s->resave = 0;
		return;
	}
	log_info("dhcp", "%s on %s: %s started", m->name, r->ifname, r->dhcp_argv[0]);
}

/* The command of method m for link l if it has DHCP (into argv, in buf): 1, 0 if none, -1. */
static int
all_command(const struct ifset *s, const struct link *l, const struct dhcp_method *m, char **argv,
    char *buf, size_t len)
{
	int client = DHCP_CLIENT_NONE;

	if (!mib_adcfg_dhcp(l, &client))
		return 0;
	if (writer_protected(&s->w->cfg, l->name)) {
		log_notice("dhcp",
		    "%s: %s is protected from SNMP writes (protectedInterfaces): left out", m->name,
		    l->name);
		return 0;
	}
	return dhcpctl_command(s->dcfg, m->action, (enum dhcp_client)client, l->name, argv, buf,
		   len) == 0 ?
	    1 :
	    -1;
}

int
ifset_dhcp_all_check(const struct ifset *s, int release)
{
	const struct dhcp_method *m = &dhcp_methods[release ? 2 : 3];
	char buf[512], *argv[DHCPCTL_ARGS_MAX + 1];
	size_t n;
	const struct link *v = iface_links(s->ifm, &n);
	int any = 0;

	if (s->dc == NULL)
		return CIM_RC_NOTSUPPORTED;
	if (s->all.pending > 0)
		return CIM_RC_NOTALLLEASESDONE;
	for (size_t i = 0; i < n; i++) {
		int rc = all_command(s, &v[i], m, argv, buf, sizeof(buf));

		if (rc < 0)
			return CIM_RC_NOTSUPPORTED;
		if (rc > 0 && dhcpctl_busy(s->dc, v[i].ifindex))
			return CIM_RC_NOTALLLEASESDONE; /* its last command still runs */
		any |= rc;
	}
	return any ? CIM_RC_SUCCESS : CIM_RC_DHCPNOTENABLED;
}

void
ifset_dhcp_all_start(struct ifset *s, int release, ifset_all_fn done, void *arg)
{
	const struct dhcp_method *m = &dhcp_methods[release ? 2 : 3];
	char buf[512], *argv[DHCPCTL_ARGS_MAX + 1], err[256];
	size_t n;
	const struct link *v = iface_links(s->ifm, &n);

	s->all.pending = 1; /* the start's own, so that no run ends the All before it is started */
	s->all.failed = 0;
	s->all.done = done;
	s->all.arg = arg;
	for (size_t i = 0; i < n; i++) {
		if (all_command(s, &v[i], m, argv, buf, sizeof(buf)) <= 0)
			continue;
		s->all.pending++;
		if (dhcpctl_run(s->dc, v[i].ifindex, (int)(m - dhcp_methods) | TAG_ALL, argv,
			dhcp_done, s, err, sizeof(err)) < 0) {
			log_err("dhcp", "%s on %s: %s", m->name, v[i].name, err);
			record(s, T_CFG, v[i].ifindex, m->method, m->fail);
			all_ended(s, 0);
			continue;
		}
		record(s, T_CFG, v[i].ifindex, m->method, CIM_RC_JOBSTARTED);
		log_info("dhcp", "%s on %s: %s started (all interfaces)", m->name, v[i].name,
		    argv[0]);
	}
	all_ended(s, 1); /* the start's own count */
}

/* Action's method: DisableIPSec(), ReleaseDHCPLease(), RenewDHCPLease(). */
static int
action_method(const struct txn_row *tr)
{
	long v = 0;

	txn_int(tr, COL_ADCFG_ACTION, &v);
	return v == 4 ? CIM_M_DISABLEIPSEC : v == 2 ? CIM_M_RELEASEDHCPLEASE : CIM_M_RENEWDHCPLEASE;
}

/* Action: DisableIPSec() is what Linux is; the DHCP lease methods run the client's command. */
static int
check_action_m(struct ifset *s, struct irow *r, const struct link *l)
{
	r->method = action_method(r->tr);
	if (r->method == CIM_M_DISABLEIPSEC)
		return 0;
	return check_dhcp(s, r, l, &dhcp_methods[r->method == CIM_M_RELEASEDHCPLEASE ? 2 : 3]);
}

/* ---- SetIPConnectionMetric(): the link's default routes, moved ------------------- */

/* A default route the move may take: table main, unicast, SNMP may change it, not a persisted row's. */
static int
movable(struct ifset *s, struct irow *r, int six, const void *e, uint8_t proto, uint8_t flags)
{
	char name[32];

	if (!s->w->cfg.writable_proto[proto] || (flags & ROUTE_F_MULTI))
		return REFUSE(s, r, CIM_M_SETIPCONNECTIONMETRIC, CIM_RC_ACCESSDENIED,
		    SNMP_ERR_NOTWRITABLE,
		    "SetIPConnectionMetric(): a default route of protocol %s%s, which SNMP may not "
		    "change (writableProtocols)",
		    routefmt_proto_name(proto, name, sizeof(name)),
		    flags & ROUTE_F_MULTI ? " is one hop of a multipath route" : "");
	if (writer_gateway_owner(s->w, six, e) != NULL)
		return REFUSE(s, r, CIM_M_SETIPCONNECTIONMETRIC, CIM_RC_TCPIPCONFIGFAILED,
		    SNMP_ERR_INCONSISTENTVALUE,
		    "SetIPConnectionMetric(): a default route is a persisted row (a gateway made "
		    "here): change its metric in cimAdapterCfgGatewayTable");
	return 0;
}

/* One default route of the family to move (the first seen), or a refusal; *n counts them. */
static int
take_default(struct ifset *s, struct irow *r, int six, const void *e, uint32_t metric,
    uint8_t proto, uint8_t flags, size_t *n)
{
	int rc;

	if ((rc = movable(s, r, six, e, proto, flags)) != 0)
		return rc;
	if (++*n > 1)
		return REFUSE(s, r, CIM_M_SETIPCONNECTIONMETRIC, CIM_RC_TCPIPCONFIGFAILED,
		    SNMP_ERR_INCONSISTENTVALUE,
		    "SetIPConnectionMetric(): the interface has two IPv%d default routes: one "
		    "metric for both is one route (change them in cimAdapterCfgGatewayTable)",
		    six ? 6 : 4);
	if (vec_reserve(&r->moves, &r->movecap, r->nmoves, sizeof(*r->moves), 2) < 0)
		return txn_refuse(r->tr, SNMP_ERR_RESOURCEUNAVAILABLE, "out of memory");
	memset(&r->moves[r->nmoves], 0, sizeof(*r->moves));
	r->moves[r->nmoves].six = six;
	memcpy(&r->moves[r->nmoves].kern, e, six ? sizeof(struct route6) : sizeof(struct route));
	r->moves[r->nmoves].from = metric;
	r->nmoves++;
	return 0;
}

/*
 * The default routes of table main through l (each family at most one),
 * and whether another default route of a family that moves has metric v
 * already: another interface's, or one of any type (a blackhole, an
 * unreachable: Linux keeps one route a destination and metric, whatever
 * its type, so the move would fail; the other family's routes are another
 * table).
 */
static int
collect_defaults(struct ifset *s, struct irow *r, const struct link *l, uint32_t v, int *taken)
{
	struct route_pos pos;
	size_t n4 = 0, n6 = 0;
	int rc, taken4 = 0, taken6 = 0;

	for (const struct route *e = route_first(mirror_routes(s->w->pm), &pos);
	     e != NULL && route_is_default(e); e = route_next(mirror_routes(s->w->pm), &pos)) {
		if (e->table != RT_TABLE_MAIN || e->tos != 0)
			continue;
		if (e->ifindex != l->ifindex || e->type != RTN_UNICAST)
			taken4 |= e->metric == v;
		else if ((rc = take_default(s, r, 0, e, e->metric, e->proto, e->flags, &n4)) != 0)
			return rc;
	}
	*taken = taken4 && n4 > 0;
	if (s->w->pm6 == NULL)
		return 0;
	for (const struct route6 *e = route6_first(mirror_table(s->w->pm6), &pos);
	     e != NULL && e->plen == 0; e = route6_next(mirror_table(s->w->pm6), &pos)) {
		if (!route6_is_default(e) || e->src != 0 || e->table != RT_TABLE_MAIN)
			continue;
		if (e->ifindex != l->ifindex || e->type != RTN_UNICAST)
			taken6 |= e->metric == v;
		else if ((rc = take_default(s, r, 1, e, e->metric, e->proto, e->flags, &n6)) != 0)
			return rc;
	}
	*taken |= taken6 && n6 > 0;
	return 0;
}

/* The three steps of a move: read back, add at the new metric, delete at the old one. */
static int
plan_move(struct irow *r, size_t i, uint32_t v)
{
	struct rmove *m = &r->moves[i];
	struct kreq fetch = { .kind = K_RFETCH, .mi = i },
		    add = { .kind = K_RADD, .mi = i, .metric = v },
		    del = { .kind = K_RDEL, .mi = i, .metric = m->from };
	struct kreq undo_add = { .kind = K_RDEL, .mi = i, .metric = v, .tolerant = 1 },
		    undo_del = { .kind = K_RADD, .mi = i, .metric = m->from, .tolerant = 1 };
	int rc;

	m->to = v;
	if ((rc = plan(r, r, &fetch, NULL, 0)) != 0 || (rc = plan(r, r, &add, &undo_add, 1)) != 0)
		return rc;
	return plan(r, r, &del, &undo_del, 1);
}

/*
 * SetIPConnectionMetric(): Linux has no interface metric; the default
 * routes of table main through the interface carry it.  Each moves to the
 * new metric as a route-table metric change does: read back whole, added at
 * the new metric before the old one is deleted (the interface never loses
 * its default route), undone the other way round.
 */
static int
check_conn_metric(struct ifset *s, struct irow *r, const struct link *l)
{
	long v = 0;
	int rc, taken = 0;

	txn_int(r->tr, COL_ADCFG_IPCONNECTIONMETRIC, &v);
	if ((rc = collect_defaults(s, r, l, (uint32_t)v, &taken)) != 0)
		return rc;
	if (r->nmoves == 0)
		return REFUSE(s, r, CIM_M_SETIPCONNECTIONMETRIC, CIM_RC_NOTFOUND,
		    SNMP_ERR_INCONSISTENTVALUE,
		    "SetIPConnectionMetric(): %s has no default route in table main", l->name);
	if (taken)
		return REFUSE(s, r, CIM_M_SETIPCONNECTIONMETRIC, CIM_RC_ALREADYEXISTS,
		    SNMP_ERR_INCONSISTENTVALUE,
		    "SetIPConnectionMetric(%ld): another interface's default route has this metric "
		    "(Linux keeps one default route a metric)",
		    v);
	for (size_t i = 0; i < r->nmoves; i++) {
		if (v == 0 && r->moves[i].six)
			return REFUSE(s, r, CIM_M_SETIPCONNECTIONMETRIC, CIM_RC_OUTOFBOUNDS,
			    SNMP_ERR_WRONGVALUE,
			    "SetIPConnectionMetric(0): an IPv6 route at metric 0 gets 1024");
		if (r->moves[i].from != (uint32_t)v && (rc = plan_move(r, i, (uint32_t)v)) != 0)
			return rc;
	}
	return 0;
}

static const struct cfg_method cfg_methods[] = {
	{ { COL_ADCFG_IPCONNECTIONMETRIC }, CIM_M_SETIPCONNECTIONMETRIC, check_conn_metric },
	{ { COL_ADCFG_DHCPENABLED }, 0, check_dhcp_enabled }, /* 0: by the value */
	{ { COL_ADCFG_DOMAINDNSREGENABLED, COL_ADCFG_FULLDNSREGENABLED },
	    CIM_M_SETDYNAMICDNSREGISTRATION, check_dyndns },
	{ { COL_ADCFG_MTU }, CIM_M_SETMTU, check_mtu },
	{ { COL_ADCFG_TCPIPNETBIOSOPTIONS }, CIM_M_SETTCPIPNETBIOS, check_netbios_m },
	{ { COL_ADCFG_WINSPRIMARYSERVER, COL_ADCFG_WINSSECONDARYSERVER }, CIM_M_SETWINSSERVER,
	    check_wins },
	{ { COL_ADCFG_ACTION }, 0, check_action_m }, /* 0: by the value (action_method()) */
};

#define NCFG_METHODS (sizeof(cfg_methods) / sizeof(cfg_methods[0]))

static int
cfg_asks(const struct irow *r, const struct cfg_method *m)
{
	return txn_has(r->tr, m->cols[0]) || (m->cols[1] != 0 && txn_has(r->tr, m->cols[1]));
}

static int
check_cfg(struct ifset *s, struct irow *r, const struct link *l)
{
	int rc;

	for (size_t i = 0; i < NCFG_METHODS; i++) {
		const struct cfg_method *m = &cfg_methods[i];

		if (!cfg_asks(r, m))
			continue;
		r->method = m->method;
		if ((rc = m->check(s, r, l)) != 0)
			return rc;
	}
	return 0;
}

/* ---- cimAdapterCfgAddressTable ----------------------------------------------------- */

/* An address (addr/plen of family) that no interface may have: why, or NULL. */
static const char *
never_addr(uint8_t family, const uint8_t *addr, uint8_t plen)
{
	static const uint8_t zero[16];
	uint32_t a;

	if (family == AF_INET6) {
		if (memcmp(addr, zero, 16) == 0)
			return "the unspecified address";
		if (addr[0] == 0xff)
			return "a multicast address";
		if (memcmp(addr, zero, 10) == 0 && addr[10] == 0xff && addr[11] == 0xff)
			return "an IPv4-mapped address";
		return NULL;
	}
	memcpy(&a, addr, 4);
	a = ntohl(a);
	if ((a >> 24) == 0)
		return "an address of network 0";
	if ((a >> 28) >= 14)
		return "a multicast or reserved (class E) address";
	if (plen < 31 && ((a & ~addr4_mask(plen)) == 0 || (a | addr4_mask(plen)) == ~0u))
		return "the network or broadcast address of its prefix";
	return NULL;
}

/* A loopback address (127/8, ::1) on another link than a loopback. */
static int
loopback_range(uint8_t family, const uint8_t *addr)
{
	static const uint8_t one[16] = { [15] = 1 };

	return family == AF_INET ? addr[0] == 127 : memcmp(addr, one, 16) == 0;
}

/* Whether a row of SET x destroys address a (RowStatus destroy(6) of its index). */
static int
destroyed_here(struct txn *x, const struct iface_addr *a)
{
	for (size_t i = 0; x != NULL && i < txn_nrows(x); i++) {
		struct txn_row *tr = txn_row_at(x, i);
		const struct irow *o = txn_row_data(tr);
		long st;

		if (txn_row_ops(tr) == &mib_ifset_addr_ops && o->ifindex == a->ifindex &&
		    o->family == a->family && o->plen == a->plen &&
		    memcmp(o->addr, a->addr, a->family == AF_INET ? 4 : 16) == 0 &&
		    txn_int(tr, COL_ADCFG_ADDR_ROWSTATUS, &st) && st == RS_DESTROY)
			return 1;
	}
	return 0;
}

/*
 * IPv6: the interface's address r->addr at another prefix length, unless
 * this SET destroys it (the kernel keys an IPv6 address without its
 * prefix length, and refuses a second one: EEXIST), or NULL.
 */
static const struct iface_addr *
addr6_held(const struct ifset *s, const struct irow *r)
{
	const struct iface_addr *a = r->family == AF_INET6 ?
	    iface_addr_find(s->ifm, r->ifindex, AF_INET6, r->addr, -1) :
	    NULL;

	return a != NULL && a->plen != r->plen && !destroyed_here(r->kq.x, a) ? a : NULL;
}

static int
check_create(struct ifset *s, struct irow *r, const struct link *l)
{
	const struct iface_addr *held;
	const char *why;

	if (r->plen == 0 || r->plen > (r->family == AF_INET ? 32 : 128))
		return REFUSE(s, r, CIM_M_ENABLESTATIC, CIM_RC_INVALIDSUBNETMASK,
		    SNMP_ERR_INCONSISTENTNAME,
		    "EnableStatic(): prefix length %u does not fit the address", r->plen);
	if ((why = never_addr(r->family, r->addr, r->plen)) != NULL)
		return REFUSE(s, r, CIM_M_ENABLESTATIC, CIM_RC_INVALIDIPADDRESS,
		    SNMP_ERR_INCONSISTENTNAME, "EnableStatic(): %s", why);
	if (loopback_range(r->family, r->addr) && !(l->flags & IFF_LOOPBACK))
		return REFUSE(s, r, CIM_M_ENABLESTATIC, CIM_RC_INVALIDIPADDRESS,
		    SNMP_ERR_INCONSISTENTVALUE,
		    "EnableStatic(): a loopback address on an interface that is not a loopback");
	if (l->master != 0)
		return REFUSE(s, r, CIM_M_ENABLESTATIC, CIM_RC_NOTCONFIGURABLE,
		    SNMP_ERR_INCONSISTENTVALUE,
		    "EnableStatic(): the interface is a port of a bridge or bond (ifindex %d)",
		    (int)l->master);
	if (iface_addr_find(s->ifm, r->ifindex, r->family, r->addr, r->plen) != NULL)
		return REFUSE(s, r, CIM_M_ENABLESTATIC, CIM_RC_ALREADYEXISTS,
		    SNMP_ERR_INCONSISTENTVALUE,
		    "EnableStatic(): the interface has this address already");
	if ((held = addr6_held(s, r)) != NULL)
		return REFUSE(s, r, CIM_M_ENABLESTATIC, CIM_RC_ALREADYEXISTS,
		    SNMP_ERR_INCONSISTENTVALUE,
		    "EnableStatic(): the interface has this IPv6 address with prefix length %u "
		    "(destroy that row in the same SET)",
		    held->plen);
	r->is_create = 1;
	r->method = CIM_M_ENABLESTATIC;
	return 0;
}

static int
check_addr(struct ifset *s, struct irow *r, const struct link *l)
{
	int exists = iface_addr_find(s->ifm, r->ifindex, r->family, r->addr, r->plen) != NULL;

	txn_int(r->tr, COL_ADCFG_ADDR_STORAGETYPE, &r->storage);
	if (!txn_int(r->tr, COL_ADCFG_ADDR_ROWSTATUS, &r->status))
		return txn_refuse(r->tr,
		    exists ? SNMP_ERR_INCONSISTENTVALUE : SNMP_ERR_INCONSISTENTNAME,
		    "StorageType is written only with createAndGo(4)");
	if (r->storage != 0 && r->status != RS_CREATEANDGO)
		return txn_refuse(r->tr, SNMP_ERR_INCONSISTENTVALUE,
		    "StorageType is written only with createAndGo(4)");
	if (r->status == RS_CREATEANDGO)
		return check_create(s, r, l);
	if (r->status == RS_ACTIVE && !exists)
		return REFUSE(s, r, CIM_M_ENABLESTATIC, CIM_RC_NOTFOUND, SNMP_ERR_INCONSISTENTVALUE,
		    "active(1): the interface has no such address (create it with createAndGo(4))");
	/* destroy(6) of an address that is not there: done already (RFC 2579), and recorded. */
	r->is_destroy = r->status == RS_DESTROY && exists;
	r->method = r->status == RS_DESTROY ? CIM_M_ENABLESTATIC : 0;
	if (r->is_destroy)
		made_before(s, r);
	return 0;
}

/* ---- RESERVE2 --------------------------------------------------------------------- */

/*
 * The method col performs in row tr (0: none, or a method that the value
 * names and the row has no value of col), to record a refusal of it.
 */
static int
col_method(const struct txn_row *tr, oid col)
{
	const struct irow *r = txn_row_data(tr);
	long v;
	int given = txn_int(tr, col, &v);

	if (r->tbl == T_ADDR)
		return CIM_M_ENABLESTATIC;
	if (r->tbl == T_ADAPTER) {
		switch (col) {
		case COL_ADAPTER_SETPOWERSTATE: return AM_POWER;
		case COL_ADAPTER_RESET: return AM_RESET;
		case COL_ADAPTER_NETENABLED:
			return !given ? 0 : v == TV_TRUE ? AM_ENABLE : AM_DISABLE;
		default: return 0; /* NetConnectionID is a property, not a method */
		}
	}
	for (size_t i = 0; i < NCFG_METHODS; i++) {
		const struct cfg_method *m = &cfg_methods[i];

		if (m->cols[0] != col && m->cols[1] != col)
			continue;
		if (m->method != 0 || !given)
			return m->method;
		return col == COL_ADCFG_DHCPENABLED ? dhcp_methods[v == TV_TRUE ? 0 : 1].method :
						      action_method(tr);
	}
	return 0;
}

/* The method a row asks for (the first, for the cfg table), to record a refusal of it. */
static int
asked_method(const struct irow *r)
{
	static const oid adapter_cols[] = { COL_ADAPTER_SETPOWERSTATE, COL_ADAPTER_RESET,
		COL_ADAPTER_NETENABLED };

	if (r->tbl == T_ADDR)
		return CIM_M_ENABLESTATIC;
	if (r->tbl == T_ADAPTER) {
		for (size_t i = 0; i < sizeof(adapter_cols) / sizeof(adapter_cols[0]); i++)
			if (txn_has(r->tr, adapter_cols[i]))
				return col_method(r->tr, adapter_cols[i]);
		return 0;
	}
	for (size_t i = 0; i < NCFG_METHODS; i++)
		if (cfg_asks(r, &cfg_methods[i]))
			return col_method(r->tr,
			    txn_has(r->tr, cfg_methods[i].cols[0]) ? cfg_methods[i].cols[0] :
								     cfg_methods[i].cols[1]);
	return 0;
}

/*
 * A refusal err of the column check (txn_ops.refused): CIM_LogicalDevice's
 * failed(2), or WMI's parameterOutOfBounds(90) for a wrong value (as SetMTU's
 * row check) and invalidParameter(68) for a wrong type or length.
 */
static void
record_refused(struct ifset *s, enum itable tbl, int32_t ifindex, int method, int err)
{
	record(s, tbl, ifindex, method,
	    tbl == T_ADAPTER               ? AR_FAILED :
		err == SNMP_ERR_WRONGVALUE ? CIM_RC_OUTOFBOUNDS :
					     CIM_RC_INVALIDPARAMETER);
}

void
ifset_record_refused_cfg(struct ifset *s, int32_t ifindex, int method, int err)
{
	record_refused(s, T_CFG, ifindex, method, err);
}

/* RESERVE1: the column check refused col; recorded as the row checks record. */
static void
refused(struct txn_row *tr, oid col, int err, void *ctx)
{
	const struct irow *r = txn_row_data(tr);

	record_refused(ctx, r->tbl, r->ifindex, col_method(tr, col), err);
}

static int
check_row(struct txn *x, struct txn_row *tr, void *ctx)
{
	struct ifset *s = ctx;
	struct irow *r = txn_row_data(tr);
	const struct link *l = iface_link(s->ifm, r->ifindex);
	static const int denied[] = { [T_ADAPTER] = AR_FAILED,
		[T_CFG] = CIM_RC_ACCESSDENIED,
		[T_ADDR] = CIM_RC_ACCESSDENIED };

	r->tr = tr;
	r->s = s;
	r->kq.x = x;
	r->kq.sent = &s->sent;
	if (l == NULL)
		return txn_refuse(tr,
		    r->tbl == T_ADDR ? SNMP_ERR_INCONSISTENTNAME : SNMP_ERR_NOCREATION,
		    "no interface has this index");
	snprintf(r->ifname, sizeof(r->ifname), "%s", l->name);
	if (writer_protected(&s->w->cfg, l->name))
		return REFUSE(s, r, asked_method(r), denied[r->tbl], SNMP_ERR_NOACCESS,
		    "%s is protected from SNMP writes (protectedInterfaces)", l->name);
	switch (r->tbl) {
	case T_ADAPTER: return check_adapter(s, r, l);
	case T_CFG: return check_cfg(s, r, l);
	default: return check_addr(s, r, l);
	}
}

/* An address as the kernel has it, to add back exactly (kind K_ADD) or delete (K_DEL). */
static struct kreq
addr_req(const struct iface *ifm, enum kind kind, const struct iface_addr *a, int tolerant)
{
	struct kreq q = { .kind = kind, .tolerant = tolerant };
	const struct link *l;
	size_t alen = a->family == AF_INET ? 4 : 16;
	int64_t now = iface_now();

	q.a.ifindex = a->ifindex;
	q.a.family = a->family;
	q.a.plen = a->plen;
	q.a.scope = a->scope;
	memcpy(q.a.addr, a->addr, alen);
	if (memcmp(a->peer, a->addr, alen) != 0)
		memcpy(q.a.peer, a->peer, alen);
	q.a.flags = a->flags & SETTABLE_IFA_FLAGS;
	q.a.has_brd = a->has_brd;
	q.a.no_brd = a->family == AF_INET && !a->has_brd; /* not the prefix's: none, as it was */
	memcpy(q.a.brd, a->brd, sizeof(q.a.brd));
	q.a.rt_priority = a->rt_priority;
	if (a->family == AF_INET && (l = iface_link(ifm, a->ifindex)) != NULL &&
	    strcmp(a->label, l->name) != 0)
		snprintf(q.a.label, sizeof(q.a.label), "%s", a->label);
	if (a->valid_lft == IFA_LIFE_FOREVER) {
		q.a.flags |= IFA_F_PERMANENT;
		return q;
	}
	/* A leased address comes back with what was left of its lifetimes. */
	q.a.valid_lft = iface_addr_left(a, a->valid_lft, now);
	q.a.pref_lft = iface_addr_left(a, a->pref_lft, now);
	if (q.a.valid_lft == 0)
		q.a.valid_lft = 1;
	return q;
}

/* A new address (a createAndGo row's, a saved one): permanent, the loopback's scope on a loopback. */
static struct kreq
addr_new(enum kind kind, int32_t ifindex, uint8_t family, const uint8_t *addr, uint8_t plen)
{
	struct kreq q = { .kind = kind };

	q.a.ifindex = ifindex;
	q.a.family = family;
	q.a.plen = plen;
	q.a.scope = loopback_range(family, addr) ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
	memcpy(q.a.addr, addr, family == AF_INET ? 4 : 16);
	q.a.flags = IFA_F_PERMANENT;
	return q;
}

static struct kreq
new_req(enum kind kind, const struct irow *r)
{
	return addr_new(kind, r->ifindex, r->family, r->addr, r->plen);
}

/* Is b an IPv4 secondary address of a's subnet on a's link? */
static int
secondary_of(const struct iface_addr *a, const struct iface_addr *b)
{
	uint32_t x, y, m = addr4_mask(a->plen);

	if (b->ifindex != a->ifindex || b->family != AF_INET || b->plen != a->plen ||
	    !(b->flags & IFA_F_SECONDARY))
		return 0;
	memcpy(&x, a->addr, 4);
	memcpy(&y, b->addr, 4);
	return (ntohl(x) & m) == (ntohl(y) & m);
}

/*
 * A secondary b that a primary's destroy (row r, of at most nsec) takes
 * along: if made here, its StorageType, which UNDO gives back with it (the
 * deletion's event forgets it, as for the row's own: made_before()).
 */
static void
sec_made_keep(const struct ifset *s, struct irow *r, const struct iface_addr *b, size_t nsec)
{
	struct made k = made_key(b->ifindex, b->family, b->addr, b->plen);
	const struct made *m = made_find(s, &k);

	if (m == NULL || (r->sec_made != NULL && r->nsec_made >= nsec))
		return;
	if (r->sec_made == NULL && (r->sec_made = calloc(nsec, sizeof(*r->sec_made))) == NULL)
		return; /* out of memory: the StorageType reads other(1) after an UNDO */
	r->sec_made[r->nsec_made++] = *m;
}

/*
 * The destroy of address a, and its undo.  Deleting an IPv4 primary
 * deletes its subnet's secondaries too unless promote_secondaries is set,
 * and then one of them becomes the primary: the undo deletes whichever
 * are left, adds the primary back, then the secondaries (in the mirror's
 * order, by value), so that the primary is the primary again.
 */
static int
plan_destroy(struct ifset *s, struct irow *carrier, struct irow *r, const struct iface_addr *a)
{
	struct kreq req = addr_req(s->ifm, K_DEL, a, 0), *undo;
	size_t n, nsec = 0, k = 0;
	const struct iface_addr *v = iface_addrs(s->ifm, &n);
	int primary4 = a->family == AF_INET && !(a->flags & IFA_F_SECONDARY), rc;

	for (size_t i = 0; primary4 && i < n; i++)
		nsec += (size_t)secondary_of(a, &v[i]);
	if ((undo = calloc(2 * nsec + 1, sizeof(*undo))) == NULL)
		return txn_refuse(carrier->tr, SNMP_ERR_RESOURCEUNAVAILABLE, "out of memory");
	for (size_t i = 0; i < n && k < nsec; i++)
		if (primary4 && secondary_of(a, &v[i])) {
			undo[k++] = addr_req(s->ifm, K_DEL, &v[i], 1);
			sec_made_keep(s, r, &v[i], nsec);
		}
	undo[k++] = addr_req(s->ifm, K_ADD, a, 0);
	for (size_t i = 0; i < n && k < 2 * nsec + 1; i++)
		if (primary4 && secondary_of(a, &v[i]))
			undo[k++] = addr_req(s->ifm, K_ADD, &v[i], 1);
	rc = plan(carrier, r, &req, undo, k);
	free(undo);
	return rc;
}

/*
 * The address rows of the SET, planned on the first of them: destroys
 * first (secondaries before primaries, so that no destroy finds its
 * address gone with its primary), then creates in the varbind order.
 */
static void
plan_addrs(struct ifset *s, struct txn *x)
{
	struct irow *carrier = NULL;

	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < txn_nrows(x); i++) {
			struct txn_row *tr = txn_row_at(x, i);
			struct irow *r = txn_row_data(tr);
			const struct iface_addr *a;
			struct kreq q, u;

			if (txn_row_ops(tr) != &mib_ifset_addr_ops || txn_refused(tr))
				continue;
			if (carrier == NULL)
				carrier = r;
			if (pass < 2 && r->is_destroy &&
			    (a = iface_addr_find(s->ifm, r->ifindex, r->family, r->addr,
				 r->plen)) != NULL &&
			    !!(a->flags & IFA_F_SECONDARY) == (pass == 0) &&
			    plan_destroy(s, carrier, r, a) != 0)
				return;
			if (pass < 2 || !r->is_create)
				continue;
			q = new_req(K_ADD, r);
			u = new_req(K_DEL, r);
			if (plan(carrier, r, &q, &u, 1) != 0)
				return;
		}
}

/* What a cfg row of SET x does to IPv6 on the link (check_mtu()): -1 turns it off, 1 on, 0 neither. */
static int
six_change_here(struct txn *x, int32_t ifindex)
{
	for (size_t i = 0; i < txn_nrows(x); i++) {
		struct txn_row *tr = txn_row_at(x, i);
		const struct irow *o = txn_row_data(tr);

		if (txn_row_ops(tr) == &mib_ifset_cfg_ops && !txn_refused(tr) &&
		    o->ifindex == ifindex && (o->six_off || o->six_on))
			return o->six_off ? -1 : 1;
	}
	return 0;
}

/*
 * Why the link of r has no IPv6 once SET x is applied (0: it may have): the
 * SET takes its MTU below 1280 (the SetMTU() runs last, and the kernel would
 * drop the address with IPv6 at once: the SET a success, the address gone,
 * and saved for adds the kernel refuses), or its MTU is below 1280 and the
 * SET leaves it there (the kernel has no IPv6 state on it and answers
 * EINVAL, which reads as invalidIPAddress(70)).  A link whose MTU the SET
 * raises to 1280 or more gets its IPv6 anew from the defaults: the kernel
 * answers.  So it does on a link whose IPv6 is disabled (disable_ipv6: EACCES,
 * recorded as ipNotEnabled(84) in ACTION): the mirror does not know that
 * sysctl, and the kernel announces no change of it.
 */
static int
six_off_why(const struct ifset *s, struct txn *x, const struct irow *r, char *why, size_t len)
{
	const struct link *l = iface_link(s->ifm, r->ifindex);
	int change = six_change_here(x, r->ifindex);

	if (change < 0) {
		snprintf(why, len,
		    "SetMTU() below 1280 in the same SET turns IPv6 off on the interface");
		return 1;
	}
	if (l == NULL || change > 0 || l->mtu >= LINK_MTU_MIN6)
		return 0;
	snprintf(why, len, "the interface's MTU is %u, below 1280: it has no IPv6", l->mtu);
	return 1;
}

/*
 * An IPv6 address created on a link without IPv6 once the SET is applied
 * (six_off_why()): refused as the kernel refuses one where IPv6 is
 * disabled, ipNotEnabled(84).
 */
static void
refuse_six_off(struct ifset *s, struct txn *x)
{
	char why[128];

	for (size_t i = 0; i < txn_nrows(x); i++) {
		struct txn_row *tr = txn_row_at(x, i);
		struct irow *r = txn_row_data(tr);

		if (txn_row_ops(tr) == &mib_ifset_addr_ops && !txn_refused(tr) && r->is_create &&
		    r->family == AF_INET6 && six_off_why(s, x, r, why, sizeof(why)))
			REFUSE(s, r, CIM_M_ENABLESTATIC, CIM_RC_IPNOTENABLED,
			    SNMP_ERR_INCONSISTENTVALUE, "EnableStatic(): %s", why);
	}
}

static void
check_set(struct txn *x, void *ctx)
{
	struct ifset *s = ctx;

	/* A new SET: what the last one left is stale (an ACTION that failed before its end). */
	s->dirty = s->resave = 0;
	s->absent = -1;
	s->nregive = 0;
	refuse_six_off(s, x);
	plan_addrs(s, x);
}

/* ---- ACTION and UNDO --------------------------------------------------------------- */

/* A route move's request: read the route back, add it at a metric, delete it at one. */
static int
send_route(struct irow *r, const struct kreq *q)
{
	struct rmove *m = &r->moves[q->mi];
	struct writer *w = r->s->w;

	if (q->kind == K_RFETCH) {
		nlroute_free(&m->kept);
		return writer_fetch_async(w, m->six, &m->kern, &m->f, &m->kept, TXN_REQ_CB(&r->kq));
	}
	if (q->kind == K_RADD)
		return nlreq_route_restore_async(w->qa, &m->kept, &q->metric, TXN_REQ_CB(&r->kq));
	return nlreq_route_delete_kept_async(w->qa, &m->kept, &q->metric, NULL, TXN_REQ_CB(&r->kq));
}

/* Send q; r waits for txn_req_ack(), or is answered at once when it could not be sent. */
static void
send_req(struct irow *r, const struct kreq *q)
{
	struct nlreq *h = r->s->w->qa;
	int rc = q->kind >= K_RFETCH ? send_route(r, q) :
	    q->kind == K_LINK        ? nlreq_link_async(h, &q->l, TXN_REQ_CB(&r->kq)) :
				nlreq_addr_async(h, q->kind == K_ADD ? RTM_NEWADDR : RTM_DELADDR,
				    &q->a, TXN_REQ_CB(&r->kq));

	txn_req_sent(&r->kq, rc);
}

/* The request in words, for the log. */
static void
req_text(const struct kreq *q, char *buf, size_t len)
{
	static const char *const
	    route_verb[] = { [K_RFETCH] = "read back", [K_RADD] = "add", [K_RDEL] = "delete" };
	char a[96];

	if (q->kind >= K_RFETCH) {
		snprintf(buf, len, "%s the interface's default route #%zu", route_verb[q->kind],
		    q->mi + 1);
		if (q->kind != K_RFETCH)
			snprintf(buf + strlen(buf), len - strlen(buf), " at metric %u", q->metric);
	} else if (q->kind != K_LINK) {
		ifmsg_addr_text(&q->a, a, sizeof(a));
		snprintf(buf, len, "%s address %s", q->kind == K_ADD ? "add" : "delete", a);
	} else if (q->l.up != IFMSG_KEEP) {
		snprintf(buf, len, "bring ifindex %d %s", (int)q->l.ifindex,
		    q->l.up ? "up" : "down");
	} else if (q->l.set_alias) {
		snprintf(buf, len, "set the alias of ifindex %d to '%s'", (int)q->l.ifindex,
		    q->l.alias);
	} else {
		snprintf(buf, len, "set the MTU of ifindex %d to %u", (int)q->l.ifindex, q->l.mtu);
	}
}

/* Log the answer to q; 0, or -1 if the kernel refused (and it matters). */
static int
told(const struct irow *r, const struct kreq *q, int undo)
{
	char what[384];
	int fine = r->kq.rc == 0 ||
	    (q->tolerant &&
		(q->kind == K_ADD || q->kind == K_RADD ?
			r->kq.rc == -EEXIST :
			(r->kq.rc == -EADDRNOTAVAIL || r->kq.rc == -ESRCH || r->kq.rc == -ENOENT)));

	req_text(q, what, sizeof(what));
	if (fine && q->kind == K_LINK && q->l.set_alias)
		iface_link_alias_set(r->s->ifm, q->l.ifindex, q->l.alias);
	if (fine)
		log_info("set", "%s%s", undo ? "undo: " : "", what);
	else
		log_err("set", "%sthe kernel refused to %s: %s", undo ? "undo: " : "", what,
		    r->kq.err);
	return fine ? 0 : -1;
}

/* WMI's code for the kernel's refusal of q (the interface mirror: its link as the answer left it). */
static int
wmi_code(const struct iface *ifm, const struct kreq *q, int rc)
{
	const struct link *l;

	/*
	 * IPv6 disabled on the link (disable_ipv6): inet6_addr_add() says EACCES;
	 * below MTU 1280 it has no IPv6 at all, and ipv6_add_dev() says EINVAL
	 * (its MTU changed since RESERVE2, six_off_why(), or a SetMTU() of 1280
	 * or more of the SET comes after the address: a table called later).
	 */
	if (q->kind == K_ADD && q->a.family == AF_INET6 &&
	    (rc == -EACCES ||
		(rc == -EINVAL && (l = iface_link(ifm, q->a.ifindex)) != NULL &&
		    l->mtu < LINK_MTU_MIN6)))
		return CIM_RC_IPNOTENABLED;
	if (rc == -EPERM || rc == -EACCES)
		return CIM_RC_ACCESSDENIED;
	if (q->kind >= K_RFETCH)
		return rc == -EEXIST ? CIM_RC_ALREADYEXISTS : CIM_RC_TCPIPCONFIGFAILED;
	if (q->kind == K_LINK)
		return q->l.mtu != 0 && (rc == -EINVAL || rc == -ERANGE) ? CIM_RC_OUTOFBOUNDS :
									   CIM_RC_UNKNOWNFAILURE;
	if (rc == -EEXIST)
		return CIM_RC_ALREADYEXISTS;
	if (q->kind == K_DEL && (rc == -EADDRNOTAVAIL || rc == -ESRCH))
		return CIM_RC_NOTFOUND;
	return rc == -EINVAL || rc == -EADDRNOTAVAIL ? CIM_RC_INVALIDIPADDRESS :
						       CIM_RC_UNKNOWNFAILURE;
}

static int
undo_record(void *row, void *arg)
{
	struct irow *r = row;

	unrecord(r->s, r->tbl, r->ifindex, r->method, r->result, &r->old);
	return 0;
}

/* Undo one step: its requests in order, each answered before the next. */
static int
undo_step(void *row, void *arg)
{
	struct irow *r = row;
	struct kstep *k = arg;

	while (k->upos < k->nundo) {
		const struct kreq *q = &k->undo[k->upos];

		if (r->kq.wait)
			return TXN_PENDING;
		if (!r->kq.answered) {
			send_req(r, q);
			continue;
		}
		r->kq.answered = 0;
		k->upos++;
		if (told(r, q, 1) < 0)
			return -1;
	}
	return 0;
}

/* The address of row r as a line of the state file. */
static struct staticaddr
saved_key(const struct irow *r)
{
	struct staticaddr a = { .family = r->family, .plen = r->plen };

	snprintf(a.ifname, sizeof(a.ifname), "%s", r->ifname);
	memcpy(a.addr, r->addr, sizeof(a.addr));
	return a;
}

/* UNDO: the kept and the saved addresses as before an address row's step (arg: the row). */
static int
undo_made(void *row, void *arg)
{
	struct irow *r = arg;
	struct ifset *s = r->s;
	struct made k = made_key(r->ifindex, r->family, r->addr, r->plen);
	struct staticaddr a = saved_key(r);
	int rc = 0;

	if (r->is_create) {
		made_forget(s, &k);
		if (r->saved_changed)
			staticaddrs_del(&s->saved, &a);
		return 0;
	}
	k.storage = (uint8_t)r->storage;
	if (r->had_made &&
	    vec_put(&s->made, &s->nmade, &s->capmade, sizeof(k), &k, &k, made_cmp, NULL) < 0)
		rc = -1;
	for (size_t i = 0; i < r->nsec_made; i++)
		if (vec_put(&s->regive, &s->nregive, &s->capregive, sizeof(k), &r->sec_made[i],
			&r->sec_made[i], made_cmp, NULL) < 0)
			rc = -1;
	if (r->saved_changed && staticaddrs_put(&s->saved, &a) < 0)
		rc = -1;
	return rc;
}

/*
 * An address row's kernel step done (tr: the row whose plan it is in):
 * a created address is kept with its StorageType (nonVolatile(3) by
 * default, the MIB's DEFVAL) and saved if nonVolatile; a destroyed one is
 * forgotten.  0, or the SNMP error.
 */
static int
keep_made(struct txn *x, struct txn_row *tr, struct ifset *s, struct irow *r)
{
	struct made k = made_key(r->ifindex, r->family, r->addr, r->plen);
	struct staticaddr a = saved_key(r);

	if (r->is_create) {
		k.storage = r->storage != 0 ? (uint8_t)r->storage : ST_NONVOLATILE;
		r->had_made = vec_put(&s->made, &s->nmade, &s->capmade, sizeof(k), &k, &k, made_cmp,
				  NULL) == 0;
		r->saved_changed = s->saved_on && k.storage == ST_NONVOLATILE;
	} else if (r->is_destroy) { /* had_made and storage: made_before() */
		made_forget(s, &k);
		r->saved_changed = s->saved_on && staticaddrs_del(&s->saved, &a) == 1;
	} else {
		return 0;
	}
	if (r->is_create && r->saved_changed && staticaddrs_put(&s->saved, &a) < 0) {
		r->saved_changed = 0;
		txn_step(x, tr, undo_made, r);
		log_err("set", "cannot keep more than %d nonVolatile addresses", STATICADDR_MAX);
		return SNMP_ERR_COMMITFAILED;
	}
	s->dirty |= r->saved_changed;
	txn_step(x, tr, undo_made, r);
	return 0;
}

static int
apply(struct txn *x, struct txn_row *tr, void *ctx)
{
	struct ifset *s = ctx;
	struct irow *r = txn_row_data(tr);
	int err;

	r->kq.x = x;
	r->s = s;
	r->kq.sent = &s->sent;
	while (r->stage < r->nsteps) {
		struct kstep *k = &r->steps[r->stage];

		if (r->kq.wait)
			return TXN_PENDING;
		if (!r->kq.answered) {
			send_req(r, &k->req);
			continue;
		}
		r->kq.answered = 0;
		if (told(r, &k->req, 0) < 0) {
			record(s, k->owner->tbl, k->owner->ifindex, k->method,
			    k->owner->tbl == T_ADAPTER ? AR_FAILED :
							 wmi_code(s->ifm, &k->req, r->kq.rc));
			txn_fail_on(x, k->owner->tr);
			return SNMP_ERR_COMMITFAILED;
		}
		txn_step(x, tr, undo_step, k);
		r->stage++;
		if (k->owner->tbl == T_ADDR && (err = keep_made(x, tr, s, k->owner)) != 0)
			return err;
	}
	if ((err = unsave_link(x, tr, s, r)) != 0)
		return err;
	if (r->method != 0 && !r->recorded) {
		r->old = rec_get(s, r->ifindex);
		r->result = r->tbl == T_ADAPTER ? AR_SUCCESS :
		    r->dhcp != NULL             ? CIM_RC_JOBSTARTED :
						  CIM_RC_SUCCESS;
		record(s, r->tbl, r->ifindex, r->method, r->result);
		txn_step(x, tr, undo_record, r);
		r->recorded = 1;
	}
	return 0;
}

/* The state file was written: UNDO writes it again, once the saved set is put back. */
static int
undo_saved(void *row, void *arg)
{
	((struct ifset *)arg)->resave = 1;
	return 0;
}

static int
save(struct ifset *s)
{
	char err[256];

	if (staticaddrs_save(&s->saved, err, sizeof(err)) == 0)
		return 0;
	log_err("set", "%s", err);
	return -1;
}

/* ACTION, after a table's rows: the file of the nonVolatile addresses, once a SET. */
static int
action_end(struct txn *x, void *ctx)
{
	struct ifset *s = ctx;

	if (!s->dirty)
		return 0;
	s->dirty = 0;
	if (s->absent < 0)
		s->absent = !staticaddrs_file_exists(&s->saved);
	txn_step(x, NULL, undo_saved, s);
	return save(s) < 0 ? SNMP_ERR_COMMITFAILED : 0;
}

/* UNDO, at the end: the file as it was before the SET (none if it had none). */
static int
undo_end(struct txn *x, void *ctx)
{
	struct ifset *s = ctx;
	char err[256];

	if (!s->resave)
		return 0;
	s->resave = 0;
	if (s->absent != 1)
		return save(s);
	if (staticaddrs_unsave(&s->saved, err, sizeof(err)) == 0)
		return 0;
	log_err("set", "%s", err);
	return -1;
}

/* ---- the saved addresses, added again ------------------------------------------ */

static void
reapplied(void *arg, int rc, const char *err)
{
	struct ifset *s = arg;

	s->reapplying--;
	if (rc < 0)
		log_err("staticaddr", "the kernel refused a saved address: %s", err);
	if (s->reapplying == 0 && s->reapply_due)
		reapply(s, NULL);
}

/* Add the saved address a to link l. */
static void
reapply_one(struct ifset *s, const struct staticaddr *a, const struct link *l)
{
	struct kreq q = addr_new(K_ADD, l->ifindex, a->family, a->addr, a->plen);
	char line[96], err[NLREQ_ERRLEN];

	staticaddr_format(a, line, sizeof(line));
	if (nlreq_addr_async(s->w->qa, RTM_NEWADDR, &q.a, reapplied, s, err, sizeof(err)) < 0) {
		log_err("staticaddr", "cannot add %s again: %s", line, err);
		return;
	}
	s->reapplying++;
	log_notice("staticaddr", "adding %s again (StorageType nonVolatile)", line);
}

/*
 * The saved addresses of link only (NULL: of every link) that it lacks
 * are added again (at start, when one vanishes or its link appears), but
 * not while a SET is under way nor while earlier adds are in flight: then
 * every link is looked at once the SET or the adds are over.  A link's
 * event costs a pass over the saved addresses, not over the links.
 */
static void
reapply(struct ifset *s, const struct link *only)
{
	if (!s->saved_on)
		return;
	if (s->w->set_acting || s->reapplying > 0) {
		s->reapply_due = 1;
		return;
	}
	s->reapply_due = 0;
	for (size_t i = 0; i < s->saved.n; i++) {
		const struct staticaddr *a = &s->saved.v[i];
		const struct link *l = only;

		if (only != NULL ? strcmp(only->name, a->ifname) != 0 :
				   (l = iface_link_named(s->ifm, a->ifname)) == NULL)
			continue;
		if (iface_addr_find(s->ifm, l->ifindex, a->family, a->addr, a->plen) == NULL)
			reapply_one(s, a, l);
	}
}

/*
 * The saved addresses that EnableStatic would refuse (a file edited by
 * hand): logged once and forgotten, not sent to the kernel at every pass.
 */
static void
screen_saved(struct ifset *s)
{
	for (size_t i = s->saved.n; i-- > 0;) {
		const struct staticaddr a = s->saved.v[i];
		const struct link *l = iface_link_named(s->ifm, a.ifname);
		const char *why = never_addr(a.family, a.addr, a.plen);
		char line[96];

		if (why == NULL && loopback_range(a.family, a.addr) &&
		    (l == NULL || !(l->flags & IFF_LOOPBACK)))
			why = "a loopback address on an interface that is not a loopback";
		if (why == NULL)
			continue;
		staticaddr_format(&a, line, sizeof(line));
		log_err("staticaddr", "%s/" STATICADDR_FILE ": %s skipped: %s", s->saved.dir, line,
		    why);
		staticaddrs_del(&s->saved, &a);
	}
}

int
ifset_use_statedir(struct ifset *s, const char *dir, char *err, size_t errlen)
{
	if (staticaddrs_open(&s->saved, dir, err, errlen) < 0)
		return -1;
	screen_saved(s);
	s->saved_on = 1;
	reapply(s, NULL);
	return 0;
}

static void
enter(void *ctx, int mode)
{
	struct ifset *s = ctx;

	nlreq_budget(s->w->qa, TXN_BUDGET_MS);
	s->sent = 0;
}

static void
abandon(void *ctx)
{
	writer_abandon_requests(((struct ifset *)ctx)->w);
}

/*
 * After UNDO and its events: the secondaries a primary's destroy took along
 * (or the kernel promoted, and UNDO deleted and added again) are kept again
 * with their StorageType, those that are back.
 */
static void
regive(struct ifset *s)
{
	for (size_t i = 0; i < s->nregive; i++)
		if (addr_present(s, &s->regive[i]) &&
		    vec_put(&s->made, &s->nmade, &s->capmade, sizeof(*s->made), &s->regive[i],
			&s->regive[i], made_cmp, NULL) < 0)
			log_err("set", "out of memory: an address's StorageType reads other(1)");
	s->nregive = 0;
}

/* After our requests, their events, so that a GET after the SET sees them (see mib_set.c). */
static void
leave(void *ctx, int mode)
{
	struct ifset *s = ctx;

	nlreq_budget(s->w->qa, 0);
	if (s->sent && (mode == MODE_SET_ACTION || mode == MODE_SET_UNDO))
		writer_sync(s->w);
	s->sent = 0;
	if (mode == MODE_SET_UNDO)
		regive(s);
	if (s->reapply_due)
		reapply(s, NULL);
}

static void
row_free(void *row)
{
	struct irow *r = row;

	for (size_t i = 0; i < r->nsteps; i++)
		free(r->steps[i].undo);
	free(r->steps);
	free(r->unsaved);
	free(r->sec_made);
	for (size_t i = 0; i < r->nmoves; i++)
		nlroute_free(&r->moves[i].kept);
	free(r->moves);
}

static const struct txn_group ifset_group = {
	.check_set = check_set,
	.action_end = action_end,
	.undo_end = undo_end,
	.enter = enter,
	.leave = leave,
	.abandon = abandon,
};

#define IROW_OPS(columns, index_fn)                                                                \
	.row_size = sizeof(struct irow), .row_name = row_name, .check = check_row, .apply = apply, \
	.row_free = row_free, .commit = commit, .group = &ifset_group, .parse_index = (index_fn),  \
	.refused = refused, MIB_COLUMNS(columns)

/* ---- the array tables Linux has no rows of ------------------------------------- */

struct nrow {
	const struct ifset_none *d; /* its table's */
	int32_t ifindex;
	uint32_t pos;
	struct ifrec old; /* the interface's record before the SET's */
};

static int
none_index(void *ctx, const oid *o, size_t len, void *row)
{
	struct nrow *r = row;
	char why[80];

	r->d = ctx;
	if (len != 2 || o[0] == 0 || o[0] > INT32_MAX || o[1] == 0 || o[1] > r->d->pos_max) {
		snprintf(why, sizeof(why),
		    "not an interface index 1..2147483647 and a position 1..%u",
		    (unsigned)r->d->pos_max);
		return txn_bad_index(r->d->table, o, len, why);
	}
	r->ifindex = (int32_t)o[0];
	r->pos = (uint32_t)o[1];
	return 0;
}

static void
none_name(const void *row, char *buf, size_t len)
{
	const struct nrow *r = row;

	snprintf(buf, len, "%s row %d.%u", r->d->table, (int)r->ifindex, r->pos);
}

/* Refuse, recording code for the table's method. */
static int
none_refuse(struct txn_row *tr, const struct ifset_none *d, int code, int err, const char *why)
{
	const struct nrow *r = txn_row_data(tr);

	record(d->s, T_CFG, r->ifindex, d->method, code);
	return txn_refuse(tr, err, "%s", why);
}

/* RESERVE2: destroy is what Linux is (no such rows); anything else is refused. */
static int
none_check(struct txn *x, struct txn_row *tr, const struct txn_ops *ops, oid status_col,
    const struct ifset_none *d)
{
	const struct nrow *r = txn_row_data(tr);
	const struct link *l = iface_link(d->s->ifm, r->ifindex);
	long status = 0;

	(void)x;
	(void)ops;
	if (l == NULL)
		return txn_refuse(tr, SNMP_ERR_NOCREATION, "no interface has this index");
	if (writer_protected(&d->s->w->cfg, l->name))
		return none_refuse(tr, d, CIM_RC_ACCESSDENIED, SNMP_ERR_NOACCESS,
		    "the interface is protected from SNMP writes (protectedInterfaces)");
	txn_int(tr, status_col, &status);
	if (status == RS_DESTROY)
		return 0;
	if (status == RS_CREATEANDGO || status == RS_CREATEANDWAIT)
		return none_refuse(tr, d, d->code, SNMP_ERR_INCONSISTENTVALUE, d->why);
	return none_refuse(tr, d, d->code,
	    status == 0 ? SNMP_ERR_INCONSISTENTNAME : SNMP_ERR_INCONSISTENTVALUE,
	    "the row does not exist");
}

static int
permit_check(struct txn *x, struct txn_row *tr, void *ctx)
{
	return none_check(x, tr, &mib_ifset_permit_ops, COL_ADCFG_PERMIT_ROWSTATUS, ctx);
}

static int
ipx_check(struct txn *x, struct txn_row *tr, void *ctx)
{
	return none_check(x, tr, &mib_ifset_ipx_ops, COL_ADCFG_IPX_ROWSTATUS, ctx);
}

static int
none_undo(void *row, void *arg)
{
	struct nrow *r = row;

	(void)arg;
	unrecord(r->d->s, T_CFG, r->ifindex, r->d->method, CIM_RC_SUCCESS, &r->old);
	return 0;
}

/* ACTION: a destroy (no row was there): the method done, 0. */
static int
none_apply(struct txn *x, struct txn_row *tr, void *ctx)
{
	const struct ifset_none *d = ctx;
	struct nrow *r = txn_row_data(tr);

	r->old = rec_get(d->s, r->ifindex);
	record(d->s, T_CFG, r->ifindex, d->method, CIM_RC_SUCCESS);
	txn_step(x, tr, none_undo, NULL);
	return 0;
}

/* RESERVE1: the column check refused a value: recorded as none_check() records. */
static void
none_refused(struct txn_row *tr, oid col, int err, void *ctx)
{
	const struct ifset_none *d = ctx;
	const struct nrow *r = txn_row_data(tr);

	(void)col;
	record_refused(d->s, T_CFG, r->ifindex, d->method, err);
}

static const struct txn_column permit_columns[] = {
	{ COL_ADCFG_PERMIT_VALUE, ASN_UNSIGNED, 0, NULL },
	{ COL_ADCFG_PERMIT_ROWSTATUS, ASN_INTEGER, 0, txn_check_go_status },
};

static const struct txn_column ipx_columns[] = {
	{ COL_ADCFG_IPX_FRAMETYPE, ASN_INTEGER, 0, NULL },
	{ COL_ADCFG_IPX_NETWORKNUMBER, ASN_OCTET_STR, 8, NULL },
	{ COL_ADCFG_IPX_ROWSTATUS, ASN_INTEGER, 0, txn_check_go_status },
};

#define NONE_OPS(columns, check_fn)                                                  \
	.row_size = sizeof(struct nrow), .row_name = none_name, .check = (check_fn), \
	.apply = none_apply, .parse_index = none_index, .refused = none_refused,     \
	MIB_COLUMNS(columns)

const struct txn_ops mib_ifset_permit_ops = { NONE_OPS(permit_columns, permit_check) };
const struct txn_ops mib_ifset_ipx_ops = { NONE_OPS(ipx_columns, ipx_check) };

const struct txn_ops mib_ifset_adapter_ops = { IROW_OPS(adapter_columns, adapter_index) };
const struct txn_ops mib_ifset_cfg_ops = { IROW_OPS(cfg_columns, cfg_index) };
const struct txn_ops mib_ifset_addr_ops = { IROW_OPS(addr_columns, addr_index) };
