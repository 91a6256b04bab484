/*
 * qemu_vmstate_compare(): the checks of QEMU 7.2's
 * scripts/vmstate-static-checker.py, finding for finding.
 *
 * The script's rules are followed exactly, quirks included, so that its
 * users get the same verdicts: the findings come in its order; a
 * section's "minimum version error" is only reported at the description
 * level (the script prints it only when it has a description name, and a
 * section's versions are its description's); the walk over two field
 * lists steps into structs that one side added or removed around fields
 * that kept their wire format, and lets "unused" fields stand for the same
 * number of bytes of real ones; and the tables of known renames are the
 * script's.
 */
#include "qvisit/qemu-vmstate.h"

#include <inttypes.h>
#include <string.h>

#include "migration/qemu-vmstate-internal.h"

/* Fields, or descriptions, renamed without a change of the wire format,
 * per description (or section) name: any two names of one list match.
 * From the script's check_fields_match(). */
static const struct {
    const char *owner;
    const char *const *names;
} changed_names[] = {
    { "apic", (const char *const[]){ "timer", "timer_expiry", NULL } },
    { "e1000", (const char *const[]){ "dev", "parent_obj", NULL } },
    { "ehci", (const char *const[]){ "dev", "pcidev", NULL } },
    { "I440FX", (const char *const[]){ "dev", "parent_obj", NULL } },
    { "ich9_ahci", (const char *const[]){ "card", "parent_obj", NULL } },
    { "ich9-ahci", (const char *const[]){ "ahci", "ich9_ahci", NULL } },
    { "ioh3420", (const char *const[]){ "PCIDevice", "PCIEDevice", NULL } },
    { "ioh-3240-express-root-port",
      (const char *const[]){ "port.br.dev",
                             "parent_obj.parent_obj.parent_obj",
                             "port.br.dev.exp.aer_log",
                             "parent_obj.parent_obj.parent_obj.exp.aer_log",
                             NULL } },
    { "cirrus_vga",
      (const char *const[]){ "hw_cursor_x", "vga.hw_cursor_x",
                             "hw_cursor_y", "vga.hw_cursor_y", NULL } },
    { "lsiscsi", (const char *const[]){ "dev", "parent_obj", NULL } },
    { "mch", (const char *const[]){ "d", "parent_obj", NULL } },
    { "pci_bridge",
      (const char *const[]){ "bridge.dev", "parent_obj", "bridge.dev.shpc",
                             "shpc", NULL } },
    { "pcnet", (const char *const[]){ "pci_dev", "parent_obj", NULL } },
    { "PIIX3",
      (const char *const[]){ "pci_irq_levels", "pci_irq_levels_vmstate",
                             NULL } },
    { "piix4_pm",
      (const char *const[]){ "dev", "parent_obj", "pci0_status",
                             "acpi_pci_hotplug.acpi_pcihp_pci_status[0x0]",
                             "pm1a.sts", "ar.pm1.evt.sts", "pm1a.en",
                             "ar.pm1.evt.en", "pm1_cnt.cnt",
                             "ar.pm1.cnt.cnt", "tmr.timer", "ar.tmr.timer",
                             "tmr.overflow_time", "ar.tmr.overflow_time",
                             "gpe", "ar.gpe", NULL } },
    { "rtl8139", (const char *const[]){ "dev", "parent_obj", NULL } },
    { "qxl", (const char *const[]){ "num_surfaces", "ssd.num_surfaces",
                                    NULL } },
    { "usb-ccid",
      (const char *const[]){ "abProtocolDataStructure",
                             "abProtocolDataStructure.data", NULL } },
    { "usb-host", (const char *const[]){ "dev", "parent_obj", NULL } },
    { "usb-mouse",
      (const char *const[]){ "usb-ptr-queue", "HIDPointerEventQueue",
                             NULL } },
    { "usb-tablet",
      (const char *const[]){ "usb-ptr-queue", "HIDPointerEventQueue",
                             NULL } },
    { "vmware_vga", (const char *const[]){ "card", "parent_obj", NULL } },
    { "vmware_vga_internal",
      (const char *const[]){ "depth", "new_depth", NULL } },
    { "xhci", (const char *const[]){ "pci_dev", "parent_obj", NULL } },
    { "x3130-upstream",
      (const char *const[]){ "PCIDevice", "PCIEDevice", NULL } },
    { "xio3130-express-downstream-port",
      (const char *const[]){ "port.br.dev",
                             "parent_obj.parent_obj.parent_obj",
                             "port.br.dev.exp.aer_log",
                             "parent_obj.parent_obj.parent_obj.exp.aer_log",
                             NULL } },
    { "xio3130-downstream",
      (const char *const[]){ "PCIDevice", "PCIEDevice", NULL } },
    { "xio3130-express-upstream-port",
      (const char *const[]){ "br.dev", "parent_obj.parent_obj",
                             "br.dev.exp.aer_log",
                             "parent_obj.parent_obj.exp.aer_log", NULL } },
    { "spapr_pci",
      (const char *const[]){ "dma_liobn[0]", "mig_liobn", "mem_win_addr",
                             "mig_mem_win_addr", "mem_win_size",
                             "mig_mem_win_size", "io_win_addr",
                             "mig_io_win_addr", "io_win_size",
                             "mig_io_win_size", NULL } },
};

/* Sections renamed between QEMU versions (the script's
 * get_changed_sec_name()); either name finds the other. */
static const char *const changed_sections[][2] = {
    { "ICH9 LPC", "ICH9-LPC" },
    { "e1000-82540em", "e1000" },
};

static bool in_list(const char *const *names, const char *name)
{
    for (; *names; names++) {
        if (!strcmp(*names, name)) {
            return true;
        }
    }
    return false;
}

static bool fields_match(const char *owner, const char *s, const char *d)
{
    if (!strcmp(s, d)) {
        return true;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(changed_names); i++) {
        if (!strcmp(changed_names[i].owner, owner)) {
            return in_list(changed_names[i].names, s) &&
                   in_list(changed_names[i].names, d);
        }
    }
    return false;
}

static const char *changed_section_name(const char *sec)
{
    for (size_t i = 0; i < G_N_ELEMENTS(changed_sections); i++) {
        if (!strcmp(changed_sections[i][0], sec)) {
            return changed_sections[i][1];
        }
        if (!strcmp(changed_sections[i][1], sec)) {
            return changed_sections[i][0];
        }
    }
    return NULL;
}

typedef struct Cmp {
    GPtrArray *out;
    const char *sec;            /* the source section's key */
    GString *path;              /* source field path, from the section */
} Cmp;

#define ADD(c, kind, path, desc, ...) \
    qvs__add((c)->out, (kind), (c)->sec, -1, (path), (desc), __VA_ARGS__)

/* "path.name", for a finding about field @name under the current path. */
static char *field_path(const Cmp *c, const char *name)
{
    return g_strdup_printf("%s.%s", c->path->str, name);
}

static void check_version(Cmp *c, const QvsVersion *s, const QvsVersion *d,
                          const char *path, const char *desc)
{
    g_autofree char *pre = desc ? g_strdup_printf("description \"%s\": ",
                                                  desc)
                                : g_strdup("");

    if (s->version_id > d->version_id) {
        ADD(c, QEMU_VMSTATE_FINDING_VERSION, path, desc,
            "%sversion %" PRId64 " is above the destination's %" PRId64,
            pre, s->version_id, d->version_id);
    }
    /* The script reports this one only with a description name. */
    if (desc && d->has_min && s->version_id < d->minimum_version_id) {
        ADD(c, QEMU_VMSTATE_FINDING_MINIMUM_VERSION, path, desc,
            "%sversion %" PRId64 " is below the destination's minimum %"
            PRId64, pre, s->version_id, d->minimum_version_id);
    }
}

static void check_descriptions(Cmp *c, const QvsDesc *s, const QvsDesc *d);

static void check_description_in_list(Cmp *c, const QvsField *s,
                                      const QvsField *d, const char *desc)
{
    size_t mark = c->path->len;

    if (!s->desc) {
        return;
    }
    if (!d->desc) {
        g_autofree char *p = field_path(c, s->name);

        ADD(c, QEMU_VMSTATE_FINDING_DESCRIPTION_MISSING, p, desc,
            "description \"%s\": the destination has no description of "
            "this field", desc);
        return;
    }
    g_string_append_printf(c->path, ".%s", s->name);
    check_descriptions(c, s->desc, d->desc);
    g_string_truncate(c->path, mark);
}

/* Where one side of check_fields() stands in a field list. */
typedef struct Iter {
    const QvsField *items;
    size_t n, i;
    size_t path_len;            /* source side: c->path's length there */
} Iter;

static Iter iter_of(const QvsDesc *d, size_t path_len)
{
    return (Iter){ d->fields, d->n_fields, 0, path_len };
}

/* The script's exists_in_substruct(): @f is a struct whose first field
 * matches @name, as when fields moved into a new struct. */
static bool starts_substruct(const QvsField *f, const char *name)
{
    return f->desc && f->desc->fields && f->desc->n_fields > 0 &&
           fields_match(f->desc->name, f->desc->fields[0].name, name);
}

/* Compares two field lists of description @desc as the script's
 * check_fields() does; see the file comment. */
static void check_fields(Cmp *c, const QvsDesc *src, const QvsDesc *dst)
{
    const char *desc = src->name;
    g_autoptr(GArray) s_stack = g_array_new(false, false, sizeof(Iter));
    g_autoptr(GArray) d_stack = g_array_new(false, false, sizeof(Iter));
    Iter s_it = iter_of(src, c->path->len), d_it = iter_of(dst, 0);
    const QvsField *s = NULL, *d = NULL;
    bool advance_src = true, advance_dest = true;
    int64_t unused = 0;
    size_t base = c->path->len;

    for (;;) {
        g_autofree char *p = NULL;

        if (advance_src) {
            if (s_it.i == s_it.n) {
                if (!s_stack->len) {
                    break;
                }
                s_it = g_array_index(s_stack, Iter, s_stack->len - 1);
                g_array_set_size(s_stack, s_stack->len - 1);
                g_string_truncate(c->path, s_it.path_len);
                continue;
            }
            s = &s_it.items[s_it.i++];
        } else if (unused == 0) {
            /* Held back for one step only, entering or leaving a
             * destination struct. */
            advance_src = true;
        }
        if (advance_dest) {
            if (d_it.i == d_it.n) {
                if (!d_stack->len) {
                    p = field_path(c, s->name);
                    ADD(c, QEMU_VMSTATE_FINDING_FIELD_MISSING, p, desc,
                        "description \"%s\": the destination has no "
                        "further fields", desc);
                    break;
                }
                d_it = g_array_index(d_stack, Iter, d_stack->len - 1);
                g_array_set_size(d_stack, d_stack->len - 1);
                advance_src = false;
                continue;
            }
            d = &d_it.items[d_it.i++];
        } else if (unused == 0) {
            advance_dest = true;
        }
        if (unused != 0 && (!advance_dest || !advance_src)) {
            /* Unused bytes on one side stand for fields on the other. */
            const QvsField *f = !advance_dest ? s : d;

            unused -= f->size;
            if (unused == 0) {
                if (!advance_dest) {
                    advance_dest = true;
                } else {
                    advance_src = true;
                }
                continue;
            }
            if (unused < 0) {
                p = field_path(c, f->name);
                ADD(c, QEMU_VMSTATE_FINDING_UNUSED_SIZE, p, desc,
                    "description \"%s\": unused bytes do not line up "
                    "near \"%s\"", desc, f->name);
                break;
            }
            continue;
        }
        if (!fields_match(desc, s->name, d->name)) {
            if (starts_substruct(d, s->name)) {
                g_array_append_val(d_stack, d_it);
                d_it = iter_of(d->desc, 0);
                advance_src = false;
                continue;
            }
            if (starts_substruct(s, d->name)) {
                g_array_append_val(s_stack, s_it);
                g_string_append_printf(c->path, ".%s", s->name);
                s_it = iter_of(s->desc, c->path->len);
                advance_dest = false;
                continue;
            }
            if (!strcmp(s->name, "unused") || !strcmp(d->name, "unused")) {
                if (s->size == d->size) {
                    continue;
                }
                if (!strcmp(d->name, "unused")) {
                    advance_dest = false;
                    unused = d->size - s->size;
                    continue;
                }
                advance_src = false;
                unused = s->size - d->size;
                continue;
            }
            p = field_path(c, s->name);
            ADD(c, QEMU_VMSTATE_FINDING_FIELD_MISMATCH, p, desc,
                "description \"%s\": the destination has \"%s\" here; the "
                "rest is not compared", desc, d->name);
            break;
        }
        p = field_path(c, s->name);
        check_version(c, &s->v, &d->v, p, desc);
        if (!s->desc && s->size != d->size) {
            ADD(c, QEMU_VMSTATE_FINDING_SIZE, p, desc,
                "description \"%s\": size %" PRId64 " in the source, %"
                PRId64 " in the destination", desc, s->size, d->size);
        }
        check_description_in_list(c, s, d, desc);
    }
    g_string_truncate(c->path, base);
}

static void check_subsections(Cmp *c, const QvsDesc *src, const QvsDesc *dst)
{
    size_t mark = c->path->len;

    for (size_t i = 0; i < src->n_subsections; i++) {
        const QvsDesc *s = &src->subsections[i];
        bool found = false;

        for (size_t j = 0; j < dst->n_subsections; j++) {
            if (!strcmp(s->name, dst->subsections[j].name)) {
                found = true;
                g_string_append_printf(c->path, ".%s", s->name);
                check_descriptions(c, s, &dst->subsections[j]);
                g_string_truncate(c->path, mark);
            }
        }
        if (!found) {
            ADD(c, QEMU_VMSTATE_FINDING_SUBSECTION_MISSING, c->path->str,
                src->name, "description \"%s\": subsection \"%s\" is not "
                "in the destination", src->name, s->name);
        }
    }
}

/* Reports the members of @s that @d lacks, in @s's order, and compares
 * the fields and subsections of descriptions @src and @dst. */
static void check_entries(Cmp *c, const QDict *s, const QDict *d,
                          const QvsDesc *src, const QvsDesc *dst)
{
    const char *desc = src ? src->name : NULL;

    for (const QDictEntry *e = qdict_first(s); e; e = qdict_next(s, e)) {
        const char *key = qdict_entry_key(e);

        if (!qdict_haskey(d, key)) {
            ADD(c, QEMU_VMSTATE_FINDING_ENTRY_MISSING, c->path->str, desc,
                "%s%s%s\"%s\" is missing in the destination",
                desc ? "description \"" : "", desc ? desc : "",
                desc ? "\": " : "", key);
            continue;
        }
        if (src && !strcmp(key, "Fields")) {
            check_fields(c, src, dst);
        } else if (src && !strcmp(key, "Subsections")) {
            check_subsections(c, src, dst);
        }
    }
}

static void check_descriptions(Cmp *c, const QvsDesc *s, const QvsDesc *d)
{
    check_version(c, &s->v, &d->v, c->path->str, s->name);
    if (!fields_match(c->sec, s->name, d->name)) {
        ADD(c, QEMU_VMSTATE_FINDING_DESCRIPTION_RENAMED, c->path->str,
            s->name, "description \"%s\" is \"%s\" in the destination; "
            "not compared", s->name, d->name);
        return;
    }
    check_entries(c, s->dict, d->dict, s, d);
}

static void check_section(Cmp *c, const QvsSection *s, const QvsSection *d)
{
    check_version(c, &s->v, &d->v, c->sec, NULL);
    for (const QDictEntry *e = qdict_first(s->dict); e;
         e = qdict_next(s->dict, e)) {
        const char *key = qdict_entry_key(e);

        if (!qdict_haskey(d->dict, key)) {
            ADD(c, QEMU_VMSTATE_FINDING_ENTRY_MISSING, c->sec, NULL,
                "\"%s\" is missing in the destination", key);
        } else if (!strcmp(key, "Description")) {
            check_descriptions(c, s->desc, d->desc);
        }
    }
}

GPtrArray *qemu_vmstate_compare(const QemuVmstate *src,
                                const QemuVmstate *dst)
{
    GPtrArray *out;
    const QDict *sroot, *droot;

    g_return_val_if_fail(src != NULL && dst != NULL, NULL);
    out = qvs__findings_new();
    sroot = qobject_to(QDict, src->root);
    droot = qobject_to(QDict, dst->root);
    for (const QDictEntry *e = qdict_first(sroot); e;
         e = qdict_next(sroot, e)) {
        const char *key = qdict_entry_key(e);
        const char *dkey = key;
        g_autoptr(GString) path = g_string_new(key);
        Cmp c = { out, key, path };

        if (!qdict_haskey(droot, dkey)) {
            dkey = changed_section_name(key);
            if (!dkey || !qdict_haskey(droot, dkey)) {
                ADD(&c, QEMU_VMSTATE_FINDING_SECTION_MISSING, key, NULL,
                    "not in the destination");
                continue;
            }
        }
        if (!strcmp(key, QVS_MACHINE_KEY)) {
            if (dst->machine && strcmp(src->machine, dst->machine)) {
                ADD(&c, QEMU_VMSTATE_FINDING_MACHINE_TYPE, key, NULL,
                    "machine types differ: \"%s\" in the source, \"%s\" in "
                    "the destination", src->machine, dst->machine);
            }
            continue;
        }
        check_section(&c, qvs__section(src, key), qvs__section(dst, dkey));
    }
    return out;
}
