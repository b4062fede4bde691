/*
 * Device facts of the links that rtnetlink does not give: the device behind
 * a link (sysfs), its driver, link settings (ethtool: speed, duplex,
 * autonegotiation, the fastest supported mode), vendor and model named
 * through the PCI and USB ID databases, and runtime power management.
 * Keyed by ifindex, read when the interface mirror announces a link added
 * or changed (iface_watch()) and for every link at start and after a
 * re-dump (ifdev_sync()), never on a GET.  A link's change reads again the
 * links whose speed the kernel derives from it: its master (a bridge's is
 * its fastest running port's, a bond's the sum of its ports') and the links
 * stacked on it (struct link's lower: a vlan's, vxlan's... is its lower
 * link's), and theirs in turn; a port that leaves reads its old master
 * again.  The links stacked on another are kept as a sorted vector of
 * (lower, upper) pairs: finding them is a binary search.
 *
 * Cost per link: a stat and a few readlink()s and short reads under
 * /sys/class/net/IF (its device, driver, subsystem, vendor and device ids,
 * power/control) and two SIOCETHTOOL ioctls (ETHTOOL_GLINKSETTINGS, its
 * size handshake then the read): some microseconds, nothing for a virtual
 * link beyond the stat and the ioctls.  Naming a vendor and model is a scan
 * of pci.ids (1.3 MB, some milliseconds): done once per (bus, vendor,
 * device) and cached for the daemon's life, so 10,000 links of a few models
 * scan it a few times.  About 200 bytes a link.
 *
 * sysfs shows the links of the network namespace it was mounted in: the
 * daemon must run with /sys mounted in its own namespace (ip netns exec
 * does that).
 */
#ifndef CIMR_IFDEV_H
#define CIMR_IFDEV_H

#include <stddef.h>
#include <stdint.h>

#include "iface/ifmirror.h"

#define IFDEV_DRIVER_MAX  32
#define IFDEV_DEVPATH_MAX 128

enum ifdev_pm {
	IFDEV_PM_NONE, /* no device/power/control */
	IFDEV_PM_ON,   /* "on": kept at full power */
	IFDEV_PM_AUTO, /* "auto": runtime power management */
};

struct ifdev_info {
	int32_t ifindex;
	uint8_t has_device;              /* /sys/class/net/IF/device exists: a physical adapter */
	uint8_t wireless;                /* /sys/class/net/IF/phy80211 exists */
	uint8_t pm;                      /* enum ifdev_pm */
	uint8_t settings;                /* ethtool link settings were read */
	uint8_t autoneg;                 /* Autoneg among the supported modes */
	uint8_t duplex;                  /* DUPLEX_HALF, _FULL, _UNKNOWN */
	uint16_t vendor_id;              /* the bus's vendor id; 0 if none */
	uint32_t speed;                  /* Mbit/s; 0 when unknown (SPEED_UNKNOWN) */
	uint32_t max_speed;              /* Mbit/s, the fastest supported mode; 0 when none */
	int32_t master, lower;           /* the link's when read (struct link) */
	const char *vendor, *model;      /* from the ID database (cached); NULL if unknown */
	char driver[IFDEV_DRIVER_MAX];   /* basename of device/driver; "" if none */
	char devpath[IFDEV_DEVPATH_MAX]; /* device path under /sys/devices; "" if none */
};

struct ifdev;

/*
 * sysfs: "/sys" in the daemon; ids: the PCI and USB ID databases (NULL:
 * Debian's /usr/share/misc/pci.ids and usb.ids).  Tests give trees of their
 * own.  NULL with errno when out of memory.
 */
struct ifdev *ifdev_new(const char *sysfs, const char *pci_ids, const char *usb_ids);
void ifdev_free(struct ifdev *);
/* Read every link of ifm, drop the facts of links it no longer has. */
void ifdev_sync(struct ifdev *, const struct iface *ifm);
/* Read one link's facts now (a link added or changed).  0, or -1 with errno. */
int ifdev_refresh(struct ifdev *, const struct link *);
void ifdev_forget(struct ifdev *, int32_t ifindex);
/* The iface_change_fn to give iface_watch() (arg: the ifdev; ifdev_bind() first). */
void ifdev_link_changed(enum iface_change, const struct link *, const struct iface_addr *,
    void *arg);
/* The mirror that ifdev_link_changed() syncs with after a re-dump. */
void ifdev_bind(struct ifdev *, const struct iface *ifm);
/* The facts of ifindex, or NULL.  Valid until the next change. */
const struct ifdev_info *ifdev_get(const struct ifdev *, int32_t ifindex);
/*
 * The alias link name has in the kernel now (sysfs ifalias), into buf: the
 * kernel announces no alias change on a link that is down, so the mirror's
 * may be old there.  0, or -1 with errno.
 */
int ifdev_alias(const struct ifdev *, const char *name, char *buf, size_t len);

/*
 * The names the adapter classes show, from a link and its facts (d may be
 * NULL): the model, else the interface name (Name, ProductName); the
 * driver, else the link's kind, else NULL (ServiceName); the model, else
 * that, else the interface name (Description).
 */
const char *ifdev_model_or_name(const struct ifdev_info *d, const struct link *);
const char *ifdev_service(const struct ifdev_info *d, const struct link *);
const char *ifdev_description(const struct ifdev_info *d, const struct link *);

/* An ID database's names of vendor and device (hex ids), or NULL: a scan (tests). */
int ifdev_ids_lookup(const char *path, unsigned vendor, unsigned device, char *vname, size_t vlen,
    char *dname, size_t dlen);

#endif
