/*
 * Device facts per link: see ifdev.h.  A sorted vector of struct
 * ifdev_info by ifindex (lib/vec), an ethtool socket, and the cache of
 * names found in the ID databases.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "iface/ifdev.h"
#include "lib/log.h"
#include "lib/vec.h"

#define PCI_IDS "/usr/share/misc/pci.ids" /* Debian's pci.ids */
#define USB_IDS "/usr/share/misc/usb.ids" /* Debian's usb.ids */

/* The kernel's masks are 3 x link_mode_masks_nwords 32-bit words; 93 modes need 3. */
#define MODE_WORDS 16

enum bus { BUS_PCI, BUS_USB };

/* A (bus, vendor, device) looked up once; names NULL when the database lacks them. */
struct ids_entry {
	uint8_t bus;
	uint16_t vendor, device;
	char *vname, *dname;
};

struct ifdev {
	char *sysfs, *ids[2];
	int sock; /* SIOCETHTOOL; -1 if it could not be opened */
	const struct iface *ifm;
	struct ifdev_info *v;
	size_t n, cap;
	struct ids_entry *cache;
	size_t ncache, capcache;
	uint64_t *edges; /* (lower << 32 | upper) of each stacked link, sorted */
	size_t nedges, capedges;
};

/* How far a change is followed up (MAX_NEST_DEV, <linux/netdevice.h>). */
#define STACK_DEPTH 8

/*
 * The speed of each link mode of <linux/ethtool.h> that has one, in Mbit/s:
 * the number that starts the mode's name.
 */
static const uint32_t mode_mbps[] = {
	[ETHTOOL_LINK_MODE_10baseT_Half_BIT] = 10,
	[ETHTOOL_LINK_MODE_10baseT_Full_BIT] = 10,
	[ETHTOOL_LINK_MODE_100baseT_Half_BIT] = 100,
	[ETHTOOL_LINK_MODE_100baseT_Full_BIT] = 100,
	[ETHTOOL_LINK_MODE_1000baseT_Half_BIT] = 1000,
	[ETHTOOL_LINK_MODE_1000baseT_Full_BIT] = 1000,
	[ETHTOOL_LINK_MODE_10000baseT_Full_BIT] = 10000,
	[ETHTOOL_LINK_MODE_2500baseX_Full_BIT] = 2500,
	[ETHTOOL_LINK_MODE_1000baseKX_Full_BIT] = 1000,
	[ETHTOOL_LINK_MODE_10000baseKX4_Full_BIT] = 10000,
	[ETHTOOL_LINK_MODE_10000baseKR_Full_BIT] = 10000,
	[ETHTOOL_LINK_MODE_10000baseR_FEC_BIT] = 10000,
	[ETHTOOL_LINK_MODE_20000baseMLD2_Full_BIT] = 20000,
	[ETHTOOL_LINK_MODE_20000baseKR2_Full_BIT] = 20000,
	[ETHTOOL_LINK_MODE_40000baseKR4_Full_BIT] = 40000,
	[ETHTOOL_LINK_MODE_40000baseCR4_Full_BIT] = 40000,
	[ETHTOOL_LINK_MODE_40000baseSR4_Full_BIT] = 40000,
	[ETHTOOL_LINK_MODE_40000baseLR4_Full_BIT] = 40000,
	[ETHTOOL_LINK_MODE_56000baseKR4_Full_BIT] = 56000,
	[ETHTOOL_LINK_MODE_56000baseCR4_Full_BIT] = 56000,
	[ETHTOOL_LINK_MODE_56000baseSR4_Full_BIT] = 56000,
	[ETHTOOL_LINK_MODE_56000baseLR4_Full_BIT] = 56000,
	[ETHTOOL_LINK_MODE_25000baseCR_Full_BIT] = 25000,
	[ETHTOOL_LINK_MODE_25000baseKR_Full_BIT] = 25000,
	[ETHTOOL_LINK_MODE_25000baseSR_Full_BIT] = 25000,
	[ETHTOOL_LINK_MODE_50000baseCR2_Full_BIT] = 50000,
	[ETHTOOL_LINK_MODE_50000baseKR2_Full_BIT] = 50000,
	[ETHTOOL_LINK_MODE_100000baseKR4_Full_BIT] = 100000,
	[ETHTOOL_LINK_MODE_100000baseSR4_Full_BIT] = 100000,
	[ETHTOOL_LINK_MODE_100000baseCR4_Full_BIT] = 100000,
	[ETHTOOL_LINK_MODE_100000baseLR4_ER4_Full_BIT] = 100000,
	[ETHTOOL_LINK_MODE_50000baseSR2_Full_BIT] = 50000,
	[ETHTOOL_LINK_MODE_1000baseX_Full_BIT] = 1000,
	[ETHTOOL_LINK_MODE_10000baseCR_Full_BIT] = 10000,
	[ETHTOOL_LINK_MODE_10000baseSR_Full_BIT] = 10000,
	[ETHTOOL_LINK_MODE_10000baseLR_Full_BIT] = 10000,
	[ETHTOOL_LINK_MODE_10000baseLRM_Full_BIT] = 10000,
	[ETHTOOL_LINK_MODE_10000baseER_Full_BIT] = 10000,
	[ETHTOOL_LINK_MODE_2500baseT_Full_BIT] = 2500,
	[ETHTOOL_LINK_MODE_5000baseT_Full_BIT] = 5000,
	[ETHTOOL_LINK_MODE_50000baseKR_Full_BIT] = 50000,
	[ETHTOOL_LINK_MODE_50000baseSR_Full_BIT] = 50000,
	[ETHTOOL_LINK_MODE_50000baseCR_Full_BIT] = 50000,
	[ETHTOOL_LINK_MODE_50000baseLR_ER_FR_Full_BIT] = 50000,
	[ETHTOOL_LINK_MODE_50000baseDR_Full_BIT] = 50000,
	[ETHTOOL_LINK_MODE_100000baseKR2_Full_BIT] = 100000,
	[ETHTOOL_LINK_MODE_100000baseSR2_Full_BIT] = 100000,
	[ETHTOOL_LINK_MODE_100000baseCR2_Full_BIT] = 100000,
	[ETHTOOL_LINK_MODE_100000baseLR2_ER2_FR2_Full_BIT] = 100000,
	[ETHTOOL_LINK_MODE_100000baseDR2_Full_BIT] = 100000,
	[ETHTOOL_LINK_MODE_200000baseKR4_Full_BIT] = 200000,
	[ETHTOOL_LINK_MODE_200000baseSR4_Full_BIT] = 200000,
	[ETHTOOL_LINK_MODE_200000baseLR4_ER4_FR4_Full_BIT] = 200000,
	[ETHTOOL_LINK_MODE_200000baseDR4_Full_BIT] = 200000,
	[ETHTOOL_LINK_MODE_200000baseCR4_Full_BIT] = 200000,
	[ETHTOOL_LINK_MODE_100baseT1_Full_BIT] = 100,
	[ETHTOOL_LINK_MODE_1000baseT1_Full_BIT] = 1000,
	[ETHTOOL_LINK_MODE_400000baseKR8_Full_BIT] = 400000,
	[ETHTOOL_LINK_MODE_400000baseSR8_Full_BIT] = 400000,
	[ETHTOOL_LINK_MODE_400000baseLR8_ER8_FR8_Full_BIT] = 400000,
	[ETHTOOL_LINK_MODE_400000baseDR8_Full_BIT] = 400000,
	[ETHTOOL_LINK_MODE_400000baseCR8_Full_BIT] = 400000,
	[ETHTOOL_LINK_MODE_100000baseKR_Full_BIT] = 100000,
	[ETHTOOL_LINK_MODE_100000baseSR_Full_BIT] = 100000,
	[ETHTOOL_LINK_MODE_100000baseLR_ER_FR_Full_BIT] = 100000,
	[ETHTOOL_LINK_MODE_100000baseCR_Full_BIT] = 100000,
	[ETHTOOL_LINK_MODE_100000baseDR_Full_BIT] = 100000,
	[ETHTOOL_LINK_MODE_200000baseKR2_Full_BIT] = 200000,
	[ETHTOOL_LINK_MODE_200000baseSR2_Full_BIT] = 200000,
	[ETHTOOL_LINK_MODE_200000baseLR2_ER2_FR2_Full_BIT] = 200000,
	[ETHTOOL_LINK_MODE_200000baseDR2_Full_BIT] = 200000,
	[ETHTOOL_LINK_MODE_200000baseCR2_Full_BIT] = 200000,
	[ETHTOOL_LINK_MODE_400000baseKR4_Full_BIT] = 400000,
	[ETHTOOL_LINK_MODE_400000baseSR4_Full_BIT] = 400000,
	[ETHTOOL_LINK_MODE_400000baseLR4_ER4_FR4_Full_BIT] = 400000,
	[ETHTOOL_LINK_MODE_400000baseDR4_Full_BIT] = 400000,
	[ETHTOOL_LINK_MODE_400000baseCR4_Full_BIT] = 400000,
	[ETHTOOL_LINK_MODE_100baseFX_Half_BIT] = 100,
	[ETHTOOL_LINK_MODE_100baseFX_Full_BIT] = 100,
	[ETHTOOL_LINK_MODE_10baseT1L_Full_BIT] = 10,
};

VEC_CMP_FIELD(info_cmp, struct ifdev_info, ifindex, int32_t)

struct ifdev *
ifdev_new(const char *sysfs, const char *pci_ids, const char *usb_ids)
{
	struct ifdev *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->sysfs = strdup(sysfs != NULL ? sysfs : "/sys");
	d->ids[BUS_PCI] = strdup(pci_ids != NULL ? pci_ids : PCI_IDS);
	d->ids[BUS_USB] = strdup(usb_ids != NULL ? usb_ids : USB_IDS);
	if (d->sysfs == NULL || d->ids[BUS_PCI] == NULL || d->ids[BUS_USB] == NULL) {
		ifdev_free(d);
		errno = ENOMEM;
		return NULL;
	}
	/* Without it, no link settings: the columns that need them are absent. */
	if ((d->sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		log_warn_errno("ifdev", "no socket for ethtool requests");
	return d;
}

void
ifdev_free(struct ifdev *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->ncache; i++) {
		free(d->cache[i].vname);
		free(d->cache[i].dname);
	}
	if (d->sock >= 0)
		close(d->sock);
	free(d->cache);
	free(d->edges);
	free(d->v);
	free(d->sysfs);
	free(d->ids[BUS_PCI]);
	free(d->ids[BUS_USB]);
	free(d);
}

/* ---- the ID databases ----------------------------------------------------- */

/* "hhhh  name" after prefix tabs: the id and the name, or -1. */
static int
ids_line(const char *line, int tabs, unsigned *id, const char **name)
{
	char *end;
	unsigned long v;

	for (int i = 0; i < tabs; i++)
		if (line[i] != '\t')
			return -1;
	line += tabs;
	if (line[0] == '\t' || line[0] == '#' || line[0] == '\0')
		return -1;
	v = strtoul(line, &end, 16);
	if (end != line + 4 || end[0] != ' ' || v > 0xffff)
		return -1;
	while (*end == ' ')
		end++;
	*id = (unsigned)v;
	*name = end;
	return 0;
}

static void
copy_name(char *dst, size_t len, const char *src)
{
	size_t n = strcspn(src, "\n");

	if (len == 0)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * The pci.ids / usb.ids format: a vendor line "vvvv  name", then its
 * devices "\tdddd  name" and their subsystems "\t\t...".  A scan to the
 * vendor, then through its devices.
 */
int
ifdev_ids_lookup(const char *path, unsigned vendor, unsigned device, char *vname, size_t vlen,
    char *dname, size_t dlen)
{
	char line[512];
	FILE *f = fopen(path, "re");
	int found = 0;
	unsigned id;
	const char *name;

	if (f == NULL)
		return -1;
	*dname = '\0';
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strchr(line, '\n') == NULL && !feof(f)) {
			int c;

			while ((c = getc(f)) != EOF && c != '\n')
				; /* longer than any name: skip the rest */
		}
		if (!found) {
			if (ids_line(line, 0, &id, &name) == 0 && id == vendor) {
				copy_name(vname, vlen, name);
				found = 1;
			}
			continue;
		}
		if (line[0] != '\t' && line[0] != '#')
			break; /* the next vendor */
		if (ids_line(line, 1, &id, &name) == 0 && id == device) {
			copy_name(dname, dlen, name);
			break;
		}
	}
	fclose(f);
	return found ? 0 : -1;
}

/* The cached names of (bus, vendor, device), looked up the first time. */
static const struct ids_entry *
ids_names(struct ifdev *d, enum bus bus, unsigned vendor, unsigned device)
{
	char vname[256], dname[256];
	struct ids_entry e = { .bus = bus, .vendor = (uint16_t)vendor, .device = (uint16_t)device };

	for (size_t i = 0; i < d->ncache; i++)
		if (d->cache[i].bus == bus && d->cache[i].vendor == vendor &&
		    d->cache[i].device == device)
			return &d->cache[i];
	if (vec_reserve(&d->cache, &d->capcache, d->ncache, sizeof(*d->cache), 8) < 0)
		return NULL;
	if (ifdev_ids_lookup(d->ids[bus], vendor, device, vname, sizeof(vname), dname,
		sizeof(dname)) == 0) {
		e.vname = strdup(vname);
		e.dname = dname[0] != '\0' ? strdup(dname) : NULL;
	}
	d->cache[d->ncache] = e;
	return &d->cache[d->ncache++];
}

/* ---- sysfs ---------------------------------------------------------------- */

/* A short sysfs file of link name (path after /sys/class/net/NAME/) into buf: its length, or -1. */
static ssize_t
read_raw(const struct ifdev *d, const char *name, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/class/net/%s/%s", d->sysfs, name, attr);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* A one-line sysfs file, newline cut. */
static int
read_attr(const struct ifdev *d, const char *name, const char *attr, char *buf, size_t len)
{
	if (read_raw(d, name, attr, buf, len) < 0)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* The alias as the kernel keeps it: the newline its ifalias file adds cut, any other kept. */
int
ifdev_alias(const struct ifdev *d, const char *name, char *buf, size_t len)
{
	ssize_t n = read_raw(d, name, "ifalias", buf, len);

	if (n < 0)
		return -1;
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

static int
exists(const struct ifdev *d, const char *name, const char *attr)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/class/net/%s/%s", d->sysfs, name, attr);
	return stat(path, &st) == 0;
}

/* The last component of the target of a symbolic link under the link's directory. */
static int
link_base(const struct ifdev *d, const char *name, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	const char *b;

	snprintf(path, sizeof(path), "%s/class/net/%s/%s", d->sysfs, name, attr);
	if ((n = readlink(path, target, sizeof(target) - 1)) < 0)
		return -1;
	target[n] = '\0';
	b = strrchr(target, '/');
	copy_name(buf, len, b != NULL ? b + 1 : target);
	return 0;
}

static unsigned
hex_id(const char *s)
{
	unsigned long v = strtoul(s, NULL, 16); /* "0x8086" (PCI) or "8086" (USB) */

	return v > 0xffff ? 0 : (unsigned)v;
}

/* The device's bus ids, and their names when the database has them. */
static void
read_ids(struct ifdev *d, const char *name, struct ifdev_info *info)
{
	char bus[32], v[16], p[16];
	const struct ids_entry *e;
	enum bus b;

	if (link_base(d, name, "device/subsystem", bus, sizeof(bus)) < 0)
		return;
	if (strcmp(bus, "pci") == 0) {
		b = BUS_PCI;
		if (read_attr(d, name, "device/vendor", v, sizeof(v)) < 0 ||
		    read_attr(d, name, "device/device", p, sizeof(p)) < 0)
			return;
	} else if (strcmp(bus, "usb") == 0) {
		/* The link's device is a USB interface; the ids are its device's. */
		b = BUS_USB;
		if (read_attr(d, name, "device/../idVendor", v, sizeof(v)) < 0 ||
		    read_attr(d, name, "device/../idProduct", p, sizeof(p)) < 0)
			return;
	} else
		return;
	info->vendor_id = (uint16_t)hex_id(v);
	if ((e = ids_names(d, b, hex_id(v), hex_id(p))) != NULL) {
		info->vendor = e->vname;
		info->model = e->dname;
	}
}

/* The device path relative to /sys/devices, e.g. "pci0000:00/0000:00:03.0". */
static void
read_devpath(const struct ifdev *d, const char *name, struct ifdev_info *info)
{
	char path[PATH_MAX], real[PATH_MAX], prefix[PATH_MAX];
	size_t plen;

	snprintf(path, sizeof(path), "%s/class/net/%s/device", d->sysfs, name);
	if (realpath(path, real) == NULL)
		return;
	plen = (size_t)snprintf(prefix, sizeof(prefix), "%s/devices/", d->sysfs);
	copy_name(info->devpath, sizeof(info->devpath),
	    strncmp(real, prefix, plen) == 0 ? real + plen : real);
}

static void
read_sysfs(struct ifdev *d, const char *name, struct ifdev_info *info)
{
	char pm[16];

	info->wireless = exists(d, name, "phy80211");
	if (!(info->has_device = exists(d, name, "device")))
		return;
	link_base(d, name, "device/driver", info->driver, sizeof(info->driver));
	read_devpath(d, name, info);
	read_ids(d, name, info);
	if (read_attr(d, name, "device/power/control", pm, sizeof(pm)) == 0)
		info->pm = strcmp(pm, "auto") == 0 ? IFDEV_PM_AUTO : IFDEV_PM_ON;
}

/* ---- ethtool -------------------------------------------------------------- */

struct link_settings {
	struct ethtool_link_settings s;
	uint32_t masks[3 * MODE_WORDS]; /* supported, advertising, lp_advertising */
};

static int
ethtool(const struct ifdev *d, const char *name, void *data)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_data = data;
	return ioctl(d->sock, SIOCETHTOOL, &ifr);
}

static int
mode_supported(const uint32_t *sup, unsigned bit)
{
	return (sup[bit / 32] >> (bit % 32)) & 1;
}

/*
 * ETHTOOL_GLINKSETTINGS: first asked with no room for the masks, the kernel
 * answers with -(the number of words it needs) (<linux/ethtool.h>, "the
 * handshake"), then the real request.
 */
static void
read_settings(const struct ifdev *d, const char *name, struct ifdev_info *info)
{
	struct link_settings ls;
	int8_t words;

	if (d->sock < 0)
		return;
	memset(&ls, 0, sizeof(ls));
	ls.s.cmd = ETHTOOL_GLINKSETTINGS;
	if (ethtool(d, name, &ls) < 0 || ls.s.link_mode_masks_nwords >= 0)
		return;
	words = (int8_t)-ls.s.link_mode_masks_nwords;
	if (words > MODE_WORDS)
		return;
	memset(&ls, 0, sizeof(ls));
	ls.s.cmd = ETHTOOL_GLINKSETTINGS;
	ls.s.link_mode_masks_nwords = words;
	if (ethtool(d, name, &ls) < 0 || ls.s.link_mode_masks_nwords != words)
		return;
	info->settings = 1;
	info->speed = ls.s.speed == (uint32_t)SPEED_UNKNOWN ? 0 : ls.s.speed;
	info->duplex = ls.s.duplex;
	info->autoneg = mode_supported(ls.masks, ETHTOOL_LINK_MODE_Autoneg_BIT);
	for (unsigned bit = 0; bit < sizeof(mode_mbps) / sizeof(mode_mbps[0]); bit++)
		if (mode_supported(ls.masks, bit) && mode_mbps[bit] > info->max_speed)
			info->max_speed = mode_mbps[bit];
}

/* ---- the set -------------------------------------------------------------- */

static void
read_info(struct ifdev *d, const struct link *l, struct ifdev_info *info)
{
	memset(info, 0, sizeof(*info));
	info->ifindex = l->ifindex;
	info->duplex = DUPLEX_UNKNOWN;
	info->master = l->master;
	info->lower = l->lower;
	read_sysfs(d, l->name, info);
	read_settings(d, l->name, info);
}

/* ---- the stacked links ---------------------------------------------------- */

static uint64_t
edge(int32_t lower, int32_t upper)
{
	return (uint64_t)(uint32_t)lower << 32 | (uint32_t)upper;
}

static int
edge_cmp(const void *elem, const void *key)
{
	uint64_t a = *(const uint64_t *)elem, b = *(const uint64_t *)key;

	return a < b ? -1 : a > b;
}

/* upper's lower link was was and is now lower (0: none). */
static int
edge_move(struct ifdev *d, int32_t upper, int32_t was, int32_t lower)
{
	uint64_t e = edge(was, upper);

	if (was == lower)
		return 0;
	if (was != 0)
		vec_del(d->edges, &d->nedges, sizeof(*d->edges), &e, edge_cmp, NULL);
	e = edge(lower, upper);
	if (lower != 0 &&
	    vec_put(&d->edges, &d->nedges, &d->capedges, sizeof(*d->edges), &e, &e, edge_cmp,
		NULL) < 0)
		return -1;
	return 0;
}

/* After ifdev_sync(): the pairs of every stacked link, sorted at once. */
static void
edges_sync(struct ifdev *d)
{
	d->nedges = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].lower == 0)
			continue;
		if (vec_reserve(&d->edges, &d->capedges, d->nedges, sizeof(*d->edges), 16) < 0) {
			log_err("ifdev", "out of memory: the stacked links are not all known");
			break;
		}
		d->edges[d->nedges++] = edge(d->v[i].lower, d->v[i].ifindex);
	}
	if (d->nedges > 1) /* qsort() takes no NULL base, even for no element */
		qsort(d->edges, d->nedges, sizeof(*d->edges), edge_cmp);
}

int
ifdev_refresh(struct ifdev *d, const struct link *l)
{
	struct ifdev_info info, old;
	int known;

	read_info(d, l, &info);
	known = vec_put(&d->v, &d->n, &d->cap, sizeof(*d->v), &info, &info.ifindex, info_cmp, &old);
	if (known < 0)
		return -1;
	return edge_move(d, l->ifindex, known ? old.lower : 0, l->lower);
}

void
ifdev_forget(struct ifdev *d, int32_t ifindex)
{
	struct ifdev_info old;

	if (vec_del(d->v, &d->n, sizeof(*d->v), &ifindex, info_cmp, &old) == 1)
		edge_move(d, ifindex, old.lower, 0);
}

/* Both lists are sorted by ifindex: the new one is made in order. */
void
ifdev_sync(struct ifdev *d, const struct iface *ifm)
{
	size_t n;
	const struct link *l = iface_links(ifm, &n);
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	d->n = 0;
	for (size_t i = 0; i < n; i++) {
		if (vec_reserve(&d->v, &d->cap, d->n, sizeof(*d->v), 64) < 0) {
			log_err("ifdev", "out of memory: device facts of %zu links only", d->n);
			return;
		}
		read_info(d, &l[i], &d->v[d->n++]);
	}
	edges_sync(d);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_info("ifdev", "device facts of %zu links read in %ld ms", n,
	    (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
}

void
ifdev_bind(struct ifdev *d, const struct iface *ifm)
{
	d->ifm = ifm;
}

static void
refresh_logged(struct ifdev *d, const struct link *l)
{
	if (ifdev_refresh(d, l) < 0)
		log_err("ifdev", "out of memory keeping the device facts of %s", l->name);
}

static void refresh_above(struct ifdev *d, int32_t ifindex, int32_t master, int depth);

/* Link ifindex of the mirror (if any) read again, then those above it. */
static void
refresh_index(struct ifdev *d, int32_t ifindex, int depth)
{
	const struct link *l;

	if (ifindex <= 0 || depth > STACK_DEPTH || d->ifm == NULL ||
	    (l = iface_link(d->ifm, ifindex)) == NULL)
		return;
	refresh_logged(d, l);
	refresh_above(d, ifindex, l->master, depth + 1);
}

/*
 * The links whose speed the kernel derives from link ifindex's: its master
 * and the links stacked on it.  The pairs are searched again after each
 * (a refresh may change them).
 */
static void
refresh_above(struct ifdev *d, int32_t ifindex, int32_t master, int depth)
{
	uint64_t key = edge(ifindex, 0);
	size_t i;

	refresh_index(d, master, depth);
	while ((i = vec_lower_bound(d->edges, d->nedges, sizeof(*d->edges), &key, edge_cmp, 1)) <
		d->nedges &&
	    d->edges[i] >> 32 == (uint32_t)ifindex) {
		key = d->edges[i];
		refresh_index(d, (int32_t)(uint32_t)key, depth);
	}
}

/* l changed, or is gone: it, its master, the one it had before and the links on it. */
static void
link_changed(struct ifdev *d, const struct link *l, int gone)
{
	const struct ifdev_info *old = ifdev_get(d, l->ifindex);
	int32_t was_master = old != NULL ? old->master : 0;

	if (gone)
		ifdev_forget(d, l->ifindex);
	else
		refresh_logged(d, l);
	refresh_above(d, l->ifindex, l->master, 1);
	if (was_master != l->master)
		refresh_index(d, was_master, 1);
}

void
ifdev_link_changed(enum iface_change what, const struct link *l, const struct iface_addr *a,
    void *arg)
{
	struct ifdev *d = arg;

	(void)a;
	switch (what) {
	case IFACE_LINK_ADDED:
	case IFACE_LINK_STATE:
	case IFACE_LINK_CHANGED: link_changed(d, l, 0); break;
	case IFACE_LINK_REMOVED: link_changed(d, l, 1); break;
	case IFACE_RELOADED:
		if (d->ifm != NULL)
			ifdev_sync(d, d->ifm);
		break;
	default: break;
	}
}

const char *
ifdev_model_or_name(const struct ifdev_info *d, const struct link *l)
{
	return d != NULL && d->model != NULL ? d->model : l->name;
}

const char *
ifdev_service(const struct ifdev_info *d, const struct link *l)
{
	if (d != NULL && d->driver[0] != '\0')
		return d->driver;
	return l->kind[0] != '\0' ? l->kind : NULL;
}

const char *
ifdev_description(const struct ifdev_info *d, const struct link *l)
{
	const char *s = d != NULL && d->model != NULL ? d->model : ifdev_service(d, l);

	return s != NULL ? s : l->name;
}

const struct ifdev_info *
ifdev_get(const struct ifdev *d, int32_t ifindex)
{
	return vec_find(d->v, d->n, sizeof(*d->v), &ifindex, info_cmp);
}
