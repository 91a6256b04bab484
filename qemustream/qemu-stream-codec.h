/*
 * The one QEMU wire codec, as the layers above qemustream/ use it: the
 * migration core's legacy format (migration/format-legacy.c) is QEMU's
 * savevm layout and reads and writes it through these functions, as
 * `dump --qemu` and `encode --qemu` do through <qvisit/qemu-stream.h>.
 * Not installed; shared on purpose, so not named -internal
 * (docs/architecture.md, "Layering").
 */
#ifndef QVISIT_QEMUSTREAM_QEMU_STREAM_CODEC_H
#define QVISIT_QEMUSTREAM_QEMU_STREAM_CODEC_H

#include "qvisit/qemu-file.h"
#include "qvisit/qobject.h"
#include "qvisit/visitor.h"

/*
 * A payload writer for a device section: it forwards every call of the
 * walk to a QEMUFile output visitor on @f, which writes the payload bytes,
 * and at visit_complete() sets *@fields (transfer full) to QEMU's vmdesc
 * description of those bytes, the "fields" of the section's vmdesc entry.
 */
Visitor *qs__vmdesc_visitor_new(QEMUFile *f, QList **fields);

#endif /* QVISIT_QEMUSTREAM_QEMU_STREAM_CODEC_H */
