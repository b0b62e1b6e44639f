# gnbd — GNU make build. `make` builds build/gnbd and build/gnbctl; `make check` runs every test;
# `make check SANITIZE=1` runs them under ASan+UBSan (objects in build-san/); `make bench` prints benchmarks.
# Every layer folder (gnb drivers phy mac rrc rlc pdcp asn1 ngap) becomes one static library: drop a .c file in and it
# is built; tests/unit/test_*.c, tests/bench/bench_*.c and tests/fuzz/fuzz_*.c become one program each.

PREFIX  ?= /usr/local
DESTDIR ?=
VERSION := 0.1.0
CC      ?= cc

ifeq ($(SANITIZE),1)
  BUILD    ?= build-san
  SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  OPT      := -O1
else ifeq ($(SANITIZE),thread)
  BUILD    ?= build-tsan
  SANFLAGS := -fsanitize=thread
  OPT      := -O1
else
  BUILD    ?= build
  SANFLAGS :=
  OPT      ?= -O2
endif

# Optional radio libraries: a backend whose library is absent is compiled out (configuring it is an error).
HAVE_UHD   := $(shell pkg-config --exists uhd && echo 1)
HAVE_SOAPY := $(shell pkg-config --exists SoapySDR && echo 1)
PKGS := libzmq libconfig fftw3f libsystemd libcjson usrsctp libcrypto
ifeq ($(HAVE_UHD),1)
  PKGS += uhd
  DEFS += -DHAVE_UHD=1
endif
ifeq ($(HAVE_SOAPY),1)
  PKGS += SoapySDR
  DEFS += -DHAVE_SOAPY=1
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# uhd.pc also lists -lboost_system, which only its C++ API needs (and whose -dev package we do not install).
PKG_LIBS   := $(filter-out -lboost_%,$(shell pkg-config --libs $(PKGS) 2>/dev/null))
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

WARN    := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
CFLAGS  := -std=c11 -D_GNU_SOURCE -g $(OPT) $(WARN) $(SANFLAGS) -pthread -I. $(DEFS) \
           -DGNBD_VERSION=\"$(VERSION)\" $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS := $(SANFLAGS) -pthread $(EXTRA_LDFLAGS)
LDLIBS  := $(PKG_LIBS) -lm

LAYERS  := gnb drivers phy mac rrc rlc pdcp asn1 ngap gtpu
MAINS   := gnb/main.c gnb/gnbctl.c
# Sources of a layer: every .c below its folder, except the programs' mains.
layer_srcs = $(filter-out $(MAINS),$(shell find $(1) -name '*.c' 2>/dev/null | sort))
LIBS    := $(foreach l,$(LAYERS),$(if $(call layer_srcs,$(l)),$(BUILD)/lib$(l).a))
LINKLIBS = -Wl,--start-group $(LIBS) -Wl,--end-group

UNIT_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
BENCH_SRCS := $(sort $(wildcard tests/bench/bench_*.c))
BENCH_BINS := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))
# Helper programs used by integration tests (test peers, UE simulator): tests/tools/*.c and tests/uesim/*.c
TOOL_SRCS  := $(sort $(wildcard tests/tools/*.c))
TOOL_BINS  := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRCS))
UESIM_SRCS := $(sort $(wildcard tests/uesim/*.c))
UESIM_BIN  := $(if $(UESIM_SRCS),$(BUILD)/uesim)

# Keep the objects of test, bench and tool programs (intermediate: built by a chain of pattern rules) so rebuilds
# stay incremental. Only these: `.SECONDARY:` with no list would make every object intermediate, and make then
# skips compiling a new layer source whose library is newer than its other objects.
.SECONDARY: $(patsubst tests/%.c,$(BUILD)/tests/%.o,$(UNIT_SRCS) $(BENCH_SRCS) $(TOOL_SRCS))

.PHONY: all deps check check-unit check-integration bench fuzz fuzz-smoke run install clean interop interop-core sim tsan
all: $(BUILD)/gnbd $(BUILD)/gnbctl $(BUILD)/man/gnbd.conf.5

# gnbd.conf(5) is generated from the key table (gnb/config_table.c) by the daemon itself, so it cannot drift;
# gnbd(8) and gnbctl(1) are written by hand in docs/man/.
$(BUILD)/man/gnbd.conf.5: $(BUILD)/gnbd
	@mkdir -p $(dir $@)
	$(BUILD)/gnbd --print-config-manpage > $@.tmp && mv $@.tmp $@

deps:
	@scripts/install-deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

define layer_rule
$(BUILD)/lib$(1).a: $(patsubst %.c,$(BUILD)/%.o,$(call layer_srcs,$(1)))
	@rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(if $(call layer_srcs,$(l)),$(eval $(call layer_rule,$(l)))))

$(BUILD)/gnbd: $(BUILD)/gnb/main.o $(LIBS)
	$(CC) $(LDFLAGS) -o $@ $< $(LINKLIBS) $(LDLIBS)

$(BUILD)/gnbctl: $(BUILD)/gnb/gnbctl.o $(LIBS)
	$(CC) $(LDFLAGS) -o $@ $< $(LINKLIBS) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LINKLIBS) $(LDLIBS) $(CHECK_LIBS)

$(BUILD)/bench/%: $(BUILD)/tests/bench/%.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LINKLIBS) $(LDLIBS)

$(BUILD)/tools/%: $(BUILD)/tests/tools/%.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LINKLIBS) $(LDLIBS)

ifneq ($(UESIM_BIN),)
$(UESIM_BIN): $(patsubst %.c,$(BUILD)/%.o,$(UESIM_SRCS)) $(LIBS)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LINKLIBS) $(LDLIBS)
endif

# The README's test command. Installs dependencies if missing, builds, runs all tests.
check: deps
	@$(MAKE) --no-print-directory test-build
	@BUILD=$(BUILD) SANITIZE=$(SANITIZE) scripts/run-tests.sh

.PHONY: test-build
test-build: all $(UNIT_BINS) $(TOOL_BINS) $(UESIM_BIN)

# SoapySDR loopback device for test_radio_soapy (tests/soapy/gnbd_loopback.cpp, the tree's one C++ file),
# loaded at run time from $(BUILD)/soapy through SOAPY_SDR_PLUGIN_PATH.
ifeq ($(HAVE_SOAPY),1)
SOAPY_LOOPBACK := $(BUILD)/soapy/libgnbd_loopback.so
$(SOAPY_LOOPBACK): tests/soapy/gnbd_loopback.cpp
	@mkdir -p $(dir $@)
	g++ -std=c++17 -shared -fPIC -Wall -Wextra -Werror -o $@ $< $(shell pkg-config --cflags --libs SoapySDR)
test-build $(BUILD)/tests/test_radio_soapy: $(SOAPY_LOOPBACK)
endif

# ThreadSanitizer run of the ring, packet pool, user-plane stage, UE table, pcap writer, ZeroMQ radio and pipeline tests (libzmq internals
# suppressed: tests/tsan.supp).
# Only what those tests run is built (daemon, gnbctl, six unit tests, zmq_peer, uesim), not the whole test build.
TSAN_UNIT := test_ring test_pkt_pool test_up_stage test_ue_table test_pcap_writer test_radio_zmq
TSAN_INTEGRATION := test_zmq_pipeline test_daemon
tsan:
	@$(MAKE) --no-print-directory SANITIZE=thread all $(addprefix build-tsan/tests/,$(TSAN_UNIT)) \
	  build-tsan/tools/zmq_peer build-tsan/uesim
	@BUILD=build-tsan SANITIZE=thread TESTS="$(TSAN_UNIT) $(TSAN_INTEGRATION)" scripts/run-tests.sh

bench: all $(BENCH_BINS) $(TOOL_BINS)
	@for b in $(BENCH_BINS); do echo "== $$b"; $$b || exit 1; done
	@for b in tests/bench/bench_*.sh; do echo "== $$b"; BUILD=$(BUILD) bash $$b || exit 1; done

# BLER simulation (tests/sim/bler_sim.c): SNR at 10% BLER per MCS, int8 min-sum vs the sum-product reference,
# table + $(BUILD)/sim/bler_sim.png when gnuplot is installed. Not part of `make check`.
$(BUILD)/sim/bler_sim: $(BUILD)/tests/sim/bler_sim.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LINKLIBS) $(LDLIBS)

# PUCCH format 1 ACK-missed / NACK->ACK / DTX->ACK rates over AWGN (tests/sim/pucch_sim.c, 38.104 8.3 targets).
$(BUILD)/sim/pucch_sim: $(BUILD)/tests/sim/pucch_sim.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LINKLIBS) $(LDLIBS)

# PRACH detection / false-alarm rates over AWGN (tests/sim/prach_sim.c, issue 11 and 38.104 8.4 targets).
$(BUILD)/sim/prach_sim: $(BUILD)/tests/sim/prach_sim.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LINKLIBS) $(LDLIBS)

sim: $(BUILD)/sim/bler_sim $(BUILD)/sim/pucch_sim $(BUILD)/sim/prach_sim
	$(BUILD)/sim/bler_sim -o $(BUILD)/sim
	nice -n 10 $(BUILD)/sim/pucch_sim
	nice -n 10 $(BUILD)/sim/prach_sim

# libFuzzer targets (clang): `make fuzz` builds them into build-fuzz/; FUZZ_SECONDS bounds each run.
FUZZ_SRCS    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60
fuzz:
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/run-fuzz.sh $(FUZZ_SRCS)
fuzz-smoke:
	@FUZZ_SECONDS=10 scripts/run-fuzz.sh $(FUZZ_SRCS)

run: deps all $(UESIM_BIN)
	@scripts/run-demo.sh

# gnbd + srsUE (SRSUE=/path/to/srsue; srsUE is not part of this project). Not in `make check`.
INTEROP_ARGS ?= --expect cell
interop: all
	@scripts/interop-srsue.sh $(INTEROP_ARGS)

# gnbd + srsUE + Open5GS (OPEN5GS_PREFIX=/path, SRSUE=/path; both outside peers; root for network namespaces).
# Not in `make check`.
CORE_ARGS ?=
interop-core: all
	@scripts/interop-core.sh $(CORE_ARGS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/etc/gnbd $(DESTDIR)$(PREFIX)/lib/systemd/system \
	           $(DESTDIR)$(PREFIX)/share/doc/gnbd
	install -m 644 README.md $(DESTDIR)$(PREFIX)/share/doc/gnbd/README.md
	install -m 755 $(BUILD)/gnbd $(BUILD)/gnbctl $(DESTDIR)$(PREFIX)/bin/
	install -m 644 conf/gnbd.conf $(DESTDIR)$(PREFIX)/etc/gnbd/gnbd.conf
	sed -e 's|@PREFIX@|$(PREFIX)|g' conf/gnbd.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/gnbd.service
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man8 \
	           $(DESTDIR)$(PREFIX)/share/doc/gnbd/examples $(DESTDIR)$(PREFIX)/share/doc/gnbd/srsue
	install -m 644 docs/man/gnbctl.1 $(DESTDIR)$(PREFIX)/share/man/man1/gnbctl.1
	install -m 644 $(BUILD)/man/gnbd.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/gnbd.conf.5
	install -m 644 docs/man/gnbd.8 $(DESTDIR)$(PREFIX)/share/man/man8/gnbd.8
	install -m 644 conf/examples/*.conf $(DESTDIR)$(PREFIX)/share/doc/gnbd/examples/
	install -m 644 conf/srsue/*.conf $(DESTDIR)$(PREFIX)/share/doc/gnbd/srsue/

clean:
	rm -rf build build-san build-tsan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
