/*
 * Table-driven against hand-written walks: the example PIT and e1000 (v3)
 * walked by their own code and by a VMStateDescription of the same state
 * (vmstate_visit()), on the same random states, in the same process.
 *
 * Three runs per walk: save (QEMUFile output visitor into a memory file),
 * load (QEMUFile input visitor from those bytes into a scratch state) and
 * tree (QObject output visitor). Before timing, both walks must give the
 * same bytes and the same trees. Table and hand-written rounds alternate
 * so both see the same cache and frequency conditions, and the best of
 * several batches is kept. Prints markdown rows for docs/performance.md
 * ("## Field tables"). Usage:
 *     build/bench/bench-tables [ROUNDS [save|load|tree]]
 * (the run's name times that run only, for a profiler).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qvisit/qvisit.h>

#include "examples/devices/e1000.h"
#include "examples/devices/example-devices.h"
#include "examples/devices/pit.h"

#define STATES 64
#define BATCHES 151

static const VMStateDescription vmstate_pit_channel = {
    .name = "pit_channel",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_INT32(count, PITChannelState),
        VMSTATE_UINT16(latched_count, PITChannelState),
        VMSTATE_UINT8(count_latched, PITChannelState),
        VMSTATE_UINT8(status_latched, PITChannelState),
        VMSTATE_UINT8(status, PITChannelState),
        VMSTATE_UINT8(read_state, PITChannelState),
        VMSTATE_UINT8(write_state, PITChannelState),
        VMSTATE_UINT8(write_latch, PITChannelState),
        VMSTATE_UINT8(rw_mode, PITChannelState),
        VMSTATE_UINT8(mode, PITChannelState),
        VMSTATE_UINT8(bcd, PITChannelState),
        VMSTATE_BOOL(gate, PITChannelState),
        VMSTATE_INT64(count_load_time, PITChannelState),
        VMSTATE_INT64(next_transition_time, PITChannelState),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_pit = {
    .name = "pit",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_STRUCT_ARRAY(channels, PITState, PIT_CHANNELS, 1,
                             vmstate_pit_channel, PITChannelState),
        VMSTATE_INT64(irq_timer, PITState),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_e1000_tx = {
    .name = "tx",
    .version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(hdr_len, E1000TxState),
        VMSTATE_UINT16(mss, E1000TxState),
        VMSTATE_UINT32(paylen, E1000TxState),
        VMSTATE_UINT8(ipcss, E1000TxState),
        VMSTATE_UINT8(ipcso, E1000TxState),
        VMSTATE_UINT16(ipcse, E1000TxState),
        VMSTATE_UINT8(tucss, E1000TxState),
        VMSTATE_UINT8(tucso, E1000TxState),
        VMSTATE_UINT16(tucse, E1000TxState),
        VMSTATE_UINT8(sum_needed, E1000TxState),
        VMSTATE_BOOL(tse, E1000TxState),
        VMSTATE_BOOL(ip, E1000TxState),
        VMSTATE_BOOL(tcp, E1000TxState),
        VMSTATE_UINT16(tso_frames, E1000TxState),
        VMSTATE_UINT16(vlan_tpid, E1000TxState),
        VMSTATE_UINT16(vlan_tci, E1000TxState),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_e1000_rx = {
    .name = "rx",
    .version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(buf_size, E1000RxState),
        VMSTATE_UINT32(buf_min_shift, E1000RxState),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_e1000 = {
    .name = "e1000",
    .version_id = 3,
    .minimum_version_id = 3,
    .fields = (const VMStateField[]) {
        VMSTATE_BUFFER(mac, E1000State),
        /* The EEPROM state keeps its range check as a walk: a table
         * field can call one. */
        VMSTATE_WALK(eecd_state, E1000State, e1000_eecd_walk),
        VMSTATE_STRUCT(tx, E1000State, 0, vmstate_e1000_tx, E1000TxState),
        VMSTATE_STRUCT(rx, E1000State, 0, vmstate_e1000_rx, E1000RxState),
        VMSTATE_UINT16_ARRAY(eeprom_data, E1000State, E1000_EEPROM_WORDS),
        VMSTATE_UINT16_ARRAY(phy_reg, E1000State, E1000_PHY_REGS),
        VMSTATE_UINT32_ARRAY(mac_reg, E1000State, E1000_MAC_REGS),
        VMSTATE_BOOL(mit_irq_level, E1000State),
        VMSTATE_BOOL(mit_timer_on, E1000State),
        VMSTATE_END_OF_LIST()
    },
};

typedef bool (*Walk)(Visitor *v, void *opaque, GError **errp);

static bool pit_table(Visitor *v, void *opaque, GError **errp)
{
    return vmstate_visit(v, "pit", &vmstate_pit, opaque, errp);
}

static bool e1000_table(Visitor *v, void *opaque, GError **errp)
{
    return vmstate_visit(v, "e1000", &vmstate_e1000, opaque, errp);
}

typedef struct Case {
    const char *id;
    uint32_t version;
    Walk table;
    const ExampleDevice *dev;
    void *states[STATES];
    void *scratch;
    GByteArray *bytes;      /* every state saved, in order */
} Case;

enum { RUN_SAVE, RUN_LOAD, RUN_TREE, RUN_KINDS };

static void die(const char *what, GError *err)
{
    fprintf(stderr, "bench-tables: %s: %s\n", what,
            err ? err->message : "failed");
    exit(1);
}

/* One round of @kind over every state with @walk; returns bytes moved. */
static size_t run_round(Case *c, Walk walk, int kind, GByteArray *out)
{
    GError *err = NULL;

    if (kind == RUN_SAVE) {
        QEMUFile *f;

        g_byte_array_set_size(out, 0);
        f = qemu_fopen_bytearray(out);
        for (int i = 0; i < STATES; i++) {
            Visitor *v = qemu_file_output_visitor_new(f);

            if (!walk(v, c->states[i], &err) || !visit_complete(v, &err)) {
                die("save", err);
            }
            visit_free(v);
        }
        if (qemu_fclose(f) != 0) {
            die("qemu_fclose", NULL);
        }
        return out->len;
    }
    if (kind == RUN_LOAD) {
        QEMUFile *f = qemu_fopen_mem(c->bytes->data, c->bytes->len);

        for (int i = 0; i < STATES; i++) {
            Visitor *v = qemu_file_input_visitor_new(f);

            if (!walk(v, c->scratch, &err) || !visit_complete(v, &err)) {
                die("load", err);
            }
            visit_free(v);
        }
        qemu_fclose(f);
        return c->bytes->len;
    }
    for (int i = 0; i < STATES; i++) {
        QObject *tree = NULL;
        Visitor *v = qobject_output_visitor_new(&tree);

        if (!walk(v, c->states[i], &err) || !visit_complete(v, &err)) {
            die("tree", err);
        }
        visit_free(v);
        qobject_unref(tree);
    }
    return c->bytes->len;
}

/* Both walks must agree on bytes and trees before they are timed. */
static void check_same(Case *c)
{
    g_autoptr(GByteArray) t = g_byte_array_new();
    g_autoptr(GByteArray) w = g_byte_array_new();

    run_round(c, c->table, RUN_SAVE, t);
    run_round(c, c->dev->visit, RUN_SAVE, w);
    if (t->len != w->len || memcmp(t->data, w->data, t->len)) {
        die(c->id, NULL);
    }
    g_byte_array_append(c->bytes, w->data, w->len);
    for (int i = 0; i < STATES; i++) {
        QObject *a = NULL, *b = NULL;
        Visitor *va = qobject_output_visitor_new(&a);
        Visitor *vb = qobject_output_visitor_new(&b);

        if (!c->table(va, c->states[i], NULL) || !visit_complete(va, NULL) ||
            !c->dev->visit(vb, c->states[i], NULL) ||
            !visit_complete(vb, NULL) || !qobject_is_equal(a, b)) {
            die("trees differ", NULL);
        }
        visit_free(va);
        visit_free(vb);
        qobject_unref(a);
        qobject_unref(b);
    }
}

int main(int argc, char **argv)
{
    unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 40;
    const char *only = argc > 2 ? argv[2] : NULL;
    static const char *const kind_names[RUN_KINDS] = {
        "save (QEMUFile output)", "load (QEMUFile input)",
        "tree (QObject output)",
    };
    Case cases[] = {
        { .id = "pit", .version = 1, .table = pit_table },
        { .id = "e1000", .version = 3, .table = e1000_table },
    };
    g_autoptr(GByteArray) out = g_byte_array_sized_new(1 << 20);
    uint64_t seed = 7;
    double worst = 0;

    printf("| device | run | hand-written walk | table | ratio "
           "(table / walk, target <= 1.10) |\n");
    printf("|---|---|---|---|---|\n");
    for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
        Case *c = &cases[k];

        c->dev = example_device_find(c->id, c->version);
        c->bytes = g_byte_array_new();
        c->scratch = example_device_state_new(c->dev);
        for (int i = 0; i < STATES; i++) {
            c->states[i] = example_device_state_new(c->dev);
            c->dev->randomize(c->states[i], &seed);
        }
        check_same(c);
        for (int kind = 0; kind < RUN_KINDS; kind++) {
            double best[2] = { 1e30, 1e30 };

            if (only && strncmp(kind_names[kind], only, strlen(only))) {
                continue;
            }
            for (int batch = 0; batch < BATCHES; batch++) {
                for (int which = 0; which < 2; which++) {
                    Walk walk = which ? c->table : c->dev->visit;
                    gint64 t0 = g_get_monotonic_time();

                    for (unsigned r = 0; r < rounds; r++) {
                        run_round(c, walk, kind, out);
                    }
                    best[which] = MIN(best[which],
                                      (double)(g_get_monotonic_time() - t0));
                }
            }
            printf("| %s v%u | %s | %.2f ms | %.2f ms | %.2f |\n", c->id,
                   c->version, kind_names[kind], best[0] / 1e3,
                   best[1] / 1e3, best[1] / best[0]);
            if (kind != RUN_TREE) {
                worst = MAX(worst, best[1] / best[0]);
            }
        }
    }
    printf("\n%d random states per device, %u rounds, best of %d batches; "
           "worst save/load ratio %.2f.\n", STATES, rounds, BATCHES, worst);
    for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
        for (int i = 0; i < STATES; i++) {
            example_device_state_free(cases[k].dev, cases[k].states[i]);
        }
        example_device_state_free(cases[k].dev, cases[k].scratch);
        g_byte_array_unref(cases[k].bytes);
    }
    return 0;
}
