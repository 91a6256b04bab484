# qvisit: one non-recursive Makefile. Every output goes under build/.
#   make            libraries, CLI and example programs
#   make check      all CUnit suites + export, install and layering checks
#   make demo       the README's main job
#   make bench      benchmarks (writes docs/performance.md figures to stdout)
#   make install PREFIX=/usr/local
# The project's flags come first and the user's CFLAGS/LDFLAGS last, so
# `make check CFLAGS='-O1 -g -fsanitize=address,undefined'` works.

CC ?= cc
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
CFLAGS ?= -O2 -g
SOVERSION := 0
VERSION := 0.1.0

# BUILD_ASAN=1 builds everything under build/asan with sanitizers.
B := $(if $(BUILD_ASAN),build/asan,build)

Q := $(if $(filter 1,$(V)),,@)
quiet = $(if $(Q),@printf '  %-7s %s\n' '$(1)' '$(2)';)

# What the library needs (and qvisit.pc requires): GLib and zlib. The
# other dependencies get only the objects that use them: GModule the CLI,
# CUnit the test suites, json-glib the one suite and the one benchmark
# that compare our JSON parser with it.
DEPS_CFLAGS := $(shell $(PKG_CONFIG) --cflags glib-2.0)
DEPS_LIBS := $(shell $(PKG_CONFIG) --libs glib-2.0) -lz
# The CLI loads transform plugins, which call back into its QVISIT_API:
# it links the whole library and exports it (--export-dynamic).
GMODULE_CFLAGS := $(shell $(PKG_CONFIG) --cflags gmodule-2.0)
GMODULE_LIBS := $(shell $(PKG_CONFIG) --libs gmodule-2.0)
JSON_GLIB_CFLAGS := $(shell $(PKG_CONFIG) --cflags json-glib-1.0)
JSON_GLIB_LIBS := $(shell $(PKG_CONFIG) --libs json-glib-1.0)
CUNIT_CFLAGS := $(shell $(PKG_CONFIG) --cflags cunit 2>/dev/null)
CUNIT_LIBS := $(shell $(PKG_CONFIG) --libs cunit 2>/dev/null || echo -lcunit)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes
# -fno-semantic-interposition: the library's calls to its own exported
# functions (visit_start_array() from visit_type_u8_array(), ...) bind
# directly instead of through the PLT; we do not support interposing them.
QVISIT_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -fPIC -fvisibility=hidden \
                 -fno-semantic-interposition \
                 -Iinclude -I. $(DEPS_CFLAGS)

LIB_SRCS := $(sort $(wildcard util/*.c qobject/*.c visitor/*.c qemufile/*.c \
                              compat/*.c qemustream/*.c migration/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
DEV_SRCS := $(sort $(wildcard examples/devices/*.c examples/qemu-devices/*.c))
DEV_OBJS := $(DEV_SRCS:%.c=$(B)/%.o)
TOOL_SRCS := $(sort $(wildcard tools/*.c))
TOOL_OBJS := $(TOOL_SRCS:%.c=$(B)/%.o)
EXAMPLE_SRCS := $(sort $(wildcard examples/*.c))
EXAMPLES := $(EXAMPLE_SRCS:%.c=$(B)/%)
TEST_SUPPORT_SRCS := $(sort $(wildcard tests/support/*.c))
TEST_SUPPORT_OBJS := $(TEST_SUPPORT_SRCS:%.c=$(B)/%.o)
TEST_SRCS := $(sort $(wildcard tests/test-*.c))
TESTS := $(TEST_SRCS:%.c=$(B)/%)
PLUGIN_SRCS := $(sort $(wildcard tests/plugins/*.c))
# Always under build/ (tests name them by path), even for sanitizer builds,
# so both trees share them: they are built without sanitizers (see their
# rule below).
PLUGINS := $(PLUGIN_SRCS:tests/plugins/%.c=build/tests/plugins/%.so)
BENCH_SRCS := $(sort $(wildcard bench/*.c))
BENCHES := $(BENCH_SRCS:%.c=$(B)/%)

STATIC_LIB := $(B)/libqvisit.a
SHARED_LIB := $(B)/libqvisit.so
SONAME := libqvisit.so.$(SOVERSION)
DEV_LIB := $(B)/libqvisit-devices.a
CLI := $(B)/qvisit

ALL_OBJS := $(LIB_OBJS) $(DEV_OBJS) $(TOOL_OBJS) $(TEST_SUPPORT_OBJS) \
            $(EXAMPLES:%=%.o) $(TESTS:%=%.o) $(BENCHES:%=%.o)

# Keep the objects of programs built through a pattern chain. Only these:
# a blanket .SECONDARY would also make make skip a library object that is
# missing (a moved source) whenever the library is newer than its sources.
.SECONDARY: $(TESTS:%=%.o) $(TEST_SUPPORT_OBJS) $(BENCHES:%=%.o) \
            $(EXAMPLES:%=%.o)
.PHONY: all check check-layers check-valgrind check-asan check-live bench \
        demo install clean fuzz fuzz-smoke fuzz-seeds
.DEFAULT_GOAL := all

all: $(STATIC_LIB) $(SHARED_LIB) $(CLI) $(EXAMPLES)

# EXTRA_CFLAGS: the flags of a dependency only some objects use.
$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(call quiet,CC,$<)
	$(Q)$(CC) $(QVISIT_CFLAGS) $(EXTRA_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/tools/%.o: EXTRA_CFLAGS = $(GMODULE_CFLAGS)
$(B)/tests/%.o: EXTRA_CFLAGS = $(CUNIT_CFLAGS)
$(B)/tests/test-qjson-glib.o: EXTRA_CFLAGS = $(CUNIT_CFLAGS) \
                                            $(JSON_GLIB_CFLAGS)
$(B)/bench/bench-qjson.o: EXTRA_CFLAGS = $(JSON_GLIB_CFLAGS)

$(STATIC_LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	$(call quiet,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(SHARED_LIB): $(LIB_OBJS)
	$(call quiet,LD,$@)
	$(Q)$(CC) -shared -Wl,-soname,$(SONAME) $(CFLAGS) -o $@.$(VERSION) \
	    $^ $(DEPS_LIBS) $(LDFLAGS)
	$(Q)ln -sf libqvisit.so.$(VERSION) $(B)/$(SONAME)
	$(Q)ln -sf libqvisit.so.$(VERSION) $@

$(DEV_LIB): $(DEV_OBJS)
	@mkdir -p $(@D)
	$(call quiet,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

LINK_DEVICES := $(if $(DEV_OBJS),$(DEV_LIB))

$(CLI): $(TOOL_OBJS) $(LINK_DEVICES) $(STATIC_LIB)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $(TOOL_OBJS) $(LINK_DEVICES) \
	    -Wl,--whole-archive $(STATIC_LIB) -Wl,--no-whole-archive \
	    $(DEPS_LIBS) $(GMODULE_LIBS) $(LDFLAGS)

$(B)/examples/%: $(B)/examples/%.o $(LINK_DEVICES) $(STATIC_LIB)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LINK_DEVICES) $(STATIC_LIB) \
	    $(DEPS_LIBS) $(LDFLAGS)

$(B)/tests/%: $(B)/tests/%.o $(TEST_SUPPORT_OBJS) $(LINK_DEVICES) \
               $(STATIC_LIB)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(TEST_EXTRA_OBJS) $(TEST_SUPPORT_OBJS) \
	    $(LINK_DEVICES) $(STATIC_LIB) $(DEPS_LIBS) $(EXTRA_LIBS) \
	    $(CUNIT_LIBS) $(LDFLAGS)

# test-limits links the CLI limits helper and exports its malloc()
# wrappers so that GLib's allocations go through them too.
$(B)/tests/test-limits: $(B)/tools/cli-limits.o
$(B)/tests/test-limits: TEST_EXTRA_OBJS = $(B)/tools/cli-limits.o -rdynamic
$(B)/tests/test-qjson-glib: EXTRA_LIBS = $(JSON_GLIB_LIBS)
$(B)/bench/bench-qjson: EXTRA_LIBS = $(JSON_GLIB_LIBS)

$(B)/bench/%: $(B)/bench/%.o $(LINK_DEVICES) $(STATIC_LIB)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LINK_DEVICES) $(STATIC_LIB) \
	    $(DEPS_LIBS) $(EXTRA_LIBS) $(LDFLAGS)

# The plugins of both trees are the same files, so they never take the
# sanitizer flags: a plain CLI cannot load a plugin built with ASan ("ASan
# runtime does not come first"), while an ASan CLI loads a plain one.
PLUGIN_CFLAGS = $(filter-out -fsanitize=% -fno-sanitize%,$(CFLAGS))
build/tests/plugins/%.so: tests/plugins/%.c
	@mkdir -p $(@D)
	$(call quiet,CC,$<)
	$(Q)$(CC) $(filter-out -fvisibility=hidden,$(QVISIT_CFLAGS)) \
	    $(PLUGIN_CFLAGS) -MMD -MP -shared -o $@ $<

# Each suite is its own process, so a crash hides no other suite.
# TEST_WRAPPER lets check-valgrind reuse this rule.
# The suites' summary line comes last, so it closes the output.
check: all $(TESTS) $(PLUGINS)
	$(Q)CC='$(CC)' DEPS_CFLAGS='$(DEPS_CFLAGS)' \
	    tests/check-exports.sh $(SHARED_LIB) include
	$(Q)tests/check-layers.sh $(B)
	$(Q)tests/check-plugins.sh $(PLUGINS)
	$(Q)$(if $(BUILD_ASAN),,CC='$(CC)' MAKE='$(MAKE)' tests/check-install.sh)
	$(Q)G_DEBUG=fatal-criticals QVISIT_CLI=$(CLI) \
	    TEST_WRAPPER='$(TEST_WRAPPER)' tests/run-suites.sh $(TESTS)

# The layering check alone (make check runs it too); it reads the objects.
check-layers: all
	$(Q)tests/check-layers.sh $(B)

# Real QEMU streams generated on the spot; skipped without QEMU.
check-live: all
	$(Q)QVISIT_CLI=$(CLI) tests/live-qemu.sh

check-valgrind:
	$(Q)$(MAKE) --no-print-directory check \
	    TEST_WRAPPER='valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite'

# ASan/UBSan build in its own tree so it never mixes with normal objects.
check-asan:
	$(Q)$(MAKE) --no-print-directory check BUILD_ASAN=1 \
	    CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all'

bench: all $(BENCHES)
	$(Q)bench/run.sh

demo: all
	$(Q)examples/run-demo.sh

install: all
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/qvisit \
	    $(DESTDIR)$(BINDIR)
	install -m 644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHARED_LIB).$(VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf libqvisit.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf libqvisit.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libqvisit.so
	install -m 644 include/qvisit/*.h $(DESTDIR)$(INCLUDEDIR)/qvisit/
	install -m 755 $(CLI) $(DESTDIR)$(BINDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    qvisit.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/qvisit.pc

clean:
	rm -rf build

# libFuzzer targets, one per input surface (fuzz/fuzz-*.c), built with clang
# into build/fuzz/ from their own sanitized objects. `make fuzz-smoke` runs
# each for FUZZ_SECONDS; see docs/security.md for longer runs.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN)
FUZZ_SUPPORT_SRCS := fuzz/fuzz-common.c tests/support/fuzz-sink.c \
                     tests/support/fuzz-harness.c tests/support/example-vm.c \
                     tests/support/vmstate-dev.c
FUZZ_SRCS := $(filter-out $(FUZZ_SUPPORT_SRCS), \
                            $(sort $(wildcard fuzz/fuzz-*.c)))
FUZZ_TARGETS := $(FUZZ_SRCS:fuzz/%.c=build/fuzz/%)
FUZZ_LIB_OBJS := $(patsubst %.c,build/fuzz/obj/%.o,$(LIB_SRCS) $(DEV_SRCS) \
                   $(FUZZ_SUPPORT_SRCS))

build/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(call quiet,FUZZCC,$<)
	$(Q)$(FUZZ_CC) $(QVISIT_CFLAGS) $(FUZZ_CFLAGS) \
	    -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_TARGETS): build/fuzz/%: build/fuzz/obj/fuzz/%.o $(FUZZ_LIB_OBJS)
	$(call quiet,FUZZLD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(DEPS_LIBS)

fuzz: $(FUZZ_TARGETS)

# Regenerates the generated seeds in fuzz/corpus/ (committed).
GEN_SEEDS_SRCS := fuzz/gen-seeds.c tests/support/fuzz-sink.c \
                  tests/support/example-vm.c
GEN_SEEDS_OBJS := $(GEN_SEEDS_SRCS:%.c=$(B)/%.o)
build/fuzz/gen-seeds: $(GEN_SEEDS_OBJS) $(LINK_DEVICES) $(STATIC_LIB)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $(GEN_SEEDS_OBJS) $(LINK_DEVICES) \
	    $(STATIC_LIB) $(DEPS_LIBS) $(LDFLAGS)

fuzz-seeds: build/fuzz/gen-seeds
	$(Q)build/fuzz/gen-seeds
	$(Q)fuzz/collect-seeds.sh

fuzz-smoke: fuzz
	$(Q)fuzz/run.sh --smoke $(FUZZ_SECONDS) $(FUZZ_TARGETS:build/fuzz/%=%)

-include $(ALL_OBJS:.o=.d) $(FUZZ_LIB_OBJS:.o=.d) \
         $(FUZZ_TARGETS:build/fuzz/%=build/fuzz/obj/fuzz/%.d) \
         $(GEN_SEEDS_OBJS:.o=.d) $(PLUGINS:.so=.d)
