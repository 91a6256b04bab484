/*
 * Output files (migration/output.c): what migration_output_open() and
 * migration_write_file_atomic() do with each kind of output, modes and
 * owners, symbolic links, hidden temporary files, and full disks. Every
 * case works in its own temporary directory.
 */
#include "tests/test-util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <glib/gstdio.h>

static char *make_dir(void)
{
    char *dir = g_dir_make_tmp("qvisit-output-XXXXXX", NULL);

    g_assert(dir);
    return dir;
}

static void remove_dir(char *dir)
{
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);

    CU_ASSERT_EQUAL(system(cmd), 0);
    g_free(dir);
}

static gint cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in @dir, sorted, joined with spaces. */
static char *listing(const char *dir)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *n;

    g_assert(d);
    while ((n = g_dir_read_name(d))) {
        g_ptr_array_add(names, g_strdup(n));
    }
    g_dir_close(d);
    g_ptr_array_sort(names, cmp_names);
    g_ptr_array_add(names, NULL);
    return g_strjoinv(" ", (char **)names->pdata);
}

static void put(const char *path, const char *text)
{
    g_assert(g_file_set_contents(path, text, -1, NULL));
}

static void assert_contents(const char *path, const char *want)
{
    g_autofree char *got = NULL;
    gsize len = 0;

    CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &got, &len, NULL));
    ASSERT_BYTES_EQUAL(got, len, want, strlen(want));
}

static mode_t mode_of(const char *path)
{
    struct stat st;

    g_assert(lstat(path, &st) == 0);
    return st.st_mode & 07777;
}

static void new_files_get_0666_minus_umask(void)
{
    static const struct { mode_t umask, want; } cases[] = {
        { 022, 0644 }, { 027, 0640 }, { 077, 0600 }, { 0, 0666 },
        { 002, 0664 },
    };
    char *dir = make_dir();

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("%s/new%zu", dir, i);
        g_autoptr(GError) err = NULL;
        mode_t old = umask(cases[i].umask);
        bool ok = migration_write_file_atomic(path, "x", 1, &err);

        umask(old);
        CU_ASSERT_TRUE(ok);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_EQUAL(mode_of(path), cases[i].want);
    }
    remove_dir(dir);
}

/* qemu_fopen_path() writes in place, and creates by the same rule. */
static void qemu_fopen_path_creates_0666_minus_umask(void)
{
    char *dir = make_dir();
    g_autofree char *path = g_strdup_printf("%s/f", dir);
    mode_t old = umask(002);
    QEMUFile *f = qemu_fopen_path(path, "wb", NULL);

    umask(old);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    qemu_put_byte(f, 'x');
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    CU_ASSERT_EQUAL(mode_of(path), 0664);
    remove_dir(dir);
}

static void replaced_files_keep_their_mode(void)
{
    static const mode_t modes[] = { 0640, 0600, 0644, 0755, 0604, 0444 };
    char *dir = make_dir();

    for (size_t i = 0; i < G_N_ELEMENTS(modes); i++) {
        g_autofree char *path = g_strdup_printf("%s/f%zu", dir, i);
        g_autoptr(GError) err = NULL;

        put(path, "old");
        g_assert(chmod(path, modes[i]) == 0);
        if (modes[i] == 0444 && geteuid() != 0) {
            /* Not writable: refused, see unwritable_files_are_refused. */
            continue;
        }
        CU_ASSERT_TRUE(migration_write_file_atomic(path, "new", 3, &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_EQUAL(mode_of(path), modes[i]);
        assert_contents(path, "new");
    }
    remove_dir(dir);
}

static void replaced_files_keep_owner_where_permitted(void)
{
    char *dir = make_dir();
    g_autofree char *path = g_strdup_printf("%s/f", dir);
    g_autoptr(GError) err = NULL;
    struct stat st;

    put(path, "old");
    if (geteuid() == 0) {
        g_assert(chown(path, 4321, 8765) == 0);
        g_assert(chmod(path, 02750) == 0);
    }
    CU_ASSERT_TRUE(migration_write_file_atomic(path, "new", 3, &err));
    ASSERT_NO_ERROR(err);
    g_assert(stat(path, &st) == 0);
    if (geteuid() == 0) {
        CU_ASSERT_EQUAL(st.st_uid, 4321);
        CU_ASSERT_EQUAL(st.st_gid, 8765);
        /* fchown() clears set-group-ID; the mode is applied after it. */
        CU_ASSERT_EQUAL(st.st_mode & 07777, 02750);
    } else {
        fprintf(stderr, "(owner kept: checked only as root) ");
        CU_ASSERT_EQUAL(st.st_uid, geteuid());
    }
    remove_dir(dir);
}

/* As another user when root (effective IDs, restored after), so access
 * checks apply. */
static void unwritable_files_are_refused(void)
{
    char *dir = make_dir();
    g_autofree char *path = g_strdup_printf("%s/ro", dir);
    g_autofree char *want = g_strdup_printf("%s: open: Permission denied",
                                            path);
    bool root = geteuid() == 0;
    GError *err = NULL;

    put(path, "old");
    g_assert(chmod(path, 0444) == 0);
    g_assert(chmod(dir, 0777) == 0);
    if (root) {
        g_assert(setegid(65534) == 0 && seteuid(65534) == 0);
    }
    CU_ASSERT_FALSE(migration_write_file_atomic(path, "new", 3, &err));
    if (root) {
        g_assert(seteuid(0) == 0 && setegid(0) == 0);
    }
    ASSERT_ERROR(err, QVISIT_ERROR_IO, want);
    assert_contents(path, "old");
    {
        g_autofree char *names = listing(dir);

        CU_ASSERT_STRING_EQUAL(names, "ro");
    }
    remove_dir(dir);
}

static void symlinks_are_written_through_to_their_target(void)
{
    char *dir = make_dir();
    g_autofree char *sub = g_strdup_printf("%s/sub", dir);
    g_autofree char *target = g_strdup_printf("%s/sub/target", dir);
    g_autofree char *link1 = g_strdup_printf("%s/link1", dir);
    g_autofree char *link2 = g_strdup_printf("%s/link2", dir);
    g_autofree char *dangling = g_strdup_printf("%s/dangling", dir);
    g_autofree char *created = g_strdup_printf("%s/sub/created", dir);
    g_autoptr(GError) err = NULL;
    g_autofree char *l = NULL;
    g_autofree char *s = NULL;

    g_assert(g_mkdir(sub, 0755) == 0);
    put(target, "old");
    g_assert(chmod(target, 0640) == 0);
    /* link2 -> link1 -> sub/target, both relative */
    g_assert(symlink("sub/target", link1) == 0);
    g_assert(symlink("link1", link2) == 0);
    g_assert(symlink("sub/created", dangling) == 0);

    CU_ASSERT_TRUE(migration_write_file_atomic(link2, "new", 3, &err));
    ASSERT_NO_ERROR(err);
    assert_contents(target, "new");
    CU_ASSERT_EQUAL(mode_of(target), 0640);
    l = g_file_read_link(link1, NULL);
    CU_ASSERT_STRING_EQUAL(l ? l : "(not a link)", "sub/target");
    g_free(l);
    l = g_file_read_link(link2, NULL);
    CU_ASSERT_STRING_EQUAL(l ? l : "(not a link)", "link1");

    /* A dangling link creates its target. */
    CU_ASSERT_TRUE(migration_write_file_atomic(dangling, "made", 4, &err));
    ASSERT_NO_ERROR(err);
    assert_contents(created, "made");
    s = g_file_read_link(dangling, NULL);
    CU_ASSERT_STRING_EQUAL(s ? s : "(not a link)", "sub/created");
    {
        g_autofree char *top = listing(dir);
        g_autofree char *below = listing(sub);

        CU_ASSERT_STRING_EQUAL(top, "dangling link1 link2 sub");
        CU_ASSERT_STRING_EQUAL(below, "created target");
    }
    remove_dir(dir);
}

static void symlink_loops_fail(void)
{
    char *dir = make_dir();
    g_autofree char *a = g_strdup_printf("%s/a", dir);
    g_autofree char *b = g_strdup_printf("%s/b", dir);
    g_autofree char *want = NULL;
    GError *err = NULL;

    g_assert(symlink("b", a) == 0);
    g_assert(symlink("a", b) == 0);
    CU_ASSERT_FALSE(migration_write_file_atomic(a, "x", 1, &err));
    want = g_strdup_printf("%s: resolve: Too many levels of symbolic links",
                           a);
    ASSERT_ERROR(err, QVISIT_ERROR_IO, want);
    remove_dir(dir);
}

/* /dev/@name (memory device 1, @minor). Root makes its own node in @dir:
 * replacing the machine's would harm it if the test failed. */
static char *char_device(const char *dir, const char *name,
                         unsigned minor)
{
    g_autofree char *node = g_strdup_printf("%s/%s", dir, name);

    if (geteuid() == 0 &&
        mknod(node, S_IFCHR | 0666, makedev(1, minor)) == 0) {
        return g_steal_pointer(&node);
    }
    return g_strdup_printf("/dev/%s", name);
}

static void char_devices_are_written_in_place(void)
{
    char *dir = make_dir();
    g_autofree char *node = char_device(dir, "null", 3);
    g_autoptr(GError) err = NULL;
    struct stat st;

    CU_ASSERT_TRUE(migration_write_file_atomic(node, "bytes", 5, &err));
    ASSERT_NO_ERROR(err);
    g_assert(stat(node, &st) == 0);
    CU_ASSERT_TRUE(S_ISCHR(st.st_mode));
    CU_ASSERT_EQUAL(st.st_rdev, makedev(1, 3));
    {
        g_autofree char *names = listing(dir);

        CU_ASSERT_STRING_EQUAL(names, strcmp(node, "/dev/null") ? "null"
                                                               : "");
    }
    remove_dir(dir);
}

static void full_char_device_fails_with_enospc(void)
{
    char *dir = make_dir();
    g_autofree char *node = char_device(dir, "full", 7);
    g_autofree char *want = g_strdup_printf("%s: write: No space left on "
                                            "device", node);
    GError *err = NULL;
    struct stat st;

    CU_ASSERT_FALSE(migration_write_file_atomic(node, "x", 1, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, want);
    g_assert(stat(node, &st) == 0);
    CU_ASSERT_TRUE(S_ISCHR(st.st_mode));
    remove_dir(dir);
}

static void fifos_are_written_in_place(void)
{
    char *dir = make_dir();
    g_autofree char *fifo = g_strdup_printf("%s/fifo", dir);
    g_autoptr(GError) err = NULL;
    char buf[64];
    ssize_t n;
    int rd;
    struct stat st;

    g_assert(mkfifo(fifo, 0600) == 0);
    /* A reader is there first, so the writer's open does not wait. */
    rd = open(fifo, O_RDONLY | O_NONBLOCK);
    g_assert(rd >= 0);
    CU_ASSERT_TRUE(migration_write_file_atomic(fifo, "through the fifo", 16,
                                               &err));
    ASSERT_NO_ERROR(err);
    n = read(rd, buf, sizeof(buf));
    ASSERT_BYTES_EQUAL(buf, n < 0 ? 0 : (size_t)n, "through the fifo", 16);
    close(rd);
    g_assert(lstat(fifo, &st) == 0);
    CU_ASSERT_TRUE(S_ISFIFO(st.st_mode));
    remove_dir(dir);
}

/* /dev/fd/N is this process's descriptor N: written where N writes (here
 * appending), and the file behind it is not replaced. */
static void own_descriptors_are_written_through(void)
{
    char *dir = make_dir();
    g_autofree char *path = g_strdup_printf("%s/log", dir);
    g_autoptr(GError) err = NULL;
    struct stat before, after;
    int fd;

    put(path, "old\n");
    g_assert(stat(path, &before) == 0);
    fd = open(path, O_WRONLY | O_APPEND);
    g_assert(fd >= 0);
    for (int i = 0; i < 2; i++) {
        g_autofree char *name = g_strdup_printf(i ? "/proc/self/fd/%d"
                                                  : "/dev/fd/%d", fd);

        CU_ASSERT_TRUE(migration_write_file_atomic(name, "new\n", 4, &err));
        ASSERT_NO_ERROR(err);
    }
    close(fd);
    assert_contents(path, "old\nnew\nnew\n");
    g_assert(stat(path, &after) == 0);
    CU_ASSERT_EQUAL(before.st_ino, after.st_ino);
    remove_dir(dir);
}

static void directories_are_refused(void)
{
    char *dir = make_dir();
    g_autofree char *want = g_strdup_printf("%s: open: Is a directory",
                                            dir);
    GError *err = NULL;

    CU_ASSERT_FALSE(migration_write_file_atomic(dir, "x", 1, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, want);
    remove_dir(dir);
}

static void temp_files_are_hidden_and_removed(void)
{
    char *dir = make_dir();
    g_autofree char *path = g_strdup_printf("%s/out.json", dir);
    g_autofree char *prefix = g_strdup_printf("%s/.out.json.", dir);
    g_autoptr(GError) err = NULL;
    MigrationOutput *o;

    put(path, "old");
    /* Discarded: the temporary file goes, the old file stays. */
    o = migration_output_open(path, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(g_str_has_prefix(migration_output_get_temp_path(o),
                                    prefix));
    CU_ASSERT_EQUAL(strlen(migration_output_get_temp_path(o)),
                    strlen(prefix) + 6);
    CU_ASSERT_TRUE(migration_output_write(o, "partial", 7, &err));
    {
        g_autofree char *names = listing(dir);

        CU_ASSERT_TRUE(g_str_has_prefix(names, ".out.json."));
        CU_ASSERT_TRUE(g_str_has_suffix(names, " out.json"));
    }
    migration_output_free(o);
    assert_contents(path, "old");
    {
        g_autofree char *names = listing(dir);

        CU_ASSERT_STRING_EQUAL(names, "out.json");
    }
    /* Committed: the same name holds the new bytes, nothing else left. */
    o = migration_output_open(path, &err);
    CU_ASSERT_TRUE(migration_output_write(o, "new", 3, &err));
    CU_ASSERT_TRUE(migration_output_close(o, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NULL(migration_output_get_temp_path(o));
    migration_output_free(o);
    assert_contents(path, "new");
    {
        g_autofree char *names = listing(dir);

        CU_ASSERT_STRING_EQUAL(names, "out.json");
    }
    remove_dir(dir);
}

/* Small and large pieces, buffered and not, arrive in order. */
static void pieces_arrive_in_order(void)
{
    char *dir = make_dir();
    g_autofree char *path = g_strdup_printf("%s/big", dir);
    g_autoptr(GByteArray) want = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    g_autoptr(MigrationOutput) o = migration_output_open(path, &err);
    uint64_t rng = 7;
    g_autofree char *got = NULL;
    gsize len = 0;

    for (int i = 0; i < 300; i++) {
        size_t n = test_rand_next(&rng) % (i % 10 ? 3000 : 200000);
        g_autofree uint8_t *piece = g_malloc(n + 1);

        for (size_t k = 0; k < n; k++) {
            piece[k] = (uint8_t)(i + k);
        }
        CU_ASSERT_TRUE(migration_output_write(o, piece, n, &err));
        g_byte_array_append(want, piece, n);
    }
    CU_ASSERT_TRUE(migration_output_close(o, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(g_file_get_contents(path, &got, &len, NULL));
    ASSERT_BYTES_EQUAL(got, len, want->data, want->len);
    remove_dir(dir);
}

/*
 * A file system that fills up, made by lowering RLIMIT_FSIZE for a while
 * (writes past it fail with EFBIG; SIGXFSZ ignored, as the qvisit tool
 * does): the write error is reported, also again by close after a failed
 * write, and the old file is kept, with no temporary file left.
 */
static void full_disk_keeps_the_old_file(void)
{
    char *dir = make_dir();
    g_autofree char *path = g_strdup_printf("%s/snap", dir);
    g_autofree char *want = g_strdup_printf("%s: write: File too large",
                                            path);
    g_autofree char *big = g_malloc0(200000);
    struct rlimit saved, rl;
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    GError *err = NULL;
    MigrationOutput *o;

    put(path, "old snapshot");
    g_assert(chmod(path, 0640) == 0);
    g_assert(getrlimit(RLIMIT_FSIZE, &saved) == 0);
    rl = saved;
    rl.rlim_cur = 100000;
    g_assert(setrlimit(RLIMIT_FSIZE, &rl) == 0);

    CU_ASSERT_FALSE(migration_write_file_atomic(path, big, 200000, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, want);
    /* Many small writes: the failure shows at a flush, and again at
     * close. */
    o = migration_output_open(path, &err);
    ASSERT_NO_ERROR(err);
    for (int i = 0; o && i < 20000 && !err; i++) {
        migration_output_write(o, "0123456789", 10, &err);
    }
    ASSERT_ERROR(err, QVISIT_ERROR_IO, want);
    CU_ASSERT_FALSE(migration_output_close(o, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, want);
    migration_output_free(o);

    g_assert(setrlimit(RLIMIT_FSIZE, &saved) == 0);
    signal(SIGXFSZ, old_handler);
    assert_contents(path, "old snapshot");
    CU_ASSERT_EQUAL(mode_of(path), 0640);
    {
        g_autofree char *names = listing(dir);

        CU_ASSERT_STRING_EQUAL(names, "snap");
    }
    remove_dir(dir);
}

/* The same with a real full file system (ENOSPC): a 64 KiB tmpfs, when
 * this process may mount one (root). */
static void full_tmpfs_keeps_the_old_file(void)
{
    char *dir = make_dir();
    g_autofree char *path = g_strdup_printf("%s/snap", dir);
    g_autofree char *want = g_strdup_printf("%s: write: No space left on "
                                            "device", path);
    g_autofree char *big = g_malloc0(200000);
    GError *err = NULL;

    if (mount("tmpfs", dir, "tmpfs", 0, "size=64k") < 0) {
        fprintf(stderr, "(tmpfs not mountable: %s; skipped) ",
                g_strerror(errno));
        remove_dir(dir);
        return;
    }
    put(path, "old snapshot");
    CU_ASSERT_FALSE(migration_write_file_atomic(path, big, 200000, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, want);
    assert_contents(path, "old snapshot");
    {
        g_autofree char *names = listing(dir);

        CU_ASSERT_STRING_EQUAL(names, "snap");
    }
    CU_ASSERT_EQUAL(umount(dir), 0);
    remove_dir(dir);
}

static const TestCase tests[] = {
    { "new_files_get_0666_minus_umask", new_files_get_0666_minus_umask },
    { "qemu_fopen_path_creates_0666_minus_umask",
      qemu_fopen_path_creates_0666_minus_umask },
    { "replaced_files_keep_their_mode", replaced_files_keep_their_mode },
    { "replaced_files_keep_owner_where_permitted",
      replaced_files_keep_owner_where_permitted },
    { "unwritable_files_are_refused", unwritable_files_are_refused },
    { "symlinks_are_written_through_to_their_target",
      symlinks_are_written_through_to_their_target },
    { "symlink_loops_fail", symlink_loops_fail },
    { "char_devices_are_written_in_place",
      char_devices_are_written_in_place },
    { "full_char_device_fails_with_enospc",
      full_char_device_fails_with_enospc },
    { "fifos_are_written_in_place", fifos_are_written_in_place },
    { "own_descriptors_are_written_through",
      own_descriptors_are_written_through },
    { "directories_are_refused", directories_are_refused },
    { "temp_files_are_hidden_and_removed",
      temp_files_are_hidden_and_removed },
    { "pieces_arrive_in_order", pieces_arrive_in_order },
    { "full_disk_keeps_the_old_file", full_disk_keeps_the_old_file },
    { "full_tmpfs_keeps_the_old_file", full_tmpfs_keeps_the_old_file },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("output", tests);
}
