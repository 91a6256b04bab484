/*
 * Editing QEMU streams from the command line (issue 13, sections 2 and
 * 3): `qvisit set`, `qvisit ram read|write`, `dump --qemu
 * --u64-as-string` and integer strings in `encode --qemu`. The binary
 * comes from $QVISIT_CLI, which `make check` sets.
 */
#include "tests/cli-run.h"
#include "tests/test-util.h"
#include "tests/qemu-bad-dumps.h"
#include "tests/qemu-stripped.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#define DATA "tests/data/qemu/"

/* The temporary folder of the running test ("T" in commands). */
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

static void setup_tmp(void)
{
    g_autoptr(GError) err = NULL;

    g_free(tmp_dir);
    tmp_dir = g_dir_make_tmp("qvisit-edit-XXXXXX", &err);
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

typedef struct EditCase {
    const char *cmd;
    int status;
    const char *out;        /* exact standard output */
    const char *err;        /* exact standard error */
} EditCase;

#define SERIAL "Q set " DATA "pc-serial-nic-usb.mig -o T/o.mig "
#define PC_SET "Q set " DATA "pc-nodefaults.mig -o T/o.mig "
#define PC_READ "Q ram read " DATA "pc-nodefaults.mig "
#define PC_WRITE "Q ram write " DATA "pc-nodefaults.mig -o T/o.mig "
#define BIOS_END "0003fff0  ea 5b e0 00 f0 30 36 2f  32 33 2f 39 39 00 fc " \
    "00  |.[...06/23/99...|\n"

static const EditCase cases[] = {
    /* set: a path that does not exist, a value out of range or of the
     * wrong type is an error naming the path */
    { SERIAL "serial.state.Scr=90", 1, "",
      "qvisit: serial.state.Scr: no such field in section 'serial'\n" },
    { SERIAL "serial.state.scr=300", 1, "",
      "qvisit: serial.state.scr: 300 does not fit uint8 (0 to 255)\n" },
    { SERIAL "serial.state.scr=-1", 1, "",
      "qvisit: serial.state.scr: -1 does not fit uint8 (0 to 255)\n" },
    { SERIAL "serial.state.scr=abc", 1, "",
      "qvisit: serial.state.scr: expected an integer (decimal or 0x hex), "
      "got 'abc'\n" },
    { SERIAL "serial.state=1", 1, "",
      "qvisit: serial.state: a struct; set one of its members\n" },
    { SERIAL "serial.state.scr.x=1", 1, "",
      "qvisit: serial.state.scr.x: no such field in section 'serial'\n" },
    { SERIAL "nosuch.x=1", 1, "",
      "qvisit: nosuch.x: no device section of the stream is named by this "
      "path\n" },
    { SERIAL "'mc146818rtc.cmos_data[128]=1'", 1, "",
      "qvisit: mc146818rtc.cmos_data[128]: index out of range (128 "
      "bytes)\n" },
    { SERIAL "'mc146818rtc#0.cmos_data[9]=256'", 1, "",
      "qvisit: mc146818rtc#0.cmos_data[9]: expected a byte (0 to 255 or "
      "0x00 to 0xff), got '256'\n" },
    { SERIAL "'i8254.channels[2].count=2147483648'", 1, "",
      "qvisit: i8254.channels[2].count: 2147483648 does not fit int32 "
      "(-2147483648 to 2147483647)\n" },
    { PC_SET "'dma#1.regs[4].mode=1'", 1, "",
      "qvisit: dma#1.regs[4]: index out of range (4 elements)\n" },
    { PC_SET "'dma#2.command=1'", 1, "",
      "qvisit: dma#2.command: no device section of the stream is named by "
      "this path\n" },
    { PC_SET "'dma.regs=1'", 1, "",
      "qvisit: dma.regs: an array; set one of its elements ([N])\n" },
    { PC_SET "cpu.env.mcg_ctl=18446744073709551616", 1, "",
      "qvisit: cpu.env.mcg_ctl: expected an integer (decimal or 0x hex), "
      "got '18446744073709551616'\n" },
    { PC_SET "0000:00:01.3/piix4_pm.smb.i2c_enable=2", 1, "",
      "qvisit: 0000:00:01.3/piix4_pm.smb.i2c_enable: expected true or "
      "false, got '2'\n" },
    /* the first refused edit stops everything: nothing was written */
    { "test -e T/o.mig; echo $?", 0, "1\n", "" },
    { "Q set x.mig serial.state.scr=1", 2, NULL,
      "qvisit: set: expected STREAM, -o OUT and at least one PATH=VALUE\n" },
    { "Q set x.mig -o y.mig scr", 2, "",
      "qvisit: set: expected PATH=VALUE, got 'scr'\n" },

    /* ram read: the memory QEMU loads; a compressed page is inflated */
    { PC_READ "pc.bios:0x3fff0 16", 0, BIOS_END, "" },
    { "Q ram read " DATA "pc-compress.mig pc.bios:262128 16", 0, BIOS_END,
      "" },
    { PC_READ "0x9fff8 8", 0, "0009fff8  00 00 00 00 00 00 00 00" 
      "                           |........|\n", "" },
    { "Q ram read " DATA "q35-smp2-xhci-virtio.mig 0x100000 1", 0,
      "00100000  00                                                "
      "|.|\n", "" },
    /* addresses that are no RAM, or no RAM of the stream */
    { PC_READ "0xa0000 1", 1, "",
      "qvisit: ram: 0xa0000 is in the VGA window and ROM area "
      "0xa0000-0xfffff, not RAM\n" },
    { PC_READ "0x9fff0 32", 1, "",
      "qvisit: ram: 0x9fff0+0x20 reaches into the VGA window and ROM area "
      "0xa0000-0xfffff\n" },
    { PC_READ "0xffffff 2", 1, "",
      "qvisit: ram: 0xffffff+0x2 runs past the end of RAM below 4 GiB "
      "(0x1000000)\n" },
    { PC_READ "0x1000000 1", 1, "",
      "qvisit: ram: 0x1000000 is in the hole between the end of RAM below "
      "4 GiB (0x1000000) and 4 GiB (PCI, BIOS ROM), not RAM\n" },
    { PC_READ "0x100000000 1", 1, "",
      "qvisit: ram: 0x100000000: the machine has no RAM above 4 GiB (its "
      "0x1000000 bytes are all below)\n" },
    { PC_READ "nosuch:0 1", 1, "",
      "qvisit: ram: nosuch:0: no RAM block 'nosuch' in the stream\n" },
    { PC_READ "pc.ram:0xfffffc 8", 1, "",
      "qvisit: ram: pc.ram:0xfffffc: 0x8 bytes at offset 0xfffffc run "
      "past the end of block 'pc.ram' (0x1000000 bytes)\n" },
    { PC_READ "pc.ram:x 8", 1, "",
      "qvisit: ram: pc.ram:x: expected BLOCK:OFFSET with a number after "
      "the last ':'\n" },
    { "Q ram read " DATA "pc-2.3-old.mig 0 8", 1, "",
      "qvisit: ram: 0: guest-physical addresses are known for the pc and "
      "q35 machine types only (this stream's is not recorded); use "
      "BLOCK:OFFSET\n" },
    { PC_READ "0 0", 1, "",
      "qvisit: ram: 0 bytes, expected 1 to 67108864\n" },
    { PC_WRITE "0 abc", 1, "",
      "qvisit: ram: data: expected an even number of hex digits or @FILE, "
      "got 3 characters\n" },
    { PC_WRITE "0 0g", 1, "",
      "qvisit: ram: data: 'g' at character 1 is not a hex digit\n" },
    { PC_WRITE "0xa0000 00", 1, "",
      "qvisit: ram: 0xa0000 is in the VGA window and ROM area "
      "0xa0000-0xfffff, not RAM\n" },
    { "test -e T/o.mig; echo $?", 0, "1\n", "" },
    { "Q ram", 2, NULL, "qvisit: ram: expected 'read' or 'write'\n" },
    { "Q ram read x 0", 2, NULL,
      "qvisit: ram: read: expected STREAM, ADDR and LEN\n" },
    { "Q ram write x 0 00", 2, NULL,
      "qvisit: ram: write: expected STREAM, -o OUT, ADDR and HEX or "
      "@FILE\n" },

    /* dump --u64-as-string is for the native dump */
    { "Q dump --qemu --analyze-compat --u64-as-string x", 2, "",
      "qvisit: dump: --u64-as-string is for the native dump, not "
      "--analyze-compat or --desc\n" },
    { "Q dump --u64-as-string x", 2, "",
      "qvisit: dump: --u64-as-string needs --qemu\n" },
    /* convert --to qemu needs what convert kept of a QEMU stream */
    { "Q convert --to json " DATA "pc-nodefaults.mig T/c.json && "
      "sed 's/\"qemu-stream\"/\"qemu-streams\"/' T/c.json > T/n.json && "
      "Q convert --to qemu T/n.json T/o.mig", 1, "",
      "qvisit: T/n.json: no 'qemu-stream' section: only a stream converted "
      "from a QEMU stream (one with RAM) goes back to one\n" },
    { "sed 's/\"id\": \"timer\"/\"id\": \"timex\"/' T/c.json > "
      "T/n.json && Q convert --to qemu T/n.json T/o.mig", 1, "",
      "qvisit: T/n.json: the QEMU stream's section 'timer' (instance 0) "
      "has no device section\n" },
    { "sed 's/\"cpu_ticks_offset\": 0/\"cpu_ticks_offsetx\": 0/' "
      "T/c.json > T/n.json && Q encode --qemu T/n.json T/o.mig", 1, "",
      "qvisit: timer.cpu_ticks_offset: missing\n" },
    { "sed 's/\"cpu_ticks_offset\": 0/\"cpu_ticks_offset\": 0, "
      "\"Cpu_ticks_offset\": 5/' T/c.json > T/n.json && "
      "Q convert --to qemu T/n.json T/o.mig", 1, "",
      "qvisit: timer.Cpu_ticks_offset: not a field of the vmdesc, so the "
      "stream cannot hold it\n" },
    { "test -e T/o.mig; echo $?", 0, "1\n", "" },
    { "Q convert --to qemu " DATA "pc-nodefaults.mig T/o.mig", 1, "",
      "qvisit: " DATA "pc-nodefaults.mig: no 'qemu-stream' section: only a "
      "stream converted from a QEMU stream (one with RAM) goes back to "
      "one\n" },
    { "Q convert --to qemux x y", 2, "",
      "qvisit: convert: unknown format 'qemux' (legacy, binary, json, "
      "qemu)\n" },
};

static void cli_cases_give_exit_codes_and_messages(void)
{
    setup_tmp();
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *err = NULL;
        g_autofree char *out = NULL;
        int status;
        bool ok;

        out = run(cases[i].cmd, &err, &status);
        {
            /* Messages name files of the temporary folder as "T/". */
            g_autofree char *tdir = g_strdup_printf("%s/", tmp_dir);
            g_auto(GStrv) parts = g_strsplit(err, tdir, -1);

            g_free(err);
            err = g_strjoinv("T/", parts);
        }
        /* A usage error prints the usage after the message. */
        ok = status == cases[i].status &&
             (status == 2 ? g_str_has_prefix(err, cases[i].err)
                          : !strcmp(err, cases[i].err)) &&
             (!cases[i].out || !strcmp(out, cases[i].out));
        if (!ok) {
            fprintf(stderr, "\ncase %zu: %s\n  exit %d, stdout %.300s\n"
                    "  stderr %s\n", i, cases[i].cmd, status, out, err);
        }
        CU_ASSERT_TRUE(ok);
    }
    remove_tmp();
}

static GBytes *read_tmp(const char *name)
{
    g_autofree char *path = g_build_filename(tmp_dir, name, NULL);
    char *data = NULL;
    gsize len = 0;

    CU_ASSERT_TRUE(g_file_get_contents(path, &data, &len, NULL));
    return g_bytes_new_take(data, len);
}

/* Checks that @cmd exits 0 with @want on standard output and nothing on
 * standard error. */
static void expect(const char *cmd, const char *want)
{
    g_autofree char *err = NULL;
    g_autofree char *out = NULL;
    int status;

    out = run(cmd, &err, &status);
    if (status != 0 || strcmp(out, want) || err[0]) {
        fprintf(stderr, "\n%s: exit %d\n  stdout %s\n  want   %s\n"
                "  stderr %s\n", cmd, status, out, want, err);
    }
    CU_ASSERT_TRUE(status == 0 && !strcmp(out, want) && !err[0]);
}

/*
 * The three edits in one step change exactly their bytes: the
 * CMOS byte, the PIT count (int32 65536 -> 1234) and the serial scr.
 */
static void set_changes_only_the_named_fields(void)
{
    static const struct { size_t at; uint8_t was, now; } changed[] = {
        { 743791, 0x30, 0xa5 },     /* mc146818rtc.cmos_data[56] */
        { 744073, 0x01, 0x00 },     /* i8254.channels[2].count */
        { 744074, 0x00, 0x04 },
        { 744075, 0x00, 0xd2 },
        { 752599, 0x00, 0x5a },     /* serial.state.scr */
    };
    g_autoptr(GBytes) orig = test_read_file(DATA "pc-serial-nic-usb.mig");
    g_autoptr(GBytes) got = NULL;
    g_autofree uint8_t *want = NULL;
    gsize len;

    setup_tmp();
    expect(SERIAL "serial.state.scr=0x5a 'mc146818rtc#0.cmos_data[56]=0xa5'"
           " 'i8254.channels[2].count=1234'", "");
    got = read_tmp("o.mig");
    len = g_bytes_get_size(orig);
    want = g_memdup2(g_bytes_get_data(orig, NULL), len);
    for (size_t i = 0; i < G_N_ELEMENTS(changed); i++) {
        CU_ASSERT_EQUAL(want[changed[i].at], changed[i].was);
        want[changed[i].at] = changed[i].now;
    }
    ASSERT_BYTES_EQUAL(g_bytes_get_data(got, NULL), g_bytes_get_size(got),
                       want, len);
    expect("Q diff " DATA "pc-serial-nic-usb.mig T/o.mig; echo $?",
           "~ mc146818rtc.cmos_data[56]: 0x30 -> 0xa5\n"
           "~ i8254.channels[2].count: 65536 -> 1234\n"
           "~ serial.state.scr: 0 -> 90\n1\n");
    /* A bool, in a section whose idstr holds ':', '/' and '.'. */
    expect(PC_SET "0000:00:01.3/piix4_pm.smb.i2c_enable=true && Q diff "
           DATA "pc-nodefaults.mig T/o.mig; echo $?",
           "~ 0000:00:01.3/piix4_pm.smb.i2c_enable: false -> true\n1\n");
    /* Setting a field to its value gives the stream back. */
    expect(SERIAL "serial.state.scr=0 'mc146818rtc.cmos_data[56]=48' "
           "'i8254.channels[2].count=65536' && "
           "cmp T/o.mig " DATA "pc-serial-nic-usb.mig && echo same",
           "same\n");
    remove_tmp();
}

/*
 * A write to a zero page makes it a full page (4096 bytes of data for
 * the fill byte: 4095 more), to a compressed one a full page; a shared
 * block that x-ignore-shared does not migrate is refused. What is read
 * back is what was written; the rest of memory is unchanged.
 */
static void ram_write_makes_full_pages(void)
{
    g_autoptr(GBytes) orig = test_read_file(DATA "pc-nodefaults.mig");
    g_autoptr(GBytes) got = NULL;

    setup_tmp();
    expect(PC_WRITE "0x100000 deadbeef", "");
    got = read_tmp("o.mig");
    CU_ASSERT_EQUAL(g_bytes_get_size(got), g_bytes_get_size(orig) + 4095);
    expect("Q ram read T/o.mig pc.ram:0x0ffffe 8",
           "000ffffe  00 00 de ad be ef 00 00                           "
           "|........|\n");
    expect("Q diff " DATA "pc-nodefaults.mig T/o.mig; echo $?",
           "~ ram[pc.ram]: 1 page differs: 0x100000-0x100fff\n1\n");

    expect("Q ram write " DATA "pc-compress.mig -o T/c.mig "
           "pc.bios:0x3fff4 41424344 && Q ram read T/c.mig pc.bios:0x3fff0 "
           "16 && Q info T/c.mig | grep '^  pc.bios'",
           "0003fff0  ea 5b e0 00 41 42 43 44  32 33 2f 39 39 00 fc 00  "
           "|.[..ABCD23/99...|\n"
           "  pc.bios                        262144       64       18"
           "        1         45        0\n");

    /* x-ignore-shared's "mem" is not migrated: QEMU refuses a page of
     * it (tests/test-qemu-review-cli.c). */
    expect("printf 'AB\\000D' > T/data && Q ram write " DATA
           "pc-ignore-shared.mig -o T/i.mig 0x1ffe @T/data 2>&1; "
           "test -e T/i.mig; echo $?",
           "qvisit: ram: 0x1ffe: block 'mem' is shared memory that the "
           "stream does not migrate (x-ignore-shared: it has none of its "
           "pages, and QEMU refuses one); its content is the memory "
           "backend's file\n1\n");
    remove_tmp();
}

/* A stream whose pc.ram page 0, sent as a zero page, is updated by an
 * XBZRLE page: 2 bytes unchanged, then "abc". */
static void ram_reads_and_rewrites_xbzrle_pages(void)
{
    static const uint8_t update[] = { 0x02, 0x03, 'a', 'b', 'c' };
    static const uint8_t bad[] = { 0x00, 0x01, 'a', 0x00, 0x01, 'b' };
    g_autoptr(GError) err = NULL;

    setup_tmp();
    for (int k = 0; k < 2; k++) {
        g_autoptr(QObject) dump = qemu_full_dump("pc-nodefaults");
        g_autofree char *b64 = k ? g_base64_encode(bad, sizeof(bad))
                                 : g_base64_encode(update, sizeof(update));
        g_autofree char *path = g_build_filename(tmp_dir, k ? "bad.mig"
                                                            : "x.mig",
                                                 NULL);
        g_autoptr(GByteArray) bytes = g_byte_array_new();
        QDict *item = qdict_new();
        QEMUFile *f;

        qdict_put_str(item, "type", "xbzrle");
        qdict_put_int(item, "addr", 0);
        qdict_put_int(item, "encoding", 1);
        qdict_put_str(item, "data", b64);
        CU_ASSERT_TRUE_FATAL(qobject_set_path(dump, "records[1].ram[1]",
                                              QOBJECT(item)));
        f = qemu_fopen_bytearray(bytes);
        CU_ASSERT_TRUE(qemu_stream_encode(f, dump, &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);
        CU_ASSERT_TRUE(g_file_set_contents(path, (char *)bytes->data,
                                           (gssize)bytes->len, NULL));
    }
    expect("Q ram read T/x.mig 0 8",
           "00000000  00 00 61 62 63 00 00 00                           "
           "|..abc...|\n");
    expect("Q ram write T/x.mig -o T/y.mig pc.ram:3 7a && "
           "Q ram read T/y.mig 0 8 && Q info T/y.mig | grep '^  pc.ram'",
           "00000000  00 00 61 7a 63 00 00 00                           "
           "|..azc...|\n"
           "  pc.ram                       16777216     4096     4095"
           "        1          0        0\n");
    {
        g_autofree char *e = NULL;
        g_autofree char *out = run("Q ram read T/bad.mig 0 8", &e, &(int){0});

        CU_ASSERT_STRING_EQUAL(e, "qvisit: records[1].ram[1]: an XBZRLE "
                               "page QEMU would not decode\n");
        CU_ASSERT_STRING_EQUAL(out, "");
    }
    remove_tmp();
}

/*
 * jq 1.6 rounds 18446744073709551615 to 18446744073709552000, which no
 * longer fits u64. With --u64-as-string such values are strings, every
 * smaller one stays a number, and encode reads the dump back to the same
 * bytes.
 */
static void u64_as_string_round_trips(void)
{
    g_autoptr(GBytes) orig = test_read_file(DATA "pc-nodefaults.mig");
    g_autoptr(GBytes) text = NULL;
    g_autoptr(GBytes) got = NULL;
    g_autoptr(QObject) dump = NULL;
    g_autoptr(GError) err = NULL;
    QDict *cpu;

    setup_tmp();
    expect("Q dump --qemu --ram --u64-as-string " DATA "pc-nodefaults.mig "
           "-o T/d.json && Q encode --qemu T/d.json T/d.mig && "
           "Q encode --qemu --u64-as-string T/d.json T/e.mig && "
           "cmp T/d.mig T/e.mig && Q set --u64-as-string " DATA
           "pc-nodefaults.mig -o T/s.mig cpu.env.mcg_ctl=0xfffffffffffffffe "
           "&& Q diff " DATA "pc-nodefaults.mig T/s.mig; echo $?",
           "~ cpu.env.mcg_ctl: 18446744073709551615 -> "
           "18446744073709551614\n1\n");
    text = read_tmp("d.json");
    dump = qobject_from_json_full(g_bytes_get_data(text, NULL),
                                  (gssize)g_bytes_get_size(text), NULL,
                                  &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
    cpu = qobject_to(QDict, qdict_get(qobject_to(QDict, qlist_get(
        qobject_to(QList, qdict_get(qobject_to(QDict, dump), "records")),
        5)), "state"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(cpu);
    CU_ASSERT_STRING_EQUAL(qstring_get_str(qobject_to(QString,
        qdict_get(cpu, "env.mcg_ctl"))), "18446744073709551615");
    CU_ASSERT_EQUAL(qobject_type(qdict_get(cpu, "env.eip")), QTYPE_QNUM);
    got = read_tmp("d.mig");
    ASSERT_BYTES_EQUAL(g_bytes_get_data(got, NULL), g_bytes_get_size(got),
                       g_bytes_get_data(orig, NULL), g_bytes_get_size(orig));
    remove_tmp();
}

/* encode reads an integer field given as a string in each form: decimal,
 * negative decimal and hex. */
static void encode_takes_integer_strings(void)
{
    static const struct {
        size_t record;
        const char *key, *value;
    } cases_[] = {
        { 27, "outport", "0x0" },               /* port92 */
        { 27, "outport", "0" },
        { 24, "mouse_dx", "-0" },               /* ps2mouse */
        { 5, "env.mcg_ctl", "0xffffffffffffffff" },     /* cpu */
        { 5, "env.mcg_ctl", "0xFFFFFFFFFFFFFFFF" },
        { 5, "env.mcg_ctl", "18446744073709551615" },
    };
    g_autoptr(GBytes) orig = test_read_file(DATA "pc-nodefaults.mig");

    for (size_t i = 0; i < G_N_ELEMENTS(cases_); i++) {
        g_autoptr(QObject) dump = qemu_full_dump("pc-nodefaults");
        g_autoptr(GByteArray) bytes = g_byte_array_new();
        g_autoptr(GError) err = NULL;
        QList *records = qobject_to(QList, qdict_get(qobject_to(QDict, dump),
                                                     "records"));
        QDict *state = qobject_to(QDict, qdict_get(qobject_to(QDict,
            qlist_get(records, cases_[i].record)), "state"));
        QEMUFile *f;

        CU_ASSERT_PTR_NOT_NULL_FATAL(state);
        CU_ASSERT_TRUE_FATAL(qdict_haskey(state, cases_[i].key));
        qdict_put_str(state, cases_[i].key, cases_[i].value);
        f = qemu_fopen_bytearray(bytes);
        CU_ASSERT_TRUE(qemu_stream_encode(f, dump, &err));
        ASSERT_NO_ERROR(err);
        qemu_fclose(f);
        ASSERT_BYTES_EQUAL(bytes->data, bytes->len,
                           g_bytes_get_data(orig, NULL),
                           g_bytes_get_size(orig));
    }
}

/*
 * convert --to json|binary of every committed QEMU stream, and back with
 * convert --to qemu (and encode --qemu for JSON), gives the stream's
 * bytes; an edit of a device section in the JSON reaches the stream.
 */
static void convert_round_trips_qemu_streams(void)
{
    static const char *const streams[] = {
        "pc-nodefaults", "pc-e1000", "q35-smp2-xhci-virtio", "pc-2.3-old",
        "pc-compress", "pc-ignore-shared", "pc-serial-nic-usb",
        "pc-block", "pc-dirty-bitmap", "pc-icount", "pc-running-smp4",
        /* Two sections "isa-ide" instance 0 */
        "isapc-running",
    };

    setup_tmp();
    for (size_t i = 0; i < G_N_ELEMENTS(streams); i++) {
        g_autofree char *cmd = g_strdup_printf(
            "for f in json binary; do Q convert --to $f " DATA "%s.mig "
            "T/c.$f && Q convert --to qemu T/c.$f T/o.mig && "
            "cmp T/o.mig " DATA "%s.mig && echo $f; done && "
            "Q encode --qemu T/c.json T/o.mig && cmp T/o.mig " DATA
            "%s.mig && echo encode", streams[i], streams[i], streams[i]);

        expect(cmd, "json\nbinary\nencode\n");
    }
    /* The device sections are what diff compares; the framing is one
     * more section. */
    expect("Q convert --to json " DATA "pc-serial-nic-usb.mig T/c.json && "
           "grep -c '\"id\": \"qemu-stream\"' T/c.json && "
           "sed 's/\"scr\": 0/\"scr\": 90/' T/c.json > T/e.json && "
           "Q convert --to qemu T/e.json T/o.mig && "
           "Q diff " DATA "pc-serial-nic-usb.mig T/o.mig; echo $?",
           "1\n~ serial.state.scr: 0 -> 90\n1\n");
    /* diff reads a converted stream as the QEMU stream it holds, RAM
     * included. */
    expect("Q diff T/c.json " DATA "pc-serial-nic-usb.mig; "
           "Q convert --to binary T/e.json T/e.bin && "
           "Q ram write T/o.mig -o T/r.mig 0x2000 01 && "
           "Q diff T/e.bin T/r.mig; echo $?",
           "no differences\n~ ram[pc.ram]: 1 page differs: "
           "0x2000-0x2fff\n1\n");
    remove_tmp();
}

/*
 * A float64 field is a number in the converted stream and its bits in
 * the QEMU stream: timer's 8 unused bytes described as a float64 holding
 * 1.0 (0x3ff0000000000000) come back unchanged.
 */
static void convert_keeps_float64_fields(void)
{
    g_autoptr(QObject) dump = qemu_full_dump("pc-nodefaults");
    QDict *root = qobject_to(QDict, dump);
    const char *vmdesc = qstring_get_str(qobject_to(QString,
                                                    qdict_get(root,
                                                              "vmdesc")));
    const char *from = "{\"name\": \"unused\", \"type\": "
                       "\"unused_buffer\", \"size\": 8}";
    const char *to = "{\"name\": \"unused\", \"type\": \"float64\", "
                     "\"size\": 8}";
    g_autofree char *path = NULL;
    g_autoptr(GByteArray) bytes = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    g_autoptr(GString) desc = g_string_new(vmdesc);
    const char *at = strstr(vmdesc, from);
    QEMUFile *f;

    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    g_string_erase(desc, at - vmdesc, (gssize)strlen(from));
    g_string_insert(desc, at - vmdesc, to);
    qdict_put_str(root, "vmdesc", desc->str);
    CU_ASSERT_TRUE_FATAL(qobject_set_path(
        dump, "records[3].state.unused",
        QOBJECT(qstring_from_str("3ff0000000000000"))));
    f = qemu_fopen_bytearray(bytes);
    CU_ASSERT_TRUE(qemu_stream_encode(f, dump, &err));
    ASSERT_NO_ERROR(err);
    qemu_fclose(f);
    setup_tmp();
    path = g_build_filename(tmp_dir, "f.mig", NULL);
    CU_ASSERT_TRUE(g_file_set_contents(path, (char *)bytes->data,
                                       (gssize)bytes->len, NULL));
    expect("Q convert --to json T/f.mig T/f.json && "
           "grep -m1 '\"unused\": ' T/f.json && "
           "Q convert --to qemu T/f.json T/o.mig && cmp T/o.mig T/f.mig && "
           "echo same", "                \"unused\": 1.0,\nsame\n");
    remove_tmp();
}

/* Writes the stream of @name's dump with pc.ram @len bytes long (the
 * block list's total grown to match) to T/@out. */
static void write_resized(const char *name, uint64_t len, const char *out)
{
    g_autoptr(QObject) dump = qemu_full_dump(name);
    QList *records = qobject_to(QList, qdict_get(qobject_to(QDict, dump),
                                                 "records"));
    QDict *rec = qobject_to(QDict, qlist_get(records, 0));
    QDict *mem = qobject_to(QDict, qlist_get(qobject_to(QList,
        qdict_get(rec, "ram")), 0));
    QList *blocks = qobject_to(QList, qdict_get(mem, "blocks"));
    QDict *ram = qobject_to(QDict, qlist_get(blocks, 0));
    g_autoptr(GByteArray) bytes = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    g_autofree char *path = g_build_filename(tmp_dir, out, NULL);
    uint64_t total = 0, old = 0;
    QEMUFile *f;

    CU_ASSERT_STRING_EQUAL_FATAL(qstring_get_str(qobject_to(QString,
        qdict_get(ram, "id"))), "pc.ram");
    qnum_get_try_uint(qobject_to(QNum, qdict_get(mem, "total")), &total);
    qnum_get_try_uint(qobject_to(QNum, qdict_get(ram, "length")), &old);
    qdict_put_uint(ram, "length", len);
    qdict_put_uint(mem, "total", total - old + len);
    f = qemu_fopen_bytearray(bytes);
    CU_ASSERT_TRUE(qemu_stream_encode(f, dump, &err));
    ASSERT_NO_ERROR(err);
    qemu_fclose(f);
    CU_ASSERT_TRUE(g_file_set_contents(path, (char *)bytes->data,
                                       (gssize)bytes->len, NULL));
}

/*
 * The guest-physical mapping of large guests, on streams whose pc.ram
 * block claims 4 GiB (pc: 3 GiB below 4 GiB, with the gigabyte
 * alignment) and 3 GiB (q35: 2 GiB below, as the RAM is over 2.75 GiB):
 * 4 GiB is the block's offset below_4g, below_4g up to 4 GiB is a hole.
 */
static void ram_maps_guest_addresses_above_4g(void)
{
    setup_tmp();
    write_resized("pc-nodefaults", UINT64_C(0x100000000), "pc4g.mig");
    write_resized("q35-smp2-xhci-virtio", UINT64_C(0xc0000000), "q35.mig");
    expect("Q ram write T/pc4g.mig -o T/pc4g-w.mig 0x100000000 0102 && "
           "Q ram read T/pc4g-w.mig pc.ram:0xc0000000 2 && "
           "Q ram read T/pc4g-w.mig 0xbffffffe 2 && "
           "Q ram read T/pc4g-w.mig 0x13ffffffe 2; "
           "Q ram read T/pc4g-w.mig 0xc0000000 1 2>&1; "
           "Q ram read T/pc4g-w.mig 0x13fffffff 2 2>&1; echo $?",
           "c0000000  01 02                                             "
           "|..|\n"
           "bffffffe  00 00                                             "
           "|..|\n"
           "13ffffffe  00 00                                             "
           "|..|\n"
           "qvisit: ram: 0xc0000000 is in the hole between the end of RAM "
           "below 4 GiB (0xc0000000) and 4 GiB (PCI, BIOS ROM), not RAM\n"
           "qvisit: ram: 0x13fffffff+0x2 runs past the end of RAM above 4 "
           "GiB (0x140000000)\n1\n");
    expect("Q ram write T/q35.mig -o T/q35-w.mig 0x100000004 0304 && "
           "Q ram read T/q35-w.mig pc.ram:0x80000004 2; "
           "Q ram read T/q35-w.mig 0x80000000 1 2>&1; echo $?",
           "80000004  03 04                                             "
           "|..|\n"
           "qvisit: ram: 0x80000000 is in the hole between the end of RAM "
           "below 4 GiB (0x80000000) and 4 GiB (PCI, BIOS ROM), not RAM\n"
           "1\n");
    remove_tmp();
}

/* Checks that @cmd exits with @status, @want_out on standard output and
 * @want_err on standard error ("T/" for the temporary folder). */
static void expect_fail(const char *cmd, int status, const char *want_out,
                        const char *want_err)
{
    g_autofree char *err = NULL;
    g_autofree char *out = NULL;
    g_autofree char *tdir = g_strdup_printf("%s/", tmp_dir);
    g_auto(GStrv) parts = NULL;
    int got;

    out = run(cmd, &err, &got);
    parts = g_strsplit(err, tdir, -1);
    g_free(err);
    err = g_strjoinv("T/", parts);
    if (got != status || strcmp(out, want_out) || strcmp(err, want_err)) {
        fprintf(stderr, "\n%s: exit %d\n  stdout %s\n  stderr %s\n  want   "
                "%s\n", cmd, got, out, err, want_err);
    }
    CU_ASSERT_TRUE(got == status && !strcmp(out, want_out) &&
                   !strcmp(err, want_err));
}

/* Whether T/@a, stripped of its vmdesc, is T/@b byte for byte. */
static void assert_stripped_equal(const char *a, const char *b)
{
    g_autoptr(GBytes) ba = read_tmp(a);
    g_autoptr(GBytes) bb = read_tmp(b);
    size_t len;
    const uint8_t *data = g_bytes_get_data(ba, &len);
    size_t cut = test_qemu_stripped_len(data, len);

    CU_ASSERT_TRUE(cut < len);
    ASSERT_BYTES_EQUAL(data, cut, g_bytes_get_data(bb, NULL),
                       g_bytes_get_size(bb));
}

/*
 * Issue 13's commands on every committed stream stripped of its vmdesc
 * (QEMU's suppress-vmdesc=on): they read it through the built-in QEMU
 * devices, as `dump --qemu` does, and give what they give for the stream
 * with its vmdesc. `info` prints the same but for the size and the
 * vmdesc; `dump` (the migration core's form) and `convert` the same
 * device sections; `diff` finds nothing against the original; `convert`
 * comes back byte for byte; `set` and `ram write` write the original's
 * output less its vmdesc; `ram read` reads the same bytes. A section no
 * built-in device knows (virtio) is kept as its bytes: `diff` then needs
 * --partial, and `set` refuses to edit it.
 */
static void commands_read_streams_without_a_vmdesc(void)
{
    g_autofree char *path = NULL;

    setup_tmp();
    for (size_t i = 0; test_qemu_stripped_streams[i]; i++) {
        const char *name = test_qemu_stripped_streams[i];
        g_autofree char *src = g_strdup_printf(DATA "%s.mig", name);
        g_autofree char *dst = g_build_filename(tmp_dir, "s.mig", NULL);
        g_autofree char *cmd = NULL;
        g_autofree char *want = NULL;
        bool unknown = !strcmp(name, "pc-serial-nic-usb") ||
                       !strcmp(name, "q35-smp2-xhci-virtio");
        /* x-ignore-shared's RAM ("mem") is not migrated, and ram write
         * refuses it: a ROM block of that stream instead. */
        const char *block = !strcmp(name, "pc-ignore-shared") ? "pc.rom"
                                                              : "pc.ram";
        /* isapc's PIT counts 2048 (it runs), the others' 65536. */
        const char *count = !strcmp(name, "isapc-running") ? "2048"
                                                           : "65536";

        CU_ASSERT_TRUE_FATAL(test_qemu_write_stripped(name, dst));
        /* info: the same, but for size and vmdesc (and what it could
         * not decode). */
        cmd = g_strdup_printf(
            "Q info %s | grep -v -e '^size:' -e '^vmdesc:' | cat -s > T/a &&"
            " Q info T/s.mig | grep -v -e '^size:' -e '^vmdesc:' "
            "-e '^not decoded:' | cat -s | cmp - T/a && "
            "Q info T/s.mig | grep '^vmdesc:'", src);
        expect(cmd, "vmdesc:       none (device sections read by the "
                    "built-in QEMU devices)\n");
        g_clear_pointer(&cmd, g_free);
        /* diff and convert, both ways. */
        cmd = g_strdup_printf(
            "Q diff%s %s T/s.mig && Q convert --to json T/s.mig T/c.json "
            "2>/dev/null && Q convert --to qemu T/c.json T/b.mig && "
            "cmp T/b.mig T/s.mig && Q convert --to binary T/s.mig T/c.qvsd "
            "2>/dev/null && Q convert --to qemu T/c.qvsd T/b.mig && "
            "cmp T/b.mig T/s.mig && Q diff --partial T/c.json T/s.mig",
            unknown ? " --partial" : "", unknown ? "T/s.mig" : src);
        expect(cmd, "no differences\nno differences\n");
        g_clear_pointer(&cmd, g_free);
        if (!unknown) {
            /* The device sections as the migration core reads them. */
            cmd = g_strdup_printf("Q dump %s > T/a.json && Q dump T/s.mig | "
                                  "cmp - T/a.json && Q diff T/c.json %s",
                                  src, src);
            expect(cmd, "no differences\n");
            g_clear_pointer(&cmd, g_free);
        }
        /* set and ram write: the original's output without its vmdesc. */
        cmd = g_strdup_printf(
            "Q set %s -o T/w.mig 'mc146818rtc.cmos_data[56]=0xa5' "
            "'i8254.channels[2].count=1234' && Q set T/s.mig -o T/ws.mig "
            "'mc146818rtc.cmos_data[56]=0xa5' 'i8254.channels[2].count=1234'"
            " && Q diff%s T/s.mig T/ws.mig; echo $?", src,
            unknown ? " --partial" : "");
        want = g_strdup_printf("~ mc146818rtc.cmos_data[56]: 0x30 -> 0xa5\n"
                               "~ i8254.channels[2].count: %s -> 1234\n1\n",
                               count);
        expect(cmd, want);
        g_clear_pointer(&cmd, g_free);
        g_clear_pointer(&want, g_free);
        assert_stripped_equal("w.mig", "ws.mig");
        cmd = g_strdup_printf(
            "Q ram write %s -o T/w.mig %s:0x7ffe deadbeef && "
            "Q ram write T/s.mig -o T/ws.mig %s:0x7ffe deadbeef && "
            "Q ram read T/ws.mig %s:0x7ff8 16 > T/a && "
            "Q ram read T/w.mig %s:0x7ff8 16 | cmp - T/a && "
            "Q ram read T/s.mig pc.bios:0 4096 > T/a && "
            "Q ram read %s pc.bios:0 4096 | cmp - T/a && echo same", src,
            block, block, block, block, src);
        expect(cmd, "same\n");
        g_clear_pointer(&cmd, g_free);
        assert_stripped_equal("w.mig", "ws.mig");
    }
    /* Sections no built-in device knows. */
    g_clear_pointer(&path, g_free);
    path = g_build_filename(tmp_dir, "q.mig", NULL);
    CU_ASSERT_TRUE_FATAL(test_qemu_write_stripped("q35-smp2-xhci-virtio",
                                                  path));
    expect_fail("Q diff T/q.mig T/q.mig", 1, "",
                "qvisit: T/q.mig: the stream has no vmdesc and sections no "
                "built-in device knows (0000:00:02.0/virtio-rng, "
                "0000:00:03.0/virtio-balloon, 0000:00:04.0/virtio-blk); "
                "--partial compares their bytes\n");
    expect_fail("Q info T/q.mig | grep '^not decoded'", 0,
                "not decoded:  0000:00:02.0/virtio-rng#0, "
                "0000:00:03.0/virtio-balloon#0, 0000:00:04.0/virtio-blk#0 "
                "(no built-in device knows them: kept as bytes)\n", "");
    expect_fail("Q convert --to json T/q.mig T/c.json", 0, "",
                "qvisit: convert: 0000:00:02.0/virtio-rng (section 44): no "
                "vmdesc and no built-in layout; kept as opaque bytes in "
                "section 'qemu-stream'\n"
                "qvisit: convert: 0000:00:03.0/virtio-balloon (section 45): "
                "no vmdesc and no built-in layout; kept as opaque bytes in "
                "section 'qemu-stream'\n"
                "qvisit: convert: 0000:00:04.0/virtio-blk (section 46): no "
                "vmdesc and no built-in layout; kept as opaque bytes in "
                "section 'qemu-stream'\n");
    /* Without the framing, which would keep their bytes, they would be
     * lost: the migration core's form refuses them. */
    expect_fail("Q dump T/q.mig", 1, "",
                "qvisit: dump: T/q.mig: the stream has no vmdesc and "
                "sections no built-in device knows (0000:00:02.0/virtio-rng,"
                " 0000:00:03.0/virtio-balloon, 0000:00:04.0/virtio-blk); "
                "'dump --qemu --partial' keeps them as bytes\n");
    expect_fail("Q convert --to json - T/x.json < T/q.mig", 1, "",
                "qvisit: convert: -: the stream has no vmdesc and sections "
                "no built-in device knows (0000:00:02.0/virtio-rng, "
                "0000:00:03.0/virtio-balloon, 0000:00:04.0/virtio-blk); "
                "'dump --qemu --partial' keeps them as bytes\n");
    /* Standard input, read once. */
    expect("Q info - < T/q.mig | grep '^vmdesc' && Q diff --partial - T/q.mig"
           " < T/q.mig && Q ram read - pc.bios:0x3fff0 2 < T/q.mig && "
           "Q dump - < T/s.mig | head -2",
           "vmdesc:       none (device sections read by the built-in QEMU "
           "devices)\nno differences\n"
           "0003fff0  ea 5b                                             "
           "|.[|\n{\n    \"format\": \"qvisit-migration\",\n");
    expect_fail("Q set T/q.mig -o T/o.mig "
                "'0000:00:02.0/virtio-rng.virtio=00'", 1, "",
                "qvisit: 0000:00:02.0/virtio-rng.virtio: no vmdesc and no "
                "built-in device knows section '0000:00:02.0/virtio-rng', "
                "kept as opaque bytes: its fields cannot be set\n");
    /* Refused edits name the path as with a vmdesc; nothing is written. */
    g_clear_pointer(&path, g_free);
    path = g_build_filename(tmp_dir, "p.mig", NULL);
    CU_ASSERT_TRUE_FATAL(test_qemu_write_stripped("pc-serial-nic-usb",
                                                  path));
    expect_fail("Q set T/p.mig -o T/o.mig serial.state.scr=300", 1, "",
                "qvisit: serial.state.scr: 300 does not fit uint8 (0 to "
                "255)\n");
    expect_fail("Q set T/p.mig -o T/o.mig "
                "'i8254.channels[2].count=-2147483649'", 1, "", "qvisit: i8254.channels[2].count: -2147483649 does not "
                "fit int32 (-2147483648 to 2147483647)\n");
    expect_fail("Q set T/p.mig -o T/o.mig serial.state.Scr=1", 1, "",
                "qvisit: serial.state.Scr: no such field in section "
                "'serial'\n");
    expect_fail("Q set T/p.mig -o T/o.mig 'dma#1.regs[4].now=1'", 1, "",
                "qvisit: dma#1.regs[4]: index out of range (4 elements)\n");
    expect_fail("test -e T/o.mig", 1, "", "");
    remove_tmp();
}

/*
 * isapc writes two sections "isa-ide" instance 0. `diff` keys sections by
 * idstr and instance: the second is "isa-ide#0@2", so that it does not
 * hide the first, and `set` takes that name (and "isa-ide@2").
 */
static void duplicate_sections_have_their_own_address(void)
{
    g_autofree char *path = NULL;

    setup_tmp();
    expect("Q set " DATA "isapc-running.mig -o T/o.mig 'isa-ide.bus.unit=0'"
           " && Q diff " DATA "isapc-running.mig T/o.mig; echo $?",
           "~ isa-ide.bus.unit: 1 -> 0\n1\n");
    expect("Q set " DATA "isapc-running.mig -o T/o.mig "
           "'isa-ide#0@2.bus.cmd=1' && Q diff " DATA "isapc-running.mig "
           "T/o.mig; echo $?", "~ isa-ide#0@2.bus.cmd: 0 -> 1\n1\n");
    expect("Q set " DATA "isapc-running.mig -o T/p.mig 'isa-ide@2.bus.cmd=1'"
           " && cmp T/o.mig T/p.mig && Q set " DATA "isapc-running.mig -o "
           "T/p.mig 'isa-ide#0@1.bus.unit=0' 'isa-ide#0.bus.unit=0' && "
           "Q diff " DATA "isapc-running.mig T/p.mig; echo $?",
           "~ isa-ide.bus.unit: 1 -> 0\n1\n");
    /* The same without a vmdesc. */
    path = g_build_filename(tmp_dir, "s.mig", NULL);
    CU_ASSERT_TRUE_FATAL(test_qemu_write_stripped("isapc-running", path));
    expect("Q set T/s.mig -o T/o.mig 'isa-ide#0@2.bus.cmd=1' "
           "'isa-ide.bus.unit=0' && Q diff T/s.mig T/o.mig; echo $?",
           "~ isa-ide.bus.unit: 1 -> 0\n~ isa-ide#0@2.bus.cmd: 0 -> 1\n1\n");
    expect_fail("Q set " DATA "isapc-running.mig -o T/x.mig "
                "'isa-ide#0@2.bus.cmd=256'", 1, "",
                "qvisit: isa-ide#0@2.bus.cmd: 256 does not fit uint8 (0 to "
                "255)\n");
    expect_fail("Q set T/s.mig -o T/x.mig 'isa-ide#0@2.bus.cmd=256'", 1, "",
                "qvisit: isa-ide#0@2.bus.cmd: 256 does not fit uint8 (0 to "
                "255)\n");
    expect_fail("Q set " DATA "isapc-running.mig -o T/x.mig "
                "'isa-ide#0@3.bus.cmd=1'", 1, "",
                "qvisit: isa-ide#0@3.bus.cmd: no device section of the "
                "stream is named by this path\n");
    expect_fail("test -e T/x.mig", 1, "", "");
    /* A converted stream keeps both; diff compares them apart. */
    expect("Q convert --to json " DATA "isapc-running.mig T/c.json && "
           "Q diff T/c.json T/o.mig; echo $?", "~ isa-ide.bus.unit: 1 -> 0\n"
           "~ isa-ide#0@2.bus.cmd: 0 -> 1\n1\n");
    remove_tmp();
}

static const TestCase tests[] = {
    { "cli_cases_give_exit_codes_and_messages",
      cli_cases_give_exit_codes_and_messages },
    { "set_changes_only_the_named_fields",
      set_changes_only_the_named_fields },
    { "ram_write_makes_full_pages", ram_write_makes_full_pages },
    { "ram_reads_and_rewrites_xbzrle_pages",
      ram_reads_and_rewrites_xbzrle_pages },
    { "u64_as_string_round_trips", u64_as_string_round_trips },
    { "encode_takes_integer_strings", encode_takes_integer_strings },
    { "convert_round_trips_qemu_streams",
      convert_round_trips_qemu_streams },
    { "convert_keeps_float64_fields", convert_keeps_float64_fields },
    { "ram_maps_guest_addresses_above_4g",
      ram_maps_guest_addresses_above_4g },
    { "commands_read_streams_without_a_vmdesc",
      commands_read_streams_without_a_vmdesc },
    { "duplicate_sections_have_their_own_address",
      duplicate_sections_have_their_own_address },
    { NULL, NULL },
};

int main(void)
{
    int rc = test_run_suite("qemu-edit-cli", tests);

    g_free(tmp_dir);
    return rc;
}
