/*
 * The built-in QEMU devices, one QEMU_DEVICE(symbol) line each; the
 * including file defines QEMU_DEVICE. Order is the catalogue's order
 * (qemu_devices_list()); lookups go by name and version.
 *
 * Two blocks, kept apart so that additions to one never touch the other.
 */

/* --- qdevmach ------------------------------------------------------------ */
QEMU_DEVICE(qemu_dev_timer)

/* --- end of qdevmach ----------------------------------------------------- */
/*
 *
 *
 *
 */
/* --- qdevs --------------------------------------------------------------- */
