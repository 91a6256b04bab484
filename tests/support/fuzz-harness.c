/* Surfaces driven from raw bytes; see tests/fuzz-harness.h. */
#include "tests/fuzz-harness.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/example-vm.h"

void fuzz_harness_tight_limits(QVisitLimits *limits)
{
    qvisit_limits_init(limits);
    limits->max_depth = 3;
    limits->max_string_len = 8;
    limits->max_array_len = 4;
    limits->max_alloc = 24;
    limits->max_section_size = 256;
}

void fuzz_loaded_init(FuzzLoaded *l, uint8_t sel)
{
    unsigned walk = sel >> 3;
    size_t n;
    const ExampleDevice *const *all = example_devices_all(&n);

    memset(l, 0, sizeof(*l));
    l->mode = (sel >> 1) & 3;
    if (l->mode > FUZZ_MODE_MID) {
        l->mode = FUZZ_MODE_VISIT;
    }
    if (walk > 0 && n > 0) {
        l->dev = all[(walk - 1) % n];
        l->state = example_device_state_new(l->dev);
    }
}

bool fuzz_loaded_visit(FuzzLoaded *l, Visitor *v, GError **errp)
{
    return l->dev ? l->dev->visit(v, l->state, errp)
                  : fuzz_sink_visit(v, &l->sink, errp);
}

bool fuzz_loaded_equal(const FuzzLoaded *a, const FuzzLoaded *b)
{
    if (a->dev != b->dev) {
        return false;
    }
    return a->dev ? a->dev->equal(a->state, b->state)
                  : fuzz_sink_equal(&a->sink, &b->sink);
}

bool fuzz_loaded_is_pristine(const FuzzLoaded *l)
{
    static const FuzzSink zero_sink;
    void *zero;
    bool pristine;

    if (!l->dev) {
        return !memcmp(&l->sink, &zero_sink, sizeof(zero_sink));
    }
    zero = example_device_state_new(l->dev);
    pristine = !memcmp(l->state, zero, l->dev->state_size);
    example_device_state_free(l->dev, zero);
    return pristine;
}

void fuzz_loaded_clear(FuzzLoaded *l)
{
    fuzz_sink_clear(&l->sink);
    if (l->dev) {
        example_device_state_free(l->dev, l->state);
    }
    l->state = NULL;
}

QObject *fuzz_harness_json(const uint8_t *data, size_t size, bool tight,
                           GError **errp)
{
    /* libFuzzer may pass NULL with size 0; the parser wants a pointer. */
    const char *text = size ? (const char *)data : "";
    QVisitLimits limits;

    /* A document needs a little more room than one walk's member. */
    qvisit_limits_init(&limits);
    limits.max_depth = 8;
    limits.max_string_len = 16;
    limits.max_array_len = 8;
    return qobject_from_json_full(text, size, tight ? &limits : NULL, errp);
}

static bool no_selector(GError **errp)
{
    g_set_error_literal(errp, QVISIT_ERROR, QVISIT_ERROR_TRUNCATED,
                        "no selector byte");
    return false;
}

bool fuzz_harness_json_visitor(const uint8_t *data, size_t size,
                               FuzzLoaded *l, GError **errp)
{
    Visitor *v;
    bool ok;

    if (size < 1) {
        fuzz_loaded_init(l, 0);
        return no_selector(errp);
    }
    fuzz_loaded_init(l, data[0]);
    v = json_input_visitor_new((const char *)data + 1, size - 1, errp);
    if (!v) {
        return false;
    }
    if (data[0] & 1) {
        QVisitLimits limits;

        fuzz_harness_tight_limits(&limits);
        visit_set_limits(v, &limits);
    }
    ok = fuzz_loaded_visit(l, v, errp) && visit_complete(v, errp);
    visit_free(v);
    return ok;
}

bool fuzz_harness_qemu_file_visitor(const uint8_t *data, size_t size,
                                    FuzzLoaded *l, GError **errp)
{
    QEMUFile *f;
    bool ok;

    if (size < 1) {
        fuzz_loaded_init(l, 0);
        return no_selector(errp);
    }
    fuzz_loaded_init(l, data[0]);
    f = qemu_fopen_mem(data + 1, size - 1);
    if (l->dev && l->mode != FUZZ_MODE_VISIT) {
        int ret = l->mode == FUZZ_MODE_LEGACY
                  ? l->dev->load_legacy(f, l->state, l->dev->version)
                  : l->dev->load_mid(f, l->state, l->dev->version);

        ok = ret == 0;
        if (!ok) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_FAILED,
                        "legacy load: %s", g_strerror(-ret));
        }
    } else {
        Visitor *v = qemu_file_input_visitor_new(f);

        if (data[0] & 1) {
            QVisitLimits limits;

            fuzz_harness_tight_limits(&limits);
            visit_set_limits(v, &limits);
        }
        ok = fuzz_loaded_visit(l, v, errp) && visit_complete(v, errp);
        visit_free(v);
    }
    l->consumed = qemu_file_transferred(f);
    qemu_fclose(f);
    return ok;
}

bool fuzz_harness_binary_visitor(const uint8_t *data, size_t size,
                                 FuzzLoaded *l, GError **errp)
{
    QVisitLimits limits;
    Visitor *v;
    bool ok;

    if (size < 1) {
        fuzz_loaded_init(l, 0);
        return no_selector(errp);
    }
    fuzz_loaded_init(l, data[0]);
    fuzz_harness_tight_limits(&limits);
    v = binary_input_visitor_new(data + 1, size - 1,
                                 data[0] & 1 ? &limits : NULL, errp);
    if (!v) {
        return false;
    }
    ok = fuzz_loaded_visit(l, v, errp) && visit_complete(v, errp);
    visit_free(v);
    return ok;
}

QObject *fuzz_harness_binary_decode(const uint8_t *data, size_t size,
                                    size_t *consumed, GError **errp)
{
    QVisitLimits limits;

    *consumed = 0;
    if (size < 1) {
        no_selector(errp);
        return NULL;
    }
    fuzz_harness_tight_limits(&limits);
    return binary_decode(data + 1, size - 1, data[0] & 1 ? &limits : NULL,
                         consumed, errp);
}

QObject *fuzz_harness_qemu_stream(const uint8_t *data, size_t size,
                                  const QObject *fixed_vmdesc,
                                  GError **errp)
{
    QemuStreamOptions opts;
    QVisitLimits limits;
    unsigned source;
    QObject *dump;

    if (size < 1) {
        no_selector(errp);
        return NULL;
    }
    qemu_stream_options_init(&opts);
    source = data[0] & 3;
    opts.analyze_compat = data[0] & 4;
    opts.ram_full = data[0] & 8;
    if (data[0] & 16) {
        fuzz_harness_tight_limits(&limits);
        opts.limits = &limits;
    }
    if (source == 1 || source == 2) {
        QEMUFile *f = qemu_fopen_mem(data + 1, size - 1);

        opts.vmdesc = source == 2 ? fixed_vmdesc : NULL;
        dump = qemu_stream_dump(f, &opts, errp);
        qemu_fclose(f);
    } else {
        int fd = memfd_create("fuzz-stream", MFD_CLOEXEC);

        if (fd < 0 || write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO,
                        "memfd: %s", g_strerror(errno));
            if (fd >= 0) {
                close(fd);
            }
            return NULL;
        }
        dump = qemu_stream_dump_fd(fd, &opts, errp);
        close(fd);
    }
    return dump;
}

static bool schema_one(const QObject *schema, GError **errp)
{
    g_autoptr(QObject) sample = compat_schema_sample(schema, errp);

    return sample && compat_schema_check(schema, sample, errp);
}

bool fuzz_harness_schema(const uint8_t *data, size_t size, GError **errp)
{
    const char *text = size ? (const char *)data : "";
    g_autoptr(QObject) root = qobject_from_json_full(text, size, NULL, errp);
    QDict *top;
    QList *devices;

    if (!root) {
        return false;
    }
    top = qobject_to(QDict, root);
    devices = top ? qobject_to(QList, qdict_get(top, "devices")) : NULL;
    if (!devices) {
        return schema_one(root, errp);
    }
    for (size_t i = 0; i < qlist_size(devices); i++) {
        QDict *d = qobject_to(QDict, qlist_get(devices, i));
        QObject *schema = d ? qdict_get(d, "schema") : NULL;

        if (schema && !schema_one(schema, errp)) {
            g_prefix_error(errp, "devices[%zu].schema: ", i);
            return false;
        }
    }
    return true;
}

static bool replay_migration_load(const uint8_t *data, size_t size,
                                  GError **errp)
{
    ExampleVm *vm = example_vm_new(EXAMPLE_RELEASE_MAX, 7);
    bool ok = migration_load(vm->r, data, size, NULL, errp);

    example_vm_free(vm);
    return ok;
}

bool fuzz_harness_replay(const char *surface, const uint8_t *data,
                         size_t size, GError **errp)
{
    FuzzLoaded l = { 0 };
    bool ok;

    if (!strcmp(surface, "json")) {
        QObject *obj = fuzz_harness_json(data, size, false, errp);

        qobject_unref(obj);
        return obj != NULL;
    }
    if (!strcmp(surface, "binary") || !strcmp(surface, "qemu-stream")) {
        g_autoptr(QObject) vmdesc = NULL;
        size_t consumed;
        QObject *obj;

        if (!strcmp(surface, "binary")) {
            obj = fuzz_harness_binary_decode(data, size, &consumed, errp);
        } else {
            vmdesc = qemu_stream_load_vmdesc_path(FUZZ_FIXED_VMDESC, NULL,
                                                  errp);
            obj = vmdesc ? fuzz_harness_qemu_stream(data, size, vmdesc, errp)
                         : NULL;
        }
        qobject_unref(obj);
        return obj != NULL;
    }
    if (!strcmp(surface, "migration-load")) {
        return replay_migration_load(data, size, errp);
    }
    if (!strcmp(surface, "schema")) {
        return fuzz_harness_schema(data, size, errp);
    }
    if (!strcmp(surface, "json-visitor")) {
        ok = fuzz_harness_json_visitor(data, size, &l, errp);
    } else if (!strcmp(surface, "binary-visitor")) {
        ok = fuzz_harness_binary_visitor(data, size, &l, errp);
    } else if (!strcmp(surface, "qemu-file-visitor")) {
        ok = fuzz_harness_qemu_file_visitor(data, size, &l, errp);
    } else {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_UNKNOWN,
                    "unknown surface '%s'", surface);
        return false;
    }
    fuzz_loaded_clear(&l);
    return ok;
}
