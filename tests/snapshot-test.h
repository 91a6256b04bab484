/*
 * Helpers of the snapshot store suites: a two-device VM made of the
 * migration test device, temporary directories, a store fixture with a
 * fixed clock, and the store's test hooks
 * (migration/snapshot-store-internal.h).
 */
#ifndef QVISIT_TESTS_SNAPSHOT_TEST_H
#define QVISIT_TESTS_SNAPSHOT_TEST_H

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migration/snapshot-store-internal.h"
#include "tests/test-device.h"
#include "tests/test-util.h"

/* 2024-05-01T12:00:00Z */
#define SNAPTEST_T0 INT64_C(1714564800)

typedef struct SnapVm {
    MigrationRegistry *r;
    TDev d[2];
} SnapVm;

/* Two test devices ("tdev" and "pci.0/tdev" instance 1) whose states
 * tdev_fill() makes from @seed and @seed + 1. */
static inline void snapvm_init(SnapVm *vm, unsigned seed)
{
    MigrationDeviceInfo a = tdev_info("tdev", 0);
    MigrationDeviceInfo b = tdev_info("pci.0/tdev", 1);

    tdev_fill(&vm->d[0], seed);
    tdev_fill(&vm->d[1], seed + 1);
    vm->r = migration_registry_new();
    migration_register(vm->r, &a, &vm->d[0], NULL);
    migration_register(vm->r, &b, &vm->d[1], NULL);
}

/* New states from @seed; the pause/resume counters are kept. */
static inline void snapvm_set(SnapVm *vm, unsigned seed)
{
    for (int i = 0; i < 2; i++) {
        int p = vm->d[i].paused, r = vm->d[i].resumed;

        tdev_clear(&vm->d[i]);
        tdev_fill(&vm->d[i], seed + i);
        vm->d[i].paused = p;
        vm->d[i].resumed = r;
    }
}

static inline void snapvm_clear(SnapVm *vm)
{
    migration_registry_free(vm->r);
    tdev_clear(&vm->d[0]);
    tdev_clear(&vm->d[1]);
}

/* Devices paused and not yet resumed. */
static inline int snapvm_paused(const SnapVm *vm)
{
    return vm->d[0].paused - vm->d[0].resumed + vm->d[1].paused -
           vm->d[1].resumed;
}

/* Whether the states are the ones @seed makes. */
static inline bool snapvm_is(const SnapVm *vm, unsigned seed)
{
    bool same = true;

    for (int i = 0; i < 2; i++) {
        TDev want;

        tdev_fill(&want, seed + i);
        same = same && tdev_equal(&vm->d[i], &want);
        tdev_clear(&want);
    }
    return same;
}

static inline GByteArray *snapvm_save(SnapVm *vm, MigrationFormat format,
                                      MigrationReport **report)
{
    GByteArray *out = g_byte_array_new();

    CU_ASSERT_TRUE(migration_save(vm->r, format, out, report, NULL));
    return out;
}

static inline char *snaptest_sha256(const void *data, size_t len)
{
    return g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, len);
}

/* A new temporary directory. */
static inline char *snaptest_tmpdir(void)
{
    char *dir = g_dir_make_tmp("qvisit-snap-XXXXXX", NULL);

    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    return dir;
}

/* Removes @path and everything under it, never following symlinks. */
static inline void snaptest_rmrf(const char *path)
{
    struct stat st;

    if (lstat(path, &st) < 0) {
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        GDir *d = g_dir_open(path, 0, NULL);
        const char *e;

        while (d && (e = g_dir_read_name(d))) {
            g_autofree char *sub = g_build_filename(path, e, NULL);

            snaptest_rmrf(sub);
        }
        if (d) {
            g_dir_close(d);
        }
        g_rmdir(path);
    } else {
        g_unlink(path);
    }
}

static inline gint snaptest_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directory's entries, sorted, joined by ",". */
static inline char *snaptest_entries(const char *dir)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *e;

    while (d && (e = g_dir_read_name(d))) {
        g_ptr_array_add(names, g_strdup(e));
    }
    if (d) {
        g_dir_close(d);
    }
    g_ptr_array_sort(names, snaptest_cmp);
    g_ptr_array_add(names, NULL);
    return g_strjoinv(",", (char **)names->pdata);
}

static inline int64_t snaptest_clock(void *opaque)
{
    return *(int64_t *)opaque;
}

/* Writes a file under @dir. */
static inline void snaptest_write(const char *dir, const char *file,
                                  const void *data, size_t len)
{
    g_autofree char *path = g_build_filename(dir, file, NULL);

    CU_ASSERT_TRUE(g_file_set_contents(path, data, len, NULL));
}

/* One store under a fresh temporary directory, clock at SNAPTEST_T0. */
typedef struct Fixture {
    char *tmp;
    char *dir;          /* tmp/store */
    SnapshotStore *s;
    int64_t now;
} Fixture;

static inline void fx_init(Fixture *fx)
{
    GError *err = NULL;

    fx->tmp = snaptest_tmpdir();
    fx->dir = g_build_filename(fx->tmp, "store", NULL);
    fx->s = snapshot_store_open(fx->dir, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fx->s);
    fx->now = SNAPTEST_T0;
    snapshot__set_clock(fx->s, snaptest_clock, &fx->now);
}

static inline void fx_clear(Fixture *fx)
{
    snapshot_store_free(fx->s);
    snaptest_rmrf(fx->tmp);
    g_free(fx->dir);
    g_free(fx->tmp);
}

static inline char *fx_entries(Fixture *fx)
{
    return snaptest_entries(fx->dir);
}

/* Creates @name from @vm with an optional life time; asserts success. */
static inline void fx_create(Fixture *fx, const char *name, SnapVm *vm,
                             int64_t lifetime)
{
    SnapshotCreateOptions o = {
        .has_lifetime = lifetime >= 0,
        .lifetime = lifetime >= 0 ? (uint64_t)lifetime : 0,
    };
    GError *err = NULL;

    CU_ASSERT_TRUE(snapshot_store_create(fx->s, name, vm->r, &o, NULL,
                                         &err));
    ASSERT_NO_ERROR(err);
}

/* The path of @name's payload file. */
static inline char *payload_path(Fixture *fx, const char *name)
{
    g_autoptr(SnapshotMeta) m = snapshot_store_show(fx->s, name, NULL);

    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    return g_build_filename(fx->dir, m->payload, NULL);
}

#endif /* QVISIT_TESTS_SNAPSHOT_TEST_H */
