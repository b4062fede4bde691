/* The configuration file's own tokens (net-snmp's config syntax). */
#ifndef CIMR_CONF_H
#define CIMR_CONF_H

#include <stdint.h>

#include "route/mirror.h"

/* Register the tokens; values land in *cfg as the files are read. */
void conf_register(struct mirror_config *cfg);
/* writableProtocols: which routes SNMP may change, into writable_proto[rtm_protocol]. */
void conf_register_writer(uint8_t writable_proto[256]);
int conf_parse_protocols(uint8_t out[256], const char *value, char *err, size_t errlen);
/* notifyEnabled, notifyRateLimit, eventHistorySize, notifyQueueLength. */
struct notify_settings;
void conf_register_notify(struct notify_settings *);
/* Number of bad lines seen while reading (each already logged with file and line). */
int conf_errors(void);

/* Parse "main", "local", "default", "all" or a number into cfg; 0 or -1. */
int conf_parse_tables(struct mirror_config *cfg, const char *value, char *err, size_t errlen);

#endif
