/*
 * Small helpers shared by the built-in QEMU device walks of this folder:
 * VMState shapes that need more than one visit call (arrays of signed
 * integers, counted or fixed, the PCIDevice struct that many PCI devices
 * embed, the SMBus controller of the power management functions), and
 * a field table for vmsds of plain integers (cpu subsections, rtl8139).
 * Subsections go through qemu_dev_subsection().
 *
 * Facts about the wire layout come from QEMU 7.2's VMStateDescriptions
 * (migration/vmstate.c, hw/pci/pci.c); the code is qvisit's own.
 */
#ifndef QVISIT_EXAMPLES_QEMU_DEVICES_VMSTATE_WALK_H
#define QVISIT_EXAMPLES_QEMU_DEVICES_VMSTATE_WALK_H

#include "examples/qemu-devices/qemu-devices.h"

/*
 * vmstate_walk_i32_varray:
 * @v: a visitor
 * @name: (transfer none): the member name
 * @arr: (inout) (array length=n): the elements
 * @n: the element count, already visited and checked by the caller
 * @errp: return location for an error
 *
 * A VMSTATE_VARRAY_INT32 of @n int32 elements as QEMU's vmdesc describes
 * it, so as the vmdesc-based decode shapes it: nothing for 0 elements, a
 * plain int32 member for 1 (QEMU writes "array_len" only for more than
 * one element), a list otherwise.
 *
 * Returns: true on success.
 */
bool vmstate_walk_i32_varray(Visitor *v, const char *name, int32_t *arr,
                             size_t n, GError **errp);

/*
 * vmstate_walk_i32_array:
 * @v: a visitor
 * @name: (transfer none): the member name
 * @arr: (inout) (array length=n): the elements, @n > 1
 * @n: the element count
 * @errp: return location for an error
 *
 * A fixed VMSTATE_INT32_ARRAY: a list of @n signed numbers.
 *
 * Returns: true on success.
 */
bool vmstate_walk_i32_array(Visitor *v, const char *name, int32_t *arr,
                            size_t n, GError **errp);

/* PCI_CONFIG_SPACE_SIZE and PCIE_CONFIG_SPACE_SIZE, PCI_NUM_PINS. */
#define QEMU_PCI_CONFIG_SIZE 256
#define QEMU_PCIE_CONFIG_SIZE 4096
#define QEMU_PCI_NUM_PINS 4

/*
 * QEMU 7.2's "PCIDevice" vmsd (version 2, always written and read at that
 * version, as every VMSTATE_STRUCT): version_id ("int32 le"), the config
 * space, 256 bytes for conventional PCI ("config[0]") or 4096 for PCI
 * Express ("config[1]"; a configuration fact, not in the stream), and
 * the four INTx levels as be32 0 or 1 ("pci irq state").
 */
typedef struct QemuPCIDevice {
    int32_t version_id;
    uint8_t config[QEMU_PCIE_CONFIG_SIZE];
    uint8_t irq_state[QEMU_PCI_NUM_PINS * 4];
} QemuPCIDevice;

/*
 * vmstate_walk_pci_device:
 * @v: a visitor
 * @name: (transfer none): the member name of the embedded PCIDevice
 *   ("parent_obj", "dev")
 * @d: (inout): the state
 * @express: the device is PCI Express (4096 bytes of config space)
 * @errp: return location for an error
 *
 * The PCIDevice struct member of a PCI device's section.
 *
 * Returns: true on success.
 */
bool vmstate_walk_pci_device(Visitor *v, const char *name, QemuPCIDevice *d,
                             bool express, GError **errp);

/* PM_SMBUS_MAX_MSG_SIZE */
#define QEMU_PM_SMBUS_MAX_MSG_SIZE 32

/*
 * QEMU 7.2's "pmsmb" vmsd (hw/i2c/pm_smbus.c, v1): the SMBus host
 * controller of the PIIX4 and ICH9 power management functions.
 */
typedef struct QemuPMSMBus {
    uint8_t smb_stat;
    uint8_t smb_ctl;
    uint8_t smb_cmd;
    uint8_t smb_addr;
    uint8_t smb_data0;
    uint8_t smb_data1;
    uint32_t smb_index;
    uint8_t smb_data[QEMU_PM_SMBUS_MAX_MSG_SIZE];
    uint8_t smb_auxctl;
    uint8_t smb_blkdata;
    bool i2c_enable;
    bool op_done;
    bool in_i2c_block_read;
    bool start_transaction_on_status_read;
} QemuPMSMBus;

/*
 * vmstate_walk_pmsmb:
 * @v: a visitor
 * @name: (transfer none): the member name of the struct ("smb")
 * @smb: (inout): the state
 * @errp: return location for an error
 *
 * The pmsmb struct member of a power management function's section.
 *
 * Returns: true on success.
 */
bool vmstate_walk_pmsmb(Visitor *v, const char *name, QemuPMSMBus *smb,
                        GError **errp);

/* ACPI_MAX_RAM_SLOTS: the most memory hotplug (DIMM) slots. */
#define QEMU_MEMHP_MAX_SLOTS 256

/*
 * QEMU 7.2's "memory hotplug state" vmsd (hw/acpi/memory_hotplug.c, v1)
 * of the PIIX4 and ICH9 power management functions: the selector, then
 * "devs", one "memory hotplug device state" per DIMM slot (a
 * VMSTATE_STRUCT_VARRAY_POINTER_UINT32 of dev_count, the slot count of
 * -m ...,slots=N: configuration, not in the stream).
 */
typedef struct QemuMemStatus {
    bool is_enabled;
    bool is_inserting;
    uint32_t ost_event;
    uint32_t ost_status;
} QemuMemStatus;

typedef struct QemuMemHotplug {
    uint32_t selector;
    uint32_t slots;             /* configuration: the DIMM slots */
    QemuMemStatus devs[QEMU_MEMHP_MAX_SLOTS];
} QemuMemHotplug;

/*
 * vmstate_walk_memhp:
 * @v: a visitor
 * @name: (transfer none): the member name ("acpi_memory_hotplug")
 * @m: (inout): the state, @m->slots set (at most QEMU_MEMHP_MAX_SLOTS)
 * @errp: return location for an error
 *
 * The memory hotplug struct member, "devs" shaped as QEMU's vmdesc
 * describes a struct varray: nothing for 0 slots, a struct for 1, a list
 * for more.
 *
 * Returns: true on success.
 */
bool vmstate_walk_memhp(Visitor *v, const char *name, QemuMemHotplug *m,
                        GError **errp);

/*
 * vmstate_walk_memhp_slots:
 * @memhp: (nullable): the state tree of the memory hotplug subsection
 *   ({"acpi_memory_hotplug": {"selector": ..., "devs": ...}})
 *
 * Returns: the slot count a state tree holds (for a configure hook that
 *   encodes), at most QEMU_MEMHP_MAX_SLOTS.
 */
uint32_t vmstate_walk_memhp_slots(QDict *memhp);

/*
 * A field table, for vmsds made of plain integers, bools, integer arrays
 * and byte buffers: one row per VMSTATE_* line, walked in order by
 * vmstate_walk_fields() into a flat array of value slots (one uint64_t
 * per integer element, buffers packed 8 bytes a slot).
 */
typedef enum {
    VMSTATE_WALK_U8,
    VMSTATE_WALK_U16,
    VMSTATE_WALK_U32,
    VMSTATE_WALK_U64,
    VMSTATE_WALK_I32,
    VMSTATE_WALK_I64,
    VMSTATE_WALK_BOOL,
    VMSTATE_WALK_BUFFER,    /* @count bytes, a hex string in trees */
} VmstateWalkKind;

typedef struct VmstateWalkField {
    const char *name;       /* the vmdesc name; NULL ends a table */
    VmstateWalkKind kind;
    uint16_t count;         /* arrays: elements (0: a single value);
                               buffers: bytes */
    uint8_t version;        /* the VMSTATE_*_V version; 0: always */
} VmstateWalkField;

/*
 * vmstate_walk_field_slots:
 * @fields: (array zero-terminated=1): a table
 *
 * Returns: the number of value slots vmstate_walk_fields() uses for
 *   @fields (all of them, whatever the version).
 */
size_t vmstate_walk_field_slots(const VmstateWalkField *fields);

/*
 * vmstate_walk_fields:
 * @v: a visitor, with the fields' struct open
 * @fields: (array zero-terminated=1): the table
 * @version: the vmsd version being read or written: a row whose
 *   version is above it is skipped (its slots stay as they are)
 * @slots: (inout) (array): vmstate_walk_field_slots() values
 * @errp: return location for an error
 *
 * Visits every row of @fields: a single value, an array of @count
 * elements, or a buffer of @count bytes.
 *
 * Returns: true on success.
 */
bool vmstate_walk_fields(Visitor *v, const VmstateWalkField *fields,
                         uint32_t version, uint64_t *slots, GError **errp);

#endif /* QVISIT_EXAMPLES_QEMU_DEVICES_VMSTATE_WALK_H */
