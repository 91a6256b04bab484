/*
 * Dumps `encode --qemu` must refuse (see tests/qemu-bad-dumps.h). Each
 * case starts from a real stream's dump; offsets and lengths in the
 * messages are pc-nodefaults' (pc.ram is 0x1000000 bytes, the blocks add
 * up to 0x1082000) unless the case names another stream.
 */
#include "tests/qemu-bad-dumps.h"

#include <stdlib.h>
#include <string.h>

#define PC "pc-nodefaults"

/* A POSTCOPY_ADVISE whose data does not fit the u16 length. */
static QObject *long_command(void)
{
    QDict *rec = qdict_new();
    g_autofree char *hex = g_strnfill(65536 * 2, '0');

    qdict_put_str(rec, "type", "COMMAND");
    qdict_put_int(rec, "cmd", 3);
    qdict_put_str(rec, "data", hex);
    return QOBJECT(rec);
}

/* A machine type one byte over what the reader accepts. */
static QObject *long_machine_type(void)
{
    g_autofree char *name = g_strnfill(256, 'x');

    memcpy(name, "pc-i440fx-7.2-", 14);
    return QOBJECT(qstring_from_str(name));
}

/* A dirty-bitmap chunk one byte over what QEMU's loader accepts. */
static QObject *long_bitmap_chunk(void)
{
    g_autofree uint8_t *buf = g_malloc0(10241);
    g_autofree char *b64 = g_base64_encode(buf, 10241);

    return QOBJECT(qstring_from_str(b64));
}

#define BLK "pc-block"
#define DBM "pc-dirty-bitmap"

/* pc-nodefaults' vmdesc with cpu's env.segs struct 25 bytes long instead
 * of the 20 its fields take. */
static QObject *segs_size_25(void)
{
    g_autoptr(QObject) dump = qemu_full_dump(PC);
    QString *text = qobject_to(QString, qdict_get(qobject_to(QDict, dump),
                                                  "vmdesc"));
    const char *from = "\"size\": 20}, {\"name\": \"env.ldt\"";
    g_autoptr(GString) desc = g_string_new(qstring_get_str(text));
    const char *at = strstr(desc->str, from);
    size_t pos;

    g_assert(at);
    pos = (size_t)(at - desc->str) + strlen("\"size\": ");
    desc->str[pos] = '2';
    desc->str[pos + 1] = '5';
    return QOBJECT(qstring_from_str(desc->str));
}

const QemuBadDump qemu_bad_dumps[] = {
    /* issue 11 item 8, in its order */
    { PC, "records[1]", NULL, long_command, QVISIT_ERROR_LENGTH,
      "records[1].data: 65536 bytes, at most 65535 (the length is a u16)" },
    /* "not zlib" in place of a compressed page of pc.bios */
    { "pc-compress", "records[1].ram[4142].data", "\"bm90IHpsaWI=\"", NULL,
      QVISIT_ERROR_INVALID, "records[1].ram[4142].data: not a zlib stream "
      "that inflates to one page of 4096 bytes" },
    { PC, "records[0].ram[0].total", "17309697", NULL, QVISIT_ERROR_RANGE,
      "records[0].ram[0].total: 0x1082001 is not a multiple of the page "
      "size 0x1000" },
    { PC, "records[0].ram[0].total", "17313792", NULL, QVISIT_ERROR_RANGE,
      "records[0].ram[0].total: 0x1083000, but the blocks' lengths add up "
      "to 0x1082000" },
    { PC, "configuration.machine_type", NULL, long_machine_type,
      QVISIT_ERROR_RANGE, "configuration.machine_type: 256 bytes, at most "
      "255" },
    { PC, "stream_version", "2", NULL, QVISIT_ERROR_VERSION,
      "stream_version: 2, expected 3" },
    { PC, "records", "[]", NULL, QVISIT_ERROR_INVALID,
      "records: empty, expected at least the EOF record" },
    { PC, "records[1].ram[0].fill", "4660", NULL, QVISIT_ERROR_RANGE,
      "records[1].ram[0].fill: 4660 does not fit u8" },
    { PC, "records[1].ram[0]", "{\"type\": \"xbzrle\", \"addr\": 0, "
      "\"block\": \"pc.ram\", \"encoding\": 300, \"data\": \"AQE=\"}", NULL,
      QVISIT_ERROR_RANGE, "records[1].ram[0].encoding: 300 does not fit u8" },
    /* Device values: the width and signedness of their vmdesc field. */
    { PC, "records[27].state.outport", "300", NULL, QVISIT_ERROR_RANGE,
      "records[27].state.outport: 300 does not fit uint8 (0 to 255)" },
    { PC, "records[24].state.mouse_dx", "-2147483649", NULL,
      QVISIT_ERROR_RANGE, "records[24].state.mouse_dx: -2147483649 does "
      "not fit int32 (-2147483648 to 2147483647)" },
    { PC, "records[5].state.cpu/poll_control_msr.__version_id",
      "4294967297", NULL, QVISIT_ERROR_RANGE,
      "records[5].state.cpu/poll_control_msr.__version_id: 4294967297 does "
      "not fit u32" },
    { PC, "records[1].ram[0].block", "\"pc.ramx\"", NULL,
      QVISIT_ERROR_INVALID, "records[1].ram[0].block: can't find RAM block "
      "'pc.ramx' (not in a mem_size item before it)" },
    { PC, "records[1].ram[0].addr", "16777216", NULL, QVISIT_ERROR_RANGE,
      "records[1].ram[0].addr: 0x1000000 is past the end of RAM block "
      "'pc.ram' (0x1000000 bytes)" },
    /* A CONTINUE page: the block is the previous page's. */
    { PC, "records[1].ram[1].addr", "17825792", NULL, QVISIT_ERROR_RANGE,
      "records[1].ram[1].addr: 0x1100000 is past the end of RAM block "
      "'pc.ram' (0x1000000 bytes)" },
    /* issue 13 section 3: an edit the stream cannot hold is refused, not
     * lost. A member next to the real one ("Scr" beside "scr"): */
    { "pc-serial-nic-usb", "records[31].state.state.Scr", "90", NULL,
      QVISIT_ERROR_UNEXPECTED, "records[31].state.state.Scr: not a field "
      "of the vmdesc, so the stream cannot hold it" },
    /* the same at the top of a state and inside a subsection */
    { PC, "records[3].state.cpu_clock_offsetx", "1", NULL,
      QVISIT_ERROR_UNEXPECTED, "records[3].state.cpu_clock_offsetx: not a "
      "field of the vmdesc, so the stream cannot hold it" },
    { PC, "records[5].state.cpu/poll_control_msr.extra", "1", NULL,
      QVISIT_ERROR_UNEXPECTED, "records[5].state.cpu/poll_control_msr."
      "extra: not a field of the vmdesc, so the stream cannot hold it" },
    /* __version_id belongs to subsections only */
    { PC, "records[3].state.__version_id", "2", NULL,
      QVISIT_ERROR_UNEXPECTED, "records[3].state.__version_id: not a "
      "field of the vmdesc, so the stream cannot hold it" },
    /* integers may be strings (dump --u64-as-string), still checked */
    { PC, "records[27].state.outport", "\"0x12c\"", NULL,
      QVISIT_ERROR_RANGE, "records[27].state.outport: 300 does not fit "
      "uint8 (0 to 255)" },
    { PC, "records[27].state.outport", "\"12a\"", NULL, QVISIT_ERROR_TYPE,
      "records[27].state.outport: expected an integer or an integer "
      "string, got \"12a\"" },
    { PC, "records[24].state.mouse_dx", "\"-2147483649\"", NULL,
      QVISIT_ERROR_RANGE, "records[24].state.mouse_dx: -2147483649 does "
      "not fit int32 (-2147483648 to 2147483647)" },
    /* a section version its vmdesc entry does not describe */
    { PC, "records[3].version_id", "3", NULL, QVISIT_ERROR_VERSION,
      "records[3].version_id: 3, but the vmdesc describes section 'timer' "
      "at version 2" },
    /* a vmdesc that disagrees with the payload's size */
    { PC, "vmdesc", NULL, segs_size_25, QVISIT_ERROR_INVALID,
      "records[5].state.env.segs[0]: encoded 20 bytes but the vmdesc size "
      "is 25" },
    /* a field whose JSON length differs from the vmdesc size */
    { PC, "records[3].state.unused", "\"00\"", NULL, QVISIT_ERROR_LENGTH,
      "records[3].state.unused: 1 bytes, expected 8" },

    /* every other member the encoder writes, against its wire width or
     * what the reader and QEMU's loader accept */
    { PC, "format_version", "2", NULL, QVISIT_ERROR_VERSION,
      "format_version: 2, expected 1" },
    { PC, "page_size", "8192", NULL, QVISIT_ERROR_INVALID,
      "page_size: 8192, but the vmdesc has 4096" },
    { PC, "records[3].section_id", "4294967296", NULL, QVISIT_ERROR_RANGE,
      "records[3].section_id: 4294967296 does not fit u32" },
    { PC, "records[3].instance_id", "4294967296", NULL, QVISIT_ERROR_RANGE,
      "records[3].instance_id: 4294967296 does not fit u32" },
    { PC, "records[3].version_id", "4294967298", NULL, QVISIT_ERROR_RANGE,
      "records[3].version_id: 4294967298 does not fit u32" },
    { PC, "records[0].version_id", "5", NULL, QVISIT_ERROR_RANGE,
      "records[0].version_id: 5, but the ram section is version 4" },
    { PC, "records[1]", "{\"type\": \"COMMAND\", \"cmd\": 65537, "
      "\"data\": \"\"}", NULL, QVISIT_ERROR_RANGE,
      "records[1].cmd: 65537 does not fit u16" },
    { PC, "records[1]", "{\"type\": \"COMMAND\", \"cmd\": 7, "
      "\"data\": \"00000000\"}", NULL, QVISIT_ERROR_RANGE,
      "records[1].cmd: 7 is not a command qvisit reads (1 to 10 except 7, "
      "PACKAGED)" },
    { PC, "records[1]", "{\"type\": \"COMMAND\", \"cmd\": 2, "
      "\"data\": \"00\"}", NULL, QVISIT_ERROR_LENGTH,
      "records[1].data: command 2 takes 4 bytes, got 1" },
    { PC, "records[1].ram[0]", "{\"type\": \"xbzrle\", \"addr\": 0, "
      "\"block\": \"pc.ram\", \"encoding\": 2, \"data\": \"AQE=\"}", NULL,
      QVISIT_ERROR_RANGE, "records[1].ram[0].encoding: 2 is not 1, the "
      "XBZRLE encoding QEMU loads" },
    { PC, "records[0].ram[0].blocks[6]", "{\"id\": \"extra\", "
      "\"length\": 0}", NULL, QVISIT_ERROR_RANGE,
      "records[0].ram[0].blocks[6]: the blocks before it already add up to "
      "the total 0x1082000" },
    { PC, "records[0].ram[0].blocks[0].length", "33554432", NULL,
      QVISIT_ERROR_RANGE, "records[0].ram[0].blocks[0].length: 0x2000000 "
      "exceeds the 0x1082000 bytes left of the total" },
    { PC, "records[0].ram[0].blocks[0].addr", "0", NULL,
      QVISIT_ERROR_INVALID, "records[0].ram[0].blocks[0].addr: only a "
      "configuration with the x-ignore-shared capability has block "
      "addresses" },
    { "pc-ignore-shared", "records[0].ram[0].blocks[0]", "{\"id\": "
      "\"mem\", \"length\": 16777216}", NULL, QVISIT_ERROR_MISSING,
      "records[0].ram[0].blocks[0]: member 'addr' is missing (the "
      "configuration lists x-ignore-shared)" },
    { PC, "records[3].type", "\"START\"", NULL, QVISIT_ERROR_MISSING,
      "records[3]: member 'opaque' is missing (qvisit decodes no iterative "
      "section of this name)" },
    { PC, "records[1].section_id", "0", NULL, QVISIT_ERROR_INVALID,
      "records[1].section_id: PART of section 0, which no earlier START of "
      "an iterative section (or FULL of the ram section) has" },
    { PC, "records[3].ram", "[]", NULL, QVISIT_ERROR_INVALID,
      "records[3].ram: only the ram section (instance 0) has RAM items" },
    { PC, "records[4].footer", "false", NULL, QVISIT_ERROR_INVALID,
      "records[4].footer: false, but records[0] has true: every section "
      "has a footer or none does" },
    { PC, "records[3]", "{\"type\": \"EOF\"}", NULL, QVISIT_ERROR_INVALID,
      "records[3]: EOF before the last record" },
    { PC, "records[33]", "{\"type\": \"COMMAND\", \"cmd\": 1, "
      "\"data\": \"\"}", NULL, QVISIT_ERROR_INVALID,
      "records[33]: the last record is COMMAND, expected EOF" },
    /* issue 13 section 1: block and dirty-bitmap sections (pc-block:
     * records[0] START, [4] PART with a data chunk and a zero chunk;
     * pc-dirty-bitmap: records[2] START, [9735] END with bits) */
    { BLK, "records[4].block[0].data", "\"AAAA\"", NULL,
      QVISIT_ERROR_LENGTH, "records[4].block[0].data: 3 bytes, expected "
      "1048576 (a block migration chunk)" },
    { BLK, "records[4].block[1].flags", "1", NULL, QVISIT_ERROR_INVALID,
      "records[4].block[1].flags: 0x1 makes a 'block' item, not "
      "'zero_block'" },
    { BLK, "records[4].block[1].data", "\"AAAA\"", NULL,
      QVISIT_ERROR_INVALID, "records[4].block[1].data: only a 'block' item "
      "has data" },
    { BLK, "records[4].block[2]", "{\"type\": \"progress\", "
      "\"percent\": 1}", NULL, QVISIT_ERROR_INVALID,
      "records[4].block[2]: the last item has no EOS flag (type eos)" },
    { BLK, "records[4].block[3]", "{\"type\": \"eos\"}", NULL,
      QVISIT_ERROR_INVALID, "records[4].block[2]: an item with the EOS flag "
      "before the last one" },
    { BLK, "records[4].block[0].type", "\"disk\"", NULL,
      QVISIT_ERROR_INVALID, "records[4].block[0].type: unknown block item "
      "type 'disk' (block, zero_block, progress or eos)" },
    { BLK, "records[0].version_id", "2", NULL, QVISIT_ERROR_RANGE,
      "records[0].version_id: 2, but QEMU loads the block section at "
      "version 1" },
    { BLK, "records[4].block", "{\"chunks\": 1}", NULL,
      QVISIT_ERROR_MISSING, "records[4].block: summarised; dump with --ram "
      "to re-encode" },
    { BLK, "records[4].state", "{}", NULL, QVISIT_ERROR_INVALID,
      "records[4].state: only a device section (FULL) has a state" },
    { BLK, "records[4].dirty_bitmap", "[]", NULL, QVISIT_ERROR_INVALID,
      "records[4].dirty_bitmap: not in a PART record of this section, whose "
      "payload is 'block'" },
    { BLK, "records[5].block", "[]", NULL, QVISIT_ERROR_INVALID,
      "records[5].block: not in a PART record of this section, whose "
      "payload is 'ram'" },
    { BLK, "records[8].block", "[]", NULL, QVISIT_ERROR_INVALID,
      "records[8].block: a device section (FULL) has no iterative payload" },
    /* The item lists of both (one writer loop). */
    { BLK, "records[4].block", "[]", NULL, QVISIT_ERROR_INVALID,
      "records[4].block: no items, expected at least an eos item" },
    { BLK, "records[4].block[1]", "7", NULL, QVISIT_ERROR_TYPE,
      "records[4].block[1]: expected an object" },
    { DBM, "records[2].dirty_bitmap", "[]", NULL, QVISIT_ERROR_INVALID,
      "records[2].dirty_bitmap: no chunks, expected at least an eos chunk" },
    { DBM, "records[2].dirty_bitmap[0]", "[]", NULL, QVISIT_ERROR_TYPE,
      "records[2].dirty_bitmap[0]: expected an object" },
    { DBM, "records[2].dirty_bitmap[0].bitmap_flags", "8", NULL,
      QVISIT_ERROR_RANGE, "records[2].dirty_bitmap[0].bitmap_flags: 0x08 "
      "has reserved bits (0xf8), which QEMU refuses" },
    { DBM, "records[9735].dirty_bitmap[0].node", "\"d0\"", NULL,
      QVISIT_ERROR_INVALID, "records[9735].dirty_bitmap[0].node: not "
      "written by a chunk whose flags lack DEVICE_NAME, 0x08" },
    { DBM, "records[9735].dirty_bitmap[0].data", NULL, long_bitmap_chunk,
      QVISIT_ERROR_LENGTH, "records[9735].dirty_bitmap[0].data: 10241 "
      "bytes, at most 10240 (QEMU's bound for a chunk)" },
    { DBM, "records[9735].dirty_bitmap[1].type", "\"bits\"", NULL,
      QVISIT_ERROR_INVALID, "records[9735].dirty_bitmap[1].type: 'bits', "
      "but flags 0x20 make a 'complete' chunk" },
    { DBM, "records[9735].dirty_bitmap[0].flags", "192", NULL,
      QVISIT_ERROR_RANGE, "records[9735].dirty_bitmap[0].flags: 0xc0 has "
      "bit 0x80, which makes the flags longer: give 'flags_bytes'" },
    { DBM, "records[2].dirty_bitmap[0].flags_bytes", "\"9c\"", NULL,
      QVISIT_ERROR_INVALID, "records[2].dirty_bitmap[0].flags_bytes: '9c' "
      "is not 1, 2 or 4 flag bytes as the loader reads them (0x80 in a byte "
      "announces more)" },
    { DBM, "records[2].dirty_bitmap[0].flags_bytes", "\"809c\"", NULL,
      QVISIT_ERROR_INVALID, "records[2].dirty_bitmap[0].flags_bytes: "
      "'809c' is not 1, 2 or 4 flag bytes as the loader reads them (0x80 "
      "in a byte announces more)" },
    { DBM, "records[2].dirty_bitmap[0].flags_bytes", "\"801d\"", NULL,
      QVISIT_ERROR_INVALID, "records[2].dirty_bitmap[0].flags: 0x1c, but "
      "the last of 'flags_bytes' is 0x1d (the byte the loader acts on)" },
    { DBM, "records[2].dirty_bitmap[1].flags", "0", NULL,
      QVISIT_ERROR_INVALID, "records[2].dirty_bitmap[1].type: 'eos', but "
      "flags 0x00 make a 'header' chunk" },
    { DBM, "records[2].version_id", "0", NULL, QVISIT_ERROR_RANGE,
      "records[2].version_id: 0, but QEMU loads the dirty-bitmap section at "
      "version 1" },
};

const size_t qemu_bad_dumps_count = G_N_ELEMENTS(qemu_bad_dumps);

QObject *qemu_full_dump(const char *name)
{
    g_autofree char *path = g_strdup_printf("tests/data/qemu/%s.mig", name);
    QemuStreamOptions opts;

    qemu_stream_options_init(&opts);
    opts.ram_full = true;
    return qemu_stream_dump_path(path, &opts, NULL);
}

bool qobject_set_path(QObject *root, const char *path, QObject *value)
{
    QObject *cur = root;
    const char *p = path;

    for (;;) {
        g_autofree char *key = NULL;
        QObject *next;
        size_t index = 0;
        bool is_index = *p == '[';

        if (is_index) {
            char *end;

            index = strtoul(p + 1, &end, 10);
            p = end + (*end == ']');
        } else {
            size_t n = strcspn(p, ".[");

            key = g_strndup(p, n);
            p += n;
        }
        if (*p == '.') {
            p++;
        }
        if (is_index && qobject_to(QList, cur)) {
            QList *l = qobject_to(QList, cur);

            if (!*p && index < qlist_size(l)) {
                qlist_set_obj(l, index, value);
                return true;
            }
            if (!*p && index == qlist_size(l)) {
                qlist_append_obj(l, value);
                return true;
            }
            next = index < qlist_size(l) ? qlist_get(l, index) : NULL;
        } else if (!is_index && qobject_to(QDict, cur)) {
            if (!*p) {
                qdict_put_obj(qobject_to(QDict, cur), key, value);
                return true;
            }
            next = qdict_get(qobject_to(QDict, cur), key);
        } else {
            next = NULL;
        }
        if (!next) {
            qobject_unref(value);
            return false;
        }
        cur = next;
    }
}

QObject *qemu_bad_dump_build(const QemuBadDump *c)
{
    g_autoptr(QObject) dump = qemu_full_dump(c->stream);
    QObject *value = c->make ? c->make()
                             : qobject_from_json(c->json, NULL);

    if (!dump || !value) {
        qobject_unref(value);
        return NULL;
    }
    if (!qobject_set_path(dump, c->path, value)) {
        return NULL;
    }
    return g_steal_pointer(&dump);
}
