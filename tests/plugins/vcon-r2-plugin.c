/*
 * Release 2 of the "vcon" plugin: the walk of vcon-r1-plugin.c with
 * `ports[].throttled` added (see that file).
 */
#define VCON_RELEASE 2
#include "tests/plugins/vcon-r1-plugin.c"
