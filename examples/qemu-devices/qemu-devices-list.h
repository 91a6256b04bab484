/*
 * The built-in QEMU devices, one QEMU_DEVICE(symbol) line each; the
 * including file defines QEMU_DEVICE. Order is the catalogue's order
 * (qemu_devices_list()); lookups go by name and version.
 *
 * Two blocks, kept apart so that additions to one never touch the other.
 */

/* --- qdevmach ------------------------------------------------------------ */
QEMU_DEVICE(qemu_dev_timer)
QEMU_DEVICE(qemu_dev_cpu_common)
QEMU_DEVICE(qemu_dev_apic)
QEMU_DEVICE(qemu_dev_dma)
QEMU_DEVICE(qemu_dev_i8259)
QEMU_DEVICE(qemu_dev_ioapic)
QEMU_DEVICE(qemu_dev_hpet)
QEMU_DEVICE(qemu_dev_mc146818rtc)
QEMU_DEVICE(qemu_dev_i8254)
QEMU_DEVICE(qemu_dev_fdc)
QEMU_DEVICE(qemu_dev_globalstate)

/* --- end of qdevmach ----------------------------------------------------- */
/*
 *
 *
 *
 */
/* --- qdevs --------------------------------------------------------------- */
