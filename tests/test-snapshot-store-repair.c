/*
 * Reading snapshots back and repairing a store: restore and verify
 * against corrupted and forged payloads, restore across releases, the
 * expiry boundary, prune, delete and rebuild.
 */
#include "tests/snapshot-test.h"

#include <inttypes.h>
#include <stdio.h>

#include "examples/devices/example-compat.h"
#include "tests/example-vm.h"

/* --- Restore and verify ---------------------------------------------------- */

static void corrupted_payload_is_caught_by_restore_and_verify(void)
{
    Fixture fx;
    SnapVm vm;
    g_autoptr(SnapshotMeta) m = NULL;
    g_autofree char *path = NULL;
    g_autofree char *data = NULL;
    g_autofree char *bad_sum = NULL;
    g_autofree char *msg = NULL;
    gsize len = 0;
    GError *err = NULL;
    int paused;

    fx_init(&fx);
    snapvm_init(&vm, 1);
    fx_create(&fx, "vm", &vm, -1);
    paused = vm.d[0].paused;
    m = snapshot_store_show(fx.s, "vm", NULL);
    path = payload_path(&fx, "vm");
    CU_ASSERT_TRUE(g_file_get_contents(path, &data, &len, NULL));
    data[len / 2] ^= 0x01;
    CU_ASSERT_TRUE(g_file_set_contents(path, data, len, NULL));
    bad_sum = snaptest_sha256(data, len);
    msg = g_strdup_printf("vm: payload checksum is sha256:%s, the metadata "
                          "says %s", bad_sum, m->checksum);
    snapvm_set(&vm, 3);
    CU_ASSERT_FALSE(snapshot_store_restore(fx.s, "vm", vm.r, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_CHECKSUM, msg);
    /* Caught before the load: no device was touched or paused. */
    CU_ASSERT_TRUE(snapvm_is(&vm, 3));
    CU_ASSERT_EQUAL(vm.d[0].paused, paused);
    CU_ASSERT_FALSE(snapshot_store_verify(fx.s, "vm", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_CHECKSUM, msg);
    /* A short payload is caught by its size. */
    CU_ASSERT_TRUE(g_file_set_contents(path, data, len - 1, NULL));
    g_free(msg);
    msg = g_strdup_printf("vm: payload is %zu bytes, the metadata says %zu",
                          len - 1, len);
    CU_ASSERT_FALSE(snapshot_store_verify(fx.s, "vm", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_CHECKSUM, msg);
    CU_ASSERT_FALSE(snapshot_store_restore(fx.s, "vm", vm.r, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_CHECKSUM, msg);
    /* A missing one by the open. */
    CU_ASSERT_EQUAL(g_unlink(path), 0);
    g_free(msg);
    msg = g_strdup_printf("%s: open: No such file or directory", path);
    CU_ASSERT_FALSE(snapshot_store_verify(fx.s, "vm", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, msg);
    CU_ASSERT_TRUE(snapvm_is(&vm, 3));
    snapvm_clear(&vm);
    fx_clear(&fx);
}

/* Rewrites @name's metadata to describe @data as its payload, with
 * @machine, as a forger who got the checksum right would. */
static void forge(Fixture *fx, const char *name, const void *data, size_t len,
                  const char *machine)
{
    g_autoptr(SnapshotMeta) m = snapshot_store_show(fx->s, name, NULL);
    g_autoptr(GString) text = NULL;
    g_autofree char *meta_file = snapshot__meta_file(name);

    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    g_free(m->checksum);
    g_free(m->payload);
    g_free(m->machine);
    m->checksum = snapshot__checksum(data, len);
    m->payload = snapshot__payload_file(name, m->checksum);
    m->payload_size = len;
    m->machine = g_strdup(machine);
    text = snapshot__meta_to_text(m);
    snaptest_write(fx->dir, m->payload, data, len);
    snaptest_write(fx->dir, meta_file, text->str, text->len);
}

static void verify_decodes_the_payload_and_checks_the_metadata(void)
{
    Fixture fx;
    SnapVm vm;
    g_autoptr(GByteArray) good = NULL;
    GError *err = NULL;

    fx_init(&fx);
    snapvm_init(&vm, 1);
    fx_create(&fx, "vm", &vm, -1);
    CU_ASSERT_TRUE(snapshot_store_verify(fx.s, "vm", &err));
    ASSERT_NO_ERROR(err);
    /* Right checksum, wrong bytes: only decoding finds out. */
    forge(&fx, "vm", "QVSD\x01garbage", 12, "qvisit");
    CU_ASSERT_FALSE(snapshot_store_verify(fx.s, "vm", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_TRUNCATED,
                 "machine: stream truncated at byte 12");
    /* A whole stream the metadata does not describe. */
    good = snapvm_save(&vm, MIGRATION_FORMAT_BINARY, NULL);
    forge(&fx, "vm", good->data, good->len, "pc-q35");
    CU_ASSERT_FALSE(snapshot_store_verify(fx.s, "vm", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "vm: the payload's machine differs from the metadata's");
    snapvm_clear(&vm);
    fx_clear(&fx);
}

static void restore_goes_through_the_compat_registry(void)
{
    Fixture fx;
    ExampleVm *src = example_vm_new(3, 42);
    ExampleVm *dst = example_vm_new(2, 7);
    ExampleVm *ref = example_vm_new(2, 7);
    g_autoptr(CompatRegistry) compat = compat_registry_new();
    g_autoptr(MigrationReport) rep = NULL;
    g_autoptr(GByteArray) stream = NULL;
    g_autoptr(QDict) got = NULL;
    g_autoptr(QDict) want = NULL;
    GError *err = NULL;

    fx_init(&fx);
    CU_ASSERT_TRUE(example_compat_register(compat, NULL));
    migration_set_compat(dst->r, compat);
    migration_set_compat(ref->r, compat);
    CU_ASSERT_TRUE(snapshot_store_create(fx.s, "r3", src->r, NULL, NULL,
                                         &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(snapshot_store_restore(fx.s, "r3", dst->r, &rep, &err));
    ASSERT_NO_ERROR(err);
    /* The same as loading the stream itself. */
    stream = example_vm_save(src, MIGRATION_FORMAT_BINARY);
    CU_ASSERT_TRUE(migration_load(ref->r, stream->data, stream->len, NULL,
                                  &err));
    ASSERT_NO_ERROR(err);
    got = example_vm_snapshot(dst);
    want = example_vm_snapshot(ref);
    ASSERT_QOBJECT_EQUAL(QOBJECT(got), QOBJECT(want));
    for (size_t i = 0; i < rep->n_devices; i++) {
        if (!strcmp(rep->devices[i].id, "serial")) {
            CU_ASSERT_EQUAL(rep->devices[i].stream_version, 3);
            CU_ASSERT_EQUAL(rep->devices[i].local_version, 2);
        }
    }
    example_vm_free(src);
    example_vm_free(dst);
    example_vm_free(ref);
    fx_clear(&fx);
}

/* --- Expiry, prune and delete ---------------------------------------------- */

static void expiry_starts_at_the_boundary_second(void)
{
    Fixture fx;
    SnapVm vm;
    g_autoptr(SnapshotMeta) m = NULL;
    g_autoptr(SnapshotPruneReport) r1 = NULL;
    g_autoptr(SnapshotPruneReport) r2 = NULL;
    g_autofree char *entries = NULL;
    g_autofree char *keep = NULL;
    GError *err = NULL;

    fx_init(&fx);
    snapvm_init(&vm, 1);
    fx_create(&fx, "short", &vm, 100);
    fx_create(&fx, "forever", &vm, -1);
    keep = fx_entries(&fx);
    m = snapshot_store_show(fx.s, "short", NULL);
    CU_ASSERT_EQUAL(m->expires, SNAPTEST_T0 + 100);
    CU_ASSERT_FALSE(snapshot_meta_is_expired(m, SNAPTEST_T0 + 99));
    CU_ASSERT_TRUE(snapshot_meta_is_expired(m, SNAPTEST_T0 + 100));

    CU_ASSERT_TRUE(snapshot_store_prune(fx.s, SNAPTEST_T0 + 99, &r1, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(g_strv_length(r1->expired), 0);
    CU_ASSERT_EQUAL(g_strv_length(r1->orphans), 0);
    entries = fx_entries(&fx);
    CU_ASSERT_STRING_EQUAL(entries, keep);

    CU_ASSERT_TRUE(snapshot_store_prune(fx.s, SNAPTEST_T0 + 100, &r2, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL_FATAL(g_strv_length(r2->expired), 1);
    CU_ASSERT_STRING_EQUAL(r2->expired[0], "short");
    CU_ASSERT_EQUAL(g_strv_length(r2->orphans), 0);
    CU_ASSERT_PTR_NULL(snapshot_store_show(fx.s, "short", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_UNKNOWN, "short: no such snapshot");
    /* A snapshot without a life time never expires. */
    CU_ASSERT_TRUE(snapshot_store_prune(fx.s, SNAPSHOT_TIME_MAX, NULL, &err));
    ASSERT_NO_ERROR(err);
    g_free(entries);
    entries = fx_entries(&fx);
    CU_ASSERT_TRUE(g_str_has_prefix(entries, ".lock,forever."));
    CU_ASSERT_TRUE(g_str_has_suffix(entries, ".payload,forever.meta.json"));
    snapvm_clear(&vm);
    fx_clear(&fx);
}

static void prune_removes_orphans_and_reports_them(void)
{
    Fixture fx;
    SnapVm vm;
    g_autoptr(SnapshotPruneReport) r = NULL;
    g_autofree char *lost = NULL;
    g_autofree char *entries = NULL;
    g_autofree char *want = NULL;
    g_autofree char *keep = NULL;
    GError *err = NULL;

    fx_init(&fx);
    snapvm_init(&vm, 1);
    fx_create(&fx, "keep", &vm, -1);
    keep = fx_entries(&fx);
    fx_create(&fx, "lost", &vm, -1);
    lost = payload_path(&fx, "lost");
    CU_ASSERT_EQUAL(g_unlink(lost), 0);
    snaptest_write(fx.dir, ".keep.meta.json.tmp-abc123", "{", 1);
    snaptest_write(fx.dir, "ghost.0123456789abcdef.payload", "x", 1);
    snaptest_write(fx.dir, "notes.txt", "mine", 4);
    snaptest_write(fx.dir, "x.payload", "not ours", 8);
    CU_ASSERT_TRUE(snapshot_store_prune(fx.s, SNAPTEST_T0, &r, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(g_strv_length(r->expired), 0);
    CU_ASSERT_EQUAL_FATAL(g_strv_length(r->orphans), 3);
    CU_ASSERT_STRING_EQUAL(r->orphans[0], ".keep.meta.json.tmp-abc123");
    CU_ASSERT_STRING_EQUAL(r->orphans[1], "ghost.0123456789abcdef.payload");
    CU_ASSERT_STRING_EQUAL(r->orphans[2], "lost.meta.json");
    /* Files the store never names are left alone. */
    entries = fx_entries(&fx);
    want = g_strdup_printf("%s,notes.txt,x.payload", keep);
    CU_ASSERT_STRING_EQUAL(entries, want);
    snapvm_clear(&vm);
    fx_clear(&fx);
}

static void delete_removes_metadata_then_payloads(void)
{
    Fixture fx;
    SnapVm vm;
    g_autofree char *entries = NULL;
    GError *err = NULL;

    fx_init(&fx);
    snapvm_init(&vm, 1);
    fx_create(&fx, "a", &vm, -1);
    /* A stray second payload of the same name goes too, another name's
     * stays. */
    snaptest_write(fx.dir, "a.0123456789abcdef.payload", "x", 1);
    snaptest_write(fx.dir, "a.b.0123456789abcdef.payload", "x", 1);
    CU_ASSERT_TRUE(snapshot_store_delete(fx.s, "a", &err));
    ASSERT_NO_ERROR(err);
    entries = fx_entries(&fx);
    CU_ASSERT_STRING_EQUAL(entries, ".lock,a.b.0123456789abcdef.payload");
    CU_ASSERT_FALSE(snapshot_store_delete(fx.s, "a", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_UNKNOWN, "a: no such snapshot");
    CU_ASSERT_FALSE(snapshot_store_delete(fx.s, "", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID, "snapshot name \"\": empty");
    /* A payload without metadata is deleted by name as well. */
    CU_ASSERT_TRUE(snapshot_store_delete(fx.s, "a.b", &err));
    ASSERT_NO_ERROR(err);
    g_free(entries);
    entries = fx_entries(&fx);
    CU_ASSERT_STRING_EQUAL(entries, ".lock");
    snapvm_clear(&vm);
    fx_clear(&fx);
}

/* --- Rebuild and import ---------------------------------------------------- */

static void rebuild_recovers_all_but_the_times(void)
{
    for (int f = MIGRATION_FORMAT_LEGACY; f <= MIGRATION_FORMAT_JSON; f++) {
        Fixture fx;
        SnapVm vm;
        g_autoptr(SnapshotMeta) orig = NULL;
        g_autoptr(SnapshotMeta) m = NULL;
        g_autoptr(QDict) a = NULL;
        g_autoptr(QDict) b = NULL;
        g_autofree char *path = NULL;
        SnapshotCreateOptions o = { .format = f, .has_lifetime = true,
                                    .lifetime = 60 };
        GError *err = NULL;
        struct stat st;

        fx_init(&fx);
        snapvm_init(&vm, 1);
        CU_ASSERT_TRUE(snapshot_store_create(fx.s, "vm", vm.r, &o, &orig,
                                             &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NULL(snapshot_store_rebuild_meta(fx.s, "vm", &err));
        ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                     "vm: has valid metadata, nothing to rebuild");
        path = payload_path(&fx, "vm");
        CU_ASSERT_EQUAL(lstat(path, &st), 0);
        snaptest_write(fx.dir, "vm.meta.json", "lost", 4);
        m = snapshot_store_rebuild_meta(fx.s, "vm", &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(m);
        CU_ASSERT_EQUAL(m->unrecovered, SNAPSHOT_META_FIELD_CREATED |
                                            SNAPSHOT_META_FIELD_LIFETIME);
        CU_ASSERT_EQUAL(m->created, (int64_t)st.st_mtime);
        CU_ASSERT_FALSE(m->has_lifetime);
        /* Everything else is what create recorded. */
        a = snapshot_meta_to_qobject(orig);
        b = snapshot_meta_to_qobject(m);
        for (const char *const *k = (const char *const[]){
                 "created", "lifetime", "expires", "unrecovered", NULL };
             *k; k++) {
            qdict_del(a, *k);
            qdict_del(b, *k);
        }
        ASSERT_QOBJECT_EQUAL(QOBJECT(b), QOBJECT(a));
        CU_ASSERT_TRUE(snapshot_store_verify(fx.s, "vm", &err));
        ASSERT_NO_ERROR(err);
        snapvm_clear(&vm);
        fx_clear(&fx);
    }
}

static void rebuild_needs_a_payload_that_matches_its_name(void)
{
    Fixture fx;
    SnapVm vm;
    g_autofree char *path = NULL;
    g_autofree char *msg = NULL;
    g_autofree char *base = NULL;
    GError *err = NULL;

    fx_init(&fx);
    snapvm_init(&vm, 1);
    CU_ASSERT_PTR_NULL(snapshot_store_rebuild_meta(fx.s, "vm", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_UNKNOWN,
                 "vm: no payload file to rebuild the metadata from");
    fx_create(&fx, "vm", &vm, -1);
    path = payload_path(&fx, "vm");
    base = g_path_get_basename(path);
    {
        g_autofree char *meta = g_build_filename(fx.dir, "vm.meta.json",
                                                 NULL);
        g_autoptr(GByteArray) other = snapvm_save(&vm,
                                                  MIGRATION_FORMAT_JSON,
                                                  NULL);

        CU_ASSERT_EQUAL(g_unlink(meta), 0);
        CU_ASSERT_TRUE(g_file_set_contents(path, (char *)other->data,
                                           other->len, NULL));
    }
    msg = g_strdup_printf("vm: payload %s does not match the checksum in "
                          "its name", base);
    CU_ASSERT_PTR_NULL(snapshot_store_rebuild_meta(fx.s, "vm", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_CHECKSUM, msg);
    snapvm_clear(&vm);
    fx_clear(&fx);
}

static const TestCase tests[] = {
    { "corrupted_payload_is_caught_by_restore_and_verify",
      corrupted_payload_is_caught_by_restore_and_verify },
    { "verify_decodes_the_payload_and_checks_the_metadata",
      verify_decodes_the_payload_and_checks_the_metadata },
    { "restore_goes_through_the_compat_registry",
      restore_goes_through_the_compat_registry },
    { "expiry_starts_at_the_boundary_second",
      expiry_starts_at_the_boundary_second },
    { "prune_removes_orphans_and_reports_them",
      prune_removes_orphans_and_reports_them },
    { "delete_removes_metadata_then_payloads",
      delete_removes_metadata_then_payloads },
    { "rebuild_recovers_all_but_the_times",
      rebuild_recovers_all_but_the_times },
    { "rebuild_needs_a_payload_that_matches_its_name",
      rebuild_needs_a_payload_that_matches_its_name },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("snapshot-store-repair", tests);
}
