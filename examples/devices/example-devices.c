/*
 * The example device catalog and releases, plus the helpers the device
 * files share.
 */
#include "examples/devices/example-devices.h"

#include <stdarg.h>
#include <string.h>

#include "examples/devices/example-devices-internal.h"

static const ExampleDevice *const all_devices[] = {
    &example_serial_v1,
    &example_serial_v2,
    &example_serial_v3,
    &example_pit,
    &example_rtc,
    &example_e1000_v1,
    &example_e1000_v2,
    &example_e1000_v3,
    &example_virtio_net_queues,
    &example_ps2kbd,
};

/* Release N carries serial vN and e1000 vN; the rest never changed. */
static const ExampleDevice *const release_devices[EXAMPLE_RELEASE_MAX][6] = {
    { &example_serial_v1, &example_pit, &example_rtc, &example_e1000_v1,
      &example_virtio_net_queues, &example_ps2kbd },
    { &example_serial_v2, &example_pit, &example_rtc, &example_e1000_v2,
      &example_virtio_net_queues, &example_ps2kbd },
    { &example_serial_v3, &example_pit, &example_rtc, &example_e1000_v3,
      &example_virtio_net_queues, &example_ps2kbd },
};

const ExampleDevice *example_device_find(const char *id, uint32_t version)
{
    g_return_val_if_fail(id != NULL, NULL);

    for (size_t i = 0; i < G_N_ELEMENTS(all_devices); i++) {
        if (all_devices[i]->version == version &&
            strcmp(all_devices[i]->id, id) == 0) {
            return all_devices[i];
        }
    }
    return NULL;
}

const ExampleDevice *const *example_devices_all(size_t *n)
{
    g_return_val_if_fail(n != NULL, NULL);

    *n = G_N_ELEMENTS(all_devices);
    return all_devices;
}

const ExampleDevice *const *example_release_devices(unsigned release,
                                                    size_t *n)
{
    g_return_val_if_fail(n != NULL, NULL);

    if (release < 1 || release > EXAMPLE_RELEASE_MAX) {
        *n = 0;
        return NULL;
    }
    *n = G_N_ELEMENTS(release_devices[0]);
    return release_devices[release - 1];
}

void *example_device_state_new(const ExampleDevice *dev)
{
    g_return_val_if_fail(dev != NULL, NULL);

    return g_malloc0(dev->state_size);
}

void example_device_state_free(const ExampleDevice *dev, void *state)
{
    if (state) {
        dev->clear(state);
        g_free(state);
    }
}

uint64_t example_devices__rand(uint64_t *seed)
{
    uint64_t x = *seed ? *seed : 0x9E3779B97F4A7C15ull;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *seed = x;
    return x * 0x2545F4914F6CDD1Dull;
}

void example_devices__rand_bytes(uint64_t *seed, void *buf, size_t len)
{
    uint8_t *p = buf;

    for (size_t i = 0; i < len; i++) {
        p[i] = (uint8_t)(example_devices__rand(seed) >> 24);
    }
}

bool example_devices__check_range(int64_t got, int64_t min, int64_t max,
                                  GError **errp, const char *path_fmt, ...)
{
    g_autofree char *path = NULL;
    va_list ap;

    if (got >= min && got <= max) {
        return true;
    }
    va_start(ap, path_fmt);
    path = g_strdup_vprintf(path_fmt, ap);
    va_end(ap);
    g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_RANGE,
                "%s: expected %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT
                ", got %" G_GINT64_FORMAT, path, min, max, got);
    return false;
}

int example_devices__get_bool(QEMUFile *f, bool *b)
{
    int byte = qemu_get_byte(f);

    /* Only 0 and 1 are valid, exactly as the binary input visitor says. */
    if (byte > 1) {
        return -EINVAL;
    }
    *b = byte;
    return 0;
}

int example_devices__invalid(QEMUFile *f)
{
    int ret = qemu_file_get_error(f);

    return ret ? ret : -EINVAL;
}

int example_devices__load_result(QEMUFile *f, GError *err)
{
    int ret = qemu_file_get_error(f);

    if (err) {
        g_error_free(err);
        return ret ? ret : -EINVAL;
    }
    return ret;
}

void example_devices__save_result(QEMUFile *f, GError *err)
{
    if (err) {
        g_error_free(err);
        qemu_file_set_error(f, -EINVAL);
    }
}
