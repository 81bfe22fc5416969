# rygbot — `make help` lists every target.
PY := .venv/bin/python

.DEFAULT_GOAL := help
.PHONY: help install run run-cluster test lint test-fast test-browser train chat redflags-eval bench content-check content-preview nlu-report purge soup soak stats bench-cluster bench-chat clean clean-conversations

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

install: ## Create .venv with Python 3.10 and the pinned dependencies (quick when done)
	@bash scripts/bootstrap.sh

run: install ## Train if needed, start the action server and Rasa, print the demo page URL
	@$(PY) -m bot run

run-cluster: install ## Several Rasa instances behind nginx with PostgreSQL and Redis (INSTANCES=2)
	@$(PY) -m bot run --instances $(or $(INSTANCES),2)

test: install lint ## Lint, then every test: unit, red-flag set, content, Rasa stories, end-to-end, browser
	@bash scripts/ensure-test-packages.sh
	@$(PY) -m pytest

lint: install ## ruff and mypy as configured in pyproject.toml
	@.venv/bin/ruff check
	@.venv/bin/mypy

test-fast: install ## Run only the tests that need no trained model or browser
	@$(PY) -m pytest -m "not slow and not browser"

test-browser: install ## Browser tests of the widget (headless Chromium against the real servers)
	@bash scripts/ensure-test-packages.sh
	@$(PY) -m pytest -m browser

train: install ## Train the Rasa model if data, domain or config changed
	@$(PY) -m bot train

chat: install ## Chat with the bot in the terminal (servers must be running: make run)
	@$(PY) -m bot chat

redflags-eval: install ## Escalated, caught and asked figures on the own red-flag test set (strict)
	@$(PY) -m bot redflags --evaluate tests/redflags/testset.yml --strict

bench: install ## Red-flag detector throughput and latency
	@$(PY) -m bot bench redflags

bench-chat: install ## rygbot vs a stock `rasa init` bot: latency, msg/s, RSS at 1/20/50 users (~8 min; ARGS=...)
	@$(PY) -m bot bench chat $(ARGS)

content-check: install ## Validate content/ (schema, ids, sources, LIX)
	@$(PY) -m bot content check

content-preview: install ## Write build/preview.html with every text and red-flag question
	@$(PY) -m bot content preview

nlu-report: install ## NLU cross-validation report (intent F1 per intent) in results/
	@$(PY) -m bot nlu-report

purge: install ## Delete conversations older than RYGBOT_RETENTION_DAYS (make run does it daily)
	@$(PY) -m bot purge

soup: install ## Regenerate docs/safety/soup.md (third-party packages) from constraints.txt
	@$(PY) -m bot soup

soak: install ## 50 concurrent consultations for 10 minutes against `make run` (loopback only)
	@$(PY) -m bot soak --url http://127.0.0.1:$${RYGBOT_RASA_PORT:-5005} --users 50 --seconds 600

bench-cluster: install ## Messages per second of 1 vs 2 Rasa instances behind nginx, here (alternating rounds)
	@$(PY) -m bot bench cluster $(ARGS)

stats: install ## Clinic statistics without personal data (ARGS="--since 2026-12-01 --format html")
	@$(PY) -m bot stats $(ARGS)

clean: ## Remove trained models, build output and test artifacts (keeps .venv and the conversations in var/)
	rm -rf models build results test-artifacts .pytest_cache .hypothesis

clean-conversations: ## Delete every stored conversation and generated setting in var/ (make purge keeps the recent ones)
	@echo "Deleting every stored conversation and generated setting in var/"
	rm -rf var
