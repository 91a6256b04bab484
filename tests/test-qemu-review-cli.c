/*
 * Defects found by reviewing issue 13 (QEMU streams end to end) as a
 * user of the command line: each test fails on the code before its fix.
 * The binary comes from $QVISIT_CLI, which `make check` sets.
 */
#include "tests/cli-run.h"
#include "tests/test-util.h"
#include "tests/qemu-bad-dumps.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#define DATA "tests/data/qemu/"

/* The temporary folder of the running test ("T/" in commands). */
static char *tmp_dir;

/* Runs @cmd (cli_run_with_tmp()); returns standard output, sets
 * *@err_out (nullable) to standard error, the folder shown as "T/", and
 * *@status to the exit status (-1 if killed). */
static char *run(const char *cmd, char **err_out, int *status)
{
    CliRun r = cli_run_with_tmp(tmp_dir, cmd);

    *status = r.status;
    if (err_out) {
        *err_out = r.err;
    } else {
        g_free(r.err);
    }
    return r.out;
}

/* Checks that @cmd exits with @status, @out (NULL: anything) on standard
 * output and exactly @err on standard error. */
static void expect(const char *cmd, int status, const char *out,
                   const char *err)
{
    g_autofree char *got_err = NULL;
    g_autofree char *got = NULL;
    int st;
    bool ok;

    got = run(cmd, &got_err, &st);
    ok = st == status && !strcmp(got_err, err) &&
         (!out || !strcmp(got, out));
    if (!ok) {
        fprintf(stderr, "\n%s\n  exit %d (want %d)\n  stdout %.400s\n"
                "  stderr %s\n  want   %s\n", cmd, st, status, got,
                got_err, err);
    }
    CU_ASSERT_TRUE(ok);
}

static void setup_tmp(void)
{
    g_autoptr(GError) err = NULL;

    g_free(tmp_dir);
    tmp_dir = g_dir_make_tmp("qvisit-review-XXXXXX", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tmp_dir);
}

static void remove_tmp(void)
{
    g_autoptr(GDir) dir = g_dir_open(tmp_dir, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *path = g_build_filename(tmp_dir, name, NULL);

        g_unlink(path);
    }
    g_rmdir(tmp_dir);
}

/* Writes @dump, encoded, to T/@name. */
static void write_stream(QObject *dump, const char *name)
{
    g_autoptr(GByteArray) bytes = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    g_autofree char *path = g_build_filename(tmp_dir, name, NULL);
    QEMUFile *f = qemu_fopen_bytearray(bytes);

    CU_ASSERT_TRUE(qemu_stream_encode(f, dump, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    CU_ASSERT_TRUE(g_file_set_contents(path, (char *)bytes->data,
                                       (gssize)bytes->len, NULL));
}

/* The record of @dump whose idstr is @idstr. */
static QDict *find_record(QObject *dump, const char *idstr)
{
    QList *records = qobject_to(QList, qdict_get(qobject_to(QDict, dump),
                                                 "records"));

    for (size_t i = 0; records && i < qlist_size(records); i++) {
        QDict *rec = qobject_to(QDict, qlist_get(records, i));
        QString *s = rec ? qobject_to(QString, qdict_get(rec, "idstr"))
                         : NULL;

        if (s && !strcmp(qstring_get_str(s), idstr)) {
            return rec;
        }
    }
    return NULL;
}

/* A section name with a terminal escape sequence, a newline and a
 * quote, as the stream holds it and as its vmdesc spells it. */
#define HOSTILE "po\033[31mrt\n9\"2"
#define HOSTILE_JSON "po\\u001b[31mrt\\n9\\\"2"
#define HOSTILE_SHOWN "po\\x1b[31mrt\\x0a9\"2"

/* Renames port92 to HOSTILE in the records and the vmdesc of @dump. */
static void rename_port92(QObject *dump)
{
    QDict *root = qobject_to(QDict, dump);
    QDict *rec = find_record(dump, "port92");
    QString *vmdesc = qobject_to(QString, qdict_get(root, "vmdesc"));

    CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
    qdict_put_str(rec, "idstr", HOSTILE);
    if (vmdesc) {
        g_auto(GStrv) parts = g_strsplit(qstring_get_str(vmdesc),
                                         "\"name\": \"port92\"", -1);
        g_autofree char *text = g_strjoinv("\"name\": \"" HOSTILE_JSON "\"",
                                           parts);

        CU_ASSERT_EQUAL(g_strv_length(parts), 2);
        qdict_put_str(root, "vmdesc", text);
    }
}

/*
 * `set` writes a whole opaque field as hex digits. The field's current
 * value, timer.unused's 16 zero digits, reads as a decimal integer too;
 * the new value was then taken for an integer and the encoder refused
 * it ("expected a hex string, got number"), so no opaque field holding
 * only decimal digits (all zeros, commonly) could be set.
 */
static void set_writes_opaque_fields_of_decimal_digits(void)
{
    setup_tmp();
    expect("Q set " DATA "pc-nodefaults.mig -o T/o.mig "
           "timer.unused=00000000000000a1 && Q diff " DATA
           "pc-nodefaults.mig T/o.mig", 1,
           "~ timer.unused[7]: 0x00 -> 0xa1\n", "");
    expect("Q set " DATA "pc-nodefaults.mig -o T/o.mig "
           "timer.unused=0000000000000001 && Q diff " DATA
           "pc-nodefaults.mig T/o.mig", 1,
           "~ timer.unused[7]: 0x00 -> 0x01\n", "");
    expect("Q set " DATA "pc-nodefaults.mig -o T/o.mig "
           "timer.unused=0000000000000000 && cmp T/o.mig " DATA
           "pc-nodefaults.mig && echo same", 0, "same\n", "");
    expect("rm T/o.mig", 0, "", "");
    /* A value of another length, or not hex, is refused by path. */
    expect("Q set " DATA "pc-nodefaults.mig -o T/o.mig timer.unused=00", 1,
           "", "qvisit: timer.unused: 1 bytes, expected 8\n");
    expect("Q set " DATA "pc-nodefaults.mig -o T/o.mig timer.unused=abc",
           1, "", "qvisit: timer.unused: expected hex bytes, two digits "
           "each, got 3 digits\n");
    expect("Q set " DATA "pc-nodefaults.mig -o T/o.mig timer.unused=12x4",
           1, "", "qvisit: timer.unused: expected hex bytes, got '12x4'\n");
    expect("Q set " DATA "pc-nodefaults.mig -o T/o.mig "
           "timer.cpu_ticks_offset=abc", 1, "",
           "qvisit: timer.cpu_ticks_offset: expected an integer (decimal "
           "or 0x hex), got 'abc'\n");
    expect("test -e T/o.mig; echo $?", 0, "1\n", "");
    remove_tmp();
}

/*
 * `ram write ADDR @FILE` read the whole FILE into memory before checking
 * it against the 64 MiB bound: @/dev/zero grew until memory ran out.
 * FILE is read up to the bound now, and its errors are one line that
 * names it.
 */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifdef UNDER_ASAN
/* AddressSanitizer maps terabytes of shadow memory: no address-space
 * limit; the plain build's run is the regression check. */
#define ADDRESS_SPACE_LIMIT ""
#else
/* 256 MiB of address space: the old code needs far more. */
#define ADDRESS_SPACE_LIMIT "ulimit -v 262144; "
#endif

static void ram_write_reads_at_most_the_bound_of_a_file(void)
{
    setup_tmp();
    expect(ADDRESS_SPACE_LIMIT "Q ram write " DATA "pc-nodefaults.mig -o "
           "T/o.mig 0 @/dev/zero", 1, "",
           "qvisit: ram: @/dev/zero: more than 67108864 bytes, expected 1 "
           "to 67108864\n");
    expect("Q ram write " DATA "pc-nodefaults.mig -o T/o.mig 0 "
           "@T/nosuch", 1, "",
           "qvisit: ram: @T/nosuch: open: No such file or directory\n");
    expect("Q ram write " DATA "pc-nodefaults.mig -o T/o.mig 0 @T/", 1, "",
           "qvisit: ram: @T/: read: Is a directory\n");
    expect("test -e T/o.mig; echo $?", 0, "1\n", "");
    /* A FIFO is read as it comes, up to its end. */
    expect("mkfifo T/fifo && (printf 'AB' > T/fifo &) && Q ram write "
           DATA "pc-nodefaults.mig -o T/o.mig 0x10 @T/fifo && "
           "Q ram read T/o.mig 0x10 2", 0,
           "00000010  41 42                                             "
           "|AB|\n", "");
    remove_tmp();
}

/*
 * Text of the stream reaches messages and listings escaped (docs/
 * security.md, "untrusted text"): the machine type in `ram`'s refusal of
 * a guest-physical address, a section's idstr in `check --layouts
 * builtin`, in `dump --partial`'s list of opaque sections, in `convert
 * --to qemu`'s and in `set`'s messages. Each printed the bytes as they
 * were: an escape sequence reached the terminal, a newline split the
 * line.
 */
static void stream_text_is_escaped_in_messages(void)
{
    g_autoptr(QObject) machine = qemu_full_dump("pc-nodefaults");
    g_autoptr(QObject) renamed = qemu_full_dump("pc-nodefaults");

    setup_tmp();
    CU_ASSERT_TRUE_FATAL(qobject_set_path(
        machine, "configuration.machine_type",
        QOBJECT(qstring_from_str("x\033[2J\ny"))));
    write_stream(machine, "m.mig");
    expect("Q ram read T/m.mig 0 1", 1, "",
           "qvisit: ram: 0: guest-physical addresses are known for the pc "
           "and q35 machine types only (this stream's is x\\x1b[2J\\x0ay); "
           "use BLOCK:OFFSET\n");

    rename_port92(renamed);
    write_stream(renamed, "r.mig");
    expect("Q check --qemu T/r.mig --layouts builtin | "
           "grep -a '^unchecked: po'", 0,
           "unchecked: " HOSTILE_SHOWN ": no built-in layout\n", "");
    /* 300 does not fit port92's outport: the message names the section
     * the way the stream does, escaped. */
    expect("Q set T/r.mig -o T/o.mig \"$(printf 'po\\033[31mrt\\n9\"2.outport"
           "=300')\"", 1, "",
           "qvisit: " HOSTILE_SHOWN ".outport: 300 does not fit uint8 (0 "
           "to 255)\n");

    /* convert --to qemu of a converted stream whose framing names a
     * section no device section has. */
    {
        g_autofree char *json = NULL;
        g_autofree char *path = g_build_filename(tmp_dir, "c.json", NULL);
        g_autoptr(GString) text = NULL;

        expect("Q convert --to json " DATA "pc-nodefaults.mig T/c.json", 0,
               "", "");
        CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &json, NULL, NULL));
        text = g_string_new(json);
        CU_ASSERT_TRUE(g_string_replace(text, "\"idstr\": \"port92\"",
                                        "\"idstr\": \"" HOSTILE_JSON "\"",
                                        0) == 1);
        CU_ASSERT_TRUE(g_file_set_contents(path, text->str,
                                           (gssize)text->len, NULL));
        expect("Q convert --to qemu T/c.json T/o.mig", 1, "",
               "qvisit: T/c.json: the QEMU stream's section '"
               HOSTILE_SHOWN "' (instance 0) has no device section\n");
    }

    /* dump --partial of a stream without vmdesc: port92 renamed is a
     * section no built-in device knows, kept opaque. */
    {
        g_autofree char *json = NULL;
        g_autofree char *path = g_build_filename(tmp_dir, "n.json", NULL);
        g_autoptr(QObject) dump = NULL;
        g_autoptr(GString) out = NULL;
        g_autoptr(GError) err = NULL;
        QDict *rec;

        expect("Q dump --qemu --ram " DATA "pc-suppress-vmdesc.mig -o "
               "T/n.json", 0, "", "");
        CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &json, NULL, NULL));
        dump = qobject_from_json_full(json, -1, NULL, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
        rec = find_record(dump, "port92");
        CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
        /* With its state, no built-in device encodes it: the built-in
         * layouts' message quotes the idstr. */
        qdict_put_str(rec, "idstr", HOSTILE);
        out = qobject_to_json(dump);
        CU_ASSERT_TRUE(g_file_set_contents(path, out->str,
                                           (gssize)out->len, NULL));
        g_string_free(g_steal_pointer(&out), TRUE);
        expect("Q encode --qemu T/n.json T/n.mig", 1, "",
               "qvisit: records[27].state: " HOSTILE_SHOWN ": no built-in "
               "layout for version 1\n");
        qdict_del(rec, "state");
        qdict_put_str(rec, "opaque", "00");
        qdict_put_str(rec, "idstr", HOSTILE);
        out = qobject_to_json(dump);
        CU_ASSERT_TRUE(g_file_set_contents(path, out->str,
                                           (gssize)out->len, NULL));
        expect("Q encode --qemu T/n.json T/n.mig && "
               "Q dump --qemu --partial T/n.mig -o T/p.json", 0, "",
               "qvisit: dump: " HOSTILE_SHOWN " (section 27): no built-in "
               "layout; kept as opaque bytes: 1\n");
    }
    remove_tmp();
}

/* One member of a full dump changed, and what encode says of it. */
typedef struct MemberCase {
    const char *stream;
    const char *path;       /* member to set (NULL: see rename) */
    const char *json;       /* its value */
    const char *rename;     /* a root member renamed to "configuraton" */
    int code;
    const char *msg;
} MemberCase;

static const MemberCase member_cases[] = {
    /* a typo of an optional member wrote a stream without it */
    { "pc-nodefaults", NULL, NULL, "configuration", QVISIT_ERROR_UNEXPECTED,
      "configuraton: not a member of a dump, so the stream cannot hold it" },
    { "pc-nodefaults", "vmdes", "\"{}\"", NULL, QVISIT_ERROR_UNEXPECTED,
      "vmdes: not a member of a dump, so the stream cannot hold it" },
    /* a vmdesc that is not a string was taken for none */
    { "pc-nodefaults", "vmdesc", "{}", NULL, QVISIT_ERROR_TYPE,
      "vmdesc: expected a string or null, got object" },
    { "pc-nodefaults", "borrowed_vmdesc", "5", NULL, QVISIT_ERROR_TYPE,
      "borrowed_vmdesc: expected a string or null, got number" },
    /* a RAM item whose block is no string, or misspelt, went to the
     * previous item's block (CONTINUE) */
    { "pc-nodefaults", "records[1].ram[1].block", "5", NULL,
      QVISIT_ERROR_TYPE,
      "records[1].ram[1].block: expected a string, got number" },
    { "pc-nodefaults", "records[1].ram[1].blok", "\"pc.bios\"", NULL,
      QVISIT_ERROR_UNEXPECTED, "records[1].ram[1].blok: not a member of a "
      "'zero' RAM item, so the stream cannot hold it" },
    { "pc-nodefaults", "records[0].ram[0].blocks[2].Length", "4096", NULL,
      QVISIT_ERROR_UNEXPECTED, "records[0].ram[0].blocks[2].Length: not a "
      "member of a RAM block of the mem_size item, so the stream cannot "
      "hold it" },
    { "pc-nodefaults", "records[3].State", "{}", NULL,
      QVISIT_ERROR_UNEXPECTED, "records[3].State: not a member of a 'FULL' "
      "record, so the stream cannot hold it" },
    { "pc-nodefaults", "records[3].footer", "\"true\"", NULL,
      QVISIT_ERROR_TYPE,
      "records[3].footer: expected true or false, got string" },
    { "pc-nodefaults", "configuration.Machine_type", "\"pc\"", NULL,
      QVISIT_ERROR_UNEXPECTED, "configuration.Machine_type: not a member "
      "of the configuration, so the stream cannot hold it" },
    { "pc-block", "records[4].block[0].flgs", "9", NULL,
      QVISIT_ERROR_UNEXPECTED, "records[4].block[0].flgs: not a member of "
      "a 'block' block item, so the stream cannot hold it" },
    { "pc-dirty-bitmap", "records[2].dirty_bitmap[0].Node", "\"disk0\"",
      NULL, QVISIT_ERROR_UNEXPECTED, "records[2].dirty_bitmap[0].Node: not "
      "a member of a 'start' dirty-bitmap chunk, so the stream cannot hold "
      "it" },
};

/*
 * The encoder read the framing's members by name and took an absent
 * optional member for its default, so a misspelt or mistyped one was
 * dropped and encode exited 0 (issue 13, section 3: no edit is lost
 * silently). Each is an error now, from the library and the CLI, and
 * nothing is written.
 */
static void encode_refuses_members_it_would_drop(void)
{
    setup_tmp();
    for (size_t i = 0; i < G_N_ELEMENTS(member_cases); i++) {
        const MemberCase *c = &member_cases[i];
        g_autoptr(QObject) dump = qemu_full_dump(c->stream);
        g_autoptr(GByteArray) bytes = g_byte_array_new();
        g_autoptr(GError) err = NULL;
        g_autoptr(GString) text = NULL;
        g_autofree char *path = g_build_filename(tmp_dir, "d.json", NULL);
        g_autofree char *want = g_strdup_printf("qvisit: %s\n", c->msg);
        QEMUFile *f;

        CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
        if (c->rename) {
            QDict *root = qobject_to(QDict, dump);

            qdict_put_obj(root, "configuraton",
                          qobject_ref(qdict_get(root, c->rename)));
            qdict_del(root, c->rename);
        } else {
            CU_ASSERT_TRUE_FATAL(qobject_set_path(
                dump, c->path, qobject_from_json(c->json, NULL)));
        }
        f = qemu_fopen_bytearray(bytes);
        CU_ASSERT_FALSE(qemu_stream_encode(f, dump, &err));
        qemu_fclose(f);
        CU_ASSERT_EQUAL(bytes->len, 0);
        ASSERT_ERROR(err, c->code, c->msg);
        text = qobject_to_json(dump);
        CU_ASSERT_TRUE(g_file_set_contents(path, text->str,
                                           (gssize)text->len, NULL));
        expect("Q encode --qemu T/d.json T/o.mig; test -e T/o.mig; echo $?",
               0, "1\n", want);
    }
    /* What the reader writes into a dump is no such member: a RAM EOS
     * word with address bits keeps them as "addr". */
    {
        g_autoptr(QObject) dump = qemu_full_dump("pc-nodefaults");
        QList *items = qobject_to(QList, qdict_get(qobject_to(QDict,
            qlist_get(qobject_to(QList, qdict_get(qobject_to(QDict, dump),
                                                  "records")), 0)), "ram"));

        CU_ASSERT_PTR_NOT_NULL_FATAL(items);
        qdict_put_uint(qobject_to(QDict, qlist_get(items,
                                                   qlist_size(items) - 1)),
                       "addr", 0x1000);
        write_stream(dump, "eos.mig");
        expect("Q dump --qemu --ram T/eos.mig -o T/eos.json && "
               "Q encode --qemu T/eos.json T/o.mig && cmp T/o.mig T/eos.mig "
               "&& echo same", 0, "same\n", "");
    }
    remove_tmp();
}

/*
 * With x-ignore-shared, QEMU migrates no page of a shared block and its
 * loader refuses one ("block mem should not be migrated !", checked with
 * QEMU 7.2 on this stream): `ram write` added the page anyway, making a
 * stream QEMU would not load, and `ram read` printed zeros for memory
 * that is the backend's file. Both are refused now; the other blocks of
 * the stream are edited as before, and a page that a stream without the
 * capability never sent is still added.
 */
static void ram_refuses_blocks_x_ignore_shared_leaves_out(void)
{
    g_autoptr(QObject) dump = qemu_full_dump("pc-nodefaults");
    g_autoptr(QList) kept = qlist_new();
    QList *items = NULL;
    QDict *rec, *item;
    uint64_t addr = 0;

    setup_tmp();
    expect("Q ram write " DATA "pc-ignore-shared.mig -o T/o.mig "
           "mem:0x1000 41", 1, "",
           "qvisit: ram: mem:0x1000: block 'mem' is shared memory that the "
           "stream does not migrate (x-ignore-shared: it has none of its "
           "pages, and QEMU refuses one); its content is the memory "
           "backend's file\n");
    expect("Q ram read " DATA "pc-ignore-shared.mig 0x1000 4", 1, "",
           "qvisit: ram: 0x1000: block 'mem' is shared memory that the "
           "stream does not migrate (x-ignore-shared: it has none of its "
           "pages, and QEMU refuses one); its content is the memory "
           "backend's file\n");
    expect("test -e T/o.mig; echo $?", 0, "1\n", "");
    expect("Q ram write " DATA "pc-ignore-shared.mig -o T/o.mig "
           "pc.bios:0x3fff0 41 && Q ram read T/o.mig pc.bios:0x3fff0 2", 0,
           "0003fff0  41 5b                                             "
           "|A[|\n", "");

    /* pc-nodefaults without the zero page at pc.ram 0x1000 (a CONTINUE
     * item between two others of pc.ram): written, it is added as a
     * full page before the last RAM record's EOS. */
    rec = qobject_to(QDict, qlist_get(qobject_to(QList, qdict_get(
        qobject_to(QDict, dump), "records")), 1));
    items = rec ? qobject_to(QList, qdict_get(rec, "ram")) : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    item = qobject_to(QDict, qlist_get(items, 1));
    CU_ASSERT_PTR_NOT_NULL_FATAL(item);
    CU_ASSERT_TRUE_FATAL(qnum_get_try_uint(qobject_to(QNum,
        qdict_get(item, "addr")), &addr) && addr == 0x1000);
    CU_ASSERT_FALSE_FATAL(qdict_haskey(item, "block"));
    for (size_t i = 0; i < qlist_size(items); i++) {
        if (i != 1) {
            qlist_append_obj(kept, qobject_ref(qlist_get(items, i)));
        }
    }
    qdict_put_obj(rec, "ram", QOBJECT(g_steal_pointer(&kept)));
    write_stream(dump, "gap.mig");
    expect("Q ram read T/gap.mig 0x1000 1 && "
           "Q ram write T/gap.mig -o T/w.mig 0x1001 4243 && "
           "Q ram read T/w.mig 0x1000 4 && Q diff T/gap.mig T/w.mig", 1,
           "00001000  00                                                "
           "|.|\n"
           "00001000  00 42 43 00                                       "
           "|.BC.|\n"
           "~ ram[pc.ram]: 1 page differs: 0x1000-0x1fff\n", "");
    remove_tmp();
}

/* Renames RAM block @from to @to in @dump's block list and RAM items. */
static void rename_block(QObject *dump, const char *from, const char *to)
{
    QList *records = qobject_to(QList, qdict_get(qobject_to(QDict, dump),
                                                 "records"));

    for (size_t i = 0; i < qlist_size(records); i++) {
        QDict *rec = qobject_to(QDict, qlist_get(records, i));
        QList *items = qobject_to(QList, qdict_get(rec, "ram"));

        for (size_t j = 0; items && j < qlist_size(items); j++) {
            QDict *item = qobject_to(QDict, qlist_get(items, j));
            QList *blocks = qobject_to(QList, qdict_get(item, "blocks"));
            QString *b = qobject_to(QString, qdict_get(item, "block"));

            if (b && !strcmp(qstring_get_str(b), from)) {
                qdict_put_str(item, "block", to);
            }
            for (size_t k = 0; blocks && k < qlist_size(blocks); k++) {
                QDict *blk = qobject_to(QDict, qlist_get(blocks, k));

                if (!strcmp(qstring_get_str(qobject_to(QString,
                        qdict_get(blk, "id"))), from)) {
                    qdict_put_str(blk, "id", to);
                }
            }
        }
    }
}

/* Puts a block @id of @len bytes, of which the stream sends no page,
 * first in @dump's block list (QEMU lists the largest first). */
static void add_first_block(QObject *dump, const char *id, uint64_t len)
{
    QDict *mem = qobject_to(QDict, qlist_get(qobject_to(QList, qdict_get(
        qobject_to(QDict, qlist_get(qobject_to(QList, qdict_get(
            qobject_to(QDict, dump), "records")), 0)), "ram")), 0));
    QList *blocks = qobject_to(QList, qdict_get(mem, "blocks"));
    g_autoptr(QList) list = qlist_new();
    QDict *b = qdict_new();
    uint64_t total = 0;

    qdict_put_str(b, "id", id);
    qdict_put_uint(b, "length", len);
    qlist_append_obj(list, QOBJECT(b));
    for (size_t k = 0; k < qlist_size(blocks); k++) {
        qlist_append_obj(list, qobject_ref(qlist_get(blocks, k)));
    }
    CU_ASSERT_TRUE(qnum_get_try_uint(qobject_to(QNum, qdict_get(mem,
                                                                "total")),
                                     &total));
    qdict_put_uint(mem, "total", total + len);
    qdict_put_obj(mem, "blocks", QOBJECT(g_steal_pointer(&list)));
}

/*
 * A pc machine whose RAM is a memory backend (-machine
 * memory-backend=mem) lists its blocks largest first: with -m 8 and a
 * VGA device, "0000:00:02.0/vga.vram" (16 MiB) comes before "mem". The
 * guest-physical mapping took the first block for the RAM, so `ram write
 * 0x1000` changed the VGA memory (checked with QEMU 7.2: the loaded
 * guest read zeros at 0x1000). The RAM block is now the one no device
 * owns that is not firmware; with several (NUMA memdevs) an address is
 * refused.
 */
static void ram_finds_the_backend_block_behind_a_larger_one(void)
{
    g_autoptr(QObject) vga = qemu_full_dump("pc-nodefaults");
    g_autoptr(QObject) numa = qemu_full_dump("pc-nodefaults");

    setup_tmp();
    rename_block(vga, "pc.ram", "mem");
    add_first_block(vga, "0000:00:02.0/vga.vram", 0x2000000);
    write_stream(vga, "vga.mig");
    expect("Q ram write T/vga.mig -o T/o.mig 0x1000 41424344 && "
           "Q ram read T/o.mig mem:0x1000 4 && Q diff T/vga.mig T/o.mig",
           1, "00001000  41 42 43 44                                       "
           "|ABCD|\n~ ram[mem]: 1 page differs: 0x1000-0x1fff\n", "");
    expect("Q ram read T/vga.mig 0x1000000 1", 1, "",
           "qvisit: ram: 0x1000000 is in the hole between the end of RAM "
           "below 4 GiB (0x1000000) and 4 GiB (PCI, BIOS ROM), not RAM\n");

    rename_block(numa, "pc.ram", "m0");
    add_first_block(numa, "m1", 0x2000000);
    write_stream(numa, "numa.mig");
    expect("Q ram read T/numa.mig 0x1000 4", 1, "",
           "qvisit: ram: 0x1000: the machine's RAM is in 2 blocks (NUMA "
           "nodes or DIMMs with memory backends), whose guest addresses "
           "the stream does not give; use BLOCK:OFFSET\n");
    expect("Q ram read T/numa.mig m1:0x1000 2", 0,
           "00001000  00 00                                             "
           "|..|\n", "");
    remove_tmp();
}

static const TestCase tests[] = {
    { "set_writes_opaque_fields_of_decimal_digits",
      set_writes_opaque_fields_of_decimal_digits },
    { "ram_write_reads_at_most_the_bound_of_a_file",
      ram_write_reads_at_most_the_bound_of_a_file },
    { "stream_text_is_escaped_in_messages",
      stream_text_is_escaped_in_messages },
    { "encode_refuses_members_it_would_drop",
      encode_refuses_members_it_would_drop },
    { "ram_refuses_blocks_x_ignore_shared_leaves_out",
      ram_refuses_blocks_x_ignore_shared_leaves_out },
    { "ram_finds_the_backend_block_behind_a_larger_one",
      ram_finds_the_backend_block_behind_a_larger_one },
    { NULL, NULL },
};

int main(void)
{
    int rc = test_run_suite("qemu-review-cli", tests);

    g_free(tmp_dir);
    return rc;
}
