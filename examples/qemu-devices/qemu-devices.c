/*
 * The catalogue of built-in QEMU devices and the runners that move a
 * section between its payload bytes and its state tree through a
 * device's walk.
 */
#include "examples/qemu-devices/qemu-devices.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "qemustream/qemu-stream-codec.h"

#define QEMU_DEVICE(sym) &sym,
static const QemuDevice *const catalogue[] = {
#include "examples/qemu-devices/qemu-devices-list.h"
};
#undef QEMU_DEVICE

const QemuDevice *const *qemu_devices_list(size_t *n)
{
    *n = G_N_ELEMENTS(catalogue);
    return catalogue;
}

/* QEMU names a device's section "<qdev path>/<vmsd name>" when the
 * device has a path ("0000:00:01.0/PIIX3"), else by the name alone. */
static const char *section_name(const char *idstr)
{
    const char *slash = strrchr(idstr, '/');

    return slash ? slash + 1 : idstr;
}

const QemuDevice *qemu_devices_find(const char *idstr, uint32_t version)
{
    const char *name;

    g_return_val_if_fail(idstr != NULL, NULL);
    name = section_name(idstr);
    for (size_t i = 0; i < G_N_ELEMENTS(catalogue); i++) {
        const QemuDevice *d = catalogue[i];

        if (!strcmp(d->name, name) && version >= d->minimum_version &&
            version <= d->version) {
            return d;
        }
    }
    return NULL;
}

bool qemu_dev_subsection(Visitor *v, const char *name, uint32_t version,
                         uint32_t minimum_version, bool *present,
                         QemuDeviceWalk walk, void *state, GError **errp)
{
    uint32_t got = version;

    if (!visit_start_subsection(v, name, &got, present, errp)) {
        return false;
    }
    if (!*present) {
        return true;
    }
    if (got < minimum_version) {
        return visit_set_error(v, errp, NULL, QVISIT_ERROR_VERSION,
                               "subsection version %" PRIu32 " is older "
                               "than %" PRIu32 ", the oldest this walk "
                               "reads", got, minimum_version);
    }
    return walk(v, state, got, errp) && visit_end_subsection(v, errp);
}

/* Runs @dev's walk of @version as the section's root struct. */
static bool walk_root(Visitor *v, const QemuDevice *dev, const char *idstr,
                      void *state, uint32_t version, GError **errp)
{
    return visit_start_struct(v, idstr, errp) &&
           dev->visit(v, state, version, errp) &&
           visit_end_struct(v, errp) && visit_complete(v, errp);
}

static void state_free(const QemuDevice *dev, void *state)
{
    if (dev->clear) {
        dev->clear(state);
    }
    g_free(state);
}

bool qemu_device_try(const QemuDevice *dev, const char *idstr,
                     uint32_t version, void *state, const uint8_t *buf,
                     size_t len, size_t *used)
{
    QEMUFile *f = qemu_fopen_mem(buf, len);
    Visitor *in = qemu_file_input_visitor_new(f);
    bool ok = walk_root(in, dev, idstr, state, version, NULL);

    visit_free(in);
    *used = (size_t)qemu_file_transferred(f);
    qemu_fclose(f);
    return ok;
}

bool qemu_device_ends_at(const QemuDeviceContext *ctx, size_t used)
{
    const uint8_t *b = ctx->payload + used;

    if (!ctx->payload || used >= ctx->len) {
        return false;
    }
    if (ctx->footers != 0 && ctx->len - used >= 5 && b[0] == 0x7e &&
        ((uint32_t)b[1] << 24 | (uint32_t)b[2] << 16 |
         (uint32_t)b[3] << 8 | b[4]) == ctx->section_id) {
        return true;
    }
    return ctx->footers != 1 && (b[0] <= 0x04 || b[0] == 0x08);
}

uint32_t qemu_device_find_count(const QemuDevice *dev,
                                const QemuDeviceContext *ctx,
                                const void *state, uint32_t max,
                                void (*set)(void *state, uint32_t n))
{
    for (uint32_t n = 0; ctx->payload && n <= max; n++) {
        void *t = g_memdup2(state, dev->state_size);
        size_t used;
        bool fits;

        set(t, n);
        fits = qemu_device_try(dev, ctx->idstr, ctx->version, t,
                               ctx->payload, ctx->len, &used) &&
               qemu_device_ends_at(ctx, used);
        state_free(dev, t);
        if (fits) {
            return n;
        }
    }
    return 0;
}

bool qemu_device_machine_older(const QemuDeviceContext *ctx,
                               unsigned major, unsigned minor)
{
    static const char *const prefixes[] = {
        "pc-i440fx-", "pc-q35-", "xenfv-", "pc-",
    };
    const char *m = ctx->machine_type;
    unsigned ma, mi;
    int end = 0;

    if (!ctx->has_configuration) {
        return true;
    }
    if (!m) {
        return false;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(prefixes); i++) {
        if (g_str_has_prefix(m, prefixes[i]) &&
            g_ascii_isdigit(m[strlen(prefixes[i])])) {
            m += strlen(prefixes[i]);
            if (sscanf(m, "%u.%u%n", &ma, &mi, &end) != 2 || m[end]) {
                return false;
            }
            return ma < major || (ma == major && mi < minor);
        }
    }
    return false;
}

/* Runs @dev's configure hook, if any, on the zeroed @state: from @f's
 * next bytes (decoding) or from @tree (encoding, describing). */
static void configure(const QemuDevice *dev, const char *idstr,
                      uint32_t version, void *state, QEMUFile *f,
                      QDict *tree)
{
    const QsLayoutContext *lc = qs__layout_context();
    QemuDeviceContext ctx = {
        .idstr = idstr,
        .version = version,
        .has_configuration = lc ? lc->has_configuration : true,
        .machine_type = lc ? lc->machine_type : NULL,
        .section_id = lc ? lc->section_id : 0,
        .footers = lc ? lc->footers : -1,
        .tree = tree,
    };

    if (!dev->configure) {
        return;
    }
    if (f) {
        uint8_t *buf = NULL;

        ctx.len = qemu_peek_buffer(f, &buf, QEMU_DEVICE_PEEK, 0);
        /* The hook reads files of its own: keep a copy. */
        ctx.payload = ctx.len ? memcpy(g_malloc(ctx.len), buf, ctx.len)
                              : NULL;
    }
    dev->configure(dev, state, &ctx);
    g_free((void *)ctx.payload);
}

QDict *qemu_device_decode(const QemuDevice *dev, const char *idstr,
                          uint32_t version, QEMUFile *f,
                          const QVisitLimits *limits, GError **errp)
{
    void *state;
    Visitor *in;
    QObject *tree = NULL;
    bool ok;

    g_return_val_if_fail(dev != NULL && idstr != NULL && f != NULL, NULL);
    state = g_malloc0(dev->state_size);
    configure(dev, idstr, version, state, f, NULL);
    in = qemu_file_input_visitor_new(f);
    if (limits) {
        visit_set_limits(in, limits);
    }
    ok = walk_root(in, dev, idstr, state, version, errp);
    /* The visitor reads from f, which the caller reads on from here. */
    visit_free(in);
    if (ok) {
        Visitor *out = qobject_output_visitor_new(&tree);

        ok = walk_root(out, dev, idstr, state, version, errp);
        visit_free(out);
    }
    state_free(dev, state);
    if (!ok) {
        return NULL;
    }
    return qobject_to(QDict, tree);
}

/* @state through a QObject input visitor into a new zeroed state. */
static void *state_from_tree(const QemuDevice *dev, const char *idstr,
                             uint32_t version, QDict *tree, GError **errp)
{
    void *state = g_malloc0(dev->state_size);
    Visitor *in;
    bool ok;

    configure(dev, idstr, version, state, NULL, tree);
    in = qobject_input_visitor_new(QOBJECT(tree));
    ok = walk_root(in, dev, idstr, state, version, errp);

    visit_free(in);
    if (!ok) {
        state_free(dev, state);
        return NULL;
    }
    return state;
}

bool qemu_device_encode(const QemuDevice *dev, const char *idstr,
                        uint32_t version, QDict *state, QEMUFile *f,
                        GError **errp)
{
    void *s;
    Visitor *out;
    bool ok;

    g_return_val_if_fail(dev != NULL && idstr != NULL && state != NULL &&
                         f != NULL, false);
    s = state_from_tree(dev, idstr, version, state, errp);
    if (!s) {
        return false;
    }
    out = qemu_file_output_visitor_new(f);
    ok = walk_root(out, dev, idstr, s, version, errp);
    visit_free(out);
    state_free(dev, s);
    return ok;
}

bool qemu_device_describe(const QemuDevice *dev, const char *idstr,
                          uint32_t version, QDict *state, QList **fields,
                          QList **subsections, GError **errp)
{
    g_autoptr(GByteArray) bytes = g_byte_array_new();
    QEMUFile *f;
    Visitor *v;
    void *s;
    bool ok;

    g_return_val_if_fail(dev != NULL && idstr != NULL && state != NULL &&
                         fields != NULL && subsections != NULL, false);
    s = state_from_tree(dev, idstr, version, state, errp);
    if (!s) {
        return false;
    }
    f = qemu_fopen_bytearray(bytes);
    v = qs__vmdesc_visitor_new_full(f, fields, subsections);
    ok = walk_root(v, dev, idstr, s, version, errp);
    /* The visitor writes to f: free it first. */
    visit_free(v);
    qemu_fclose(f);
    state_free(dev, s);
    return ok;
}

static const QemuDevice *find_or_error(const char *idstr, uint32_t version,
                                       GError **errp)
{
    const QemuDevice *dev = qemu_devices_find(idstr, version);

    if (!dev) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_UNKNOWN,
                    "%s: no built-in layout for version %" PRIu32, idstr,
                    version);
    }
    return dev;
}

static QDict *layouts_decode(void *opaque, const char *idstr,
                             uint32_t instance_id, uint32_t version_id,
                             QEMUFile *f, const QVisitLimits *limits,
                             GError **errp)
{
    const QemuDevice *dev = find_or_error(idstr, version_id, errp);

    (void)opaque;
    (void)instance_id;
    return dev ? qemu_device_decode(dev, idstr, version_id, f, limits, errp)
               : NULL;
}

static bool layouts_encode(void *opaque, const char *idstr,
                           uint32_t instance_id, uint32_t version_id,
                           QDict *state, QEMUFile *f, GError **errp)
{
    const QemuDevice *dev = find_or_error(idstr, version_id, errp);

    (void)opaque;
    (void)instance_id;
    return dev &&
           qemu_device_encode(dev, idstr, version_id, state, f, errp);
}

const QemuStreamLayouts *qemu_devices_layouts(void)
{
    static const QemuStreamLayouts layouts = {
        .decode = layouts_decode,
        .encode = layouts_encode,
    };

    return &layouts;
}
