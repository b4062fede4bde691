/*
 * A writable table whose rows fail in ACTION (a change the kernel would
 * refuse), for the unit tests that bind it to the same SET transaction as
 * the table they test, to see UNDO put everything back: fail_t, through
 * txn_bind(txn, &fail_t, &fail_ops, NULL); its column 2, index 1.
 */
#ifndef CIMR_TEST_FAILTABLE_H
#define CIMR_TEST_FAILTABLE_H

#include <stdio.h>

#include "snmp/txn.h"

static inline int
fail_parse(void *ctx, const oid *idx, size_t len, void *row)
{
	(void)ctx, (void)idx, (void)len, (void)row;
	return SNMP_ERR_NOERROR;
}

static inline void
fail_name(const void *row, char *buf, size_t len)
{
	(void)row;
	snprintf(buf, len, "failing row");
}

static inline int
fail_check(struct txn *x, struct txn_row *row, void *ctx)
{
	(void)x, (void)row, (void)ctx;
	return SNMP_ERR_NOERROR;
}

static inline int
fail_apply(struct txn *x, struct txn_row *row, void *ctx)
{
	(void)x, (void)row, (void)ctx;
	return SNMP_ERR_COMMITFAILED;
}

static const struct txn_column fail_cols[] = { { 2, ASN_INTEGER, 0, NULL } };
static const struct txn_ops fail_ops = {
	MIB_COLUMNS(fail_cols),
	.parse_index = fail_parse,
	.row_name = fail_name,
	.check = fail_check,
	.apply = fail_apply,
};
static struct mib_table fail_t = { .name = "failing", MIB_ENTRY(1, 3, 6, 1, 4, 1, 32473, 99, 1) };

#endif
