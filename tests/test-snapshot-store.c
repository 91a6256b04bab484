/*
 * The snapshot store's operations: names, times, open, create, import,
 * list, show and the metadata document. Restore, verify, prune, delete
 * and rebuild are in tests/test-snapshot-store-repair.c; crashes,
 * concurrent writers and locks in tests/test-snapshot-store-crash.c.
 */
#include "tests/snapshot-test.h"

#include <inttypes.h>
#include <stdio.h>

/* --- Names and times ------------------------------------------------------ */

static void names_follow_the_rules(void)
{
    static const struct {
        const char *name;
        const char *error;  /* NULL: valid */
    } cases[] = {
        { "vm", NULL },
        { "vm-1.before upgrade", NULL },
        { "\xc3\xa9t\xc3\xa9", NULL },
        { "a.b", NULL },
        { "", "snapshot name \"\": empty" },
        { ".hidden", "snapshot name \".hidden\": starts with '.'" },
        { "a/b", "snapshot name \"a/b\": contains '/'" },
        { "/", "snapshot name \"/\": contains '/'" },
        { "..", "snapshot name \"..\": contains \"..\"" },
        { "a..b", "snapshot name \"a..b\": contains \"..\"" },
        { "a\nb", "snapshot name \"a\\x0ab\": contains a control character" },
        { "\x1b[31m", "snapshot name \"\\x1b[31m\": contains a control "
                      "character" },
        { "a\x7f", "snapshot name \"a\\x7f\": contains a control character" },
        { "a\xc2\x9b", "snapshot name \"a\\xc2\\x9b\": contains a control "
                       "character" },
        { "a\xff", "snapshot name \"a\\xff\": not UTF-8" },
        { "q\"\\", NULL },
    };
    char max[SNAPSHOT_NAME_MAX + 2];

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *err = NULL;
        bool ok = snapshot_name_check(cases[i].name, &err);

        CU_ASSERT_EQUAL(ok, cases[i].error == NULL);
        if (cases[i].error) {
            ASSERT_ERROR(err, QVISIT_ERROR_INVALID, cases[i].error);
        } else {
            ASSERT_NO_ERROR(err);
        }
    }
    memset(max, 'x', sizeof(max));
    max[SNAPSHOT_NAME_MAX] = '\0';
    CU_ASSERT_TRUE(snapshot_name_check(max, NULL));
    max[SNAPSHOT_NAME_MAX] = 'x';
    max[SNAPSHOT_NAME_MAX + 1] = '\0';
    {
        GError *err = NULL;
        g_autofree char *msg = g_strdup_printf(
            "snapshot name \"%s\": longer than 128 bytes", max);

        CU_ASSERT_FALSE(snapshot_name_check(max, &err));
        ASSERT_ERROR(err, QVISIT_ERROR_INVALID, msg);
    }
}

static void times_parse_and_format(void)
{
    static const struct {
        const char *text;
        int code;           /* -1: valid */
        int64_t want;
        const char *error;
    } cases[] = {
        { "2024-05-01T12:00:00Z", -1, SNAPTEST_T0, NULL },
        { "2024-05-01t12:00:00z", -1, SNAPTEST_T0, NULL },
        { "2024-05-01 12:00:00+00:00", -1, SNAPTEST_T0, NULL },
        { "2024-05-01T12:00:00.999Z", -1, SNAPTEST_T0, NULL },
        { "2024-05-01T12:00:00-00:00", -1, SNAPTEST_T0, NULL },
        { "1970-01-01T00:00:00Z", -1, 0, NULL },
        { "9999-12-31T23:59:59Z", -1, SNAPSHOT_TIME_MAX, NULL },
        { "2024-02-29T00:00:00Z", -1, 1709164800, NULL },
        { "@0", -1, 0, NULL },
        { "@1714564800", -1, SNAPTEST_T0, NULL },
        { "@253402300799", -1, SNAPSHOT_TIME_MAX, NULL },
        { "@253402300800", QVISIT_ERROR_RANGE, 0,
          "time \"@253402300800\": after 9999-12-31T23:59:59Z" },
        { "@", QVISIT_ERROR_PARSE, 0,
          "time \"@\": expected digits after '@'" },
        { "@-1", QVISIT_ERROR_PARSE, 0,
          "time \"@-1\": expected digits after '@'" },
        { "2023-02-29T00:00:00Z", QVISIT_ERROR_RANGE, 0,
          "time \"2023-02-29T00:00:00Z\": no such time" },
        { "2024-05-01T24:00:00Z", QVISIT_ERROR_RANGE, 0,
          "time \"2024-05-01T24:00:00Z\": no such time" },
        { "1969-12-31T23:59:59Z", QVISIT_ERROR_RANGE, 0,
          "time \"1969-12-31T23:59:59Z\": before 1970-01-01T00:00:00Z" },
        { "2024-05-01T12:00:00+02:00", QVISIT_ERROR_PARSE, 0,
          "time \"2024-05-01T12:00:00+02:00\": not UTC (use Z or +00:00)" },
        { "2024-05-01T12:00:00", QVISIT_ERROR_PARSE, 0,
          "time \"2024-05-01T12:00:00\": expected RFC 3339 UTC "
          "(2024-05-01T12:00:00Z) or @SECONDS" },
        { "yesterday\n", QVISIT_ERROR_PARSE, 0,
          "time \"yesterday\\x0a\": expected RFC 3339 UTC "
          "(2024-05-01T12:00:00Z) or @SECONDS" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *err = NULL;
        int64_t t = -5;
        bool ok = snapshot_time_parse(cases[i].text, &t, &err);

        CU_ASSERT_EQUAL(ok, cases[i].code < 0);
        if (cases[i].code < 0) {
            ASSERT_NO_ERROR(err);
            CU_ASSERT_EQUAL(t, cases[i].want);
        } else {
            ASSERT_ERROR(err, cases[i].code, cases[i].error);
            CU_ASSERT_EQUAL(t, -5);
        }
    }
    {
        g_autofree char *a = snapshot_time_format(SNAPTEST_T0);
        g_autofree char *b = snapshot_time_format(0);
        g_autofree char *c = snapshot_time_format(SNAPSHOT_TIME_MAX);
        g_autofree char *d = snapshot_time_format(SNAPSHOT_TIME_MAX + 1);

        CU_ASSERT_STRING_EQUAL(a, "2024-05-01T12:00:00Z");
        CU_ASSERT_STRING_EQUAL(b, "1970-01-01T00:00:00Z");
        CU_ASSERT_STRING_EQUAL(c, "9999-12-31T23:59:59Z");
        CU_ASSERT_STRING_EQUAL(d, "9999-12-31T23:59:59Z");
    }
}

/* --- Open ------------------------------------------------------------------ */

static void open_creates_the_directory_0700(void)
{
    g_autofree char *tmp = snaptest_tmpdir();
    g_autofree char *a = g_build_filename(tmp, "a", NULL);
    g_autofree char *b = g_build_filename(tmp, "b", NULL);
    g_autofree char *c = g_build_filename(tmp, "c", NULL);
    g_autofree char *msg = g_strdup_printf("%s: no such directory", c);
    SnapshotStore *s;
    GError *err = NULL;
    struct stat st;
    mode_t old = umask(022);

    s = snapshot_store_open(a, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_STRING_EQUAL(snapshot_store_get_path(s), a);
    snapshot_store_free(s);
    CU_ASSERT_EQUAL(lstat(a, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0700);
    s = snapshot_store_open_full(b, 0750, 0, &err);
    ASSERT_NO_ERROR(err);
    snapshot_store_free(s);
    CU_ASSERT_EQUAL(lstat(b, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0750);
    /* An existing directory keeps its mode. */
    s = snapshot_store_open(b, &err);
    ASSERT_NO_ERROR(err);
    snapshot_store_free(s);
    CU_ASSERT_EQUAL(lstat(b, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0750);
    CU_ASSERT_PTR_NULL(snapshot_store_open_full(
        c, 0700, SNAPSHOT_STORE_OPEN_NO_CREATE, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_UNKNOWN, msg);
    CU_ASSERT_FALSE(g_file_test(c, G_FILE_TEST_EXISTS));
    umask(old);
    snaptest_rmrf(tmp);
}

static void open_refuses_a_file_and_a_symlink(void)
{
    g_autofree char *tmp = snaptest_tmpdir();
    g_autofree char *file = g_build_filename(tmp, "file", NULL);
    g_autofree char *target = g_build_filename(tmp, "target", NULL);
    g_autofree char *link = g_build_filename(tmp, "link", NULL);
    g_autofree char *m1 = g_strdup_printf("%s: not a directory", file);
    g_autofree char *m2 = g_strdup_printf("%s: is a symbolic link", link);
    g_autofree char *entries = NULL;
    GError *err = NULL;

    snaptest_write(tmp, "file", "x", 1);
    CU_ASSERT_EQUAL(g_mkdir(target, 0700), 0);
    CU_ASSERT_EQUAL(symlink(target, link), 0);
    CU_ASSERT_PTR_NULL(snapshot_store_open(file, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID, m1);
    CU_ASSERT_PTR_NULL(snapshot_store_open(link, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID, m2);
    entries = snaptest_entries(target);
    CU_ASSERT_STRING_EQUAL(entries, "");
    snaptest_rmrf(tmp);
}

static void store_replaced_by_a_symlink_fails_every_operation(void)
{
    Fixture fx;
    SnapVm vm;
    g_autofree char *moved = NULL;
    g_autofree char *other = NULL;
    g_autofree char *msg = NULL;
    g_autofree char *e1 = NULL;
    g_autofree char *e2 = NULL;
    GError *err = NULL;

    fx_init(&fx);
    snapvm_init(&vm, 1);
    fx_create(&fx, "a", &vm, -1);
    moved = g_strconcat(fx.dir, ".moved", NULL);
    other = g_build_filename(fx.tmp, "other", NULL);
    msg = g_strdup_printf("%s: replaced by a symbolic link since the store "
                          "was opened", fx.dir);
    CU_ASSERT_EQUAL(g_mkdir(other, 0700), 0);
    CU_ASSERT_EQUAL(g_rename(fx.dir, moved), 0);
    CU_ASSERT_EQUAL(symlink(other, fx.dir), 0);

    CU_ASSERT_PTR_NULL(snapshot_store_list(fx.s, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID, msg);
    CU_ASSERT_FALSE(snapshot_store_create(fx.s, "b", vm.r, NULL, NULL,
                                          &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID, msg);
    CU_ASSERT_FALSE(snapshot_store_delete(fx.s, "a", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID, msg);
    CU_ASSERT_FALSE(snapshot_store_prune(fx.s, SNAPSHOT_TIME_MAX, NULL,
                                         &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID, msg);
    CU_ASSERT_FALSE(snapshot_store_restore(fx.s, "a", vm.r, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID, msg);
    /* Nothing went to the symlink's target, nothing left the old store. */
    e1 = snaptest_entries(other);
    CU_ASSERT_STRING_EQUAL(e1, "");
    e2 = snaptest_entries(moved);
    {
        g_auto(GStrv) parts = g_strsplit(e2, ",", -1);

        CU_ASSERT_EQUAL(g_strv_length(parts), 3);   /* lock, meta, payload */
    }
    CU_ASSERT_EQUAL(snapvm_paused(&vm), 0);
    /* Another directory in its place is refused the same way. */
    CU_ASSERT_EQUAL(g_unlink(fx.dir), 0);
    CU_ASSERT_EQUAL(g_mkdir(fx.dir, 0700), 0);
    g_free(msg);
    msg = g_strdup_printf("%s: replaced by another file since the store was "
                          "opened", fx.dir);
    CU_ASSERT_PTR_NULL(snapshot_store_list(fx.s, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID, msg);
    snapvm_clear(&vm);
    fx_clear(&fx);
}

/* --- Create ---------------------------------------------------------------- */

/* The metadata file create must write for @vm saved as binary at T0 with
 * a life time of one hour. */
static char *expected_meta(const GByteArray *payload,
                           const MigrationReport *rep)
{
    g_autofree char *sum = snaptest_sha256(payload->data, payload->len);

    return g_strdup_printf(
        "{\n"
        "    \"schema\": \"qvisit-snapshot\",\n"
        "    \"schema_version\": 1,\n"
        "    \"name\": \"vm\",\n"
        "    \"created\": \"2024-05-01T12:00:00Z\",\n"
        "    \"lifetime\": 3600,\n"
        "    \"expires\": \"2024-05-01T13:00:00Z\",\n"
        "    \"format\": \"binary\",\n"
        "    \"payload\": \"vm.%.16s.payload\",\n"
        "    \"payload_size\": %u,\n"
        "    \"checksum\": \"sha256:%s\",\n"
        "    \"machine\": \"qvisit\",\n"
        "    \"machine_version\": 0,\n"
        "    \"capabilities\": 7,\n"
        "    \"devices\": [\n"
        "        {\n"
        "            \"id\": \"tdev\",\n"
        "            \"instance_id\": 0,\n"
        "            \"version\": 2,\n"
        "            \"bytes\": %zu\n"
        "        },\n"
        "        {\n"
        "            \"id\": \"pci.0/tdev\",\n"
        "            \"instance_id\": 1,\n"
        "            \"version\": 2,\n"
        "            \"bytes\": %zu\n"
        "        }\n"
        "    ],\n"
        "    \"unrecovered\": []\n"
        "}\n",
        sum, payload->len, sum, rep->devices[0].bytes, rep->devices[1].bytes);
}

static void create_writes_the_payload_then_exact_metadata(void)
{
    Fixture fx;
    SnapVm vm;
    g_autoptr(MigrationReport) rep = NULL;
    g_autoptr(GByteArray) want = NULL;
    g_autoptr(SnapshotMeta) m = NULL;
    g_autofree char *text = NULL;
    g_autofree char *sum = NULL;
    g_autofree char *entries = NULL;
    g_autofree char *want_entries = NULL;
    g_autofree char *payload_path = NULL;
    g_autofree char *meta_path = NULL;
    g_autofree char *got = NULL;
    gsize got_len = 0;
    SnapshotCreateOptions o = { .has_lifetime = true, .lifetime = 3600 };
    GError *err = NULL;
    struct stat st;

    fx_init(&fx);
    snapvm_init(&vm, 1);
    want = snapvm_save(&vm, MIGRATION_FORMAT_BINARY, &rep);
    vm.d[0].paused = vm.d[0].resumed = vm.d[1].paused = vm.d[1].resumed = 0;
    CU_ASSERT_TRUE(snapshot_store_create(fx.s, "vm", vm.r, &o, &m, &err));
    ASSERT_NO_ERROR(err);
    /* Each hook ran once. */
    CU_ASSERT_EQUAL(vm.d[0].paused, 1);
    CU_ASSERT_EQUAL(vm.d[0].resumed, 1);
    CU_ASSERT_EQUAL(vm.d[1].paused, 1);
    CU_ASSERT_EQUAL(vm.d[1].resumed, 1);

    sum = snaptest_sha256(want->data, want->len);
    want_entries = g_strdup_printf(".lock,vm.%.16s.payload,vm.meta.json",
                                   sum);
    entries = fx_entries(&fx);
    CU_ASSERT_STRING_EQUAL(entries, want_entries);
    payload_path = g_strdup_printf("%s/vm.%.16s.payload", fx.dir, sum);
    CU_ASSERT_TRUE(g_file_get_contents(payload_path, &got, &got_len, NULL));
    ASSERT_BYTES_EQUAL(got, got_len, want->data, want->len);
    CU_ASSERT_EQUAL(lstat(payload_path, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
    g_clear_pointer(&got, g_free);
    meta_path = g_build_filename(fx.dir, "vm.meta.json", NULL);
    CU_ASSERT_TRUE(g_file_get_contents(meta_path, &got, &got_len, NULL));
    text = expected_meta(want, rep);
    CU_ASSERT_STRING_EQUAL(got, text);
    CU_ASSERT_EQUAL(lstat(meta_path, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
    /* The metadata handed back is the file's. */
    {
        g_autoptr(GString) mine = snapshot__meta_to_text(m);

        CU_ASSERT_STRING_EQUAL(mine->str, text);
    }
    snapvm_clear(&vm);
    fx_clear(&fx);
}

static void create_in_every_format_restores_and_verifies(void)
{
    for (int f = MIGRATION_FORMAT_LEGACY; f <= MIGRATION_FORMAT_JSON; f++) {
        Fixture fx;
        SnapVm vm;
        g_autoptr(SnapshotMeta) m = NULL;
        g_autoptr(MigrationReport) rep = NULL;
        SnapshotCreateOptions o = { .format = f };
        GError *err = NULL;

        fx_init(&fx);
        snapvm_init(&vm, 1);
        CU_ASSERT_TRUE(snapshot_store_create(fx.s, "vm", vm.r, &o, &m,
                                             &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_EQUAL(m->format, (MigrationFormat)f);
        CU_ASSERT_EQUAL(m->capabilities, f == MIGRATION_FORMAT_LEGACY
                                             ? 0 : MIGRATION_CAP_ALL);
        CU_ASSERT_TRUE(snapshot_store_verify(fx.s, "vm", &err));
        ASSERT_NO_ERROR(err);
        snapvm_set(&vm, 9);
        CU_ASSERT_TRUE(snapshot_store_restore(fx.s, "vm", vm.r, &rep, &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_TRUE(snapvm_is(&vm, 1));
        CU_ASSERT_EQUAL(rep->format, (MigrationFormat)f);
        CU_ASSERT_EQUAL(snapvm_paused(&vm), 0);
        snapvm_clear(&vm);
        fx_clear(&fx);
    }
}

/* Records at each step how many devices are paused. */
static int paused_at[SNAPSHOT_STEP__MAX];
static SnapVm *watched;

static bool record_paused(SnapshotStep step, void *opaque)
{
    (void)opaque;
    paused_at[step] = snapvm_paused(watched);
    return true;
}

static void create_keeps_devices_paused_until_the_payload_is_on_disk(void)
{
    Fixture fx;
    SnapVm vm;
    GError *err = NULL;

    fx_init(&fx);
    snapvm_init(&vm, 1);
    watched = &vm;
    for (int i = 0; i < SNAPSHOT_STEP__MAX; i++) {
        paused_at[i] = -1;
    }
    snapshot__set_step_hook(fx.s, record_paused, NULL);
    CU_ASSERT_TRUE(snapshot_store_create(fx.s, "vm", vm.r, NULL, NULL,
                                         &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(paused_at[SNAPSHOT_STEP_LOCKED], 0);
    CU_ASSERT_EQUAL(paused_at[SNAPSHOT_STEP_PAUSED], 2);
    CU_ASSERT_EQUAL(paused_at[SNAPSHOT_STEP_META_CACHED], 2);
    CU_ASSERT_EQUAL(paused_at[SNAPSHOT_STEP_PAYLOAD_PARTIAL], 2);
    CU_ASSERT_EQUAL(paused_at[SNAPSHOT_STEP_PAYLOAD_WRITTEN], 2);
    CU_ASSERT_EQUAL(paused_at[SNAPSHOT_STEP_PAYLOAD_RENAMED], 2);
    CU_ASSERT_EQUAL(paused_at[SNAPSHOT_STEP_PAYLOAD_SYNCED], 2);
    CU_ASSERT_EQUAL(paused_at[SNAPSHOT_STEP_RESUMED], 0);
    CU_ASSERT_EQUAL(paused_at[SNAPSHOT_STEP_META_PARTIAL], 0);
    CU_ASSERT_EQUAL(paused_at[SNAPSHOT_STEP_META_WRITTEN], 0);
    CU_ASSERT_EQUAL(paused_at[SNAPSHOT_STEP_META_RENAMED], 0);
    CU_ASSERT_EQUAL(paused_at[SNAPSHOT_STEP_META_SYNCED], 0);
    CU_ASSERT_EQUAL(paused_at[SNAPSHOT_STEP_OLD_PAYLOAD_REMOVED], -1);
    snapvm_clear(&vm);
    fx_clear(&fx);
}

static void create_refuses_an_existing_name_unless_replace(void)
{
    Fixture fx;
    SnapVm vm;
    g_autoptr(GByteArray) b = NULL;
    g_autofree char *sum = NULL;
    g_autofree char *want = NULL;
    g_autofree char *entries = NULL;
    SnapshotCreateOptions o = { .replace = true };
    GError *err = NULL;

    fx_init(&fx);
    snapvm_init(&vm, 1);
    fx_create(&fx, "vm", &vm, -1);
    snapvm_set(&vm, 3);
    CU_ASSERT_FALSE(snapshot_store_create(fx.s, "vm", vm.r, NULL, NULL,
                                          &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "vm: already exists (replace it, or delete it first)");
    CU_ASSERT_EQUAL(snapvm_paused(&vm), 0);
    CU_ASSERT_TRUE(snapshot_store_create(fx.s, "vm", vm.r, &o, NULL, &err));
    ASSERT_NO_ERROR(err);
    /* The old payload is gone, the new one is the only one. */
    b = snapvm_save(&vm, MIGRATION_FORMAT_BINARY, NULL);
    sum = snaptest_sha256(b->data, b->len);
    want = g_strdup_printf(".lock,vm.%.16s.payload,vm.meta.json", sum);
    entries = fx_entries(&fx);
    CU_ASSERT_STRING_EQUAL(entries, want);
    snapvm_set(&vm, 1);
    CU_ASSERT_TRUE(snapshot_store_restore(fx.s, "vm", vm.r, NULL, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(snapvm_is(&vm, 3));
    /* Replacing with the same bytes keeps the one payload file. */
    CU_ASSERT_TRUE(snapshot_store_create(fx.s, "vm", vm.r, &o, NULL, &err));
    ASSERT_NO_ERROR(err);
    g_free(entries);
    entries = fx_entries(&fx);
    CU_ASSERT_STRING_EQUAL(entries, want);
    CU_ASSERT_TRUE(snapshot_store_verify(fx.s, "vm", &err));
    ASSERT_NO_ERROR(err);
    snapvm_clear(&vm);
    fx_clear(&fx);
}

static SnapshotStep fail_step;

static bool fail_at(SnapshotStep step, void *opaque)
{
    (void)opaque;
    return step != fail_step;
}

static const char *step_file(SnapshotStep step, const char *payload)
{
    if (step >= SNAPSHOT_STEP_PAYLOAD_PARTIAL &&
        step <= SNAPSHOT_STEP_PAYLOAD_SYNCED) {
        return payload;
    }
    if (step >= SNAPSHOT_STEP_META_PARTIAL &&
        step <= SNAPSHOT_STEP_META_SYNCED) {
        return "vm.meta.json";
    }
    return "vm";
}

/*
 * A failure at each step of a replace: before the metadata is in place
 * the old snapshot stays whole and nothing new is left; from then on the
 * new one is whole (a failed fsync cannot undo a rename). The devices are
 * resumed either way.
 */
static void create_failing_at_each_step_leaves_old_or_new(void)
{
    for (int step = SNAPSHOT_STEP_LOCKED; step <= SNAPSHOT_STEP_META_SYNCED;
         step++) {
        Fixture fx;
        SnapVm vm;
        g_autoptr(GByteArray) b = NULL;
        g_autofree char *before = NULL;
        g_autofree char *after = NULL;
        g_autofree char *sum = NULL;
        g_autofree char *payload = NULL;
        g_autofree char *msg = NULL;
        SnapshotCreateOptions o = { .replace = true };
        bool placed = step >= SNAPSHOT_STEP_META_RENAMED;
        GError *err = NULL;

        fx_init(&fx);
        snapvm_init(&vm, 1);
        fx_create(&fx, "vm", &vm, -1);
        before = fx_entries(&fx);
        snapvm_set(&vm, 3);
        b = snapvm_save(&vm, MIGRATION_FORMAT_BINARY, NULL);
        sum = snaptest_sha256(b->data, b->len);
        payload = g_strdup_printf("vm.%.16s.payload", sum);
        msg = g_strdup_printf("%s/%s: %s: failure injected by a test",
                              fx.dir, step_file(step, payload),
                              snapshot__step_name(step));
        fail_step = step;
        snapshot__set_step_hook(fx.s, fail_at, NULL);
        CU_ASSERT_FALSE(snapshot_store_create(fx.s, "vm", vm.r, &o, NULL,
                                              &err));
        ASSERT_ERROR(err, QVISIT_ERROR_IO, msg);
        CU_ASSERT_EQUAL(snapvm_paused(&vm), 0);
        snapshot__set_step_hook(fx.s, NULL, NULL);
        after = fx_entries(&fx);
        if (!placed) {
            CU_ASSERT_STRING_EQUAL(after, before);
        } else {
            /* The old payload stays for prune: the rename of the new
             * metadata was not known to be durable. */
            g_auto(GStrv) parts = g_strsplit(before, ",", -1);
            g_autofree char *want = NULL;

            CU_ASSERT_EQUAL_FATAL(g_strv_length(parts), 3);
            want = strcmp(parts[1], payload) < 0
                       ? g_strdup_printf(".lock,%s,%s,vm.meta.json",
                                         parts[1], payload)
                       : g_strdup_printf(".lock,%s,%s,vm.meta.json",
                                         payload, parts[1]);
            CU_ASSERT_STRING_EQUAL(after, want);
        }
        CU_ASSERT_TRUE(snapshot_store_verify(fx.s, "vm", &err));
        ASSERT_NO_ERROR(err);
        snapvm_set(&vm, 7);
        CU_ASSERT_TRUE(snapshot_store_restore(fx.s, "vm", vm.r, NULL, &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_TRUE(snapvm_is(&vm, placed ? 3 : 1));
        snapvm_clear(&vm);
        fx_clear(&fx);
    }
}

static bool fail_walk(Visitor *v, void *opaque, GError **errp)
{
    (void)v;
    (void)opaque;
    g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_RANGE, "bad.x: broken");
    return false;
}

static void create_with_a_failing_device_resumes_and_writes_nothing(void)
{
    Fixture fx;
    SnapVm vm;
    MigrationDeviceInfo bad = tdev_info("bad", 0);
    TDev state;
    g_autofree char *entries = NULL;
    GError *err = NULL;

    fx_init(&fx);
    snapvm_init(&vm, 1);
    tdev_fill(&state, 5);
    bad.visit = fail_walk;
    CU_ASSERT_TRUE(migration_register(vm.r, &bad, &state, NULL));
    CU_ASSERT_FALSE(snapshot_store_create(fx.s, "vm", vm.r, NULL, NULL,
                                          &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE, "bad.x: broken");
    CU_ASSERT_EQUAL(snapvm_paused(&vm), 0);
    CU_ASSERT_EQUAL(state.paused, 1);
    CU_ASSERT_EQUAL(state.resumed, 1);
    entries = fx_entries(&fx);
    CU_ASSERT_STRING_EQUAL(entries, ".lock");
    tdev_clear(&state);
    snapvm_clear(&vm);
    fx_clear(&fx);
}

/* A device whose walk's shape follows its state: n bytes of an array. */
typedef struct Grow {
    uint8_t n;
    uint8_t bytes[8];
} Grow;

static bool grow_walk(Visitor *v, void *opaque, GError **errp)
{
    Grow *g = opaque;
    bool ok = visit_start_struct(v, NULL, errp) &&
              visit_type_u8(v, "n", &g->n, errp) &&
              visit_start_array(v, "bytes", g->n, errp);

    for (uint8_t i = 0; ok && i < g->n; i++) {
        ok = visit_type_u8(v, NULL, &g->bytes[i], errp);
    }
    return ok && visit_end_array(v, errp) && visit_end_struct(v, errp);
}

/*
 * The store saves through a copy of the registry's devices. A legacy
 * save's vmdesc cache filled or replaced in that copy was lost with it:
 * leaked, and the registry's own cache freed under it (a double free
 * when the registry was freed). Found by valgrind.
 */
static void legacy_create_keeps_the_registry_vmdesc_cache(void)
{
    Fixture fx;
    g_autoptr(MigrationRegistry) r = migration_registry_new();
    MigrationDeviceInfo info = { .id = "grow", .version = 1,
                                 .visit = grow_walk,
                                 .state_size = sizeof(Grow) };
    SnapshotCreateOptions o = { .format = MIGRATION_FORMAT_LEGACY,
                                .replace = true };
    Grow g = { .n = 1, .bytes = { 7 } };
    GError *err = NULL;

    fx_init(&fx);
    CU_ASSERT_TRUE(migration_register(r, &info, &g, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(snapshot_store_create(fx.s, "a", r, &o, NULL, &err));
    ASSERT_NO_ERROR(err);
    g.n = 3;
    CU_ASSERT_TRUE(snapshot_store_create(fx.s, "a", r, &o, NULL, &err));
    ASSERT_NO_ERROR(err);
    g.n = 2;
    {
        g_autoptr(GByteArray) out = g_byte_array_new();

        CU_ASSERT_TRUE(migration_save(r, MIGRATION_FORMAT_LEGACY, out, NULL,
                                      &err));
        ASSERT_NO_ERROR(err);
    }
    g.n = 4;
    CU_ASSERT_TRUE(snapshot_store_create(fx.s, "a", r, &o, NULL, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(snapshot_store_verify(fx.s, "a", &err));
    ASSERT_NO_ERROR(err);
    fx_clear(&fx);
}

static void create_rejects_invalid_names_and_endless_lifetimes(void)
{
    Fixture fx;
    SnapVm vm;
    g_autofree char *entries = NULL;
    SnapshotCreateOptions o = { .has_lifetime = true };
    GError *err = NULL;

    fx_init(&fx);
    snapvm_init(&vm, 1);
    CU_ASSERT_FALSE(snapshot_store_create(fx.s, "../x", vm.r, NULL, NULL,
                                          &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "snapshot name \"../x\": contains '/'");
    CU_ASSERT_FALSE(snapshot_store_create(fx.s, ".lock", vm.r, NULL, NULL,
                                          &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "snapshot name \".lock\": starts with '.'");
    o.lifetime = (uint64_t)(SNAPSHOT_TIME_MAX - SNAPTEST_T0) + 1;
    CU_ASSERT_FALSE(snapshot_store_create(fx.s, "vm", vm.r, &o, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE,
                 "vm: lifetime 251687736000 s goes past "
                 "9999-12-31T23:59:59Z");
    CU_ASSERT_EQUAL(snapvm_paused(&vm), 0);
    o.lifetime--;
    CU_ASSERT_TRUE(snapshot_store_create(fx.s, "vm", vm.r, &o, NULL, &err));
    ASSERT_NO_ERROR(err);
    entries = fx_entries(&fx);
    CU_ASSERT_TRUE(g_str_has_prefix(entries, ".lock,vm."));
    snapvm_clear(&vm);
    fx_clear(&fx);
}

/* --- List and show --------------------------------------------------------- */

static void list_sorts_by_creation_time_then_name(void)
{
    Fixture fx;
    SnapVm vm;
    g_autoptr(GPtrArray) l = NULL;
    GError *err = NULL;

    fx_init(&fx);
    snapvm_init(&vm, 1);
    l = snapshot_store_list(fx.s, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(l->len, 0);
    g_clear_pointer(&l, g_ptr_array_unref);
    fx.now = SNAPTEST_T0 + 10;
    fx_create(&fx, "b", &vm, -1);
    fx.now = SNAPTEST_T0 + 20;
    fx_create(&fx, "a", &vm, 60);
    fx.now = SNAPTEST_T0 + 10;
    fx_create(&fx, "c", &vm, -1);
    l = snapshot_store_list(fx.s, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL_FATAL(l->len, 3);
    CU_ASSERT_STRING_EQUAL(((SnapshotMeta *)l->pdata[0])->name, "b");
    CU_ASSERT_STRING_EQUAL(((SnapshotMeta *)l->pdata[1])->name, "c");
    CU_ASSERT_STRING_EQUAL(((SnapshotMeta *)l->pdata[2])->name, "a");
    CU_ASSERT_EQUAL(((SnapshotMeta *)l->pdata[2])->created, SNAPTEST_T0 + 20);
    CU_ASSERT_EQUAL(((SnapshotMeta *)l->pdata[2])->expires, SNAPTEST_T0 + 80);
    snapvm_clear(&vm);
    fx_clear(&fx);
}

/* Empties every payload file of the store. */
static void truncate_payloads(Fixture *fx)
{
    g_autofree char *entries = fx_entries(fx);
    g_auto(GStrv) files = g_strsplit(entries, ",", -1);

    for (size_t i = 0; files[i]; i++) {
        if (g_str_has_suffix(files[i], ".payload")) {
            snaptest_write(fx->dir, files[i], "", 0);
        }
    }
}

static void list_and_show_read_no_payload(void)
{
    Fixture fx;
    SnapVm vm;
    g_autoptr(GPtrArray) l = NULL;
    g_autoptr(SnapshotMeta) m = NULL;
    GError *err = NULL;

    fx_init(&fx);
    snapvm_init(&vm, 1);
    fx_create(&fx, "a", &vm, -1);
    fx_create(&fx, "b", &vm, 5);
    truncate_payloads(&fx);
    l = snapshot_store_list(fx.s, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(l->len, 2);
    m = snapshot_store_show(fx.s, "b", &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_STRING_EQUAL(m->name, "b");
    CU_ASSERT_TRUE(m->has_lifetime);
    CU_ASSERT_EQUAL(m->lifetime, 5);
    CU_ASSERT_EQUAL(m->n_devices, 2);
    CU_ASSERT_STRING_EQUAL(m->devices[1].id, "pci.0/tdev");
    CU_ASSERT_EQUAL(m->devices[1].instance_id, 1);
    CU_ASSERT_NOT_EQUAL(m->payload_size, 0);
    CU_ASSERT_PTR_NULL(snapshot_store_show(fx.s, "zz", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_UNKNOWN, "zz: no such snapshot");
    CU_ASSERT_PTR_NULL(snapshot_store_show(fx.s, "a/../b", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "snapshot name \"a/../b\": contains '/'");
    snapvm_clear(&vm);
    fx_clear(&fx);
}

static void damaged_metadata_is_reported_with_its_file(void)
{
    Fixture fx;
    SnapVm vm;
    GError *err = NULL;

    fx_init(&fx);
    snapvm_init(&vm, 1);
    fx_create(&fx, "a", &vm, -1);
    fx_create(&fx, "b", &vm, 1);
    snaptest_write(fx.dir, "a.meta.json", "{\"schema\": 1", 12);
    CU_ASSERT_PTR_NULL(snapshot_store_list(fx.s, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_PARSE,
                 "a.meta.json: json: unexpected end of input at byte 12");
    /* Prune removes nothing while a metadata file is damaged. */
    CU_ASSERT_FALSE(snapshot_store_prune(fx.s, SNAPSHOT_TIME_MAX, NULL,
                                         &err));
    ASSERT_ERROR_PREFIX(err, QVISIT_ERROR_PARSE, "a.meta.json: ");
    {
        g_autofree char *e = fx_entries(&fx);
        g_auto(GStrv) parts = g_strsplit(e, ",", -1);

        CU_ASSERT_EQUAL(g_strv_length(parts), 5);
    }
    snaptest_write(fx.dir, "a.meta.json", "[]", 2);
    CU_ASSERT_PTR_NULL(snapshot_store_show(fx.s, "a", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_TYPE,
                 "a.meta.json: expected object, got array");
    /* Delete repairs it. */
    CU_ASSERT_TRUE(snapshot_store_delete(fx.s, "a", &err));
    ASSERT_NO_ERROR(err);
    {
        g_autoptr(GPtrArray) l = snapshot_store_list(fx.s, &err);

        ASSERT_NO_ERROR(err);
        CU_ASSERT_EQUAL(l->len, 1);
    }
    snapvm_clear(&vm);
    fx_clear(&fx);
}

static void import_keeps_the_bytes_and_reads_the_stream(void)
{
    Fixture fx;
    SnapVm vm;
    g_autoptr(GByteArray) stream = NULL;
    g_autoptr(GByteArray) back = g_byte_array_new();
    g_autoptr(SnapshotMeta) imp = NULL;
    g_autoptr(SnapshotMeta) made = NULL;
    g_autoptr(QDict) a = NULL;
    g_autoptr(QDict) b = NULL;
    g_autofree char *entries = NULL;
    SnapshotCreateOptions o = { .format = MIGRATION_FORMAT_LEGACY,
                                .has_lifetime = true, .lifetime = 9 };
    GError *err = NULL;

    fx_init(&fx);
    snapvm_init(&vm, 1);
    stream = snapvm_save(&vm, MIGRATION_FORMAT_LEGACY, NULL);
    CU_ASSERT_TRUE(snapshot_store_import(fx.s, "imp", stream->data,
                                         stream->len, &o, &imp, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(snapshot_store_read_payload(fx.s, "imp", back, &err));
    ASSERT_NO_ERROR(err);
    ASSERT_BYTES_EQUAL(back->data, back->len, stream->data, stream->len);
    CU_ASSERT_EQUAL(imp->created, SNAPTEST_T0);
    CU_ASSERT_EQUAL(imp->expires, SNAPTEST_T0 + 9);
    /* The metadata equals what create records for the same state. */
    CU_ASSERT_TRUE(snapshot_store_create(fx.s, "imp2", vm.r, &o, &made,
                                         &err));
    ASSERT_NO_ERROR(err);
    a = snapshot_meta_to_qobject(imp);
    b = snapshot_meta_to_qobject(made);
    qdict_del(a, "name");
    qdict_del(b, "name");
    qdict_del(a, "payload");
    qdict_del(b, "payload");
    ASSERT_QOBJECT_EQUAL(QOBJECT(a), QOBJECT(b));
    CU_ASSERT_TRUE(snapshot_store_verify(fx.s, "imp", &err));
    ASSERT_NO_ERROR(err);
    /* Not a stream: nothing is written. */
    g_free(entries);
    entries = fx_entries(&fx);
    CU_ASSERT_FALSE(snapshot_store_import(fx.s, "bad", "hello", 5, NULL,
                                          NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_PARSE,
                 "not a migration stream (5 bytes, unknown magic)");
    {
        g_autofree char *after = fx_entries(&fx);

        CU_ASSERT_STRING_EQUAL(after, entries);
    }
    snapvm_clear(&vm);
    fx_clear(&fx);
}

/* --- The metadata document ------------------------------------------------- */

static const char meta_doc[] =
    "{\"schema\": \"qvisit-snapshot\", \"schema_version\": 1, "
    "\"name\": \"vm\", \"created\": \"2024-05-01T12:00:00Z\", "
    "\"lifetime\": 60, \"expires\": \"2024-05-01T12:01:00Z\", "
    "\"format\": \"json\", "
    "\"payload\": \"vm.0123456789abcdef.payload\", \"payload_size\": 10, "
    "\"checksum\": \"sha256:0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef\", \"machine\": \"qvisit\", \"machine_version\": 3, "
    "\"capabilities\": 7, \"devices\": [{\"id\": \"serial\", "
    "\"instance_id\": 0, \"version\": 3, \"bytes\": 0}], "
    "\"unrecovered\": [\"created\", \"from-the-future\"], \"later\": 1}";

static void metadata_documents_are_checked(void)
{
    static const struct {
        const char *key;
        const char *json;   /* NULL: remove the member */
        int code;
        const char *error;
    } cases[] = {
        { "name", NULL, QVISIT_ERROR_MISSING, "name: missing" },
        { "name", "\"a/b\"", QVISIT_ERROR_INVALID,
          "name: snapshot name \"a/b\": contains '/'" },
        { "schema", "\"other\"", QVISIT_ERROR_INVALID,
          "schema: expected \"qvisit-snapshot\", got \"other\"" },
        { "schema_version", "2", QVISIT_ERROR_VERSION,
          "schema_version: 2 is not 1, the version this release reads" },
        { "created", "\"@5\"", QVISIT_ERROR_INVALID,
          "created: time \"@5\": expected RFC 3339 UTC" },
        { "created", "5", QVISIT_ERROR_TYPE,
          "created: expected string, got number" },
        { "expires", "\"2024-05-01T12:01:01Z\"", QVISIT_ERROR_INVALID,
          "expires: not created + lifetime" },
        { "expires", "null", QVISIT_ERROR_TYPE,
          "expires: expected string, got null" },
        { "lifetime", "-1", QVISIT_ERROR_RANGE,
          "lifetime: -1 is out of range 0..253402300799" },
        { "lifetime", "1.5", QVISIT_ERROR_TYPE,
          "lifetime: expected an integer" },
        { "format", "\"tar\"", QVISIT_ERROR_INVALID,
          "format: expected legacy, binary or json, got \"tar\"" },
        { "payload", "\"../etc/passwd\"", QVISIT_ERROR_INVALID,
          "payload: expected \"vm.0123456789abcdef.payload\", got "
          "\"../etc/passwd\"" },
        { "checksum", "\"crc32:1234\"", QVISIT_ERROR_INVALID,
          "checksum: expected sha256: and 64 hex digits, got "
          "\"crc32:1234\"" },
        { "machine_version", "4294967296", QVISIT_ERROR_RANGE,
          "machine_version: 4294967296 is out of range 0..4294967295" },
        { "devices", "[{\"id\": 1}]", QVISIT_ERROR_TYPE,
          "devices[0].id: expected string, got number" },
        { "devices", "[{\"id\": \"a\", \"instance_id\": 0, \"version\": 1}]",
          QVISIT_ERROR_MISSING, "devices[0].bytes: missing" },
        { "devices", "[7]", QVISIT_ERROR_TYPE,
          "devices[0]: expected object, got number" },
    };
    g_autoptr(QObject) base = qobject_from_json(meta_doc, NULL);
    g_autoptr(SnapshotMeta) m = NULL;
    GError *err = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(base);
    m = snapshot_meta_from_qobject(qobject_to(QDict, base), &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(m->machine_version, 3);
    CU_ASSERT_EQUAL(m->lifetime, 60);
    CU_ASSERT_EQUAL(m->unrecovered, SNAPSHOT_META_FIELD_CREATED);
    CU_ASSERT_EQUAL(m->format, MIGRATION_FORMAT_JSON);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(QDict) d = qobject_to(QDict, qobject_clone(base));
        g_autoptr(SnapshotMeta) bad = NULL;

        if (cases[i].json) {
            qdict_put_obj(d, cases[i].key,
                          qobject_from_json(cases[i].json, NULL));
        } else {
            qdict_del(d, cases[i].key);
        }
        bad = snapshot_meta_from_qobject(d, &err);
        CU_ASSERT_PTR_NULL(bad);
        ASSERT_ERROR(err, cases[i].code, cases[i].error);
    }
}

static const TestCase tests[] = {
    { "names_follow_the_rules", names_follow_the_rules },
    { "times_parse_and_format", times_parse_and_format },
    { "open_creates_the_directory_0700", open_creates_the_directory_0700 },
    { "open_refuses_a_file_and_a_symlink", open_refuses_a_file_and_a_symlink },
    { "store_replaced_by_a_symlink_fails_every_operation",
      store_replaced_by_a_symlink_fails_every_operation },
    { "create_writes_the_payload_then_exact_metadata",
      create_writes_the_payload_then_exact_metadata },
    { "create_in_every_format_restores_and_verifies",
      create_in_every_format_restores_and_verifies },
    { "create_keeps_devices_paused_until_the_payload_is_on_disk",
      create_keeps_devices_paused_until_the_payload_is_on_disk },
    { "create_refuses_an_existing_name_unless_replace",
      create_refuses_an_existing_name_unless_replace },
    { "create_failing_at_each_step_leaves_old_or_new",
      create_failing_at_each_step_leaves_old_or_new },
    { "create_with_a_failing_device_resumes_and_writes_nothing",
      create_with_a_failing_device_resumes_and_writes_nothing },
    { "legacy_create_keeps_the_registry_vmdesc_cache",
      legacy_create_keeps_the_registry_vmdesc_cache },
    { "create_rejects_invalid_names_and_endless_lifetimes",
      create_rejects_invalid_names_and_endless_lifetimes },
    { "list_sorts_by_creation_time_then_name",
      list_sorts_by_creation_time_then_name },
    { "list_and_show_read_no_payload", list_and_show_read_no_payload },
    { "damaged_metadata_is_reported_with_its_file",
      damaged_metadata_is_reported_with_its_file },
    { "import_keeps_the_bytes_and_reads_the_stream",
      import_keeps_the_bytes_and_reads_the_stream },
    { "metadata_documents_are_checked", metadata_documents_are_checked },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("snapshot-store", tests);
}
