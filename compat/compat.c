/*
 * The compat registry: version steps per device and per machine, chain
 * finding, atomic conversion, marshal/unmarshal filters.
 */
#include "qvisit/compat.h"

#include <string.h>

#include "compat/compat-internal.h"

typedef struct CompatStep {
    uint32_t from;
    uint32_t to;
    CompatTransformFn fn;
    void *opaque;
} CompatStep;

typedef struct CompatFilter {
    char *device;              /* NULL: every device */
    CompatFilterDirection direction;
    CompatTransformFn fn;
    void *opaque;
} CompatFilter;

struct CompatRegistry {
    GHashTable *devices;       /* device id -> GArray of CompatStep */
    GArray *machine;           /* of CompatStep */
    GArray *filters;           /* of CompatFilter, registration order */
};

static void filter_clear(gpointer p)
{
    g_free(((CompatFilter *)p)->device);
}

static void steps_free(gpointer p)
{
    g_array_unref(p);
}

CompatRegistry *compat_registry_new(void)
{
    CompatRegistry *r = g_new0(CompatRegistry, 1);

    r->devices = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       steps_free);
    r->machine = g_array_new(false, false, sizeof(CompatStep));
    r->filters = g_array_new(false, false, sizeof(CompatFilter));
    g_array_set_clear_func(r->filters, filter_clear);
    return r;
}

void compat_registry_free(CompatRegistry *r)
{
    if (!r) {
        return;
    }
    g_hash_table_unref(r->devices);
    g_array_unref(r->machine);
    g_array_unref(r->filters);
    g_free(r);
}

CompatRegistry *compat_registry_default(void)
{
    static CompatRegistry *def;

    if (g_once_init_enter(&def)) {
        g_once_init_leave(&def, compat_registry_new());
    }
    return def;
}

static gint step_cmp(gconstpointer a, gconstpointer b)
{
    const CompatStep *x = a, *y = b;

    if (x->from != y->from) {
        return x->from < y->from ? -1 : 1;
    }
    return x->to < y->to ? -1 : x->to > y->to;
}

/* Adds @step to @steps, kept sorted by (from, to). */
static bool steps_add(GArray *steps, const char *device,
                      const CompatStep *step, GError **errp)
{
    guint i;

    if (step->from == step->to) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s v%u→v%u: a step must change the version", device,
                    step->from, step->to);
        return false;
    }
    for (i = 0; i < steps->len; i++) {
        int c = step_cmp(&g_array_index(steps, CompatStep, i), step);

        if (c == 0) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                        "%s v%u→v%u: step already registered", device,
                        step->from, step->to);
            return false;
        }
        if (c > 0) {
            break;
        }
    }
    g_array_insert_val(steps, i, *step);
    return true;
}

bool compat_register(CompatRegistry *r, const char *device,
                     uint32_t from_version, uint32_t to_version,
                     CompatTransformFn fn, void *opaque, GError **errp)
{
    CompatStep step = { from_version, to_version, fn, opaque };
    GArray *steps;

    g_return_val_if_fail(r != NULL && device != NULL && fn != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    if (!strcmp(device, COMPAT_MACHINE)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: device id reserved for machine steps", device);
        return false;
    }
    steps = g_hash_table_lookup(r->devices, device);
    if (!steps) {
        steps = g_array_new(false, false, sizeof(CompatStep));
        g_hash_table_insert(r->devices, g_strdup(device), steps);
    }
    return steps_add(steps, device, &step, errp);
}

bool compat_register_machine(CompatRegistry *r, uint32_t from_version,
                             uint32_t to_version, CompatTransformFn fn,
                             void *opaque, GError **errp)
{
    CompatStep step = { from_version, to_version, fn, opaque };

    g_return_val_if_fail(r != NULL && fn != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    return steps_add(r->machine, COMPAT_MACHINE, &step, errp);
}

static GArray *steps_for(CompatRegistry *r, const char *device)
{
    if (!strcmp(device, COMPAT_MACHINE)) {
        return r->machine;
    }
    return g_hash_table_lookup(r->devices, device);
}

bool compat_unregister(CompatRegistry *r, const char *device,
                       uint32_t from_version, uint32_t to_version,
                       GError **errp)
{
    GArray *steps;

    g_return_val_if_fail(r != NULL && device != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    steps = steps_for(r, device);
    for (guint i = 0; steps && i < steps->len; i++) {
        CompatStep *s = &g_array_index(steps, CompatStep, i);

        if (s->from == from_version && s->to == to_version) {
            g_array_remove_index(steps, i);
            return true;
        }
    }
    g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_UNKNOWN,
                "%s v%u→v%u: step not registered", device, from_version,
                to_version);
    return false;
}

/*
 * Breadth-first search over the directed version graph. Steps are sorted
 * by (from, to) and the queue is FIFO, so among chains of equal length the
 * one through lower versions is found first: conversions are
 * deterministic whatever the registration order.
 *
 * Returns the steps to run, in order (borrowed from @steps), or NULL.
 */
static GPtrArray *find_chain(GArray *steps, uint32_t from, uint32_t to)
{
    g_autoptr(GHashTable) via = NULL;   /* version -> step reaching it */
    g_autoptr(GArray) queue = NULL;
    GPtrArray *chain;

    if (!steps) {
        return NULL;
    }
    via = g_hash_table_new(g_direct_hash, g_direct_equal);
    queue = g_array_new(false, false, sizeof(uint32_t));
    g_array_append_val(queue, from);
    /* The start is marked with a non-NULL value that is no step. */
    g_hash_table_insert(via, GUINT_TO_POINTER(from), steps);
    for (guint head = 0; head < queue->len; head++) {
        uint32_t cur = g_array_index(queue, uint32_t, head);

        if (cur == to) {
            break;
        }
        for (guint i = 0; i < steps->len; i++) {
            CompatStep *s = &g_array_index(steps, CompatStep, i);

            if (s->from != cur ||
                g_hash_table_contains(via, GUINT_TO_POINTER(s->to))) {
                continue;
            }
            g_hash_table_insert(via, GUINT_TO_POINTER(s->to), s);
            g_array_append_val(queue, s->to);
        }
    }
    if (!g_hash_table_contains(via, GUINT_TO_POINTER(to))) {
        return NULL;
    }
    chain = g_ptr_array_new();
    for (uint32_t v = to; v != from;) {
        CompatStep *s = g_hash_table_lookup(via, GUINT_TO_POINTER(v));

        g_ptr_array_insert(chain, 0, s);
        v = s->from;
    }
    return chain;
}

static bool no_chain_error(CompatRegistry *r, const char *device,
                           uint32_t from, uint32_t to, GError **errp)
{
    if (!steps_for(r, device)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_VERSION,
                    "%s: no compat chain from v%u to v%u (no transforms "
                    "registered for %s)", device, from, to, device);
    } else {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_VERSION,
                    "%s: no compat chain from v%u to v%u", device, from, to);
    }
    return false;
}

uint32_t *compat_find_chain(CompatRegistry *r, const char *device,
                            uint32_t from_version, uint32_t to_version,
                            size_t *n_versions, GError **errp)
{
    g_autoptr(GPtrArray) chain = NULL;
    uint32_t *versions;

    g_return_val_if_fail(r != NULL && device != NULL, NULL);
    g_return_val_if_fail(n_versions != NULL, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);

    if (from_version == to_version) {
        versions = g_new(uint32_t, 1);
        versions[0] = from_version;
        *n_versions = 1;
        return versions;
    }
    chain = find_chain(steps_for(r, device), from_version, to_version);
    if (!chain) {
        no_chain_error(r, device, from_version, to_version, errp);
        return NULL;
    }
    versions = g_new(uint32_t, chain->len + 1);
    versions[0] = from_version;
    for (guint i = 0; i < chain->len; i++) {
        versions[i + 1] = ((CompatStep *)chain->pdata[i])->to;
    }
    *n_versions = chain->len + 1;
    return versions;
}

/*
 * Runs @fn on @state and reports its failure with @what in front. A
 * callback that fails without an error still produces one.
 */
static bool run_transform(CompatTransformFn fn, void *opaque, QDict *state,
                          const char *what, GError **errp)
{
    GError *local = NULL;

    if (fn(state, opaque, &local)) {
        g_clear_error(&local);
        return true;
    }
    if (!local) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_FAILED,
                    "%s: transform failed without an error", what);
        return false;
    }
    g_prefix_error(&local, "%s: ", what);
    g_propagate_error(errp, local);
    return false;
}

static bool convert(CompatRegistry *r, const char *device, QDict *state,
                    uint32_t from, uint32_t to, bool in_place,
                    GError **errp)
{
    g_autoptr(GPtrArray) chain = NULL;
    g_autoptr(QObject) copy = NULL;
    QDict *work = state;

    if (from == to) {
        return true;
    }
    chain = find_chain(steps_for(r, device), from, to);
    if (!chain) {
        return no_chain_error(r, device, from, to, errp);
    }
    /* Steps may fail half-way: work on a copy, swap it in at the end,
     * unless the caller drops the state on failure anyway. */
    if (!in_place) {
        copy = qobject_clone(QOBJECT(state));
        work = qobject_to(QDict, copy);
    }
    for (guint i = 0; i < chain->len; i++) {
        const CompatStep *s = chain->pdata[i];
        g_autofree char *what = g_strdup_printf("%s v%u→v%u", device,
                                                s->from, s->to);

        if (!run_transform(s->fn, s->opaque, work, what, errp)) {
            return false;
        }
    }
    if (work != state) {
        compat__dict_replace(state, work);
    }
    return true;
}

bool compat_convert(CompatRegistry *r, const char *device, QDict *state,
                    uint32_t from_version, uint32_t to_version,
                    GError **errp)
{
    g_return_val_if_fail(r != NULL && device != NULL && state != NULL,
                         false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    return convert(r, device, state, from_version, to_version, false, errp);
}

bool compat_convert_in_place(CompatRegistry *r, const char *device,
                             QDict *state, uint32_t from_version,
                             uint32_t to_version, GError **errp)
{
    g_return_val_if_fail(r != NULL && device != NULL && state != NULL,
                         false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    return convert(r, device, state, from_version, to_version, true, errp);
}

bool compat_convert_machine(CompatRegistry *r, QDict *machine,
                            uint32_t from_version, uint32_t to_version,
                            GError **errp)
{
    g_return_val_if_fail(r != NULL && machine != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    return convert(r, COMPAT_MACHINE, machine, from_version, to_version,
                   false, errp);
}

static gint str_ptr_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void compat_foreach_step(CompatRegistry *r, CompatStepFunc fn, void *opaque)
{
    g_autoptr(GPtrArray) ids = g_ptr_array_new();
    GHashTableIter it;
    gpointer key;

    g_return_if_fail(r != NULL && fn != NULL);

    g_hash_table_iter_init(&it, r->devices);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        g_ptr_array_add(ids, key);
    }
    g_ptr_array_sort(ids, str_ptr_cmp);
    for (guint i = 0; i < ids->len; i++) {
        GArray *steps = g_hash_table_lookup(r->devices, ids->pdata[i]);

        for (guint j = 0; j < steps->len; j++) {
            CompatStep *s = &g_array_index(steps, CompatStep, j);

            fn(ids->pdata[i], s->from, s->to, opaque);
        }
    }
    for (guint j = 0; j < r->machine->len; j++) {
        CompatStep *s = &g_array_index(r->machine, CompatStep, j);

        fn(COMPAT_MACHINE, s->from, s->to, opaque);
    }
}

/* --- Filters ------------------------------------------------------------ */

void compat_register_filter(CompatRegistry *r, const char *device,
                            CompatFilterDirection direction,
                            CompatTransformFn fn, void *opaque)
{
    CompatFilter f = { g_strdup(device), direction, fn, opaque };

    g_return_if_fail(r != NULL && fn != NULL);
    g_return_if_fail(direction == COMPAT_FILTER_OUTPUT ||
                     direction == COMPAT_FILTER_INPUT);

    g_array_append_val(r->filters, f);
}

static bool run_filters(CompatRegistry *r, const char *device,
                        CompatFilterDirection direction, QDict *state,
                        GError **errp)
{
    g_autoptr(QObject) copy = NULL;
    g_autofree char *what = NULL;
    QDict *work = NULL;

    for (guint i = 0; i < r->filters->len; i++) {
        const CompatFilter *f = &g_array_index(r->filters, CompatFilter, i);

        if (f->direction != direction ||
            (f->device && strcmp(f->device, device))) {
            continue;
        }
        if (!work) {
            copy = qobject_clone(QOBJECT(state));
            work = qobject_to(QDict, copy);
            what = g_strdup_printf("%s %s filter", device,
                                   direction == COMPAT_FILTER_OUTPUT
                                       ? "output" : "input");
        }
        if (!run_transform(f->fn, f->opaque, work, what, errp)) {
            return false;
        }
    }
    if (work) {
        compat__dict_replace(state, work);
    }
    return true;
}

bool compat_has_filter(CompatRegistry *r, const char *device,
                       CompatFilterDirection direction)
{
    g_return_val_if_fail(r != NULL && device != NULL, false);

    for (guint i = 0; i < r->filters->len; i++) {
        const CompatFilter *f = &g_array_index(r->filters, CompatFilter, i);

        if (f->direction == direction &&
            (!f->device || !strcmp(f->device, device))) {
            return true;
        }
    }
    return false;
}

bool compat_filter_output(CompatRegistry *r, const char *device,
                          QDict *state, GError **errp)
{
    g_return_val_if_fail(r != NULL && device != NULL && state != NULL,
                         false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    return run_filters(r, device, COMPAT_FILTER_OUTPUT, state, errp);
}

bool compat_filter_input(CompatRegistry *r, const char *device,
                         QDict *state, GError **errp)
{
    g_return_val_if_fail(r != NULL && device != NULL && state != NULL,
                         false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    return run_filters(r, device, COMPAT_FILTER_INPUT, state, errp);
}
