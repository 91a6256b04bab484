/*
 * The transitional look-up: one visitor bound to each QEMUFile, so legacy
 * save/load code can be converted one statement at a time. qemu_fclose()
 * frees the bound visitor.
 */
#include "qvisit/qemu-file-visitor.h"

#include "qemufile/qemu-file-internal.h"

Visitor *qemu_file_get_visitor(QEMUFile *f)
{
    g_return_val_if_fail(f != NULL, NULL);
    if (!f->bound_visitor) {
        f->bound_visitor = f->writable ? qemu_file_output_visitor_new(f)
                                       : qemu_file_input_visitor_new(f);
    }
    return f->bound_visitor;
}
