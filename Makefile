# Everything runs locally: no AWS account, no Docker. `make test` is what CI runs.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
CHECKOV_VENV := .venv-checkov
# Local Glue 6.x job runs use Spark 4.1 from a venv of its own (local_aws/executors/spark_lines.py);
# .venv has Glue 5.x's Spark 3.5.
SPARK4_VENV := .venv-spark4
PY := $(VENV)/bin/python
# The offline provider mirror where it exists (see terraform.rc); Terraform's defaults elsewhere.
export TF_CLI_CONFIG_FILE := $(if $(wildcard /opt/tf-plugins),$(CURDIR)/terraform.rc,/dev/null)
export TF_IN_AUTOMATION := 1

# Spark reads the demo's PostgreSQL source with Debian's JDBC driver, installed when missing.
JDBC_DRIVER := /usr/share/java/postgresql.jar
# Local Iceberg: jars built once per venv (tools/build_iceberg_jars.py) with Debian's jarjar.
ICEBERG_JARS := $(VENV)/share/iceberg-jars
JARJAR := /usr/share/java/jarjar.jar
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT_INSTALL = DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $(1) || \
	{ $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $(1); }

.PHONY: help test test-fast fast-tests lint validate unit demo emulator-up emulator-down example-data lambdas docs fmt bench bench-polling bench-jobs bench-cost clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(SPARK4_VENV)/.installed: requirements-spark41.txt
	$(PYTHON) -m venv $(SPARK4_VENV)
	$(SPARK4_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-spark41.txt
	touch $@

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	touch $@

$(JDBC_DRIVER):
	@echo "Installing the PostgreSQL JDBC driver (Debian package libpostgresql-jdbc-java)"
	$(call APT_INSTALL,libpostgresql-jdbc-java)

$(JARJAR):
	@echo "Installing jarjar (Debian package libjarjar-java), which relocates Iceberg's Jackson"
	$(call APT_INSTALL,libjarjar-java)

$(ICEBERG_JARS)/.built: requirements-iceberg-jars.txt tools/build_iceberg_jars.py $(VENV)/.installed | $(JARJAR)
	rm -rf $(ICEBERG_JARS)
	$(PY) tools/build_iceberg_jars.py $(ICEBERG_JARS)
	touch $@

# Test modules (and test classes) run in parallel, each on one worker with its own emulator, so that
# a module's deployed stack, PostgreSQL or JVM is built once. Much of a run is waiting (Terraform's
# consistency waits, emulated crawls), so there are more workers than cores.
TEST_WORKERS ?= 3
PYTEST := $(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope

test: lint unit ## static checks, then every test (what CI runs)

test-fast: $(VENV)/.installed $(CHECKOV_VENV)/.installed ## static checks beside the tests that apply no Terraform and run no Spark
	$(MAKE) --no-print-directory -j2 --output-sync=target lint fast-tests

fast-tests: $(VENV)/.installed
	$(PYTEST) -m "not terraform and not spark"

# Then the job-level suites again on Spark 4.1 (Glue 6.x's), after the others: 2 cores, a JVM a line.
unit: $(VENV)/.installed $(SPARK4_VENV)/.installed $(JDBC_DRIVER) $(ICEBERG_JARS)/.built ## the pytest suites only (Lambdas, Glue jobs on Spark 3.5 and 4.1, local stack, Terraform, state machine, end to end)
	$(PYTEST)
	$(SPARK4_VENV)/bin/python -m pytest -m spark41 tests/glue

demo: $(VENV)/.installed $(SPARK4_VENV)/.installed $(JDBC_DRIVER) $(ICEBERG_JARS)/.built ## the whole pipeline on this machine, from a real PostgreSQL source (~2 minutes)
	$(PY) -m local_aws.demo

lint: $(VENV)/.installed $(CHECKOV_VENV)/.installed ## fmt, validate, ruff, mypy, checkov, parliament over the examples' IAM policies
	terraform fmt -check -recursive
	$(MAKE) --no-print-directory validate
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy lambdas glue_scripts local_aws tools benchmarks
	$(CHECKOV_VENV)/bin/checkov --quiet --compact --skip-download -d . --framework terraform \
		--skip-path '\.venv' --skip-path '\.local' --skip-path '\.tftest\.hcl$$'
	$(PY) -m tools.lint_iam_policies

validate: ## terraform validate of the module, its tests and examples (make lint and the pre-commit hook run it)
	TF_DATA_DIR=$(CURDIR)/.local/lint/.terraform terraform init -backend=false -input=false >/dev/null
	TF_DATA_DIR=$(CURDIR)/.local/lint/.terraform terraform validate

emulator-up: $(VENV)/.installed $(SPARK4_VENV)/.installed $(JDBC_DRIVER) $(ICEBERG_JARS)/.built ## start the local AWS emulator on 127.0.0.1:4566, Glue jobs run on local Spark (3.5 for 5.x, 4.1 for 6.x)
	$(PY) -m local_aws.emulator up

emulator-down: $(VENV)/.installed ## stop it, and delete the examples' emulator_override.tf (make example-data writes them)
	$(PY) -m local_aws.emulator down
	rm -f examples/*/emulator_override.tf

# EXAMPLE: minimal, event_driven, glue_workflow or complete; REGION: where the example is applied (us-east-1).
example-data: $(VENV)/.installed ## put what an example reads in the emulator, and point the example at it: make example-data EXAMPLE=minimal
	$(PY) -m local_aws.example_data $(EXAMPLE) $(if $(REGION),--region $(REGION))

lambdas: ## rebuild the committed Lambda zips from lambdas/*.py
	$(PYTHON) tools/build_lambda_packages.py

# Graphviz draws docs/state_machine/*.svg; the checks of docs/ compare DOT text and need none.
DOT := /usr/bin/dot
$(DOT):
	@echo "Installing Graphviz (Debian package graphviz), which draws docs/state_machine/*.svg"
	$(call APT_INSTALL,graphviz)

docs: $(VENV)/.installed | $(DOT) ## regenerate the README's Inputs/Outputs tables and docs/state_machine/ (each mode's definition and picture)
	$(PY) tools/terraform_docs.py
	$(PY) -m tools.state_machine_docs

fmt: $(VENV)/.installed ## format Terraform and Python
	terraform fmt -recursive
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	$(PYTHON) tools/build_lambda_packages.py

bench: bench-polling bench-jobs bench-cost ## every benchmark: figures printed, never pass/fail

bench-polling: $(VENV)/.installed ## waiting for a crawl: polling, events, a Glue workflow and a fixed 5 s loop (T = 60, 300, 900 s)
	$(PY) benchmarks/bench_polling.py --crawl-seconds 60 300 900


bench-jobs: $(VENV)/.installed ## the cleanse job's cleansing on 100k and 1M synthetic rows, Spark beside DuckDB
	$(PY) benchmarks/bench_cleansing.py --rows 100000 1000000

bench-cost: $(VENV)/.installed ## the billed and latency floors of one run of 1, 10 and 50 tables in each mode, priced by lambdas/run_cost.py
	$(PY) benchmarks/bench_cost.py --tables 1 10 50

clean: ## remove the venvs and local state
	rm -rf $(VENV) $(SPARK4_VENV) $(CHECKOV_VENV) .local .pytest_cache .mypy_cache .ruff_cache
