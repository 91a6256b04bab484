/*
 * qvisit ram read STREAM ADDR LEN / ram write STREAM -o OUT ADDR DATA:
 * guest RAM of a QEMU stream by address.
 *
 * The stream is read as its full native dump. The memory a page holds is
 * what QEMU's loader leaves in it: the stream's records are applied in
 * order (a zero page is its fill byte repeated, a compressed page is
 * inflated, an XBZRLE page updates the bytes before it), so the last copy
 * of a page wins; a page the stream never sent reads as zeros, the
 * content of fresh guest RAM (a shared block that x-ignore-shared does
 * not migrate is refused). A write changes the last copy of each page
 * it touches into a full page holding the new bytes (a zero, compressed or
 * XBZRLE page becomes a full one), or adds a full page before the end of
 * the last RAM record when the stream never sent it; every other byte of
 * the stream is kept. docs/qemu-streams.md, "Editing: set and ram",
 * describes the address forms.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <zlib.h>

#include <qvisit/qvisit.h>

#include "tools/cli.h"

static void ram_usage(FILE *out)
{
    fprintf(out,
            "usage: qvisit ram read STREAM ADDR LEN\n"
            "       qvisit ram write STREAM -o OUT ADDR HEX|@FILE\n"
            "\n"
            "Reads (as a hex dump) or writes guest RAM of a QEMU migration\n"
            "stream. ADDR is BLOCK:OFFSET (a RAM block of the stream, e.g.\n"
            "pc.ram:0x1000) or, for the pc and q35 machine types, a guest-\n"
            "physical address (0x100000). Memory is what QEMU loads: the\n"
            "last copy of a page wins, a page never sent is zeros. A write\n"
            "makes the last copy of each page it touches a full page (or\n"
            "adds one) and keeps every other byte of the stream. @FILE\n"
            "writes the bytes of FILE. Numbers are decimal or 0x hex.\n"
            "\n"
            "options:\n"
            "  -o, --output FILE  write: the edited stream (required)\n"
            "  -h, --help         show this help\n"
            "\n"
            "exit status: 0 success, 1 bad input or address, 2 usage "
            "error\n");
}

/* The most a read prints or a write changes at once. */
#define RAM_MAX_LEN (64u * 1024 * 1024)

/* One page the command touches: its content as loaded, and the record
 * item that last sent it (borrowed from the dump; NULL: never sent). */
typedef struct RamPage {
    uint8_t *buf;
    QDict *last;
} RamPage;

typedef struct RamEdit {
    QObject *dump;
    uint64_t page_size;
    const char *block;          /* the block addressed */
    uint64_t block_len;
    uint64_t offset, len;       /* in the block */
    uint64_t first_page;        /* offset of the first page touched */
    size_t npages;
    RamPage *pages;
    QList *last_record_ram;     /* items of the last RAM record */
    bool block_sent;            /* the stream has a page of the block */
} RamEdit;

static void ram_edit_clear(RamEdit *e)
{
    for (size_t i = 0; e->pages && i < e->npages; i++) {
        g_free(e->pages[i].buf);
    }
    g_free(e->pages);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(RamEdit, ram_edit_clear)

static bool get_u64(QDict *d, const char *key, uint64_t *v)
{
    QNum *n = qobject_to(QNum, qdict_get(d, key));

    return n && qnum_get_try_uint(n, v);
}

static const char *get_str(QDict *d, const char *key)
{
    QString *s = qobject_to(QString, qdict_get(d, key));

    return s ? qstring_get_str(s) : NULL;
}

static bool parse_u64(const char *s, uint64_t *v)
{
    g_autoptr(QNum) n = NULL;

    return cli_parse_integer(s, &n) && qnum_get_try_uint(n, v);
}

/*
 * Whether @id names a block that is not the machine's RAM: one a device
 * owns ("0000:00:02.0/vga.vram", "/rom@etc/acpi/tables": a '/' in the
 * id), or the x86 firmware and ISA blocks without one (the BIOS, option
 * ROM area, ISA VGA memory and pflash).
 */
static bool not_machine_ram(const char *id)
{
    static const char *const known[] = {
        "pc.bios", "pc.rom", "vga.vram", "system.flash0", "system.flash1",
    };

    if (strchr(id, '/')) {
        return true;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(known); i++) {
        if (!strcmp(id, known[i])) {
            return true;
        }
    }
    return false;
}

/*
 * The lengths of the stream's RAM blocks (its mem_size items), and the
 * block holding the machine's RAM: "pc.ram", or, for a machine whose
 * memory is a backend (-machine memory-backend=ID), the one block that
 * no device owns and that is no firmware (not_machine_ram()): the list
 * is sorted by size, so the first block may be a larger VGA memory.
 * With several such blocks (NUMA nodes with memdevs, DIMMs) *@main_block
 * stays NULL and *@others counts them.
 */
static GHashTable *block_lengths(QList *records, const char **main_block,
                                 unsigned *others)
{
    GHashTable *lengths = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                NULL, g_free);
    const char *candidate = NULL;
    bool pc_ram = false;

    *others = 0;
    for (size_t i = 0; i < qlist_size(records); i++) {
        QDict *rec = qobject_to(QDict, qlist_get(records, i));
        QList *ram = rec ? qobject_to(QList, qdict_get(rec, "ram")) : NULL;

        for (size_t j = 0; ram && j < qlist_size(ram); j++) {
            QDict *item = qobject_to(QDict, qlist_get(ram, j));
            QList *blocks;

            if (!item || g_strcmp0(get_str(item, "type"), "mem_size")) {
                continue;
            }
            blocks = qobject_to(QList, qdict_get(item, "blocks"));
            for (size_t k = 0; blocks && k < qlist_size(blocks); k++) {
                QDict *b = qobject_to(QDict, qlist_get(blocks, k));
                const char *id = b ? get_str(b, "id") : NULL;
                uint64_t len;

                if (!id || !get_u64(b, "length", &len)) {
                    continue;
                }
                if (!strcmp(id, "pc.ram")) {
                    pc_ram = true;
                    *main_block = id;
                } else if (!not_machine_ram(id) &&
                           !g_hash_table_contains(lengths, id)) {
                    candidate = id;
                    (*others)++;
                }
                g_hash_table_insert(lengths, (gpointer)id,
                                    g_memdup2(&len, sizeof(len)));
            }
        }
    }
    if (!pc_ram) {
        *main_block = *others == 1 ? candidate : NULL;
    }
    return lengths;
}

/*
 * A guest-physical address of a pc (i440FX) or q35 machine as QEMU 7.2
 * lays out its RAM (hw/i386/pc_piix.c, pc_q35.c): the machine RAM block's
 * first below_4g bytes at 0, the rest at 4 GiB. below_4g is the RAM size
 * up to a limit: 3.5 GiB on pc (3 GiB when the RAM is larger, with the
 * gigabyte alignment of the machine types since 2.0), 2.75 GiB on q35
 * (2 GiB when the RAM is 2.75 GiB or more), assuming the default
 * max-ram-below-4g. 0xa0000-0xfffff (the VGA window, option ROMs and
 * the BIOS) and below_4g up to 4 GiB (PCI and the BIOS ROM) are refused.
 */
static bool guest_physical(const char *machine, uint64_t ram_size,
                           uint64_t addr, uint64_t len, uint64_t *offset)
{
    bool q35 = g_str_has_prefix(machine, "pc-q35-");
    uint64_t below, low_limit;
    uint64_t end = addr + len;

    if (q35) {
        low_limit = ram_size >= 0xb0000000 ? 0x80000000 : 0xb0000000;
    } else {
        bool old = g_str_has_prefix(machine, "pc-i440fx-1.") ||
                   g_str_has_prefix(machine, "pc-1.") ||
                   !strcmp(machine, "isapc");

        low_limit = 0xe0000000;
        if (ram_size >= low_limit && !old) {
            low_limit = 0xc0000000;
        }
    }
    below = MIN(ram_size, low_limit);
    if (end < addr) {
        cli_error("ram: 0x%" G_GINT64_MODIFIER "x+0x%" G_GINT64_MODIFIER
                  "x wraps around", addr, len);
        return false;
    }
    if (addr >= 0xa0000 && addr < 0x100000) {
        cli_error("ram: 0x%" G_GINT64_MODIFIER "x is in the VGA window and "
                  "ROM area 0xa0000-0xfffff, not RAM", addr);
        return false;
    }
    if (addr < 0xa0000 && end > 0xa0000) {
        cli_error("ram: 0x%" G_GINT64_MODIFIER "x+0x%" G_GINT64_MODIFIER
                  "x reaches into the VGA window and ROM area "
                  "0xa0000-0xfffff", addr, len);
        return false;
    }
    if (addr < below) {
        if (end > below) {
            cli_error("ram: 0x%" G_GINT64_MODIFIER "x+0x%"
                      G_GINT64_MODIFIER "x runs past the end of RAM "
                      "below 4 GiB (0x%" G_GINT64_MODIFIER "x)", addr, len,
                      below);
            return false;
        }
        *offset = addr;
        return true;
    }
    if (addr < UINT64_C(0x100000000)) {
        cli_error("ram: 0x%" G_GINT64_MODIFIER "x is in the hole between "
                  "the end of RAM below 4 GiB (0x%" G_GINT64_MODIFIER "x) "
                  "and 4 GiB (PCI, BIOS ROM), not RAM", addr, below);
        return false;
    }
    if (ram_size == below) {
        cli_error("ram: 0x%" G_GINT64_MODIFIER "x: the machine has no RAM "
                  "above 4 GiB (its 0x%" G_GINT64_MODIFIER "x bytes are all "
                  "below)", addr, ram_size);
        return false;
    }
    if (addr - UINT64_C(0x100000000) + len > ram_size - below) {
        cli_error("ram: 0x%" G_GINT64_MODIFIER "x+0x%" G_GINT64_MODIFIER
                  "x runs past the end of RAM above 4 GiB (0x%"
                  G_GINT64_MODIFIER "x)", addr, len,
                  UINT64_C(0x100000000) + ram_size - below);
        return false;
    }
    *offset = below + (addr - UINT64_C(0x100000000));
    return true;
}

/* ADDR as (block, offset), the range checked against the block. */
static bool resolve(RamEdit *e, const char *addr, GHashTable *lengths,
                    const char *main_block, unsigned others)
{
    const char *colon = strrchr(addr, ':');
    QDict *root = qobject_to(QDict, e->dump);
    QDict *conf = qobject_to(QDict, qdict_get(root, "configuration"));
    const char *machine = conf ? get_str(conf, "machine_type") : NULL;
    g_autofree char *block = NULL;
    uint64_t *len;
    uint64_t a;

    if (colon) {
        block = g_strndup(addr, (size_t)(colon - addr));
        if (!parse_u64(colon + 1, &e->offset)) {
            cli_error("ram: %s: expected BLOCK:OFFSET with a number after "
                      "the last ':'", addr);
            return false;
        }
    } else {
        if (!parse_u64(addr, &a)) {
            cli_error("ram: %s: expected a guest-physical address or "
                      "BLOCK:OFFSET", addr);
            return false;
        }
        if (!machine || !(g_str_has_prefix(machine, "pc-") ||
                          !strcmp(machine, "isapc"))) {
            /* The machine type is the stream's text: escaped. */
            g_autofree char *shown = machine
                ? qvisit_error_escape(machine, -1) : NULL;

            cli_error("ram: %s: guest-physical addresses are known for "
                      "the pc and q35 machine types only (this stream's is "
                      "%s); use BLOCK:OFFSET", addr,
                      shown ? shown : "not recorded");
            return false;
        }
        if (!main_block && others > 1) {
            cli_error("ram: %s: the machine's RAM is in %u blocks (NUMA "
                      "nodes or DIMMs with memory backends), whose guest "
                      "addresses the stream does not give; use "
                      "BLOCK:OFFSET", addr, others);
            return false;
        }
        block = g_strdup(main_block);
        len = block ? g_hash_table_lookup(lengths, block) : NULL;
        if (!len) {
            cli_error("ram: %s: the stream has no RAM block", addr);
            return false;
        }
        if (!guest_physical(machine, *len, a, e->len, &e->offset)) {
            return false;
        }
    }
    len = g_hash_table_lookup(lengths, block);
    if (!len) {
        cli_error("ram: %s: no RAM block '%s' in the stream", addr, block);
        return false;
    }
    if (e->offset > *len || e->len > *len - e->offset) {
        cli_error("ram: %s: 0x%" G_GINT64_MODIFIER "x bytes at offset 0x%"
                  G_GINT64_MODIFIER "x run past the end of block '%s' (0x%"
                  G_GINT64_MODIFIER "x bytes)", addr, e->len, e->offset,
                  block, *len);
        return false;
    }
    /* Borrow the id from the table, whose keys are the dump's. */
    {
        gpointer key = NULL;

        g_hash_table_lookup_extended(lengths, block, &key, NULL);
        e->block = key;
    }
    e->block_len = *len;
    return true;
}

/* One ULEB128 of at most two bytes (QEMU's uleb128_decode_small());
 * 0 when invalid, else the bytes it takes. */
static size_t uleb128_small(const uint8_t *in, uint32_t *n)
{
    if (!(in[0] & 0x80)) {
        *n = in[0];
        return 1;
    }
    if (in[1] & 0x80) {
        return 0;
    }
    *n = (in[0] & 0x7fu) | (uint32_t)in[1] << 7;
    return 2;
}

/* XBZRLE as QEMU 7.2 decodes it (xbzrle_decode_buffer() in
 * migration/xbzrle.c): pairs of a run of unchanged bytes and a run of new
 * bytes, each length a ULEB128; only the first unchanged run may be 0. */
static bool xbzrle_apply(const uint8_t *src, size_t slen, uint8_t *dst,
                         size_t dlen)
{
    size_t i = 0, d = 0, used;
    uint32_t count;

    while (i < slen) {
        if (slen - i < 2) {
            return false;
        }
        used = uleb128_small(src + i, &count);
        if (!used || (i && !count)) {
            return false;
        }
        i += used;
        d += count;
        if (d > dlen) {
            return false;
        }
        if (slen - i < 2) {
            return false;
        }
        used = uleb128_small(src + i, &count);
        if (!used || !count) {
            return false;
        }
        i += used;
        if (d + count > dlen || i + count > slen) {
            return false;
        }
        memcpy(dst + d, src + i, count);
        d += count;
        i += count;
    }
    return true;
}

/* Applies one record item of the addressed block to its page. */
static bool apply_item(RamEdit *e, RamPage *pg, QDict *item,
                       const char *type, const char *where)
{
    const char *data = get_str(item, "data");
    g_autofree uint8_t *bytes = NULL;
    uint64_t fill;
    gsize n = 0;

    if (!pg->buf) {
        pg->buf = g_malloc0(e->page_size);
    }
    pg->last = item;
    if (!strcmp(type, "zero")) {
        if (!get_u64(item, "fill", &fill)) {
            cli_error("%s: a zero page without a fill byte", where);
            return false;
        }
        memset(pg->buf, (int)fill, e->page_size);
        return true;
    }
    if (!data) {
        cli_error("%s: a %s page without data", where, type);
        return false;
    }
    bytes = g_base64_decode(data, &n);
    if (!strcmp(type, "page")) {
        if (n != e->page_size) {
            cli_error("%s: a page of %zu bytes", where, (size_t)n);
            return false;
        }
        memcpy(pg->buf, bytes, n);
    } else if (!strcmp(type, "compressed")) {
        uLongf out = (uLongf)e->page_size;

        if (uncompress(pg->buf, &out, bytes, (uLong)n) != Z_OK ||
            out != e->page_size) {
            cli_error("%s: a compressed page that does not inflate to one "
                      "page", where);
            return false;
        }
    } else if (!xbzrle_apply(bytes, n, pg->buf, e->page_size)) {
        cli_error("%s: an XBZRLE page QEMU would not decode", where);
        return false;
    }
    return true;
}

/* Runs through every RAM item in stream order and loads the pages the
 * range touches. */
static bool load_pages(RamEdit *e)
{
    QList *records = qobject_to(QList, qdict_get(qobject_to(QDict, e->dump),
                                                 "records"));
    const char *cur = NULL;
    uint64_t last_page = (e->offset + MAX(e->len, 1) - 1) &
                         ~(e->page_size - 1);

    e->first_page = e->offset & ~(e->page_size - 1);
    e->npages = (size_t)((last_page - e->first_page) / e->page_size + 1);
    e->pages = g_new0(RamPage, e->npages);
    for (size_t i = 0; i < qlist_size(records); i++) {
        QDict *rec = qobject_to(QDict, qlist_get(records, i));
        QList *ram = rec ? qobject_to(QList, qdict_get(rec, "ram")) : NULL;

        if (!ram) {
            continue;
        }
        e->last_record_ram = ram;
        for (size_t j = 0; j < qlist_size(ram); j++) {
            QDict *item = qobject_to(QDict, qlist_get(ram, j));
            const char *type = item ? get_str(item, "type") : NULL;
            uint64_t addr;

            if (!type || !strcmp(type, "mem_size") || !strcmp(type, "eos")) {
                continue;
            }
            if (get_str(item, "block")) {
                cur = get_str(item, "block");
            }
            if (!cur || strcmp(cur, e->block) != 0) {
                continue;
            }
            e->block_sent = true;
            if (!get_u64(item, "addr", &addr) || addr < e->first_page ||
                addr > last_page) {
                continue;
            }
            {
                g_autofree char *where = g_strdup_printf(
                    "records[%zu].ram[%zu]", i, j);

                if (!apply_item(e, &e->pages[(addr - e->first_page) /
                                             e->page_size],
                                item, type, where)) {
                    return false;
                }
            }
        }
    }
    return true;
}

/* Whether the stream's configuration lists the x-ignore-shared
 * capability. */
static bool ignores_shared(QObject *dump)
{
    QDict *conf = qobject_to(QDict, qdict_get(qobject_to(QDict, dump),
                                              "configuration"));
    QList *subs = conf ? qobject_to(QList, qdict_get(conf, "subsections"))
                       : NULL;

    for (size_t i = 0; subs && i < qlist_size(subs); i++) {
        QDict *sub = qobject_to(QDict, qlist_get(subs, i));
        QList *caps = sub ? qobject_to(QList, qdict_get(sub, "capabilities"))
                          : NULL;

        for (size_t k = 0; caps && k < qlist_size(caps); k++) {
            QString *cap = qobject_to(QString, qlist_get(caps, k));

            if (cap && !strcmp(qstring_get_str(cap), "x-ignore-shared")) {
                return true;
            }
        }
    }
    return false;
}

/*
 * With x-ignore-shared, QEMU migrates no page of a shared RAM block (a
 * memory backend with share=on, whose file both sides map) and its
 * loader refuses one ("block mem should not be migrated !"); the
 * block's content is the file, not zeros. Precopy sends every page of
 * the other blocks, so a block of such a stream with no page at all is
 * a shared one: refused for reading and writing alike.
 */
static bool check_migrated(RamEdit *e, const char *addr)
{
    g_autofree char *shown = NULL;

    if (e->block_sent || !ignores_shared(e->dump)) {
        return true;
    }
    /* The block id is the stream's text: escaped. */
    shown = qvisit_error_escape(e->block, -1);
    cli_error("ram: %s: block '%s' is shared memory that the stream does "
              "not migrate (x-ignore-shared: it has none of its pages, and "
              "QEMU refuses one); its content is the memory backend's "
              "file", addr, shown);
    return false;
}

/* Prints @len bytes from @e's pages as `hexdump -C` does, addresses
 * counted from @base. */
static int print_hex(RamEdit *e, uint64_t base)
{
    g_autoptr(GString) out = g_string_new(NULL);
    uint64_t skip = e->offset - e->first_page;

    for (uint64_t at = 0; at < e->len; at += 16) {
        uint8_t line[16];
        size_t n = (size_t)MIN(16, e->len - at);

        for (size_t k = 0; k < n; k++) {
            uint64_t o = skip + at + k;
            RamPage *pg = &e->pages[o / e->page_size];

            line[k] = pg->buf ? pg->buf[o % e->page_size] : 0;
        }
        g_string_append_printf(out, "%08" G_GINT64_MODIFIER "x ", base + at);
        for (size_t k = 0; k < 16; k++) {
            if (k == 8) {
                g_string_append_c(out, ' ');
            }
            if (k < n) {
                g_string_append_printf(out, " %02x", line[k]);
            } else {
                g_string_append(out, "   ");
            }
        }
        g_string_append(out, "  |");
        for (size_t k = 0; k < n; k++) {
            g_string_append_c(out, line[k] >= 0x20 && line[k] < 0x7f
                                   ? (char)line[k] : '.');
        }
        g_string_append(out, "|\n");
    }
    return cli_write_output(NULL, out->str, out->len);
}

/*
 * @arg's FILE (after the '@'): at most RAM_MAX_LEN bytes, read as they
 * come, so that a FILE that never ends (/dev/zero, a FIFO) or a huge one
 * is refused at the bound instead of being read into memory whole.
 */
static GBytes *read_data_file(const char *arg)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();
    FILE *f = fopen(arg + 1, "rb");
    uint8_t chunk[65536];
    size_t n;

    if (!f) {
        cli_error("ram: %s: open: %s", arg, g_strerror(errno));
        return NULL;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (n > RAM_MAX_LEN + 1u - buf->len) {
            n = RAM_MAX_LEN + 1u - buf->len;
        }
        g_byte_array_append(buf, chunk, (guint)n);
        if (buf->len > RAM_MAX_LEN) {
            fclose(f);
            cli_error("ram: %s: more than %u bytes, expected 1 to %u", arg,
                      RAM_MAX_LEN, RAM_MAX_LEN);
            return NULL;
        }
    }
    if (ferror(f)) {
        int e = errno;

        fclose(f);
        cli_error("ram: %s: read: %s", arg, g_strerror(e));
        return NULL;
    }
    fclose(f);
    return g_byte_array_free_to_bytes(g_steal_pointer(&buf));
}

/* The bytes to write: hex digits, or @FILE's contents. */
static GBytes *write_data(const char *arg)
{
    size_t n = strlen(arg);
    uint8_t *bytes;

    if (arg[0] == '@') {
        return read_data_file(arg);
    }
    if (n == 0 || n % 2) {
        cli_error("ram: data: expected an even number of hex digits or "
                  "@FILE, got %zu characters", n);
        return NULL;
    }
    bytes = g_malloc(n / 2);
    for (size_t i = 0; i < n / 2; i++) {
        int hi = g_ascii_xdigit_value(arg[2 * i]);
        int lo = g_ascii_xdigit_value(arg[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            g_free(bytes);
            cli_error("ram: data: '%c' at character %zu is not a hex "
                      "digit", hi < 0 ? arg[2 * i] : arg[2 * i + 1],
                      hi < 0 ? 2 * i : 2 * i + 1);
            return NULL;
        }
        bytes[i] = (uint8_t)(hi << 4 | lo);
    }
    return g_bytes_new_take(bytes, n / 2);
}

/* Writes the changed pages into the dump: the last copy of each becomes
 * a full page; a page never sent is added before the last RAM record's
 * final EOS, where no CONTINUE item follows it. */
static bool store_pages(RamEdit *e)
{
    QList *ram = e->last_record_ram;
    size_t at = ram ? qlist_size(ram) : 0;

    if (!ram || at == 0 ||
        g_strcmp0(get_str(qobject_to(QDict, qlist_get(ram, at - 1)),
                          "type"), "eos")) {
        cli_error("ram: the stream's last RAM record does not end with "
                  "EOS");
        return false;
    }
    for (size_t i = 0; i < e->npages; i++) {
        RamPage *pg = &e->pages[i];
        g_autofree char *b64 = NULL;
        QDict *item = pg->last;

        if (!pg->buf) {
            continue;   /* never sent and not written */
        }
        b64 = g_base64_encode(pg->buf, e->page_size);
        if (!item) {
            item = qdict_new();
            qdict_put_str(item, "type", "page");
            qdict_put_uint(item, "addr", e->first_page + i * e->page_size);
            qdict_put_str(item, "block", e->block);
            qdict_put_str(item, "data", b64);
            /* Insert before the final EOS: move it one place on. */
            qlist_append_obj(ram, qobject_ref(qlist_get(ram, at - 1)));
            qlist_set_obj(ram, at - 1, QOBJECT(item));
            at++;
            continue;
        }
        qdict_put_str(item, "type", "page");
        qdict_del(item, "fill");
        qdict_del(item, "encoding");
        qdict_put_str(item, "data", b64);
    }
    return true;
}

static int ram_run(bool write, const char *stream, const char *addr,
                   const char *arg, const char *output)
{
    g_autoptr(QObject) dump = NULL;
    g_autoptr(GHashTable) lengths = NULL;
    g_autoptr(GBytes) data = NULL;
    g_auto(RamEdit) e = { 0 };
    const char *main_block = NULL;
    unsigned others = 0;
    uint64_t page_size, base;

    if (write) {
        data = write_data(arg);
        if (!data) {
            return CLI_EXIT_FAILURE;
        }
        e.len = g_bytes_get_size(data);
    } else if (!parse_u64(arg, &e.len)) {
        cli_error("ram: LEN: expected a number, got '%s'", arg);
        return CLI_EXIT_USAGE;
    }
    if (e.len == 0 || e.len > RAM_MAX_LEN) {
        cli_error("ram: %" G_GUINT64_FORMAT " bytes, expected 1 to %u",
                  e.len, RAM_MAX_LEN);
        return CLI_EXIT_FAILURE;
    }
    dump = cli_qemu_full_dump(stream);
    if (!dump) {
        return CLI_EXIT_FAILURE;
    }
    e.dump = dump;
    if (!get_u64(qobject_to(QDict, dump), "page_size", &page_size) ||
        page_size == 0 || (page_size & (page_size - 1))) {
        cli_error("ram: %s: no valid page size", stream);
        return CLI_EXIT_FAILURE;
    }
    e.page_size = page_size;
    lengths = block_lengths(qobject_to(QList,
                                       qdict_get(qobject_to(QDict, dump),
                                                 "records")), &main_block,
                           &others);
    if (!resolve(&e, addr, lengths, main_block, others) || !load_pages(&e) ||
        !check_migrated(&e, addr)) {
        return CLI_EXIT_FAILURE;
    }
    if (!write) {
        /* Lines are numbered as the address was given. */
        base = e.offset;
        if (!strrchr(addr, ':')) {
            parse_u64(addr, &base);
        }
        return print_hex(&e, base);
    }
    for (uint64_t k = 0; k < e.len; k++) {
        uint64_t o = e.offset - e.first_page + k;
        RamPage *pg = &e.pages[o / e.page_size];

        if (!pg->buf) {
            pg->buf = g_malloc0(e.page_size);
        }
        pg->buf[o % e.page_size] =
            ((const uint8_t *)g_bytes_get_data(data, NULL))[k];
    }
    return store_pages(&e) ? cli_qemu_write(dump, output, false)
                           : CLI_EXIT_FAILURE;
}

int cmd_ram(int argc, char **argv)
{
    const char *args[4] = { NULL };
    const char *output = NULL;
    int nargs = 0;
    bool write;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            ram_usage(stdout);
            return CLI_EXIT_OK;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (i + 1 >= argc) {
                cli_error("ram: %s needs an argument", a);
                return CLI_EXIT_USAGE;
            }
            output = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            cli_error("ram: unknown option '%s'", a);
            ram_usage(stderr);
            return CLI_EXIT_USAGE;
        } else if (nargs < 4) {
            args[nargs++] = a;
        } else {
            cli_error("ram: too many arguments");
            return CLI_EXIT_USAGE;
        }
    }
    if (nargs == 0 || (strcmp(args[0], "read") && strcmp(args[0], "write"))) {
        cli_error("ram: expected 'read' or 'write'");
        ram_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    write = !strcmp(args[0], "write");
    if (nargs != 4 || (write && !output) || (!write && output)) {
        cli_error(write ? "ram: write: expected STREAM, -o OUT, ADDR and "
                          "HEX or @FILE"
                        : "ram: read: expected STREAM, ADDR and LEN");
        ram_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    return ram_run(write, args[1], args[2], args[3], output);
}
