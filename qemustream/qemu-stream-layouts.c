/*
 * Device sections of a stream without a vmdesc (QEMU's
 * suppress-vmdesc=on): decoded through the caller's layouts
 * (QemuStreamOptions.layouts), and, for a device they do not know,
 * skipped by searching for the section's footer.
 *
 * The footer search is a heuristic: a vmsd payload carries no length, so
 * the end of an unknown one is where the bytes
 *     0x7e, be32 <this section's id>
 * appear followed by something that reads as the next record's header.
 * A match is accepted only if those next bytes are one of
 *   - EOF (0x00) that ends the stream, or is followed by a vmdesc record
 *     (0x06);
 *   - START or FULL (0x01, 0x04): be32 section id, an idstr of 1..255
 *     printable ASCII bytes, be32 instance id, be32 version, all present;
 *   - PART or END (0x02, 0x03) of an iterative section (RAM) that an
 *     earlier START opened;
 *   - a COMMAND (0x08) QEMU 7.2 knows, with the length it requires.
 * Payload bytes that happen to spell such a sequence would end the
 * section early; the reader then fails at the next record or footer, so a
 * wrong guess is an error, never silently accepted data. A stream
 * without footers (machine types up to 2.3) cannot be skipped.
 */
#include "qemustream/qemu-stream-internal.h"

#include <string.h>

#include "util/bswap.h"
#include "util/hex.h"

/* Footer (5 bytes) plus the longest header checked after it. */
#define QS_FOOTER_PEEK (5 + 1 + 4 + 1 + 255 + 4 + 4)

static _Thread_local const QsLayoutContext *layout_context;

const QsLayoutContext *qs__layout_context(void)
{
    return layout_context;
}

void qs__layout_context_set(const QsLayoutContext *ctx)
{
    layout_context = ctx;
}

static bool printable(const uint8_t *b, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (b[i] < 0x20 || b[i] > 0x7e) {
            return false;
        }
    }
    return true;
}

/* Whether @b (@n bytes, all the stream has there up to QS_FOOTER_PEEK - 5)
 * starts with a plausible record header; see the comment at the top. */
static bool next_record_plausible(const uint8_t *b, size_t n,
                                  GHashTable *sections)
{
    const QsSection *s;
    int want;

    if (n == 0) {
        return false;
    }
    switch (b[0]) {
    case QS_EOF:
        return n == 1 || b[1] == QS_VMDESCRIPTION;
    case QS_SECTION_START:
    case QS_SECTION_FULL:
        return n >= 6 && b[5] > 0 && n >= 6 + (size_t)b[5] + 8 &&
               printable(b + 6, b[5]);
    case QS_SECTION_PART:
    case QS_SECTION_END:
        if (n < 5) {
            return false;
        }
        s = g_hash_table_lookup(sections, GUINT_TO_POINTER(ldl_be_p(b + 1)));
        return s && s->is_ram;
    case QS_COMMAND:
        if (n < 5) {
            return false;
        }
        want = qs__command_len(lduw_be_p(b + 1));
        return want != -2 && (want < 0 || lduw_be_p(b + 3) == want);
    default:
        return false;
    }
}

/* Consumes the payload of section @s up to its footer, as hex in @hex. */
static bool skip_to_footer(QsReader *r, const QsSection *s, uint64_t at,
                           GHashTable *sections, GString *hex, GError **errp)
{
    uint64_t start = r->pos;

    for (;;) {
        uint8_t *b = NULL;
        size_t n = qemu_peek_buffer(r->f, &b, QS_FOOTER_PEEK, 0);
        uint8_t c;

        if (n == 0) {
            return qs__error(r, errp, QVISIT_ERROR_TRUNCATED, at,
                             "no section footer found after the %"
                             G_GUINT64_FORMAT " bytes of the unknown "
                             "section", r->pos - start);
        }
        if (n >= 5 && b[0] == QS_SECTION_FOOTER && ldl_be_p(b + 1) == s->id &&
            next_record_plausible(b + 5, n - 5, sections)) {
            return true;
        }
        if (r->pos - start >= r->limits->max_section_size) {
            return qs__error(r, errp, QVISIT_ERROR_LIMIT, at,
                             "no section footer within max_section_size "
                             "(%zu bytes) of the unknown section",
                             r->limits->max_section_size);
        }
        if (!qs__u8(r, &c, errp) || !qs__charge(r, 2, errp)) {
            return false;
        }
        g_string_append_c(hex, hex_digit_char(c >> 4));
        g_string_append_c(hex, hex_digit_char(c & 0xf));
    }
}

bool qs__read_layout(QsReader *r, const QsSection *s, uint64_t at,
                     const QemuStreamOptions *opts, GHashTable *sections,
                     int footers, QDict *rec, GError **errp)
{
    const QemuStreamLayouts *l = opts->layouts;
    uint64_t start = qemu_file_transferred(r->f);
    g_autoptr(GString) hex = NULL;
    GError *err = NULL;
    QsLayoutContext ctx = {
        .has_configuration = r->has_configuration,
        .machine_type = r->machine_type,
        .section_id = s->id,
        .footers = footers,
    };
    QDict *state;
    bool untouched;

    qs__layout_context_set(&ctx);
    state = l->decode(l->opaque, s->idstr, s->instance_id, s->version_id,
                      r->f, r->limits, &err);
    qs__layout_context_set(NULL);
    /* The layout read through the file: the window's bytes were taken. */
    untouched = qemu_file_transferred(r->f) == start;
    r->pos += qemu_file_transferred(r->f) - start;
    if (state) {
        qdict_put_obj(rec, "state", QOBJECT(state));
        return true;
    }
    if (!g_error_matches(err, QVISIT_ERROR, QVISIT_ERROR_UNKNOWN) ||
        !untouched) {
        g_propagate_error(errp, err);
        return false;
    }
    g_clear_error(&err);
    g_string_assign(r->path, s->idstr);
    if (!opts->partial) {
        return qs__error(r, errp, QVISIT_ERROR_UNKNOWN, at,
                         "no vmdesc and no layout known for version %u",
                         s->version_id);
    }
    if (footers != 1) {
        return qs__error(r, errp, QVISIT_ERROR_UNKNOWN, at,
                         "no vmdesc and no layout known for version %u, "
                         "and a stream without section footers cannot "
                         "be skipped", s->version_id);
    }
    hex = g_string_new(NULL);
    if (!skip_to_footer(r, s, at, sections, hex, errp) ||
        !qs__charge(r, QS_COST_STR(0), errp)) {
        return false;
    }
    qdict_put_str(rec, "opaque", hex->str);
    return true;
}
