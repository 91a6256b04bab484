/*
 * Committed QEMU streams without their vmdesc (see tests/qemu-stripped.h).
 */
#include "tests/qemu-stripped.h"

#include "tests/test-util.h"

const char *const test_qemu_stripped_streams[] = {
    "pc-nodefaults", "pc-e1000", "q35-smp2-xhci-virtio", "pc-compress",
    "pc-ignore-shared", "pc-serial-nic-usb", "pc-running-smp4", "pc-icount",
    "isapc-running", "pc-block", "pc-dirty-bitmap", "q35-memslots",
    "pc-memslots", "pc-2.3-old", NULL,
};

size_t test_qemu_stripped_len(const uint8_t *data, size_t len)
{
    for (size_t i = len >= 6 ? len - 6 : 0; i > 0; i--) {
        if (data[i] == 0x06 && data[i - 1] == 0x00 && data[i + 5] == '{') {
            uint32_t n = (uint32_t)data[i + 1] << 24 |
                         (uint32_t)data[i + 2] << 16 |
                         (uint32_t)data[i + 3] << 8 | data[i + 4];

            if ((uint64_t)i + 5 + n == len) {
                return i;
            }
        }
    }
    return len;
}

bool test_qemu_write_stripped(const char *name, const char *path)
{
    g_autofree char *src = g_strdup_printf("tests/data/qemu/%s.mig", name);
    g_autoptr(GBytes) bytes = test_read_file(src);
    size_t len;
    const uint8_t *data = g_bytes_get_data(bytes, &len);
    size_t cut = test_qemu_stripped_len(data, len);

    CU_ASSERT_TRUE(cut < len);
    return cut < len && g_file_set_contents(path, (const char *)data,
                                            (gssize)cut, NULL);
}
