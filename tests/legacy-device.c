/*
 * Legacy device save/load code as QEMU 7.2's hw/ writes it, for
 * tests/test-qemu-file-legacy.c, which includes this file: it must compile
 * unchanged against <qvisit/qemu-file.h>, with the project's warnings as
 * errors. Only the include below stands for QEMU's
 * "migration/qemu-file-types.h"; everything after it is written the way
 * pre-VMState device code in QEMU is (pointer forms for struct fields,
 * value forms for locals and ints, counted strings, a buffer, the file's
 * error returned at the end of the load). Do not "fix" it into qvisit
 * style: its point is to look like the code being ported.
 *
 * Layout of version 2 (version 1 lacks "name" and "bias"):
 *   ctrl u8, trim s8, divisor be16, offset sbe16, count be32, delta sbe32,
 *   load_time be64, next_time sbe64, regs[8] raw, irq_level sbe32,
 *   mode be32, fifo_len be16, period sbe64, enabled byte,
 *   name counted string, bias sbyte
 */
#include <qvisit/qemu-file.h>

#include <errno.h>

#define LEGACY_TIMER_REGS 8

typedef struct LegacyTimerState {
    uint8_t ctrl;
    int8_t trim;
    uint16_t divisor;
    int16_t offset;
    uint32_t count;
    int32_t delta;
    uint64_t load_time;
    int64_t next_time;
    uint8_t regs[LEGACY_TIMER_REGS];
    int irq_level;
    unsigned int mode;
    uint16_t fifo_len;
    int64_t period;
    bool enabled;
    char name[256];
    int8_t bias;
} LegacyTimerState;

static void legacy_timer_save(QEMUFile *f, void *opaque)
{
    LegacyTimerState *s = opaque;

    qemu_put_8s(f, &s->ctrl);
    qemu_put_s8s(f, &s->trim);
    qemu_put_be16s(f, &s->divisor);
    qemu_put_sbe16s(f, &s->offset);
    qemu_put_be32s(f, &s->count);
    qemu_put_sbe32s(f, &s->delta);
    qemu_put_be64s(f, &s->load_time);
    qemu_put_sbe64s(f, &s->next_time);
    qemu_put_buffer(f, s->regs, sizeof(s->regs));
    qemu_put_sbe32(f, s->irq_level);
    qemu_put_be32(f, s->mode);
    qemu_put_be16(f, s->fifo_len);
    qemu_put_sbe64(f, s->period);
    qemu_put_byte(f, s->enabled);
    qemu_put_counted_string(f, s->name);
    qemu_put_sbyte(f, s->bias);
}

static int legacy_timer_load(QEMUFile *f, void *opaque, int version_id)
{
    LegacyTimerState *s = opaque;
    int16_t fifo_len;

    if (version_id < 1 || version_id > 2) {
        return -EINVAL;
    }
    qemu_get_8s(f, &s->ctrl);
    qemu_get_s8s(f, &s->trim);
    qemu_get_be16s(f, &s->divisor);
    qemu_get_sbe16s(f, &s->offset);
    qemu_get_be32s(f, &s->count);
    qemu_get_sbe32s(f, &s->delta);
    qemu_get_be64s(f, &s->load_time);
    qemu_get_sbe64s(f, &s->next_time);
    qemu_get_buffer(f, s->regs, sizeof(s->regs));
    s->irq_level = qemu_get_sbe32(f);
    s->mode = qemu_get_be32(f);
    fifo_len = qemu_get_sbe16(f);
    if (fifo_len < 0 || fifo_len > 16) {
        return -EINVAL;
    }
    s->fifo_len = fifo_len;
    s->period = qemu_get_sbe64(f);
    s->enabled = qemu_get_ubyte(f);
    if (version_id >= 2) {
        qemu_get_counted_string(f, s->name);
        s->bias = qemu_get_sbyte(f);
    }
    return qemu_file_get_error(f);
}
