/*
 * qvisit: the whole public API.
 *
 *     #include <qvisit/qvisit.h>
 *
 * Link with `pkg-config --cflags --libs qvisit`.
 */
#ifndef QVISIT_QVISIT_H
#define QVISIT_QVISIT_H

#include "qvisit/common.h"
#include "qvisit/error.h"
#include "qvisit/limits.h"
#include "qvisit/qobject.h"
#include "qvisit/visitor.h"
#include "qvisit/qemu-file.h"
#include "qvisit/qemu-file-visitor.h"
#include "qvisit/binary-visitor.h"
#include "qvisit/migration.h"
#include "qvisit/migration-transport.h"
#include "qvisit/migration-output.h"
#include "qvisit/describe-visitor.h"
#include "qvisit/vmstate.h"
#include "qvisit/compat.h"
#include "qvisit/qemu-stream.h"
#include "qvisit/qemu-vmstate.h"
#include "qvisit/snapshot-store.h"

#endif /* QVISIT_QVISIT_H */
