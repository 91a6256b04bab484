/*
 * `qvisit compat-check --qemu-vmstate` and `qvisit check --qemu` as
 * processes: exit codes, help, usage errors, standard input, the exact
 * lines printed. The binary comes from $QVISIT_CLI, which `make check`
 * sets.
 */
#include "tests/test-util.h"
#include "tests/cli-run.h"

#define C "tests/data/qemu-vmstate/compare/"
#define PAIR C "qemu-dump1-dump2/src.json " C "qemu-dump1-dump2/dst.json"
#define K "tests/data/qemu-vmstate/check/"
#define S "tests/data/qemu/"
/* What QEMU 7.2.22 writes for -machine pc-i440fx-7.2 -dump-vmstate. */
#define DUMP "tests/data/qemu-vmstate/pc-i440fx-7.2.json"

static const CliCase cases[] = {
    { "Q compat-check --qemu-vmstate --help", 0, NULL,
      "usage: qvisit compat-check --qemu-vmstate SRC.json DST.json "
      "[--reverse]\n", "" },
    { "Q compat-check --qemu-vmstate " C "identical/src.json", 2, NULL, "",
      "qvisit: compat-check: --qemu-vmstate expects SRC.json and "
      "DST.json\n" },
    { "Q compat-check --qemu-vmstate - -", 2, NULL, "",
      "qvisit: compat-check: only one of SRC.json and DST.json can be "
      "standard input\n" },
    { "Q compat-check --qemu-vmstate --bogus a b", 2, NULL, "",
      "qvisit: compat-check: unknown option '--bogus'\n" },
    { "Q compat-check --qemu-vmstate a b c", 2, NULL, "",
      "qvisit: compat-check: unexpected argument 'c'\n" },
    /* QEMU's own pair: the script's 13 findings, exit status 1. */
    { "Q compat-check --qemu-vmstate " PAIR, 1, NULL,
      "warning: machine-type: vmschkmachine: machine types differ: "
      "\"pc-i440fx-2.1\" in the source, \"pc-i440fx-2.2\" in the "
      "destination\nerror: section-missing: fw_cfg: not in the "
      "destination\n", "qvisit: compat-check: 13 errors found\n" },
    { "Q compat-check --qemu-vmstate " PAIR " | tail -n 2", 0, NULL,
      "error: size: usb-kbd.kbd.keycodes: description \"usb-kbd\": size 4 "
      "in the source, 2 in the destination\nresult: 13 errors, 1 warning\n",
      NULL },
    { "Q compat-check --qemu-vmstate " PAIR " 2>/dev/null | "
      "grep -v '^result: ' | cmp - " C "qemu-dump1-dump2/expected && "
      "echo same", 0, NULL, "same\n", "" },
    { "Q compat-check --qemu-vmstate --reverse " PAIR " | tail -n 1", 0, NULL,
      "result: 6 errors, 1 warning\n", NULL },
    { "Q compat-check --qemu-vmstate - " C "qemu-dump1-dump2/dst.json < "
      C "qemu-dump1-dump2/src.json | tail -n 1", 0, NULL,
      "result: 13 errors, 1 warning\n", NULL },
    /* QEMU 7.2.22's dumps for pc-i440fx-7.2 and pc-i440fx-2.0 differ only
     * in the machine name: the real dump against itself renamed. */
    { "sed 's/\"pc-i440fx-7.2\"/\"pc-i440fx-2.0\"/' " DUMP " | "
      "Q compat-check --qemu-vmstate - " DUMP, 0, NULL,
      "warning: machine-type: vmschkmachine: machine types differ: "
      "\"pc-i440fx-2.0\" in the source, \"pc-i440fx-7.2\" in the "
      "destination\nresult: 0 errors, 1 warning\n", "" },
    /* A warning alone passes. */
    { "Q compat-check --qemu-vmstate " C "machine-type-only/src.json "
      C "machine-type-only/dst.json", 0, NULL,
      "warning: machine-type: vmschkmachine: machine types differ: "
      "\"pc-i440fx-2.0\" in the source, \"pc-i440fx-7.2\" in the "
      "destination\nresult: 0 errors, 1 warning\n", "" },
    { "Q compat-check --qemu-vmstate " C "identical/src.json "
      C "identical/dst.json", 0, NULL, "result: 0 errors, 0 warnings\n", "" },
    { "Q compat-check --qemu-vmstate /nonexistent.json "
      C "identical/dst.json", 1, NULL, "",
      "qvisit: compat-check: /nonexistent.json: open: No such file or "
      "directory\n" },
    { "echo '[]' | Q compat-check --qemu-vmstate - " C "identical/dst.json", 1,
      NULL, "", "qvisit: compat-check: -: (root): not a -dump-vmstate file: "
      "expected an object, got array\n" },
    { "Q compat-check --max-alloc 100 --qemu-vmstate " PAIR, 1, NULL, "",
      "qvisit: compat-check: " C "qemu-dump1-dump2/src.json: stream larger "
      "than max_alloc 100 bytes\n" },
    /* A qvisit-schemas file is not a -dump-vmstate file and vice versa. */
    { "Q compat-check " PAIR, 1, NULL, "", "qvisit: compat-check: " C
      "qemu-dump1-dump2/src.json: format: not a qvisit-schemas file\n" },

    /* qvisit check --qemu STREAM --against DST.json */
    { "Q check --help", 0, NULL,
      "usage: qvisit check --qemu STREAM --against DST.json\n", "" },
    { "Q --help | grep -c '^  check '", 0, NULL, "1\n", "" },
    { "Q check " S "pc-nodefaults.mig --against " DUMP, 2, NULL, "",
      "qvisit: check: only QEMU streams (--qemu) can be checked so far\n" },
    { "Q check --qemu " S "pc-nodefaults.mig", 2, NULL, "",
      "qvisit: check: expected --qemu STREAM and one of --against DST.json or "
      "--layouts builtin\n" },
    { "Q check --qemu " S "pc-nodefaults.mig --against", 2, NULL, "",
      "qvisit: check: --against needs an argument\n" },
    { "Q check --qemu - --against -", 2, NULL, "",
      "qvisit: check: only one of STREAM and DST.json can be standard "
      "input\n" },
    { "Q check --qemu a b --against " DUMP, 2, NULL, "",
      "qvisit: check: unexpected argument 'b'\n" },
    { "Q check --qemu --bogus a --against " DUMP, 2, NULL, "",
      "qvisit: check: unknown option '--bogus'\n" },
    /* The committed streams load into the QEMU that wrote them. */
    { "Q check --qemu " S "pc-nodefaults.mig --against " DUMP, 0, NULL,
      "unchecked: timer: no vmsd \"timer\" in the destination's file (it "
      "lists devices with a qdev vmsd only)\n", "" },
    { "Q check --qemu " S "pc-nodefaults.mig --against " DUMP
      " | tail -n 1", 0, NULL,
      "result: 30 sections: 21 load, 0 blocked, 9 unchecked\n", "" },
    { "Q check --qemu " S "q35-smp2-xhci-virtio.mig --against " DUMP
      " | grep -v '^ok: \\|^unchecked: '", 0, NULL,
      "note: 0000:00:1f.0/ICH9LPC.pm.ich9_pm/memhp.acpi_memory_hotplug.devs: "
      "read by the destination at version 1 but not in the stream; loads "
      "only if it is an empty array\nresult: 38 sections: 27 load, 0 "
      "blocked, 11 unchecked\n", "" },
    { "Q check --qemu - --against " DUMP " < " S "pc-e1000.mig | "
      "grep e1000", 0, NULL, "ok: 0000:00:02.0/e1000: vmsd \"e1000\" version 2 "
      "loads into e1000, one of 3 device types with this vmsd\n", "" },
    { "Q check --qemu " S "pc-e1000.desc.json --against - < " DUMP
      " | tail -n 1", 0, NULL,
      "result: 31 sections: 22 load, 0 blocked, 9 unchecked\n", "" },
    /* A dump changed to block sections, one reason each. */
    { "Q check --qemu " S "pc-nodefaults.mig --against "
      K "pc-nodefaults-blocked/dump.json", 1, NULL, "unchecked: timer",
      "qvisit: check: 11 sections would not load\n" },
    { "Q check --qemu " S "pc-nodefaults.mig --against "
      K "pc-nodefaults-blocked/dump.json 2>/dev/null | "
      "grep -v '^result: ' | cmp - " K "pc-nodefaults-blocked/expected && "
      "echo same", 0, NULL, "same\n", "" },
    { "Q check --qemu " S "pc-nodefaults.mig --against "
      K "pc-nodefaults-blocked/dump.json 2>/dev/null | grep port92", 0, NULL,
      "blocked: size: port92.outport: size 1 in the stream, 2 in the "
      "destination\n", "" },
    { "Q check --qemu " S "pc-nodefaults.mig --against /nonexistent.json",
      1, NULL, "", "qvisit: check: /nonexistent.json: open: No such file or "
      "directory\n" },
    { "Q check --qemu /nonexistent.mig --against " DUMP, 1, NULL, "",
      "qvisit: check: /nonexistent.mig: No such file or directory\n" },
    { "Q check --qemu " S "pc-suppress-vmdesc.mig --against " DUMP, 1, NULL, "",
      "qvisit: check: " S "pc-suppress-vmdesc.mig: the stream has no "
      "vmdesc (written with suppress-vmdesc=on?); check the vmdesc of a "
      "stream of the same machine instead ('qvisit dump --qemu --desc')\n" },
    { "echo '{\"page_size\": 4096, \"devices\": [{\"name\": \"a\", "
      "\"instance_id\": 0, \"vmsd_name\": 1}]}' | "
      "Q check --qemu - --against " DUMP, 1, NULL, "",
      "qvisit: check: -: devices[0].vmsd_name: expected a string\n" },
    { "Q check --qemu " S "pc-nodefaults.mig --against "
      C "identical/src.json | tail -n 1", 0, NULL,
      "result: 30 sections: 0 load, 0 blocked, 30 unchecked\n", "" },
};

static void cli_cases_give_exit_codes_and_output(void)
{
    cli_run_cases(cases, G_N_ELEMENTS(cases));
}

static const TestCase tests[] = {
    { "cli_cases_give_exit_codes_and_output",
      cli_cases_give_exit_codes_and_output },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("qemu-vmstate-cli", tests);
}
