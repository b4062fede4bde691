/* CIM-ROUTE-MIB's root: the one place it is written in the daemon (see mibs/). */
#ifndef CIMR_OIDS_H
#define CIMR_OIDS_H

/* enterprises.32473 is RFC 5612's example number, until one is assigned. */
#define CIMR_ROOT 1, 3, 6, 1, 4, 1, 32473, 1

#define CIMR_OBJECTS CIMR_ROOT, 1
#define CIMR_IP4ROUTE CIMR_OBJECTS, 1

#endif
