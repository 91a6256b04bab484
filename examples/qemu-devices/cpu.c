/*
 * QEMU 7.2's x86-64 CPU, section "cpu" (target/i386/machine.c, vmsd
 * "cpu" v12, oldest 11), one per vCPU: general and segment registers,
 * x87 and SSE state, system registers, SVM intercepts, MTRRs, pending
 * events, MCE banks, XSAVE state, then up to 43 subsections, one per
 * group of MSRs or feature state, each sent when its state is not the
 * reset value or its feature is on.
 *
 * The subsections made of integers and integer arrays are described by
 * field tables (vmstate-walk.h; cpu_subs[] below), in QEMU's order.
 * Four carry structures that only KVM or CPU features TCG does not
 * emulate produce: cpu/mpx, cpu/avx512, cpu/nested_state and
 * cpu/arch_lbr. They are named in the table so that a stream that has
 * one gets an error naming it instead of a misread.
 */
#include "examples/qemu-devices/vmstate-walk.h"

/* CPU_NB_REGS, MCE_BANKS_DEF * 4, MSR_MTRRcap_VCNT, CPU_NB_REGS XMM. */
#define CPU_NB_REGS 16
#define CPU_MCE_BANKS (10 * 4)
#define CPU_MTRR_VARS 8
#define CPU_XMM_REGS 16

typedef struct CpuSegment {
    uint32_t selector;
    uint64_t base;
    uint32_t limit;
    uint32_t flags;
} CpuSegment;

/* --- Subsections by table ------------------------------------------- */

typedef struct CpuSub {
    const char *name;
    /* NULL: state this walk does not describe (see above). */
    const VmstateWalkField *fields;
} CpuSub;

#define F(n, k) { n, VMSTATE_WALK_ ## k, 0, 0 }
#define A(n, k, c) { n, VMSTATE_WALK_ ## k, c, 0 }
#define END { NULL, 0, 0, 0 }

static const VmstateWalkField sub_exception_info[] = {
    F("env.exception_pending", U8), F("env.exception_injected", U8),
    F("env.exception_has_payload", U8),
    F("env.exception_payload", U64), END,
};
static const VmstateWalkField sub_async_pf[] = {
    F("env.async_pf_en_msr", U64), END,
};
static const VmstateWalkField sub_async_pf_int[] = {
    F("env.async_pf_int_msr", U64), END,
};
static const VmstateWalkField sub_pv_eoi[] = {
    F("env.pv_eoi_en_msr", U64), END,
};
static const VmstateWalkField sub_steal_time[] = {
    F("env.steal_time_msr", U64), END,
};
static const VmstateWalkField sub_poll_control[] = {
    F("env.poll_control_msr", U64), END,
};
static const VmstateWalkField sub_fpop_ip_dp[] = {
    F("env.fpop", U16), F("env.fpip", U64), F("env.fpdp", U64),
    END,
};
static const VmstateWalkField sub_tsc_adjust[] = {
    F("env.tsc_adjust", U64), END,
};
static const VmstateWalkField sub_tscdeadline[] = {
    F("env.tsc_deadline", U64), END,
};
static const VmstateWalkField sub_misc_enable[] = {
    F("env.msr_ia32_misc_enable", U64), END,
};
static const VmstateWalkField sub_feature_control[] = {
    F("env.msr_ia32_feature_control", U64), END,
};
/* MAX_FIXED_COUNTERS 3; MAX_GP_COUNTERS is MSR_IA32_PERF_STATUS -
 * MSR_P6_EVNTSEL0 = 0x198 - 0x186 = 18. */
static const VmstateWalkField sub_pmu[] = {
    F("env.msr_fixed_ctr_ctrl", U64), F("env.msr_global_ctrl", U64),
    F("env.msr_global_status", U64),
    F("env.msr_global_ovf_ctrl", U64),
    A("env.msr_fixed_counters", U64, 3),
    A("env.msr_gp_counters", U64, 18),
    A("env.msr_gp_evtsel", U64, 18), END,
};
static const VmstateWalkField sub_hv_hypercall[] = {
    F("env.msr_hv_guest_os_id", U64), F("env.msr_hv_hypercall", U64),
    END,
};
static const VmstateWalkField sub_hv_vapic[] = {
    F("env.msr_hv_vapic", U64), END,
};
static const VmstateWalkField sub_hv_time[] = { F("env.msr_hv_tsc", U64), END };
/* HV_CRASH_PARAMS: P0..P4. */
static const VmstateWalkField sub_hv_crash[] = {
    A("env.msr_hv_crash_params", U64, 5), END,
};
static const VmstateWalkField sub_hv_runtime[] = {
    F("env.msr_hv_runtime", U64), END,
};
/* HV_SINT_COUNT 16, HV_STIMER_COUNT 4. */
static const VmstateWalkField sub_hv_synic[] = {
    F("env.msr_hv_synic_control", U64),
    F("env.msr_hv_synic_evt_page", U64),
    F("env.msr_hv_synic_msg_page", U64),
    A("env.msr_hv_synic_sint", U64, 16), END,
};
static const VmstateWalkField sub_hv_stimer[] = {
    A("env.msr_hv_stimer_config", U64, 4),
    A("env.msr_hv_stimer_count", U64, 4), END,
};
static const VmstateWalkField sub_hv_reenlightenment[] = {
    F("env.msr_hv_reenlightenment_control", U64),
    F("env.msr_hv_tsc_emulation_control", U64),
    F("env.msr_hv_tsc_emulation_status", U64), END,
};
static const VmstateWalkField sub_xss[] = { F("env.xss", U64), END };
static const VmstateWalkField sub_umwait[] = { F("env.umwait", U32), END };
static const VmstateWalkField sub_tsc_khz[] = { F("env.tsc_khz", I64), END };
static const VmstateWalkField sub_smi_count[] = {
    F("env.msr_smi_count", U64), END,
};
static const VmstateWalkField sub_pkru[] = { F("env.pkru", U32), END };
static const VmstateWalkField sub_pkrs[] = { F("env.pkrs", U32), END };
static const VmstateWalkField sub_spec_ctrl[] = {
    F("env.spec_ctrl", U64), END,
};
static const VmstateWalkField sub_amd_tsc_scale[] = {
    F("env.amd_tsc_scale_msr", U64), END,
};
static const VmstateWalkField sub_mcg_ext_ctl[] = {
    F("env.mcg_ext_ctl", U64), END,
};
/* MAX_RTIT_ADDRS 8. */
static const VmstateWalkField sub_intel_pt[] = {
    F("env.msr_rtit_ctrl", U64), F("env.msr_rtit_status", U64),
    F("env.msr_rtit_output_base", U64),
    F("env.msr_rtit_output_mask", U64),
    F("env.msr_rtit_cr3_match", U64),
    A("env.msr_rtit_addrs", U64, 8), END,
};
static const VmstateWalkField sub_virt_ssbd[] = {
    F("env.virt_ssbd", U64), END,
};
static const VmstateWalkField sub_svm_npt[] = {
    F("env.nested_cr3", U64), F("env.nested_pg_mode", U32), END,
};
static const VmstateWalkField sub_svm_guest[] = { F("env.int_ctl", U32), END };
static const VmstateWalkField sub_tsx_ctrl[] = { F("env.tsx_ctrl", U32), END };
static const VmstateWalkField sub_sgx[] = {
    A("env.msr_ia32_sgxlepubkeyhash", U64, 4), END,
};
static const VmstateWalkField sub_pdptrs[] = { A("env.pdptrs", U64, 4), END };
static const VmstateWalkField sub_xfd[] = {
    F("env.msr_xfd", U64), F("env.msr_xfd_err", U64), END,
};
static const VmstateWalkField sub_amx_xtile[] = {
    A("env.xtilecfg", U8, 64), A("env.xtiledata", U8, 8192), END,
};
static const VmstateWalkField sub_triple_fault[] = {
    F("env.triple_fault_pending", U8), END,
};

/* QEMU's order (vmstate_x86_cpu.subsections, TARGET_X86_64 and
 * CONFIG_KVM as Debian builds it); all are version 1. QEMU names the
 * PV EOI one "cpu/async_pv_eoi_msr" and the SVM NPT one "cpu/svn_npt". */
static const CpuSub cpu_subs[] = {
    { "cpu/exception_info", sub_exception_info },
    { "cpu/async_pf_msr", sub_async_pf },
    { "cpu/async_pf_int_msr", sub_async_pf_int },
    { "cpu/async_pv_eoi_msr", sub_pv_eoi },
    { "cpu/steal_time_msr", sub_steal_time },
    { "cpu/poll_control_msr", sub_poll_control },
    { "cpu/fpop_ip_dp", sub_fpop_ip_dp },
    { "cpu/msr_tsc_adjust", sub_tsc_adjust },
    { "cpu/msr_tscdeadline", sub_tscdeadline },
    { "cpu/msr_ia32_misc_enable", sub_misc_enable },
    { "cpu/msr_ia32_feature_control", sub_feature_control },
    { "cpu/msr_architectural_pmu", sub_pmu },
    { "cpu/mpx", NULL },
    { "cpu/msr_hyperv_hypercall", sub_hv_hypercall },
    { "cpu/msr_hyperv_vapic", sub_hv_vapic },
    { "cpu/msr_hyperv_time", sub_hv_time },
    { "cpu/msr_hyperv_crash", sub_hv_crash },
    { "cpu/msr_hyperv_runtime", sub_hv_runtime },
    { "cpu/msr_hyperv_synic", sub_hv_synic },
    { "cpu/msr_hyperv_stimer", sub_hv_stimer },
    { "cpu/msr_hyperv_reenlightenment", sub_hv_reenlightenment },
    { "cpu/avx512", NULL },
    { "cpu/xss", sub_xss },
    { "cpu/umwait", sub_umwait },
    { "cpu/tsc_khz", sub_tsc_khz },
    { "cpu/msr_smi_count", sub_smi_count },
    { "cpu/pkru", sub_pkru },
    { "cpu/pkrs", sub_pkrs },
    { "cpu/spec_ctrl", sub_spec_ctrl },
    { "cpu/amd_tsc_scale_msr", sub_amd_tsc_scale },
    { "cpu/mcg_ext_ctl", sub_mcg_ext_ctl },
    { "cpu/intel_pt", sub_intel_pt },
    { "cpu/virt_ssbd", sub_virt_ssbd },
    { "cpu/svn_npt", sub_svm_npt },
    { "cpu/svm_guest", sub_svm_guest },
    { "cpu/nested_state", NULL },
    { "cpu/msr_tsx_ctrl", sub_tsx_ctrl },
    { "cpu/intel_sgx", sub_sgx },
    { "cpu/pdptrs", sub_pdptrs },
    { "cpu/msr_xfd", sub_xfd },
    { "cpu/intel_amx_xtile", sub_amx_xtile },
    { "cpu/arch_lbr", NULL },
    { "cpu/triple_fault", sub_triple_fault },
};

#undef F
#undef A
#undef END

#define CPU_NSUBS G_N_ELEMENTS(cpu_subs)
/* Values of all table subsections, one slot per element: the largest
 * is cpu/intel_amx_xtile's 64 + 8192 bytes; the rest need fewer than
 * 256 slots together. */
#define CPU_SUB_SLOTS (64 + 8192 + 256)

typedef struct QemuX86CPUState {
    uint64_t regs[CPU_NB_REGS];
    uint64_t eip;
    uint64_t eflags;
    uint32_t hflags;
    uint16_t fpuc;
    uint16_t fpus_vmstate;
    uint16_t fptag_vmstate;
    uint16_t fpregs_format_vmstate;
    uint64_t fp_mant[8];
    uint16_t fp_exp[8];
    CpuSegment segs[6];
    CpuSegment ldt;
    CpuSegment tr;
    CpuSegment gdt;
    CpuSegment idt;
    uint32_t sysenter_cs;
    uint64_t sysenter_esp;
    uint64_t sysenter_eip;
    uint64_t cr0;
    uint64_t cr2;
    uint64_t cr3;
    uint64_t cr4;
    uint64_t dr[8];
    int32_t a20_mask;
    uint32_t mxcsr;
    uint64_t xmm[CPU_XMM_REGS][2];
    uint64_t efer;
    uint64_t star;
    uint64_t lstar;
    uint64_t cstar;
    uint64_t fmask;
    uint64_t kernelgsbase;
    uint32_t smbase;
    uint64_t pat;
    uint32_t hflags2;
    uint64_t vm_hsave;
    uint64_t vm_vmcb;
    uint64_t tsc_offset;
    uint64_t intercept;
    uint16_t intercept_cr_read;
    uint16_t intercept_cr_write;
    uint16_t intercept_dr_read;
    uint16_t intercept_dr_write;
    uint32_t intercept_exceptions;
    uint8_t v_tpr;
    uint64_t mtrr_fixed[11];
    uint64_t mtrr_deftype;
    uint64_t mtrr_base[CPU_MTRR_VARS];
    uint64_t mtrr_mask[CPU_MTRR_VARS];
    int32_t interrupt_injected;
    uint32_t mp_state;
    uint64_t tsc;
    int32_t exception_nr;
    uint8_t soft_interrupt;
    uint8_t nmi_injected;
    uint8_t nmi_pending;
    uint8_t has_error_code;
    uint32_t sipi_vector;
    uint64_t mcg_cap;
    uint64_t mcg_status;
    uint64_t mcg_ctl;
    uint64_t mce_banks[CPU_MCE_BANKS];
    uint64_t tsc_aux;
    uint64_t system_time_msr;
    uint64_t wall_clock_msr;
    uint64_t xcr0;
    uint64_t xstate_bv;
    uint64_t ymmh[CPU_XMM_REGS][2];
    bool sub_present[CPU_NSUBS];
    uint64_t sub_vals[CPU_SUB_SLOTS];
} QemuX86CPUState;

typedef struct CpuSubWalk {
    const CpuSub *sub;
    uint64_t *vals;
} CpuSubWalk;

static bool cpu_sub_visit(Visitor *v, void *opaque, uint32_t version,
                          GError **errp)
{
    const CpuSubWalk *w = opaque;

    if (!w->sub->fields) {
        return visit_set_error(v, errp, NULL, QVISIT_ERROR_UNKNOWN,
                               "state of a CPU feature the built-in cpu "
                               "does not describe");
    }
    return vmstate_walk_fields(v, w->sub->fields, version, w->vals, errp);
}

static bool cpu_subsections_visit(Visitor *v, QemuX86CPUState *s,
                                  GError **errp)
{
    size_t base = 0;

    for (size_t i = 0; i < CPU_NSUBS; i++) {
        CpuSubWalk w = { &cpu_subs[i], s->sub_vals + base };
        size_t slots = vmstate_walk_field_slots(cpu_subs[i].fields);

        g_return_val_if_fail(base + slots <= CPU_SUB_SLOTS, false);
        /* A layout description has no members for what it skips. */
        if (!cpu_subs[i].fields && visit_get_type(v) == VISITOR_DESCRIBE) {
            continue;
        }
        if (!qemu_dev_subsection(v, cpu_subs[i].name, 1, 1,
                                 &s->sub_present[i], cpu_sub_visit, &w,
                                 errp)) {
            return false;
        }
        base += slots;
    }
    return true;
}

/* --- The fields ------------------------------------------------------ */

/* vmsd "segment" v1. */
static bool cpu_segment_visit(Visitor *v, const char *name, CpuSegment *seg,
                              GError **errp)
{
    return visit_start_struct(v, name, errp) &&
           visit_type_u32(v, "selector", &seg->selector, errp) &&
           visit_type_u64(v, "base", &seg->base, errp) &&
           visit_type_u32(v, "limit", &seg->limit, errp) &&
           visit_type_u32(v, "flags", &seg->flags, errp) &&
           visit_end_struct(v, errp);
}

/*
 * An array of 16 two-u64 structs: "xmm_reg" (_q_ZMMReg[0], [1]) and
 * "ymmh_reg" ([2], [3]). QEMU names both fields "env.xmm_regs", so its
 * vmdesc calls them "env.xmm_regs[0]" and "env.xmm_regs[1]".
 */
static bool cpu_vec_regs_visit(Visitor *v, const char *name,
                               const char *lo, const char *hi,
                               uint64_t (*regs)[2], GError **errp)
{
    if (!visit_start_array(v, name, CPU_XMM_REGS, errp)) {
        return false;
    }
    for (size_t i = 0; i < CPU_XMM_REGS; i++) {
        if (!visit_start_struct(v, NULL, errp) ||
            !visit_type_u64(v, lo, &regs[i][0], errp) ||
            !visit_type_u64(v, hi, &regs[i][1], errp) ||
            !visit_end_struct(v, errp)) {
            return false;
        }
    }
    return visit_end_array(v, errp);
}

/* The x87 registers: "fpreg" v0, each a VMSTATE_WITH_TMP "fpreg_tmp"
 * (the 64-bit mantissa, then the sign and exponent). */
static bool cpu_fpregs_visit(Visitor *v, QemuX86CPUState *s, GError **errp)
{
    if (!visit_start_array(v, "env.fpregs", 8, errp)) {
        return false;
    }
    for (size_t i = 0; i < 8; i++) {
        if (!visit_start_struct(v, NULL, errp) ||
            !visit_start_struct(v, "tmp", errp) ||
            !visit_type_u64(v, "tmp_mant", &s->fp_mant[i], errp) ||
            !visit_type_u16(v, "tmp_exp", &s->fp_exp[i], errp) ||
            !visit_end_struct(v, errp) || !visit_end_struct(v, errp)) {
            return false;
        }
    }
    return visit_end_array(v, errp);
}

static bool cpu_segments_visit(Visitor *v, QemuX86CPUState *s,
                               GError **errp)
{
    if (!visit_start_array(v, "env.segs", 6, errp)) {
        return false;
    }
    for (size_t i = 0; i < 6; i++) {
        if (!cpu_segment_visit(v, NULL, &s->segs[i], errp)) {
            return false;
        }
    }
    return visit_end_array(v, errp) &&
           cpu_segment_visit(v, "env.ldt", &s->ldt, errp) &&
           cpu_segment_visit(v, "env.tr", &s->tr, errp) &&
           cpu_segment_visit(v, "env.gdt", &s->gdt, errp) &&
           cpu_segment_visit(v, "env.idt", &s->idt, errp);
}

static bool cpu_system_visit(Visitor *v, QemuX86CPUState *s, GError **errp)
{
    return visit_type_u32(v, "env.sysenter_cs", &s->sysenter_cs, errp) &&
           visit_type_u64(v, "env.sysenter_esp", &s->sysenter_esp, errp) &&
           visit_type_u64(v, "env.sysenter_eip", &s->sysenter_eip, errp) &&
           visit_type_u64(v, "env.cr[0]", &s->cr0, errp) &&
           visit_type_u64(v, "env.cr[2]", &s->cr2, errp) &&
           visit_type_u64(v, "env.cr[3]", &s->cr3, errp) &&
           visit_type_u64(v, "env.cr[4]", &s->cr4, errp) &&
           visit_type_u64_array(v, "env.dr", s->dr, 8, errp) &&
           visit_type_i32(v, "env.a20_mask", &s->a20_mask, errp) &&
           visit_type_u32(v, "env.mxcsr", &s->mxcsr, errp) &&
           cpu_vec_regs_visit(v, "env.xmm_regs[0]", "_q_ZMMReg[0]",
                              "_q_ZMMReg[1]", s->xmm, errp) &&
           visit_type_u64(v, "env.efer", &s->efer, errp) &&
           visit_type_u64(v, "env.star", &s->star, errp) &&
           visit_type_u64(v, "env.lstar", &s->lstar, errp) &&
           visit_type_u64(v, "env.cstar", &s->cstar, errp) &&
           visit_type_u64(v, "env.fmask", &s->fmask, errp) &&
           visit_type_u64(v, "env.kernelgsbase", &s->kernelgsbase, errp) &&
           visit_type_u32(v, "env.smbase", &s->smbase, errp) &&
           visit_type_u64(v, "env.pat", &s->pat, errp) &&
           visit_type_u32(v, "env.hflags2", &s->hflags2, errp);
}

static bool cpu_svm_mtrr_visit(Visitor *v, QemuX86CPUState *s,
                               GError **errp)
{
    if (!visit_type_u64(v, "env.vm_hsave", &s->vm_hsave, errp) ||
        !visit_type_u64(v, "env.vm_vmcb", &s->vm_vmcb, errp) ||
        !visit_type_u64(v, "env.tsc_offset", &s->tsc_offset, errp) ||
        !visit_type_u64(v, "env.intercept", &s->intercept, errp) ||
        !visit_type_u16(v, "env.intercept_cr_read", &s->intercept_cr_read,
                        errp) ||
        !visit_type_u16(v, "env.intercept_cr_write",
                        &s->intercept_cr_write, errp) ||
        !visit_type_u16(v, "env.intercept_dr_read", &s->intercept_dr_read,
                        errp) ||
        !visit_type_u16(v, "env.intercept_dr_write",
                        &s->intercept_dr_write, errp) ||
        !visit_type_u32(v, "env.intercept_exceptions",
                        &s->intercept_exceptions, errp) ||
        !visit_type_u8(v, "env.v_tpr", &s->v_tpr, errp) ||
        !visit_type_u64_array(v, "env.mtrr_fixed", s->mtrr_fixed, 11,
                              errp) ||
        !visit_type_u64(v, "env.mtrr_deftype", &s->mtrr_deftype, errp) ||
        !visit_start_array(v, "env.mtrr_var", CPU_MTRR_VARS, errp)) {
        return false;
    }
    for (size_t i = 0; i < CPU_MTRR_VARS; i++) {
        if (!visit_start_struct(v, NULL, errp) ||
            !visit_type_u64(v, "base", &s->mtrr_base[i], errp) ||
            !visit_type_u64(v, "mask", &s->mtrr_mask[i], errp) ||
            !visit_end_struct(v, errp)) {
            return false;
        }
    }
    return visit_end_array(v, errp);
}

static bool cpu_events_visit(Visitor *v, QemuX86CPUState *s, GError **errp)
{
    return visit_type_i32(v, "env.interrupt_injected",
                          &s->interrupt_injected, errp) &&
           visit_type_u32(v, "env.mp_state", &s->mp_state, errp) &&
           visit_type_u64(v, "env.tsc", &s->tsc, errp) &&
           visit_type_i32(v, "env.exception_nr", &s->exception_nr, errp) &&
           visit_type_u8(v, "env.soft_interrupt", &s->soft_interrupt,
                         errp) &&
           visit_type_u8(v, "env.nmi_injected", &s->nmi_injected, errp) &&
           visit_type_u8(v, "env.nmi_pending", &s->nmi_pending, errp) &&
           visit_type_u8(v, "env.has_error_code", &s->has_error_code,
                         errp) &&
           visit_type_u32(v, "env.sipi_vector", &s->sipi_vector, errp) &&
           visit_type_u64(v, "env.mcg_cap", &s->mcg_cap, errp) &&
           visit_type_u64(v, "env.mcg_status", &s->mcg_status, errp) &&
           visit_type_u64(v, "env.mcg_ctl", &s->mcg_ctl, errp) &&
           visit_type_u64_array(v, "env.mce_banks", s->mce_banks,
                                CPU_MCE_BANKS, errp) &&
           visit_type_u64(v, "env.tsc_aux", &s->tsc_aux, errp) &&
           visit_type_u64(v, "env.system_time_msr", &s->system_time_msr,
                          errp) &&
           visit_type_u64(v, "env.wall_clock_msr", &s->wall_clock_msr,
                          errp);
}

static bool cpu_visit(Visitor *v, void *state, uint32_t version,
                      GError **errp)
{
    QemuX86CPUState *s = state;

    if (!visit_type_u64_array(v, "env.regs", s->regs, CPU_NB_REGS, errp) ||
        !visit_type_u64(v, "env.eip", &s->eip, errp) ||
        !visit_type_u64(v, "env.eflags", &s->eflags, errp) ||
        !visit_type_u32(v, "env.hflags", &s->hflags, errp) ||
        !visit_type_u16(v, "env.fpuc", &s->fpuc, errp) ||
        !visit_type_u16(v, "env.fpus_vmstate", &s->fpus_vmstate, errp) ||
        !visit_type_u16(v, "env.fptag_vmstate", &s->fptag_vmstate, errp) ||
        !visit_type_u16(v, "env.fpregs_format_vmstate",
                        &s->fpregs_format_vmstate, errp) ||
        !cpu_fpregs_visit(v, s, errp) || !cpu_segments_visit(v, s, errp) ||
        !cpu_system_visit(v, s, errp) || !cpu_svm_mtrr_visit(v, s, errp) ||
        !cpu_events_visit(v, s, errp)) {
        return false;
    }
    /* XSAVE state, from version 12. */
    if (version >= 12 &&
        (!visit_type_u64(v, "env.xcr0", &s->xcr0, errp) ||
         !visit_type_u64(v, "env.xstate_bv", &s->xstate_bv, errp) ||
         !cpu_vec_regs_visit(v, "env.xmm_regs[1]", "_q_ZMMReg[2]",
                             "_q_ZMMReg[3]", s->ymmh, errp))) {
        return false;
    }
    return cpu_subsections_visit(v, s, errp);
}

const QemuDevice qemu_dev_cpu = {
    .name = "cpu",
    .vmsd_name = "cpu",
    .version = 12,
    .minimum_version = 11,
    .state_size = sizeof(QemuX86CPUState),
    .visit = cpu_visit,
};
