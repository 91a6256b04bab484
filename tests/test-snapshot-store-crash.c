/*
 * The snapshot store under crashes and concurrency: a child killed with
 * SIGKILL at every step of create and delete, two processes creating
 * into one store at once, and the lock's wait-or-fail.
 */
#include "tests/snapshot-test.h"

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>

/*
 * Keeps @p reachable from a global. A child process _exit()s with the
 * parent's objects still allocated; one held only in a register would
 * show as definitely lost under valgrind (make check-valgrind).
 */
static void *pin(void *p)
{
    static void *volatile pinned[64];   /* volatile: never read */
    static unsigned next;

    pinned[next++ % G_N_ELEMENTS(pinned)] = p;
    return p;
}

/* Runs @fn(@arg) in a child process, which must _exit(); returns its
 * pid. */
static pid_t spawn(void (*fn)(void *), void *arg)
{
    pid_t pid;

    fflush(stdout);
    fflush(stderr);
    pid = fork();
    CU_ASSERT_TRUE_FATAL(pid >= 0);
    if (pid == 0) {
        fn(arg);
        _exit(99);
    }
    return pid;
}

static int wait_for(pid_t pid)
{
    int status = 0;

    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    return status;
}

static bool killed(int status)
{
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

static bool exited_ok(int status)
{
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* --- A crash at every step -------------------------------------------------- */

static SnapshotStep crash_step;

static bool crash_at(SnapshotStep step, void *opaque)
{
    (void)opaque;
    if (step == crash_step) {
        raise(SIGKILL);
    }
    return true;
}

typedef struct CrashArgs {
    const char *dir;
    const char *name;
    SnapVm *vm;
    bool replace;
    bool delete;
    int64_t now;
} CrashArgs;

static void crash_child(void *p)
{
    CrashArgs *a = p;
    SnapshotCreateOptions o = { .replace = a->replace };
    SnapshotStore *s = snapshot_store_open(a->dir, NULL);
    bool ok;

    if (!s) {
        _exit(3);
    }
    snapshot__set_clock(s, snaptest_clock, &a->now);
    snapshot__set_step_hook(s, crash_at, NULL);
    ok = a->delete ? snapshot_store_delete(s, a->name, NULL)
                   : snapshot_store_create(s, a->name, a->vm->r, &o, NULL,
                                           NULL);
    /* Not killed (the step is never reached): free what the child made,
     * as writer_child does, or valgrind's leak check at the child's exit
     * turns its status into --error-exitcode. */
    snapshot_store_free(s);
    _exit(ok ? 0 : 1);
}

static char *payload_name(const char *name, const GByteArray *data)
{
    g_autofree char *sum = snaptest_sha256(data->data, data->len);

    return g_strdup_printf("%s.%.16s.payload", name, sum);
}

/* Sorts and joins a NULL-terminated list of file names with ",". */
static char *joined(const char **files)
{
    g_autoptr(GPtrArray) a = g_ptr_array_new();

    for (; *files; files++) {
        g_ptr_array_add(a, (char *)*files);
    }
    g_ptr_array_sort(a, snaptest_cmp);
    g_ptr_array_add(a, NULL);
    return g_strjoinv(",", (char **)a->pdata);
}

/*
 * Kills a create of @name (replacing "vm", or a new "fresh") at @step and
 * checks what a later process finds: every listed snapshot is whole, the
 * old state is kept before the metadata is renamed and the new one is
 * there after, and prune removes exactly the orphans the crash left.
 */
static void crash_create_at(SnapshotStep step, bool replace)
{
    const char *name = replace ? "vm" : "fresh";
    g_autofree char *tmp = pin(snaptest_tmpdir());
    g_autofree char *dir = pin(g_build_filename(tmp, "store", NULL));
    g_autoptr(GByteArray) old_bytes = NULL;
    g_autoptr(GByteArray) new_bytes = NULL;
    g_autofree char *old_payload = NULL;
    g_autofree char *new_payload = NULL;
    g_autofree char *entries = NULL;
    g_autofree char *want = NULL;
    g_autofree char *new_meta = pin(g_strconcat(name, ".meta.json", NULL));
    g_autoptr(GPtrArray) l = NULL;
    g_autoptr(SnapshotPruneReport) r = NULL;
    SnapshotStore *s;
    SnapVm vm;
    CrashArgs args = { .dir = dir, .name = name, .vm = &vm,
                       .replace = replace, .now = SNAPTEST_T0 + 1 };
    bool reachable = replace || step != SNAPSHOT_STEP_OLD_PAYLOAD_REMOVED;
    bool committed;
    GError *err = NULL;
    int status;
    const char *orphans[4] = { NULL };
    size_t n_orphans = 0;
    bool temp_orphan = false;

    snapvm_init(&vm, 1);
    s = pin(snapshot_store_open(dir, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(snapshot_store_create(s, "vm", vm.r, NULL, NULL, &err));
    ASSERT_NO_ERROR(err);
    old_bytes = pin(snapvm_save(&vm, MIGRATION_FORMAT_BINARY, NULL));
    old_payload = pin(payload_name("vm", old_bytes));
    snapvm_set(&vm, 3);
    new_bytes = pin(snapvm_save(&vm, MIGRATION_FORMAT_BINARY, NULL));
    new_payload = pin(payload_name(name, new_bytes));

    crash_step = step;
    status = wait_for(spawn(crash_child, &args));
    CU_ASSERT_EQUAL(killed(status), reachable);
    CU_ASSERT_TRUE(reachable || exited_ok(status));
    committed = !reachable || step >= SNAPSHOT_STEP_META_RENAMED;

    /* What is listed is whole, and is the old or the new state. */
    l = snapshot_store_list(s, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL_FATAL(l->len, !replace && committed ? 2 : 1);
    for (size_t i = 0; i < l->len; i++) {
        const SnapshotMeta *m = l->pdata[i];

        CU_ASSERT_TRUE(snapshot_store_verify(s, m->name, &err));
        ASSERT_NO_ERROR(err);
    }
    snapvm_set(&vm, 9);
    CU_ASSERT_TRUE(snapshot_store_restore(s, "vm", vm.r, NULL, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(snapvm_is(&vm, replace && committed ? 3 : 1));
    if (!replace && committed) {
        snapvm_set(&vm, 9);
        CU_ASSERT_TRUE(snapshot_store_restore(s, "fresh", vm.r, NULL, &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_TRUE(snapvm_is(&vm, 3));
    }

    /* The orphans this step leaves. */
    if (step == SNAPSHOT_STEP_PAYLOAD_PARTIAL ||
        step == SNAPSHOT_STEP_PAYLOAD_WRITTEN ||
        step == SNAPSHOT_STEP_META_PARTIAL ||
        step == SNAPSHOT_STEP_META_WRITTEN) {
        temp_orphan = true;
    }
    if (step >= SNAPSHOT_STEP_PAYLOAD_RENAMED &&
        step <= SNAPSHOT_STEP_META_WRITTEN) {
        orphans[n_orphans++] = new_payload;
    }
    if (replace && (step == SNAPSHOT_STEP_META_RENAMED ||
                    step == SNAPSHOT_STEP_META_SYNCED)) {
        orphans[n_orphans++] = old_payload;
    }
    CU_ASSERT_TRUE(snapshot_store_prune(s, SNAPTEST_T0, &r, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(g_strv_length(r->expired), 0);
    CU_ASSERT_EQUAL_FATAL(g_strv_length(r->orphans),
                          n_orphans + temp_orphan);
    if (temp_orphan) {
        /* Temporary files sort first (".NAME..."). */
        g_autofree char *prefix = g_strdup_printf(
            ".%s.tmp-", step < SNAPSHOT_STEP_RESUMED ? new_payload : new_meta);

        CU_ASSERT_TRUE(g_str_has_prefix(r->orphans[0], prefix));
    }
    for (size_t i = 0; i < n_orphans; i++) {
        CU_ASSERT_STRING_EQUAL(r->orphans[i + temp_orphan], orphans[i]);
    }

    /* Then the store holds exactly its snapshots. */
    {
        const char *files[] = {
            ".lock", "vm.meta.json",
            replace && committed ? new_payload : old_payload,
            !replace && committed ? new_meta : NULL,
            !replace && committed ? new_payload : NULL, NULL,
        };

        want = joined(files);
    }
    entries = snaptest_entries(dir);
    CU_ASSERT_STRING_EQUAL(entries, want);
    snapshot_store_free(s);
    snapvm_clear(&vm);
    snaptest_rmrf(tmp);
}

static void crash_at_each_step_of_a_replace_keeps_old_or_new(void)
{
    for (int step = SNAPSHOT_STEP_LOCKED;
         step <= SNAPSHOT_STEP_OLD_PAYLOAD_REMOVED; step++) {
        crash_create_at(step, true);
    }
}

static void crash_at_each_step_of_a_create_lists_nothing_unreadable(void)
{
    for (int step = SNAPSHOT_STEP_LOCKED;
         step <= SNAPSHOT_STEP_OLD_PAYLOAD_REMOVED; step++) {
        crash_create_at(step, false);
    }
}

static void crash_while_deleting_leaves_an_orphan_for_prune(void)
{
    for (int step = SNAPSHOT_STEP_DELETE_META_REMOVED;
         step <= SNAPSHOT_STEP_DELETE_PAYLOAD_REMOVED; step++) {
        g_autofree char *tmp = pin(snaptest_tmpdir());
        g_autofree char *dir = pin(g_build_filename(tmp, "store", NULL));
        g_autoptr(GByteArray) bytes = NULL;
        g_autofree char *payload = NULL;
        g_autoptr(GPtrArray) l = NULL;
        g_autoptr(SnapshotPruneReport) r = NULL;
        g_autofree char *entries = NULL;
        SnapVm vm;
        CrashArgs args = { .dir = dir, .name = "vm", .delete = true };
        SnapshotStore *s;
        GError *err = NULL;

        snapvm_init(&vm, 1);
        s = pin(snapshot_store_open(dir, &err));
        CU_ASSERT_TRUE(snapshot_store_create(s, "vm", vm.r, NULL, NULL,
                                             &err));
        ASSERT_NO_ERROR(err);
        bytes = pin(snapvm_save(&vm, MIGRATION_FORMAT_BINARY, NULL));
        payload = pin(payload_name("vm", bytes));
        crash_step = step;
        CU_ASSERT_TRUE(killed(wait_for(spawn(crash_child, &args))));
        l = snapshot_store_list(s, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_EQUAL(l->len, 0);
        CU_ASSERT_TRUE(snapshot_store_prune(s, SNAPTEST_T0, &r, &err));
        ASSERT_NO_ERROR(err);
        if (step == SNAPSHOT_STEP_DELETE_META_REMOVED) {
            CU_ASSERT_EQUAL_FATAL(g_strv_length(r->orphans), 1);
            CU_ASSERT_STRING_EQUAL(r->orphans[0], payload);
        } else {
            CU_ASSERT_EQUAL(g_strv_length(r->orphans), 0);
        }
        entries = snaptest_entries(dir);
        CU_ASSERT_STRING_EQUAL(entries, ".lock");
        snapshot_store_free(s);
        snapvm_clear(&vm);
        snaptest_rmrf(tmp);
    }
}

/* --- Two writers at once ----------------------------------------------------- */

#define ROUNDS 12

typedef struct Writer {
    const char *dir;
    int id;
    int start_fd;   /* read end of a pipe; EOF means go */
    int other_fd;   /* its write end, closed in the child */
} Writer;

static void writer_child(void *p)
{
    Writer *w = p;
    SnapshotCreateOptions replace = { .replace = true };
    SnapshotStore *s;
    SnapVm vm;
    char c;

    close(w->other_fd);
    snapvm_init(&vm, 100 * w->id);
    s = snapshot_store_open(w->dir, NULL);
    if (!s || read(w->start_fd, &c, 1) != 0) {
        _exit(3);
    }
    for (int k = 0; k < ROUNDS; k++) {
        g_autofree char *name = g_strdup_printf("p%d-%02d", w->id, k);

        snapvm_set(&vm, 100 * w->id + k);
        if (!snapshot_store_create(s, name, vm.r, NULL, NULL, NULL) ||
            !snapshot_store_create(s, "shared", vm.r, &replace, NULL, NULL)) {
            _exit(1);
        }
    }
    /* Free what the child made, so that valgrind's leak check, which
     * runs at the child's exit too, finds nothing. */
    snapshot_store_free(s);
    snapvm_clear(&vm);
    _exit(0);
}

static void two_processes_create_into_one_store_at_once(void)
{
    g_autofree char *tmp = pin(snaptest_tmpdir());
    g_autofree char *dir = pin(g_build_filename(tmp, "store", NULL));
    g_autoptr(GPtrArray) l = NULL;
    g_autofree char *entries = NULL;
    g_auto(GStrv) files = NULL;
    SnapshotStore *s;
    SnapVm vm;
    Writer w[2];
    pid_t pid[2];
    int go[2];
    GError *err = NULL;

    s = pin(snapshot_store_open(dir, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL_FATAL(pipe(go), 0);
    for (int i = 0; i < 2; i++) {
        w[i] = (Writer){ .dir = dir, .id = i + 1, .start_fd = go[0],
                         .other_fd = go[1] };
        pid[i] = spawn(writer_child, &w[i]);
    }
    /* Both start together when the pipe closes. */
    close(go[1]);
    close(go[0]);
    CU_ASSERT_TRUE(exited_ok(wait_for(pid[0])));
    CU_ASSERT_TRUE(exited_ok(wait_for(pid[1])));

    l = snapshot_store_list(s, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(l->len, 2 * ROUNDS + 1);
    for (size_t i = 0; i < l->len; i++) {
        const SnapshotMeta *m = l->pdata[i];

        CU_ASSERT_TRUE(snapshot_store_verify(s, m->name, &err));
        ASSERT_NO_ERROR(err);
    }
    /* No temporary file and no orphan: the lock, and two files each. */
    entries = snaptest_entries(dir);
    files = g_strsplit(entries, ",", -1);
    CU_ASSERT_EQUAL(g_strv_length(files), 1 + 2 * (2 * ROUNDS + 1));
    CU_ASSERT_STRING_EQUAL(files[0], ".lock");
    CU_ASSERT_FALSE(files[1] && files[1][0] == '.');
    /* "shared" holds the last state one of the writers wrote. */
    snapvm_init(&vm, 7);
    CU_ASSERT_TRUE(snapshot_store_restore(s, "shared", vm.r, NULL, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(snapvm_is(&vm, 100 + ROUNDS - 1) ||
                   snapvm_is(&vm, 200 + ROUNDS - 1));
    snapvm_clear(&vm);
    snapshot_store_free(s);
    snaptest_rmrf(tmp);
}

/* --- The lock ----------------------------------------------------------------- */

typedef struct Holder {
    const char *dir;
    const char *name;
    int ready_fd;       /* written once the lock is held */
    int release_fd;     /* read: EOF releases it */
    const char *must_exist; /* checked once the lock is held */
    int close_fds[2];   /* the parent's pipe ends, closed in the child */
} Holder;

static Holder *holder;

static bool hold_at_locked(SnapshotStep step, void *opaque)
{
    char c;

    (void)opaque;
    if (step != SNAPSHOT_STEP_LOCKED) {
        return true;
    }
    if (holder->must_exist) {
        g_autofree char *path = g_build_filename(holder->dir,
                                                 holder->must_exist, NULL);

        if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
            _exit(5);
        }
    }
    if (holder->ready_fd >= 0 && write(holder->ready_fd, "x", 1) != 1) {
        _exit(4);
    }
    if (holder->release_fd >= 0 && read(holder->release_fd, &c, 1) != 0) {
        _exit(4);
    }
    return true;
}

static void holder_child(void *p)
{
    SnapshotStore *s;
    SnapVm vm;
    bool ok;

    holder = p;
    /* A pipe end left open here would keep its reader from seeing EOF. */
    close(holder->close_fds[0]);
    close(holder->close_fds[1]);
    snapvm_init(&vm, 1);
    s = snapshot_store_open(holder->dir, NULL);
    if (!s) {
        _exit(3);
    }
    snapshot__set_step_hook(s, hold_at_locked, NULL);
    ok = snapshot_store_create(s, holder->name, vm.r, NULL, NULL, NULL);
    snapshot_store_free(s);
    snapvm_clear(&vm);
    _exit(ok ? 0 : 1);
}

/* Whether /proc/locks shows @pid waiting for a lock. */
static bool blocked_on_lock(pid_t pid)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    g_autofree char *needle = g_strdup_printf(" %d ", (int)pid);

    if (!g_file_get_contents("/proc/locks", &text, NULL, NULL)) {
        return false;
    }
    lines = g_strsplit(text, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        if (strstr(lines[i], "->") && strstr(lines[i], needle)) {
            return true;
        }
    }
    return false;
}

static void a_second_writer_fails_at_once_or_waits(void)
{
    g_autofree char *tmp = pin(snaptest_tmpdir());
    g_autofree char *dir = pin(g_build_filename(tmp, "store", NULL));
    g_autofree char *m0 = pin(g_strdup_printf(
        "%s: locked by another process (waited 0 ms)", dir));
    g_autofree char *m30 = pin(g_strdup_printf(
        "%s: locked by another process (waited 30 ms)", dir));
    g_autoptr(GPtrArray) l = NULL;
    SnapshotStore *s;
    SnapVm vm;
    Holder first = { .dir = dir, .name = "first" };
    Holder second = { .dir = dir, .name = "second", .ready_fd = -1,
                      .release_fd = -1, .must_exist = "first.meta.json" };
    int ready[2], release[2];
    pid_t a, b;
    char c;
    GError *err = NULL;
    bool seen = false;

    snapvm_init(&vm, 1);
    s = pin(snapshot_store_open(dir, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL_FATAL(pipe(ready), 0);
    CU_ASSERT_EQUAL_FATAL(pipe(release), 0);
    first.ready_fd = ready[1];
    first.release_fd = release[0];
    first.close_fds[0] = ready[0];
    first.close_fds[1] = release[1];
    second.close_fds[0] = ready[0];
    second.close_fds[1] = release[1];
    a = spawn(holder_child, &first);
    close(ready[1]);
    close(release[0]);
    CU_ASSERT_EQUAL(read(ready[0], &c, 1), 1);

    /* The lock is held: fail at once, or after the timeout. */
    snapshot_store_set_lock_timeout(s, 0);
    CU_ASSERT_FALSE(snapshot_store_create(s, "b", vm.r, NULL, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, m0);
    CU_ASSERT_EQUAL(snapvm_paused(&vm), 0);
    CU_ASSERT_PTR_NULL(snapshot_store_list(s, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, m0);
    snapshot_store_set_lock_timeout(s, 30);
    CU_ASSERT_FALSE(snapshot_store_delete(s, "first", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, m30);

    /* A writer that waits (the default) runs after the holder. */
    b = spawn(holder_child, &second);
    for (int i = 0; i < 2000 && !seen; i++) {
        seen = blocked_on_lock(b);
        if (!seen) {
            g_usleep(5000);
        }
    }
    CU_ASSERT_TRUE(seen);
    close(release[1]);
    CU_ASSERT_TRUE(exited_ok(wait_for(a)));
    CU_ASSERT_TRUE(exited_ok(wait_for(b)));
    close(ready[0]);
    snapshot_store_set_lock_timeout(s, 0);
    l = snapshot_store_list(s, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(l->len, 2);
    snapvm_clear(&vm);
    snapshot_store_free(s);
    snaptest_rmrf(tmp);
}

static const TestCase tests[] = {
    { "crash_at_each_step_of_a_replace_keeps_old_or_new",
      crash_at_each_step_of_a_replace_keeps_old_or_new },
    { "crash_at_each_step_of_a_create_lists_nothing_unreadable",
      crash_at_each_step_of_a_create_lists_nothing_unreadable },
    { "crash_while_deleting_leaves_an_orphan_for_prune",
      crash_while_deleting_leaves_an_orphan_for_prune },
    { "two_processes_create_into_one_store_at_once",
      two_processes_create_into_one_store_at_once },
    { "a_second_writer_fails_at_once_or_waits",
      a_second_writer_fails_at_once_or_waits },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("snapshot-store-crash", tests);
}
