/*
 * The JSON writer's layout for QEMU's vmdesc, shared with the QEMU wire
 * codec (qemustream/), which writes the vmdesc of the streams it makes.
 * Not installed; shared on purpose, so not named -internal.
 */
#ifndef QVISIT_QOBJECT_JSON_WRITER_H
#define QVISIT_QOBJECT_JSON_WRITER_H

#include "qvisit/qobject.h"

/*
 * qobject_to_json() laid out as QEMU writes the vmdesc into a migration
 * stream: one line, members separated by ", " and keys by ": "
 * ({"page_size": 4096, "devices": [...]}), the separators of Python's
 * json.dumps() without indent. Strings, numbers and escapes are those of
 * qobject_to_json().
 *
 * Returns: (transfer full): a new GString.
 */
GString *qobject__to_json_spaced(const QObject *obj);

#endif /* QVISIT_QOBJECT_JSON_WRITER_H */
