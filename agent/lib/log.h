/* Logging through net-snmp's log (so -L options apply), with a subsystem tag. */
#ifndef CIMR_LOG_H
#define CIMR_LOG_H

#include <syslog.h>

void cimr_log(int prio, const char *tag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The same with ": strerror(errno)" appended (errno is kept). */
void cimr_log_errno(int prio, const char *tag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_err(tag, ...)        cimr_log(LOG_ERR, tag, __VA_ARGS__)
#define log_warn(tag, ...)       cimr_log(LOG_WARNING, tag, __VA_ARGS__)
#define log_notice(tag, ...)     cimr_log(LOG_NOTICE, tag, __VA_ARGS__)
#define log_info(tag, ...)       cimr_log(LOG_INFO, tag, __VA_ARGS__)
#define log_debug(tag, ...)      cimr_log(LOG_DEBUG, tag, __VA_ARGS__)
#define log_err_errno(tag, ...)  cimr_log_errno(LOG_ERR, tag, __VA_ARGS__)
#define log_warn_errno(tag, ...) cimr_log_errno(LOG_WARNING, tag, __VA_ARGS__)

#endif
