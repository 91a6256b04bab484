/* Default resource limits; see include/qvisit/limits.h. */
#include "qvisit/limits.h"

static const QVisitLimits default_limits = {
    .max_depth = 1000,
    .max_string_len = 16 * 1024 * 1024,
    .max_array_len = 16 * 1024 * 1024,
    .max_alloc = (size_t)1 << 30,
    .max_section_size = (size_t)1 << 30,
};

void qvisit_limits_init(QVisitLimits *limits)
{
    *limits = default_limits;
}

const QVisitLimits *qvisit_limits_default(void)
{
    return &default_limits;
}
