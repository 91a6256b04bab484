/*
 * "fdc": the ISA floppy controller (QEMU 7.2 hw/block/fdc-isa.c,
 * vmstate_isa_fdc, version 2, minimum 2), whose one field "state" is the
 * controller (hw/block/fdc.c, vmstate_fdc, version 2) with its drives
 * (vmstate_fdrive, version 1) and the subsections of both.
 */
#include "examples/qemu-devices/qemu-devices.h"

#define MAX_FD 2
/* The command FIFO is a VMSTATE_VARRAY_INT32 sized by fifo_size, a
 * value of the controller's configuration that is not in the stream;
 * QEMU 7.2 always sets it to FD_SECTOR_LEN. */
#define FD_SECTOR_LEN 512

typedef struct FDrive {
    uint8_t head;
    uint8_t track;
    uint8_t sect;
    bool has_media_changed;
    uint8_t media_changed;
    bool has_media_rate;
    uint8_t media_rate;
    bool has_perpendicular;
    uint8_t perpendicular;
} FDrive;

typedef struct FDCtrl {
    uint8_t sra;
    uint8_t srb;
    uint8_t dor_vmstate;
    uint8_t tdr;
    uint8_t dsr;
    uint8_t msr;
    uint8_t status0;
    uint8_t status1;
    uint8_t status2;
    uint8_t fifo[FD_SECTOR_LEN];
    uint32_t data_pos;
    uint32_t data_len;
    uint8_t data_state;
    uint8_t data_dir;
    uint8_t eot;
    uint8_t timer0;
    uint8_t timer1;
    uint8_t precomp_trk;
    uint8_t config;
    uint8_t lock;
    uint8_t pwrd;
    uint8_t num_floppies;
    FDrive drives[MAX_FD];
    bool has_reset_sensei;
    int32_t reset_sensei;
    bool has_result_timer;
    int64_t result_timer;
    bool has_phase;
    uint8_t phase;
} FDCtrl;

static bool media_changed_visit(Visitor *v, void *opaque, uint32_t version,
                                GError **errp)
{
    FDrive *d = opaque;

    (void)version;
    return visit_type_u8(v, "media_changed", &d->media_changed, errp);
}

static bool media_rate_visit(Visitor *v, void *opaque, uint32_t version,
                             GError **errp)
{
    FDrive *d = opaque;

    (void)version;
    return visit_type_u8(v, "media_rate", &d->media_rate, errp);
}

static bool perpendicular_visit(Visitor *v, void *opaque, uint32_t version,
                                GError **errp)
{
    FDrive *d = opaque;

    (void)version;
    return visit_type_u8(v, "perpendicular", &d->perpendicular, errp);
}

static bool fdrive_visit(Visitor *v, FDrive *d, GError **errp)
{
    return visit_start_struct(v, NULL, errp) &&
           visit_type_u8(v, "head", &d->head, errp) &&
           visit_type_u8(v, "track", &d->track, errp) &&
           visit_type_u8(v, "sect", &d->sect, errp) &&
           qemu_dev_subsection(v, "fdrive/media_changed", 1, 1,
                               &d->has_media_changed, media_changed_visit, d,
                               errp) &&
           qemu_dev_subsection(v, "fdrive/media_rate", 1, 1,
                               &d->has_media_rate, media_rate_visit, d,
                               errp) &&
           qemu_dev_subsection(v, "fdrive/perpendicular", 1, 1,
                               &d->has_perpendicular, perpendicular_visit, d,
                               errp) &&
           visit_end_struct(v, errp);
}

static bool reset_sensei_visit(Visitor *v, void *opaque, uint32_t version,
                               GError **errp)
{
    FDCtrl *s = opaque;

    (void)version;
    return visit_type_i32(v, "reset_sensei", &s->reset_sensei, errp);
}

static bool result_timer_visit(Visitor *v, void *opaque, uint32_t version,
                               GError **errp)
{
    FDCtrl *s = opaque;

    (void)version;
    return visit_type_i64(v, "result_timer", &s->result_timer, errp);
}

static bool phase_visit(Visitor *v, void *opaque, uint32_t version,
                        GError **errp)
{
    FDCtrl *s = opaque;

    (void)version;
    return visit_type_u8(v, "phase", &s->phase, errp);
}

/* vmstate_fdc, version 2. */
static bool fdctrl_visit(Visitor *v, FDCtrl *s, GError **errp)
{
    if (!visit_start_struct(v, "state", errp) ||
        !visit_type_u8(v, "sra", &s->sra, errp) ||
        !visit_type_u8(v, "srb", &s->srb, errp) ||
        !visit_type_u8(v, "dor_vmstate", &s->dor_vmstate, errp) ||
        !visit_type_u8(v, "tdr", &s->tdr, errp) ||
        !visit_type_u8(v, "dsr", &s->dsr, errp) ||
        !visit_type_u8(v, "msr", &s->msr, errp) ||
        !visit_type_u8(v, "status0", &s->status0, errp) ||
        !visit_type_u8(v, "status1", &s->status1, errp) ||
        !visit_type_u8(v, "status2", &s->status2, errp) ||
        !visit_type_u8_array(v, "fifo", s->fifo, FD_SECTOR_LEN, errp) ||
        !visit_type_u32(v, "data_pos", &s->data_pos, errp) ||
        !visit_type_u32(v, "data_len", &s->data_len, errp) ||
        !visit_type_u8(v, "data_state", &s->data_state, errp) ||
        !visit_type_u8(v, "data_dir", &s->data_dir, errp) ||
        !visit_type_u8(v, "eot", &s->eot, errp) ||
        !visit_type_u8(v, "timer0", &s->timer0, errp) ||
        !visit_type_u8(v, "timer1", &s->timer1, errp) ||
        !visit_type_u8(v, "precomp_trk", &s->precomp_trk, errp) ||
        !visit_type_u8(v, "config", &s->config, errp) ||
        !visit_type_u8(v, "lock", &s->lock, errp) ||
        !visit_type_u8(v, "pwrd", &s->pwrd, errp) ||
        !visit_type_u8(v, "num_floppies", &s->num_floppies, errp) ||
        !visit_start_array(v, "drives", MAX_FD, errp)) {
        return false;
    }
    for (size_t i = 0; i < MAX_FD; i++) {
        if (!fdrive_visit(v, &s->drives[i], errp)) {
            return false;
        }
    }
    return visit_end_array(v, errp) &&
           qemu_dev_subsection(v, "fdc/reset_sensei", 1, 1,
                               &s->has_reset_sensei, reset_sensei_visit, s,
                               errp) &&
           qemu_dev_subsection(v, "fdc/result_timer", 1, 1,
                               &s->has_result_timer, result_timer_visit, s,
                               errp) &&
           qemu_dev_subsection(v, "fdc/phase", 1, 1, &s->has_phase,
                               phase_visit, s, errp) &&
           visit_end_struct(v, errp);
}

static bool isa_fdc_visit(Visitor *v, void *opaque, uint32_t version,
                          GError **errp)
{
    (void)version;
    return fdctrl_visit(v, opaque, errp);
}

const QemuDevice qemu_dev_fdc = {
    .name = "fdc",
    .vmsd_name = "fdc",
    .version = 2,
    .minimum_version = 2,
    .state_size = sizeof(FDCtrl),
    .visit = isa_fdc_visit,
};
