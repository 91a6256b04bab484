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
QEMU_DEVICE(qemu_dev_ps2kbd)
QEMU_DEVICE(qemu_dev_ps2mouse)
QEMU_DEVICE(qemu_dev_pckbd)
QEMU_DEVICE(qemu_dev_port92)
QEMU_DEVICE(qemu_dev_fw_cfg)
QEMU_DEVICE(qemu_dev_pcihost)
QEMU_DEVICE(qemu_dev_pcibus)
QEMU_DEVICE(qemu_dev_i440fx)
QEMU_DEVICE(qemu_dev_piix3)
QEMU_DEVICE(qemu_dev_serial)
QEMU_DEVICE(qemu_dev_e1000)
QEMU_DEVICE(qemu_dev_vmmouse)
QEMU_DEVICE(qemu_dev_ide)
QEMU_DEVICE(qemu_dev_piix4_pm)
QEMU_DEVICE(qemu_dev_pcspk)
QEMU_DEVICE(qemu_dev_i2c_bus)
QEMU_DEVICE(qemu_dev_acpi_build)
QEMU_DEVICE(qemu_dev_kvm_tpr_opt)
QEMU_DEVICE(qemu_dev_mch)
QEMU_DEVICE(qemu_dev_ich9_lpc)
QEMU_DEVICE(qemu_dev_ich9_smb)
QEMU_DEVICE(qemu_dev_cpu)
QEMU_DEVICE(qemu_dev_ich9_ahci)
QEMU_DEVICE(qemu_dev_rtl8139)
QEMU_DEVICE(qemu_dev_uhci)
QEMU_DEVICE(qemu_dev_usb_ptr)
QEMU_DEVICE(qemu_dev_usb_kbd)
QEMU_DEVICE(qemu_dev_isa_ide)
QEMU_DEVICE(qemu_dev_xhci)
